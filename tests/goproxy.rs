//! `GOVER_SOURCE=proxy`: toolchains as the `golang.org/toolchain` module from a GOPROXY, verified by the
//! checksum database. Everything runs against the loopback proxy and database of `common::goproxy`, which
//! the real `go` command (Debian's go1.22, switching to go1.21.13 through GOTOOLCHAIN) accepts first, so
//! the harness is known to speak the real protocol.
//!
//! The real-toolchain tests need Debian's `/usr/lib/go-1.21` and `/usr/lib/go-1.22`: without them they skip
//! with a message, except under `CI=true`, where they fail.

mod common;

use std::path::Path;
use std::time::Duration;

use common::TestContext;
use common::goproxy::{
    Goproxy, ToolchainZip, assert_in_modcache, fake_toolchain_zip, real_toolchain_zip,
};
use common::toolchain::{debian_goroot, have_debian_go};

const SLOW: Duration = Duration::from_secs(900);

fn real_zip(minor: &str) -> ToolchainZip {
    real_toolchain_zip(&debian_goroot(minor)).expect("pack the toolchain zip")
}

/// A sandbox whose gover uses `proxy` as GOPROXY and its database as GOSUMDB.
fn proxy_context(proxy: &Goproxy) -> TestContext {
    let mut ctx = TestContext::new();
    proxy.configure(&mut ctx);
    ctx
}

fn fake_proxy(ctx_dir: &Path, versions: &[&str]) -> Goproxy {
    Goproxy::start(
        versions
            .iter()
            .map(|v| fake_toolchain_zip(v, ctx_dir, &[]))
            .collect(),
    )
}

/// The real `go` as the harness's client: Debian's go1.22 runs `go version` with GOTOOLCHAIN=go1.21.13,
/// which makes it download golang.org/toolchain@v0.0.1-go1.21.13.<platform> from the proxy, verify it
/// against the checksum database (at the URL GOSUMDB names, which `go` uses directly) and run it.
#[test]
fn the_real_go_command_downloads_and_verifies_a_toolchain_from_the_harness() {
    if !have_debian_go("1.22") || !have_debian_go("1.21") {
        return;
    }
    let zip = real_zip("1.21");
    let proxy = Goproxy::start(vec![zip.clone()]);
    let ctx = TestContext::new();
    let modcache = ctx.root.join("modcache");
    let out = proxy
        .real_go(&ctx, &modcache)
        .arg("version")
        .env("GOTOOLCHAIN", format!("go{}", zip.version))
        .deadline(SLOW)
        .run();
    out.assert_success()
        .assert_stdout_contains(&format!("go version go{} ", zip.version));
    // It went through the checksum database, including a level-1 tile.
    let requests = proxy.mirror.requests();
    let paths: Vec<&str> = requests.iter().map(|r| r.path.as_str()).collect();
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with(&format!("{}.zip", zip.module_version))),
        "{paths:?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("/db/lookup/golang.org/toolchain@")),
        "{paths:?}"
    );
    assert!(
        paths.iter().any(|p| p.starts_with("/db/tile/8/1/")),
        "{paths:?}"
    );
    assert_in_modcache(&modcache, &zip.module_version);
}

/// The same harness, when its database vouches for another hash, makes the real `go` refuse: the harness's
/// verification is real, not decorative.
#[test]
fn the_real_go_command_refuses_a_zip_the_harness_database_does_not_vouch_for() {
    if !have_debian_go("1.22") {
        return;
    }
    let ctx = TestContext::new();
    let good = fake_toolchain_zip("1.21.13", &ctx.root.join("zips-good"), &[]);
    let other = fake_toolchain_zip("1.21.13", &ctx.root.join("zips-other"), &[("EXTRA", b"x")]);
    let mut proxy = Goproxy::start(vec![good]);
    // Serve the other zip under the same version.
    proxy.zips[0].zip = other.zip.clone();
    proxy.publish();
    let out = proxy
        .real_go(&ctx, &ctx.root.join("modcache"))
        .arg("version")
        .env("GOTOOLCHAIN", "go1.21.13")
        .deadline(SLOW)
        .run();
    assert_ne!(
        out.code(),
        Some(0),
        "go accepted a zip the database does not vouch for"
    );
    out.assert_stderr_contains("SECURITY ERROR");
}

