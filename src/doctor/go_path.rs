//! Which `go` this process's PATH finds, versus gover's shim (`shims-not-on-path`,
//! `path-go-shadowed`), and every Go SDK bin dir on PATH (`path-go-sdks`).

use super::{Context, Finding, Fix, Severity};
use crate::shell::is_executable;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let entries = ctx.entries();
    let shims_at = entries
        .iter()
        .position(|e| std::path::Path::new(e) == ctx.shims);
    let winner = Context::which_go(&ctx.path);
    let gover_runs = format!("gover would run {}", ctx.active_label());
    let mut out = Vec::new();
    match (&winner, shims_at) {
        (_, None) => {
            let mut evidence = vec![format!("{} is not on PATH", ctx.shims.display())];
            if let Some((i, exe)) = &winner {
                evidence.push(format!(
                    "go on PATH: {} at entry #{}",
                    ctx.describe_go(exe),
                    i + 1
                ));
            }
            evidence.push(gover_runs.clone());
            out.push(Finding {
                id: "shims-not-on-path",
                severity: if ctx.active_version.is_some() {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                title: "gover's shims are not on PATH, so `go` is not gover's".into(),
                evidence,
                fix: ctx.new_shell_fix(""),
            });
        }
        (Some((i, exe)), Some(s)) if !ctx.is_shim(exe) => {
            let dir = entries[*i];
            let mut evidence = vec![
                format!("go on PATH: {}", ctx.describe_go(exe)),
                format!(
                    "PATH entry #{} `{dir}` comes before the shims (entry #{})",
                    i + 1,
                    s + 1
                ),
                gover_runs.clone(),
            ];
            evidence.extend(ctx.lines_adding(dir));
            out.push(Finding {
                id: "path-go-shadowed",
                severity: Severity::Error,
                title: format!(
                    "`go` runs {} instead of gover's shim",
                    ctx.go_version(exe)
                        .map(|v| format!("go{v}"))
                        .unwrap_or_else(|| exe.display().to_string())
                ),
                evidence,
                fix: ctx.new_shell_fix(""),
            });
        }
        _ => {}
    }

    let mut sdks = Vec::new();
    let mut lines = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (i, dir) in entries.iter().enumerate() {
        // Relative and empty entries are `path-relative-entry`'s: never looked into here.
        let exe = std::path::Path::new(dir).join("go");
        if !exe.is_absolute() || seen.contains(dir) || ctx.is_shim(&exe) || !is_executable(&exe) {
            continue;
        }
        seen.push(dir);
        let shadowed = shims_at.is_some_and(|s| s < i);
        sdks.push(format!(
            "entry #{} {}{}",
            i + 1,
            ctx.describe_go(&exe),
            if shadowed {
                ", after the shims (unused)"
            } else {
                ""
            }
        ));
        lines.extend(ctx.lines_adding(dir));
    }
    if !sdks.is_empty() {
        let n = sdks.len();
        sdks.extend(lines);
        out.push(Finding {
            id: "path-go-sdks",
            severity: Severity::Info,
            title: format!(
                "{n} Go SDK bin dir{} on PATH besides gover's shims",
                if n == 1 { "" } else { "s" }
            ),
            evidence: sdks,
            fix: Fix::manual(
                "take them off PATH where they are added; gover's shims replace them",
                None,
            ),
        });
    }
    out
}
