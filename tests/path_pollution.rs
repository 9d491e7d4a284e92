//! PATH pollution end to end (issue 14): after `gover setup`, a startup file that overwrote PATH
//! still leaves shells that find both gover's `go` and the system commands, in every start-up
//! mode of the real shells; the environment.d file, run through systemd's own generator, gives a
//! PATH without empty entries or duplicates that no earlier file can put another Go in front of;
//! and `gover setup --remove` restores every file byte for byte.

mod common;

use std::path::{Path, PathBuf};

use common::TestContext;
use common::shells::{self, MANAGED, MODES, Shells, findings, have};

/// The user's own files, each overwriting PATH with one Go SDK dir (no `$PATH`).
fn overwriting_files(sb: &TestContext) -> Vec<(&'static str, String)> {
    let go121 = sb.sdk_bin("go1.21");
    let posix = format!("export LANG=C.UTF-8\nPATH='{go121}'\n");
    vec![
        (".profile", posix.clone()),
        (".bashrc", posix.clone()),
        (".zshenv", posix),
        (
            ".config/fish/conf.d/00-path.fish",
            format!("set -gx PATH '{go121}'\n"),
        ),
    ]
}

/// Every file the test looks at, with its bytes (None: absent).
fn snapshot(sb: &TestContext) -> Vec<(String, Option<Vec<u8>>)> {
    [
        ".profile",
        ".bashrc",
        ".bash_profile",
        ".zshenv",
        ".zshrc",
        ".config/fish/conf.d/00-path.fish",
        ".config/fish/conf.d/gover.fish",
        ".config/environment.d/gover.conf",
        ".config/environment.d/99-gover.conf",
    ]
    .iter()
    .map(|f| (f.to_string(), std::fs::read(sb.home.join(f)).ok()))
    .collect()
}

/// `command -v NAME` printed an absolute path to a real executable named NAME.
#[track_caller]
fn assert_found(label: &str, what: &str, line: Option<&str>, name: &str, stderr: &str) {
    let line = line.unwrap_or_default();
    assert!(
        line.starts_with('/') && line.ends_with(&format!("/{name}")) && Path::new(line).is_file(),
        "{label}: {what} resolved to {line:?} (stderr {stderr:?})"
    );
}

// See: issue 14.1, 14.5
#[test]
fn an_overwritten_path_still_finds_go_and_ls_in_every_mode_and_remove_restores_every_byte() {
    let sb = shells::sandbox();
    for (f, text) in overwriting_files(&sb) {
        sb.write_home(f, &text);
    }
    let before = snapshot(&sb);

    let out = sb.gover(["setup", "--systemd"]);
    assert!(out.status.success(), "{}", out.stderr);

    let shim_go = sb.shim_path("go").display().to_string();
    let inherited = "/usr/bin:/bin";
    let session = sb.session_path(inherited);
    let mut checked = 0;
    for (shell, flags, label) in MODES {
        if !have(shell) {
            continue;
        }
        let path = if *label == "bash -c" {
            session.as_str()
        } else {
            inherited
        };
        // `bash -c` inside the mode: what a script started from that shell gets.
        let script =
            "command -v go; command -v ls; bash -c 'command -v ls; go version'; go version";
        let out = sb.run_mode(shell, flags, script, path);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(
            lines.first().copied(),
            Some(shim_go.as_str()),
            "{label}: `go` is not gover's shim: {:?} (stderr {:?})",
            out.stdout,
            out.stderr
        );
        assert_found(label, "ls", lines.get(1).copied(), "ls", &out.stderr);
        assert_found(
            label,
            "ls in a nested `bash -c`",
            lines.get(2).copied(),
            "ls",
            &out.stderr,
        );
        for (i, what) in [(3, "nested `bash -c 'go version'`"), (4, "go version")] {
            assert!(
                lines
                    .get(i)
                    .is_some_and(|l| l.starts_with(&format!("go version go{MANAGED} "))),
                "{label}: {what} printed {:?} (stderr {:?})",
                out.stdout,
                out.stderr
            );
        }
        checked += 1;
    }
    assert!(checked >= 3, "bash and dash at least must be installed");

    // The overwrite itself is still a finding, with its file:line and the fix.
    let (_, report) = sb.doctor(&[], inherited);
    let profile = sb.home.join(".profile").display().to_string();
    let overwrites = findings(&report, "startup-overwrites-path");
    assert!(
        overwrites.iter().any(|f| f["title"]
            .as_str()
            .unwrap()
            .contains(&format!("{profile}:2"))
            && f["fix"]["command"] == format!("sed -i.bak '2s/^/# /' '{profile}'").as_str()),
        "{report:#}"
    );

    let out = sb.gover(["setup", "--remove"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(snapshot(&sb), before);
}

// See: issue 14.1
#[test]
fn gover_env_appends_the_missing_system_dirs_and_then_the_go_user_bin_dir() {
    let sb = shells::sandbox();
    let go121 = sb.sdk_bin("go1.21");
    let out = sb.gover_with_path(&["env", "--shell", "sh"], &go121).run();
    assert!(out.status.success(), "{}", out.stderr);
    let script = format!(
        "{}command -v go; command -v ls; printf %s \"$PATH\"",
        out.stdout
    );
    let out = sb.run_mode("/bin/sh", &["-c"], &script, &go121);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], sb.shim_path("go").display().to_string());
    assert_found("sh -c", "ls", lines.get(1).copied(), "ls", &out.stderr);
    let mut expected = vec![sb.shims_dir().display().to_string(), go121];
    expected.extend(shells::system_dirs());
    expected.push(sb.home.join("go/bin").display().to_string());
    assert_eq!(lines[2].split(':').collect::<Vec<_>>(), expected);
}

