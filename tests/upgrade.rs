//! `gover upgrade [MINOR…] [--dry-run] [--prune]`: installed minor lines move to their newest
//! patch release in the index. See: issue 15, item 5.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::TestContext;
use common::release::fake_tool_script;

/// Releases 1.22.4 (the default) and 1.21.12 installed; the index also has 1.22.5, 1.22.6,
/// 1.21.13 and a 1.23 release candidate.
fn two_lines_behind() -> TestContext {
    let ctx = TestContext::with_releases(&[
        "1.21.12", "1.21.13", "1.22.4", "1.22.5", "1.22.6", "1.23rc1",
    ]);
    ctx.gover(["install", "1.22.4", "1.21.12"]).assert_success();
    ctx.assert_default("1.22.4");
    ctx
}

#[test]
fn upgrade_moves_every_installed_line_and_the_default_with_it() {
    let ctx = two_lines_behind();

    let out = ctx.gover(["upgrade"]);

    out.assert_success()
        .assert_stderr_contains("1.21: 1.21.12 -> 1.21.13\n")
        .assert_stderr_contains("1.22: 1.22.4 -> 1.22.6\n")
        .assert_stderr_contains("1.22: the default moves to 1.22.6\n");
    // The old patch releases stay without --prune; no pre-release is installed.
    assert_eq!(ctx.installed(), ["1.21.12", "1.21.13", "1.22.4", "1.22.6"]);
    ctx.assert_default("1.22.6");
    assert_eq!(ctx.downloads_of("1.22.5"), 0);

    // Again: nothing to do.
    let out = ctx.gover(["upgrade"]);
    out.assert_success()
        .assert_stderr_contains("1.22: 1.22.6 is the newest release in the index\n");
    assert_eq!(ctx.downloads_of("1.22.6"), 1);
}

#[test]
fn upgrade_dry_run_prints_the_same_plan_and_changes_nothing() {
    let ctx = two_lines_behind();

    let out = ctx.gover(["upgrade", "--dry-run", "--prune"]);

    out.assert_success()
        .assert_stderr_contains("1.22: 1.22.4 -> 1.22.6\n")
        .assert_stderr_contains("1.22: the default would move to 1.22.6\n")
        .assert_stderr_contains("1.22: would remove 1.22.4\n")
        .assert_stderr_contains("1.21: would remove 1.21.12\n");
    assert_eq!(ctx.installed(), ["1.21.12", "1.22.4"]);
    ctx.assert_default("1.22.4");
    assert_eq!(ctx.downloads_of("1.22.6"), 0);
    assert_eq!(ctx.downloads_of("1.21.13"), 0);
}

#[test]
fn upgrade_of_a_named_line_leaves_the_others() {
    let ctx = two_lines_behind();

    ctx.gover(["upgrade", "1.21"]).assert_success();

    assert_eq!(ctx.installed(), ["1.21.12", "1.21.13", "1.22.4"]);
    // The default is on another line: it stays.
    ctx.assert_default("1.22.4");
}

#[test]
fn upgrade_prune_removes_old_patches_but_not_imported_or_pinned_ones() {
    let ctx = two_lines_behind();
    ctx.gover(["install", "1.22.5"]).assert_success();
    // An imported 1.22.3 tree: never gover's to remove.
    let tree = ctx.root.join("sdk/go1.22.3");
    for (rel, text, mode) in [
        ("VERSION", "go1.22.3\n".to_string(), 0o644),
        ("bin/go", fake_tool_script("go", "1.22.3"), 0o755),
        ("pkg/tool/linux_amd64/compile", String::new(), 0o755),
    ] {
        let path = tree.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    ctx.gover(["import", tree.to_str().unwrap()])
        .assert_success();
    // A project pinning 1.22.5 exactly; the shim records its .go-version when it runs there.
    let pinned = ctx.root.join("pinned project");
    std::fs::create_dir_all(&pinned).unwrap();
    let pin = ctx.write_go_version(&pinned, "1.22.5\n");
    ctx.shim_cmd("go", ["version"])
        .cwd(&pinned)
        .run()
        .assert_success()
        .assert_stdout_contains("go1.22.5");

    let out = ctx.gover(["upgrade", "--prune"]);

    out.assert_success()
        .assert_stderr_contains("1.22: removing 1.22.4\n")
        .assert_stderr_contains("1.21: removing 1.21.12\n")
        .assert_stderr_contains("1.22: kept 1.22.3: imported")
        .assert_stderr_contains(&format!("1.22: kept 1.22.5: {} pins it\n", pin.display()))
        .assert_stderr_contains(&format!(
            "1.22: {} pins 1.22.5; not rewritten (`gover local 1.22.6` in its directory moves it)\n",
            pin.display()
        ));
    assert_eq!(ctx.installed(), ["1.21.13", "1.22.3", "1.22.5", "1.22.6"]);
    assert!(tree.join("bin/go").is_file(), "the imported tree stays");
    assert_eq!(
        std::fs::read_to_string(&pin).unwrap(),
        "1.22.5\n",
        "the pin is not rewritten"
    );
    ctx.assert_default("1.22.6");
    ctx.shim_cmd("go", ["version"])
        .cwd(&pinned)
        .run()
        .assert_stdout_contains("go1.22.5");
    ctx.assert_no_leftovers();
}

#[test]
fn upgrade_reports_the_pin_of_the_directory_it_runs_in() {
    let ctx = two_lines_behind();
    ctx.write_go_version(&ctx.project, "1.21.12\n");

    let out = ctx.gover(["upgrade", "1.21"]);

    out.assert_success().assert_stderr_contains(&format!(
        "1.21: {} pins 1.21.12; not rewritten",
        Path::new(&ctx.project).join(".go-version").display()
    ));
    assert_eq!(
        std::fs::read_to_string(ctx.project.join(".go-version")).unwrap(),
        "1.21.12\n"
    );
}

#[test]
fn upgrade_of_a_line_not_installed_or_not_a_line_fails() {
    let ctx = two_lines_behind();

    ctx.gover(["upgrade", "1.20"])
        .assert_fails(4, "Go 1.20 is not installed");
    ctx.gover(["upgrade", "1.22.5"])
        .assert_fails(2, "`1.22.5` is not a minor line");
    // Several: the good line is still upgraded.
    ctx.gover(["upgrade", "1.20", "1.21"]).assert_exit(4);
    assert_eq!(ctx.installed(), ["1.21.12", "1.21.13", "1.22.4"]);
}
