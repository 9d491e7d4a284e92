//! Hostile archives and bad input: each gets one clear `error:` line, a `hint:`, a documented
//! exit code, never a panic, and leaves nothing behind (no version, no staging, nothing
//! written outside the staging dir, `current` unchanged).

#[path = "common/faults.rs"]
mod faults;

use std::path::{Path, PathBuf};
use std::process::Command;

use faults::{Entry, Mirror, Sandbox, release_entries, targz};

const GOOD: &str = "1.21.0";

fn go_bin() -> Entry<'static> {
    Entry::File("go/bin/go", b"#!/bin/sh\necho hostile\n".to_vec(), 0o755)
}

/// Install a hostile archive (listed with its true sha256, so only the unpacker can stop
/// it) and check that it is refused and leaves no trace.
#[track_caller]
fn refused(version: &str, entries: Vec<Entry>, needle: &str, canaries: &[PathBuf]) {
    let mirror = Mirror::start();
    mirror.add_release(GOOD, 1000);
    mirror.add(version, targz(&entries));
    let sb = Sandbox::new(&mirror);
    sb.run(&["install", GOOD]).ok();
    let current = sb.current();
    sb.run(&["install", version]).fails(6, needle);
    assert_eq!(sb.versions(), [GOOD]);
    assert!(sb.staging().is_empty(), "staging: {:?}", sb.staging());
    assert_eq!(
        sb.downloads(),
        [faults::archive_name(GOOD)],
        "no cached hostile archive"
    );
    assert_eq!(sb.current(), current);
    // Nothing escaped: not next to the staging dir, not in the home, not in the sandbox.
    for dir in [
        sb.home.join("staging"),
        sb.home.clone(),
        sb.dir.path().to_path_buf(),
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
        vec![go_bin(), Entry::File("pwned", b"x".to_vec(), 0o644)],
        "outside the top dir go/",
        &[],
    );
}

#[test]
fn an_absolute_path_is_refused() {
    let target = unique_tmp("abs");
    let name = target.to_str().unwrap().to_string();
    let name: &'static str = Box::leak(name.into_boxed_str());
    refused(
        "1.90.2",
        vec![go_bin(), Entry::File(name, b"x".to_vec(), 0o644)],
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
            Entry::File("go/../../pwned", b"x".to_vec(), 0o644),
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
            Entry::Symlink("go/esc", "../../.."),
            Entry::File("go/esc/pwned", b"x".to_vec(), 0o644),
        ],
        "symlink pointing outside the version dir",
        &[],
    );
    let target = unique_tmp("symabs");
    let t: &'static str = Box::leak(target.to_str().unwrap().to_string().into_boxed_str());
    refused(
        "1.90.5",
        vec![
            go_bin(),
            Entry::Symlink("go/abs", t),
            Entry::File("go/abs/pwned", b"x".to_vec(), 0o644),
        ],
        "symlink to an absolute path",
        &[target.join("pwned")],
    );
}

#[test]
fn a_hardlink_leaving_the_version_dir_is_refused() {
    refused(
        "1.90.6",
        vec![go_bin(), Entry::Hardlink("go/h", "/etc/passwd")],
        "absolute path",
        &[],
    );
    refused(
        "1.90.7",
        vec![go_bin(), Entry::Hardlink("go/h", "go/../../../etc/passwd")],
        "`..` in the path",
        &[],
    );
}

#[test]
fn device_and_fifo_entries_are_refused() {
    refused(
        "1.90.8",
        vec![go_bin(), Entry::Fifo("go/fifo")],
        "not a file, dir or link",
        &[],
    );
    refused(
        "1.90.9",
        vec![go_bin(), Entry::CharDevice("go/null")],
        "not a file, dir or link",
        &[],
    );
}

#[test]
fn an_archive_without_go_bin_go_is_refused() {
    let mut entries = release_entries("1.91.0", 100);
    entries.retain(|e| !matches!(e, Entry::File("go/bin/go", ..)));
    refused("1.91.0", entries, "no go/bin/go", &[]);
}

#[test]
fn garbage_specs_are_usage_errors() {
    let mirror = Mirror::start();
    mirror.add_release(GOOD, 1000);
    let sb = Sandbox::new(&mirror);
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
            sb.run(cmd).fails(2, "error: ");
        }
    }
    assert!(sb.versions().is_empty());
    assert!(!sb.dir.path().join(".go-version").exists());
    assert!(
        mirror.server.seen().is_empty(),
        "a bad SPEC must not reach the network"
    );
}

