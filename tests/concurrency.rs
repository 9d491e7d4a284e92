//! Concurrency and crashes: parallel installs share one download, versions don't block each
//! other, `kill -9` at any stage leaves nothing half-done, and `use` flipping never breaks a
//! running shim. Counts and waits are bounded so these run in CI.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::release::{archive_name, host_platform};
use common::{Fault, Gate, Outcome, Release, Spawned, TestContext};

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
fn finish(mut spawned: Spawned, what: &str) -> Outcome {
    wait_for(what, || spawned.child.try_wait().unwrap().is_some());
    spawned.wait()
}

#[test]
fn four_simultaneous_installs_download_once_and_all_succeed() {
    let ctx = TestContext::new();
    let release = Release::padded(B, 200_000);
    let archive = release.archive.clone();
    ctx.publish(release);
    let gate = Gate::new();
    ctx.mirror.script(
        &ctx.archive_path(B),
        [Fault::StallUntil(50_000, gate.clone())],
    );
    let children: Vec<Spawned> = (0..4)
        .map(|_| ctx.gover_cmd(["install", B]).spawn())
        .collect();
    // All four are past their index fetch while the one download is held mid-body, so they
    // really overlap.
    wait_for("four index fetches and one download", || {
        ctx.mirror.requests_for("/index.json").len() == 4 && ctx.archive_requests(B).len() == 1
    });
    gate.open();
    for child in children {
        finish(child, "an install").assert_success();
    }
    assert_eq!(
        ctx.archive_requests(B).len(),
        1,
        "{:?}",
        ctx.archive_requests(B)
    );
    assert_eq!(ctx.installed(), [B]);
    assert!(ctx.staging().is_empty(), "{:?}", ctx.staging());
    assert_eq!(ctx.downloads(), [archive_name(B)]);
    let cached = std::fs::read(ctx.cached_download(B)).unwrap();
    assert_eq!(cached, archive);
    let out = ctx.shim("go", ["version"]);
    let (os, arch) = host_platform();
    assert_eq!(out.stdout.trim(), format!("go version go{B} {os}/{arch}"));
}

#[test]
fn another_version_installs_while_the_first_download_is_stalled() {
    let ctx = TestContext::new();
    ctx.publish(Release::padded(A, 200_000));
    ctx.publish(Release::padded(B, 1000));
    let gate = Gate::new();
    ctx.mirror.script(
        &ctx.archive_path(A),
        [Fault::StallUntil(50_000, gate.clone())],
    );
    let mut slow = ctx.gover_cmd(["install", A]).spawn();
    wait_for("A's download to start", || {
        ctx.archive_requests(A).len() == 1
    });
    // B completes while A is still held mid-body (a per-version lock, not a global one).
    let fast = ctx.gover_cmd(["install", B]).spawn();
    finish(fast, "B's install").assert_success();
    assert!(
        slow.child.try_wait().unwrap().is_none(),
        "A should still be downloading"
    );
    assert_eq!(ctx.installed(), [B]);
    gate.open();
    finish(slow, "A's install").assert_success();
    assert_eq!(ctx.installed(), [A, B]);
    assert!(ctx.staging().is_empty());
}

/// Start `gover install B` paused at `point`, kill -9 it there, and check that nothing of B
/// is visible, `current` still points at A, and the next install of B succeeds.
fn kill_during(point: &str) {
    let ctx = TestContext::new();
    ctx.publish(Release::padded(A, 1000));
    ctx.publish(Release::padded(B, 300_000));
    ctx.gover(["install", A]).assert_success();
    let current_before = ctx.current_link().expect("A became the default");

    ctx.gover_cmd(["install", B])
        .env("GOVER_TEST_PAUSE_AT", point)
        .spawn()
        .kill_when_paused_at(point); // SIGKILL

    // No half version listed or used; the default untouched.
    assert_eq!(ctx.installed(), [A], "after kill -9 at {point}");
    assert_eq!(ctx.current_link(), Some(current_before.clone()));
    let list = ctx.gover(["list"]);
    list.assert_success();
    assert!(!list.stdout.contains(B), "{list}");
    ctx.shim("go", ["version"])
        .assert_stdout_contains(&format!("go{A} "));
    let pinned = ctx
        .shim_cmd("go", ["version"])
        .env("GOVER_VERSION", B)
        .run();
    assert_eq!(pinned.code(), Some(127), "B must not be runnable\n{pinned}");
    assert_eq!(ctx.staging().len(), 1, "the killed install's staging dir");

    // The next install cleans up and succeeds.
    let again = ctx.gover(["install", B]);
    again.assert_success();
    if point == "download" {
        // It picked up the partial download where the killed one stopped.
        again.assert_stderr_contains("Resuming");
        let reqs = ctx.archive_requests(B);
        assert!(reqs.last().unwrap().range.is_some(), "{reqs:?}");
    }
    assert_eq!(ctx.installed(), [A, B]);
    assert!(ctx.staging().is_empty(), "staging: {:?}", ctx.staging());
    assert_eq!(ctx.current_link(), Some(current_before));
    ctx.shim_cmd("go", ["version"])
        .env("GOVER_VERSION", B)
        .run()
        .assert_stdout_contains(&format!("go{B} "));
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
    let ctx = Arc::new(TestContext::new());
    ctx.publish(Release::padded(A, 1000));
    ctx.publish(Release::padded(B, 1000));
    ctx.gover(["install", A]).assert_success();
    ctx.gover(["install", B]).assert_success();

    let stop = Arc::new(AtomicBool::new(false));
    let flips = Arc::new(AtomicUsize::new(0));
    let flipper = {
        let (ctx, stop, flips) = (ctx.clone(), stop.clone(), flips.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for v in [A, B] {
                    let run = ctx.gover(["use", v]);
                    assert_eq!(run.code(), Some(0), "{run}");
                    flips.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    let (mut saw_a, mut saw_b) = (0, 0);
    for i in 0..1000 {
        let out = ctx.shim("go", ["version"]);
        let text = &out.stdout;
        assert!(
            out.status.success(),
            "call {i} failed: {text}{}",
            out.stderr
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
