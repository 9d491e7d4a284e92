//! Completion of versions in real shells: `use`, `local`, `uninstall`, `exec` complete installed
//! versions, `upgrade` installed minor lines, `install` the releases of the cached index (never
//! the network), `which` the tools. The checked-in scripts under `completions/` are the ones
//! run. See: issue 15, item 7.

mod common;

use std::path::PathBuf;

use common::shells::have;
use common::{TestContext, gover_exe};

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(name)
}

/// 1.21.13 and 1.22.5 installed; the cached index also lists 1.23.1 and 1.22.4. The mirror
/// is then told to fail, so a completion that went to the network would show it.
fn sandbox() -> TestContext {
    let ctx = TestContext::with_releases(&["1.21.13", "1.22.4", "1.22.5", "1.23.1"]);
    ctx.gover(["install", "1.22.5", "1.21.13"]).assert_success();
    ctx.gover_cmd(["list", "--remote"])
        .env("GOVER_INDEX_TTL", "1h")
        .run()
        .assert_success();
    ctx.mirror.inject("/index.json", common::Fault::Status(500));
    ctx
}

/// PATH with the gover under test first, as an installed gover would be.
fn path() -> String {
    format!("{}:/usr/bin:/bin", gover_exe().parent().unwrap().display())
}

/// What bash completes for `line` (ending where the cursor is).
fn bash(ctx: &TestContext, line: &str) -> Vec<String> {
    let script = format!(
        r#"source '{}'
COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}
read -ra COMP_WORDS <<<"$COMP_LINE"
[[ "$COMP_LINE" == *' ' ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
_gover_versions gover "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}""#,
        script("gover.bash").display()
    );
    let out = ctx
        .command("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("PATH", path())
        .run();
    out.assert_success();
    out.stdout
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What fish completes for `line`.
fn fish(ctx: &TestContext, line: &str) -> Vec<String> {
    let script = format!(
        "source '{}'; complete -C '{line}'",
        script("gover.fish").display()
    );
    let out = ctx
        .command("fish")
        .args(["--no-config", "-c", &script])
        .env("PATH", path())
        .run();
    out.assert_success();
    out.stdout
        .lines()
        .map(|l| l.split('\t').next().unwrap().to_owned())
        .collect()
}

#[test]
fn bash_completes_versions_where_versions_go() {
    let ctx = sandbox();
    let fetches = ctx.mirror.requests_for("/index.json").len();

    assert_eq!(bash(&ctx, "gover use "), ["1.22.5", "1.21.13"]);
    // See: issue 24, item 10: `local` completed only flags.
    assert_eq!(bash(&ctx, "gover local "), ["1.22.5", "1.21.13"]);
    assert_eq!(bash(&ctx, "gover local 1.21"), ["1.21.13"]);
    assert!(!bash(&ctx, "gover local 1.22.5 ").contains(&"1.21.13".to_string()));
    assert_eq!(
        bash(&ctx, "gover uninstall 1.21.13 "),
        ["1.22.5", "1.21.13"]
    );
    assert_eq!(bash(&ctx, "gover uninstall 1.22"), ["1.22.5"]);
    assert_eq!(bash(&ctx, "gover exec "), ["1.22.5", "1.21.13"]);
    assert_eq!(bash(&ctx, "gover upgrade "), ["1.22", "1.21"]);
    assert_eq!(bash(&ctx, "gover which "), ["go", "gofmt"]);
    assert_eq!(
        bash(&ctx, "gover install "),
        ["latest", "1.23.1", "1.22.5", "1.22.4", "1.21.13"]
    );
    assert_eq!(
        bash(&ctx, "gover install --offline 1.2"),
        ["1.23.1", "1.22.5", "1.22.4", "1.21.13"]
    );
    // Not a version position: clap's own completion (the options here).
    assert!(bash(&ctx, "gover use --").contains(&"--install".to_string()));
    assert!(!bash(&ctx, "gover use 1.22.5 ").contains(&"1.21.13".to_string()));
    assert_eq!(
        ctx.mirror.requests_for("/index.json").len(),
        fetches,
        "completion never fetches the index"
    );
}

#[test]
fn fish_completes_versions_where_versions_go() {
    assert!(
        have("fish") || std::env::var("CI").as_deref() != Ok("true"),
        "CI installs fish"
    );
    if !have("fish") {
        return;
    }
    let ctx = sandbox();
    let fetches = ctx.mirror.requests_for("/index.json").len();

    assert_eq!(fish(&ctx, "gover use "), ["1.22.5", "1.21.13"]);
    assert_eq!(fish(&ctx, "gover local "), ["1.22.5", "1.21.13"]);
    assert_eq!(fish(&ctx, "gover uninstall "), ["1.22.5", "1.21.13"]);
    assert_eq!(fish(&ctx, "gover exec "), ["1.22.5", "1.21.13"]);
    assert_eq!(fish(&ctx, "gover upgrade "), ["1.22", "1.21"]);
    assert_eq!(fish(&ctx, "gover which "), ["go", "gofmt"]);
    assert_eq!(
        fish(&ctx, "gover install "),
        ["latest", "1.23.1", "1.22.5", "1.22.4", "1.21.13"]
    );
    assert_eq!(ctx.mirror.requests_for("/index.json").len(), fetches);
}

#[test]
fn zsh_script_completes_versions_through_gover() {
    assert!(
        have("zsh") || std::env::var("CI").as_deref() != Ok("true"),
        "CI installs zsh"
    );
    if !have("zsh") {
        return;
    }
    let ctx = sandbox();
    // compsys's own functions stubbed: `compdef` (the script registers itself) and `compadd`
    // (prints what it is given), so the helpers the script wires in can run outside a prompt.
    let run = |function: &str| {
        let script = format!(
            "compdef() {{ : }}
compadd() {{
    while (( $# )); do
        case $1 in
            -a) print -rl -- ${{(P)2}}; shift 2 ;;
            -V) shift 2 ;;
            *) print -r -- $1; shift ;;
        esac
    done
}}
source '{}'; {function}",
            script("_gover").display()
        );
        let out = ctx
            .command("zsh")
            .args(["-f", "-c", &script])
            .env("PATH", path())
            .run();
        out.assert_success();
        out.stdout.lines().map(str::to_owned).collect::<Vec<_>>()
    };
    // The helpers hand gover's lists to compadd.
    assert_eq!(run("_gover_installed_versions"), ["1.22.5", "1.21.13"]);
    assert_eq!(run("_gover_installed_lines"), ["1.22", "1.21"]);
    assert_eq!(
        run("_gover_remote_versions"),
        ["latest", "1.23.1", "1.22.5", "1.22.4", "1.21.13"]
    );
    assert_eq!(run("_gover_tools"), ["go", "gofmt"]);
    // And the script wires them to the version positions.
    let text = std::fs::read_to_string(script("_gover")).unwrap();
    for (case, function) in [
        ("(install)", "_gover_remote_versions"),
        ("(use)", "_gover_installed_versions"),
        ("(local)", "_gover_installed_versions"),
        ("(uninstall)", "_gover_installed_versions"),
        ("(exec)", "_gover_installed_versions"),
        ("(upgrade)", "_gover_installed_lines"),
        ("(which)", "_gover_tools"),
    ] {
        let block = &text[text.find(&format!("{case}\n_arguments")).unwrap()..];
        let block = &block[..block.find("\n;;").unwrap()];
        assert!(
            block.contains(&format!(":{function}' \\")),
            "{case}: {block}"
        );
    }
}

#[test]
fn complete_prints_nothing_and_succeeds_without_a_home() {
    let ctx = TestContext::new();
    let out = ctx
        .gover_cmd(["__complete", "installed"])
        .env_remove("HOME")
        .env_remove("GOVER_HOME")
        .run();
    out.assert_success().assert_stdout("");
    assert_eq!(out.stderr, "");
}
