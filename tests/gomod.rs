//! go.work/go.mod awareness and shim auto-install (issue 7).

mod common;

use std::path::Path;

use common::release::host_platform;
use common::{Outcome, TestContext};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// What the fake `go version` of `version` prints.
fn go_output(version: &str) -> String {
    let (os, arch) = host_platform();
    format!("go version go{version} {os}/{arch}\n")
}

/// Runs the `go` shim in `dir` with `env`.
fn go_shim(ctx: &TestContext, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut run = ctx.shim_cmd("go", args).cwd(dir);
    for (key, value) in env {
        run = run.env(key, value);
    }
    run.run()
}

/// Asserts the `go` shim in `dir` (with `env`) runs `$GOVER_HOME/versions/<version>/bin/go` itself.
#[track_caller]
fn assert_runs_from(ctx: &TestContext, dir: &Path, env: &[(&str, &str)], version: &str) {
    go_shim(ctx, dir, &["print-self"], env)
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.tool_path(version, "go").display()));
}

/// Runs `gover ARGS` in `dir` with `env`.
fn gover_in(ctx: &TestContext, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Outcome {
    let mut run = ctx.gover_cmd(args).cwd(dir);
    for (key, value) in env {
        run = run.env(key, value);
    }
    run.run()
}

#[test]
fn the_go_line_picks_the_newest_installed_release_of_its_minor_and_current_names_the_line() {
    let ctx = TestContext::with_releases(&["1.23.0", "1.22.5", "1.22.0", "1.21.3"]);
    for v in ["1.21.3", "1.22.0", "1.22.5", "1.23.0"] {
        ctx.install(v);
    }
    let module = ctx.project.join("app");
    write(&module.join("go.mod"), "module app\n\ngo 1.22\n");
    let deep = module.join("cmd/tool");
    std::fs::create_dir_all(&deep).unwrap();
    gover_in(&ctx, &deep, &["current"], &[])
        .assert_success()
        .assert_stdout(&format!(
            "1.22.5 (set by {}:3)\n",
            module.join("go.mod").display()
        ));
    go_shim(&ctx, &deep, &["version"], &[])
        .assert_success()
        .assert_stdout(&go_output("1.22.5"));
    assert_runs_from(&ctx, &deep, &[], "1.22.5");
    // A higher minimum in the same line still picks 1.22.5; one above it is not installed.
    write(&module.join("go.mod"), "module app\ngo 1.22.6\n");
    go_shim(&ctx, &deep, &["version"], &[])
        .assert_exit(127)
        .assert_stderr_contains("Go >=1.22.6 is not installed")
        .assert_stderr_contains(&format!("set by {}:2", module.join("go.mod").display()))
        .assert_stderr_contains("gover install 1.22.6");
}

#[test]
fn install_without_spec_installs_the_release_the_go_line_names() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.22.0", "1.20.1", "1.20"]);
    let module = ctx.project.join("app");
    write(
        &module.join("go.mod"),
        "module app\r\n\r\ngo 1.22 // minimum\r\n",
    );
    gover_in(&ctx, &module, &["install"], &[])
        .assert_success()
        .assert_stderr_contains(&format!(
            "Installing the version named by {}:3",
            module.join("go.mod").display()
        ));
    assert_eq!(ctx.installed(), ["1.22.0"]);
    // Satisfied now: nothing more is installed.
    gover_in(&ctx, &module, &["install"], &[])
        .assert_success()
        .assert_stderr_contains("Go 1.22.0 is already installed");
    assert_eq!(ctx.installed(), ["1.22.0"]);
    // Before 1.21 the first release of a line has no `.0`.
    let old = ctx.project.join("old");
    write(&old.join("go.mod"), "module old\ngo 1.20\n");
    gover_in(&ctx, &old, &["install"], &[]).assert_success();
    assert_eq!(ctx.installed(), ["1.20", "1.22.0"]);
}

