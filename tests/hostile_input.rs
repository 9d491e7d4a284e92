//! Hostile archives and bad input: each gets one clear `error:` line, a `hint:`, a documented
//! exit code, never a panic, and leaves nothing behind (no version, no staging, nothing
//! written outside the staging dir, `current` unchanged).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::release::{Entry, archive_name, fake_entries, targz};
use common::{Release, TestContext};

const GOOD: &str = "1.21.0";

fn go_bin() -> Entry {
    Entry::file("go/bin/go", b"#!/bin/sh\necho hostile\n".to_vec(), 0o755)
}

/// Install a hostile archive (listed with its true sha256, so only the unpacker can stop
/// it) and check that it is refused and leaves no trace.
#[track_caller]
fn refused(version: &str, entries: Vec<Entry>, needle: &str, canaries: &[PathBuf]) {
    let ctx = TestContext::new();
    ctx.publish(Release::padded(GOOD, 1000));
    ctx.publish(Release::from_archive(version, targz(&entries)));
    ctx.gover(["install", GOOD]).assert_success();
    let current = ctx.current_link();
    ctx.gover(["install", version]).assert_fails(6, needle);
    assert_eq!(ctx.installed(), [GOOD]);
    assert!(ctx.staging().is_empty(), "staging: {:?}", ctx.staging());
    assert_eq!(
        ctx.downloads(),
        [archive_name(GOOD)],
        "no cached hostile archive"
    );
    assert_eq!(ctx.current_link(), current);
    // Nothing escaped: not next to the staging dir, not in GOVER_HOME, HOME, the working dir or the sandbox.
    for dir in [
        ctx.gover_home.join("staging"),
        ctx.gover_home.clone(),
        ctx.home.clone(),
        ctx.project.clone(),
        ctx.root.clone(),
    ] {
        assert!(
            !dir.join("pwned").exists(),
            "{} was written",
            dir.join("pwned").display()
        );
    }
    for c in canaries {
        assert!(
            std::fs::symlink_metadata(c).is_err(),
            "{} was written",
            c.display()
        );
    }
}

fn unique_tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gover-hostile-{}-{name}", std::process::id()))
}

#[test]
fn an_entry_outside_the_top_dir_is_refused() {
    refused(
        "1.90.1",
        vec![go_bin(), Entry::file("pwned", b"x".to_vec(), 0o644)],
        "outside the top dir go/",
        &[],
    );
}

#[test]
fn an_absolute_path_is_refused() {
    let target = unique_tmp("abs");
    let name = target.to_str().unwrap().to_string();
    refused(
        "1.90.2",
        vec![go_bin(), Entry::file(&name, b"x".to_vec(), 0o644)],
        "absolute path",
        &[target],
    );
}

#[test]
fn dot_dot_components_are_refused() {
    refused(
        "1.90.3",
        vec![
            go_bin(),
            Entry::file("go/../../pwned", b"x".to_vec(), 0o644),
        ],
        "`..` in the path",
        &[],
    );
}

#[test]
fn a_symlink_leaving_the_version_dir_is_refused() {
    refused(
        "1.90.4",
        vec![
            go_bin(),
            Entry::symlink("go/esc", "../../.."),
            Entry::file("go/esc/pwned", b"x".to_vec(), 0o644),
        ],
        "symlink pointing outside the version dir",
        &[],
    );
    let target = unique_tmp("symabs");
    let t = target.to_str().unwrap().to_string();
    refused(
        "1.90.5",
        vec![
            go_bin(),
            Entry::symlink("go/abs", &t),
            Entry::file("go/abs/pwned", b"x".to_vec(), 0o644),
        ],
        "symlink to an absolute path",
        &[target.join("pwned")],
    );
}

#[test]
fn a_hardlink_leaving_the_version_dir_is_refused() {
    refused(
        "1.90.6",
        vec![go_bin(), Entry::hardlink("go/h", "/etc/passwd")],
        "absolute path",
        &[],
    );
    refused(
        "1.90.7",
        vec![go_bin(), Entry::hardlink("go/h", "go/../../../etc/passwd")],
        "`..` in the path",
        &[],
    );
}

#[test]
fn device_and_fifo_entries_are_refused() {
    refused(
        "1.90.8",
        vec![go_bin(), Entry::Fifo("go/fifo".into())],
        "not a file, dir or link",
        &[],
    );
    refused(
        "1.90.9",
        vec![go_bin(), Entry::CharDevice("go/null".into())],
        "not a file, dir or link",
        &[],
    );
}

#[test]
fn an_archive_without_go_bin_go_is_refused() {
    let mut entries = fake_entries("1.91.0");
    entries.retain(|e| e.path() != "go/bin/go");
    refused("1.91.0", entries, "no go/bin/go", &[]);
}

#[test]
fn garbage_specs_are_usage_errors() {
    let ctx = TestContext::new();
    ctx.publish(Release::padded(GOOD, 1000));
    for spec in [
        "1..2",
        "go",
        "99999999999999999999",
        "１.２２",
        "1.22.5\u{202e}",
        "",
        "-",
        "1.22.5 1",
    ] {
        for cmd in [
            &["install", "--", spec][..],
            &["use", "--", spec],
            &["local", "--", spec],
            &["exec", spec, "--", "true"],
        ] {
            ctx.gover(cmd).assert_fails(2, "error: ");
        }
    }
    assert!(ctx.installed().is_empty());
    assert!(!ctx.project.join(".go-version").exists());
    assert!(
        ctx.mirror.requests().is_empty(),
        "a bad SPEC must not reach the network"
    );
}

