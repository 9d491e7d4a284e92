//! Step 1 of the pipeline: the staging dir a release is unpacked into, inside GOVER_HOME (so
//! the final rename is atomic and the store's hard links work). It is removed when dropped
//! unless published, and on Ctrl-C ([`crate::interrupt`]); a killed install's leftover is
//! removed by the next install of that version or by `gover prune`.

use std::fs;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::fsutil;
use crate::home::Home;
use crate::version::GoVersion;

pub struct Staging {
    dir: Option<tempfile::TempDir>,
    store: PathBuf,
}

impl Staging {
    /// A fresh staging dir for `v`, after removing staging dirs of `v` that killed installs
    /// left (safe: the caller holds the version lock, so no live install owns them).
    pub fn new(home: &Home, v: &GoVersion) -> Result<Staging, Error> {
        let dir = home.staging_dir();
        home.ensure_dir(&dir)?;
        let prefix = format!("{v}.");
        if let Ok(entries) = fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let staging = tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&dir)
            .map_err(Error::io("cannot create a staging dir in", &dir))?;
        // It becomes the GOROOT: the mode of a release's `go/` (tempfile makes it 0700).
        fs::set_permissions(staging.path(), fs::Permissions::from_mode(fsutil::DIR_MODE))
            .map_err(Error::io("cannot create a staging dir in", &dir))?;
        crate::interrupt::remove_on_interrupt(staging.path());
        Ok(Staging {
            dir: Some(staging),
            store: home.store_dir(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().expect("staging dir").path()
    }

    /// The store the staging dir's files are shared through.
    pub fn store(&self) -> PathBuf {
        self.store.clone()
    }

    /// Remove everything a failed try left, for the next one.
    pub fn empty(&self) -> Result<(), Error> {
        let dir = self.path();
        fs::remove_dir_all(dir).map_err(Error::io("cannot clear", dir))?;
        fs::DirBuilder::new()
            .mode(fsutil::DIR_MODE)
            .create(dir)
            .map_err(Error::io("cannot create", dir))
    }

    /// The dir has been renamed to its final place: nothing is left to remove.
    pub fn published(mut self) {
        if let Some(dir) = self.dir.take() {
            crate::interrupt::forget(dir.path());
            let _ = dir.keep();
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            crate::interrupt::forget(dir.path());
            // TempDir's own drop removes it.
        }
    }
}

/// Test-only: with `GOVER_TEST_PAUSE_AT=<point>`, say so on stderr and sleep, so a crash test
/// can `kill -9` the install at a known moment (see [`crate::env::GOVER_TEST_PAUSE_AT`]).
pub(crate) fn test_pause(point: &str) {
    if crate::env::var(crate::env::GOVER_TEST_PAUSE_AT).as_deref() == Some(point) {
        eprintln!("gover-test: paused at {point}");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}
