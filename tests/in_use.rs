//! `uninstall`, `prune`, `upgrade --prune` and `install --force` vs a version in use: a real
//! long-running process started by `gover exec`, or a real `go` started as plain `go` through
//! the shim, holds its version (the lock survives the exec), and a version the default or a
//! recorded `.go-version` names is refused without `--force`.
//!
//! See: issue 17 item 4, issue 22 item 9.

mod common;

use std::path::PathBuf;

use common::mirror::{Fault, Gate};
use common::procs::{finish, flocks_on, wait_for};
use common::release::version_key;
use common::toolchain::{cache_dir, debian_goroot, have_debian_go, repackage};
use common::{Mirror, Spawned, TestContext, mkfifo};

const OLD: &str = "1.21.0";
const USED: &str = "1.22.5";

/// Both versions installed, OLD the default.
fn sandbox() -> TestContext {
    let ctx = TestContext::with_releases(&[OLD, USED]);
    ctx.install(OLD);
    ctx.install(USED);
    ctx.assert_default(OLD);
    ctx
}

/// `gover exec USED -- sh`, which has replaced gover by the time it writes its marker, and
/// then sleeps (as a long build would run).
fn long_exec(ctx: &TestContext) -> Spawned {
    let marker = ctx.root.join("started");
    let child = ctx
        .gover_cmd(["exec", USED, "--", "sh", "-c"])
        .arg(format!("echo $$ > '{}'; exec sleep 120", marker.display()))
        .spawn();
    wait_for("the exec'd command to start", || marker.exists());
    child
}

fn stop(mut child: Spawned) {
    child.child.kill().unwrap();
    child.child.wait().unwrap();
}

#[test]
fn uninstall_refuses_a_version_a_running_exec_uses_unless_forced() {
    let ctx = sandbox();
    let child = long_exec(&ctx);
    // The exec'd program itself (gover is gone) holds the shared lock.
    let lock = ctx.gover_home.join(format!("locks/in-use-{USED}.lock"));
    assert_eq!(flocks_on(&lock), (1, 0));

    ctx.gover(["uninstall", USED])
        .assert_fails(1, &format!("Go {USED} is in use by a running program"));
    assert_eq!(ctx.installed(), [OLD, USED]);
    ctx.gover(["prune", "--unused"])
        .assert_success()
        .assert_stderr_contains(&format!(
            "note: left Go {USED} alone: a running program uses it"
        ));
    assert_eq!(ctx.installed(), [OLD, USED]);

    stop(child);
    ctx.gover(["uninstall", USED]).assert_success();
    assert_eq!(ctx.installed(), [OLD]);
}

#[test]
fn uninstall_force_removes_a_version_in_use_with_a_warning() {
    let ctx = sandbox();
    let child = long_exec(&ctx);
    ctx.gover(["uninstall", USED, "--force"])
        .assert_success()
        .assert_stderr_contains("is in use by a running program; removing it anyway");
    assert_eq!(ctx.installed(), [OLD]);
    stop(child);
}

#[test]
fn a_version_a_recorded_go_version_pins_is_refused_unless_forced() {
    let ctx = sandbox();
    ctx.gover(["use", USED]).assert_success();
    let pin = ctx.write_go_version(&ctx.project, &format!("{OLD}\n"));
    // Resolving records the file in seen/.
    ctx.gover(["current"]).assert_success();

    ctx.gover(["uninstall", OLD])
        .assert_fails(1, &format!("Go {OLD} is pinned by {}", pin.display()));
    assert_eq!(ctx.installed(), [OLD, USED]);
    // `--keep 1` drops all but the newest, but not one a project pins.
    ctx.gover_cmd(["prune", "--keep", "1"])
        .cwd(&ctx.root)
        .run()
        .assert_success()
        .assert_stderr_contains(&format!("note: kept Go {OLD}: pinned by {}", pin.display()));
    assert_eq!(ctx.installed(), [OLD, USED]);

    ctx.gover(["uninstall", OLD, "--force"]).assert_success();
    assert_eq!(ctx.installed(), [USED]);
}

/// See: issue 22 item 9. `upgrade --prune` honours the lock `uninstall` honours: the old patch
/// release a running `gover exec` uses is left alone (with a note), and removed once it is done.
#[test]
fn upgrade_prune_leaves_a_version_a_running_exec_uses() {
    let ctx = sandbox();
    let newer = "1.22.6";
    ctx.publish(common::release::Release::fake(newer));
    let child = long_exec(&ctx);
    ctx.gover(["upgrade", "1.22", "--prune"])
        .assert_success()
        .assert_stderr_contains(&format!("left Go {USED} alone: a running program uses it"));
    assert_eq!(ctx.installed(), [OLD, USED, newer]);
    stop(child);
    ctx.gover(["upgrade", "1.22", "--prune"]).assert_success();
    assert_eq!(ctx.installed(), [OLD, newer]);
}

