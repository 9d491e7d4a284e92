//! `gover env` and `gover setup`, checked by evaluating their output in the real shells.

mod common;

use common::TestContext;
use common::shells::{self, MODES, Shells, have};

/// A PATH with duplicates, an empty entry and dirs whose names need quoting.
fn awkward_path(sb: &TestContext) -> (String, Vec<String>) {
    let weird = [
        sb.root.join("it's here"),
        sb.root.join("with space"),
        sb.root.join("dollar$HOME and \\back"),
    ];
    for d in &weird {
        std::fs::create_dir_all(d).unwrap();
    }
    let w: Vec<String> = weird.iter().map(|d| d.display().to_string()).collect();
    let path = format!(
        "{a}:/usr/bin::{b}:/bin:{a}:{c}:/usr/bin",
        a = w[0],
        b = w[1],
        c = w[2]
    );
    (path, w)
}

#[test]
fn env_evaluated_twice_gives_the_same_path_as_once_in_every_shell() {
    let sb = shells::sandbox();
    let (path, weird) = awkward_path(&sb);
    let gover = common::gover_exe().display().to_string();
    let gobin = sb.home.join("go/bin").display().to_string();
    let mut expected: Vec<String> = [
        sb.shims_dir().display().to_string(),
        weird[0].clone(),
        "/usr/bin".into(),
        weird[1].clone(),
        "/bin".into(),
        weird[2].clone(),
    ]
    .into();
    // Missing system dirs, then the Go user bin dir, are appended (Go's install docs).
    for d in shells::system_dirs() {
        if !expected.contains(&d) {
            expected.push(d);
        }
    }
    expected.push(gobin);
    let cases = [
        (
            "bash",
            "bash",
            "eval \"$('{g}' env --shell bash)\"; A=$PATH; eval \"$('{g}' env --shell bash)\"; [ \"$A\" = \"$PATH\" ] && printf %s \"$PATH\"",
        ),
        (
            "zsh",
            "zsh",
            "eval \"$('{g}' env --shell zsh)\"; A=$PATH; eval \"$('{g}' env --shell zsh)\"; [ \"$A\" = \"$PATH\" ] && printf %s \"$PATH\"",
        ),
        (
            "dash",
            "sh",
            "eval \"$('{g}' env --shell sh)\"; A=$PATH; eval \"$('{g}' env --shell sh)\"; [ \"$A\" = \"$PATH\" ] && printf %s \"$PATH\"",
        ),
        (
            "fish",
            "fish",
            "'{g}' env --shell fish | source; set A \"$PATH\"; '{g}' env --shell fish | source; test \"$A\" = \"$PATH\"; and printf %s \"$PATH\"",
        ),
    ];
    for (program, _, script) in cases {
        if !have(program) {
            continue;
        }
        let script = script.replace("{g}", &gover);
        let out = sb.run_mode(program, &["-c"], &script, &path);
        let got = out.stdout;
        assert_eq!(
            got.split(':').collect::<Vec<_>>(),
            expected,
            "{program}: stderr {}",
            out.stderr
        );
    }
}

#[test]
fn env_detects_the_shell_from_the_shell_variable() {
    let sb = shells::sandbox();
    let out = sb.gover_cmd(["env"]).env("SHELL", "/usr/bin/fish").run();
    assert!(out.stdout.starts_with("set -gx PATH '"));
    let out = sb.gover_cmd(["env"]).env("SHELL", "/bin/zsh").run();
    assert!(out.stdout.starts_with("export PATH='"));
}

