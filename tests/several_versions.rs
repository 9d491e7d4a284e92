//! `gover install A B C` and `gover uninstall A B`: every version is tried in order, each
//! outcome gets its own line(s), and the exit code is non-zero when any of them failed.
//! See: issue 15, item 4.

mod common;

use common::{Fault, Release, TestContext};

#[test]
fn install_of_several_specs_installs_each_one() {
    let ctx = TestContext::with_releases(&["1.21.13", "1.21.12", "1.22.5", "1.23.1"]);

    let out = ctx.gover(["install", "1.21", "1.22.5", "latest"]);

    out.assert_success();
    assert_eq!(ctx.installed(), ["1.21.13", "1.22.5", "1.23.1"]);
    for version in ["1.21.13", "1.22.5", "1.23.1"] {
        let done = format!("Installed Go {version} to ");
        assert_eq!(
            out.stderr.lines().filter(|l| l.starts_with(&done)).count(),
            1,
            "one `Installed Go {version}` line\n{out}"
        );
    }
    // The first one installed becomes the default, as with one install at a time.
    ctx.assert_default("1.21.13");
    ctx.assert_no_leftovers();
}

#[test]
fn install_of_several_keeps_going_past_a_failure_and_exits_with_its_code() {
    let ctx = TestContext::with_releases(&["1.21.13", "1.22.5"]);

    let out = ctx.gover(["install", "1.21.13", "1.99", "1.22.5"]);

    // 1.99 matches nothing in the index: exit 4, as a single `gover install 1.99` would.
    out.assert_exit(4);
    assert_eq!(ctx.installed(), ["1.21.13", "1.22.5"]);
    out.assert_stderr_contains("error: cannot install 1.99\n");
    out.assert_stderr_contains("error: 1 of 3 failed to install: 1.99\n");
    // The failed one's own hint is shown under its error.
    let block = &out.stderr[out.stderr.find("error: cannot install 1.99").unwrap()..];
    assert!(
        block
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("  caused by: ") || l.starts_with("hint: ")),
        "the failure's causes and hint follow it\n{out}"
    );
}

#[test]
fn install_of_several_with_mixed_failures_exits_1_and_names_each() {
    let ctx = TestContext::with_releases(&["1.21.13", "1.22.5"]);
    ctx.mirror.inject(
        &ctx.archive_path("1.21.13"),
        Fault::WrongBytes(Release::tampered("1.21.13").archive.into()),
    );

    let out = ctx.gover(["install", "1.21.13", "1.99", "1.22.5"]);

    // A checksum mismatch (6) and no match (4): different causes, so the generic failure.
    out.assert_exit(1);
    assert_eq!(ctx.installed(), ["1.22.5"]);
    out.assert_stderr_contains("error: cannot install 1.21.13\n");
    out.assert_stderr_contains("error: cannot install 1.99\n");
    out.assert_stderr_contains("error: 2 of 3 failed to install: 1.21.13, 1.99\n");
    ctx.assert_no_leftovers();
}

#[test]
fn install_of_several_with_an_invalid_spec_still_installs_the_others() {
    let ctx = TestContext::with_releases(&["1.22.5"]);

    let out = ctx.gover(["install", "not-a-version", "1.22.5"]);

    out.assert_exit(2);
    assert_eq!(ctx.installed(), ["1.22.5"]);
    out.assert_stderr_contains("error: cannot install not-a-version\n");
}

#[test]
fn install_of_the_same_version_twice_downloads_it_once() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.22.4"]);

    let out = ctx.gover(["install", "1.22", "1.22.5"]);

    out.assert_success();
    out.assert_stderr_contains("Go 1.22.5 is already installed\n");
    assert_eq!(ctx.downloads_of("1.22.5"), 1);
}

#[test]
fn uninstall_of_several_removes_each_one() {
    let ctx = TestContext::with_releases(&["1.20.14", "1.21.13", "1.22.5"]);
    ctx.gover(["install", "1.22.5", "1.21.13", "1.20.14"])
        .assert_success();

    let out = ctx.gover(["uninstall", "1.21.13", "1.20.14"]);

    out.assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
    out.assert_stderr_contains("Uninstalled Go 1.21.13\n");
    out.assert_stderr_contains("Uninstalled Go 1.20.14\n");
    ctx.assert_default("1.22.5");
}

#[test]
fn uninstall_of_several_removes_the_others_when_one_is_refused() {
    let ctx = TestContext::with_releases(&["1.21.13", "1.22.5", "1.23.1"]);
    ctx.gover(["install", "1.22.5", "1.21.13", "1.23.1"])
        .assert_success();

    // 1.22.5 is the default (refused without --force, exit 1); 1.20.1 is not installed (4).
    let out = ctx.gover(["uninstall", "1.21.13", "1.22.5", "1.20.1", "1.23.1"]);

    out.assert_exit(1);
    assert_eq!(ctx.installed(), ["1.22.5"]);
    ctx.assert_default("1.22.5");
    out.assert_stderr_contains("error: cannot uninstall 1.22.5\n");
    out.assert_stderr_contains("error: cannot uninstall 1.20.1\n");
    out.assert_stderr_contains("error: 2 of 4 failed to uninstall: 1.22.5, 1.20.1\n");
}

#[test]
fn uninstall_with_no_version_is_a_usage_error() {
    let ctx = TestContext::new();

    ctx.gover(["uninstall"]).assert_exit(2);
}
