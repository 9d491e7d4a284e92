//! Mirror lists and fleet mirrors (issue 7): archives from a list of mirrors tried in order,
//! checksums only from the index, and `gover mirror sync` served over loopback HTTP.

mod mirror_support;

use mirror_support::{PLATFORM, Sandbox, Server, archive_name, sha256_hex};

/// A mirror dir holding a corrupted copy of `version`'s archive (right name, wrong bytes).
fn bad_mirror(sandbox: &Sandbox, version: &str) -> Server {
    let dir = sandbox.path("bad");
    std::fs::create_dir_all(&dir).unwrap();
    let mut bytes = std::fs::read(
        sandbox
            .path("upstream")
            .join(archive_name(version, PLATFORM)),
    )
    .unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(dir.join(archive_name(version, PLATFORM)), bytes).unwrap();
    Server::serve(&dir)
}

#[test]
fn dist_url_list_is_tried_in_order_past_a_404() {
    let mut sb = Sandbox::new(&["1.22.5"]);
    let list = format!("{},{}", sb.upstream.url("/missing/"), sb.upstream.url("/"));
    sb.set("GOVER_DIST_URL", &list);
    sb.gover(&["install", "1.22.5"])
        .success()
        .stderr_has("404")
        .stderr_has(&format!(
            "trying the next mirror: {}",
            sb.upstream.url("/go1.22.5.linux-amd64.tar.gz")
        ));
    assert_eq!(sb.installed(), ["1.22.5"]);
    assert_eq!(sb.upstream.hits("/missing/go1.22.5.linux-amd64.tar.gz"), 1);
    assert_eq!(sb.upstream.hits("/go1.22.5.linux-amd64.tar.gz"), 1);
}

#[test]
fn a_mirror_serving_wrong_bytes_is_a_sha256_mismatch_and_the_next_one_is_tried() {
    let mut sb = Sandbox::new(&["1.22.5"]);
    let bad = bad_mirror(&sb, "1.22.5");
    sb.set(
        "GOVER_DIST_URL",
        &format!("{},{}", bad.url("/"), sb.upstream.url("/")),
    );
    sb.gover(&["install", "1.22.5"])
        .success()
        .stderr_has(&format!(
            "sha256 mismatch for {}",
            bad.url("/go1.22.5.linux-amd64.tar.gz")
        ))
        .stderr_has("trying the next mirror");
    assert_eq!(sb.installed(), ["1.22.5"]);
    // The cache holds the good bytes, not the bad mirror's.
    let good = std::fs::read(sb.path("upstream/go1.22.5.linux-amd64.tar.gz")).unwrap();
    let cached = std::fs::read(sb.cached_download("1.22.5")).unwrap();
    assert_eq!(sha256_hex(&cached), sha256_hex(&good));
}

#[test]
fn when_every_mirror_is_bad_nothing_is_installed_and_the_exit_code_is_verification() {
    let mut sb = Sandbox::new(&["1.22.5"]);
    let bad = bad_mirror(&sb, "1.22.5");
    sb.set(
        "GOVER_DIST_URL",
        &format!("{},{}", sb.upstream.url("/missing"), bad.url("/")),
    );
    sb.gover(&["install", "1.22.5"])
        .code(6)
        .stderr_has("error: sha256 mismatch");
    assert!(sb.installed().is_empty());
    assert!(!sb.cached_download("1.22.5").exists());
    assert!(
        !sb.gover_home()
            .join("cache/downloads/go1.22.5.linux-amd64.tar.gz.partial")
            .exists()
    );
}

#[test]
fn mirror_flag_replaces_the_list_for_one_run() {
    let mut sb = Sandbox::new(&["1.22.5", "1.21.3"]);
    sb.set("GOVER_DIST_URL", "http://127.0.0.1:1/");
    let flag = format!("--mirror={}", sb.upstream.url("/"));
    sb.gover(&["install", "1.22.5", &flag]).success();
    assert_eq!(sb.installed(), ["1.22.5"]);
    // Without the flag the (dead) env list is used.
    sb.gover(&["install", "1.21.3"])
        .code(5)
        .stderr_has("http://127.0.0.1:1/go1.21.3.linux-amd64.tar.gz");
    assert_eq!(sb.installed(), ["1.22.5"]);
}