#[test]
fn install_from_the_proxy_verifies_and_publishes_a_working_toolchain() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.21.13", "1.22.5"]);
    let ctx = proxy_context(&proxy);
    ctx.gover(["install", "1.22"]).assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.assert_default("1.22.5");
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains("go1.22.5");
    ctx.assert_no_leftovers();
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.22.5")), 1);
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.21.13")), 0);
    // The verified tree head is kept for the next run's consistency check.
    let stored = std::fs::read_to_string(
        ctx.gover_home
            .join(format!("sumdb/{}/latest", common::goproxy::DB_NAME)),
    )
    .unwrap();
    assert!(stored.starts_with("go.sum database tree\n"), "{stored}");
}

#[test]
fn install_source_flag_overrides_gover_source() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    ctx.remove_env("GOVER_SOURCE");
    // The dist index is empty, so only the proxy can satisfy this.
    ctx.gover(["install", "1.22.5"]).assert_error(4);
    ctx.gover(["install", "--source", "proxy", "1.22.5"])
        .assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.set_env("GOVER_SOURCE", "nonsense");
    ctx.gover(["install", "1.21"])
        .assert_fails(2, "GOVER_SOURCE");
}

#[test]
fn list_remote_shows_the_proxy_versions_of_this_platform() {
    let tmp = tempfile::tempdir().unwrap();
    let mut proxy = fake_proxy(tmp.path(), &["1.21.13", "1.22.4", "1.22.5", "1.23rc1"]);
    proxy.listed.push("v0.0.1-go1.22.9.windows-amd64".into());
    proxy.listed.push("v0.0.1-go1.20.1.linux-arm64x".into());
    proxy.publish();
    let ctx = proxy_context(&proxy);
    ctx.gover(["list", "--remote"])
        .assert_success()
        .assert_stdout("1.22.5\n1.22.4\n1.21.13\n");
    ctx.gover(["list", "--remote", "--all"])
        .assert_success()
        .assert_stdout("1.23rc1\n1.22.5\n1.22.4\n1.21.13\n");
    ctx.gover(["install", "latest"]).assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.gover(["install", "1.23rc1"]).assert_success();
}

#[test]
fn a_zip_one_byte_off_is_refused_with_the_expected_and_actual_h1() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fake_toolchain_zip("1.22.5", &tmp.path().join("good"), &[]);
    // The same files, one byte of VERSION changed.
    let evil = fake_toolchain_zip(
        "1.22.5",
        &tmp.path().join("evil"),
        &[("VERSION", b"go1.22.5\ntime 2024-07-02T20:18:43Z\n")],
    );
    assert_ne!(good.h1, evil.h1);
    let mut proxy = Goproxy::start(vec![good.clone()]);
    proxy.zips[0].zip = evil.zip.clone();
    proxy.publish();
    let ctx = proxy_context(&proxy);
    let out = ctx.gover(["install", "1.22.5"]);
    out.assert_fails(6, "h1 mismatch");
    out.assert_stderr_contains(&good.h1)
        .assert_stderr_contains(&evil.h1);
    ctx.assert_nothing_installed();
    assert!(ctx.downloads().is_empty(), "{:?}", ctx.downloads());

    // A byte flipped in the raw zip is refused too (here the zip itself no longer checks out).
    let mut bytes = std::fs::read(&good.zip).unwrap();
    let at = bytes.len() / 3;
    bytes[at] ^= 0x55;
    proxy.mirror.serve_bytes(&proxy.zip_path("1.22.5"), bytes);
    ctx.gover(["install", "1.22.5"]).assert_error(6);
    ctx.assert_nothing_installed();
}

