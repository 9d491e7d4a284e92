//! `gover setup [--shell SHELL]… [--systemd] [--remove]`: write (or take out) gover's PATH
//! block in the startup files of the user's shells.

use crate::cli::SetupArgs;
use crate::edit::Edited;
use crate::error::Error;
use crate::home::Home;
use crate::home::shims;
use crate::shell::setup;
use crate::shell::{Shell, UserDirs};

pub fn run(args: SetupArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let dirs = UserDirs::from_env()?;
    // On a CI runner (CI or GITHUB_ACTIONS set) the dotfiles belong to a throwaway image: only
    // the files asked for by name (`--shell`, `--systemd`) are written, and GITHUB_PATH.
    let on_ci = crate::env::on_ci() && args.shell.is_empty();
    let shells: Vec<Shell> = if on_ci {
        Vec::new()
    } else if args.shell.is_empty() {
        setup::default_shells()
    } else {
        args.shell.iter().copied().map(super::shell_of).collect()
    };

    if args.remove {
        let paths = if args.shell.is_empty() {
            setup::all_paths(&dirs)
        } else {
            let mut paths: Vec<_> = setup::targets(&home, &dirs, &shells, args.systemd)
                .into_iter()
                .map(|t| t.path)
                .collect();
            if args.systemd {
                paths.push(dirs.old_systemd_env_file());
            }
            paths
        };
        let changed = setup::remove(&paths)?;
        setup::remove_empty_dirs(&changed, &dirs.config);
        if changed.is_empty() {
            crate::note!("No gover block found; nothing to remove");
        }
        for e in &changed {
            crate::note!("{}", describe(e, "removed the gover block from"));
        }
        return Ok(());
    }

    // The block points PATH at the shims; make sure they exist (a no-op when they do).
    if let Err(e) = shims::ensure(&home) {
        crate::output::warn(format_args!("{e}"));
    }
    let targets = setup::targets(&home, &dirs, &shells, args.systemd);
    let changed = setup::apply(&targets, &dirs)?;
    for t in &targets {
        match changed.iter().find(|e| e.path == t.path) {
            Some(e) => crate::note!(
                "{} (read by {})",
                describe(e, "wrote the gover block to"),
                t.read_by
            ),
            None => crate::note!("{} is already set up", t.path.display()),
        }
    }
    if let Some(file) = setup::github_path(&home)? {
        crate::note!(
            "added {} to {} for later CI steps",
            home.shims_dir().display(),
            file.display()
        );
    }
    if on_ci && crate::env::var(crate::env::GITHUB_PATH).is_none() {
        // See: issue 24, item 10. GitLab, Jenkins and the like have no GITHUB_PATH: nothing
        // would carry PATH to the job's next commands, so say the one line that does.
        let front = setup::front(&home, &dirs);
        crate::output::warn(format_args!(
            "CI runner (CI or GITHUB_ACTIONS is set) without GITHUB_PATH: no shell startup \
             files changed and no later command finds `go`; add this line to the job before \
             it runs go:\n  {}`gover setup --shell bash` (or zsh, fish, sh) writes the startup \
             files anyway",
            crate::shell::posix::ci_line(&front.entries())
        ));
    } else if on_ci {
        crate::note!(
            "CI runner (CI or GITHUB_ACTIONS is set): no shell startup files changed; \
             `gover setup --shell bash` (or zsh, fish, sh) writes them anyway"
        );
    } else if !changed.is_empty() {
        crate::note!(
            "Open a new shell (or run `eval \"$(gover env)\"`) for this one to pick it up. \
             `bash -c`, cron and CI jobs read no startup file: they inherit PATH from whatever starts them."
        );
    }
    Ok(())
}

fn describe(e: &Edited, action: &str) -> String {
    let mut line = format!("{action} {}", e.path.display());
    if e.created {
        line.push_str(" (new file)");
    }
    if e.deleted {
        line = format!("deleted {} (gover had created it)", e.path.display());
    }
    if let Some(b) = e.backup_note() {
        line.push_str(&format!("; {b}"));
    }
    line
}
