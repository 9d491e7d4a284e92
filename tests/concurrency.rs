//! Concurrency and crashes: parallel installs share one download, versions don't block each
//! other, `kill -9` at any stage leaves nothing half-done, and `use` flipping never breaks a
//! running shim. Counts and waits are bounded so these run in CI.

#[path = "common/faults.rs"]
mod faults;

use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use faults::{Fault, Gate, Mirror, Run, Sandbox};

const A: &str = "1.21.0";
const B: &str = "1.22.5";

/// Poll `cond` for up to 30 s.
#[track_caller]
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Wait for `child` to exit, for up to 30 s.
#[track_caller]
fn finish(mut child: Child, what: &str) -> Run {
    wait_for(what, || child.try_wait().unwrap().is_some());
    Run(child.wait_with_output().unwrap())
}

#[test]
fn four_simultaneous_installs_download_once_and_all_succeed() {
    let mirror = Mirror::start();
    let archive = mirror.add_release(B, 200_000);
    let sb = Sandbox::new(&mirror);
    let gate = Gate::new();
    mirror.server.script(
        &mirror.archive_path(B),
        [Fault::StallUntil(50_000, gate.clone())],
    );
    let children: Vec<Child> = (0..4)
        .map(|_| {
            sb.gover(&["install", B])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // All four are past their index fetch while the one download is held mid-body, so they
    // really overlap.
    wait_for("four index fetches and one download", || {
        mirror.server.requests_for("/index.json").len() == 4
            && mirror.archive_requests(B).len() == 1
    });
    gate.open();
    for child in children {
        finish(child, "an install").ok();
    }
    assert_eq!(
        mirror.archive_requests(B).len(),
        1,
        "{:?}",
        mirror.archive_requests(B)
    );
    assert_eq!(sb.versions(), [B]);
    assert!(sb.staging().is_empty(), "{:?}", sb.staging());
    assert_eq!(sb.downloads(), [faults::archive_name(B)]);
    let cached = std::fs::read(
        sb.home
            .join("cache/downloads")
            .join(faults::archive_name(B)),
    )
    .unwrap();
    assert_eq!(cached, archive);
    let out = sb.go(&["version"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!(
            "go version go{B} {}/{}",
            gover::dist::Platform::current().os,
            gover::dist::Platform::current().arch
        )
    );
}

#[test]
fn another_version_installs_while_the_first_download_is_stalled() {
    let mirror = Mirror::start();
    mirror.add_release(A, 200_000);
    mirror.add_release(B, 1000);
    let sb = Sandbox::new(&mirror);
    let gate = Gate::new();
    mirror.server.script(
        &mirror.archive_path(A),
        [Fault::StallUntil(50_000, gate.clone())],
    );
    let mut slow = sb
        .gover(&["install", A])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("A's download to start", || {
        mirror.archive_requests(A).len() == 1
    });
    // B completes while A is still held mid-body (a per-version lock, not a global one).
    let fast = sb
        .gover(&["install", B])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    finish(fast, "B's install").ok();
    assert!(
        slow.try_wait().unwrap().is_none(),
        "A should still be downloading"
    );
    assert_eq!(sb.versions(), [B]);
    gate.open();
    finish(slow, "A's install").ok();
    assert_eq!(sb.versions(), [A, B]);
    assert!(sb.staging().is_empty());
}

/// Start `gover install B` paused at `point`, kill -9 it there, and check that nothing of B
/// is visible, `current` still points at A, and the next install of B succeeds.
fn kill_during(point: &str) {
    let mirror = Mirror::start();
    mirror.add_release(A, 1000);
    mirror.add_release(B, 300_000);
    let sb = Sandbox::new(&mirror);
    sb.run(&["install", A]).ok();
    let current_before = sb.current().expect("A became the default");

    let mut child = sb
        .gover(&["install", B])
        .env("GOVER_TEST_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let marker = format!("gover-test: paused at {point}");
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "install ended before pausing at {point}:\n{seen}"
        );
        seen.push_str(&line);
        if line.trim() == marker {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    // No half version listed or used; the default untouched.
    assert_eq!(sb.versions(), [A], "after kill -9 at {point}");
    assert_eq!(sb.current(), Some(current_before.clone()));
    let list = sb.run(&["list"]);
    list.ok();
    assert!(!list.stdout().contains(B), "{}", list.describe());
    let out = sb.go(&["version"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("go{A} ")));
    let pinned = sb
        .go(&["version"])
        .env("GOVER_VERSION", B)
        .output()
        .unwrap();
    assert_eq!(pinned.status.code(), Some(127), "B must not be runnable");
    assert_eq!(sb.staging().len(), 1, "the killed install's staging dir");

    // The next install cleans up and succeeds.
    let again = sb.run(&["install", B]);
    again.ok();
    if point == "download" {
        // It picked up the partial download where the killed one stopped.
        assert!(again.stderr().contains("Resuming"), "{}", again.describe());
        let reqs = mirror.archive_requests(B);
        assert!(reqs.last().unwrap().range.is_some(), "{reqs:?}");
    }
    assert_eq!(sb.versions(), [A, B]);
    assert!(sb.staging().is_empty(), "staging: {:?}", sb.staging());
    assert_eq!(sb.current(), Some(current_before));
    let out = sb
        .go(&["version"])
        .env("GOVER_VERSION", B)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("go{B} ")));
}

#[test]
fn kill_9_during_download_leaves_nothing_half_installed() {
    kill_during("download");
}

#[test]
fn kill_9_during_unpack_leaves_nothing_half_installed() {
    kill_during("unpack");
}

#[test]
fn kill_9_just_before_the_rename_leaves_nothing_half_installed() {
    kill_during("rename");
}

#[test]
fn use_flipping_never_breaks_the_shim() {
    let mirror = Mirror::start();
    mirror.add_release(A, 1000);
    mirror.add_release(B, 1000);
    let sb = Arc::new(Sandbox::new(&mirror));
    sb.run(&["install", A]).ok();
    sb.run(&["install", B]).ok();

    let stop = Arc::new(AtomicBool::new(false));
    let flips = Arc::new(AtomicUsize::new(0));
    let flipper = {
        let (sb, stop, flips) = (sb.clone(), stop.clone(), flips.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for v in [A, B] {
                    let run = sb.run(&["use", v]);
                    assert_eq!(run.code(), 0, "{}", run.describe());
                    flips.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let (mut saw_a, mut saw_b) = (0, 0);
    for i in 0..1000 {
        let out = sb.go(&["version"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "call {i} failed: {}{}",
            text,
            String::from_utf8_lossy(&out.stderr)
        );
        if text.contains(&format!("go{A} ")) {
            saw_a += 1;
        } else if text.contains(&format!("go{B} ")) {
            saw_b += 1;
        } else {
            panic!("call {i} ran neither {A} nor {B}: {text}");
        }
    }
    stop.store(true, Ordering::Relaxed);
    flipper.join().expect("every `gover use` succeeded");
    assert!(flips.load(Ordering::Relaxed) >= 2, "the flipper never ran");
    assert_eq!(saw_a + saw_b, 1000);
    eprintln!(
        "1000 calls: {saw_a} ran {A}, {saw_b} ran {B}, during {} flips",
        flips.load(Ordering::Relaxed)
    );
}
