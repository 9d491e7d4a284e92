//! `store-file`: files of installed versions that were changed after install. Version trees
//! are hard links into the store (see [`crate::store`]), so such an edit shows in every
//! version that shares the file.

use std::collections::HashMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use super::{Context, Finding, Fix, Severity};
use crate::home::inventory;
use crate::store::Entry;
use crate::version::GoVersion;

/// The stored files whose content no longer hashes to their name (found by
/// [`Context::gather`], which hashes the whole store); only then are the installed trees
/// walked for the paths that share them.
pub fn check(ctx: &Context) -> Vec<Finding> {
    let changed: HashMap<u64, (&Entry, String)> = ctx
        .store_suspects
        .iter()
        .filter_map(|entry| {
            let actual = crate::digest::sha256_file(&entry.path).ok()?;
            (actual != entry.digest).then_some((entry.ino, (entry, actual)))
        })
        .collect();
    if changed.is_empty() {
        return Vec::new();
    }
    // Changed stored file (by inode) → the tree paths that link to it, per version.
    let mut users: HashMap<u64, Vec<(GoVersion, PathBuf)>> = HashMap::new();
    for v in inventory::installed(&ctx.home) {
        if inventory::imported_from(&ctx.home, &v).is_some() {
            continue;
        }
        walk(&ctx.home.version_dir(&v), &mut |path, ino| {
            if changed.contains_key(&ino) {
                users
                    .entry(ino)
                    .or_default()
                    .push((v.clone(), path.to_path_buf()));
            }
        });
    }
    let mut out = Vec::new();
    let mut inodes: Vec<&u64> = users.keys().collect();
    inodes.sort();
    for ino in inodes {
        let (entry, actual) = &changed[ino];
        let paths = &users[ino];
        let mut versions: Vec<&GoVersion> = paths.iter().map(|(v, _)| v).collect();
        versions.dedup();
        let list: Vec<String> = versions.iter().map(|v| format!("Go {v}")).collect();
        let mut evidence: Vec<String> = paths
            .iter()
            .map(|(_, p)| format!("{} was changed after install", p.display()))
            .collect();
        evidence.push(format!(
            "stored as {} (sha256 {}, now {actual})",
            entry.path.display(),
            entry.digest
        ));
        let commands: Vec<String> = versions
            .iter()
            .map(|v| format!("gover install --force {v}"))
            .collect();
        out.push(Finding {
            id: "store-file",
            severity: Severity::Warning,
            title: format!(
                "a file shared by {} differs from what was installed",
                list.join(", ")
            ),
            evidence,
            fix: Fix::manual(
                "install the versions again to restore the file (an edit of a shared file shows in each version that shares it)",
                Some(commands.join(" && ")),
            ),
        });
    }
    out
}

/// Call `f` with each regular file below `dir` and its inode number, never following links.
fn walk(dir: &Path, f: &mut dyn FnMut(&Path, u64)) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(meta) = entry.metadata() else { continue };
        let path = entry.path();
        if meta.is_dir() {
            walk(&path, f);
        } else if meta.is_file() {
            f(&path, meta.ino());
        }
    }
}