/// See: issue 22 item 9. A program that starts using a version while `install --force` of it
/// is downloading: the install does not replace the tree under it (the check at the rename,
/// not only the one before the download), leaves nothing behind, and the version still runs.
#[test]
fn install_force_does_not_replace_a_version_that_came_into_use_during_its_download() {
    let ctx = sandbox();
    // Not from the download cache: the install must really download, held mid-body.
    std::fs::remove_file(ctx.cached_download(USED)).unwrap();
    let gate = Gate::new();
    ctx.mirror.script(
        &ctx.archive_path(USED),
        [Fault::StallUntil(100, gate.clone())],
    );
    let go = ctx.tool_path(USED, "go");
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&go).unwrap());
    let before = ctx.archive_requests(USED).len();
    let install = ctx.gover_cmd(["install", "--force", USED]).spawn();
    wait_for("the download to start", || {
        ctx.archive_requests(USED).len() == before + 1
    });
    let child = long_exec(&ctx);
    gate.open();
    finish(install, "install --force").assert_fails(
        1,
        &format!("Go {USED} is in use by a running program (a `go` started through the shims or `gover exec`); it cannot be replaced now"),
    );
    assert_eq!(
        std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&go).unwrap()),
        inode,
        "the tree in use was replaced"
    );
    assert!(ctx.staging().is_empty(), "{:?}", ctx.staging());
    stop(child);
    ctx.gover(["install", "--force", USED]).assert_success();
}

// ---------------------------------------------------------------------------------------------
// A real `go`, started as plain `go` through the shim (issue 22 item 9)

/// The Debian toolchain used as the version in use.
const REAL_MINOR: &str = "1.22";

/// OLD (the default) and Debian's real Go 1.22 (repackaged as an official archive, installed
/// from the loopback mirror), with fake releases of `extra` in the index too; its version.
/// `None` (after saying why) when the toolchain is missing outside CI.
fn with_real_go(extra: &[&str]) -> Option<(TestContext, String)> {
    if !have_debian_go(REAL_MINOR) {
        return None;
    }
    let goroot = debian_goroot(REAL_MINOR);
    let real = repackage(&goroot, &cache_dir())
        .unwrap_or_else(|err| panic!("repackaging {} failed: {err}", goroot.display()));
    let mut fakes = vec![OLD];
    fakes.extend(extra);
    let ctx = TestContext::with_releases(&fakes);
    let mut index = ctx.index().as_array().unwrap().clone();
    index.push(real.index_entry());
    index.sort_by_key(|e| std::cmp::Reverse(version_key(e["version"].as_str().unwrap())));
    ctx.mirror
        .serve_bytes("/index.json", serde_json::to_vec(&index).unwrap());
    ctx.mirror
        .serve_file(&Mirror::archive_path(&real.filename), &real.archive);
    ctx.install(OLD);
    ctx.install(&real.version);
    ctx.assert_default(OLD);
    Some((ctx, real.version))
}

/// A real `go` run as plain `go` through `shims/go` (`GOVER_VERSION` picks the version, so no
/// `.go-version` is recorded that would protect it anyway): `go mod edit -json` of a FIFO, which
/// blocks in `open` until the test writes a go.mod into it, as a long build would run.
struct RunningGo {
    child: Spawned,
    fifo: PathBuf,
}

fn start_go(ctx: &TestContext, version: &str) -> RunningGo {
    let dir = ctx.root.join("work");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("blocked.mod");
    mkfifo(&fifo);
    let child = ctx
        .shim_cmd("go", ["mod", "edit", "-json"])
        .arg(&fifo)
        .cwd(&dir)
        .env("GOVER_VERSION", version)
        .env("GOTELEMETRY", "off")
        .env("GOPROXY", "off")
        .env("GOCACHE", ctx.root.join("gocache"))
        .env("GOPATH", ctx.root.join("gopath"))
        .spawn();
    let pid = child.child.id();
    let go = ctx.tool_path(version, "go");
    // The shim has exec'd the real go (the process is go now, no gover left)...
    wait_for("the shim to exec go", || {
        std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .as_deref()
            == Some(go.as_path())
    });
    // ...which holds its version's in-use lock.
    let lock = ctx.gover_home.join(format!("locks/in-use-{version}.lock"));
    assert_eq!(
        flocks_on(&lock),
        (1, 0),
        "go should hold {}",
        lock.display()
    );
    RunningGo { child, fifo }
}

