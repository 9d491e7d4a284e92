//! The content-addressed store: patch releases of one minor share their identical files (hard
//! links into `$GOVER_HOME/store`), removing a version frees only what no other version uses,
//! `prune` sweeps unreferenced store entries and `doctor` finds a shared file that was edited.
//!
//! See: issue 16 item 1.

mod common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::PathBuf;

use common::release::{Entry, fake_entries, noise, targz, with_parents};
use common::store::{
    assert_prune_empties_the_store, assert_second_install_links, ino, store_files,
};
use common::{Release, TestContext};

/// Files identical in both fake patch releases: 64 files of 8 KiB of noise.
const SHARED: usize = 64;

/// A fake release of `version` that also holds the [`SHARED`] files (the same in every version).
fn release_with_shared(version: &str) -> Release {
    let mut entries = fake_entries(version);
    entries.extend(with_parents((0..SHARED).map(|i| {
        Entry::file(
            &format!("go/src/shared/f{i}.go"),
            noise(8192, i as u64),
            0o644,
        )
    })));
    Release::from_archive(version, targz(&entries))
}

fn two_patch_releases() -> TestContext {
    let ctx = TestContext::new();
    ctx.publish(release_with_shared("1.22.5"));
    ctx.publish(release_with_shared("1.22.6"));
    ctx
}

#[test]
fn a_second_patch_release_links_the_files_it_shares() {
    let ctx = two_patch_releases();
    let shared: Vec<String> = (0..SHARED).map(|i| format!("src/shared/f{i}.go")).collect();
    assert_second_install_links(&ctx, "1.22.5", "1.22.6", &shared);
    // What differs (VERSION and the scripts that print it) is each version's own.
    let (a, b) = (ctx.version_dir("1.22.5"), ctx.version_dir("1.22.6"));
    assert_ne!(ino(&a.join("bin/go")), ino(&b.join("bin/go")));
    assert!(
        fs::read_to_string(b.join("VERSION"))
            .unwrap()
            .starts_with("go1.22.6")
    );
    ctx.gover(["exec", "1.22.6", "--", "go", "version"])
        .assert_success();
}

#[test]
fn uninstall_frees_exactly_the_files_no_other_version_uses() {
    let ctx = two_patch_releases();
    ctx.install("1.22.5");
    ctx.install("1.22.6");
    let a = ctx.version_dir("1.22.5");
    let before = store_files(&ctx).len();

    ctx.gover(["uninstall", "1.22.6"]).assert_success();
    let after = store_files(&ctx);
    // Each stored file is still used by 1.22.5 (its link and the store's), no more.
    for path in &after {
        assert_eq!(fs::metadata(path).unwrap().nlink(), 2, "{}", path.display());
    }
    // 1.22.6's own VERSION, go and gofmt scripts (what differed) are gone from the store.
    assert_eq!(before - after.len(), 3);
    assert_eq!(
        fs::read(a.join("src/shared/f3.go")).unwrap(),
        noise(8192, 3)
    );

    ctx.gover(["uninstall", "--force", "1.22.5"])
        .assert_success();
    assert_eq!(store_files(&ctx), Vec::<PathBuf>::new());
}

#[test]
fn prune_removes_store_entries_no_version_uses() {
    let ctx = two_patch_releases();
    ctx.install("1.22.5");
    let stored = store_files(&ctx);
    assert!(stored.len() > SHARED, "{stored:?}");
    // A version dir deleted from outside gover leaves its stored files unused.
    fs::remove_dir_all(ctx.version_dir("1.22.5")).unwrap();

    assert_prune_empties_the_store(&ctx, stored.len());
}

#[test]
fn an_edit_through_one_version_shows_in_the_other_and_doctor_store_finds_it() {
    let ctx = two_patch_releases();
    ctx.install("1.22.5");
    ctx.install("1.22.6");
    let clean = ctx.gover(["doctor", "--store"]);
    assert!(!clean.stdout.contains("store-file"), "{}", clean.stdout);

    let edited = ctx.version_dir("1.22.5").join("src/shared/f7.go");
    fs::write(&edited, "package shared // edited\n").unwrap();
    // Hard links share edits (documented in docs/home.md).
    let other = ctx.version_dir("1.22.6").join("src/shared/f7.go");
    assert_eq!(
        fs::read_to_string(&other).unwrap(),
        "package shared // edited\n"
    );

    // Only on request: the look costs one stat per stored file.
    let out = ctx.gover(["doctor"]);
    assert!(!out.stdout.contains("store-file"), "{}", out.stdout);
    let out = ctx.gover(["doctor", "--store"]);
    let text = format!("{}{}", out.stdout, out.stderr);
    assert!(text.contains("store-file"), "{text}");
    // The report for people writes paths under HOME as `~/…`.
    assert!(text.contains(&ctx.as_shown(&edited)), "{text}");
    assert!(text.contains(&ctx.as_shown(&other)), "{text}");
    assert!(text.contains("gover install --force 1.22.5"), "{text}");

    // Installing again does not link to the edited copy: the file is restored.
    ctx.gover(["install", "--force", "1.22.6"]).assert_success();
    assert_eq!(fs::read(&other).unwrap(), noise(8192, 7));
}

