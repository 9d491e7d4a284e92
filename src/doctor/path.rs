//! This process's PATH itself: duplicates and runaway length (`path-duplicates`,
//! `path-too-long`), lost system dirs (`path-missing-system-dirs`), empty or relative entries
//! (`path-relative-entry`), and dirs that do not exist (`path-missing-dir`); plus
//! `ld-library-path-relative`, the same hole for shared libraries.

use std::path::Path;

use super::scan::Scan;
use super::{Context, Finding, Fix, Severity};

/// Longer than this is a PATH that keeps growing (each nested shell appends again).
const TOO_LONG: usize = 4096;

pub fn duplicates(ctx: &Context) -> Vec<Finding> {
    let entries = ctx.entries();
    let mut counted: Vec<(&str, usize)> = Vec::new();
    for e in entries.iter().filter(|e| !e.is_empty()) {
        match counted.iter_mut().find(|(d, _)| d == e) {
            Some((_, n)) => *n += 1,
            None => counted.push((e, 1)),
        }
    }
    let dups: Vec<_> = counted.into_iter().filter(|(_, n)| *n > 1).collect();
    let mut out = Vec::new();
    // Point at `startup-duplicate-append` only when it is reported for one of these dirs: when
    // more than one line that keeps PATH adds it.
    let see = dups
        .iter()
        .any(|(d, _)| ctx.scan.adding(d).filter(|e| e.keeps_path).nth(1).is_some());
    let fix = || {
        ctx.new_shell_fix(if see {
            "remove the repeated lines that add them (see startup-duplicate-append), "
        } else {
            "remove the repeated lines that add them, "
        })
    };
    if !dups.is_empty() {
        let mut evidence: Vec<String> = dups
            .iter()
            .map(|(d, n)| format!("`{d}` appears {n} times"))
            .collect();
        // Only lines that add to PATH can repeat a dir in it; a line that sets PATH afresh
        // (Debian's /etc/profile, /etc/zsh/zshenv) is not a source of the repeat, nor is a
        // file the shell doctor runs in never reads.
        // See: issue 24, item 11.
        for (d, _) in &dups {
            evidence.extend(
                ctx.lines_adding_if(d, |e| e.keeps_path && ctx.may_have_shaped_path(&e.file)),
            );
        }
        out.push(Finding {
            id: "path-duplicates",
            severity: Severity::Warning,
            title: format!(
                "{} PATH entr{} repeated",
                dups.len(),
                if dups.len() == 1 { "y is" } else { "ies are" }
            ),
            evidence,
            fix: fix(),
        });
    }
    if ctx.path.len() > TOO_LONG {
        out.push(Finding {
            id: "path-too-long",
            severity: Severity::Warning,
            title: format!(
                "PATH is {} bytes with {} entries: it keeps growing",
                ctx.path.len(),
                entries.len()
            ),
            evidence: vec![
                "a startup file read by every nested shell appends to PATH unconditionally".into(),
            ],
            fix: fix(),
        });
    }
    out
}

pub fn missing_system_dirs(ctx: &Context) -> Vec<Finding> {
    let present: Vec<_> = ctx
        .entries()
        .iter()
        .filter_map(|e| std::fs::canonicalize(e).ok())
        .collect();
    let missing: Vec<&str> = ["/usr/bin", "/bin"]
        .into_iter()
        .filter(|d| std::fs::canonicalize(d).is_ok_and(|real| !present.contains(&real)))
        .collect();
    if missing.is_empty() {
        return Vec::new();
    }
    let mut evidence = vec![format!("PATH={}", ctx.path)];
    // A user's line is the culprit; a system file (Debian's /etc/profile sets the base PATH
    // that way) is only context, named when no user line is.
    let all: Vec<_> = ctx.scan.edits.iter().filter(|e| !e.keeps_path).collect();
    let own: Vec<_> = all
        .iter()
        .copied()
        .filter(|e| !e.file.starts_with("/etc"))
        .collect();
    let overwrites = if own.is_empty() { all } else { own };
    for e in &overwrites {
        let context = if e.file.starts_with("/etc") {
            " (a system file: context, it sets the base PATH)"
        } else {
            ""
        };
        evidence.push(format!(
            "{} sets PATH without $PATH{context}: {}",
            Scan::file_line(&e.file, e.line),
            e.text
        ));
    }
    let command = Scan::comment_out_one(overwrites.iter().map(|e| (e.file.as_path(), e.line)));
    vec![Finding {
        id: "path-missing-system-dirs",
        severity: Severity::Error,
        title: format!(
            "PATH lacks {}: most commands will not be found",
            missing.join(" and ")
        ),
        evidence,
        fix: Fix::manual(
            "a startup line replaced PATH instead of adding to it: comment it out, or make it keep the \
             old PATH (`export PATH=\"/dir:$PATH\"`); then open a new shell",
            command,
        ),
    }]
}