/// Let the blocked `go` finish; it must succeed: its GOROOT was there for its whole run.
fn finish_go(go: RunningGo) {
    std::fs::write(&go.fifo, "module example.com/blocked\n\ngo 1.22\n").unwrap();
    finish(go.child, "go mod edit")
        .assert_success()
        .assert_stdout_contains("\"Path\": \"example.com/blocked\"");
}

#[test]
fn uninstall_refuses_a_version_a_go_run_through_the_shim_uses() {
    let Some((ctx, real)) = with_real_go(&[]) else {
        return;
    };
    let go = start_go(&ctx, &real);
    ctx.gover(["uninstall", &real])
        .assert_fails(1, &format!("Go {real} is in use by a running program"));
    assert_eq!(ctx.installed(), [OLD, real.as_str()]);
    finish_go(go);
    ctx.gover(["uninstall", &real]).assert_success();
    assert_eq!(ctx.installed(), [OLD]);
}

#[test]
fn prune_keep_leaves_a_version_a_go_run_through_the_shim_uses() {
    let newest = "1.23.0";
    let Some((ctx, real)) = with_real_go(&[newest]) else {
        return;
    };
    ctx.install(newest);
    let go = start_go(&ctx, &real);
    // `--keep 1` drops all but the newest; OLD stays as the default.
    ctx.gover_cmd(["prune", "--keep", "1"])
        .cwd(&ctx.root)
        .run()
        .assert_success()
        .assert_stderr_contains(&format!(
            "note: left Go {real} alone: a running program uses it"
        ));
    assert_eq!(ctx.installed(), [OLD, real.as_str(), newest]);
    finish_go(go);
    ctx.gover_cmd(["prune", "--keep", "1"])
        .cwd(&ctx.root)
        .run()
        .assert_success();
    assert_eq!(ctx.installed(), [OLD, newest]);
}

#[test]
fn upgrade_prune_leaves_a_version_a_go_run_through_the_shim_uses() {
    let Some((ctx, real)) = with_real_go(&["1.22.99"]) else {
        return;
    };
    let go = start_go(&ctx, &real);
    ctx.gover(["upgrade", REAL_MINOR, "--prune"])
        .assert_success()
        .assert_stderr_contains(&format!("left Go {real} alone: a running program uses it"));
    assert_eq!(ctx.installed(), [OLD, real.as_str(), "1.22.99"]);
    finish_go(go);
    ctx.gover(["upgrade", REAL_MINOR, "--prune"])
        .assert_success();
    assert_eq!(ctx.installed(), [OLD, "1.22.99"]);
}

#[test]
fn install_force_refuses_a_version_a_go_run_through_the_shim_uses() {
    let Some((ctx, real)) = with_real_go(&[]) else {
        return;
    };
    // Not from the download cache: without the early check it would download the release.
    let filename = common::release::archive_name(&real);
    std::fs::remove_file(ctx.gover_home.join("cache/downloads").join(&filename)).unwrap();
    let go = start_go(&ctx, &real);
    let downloads = || {
        ctx.mirror
            .requests_for(&Mirror::archive_path(&filename))
            .len()
    };
    let before = downloads();
    ctx.gover(["install", "--force", &real]).assert_fails(
        1,
        &format!("Go {real} is in use by a running program (a `go` started through the shims or `gover exec`); it cannot be replaced now"),
    );
    // Said before downloading anything.
    assert_eq!(downloads(), before);
    assert!(ctx.staging().is_empty(), "{:?}", ctx.staging());
    assert_eq!(ctx.installed(), [OLD, real.as_str()]);
    finish_go(go);
}

/// See: issue 22 item 9. `prune` removes a damaged version (here its VERSION no longer names
/// it), but not while a running program uses it.
#[test]
fn prune_leaves_a_damaged_version_a_running_exec_uses() {
    let ctx = sandbox();
    let child = long_exec(&ctx);
    let version = ctx.version_dir(USED).join("VERSION");
    std::fs::remove_file(&version).unwrap();
    std::fs::write(&version, "go1.99.0\n").unwrap();
    ctx.gover(["prune"])
        .assert_success()
        .assert_stderr_contains(&format!("left Go {USED} alone: a running program uses it"));
    assert!(ctx.tool_path(USED, "go").is_file());
    stop(child);
    ctx.gover(["prune"]).assert_success();
    assert!(!ctx.version_dir(USED).exists());
}