#[test]
fn two_installs_adding_the_same_files_at_once_leave_a_sound_store() {
    for _ in 0..3 {
        let ctx = two_patch_releases();
        let a = ctx.gover_cmd(["install", "1.22.5"]).spawn();
        let b = ctx.gover_cmd(["install", "1.22.6"]).spawn();
        a.wait().assert_success();
        b.wait().assert_success();
        for v in ["1.22.5", "1.22.6"] {
            for i in 0..SHARED {
                let path = ctx.version_dir(v).join(format!("src/shared/f{i}.go"));
                assert_eq!(fs::read(&path).unwrap(), noise(8192, i as u64), "{v} f{i}");
            }
        }
        // Whichever install stored a shared file first, the other linked to it rather than
        // keeping a copy of its own: one inode, in the store and both trees.
        for i in 0..SHARED {
            let rel = format!("src/shared/f{i}.go");
            let a = fs::metadata(ctx.version_dir("1.22.5").join(&rel)).unwrap();
            let b = fs::metadata(ctx.version_dir("1.22.6").join(&rel)).unwrap();
            assert_eq!((a.ino(), a.nlink()), (b.ino(), 3), "{rel}");
        }
        // Every store entry holds what its name says.
        let stored = store_files(&ctx);
        assert!(stored.len() > SHARED);
        for path in stored {
            let shard = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let digest = format!("{shard}{}", name.split('.').next().unwrap());
            assert_eq!(
                common::release::sha256_hex(&fs::read(&path).unwrap()),
                digest
            );
        }
        // Nothing left half-made in the store's temp dir.
        let tmp = ctx.gover_home.join("store/tmp");
        assert_eq!(common::context::ls(&tmp), Vec::<String>::new());
    }
}

#[test]
fn a_damaged_store_entry_is_replaced_not_linked() {
    let ctx = two_patch_releases();
    ctx.install("1.22.5");
    let f0 = ctx.version_dir("1.22.5").join("src/shared/f0.go");
    let entry = store_files(&ctx)
        .into_iter()
        .find(|p| ino(p) == ino(&f0))
        .unwrap();
    // Damage from outside (a truncation): the size no longer matches.
    fs::OpenOptions::new()
        .write(true)
        .open(&entry)
        .unwrap()
        .set_len(10)
        .unwrap();

    ctx.install("1.22.6");
    let b0 = ctx.version_dir("1.22.6").join("src/shared/f0.go");
    assert_eq!(fs::read(&b0).unwrap(), noise(8192, 0));
    assert_ne!(ino(&b0), ino(&f0));
    // The store name now holds the sound copy.
    assert_eq!(ino(&entry), ino(&b0));
}

/// The store entry of the regular file at `path` (in a version tree) would be named.
fn entry_for(ctx: &TestContext, path: &std::path::Path) -> PathBuf {
    let digest = common::release::sha256_hex(&fs::read(path).unwrap());
    let mode = fs::metadata(path).unwrap().mode() & 0o7777;
    ctx.gover_home
        .join("store")
        .join(&digest[..2])
        .join(format!("{}.{mode:o}", &digest[2..]))
}

/// Give `path` the store's mtime stamp (one second after the epoch), as a careful attacker or
/// a restored backup would.
fn stamp(path: &std::path::Path) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1))
        .unwrap();
}

