//! The behaviour of `gover` and its shims, observed from outside: exit codes, messages and what lands on disk.
//!
//! Every test runs in its own sandbox (`TestContext`) against a loopback mirror serving fake releases whose
//! `go`/`gofmt` are scripts that report what they received (see `common::release`).

mod common;

use std::path::Path;

use common::release::{
    archive_name, fake_archive_with_raw_entry, flip_byte, host_platform, restamp_gzip, sha256_hex,
    tar_gz,
};
use common::{Fault, Mirror, Release, TestContext, shim_exe, walk};

/// What the fake `go version` of `version` prints.
fn go_version_line(version: &str) -> String {
    let (os, arch) = host_platform();
    format!("go version go{version} {os}/{arch}\n")
}

/// A sandbox with `versions` published and installed in order; the first one becomes the default.
fn installed(versions: &[&str]) -> TestContext {
    let ctx = TestContext::with_releases(versions);
    for version in versions {
        ctx.install(version);
    }
    ctx
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `lines` joined, each ending in a newline.
fn lines(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\n")).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("read {}: {err}", path.display()))
}

// ---------------------------------------------------------------------------------------------------------------
// install: what lands on disk

#[test]
fn install_unpacks_a_complete_goroot_under_versions() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    ctx.gover(["install", "1.22.5"]).assert_success();

    let (os, arch) = host_platform();
    let goroot = ctx.version_dir("1.22.5");
    for file in [
        "bin/go",
        "bin/gofmt",
        "VERSION",
        "src/runtime/extern.go",
        &format!("pkg/tool/{os}_{arch}/compile"),
    ] {
        assert!(
            goroot.join(file).is_file(),
            "versions/1.22.5/{file} should exist"
        );
    }
    assert!(
        !goroot.join("go").exists(),
        "the archive's top dir `go/` must be stripped"
    );
    assert!(read(&goroot.join("VERSION")).starts_with("go1.22.5\n"));
    assert_eq!(ctx.installed(), ["1.22.5"]);
    assert_eq!(ctx.downloads_of("1.22.5"), 1);
    ctx.assert_no_leftovers();
}

#[test]
fn installed_tools_keep_their_executable_bit() {
    let ctx = installed(&["1.22.5"]);

    let out = ctx
        .command(ctx.tool_path("1.22.5", "go"))
        .arg("version")
        .run();

    out.assert_success()
        .assert_stdout(&go_version_line("1.22.5"));
}

#[test]
fn install_keeps_the_verified_archive_in_the_download_cache() {
    let ctx = installed(&["1.22.5"]);

    let cached = ctx
        .gover_home
        .join("cache/downloads")
        .join(archive_name("1.22.5"));

    let bytes = std::fs::read(&cached).expect("the archive should be kept in cache/downloads");
    assert_eq!(sha256_hex(&bytes), ctx.release("1.22.5").sha256);
}

#[test]
fn install_shows_no_progress_bar_when_stderr_is_not_a_terminal() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_no_progress_output();
}

#[test]
fn first_install_becomes_the_default() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    ctx.gover(["install", "1.22.5"]).assert_success();

    ctx.assert_default("1.22.5");
    ctx.gover(["current"])
        .assert_success()
        .assert_stdout("1.22.5 (global default)\n");
}

#[test]
fn second_install_keeps_the_existing_default() {
    let ctx = installed(&["1.22.5"]);
    ctx.publish(Release::fake("1.21.13"));

    ctx.gover(["install", "1.21.13"]).assert_success();

    assert_eq!(ctx.installed(), ["1.21.13", "1.22.5"]);
    ctx.assert_default("1.22.5");
}

#[test]
fn install_links_the_go_and_gofmt_shims_to_gover_shim() {
    let ctx = installed(&["1.22.5"]);

    let shim = shim_exe().canonicalize().unwrap();
    for tool in ["go", "gofmt"] {
        let target = std::fs::read_link(ctx.shim_path(tool))
            .unwrap_or_else(|err| panic!("shims/{tool} should be a symlink: {err}"));
        assert!(
            target.is_absolute(),
            "shims/{tool} should point at an absolute path, not {target:?}"
        );
        assert_eq!(
            target.canonicalize().unwrap(),
            shim,
            "shims/{tool} should point at gover-shim"
        );
    }
}

#[test]
fn install_without_gover_home_uses_dot_gover_in_home() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    ctx.gover_cmd(["install", "1.22.5"])
        .env_remove("GOVER_HOME")
        .run()
        .assert_success();

    assert!(ctx.home.join(".gover/versions/1.22.5/bin/go").is_file());
}

/// A `versions/<v>` left damaged from outside gover (no `bin/go`, stray files) is not
/// installed; installing it replaces the whole dir, and nothing of the old one survives.
#[test]
fn install_replaces_a_damaged_version_dir() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    let dir = ctx.version_dir("1.22.5");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("stray"), "left behind").unwrap();

    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("Installed Go 1.22.5");

    assert!(dir.join("bin/go").is_file());
    assert!(
        !dir.join("stray").exists(),
        "the damaged dir was replaced, not merged"
    );
    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.assert_no_leftovers();
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains("go1.22.5");
}

// ---------------------------------------------------------------------------------------------------------------
// install: which version a spec means

#[test]
fn install_accepts_the_go_prefix() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    ctx.gover(["install", "go1.22.5"]).assert_success();

    assert_eq!(ctx.installed(), ["1.22.5"]);
}

#[test]
fn install_of_a_minor_picks_its_newest_stable_patch() {
    let ctx = TestContext::with_releases(&["1.23rc1", "1.22.5", "1.22.4", "1.22rc2", "1.21.13"]);

    ctx.gover(["install", "1.22"]).assert_success();

    assert_eq!(ctx.installed(), ["1.22.5"]);
    assert_eq!(ctx.downloads_of("1.22.4"), 0);
}

