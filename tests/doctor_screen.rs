//! `gover doctor` fits a screen: one finding per cause, each piece of evidence shown once,
//! system files only as context, at 80 columns on a real terminal. The seed scenarios' reports
//! (as piped: unwrapped, so they do not depend on the temp dir's name length) are snapshots
//! under `tests/snapshots/doctor_screen/` (temp paths as `<tmp>`), so a change in what doctor
//! prints, or how long it is, shows in review. `UPDATE_SNAPSHOTS=1` rewrites them;
//! a mismatch writes `<name>.txt.new` beside the snapshot. `--json` keeps every finding.
//! See: issue 24, item 3.

mod common;

use std::path::PathBuf;

use common::TestContext;
use common::shells::{self, Shells, findings, have};
use common::terminal::{gover_on_terminal, plain};

const GO_BIN: &str = "/usr/local/go/bin";

/// `gover doctor` at an 80-column terminal with `path`, as plain text.
fn doctor_at_80(sb: &TestContext, path: &str) -> String {
    let out = gover_on_terminal(sb, &["doctor"], path)
        .env("COLUMNS", "80")
        .run();
    plain(&out.stdout)
}

/// `gover doctor` piped (stdout, then stderr), with temp paths and gover's own dir replaced.
fn doctor_piped(sb: &TestContext, path: &str) -> String {
    let out = sb.gover_with_path(&["doctor"], path).run();
    let text = format!("{}{}", out.stdout, out.stderr);
    let gover_dir = common::gover_exe().parent().unwrap().display().to_string();
    text.replace(&gover_dir, "<gover-dir>")
        .replace(&sb.root.display().to_string(), "<tmp>")
}

/// Compares `text` with the snapshot `name`; see the module docs.
#[track_caller]
fn assert_snapshot(name: &str, text: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/doctor_screen");
    let file = dir.join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&file, text).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_default();
    if expected != text {
        let new = dir.join(format!("{name}.txt.new"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&new, text).unwrap();
        panic!(
            "doctor's report for `{name}` changed (new one in {}; UPDATE_SNAPSHOTS=1 accepts it)\n--- expected\n{expected}--- got\n{text}",
            new.display()
        );
    }
}

/// The PATH an interactive bash gets from the sandbox's startup files.
fn bash_ic_path(sb: &TestContext) -> String {
    sb.run_mode(
        "bash",
        &["-i", "-c"],
        "printf %s \"$PATH\"",
        "/usr/bin:/bin",
    )
    .stdout
}

fn every_shell() -> bool {
    ["bash", "zsh", "fish", "dash"].iter().all(|s| have(s))
}

#[test]
fn the_seed_bashrc_with_three_appends_fits_15_lines_at_80_columns() {
    if !every_shell() {
        return;
    }
    let sb = shells::sandbox();
    let line = format!("export PATH=$PATH:{GO_BIN}\n");
    sb.write_home(".bashrc", &format!("# ~/.bashrc\n{line}{line}{line}"));
    let path = bash_ic_path(&sb);

    let text = doctor_at_80(&sb, &path);

    assert!(
        text.lines().count() <= 15,
        "{} lines:\n{text}",
        text.lines().count()
    );
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 80 || l.trim_start().starts_with("run: "))
    );
    // Each .bashrc line is shown once, however many findings it explains.
    assert_eq!(text.matches(".bashrc:2").count(), 1, "{text}");
    assert_snapshot("three_appends", &doctor_piped(&sb, &path));

    // --json still has every finding with all of its evidence.
    let (_, report) = sb.doctor(&[], &path);
    for id in [
        "shims-not-on-path",
        "path-duplicates",
        "startup-duplicate-append",
        "path-missing-dir",
    ] {
        assert_eq!(findings(&report, id).len(), 1, "{id}: {report:#}");
    }
    assert!(findings(&report, "startup-mode").len() >= 2, "{report:#}");
    let missing = shells::evidence(&report, "path-missing-dir");
    assert_eq!(missing.matches("does not exist").count(), 3, "{missing}");
    let modes = shells::evidence(&report, "startup-mode");
    assert!(
        modes.contains("`bash -lc` finds no go; needs the block in"),
        "{modes}"
    );
    // The fix comments out both repeats at once.
    let dup = findings(&report, "startup-duplicate-append")[0];
    assert_eq!(
        dup["fix"]["command"],
        format!(
            "sed -i.bak -e '3s/^/# /' -e '4s/^/# /' '{}'",
            sb.home.join(".bashrc").display()
        )
    );
}

#[test]
fn a_bashrc_that_overwrites_path_names_it_and_not_the_system_files() {
    if !every_shell() {
        return;
    }
    let sb = shells::sandbox();
    sb.write_home(".bashrc", &format!("export PATH={GO_BIN}\n"));
    let path = bash_ic_path(&sb);

    let text = doctor_piped(&sb, &path);

    assert!(!text.contains("/etc/profile"), "{text}");
    assert_snapshot("overwrite", &text);
}

#[test]
fn a_line_below_the_block_fits_and_names_the_line_that_wins() {
    if !every_shell() {
        return;
    }
    let sb = shells::sandbox();
    let line = format!("export PATH={}:$PATH\n", sb.sdk_bin("go1.21"));
    sb.write_home(".bashrc", &format!("# my bashrc\n{line}"));
    sb.gover_with_path(&["setup"], "/usr/bin:/bin")
        .run()
        .assert_success();
    let with_block = sb.read_home(".bashrc");
    sb.write_home(".bashrc", &format!("{with_block}{line}"));
    let path = sb.session_path("/usr/bin:/bin");

    let text = doctor_at_80(&sb, &path);

    // One finding for the one line (startup-mode and startup-duplicate-append name the same).
    assert_eq!(text.matches("~/.bashrc:19").count(), 1, "{text}");
    assert_eq!(text.matches("\nwarning ").count(), 1, "{text}");
    assert_snapshot("overridden_block", &doctor_piped(&sb, &path));
}

#[test]
fn after_setup_the_report_is_short() {
    if !every_shell() {
        return;
    }
    let sb = shells::sandbox();
    sb.gover_with_path(&["setup"], "/usr/bin:/bin")
        .run()
        .assert_success();
    let path = sb.session_path("/usr/bin:/bin");

    assert_snapshot("after_setup", &doctor_piped(&sb, &path));
}
