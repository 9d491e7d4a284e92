//! `gover self update [--version V] [--force]` and `gover self uninstall [-y]`: gover's own
//! binaries and home (the pipeline is [`crate::gover_self`]).

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::{SelfCommand, SelfUninstallArgs, SelfUpdateArgs};
use crate::error::Error;
use crate::gover_self::{self, SelfError};
use crate::home::Home;
use crate::shell::UserDirs;

pub fn run(command: SelfCommand) -> Result<(), Error> {
    match command {
        SelfCommand::Update(args) => update(args),
        SelfCommand::Uninstall(args) => uninstall(args),
    }
}

fn update(args: SelfUpdateArgs) -> Result<(), Error> {
    let base = gover_self::base_url(args.version.as_deref())?;
    let version = gover_self::wanted_version(&base, args.version.as_deref())?;
    let current = env!("CARGO_PKG_VERSION");
    let (gover, shim) = gover_self::binaries()?;
    let dir = gover.parent().unwrap_or(std::path::Path::new("/"));
    if version == current && !args.force {
        crate::note!(
            "gover {current} in {} is already that release; nothing to do (--force replaces it anyway)",
            dir.display()
        );
        return Ok(());
    }
    gover_self::update(&base, &version, &gover, &shim)?;
    crate::note!(
        "Updated gover {current} -> {version} in {} (gover and gover-shim)",
        dir.display()
    );
    Ok(())
}

fn uninstall(args: SelfUninstallArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let dirs = UserDirs::from_env()?;
    let plan = gover_self::uninstall_plan(&home, &dirs)?;
    if !args.yes {
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return Err(SelfError::NeedsConsent.into());
        }
        eprintln!("This takes gover off this machine:");
        for f in &plan.files {
            eprintln!("  gover's block in {}", f.display());
        }
        if let Some(root) = &plan.home {
            eprintln!("  {} (installed versions, shims, caches)", root.display());
        }
        for b in &plan.binaries {
            eprintln!("  {}", b.display());
        }
        eprint!("Remove gover? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
            crate::note!("Nothing removed");
            return Ok(());
        }
    }
    // The blocks first (and the files and dirs setup created, when nothing else is in them),
    // then both binaries, then GOVER_HOME.
    let changed = crate::shell::setup::remove(&plan.files)?;
    crate::shell::setup::remove_empty_dirs(&changed, &dirs.config);
    gover_self::remove_files(&plan)?;
    for e in &changed {
        if e.deleted {
            crate::note!("deleted {} (gover had created it)", e.path.display());
        } else {
            crate::note!("removed the gover block from {}", e.path.display());
        }
    }
    for b in &plan.binaries {
        crate::note!("removed {}", b.display());
    }
    if let Some(root) = &plan.home {
        crate::note!("removed {}", root.display());
    }
    crate::note!(
        "gover is gone. Shells already open keep the shims on PATH until they exit; the \
         backups setup made (<file>.gover-backup-<seconds>) are left for you to delete."
    );
    Ok(())
}
