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

/// Install `first`, then `second`, which hold the same `shared` files (paths in the tree): each must be one
/// stored file (one inode; two trees and the store's own name link it), the files they do not share (their
/// `VERSION`) their own, and the second install may add at most 25% to `du` of `versions/`.
pub fn assert_second_install_links(
    ctx: &TestContext,
    first: &str,
    second: &str,
    shared: &[String],
) {
    ctx.install(first);
    let versions = ctx.gover_home.join("versions");
    let before = du_kib(&[&versions]);
    ctx.install(second);
    let both = du_kib(&[&versions]);

    let a = ctx.version_dir(first);
    let b = ctx.version_dir(second);
    for rel in shared {
        assert_eq!(ino(&a.join(rel)), ino(&b.join(rel)), "{rel} is one file");
        assert_eq!(fs::metadata(a.join(rel)).unwrap().nlink(), 3, "{rel}");
    }
    assert_ne!(ino(&a.join("VERSION")), ino(&b.join("VERSION")));
    assert!(
        (both - before) * 4 <= before,
        "{second} added {} KiB to {before} KiB",
        both - before
    );
}

/// After the version dirs using them were deleted by hand, `prune --dry-run` lists the `stored` entries
/// (removing nothing) and `prune` removes them all.
pub fn assert_prune_empties_the_store(ctx: &TestContext, stored: usize) {
    let dry = ctx.gover(["prune", "--dry-run"]);
    dry.assert_success();
    let listed = dry
        .stdout
        .lines()
        .filter(|l| l.contains("store-entry"))
        .count();
    assert_eq!(listed, stored, "{}", dry.stdout);
    assert_eq!(store_files(ctx).len(), stored, "a dry run removes nothing");
    ctx.gover(["prune"]).assert_success();
    assert_eq!(store_files(ctx), Vec::<PathBuf>::new());
}
