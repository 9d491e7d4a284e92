//! Downloads under real network faults, served by a scripted loopback server: retries,
//! resume with Range, size and hash checks, timeouts, proxies and the index transport policy.
//! Each case asserts the exit code, the message and what is on disk afterwards.

mod common;

use std::time::Duration;

use common::release::{archive_name, flip_byte};
use common::{Fault, Release, TestContext};

const V: &str = "1.22.5";
/// Large enough that a drop "in the middle" leaves a real partial file.
const PAD: usize = 300_000;

fn setup() -> (TestContext, Vec<u8>) {
    let ctx = TestContext::new();
    let release = Release::padded(V, PAD);
    let archive = release.archive.clone();
    ctx.publish(release);
    (ctx, archive)
}

#[test]
fn a_connection_dropped_mid_body_is_resumed_with_range() {
    let (ctx, archive) = setup();
    ctx.mirror
        .script(&ctx.archive_path(V), [Fault::DropAfter(100_000)]);
    let run = ctx.gover(["install", V]);
    run.assert_success();
    let reqs = ctx.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0].range, None);
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=100000-"));
    run.assert_stderr_contains("retrying");
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn a_server_that_ignores_range_is_skipped_ahead_and_still_verified() {
    let (ctx, archive) = setup();
    ctx.mirror.script(
        &ctx.archive_path(V),
        [Fault::DropAfter(150_000), Fault::IgnoreRange],
    );
    ctx.gover(["install", V]).assert_success();
    let reqs = ctx.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=150000-"));
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn a_content_length_that_promises_more_is_an_interruption_and_resumes() {
    let (ctx, archive) = setup();
    ctx.mirror
        .script(&ctx.archive_path(V), [Fault::LieLength(5000)]);
    // The lie costs one stall timeout: the server closes but the client waits for more.
    ctx.gover(["install", V]).assert_success();
    assert_eq!(ctx.archive_requests(V).len(), 2);
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn http_500_then_200_is_retried() {
    let (ctx, archive) = setup();
    ctx.mirror
        .script(&ctx.archive_path(V), [Fault::Status(500), Fault::Reset]);
    ctx.mirror.script("/index.json", [Fault::Status(503)]);
    let run = ctx.gover(["install", V]);
    run.assert_success();
    run.assert_stderr_contains("HTTP 500");
    run.assert_stderr_contains("HTTP 503");
    assert_eq!(ctx.archive_requests(V).len(), 3);
    assert_eq!(ctx.mirror.requests_for("/index.json").len(), 2);
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn http_429_honours_a_small_retry_after() {
    let (ctx, archive) = setup();
    ctx.mirror
        .script(&ctx.archive_path(V), [Fault::RetryAfter(429, 1)]);
    let run = ctx.gover(["install", V]);
    run.assert_success();
    run.assert_stderr_contains("HTTP 429")
        .assert_stderr_contains("retrying in 1.0s");
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn persistent_server_errors_give_up_after_bounded_retries() {
    let (ctx, _) = setup();
    ctx.mirror
        .script(&ctx.archive_path(V), vec![Fault::Status(503); 10]);
    let run = ctx.gover(["install", V]);
    run.assert_fails(5, "answered HTTP 503");
    // One attempt plus four retries.
    assert_eq!(ctx.archive_requests(V).len(), 5);
    ctx.assert_nothing_installed();
}

#[test]
fn a_stall_longer_than_gover_http_timeout_is_retried_from_where_it_stopped() {
    let (ctx, archive) = setup();
    let mut ctx = ctx;
    ctx.set_env("GOVER_HTTP_TIMEOUT", "1");
    ctx.mirror.script(
        &ctx.archive_path(V),
        [Fault::StallFor(120_000, Duration::from_secs(4))],
    );
    let run = ctx.gover(["install", V]);
    run.assert_success();
    let reqs = ctx.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=120000-"));
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn wrong_bytes_fail_verification_and_leave_nothing() {
    let (ctx, archive) = setup();
    // One byte flipped in the middle, Content-Length honest.
    let wrong = flip_byte(&archive, archive.len() / 2);
    ctx.mirror
        .script(&ctx.archive_path(V), [Fault::WrongBytes(wrong.into())]);
    let run = ctx.gover(["install", V]);
    // The flipped byte may break the gzip stream before the digest is compared; either way
    // it is a verification failure naming the URL.
    run.assert_exit(6);
    run.assert_fails(6, &archive_name(V));
    ctx.assert_nothing_installed();
}

#[test]
fn a_body_longer_than_the_index_size_fails() {
    let (ctx, _) = setup();
    ctx.mirror.script(&ctx.archive_path(V), [Fault::Longer(10)]);
    ctx.gover(["install", V])
        .assert_fails(6, "is longer than the");
    ctx.assert_nothing_installed();
}

#[test]
fn a_body_shorter_than_the_index_size_fails() {
    let (ctx, _) = setup();
    // An honest Content-Length for a short file; the Range retry finds nothing more.
    ctx.mirror.script(
        &ctx.archive_path(V),
        [Fault::Shorter(1000), Fault::Shorter(0), Fault::Shorter(0)],
    );
    let run = ctx.gover(["install", V]);
    run.assert_exit(6);
    assert!(run.stderr.starts_with("Installing") || run.stderr.contains("error: "));
    ctx.assert_nothing_installed();
}

#[test]
fn a_lying_short_content_length_is_a_size_mismatch() {
    let (ctx, _) = setup();
    ctx.mirror
        .script(&ctx.archive_path(V), [Fault::LieLength(-(PAD as i64 / 2))]);
    let run = ctx.gover(["install", V]);
    run.assert_exit(6);
    assert_eq!(run.stderr.matches("error: ").count(), 1, "{run}");
    ctx.assert_nothing_installed();
}

#[test]
fn a_partial_file_left_by_a_killed_install_is_resumed_and_hash_checked() {
    let (ctx, archive) = setup();
    // What a killed install leaves: the first bytes in the .partial file.
    let downloads = ctx.gover_home.join("cache/downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let partial = downloads.join(format!("{}.partial", archive_name(V)));
    std::fs::write(&partial, &archive[..200_000]).unwrap();
    let run = ctx.gover(["install", V]);
    run.assert_success();
    run.assert_stderr_contains("Resuming");
    let reqs = ctx.archive_requests(V);
    assert_eq!(reqs.len(), 1, "{reqs:?}");
    assert_eq!(reqs[0].range.as_deref(), Some("bytes=200000-"));
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn a_corrupt_partial_file_is_caught_by_the_hash_and_downloaded_again() {
    let (ctx, archive) = setup();
    let downloads = ctx.gover_home.join("cache/downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let partial = downloads.join(format!("{}.partial", archive_name(V)));
    // Same length as a real prefix, different bytes: only re-hashing the prefix catches it.
    let mut bad = archive[..200_000].to_vec();
    bad[150_000] ^= 0x55;
    std::fs::write(&partial, &bad).unwrap();
    let run = ctx.gover(["install", V]);
    run.assert_success();
    run.assert_stderr_contains("did not verify; downloading it again");
    let reqs = ctx.archive_requests(V);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[1].range, None);
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn a_partial_file_is_restarted_when_the_server_ignores_range() {
    let (ctx, archive) = setup();
    let downloads = ctx.gover_home.join("cache/downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let partial = downloads.join(format!("{}.partial", archive_name(V)));
    std::fs::write(&partial, b"junk that must not survive").unwrap();
    ctx.mirror
        .script(&ctx.archive_path(V), [Fault::IgnoreRange]);
    ctx.gover(["install", V]).assert_success();
    assert_eq!(ctx.archive_requests(V).len(), 1);
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn a_plain_http_index_on_a_remote_host_is_refused() {
    let (ctx, _) = setup();
    let mut ctx = ctx;
    ctx.set_env(
        "GOVER_INDEX_URL",
        "http://index.example.invalid/dl/?mode=json",
    );
    for args in [
        &["install", V][..],
        &["list", "--remote"],
        &["use", "--install", V],
        &["local", "1.22"],
    ] {
        ctx.gover(args.iter().copied())
            .assert_fails(5, "refusing to fetch the release index over plain http");
    }
    ctx.assert_nothing_installed();
    assert!(!ctx.project.join(".go-version").exists());
}

#[test]
fn allow_insecure_fetches_a_plain_http_index_through_an_http_proxy() {
    let (ctx, archive) = setup();
    let mut ctx = ctx;
    let proxy = ctx.mirror.url("");
    ctx.set_env("HTTP_PROXY", &proxy)
        .set_env(
            "GOVER_INDEX_URL",
            "http://mirror.example.invalid/index.json",
        )
        .set_env("GOVER_DIST_URL", "http://mirror.example.invalid/dl");
    ctx.gover(["install", V])
        .assert_fails(5, "refusing to fetch the release index over plain http");
    ctx.gover(["install", "--allow-insecure", V])
        .assert_success();
    // Both requests went through the proxy, in absolute form.
    let targets: Vec<String> = ctx
        .mirror
        .requests()
        .into_iter()
        .map(|s| s.target)
        .collect();
    assert!(
        targets.contains(&"http://mirror.example.invalid/index.json".to_string()),
        "{targets:?}"
    );
    assert!(
        targets.contains(&format!(
            "http://mirror.example.invalid/dl/{}",
            archive_name(V)
        )),
        "{targets:?}"
    );
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn https_proxy_is_used_for_https_urls() {
    let (ctx, _) = setup();
    let mut ctx = ctx;
    let proxy = ctx.mirror.url("");
    ctx.set_env("HTTPS_PROXY", &proxy).set_env(
        "GOVER_INDEX_URL",
        "https://go.example.invalid/dl/?mode=json",
    );
    ctx.gover(["list", "--remote"])
        .assert_fails(5, "cannot fetch the release index");
    let seen = ctx.mirror.requests();
    assert!(
        seen.iter()
            .any(|s| s.method == "CONNECT" && s.target == "go.example.invalid:443"),
        "{seen:?}"
    );
}

/// Loopback never goes through a proxy (a loopback index is trusted only because it never
/// leaves this machine; tests/security.rs has the substituting proxy), and `NO_PROXY` is
/// honoured for every other host.
#[test]
fn loopback_and_no_proxy_bypass_a_proxy() {
    let (ctx, archive) = setup();
    // Nothing listens on port 9 of loopback here, so the proxy would refuse every connection.
    let mut ctx = ctx;
    ctx.set_env("HTTP_PROXY", "http://127.0.0.1:9");
    ctx.gover(["install", V]).assert_success();
    ctx.assert_installed_from(V, &archive);

    let proxy = ctx.mirror.url("");
    ctx.set_env("HTTPS_PROXY", &proxy)
        .set_env(
            "GOVER_INDEX_URL",
            "https://go.example.invalid/dl/?mode=json",
        )
        .set_env("NO_PROXY", "example.invalid");
    // Reached directly (and not found: .invalid). The cached index is from the loopback URL,
    // not this one, so it does not stand in (tests/index_cache_url.rs).
    ctx.gover(["list", "--remote"])
        .assert_fails(5, "cannot fetch the release index");
    assert!(
        !ctx.mirror.requests().iter().any(|r| r.method == "CONNECT"),
        "{:?}",
        ctx.mirror.requests()
    );
}

#[test]
fn an_index_redirect_to_plain_http_elsewhere_is_refused() {
    let (ctx, _) = setup();
    ctx.mirror.script(
        "/index.json",
        [Fault::Redirect(
            "http://index.example.invalid/index.json".into(),
        )],
    );
    ctx.gover(["install", V]).assert_fails(
        5,
        "refusing to follow the index to plain http on a non-loopback host \
             (http://index.example.invalid/index.json)",
    );
    assert_eq!(ctx.mirror.requests_for("/index.json").len(), 1);
    ctx.assert_nothing_installed();
}

#[test]
fn a_malformed_or_truncated_index_is_a_verification_error() {
    let (ctx, _) = setup();
    for body in [
        &b"<html>not json</html>"[..],
        b"[{\"version\": \"go1.22.5\", \"stable\": tr",
    ] {
        ctx.mirror.serve_bytes("/index.json", body.to_vec());
        ctx.gover(["install", V])
            .assert_fails(6, "is not valid JSON");
        ctx.gover(["list", "--remote"])
            .assert_fails(6, "is not valid JSON");
    }
    ctx.assert_nothing_installed();
}

#[test]
fn unknown_versions_and_missing_platforms_are_no_match() {
    let (ctx, _) = setup();
    ctx.gover(["install", "1.99.1"])
        .assert_fails(4, "no Go release matches");
    let index = format!(
        "[{{\"version\":\"go1.30.0\",\"stable\":true,\"files\":[{{\"filename\":\"go1.30.0.plan9-mips.tar.gz\",\"os\":\"plan9\",\"arch\":\"mips\",\"sha256\":\"{}\",\"size\":1,\"kind\":\"archive\"}}]}}]",
        "0".repeat(64)
    );
    ctx.mirror.serve_bytes("/index.json", index.into_bytes());
    ctx.gover(["install", "1.30.0"]).assert_fails(4, "has no");
    ctx.assert_nothing_installed();
}