/// Issue 22 item 1: a file planted under `store/` with the right name, size, mode and mtime
/// (a GOVER_HOME restored from a CI cache) is never linked into a fresh install: the install
/// holds only bytes it verified, and the planted program never runs.
#[test]
fn a_planted_store_entry_with_the_right_metadata_is_never_linked() {
    let ctx = two_patch_releases();
    ctx.install("1.22.6");
    let go = ctx.version_dir("1.22.6").join("bin/go");
    let genuine = fs::read(&go).unwrap();
    let entry = entry_for(&ctx, &go);
    assert_eq!(ino(&entry), ino(&go));
    ctx.gover(["uninstall", "--force", "1.22.6"])
        .assert_success();
    assert!(!entry.exists(), "the uninstall swept the entry");

    // The planted program: same length, same mode, the store's mtime.
    let mut evil = b"#!/bin/sh\necho PLANTED\n".to_vec();
    evil.resize(genuine.len(), b'#');
    let last = evil.len() - 1;
    evil[last] = b'\n';
    fs::create_dir_all(entry.parent().unwrap()).unwrap();
    fs::write(&entry, &evil).unwrap();
    fs::set_permissions(&entry, fs::Permissions::from_mode(0o755)).unwrap();
    stamp(&entry);

    ctx.install("1.22.6");
    assert_eq!(fs::read(&go).unwrap(), genuine);
    let run = ctx.gover(["exec", "1.22.6", "--", "go", "version"]);
    run.assert_success().assert_stdout_contains("go1.22.6");
    assert!(!run.stdout.contains("PLANTED"), "{run}");
    // The store name now holds the verified copy.
    assert_eq!(ino(&entry), ino(&go));
    assert_eq!(fs::read(&entry).unwrap(), genuine);
}

/// Issue 22 item 1: a stored file edited in place with its mtime put back is found by
/// `doctor --store`, and `install --force` (the documented repair) does not link the damaged
/// copy back.
#[test]
fn an_edit_with_the_mtime_restored_is_found_and_force_does_not_relink_it() {
    let ctx = two_patch_releases();
    ctx.install("1.22.5");
    let f3 = ctx.version_dir("1.22.5").join("src/shared/f3.go");
    let entry = entry_for(&ctx, &f3);
    let mut edited = noise(8192, 3);
    edited[100] ^= 0xff;
    fs::write(&f3, &edited).unwrap();
    stamp(&f3);

    let doctor = ctx.gover(["doctor", "--store"]);
    doctor.assert_stderr_lacks("panicked");
    assert!(
        doctor.stdout.contains("src/shared/f3.go") || doctor.stderr.contains("src/shared/f3.go"),
        "doctor --store must name the edited file\n{doctor}"
    );

    ctx.gover(["install", "--force", "1.22.5"]).assert_success();
    let f3 = ctx.version_dir("1.22.5").join("src/shared/f3.go");
    assert_eq!(fs::read(&f3).unwrap(), noise(8192, 3));
    assert_eq!(
        ino(&entry),
        ino(&f3),
        "the verified copy replaced the entry"
    );
    let doctor = ctx.gover(["doctor", "--store"]);
    assert!(
        !doctor.stdout.contains("src/shared/f3.go") && !doctor.stderr.contains("src/shared/f3.go"),
        "{doctor}"
    );
}

/// Issue 22 item 2: files enter the store only once the archive is verified. A hostile
/// archive (its sha256 is not the index's) leaves nothing in the store, however many files it
/// unpacked before the digest was known.
#[test]
fn a_failed_install_leaves_nothing_in_the_store() {
    let ctx = TestContext::new();
    ctx.publish_index_only(release_with_shared("1.22.5"));
    // Other bytes under the same name: every file unpacks, the digest does not match.
    let mut entries = fake_entries("1.22.5");
    entries.extend(with_parents([Entry::file(
        "go/src/extra/x.go",
        noise(4096, 99),
        0o644,
    )]));
    ctx.mirror
        .serve_bytes(&ctx.archive_path("1.22.5"), targz(&entries));
    ctx.gover(["install", "1.22.5"]).assert_exit(6);
    ctx.assert_nothing_installed();
}

/// Issue 22 item 3: one `gover prune` after an install killed between adopting its files and
/// publishing them leaves nothing: the staging dir and the store entries only it used.
#[test]
fn one_prune_after_a_killed_install_leaves_nothing() {
    let ctx = two_patch_releases();
    ctx.gover_cmd(["install", "1.22.5"])
        .env("GOVER_TEST_PAUSE_AT", "adopted")
        .spawn()
        .kill_when_paused_at("adopted");
    assert_eq!(ctx.staging().len(), 1);
    assert!(
        !store_files(&ctx).is_empty(),
        "the kill came after adoption"
    );

    ctx.gover(["prune"]).assert_success();
    assert!(ctx.staging().is_empty(), "staging: {:?}", ctx.staging());
    assert_eq!(store_files(&ctx), Vec::<PathBuf>::new());
    let again = ctx.gover(["prune", "--dry-run"]);
    again.assert_success();
    assert!(!again.stdout.contains("store"), "{again}");
}
