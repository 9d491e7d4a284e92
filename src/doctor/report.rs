//! Showing findings: short aligned lines for people (coloured and wrapped to the width only on
//! a terminal, colour never with `NO_COLOR`), or JSON for tools.

use serde::Serialize;

use super::probe::Outcome;
use super::{Context, Finding, Severity};

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
/// at `indent` (the caller writes the prefixes). Words longer than a line (paths) stay whole.
fn wrap(text: &str, first: usize, indent: usize, width: Option<usize>) -> Vec<String> {
    let Some(width) = width else {
        return vec![text.to_string()];
    };
    let mut lines = vec![String::new()];
    let mut col = first;
    for word in text.split(' ') {
        let len = word.chars().count();
        let line = lines.last_mut().expect("one line");
        if line.is_empty() {
            line.push_str(word);
            col += len;
        } else if col + 1 + len <= width {
            line.push(' ');
            line.push_str(word);
            col += 1 + len;
        } else {
            lines.push(word.to_string());
            col = indent + len;
        }
    }
    lines
}

/// The report for people.
pub fn human(ctx: &Context, findings: &[Finding], layout: Layout) -> String {
    let style = Style { on: layout.color };
    let width = layout.width;
    let mut out = String::new();
    out.push_str(&format!("gover runs {} here\n", ctx.active_label()));
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
    let id_width = findings.iter().map(|f| f.id.len()).max().unwrap_or(0);
    let sev_width = 7;
    let column = sev_width + 1 + id_width + 2;
    let indent = " ".repeat(column);
    // Each piece of text at the title column, wrapped, every line painted on its own.
    let block = |out: &mut String, text: &str, code: Option<&str>| {
        for line in wrap(text, column, column, width) {
            let line = match code {
                Some(code) => style.paint(code, &line),
                None => line,
            };
            out.push_str(&format!("{indent}{line}\n"));
        }
    };
    for f in findings {
        let mut title = wrap(&f.title, column, column, width).into_iter();
        out.push_str(&format!(
            "{} {}  {}\n",
            style.severity(f.severity, sev_width),
            style.paint("1", &format!("{:id_width$}", f.id)),
            title.next().unwrap_or_default()
        ));
        for line in title {
            out.push_str(&format!("{indent}{line}\n"));
        }
        for e in &f.evidence {
            block(&mut out, e, Some("2"));
        }
        let auto = if f.fix.repair.is_some() {
            " (`gover doctor --fix` does this)"
        } else {
            ""
        };
        block(&mut out, &format!("fix: {}{auto}", f.fix.description), None);
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
