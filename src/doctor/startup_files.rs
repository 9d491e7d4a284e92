//! What the startup files do to PATH, line by line: `startup-overwrites-path` (PATH set
//! without `$PATH`, dropping the system dirs), `startup-duplicate-append` (the same dir
//! added by more than one line) and `startup-go-before-block` (a line that runs `go` before
//! gover's block has put the shims on PATH).

use std::path::Path;

use super::scan::Scan;
use super::{Context, Finding, Fix, Severity};
use crate::shell::block;

fn comment_out(file: &Path, line: usize) -> Option<String> {
    // System files need root; we print the command either way.
    Some(Scan::comment_out(file, line))
}

pub fn overwrites_path(ctx: &Context) -> Vec<Finding> {
    ctx.scan
        .edits
        .iter()
        .filter(|e| !e.keeps_path && !e.dirs.iter().any(|d| d == "/usr/bin" || d == "/bin"))
        .map(|e| Finding {
            id: "startup-overwrites-path",
            severity: Severity::Error,
            title: format!("{} replaces PATH instead of adding to it", Scan::file_line(&e.file, e.line)),
            evidence: vec![
                format!("{}: {}", Scan::file_line(&e.file, e.line), e.text),
                "every shell that reads it loses the PATH it started with".into(),
            ],
            fix: Fix::manual(
                "comment it out (gover's shims replace Go dirs), or keep the old PATH: `export PATH=\"/dir:$PATH\"`",
                comment_out(&e.file, e.line),
            ),
        })
        .collect()
}

pub fn duplicate_appends(ctx: &Context) -> Vec<Finding> {
    let mut dirs: Vec<&str> = Vec::new();
    for e in ctx.scan.edits.iter().filter(|e| e.keeps_path) {
        for d in &e.dirs {
            if !dirs.contains(&d.as_str()) {
                dirs.push(d);
            }
        }
    }
    dirs.into_iter()
        .filter_map(|dir| {
            let lines: Vec<_> = ctx.scan.adding(dir).filter(|e| e.keeps_path).collect();
            let ours = std::path::Path::new(dir) == ctx.shims;
            (lines.len() > 1).then(|| Finding {
                id: "startup-duplicate-append",
                // gover's block adds the shims anyway and drops duplicates: only clutter.
                severity: if ours {
                    Severity::Info
                } else {
                    Severity::Warning
                },
                title: format!("`{dir}` is added to PATH {} times", lines.len()),
                evidence: lines
                    .iter()
                    .map(|e| format!("{}: {}", Scan::file_line(&e.file, e.line), e.text))
                    .collect(),
                fix: {
                    let base = if ours {
                        "gover's setup block adds this dir already: remove these lines"
                    } else {
                        "keep one (none for a Go SDK dir: gover's shims replace it)"
                    };
                    let repeats: Vec<(&Path, usize)> = lines
                        .iter()
                        .skip(1)
                        .map(|e| (e.file.as_path(), e.line))
                        .collect();
                    let command = Scan::comment_out_repeats(repeats.iter().copied());
                    // The lines the command comments out (those in the file it edits): say
                    // which also add other dirs.
                    let file = Scan::repeats_file(&repeats);
                    let notes: Vec<String> = lines
                        .iter()
                        .skip(1)
                        .filter(|e| file == Some(e.file.as_path()))
                        .filter_map(|e| Scan::also_adds(e, dir))
                        .collect();
                    let description = if notes.is_empty() {
                        base.to_string()
                    } else {
                        format!("{base}; {}", notes.join("; "))
                    };
                    Fix::manual(description, command)
                },
            })
        })
        .collect()
}

/// Lines that run `go` before the first gover block a shell mode reads: with no other Go on
/// PATH they print `go: command not found` at every start and set nothing. One finding per
/// line, naming the modes that run it early. See: issue 24, item 11.
pub fn go_before_block(ctx: &Context) -> Vec<Finding> {
    let mut early: Vec<(&super::scan::RunsGo, Vec<&str>, String)> = Vec::new();
    for mode in super::probe::MODES
        .iter()
        .filter(|m| !m.inherits && ctx.setup_shells.contains(&m.shell))
    {
        let reads = mode.reads(&ctx.dirs);
        let Some((at, file, line)) = reads.iter().enumerate().find_map(|(i, f)| {
            let text = std::fs::read_to_string(f).ok()?;
            Some((i, f, block::find(&text)?.line))
        }) else {
            continue;
        };
        let block_at = format!("gover's block at {}", Scan::file_line(file, line));
        for r in &ctx.scan.runs_go {
            let Some(i) = reads.iter().position(|f| *f == r.file) else {
                continue;
            };
            if (i, r.line) >= (at, line) {
                continue;
            }
            match early.iter_mut().find(|(e, _, _)| std::ptr::eq(*e, r)) {
                Some((_, modes, _)) => modes.push(mode.label),
                None => early.push((r, vec![mode.label], block_at.clone())),
            }
        }
    }
    early
        .into_iter()
        .map(|(r, modes, block_at)| {
            let modes: Vec<String> = modes.iter().map(|m| format!("`{m}`")).collect();
            Finding {
                id: "startup-go-before-block",
                severity: Severity::Warning,
                title: format!(
                    "{} runs `go` before gover's block puts it on PATH",
                    Scan::file_line(&r.file, r.line)
                ),
                evidence: vec![
                    format!("{}: {}", Scan::file_line(&r.file, r.line), r.text),
                    format!("{} run it before {block_at}", modes.join(", ")),
                ],
                fix: Fix::manual(
                    "move the line below gover's block, or write the value itself \
                     (`go env GOPATH` is $GOPATH, else $HOME/go)",
                    None,
                ),
            }
        })
        .collect()
}