/// A sandbox with GOOD installed and `.go-version` in its working dir made by `make`.
fn with_version_file(make: impl FnOnce(&Path)) -> (Mirror, Sandbox) {
    let mirror = Mirror::start();
    mirror.add_release(GOOD, 1000);
    let sb = Sandbox::new(&mirror);
    sb.run(&["install", GOOD]).ok();
    make(&sb.dir.path().join(".go-version"));
    (mirror, sb)
}

#[test]
fn a_binary_go_version_is_a_clear_error() {
    let (_m, sb) = with_version_file(|p| std::fs::write(p, b"\xff\xfe\x00\x01garbage").unwrap());
    sb.run(&["current"])
        .fails(1, "does not name a Go version: it is not UTF-8 text");
    sb.run(&["install"]).fails(1, "does not name a Go version");
    let shim = sb.go(&["version"]).output().unwrap();
    let err = String::from_utf8_lossy(&shim.stderr);
    assert_ne!(shim.status.code(), Some(0));
    assert!(
        err.contains(".go-version") && !err.contains("panicked"),
        "{err}"
    );
    assert_eq!(sb.versions(), [GOOD]);
}

#[test]
fn an_unreadable_go_version_is_a_clear_error() {
    // Tests run as root, so chmod 000 would not stop a read; a symlink loop does (ELOOP).
    let (_m, sb) = with_version_file(|p| std::os::unix::fs::symlink(".go-version", p).unwrap());
    sb.run(&["current"]).fails(1, "cannot read");
    sb.run(&["install"]).fails(1, "cannot read");
    assert_eq!(sb.versions(), [GOOD]);
}

#[test]
fn a_current_that_is_a_directory_is_a_filesystem_error() {
    let mirror = Mirror::start();
    mirror.add_release(GOOD, 1000);
    mirror.add_release("1.22.5", 1000);
    let sb = Sandbox::new(&mirror);
    sb.run(&["install", GOOD]).ok();
    std::fs::remove_file(sb.home.join("current")).unwrap();
    std::fs::create_dir_all(sb.home.join("current/keep")).unwrap();
    sb.run(&["install", "1.22.5"]).fails(7, "is not a symlink");
    sb.run(&["use", GOOD]).fails(7, "is not a symlink");
    sb.run(&["current"]).fails(7, "is not a symlink");
    // Refused before downloading anything; the directory (and what is in it) is left alone.
    assert_eq!(sb.versions(), [GOOD]);
    assert!(mirror.archive_requests("1.22.5").is_empty());
    assert!(sb.home.join("current/keep").is_dir());
    assert!(sb.home.join("current/keep").is_dir());
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
    let mirror = Mirror::start();
    mirror.add_release(GOOD, 1000);
    mirror.add_release("1.22.5", 1000);
    let mut sb = Sandbox::new(&mirror);
    let mnt = sb.dir.path().join("ro");
    let Some(mount) = TmpMount::new(&mnt, "4m") else {
        return;
    };
    sb.home = mnt.join("home");
    sb.run(&["install", GOOD]).ok();
    mount.remount_ro();

    sb.run(&["install", "1.22.5"])
        .fails(7, "Read-only file system");
    sb.run(&["use", GOOD]).fails(7, "Read-only file system");
    sb.run(&["uninstall", "--force", GOOD])
        .fails(7, "Read-only file system");
    // Reading needs no write access.
    sb.run(&["list"]).ok();
    assert!(sb.run(&["current"]).ok().stdout().contains(GOOD));
    let out = sb.go(&["version"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("go{GOOD} ")));
    assert_eq!(sb.versions(), [GOOD]);
}

#[test]
fn a_full_filesystem_fails_the_install_and_leaves_nothing() {
    let mirror = Mirror::start();
    mirror.add_release(GOOD, 1000);
    // Incompressible: the archive alone is bigger than the filesystem.
    mirror.add_release("1.22.5", 2_000_000);
    let mut sb = Sandbox::new(&mirror);
    let mnt = sb.dir.path().join("full");
    let Some(_mount) = TmpMount::new(&mnt, "1m") else {
        return;
    };
    sb.home = mnt.join("home");
    sb.run(&["install", GOOD]).ok();
    let current = sb.current();

    let run = sb.run(&["install", "1.22.5"]);
    run.fails(7, "No space left on device");
    assert!(
        run.stderr().contains("hint: free some disk space"),
        "{}",
        run.describe()
    );
    assert_eq!(sb.versions(), [GOOD]);
    assert!(sb.staging().is_empty(), "staging: {:?}", sb.staging());
    assert_eq!(
        sb.downloads(),
        [faults::archive_name(GOOD)],
        "the partial is removed"
    );
    assert_eq!(sb.current(), current);
    // The space is back: GOOD still runs.
    let out = sb.go(&["version"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("go{GOOD} ")));
}
