//! Keeping `$GOVER_HOME/shims/` pointing at the gover-shim executable (the managed links; the
//! shim's own logic on std is [`crate::shim`], its executable `src/bin/gover-shim/`).

use std::path::PathBuf;

use crate::error::Error;
use crate::home::{Home, SHIMMED_TOOLS};
use crate::link;

pub use gover_core::layout::SHIM_EXE;

/// The gover-shim executable beside the running `gover`.
pub fn shim_exe() -> Result<PathBuf, Error> {
    let gover = std::env::current_exe().map_err(Error::io("cannot locate", "gover"))?;
    let shim = gover.with_file_name(SHIM_EXE);
    if shim.is_file() {
        Ok(shim)
    } else {
        Err(Error::ShimMissing { gover, shim })
    }
}

/// Make every shim a link to the shim executable, replacing stale ones atomically.
/// Returns the shims it created or repointed.
pub fn ensure(home: &Home) -> Result<Vec<PathBuf>, Error> {
    let exe = shim_exe()?;
    let dir = home.shims_dir();
    home.ensure_dir(&dir)?;
    let mut changed = Vec::new();
    for tool in SHIMMED_TOOLS {
        let path = dir.join(tool);
        if link::read_link(&path).as_deref() != Some(exe.as_path()) {
            link::replace_symlink(&exe, &path).map_err(Error::io("cannot create", &path))?;
            changed.push(path);
        }
    }
    if !changed.is_empty() {
        crate::fsutil::sync_dir(&dir).map_err(Error::io("cannot flush to disk", &dir))?;
    }
    Ok(changed)
}