pub fn relative_entries(ctx: &Context) -> Vec<Finding> {
    let entries = ctx.entries();
    let shims_at = entries.iter().position(|e| Path::new(e) == ctx.shims);
    let mut evidence = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.is_empty() {
            evidence.push(format!(
                "entry #{} is empty, which means the current directory",
                i + 1
            ));
        } else if !Path::new(e).is_absolute() {
            evidence.push(format!(
                "entry #{} `{e}` is relative to the current directory",
                i + 1
            ));
            evidence.extend(ctx.lines_adding(e));
        } else {
            continue;
        }
        // Looked at (lstat), never run: doctor runs nothing from a relative entry.
        let dir = if e.is_empty() { "." } else { e };
        for tool in crate::home::SHIMMED_TOOLS {
            let here = Path::new(dir).join(tool);
            if std::fs::symlink_metadata(&here).is_ok() {
                let order = match shims_at {
                    Some(s) if s < i => "after gover's shims: it runs wherever they are missing",
                    Some(_) => "before gover's shims: it runs instead of gover's",
                    None => "and gover's shims are not on PATH",
                };
                evidence.push(format!(
                    "`{}` exists here (not run), {order}",
                    here.display()
                ));
            }
        }
    }
    if evidence.is_empty() {
        return Vec::new();
    }
    vec![Finding {
        id: "path-relative-entry",
        severity: Severity::Error,
        title: "PATH has empty or relative entries: any directory you cd into can supply `go`"
            .into(),
        evidence,
        fix: Fix::manual(
            "remove `.`, relative dirs and empty entries (`::`, a leading or trailing `:`) where PATH is set; \
             gover's setup block drops empty ones",
            None,
        ),
    }]
}

pub fn missing_dirs(ctx: &Context) -> Vec<Finding> {
    let mut evidence = Vec::new();
    for (i, e) in ctx.entries().iter().enumerate() {
        let p = Path::new(e);
        // The Go user bin dir appears with the first `go install`; the shims are checked elsewhere.
        if !p.is_absolute() || p == ctx.gobin || p == ctx.shims || p.exists() {
            continue;
        }
        evidence.push(format!("entry #{} `{e}` does not exist", i + 1));
        evidence.extend(ctx.lines_adding(e));
    }
    if evidence.is_empty() {
        return Vec::new();
    }
    vec![Finding {
        id: "path-missing-dir",
        severity: Severity::Info,
        title: "PATH names directories that do not exist".into(),
        evidence,
        fix: Fix::manual(
            "remove them where PATH is set (often a Go SDK that was deleted)",
            None,
        ),
    }]
}

/// An empty or relative `LD_LIBRARY_PATH` entry makes the dynamic loader look in the current
/// directory (or below it) for the libraries of every dynamically linked program, cgo binaries
/// built with `go build` included: a checked-out repo can inject code into them.
pub fn relative_library_entries(_ctx: &Context) -> Vec<Finding> {
    let Some(value) = std::env::var_os("LD_LIBRARY_PATH") else {
        return Vec::new();
    };
    let value = value.to_string_lossy().into_owned();
    // The loader splits on `:` and `;`.
    let mut evidence = Vec::new();
    for (i, e) in value.split([':', ';']).enumerate() {
        if e.is_empty() {
            evidence.push(format!(
                "LD_LIBRARY_PATH entry #{} is empty, which means the current directory",
                i + 1
            ));
        } else if !Path::new(e).is_absolute() {
            evidence.push(format!(
                "LD_LIBRARY_PATH entry #{} `{e}` is relative to the current directory",
                i + 1
            ));
        }
    }
    if evidence.is_empty() {
        return Vec::new();
    }
    evidence.insert(0, format!("LD_LIBRARY_PATH={value}"));
    vec![Finding {
        id: "ld-library-path-relative",
        severity: Severity::Warning,
        title: "LD_LIBRARY_PATH has empty or relative entries: the current directory can supply \
                libraries to cgo binaries and every other dynamically linked program"
            .into(),
        evidence,
        fix: Fix::manual(
            "remove the empty entries (`::`, a leading or trailing `:`) and relative dirs where \
             LD_LIBRARY_PATH is set; usually it is `export LD_LIBRARY_PATH=/dir:$LD_LIBRARY_PATH` \
             with LD_LIBRARY_PATH unset, which leaves a trailing empty entry: \
             `export LD_LIBRARY_PATH=/dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}`",
            None,
        ),
    }]
}