/// Zip entries are inflated on several threads at once: a damaged one is named whichever thread
/// meets it, the others stop, and nothing of the release is left (no version, no staging dir,
/// nothing in the store or the download cache).
#[test]
fn a_zip_with_one_damaged_entry_among_many_names_it_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let files: Vec<(String, Vec<u8>)> = (0..400)
        .map(|i| {
            let data = format!("package p{i}\n// {}\n", "pad ".repeat(50 + i));
            (format!("src/p{}/f{i}.go", i % 20), data.into_bytes())
        })
        .collect();
    let extra: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    let good = fake_toolchain_zip("1.22.5", tmp.path(), &extra);
    let victim = format!("{}src/p13/f313.go", common::goproxy::zip_prefix("1.22.5"));
    let mut bytes = std::fs::read(&good.zip).unwrap();
    let (start, len) = {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&good.zip).unwrap()).unwrap();
        let entry = archive.by_name(&victim).unwrap();
        (
            entry.data_start().unwrap() as usize,
            entry.compressed_size() as usize,
        )
    };
    for b in &mut bytes[start + len / 3..start + len / 2] {
        *b ^= 0x5a;
    }
    let proxy = Goproxy::start(vec![good]);
    proxy.mirror.serve_bytes(&proxy.zip_path("1.22.5"), bytes);
    let ctx = proxy_context(&proxy);
    ctx.gover(["install", "1.22.5"])
        .assert_fails(6, &victim)
        .assert_stderr_contains("is not valid");
    ctx.assert_nothing_installed();
}

#[test]
fn a_wrong_sumdb_key_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    let (_, other_vkey) = common::goproxy::test_key(common::goproxy::DB_NAME, 99);
    ctx.set_env("GOSUMDB", format!("{other_vkey} {}", proxy.db_url()));
    ctx.gover(["install", "1.22.5"]).assert_error(6);
    ctx.assert_nothing_installed();
    assert_eq!(
        proxy.mirror.gets(&proxy.zip_path("1.22.5")),
        0,
        "nothing is downloaded before the database verifies"
    );
}

#[test]
fn a_tree_head_that_forks_from_the_stored_one_is_a_security_error() {
    let tmp = tempfile::tempdir().unwrap();
    let mut proxy = fake_proxy(tmp.path(), &["1.21.13", "1.22.5"]);
    let ctx = proxy_context(&proxy);
    ctx.gover(["install", "1.21.13"]).assert_success();
    // The database now serves a different history, signed with the same key: a fork.
    let (skey, _) = common::goproxy::test_key(common::goproxy::DB_NAME, 7);
    let mut forked = gover_sumdb::server::Database::new(&skey).unwrap();
    for z in &proxy.zips {
        forked
            .add_module(
                "golang.org/toolchain",
                &z.module_version,
                &z.h1,
                &common::goproxy::go_mod_h1(),
            )
            .unwrap();
    }
    for i in 0..400 {
        let h1 = common::goproxy::go_mod_h1();
        forked
            .add_module("example.com/other", &format!("v1.0.{i}"), &h1, &h1)
            .unwrap();
    }
    proxy.db = forked;
    proxy.publish_db();
    let out = ctx.gover(["install", "1.22.5"]);
    out.assert_fails(6, "SECURITY ERROR");
    assert_eq!(ctx.installed(), ["1.21.13"]);
}

/// Like `go`: with only `name+key` in GOSUMDB the database is reached through the proxy (which says so at
/// `/sumdb/<name>/supported`); a URL after the key is used directly, bypassing the proxies.
#[test]
fn the_database_is_reached_through_the_proxy_unless_gosumdb_names_a_url() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    ctx.set_env("GOSUMDB", proxy.db.verifier_key());
    ctx.gover(["install", "1.22.5"]).assert_success();
    let (direct, proxied) = proxy.db_hits();
    assert_eq!(direct, 0);
    assert!(proxied > 1, "the `supported` probe, then the database");
    assert_eq!(
        proxy
            .mirror
            .gets(&format!("/sumdb/{}/supported", common::goproxy::DB_NAME)),
        1
    );

    let proxy = fake_proxy(&tmp.path().join("b"), &["1.22.5"]);
    let ctx = proxy_context(&proxy);
    ctx.gover(["install", "1.22.5"]).assert_success();
    let (direct, proxied) = proxy.db_hits();
    assert!(direct > 0);
    assert_eq!(proxied, 0, "not even the `supported` probe");
}

