//! Downloads under real network faults, served by a scripted loopback server: retries,
//! resume with Range, size and hash checks, timeouts, proxies and the index transport policy.
//! Each case asserts the exit code, the message and what is on disk afterwards.

#[path = "common/faults.rs"]
mod faults;

use std::time::Duration;

use faults::{Fault, Mirror, Sandbox};

const V: &str = "1.22.5";
/// Large enough that a drop "in the middle" leaves a real partial file.
const PAD: usize = 300_000;

fn setup() -> (Mirror, Sandbox, Vec<u8>) {
    let mirror = Mirror::start();
    let archive = mirror.add_release(V, PAD);
    let sb = Sandbox::new(&mirror);
    (mirror, sb, archive)
}

/// Installed, intact, nothing left behind.
#[track_caller]
fn assert_installed(sb: &Sandbox, archive: &[u8]) {
    assert_eq!(sb.versions(), [V]);
    assert!(sb.staging().is_empty(), "staging: {:?}", sb.staging());
    assert_eq!(sb.downloads(), [faults::archive_name(V)]);
    let cached = std::fs::read(
        sb.home
            .join("cache/downloads")
            .join(faults::archive_name(V)),
    )
    .unwrap();
    assert_eq!(cached, archive, "the cached archive is not byte-identical");
    let out = sb.go(&["version"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("go{V}")));
}

/// Nothing installed, nothing left behind.
#[track_caller]
fn assert_nothing_installed(sb: &Sandbox) {
    assert!(sb.versions().is_empty(), "versions: {:?}", sb.versions());
    assert!(sb.staging().is_empty(), "staging: {:?}", sb.staging());
    assert!(sb.downloads().is_empty(), "downloads: {:?}", sb.downloads());
    assert_eq!(sb.current(), None);
}

#[test]
fn a_connection_dropped_mid_body_is_resumed_with_range() {
    let (mirror, sb, archive) = setup();
    mirror
        .server
        .script(&mirror.archive_path(V), [Fault::DropAfter(100_000)]);
    let run = sb.run(&["install", V]);
    run.ok();
    let reqs = mirror.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0].range, None);
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=100000-"));
    assert!(run.stderr().contains("retrying"), "{}", run.describe());
    assert_installed(&sb, &archive);
}

#[test]
fn a_server_that_ignores_range_is_skipped_ahead_and_still_verified() {
    let (mirror, sb, archive) = setup();
    mirror.server.script(
        &mirror.archive_path(V),
        [Fault::DropAfter(150_000), Fault::IgnoreRange],
    );
    sb.run(&["install", V]).ok();
    let reqs = mirror.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=150000-"));
    assert_installed(&sb, &archive);
}

#[test]
fn a_content_length_that_promises_more_is_an_interruption_and_resumes() {
    let (mirror, sb, archive) = setup();
    mirror
        .server
        .script(&mirror.archive_path(V), [Fault::LieLength(5000)]);
    // The lie costs one stall timeout: the server closes but the client waits for more.
    sb.run(&["install", V]).ok();
    assert_eq!(mirror.archive_requests(V).len(), 2);
    assert_installed(&sb, &archive);
}

#[test]
fn http_500_then_200_is_retried() {
    let (mirror, sb, archive) = setup();
    mirror.server.script(
        &mirror.archive_path(V),
        [Fault::Status(500, None), Fault::Reset],
    );
    mirror
        .server
        .script("/index.json", [Fault::Status(503, None)]);
    let run = sb.run(&["install", V]);
    run.ok();
    assert!(run.stderr().contains("HTTP 500"), "{}", run.describe());
    assert!(run.stderr().contains("HTTP 503"), "{}", run.describe());
    assert_eq!(mirror.archive_requests(V).len(), 3);
    assert_eq!(mirror.server.requests_for("/index.json").len(), 2);
    assert_installed(&sb, &archive);
}

#[test]
fn http_429_honours_a_small_retry_after() {
    let (mirror, sb, archive) = setup();
    mirror
        .server
        .script(&mirror.archive_path(V), [Fault::Status(429, Some(1))]);
    let run = sb.run(&["install", V]);
    run.ok();
    assert!(
        run.stderr().contains("HTTP 429") && run.stderr().contains("retrying in 1.0s"),
        "{}",
        run.describe()
    );
    assert_installed(&sb, &archive);
}

#[test]
fn persistent_server_errors_give_up_after_bounded_retries() {
    let (mirror, sb, _) = setup();
    mirror
        .server
        .script(&mirror.archive_path(V), vec![Fault::Status(503, None); 10]);
    let run = sb.run(&["install", V]);
    run.fails(5, "answered HTTP 503");
    // One attempt plus four retries.
    assert_eq!(mirror.archive_requests(V).len(), 5);
    assert_nothing_installed(&sb);
}

