//! A mirror that trickles (one byte every 2 s, never stalling long enough for the stall
//! timeout) fails the low-speed limit and the next mirror is tried.
//!
//! See: issue 17 item 5.

mod common;

use std::time::Duration;

use common::{Fault, Mirror, Release, TestContext};

#[test]
fn a_trickling_mirror_fails_the_low_speed_limit_and_the_next_one_is_tried() {
    let ctx = TestContext::new();
    let release = Release::fake("1.22.5");
    ctx.publish(release.clone());
    let slow = Mirror::start();
    let path = Mirror::archive_path(&release.filename);
    slow.serve_bytes(&path, release.archive.clone());
    slow.inject(&path, Fault::Trickle(100, Duration::from_secs(2)));

    ctx.gover_cmd(["install", "1.22.5"])
        .env(
            "GOVER_DIST_URL",
            format!("{},{}", slow.dist_url(), ctx.mirror.dist_url()),
        )
        .env("GOVER_HTTP_TIMEOUT", "3")
        .env("GOVER_HTTP_LOW_SPEED", "100/3")
        .run()
        .assert_success()
        .assert_stderr_contains("the transfer was too slow")
        .assert_stderr_contains("GOVER_HTTP_LOW_SPEED")
        .assert_stderr_contains(&format!(
            "trying the next mirror: {}",
            ctx.archive_url("1.22.5")
        ));
    // Given up at once, not retried on the slow mirror.
    assert_eq!(slow.gets(&path), 1);
    ctx.assert_installed_from("1.22.5", &release.archive);
}

#[test]
fn a_bad_low_speed_setting_is_a_usage_error() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    for bad in ["fast", "100", "0/3"] {
        ctx.gover_cmd(["install", "1.22.5"])
            .env("GOVER_HTTP_LOW_SPEED", bad)
            .run()
            .assert_exit(2)
            .assert_stderr_contains(&format!("GOVER_HTTP_LOW_SPEED=`{bad}` is not valid"));
    }
    assert!(ctx.installed().is_empty());
}
