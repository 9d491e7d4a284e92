//! `gover upgrade [MINOR…] [--dry-run] [--prune]`: the adapter of [`crate::upgrade`]: which
//! lines, then for each the plan, printed, and carried out unless `--dry-run`.

use super::batch;
use crate::cli::UpgradeArgs;
use crate::error::Error;
use crate::home::Home;
use crate::install;
use crate::source::dist::Access;
use crate::upgrade::{self, LinePlan};
use crate::version::{self, VersionRequest};

pub fn run(args: UpgradeArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let lines: Vec<String> = if args.minors.is_empty() {
        let lines = upgrade::installed_lines(&home);
        if lines.is_empty() {
            crate::note!("No Go versions are installed; try `gover install latest`");
            return Ok(());
        }
        lines.iter().map(|(a, b)| format!("{a}.{b}")).collect()
    } else {
        args.minors.clone()
    };
    let index = install::fetch_index(&home, &access)?;
    let cwd = std::env::current_dir().map_err(crate::resolve::ResolveError::Cwd)?;
    let pins = upgrade::exact_pins(&cwd, &home);
    batch::each("upgrade", &lines, |name| {
        let line = match version::parse_request(name)? {
            VersionRequest::Minor(a, b) => (a, b),
            _ => return Err(Error::BadMinor { given: name.into() }),
        };
        let plan = upgrade::plan(&home, &index, line, args.prune, &pins)?;
        report(&plan, args.dry_run);
        if !args.dry_run {
            upgrade::apply(&home, &plan, &access)?;
        }
        Ok(())
    })
}

fn report(plan: &LinePlan, dry_run: bool) {
    let line = plan.line_name();
    let (moves, removes) = if dry_run {
        ("would move", "would remove")
    } else {
        ("moves", "removing")
    };
    match &plan.install {
        Some(v) => crate::note!("{line}: {} -> {v}", plan.newest_installed),
        None => crate::note!(
            "{line}: {} is the newest release in the index",
            plan.newest_installed
        ),
    }
    if let Some(v) = &plan.repoint_default {
        crate::note!("{line}: the default {moves} to {v}");
    }
    for v in &plan.remove {
        crate::note!("{line}: {removes} {v}");
    }
    for (v, why) in &plan.keep {
        crate::note!("{line}: kept {v}: {why}");
    }
    for (file, v) in &plan.pins {
        crate::note!(
            "{line}: {} pins {v}; not rewritten (`gover local {}` in its directory moves it)",
            file.display(),
            plan.newest()
        );
    }
}