#[test]
fn a_toolchain_in_gos_module_cache_is_installed_without_downloading_the_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let ctx = proxy_context(&proxy);
    let cached = ctx
        .root
        .join("modcache/cache/download/golang.org/toolchain/@v")
        .join(format!("{}.zip", proxy.zips[0].module_version));
    std::fs::create_dir_all(cached.parent().unwrap()).unwrap();
    std::fs::copy(&proxy.zips[0].zip, &cached).unwrap();
    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("module cache");
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.22.5")), 0);
    let (direct, proxied) = proxy.db_hits();
    assert!(direct + proxied > 0, "still verified against the database");
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains("go1.22.5");

    // A module-cache zip that does not match is not used (and not deleted: it is Go's).
    let other = fake_toolchain_zip("1.22.5", &tmp.path().join("other"), &[("X", b"x")]);
    std::fs::copy(&other.zip, &cached).unwrap();
    ctx.gover(["uninstall", "--force", "1.22.5"])
        .assert_success();
    std::fs::remove_dir_all(ctx.gover_home.join("cache/downloads")).ok();
    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("h1 mismatch");
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.22.5")), 1);
    assert!(cached.is_file());
}

#[test]
fn gosumdb_off_or_gonosumdb_installs_nothing_without_allow_unverified() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    ctx.set_env("GOSUMDB", "off");
    ctx.gover(["install", "1.22.5"])
        .assert_fails(6, "GOSUMDB=off");
    ctx.set_env("GOSUMDB", proxy.gosumdb())
        .set_env("GOPRIVATE", "golang.org");
    ctx.gover(["install", "1.22.5"])
        .assert_fails(6, "GOPRIVATE=golang.org");
    ctx.assert_nothing_installed();
    ctx.gover(["install", "--allow-unverified", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("UNVERIFIED");
    assert_eq!(ctx.installed(), ["1.22.5"]);
}

#[test]
fn a_goproxy_layout_mirror_holds_byte_identical_zips_and_serves_gover() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.21.13", "1.22.4", "1.22.5"]);
    let ctx = proxy_context(&proxy);
    let dir = ctx.root.join("fleet");
    ctx.gover([
        "mirror",
        "sync",
        dir.to_str().unwrap(),
        "1.22",
        "--layout",
        "goproxy",
    ])
    .assert_success();
    let at = dir.join("golang.org/toolchain/@v");
    let mv = &proxy.zips[2].module_version;
    assert_eq!(
        std::fs::read(at.join(format!("{mv}.zip"))).unwrap(),
        std::fs::read(&proxy.zips[2].zip).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(at.join("list")).unwrap(),
        format!("{mv}\n")
    );
    assert_eq!(
        std::fs::read_to_string(at.join(format!("{mv}.mod"))).unwrap(),
        common::goproxy::go_mod()
    );
    assert!(
        std::fs::read_to_string(at.join(format!("{mv}.info")))
            .unwrap()
            .contains(mv.as_str())
    );
    // Again: nothing is downloaded; a second release is added to the list.
    ctx.gover([
        "mirror",
        "sync",
        dir.to_str().unwrap(),
        "1.22.5",
        "1.21",
        "--layout",
        "goproxy",
    ])
    .assert_success()
    .assert_stderr_contains("Already there");
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.22.5")), 1);
    assert_eq!(
        std::fs::read_to_string(at.join("list"))
            .unwrap()
            .lines()
            .count(),
        2
    );

    // gover installs from the directory itself, verified by the same database.
    let mut user = TestContext::new();
    user.set_env("GOVER_SOURCE", "proxy")
        .set_env("GOPROXY", format!("file://{}", dir.display()))
        .set_env("GOSUMDB", proxy.gosumdb());
    user.gover(["install", "1.22"]).assert_success();
    assert_eq!(user.installed(), ["1.22.5"]);
    user.gover(["list", "--remote"])
        .assert_success()
        .assert_stdout("1.22.5 (installed)\n1.21.13\n");
}