/// A sandbox with GOOD installed and `.go-version` in its working dir made by `make`.
fn with_version_file(make: impl FnOnce(&Path)) -> TestContext {
    let ctx = TestContext::new();
    ctx.publish(Release::padded(GOOD, 1000));
    ctx.gover(["install", GOOD]).assert_success();
    make(&ctx.project.join(".go-version"));
    ctx
}

#[test]
fn a_binary_go_version_is_a_clear_error() {
    let ctx = with_version_file(|p| std::fs::write(p, b"\xff\xfe\x00\x01garbage").unwrap());
    ctx.gover(["current"])
        .assert_fails(1, "does not name a Go version: it is not UTF-8 text");
    ctx.gover(["install"])
        .assert_fails(1, "does not name a Go version");
    let shim = ctx.shim("go", ["version"]);
    let err = &shim.stderr;
    assert_ne!(shim.code(), Some(0));
    assert!(
        err.contains(".go-version") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(ctx.installed(), [GOOD]);
}

#[test]
fn an_unreadable_go_version_is_a_clear_error() {
    // Tests run as root, so chmod 000 would not stop a read; a symlink loop does (ELOOP).
    let ctx = with_version_file(|p| std::os::unix::fs::symlink(".go-version", p).unwrap());
    ctx.gover(["current"]).assert_fails(1, "cannot read");
    ctx.gover(["install"]).assert_fails(1, "cannot read");
    assert_eq!(ctx.installed(), [GOOD]);
}

#[test]
fn a_current_that_is_a_directory_is_a_filesystem_error() {
    let ctx = TestContext::new();
    ctx.publish(Release::padded(GOOD, 1000));
    ctx.publish(Release::padded("1.22.5", 1000));
    ctx.gover(["install", GOOD]).assert_success();
    std::fs::remove_file(ctx.gover_home.join("current")).unwrap();
    std::fs::create_dir_all(ctx.gover_home.join("current/keep")).unwrap();
    ctx.gover(["install", "1.22.5"])
        .assert_fails(7, "is not a symlink");
    ctx.gover(["use", GOOD]).assert_fails(7, "is not a symlink");
    ctx.gover(["current"]).assert_fails(7, "is not a symlink");
    // Refused before downloading anything; the directory (and what is in it) is left alone.
    assert_eq!(ctx.installed(), [GOOD]);
    assert!(ctx.archive_requests("1.22.5").is_empty());
    assert!(ctx.gover_home.join("current/keep").is_dir());
    assert!(ctx.gover_home.join("current/keep").is_dir());
}

/// A tmpfs mounted for one test; unmounted when dropped.
struct TmpMount(PathBuf);

impl TmpMount {
    /// Mount a tmpfs of `size` at `dir`, or `None` where mounting is not permitted (outside
    /// CI; with `CI` set, that is a failure instead).
    fn new(dir: &Path, size: &str) -> Option<TmpMount> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            assert!(
                std::env::var_os("CI").is_none(),
                "cannot mount a tmpfs (needs root)"
            );
            eprintln!("skipping: cannot mount a tmpfs here");
            return None;
        }
        Some(TmpMount(dir.to_path_buf()))
    }

    fn remount_ro(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for TmpMount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_read_only_gover_home_fails_writes_cleanly_and_still_serves_reads() {
    let mut ctx = TestContext::new();
    ctx.publish(Release::padded(GOOD, 1000));
    ctx.publish(Release::padded("1.22.5", 1000));
    let mnt = ctx.root.join("ro");
    let Some(mount) = TmpMount::new(&mnt, "4m") else {
        return;
    };
    ctx.gover_home = mnt.join("home");
    ctx.gover(["install", GOOD]).assert_success();
    mount.remount_ro();

    ctx.gover(["install", "1.22.5"])
        .assert_fails(7, "Read-only file system");
    ctx.gover(["use", GOOD])
        .assert_fails(7, "Read-only file system");
    ctx.gover(["uninstall", "--force", GOOD])
        .assert_fails(7, "Read-only file system");
    // Reading needs no write access.
    ctx.gover(["list"]).assert_success();
    ctx.gover(["current"])
        .assert_success()
        .assert_stdout_contains(GOOD);
    ctx.shim("go", ["version"])
        .assert_stdout_contains(&format!("go{GOOD} "));
    assert_eq!(ctx.installed(), [GOOD]);
}

#[test]
fn a_full_filesystem_fails_the_install_and_leaves_nothing() {
    let mut ctx = TestContext::new();
    ctx.publish(Release::padded(GOOD, 1000));
    // Incompressible: the archive alone is bigger than the filesystem.
    ctx.publish(Release::padded("1.22.5", 2_000_000));
    let mnt = ctx.root.join("full");
    let Some(_mount) = TmpMount::new(&mnt, "1m") else {
        return;
    };
    ctx.gover_home = mnt.join("home");
    ctx.gover(["install", GOOD]).assert_success();
    let current = ctx.current_link();

    let run = ctx.gover(["install", "1.22.5"]);
    run.assert_fails(7, "No space left on device");
    run.assert_stderr_contains("hint: free some disk space");
    assert_eq!(ctx.installed(), [GOOD]);
    assert!(ctx.staging().is_empty(), "staging: {:?}", ctx.staging());
    assert_eq!(
        ctx.downloads(),
        [archive_name(GOOD)],
        "the partial is removed"
    );
    assert_eq!(ctx.current_link(), current);
    // The space is back: GOOD still runs.
    ctx.shim("go", ["version"])
        .assert_stdout_contains(&format!("go{GOOD} "));
}
