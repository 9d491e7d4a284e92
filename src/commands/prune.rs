//! `gover prune`: print the plan (`--dry-run`) or apply it item by item, one line per item.
//! A failure on one item is reported and the rest go on; the exit code says whether all worked.

use std::io::{BufRead, IsTerminal, Write};

use serde::Serialize;

use crate::cli::PruneArgs;
use crate::error::Error;
use crate::home::Home;
use crate::prune::{self, Action, Item, Kind, Options, StartupLine};

/// What happened to an item.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    /// `--dry-run`: it would be done.
    Planned,
    Done,
    Failed(String),
    /// A link outside GOVER_HOME that the user did not agree to remove.
    Skipped,
    /// Nothing to do but tell.
    Reported,
}

pub fn run(args: PruneArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let cwd = std::env::current_dir().map_err(Error::io("cannot read", "the current directory"))?;
    let opts = Options {
        keep: args.keep,
        unused: args.unused,
        system: args.system,
        archives: args.archives,
        cwd,
        dry_run: args.dry_run,
    };
    let mut plan = prune::plan(&home, &opts)?;
    // Links outside GOVER_HOME last, right before the question about them.
    plan.items.sort_by_key(|i| i.needs_consent());
    for note in &plan.notes {
        crate::note!("note: {note}");
    }

    // Everything is printed before it is applied; the links outside GOVER_HOME all come
    // last, so they are all listed before the one question about them.
    let first_consent = plan.items.partition_point(|i| !i.needs_consent());
    let mut statuses = Vec::with_capacity(plan.items.len());
    for item in &plan.items[..first_consent] {
        if !args.json {
            super::print(&format!("{item}\n"))?;
        }
        statuses.push(apply(&home, item, args.dry_run));
    }
    let outside = &plan.items[first_consent..];
    if !args.json {
        for item in outside {
            super::print(&format!("{item}\n"))?;
        }
    }
    let consent = !outside.is_empty() && !args.dry_run && agreed(&args, outside.len());
    for item in outside {
        statuses.push(if consent || args.dry_run {
            apply(&home, item, args.dry_run)
        } else {
            Status::Skipped
        });
    }

    let count = |f: fn(&Status) -> bool| statuses.iter().filter(|s| f(s)).count();
    let failed = count(|s| matches!(s, Status::Failed(_)));
    let done = count(|s| *s == Status::Done);
    let planned = count(|s| *s == Status::Planned);
    let skipped = count(|s| *s == Status::Skipped);
    if args.json {
        super::print(&json(&plan.items, &statuses, args.dry_run))?;
    } else {
        if skipped > 0 {
            crate::note!(
                "Left {skipped} link(s) outside GOVER_HOME in place: pass --yes to remove them \
                 (or run on a terminal to be asked)"
            );
        }
        if args.dry_run {
            crate::note!("Dry run: {planned} change(s) planned; nothing was changed");
        } else if plan.items.is_empty() {
            crate::note!("Nothing to prune");
        } else {
            crate::note!("Pruned: {done} change(s) made, {failed} failed");
        }
    }
    if failed > 0 {
        return Err(Error::PruneIncomplete {
            failed,
            total: done + failed,
        });
    }
    Ok(())
}

/// Apply one item (or, in a dry run, only say it would be).
fn apply(home: &Home, item: &Item, dry_run: bool) -> Status {
    if item.action == Action::Report {
        return Status::Reported;
    }
    if dry_run {
        return Status::Planned;
    }
    match prune::apply(home, item) {
        Ok(()) => Status::Done,
        Err(e) => {
            let message = chain(&e);
            eprintln!("error: {message}");
            Status::Failed(message)
        }
    }
}

/// Consent for the `n` links outside GOVER_HOME just listed: `--yes`, or a `y` typed at a
/// terminal. Without a terminal (scripts, CI, `--json`), no.
fn agreed(args: &PruneArgs, n: usize) -> bool {
    if args.yes {
        return true;
    }
    if args.json || !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return false;
    }
    eprint!("Remove the {n} link(s) outside GOVER_HOME listed above? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES")
}

/// The error and its causes on one line.
fn chain(err: &Error) -> String {
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        source = cause.source();
    }
    text
}

#[derive(Serialize)]
struct JsonReport<'a> {
    dry_run: bool,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    kind: Kind,
    path: &'a std::path::Path,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a std::path::Path>,
    reason: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    startup: &'a [StartupLine],
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

fn json(items: &[Item], statuses: &[Status], dry_run: bool) -> String {
    let items = items
        .iter()
        .zip(statuses)
        .map(|(item, status)| JsonItem {
            kind: item.kind,
            path: &item.path,
            action: match item.action {
                Action::Remove | Action::RemoveVersion(_) => "remove",
                Action::Repoint(_) => "repoint",
                Action::Report => "report",
            },
            target: match &item.action {
                Action::Repoint(t) => Some(t),
                _ => None,
            },
            reason: &item.reason,
            command: item.command.as_deref(),
            startup: &item.startup,
            status: match status {
                Status::Planned => "planned",
                Status::Done => "done",
                Status::Failed(_) => "failed",
                Status::Skipped => "skipped",
                Status::Reported => "reported",
            },
            error: match status {
                Status::Failed(e) => Some(e),
                _ => None,
            },
        })
        .collect();
    let report = JsonReport { dry_run, items };
    super::to_json(&report)
}
