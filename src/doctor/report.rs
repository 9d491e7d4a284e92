//! Showing findings: short aligned lines for people (coloured and wrapped to the width only on
//! a terminal, colour never with `NO_COLOR`), or JSON for tools.

use serde::Serialize;

use super::probe::Outcome;
use super::{Context, Finding, Repair, Severity};

struct Style {
    on: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn severity(&self, s: Severity, width: usize) -> String {
        let code = match s {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "36",
        };
        let text = format!("{:width$}", s.as_str());
        self.paint(code, &text)
    }
}

/// How the report for people is laid out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    /// Colour: stdout is a terminal and `NO_COLOR` is unset.
    pub color: bool,
    /// Wrap lines to this many columns (a terminal's width); `None` when piped.
    pub width: Option<usize>,
    /// End with the summary line. Off when doctor fails: its error line is the summary then,
    /// so the counts are said once.
    pub summary: bool,
}

/// `text` in lines of at most `width` columns, the first starting at column `first`, the rest
/// at `indent` (the caller writes the prefixes). Lines break between words; a word longer than
/// a whole line (a long path) breaks after a `/` or `:`, never inside a name.
fn wrap(text: &str, first: usize, indent: usize, width: Option<usize>) -> Vec<String> {
    let Some(width) = width else {
        return vec![text.to_string()];
    };
    let room = width.saturating_sub(indent).max(20);
    let mut lines = vec![String::new()];
    let mut col = first;
    for word in text.split(' ') {
        for (j, piece) in split_long(word, room).into_iter().enumerate() {
            let len = piece.chars().count();
            let line = lines.last_mut().expect("one line");
            if line.is_empty() {
                line.push_str(piece);
                col += len;
            } else if j == 0 && col + 1 + len <= width {
                line.push(' ');
                line.push_str(piece);
                col += 1 + len;
            } else {
                lines.push(piece.to_string());
                col = indent + len;
            }
        }
    }
    lines
}

/// `word` in pieces of at most `room` columns, each ending at a `/` where possible.
fn split_long(word: &str, room: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = word;
    while rest.chars().count() > room {
        let limit = rest.char_indices().nth(room).map_or(rest.len(), |(i, _)| i);
        let cut = rest[..limit].rfind(['/', ':']).map_or(limit, |i| i + 1);
        let cut = if cut == 0 { limit } else { cut };
        out.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    out.push(rest);
    out
}

/// Findings that share one cause, shown as one: the `lead` with its evidence and fix, and the
/// others named after it (their details are in `--json`).
struct Group<'a> {
    lead: &'a Finding,
    also: Vec<&'a Finding>,
    severity: Severity,
}

/// The dirs a finding names in backticks (`/usr/local/go/bin`), as its titles and evidence do.
fn quoted_dirs(f: &Finding) -> Vec<&str> {
    std::iter::once(f.title.as_str())
        .chain(f.evidence.iter().map(String::as_str))
        .flat_map(|t| t.split('`').skip(1).step_by(2))
        .filter(|d| d.starts_with('/'))
        .collect()
}

