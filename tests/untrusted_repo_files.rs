//! Repo files are untrusted: a `.go-version`, `.tool-versions`, `go.work` or `go.mod` that is a FIFO, or a
//! link committed to `/dev/stdin`, must neither hang a `go` call or `gover current` nor feed them the
//! terminal. Every run here has a short hang guard, so a regression fails instead of hanging.
//!
//! See: issue 11 item 5.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Outcome, Run, TestContext, mkfifo};

/// Far above what a call takes, far below forever.
const HANG_GUARD: Duration = Duration::from_secs(20);

/// The names the walk opens.
const NAMES: [&str; 4] = [".go-version", ".tool-versions", "go.work", "go.mod"];

fn installed(versions: &[&str]) -> TestContext {
    let ctx = TestContext::with_releases(versions);
    for version in versions {
        ctx.install(version);
    }
    ctx
}

/// What a call in `cwd` answers, with a version on stdin that must never be read as the pin.
fn run(run: Run, cwd: &Path) -> Outcome {
    run.cwd(cwd).stdin("1.21.13\n").deadline(HANG_GUARD).run()
}

/// The shim (which hands over to `gover __shim`) and `gover current` both refuse, naming the file.
fn assert_refused(ctx: &TestContext, cwd: &Path, file: &Path) {
    let needle = format!("{} is not a regular file", file.display());
    let go = run(ctx.shim_cmd("go", ["print-self"]), cwd);
    assert_ne!(go.code(), Some(0), "{go}");
    go.assert_no_panic().assert_stderr_contains(&needle);
    assert_eq!(go.stdout, "", "{go}");
    let current = run(ctx.gover_cmd(["current"]), cwd);
    current.assert_fails(1, &needle);
    let which = run(ctx.gover_cmd(["which", "go"]), cwd);
    which.assert_fails(1, &needle);
}

fn case_dir(ctx: &TestContext, name: &str) -> (PathBuf, PathBuf) {
    let dir = ctx.project.join(name.trim_start_matches('.'));
    let cwd = dir.join("sub/deeper");
    std::fs::create_dir_all(&cwd).unwrap();
    (dir, cwd)
}

#[test]
fn a_fifo_with_any_of_the_names_is_refused_at_once() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    for name in NAMES {
        // In a parent, as a `/tmp/.go-version` made by another user would be.
        let (dir, cwd) = case_dir(&ctx, name);
        let fifo = dir.join(name);
        mkfifo(&fifo);
        assert_refused(&ctx, &cwd, &fifo);
    }
}

#[test]
fn a_link_to_dev_stdin_is_refused_and_stdin_is_not_read() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    for name in NAMES {
        let (dir, cwd) = case_dir(&ctx, &format!("stdin{name}"));
        let link = dir.join(name);
        std::os::unix::fs::symlink("/dev/stdin", &link).unwrap();
        assert_refused(&ctx, &cwd, &link);
    }
}

#[test]
fn a_regular_file_behind_a_link_and_a_directory_with_the_name_are_fine() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    let dir = ctx.project.join("linked");
    let cwd = dir.join("sub");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::write(dir.join("pin.txt"), "1.21.13\n").unwrap();
    std::os::unix::fs::symlink("pin.txt", dir.join(".go-version")).unwrap();
    // Directories named like the files are passed over, as Go passes them over.
    std::fs::create_dir(cwd.join("go.mod")).unwrap();
    std::fs::create_dir(cwd.join(".tool-versions")).unwrap();
    let go = run(ctx.shim_cmd("go", ["print-self"]), &cwd);
    go.assert_success();
    assert_eq!(
        go.stdout,
        format!("{}\n", ctx.tool_path("1.21.13", "go").display()),
        "{go}"
    );
    run(ctx.gover_cmd(["current"]), &cwd)
        .assert_success()
        .assert_stdout_contains("1.21.13");
}

#[test]
fn gowork_naming_a_fifo_is_refused() {
    let ctx = installed(&["1.22.5"]);
    let fifo = ctx.root.join("work.fifo");
    mkfifo(&fifo);
    let needle = format!("{} is not a regular file", fifo.display());
    let go = run(
        ctx.shim_cmd("go", ["print-self"]).env("GOWORK", &fifo),
        &ctx.project,
    );
    assert_ne!(go.code(), Some(0), "{go}");
    go.assert_stderr_contains(&needle);
    run(
        ctx.gover_cmd(["current"]).env("GOWORK", &fifo),
        &ctx.project,
    )
    .assert_fails(1, &needle);
}
