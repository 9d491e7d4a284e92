//! go.work/go.mod awareness and shim auto-install (issue 7).

mod mirror_support;

use std::path::Path;

use mirror_support::Sandbox;

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn go_output(sb: &Sandbox, version: &str) -> String {
    format!(
        "go version go{version} linux/amd64 ({})\n",
        sb.gover_home()
            .join(format!("versions/{version}/bin/go"))
            .display()
    )
}

#[test]
fn the_go_line_picks_the_newest_installed_release_of_its_minor_and_current_names_the_line() {
    let sb = Sandbox::new(&["1.23.0", "1.22.5", "1.22.0", "1.21.3"]);
    for v in ["1.21.3", "1.22.0", "1.22.5", "1.23.0"] {
        sb.install(v);
    }
    let module = sb.path("work/app");
    write(&module.join("go.mod"), "module app\n\ngo 1.22\n");
    let deep = module.join("cmd/tool");
    std::fs::create_dir_all(&deep).unwrap();
    sb.gover_in(&deep, &["current"], &[])
        .success()
        .stdout_is(&format!(
            "1.22.5 (set by {}:3)\n",
            module.join("go.mod").display()
        ));
    sb.go_shim(&deep, &["version"], &[])
        .success()
        .stdout_is(&go_output(&sb, "1.22.5"));
    // A higher minimum in the same line still picks 1.22.5; one above it is not installed.
    write(&module.join("go.mod"), "module app\ngo 1.22.6\n");
    sb.go_shim(&deep, &["version"], &[])
        .code(127)
        .stderr_has("Go >=1.22.6 is not installed")
        .stderr_has(&format!("set by {}:2", module.join("go.mod").display()))
        .stderr_has("gover install 1.22.6");
}

#[test]
fn install_without_spec_installs_the_release_the_go_line_names() {
    let sb = Sandbox::new(&["1.22.5", "1.22.0", "1.20.1", "1.20"]);
    let module = sb.path("work/app");
    write(
        &module.join("go.mod"),
        "module app\r\n\r\ngo 1.22 // minimum\r\n",
    );
    sb.gover_in(&module, &["install"], &[])
        .success()
        .stderr_has(&format!(
            "Installing the version named by {}:3",
            module.join("go.mod").display()
        ));
    assert_eq!(sb.installed(), ["1.22.0"]);
    // Satisfied now: nothing more is installed.
    sb.gover_in(&module, &["install"], &[])
        .success()
        .stderr_has("Go 1.22.0 is already installed");
    assert_eq!(sb.installed(), ["1.22.0"]);
    // Before 1.21 the first release of a line has no `.0`.
    let old = sb.path("work/old");
    write(&old.join("go.mod"), "module old\ngo 1.20\n");
    sb.gover_in(&old, &["install"], &[]).success();
    assert_eq!(sb.installed(), ["1.20", "1.22.0"]);
}

#[test]
fn the_toolchain_line_names_an_exact_release_and_go_work_beats_go_mod() {
    let sb = Sandbox::new(&["1.22.5", "1.22.0", "1.21.3"]);
    for v in ["1.21.3", "1.22.0", "1.22.5"] {
        sb.install(v);
    }
    let ws = sb.path("work/ws");
    let module = ws.join("svc");
    write(
        &module.join("go.mod"),
        "module svc\n\ngo 1.22.0\n\ntoolchain go1.22.0\n\nrequire (\n\tgo 1.9\n)\n",
    );
    sb.gover_in(&module, &["current"], &[])
        .success()
        .stdout_is(&format!(
            "1.22.0 (set by {}:5)\n",
            module.join("go.mod").display()
        ));
    write(&ws.join("go.work"), "go 1.21\n\nuse ./svc\n");
    write(&module.join("go.work"), "go 1.21.0\ntoolchain go1.21.3\n");
    sb.gover_in(&module, &["current"], &[])
        .success()
        .stdout_is(&format!(
            "1.21.3 (set by {}:2)\n",
            module.join("go.work").display()
        ));
}

#[test]
fn a_go_version_up_the_tree_beats_a_go_mod_below_it() {
    let sb = Sandbox::new(&["1.22.5", "1.21.3"]);
    sb.install("1.21.3");
    sb.install("1.22.5");
    let repo = sb.path("work/repo");
    write(&repo.join(".go-version"), "1.21.3\n");
    let module = repo.join("svc");
    write(&module.join("go.mod"), "module svc\ngo 1.22\n");
    sb.gover_in(&module, &["current"], &[])
        .success()
        .stdout_is(&format!(
            "1.21.3 (set by {})\n",
            repo.join(".go-version").display()
        ));
    // With GOVER_GOMOD=0 and no .go-version, go.mod is ignored and the default decides.
    std::fs::remove_file(repo.join(".go-version")).unwrap();
    sb.gover_in(&module, &["current"], &[("GOVER_GOMOD", "0")])
        .success()
        .stdout_is("1.21.3 (global default)\n");
    sb.gover_in(&module, &["current"], &[])
        .success()
        .stdout_is(&format!(
            "1.22.5 (set by {}:2)\n",
            module.join("go.mod").display()
        ));
}

#[test]
fn a_malformed_go_mod_is_an_error_naming_file_and_line() {
    let sb = Sandbox::new(&["1.22.5"]);
    sb.install("1.22.5");
    let module = sb.path("work/bad");
    write(&module.join("go.mod"), "module bad\n\ngo 1.22.x\n");
    let where_ = format!("{}:3", module.join("go.mod").display());
    sb.gover_in(&module, &["current"], &[])
        .code(1)
        .stderr_has(&format!("error: {where_}: `go 1.22.x` is not a Go version"))
        .stderr_has("GOVER_GOMOD=0");
    sb.go_shim(&module, &["version"], &[])
        .code(1)
        .stderr_has(&where_);
    sb.go_shim(&module, &["version"], &[("GOVER_GOMOD", "0")])
        .success()
        .stdout_is(&go_output(&sb, "1.22.5"));
}

#[test]
fn auto_install_installs_the_missing_version_then_runs_it() {
    let sb = Sandbox::new(&["1.22.5", "1.21.3"]);
    sb.install("1.21.3");
    let module = sb.path("work/app");
    write(&module.join("go.mod"), "module app\ngo 1.22.5\n");
    let run = sb.go_shim(&module, &["version"], &[("GOVER_AUTO_INSTALL", "1")]);
    // Only the tool's output on stdout; the install's messages went to stderr.
    run.success()
        .stdout_is(&go_output(&sb, "1.22.5"))
        .stderr_has("Go 1.22.5 is not installed; installing it")
        .stderr_has("Installed Go 1.22.5");
    assert_eq!(sb.installed(), ["1.21.3", "1.22.5"]);
    // Installed now: the normal path, with no install messages.
    let run = sb.go_shim(&module, &["version"], &[("GOVER_AUTO_INSTALL", "1")]);
    run.success().stdout_is(&go_output(&sb, "1.22.5"));
    assert_eq!(run.stderr, "");
    // A version the index does not have: the install's exit code is passed on.
    write(&module.join("go.mod"), "module app\ngo 1.30.1\n");
    sb.go_shim(&module, &["version"], &[("GOVER_AUTO_INSTALL", "1")])
        .code(4)
        .stderr_has("auto-install of Go 1.30.1 failed");
    // Without the switch, a missing version is exit 127 and nothing is installed.
    sb.go_shim(&module, &["version"], &[]).code(127);
    assert_eq!(sb.installed(), ["1.21.3", "1.22.5"]);
}