/// The fleet mirror end to end: sync from the upstream mirror, serve the synced dir over
/// loopback HTTP, install from it with a fresh home, then sync again (nothing downloaded).
#[test]
fn fleet_mirror_sync_serve_and_install() {
    let sb = Sandbox::with_platforms(
        &["1.23rc1", "1.22.5", "1.22.0", "1.21.3"],
        &[PLATFORM, "darwin-arm64", "windows-amd64"],
    );
    let fleet = sb.path("fleet");
    let fleet_arg = fleet.to_str().unwrap();
    sb.gover(&[
        "mirror",
        "sync",
        fleet_arg,
        "1.22",
        "1.21.3",
        "--platform",
        "linux-amd64,darwin-arm64",
    ])
    .success()
    .stderr_has("4 downloaded, 0 already there");
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
    let upstream: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sb.path("upstream/index.json")).unwrap()).unwrap();
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
    let served = Server::serve(&fleet);
    let upstream_gets = sb.upstream.archive_hits();
    let mut client = Sandbox::new(&[]);
    client.set("GOVER_INDEX_URL", &served.url("/index.json"));
    client.set("GOVER_DIST_URL", &served.url("/"));
    client.gover(&["install", "1.22"]).success();
    assert_eq!(client.installed(), ["1.22.5"]);
    client
        .go_shim(&client.work(), &["version"], &[])
        .success()
        .stdout_is(&format!(
            "go version go1.22.5 linux/amd64 ({})\n",
            client.gover_home().join("versions/1.22.5/bin/go").display()
        ));
    assert_eq!(served.hits("/go1.22.5.linux-amd64.tar.gz"), 1);
    client.gover(&["install", "1.22.0"]).code(4);
    assert_eq!(sb.upstream.archive_hits(), upstream_gets);

    // Sync again: everything is there and verifies, so nothing is downloaded.
    sb.gover(&[
        "mirror",
        "sync",
        fleet_arg,
        "1.22",
        "1.21.3",
        "--platform",
        "linux-amd64,darwin-arm64",
    ])
    .success()
    .stderr_has("0 downloaded, 4 already there");
    assert_eq!(sb.upstream.archive_hits(), upstream_gets);

    // Adding a release keeps the earlier ones listed and fetches only the new file.
    sb.gover(&["mirror", "sync", fleet_arg, "1.22.0"])
        .success()
        .stderr_has("1 downloaded");
    assert_eq!(sb.upstream.archive_hits(), upstream_gets + 1);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fleet.join("index.json")).unwrap()).unwrap();
    let versions: Vec<&str> = index
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["go1.22.5", "go1.22.0", "go1.21.3"]);
}

#[test]
fn mirror_sync_redownloads_a_damaged_archive_and_defaults_to_the_two_stable_lines() {
    let sb = Sandbox::new(&["1.23rc1", "1.22.5", "1.22.0", "1.21.3", "1.20"]);
    let fleet = sb.path("fleet");
    let fleet_arg = fleet.to_str().unwrap();
    sb.gover(&["mirror", "sync", fleet_arg])
        .success()
        .stderr_has("2 downloaded");
    assert!(fleet.join("go1.22.5.linux-amd64.tar.gz").is_file());
    assert!(fleet.join("go1.21.3.linux-amd64.tar.gz").is_file());
    assert!(!fleet.join("go1.22.0.linux-amd64.tar.gz").exists());
    assert!(!fleet.join("go1.23rc1.linux-amd64.tar.gz").exists());
    std::fs::write(fleet.join("go1.21.3.linux-amd64.tar.gz"), b"damaged").unwrap();
    sb.gover(&["mirror", "sync", fleet_arg])
        .success()
        .stderr_has("1 downloaded, 1 already there");
    let good = std::fs::read(sb.path("upstream/go1.21.3.linux-amd64.tar.gz")).unwrap();
    assert_eq!(
        std::fs::read(fleet.join("go1.21.3.linux-amd64.tar.gz")).unwrap(),
        good
    );
}

#[test]
fn mirror_sync_rejects_unknown_platforms_and_missing_archives() {
    let sb = Sandbox::new(&["1.22.5"]);
    let fleet = sb.path("fleet");
    let fleet_arg = fleet.to_str().unwrap();
    sb.gover(&["mirror", "sync", fleet_arg, "--platform", "linux-amd46"])
        .code(2)
        .stderr_has("`linux-amd46` is not a Go platform");
    sb.gover(&["mirror", "sync", fleet_arg, "--platform", "darwin-arm64"])
        .code(4)
        .stderr_has("no darwin-arm64 archive");
    assert!(!fleet.join("index.json").exists());
}