#[test]
fn install_latest_picks_the_newest_stable_release() {
    let ctx = TestContext::with_releases(&["1.21.13", "1.23rc1", "1.22.5", "1.22.4"]);

    ctx.gover(["install", "latest"]).assert_success();

    assert_eq!(ctx.installed(), ["1.22.5"]);
}

#[test]
fn install_of_a_prerelease_by_its_exact_name() {
    let ctx = TestContext::with_releases(&["1.23rc1", "1.22.5"]);

    ctx.gover(["install", "1.23rc1"]).assert_success();

    assert_eq!(ctx.installed(), ["1.23rc1"]);
    assert!(read(&ctx.version_dir("1.23rc1").join("VERSION")).starts_with("go1.23rc1\n"));
}

#[test]
fn install_of_a_release_without_patch_number_keeps_gos_name() {
    // Before 1.21 the first release of a minor is `go1.20`, not `go1.20.0`.
    let ctx = TestContext::with_releases(&["1.20", "1.20rc3", "1.19.13"]);

    ctx.gover(["install", "1.20"]).assert_success();

    assert_eq!(ctx.installed(), ["1.20"]);
}

#[test]
fn install_without_spec_uses_the_nearest_go_version_file() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");
    let subdir = ctx.project.join("cmd/tool");
    std::fs::create_dir_all(&subdir).unwrap();

    ctx.gover_cmd(["install"])
        .cwd(&subdir)
        .run()
        .assert_success();

    assert_eq!(ctx.installed(), ["1.21.13"]);
}

#[test]
fn install_without_spec_or_go_version_file_fails() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    let out = ctx.gover(["install"]);

    assert!(
        !out.status.success(),
        "nothing says which version to install\n{out}"
    );
    out.assert_no_panic();
    out.error_message();
    assert!(ctx.installed().is_empty());
}

#[test]
fn install_of_a_version_missing_from_the_index_exits_4_without_downloading() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    ctx.gover(["install", "1.99.1"])
        .assert_error(4)
        .assert_stderr_contains("1.99.1");

    assert!(ctx.installed().is_empty());
    let downloads: Vec<_> = ctx
        .mirror
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/dl/"))
        .collect();
    assert!(
        downloads.is_empty(),
        "nothing should be downloaded: {downloads:?}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// install: verification and failure leave nothing behind

#[test]
fn install_rejects_an_archive_whose_checksum_does_not_match() {
    let ctx = installed(&["1.21.13"]);
    ctx.publish(Release::fake("1.22.5"));
    // Same size, still a valid archive: only the digest can tell.
    let wrong = restamp_gzip(&ctx.release("1.22.5").archive);
    ctx.mirror.inject(
        &ctx.archive_path("1.22.5"),
        Fault::WrongBytes(wrong.clone().into()),
    );

    ctx.gover(["install", "1.22.5"])
        .assert_error(6)
        .assert_stderr_contains(&ctx.archive_url("1.22.5"))
        .assert_stderr_contains(&ctx.release("1.22.5").sha256)
        .assert_stderr_contains(&sha256_hex(&wrong));

    assert_eq!(
        ctx.installed(),
        ["1.21.13"],
        "nothing may land under versions/"
    );
    ctx.assert_default("1.21.13");
    ctx.assert_no_leftovers();
    assert!(
        !ctx.gover_home
            .join("cache/downloads")
            .join(archive_name("1.22.5"))
            .exists(),
        "a rejected archive must not be cached"
    );
}

#[test]
fn install_reports_the_checksum_mismatch_of_a_corrupted_archive_even_when_it_cannot_be_unpacked() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    let good = ctx.release("1.22.5").archive;
    // One flipped byte in the compressed stream: same size, and the unpacker may choke before the hash is done.
    let corrupted = flip_byte(&good, good.len() / 2);
    ctx.mirror.inject(
        &ctx.archive_path("1.22.5"),
        Fault::WrongBytes(corrupted.clone().into()),
    );

    ctx.gover(["install", "1.22.5"])
        .assert_error(6)
        .assert_stderr_contains(&ctx.release("1.22.5").sha256)
        .assert_stderr_contains(&sha256_hex(&corrupted));

    assert!(ctx.installed().is_empty());
    ctx.assert_no_leftovers();
}

#[test]
fn install_rejects_a_tampered_archive_and_leaves_nothing_behind() {
    let ctx = installed(&["1.21.13"]);
    ctx.publish(Release::fake("1.22.5"));
    let tampered = Release::tampered("1.22.5");
    ctx.mirror.inject(
        &ctx.archive_path("1.22.5"),
        Fault::WrongBytes(tampered.archive.clone().into()),
    );

    ctx.gover(["install", "1.22.5"])
        .assert_error(6)
        .assert_stderr_contains(&ctx.archive_url("1.22.5"));

    assert_eq!(ctx.installed(), ["1.21.13"]);
    assert!(
        walk(&ctx.gover_home)
            .iter()
            .all(|p| !p.ends_with("backdoor")),
        "no tampered file may land"
    );
    ctx.assert_default("1.21.13");
    ctx.assert_no_leftovers();
}

#[test]
fn install_rejects_an_archive_whose_size_does_not_match_the_index() {
    let ctx = TestContext::new();
    let mut release = Release::fake("1.22.5");
    release.size += 1;
    ctx.publish(release);

    ctx.gover(["install", "1.22.5"]).assert_error(6);

    assert!(ctx.installed().is_empty());
    ctx.assert_no_leftovers();
}

#[test]
fn install_rejects_a_download_that_is_not_a_gzip_tarball() {
    let ctx = TestContext::new();
    ctx.publish(Release::from_archive(
        "1.22.5",
        b"<html>mirror maintenance</html>\n".repeat(64),
    ));

    ctx.gover(["install", "1.22.5"]).assert_error(6);

    assert!(ctx.installed().is_empty());
    assert_eq!(ctx.current_link(), None);
    ctx.assert_no_leftovers();
}

