//! Looking at `$GOVER_HOME/store` from a test: its entries, inode numbers and `du`'s block totals
//! (hard-linked files count once, as on the user's disk).

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{TestContext, walk};

/// `du -sk DIRS…` in KiB, all together: a file linked from several of them counts once.
pub fn du_kib(dirs: &[&Path]) -> u64 {
    let out = Command::new("du").arg("-skc").args(dirs).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let total = text.lines().last().expect("du prints a total");
    total.split_whitespace().next().unwrap().parse().unwrap()
}

/// Regular files under the store's shards (not `tmp/`).
pub fn store_files(ctx: &TestContext) -> Vec<PathBuf> {
    let store = ctx.gover_home.join("store");
    walk(&store)
        .into_iter()
        .filter(|p| !p.starts_with(store.join("tmp")) && p.is_file())
        .collect()
}

pub fn ino(path: &Path) -> u64 {
    fs::metadata(path).unwrap().ino()
}