#[test]
fn the_toolchain_line_names_an_exact_release_and_go_work_beats_go_mod() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.22.0", "1.21.3"]);
    for v in ["1.21.3", "1.22.0", "1.22.5"] {
        ctx.install(v);
    }
    let ws = ctx.project.join("ws");
    let module = ws.join("svc");
    write(
        &module.join("go.mod"),
        "module svc\n\ngo 1.22.0\n\ntoolchain go1.22.0\n\nrequire (\n\tgo 1.9\n)\n",
    );
    gover_in(&ctx, &module, &["current"], &[])
        .assert_success()
        .assert_stdout(&format!(
            "1.22.0 (set by {}:5)\n",
            module.join("go.mod").display()
        ));
    write(&ws.join("go.work"), "go 1.21\n\nuse ./svc\n");
    write(&module.join("go.work"), "go 1.21.0\ntoolchain go1.21.3\n");
    gover_in(&ctx, &module, &["current"], &[])
        .assert_success()
        .assert_stdout(&format!(
            "1.21.3 (set by {}:2)\n",
            module.join("go.work").display()
        ));
}

#[test]
fn a_go_version_up_the_tree_beats_a_go_mod_below_it() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.21.3"]);
    ctx.install("1.21.3");
    ctx.install("1.22.5");
    let repo = ctx.project.join("repo");
    write(&repo.join(".go-version"), "1.21.3\n");
    let module = repo.join("svc");
    write(&module.join("go.mod"), "module svc\ngo 1.22\n");
    gover_in(&ctx, &module, &["current"], &[])
        .assert_success()
        .assert_stdout(&format!(
            "1.21.3 (set by {})\n",
            repo.join(".go-version").display()
        ));
    // With GOVER_GOMOD=0 and no .go-version, go.mod is ignored and the default decides.
    std::fs::remove_file(repo.join(".go-version")).unwrap();
    gover_in(&ctx, &module, &["current"], &[("GOVER_GOMOD", "0")])
        .assert_success()
        .assert_stdout("1.21.3 (global default)\n");
    gover_in(&ctx, &module, &["current"], &[])
        .assert_success()
        .assert_stdout(&format!(
            "1.22.5 (set by {}:2)\n",
            module.join("go.mod").display()
        ));
}

#[test]
fn a_malformed_go_mod_is_an_error_naming_file_and_line() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");
    let module = ctx.project.join("bad");
    write(&module.join("go.mod"), "module bad\n\ngo 1.22.x\n");
    let where_ = format!("{}:3", module.join("go.mod").display());
    gover_in(&ctx, &module, &["current"], &[])
        .assert_exit(1)
        .assert_stderr_contains(&format!("error: {where_}: `go 1.22.x` is not a Go version"))
        .assert_stderr_contains("GOVER_GOMOD=0");
    go_shim(&ctx, &module, &["version"], &[])
        .assert_exit(1)
        .assert_stderr_contains(&where_);
    go_shim(&ctx, &module, &["version"], &[("GOVER_GOMOD", "0")])
        .assert_success()
        .assert_stdout(&go_output("1.22.5"));
    assert_runs_from(&ctx, &module, &[("GOVER_GOMOD", "0")], "1.22.5");
}

#[test]
fn auto_install_installs_the_missing_version_then_runs_it() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.21.3"]);
    ctx.install("1.21.3");
    let module = ctx.project.join("app");
    write(&module.join("go.mod"), "module app\ngo 1.22.5\n");
    let run = go_shim(&ctx, &module, &["version"], &[("GOVER_AUTO_INSTALL", "1")]);
    // Only the tool's output on stdout; the install's messages went to stderr.
    run.assert_success()
        .assert_stdout(&go_output("1.22.5"))
        .assert_stderr_contains("Go 1.22.5 is not installed; installing it")
        .assert_stderr_contains("Installed Go 1.22.5");
    assert_eq!(ctx.installed(), ["1.21.3", "1.22.5"]);
    // Installed now: the normal path, with no install messages.
    let run = go_shim(&ctx, &module, &["version"], &[("GOVER_AUTO_INSTALL", "1")]);
    run.assert_success().assert_stdout(&go_output("1.22.5"));
    assert_eq!(run.stderr, "");
    assert_runs_from(&ctx, &module, &[("GOVER_AUTO_INSTALL", "1")], "1.22.5");
    // A version the index does not have: the install's exit code is passed on.
    write(&module.join("go.mod"), "module app\ngo 1.30.1\n");
    go_shim(&ctx, &module, &["version"], &[("GOVER_AUTO_INSTALL", "1")])
        .assert_exit(4)
        .assert_stderr_contains("auto-install of Go 1.30.1 failed");
    // Without the switch, a missing version is exit 127 and nothing is installed.
    go_shim(&ctx, &module, &["version"], &[]).assert_exit(127);
    assert_eq!(ctx.installed(), ["1.21.3", "1.22.5"]);
}