#[test]
fn install_rejects_an_archive_without_the_go_top_directory() {
    let ctx = TestContext::new();
    let archive = tar_gz(
        &[
            ("golang/bin/go", b"#!/bin/sh\n", 0o755),
            ("golang/VERSION", b"go1.22.5\n", 0o644),
        ],
        None,
    );
    ctx.publish(Release::from_archive("1.22.5", archive));

    ctx.gover(["install", "1.22.5"]).assert_error(6);

    assert!(ctx.installed().is_empty());
    ctx.assert_no_leftovers();
}

#[test]
fn install_rejects_an_archive_with_entries_that_escape_the_target() {
    let ctx = TestContext::new();
    let escape = "go/../../../../../../../../../../gover-escaped-by-tar";
    let archive = fake_archive_with_raw_entry("1.22.5", escape, b"owned\n");
    ctx.publish(Release::from_archive("1.22.5", archive));

    let out = ctx.gover(["install", "1.22.5"]);

    out.assert_error(6);
    let escaped: Vec<_> = walk(&ctx.root)
        .into_iter()
        .filter(|p| p.ends_with("gover-escaped-by-tar"))
        .collect();
    assert!(
        escaped.is_empty(),
        "a `..` entry escaped: {escaped:?}\n{out}"
    );
    assert!(
        !Path::new("/gover-escaped-by-tar").exists(),
        "a `..` entry escaped to /\n{out}"
    );
    assert!(ctx.installed().is_empty());
    ctx.assert_no_leftovers();
}

#[test]
fn install_reports_http_404_with_the_url_and_status() {
    let ctx = TestContext::new();
    ctx.publish_index_only(Release::fake("1.22.5"));

    ctx.gover(["install", "1.22.5"])
        .assert_error(5)
        .assert_stderr_contains(&ctx.archive_url("1.22.5"))
        .assert_stderr_contains("404");

    assert!(ctx.installed().is_empty());
    assert_eq!(ctx.current_link(), None);
    ctx.assert_no_leftovers();
}

#[test]
fn install_reports_http_500_with_the_url_and_status() {
    let ctx = installed(&["1.21.13"]);
    ctx.publish(Release::fake("1.22.5"));
    ctx.mirror
        .inject(&ctx.archive_path("1.22.5"), Fault::Status(500));

    ctx.gover(["install", "1.22.5"])
        .assert_error(5)
        .assert_stderr_contains(&ctx.archive_url("1.22.5"))
        .assert_stderr_contains("500");

    assert_eq!(ctx.installed(), ["1.21.13"]);
    ctx.assert_default("1.21.13");
    ctx.assert_no_leftovers();
}

#[test]
fn install_reports_an_unavailable_index_with_exit_5() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.mirror.inject("/index.json", Fault::Status(500));

    ctx.gover(["install", "1.22"])
        .assert_error(5)
        .assert_stderr_contains(&ctx.mirror.index_url())
        .assert_stderr_contains("500");

    assert!(ctx.installed().is_empty());
}

#[test]
fn install_reports_an_unreachable_mirror_with_exit_5() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    let nowhere = format!("http://127.0.0.1:{}/index.json", closed_port());

    ctx.gover_cmd(["install", "1.22.5"])
        .env("GOVER_INDEX_URL", &nowhere)
        .run()
        .assert_error(5);

    assert!(ctx.installed().is_empty());
}

#[test]
fn install_of_an_installed_version_is_a_no_op() {
    let ctx = installed(&["1.22.5"]);

    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("already installed");

    assert_eq!(
        ctx.downloads_of("1.22.5"),
        1,
        "the mirror must not see a second archive request"
    );
    ctx.assert_default("1.22.5");
}

#[test]
fn concurrent_installs_of_one_version_both_succeed() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    let first = ctx.gover_cmd(["install", "1.22.5"]);
    let second = ctx.gover_cmd(["install", "1.22.5"]);

    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| first.run());
        let b = s.spawn(|| second.run());
        (a.join().unwrap(), b.join().unwrap())
    });

    a.assert_success();
    b.assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.assert_default("1.22.5");
    ctx.assert_no_leftovers();
}

// ---------------------------------------------------------------------------------------------------------------
// install: where archives come from

#[test]
fn install_mirror_flag_overrides_gover_dist_url() {
    let ctx = TestContext::new();
    let release = Release::fake("1.22.5");
    ctx.publish_index_only(release.clone());
    let other = Mirror::start();
    other.serve_bytes(
        &Mirror::archive_path(&release.filename),
        release.archive.clone(),
    );

    ctx.gover(["install", "1.22.5", "--mirror", &other.dist_url()])
        .assert_success();

    assert_eq!(ctx.installed(), ["1.22.5"]);
    assert_eq!(other.gets(&Mirror::archive_path(&release.filename)), 1);
    assert_eq!(ctx.mirror.gets(&Mirror::archive_path(&release.filename)), 0);
}

#[test]
fn install_mirror_url_may_omit_the_trailing_slash() {
    let ctx = TestContext::new();
    let release = Release::fake("1.22.5");
    ctx.publish_index_only(release.clone());
    let other = Mirror::start();
    other.serve_bytes(
        &Mirror::archive_path(&release.filename),
        release.archive.clone(),
    );

    ctx.gover(["install", "1.22.5", "--mirror", &other.url("/dl")])
        .assert_success();

    assert_eq!(other.gets(&Mirror::archive_path(&release.filename)), 1);
}