#[test]
fn setup_is_idempotent_backs_up_and_remove_restores_every_byte() {
    let sb = shells::sandbox();
    let bashrc = "# my bashrc\nalias ll='ls -l'\nexport EDITOR=vi"; // no final newline
    let profile = "export LANG=C.UTF-8\n";
    sb.write_home(".bashrc", bashrc);
    sb.write_home(".profile", profile);
    let github_path = sb.root.join("github_path");
    std::fs::write(&github_path, "/already/there\n").unwrap();

    let out = sb
        .gover_cmd(["setup", "--systemd"])
        .env("GITHUB_PATH", &github_path)
        .run();
    assert!(out.status.success(), "{}", out.stderr);
    let after_first = snapshot(&sb);
    for f in [".bashrc", ".profile"] {
        let text = sb.read_home(f);
        assert_eq!(text.matches("# >>> gover >>>").count(), 1, "{f}: {text}");
        assert!(text.contains(&sb.shims_dir().display().to_string().replace('\'', "'\\''")));
    }
    if have("zsh") {
        assert!(sb.read_home(".zshenv").contains("# >>> gover >>>"));
        assert!(sb.read_home(".zshrc").contains("# >>> gover >>>"));
    }
    if have("fish") {
        assert!(
            sb.read_home(".config/fish/conf.d/gover.fish")
                .contains("set -gx PATH $shims $self $rest")
        );
    }
    assert!(
        sb.read_home(".config/environment.d/99-gover.conf")
            .lines()
            .nth(2)
            .unwrap()
            .starts_with(&format!(
                "PATH=${{GOVER_SESSION_PATH:-{}:{}:",
                sb.shims_dir().display(),
                common::gover_exe().parent().unwrap().display()
            ))
    );
    let first_backups = backups(&sb);
    assert_eq!(first_backups.len(), 2, "{first_backups:?}"); // .bashrc and .profile existed
    let bashrc_backup = first_backups
        .iter()
        .find(|b| b.starts_with(".bashrc.gover-backup-"))
        .unwrap();
    assert_eq!(sb.read_home(bashrc_backup), bashrc);
    assert_eq!(
        std::fs::read_to_string(&github_path).unwrap(),
        format!("/already/there\n{}\n", sb.shims_dir().display())
    );

    // Twice: nothing changes, no new backup, GITHUB_PATH not appended again.
    let out = sb
        .gover_cmd(["setup", "--systemd"])
        .env("GITHUB_PATH", &github_path)
        .run();
    assert!(out.status.success());
    assert_eq!(snapshot(&sb), after_first);
    assert_eq!(backups(&sb), first_backups);
    assert_eq!(
        std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .count(),
        2
    );

    let out = sb.gover(["setup", "--remove"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(sb.read_home(".bashrc"), bashrc);
    assert_eq!(sb.read_home(".profile"), profile);
    for created in [
        ".zshenv",
        ".zshrc",
        ".config/fish/conf.d/gover.fish",
        ".config/environment.d/99-gover.conf",
    ] {
        assert!(!sb.home.join(created).exists(), "{created} should be gone");
    }
}

/// Each setup/remove cycle used to leave two more backups per file. One is kept, the oldest
/// (the file before gover first changed it), and later messages name it.
// See: issue 24, item 11.
#[test]
fn setup_remove_cycles_keep_one_backup_per_file_the_oldest() {
    let sb = shells::sandbox();
    let bashrc = "# mine\nalias ll='ls -l'\n";
    let profile = "export LANG=C.UTF-8\n";
    sb.write_home(".bashrc", bashrc);
    sb.write_home(".profile", profile);
    let mut first = Vec::new();
    for cycle in 0..3 {
        let set = sb.gover(["setup"]);
        assert!(set.status.success(), "{set}");
        let removed = sb.gover(["setup", "--remove"]);
        assert!(removed.status.success(), "{removed}");
        let now = backups(&sb);
        assert_eq!(now.len(), 2, "cycle {cycle}: {now:?}");
        if cycle == 0 {
            first = now;
        } else {
            assert_eq!(now, first, "cycle {cycle}");
            let b = sb.home.join(&first[0]);
            assert!(
                set.stderr.contains(&format!(
                    "backup: {} (from before gover first changed it; one is kept per file)",
                    b.display()
                )),
                "{set}"
            );
        }
    }
    assert_eq!(sb.read_home(".bashrc"), bashrc);
    assert_eq!(sb.read_home(".profile"), profile);
    let bashrc_backup = first.iter().find(|b| b.starts_with(".bashrc.")).unwrap();
    assert_eq!(sb.read_home(bashrc_backup), bashrc);
    let profile_backup = first.iter().find(|b| b.starts_with(".profile.")).unwrap();
    assert_eq!(sb.read_home(profile_backup), profile);
}

#[test]
fn the_setup_block_puts_shims_first_once_in_every_mode_without_spawning_gover() {
    let sb = shells::sandbox();
    let out = sb.gover(["setup"]);
    assert!(out.status.success());
    // gover itself is not on this PATH: the block must not need it.
    let inherited = format!("{}:/usr/bin::/bin:/usr/bin", sb.sdk_bin("go1.21"));
    let session = sb.session_path(&inherited);
    for (shell, flags, label) in MODES {
        if !have(shell) {
            continue;
        }
        let path = if *label == "bash -c" {
            session.as_str()
        } else {
            inherited.as_str()
        };
        // Nested: a shell started from a set-up shell must not grow PATH.
        let script = format!(
            "printf '%s\\n' \"$PATH\"; {shell} {} 'printf %s \"$PATH\"'",
            flags.join(" ")
        );
        let out = sb.run_mode(shell, flags, &script, path);
        let stdout = out.stdout;
        let lines: Vec<&str> = stdout.lines().collect();
        let outer = lines.first().copied().unwrap_or_default();
        let entries: Vec<&str> = outer.split(':').collect();
        assert_eq!(
            entries[0],
            sb.shims_dir().display().to_string(),
            "{label}: {outer}"
        );
        // The Go user bin dir comes last, after the system dirs (Go's install docs).
        assert_eq!(
            entries.last().copied(),
            Some(sb.home.join("go/bin").display().to_string().as_str()),
            "{label}"
        );
        let mut unique = entries.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(
            unique.len(),
            entries.len(),
            "{label}: duplicates in {outer}"
        );
        assert!(!entries.contains(&""), "{label}: empty entry in {outer}");
        assert_eq!(
            lines.last().copied(),
            Some(outer),
            "{label}: nested shell changed PATH"
        );
    }
    sb.assert_every_mode_runs_managed_go(&inherited);
}

#[test]
fn setup_honours_gobin_and_gopath_at_shell_start() {
    let sb = shells::sandbox();
    assert!(sb.gover(["setup", "--shell", "bash"]).status.success());
    let cases = [
        ("GOBIN=/opt/gobin", "/opt/gobin"),
        ("GOPATH=/gp1:/gp2", "/gp1/bin"),
    ];
    for (assign, want) in cases {
        let out = sb.run_mode(
            "bash",
            &["-c"],
            &format!("export {assign}; . ~/.bashrc; printf %s \"$PATH\""),
            "/usr/bin:/bin",
        );
        let path = out.stdout;
        assert_eq!(path.split(':').next_back(), Some(want), "{assign}: {path}");
    }
}

fn snapshot(sb: &TestContext) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for f in [
        ".bashrc",
        ".profile",
        ".zshenv",
        ".zshrc",
        ".config/fish/conf.d/gover.fish",
        ".config/environment.d/99-gover.conf",
    ] {
        files.push((f.to_string(), sb.read_home(f)));
    }
    files
}

fn backups(sb: &TestContext) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(&sb.home)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".gover-backup-"))
        .collect();
    names.sort();
    names
}

