//! What the startup files do to PATH, line by line: `startup-overwrites-path` (PATH set
//! without `$PATH`, dropping the system dirs) and `startup-duplicate-append` (the same dir
//! added by more than one line).

use super::scan::Scan;
use super::{Context, Finding, Fix, Severity};

fn comment_out(file: &std::path::Path, line: usize) -> Option<String> {
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
                fix: Fix::manual(
                    if ours {
                        "gover's setup block adds this dir already: remove these lines"
                    } else {
                        "keep one (none for a Go SDK dir: gover's shims replace it)"
                    },
                    Scan::comment_out_repeats(
                        lines.iter().skip(1).map(|e| (e.file.as_path(), e.line)),
                    ),
                ),
            })
        })
        .collect()
}
