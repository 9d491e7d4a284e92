//! `startup-mode`: in which of the installed shells' start-up modes `go` is not gover's shim,
//! found by running them (see [`super::probe`]), and which file would fix it.

use std::path::Path;

use super::probe::{Outcome, Probe};
use super::scan::Scan;
use super::{Context, Finding, Fix, Repair, Severity};
use crate::shell::{block, setup};

/// One finding per kind of trouble: modes whose files lack gover's block (one safe fix for
/// all), modes where a later file overrides the block, `bash -c`, and shells that did not answer.
pub fn check(ctx: &Context) -> Vec<Finding> {
    let mut no_block: Vec<String> = Vec::new();
    let mut no_block_files: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for probe in &ctx.probes {
        let label = probe.mode.label;
        let (go, path) = match &probe.outcome {
            Outcome::Ran { go: Some(go), .. } if ctx.is_shim(Path::new(go)) => continue,
            Outcome::Ran { go, path, .. } => (go.clone(), path.clone()),
            Outcome::TimedOut | Outcome::Failed(_) => {
                let why = match &probe.outcome {
                    Outcome::Failed(e) => e.clone(),
                    _ => format!(
                        "it did not answer within {}s",
                        super::probe::TIMEOUT.as_secs()
                    ),
                };
                out.push(Finding {
                    id: "startup-mode",
                    severity: Severity::Info,
                    title: format!("could not check `{label}`"),
                    evidence: vec![format!("{}: {why}", probe.program.display())],
                    fix: Fix::manual(
                        format!("run `{label} 'command -v go'` to see what it finds"),
                        None,
                    ),
                });
                continue;
            }
        };
        let found = match &go {
            Some(g) => ctx.describe_go(Path::new(g)),
            None => "no go".into(),
        };
        if probe.mode.inherits {
            out.push(inherited(ctx, label, &found));
            continue;
        }
        let files = probe.mode.setup_files(&ctx.dirs);
        let body = probe
            .mode
            .shell
            .integration()
            .setup_body(&ctx.front, &crate::pathenv::system_dirs());
        let missing: Vec<String> = files
            .iter()
            .filter(|f| !setup::is_current(f, &body))
            .map(|f| f.display().to_string())
            .collect();
        if !missing.is_empty() {
            no_block.push(format!(
                "`{label}` finds {found}; needs the block in {}",
                missing.join(", ")
            ));
            for f in missing {
                if !no_block_files.contains(&f) {
                    no_block_files.push(f);
                }
            }
            continue;
        }
        // The shims lead PATH and still no `go`: the shims themselves are missing, which
        // `active-version` and `stale-link` report; no file overrides anything.
        if path.split(':').next().map(Path::new) == Some(ctx.shims.as_path()) {
            continue;
        }
        out.push(overridden(ctx, probe, &found, go.as_deref(), &path));
    }
    if !no_block.is_empty() {
        no_block.push(format!("gover would run {}", ctx.active_label()));
        out.insert(
            0,
            Finding {
                id: "startup-mode",
                severity: Severity::Warning,
                title: format!(
                    "`go` is not gover's shim in {} shell mode{}",
                    no_block.len() - 1,
                    if no_block.len() == 2 { "" } else { "s" }
                ),
                evidence: no_block,
                fix: Fix::safe(
                    format!("write gover's setup block to {}", no_block_files.join(", ")),
                    Repair::Setup,
                ),
            },
        );
    }
    out
}

fn inherited(ctx: &Context, label: &str, found: &str) -> Finding {
    let reads = match crate::env::var("BASH_ENV") {
        Some(f) => format!("it reads only $BASH_ENV ({f}) and inherits PATH from its parent (this shell)"),
        None => "it reads no startup file ($BASH_ENV is unset) and inherits PATH from its parent (this shell)".into(),
    };
    Finding {
        id: "startup-mode",
        severity: Severity::Warning,
        title: format!("`{label}` (scripts, cron, CI, Docker RUN) does not run gover's go"),
        evidence: vec![format!("`{label}` finds {found}"), reads],
        fix: Fix::manual(
            format!(
                "open a new shell after `gover setup` (what it starts inherits the shims) or run `eval \"$(gover env)\"`; \
                 in cron, CI and Docker put {} first on PATH (GitHub Actions: `gover setup` writes $GITHUB_PATH)",
                ctx.shims.display()
            ),
            None,
        ),
    }
}

/// gover's block is in place, so a file read after it puts another dir first.
fn overridden(ctx: &Context, probe: &Probe, found: &str, go: Option<&str>, path: &str) -> Finding {
    let label = probe.mode.label;
    let head: Vec<&str> = path.split(':').take(3).collect();
    let mut evidence = vec![
        format!("`{label}` finds {found}"),
        format!("its PATH starts {}", head.join(":")),
    ];
    let winner_dir = go
        .and_then(|g| Path::new(g).parent())
        .map(|d| d.display().to_string());
    let reads = probe.mode.reads(&ctx.dirs);
    let culprits: Vec<_> = ctx
        .scan
        .edits
        .iter()
        .filter(|e| reads.contains(&e.file))
        .filter(|e| winner_dir.as_ref().is_some_and(|w| e.dirs.contains(w)) || !e.keeps_path)
        .collect();
    // Only a line that runs after the last gover block this mode reads can undo it; of those,
    // the last one read is the one that wins (it runs last). A line above the block is
    // harmless: the block puts the shims first again.
    let order = |file: &Path, line: usize| (reads.iter().position(|f| f == file), line);
    let last_block = reads.iter().rev().find_map(|f| {
        let text = std::fs::read_to_string(f).ok()?;
        let found = block::find(&text)?;
        let end_line = found.line + text[found.start..found.end].lines().count() - 1;
        Some(order(f, end_line))
    });
    let after: Vec<_> = culprits
        .iter()
        .filter(|e| last_block.is_none_or(|b| order(&e.file, e.line) > b))
        .copied()
        .collect();
    let winner = after
        .iter()
        .max_by_key(|e| order(&e.file, e.line))
        .or_else(|| culprits.iter().max_by_key(|e| order(&e.file, e.line)));
    if let Some(w) = winner {
        let how = if after.is_empty() {
            "puts it first"
        } else {
            "runs after gover's block and wins"
        };
        evidence.push(format!(
            "{} {how}: {}",
            Scan::file_line(&w.file, w.line),
            w.text
        ));
    }
    for e in after
        .iter()
        .filter(|e| winner.is_none_or(|w| !std::ptr::eq(**e, *w)))
    {
        evidence.push(format!("{}: {}", Scan::file_line(&e.file, e.line), e.text));
    }
    let command = winner.map(|w| Scan::comment_out(&w.file, w.line));
    let also = winner
        .zip(winner_dir.as_deref())
        .and_then(|(w, d)| Scan::also_adds(w, d))
        .map(|n| format!("; {n}"))
        .unwrap_or_default();
    Finding {
        id: "startup-mode",
        severity: Severity::Warning,
        title: format!("`{label}`: a file read after gover's block puts another dir first"),
        evidence,
        fix: Fix::manual(
            format!("comment out that line, or move gover's block below it{also}"),
            command,
        ),
    }
}