/// See: issue 26 item 3. On macOS `/etc/zprofile` runs path_helper, which puts `/etc/paths` and
/// `/etc/paths.d` entries (the official installer's `/usr/local/go/bin`) in front of PATH in every
/// login zsh; a login zsh that is not interactive (`zsh -l -c`, what editors run) then reads
/// `~/.zprofile` and never `~/.zshrc`. Here Debian's `/etc/zsh/zprofile` (a login zsh's on
/// Linux) is replaced by a path_helper stand-in, and real zsh runs the files gover's setup
/// writes for each platform: with macOS's (the block in `~/.zprofile` too) the shims come first,
/// with Linux's path_helper's order stays.
#[test]
fn on_macos_setup_also_writes_zprofile_so_a_login_zsh_puts_the_shims_before_path_helper() {
    use gover::shell::{Platform, Shell, UserDirs, setup};
    if !have("zsh") {
        return;
    }
    for (platform, shims_first) in [(Platform::MacOs, true), (Platform::Linux, false)] {
        let ctx = TestContext::new();
        let Some(mut system) = common::mount_ns::SystemFiles::new(&ctx) else {
            return;
        };
        let sdk = ctx.root.join("usr-local-go/bin");
        std::fs::create_dir_all(&sdk).unwrap();
        system.replace_file(
            "/etc/zsh/zprofile",
            &format!(
                "# path_helper: /etc/paths.d entries first, then the rest\n\
                 export PATH={}:$PATH\n",
                sdk.display()
            ),
        );
        let dirs = UserDirs {
            home: ctx.home.clone(),
            config: ctx.home.join(".config"),
            platform,
        };
        let home = gover::home::Home::at(&ctx.gover_home);
        let targets = setup::targets(&home, &dirs, &[Shell::Zsh], false);
        setup::apply(&targets, &dirs).unwrap();
        assert_eq!(ctx.home.join(".zprofile").is_file(), shims_first);

        let out = system
            .run_mode(
                &ctx,
                "zsh",
                &["-l", "-c"],
                "print -r -- $PATH",
                "/usr/bin:/bin",
            )
            .assert_success()
            .stdout
            .clone();
        let first = out.trim().split(':').next().unwrap().to_owned();
        let shims = ctx.shims_dir().display().to_string();
        let expected = if shims_first {
            shims
        } else {
            sdk.display().to_string()
        };
        assert_eq!(first, expected, "{platform:?}: PATH={out}");
    }
}