#[test]
fn install_from_file_urls_works_offline() {
    let ctx = TestContext::new();
    let release = Release::fake("1.22.5");
    let offline = ctx.root.join("offline");
    std::fs::create_dir_all(&offline).unwrap();
    std::fs::write(
        offline.join("index.json"),
        common::release::index_json(std::slice::from_ref(&release)),
    )
    .unwrap();
    std::fs::write(offline.join(&release.filename), &release.archive).unwrap();

    ctx.gover_cmd(["install", "1.22"])
        .env(
            "GOVER_INDEX_URL",
            format!("file://{}", offline.join("index.json").display()),
        )
        .env("GOVER_DIST_URL", format!("file://{}/", offline.display()))
        .run()
        .assert_success();

    assert_eq!(ctx.installed(), ["1.22.5"]);
    assert!(
        ctx.mirror.requests().is_empty(),
        "nothing should go over HTTP"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// use

#[test]
fn use_switches_the_default() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    ctx.gover(["use", "1.21.13"]).assert_success();

    ctx.assert_default("1.21.13");
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.21.13"));
    let strays: Vec<_> = std::fs::read_dir(&ctx.gover_home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("current") && name != "current")
        .collect();
    assert!(
        strays.is_empty(),
        "switching must not leave temporary links behind: {strays:?}"
    );
}

#[test]
fn use_of_a_minor_picks_its_newest_installed_patch() {
    let ctx = installed(&["1.22.5", "1.21.13", "1.21.12"]);

    ctx.gover(["use", "1.21"]).assert_success();

    ctx.assert_default("1.21.13");
}

#[test]
fn use_of_a_version_that_is_not_installed_exits_4_and_suggests_install() {
    let ctx = installed(&["1.22.5"]);
    ctx.publish(Release::fake("1.21.13"));

    ctx.gover(["use", "1.21"])
        .assert_error(4)
        .assert_stderr_contains("gover install 1.21");

    ctx.assert_default("1.22.5");
    assert_eq!(ctx.downloads_of("1.21.13"), 0);
}

#[test]
fn use_with_install_installs_then_switches() {
    let ctx = installed(&["1.22.5"]);
    ctx.publish(Release::fake("1.21.13"));
    ctx.publish(Release::fake("1.21.12"));

    ctx.gover(["use", "1.21", "--install"]).assert_success();

    assert_eq!(ctx.installed(), ["1.21.13", "1.22.5"]);
    ctx.assert_default("1.21.13");
    ctx.assert_no_leftovers();
}

// See: issue 24, item 6.
#[test]
fn use_latest_is_the_newest_release_and_says_when_it_is_not_installed() {
    let ctx = installed(&["1.22.5"]);
    ctx.publish(Release::fake("1.23.4"));

    let out = ctx.gover(["use", "latest"]);
    out.assert_fails(
        4,
        "Go 1.23.4, the newest release (`latest`), is not installed",
    );
    out.assert_stderr_contains("gover use --install latest")
        .assert_stderr_contains("the newest installed version is 1.22.5: `gover use 1.22.5`");
    ctx.assert_default("1.22.5");
    assert_eq!(ctx.downloads_of("1.23.4"), 0);

    ctx.gover(["use", "--install", "latest"]).assert_success();
    ctx.assert_default("1.23.4");
    ctx.gover(["use", "1.22.5"]).assert_success();
    ctx.gover(["use", "latest"]).assert_success();
    ctx.assert_default("1.23.4");
}

// ---------------------------------------------------------------------------------------------------------------
// local

#[test]
fn local_writes_the_exact_version_to_go_version_in_the_cwd() {
    let ctx = installed(&["1.22.5"]);
    let subdir = ctx.project.join("service");
    std::fs::create_dir_all(&subdir).unwrap();

    ctx.gover_cmd(["local", "go1.22.5"])
        .cwd(&subdir)
        .run()
        .assert_success();

    assert_eq!(read(&subdir.join(".go-version")), "1.22.5\n");
    assert!(
        !ctx.project.join(".go-version").exists(),
        "only the cwd gets the file"
    );
}

/// A `.go-version` is shared with a team (and other users' shims read it): a new one is 0644,
/// and rewriting one keeps the mode its owner chose.
#[test]
fn local_writes_a_readable_go_version_and_keeps_an_existing_mode() {
    use std::os::unix::fs::PermissionsExt;
    let ctx = installed(&["1.22.5", "1.21.13"]);
    let path = ctx.project.join(".go-version");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    ctx.gover(["local", "1.22.5"]).assert_success();
    assert_eq!(mode(&path), 0o644);

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    ctx.gover(["local", "1.21.13"]).assert_success();
    assert_eq!(read(&path), "1.21.13\n");
    assert_eq!(mode(&path), 0o664);
}

#[test]
fn local_resolves_a_minor_to_the_newest_installed_patch() {
    let ctx = installed(&["1.22.4", "1.22.5"]);

    ctx.gover(["local", "1.22"]).assert_success();

    assert_eq!(read(&ctx.project.join(".go-version")), "1.22.5\n");
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.22.5"));
    ctx.assert_default("1.22.4");
}

// See: issue 24, item 6.
#[test]
fn local_latest_pins_the_newest_release_even_when_an_older_one_is_installed() {
    let ctx = installed(&["1.22.5"]);
    ctx.publish(Release::fake("1.23.4"));

    ctx.gover(["local", "latest"])
        .assert_success()
        .assert_stderr_contains("Go 1.23.4 is not installed yet");

    assert_eq!(read(&ctx.project.join(".go-version")), "1.23.4\n");
}

// ---------------------------------------------------------------------------------------------------------------
// current

#[test]
fn current_names_the_global_default() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    ctx.gover(["current"])
        .assert_success()
        .assert_stdout("1.22.5 (global default)\n");
}

#[test]
fn current_names_the_go_version_file_that_selected_the_version() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    let file = ctx.write_go_version(&ctx.project, "1.21.13\n");
    let deep = ctx.project.join("internal/pkg");
    std::fs::create_dir_all(&deep).unwrap();

    let out = ctx.gover_cmd(["current"]).cwd(&deep).run();

    out.assert_success()
        .assert_stdout(&format!("1.21.13 (set by {})\n", file.display()));
}

#[test]
fn current_names_gover_version_when_it_overrides_everything() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.22.5\n");

    let out = ctx
        .gover_cmd(["current"])
        .env("GOVER_VERSION", "1.21.13")
        .run();

    out.assert_success()
        .assert_stdout("1.21.13 (set by GOVER_VERSION)\n");
}

#[test]
fn current_without_any_version_exits_4() {
    let ctx = TestContext::new();

    ctx.gover(["current"]).assert_error(4);
}

