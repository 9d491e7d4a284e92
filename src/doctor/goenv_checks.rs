//! `goroot-mismatch` (GOROOT in the environment or persisted by `go env -w` naming another
//! release than the one gover runs) and `gotoolchain-persisted` (GOTOOLCHAIN saved by
//! `go env -w`, which lets `go` download and switch to a toolchain gover did not choose).

use std::path::{Path, PathBuf};

use super::scan::Scan;
use super::{Context, Finding, Fix, Repair, Severity};
use crate::go_env_file;

fn same_dir(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

pub fn goroot(ctx: &Context) -> Vec<Finding> {
    let Some(active) = &ctx.active_version else {
        return Vec::new();
    };
    let expected = ctx.home.version_dir(active);
    let shim_wins = Context::which_go(&ctx.path).is_some_and(|(_, exe)| ctx.is_shim(&exe));
    // Through the shim, `go` gets the right GOROOT anyway; other tools (IDEs, scripts
    // running $GOROOT/bin/go) still see the wrong one.
    let severity = if shim_wins {
        Severity::Warning
    } else {
        Severity::Error
    };
    let describe = |root: &Path| match ctx.go_version(&root.join("bin").join("go")) {
        Some(v) => format!("{} (go{v})", root.display()),
        None => format!("{} (no go there)", root.display()),
    };
    let mut out = Vec::new();
    if let Some(value) = crate::env::var(crate::env::GOROOT) {
        let root = PathBuf::from(&value);
        if !same_dir(&root, &expected) {
            let mut evidence = vec![
                format!("GOROOT={} in the environment", describe(&root)),
                format!(
                    "gover runs {} from {}",
                    ctx.active_label(),
                    expected.display()
                ),
            ];
            let lines: Vec<_> = ctx
                .scan
                .vars
                .iter()
                .filter(|v| v.name == "GOROOT")
                .collect();
            for v in &lines {
                evidence.push(format!(
                    "{} sets GOROOT={}",
                    Scan::file_line(&v.file, v.line),
                    v.value
                ));
            }
            let command = lines
                .iter()
                .find(|v| !v.file.starts_with("/etc"))
                .map(|v| Scan::comment_out(&v.file, v.line));
            out.push(Finding {
                id: "goroot-mismatch",
                severity,
                title: "GOROOT names a different Go release than gover runs".into(),
                evidence,
                fix: Fix::manual(
                    "stop exporting GOROOT (the shim sets it for each `go` it runs), then `unset GOROOT`",
                    command.or(Some("unset GOROOT".into())),
                ),
            });
        }
    }
    out.extend(goroot_in_modes(ctx, &expected, &describe));
    if let (Some(file), Some(s)) = (&ctx.goenv_file, go_env_file::get(&ctx.goenv, "GOROOT"))
        && !same_dir(Path::new(&s.value), &expected)
    {
        out.push(Finding {
            id: "goroot-mismatch",
            severity,
            title: "`go env -w` persisted a GOROOT of a different Go release".into(),
            evidence: vec![
                format!(
                    "{} sets GOROOT={}",
                    Scan::file_line(file, s.line),
                    describe(Path::new(&s.value))
                ),
                format!(
                    "gover runs {} from {}",
                    ctx.active_label(),
                    expected.display()
                ),
            ],
            fix: Fix::safe(
                format!(
                    "`go env -u GOROOT`: remove it from {} (backed up first)",
                    file.display()
                ),
                Repair::GoEnvUnset {
                    file: file.clone(),
                    key: "GOROOT".into(),
                },
            ),
        });
    }
    out
}

/// The values of `name` the shell modes' startup files left (what the probes saw), but those
/// `skip` accepts: each value with the modes that get it (as `` `bash -lc` ``) and the lines
/// setting `name` in the files those modes read.
fn by_mode<'a>(
    ctx: &'a Context,
    name: &str,
    skip: impl Fn(&str) -> bool,
) -> Vec<(String, Vec<String>, Vec<&'a super::scan::VarSet>)> {
    let mut values: Vec<(String, Vec<&super::probe::Probe>)> = Vec::new();
    for probe in &ctx.probes {
        let super::probe::Outcome::Ran {
            goroot,
            gotoolchain,
            ..
        } = &probe.outcome
        else {
            continue;
        };
        let value = if name == "GOROOT" {
            goroot
        } else {
            gotoolchain
        };
        let Some(value) = value.as_deref().filter(|v| !skip(v)) else {
            continue;
        };
        match values.iter_mut().find(|(v, _)| v == value) {
            Some((_, modes)) => modes.push(probe),
            None => values.push((value.to_string(), vec![probe])),
        }
    }
    values
        .into_iter()
        .map(|(value, probes)| {
            let reads: Vec<PathBuf> = probes
                .iter()
                .flat_map(|p| p.mode.reads(&ctx.dirs))
                .collect();
            let lines = ctx
                .scan
                .vars
                .iter()
                .filter(|v| v.name == name && reads.contains(&v.file))
                .collect();
            let labels = probes
                .iter()
                .map(|p| format!("`{}`", p.mode.label))
                .collect();
            (value, labels, lines)
        })
        .collect()
}

