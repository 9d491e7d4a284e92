//! `gover current`: the active version and what chose it.

use crate::cli::CurrentArgs;
use crate::error::Error;
use crate::home::Home;
use crate::resolve::{self, ResolveError};

/// `gover current --json`.
#[derive(serde::Serialize)]
struct Current {
    /// The installed release, or the request when nothing installed matches it.
    version: String,
    installed: bool,
    /// What chose it, as the text form says it.
    source: String,
    /// The GOROOT the shims would use; `null` when not installed.
    goroot: Option<String>,
}

pub fn run(args: CurrentArgs) -> Result<(), Error> {
    let home = Home::from_env()?;
    let active = resolve::active_here(&home)?;
    for note in &active.notes {
        crate::output::warn(note);
    }
    // See: issue 22 item 10. An imported tree that changed in place runs another release.
    if let Ok(v) = active.installed(&home)
        && let Some(drift) = crate::import::drift(&home, &v)
    {
        crate::output::warn(format_args!(
            "{}; run `{}` to register it as what it holds",
            drift.describe(&v),
            drift.fix()
        ));
    }
    if args.json {
        let installed = match active.installed(&home) {
            Ok(v) => Some(v),
            Err(ResolveError::NotInstalled { .. }) => None,
            Err(e) => return Err(e.into()),
        };
        let current = Current {
            version: installed
                .as_ref()
                .map_or_else(|| active.request.to_string(), ToString::to_string),
            installed: installed.is_some(),
            source: active.source.to_string(),
            goroot: installed.map(|v| home.version_dir(&v).display().to_string()),
        };
        return super::print(&super::to_json(&current));
    }
    match active.installed(&home) {
        Ok(version) => super::print(&format!("{version} ({})\n", active.source)),
        Err(e @ ResolveError::NotInstalled { .. }) => {
            super::print(&format!("{} ({})\n", active.request, active.source))?;
            crate::output::warn(format_args!("{e}"));
            if let Some(hint) = e.hint() {
                crate::output::hint(hint);
            }
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