#[test]
fn a_stall_longer_than_gover_http_timeout_is_retried_from_where_it_stopped() {
    let (mirror, sb, archive) = setup();
    let sb = sb.env("GOVER_HTTP_TIMEOUT", "1");
    mirror.server.script(
        &mirror.archive_path(V),
        [Fault::StallFor(120_000, Duration::from_secs(4))],
    );
    let run = sb.run(&["install", V]);
    run.ok();
    let reqs = mirror.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=120000-"));
    assert_installed(&sb, &archive);
}

#[test]
fn wrong_bytes_fail_verification_and_leave_nothing() {
    let (mirror, sb, _) = setup();
    mirror
        .server
        .script(&mirror.archive_path(V), [Fault::WrongBytes]);
    let run = sb.run(&["install", V]);
    // The flipped byte may break the gzip stream before the digest is compared; either way
    // it is a verification failure naming the URL.
    assert_eq!(run.code(), 6, "{}", run.describe());
    run.fails(6, &faults::archive_name(V));
    assert_nothing_installed(&sb);
}

#[test]
fn a_body_longer_than_the_index_size_fails() {
    let (mirror, sb, _) = setup();
    mirror
        .server
        .script(&mirror.archive_path(V), [Fault::Longer(10)]);
    sb.run(&["install", V]).fails(6, "is longer than the");
    assert_nothing_installed(&sb);
}

#[test]
fn a_body_shorter_than_the_index_size_fails() {
    let (mirror, sb, _) = setup();
    // An honest Content-Length for a short file; the Range retry finds nothing more.
    mirror.server.script(
        &mirror.archive_path(V),
        [Fault::Shorter(1000), Fault::Shorter(0), Fault::Shorter(0)],
    );
    let run = sb.run(&["install", V]);
    assert_eq!(run.code(), 6, "{}", run.describe());
    assert!(run.stderr().starts_with("Installing") || run.stderr().contains("error: "));
    assert_nothing_installed(&sb);
}

#[test]
fn a_lying_short_content_length_is_a_size_mismatch() {
    let (mirror, sb, _) = setup();
    mirror.server.script(
        &mirror.archive_path(V),
        [Fault::LieLength(-(PAD as i64 / 2))],
    );
    let run = sb.run(&["install", V]);
    assert_eq!(run.code(), 6, "{}", run.describe());
    assert_eq!(
        run.stderr().matches("error: ").count(),
        1,
        "{}",
        run.describe()
    );
    assert_nothing_installed(&sb);
}

#[test]
fn a_partial_file_left_by_a_killed_install_is_resumed_and_hash_checked() {
    let (mirror, sb, archive) = setup();
    // What a killed install leaves: the first bytes in the .partial file.
    let downloads = sb.home.join("cache/downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let partial = downloads.join(format!("{}.partial", faults::archive_name(V)));
    std::fs::write(&partial, &archive[..200_000]).unwrap();
    let run = sb.run(&["install", V]);
    run.ok();
    assert!(run.stderr().contains("Resuming"), "{}", run.describe());
    let reqs = mirror.archive_requests(V);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].range.as_deref(), Some("bytes=200000-"));
    assert_installed(&sb, &archive);
}

#[test]
fn a_corrupt_partial_file_is_caught_by_the_hash_and_downloaded_again() {
    let (mirror, sb, archive) = setup();
    let downloads = sb.home.join("cache/downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let partial = downloads.join(format!("{}.partial", faults::archive_name(V)));
    // Same length as a real prefix, different bytes: only re-hashing the prefix catches it.
    let mut bad = archive[..200_000].to_vec();
    bad[150_000] ^= 0x55;
    std::fs::write(&partial, &bad).unwrap();
    let run = sb.run(&["install", V]);
    run.ok();
    assert!(
        run.stderr()
            .contains("did not verify; downloading it again"),
        "{}",
        run.describe()
    );
    let reqs = mirror.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range, None);
    assert_installed(&sb, &archive);
}

