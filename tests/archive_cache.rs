//! The download cache policy: a verified archive is deleted once its version is installed,
//! unless `--keep-archive` or `GOVER_KEEP_ARCHIVES=1` keeps it for offline reinstalls;
//! `gover prune --archives` removes kept ones. See: issue 15, item 9.
//!
//! The harness keeps archives for every other test (`GOVER_KEEP_ARCHIVES=1` in
//! `TestContext::command`); these tests remove that to see the default.

mod common;

use common::{Fault, TestContext};

/// A sandbox without the harness's `GOVER_KEEP_ARCHIVES=1`.
fn default_policy(versions: &[&str]) -> TestContext {
    let mut ctx = TestContext::with_releases(versions);
    ctx.remove_env("GOVER_KEEP_ARCHIVES");
    ctx
}

#[test]
fn install_deletes_the_archive_once_the_version_is_in_place() {
    let ctx = default_policy(&["1.22.5", "1.21.13"]);

    ctx.gover(["install", "1.22.5", "1.21.13"]).assert_success();

    assert_eq!(ctx.installed(), ["1.21.13", "1.22.5"]);
    assert_eq!(ctx.downloads(), Vec::<String>::new(), "no archive kept");
    ctx.assert_no_leftovers();
}

#[test]
fn keep_archive_keeps_it_for_an_offline_reinstall() {
    for keep in [&["--keep-archive"][..], &[][..]] {
        let ctx = default_policy(&["1.22.5"]);
        let mut install = ctx.gover_cmd(["install", "1.22.5"]).args(keep);
        if keep.is_empty() {
            install = install.env("GOVER_KEEP_ARCHIVES", "1");
        }
        install.run().assert_success();
        assert!(ctx.cached_download("1.22.5").is_file(), "kept ({keep:?})");

        ctx.gover(["uninstall", "--force", "1.22.5"])
            .assert_success();
        // No network at all: the archive and the index come from the cache.
        ctx.mirror
            .inject(&ctx.archive_path("1.22.5"), Fault::Status(500));
        ctx.gover(["install", "--offline", "1.22.5"])
            .assert_success();

        assert_eq!(ctx.installed(), ["1.22.5"]);
        assert_eq!(ctx.downloads_of("1.22.5"), 1);
        // An offline reinstall without asking to keep it: the policy applies again.
        assert!(!ctx.cached_download("1.22.5").exists());
    }
}

#[test]
fn without_a_kept_archive_an_offline_reinstall_names_the_file() {
    let ctx = default_policy(&["1.22.5"]);
    ctx.gover(["install", "1.22.5"]).assert_success();
    ctx.gover(["uninstall", "--force", "1.22.5"])
        .assert_success();

    ctx.gover(["install", "--offline", "1.22.5"])
        .assert_error(5)
        .assert_stderr_contains("go1.22.5.");
}

#[test]
fn prune_archives_removes_kept_archives_and_dry_run_shows_them() {
    let ctx = default_policy(&["1.22.5"]);
    ctx.gover(["install", "--keep-archive", "1.22.5"])
        .assert_success();
    let archive = ctx.cached_download("1.22.5");

    // Plain prune leaves an archive kept for an installed version alone.
    ctx.gover(["prune"]).assert_success();
    assert!(archive.is_file());

    let out = ctx.gover(["prune", "--archives", "--dry-run"]);
    out.assert_success()
        .assert_stdout_contains(&archive.display().to_string());
    assert!(archive.is_file(), "a dry run removes nothing");

    ctx.gover(["prune", "--archives"]).assert_success();
    assert!(!archive.exists());
    assert_eq!(ctx.installed(), ["1.22.5"], "the version itself stays");
}
