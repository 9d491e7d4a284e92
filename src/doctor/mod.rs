//! `gover doctor`: what keeps the right `go` from running, found by looking at PATH, the
//! startup files, the go env file and gover's own links, and by really running the installed
//! shells in each startup mode.
//!
//! Every finding has a stable id, a [`Severity`], evidence (file:line, the PATH entry, the
//! winning `go` and its version) and a [`Fix`]. The checks live in [`checks::CHECKS`]: adding
//! one is one file with a `fn(&Context) -> Vec<Finding>` and one line in that table.

pub mod checks;
mod context;
pub mod probe;
pub mod report;
pub mod scan;

mod active;
mod go_path;
mod goenv_checks;
mod imported;
mod links;
mod modes;
mod path;
mod setup_block;
mod stale_pin;
mod startup_files;
mod store;

use std::path::PathBuf;

use serde::Serialize;

pub use context::Context;

/// How bad a finding is. `--strict` fails on warnings too; info never fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A repair `--fix` may apply on its own: each touches only gover's block, the go env file
/// (with a backup) or gover's own links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// Write or refresh the setup block in the default shells' startup files.
    Setup,
    /// `go env -u KEY`: drop KEY from the go env file (backed up first).
    GoEnvUnset { file: PathBuf, key: String },
    /// Repoint `$GOVER_HOME/shims/*` at the gover-shim beside this gover.
    EnsureShims,
    /// Remove one of gover's own links (a dangling `current`).
    RemoveLink(PathBuf),
}

/// How to repair a finding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fix {
    /// What to do, for people.
    pub description: String,
    /// A command for the user to run (riskier repairs gover does not make itself).
    pub command: Option<String>,
    /// What `--fix` does about it, if it can.
    pub repair: Option<Repair>,
}

impl Fix {
    pub fn safe(description: impl Into<String>, repair: Repair) -> Fix {
        Fix {
            description: description.into(),
            command: None,
            repair: Some(repair),
        }
    }

    pub fn manual(description: impl Into<String>, command: Option<String>) -> Fix {
        Fix {
            description: description.into(),
            command,
            repair: None,
        }
    }
}

/// One problem found.
#[derive(Debug, Clone)]
pub struct Finding {
    pub id: &'static str,
    pub severity: Severity,
    pub title: String,
    pub evidence: Vec<String>,
    pub fix: Fix,
}

/// Run every check against `ctx`, most severe first (stable within a severity).
pub fn run(ctx: &Context) -> Vec<Finding> {
    let mut findings: Vec<Finding> = checks::CHECKS.iter().flat_map(|check| check(ctx)).collect();
    findings.sort_by_key(|f| f.severity);
    findings
}