#[test]
fn mirror_sync_refuses_a_zip_the_database_does_not_vouch_for() {
    let tmp = tempfile::tempdir().unwrap();
    let good = fake_toolchain_zip("1.22.5", &tmp.path().join("good"), &[]);
    let evil = fake_toolchain_zip("1.22.5", &tmp.path().join("evil"), &[("EVIL", b"x")]);
    let mut proxy = Goproxy::start(vec![good]);
    proxy.zips[0].zip = evil.zip;
    proxy.publish();
    let ctx = proxy_context(&proxy);
    let dir = ctx.root.join("fleet");
    ctx.gover([
        "mirror",
        "sync",
        dir.to_str().unwrap(),
        "1.22.5",
        "--layout",
        "goproxy",
    ])
    .assert_fails(6, "does not match the checksum database");
    let at = dir.join("golang.org/toolchain/@v");
    assert_eq!(
        std::fs::read_dir(&at).unwrap().count(),
        0,
        "nothing lands in the mirror"
    );
    ctx.gover([
        "mirror",
        "sync",
        dir.to_str().unwrap(),
        "--layout",
        "goproxy",
        "--source",
        "dist",
    ])
    .assert_error(2);
}

/// The fleet mirror with a real toolchain: the real `go` switches to it through GOPROXY=file://DIR (verified
/// against the harness's database), and gover installs the same toolchain from it and runs it.
#[test]
fn the_real_go_command_accepts_a_goproxy_layout_mirror_and_gover_installs_from_it() {
    if !have_debian_go("1.22") || !have_debian_go("1.21") {
        return;
    }
    let zip = real_zip("1.21");
    let proxy = Goproxy::start(vec![zip.clone()]);
    let ctx = proxy_context(&proxy);
    let dir = ctx.root.join("fleet");
    ctx.gover_cmd([
        "mirror",
        "sync",
        dir.to_str().unwrap(),
        &zip.version,
        "--layout",
        "goproxy",
    ])
    .deadline(SLOW)
    .run()
    .assert_success();
    let out = proxy
        .real_go(&ctx, &ctx.root.join("go-modcache"))
        .arg("version")
        .env("GOTOOLCHAIN", format!("go{}", zip.version))
        .env("GOPROXY", format!("file://{}", dir.display()))
        .deadline(SLOW)
        .run();
    out.assert_success()
        .assert_stdout_contains(&format!("go version go{} ", zip.version));

    let mut user = proxy_context(&proxy);
    user.set_env("GOPROXY", format!("file://{}", dir.display()));
    user.install_and_run(&zip.version, SLOW);
    use std::os::unix::fs::PermissionsExt;
    let root = user.version_dir(&zip.version);
    let (os, arch) = common::release::host_platform();
    for tool in ["bin/gofmt", &format!("pkg/tool/{os}_{arch}/compile")] {
        let mode = std::fs::metadata(root.join(tool))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "{tool} is executable");
    }
    // Go's nested go.mod files are back where `go` expects them.
    assert!(user.version_dir(&zip.version).join("src/go.mod").is_file());
    assert!(
        user.version_dir(&zip.version)
            .join("src/cmd/go.mod")
            .is_file()
    );
}