const GENERATOR: &str =
    "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator";

/// systemd's own environment.d generator, if installed (CI installs the `systemd` package and
/// must run this test).
fn generator() -> Option<PathBuf> {
    let g = PathBuf::from(GENERATOR);
    if g.is_file() {
        return Some(g);
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    assert!(!ci, "CI must have systemd's generator at {GENERATOR}");
    eprintln!("skipped: {GENERATOR} is not installed");
    None
}

/// Runs the generator with only HOME and `env`; returns its `KEY=VALUE` lines.
fn generate(sb: &TestContext, generator: &Path, env: &[(String, String)]) -> Vec<(String, String)> {
    let mut cmd = std::process::Command::new(generator);
    cmd.env_clear().env("HOME", &sb.home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the generator");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        // It double-quotes values with spaces (GOVER_HOME has one here); no other quoting
        // happens in these values.
        .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
        .collect()
}

fn path_of(vars: &[(String, String)]) -> Vec<String> {
    let path = &vars.iter().find(|(k, _)| k == "PATH").expect("a PATH").1;
    path.split(':').map(str::to_string).collect()
}

#[track_caller]
fn assert_clean(what: &str, path: &[String]) {
    assert!(
        !path.iter().any(|e| e.is_empty()),
        "{what}: empty entry in {path:?}"
    );
    let mut unique = path.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), path.len(), "{what}: duplicates in {path:?}");
}

// See: issue 14.3
#[test]
fn environment_d_gives_shims_first_without_empty_entries_or_duplicates_with_the_real_generator() {
    let Some(generator) = generator() else {
        return;
    };
    let sb = shells::sandbox();
    let envd = sb.home.join(".config/environment.d");
    // What an older gover wrote, under the name that sorted before most other files.
    std::fs::create_dir_all(&envd).unwrap();
    let old = format!(
        "# >>> gover >>> (gover created this file)\n# Managed by `gover setup`; `gover setup --remove` takes this block out.\nPATH={}:${{PATH}}\n# <<< gover <<<\n",
        sb.shims_dir().display()
    );
    std::fs::write(envd.join("gover.conf"), old).unwrap();
    let out = sb.gover(["setup", "--systemd"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        !envd.join("gover.conf").exists(),
        "the old file is migrated"
    );
    assert!(envd.join("99-gover.conf").is_file());
    let shims = sb.shims_dir().display().to_string();
    // gover's own dir comes right after the shims (it is on no PATH in the sandbox).
    let gover_dir = common::gover_exe().parent().unwrap().display().to_string();

    // No PATH before it: the shims, gover's dir and the system dirs, no trailing empty entry.
    let first = generate(&sb, &generator, &[]);
    let path = path_of(&first);
    let mut expected = vec![shims.clone(), gover_dir.clone()];
    expected.extend(shells::system_dirs());
    assert_eq!(path, expected);
    assert_clean("no PATH", &path);

    // Another file that puts a Go SDK first sorts before 99-gover.conf: the shims still win.
    let other = format!("PATH={}${{PATH:+:$PATH}}\n", sb.sdk_bin("go1.21"));
    std::fs::write(envd.join("60-go.conf"), &other).unwrap();
    let with_path = generate(&sb, &generator, &[("PATH".into(), "/usr/bin:/bin".into())]);
    assert_eq!(
        path_of(&with_path),
        [
            shims.as_str(),
            &gover_dir,
            &sb.sdk_bin("go1.21"),
            "/usr/bin",
            "/bin"
        ]
    );

    // systemd runs the generators again on every daemon-reload with what they produced last
    // time: the shims must not pile up. (The other file would add its dir again itself, which
    // is its own doing: it is removed to see gover's file alone.)
    std::fs::remove_file(envd.join("60-go.conf")).unwrap();
    let once = generate(&sb, &generator, &[("PATH".into(), "/usr/bin:/bin".into())]);
    let again = generate(&sb, &generator, &once);
    assert_eq!(path_of(&again), path_of(&once));
    assert_clean("after a reload", &path_of(&again));

    // And the file leaves no trace after --remove.
    let out = sb.gover(["setup", "--remove"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(!envd.join("99-gover.conf").exists());
}
