//! Toolchains from a Go module proxy (`GOVER_SOURCE=proxy`, module zips) share their files through the
//! content-addressed store like tarball installs: a second proxy release links what it shares, a proxy install
//! links the files a tarball install of the same release stored (and the other way round), and `uninstall`,
//! `prune` and `doctor` see proxy trees as they see tarball trees.
//!
//! The real-toolchain test needs Debian's `/usr/lib/go-1.21`: without it, it skips with a message, except
//! under `CI=true`, where it fails.
//!
//! See: issue 16 item 1.

mod common;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::goproxy::{Goproxy, fake_toolchain_zip, real_toolchain_zip};
use common::release::noise;
use common::store::{
    assert_prune_empties_the_store, assert_second_install_links, ino, store_files,
};
use common::toolchain::{cache_dir, debian_goroot, have_debian_go, repackage};
use common::{Mirror, TestContext, walk};

/// Files identical in both fake toolchains: 64 files of 8 KiB of noise.
const SHARED: usize = 64;

const SLOW: Duration = Duration::from_secs(900);

/// A proxy serving fake toolchains of 1.22.5 and 1.22.6 (built in the temp dir), both also holding the
/// [`SHARED`] files, and a sandbox whose gover installs from it.
fn two_proxy_releases() -> (tempfile::TempDir, Goproxy, TestContext) {
    let tmp = tempfile::tempdir().unwrap();
    let shared: Vec<(String, Vec<u8>)> = shared_files()
        .into_iter()
        .enumerate()
        .map(|(i, path)| (path, noise(8192, i as u64)))
        .collect();
    let extra: Vec<(&str, &[u8])> = shared
        .iter()
        .map(|(path, data)| (path.as_str(), data.as_slice()))
        .collect();
    let proxy = Goproxy::start(
        ["1.22.5", "1.22.6"]
            .iter()
            .map(|v| fake_toolchain_zip(v, tmp.path(), &extra))
            .collect(),
    );
    let mut ctx = TestContext::new();
    proxy.configure(&mut ctx);
    (tmp, proxy, ctx)
}

fn shared_files() -> Vec<String> {
    (0..SHARED).map(|i| format!("src/shared/f{i}.go")).collect()
}

/// Every regular file of a version tree: path below the root → (inode, permission bits).
fn tree(dir: &Path) -> HashMap<PathBuf, (u64, u32)> {
    walk(dir)
        .into_iter()
        .filter(|p| fs::symlink_metadata(p).unwrap().is_file())
        .map(|p| {
            let m = fs::metadata(&p).unwrap();
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                (m.ino(), m.mode() & 0o777),
            )
        })
        .collect()
}

#[test]
fn a_second_proxy_release_links_the_files_it_shares() {
    let (_tmp, _proxy, ctx) = two_proxy_releases();
    assert_second_install_links(&ctx, "1.22.5", "1.22.6", &shared_files());
    ctx.gover(["exec", "1.22.6", "--", "go", "version"])
        .assert_success()
        .assert_stdout_contains("go1.22.6");
}

#[test]
fn uninstall_and_prune_free_exactly_what_no_proxy_tree_uses() {
    let (_tmp, _proxy, ctx) = two_proxy_releases();
    ctx.install("1.22.5");
    ctx.install("1.22.6");
    assert!(
        store_files(&ctx).len() > SHARED,
        "the trees are in the store"
    );

    ctx.gover(["uninstall", "1.22.6"]).assert_success();
    // What is left in the store is exactly the files of 1.22.5, each used by it alone.
    let inodes: HashSet<u64> = tree(&ctx.version_dir("1.22.5"))
        .values()
        .map(|(ino, _)| *ino)
        .collect();
    let stored = store_files(&ctx);
    assert_eq!(
        stored.iter().map(|p| ino(p)).collect::<HashSet<u64>>(),
        inodes
    );
    for path in &stored {
        let links = fs::metadata(path).unwrap().nlink();
        assert_eq!(links, 2, "{}", path.display());
    }

    // A version dir deleted from outside gover leaves its stored files to `prune`.
    fs::remove_dir_all(ctx.version_dir("1.22.5")).unwrap();
    assert_prune_empties_the_store(&ctx, stored.len());
}

