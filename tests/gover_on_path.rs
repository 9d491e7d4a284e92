//! After the quick start, `gover` itself runs by name in every new shell: `gover setup` puts the
//! directory holding `gover` on PATH right after the shims (once), unless it is there by other
//! means (cargo's bin dir already on PATH, a standard system dir), and doctor accepts it.
//! See: issue 24, item 1.

mod common;

use common::gover_release::place_binaries;
use common::shells::{MANAGED, MODES, Shells, have};
use common::{Release, TestContext};

/// A HOME with a few ordinary startup lines, GOVER_HOME unset (the default `~/.gover`).
fn context() -> TestContext {
    let ctx = TestContext::builder()
        .home("home dir")
        .env_remove("GOVER_HOME")
        .env("TERM", "dumb")
        .build();
    ctx.write_home(".bashrc", "# my bashrc\nalias ll='ls -l'\n");
    ctx.write_home(".profile", "export LANG=C.UTF-8\n");
    ctx.publish(Release::fake(MANAGED));
    ctx
}

/// `command -v gover` and PATH's entries in each installed mode that reads startup files,
/// started from a PATH without gover.
fn every_mode(ctx: &TestContext) -> Vec<(&'static str, String, Vec<String>)> {
    let mut out = Vec::new();
    for (shell, flags, label) in MODES {
        if !have(shell) || *label == "bash -c" {
            continue;
        }
        let o = ctx.run_mode(
            shell,
            flags,
            "command -v gover; printf 'PATH=%s\\n' \"$PATH\"",
            "/usr/bin:/bin",
        );
        let found = o.stdout.lines().next().unwrap_or_default().to_owned();
        let path = o
            .stdout
            .lines()
            .find_map(|l| l.strip_prefix("PATH="))
            .unwrap_or_else(|| panic!("{label} printed no PATH\n{o}"))
            .split(':')
            .map(str::to_owned)
            .collect();
        out.push((*label, found, path));
    }
    out
}

#[test]
fn setup_puts_the_installed_gover_on_path_after_the_shims_in_every_mode() {
    let ctx = context();
    let bin = ctx.home.join(".gover/bin");
    place_binaries(&bin);
    let gover = bin.join("gover");
    let path = "/usr/bin:/bin";
    ctx.command(&gover)
        .args(["install", MANAGED])
        .env("PATH", path)
        .run()
        .assert_success();
    ctx.command(&gover)
        .args(["setup", "--systemd"])
        .env("PATH", path)
        .run()
        .assert_success();

    let shims = ctx.home.join(".gover/shims").display().to_string();
    let bin_text = bin.display().to_string();
    let modes = every_mode(&ctx);
    assert!(modes.len() >= 3, "bash and dash must be installed");
    for (label, found, entries) in &modes {
        assert_eq!(found, &gover.display().to_string(), "{label}: {entries:?}");
        assert_eq!(entries[..2], [shims.clone(), bin_text.clone()], "{label}");
        assert_eq!(
            entries.iter().filter(|e| **e == bin_text).count(),
            1,
            "{label}: once: {entries:?}"
        );
    }
    // The environment.d file too.
    let envd = ctx.read_home(".config/environment.d/99-gover.conf");
    assert!(envd.contains(&format!("{shims}:{bin_text}:")), "{envd}");

    // A second run is a no-op; a login shell that reads the block twice keeps one of each.
    ctx.command(&gover)
        .args(["setup", "--systemd"])
        .env("PATH", path)
        .run()
        .assert_success()
        .assert_stderr_lacks("wrote the gover block");
    let twice = ctx.run_mode(
        "bash",
        &["-l", "-c"],
        ". ~/.profile; printf %s \"$PATH\"",
        path,
    );
    let entries: Vec<&str> = twice.stdout.split(':').collect();
    assert_eq!(entries[..2], [shims.as_str(), bin_text.as_str()], "{twice}");
    assert_eq!(entries.iter().filter(|e| **e == bin_text).count(), 1);

    // Doctor, run by name from a new login session's PATH, has nothing to say about it.
    let session = ctx.session_path(path);
    let out = ctx
        .command("gover")
        .args(["doctor"])
        .env("PATH", &session)
        .run();
    out.assert_success();
    assert!(!out.stdout.contains(&bin_text), "{out}");
    let out = ctx
        .command("gover")
        .args(["doctor", "--json"])
        .env("PATH", &session)
        .run();
    out.assert_success();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        !report["findings"].to_string().contains(&bin_text),
        "{report:#}"
    );
}

#[test]
fn with_cargo_bin_already_on_path_the_block_does_not_add_it_again() {
    let ctx = context();
    let bin = ctx.home.join(".cargo/bin");
    place_binaries(&bin);
    // What rustup's ~/.cargo/env does, from the files rustup writes it to.
    for f in [".profile", ".bashrc", ".zshenv"] {
        let text = std::fs::read_to_string(ctx.home.join(f)).unwrap_or_default();
        ctx.write_home(
            f,
            &format!("{text}export PATH=\"$HOME/.cargo/bin:$PATH\"\n"),
        );
    }
    ctx.write_home(
        ".config/fish/conf.d/rustup.fish",
        "contains $HOME/.cargo/bin $PATH; or set -gx PATH $HOME/.cargo/bin $PATH\n",
    );
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let gover = bin.join("gover");
    ctx.command(&gover)
        .args(["install", MANAGED])
        .env("PATH", &path)
        .run()
        .assert_success();
    ctx.command(&gover)
        .args(["setup"])
        .env("PATH", &path)
        .run()
        .assert_success();

    let bin_text = bin.display().to_string();
    for f in [".profile", ".bashrc"] {
        let text = ctx.read_home(f);
        let block = &text[text.find("# >>> gover >>>").unwrap()..];
        assert!(!block.contains(&bin_text), "{f}: {text}");
    }
    for (label, found, entries) in every_mode(&ctx) {
        assert_eq!(found, gover.display().to_string(), "{label}: {entries:?}");
        assert_eq!(
            entries.iter().filter(|e| **e == bin_text).count(),
            1,
            "{label}: {entries:?}"
        );
    }
}
