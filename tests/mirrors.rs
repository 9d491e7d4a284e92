//! Mirror lists and fleet mirrors (issue 7): archives from a list of mirrors tried in order,
//! checksums only from the index, and `gover mirror sync` served over loopback HTTP.

mod common;

use common::release::{flip_byte, index_versions, sha256_hex};
use common::{Mirror, Release, TestContext};

/// Another mirror, holding a corrupted copy of `version`'s archive (right name, wrong bytes).
fn bad_mirror(ctx: &TestContext, version: &str) -> Mirror {
    let release = ctx.release(version);
    let bad = Mirror::start();
    bad.serve_bytes(
        &Mirror::archive_path(&release.filename),
        flip_byte(&release.archive, release.archive.len() - 1),
    );
    bad
}

/// A sandbox whose mirror publishes `versions`, each also for `platforms`.
fn with_platforms(versions: &[&str], platforms: &[&str]) -> TestContext {
    let ctx = TestContext::new();
    for version in versions {
        ctx.publish(Release::fake(version).also_for(platforms));
    }
    ctx
}

#[test]
fn dist_url_list_is_tried_in_order_past_a_404() {
    let mut ctx = TestContext::with_releases(&["1.22.5"]);
    let list = format!("{},{}", ctx.mirror.url("/missing/"), ctx.mirror.dist_url());
    ctx.set_env("GOVER_DIST_URL", list);
    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("404")
        .assert_stderr_contains(&format!(
            "trying the next mirror: {}",
            ctx.mirror.url("/dl/go1.22.5.linux-amd64.tar.gz")
        ));
    assert_eq!(ctx.installed(), ["1.22.5"]);
    assert_eq!(ctx.mirror.hits("/missing/go1.22.5.linux-amd64.tar.gz"), 1);
    assert_eq!(ctx.mirror.hits("/dl/go1.22.5.linux-amd64.tar.gz"), 1);
}

#[test]
fn a_mirror_serving_wrong_bytes_is_a_sha256_mismatch_and_the_next_one_is_tried() {
    let mut ctx = TestContext::with_releases(&["1.22.5"]);
    let bad = bad_mirror(&ctx, "1.22.5");
    let list = format!("{},{}", bad.dist_url(), ctx.mirror.dist_url());
    ctx.set_env("GOVER_DIST_URL", list);
    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains(&format!(
            "sha256 mismatch for {}",
            bad.url("/dl/go1.22.5.linux-amd64.tar.gz")
        ))
        .assert_stderr_contains("trying the next mirror");
    assert_eq!(ctx.installed(), ["1.22.5"]);
    // The cache holds the good bytes, not the bad mirror's.
    let good = ctx.release("1.22.5").archive;
    let cached = std::fs::read(ctx.cached_download("1.22.5")).unwrap();
    assert_eq!(sha256_hex(&cached), sha256_hex(&good));
}

#[test]
fn when_every_mirror_is_bad_nothing_is_installed_and_the_exit_code_is_verification() {
    let mut ctx = TestContext::with_releases(&["1.22.5"]);
    let bad = bad_mirror(&ctx, "1.22.5");
    let list = format!("{},{}", ctx.mirror.url("/missing"), bad.dist_url());
    ctx.set_env("GOVER_DIST_URL", list);
    ctx.gover(["install", "1.22.5"])
        .assert_exit(6)
        .assert_stderr_contains("error: sha256 mismatch");
    assert!(ctx.installed().is_empty());
    assert!(!ctx.cached_download("1.22.5").exists());
    assert!(
        !ctx.gover_home
            .join("cache/downloads/go1.22.5.linux-amd64.tar.gz.partial")
            .exists()
    );
}

#[test]
fn mirror_flag_replaces_the_list_for_one_run() {
    let mut ctx = TestContext::with_releases(&["1.22.5", "1.21.3"]);
    ctx.set_env("GOVER_DIST_URL", "http://127.0.0.1:1/");
    let flag = format!("--mirror={}", ctx.mirror.dist_url());
    ctx.gover(["install", "1.22.5", &flag]).assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
    // Without the flag the (dead) env list is used.
    ctx.gover(["install", "1.21.3"])
        .assert_exit(5)
        .assert_stderr_contains("http://127.0.0.1:1/go1.21.3.linux-amd64.tar.gz");
    assert_eq!(ctx.installed(), ["1.22.5"]);
}