#[test]
fn a_partial_file_is_restarted_when_the_server_ignores_range() {
    let (mirror, sb, archive) = setup();
    let downloads = sb.home.join("cache/downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let partial = downloads.join(format!("{}.partial", faults::archive_name(V)));
    std::fs::write(&partial, b"junk that must not survive").unwrap();
    mirror
        .server
        .script(&mirror.archive_path(V), [Fault::IgnoreRange]);
    sb.run(&["install", V]).ok();
    assert_eq!(mirror.archive_requests(V).len(), 1);
    assert_installed(&sb, &archive);
}

#[test]
fn a_plain_http_index_on_a_remote_host_is_refused() {
    let (_mirror, sb, _) = setup();
    let mut sb = sb;
    sb.index_url = "http://index.example.invalid/dl/?mode=json".into();
    for args in [
        &["install", V][..],
        &["list", "--remote"],
        &["use", "--install", V],
        &["local", "1.22"],
    ] {
        sb.run(args)
            .fails(5, "refusing to fetch the release index over plain http");
    }
    assert_nothing_installed(&sb);
    assert!(!sb.dir.path().join(".go-version").exists());
}

#[test]
fn allow_insecure_fetches_a_plain_http_index_through_an_http_proxy() {
    let (mirror, sb, archive) = setup();
    let mut sb = sb.env("HTTP_PROXY", &mirror.server.url(""));
    sb.index_url = "http://mirror.example.invalid/index.json".into();
    sb.dist_url = "http://mirror.example.invalid/dl".into();
    sb.run(&["install", V])
        .fails(5, "refusing to fetch the release index over plain http");
    sb.run(&["install", "--allow-insecure", V]).ok();
    // Both requests went through the proxy, in absolute form.
    let targets: Vec<String> = mirror.server.seen().into_iter().map(|s| s.target).collect();
    assert!(
        targets.contains(&"http://mirror.example.invalid/index.json".to_string()),
        "{targets:?}"
    );
    assert!(
        targets.contains(&format!(
            "http://mirror.example.invalid/dl/{}",
            faults::archive_name(V)
        )),
        "{targets:?}"
    );
    assert_installed(&sb, &archive);
}

#[test]
fn https_proxy_is_used_for_https_urls() {
    let (mirror, sb, _) = setup();
    let mut sb = sb.env("HTTPS_PROXY", &mirror.server.url(""));
    sb.index_url = "https://go.example.invalid/dl/?mode=json".into();
    sb.run(&["list", "--remote"])
        .fails(5, "cannot fetch the release index");
    let seen = mirror.server.seen();
    assert!(
        seen.iter()
            .any(|s| s.method == "CONNECT" && s.target == "go.example.invalid:443"),
        "{seen:?}"
    );
}

#[test]
fn no_proxy_bypasses_a_dead_proxy() {
    let (_mirror, sb, archive) = setup();
    // Nothing listens on port 9 of loopback here, so the proxy would refuse every connection.
    let sb = sb.env("HTTP_PROXY", "http://127.0.0.1:9");
    sb.run(&["list", "--remote"])
        .fails(5, "cannot fetch the release index");
    let sb = sb.env("NO_PROXY", "127.0.0.1");
    sb.run(&["install", V]).ok();
    assert_installed(&sb, &archive);
}

#[test]
fn an_index_redirect_to_plain_http_elsewhere_is_refused() {
    let (mirror, sb, _) = setup();
    mirror.server.script(
        "/index.json",
        [Fault::Redirect(
            "http://index.example.invalid/index.json".into(),
        )],
    );
    sb.run(&["install", V])
        .fails(5, "refusing to follow the index to plain http");
    assert_eq!(mirror.server.requests_for("/index.json").len(), 1);
    assert_nothing_installed(&sb);
}

#[test]
fn a_malformed_or_truncated_index_is_a_verification_error() {
    let (mirror, sb, _) = setup();
    for body in [
        &b"<html>not json</html>"[..],
        b"[{\"version\": \"go1.22.5\", \"stable\": tr",
    ] {
        mirror.server.put("/index.json", body.to_vec());
        sb.run(&["install", V]).fails(6, "is not valid JSON");
        sb.run(&["list", "--remote"]).fails(6, "is not valid JSON");
    }
    assert_nothing_installed(&sb);
}

#[test]
fn unknown_versions_and_missing_platforms_are_no_match() {
    let (mirror, sb, _) = setup();
    sb.run(&["install", "1.99.1"])
        .fails(4, "no Go release matches");
    let index = format!(
        "[{{\"version\":\"go1.30.0\",\"stable\":true,\"files\":[{{\"filename\":\"go1.30.0.plan9-mips.tar.gz\",\"os\":\"plan9\",\"arch\":\"mips\",\"sha256\":\"{}\",\"size\":1,\"kind\":\"archive\"}}]}}]",
        "0".repeat(64)
    );
    mirror.server.put("/index.json", index.into_bytes());
    sb.run(&["install", "1.30.0"]).fails(4, "has no");
    assert_nothing_installed(&sb);
}
