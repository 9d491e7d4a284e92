//! Showing findings: short aligned lines for people (coloured only on a terminal, and never
//! with `NO_COLOR`), or JSON for tools.

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

/// The report for people. `color` when stdout is a terminal and `NO_COLOR` is unset.
pub fn human(ctx: &Context, findings: &[Finding], color: bool) -> String {
    let style = Style { on: color };
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
    let indent = " ".repeat(sev_width + 1 + id_width + 2);
    for f in findings {
        out.push_str(&format!(
            "{} {}  {}\n",
            style.severity(f.severity, sev_width),
            style.paint("1", &format!("{:id_width$}", f.id)),
            f.title
        ));
        for e in &f.evidence {
            out.push_str(&format!("{indent}{}\n", style.paint("2", e)));
        }
        let auto = if f.fix.repair.is_some() {
            " (`gover doctor --fix` does this)"
        } else {
            ""
        };
        out.push_str(&format!("{indent}fix: {}{auto}\n", f.fix.description));
        if let Some(cmd) = &f.fix.command {
            out.push_str(&format!("{indent}run: {cmd}\n"));
        }
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
    crate::json::to_json(&report)
}
