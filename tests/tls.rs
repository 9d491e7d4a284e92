//! gover over real TLS on loopback: the certificate is checked (trusted only through the standard
//! `SSL_CERT_FILE`), redirects from https down to plain http are refused for the index and for archives,
//! https-to-https redirects are followed, and `HTTPS_PROXY` really tunnels (`CONNECT`) unless `NO_PROXY` says
//! otherwise. Each case asserts the exit code, the message and what is on disk afterwards.

mod common;

use common::tls::{ConnectProxy, HttpsFront, dead_port};
use common::{Fault, Mirror, Release, TestContext};

const V: &str = "1.22.5";

/// A sandbox whose gover fetches the index and archives over https from a front on its mirror, trusting the
/// front's CA. The front must outlive the commands.
fn https_setup() -> (TestContext, HttpsFront, Vec<u8>) {
    let mut ctx = TestContext::new();
    let release = Release::padded(V, 200_000);
    let archive = release.archive.clone();
    ctx.publish(release);
    let front = HttpsFront::start(&ctx.mirror);
    front.configure(&mut ctx);
    (ctx, front, archive)
}

#[test]
fn an_https_mirror_whose_ca_is_in_ssl_cert_file_installs() {
    let (ctx, _front, archive) = https_setup();
    ctx.gover(["install", V]).assert_success();
    // Both requests came through the TLS front.
    assert_eq!(ctx.mirror.gets("/index.json"), 1);
    assert_eq!(ctx.downloads_of(V), 1);
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn an_https_mirror_with_an_untrusted_certificate_is_refused() {
    let (mut ctx, _front, _) = https_setup();
    // The system store (or no store at all) does not know the throwaway CA.
    ctx.remove_env("SSL_CERT_FILE");
    let run = ctx.gover(["install", V]);
    run.assert_fails(5, "cannot fetch the release index")
        .assert_stderr_contains("invalid peer certificate: UnknownIssuer")
        .assert_stderr_contains("point SSL_CERT_FILE at its certificate")
        // The same handshake would fail the same way: no retries.
        .assert_stderr_lacks("retrying");
    // The handshake failed before any request reached the mirror.
    assert!(
        ctx.mirror.requests().is_empty(),
        "{:?}",
        ctx.mirror.requests()
    );
    ctx.assert_nothing_installed();
}

#[test]
fn an_https_archive_redirected_to_plain_http_is_refused() {
    let (ctx, front, archive) = https_setup();
    // A plain-http mirror that really has the archive: following the redirect would succeed.
    let plain = Mirror::start();
    let path = ctx.archive_path(V);
    plain.serve_bytes(&path, archive);
    let downgrade = format!("http://127.0.0.1:{}{path}", plain.addr().port());
    ctx.mirror.inject(&path, Fault::Redirect(downgrade.clone()));
    let run = ctx.gover(["install", V]);
    run.assert_fails(
        5,
        &format!("refusing a redirect from https to plain http ({downgrade})"),
    )
    .assert_stderr_contains(&format!("redirect for url ({})", front.url(&path)))
    .assert_stderr_lacks("retrying");
    assert_eq!(ctx.downloads_of(V), 1, "a refused redirect is not retried");
    assert_eq!(plain.hits(&path), 0, "{:?}", plain.requests());
    ctx.assert_nothing_installed();
}

#[test]
fn an_https_index_redirected_to_plain_http_on_loopback_is_refused() {
    // A plain-http index on loopback is trusted when asked for directly, but not as a downgrade from https.
    let (ctx, front, _) = https_setup();
    let downgrade = ctx.mirror.index_url();
    ctx.mirror
        .inject("/index.json", Fault::Redirect(downgrade.clone()));
    for args in [&["install", V][..], &["list", "--remote"]] {
        ctx.gover(args.iter().copied())
            .assert_fails(
                5,
                &format!("refusing a redirect from https to plain http ({downgrade})"),
            )
            .assert_stderr_contains(&format!("redirect for url ({})", front.url("/index.json")));
    }
    assert_eq!(ctx.mirror.gets("/index.json"), 2, "one request per command");
    assert_eq!(ctx.downloads_of(V), 0);
    ctx.assert_nothing_installed();
}

#[test]
fn an_https_archive_redirected_to_https_elsewhere_is_followed() {
    let (ctx, front, archive) = https_setup();
    let path = ctx.archive_path(V);
    let elsewhere = format!("/elsewhere{path}");
    ctx.mirror.serve_bytes(&elsewhere, archive.clone());
    // Another host name for the same server (the certificate covers both).
    let target = format!("https://127.0.0.1:{}{elsewhere}", front.port());
    ctx.mirror.inject(&path, Fault::Redirect(target));
    ctx.gover(["install", V]).assert_success();
    assert_eq!(ctx.downloads_of(V), 1);
    assert_eq!(ctx.mirror.gets(&elsewhere), 1);
    ctx.assert_installed_from(V, &archive);
}

#[test]
fn https_proxy_tunnels_the_index_and_the_archive() {
    for var in ["HTTPS_PROXY", "https_proxy"] {
        let (mut ctx, front, archive) = https_setup();
        let proxy = ConnectProxy::start();
        ctx.set_env(var, proxy.url());
        ctx.gover(["install", V]).assert_success();
        let expected = format!("localhost:{}", front.port());
        assert_eq!(
            proxy.connects(),
            [expected.clone(), expected],
            "{var}: one tunnel for the index, one for the archive"
        );
        assert_eq!(ctx.mirror.gets("/index.json"), 1);
        assert_eq!(ctx.downloads_of(V), 1);
        ctx.assert_installed_from(V, &archive);
    }
}

#[test]
fn no_proxy_bypasses_a_dead_https_proxy() {
    let (mut ctx, _front, archive) = https_setup();
    ctx.set_env("HTTPS_PROXY", format!("http://127.0.0.1:{}", dead_port()));
    // The proxy is used, and it is dead: nothing reaches the mirror.
    ctx.gover(["install", V])
        .assert_fails(5, "cannot fetch the release index");
    assert!(
        ctx.mirror.requests().is_empty(),
        "{:?}",
        ctx.mirror.requests()
    );
    ctx.assert_nothing_installed();
    ctx.set_env("NO_PROXY", "localhost,127.0.0.1");
    ctx.gover(["install", V]).assert_success();
    ctx.assert_installed_from(V, &archive);
}