// ---------------------------------------------------------------------------------------------------------------
// list

#[test]
fn list_shows_installed_versions_in_version_order_with_markers() {
    let ctx = installed(&["1.22.5", "1.9.2", "1.23rc1", "1.20", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    ctx.gover(["list"]).assert_success().assert_stdout(&lines(&[
        "  1.9.2",
        "  1.20",
        "* 1.21.13",
        "  1.22.5 (default)",
        "  1.23rc1",
    ]));
}

#[test]
fn list_marks_the_default_active_when_nothing_overrides_it() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    ctx.gover(["list"])
        .assert_success()
        .assert_stdout("  1.21.13\n* 1.22.5 (default)\n");
}

#[test]
fn list_with_nothing_installed_prints_nothing() {
    let ctx = TestContext::new();

    ctx.gover(["list"]).assert_success().assert_stdout("");
}

#[test]
fn list_json_describes_each_installed_version() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    let out = ctx.gover(["list", "--json"]);

    out.assert_success();
    let json: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|err| panic!("{err}\n{out}"));
    let expected = serde_json::json!([
        {"version": "1.21.13", "path": ctx.version_dir("1.21.13"), "active": true, "default": false},
        {"version": "1.22.5", "path": ctx.version_dir("1.22.5"), "active": false, "default": true},
    ]);
    assert_eq!(json, expected, "{out}");
}

#[test]
fn list_remote_shows_stable_releases_of_the_two_newest_minor_lines() {
    let ctx = installed(&["1.22.4"]);
    for version in ["1.23rc1", "1.22.5", "1.21.13", "1.21.12", "1.20.14", "1.20"] {
        ctx.publish(Release::fake(version));
    }

    ctx.gover(["list", "--remote"])
        .assert_success()
        .assert_stdout("1.22.5\n1.22.4 (installed)\n1.21.13\n1.21.12\n");
}

#[test]
fn list_remote_all_adds_prereleases_and_older_lines() {
    let ctx = installed(&["1.22.4", "1.20"]);
    for version in ["1.23rc1", "1.22.5", "1.21.13", "1.21.12", "1.20.14"] {
        ctx.publish(Release::fake(version));
    }

    ctx.gover(["list", "--remote", "--all"])
        .assert_success()
        .assert_stdout(
            "1.23rc1\n1.22.5\n1.22.4 (installed)\n1.21.13\n1.21.12\n1.20.14\n1.20 (installed)\n",
        );
}

#[test]
fn list_remote_json_reports_stability_and_installation() {
    let ctx = installed(&["1.22.4"]);
    for version in ["1.23rc1", "1.22.5", "1.21.13", "1.20.14"] {
        ctx.publish(Release::fake(version));
    }

    let all = ctx.gover(["list", "--remote", "--all", "--json"]);
    let default = ctx.gover(["list", "--remote", "--json"]);

    let parse = |out: &common::Outcome| -> serde_json::Value {
        out.assert_success();
        serde_json::from_str(&out.stdout).unwrap_or_else(|err| panic!("{err}\n{out}"))
    };
    let entry = |version: &str, stable: bool, installed: bool| serde_json::json!({"version": version, "stable": stable, "installed": installed, "checksum": true});
    assert_eq!(
        parse(&all),
        serde_json::json!([
            entry("1.23rc1", false, false),
            entry("1.22.5", true, false),
            entry("1.22.4", true, true),
            entry("1.21.13", true, false),
            entry("1.20.14", true, false),
        ]),
        "{all}"
    );
    assert_eq!(
        parse(&default),
        serde_json::json!([
            entry("1.22.5", true, false),
            entry("1.22.4", true, true),
            entry("1.21.13", true, false)
        ]),
        "{default}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// uninstall

#[test]
fn uninstall_removes_a_version() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    ctx.gover(["uninstall", "1.21.13"]).assert_success();

    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.assert_default("1.22.5");
}

#[test]
fn uninstall_of_a_version_that_is_not_installed_exits_4() {
    let ctx = installed(&["1.22.5"]);

    ctx.gover(["uninstall", "1.21.13"]).assert_error(4);

    assert_eq!(ctx.installed(), ["1.22.5"]);
}

#[test]
fn uninstall_refuses_to_remove_the_default() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    ctx.gover(["uninstall", "1.22.5"])
        .assert_error(1)
        .assert_stderr_contains("--force");

    assert_eq!(ctx.installed(), ["1.21.13", "1.22.5"]);
    ctx.assert_default("1.22.5");
}

#[test]
fn uninstall_force_removes_the_default_and_its_link() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    ctx.gover(["uninstall", "1.22.5", "--force"])
        .assert_success();

    assert_eq!(ctx.installed(), ["1.21.13"]);
    assert!(
        std::fs::symlink_metadata(ctx.gover_home.join("current")).is_err(),
        "`current` must not dangle at a removed version"
    );
    ctx.gover(["current"]).assert_error(4);
}

// ---------------------------------------------------------------------------------------------------------------
// which

#[test]
fn which_prints_the_go_a_shim_would_run() {
    let ctx = installed(&["1.22.5"]);

    ctx.gover(["which"])
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.tool_path("1.22.5", "go").display()));
}

#[test]
fn which_follows_go_version_for_any_tool() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    let out = ctx.gover(["which", "gofmt"]);

    out.assert_success().assert_stdout(&format!(
        "{}\n",
        ctx.tool_path("1.21.13", "gofmt").display()
    ));
}

#[test]
fn which_honours_gover_version() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.22.5\n");

    let out = ctx
        .gover_cmd(["which"])
        .env("GOVER_VERSION", "1.21.13")
        .run();

    out.assert_success()
        .assert_stdout(&format!("{}\n", ctx.tool_path("1.21.13", "go").display()));
}