/// The fleet mirror end to end: sync from the upstream mirror, serve the synced dir over
/// loopback HTTP, install from it with a fresh home, then sync again (nothing downloaded).
#[test]
fn fleet_mirror_sync_serve_and_install() {
    let ctx = with_platforms(
        &["1.23rc1", "1.22.5", "1.22.0", "1.21.3"],
        &["darwin-arm64", "windows-amd64"],
    );
    let fleet = ctx.root.join("fleet");
    let fleet_arg = fleet.to_str().unwrap();
    ctx.gover([
        "mirror",
        "sync",
        fleet_arg,
        "1.22",
        "1.21.3",
        "--platform",
        "linux-amd64,darwin-arm64",
    ])
    .assert_success()
    .assert_stderr_contains("4 downloaded, 0 already there");
    let mut names: Vec<String> = std::fs::read_dir(&fleet)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "go1.21.3.darwin-arm64.tar.gz",
            "go1.21.3.darwin-arm64.tar.gz.sha256",
            "go1.21.3.linux-amd64.tar.gz",
            "go1.21.3.linux-amd64.tar.gz.sha256",
            "go1.22.5.darwin-arm64.tar.gz",
            "go1.22.5.darwin-arm64.tar.gz.sha256",
            "go1.22.5.linux-amd64.tar.gz",
            "go1.22.5.linux-amd64.tar.gz.sha256",
            "index.json",
        ]
    );
    // index.json is go.dev's format with only the synced files, checksums from upstream.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fleet.join("index.json")).unwrap()).unwrap();
    let upstream = ctx.index();
    let releases = index.as_array().unwrap();
    assert_eq!(releases.len(), 2);
    assert_eq!(releases[0]["version"], "go1.22.5");
    assert_eq!(releases[1]["version"], "go1.21.3");
    for release in releases {
        let files = release["files"].as_array().unwrap();
        assert_eq!(files.len(), 2);
        for file in files {
            let name = file["filename"].as_str().unwrap();
            let official = upstream
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|r| r["files"].as_array().unwrap())
                .find(|f| f["filename"] == name)
                .unwrap();
            assert_eq!(file, official);
            let bytes = std::fs::read(fleet.join(name)).unwrap();
            assert_eq!(sha256_hex(&bytes), file["sha256"].as_str().unwrap());
            assert_eq!(
                std::fs::read_to_string(fleet.join(format!("{name}.sha256"))).unwrap(),
                file["sha256"].as_str().unwrap()
            );
        }
    }

    // Serve the dir and install from it with a fresh home; upstream is not touched.
    let served = Mirror::start();
    served.serve_dir("/", &fleet);
    let upstream_gets = ctx.mirror.archive_hits();
    let mut client = TestContext::new();
    client
        .set_env("GOVER_INDEX_URL", served.url("/index.json"))
        .set_env("GOVER_DIST_URL", served.url("/"));
    client.gover(["install", "1.22"]).assert_success();
    assert_eq!(client.installed(), ["1.22.5"]);
    client
        .shim("go", ["version"])
        .assert_success()
        .assert_stdout("go version go1.22.5 linux/amd64\n");
    client
        .shim("go", ["print-self"])
        .assert_success()
        .assert_stdout(&format!(
            "{}\n",
            client.gover_home.join("versions/1.22.5/bin/go").display()
        ));
    assert_eq!(served.hits("/go1.22.5.linux-amd64.tar.gz"), 1);
    client.gover(["install", "1.22.0"]).assert_exit(4);
    assert_eq!(ctx.mirror.archive_hits(), upstream_gets);

    // Sync again: everything is there and verifies, so nothing is downloaded.
    ctx.gover([
        "mirror",
        "sync",
        fleet_arg,
        "1.22",
        "1.21.3",
        "--platform",
        "linux-amd64,darwin-arm64",
    ])
    .assert_success()
    .assert_stderr_contains("0 downloaded, 4 already there");
    assert_eq!(ctx.mirror.archive_hits(), upstream_gets);

    // Adding a release keeps the earlier ones listed and fetches only the new file.
    ctx.gover(["mirror", "sync", fleet_arg, "1.22.0"])
        .assert_success()
        .assert_stderr_contains("1 downloaded");
    assert_eq!(ctx.mirror.archive_hits(), upstream_gets + 1);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fleet.join("index.json")).unwrap()).unwrap();
    assert_eq!(index_versions(&index), ["go1.22.5", "go1.22.0", "go1.21.3"]);
}

#[test]
fn mirror_sync_redownloads_a_damaged_archive_and_defaults_to_the_two_stable_lines() {
    let ctx = TestContext::with_releases(&["1.23rc1", "1.22.5", "1.22.0", "1.21.3", "1.20"]);
    let fleet = ctx.root.join("fleet");
    let fleet_arg = fleet.to_str().unwrap();
    ctx.gover(["mirror", "sync", fleet_arg])
        .assert_success()
        .assert_stderr_contains("2 downloaded");
    assert!(fleet.join("go1.22.5.linux-amd64.tar.gz").is_file());
    assert!(fleet.join("go1.21.3.linux-amd64.tar.gz").is_file());
    assert!(!fleet.join("go1.22.0.linux-amd64.tar.gz").exists());
    assert!(!fleet.join("go1.23rc1.linux-amd64.tar.gz").exists());
    std::fs::write(fleet.join("go1.21.3.linux-amd64.tar.gz"), b"damaged").unwrap();
    ctx.gover(["mirror", "sync", fleet_arg])
        .assert_success()
        .assert_stderr_contains("1 downloaded, 1 already there");
    let good = ctx.release("1.21.3").archive;
    assert_eq!(
        std::fs::read(fleet.join("go1.21.3.linux-amd64.tar.gz")).unwrap(),
        good
    );
}

#[test]
fn mirror_sync_rejects_unknown_platforms_and_missing_archives() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    let fleet = ctx.root.join("fleet");
    let fleet_arg = fleet.to_str().unwrap();
    ctx.gover(["mirror", "sync", fleet_arg, "--platform", "linux-amd46"])
        .assert_exit(2)
        .assert_stderr_contains("`linux-amd46` is not a Go platform");
    ctx.gover(["mirror", "sync", fleet_arg, "--platform", "darwin-arm64"])
        .assert_exit(4)
        .assert_stderr_contains("no darwin-arm64 archive");
    assert!(!fleet.join("index.json").exists());
}