/// One group per cause, most severe first:
/// 1. gover's block not (yet) working: `shims-not-on-path` leads; `startup-mode` findings
///    that the block fixes (files without it, `bash -c` inheriting PATH) join it;
/// 2. a startup line: `startup-duplicate-append` (a dir added by several lines) or
///    `startup-overwrites-path` leads; the repeated PATH entry (`path-duplicates`) and a
///    missing dir (`path-missing-dir`) join it when every dir they name is in its lines, and
///    lost system dirs (`path-missing-system-dirs`) join the line that replaced PATH;
/// 3. findings whose fix is the same command (the same line to comment out) join the first;
/// 4. everything else on its own.
fn group(findings: &[Finding]) -> Vec<Group<'_>> {
    let mut lead_of: Vec<Option<usize>> = vec![None; findings.len()];
    let setup_lead = findings
        .iter()
        .position(|f| f.id == "shims-not-on-path")
        .or_else(|| {
            findings
                .iter()
                .position(|f| f.id == "startup-mode" && f.fix.repair == Some(Repair::Setup))
        });
    if let Some(lead) = setup_lead {
        for (i, f) in findings.iter().enumerate() {
            let block_fixes = f.fix.repair == Some(Repair::Setup)
                || f.fix.description.contains("after `gover setup`");
            if i != lead && f.id == "startup-mode" && block_fixes {
                lead_of[i] = Some(lead);
            }
        }
    }
    // A startup line that adds a dir again and again, or replaces PATH, is the cause of what
    // PATH then looks like.
    let lines_of = |f: &Finding| f.evidence.join("\n");
    let causes: Vec<(usize, String)> = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.id, "startup-duplicate-append" | "startup-overwrites-path"))
        .map(|(i, f)| (i, format!("{}\n{}", f.title, lines_of(f))))
        .collect();
    for (i, f) in findings.iter().enumerate() {
        let lead = match f.id {
            "path-duplicates" | "path-missing-dir" => {
                let dirs = quoted_dirs(f);
                causes
                    .iter()
                    .find(|(_, text)| !dirs.is_empty() && dirs.iter().all(|d| text.contains(d)))
            }
            // Its culprits are the overwriting lines (`FILE:N sets PATH without $PATH`).
            "path-missing-system-dirs" => causes.iter().find(|(l, _)| {
                findings[*l].id == "startup-overwrites-path"
                    && f.evidence.iter().any(|e| {
                        e.split_once(" sets PATH without")
                            .is_some_and(|(at, _)| findings[*l].title.starts_with(at))
                    })
            }),
            _ => None,
        };
        if let Some((lead, _)) = lead {
            lead_of[i] = Some(*lead);
        }
    }
    // Findings whose fix is the same command have one cause: the line it comments out.
    for (i, f) in findings.iter().enumerate() {
        if lead_of[i].is_some() || f.fix.command.is_none() {
            continue;
        }
        let lead =
            (0..i).find(|&l| lead_of[l].is_none() && findings[l].fix.command == f.fix.command);
        lead_of[i] = lead;
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut index: Vec<Option<usize>> = vec![None; findings.len()];
    for (i, f) in findings.iter().enumerate() {
        if lead_of[i].is_none() {
            index[i] = Some(groups.len());
            groups.push(Group {
                lead: f,
                also: Vec::new(),
                severity: f.severity,
            });
        }
    }
    for (i, f) in findings.iter().enumerate() {
        if let Some(g) = lead_of[i].and_then(|l| index[l]) {
            groups[g].also.push(f);
            groups[g].severity = groups[g].severity.min(f.severity);
        }
    }
    groups.sort_by_key(|g| g.severity);
    groups
}

/// Evidence lines `FILE:N: TEXT` with the same file and text as one `FILE:N,M: TEXT`.
fn merge_lines(evidence: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut keys: Vec<Option<(String, String)>> = Vec::new();
    for e in evidence {
        let key = split_file_line(e);
        if let Some((file, n, text)) = &key
            && let Some(at) = keys
                .iter()
                .position(|k| k.as_ref() == Some(&(file.clone(), text.clone())))
        {
            out[at] = out[at].replacen(&format!(": {text}"), &format!(",{n}: {text}"), 1);
            continue;
        }
        keys.push(key.map(|(f, _, t)| (f, t)));
        out.push(e.clone());
    }
    out
}

/// `FILE:N: TEXT` as (FILE, N, TEXT).
fn split_file_line(e: &str) -> Option<(String, String, String)> {
    let (head, text) = e.split_once(": ")?;
    let (file, n) = head.rsplit_once(':')?;
    (n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() && file.starts_with(['/', '~']))
        .then(|| (file.to_string(), n.to_string(), text.to_string()))
}

