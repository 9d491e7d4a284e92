//! Conventions every command shares: `--version` naming the commit and target; `error:`,
//! `warning:` and `hint:` coloured like clap's, only on a terminal (or with `CLICOLOR_FORCE`),
//! never with `NO_COLOR`. See: issue 15, item 8.

mod common;

use common::TestContext;
use common::terminal::{gover_on_terminal, plain};

const RED_BOLD: &str = "\x1b[1m\x1b[31m";
const GREEN_BOLD: &str = "\x1b[1m\x1b[32m";
const YELLOW_BOLD: &str = "\x1b[1m\x1b[33m";

#[test]
fn version_names_the_commit_and_the_target() {
    let ctx = TestContext::new();

    let out = ctx.gover(["--version"]);

    out.assert_success();
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let target = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    out.assert_stdout(&format!(
        "gover {} ({commit} {target})\n",
        env!("CARGO_PKG_VERSION")
    ));
}

#[test]
fn errors_are_plain_when_stderr_is_not_a_terminal() {
    let ctx = TestContext::new();

    let out = ctx.gover(["uninstall", "1.21.13"]);

    out.assert_exit(4);
    assert!(
        out.stderr
            .starts_with("error: Go 1.21.13 is not installed\n"),
        "{out}"
    );
    assert!(out.stderr.contains("\nhint: "), "{out}");
    assert!(
        !out.stderr.contains('\x1b'),
        "no escapes off a terminal\n{out}"
    );
}

#[test]
fn clicolor_force_colours_error_and_hint_like_clap() {
    let ctx = TestContext::new();

    let out = ctx
        .gover_cmd(["uninstall", "1.21.13"])
        .env("CLICOLOR_FORCE", "1")
        .run();

    out.assert_exit(4);
    assert!(
        out.stderr.starts_with(&format!(
            "{RED_BOLD}error:\x1b[0m Go 1.21.13 is not installed\n"
        )),
        "{out:?}",
        out = out.stderr
    );
    assert!(
        out.stderr.contains(&format!("\n{GREEN_BOLD}hint:\x1b[0m ")),
        "{}",
        out.stderr
    );
}

#[test]
fn on_a_terminal_labels_are_coloured_unless_no_color() {
    let ctx = TestContext::new();
    let path = "/usr/bin:/bin";

    // A terminal emulator sets TERM; the sandbox starts with none.
    let out = gover_on_terminal(&ctx, &["install", "--allow-unverified", "1.99.1"], path)
        .env("TERM", "xterm-256color")
        .run();
    assert!(
        out.stdout
            .contains(&format!("{YELLOW_BOLD}warning:\x1b[0m --allow-unverified")),
        "{out}"
    );
    assert!(
        out.stdout.contains(&format!("{RED_BOLD}error:\x1b[0m ")),
        "{out}"
    );

    let out = gover_on_terminal(&ctx, &["install", "--allow-unverified", "1.99.1"], path)
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1")
        .run();
    assert!(!out.stdout.contains('\x1b'), "NO_COLOR: no escapes\n{out}");
    assert!(
        plain(&out.stdout).contains("warning: --allow-unverified"),
        "{out}"
    );
}

#[test]
fn the_shim_exits_like_gover_current_when_no_version_is_active() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");
    std::fs::remove_file(ctx.gover_home.join("current")).unwrap();

    let current = ctx.gover(["current"]);
    let shim = ctx.shim("go", ["version"]);

    current.assert_exit(4);
    shim.assert_exit(4);
    // The same message and hint, on one line.
    let message = current
        .stderr
        .lines()
        .next()
        .unwrap()
        .strip_prefix("error: ")
        .unwrap();
    let hint = current
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("hint: "))
        .unwrap();
    assert_eq!(shim.stderr, format!("gover: {message}; {hint}\n"), "{shim}");
}

#[test]
fn the_shim_exits_like_gover_current_when_home_is_unset() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");
    // The shim itself, found by path; neither HOME nor GOVER_HOME tells it where gover's home is.
    let current = ctx
        .gover_cmd(["current"])
        .env_remove("HOME")
        .env_remove("GOVER_HOME")
        .run();
    let shim = ctx
        .shim_cmd("go", ["version"])
        .env_remove("HOME")
        .env_remove("GOVER_HOME")
        .run();

    current.assert_exit(7);
    shim.assert_exit(7);
    let hint = current
        .stderr
        .lines()
        .find_map(|l| l.strip_prefix("hint: "))
        .unwrap();
    assert!(shim.stderr.starts_with("gover: "), "{shim}");
    assert!(shim.stderr.ends_with(&format!("; {hint}\n")), "{shim}");
}

#[test]
fn current_which_and_env_speak_json_for_editors() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.21.13"]);
    ctx.gover(["install", "1.22.5", "1.21.13"]).assert_success();
    let pin = ctx.write_go_version(&ctx.project, "1.21.13\n");
    let json = |args: &[&str]| -> serde_json::Value {
        let out = ctx.gover(args);
        out.assert_success();
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{out}"))
    };

    assert_eq!(
        json(&["current", "--json"]),
        serde_json::json!({
            "version": "1.21.13",
            "installed": true,
            "source": format!("set by {}", pin.display()),
            "goroot": ctx.version_dir("1.21.13"),
        })
    );
    assert_eq!(
        json(&["which", "gofmt", "--json"]),
        serde_json::json!({
            "tool": "gofmt",
            "version": "1.21.13",
            "path": ctx.tool_path("1.21.13", "gofmt"),
        })
    );
    let env = json(&["env", "--json"]);
    assert_eq!(env["shims"], ctx.shims_dir().display().to_string());
    assert_eq!(env["path"][0], ctx.shims_dir().display().to_string());
    assert_eq!(env["gobin"], ctx.home.join("go/bin").display().to_string());
    // The Go user bin dir comes last, after the system dirs (see "Shell integration").
    let path = env["path"].as_array().expect("path is a list");
    assert_eq!(path.last(), Some(&env["gobin"]), "{env}");

    // A pin to a version that is not installed: said, with no GOROOT.
    std::fs::write(&pin, "1.20.1\n").unwrap();
    assert_eq!(
        json(&["current", "--json"]),
        serde_json::json!({
            "version": "1.20.1",
            "installed": false,
            "source": format!("set by {}", pin.display()),
            "goroot": null,
        })
    );
}