#[test]
fn which_exits_127_when_the_selected_version_is_not_installed() {
    let ctx = installed(&["1.22.5"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    let out = ctx.gover(["which"]);

    out.assert_exit(127).assert_stderr_contains("1.21.13");
    assert_eq!(
        out.stdout, "",
        "no path for a version that is not there\n{out}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// exec

#[test]
fn exec_runs_the_command_with_that_versions_toolchain_and_environment() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    let out = ctx.gover([
        "exec",
        "1.21.13",
        "--",
        "go",
        "print-env",
        "GOROOT",
        "GOTOOLCHAIN",
        "GOVER_VERSION",
    ]);

    out.assert_success().assert_stdout(&format!(
        "GOROOT={}\nGOTOOLCHAIN=local\nGOVER_VERSION=1.21.13\n",
        ctx.version_dir("1.21.13").display()
    ));
    ctx.gover(["exec", "1.21.13", "--", "go", "version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.21.13"));
}

#[test]
fn exec_gives_the_command_the_default_sigpipe_gover_ignores_for_itself() {
    let ctx = installed(&["1.22.5"]);

    // The command gover becomes reports its own ignored signals (a hex mask; SIGPIPE is 13).
    let out = ctx.gover([
        "exec",
        "1.22.5",
        "--",
        "grep",
        "SigIgn",
        "/proc/self/status",
    ]);

    out.assert_success();
    let text = &out.stdout;
    let mask = text
        .trim()
        .strip_prefix("SigIgn:")
        .map(|hex| u64::from_str_radix(hex.trim(), 16).expect("a hex mask"))
        .unwrap_or_else(|| panic!("no SigIgn line in {text:?}"));
    assert_eq!(
        mask & (1 << (13 - 1)),
        0,
        "SIGPIPE is still ignored: {text}"
    );
}

/// When the exec fails, gover ignores SIGPIPE again before it reports the failure: its error,
/// written to a pipe nobody reads, must not get it killed by SIGPIPE instead of exiting 127.
#[test]
fn a_failed_exec_reports_with_sigpipe_ignored_again() {
    use std::os::unix::process::ExitStatusExt;
    let ctx = installed(&["1.22.5"]);
    let out = raw_gover(
        &ctx,
        &["exec", "1.22.5", "--", "no-such-command-gover-test"],
    )
    .stderr(closed_pipe())
    .output()
    .unwrap();
    assert_eq!(out.status.signal(), None, "killed by a signal");
    assert_eq!(out.status.code(), Some(127));
}

#[test]
fn exec_puts_the_versions_bin_first_on_path() {
    let ctx = installed(&["1.22.5"]);

    let out = ctx.gover([
        "exec",
        "1.22.5",
        "--",
        "sh",
        "-c",
        "printf '%s\\n' \"$PATH\"",
    ]);

    out.assert_success();
    let bin = ctx.version_dir("1.22.5").join("bin");
    assert!(
        out.stdout.starts_with(&format!("{}:", bin.display())),
        "PATH should start with {bin:?}\n{out}"
    );
}

#[test]
fn exec_accepts_a_minor_version() {
    let ctx = installed(&["1.22.5", "1.21.12", "1.21.13"]);

    ctx.gover(["exec", "1.21", "--", "go", "version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.21.13"));
}

#[test]
fn exec_keeps_a_gotoolchain_the_caller_set() {
    let ctx = installed(&["1.22.5"]);

    let out = ctx
        .gover_cmd(["exec", "1.22.5", "--", "go", "print-env", "GOTOOLCHAIN"])
        .env("GOTOOLCHAIN", "go1.22.5+path")
        .run();

    out.assert_success()
        .assert_stdout("GOTOOLCHAIN=go1.22.5+path\n");
}

#[test]
fn exec_passes_the_exit_code_through() {
    let ctx = installed(&["1.22.5"]);

    ctx.gover(["exec", "1.22.5", "--", "go", "exit-with", "42"])
        .assert_exit(42);
}

#[test]
fn exec_of_a_version_that_is_not_installed_exits_4() {
    let ctx = installed(&["1.22.5"]);

    ctx.gover(["exec", "1.21.13", "--", "go", "version"])
        .assert_error(4)
        .assert_stderr_contains("1.21.13");
}

#[test]
fn exec_of_a_command_that_does_not_exist_exits_127() {
    let ctx = installed(&["1.22.5"]);

    ctx.gover(["exec", "1.22.5", "--", "no-such-command-gover-test"])
        .assert_error(127)
        .assert_stderr_contains("no-such-command-gover-test");
}

#[test]
fn exec_of_a_file_that_is_not_executable_exits_126() {
    let ctx = installed(&["1.22.5"]);
    std::fs::write(ctx.project.join("build.sh"), "#!/bin/sh\necho built\n").unwrap();

    ctx.gover(["exec", "1.22.5", "--", "./build.sh"])
        .assert_error(126);
}

// ---------------------------------------------------------------------------------------------------------------
// shim: which version runs

#[test]
fn shim_runs_the_default_version() {
    let ctx = installed(&["1.22.5", "1.21.13"]);

    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.22.5"));
}

#[test]
fn go_version_file_beats_the_default() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.21.13"));
}

#[test]
fn gover_version_beats_the_go_version_file() {
    let ctx = installed(&["1.22.5", "1.21.13", "1.22.4"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    let out = ctx
        .shim_cmd("go", ["version"])
        .env("GOVER_VERSION", "1.22.4")
        .run();

    out.assert_success()
        .assert_stdout(&go_version_line("1.22.4"));
}

#[test]
fn go_version_file_in_a_parent_directory_applies() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");
    let deep = ctx.project.join("a/b/c");
    std::fs::create_dir_all(&deep).unwrap();

    ctx.shim_cmd("go", ["version"])
        .cwd(&deep)
        .run()
        .assert_success()
        .assert_stdout(&go_version_line("1.21.13"));
}

#[test]
fn nearest_go_version_file_wins() {
    let ctx = installed(&["1.22.5", "1.21.13", "1.22.4"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");
    let module = ctx.project.join("module");
    ctx.write_go_version(&module, "1.22.4\n");
    std::fs::create_dir_all(module.join("cmd")).unwrap();

    let out = ctx
        .shim_cmd("go", ["version"])
        .cwd(module.join("cmd"))
        .run();

    out.assert_success()
        .assert_stdout(&go_version_line("1.22.4"));
}

#[test]
fn partial_go_version_picks_the_newest_installed_patch() {
    let ctx = installed(&["1.22.5", "1.21.13", "1.21.12"]);
    ctx.write_go_version(&ctx.project, "1.21\n");

    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.21.13"));
}

#[test]
fn go_version_file_tolerates_comments_blank_lines_crlf_and_the_go_prefix() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(
        &ctx.project,
        "# pinned for the CI image\r\n\r\ngo1.21.13\r\n\r\n",
    );

    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout(&go_version_line("1.21.13"));
}

#[test]
fn gofmt_shim_runs_gofmt_of_the_selected_version() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    ctx.shim("gofmt", ["version"])
        .assert_success()
        .assert_stdout("gofmt go1.21.13\n");
}

// ---------------------------------------------------------------------------------------------------------------
// shim: the tool sees exactly what the caller sent

#[test]
fn shim_passes_arguments_through_untouched() {
    let ctx = installed(&["1.22.5"]);

    let out = ctx.shim(
        "go",
        [
            "print-args",
            "two words",
            "",
            "--",
            "-x",
            "ünïcödé",
            "'q\"",
            "*",
            "$HOME",
        ],
    );

    out.assert_success()
        .assert_stdout("[two words]\n[]\n[--]\n[-x]\n[ünïcödé]\n['q\"]\n[*]\n[$HOME]\n");
}

#[test]
fn shim_passes_the_exit_code_through() {
    let ctx = installed(&["1.22.5"]);

    ctx.shim("go", ["exit-with", "3"]).assert_exit(3);
    ctx.shim("go", ["exit-with", "0"]).assert_exit(0);
}

#[test]
fn shim_is_terminated_by_the_signal_that_terminated_the_tool() {
    use std::os::unix::process::ExitStatusExt;
    let ctx = installed(&["1.22.5"]);

    let out = ctx.shim("go", ["kill-self", "TERM"]);

    assert_eq!(
        out.status.signal(),
        Some(15),
        "the shim execs, so SIGTERM ends its own process\n{out}"
    );
}

#[test]
fn shim_passes_stdin_through() {
    let ctx = installed(&["1.22.5"]);
    let input: String = (0..5000).map(|i| format!("line {i}\n")).collect();

    ctx.shim_cmd("go", ["cat-stdin"])
        .stdin(input.clone())
        .run()
        .assert_success()
        .assert_stdout(&input);
}

#[test]
fn shim_runs_the_tool_in_the_callers_directory() {
    let ctx = installed(&["1.22.5"]);
    let subdir = ctx.project.join("pkg");
    std::fs::create_dir_all(&subdir).unwrap();

    let out = ctx.shim_cmd("go", ["print-cwd"]).cwd(&subdir).run();

    out.assert_success()
        .assert_stdout(&format!("{}\n", subdir.display()));
}

#[test]
fn shim_sets_goroot_and_gotoolchain_local() {
    let ctx = installed(&["1.22.5"]);

    let out = ctx.shim("go", ["print-env", "GOROOT", "GOTOOLCHAIN"]);

    out.assert_success().assert_stdout(&format!(
        "GOROOT={}\nGOTOOLCHAIN=local\n",
        ctx.version_dir("1.22.5").display()
    ));
}

#[test]
fn shim_keeps_a_gotoolchain_the_caller_set() {
    let ctx = installed(&["1.22.5"]);

    let out = ctx
        .shim_cmd("go", ["print-env", "GOTOOLCHAIN"])
        .env("GOTOOLCHAIN", "auto")
        .run();

    out.assert_success().assert_stdout("GOTOOLCHAIN=auto\n");
}

#[test]
fn shim_overrides_a_stale_exported_goroot() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    ctx.write_go_version(&ctx.project, "1.21.13\n");

    let out = ctx
        .shim_cmd("go", ["print-env", "GOROOT"])
        .env("GOROOT", ctx.version_dir("1.22.5"))
        .run();

    out.assert_success().assert_stdout(&format!(
        "GOROOT={}\n",
        ctx.version_dir("1.21.13").display()
    ));
}

// ---------------------------------------------------------------------------------------------------------------
// shim: failures

#[test]
fn shim_for_a_version_that_is_not_installed_exits_127_with_one_line() {
    let ctx = installed(&["1.22.5"]);
    let file = ctx.write_go_version(&ctx.project, "1.21.13\n");

    let out = ctx.shim("go", ["version"]);

    out.assert_exit(127)
        .assert_stderr_contains("1.21.13")
        .assert_stderr_contains(&file.display().to_string())
        .assert_stderr_contains("gover install 1.21.13");
    assert_eq!(
        out.stderr.trim_end().lines().count(),
        1,
        "one line on stderr\n{out}"
    );
    assert_eq!(out.stdout, "", "{out}");
}

#[test]
fn shim_names_gover_version_when_it_selected_a_missing_version() {
    let ctx = installed(&["1.22.5"]);

    let out = ctx
        .shim_cmd("go", ["version"])
        .env("GOVER_VERSION", "1.21.13")
        .run();

    out.assert_exit(127)
        .assert_stderr_contains("GOVER_VERSION")
        .assert_stderr_contains("gover install 1.21.13");
    assert_eq!(
        out.stderr.trim_end().lines().count(),
        1,
        "one line on stderr\n{out}"
    );
}

#[test]
fn shim_for_a_partial_version_with_no_installed_match_suggests_installing_it() {
    let ctx = installed(&["1.22.5"]);
    ctx.write_go_version(&ctx.project, "1.21\n");

    let out = ctx.shim("go", ["version"]);

    out.assert_exit(127)
        .assert_stderr_contains("gover install 1.21");
    assert_eq!(
        out.stderr.trim_end().lines().count(),
        1,
        "one line on stderr\n{out}"
    );
}

#[test]
fn shim_exits_126_when_the_tool_cannot_be_executed() {
    use std::os::unix::fs::PermissionsExt;
    let ctx = installed(&["1.22.5"]);
    let go = ctx.tool_path("1.22.5", "go");
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o644)).unwrap();

    let out = ctx.shim("go", ["version"]);

    out.assert_exit(126)
        .assert_stderr_contains(&go.display().to_string());
}

