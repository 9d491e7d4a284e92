//! What the CLI does with the version a directory asks for: pre-1.21 `x.y.0` names, `gover install` with
//! no SPEC, `gover local` checking exact versions, and the warnings `gover current` gives.
//!
//! See: issue 12 items 2, 6, 7 and 8.

mod common;

use common::TestContext;

fn installed(versions: &[&str]) -> TestContext {
    let ctx = TestContext::with_releases(versions);
    for version in versions {
        ctx.install(version);
    }
    ctx
}

// See: issue 12 item 2.
#[test]
fn a_pre_1_21_line_named_with_dot_zero_is_its_first_release() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.13"]);
    ctx.gover(["install", "1.13.0"]).assert_success();
    assert_eq!(ctx.installed(), ["1.13"]);

    ctx.gover(["install", "1.22.5"]).assert_success();
    ctx.write_go_version(&ctx.project, "1.13.0\n");
    ctx.gover(["current"])
        .assert_success()
        .assert_stdout_contains("1.13 (set by ");
    ctx.shim("go", ["print-self"])
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.tool_path("1.13", "go").display()));
    ctx.gover(["local", "go1.13.0"]).assert_success();
    assert_eq!(
        std::fs::read_to_string(ctx.project.join(".go-version")).unwrap(),
        "1.13\n"
    );
    ctx.gover(["use", "1.13.0"]).assert_success();
    ctx.assert_default("1.13");
    ctx.gover(["uninstall", "1.13.0", "--force"])
        .assert_success();
    assert_eq!(ctx.installed(), ["1.22.5"]);
}

// See: issue 12 item 6.
#[test]
fn install_without_spec_installs_what_current_names_whatever_decided_it() {
    let ctx = TestContext::with_releases(&["1.22.12", "1.21.0"]);
    std::fs::write(ctx.project.join("go.mod"), "module m\n\ngo 1.21\n").unwrap();
    ctx.gover_cmd(["install"])
        .env("GOVER_VERSION", "1.22.12")
        .run()
        .assert_success()
        .assert_stderr_contains("Installing the version named by GOVER_VERSION");
    assert_eq!(ctx.installed(), ["1.22.12"]);
    ctx.gover_cmd(["current"])
        .env("GOVER_VERSION", "1.22.12")
        .run()
        .assert_success()
        .assert_stdout("1.22.12 (set by GOVER_VERSION)\n");
    // Without the variable, the go.mod decides, for both.
    ctx.gover(["install"]).assert_success();
    assert_eq!(ctx.installed(), ["1.21.0", "1.22.12"]);
}

#[test]
fn install_without_spec_where_only_the_default_decides_says_it_is_installed() {
    let ctx = installed(&["1.22.12"]);
    let out = ctx.gover(["install"]);
    out.assert_success()
        .assert_stderr_contains("Nothing here pins a Go version")
        .assert_stderr_contains("the default, Go 1.22.12, is already installed")
        .assert_stderr_lacks("no default");
    assert_eq!(ctx.installed(), ["1.22.12"]);
}

// See: issue 12 item 8.
#[test]
fn local_checks_an_exact_version_against_the_index() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.21.13"]);
    ctx.gover(["local", "1.99.99"])
        .assert_fails(4, "no Go release matches `1.99.99`");
    assert!(!ctx.project.join(".go-version").exists());
    ctx.gover(["local", "1.21.13"]).assert_success();
    assert_eq!(
        std::fs::read_to_string(ctx.project.join(".go-version")).unwrap(),
        "1.21.13\n"
    );
    // Offline, the cached index (fetched above) answers.
    ctx.gover(["local", "--offline", "1.99.98"])
        .assert_fails(4, "no Go release matches `1.99.98`");
}

#[test]
fn local_offline_with_no_cached_index_pins_an_exact_version_with_a_warning() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.gover(["local", "--offline", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("warning: no release index to check Go 1.22.5 against");
    assert_eq!(
        std::fs::read_to_string(ctx.project.join(".go-version")).unwrap(),
        "1.22.5\n"
    );
}

// See: issue 12 item 7.
#[test]
fn current_warns_about_a_version_file_that_names_nothing_and_goes_on() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    std::fs::write(ctx.project.join(".tool-versions"), "golang 1.21.13\n").unwrap();
    let sub = ctx.project.join("sub");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join(".go-version"), "# pin later\n").unwrap();
    ctx.gover_cmd(["current"])
        .cwd(&sub)
        .run()
        .assert_success()
        .assert_stdout(&format!(
            "1.21.13 (set by {})\n",
            ctx.project.join(".tool-versions").display()
        ))
        .assert_stderr_contains(&format!(
            "warning: {} names no version; it was passed over",
            sub.join(".go-version").display()
        ));
}

// See: issue 12 item 4.
#[test]
fn current_notes_a_suffixed_toolchain_taken_as_a_minimum() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    std::fs::write(
        ctx.project.join("go.mod"),
        "module m\n\ngo 1.21.0\n\ntoolchain go1.21.1-bigcorp\n",
    )
    .unwrap();
    ctx.gover(["current"])
        .assert_success()
        .assert_stdout(&format!(
            "1.21.13 (set by {}:5)\n",
            ctx.project.join("go.mod").display()
        ))
        .assert_stderr_contains("names a custom toolchain build gover cannot install");
}

// See: issue 12 item 3.
#[test]
fn a_release_go_dev_publishes_without_a_checksum_says_so_and_installs_only_unverified() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    let mut old = common::release::Release::fake("1.4.2");
    old.sha256 = String::new();
    ctx.publish(old);

    let listed = ctx.gover(["list", "--remote", "--all"]);
    listed
        .assert_success()
        .assert_stdout_contains("1.4.2 (no checksum: --allow-unverified)\n");
    assert!(listed.stdout.contains("1.22.5\n"), "{listed}");
    let json = ctx.gover(["list", "--remote", "--all", "--json"]);
    json.assert_success();
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let row = |v: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["version"] == v)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("1.4.2")["checksum"], false);
    assert_eq!(row("1.22.5")["checksum"], true);

    // Not "the index is damaged" (exit 6): what is true, and how to go on.
    ctx.gover(["install", "1.4.2"])
        .assert_fails(1, "go.dev publishes no checksum for go1.4.2")
        .assert_stderr_contains("--allow-unverified")
        .assert_stderr_lacks("damaged");
    assert!(ctx.installed().is_empty());
    ctx.gover(["install", "1.4.2", "--allow-unverified"])
        .assert_success()
        .assert_stderr_contains("UNVERIFIED: go.dev publishes no checksum");
    assert_eq!(ctx.installed(), ["1.4.2"]);
}