/// Where `path` (colon-separated) has `dir`, every time.
fn positions(path: &str, dir: &str) -> Vec<usize> {
    path.split(':')
        .enumerate()
        .filter(|(_, d)| *d == dir)
        .map(|(i, _)| i)
        .collect()
}

/// The user's own lines add the Go user bin dir after another Go dir: the blocks (the
/// `.zshenv` one runs before `.zshrc`; fish's `conf.d` before `config.fish`) must not put it in
/// ahead of that dir, nor a second time. See: issue 24, item 11.
#[test]
fn the_block_keeps_the_users_order_and_adds_no_go_bin_they_add_themselves() {
    let sb = shells::sandbox();
    let sdk = sb.sdk_bin("go1.21");
    let gobin = sb.home.join("go/bin").display().to_string();
    sb.write_home(".zshrc", &format!("export PATH=$PATH:{sdk}:$HOME/go/bin\n"));
    sb.write_home(".config/fish/config.fish", "set -gxp PATH ~/go/bin\n");
    assert!(sb.gover(["setup"]).status.success());
    for f in [".zshenv", ".zshrc", ".config/fish/conf.d/gover.fish"] {
        if sb.home.join(f).exists() {
            let text = sb.read_home(f);
            let block = &text[text.find("# >>> gover >>>").unwrap()..];
            assert!(!block.contains("GOBIN"), "{f}: {text}");
        }
    }
    if have("zsh") {
        let path = sb
            .run_mode("zsh", &["-i", "-c"], "print -r -- $PATH", shells::BASE_PATH)
            .stdout;
        let path = path.trim();
        assert_eq!(positions(path, &gobin).len(), 1, "{path}");
        assert!(
            positions(path, &sdk)[0] < positions(path, &gobin)[0],
            "the user's order: {sdk} before {gobin}: {path}"
        );
    }
    if have("fish") {
        let out = sb.run_mode("fish", &["-c"], "string join : $PATH", shells::BASE_PATH);
        let path = out.stdout.trim();
        assert_eq!(positions(path, &gobin), [0], "{path}");
        // And doctor, run with that PATH, finds no duplicate to blame anyone for.
        let (_, report) = sb.doctor(&[], path);
        assert!(
            !shells::evidence(&report, "path-duplicates").contains(&gobin),
            "{report:#}"
        );
    }
}

/// A line adding Go's own bin dir through `go env GOROOT` (the classic manual install) is not
/// one adding the Go user bin dir: the block still adds `~/go/bin`.
#[test]
fn a_goroot_bin_line_of_the_users_leaves_the_go_bin_to_the_block() {
    let sb = shells::sandbox();
    sb.write_home(".bashrc", "export PATH=$PATH:$(go env GOROOT)/bin\n");
    assert!(sb.gover(["setup"]).status.success());
    let gobin = sb.home.join("go/bin").display().to_string();
    let out = sb.run_mode(
        "bash",
        &["-i", "-c"],
        "printf %s \"$PATH\"",
        shells::BASE_PATH,
    );
    assert_eq!(positions(out.stdout.trim(), &gobin).len(), 1, "{out}");
}

/// `go env -w GOPATH=~/.go`: the block's Go user bin dir is `~/.go/bin`, as `go env GOPATH`
/// says, not `~/go/bin`; a GOPATH or GOBIN set at shell start still wins.
// See: issue 24, item 11.
#[test]
fn the_blocks_go_bin_follows_the_go_env_file() {
    let sb = shells::sandbox();
    let gopath = sb.home.join(".go");
    sb.write_home(".config/go/env", &format!("GOPATH={}\n", gopath.display()));
    assert!(sb.gover(["setup"]).status.success());
    let want = gopath.join("bin").display().to_string();
    let default = sb.home.join("go/bin").display().to_string();
    let mut checked = 0;
    for (shell, flags, label) in MODES {
        if !have(shell) || *label == "bash -c" {
            continue;
        }
        let script = if *shell == "fish" {
            "string join : $PATH"
        } else {
            "printf %s \"$PATH\""
        };
        let path = sb.run_mode(shell, flags, script, shells::BASE_PATH).stdout;
        let path = path.trim();
        assert_eq!(positions(path, &want).len(), 1, "{label}: {path}");
        assert!(positions(path, &default).is_empty(), "{label}: {path}");
        checked += 1;
    }
    assert!(checked >= 3);
    let out = sb.run_mode(
        "sh",
        &["-c"],
        "GOPATH=/gp1:/gp2; export GOPATH; . ~/.profile; printf %s \"$PATH\"",
        shells::BASE_PATH,
    );
    assert_eq!(out.stdout.split(':').next_back(), Some("/gp1/bin"), "{out}");
}