/// `go help goproxy`: after a `,` the next proxy is tried only on 404/410; after a `|` on any error.
#[test]
fn goproxy_lists_fall_through_like_go() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let empty = common::Mirror::start(); // 404 for everything
    let broken = common::Mirror::start();
    let list = format!("/{}/@v/list", common::goproxy::MODULE);
    let zip = proxy.zip_path("1.22.5");
    for path in [&list, &zip] {
        broken.inject(path, common::Fault::Status(500));
    }
    let mut ctx = proxy_context(&proxy);
    let good = proxy.url();

    ctx.set_env("GOPROXY", format!("{},{good}", empty.url("")));
    ctx.gover(["install", "1.22"]).assert_success();
    ctx.gover(["uninstall", "--force", "1.22.5"])
        .assert_success();
    let _ = std::fs::remove_dir_all(ctx.gover_home.join("cache/downloads"));

    ctx.set_env("GOPROXY", format!("{},{good}", broken.url("")));
    ctx.gover(["install", "1.22"]).assert_fails(5, "500");
    ctx.gover(["install", "1.22.5"]).assert_fails(5, "500");
    ctx.assert_nothing_installed();

    ctx.set_env("GOPROXY", format!("{}|{good}", broken.url("")));
    ctx.gover(["install", "1.22"]).assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);

    // `direct` cannot serve toolchains: skipped with a note; alone it leaves nothing; `off` too.
    ctx.set_env("GOPROXY", "direct");
    ctx.gover(["list", "--remote"])
        .assert_fails(2, "names no proxy")
        .assert_stderr_contains("direct");
    ctx.set_env("GOPROXY", format!("off,{good}"));
    ctx.gover(["list", "--remote"]).assert_error(2);
}

/// Go's settings come from the go env file (`go env -w`) when the environment has none.
#[test]
fn goproxy_and_gosumdb_are_read_from_the_go_env_file() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    ctx.remove_env("GOPROXY").remove_env("GOSUMDB");
    ctx.write_home(
        ".config/go/env",
        &format!("GOPROXY={}\nGOSUMDB={}\n", proxy.url(), proxy.gosumdb()),
    );
    ctx.gover(["install", "1.22.5"]).assert_success();
    // The environment wins over the file.
    ctx.set_env("GOSUMDB", "off");
    ctx.gover(["list", "--remote"])
        .assert_success()
        .assert_stdout("1.22.5 (installed)\n");
    ctx.gover(["uninstall", "--force", "1.22.5"])
        .assert_success();
    ctx.gover(["install", "1.22.5"])
        .assert_fails(6, "GOSUMDB=off");
}

/// A shim with GOVER_AUTO_INSTALL=1 installs from the source GOVER_SOURCE names.
#[test]
fn auto_install_from_a_shim_honours_gover_source() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    ctx.set_env("GOVER_AUTO_INSTALL", "1");
    ctx.gover(["install", "1.22.5"]).assert_success();
    ctx.gover(["local", "1.22.5"]).assert_success();
    ctx.gover(["uninstall", "--force", "1.22.5"])
        .assert_success();
    let _ = std::fs::remove_dir_all(ctx.gover_home.join("cache/downloads"));
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains("go1.22.5");
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.22.5")), 2);
}

/// Credentials for a proxy host come from the netrc file (`NETRC`, else `~/.netrc`), as `go` sends them.
/// `.netrc` credentials go to a proxy as `go` sends them: over https only. Over https the
/// list and the zip carry them; a plain-http proxy gets none, and gover says it skipped them
/// (issue 22 item 8).
#[test]
fn proxy_credentials_come_from_netrc_over_https_only() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let front = common::tls::HttpsFront::start(&proxy.mirror);
    let mut ctx = proxy_context(&proxy);
    ctx.set_env("GOPROXY", front.url(""))
        .set_env("SSL_CERT_FILE", front.ca_file().to_string_lossy());
    ctx.write_home(
        ".netrc",
        "machine example.invalid login nobody password nothing\nmachine localhost login ci password s3cret\nmachine 127.0.0.1 login ci password s3cret\n",
    );
    ctx.gover(["install", "1.22"]).assert_success();
    // Basic base64("ci:s3cret")
    let expected = "Basic Y2k6czNjcmV0";
    let list = format!("/{}/@v/list", common::goproxy::MODULE);
    assert_eq!(proxy.mirror.authorizations_for(&list), [expected]);
    assert_eq!(
        proxy.mirror.authorizations_for(&proxy.zip_path("1.22.5")),
        [expected]
    );
    // NETRC names another file; one without an entry for the host sends nothing.
    let other = ctx.write_home(
        "other-netrc",
        "machine example.invalid login a password b\n",
    );
    ctx.set_env("NETRC", other.display().to_string());
    ctx.gover(["list", "--remote"]).assert_success();
    assert_eq!(proxy.mirror.authorizations_for(&list).len(), 1);

    // The same proxy over plain http: the password stays home, and gover says so.
    ctx.remove_env("NETRC");
    ctx.set_env("GOPROXY", proxy.url());
    let plain = ctx.gover(["list", "--remote"]);
    plain
        .assert_success()
        .assert_stderr_contains("not sending the .netrc credentials for 127.0.0.1 over plain http");
    assert_eq!(proxy.mirror.authorizations_for(&list).len(), 1);
}