#[test]
fn doctor_finds_an_edit_of_a_file_two_proxy_trees_share() {
    let (_tmp, _proxy, ctx) = two_proxy_releases();
    ctx.install("1.22.5");
    ctx.install("1.22.6");
    let report = || {
        let out = ctx.gover(["doctor", "--store"]);
        format!("{}{}", out.stdout, out.stderr)
    };
    let clean = report();
    assert!(!clean.contains("store-file"), "{clean}");

    let edited = ctx.version_dir("1.22.5").join("src/shared/f7.go");
    fs::write(&edited, "package shared // edited\n").unwrap();
    let other = ctx.version_dir("1.22.6").join("src/shared/f7.go");
    let text = report();
    // The report for people writes paths under HOME as `~/…`.
    let shown = |p: &std::path::Path| ctx.as_shown(p);
    assert!(text.contains("store-file"), "{text}");
    assert!(text.contains(&shown(&edited)), "{text}");
    assert!(text.contains(&shown(&other)), "{text}");
    let unedited = ctx.version_dir("1.22.5").join("src/shared/f8.go");
    assert!(!text.contains(&shown(&unedited)), "{text}");
}

/// Debian's go1.21 from the tarball (dist source), then from the module zip (proxy source) over it with
/// `--force`, then from the tarball again: each install links to what the one before stored. The only files
/// not shared are those whose mode the two formats disagree on (scripts the tarball marks executable; a zip
/// has no modes), documented in docs/home.md.
#[test]
fn a_proxy_install_links_the_files_a_tarball_install_of_the_same_release_stored() {
    if !have_debian_go("1.21") {
        return;
    }
    let goroot = debian_goroot("1.21");
    let tarball = repackage(&goroot, &cache_dir()).expect("repackage go1.21");
    let zip = real_toolchain_zip(&goroot).expect("pack the go1.21 zip");
    let v = zip.version.clone();
    let proxy = Goproxy::start(vec![zip]);
    let mut ctx = TestContext::new();
    proxy.configure(&mut ctx);
    ctx.mirror.serve_bytes(
        "/index.json",
        serde_json::to_vec(&[tarball.index_entry()]).unwrap(),
    );
    ctx.mirror
        .serve_file(&Mirror::archive_path(&tarball.filename), &tarball.archive);
    let install = |source: &str| {
        ctx.gover_cmd(["install", "--force", "--source", source, &v])
            .deadline(SLOW)
            .run()
            .assert_success();
        tree(&ctx.version_dir(&v))
    };

    let from_tar = install("dist");
    let from_zip = install("proxy");
    // Where a zip's file stands in the tarball's tree: a `_go.mod` is the tarball's `go.mod`.
    let in_tar = |rel: &Path| -> Option<(u64, u32)> {
        let name = rel.file_name().unwrap();
        let rel = if name == "_go.mod" {
            rel.with_file_name("go.mod")
        } else {
            rel.to_path_buf()
        };
        from_tar.get(&rel).copied()
    };
    let mut not_shared = Vec::new();
    for (rel, (ino, mode)) in &from_zip {
        match in_tar(rel) {
            // The very file the tarball's tree had at that path (through the store).
            Some((tar_ino, _)) if tar_ino == *ino => {}
            Some((_, tar_mode)) if tar_mode != *mode => not_shared.push(rel.clone()),
            other => panic!("{} was not shared: {other:?} vs {ino}", rel.display()),
        }
    }
    // Only the scripts under src/ that the tarball marks executable.
    for rel in &not_shared {
        let name = rel.to_string_lossy();
        assert!(
            name.starts_with("src/") && [".bash", ".sh", ".pl"].iter().any(|e| name.ends_with(e)),
            "{name}"
        );
        assert_eq!(from_tar[rel].1 & 0o111, 0o111, "{name}");
        assert_eq!(from_zip[rel].1 & 0o111, 0, "{name}");
    }
    assert!(
        not_shared.len() * 100 < from_zip.len(),
        "{} of {} files not shared",
        not_shared.len(),
        from_zip.len()
    );
    // The tarball's tree is gone, and so are the stored files only it used (`misc/`, `test/`, the
    // executable scripts): every entry left is in use.
    for path in store_files(&ctx) {
        assert!(
            fs::metadata(&path).unwrap().nlink() >= 2,
            "{}",
            path.display()
        );
    }
    ctx.gover(["exec", &v, "--", "go", "version"])
        .assert_success()
        .assert_stdout_contains(&format!("go version go{v} "));

    // And the other way round: the tarball links to what the zip stored.
    let again = install("dist");
    for (rel, (ino, mode)) in &from_zip {
        if rel.file_name().unwrap() == "_go.mod" || not_shared.contains(rel) {
            continue;
        }
        assert_eq!(again[rel], (*ino, *mode), "{}", rel.display());
    }
    ctx.gover(["uninstall", "--force", &v]).assert_success();
    assert_eq!(store_files(&ctx), Vec::<PathBuf>::new());
}