/// A GOROOT that shell modes' startup files set (what the probes saw), other than this
/// process's own (reported above) and gover's: one finding per value, naming the modes that
/// get it and the lines that set it in the files those modes read, whichever shell doctor runs
/// in (`bash -ic` does not read `~/.profile`, yet a login shell does). See: issue 24, item 11.
fn goroot_in_modes(
    ctx: &Context,
    expected: &Path,
    describe: &dyn Fn(&Path) -> String,
) -> Vec<Finding> {
    let own = crate::env::var(crate::env::GOROOT);
    let mut out = Vec::new();
    let values = by_mode(ctx, "GOROOT", |root| {
        own.as_deref() == Some(root) || same_dir(Path::new(root), expected)
    });
    for (root, labels, lines) in values {
        let mut evidence = vec![
            format!(
                "{} get{} GOROOT={}",
                labels.join(", "),
                if labels.len() == 1 { "s" } else { "" },
                describe(Path::new(&root))
            ),
            format!(
                "gover runs {} from {}",
                ctx.active_label(),
                expected.display()
            ),
        ];
        for v in &lines {
            evidence.push(format!(
                "{} sets GOROOT={}",
                Scan::file_line(&v.file, v.line),
                v.value
            ));
        }
        let command = Scan::comment_out_one(lines.iter().map(|v| (v.file.as_path(), v.line)));
        out.push(Finding {
            id: "goroot-mismatch",
            severity: Severity::Warning,
            title: format!(
                "GOROOT in {} shell mode{} names a different Go release than gover runs",
                labels.len(),
                if labels.len() == 1 { "" } else { "s" }
            ),
            evidence,
            fix: Fix::manual(
                "stop exporting GOROOT there (the shim sets it for each `go` it runs; other tools \
                 that read $GOROOT see the wrong one)",
                command,
            ),
        });
    }
    out
}

pub fn gotoolchain(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    if let (Some(file), Some(s)) = (&ctx.goenv_file, go_env_file::get(&ctx.goenv, "GOTOOLCHAIN"))
        && s.value != crate::env::GOTOOLCHAIN_LOCAL
    {
        out.push(Finding {
            id: "gotoolchain-persisted",
            severity: Severity::Warning,
            title: format!("`go env -w` persisted GOTOOLCHAIN={}", s.value),
            evidence: vec![
                format!(
                    "{} sets GOTOOLCHAIN={}",
                    Scan::file_line(file, s.line),
                    s.value
                ),
                "`go` run outside the shims may download and switch to another toolchain".into(),
            ],
            fix: Fix::safe(
                format!(
                    "`go env -u GOTOOLCHAIN`: remove it from {} (backed up first)",
                    file.display()
                ),
                Repair::GoEnvUnset {
                    file: file.clone(),
                    key: "GOTOOLCHAIN".into(),
                },
            ),
        });
    }
    let own = crate::env::var(crate::env::GOTOOLCHAIN);
    // What the shell modes' startup files export, whichever shell doctor runs in.
    // See: issue 24, item 11.
    for (value, labels, lines) in by_mode(ctx, "GOTOOLCHAIN", |v| {
        v == crate::env::GOTOOLCHAIN_LOCAL || own.as_deref() == Some(v)
    }) {
        let mut evidence = vec![
            format!(
                "{} get{} GOTOOLCHAIN={value}",
                labels.join(", "),
                if labels.len() == 1 { "s" } else { "" }
            ),
            "the shims respect it, so `go` may switch away from the version gover chose".into(),
        ];
        evidence.extend(lines.iter().map(|v| {
            format!(
                "{} sets GOTOOLCHAIN={}",
                Scan::file_line(&v.file, v.line),
                v.value
            )
        }));
        out.push(Finding {
            id: "gotoolchain-env",
            severity: Severity::Info,
            title: format!(
                "GOTOOLCHAIN={value} is exported in {} shell mode{}",
                labels.len(),
                if labels.len() == 1 { "" } else { "s" }
            ),
            evidence,
            fix: Fix::manual(
                "stop exporting it there unless you mean it",
                Scan::comment_out_one(lines.iter().map(|v| (v.file.as_path(), v.line))),
            ),
        });
    }
    if let Some(value) = own.filter(|v| v != crate::env::GOTOOLCHAIN_LOCAL) {
        out.push(Finding {
            id: "gotoolchain-env",
            severity: Severity::Info,
            title: format!("GOTOOLCHAIN={value} is exported"),
            evidence: vec![
                "the shims respect it, so `go` may switch away from the version gover chose".into(),
            ],
            fix: Fix::manual(
                "unset it unless you mean it",
                Some("unset GOTOOLCHAIN".into()),
            ),
        });
    }
    out
}