/// An exact release is not listed first (like `go`): the database not knowing it is a no-match (exit 4), and
/// nothing is downloaded.
#[test]
fn a_release_the_database_does_not_know_is_no_match() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let ctx = proxy_context(&proxy);
    ctx.gover(["install", "1.22.99"])
        .assert_fails(4, "no record")
        .assert_stderr_contains("hint:");
    ctx.gover(["install", "1.30"])
        .assert_fails(4, "no Go release matches");
    ctx.assert_nothing_installed();
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.22.99")), 0);
}

/// `gover local 1.22` pins the exact release GOPROXY lists when GOVER_SOURCE=proxy.
#[test]
fn local_resolves_a_minor_line_against_the_proxy_list() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.4", "1.22.5"]);
    let ctx = proxy_context(&proxy);
    ctx.gover(["local", "1.22"]).assert_success();
    assert_eq!(
        std::fs::read_to_string(ctx.project.join(".go-version")).unwrap(),
        "1.22.5\n"
    );
}

/// Every proxy install asks the checksum database, so `--offline` refuses (exit 5) and fetches nothing.
#[test]
fn offline_proxy_installs_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let ctx = proxy_context(&proxy);
    ctx.gover(["install", "--offline", "1.22.5"])
        .assert_fails(5, "checksum database");
    ctx.gover(["install", "--offline", "1.22"]).assert_error(5);
    ctx.gover(["list", "--offline", "--remote"]).assert_error(5);
    assert!(proxy.mirror.requests().is_empty());
    ctx.assert_nothing_installed();
}

/// A zip download cut off mid-body is resumed with `Range` by the one downloader (as a
/// tarball's is) and verified whole; nothing is left behind.
#[test]
fn a_dropped_zip_download_is_resumed_and_verified() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let ctx = proxy_context(&proxy);
    proxy
        .mirror
        .script(&proxy.zip_path("1.22.5"), [common::Fault::DropAfter(100)]);
    ctx.gover(["install", "1.22.5"]).assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.assert_no_leftovers();
    let requests = proxy.mirror.requests_for(&proxy.zip_path("1.22.5"));
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[1].range.is_some(), "{requests:?}");
}

/// A zip that never ends is cut off at Go's own limit for module zips (500 MiB), before
/// anything is unpacked or kept (issue 22 item 4).
#[test]
fn an_endless_zip_is_cut_off_at_500_mib() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    // GOSUMDB names the database's own URL, so only the zip comes from the endless server.
    let (endless, _) = common::mirror::endless_server();
    ctx.set_env("GOPROXY", &endless);
    ctx.gover(["install", "1.22.5"])
        .assert_fails(6, "is longer than 524288000 bytes");
    ctx.assert_nothing_installed();
}

/// A link planted as the install's `<v>.zip.partial` is removed, never written through
/// (issue 22 item 5).
#[test]
fn a_planted_partial_link_is_never_followed_by_a_proxy_install() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.22.5"]);
    let ctx = proxy_context(&proxy);
    let victim = ctx.root.join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    let downloads = ctx.gover_home.join("cache/downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let name = format!("{}.zip", common::goproxy::module_version("1.22.5"));
    std::os::unix::fs::symlink(&victim, downloads.join(format!("{name}.partial"))).unwrap();
    ctx.gover(["install", "1.22.5"]).assert_success();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    ctx.assert_no_leftovers();
}
