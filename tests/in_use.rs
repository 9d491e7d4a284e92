//! `uninstall` and `prune` vs a version in use: a real long-running process started by
//! `gover exec` holds its version (the lock survives the exec), and a version the default or a
//! recorded `.go-version` names is refused without `--force`.
//!
//! See: issue 17 item 4.

mod common;

use common::procs::{flocks_on, wait_for};
use common::{Spawned, TestContext};

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
        .assert_fails(1, &format!("Go {USED} is in use by a running `gover exec`"));
    assert_eq!(ctx.installed(), [OLD, USED]);
    ctx.gover(["prune", "--unused"])
        .assert_success()
        .assert_stderr_contains(&format!(
            "note: left Go {USED} alone: a running `gover exec` uses it"
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
        .assert_stderr_contains("is in use by a running `gover exec`; removing it anyway");
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
