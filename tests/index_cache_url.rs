//! The cached release index stands in only for the URL it was fetched from: after
//! `GOVER_INDEX_URL` changes, a copy of the old index is never used, online or offline.
//!
//! See: issue 17 item 7.

mod common;

use common::{Fault, Release, TestContext};

/// A sandbox with gover's own index TTL, that has cached the index of its mirror.
fn cached_sandbox() -> TestContext {
    let ctx = TestContext::builder().env_remove("GOVER_INDEX_TTL").build();
    ctx.publish(Release::fake("1.22.5"));
    ctx.gover(["list", "--remote"]).assert_success();
    assert!(ctx.gover_home.join("cache/index.json").is_file());
    ctx
}

#[test]
fn an_unreachable_new_index_url_does_not_fall_back_to_the_old_urls_cache() {
    let ctx = cached_sandbox();
    // The fleet's index, which has no cache yet, cannot be fetched.
    let other = common::Mirror::start();
    other.inject("/index.json", Fault::Status(503));
    let run = ctx
        .gover_cmd(["install", "1.22.5"])
        .env("GOVER_INDEX_URL", other.index_url())
        .run();
    run.assert_exit(5)
        .assert_stderr_contains("error: cannot fetch the release index")
        .assert_stderr_contains(&format!(
            "the cached release index is from {}, not {}",
            ctx.mirror.index_url(),
            other.index_url()
        ))
        .assert_stderr_lacks("using the release index from");
    assert!(ctx.installed().is_empty());
    assert_eq!(ctx.mirror.archive_hits(), 0);
}

#[test]
fn offline_does_not_use_another_urls_cache() {
    let ctx = cached_sandbox();
    let other = common::Mirror::start();
    ctx.gover_cmd(["list", "--offline", "--remote"])
        .env("GOVER_INDEX_URL", other.index_url())
        .run()
        .assert_exit(5)
        .assert_stderr_contains(&format!(
            "there is no cached release index from {}",
            other.index_url()
        ));
    // The cache still serves its own URL.
    ctx.gover(["list", "--offline", "--remote"])
        .assert_success()
        .assert_stdout("1.22.5\n");
}

#[test]
fn the_same_url_unreachable_still_falls_back_to_its_cache() {
    let ctx = cached_sandbox();
    ctx.mirror.inject("/index.json", Fault::Reset);
    ctx.gover_cmd(["list", "--remote"])
        .env("GOVER_INDEX_TTL", "0")
        .run()
        .assert_success()
        .assert_stderr_contains("(the index could not be fetched)")
        .assert_stdout("1.22.5\n");
}
