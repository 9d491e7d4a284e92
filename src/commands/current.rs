//! `gover current`: the active version and what chose it.

use crate::error::Error;
use crate::home::Home;
use crate::resolve::{self, ResolveError};

pub fn run() -> Result<(), Error> {
    let home = Home::from_env()?;
    let active = resolve::active_here(&home)?;
    match active.installed(&home) {
        Ok(version) => super::print(&format!("{version} ({})\n", active.source)),
        Err(e @ ResolveError::NotInstalled { .. }) => {
            super::print(&format!("{} ({})\n", active.request, active.source))?;
            crate::error::warn(format_args!("{e}"));
            if let Some(hint) = e.hint() {
                eprintln!("hint: {hint}");
            }
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