#[test]
fn shim_refuses_to_recurse_when_the_toolchain_links_back_to_the_shims() {
    let ctx = installed(&["1.22.5"]);
    let go = ctx.tool_path("1.22.5", "go");
    std::fs::remove_file(&go).unwrap();
    std::os::unix::fs::symlink(ctx.shim_path("go"), &go).unwrap();

    let out = ctx.shim("go", ["version"]);

    assert!(
        !out.status.success(),
        "a shim that runs itself must fail, not loop\n{out}"
    );
    out.assert_no_panic().assert_stderr_contains("recursion");
}

#[test]
fn shim_refuses_to_recurse_when_the_toolchain_is_the_shim_binary() {
    let ctx = installed(&["1.22.5"]);
    let go = ctx.tool_path("1.22.5", "go");
    std::fs::remove_file(&go).unwrap();
    std::os::unix::fs::symlink(shim_exe(), &go).unwrap();

    let out = ctx.shim("go", ["version"]);

    assert!(
        !out.status.success(),
        "a shim that runs itself must fail, not loop\n{out}"
    );
    out.assert_no_panic().assert_stderr_contains("recursion");
}

// ---------------------------------------------------------------------------------------------------------------
// errors, usage and completions

#[test]
fn errors_render_as_error_then_causes_then_hint() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    let nowhere = format!("http://127.0.0.1:{}/index.json", closed_port());

    let out = ctx
        .gover_cmd(["install", "1.22"])
        .env("GOVER_INDEX_URL", &nowhere)
        .run();

    out.assert_error(5);
    let block: Vec<&str> = out.error_message().lines().collect();
    let (first, rest) = block.split_first().unwrap();
    assert!(first.starts_with("error: "), "{out}");
    assert!(
        out.error_message().contains(&nowhere),
        "the error names the URL\n{out}"
    );
    let hints = rest
        .iter()
        .filter(|line| line.starts_with("hint: "))
        .count();
    assert!(hints <= 1, "at most one hint\n{out}");
    for (i, line) in rest.iter().enumerate() {
        let is_last = i == rest.len() - 1;
        assert!(
            line.starts_with("  caused by: ") || (line.starts_with("hint: ") && is_last),
            "after `error:` come `  caused by:` lines, then one `hint:` line\n{out}"
        );
    }
}

