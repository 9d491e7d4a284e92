//! Leaving cleanly: the README's "Removing gover" block, run as written with dash, takes gover
//! off the machine completely. See: issue 15, item 2.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::gover_release::place_binaries;
use common::shells::{MODES, have};
use common::{Release, TestContext};

/// Every entry under `dir`: files with their bytes, dirs, and links with their targets.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap().to_path_buf();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.is_symlink() {
                format!("link -> {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                todo.push(path.clone());
                "dir".to_owned()
            } else {
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()
            };
            out.insert(rel, what);
        }
    }
    out
}

/// The README's "Removing gover" blocks: the one command, then the one by hand.
fn readme_blocks() -> (String, String) {
    let text = common::docs::read(&common::docs::repo().join("README.md"));
    let blocks = common::docs::blocks(common::docs::section(&text, "## Removing gover"), "sh");
    assert_eq!(blocks.len(), 2, "{blocks:?}");
    (blocks[0].clone(), blocks[1].clone())
}

/// The quick start's layout: `scripts/install.sh` (run with dash from a loopback server) puts
/// the binaries in ~/.gover/bin.
fn installer_install(ctx: &TestContext) -> PathBuf {
    let dir = ctx.root.join("release");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(common::gover_release::packed_release())
        .unwrap()
        .flatten()
    {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    ctx.mirror.serve_dir("/rel/", &dir);
    ctx.command("dash")
        .arg(dir.join("install.sh"))
        .env("GOVER_INSTALL_URL", ctx.mirror.url("/rel"))
        .env("PATH", "/usr/bin:/bin")
        .run()
        .assert_success();
    ctx.home.join(".gover/bin")
}

/// The startup files a user had before gover, and a snapshot of HOME with them.
fn user_files(ctx: &TestContext, extra: &str) -> BTreeMap<PathBuf, String> {
    ctx.write_home(
        ".bashrc",
        &format!("# my bashrc\nalias ll='ls -l'\n{extra}"),
    );
    ctx.write_home(".profile", &format!("export LANG=C.UTF-8\n{extra}"));
    if !extra.is_empty() {
        ctx.write_home(".zshenv", extra);
    }
    std::fs::create_dir_all(ctx.home.join(".config")).unwrap();
    snapshot(&ctx.home)
}

/// The quick start's second step, run as written (by path), with `path` as PATH.
fn install_and_set_up(ctx: &TestContext, gover: &Path, path: &str) {
    ctx.publish(Release::fake("1.22.5"));
    ctx.command(gover)
        .args(["install", "1.22.5"])
        .env("PATH", path)
        .run()
        .assert_success();
    ctx.command(gover)
        .args(["setup", "--systemd"])
        .env("PATH", path)
        .run()
        .assert_success();
    // The setup worked: a login shell finds gover's go, and gover by name.
    let out = ctx
        .command("bash")
        .args(["-lc", "go version && command -v gover"])
        .env("PATH", "/usr/bin:/bin")
        .run();
    out.assert_success()
        .assert_stdout_contains("go1.22.5")
        .assert_stdout_contains(&gover.display().to_string());
}

/// Nothing of gover is left: GOVER_HOME, the binaries in `bin`, and HOME is as `before` apart
/// from setup's backups; no shell mode finds a go or a gover, or has a gover path on PATH.
fn assert_gone(ctx: &TestContext, bin: &Path, before: &BTreeMap<PathBuf, String>) {
    assert!(!ctx.gover_home.exists(), "GOVER_HOME must be gone");
    for name in ["gover", "gover-shim"] {
        assert!(!bin.join(name).exists(), "{name} must be gone");
    }
    let mut after = snapshot(&ctx.home);
    // Backups only of the files that were there before gover, one of each (setup's: the
    // removal keeps it rather than making another, issue 24 item 11) holding the file as it
    // was; none of the files gover created.
    let backups: Vec<String> = after
        .keys()
        .map(|rel| rel.to_string_lossy().into_owned())
        .filter(|rel| rel.contains(".gover-backup-"))
        .collect();
    let edited: Vec<&PathBuf> = before
        .keys()
        .filter(|k| [".bashrc", ".profile", ".zshenv"].contains(&k.to_str().unwrap()))
        .collect();
    assert_eq!(backups.len(), edited.len(), "{backups:?}");
    for b in &backups {
        let original = b.split(".gover-backup-").next().unwrap();
        assert_eq!(
            after.get(Path::new(b)),
            before.get(Path::new(original)),
            "{b} holds {original} as it was before gover"
        );
    }
    assert!(
        backups.iter().all(|b| edited
            .iter()
            .any(|e| b.starts_with(&format!("{}.gover-backup-", e.display())))),
        "{backups:?}"
    );
    after.retain(|rel, _| !rel.to_string_lossy().contains(".gover-backup-"));
    // What cargo's bin dir held besides gover is the user's (an empty dir here).
    after.retain(|rel, _| !rel.starts_with(".cargo"));
    let mut before = before.clone();
    before.retain(|rel, _| !rel.starts_with(".cargo"));
    assert_eq!(after, before, "HOME must be as it was before gover");
    let home = ctx.gover_home.display().to_string();
    for (shell, flags, label) in MODES {
        if !have(shell) {
            continue;
        }
        let out = ctx
            .command(shell)
            .args(*flags)
            .arg("command -v go; command -v gover; printf 'PATH=%s\\n' \"$PATH\"")
            .env("PATH", "/usr/bin:/bin")
            .run();
        assert!(
            !out.stdout
                .lines()
                .any(|l| l.ends_with("/go") || l.ends_with("/gover")),
            "{label} still finds a go or gover\n{out}"
        );
        let path_line = out.stdout.lines().find(|l| l.starts_with("PATH=")).unwrap();
        assert!(
            !path_line.contains(&home) && !path_line.contains(".gover"),
            "{label} still has gover on PATH\n{out}"
        );
    }
}

/// A context laid out as the quick start leaves it: GOVER_HOME unset.
fn default_context() -> TestContext {
    TestContext::builder()
        .home("home dir")
        .env_remove("GOVER_HOME")
        .env("TERM", "dumb")
        .build()
}

#[test]
fn gover_self_uninstall_in_a_new_shell_removes_an_installer_install_completely() {
    let ctx = default_context();
    let before = user_files(&ctx, "");
    let bin = installer_install(&ctx);
    install_and_set_up(&ctx, &bin.join("gover"), "/usr/bin:/bin");

    // A new login shell (dash, reading ~/.profile) runs the README's command at a terminal,
    // where the user answers the question with `y`.
    let (one, _) = readme_blocks();
    let line = common::terminal::command_line(Path::new("dash"), &["-lc", &one]);
    let out = ctx
        .command("/usr/bin/script")
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("SHELL", "/bin/sh")
        .env("PATH", "/usr/bin:/bin")
        .stdin("y\n")
        .run();
    out.assert_success();
    let text = common::terminal::plain(&out.stdout);
    assert!(text.contains("Remove gover? [y/N]"), "{text}");
    assert!(
        text.contains(&bin.join("gover-shim").display().to_string()),
        "{text}"
    );
    assert_gone(&ctx, &bin, &before);
}

#[test]
fn the_readme_block_by_hand_works_when_gover_is_not_on_path() {
    // Pasted into the shell the quick start ran in: gover is on no PATH there.
    let ctx = default_context();
    let before = user_files(&ctx, "");
    let bin = installer_install(&ctx);
    install_and_set_up(&ctx, &bin.join("gover"), "/usr/bin:/bin");

    let (_, by_hand) = readme_blocks();
    let cwd = ctx.root.join("somewhere");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::write(cwd.join("gover"), "not gover's").unwrap();
    ctx.command("dash")
        .args(["-ec", &by_hand])
        .env("PATH", "/usr/bin:/bin")
        .cwd(&cwd)
        .run()
        .assert_success();

    assert_gone(&ctx, &bin, &before);
    assert!(
        cwd.join("gover").is_file(),
        "nothing in the current dir is touched"
    );
}

#[test]
fn the_readme_block_by_hand_stops_when_there_is_no_gover_at_all() {
    let ctx = default_context();
    ctx.write_home(".gover/versions/keep", "x");
    let (_, by_hand) = readme_blocks();
    let out = ctx
        .command("dash")
        .args(["-c", &by_hand])
        .env("PATH", "/usr/bin:/bin")
        .run();
    assert!(!out.status.success(), "{out}");
    assert!(
        ctx.home.join(".gover/versions/keep").is_file(),
        "nothing removed"
    );
}

#[test]
fn cargo_install_layout_both_blocks_remove_everything() {
    for which in ["self uninstall", "by hand"] {
        let ctx = default_context();
        // What rustup writes: ~/.cargo/bin on PATH in every shell.
        let cargo = "export PATH=\"$HOME/.cargo/bin:$PATH\"\n";
        let before = user_files(&ctx, cargo);
        let bin = ctx.home.join(".cargo/bin");
        place_binaries(&bin);
        let path = format!("{}:/usr/bin:/bin", bin.display());
        install_and_set_up(&ctx, &bin.join("gover"), &path);

        let (one, by_hand) = readme_blocks();
        let block = if which == "by hand" {
            by_hand
        } else {
            one.replace("gover self uninstall", "gover self uninstall -y")
        };
        ctx.command("dash")
            .args(["-lec", &block])
            .env("PATH", "/usr/bin:/bin")
            .run()
            .assert_success();
        assert_gone(&ctx, &bin, &before);
    }
}

#[test]
fn self_uninstall_without_a_terminal_needs_yes_and_removes_nothing() {
    let ctx = default_context();
    let bin = ctx.home.join(".gover/bin");
    place_binaries(&bin);
    ctx.command(bin.join("gover"))
        .args(["setup", "--shell", "sh"])
        .run()
        .assert_success();

    let out = ctx
        .command(bin.join("gover"))
        .args(["self", "uninstall"])
        .run();

    out.assert_fails(2, "needs a yes");
    out.assert_stderr_contains("gover self uninstall -y");
    assert!(bin.join("gover").is_file() && bin.join("gover-shim").is_file());
    assert!(ctx.read_home(".profile").contains("# >>> gover >>>"));
}

#[test]
fn self_uninstall_refuses_a_gover_home_that_holds_home_or_is_not_gover_s() {
    let ctx = TestContext::builder().env("TERM", "dumb").build();
    let bin = ctx.root.join("bin");
    place_binaries(&bin);
    ctx.write_home("precious", "mine");
    let other = ctx.root.join("mine");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes"), "mine").unwrap();
    for home in [ctx.home.clone(), ctx.root.clone(), other.clone()] {
        let out = ctx
            .command(bin.join("gover"))
            .args(["self", "uninstall", "-y"])
            .env("GOVER_HOME", &home)
            .run();
        out.assert_fails(1, "refusing to remove GOVER_HOME");
        assert!(ctx.home.join("precious").is_file() && other.join("notes").is_file());
        assert!(bin.join("gover").is_file(), "nothing removed");
    }
}

#[test]
fn the_readme_removal_section_is_run_by_these_tests_with_a_custom_gover_home() {
    let ctx = TestContext::builder()
        .home("home dir")
        .gover_home("gover home")
        .env("TERM", "dumb")
        .build();
    let before = user_files(&ctx, "");
    let bin = ctx.root.join("opt bin");
    place_binaries(&bin);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    install_and_set_up(&ctx, &bin.join("gover"), &path);
    let (_, by_hand) = readme_blocks();
    ctx.command("dash")
        .args(["-ec", &by_hand])
        .env("PATH", &path)
        .run()
        .assert_success();
    assert_gone(&ctx, &bin, &before);
    assert!(bin.is_dir(), "the bin dir itself is the user's");
}
