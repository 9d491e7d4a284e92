//! Leaving cleanly: the README's "Removing gover" block, run as written with dash, takes gover
//! off the machine completely. See: issue 15, item 2.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::shells::{MODES, have};
use common::{Release, TestContext, gover_exe, shim_exe};

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

/// Puts `gover` and `gover-shim` side by side in `bin` (as scripts/install.sh does).
fn place_binaries(bin: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    for exe in [gover_exe(), shim_exe()] {
        let to = bin.join(exe.file_name().unwrap());
        if std::fs::hard_link(&exe, &to).is_err() {
            std::fs::copy(&exe, &to).unwrap();
        }
    }
}

/// Installs and sets up gover in `ctx` with its binaries in `bin`, runs the README's removal
/// block with dash, and checks that nothing of gover is left.
fn install_then_leave(ctx: &TestContext, bin: &Path) {
    let bashrc = "# my bashrc\nalias ll='ls -l'\n";
    let profile = "export LANG=C.UTF-8";
    ctx.write_home(".bashrc", bashrc);
    ctx.write_home(".profile", profile);
    std::fs::create_dir_all(ctx.home.join(".config")).unwrap();
    let before = snapshot(&ctx.home);

    place_binaries(bin);
    let path = format!("{}:/usr/bin:/bin", bin.display());
    let gover = bin.join("gover");
    ctx.publish(Release::fake("1.22.5"));
    ctx.command(&gover)
        .args(["install", "1.22.5"])
        .env("PATH", &path)
        .run()
        .assert_success();
    ctx.command(&gover)
        .args(["setup", "--systemd"])
        .env("PATH", &path)
        .run()
        .assert_success();
    // The setup worked: a login shell finds gover's go.
    let out = ctx
        .command("bash")
        .args(["-lc", "go version"])
        .env("PATH", "/usr/bin:/bin")
        .run();
    out.assert_success().assert_stdout_contains("go1.22.5");

    let block = common::docs::only_block("README.md", "## Removing gover", "sh");
    ctx.command("dash")
        .args(["-ec", &block])
        .env("PATH", &path)
        .run()
        .assert_success();

    assert!(!ctx.gover_home.exists(), "GOVER_HOME must be gone");
    for name in ["gover", "gover-shim"] {
        assert!(!bin.join(name).exists(), "{name} must be gone");
    }
    let mut after = snapshot(&ctx.home);
    // Backups (by setup, then by --remove) only of the files that were there before gover; none
    // of the files gover created.
    let backups: Vec<String> = after
        .keys()
        .map(|rel| rel.to_string_lossy().into_owned())
        .filter(|rel| rel.contains(".gover-backup-"))
        .collect();
    assert_eq!(backups.len(), 4, "{backups:?}");
    assert!(
        backups
            .iter()
            .all(|b| b.starts_with(".bashrc.gover-backup-")
                || b.starts_with(".profile.gover-backup-")),
        "{backups:?}"
    );
    after.retain(|rel, _| !rel.to_string_lossy().contains(".gover-backup-"));
    assert_eq!(after, before, "HOME must be as it was before gover");
    // No shell mode finds a go any more, and none has a gover path on PATH.
    let home = ctx.home.display().to_string();
    for (shell, flags, label) in MODES {
        if !have(shell) {
            continue;
        }
        let out = ctx
            .command(shell)
            .args(*flags)
            .arg("command -v go; printf 'PATH=%s\\n' \"$PATH\"")
            .env("PATH", "/usr/bin:/bin")
            .run();
        assert!(
            !out.stdout.lines().any(|l| l.ends_with("/go")),
            "{label} still finds a go\n{out}"
        );
        let path_line = out.stdout.lines().find(|l| l.starts_with("PATH=")).unwrap();
        assert!(
            !path_line.contains(&home) && !path_line.contains("gover"),
            "{label} still has gover on PATH\n{out}"
        );
    }
}

#[test]
fn the_readme_block_removes_a_default_install_completely() {
    // The layout scripts/install.sh makes: GOVER_HOME unset, binaries in ~/.gover/bin.
    let ctx = TestContext::builder()
        .env_remove("GOVER_HOME")
        .env("TERM", "dumb")
        .build();
    let bin = ctx.home.join(".gover/bin");
    install_then_leave(&ctx, &bin);
}

#[test]
fn the_readme_block_removes_a_custom_gover_home_and_bin_dir() {
    let ctx = TestContext::builder()
        .home("home dir")
        .gover_home("gover home")
        .env("TERM", "dumb")
        .build();
    let bin = ctx.root.join("opt bin");
    install_then_leave(&ctx, &bin);
    assert!(bin.is_dir(), "the bin dir itself is the user's");
}
