//! The index cache, its TTL and fallbacks, `--offline`, and installs from the download cache
//! with no network at all (issue 7).

mod common;

use common::{Fault, Release, TestContext};

/// A URL nothing listens on: port 1 on loopback refuses connections.
const DEAD: &str = "http://127.0.0.1:1";

/// A sandbox publishing `versions`, with gover's own index TTL: the index cache is what these tests are about.
fn sandbox(versions: &[&str]) -> TestContext {
    let ctx = TestContext::builder().env_remove("GOVER_INDEX_TTL").build();
    for version in versions {
        ctx.publish(Release::fake(version));
    }
    ctx
}

#[test]
fn the_index_is_cached_and_reused_within_its_ttl() {
    let mut ctx = sandbox(&["1.22.5", "1.21.3"]);
    ctx.gover(["list", "--remote"]).assert_success();
    assert!(ctx.gover_home.join("cache/index.json").is_file());
    ctx.gover(["list", "--remote"])
        .assert_success()
        .assert_stderr_contains("cached just now");
    assert_eq!(ctx.mirror.hits("/index.json"), 1);
    ctx.set_env("GOVER_INDEX_TTL", "0");
    ctx.gover(["list", "--remote"]).assert_success();
    assert_eq!(ctx.mirror.hits("/index.json"), 2);
    ctx.set_env("GOVER_INDEX_TTL", "soon");
    ctx.gover(["list", "--remote"])
        .assert_exit(2)
        .assert_stderr_contains("GOVER_INDEX_TTL=`soon` is not valid");
}

#[test]
fn a_release_newer_than_a_fresh_cache_refetches_the_index() {
    let ctx = sandbox(&["1.21.3"]);
    ctx.gover(["list", "--remote"]).assert_success();
    // A new release appears upstream within the TTL.
    ctx.publish(Release::fake("1.22.5"));
    ctx.install("1.22.5");
    assert_eq!(ctx.mirror.hits("/index.json"), 2);
}

#[test]
fn an_unreachable_index_falls_back_to_the_cache_with_a_warning() {
    let mut ctx = sandbox(&["1.22.5", "1.21.3"]);
    ctx.gover(["list", "--remote"]).assert_success();
    // The same GOVER_INDEX_URL, now unreachable (a cache of another URL is never used: see
    // tests/index_cache_url.rs).
    ctx.mirror.inject("/index.json", Fault::Reset);
    ctx.set_env("GOVER_INDEX_TTL", "0");
    let run = ctx.gover(["list", "--remote"]);
    run.assert_success()
        .assert_stderr_contains("warning: cannot fetch the release index")
        .assert_stderr_contains(&format!(
            "using the release index from {}, cached just now (the index could not be fetched)",
            ctx.mirror.index_url()
        ));
    assert_eq!(run.stdout, "1.22.5\n1.21.3\n");
    // Installs work from the cached index too, with checksums from it.
    ctx.install("1.21.3");
    assert_eq!(ctx.installed(), ["1.21.3"]);
}

#[test]
fn no_index_and_no_cache_is_refused_unless_allow_unverified() {
    let mut ctx = sandbox(&["1.22.5"]);
    ctx.set_env("GOVER_INDEX_URL", format!("{DEAD}/index.json"));
    ctx.gover(["install", "1.22.5"])
        .assert_exit(5)
        .assert_stderr_contains("error: cannot fetch the release index")
        .assert_stderr_contains("no cached index to fall back on");
    assert!(ctx.installed().is_empty());
    ctx.gover(["install", "1.22", "--allow-unverified"])
        .assert_exit(4)
        .assert_stderr_contains("warning: --allow-unverified")
        .assert_stderr_contains("cannot install `1.22` without a release index");
    ctx.gover(["install", "1.22.5", "--allow-unverified"])
        .assert_success()
        .assert_stderr_contains("warning: --allow-unverified")
        .assert_stderr_contains("UNVERIFIED");
    assert_eq!(ctx.installed(), ["1.22.5"]);
    // Unverified bytes never enter the cache of verified archives.
    assert!(!ctx.cached_download("1.22.5").exists());
}

#[test]
fn a_cached_version_installs_with_no_network_at_all() {
    let mut ctx = sandbox(&["1.22.5"]);
    ctx.install("1.22.5");
    ctx.gover(["uninstall", "1.22.5", "--force"])
        .assert_success();
    assert!(ctx.installed().is_empty());
    ctx.mirror.inject("/index.json", Fault::Reset);
    ctx.set_env("GOVER_DIST_URL", format!("{DEAD}/"));
    // Not even told to be offline: the index falls back to the cache, the archive is cached.
    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("Used the cached download");
    assert_eq!(ctx.installed(), ["1.22.5"]);
    assert_eq!(ctx.mirror.archive_hits(), 1);
}

#[test]
fn offline_uses_only_the_caches_and_says_so() {
    let ctx = sandbox(&["1.22.5", "1.21.3"]);
    ctx.install("1.22.5");
    ctx.gover(["uninstall", "1.22.5", "--force"])
        .assert_success();
    let index_gets = ctx.mirror.hits("/index.json");
    ctx.gover(["install", "--offline", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("Offline: using the release index from")
        .assert_stderr_contains("Used the cached download");
    assert_eq!(ctx.installed(), ["1.22.5"]);
    // GOVER_OFFLINE=1 works the same; a version not in the download cache is an error naming it.
    ctx.gover_cmd(["install", "1.21.3"])
        .env("GOVER_OFFLINE", "1")
        .run()
        .assert_exit(5)
        .assert_stderr_contains(
            "offline: go1.21.3.linux-amd64.tar.gz is not in the download cache",
        );
    assert_eq!(ctx.installed(), ["1.22.5"]);
    assert_eq!(ctx.mirror.hits("/index.json"), index_gets);
    assert_eq!(ctx.mirror.archive_hits(), 1);
}

#[test]
fn list_remote_works_offline_from_the_cache_and_shows_its_age() {
    let ctx = sandbox(&["1.22.5", "1.21.3"]);
    let run = ctx.gover(["list", "--offline", "--remote"]);
    run.assert_exit(5)
        .assert_stderr_contains("offline: there is no cached release index");
    ctx.gover(["list", "--remote"]).assert_success();
    // Age the cache by two hours.
    let meta = ctx.gover_home.join("cache/index-meta.json");
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    let fetched = value["fetched_at"].as_u64().unwrap();
    value["fetched_at"] = (fetched - 7200).into();
    std::fs::write(&meta, serde_json::to_vec(&value).unwrap()).unwrap();
    let run = ctx.gover(["list", "--remote", "--offline"]);
    run.assert_success().assert_stderr_contains(&format!(
        "Offline: using the release index from {}, cached 2 hours ago",
        ctx.mirror.index_url()
    ));
    assert_eq!(run.stdout, "1.22.5\n1.21.3\n");
    assert_eq!(ctx.mirror.hits("/index.json"), 1);
    // Online again, the two-hour-old copy is past the TTL and is fetched afresh.
    ctx.gover(["list", "--remote"]).assert_success();
    assert_eq!(ctx.mirror.hits("/index.json"), 2);
}