#[test]
fn unknown_subcommand_is_a_usage_error_with_exit_2() {
    let ctx = TestContext::new();

    let out = ctx.gover(["frobnicate"]);

    out.assert_exit(2);
}

#[test]
fn use_without_a_version_is_a_usage_error() {
    let ctx = TestContext::new();

    ctx.gover(["use"]).assert_exit(2);
}

#[test]
fn completions_are_valid_scripts_for_each_shell() {
    let ctx = TestContext::new();
    for (shell, check) in [
        ("bash", ["bash", "-n"]),
        ("zsh", ["zsh", "-n"]),
        ("fish", ["fish", "--no-execute"]),
    ] {
        let out = ctx.gover(["completions", shell]);
        out.assert_success().assert_stdout_contains("gover");
        let script = ctx.root.join(format!("completion.{shell}"));
        std::fs::write(&script, &out.stdout).unwrap();

        ctx.command(check[0])
            .arg(check[1])
            .arg(&script)
            .run()
            .assert_success();
    }
}

/// `gover` and a raw `Command` over the sandbox's home, for what `Run` cannot express (a
/// closed stdout, a pipe nobody reads).
fn raw_gover(ctx: &TestContext, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(common::gover_exe());
    command
        .args(args)
        .env_clear()
        .env("HOME", &ctx.home)
        .env("GOVER_HOME", &ctx.gover_home)
        .env("PATH", "/usr/bin:/bin")
        .stderr(std::process::Stdio::piped());
    command
}

/// The writing end of a pipe whose reader is gone: a write to it fails with EPIPE, or kills a
/// writer that does not ignore SIGPIPE.
fn closed_pipe() -> std::process::Stdio {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: a valid two-int array for pipe(2).
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors were just made by pipe(2) and are owned here only.
    let (reader, writer) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(reader);
    std::process::Stdio::from(writer)
}

/// gover starts without std's own start-up (src/main.rs): a write to a pipe whose reader is
/// gone must still be an error it exits 0 on (SIGPIPE ignored), not a death by SIGPIPE.
#[test]
fn a_result_written_to_a_closed_pipe_exits_0_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let ctx = installed(&["1.22.5", "1.21.13"]);
    for args in [&["list"][..], &["current"], &["which", "go"], &["env"]] {
        let out = raw_gover(&ctx, args)
            .stdout(closed_pipe())
            .output()
            .unwrap();
        assert_eq!(out.status.signal(), None, "{args:?}: killed by a signal");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?}");
    }
}

/// With stdout closed, fd 1 is opened on /dev/null before anything else (as std's start-up
/// did): results vanish, nothing fails, and no file gover opens can take fd 1.
#[test]
fn a_closed_stdout_is_dev_null() {
    use std::os::unix::process::CommandExt;
    let ctx = installed(&["1.22.5"]);
    for args in [&["current"][..], &["list"], &["local", "1.22.5"]] {
        let mut command = raw_gover(&ctx, args);
        command.current_dir(&ctx.project);
        // SAFETY: close(2) only, between fork and exec.
        unsafe {
            command.pre_exec(|| {
                libc::close(1);
                Ok(())
            });
        }
        let out = command.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // What `local` wrote is only the version: nothing meant for stdout went into it.
    assert_eq!(
        std::fs::read_to_string(ctx.project.join(".go-version")).unwrap(),
        "1.22.5\n"
    );
}
