//! The index cache, its TTL and fallbacks, `--offline`, and installs from the download cache
//! with no network at all (issue 7).

mod mirror_support;

use mirror_support::{DEAD, Sandbox};

#[test]
fn the_index_is_cached_and_reused_within_its_ttl() {
    let mut sb = Sandbox::new(&["1.22.5", "1.21.3"]);
    sb.gover(&["list", "--remote"]).success();
    assert!(sb.gover_home().join("cache/index.json").is_file());
    sb.gover(&["list", "--remote"])
        .success()
        .stderr_has("cached just now");
    assert_eq!(sb.upstream.hits("/index.json"), 1);
    sb.set("GOVER_INDEX_TTL", "0");
    sb.gover(&["list", "--remote"]).success();
    assert_eq!(sb.upstream.hits("/index.json"), 2);
    sb.set("GOVER_INDEX_TTL", "soon");
    sb.gover(&["list", "--remote"])
        .code(2)
        .stderr_has("GOVER_INDEX_TTL=`soon` is not valid");
}

#[test]
fn a_release_newer_than_a_fresh_cache_refetches_the_index() {
    let sb = Sandbox::new(&["1.21.3"]);
    sb.gover(&["list", "--remote"]).success();
    // A new release appears upstream within the TTL.
    mirror_support::publish(
        &sb.path("upstream"),
        &["1.22.5", "1.21.3"],
        &["linux-amd64"],
    );
    sb.install("1.22.5");
    assert_eq!(sb.upstream.hits("/index.json"), 2);
}

#[test]
fn an_unreachable_index_falls_back_to_the_cache_with_a_warning() {
    let mut sb = Sandbox::new(&["1.22.5", "1.21.3"]);
    sb.gover(&["list", "--remote"]).success();
    sb.set("GOVER_INDEX_URL", &format!("{DEAD}/index.json"));
    let run = sb.gover(&["list", "--remote"]);
    run.success()
        .stderr_has("warning: cannot fetch the release index")
        .stderr_has(&format!(
            "using the release index from {}, cached just now (the index could not be fetched)",
            sb.upstream.url("/index.json")
        ));
    assert_eq!(run.stdout, "1.22.5\n1.21.3\n");
    // Installs work from the cached index too, with checksums from it.
    sb.install("1.21.3");
    assert_eq!(sb.installed(), ["1.21.3"]);
}

#[test]
fn no_index_and_no_cache_is_refused_unless_allow_unverified() {
    let mut sb = Sandbox::new(&["1.22.5"]);
    sb.set("GOVER_INDEX_URL", &format!("{DEAD}/index.json"));
    sb.gover(&["install", "1.22.5"])
        .code(5)
        .stderr_has("error: cannot fetch the release index")
        .stderr_has("no cached index to fall back on");
    assert!(sb.installed().is_empty());
    sb.gover(&["install", "1.22", "--allow-unverified"])
        .code(4)
        .stderr_has("warning: --allow-unverified")
        .stderr_has("cannot install `1.22` without a release index");
    sb.gover(&["install", "1.22.5", "--allow-unverified"])
        .success()
        .stderr_has("warning: --allow-unverified")
        .stderr_has("UNVERIFIED");
    assert_eq!(sb.installed(), ["1.22.5"]);
    // Unverified bytes never enter the cache of verified archives.
    assert!(!sb.cached_download("1.22.5").exists());
}

#[test]
fn a_cached_version_installs_with_no_network_at_all() {
    let mut sb = Sandbox::new(&["1.22.5"]);
    sb.install("1.22.5");
    sb.gover(&["uninstall", "1.22.5", "--force"]).success();
    assert!(sb.installed().is_empty());
    sb.set("GOVER_INDEX_URL", &format!("{DEAD}/index.json"));
    sb.set("GOVER_DIST_URL", &format!("{DEAD}/"));
    // Not even told to be offline: the index falls back to the cache, the archive is cached.
    sb.gover(&["install", "1.22.5"])
        .success()
        .stderr_has("Used the cached download");
    assert_eq!(sb.installed(), ["1.22.5"]);
    assert_eq!(sb.upstream.archive_hits(), 1);
}

#[test]
fn offline_uses_only_the_caches_and_says_so() {
    let sb = Sandbox::new(&["1.22.5", "1.21.3"]);
    sb.install("1.22.5");
    sb.gover(&["uninstall", "1.22.5", "--force"]).success();
    let index_gets = sb.upstream.hits("/index.json");
    let work = sb.work();
    sb.gover_in(&work, &["--offline", "install", "1.22.5"], &[])
        .success()
        .stderr_has("Offline: using the release index from")
        .stderr_has("Used the cached download");
    assert_eq!(sb.installed(), ["1.22.5"]);
    // GOVER_OFFLINE=1 works the same; a version not in the download cache is an error naming it.
    sb.gover_in(&work, &["install", "1.21.3"], &[("GOVER_OFFLINE", "1")])
        .code(5)
        .stderr_has("offline: go1.21.3.linux-amd64.tar.gz is not in the download cache");
    assert_eq!(sb.installed(), ["1.22.5"]);
    assert_eq!(sb.upstream.hits("/index.json"), index_gets);
    assert_eq!(sb.upstream.archive_hits(), 1);
}

#[test]
fn list_remote_works_offline_from_the_cache_and_shows_its_age() {
    let sb = Sandbox::new(&["1.22.5", "1.21.3"]);
    let run = sb.gover(&["--offline", "list", "--remote"]);
    run.code(5)
        .stderr_has("offline: there is no cached release index");
    sb.gover(&["list", "--remote"]).success();
    // Age the cache by two hours.
    let meta = sb.gover_home().join("cache/index-meta.json");
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta).unwrap()).unwrap();
    let fetched = value["fetched_at"].as_u64().unwrap();
    value["fetched_at"] = (fetched - 7200).into();
    std::fs::write(&meta, serde_json::to_vec(&value).unwrap()).unwrap();
    let run = sb.gover(&["list", "--remote", "--offline"]);
    run.success().stderr_has(&format!(
        "Offline: using the release index from {}, cached 2 hours ago",
        sb.upstream.url("/index.json")
    ));
    assert_eq!(run.stdout, "1.22.5\n1.21.3\n");
    assert_eq!(sb.upstream.hits("/index.json"), 1);
    // Online again, the two-hour-old copy is past the TTL and is fetched afresh.
    sb.gover(&["list", "--remote"]).success();
    assert_eq!(sb.upstream.hits("/index.json"), 2);
}