/// The report for people.
pub fn human(ctx: &Context, findings: &[Finding], layout: Layout) -> String {
    let style = Style { on: layout.color };
    let width = layout.width;
    // Paths under the home directory as `~/…`: shorter, and what people type.
    let home = format!("{}/", ctx.dirs.home.display());
    let tilde = |text: &str| {
        if home.len() > 1 {
            text.replace(&home, "~/")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let active = format!("gover runs {} here", ctx.active_label());
    out.push_str(&tilde(&active));
    out.push('\n');
    let ok: Vec<&str> = ctx
        .probes
        .iter()
        .filter(|p| matches!(&p.outcome, Outcome::Ran { go: Some(g), .. } if ctx.is_shim(std::path::Path::new(g))))
        .map(|p| p.mode.label)
        .collect();
    if !ok.is_empty() {
        out.push_str(&format!("`go` is gover's shim in: {}\n", ok.join(", ")));
    }
    if findings.is_empty() {
        out.push_str("No problems found.\n");
        return out;
    }
    out.push('\n');
    let indent = "    ";
    let column = indent.len();
    // Each piece of text below a title, wrapped, every line painted on its own.
    let block = |out: &mut String, text: &str, code: Option<&str>| {
        for line in wrap(text, column, column, width) {
            let line = match code {
                Some(code) => style.paint(code, &line),
                None => line,
            };
            out.push_str(&format!("{indent}{line}\n"));
        }
    };
    // Each piece of evidence is shown once, under the first finding that has it.
    let mut shown: Vec<String> = vec![tilde(&format!("gover would run {}", ctx.active_label()))];
    for g in group(findings) {
        let f = g.lead;
        let sev = style.severity(g.severity, 7);
        let id = style.paint("1", f.id);
        let head = 7 + 1 + f.id.len() + 2;
        let mut title = wrap(&tilde(&f.title), head, column, width).into_iter();
        out.push_str(&format!(
            "{sev} {id}  {}\n",
            title.next().unwrap_or_default()
        ));
        for line in title {
            out.push_str(&format!("{indent}{line}\n"));
        }
        // Normalised (`FILE:N adds it: TEXT` is `FILE:N: TEXT`), unseen, then merged.
        let normal = |e: &String| tilde(e).replacen(" adds it: ", ": ", 1);
        let fresh: Vec<String> = f
            .evidence
            .iter()
            .map(normal)
            .filter(|e| !shown.contains(e))
            .collect();
        for e in merge_lines(&fresh) {
            block(&mut out, &e, Some("2"));
        }
        shown.extend(fresh);
        shown.extend(g.also.iter().flat_map(|a| a.evidence.iter()).map(normal));
        if !g.also.is_empty() {
            let mut ids: Vec<&str> = Vec::new();
            for a in &g.also {
                if !ids.contains(&a.id) {
                    ids.push(a.id);
                }
            }
            block(
                &mut out,
                &format!("also: {}; details in `gover doctor --json`", ids.join(", ")),
                Some("2"),
            );
        }
        let auto = if f.fix.repair.is_some() {
            " (`gover doctor --fix` does this)"
        } else {
            ""
        };
        block(
            &mut out,
            &format!("fix: {}{auto}", tilde(&f.fix.description)),
            None,
        );
        if let Some(cmd) = &f.fix.command {
            // A command is copied whole: never wrapped.
            out.push_str(&format!("{indent}run: {cmd}\n"));
        }
    }
    if !layout.summary {
        return out;
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let fixable = findings.iter().filter(|f| f.fix.repair.is_some()).count();
    out.push_str(&format!(
        "\n{}, {}, {} info",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        count(Severity::Info)
    ));
    // Only when it would change something: a finding with a repair is one whose repair is not
    // done yet (right after `--fix`, none are left).
    if fixable > 0 {
        out.push_str(&format!("; `gover doctor --fix` repairs {fixable} of them"));
    }
    out.push('\n');
    out
}

#[derive(Serialize)]
struct JsonReport<'a> {
    active: Option<String>,
    shims: String,
    modes: Vec<JsonMode>,
    findings: Vec<JsonFinding<'a>>,
    fixed: &'a [String],
}

#[derive(Serialize)]
struct JsonMode {
    mode: &'static str,
    program: String,
    /// What `command -v go` printed; null when not found or the shell failed.
    go: Option<String>,
    version: Option<String>,
    gover: bool,
    error: Option<String>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    id: &'static str,
    severity: Severity,
    title: &'a str,
    evidence: &'a [String],
    fix: JsonFix<'a>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    command: Option<&'a str>,
    /// `gover doctor --fix` applies it.
    automatic: bool,
}

pub fn json(ctx: &Context, findings: &[Finding], fixed: &[String]) -> String {
    let report = JsonReport {
        active: ctx.active_version.as_ref().map(|v| v.to_string()),
        shims: ctx.shims.display().to_string(),
        modes: ctx
            .probes
            .iter()
            .map(|p| {
                let (go, error) = match &p.outcome {
                    Outcome::Ran { go, .. } => (go.clone(), None),
                    Outcome::TimedOut => (None, Some("timed out".to_string())),
                    Outcome::Failed(e) => (None, Some(e.clone())),
                };
                let version = go
                    .as_deref()
                    .and_then(|g| ctx.go_version(std::path::Path::new(g)));
                JsonMode {
                    mode: p.mode.label,
                    program: p.program.display().to_string(),
                    gover: go
                        .as_deref()
                        .is_some_and(|g| ctx.is_shim(std::path::Path::new(g))),
                    go,
                    version,
                    error,
                }
            })
            .collect(),
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                id: f.id,
                severity: f.severity,
                title: &f.title,
                evidence: &f.evidence,
                fix: JsonFix {
                    description: &f.fix.description,
                    command: f.fix.command.as_deref(),
                    automatic: f.fix.repair.is_some(),
                },
            })
            .collect(),
        fixed,
    };
    crate::output::json::to_json(&report)
}
