//! `gover doctor`: for each classic cause of a `go` that "doesn't run", a sandbox HOME with the
//! polluted startup files and fake hand-installed SDKs; the doctor must name the cause with its
//! evidence, and after `gover setup` / `gover doctor --fix`, `go version` must run gover's
//! version in every installed shell mode (real bash, zsh, fish and dash).

mod common;

use common::shells::{self, MANAGED, Shells, evidence, findings};

fn mode<'a>(report: &'a serde_json::Value, label: &str) -> Option<&'a serde_json::Value> {
    report["modes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mode"] == label)
}

/// Cause 1: the same `export PATH=$PATH:/usr/local/go/bin` appended again and again.
#[test]
fn cause1_repeated_appends_are_found_and_fixed() {
    let sb = shells::sandbox();
    let go121 = sb.sdk_bin("go1.21");
    let line = format!("export PATH=$PATH:{go121}\n");
    sb.write_home(".bashrc", &format!("# rc\n{line}{line}"));
    sb.write_home(".profile", &line);
    // What a nested interactive shell ends up with: the dir many times over.
    let polluted = format!("/usr/bin:/bin:{go121}:{go121}:{go121}");

    let (code, report) = sb.doctor(&[], &polluted);
    assert_eq!(code, 1, "an SDK instead of gover's shim is an error");
    let dups = evidence(&report, "path-duplicates");
    assert!(
        dups.contains(&format!("`{go121}` appears 3 times")),
        "{dups}"
    );
    let appends = evidence(&report, "startup-duplicate-append");
    let bashrc = sb.home.join(".bashrc").display().to_string();
    let profile = sb.home.join(".profile").display().to_string();
    for place in [
        format!("{bashrc}:2"),
        format!("{bashrc}:3"),
        format!("{profile}:1"),
    ] {
        assert!(appends.contains(&place), "{place} missing from {appends}");
    }
    let shims = evidence(&report, "shims-not-on-path");
    assert!(shims.contains(&format!("{go121}/go (go1.21.0)")), "{shims}");

    let out = sb.gover(["setup"]);
    assert!(out.status.success());
    sb.assert_every_mode_runs_managed_go(&polluted);
    // The interactive shell no longer carries the duplicates.
    let out = sb.run_mode("bash", &["-i", "-c"], "printf %s \"$PATH\"", &polluted);
    let path = out.stdout;
    assert_eq!(path.matches(&go121).count(), 1, "{path}");
    // Started from the fixed session, the doctor finds no duplicates any more.
    let (_, after) = sb.doctor(&[], &path);
    assert!(findings(&after, "path-duplicates").is_empty(), "{after:#}");
    assert!(
        findings(&after, "shims-not-on-path").is_empty(),
        "{after:#}"
    );
}

/// Cause 2: `PATH=/usr/local/go/bin` without `$PATH`, dropping /usr/bin and /bin.
#[test]
fn cause2_path_overwritten_without_dollar_path() {
    let sb = shells::sandbox();
    let go121 = sb.sdk_bin("go1.21");
    sb.write_home(".bashrc", &format!("alias ll='ls -l'\nPATH={go121}\n"));
    let (code, report) = sb.doctor(&[], &go121);
    assert_eq!(code, 1);
    let missing = findings(&report, "path-missing-system-dirs");
    assert_eq!(missing.len(), 1, "{report:#}");
    assert_eq!(missing[0]["severity"], "error");
    assert!(missing[0]["title"].as_str().unwrap().contains("/usr/bin"));
    let bashrc = sb.home.join(".bashrc").display().to_string();
    let overwrite = findings(&report, "startup-overwrites-path");
    assert_eq!(overwrite.len(), 1, "{report:#}");
    assert!(
        overwrite[0]["title"]
            .as_str()
            .unwrap()
            .contains(&format!("{bashrc}:2"))
    );
    assert_eq!(
        overwrite[0]["fix"]["command"],
        format!("sed -i.bak '2s/^/# /' '{bashrc}'").as_str()
    );

    let out = sb.gover_with_path(&["doctor", "--fix"], &go121).run();
    let stderr = &out.stderr;
    assert!(
        stderr.contains(&format!(
            "fixed: wrote the gover block to {bashrc} (backup: {bashrc}.gover-backup-"
        )),
        "{stderr}"
    );
    sb.assert_every_mode_runs_managed_go("/usr/bin:/bin");
    // Even the shell that lost /usr/bin runs gover's go: the shim needs no PATH.
    let out = sb.run_mode("bash", &["-i", "-c"], "go version", "/usr/bin:/bin");
    assert!(out.stdout.contains(&format!("go{MANAGED}")));
    // The overwrite itself is riskier to repair; it stays reported, with its command.
    let (_, after) = sb.doctor(&[], "/usr/bin:/bin");
    assert_eq!(findings(&after, "startup-overwrites-path").len(), 1);
}

/// Cause 3: several SDKs on PATH in the wrong order, a /usr/local/go-style link to another SDK
/// and a stale (dangling) one.
#[test]
fn cause3_several_sdks_and_stale_links() {
    let sb = shells::sandbox();
    let go121 = sb.sdk_bin("go1.21");
    let go122 = sb.sdk_bin("go1.22");
    let link = sb.sdk().join("go");
    std::os::unix::fs::symlink(sb.sdk().join("go1.21"), &link).unwrap();
    let gone = sb.sdk().join("go-gone");
    std::os::unix::fs::symlink(sb.sdk().join("go1.19"), &gone).unwrap();
    let shims = sb.shims_dir().display().to_string();
    let path = format!(
        "{go122}:{}/bin:{shims}:{go121}:{}/bin:/usr/bin:/bin",
        link.display(),
        gone.display()
    );
    sb.write_home(".profile", &format!("export PATH=\"{go122}:$PATH\"\n"));

    let (code, report) = sb.doctor(&[], &path);
    assert_eq!(code, 1);
    let shadowed = findings(&report, "path-go-shadowed");
    assert_eq!(shadowed.len(), 1, "{report:#}");
    assert_eq!(
        shadowed[0]["title"],
        "`go` runs go1.22.0 instead of gover's shim"
    );
    let ev = evidence(&report, "path-go-shadowed");
    assert!(
        ev.contains(&format!(
            "PATH entry #1 `{go122}` comes before the shims (entry #3)"
        )),
        "{ev}"
    );
    assert!(
        ev.contains(&format!("gover would run {MANAGED} (global default)")),
        "{ev}"
    );
    assert!(
        ev.contains(&format!("{}:1 adds it", sb.home.join(".profile").display())),
        "{ev}"
    );
    let sdks = evidence(&report, "path-go-sdks");
    assert!(
        sdks.contains(&format!("{go121}/go (go1.21.0), after the shims (unused)")),
        "{sdks}"
    );
    assert!(
        sdks.contains(&format!("{}/bin/go (go1.21.0)", link.display())),
        "{sdks}"
    );
    // See: issue 24, item 10: a link to an SDK that exists is another Go, not a stale link;
    // only the dangling one is stale.
    let other = evidence(&report, "sdk-link");
    let to_go121 = format!(
        "{} -> {}",
        link.display(),
        sb.sdk().join("go1.21").display()
    );
    assert!(other.contains(&to_go121), "{other}");
    assert!(
        other.contains(&format!("it holds go1.21.0; gover runs {MANAGED}")),
        "{other}"
    );
    let stale = evidence(&report, "stale-link");
    assert!(!stale.contains(&to_go121), "{stale}");
    assert!(
        stale.contains(&format!(
            "{} -> {}",
            gone.display(),
            sb.sdk().join("go1.19").display()
        )),
        "{stale}"
    );
    // prune agrees: only the dangling link is one; the working one is reported as the Go it
    // leads to.
    let root = sb.root.join("empty-root");
    std::fs::create_dir_all(&root).unwrap();
    let plan = sb
        .gover_with_path(&["prune", "--system"], &path)
        .env("GOVER_SYSTEM_ROOT", &root)
        .run();
    assert!(
        plan.stdout.contains(&format!(
            "remove system-link {}: dangling link",
            gone.display()
        )),
        "{plan}"
    );
    assert!(
        plan.stdout.contains(&format!(
            "report system-sdk {}/bin/go: a Go executable gover did not install",
            link.display()
        )),
        "{plan}"
    );
    assert!(
        !plan
            .stdout
            .contains(&format!("{}: dangling", link.display())),
        "{plan}"
    );

    // See: issue 24, item 11: `--fix && …` went no further because this shell's PATH (which
    // no fix can reach) still had go1.22 first. It is still reported, as a warning.
    let out = sb
        .gover_with_path(&["doctor", "--fix", "--json"], &path)
        .run();
    assert_eq!(out.status.code(), Some(0), "{out}");
    let after: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let shadowed = findings(&after, "path-go-shadowed");
    assert_eq!(shadowed.len(), 1, "{after:#}");
    assert_eq!(shadowed[0]["severity"], "warning");
    assert!(
        evidence(&after, "path-go-shadowed").contains("only this one keeps its PATH"),
        "{after:#}"
    );
    // Again: nothing left to fix, still 0. Without --fix, this shell's PATH is an error.
    let again = sb.gover_with_path(&["doctor", "--fix"], &path).run();
    assert_eq!(again.status.code(), Some(0), "{again}");
    let (code, _) = sb.doctor(&[], &path);
    assert_eq!(code, 1);
    sb.assert_every_mode_runs_managed_go(&path);
}

/// Cause 4: PATH set only in files some shells read (~/.bashrc and ~/.zshrc).
#[test]
fn cause4_config_only_some_modes_read() {
    let sb = shells::sandbox();
    let line = format!("export PATH=\"{}:$PATH\"\n", sb.shims_dir().display());
    sb.write_home(".bashrc", &line);
    sb.write_home(".zshrc", &line);
    let base = "/usr/bin:/bin";

    let (_, report) = sb.doctor(&["--strict"], base);
    if common::shells::have("bash") {
        assert_eq!(
            mode(&report, "bash -ic").unwrap()["gover"],
            true,
            "{report:#}"
        );
        assert_eq!(
            mode(&report, "bash -lc").unwrap()["gover"],
            false,
            "{report:#}"
        );
    }
    if common::shells::have("zsh") {
        assert_eq!(
            mode(&report, "zsh -lic").unwrap()["gover"],
            true,
            "{report:#}"
        );
        assert_eq!(
            mode(&report, "zsh -c").unwrap()["gover"],
            false,
            "{report:#}"
        );
    }
    let modes = evidence(&report, "startup-mode");
    assert!(
        modes.contains("`sh -lc` finds no go; needs the block in"),
        "{modes}"
    );
    assert!(
        modes.contains(&format!(
            "`bash -lc` finds no go; needs the block in {}",
            sb.home.join(".profile").display()
        )),
        "{modes}"
    );

    let out = sb.gover_with_path(&["doctor", "--fix"], base).run();
    assert!(
        out.stderr
            .as_str()
            .contains("fixed: wrote the gover block to")
    );
    sb.assert_every_mode_runs_managed_go(base);
    // Run from the new session, the doctor is satisfied, even with --strict.
    let session = sb.session_path(base);
    let (code, after) = sb.doctor(&["--strict"], &session);
    let modes = after["modes"].as_array().unwrap();
    assert!(modes.iter().all(|m| m["gover"] == true), "{after:#}");
    assert!(
        after["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] == "info"),
        "{after:#}"
    );
    assert_eq!(code, 0);
}

/// GOROOT exported and persisted by `go env -w`, and GOTOOLCHAIN persisted.
#[test]
fn goroot_and_gotoolchain_mismatches() {
    let sb = shells::sandbox();
    let old_root = sb.sdk().join("go1.21");
    sb.write_home(
        ".bashrc",
        &format!("export GOROOT={}\n", old_root.display()),
    );
    let env_file = sb.write_home(
        ".config/go/env",
        &format!(
            "GOPROXY=direct\nGOROOT={}\nGOTOOLCHAIN=go1.23.0+auto\n",
            old_root.display()
        ),
    );
    assert!(sb.gover(["setup"]).status.success());
    let session = sb.session_path("/usr/bin:/bin");

    let out = sb
        .gover_with_path(&["doctor", "--json"], &session)
        .env("GOROOT", &old_root)
        .run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let goroot = findings(&report, "goroot-mismatch");
    assert_eq!(goroot.len(), 2, "{report:#}");
    let ev = evidence(&report, "goroot-mismatch");
    assert!(
        ev.contains(&format!(
            "GOROOT={} (go1.21.0) in the environment",
            old_root.display()
        )),
        "{ev}"
    );
    assert!(
        ev.contains(&format!(
            "{}:1 sets GOROOT=",
            sb.home.join(".bashrc").display()
        )),
        "{ev}"
    );
    assert!(
        ev.contains(&format!("{}:2 sets GOROOT=", env_file.display())),
        "{ev}"
    );
    assert_eq!(findings(&report, "gotoolchain-persisted").len(), 1);

    let out = sb
        .gover_with_path(&["doctor", "--fix"], &session)
        .env("GOROOT", &old_root)
        .run();
    let stderr = &out.stderr;
    assert!(stderr.contains("fixed: go env -u GOROOT"), "{stderr}");
    assert!(stderr.contains("fixed: go env -u GOTOOLCHAIN"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&env_file).unwrap(),
        "GOPROXY=direct\n"
    );
    let backup = std::fs::read_dir(env_file.parent().unwrap())
        .unwrap()
        .flatten()
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("env.gover-backup-")
        })
        .expect("a backup of the go env file");
    assert!(
        std::fs::read_to_string(backup.path())
            .unwrap()
            .contains("GOTOOLCHAIN=go1.23.0+auto")
    );

    sb.assert_every_mode_runs_managed_go("/usr/bin:/bin");
    // Every mode (with the stale GOROOT exported by ~/.bashrc where bash reads it) runs go
    // with gover's GOROOT: the shim sets it.
    let want = sb
        .gover_home
        .join("versions")
        .join(MANAGED)
        .display()
        .to_string();
    for (shell, flags, label) in common::shells::MODES {
        if !common::shells::have(shell) {
            continue;
        }
        let path = if *label == "bash -c" {
            session.as_str()
        } else {
            "/usr/bin:/bin"
        };
        let out = sb.run_mode(shell, flags, "go env GOROOT", path);
        assert_eq!(out.stdout.trim(), want, "{label}");
    }
}

#[test]
fn strict_fails_on_warnings_and_people_output_is_plain_when_piped() {
    let sb = shells::sandbox();
    assert!(sb.gover(["setup"]).status.success());
    let session = sb.session_path("/usr/bin:/bin");
    // A persisted GOTOOLCHAIN is a warning only.
    sb.write_home(".config/go/env", "GOTOOLCHAIN=go1.23.0\n");
    let out = sb.gover_with_path(&["doctor"], &session).run();
    assert_eq!(out.status.code(), Some(0));
    let text = out.stdout;
    assert!(!text.contains('\x1b'), "no colour when piped: {text}");
    assert!(
        text.contains(&format!("gover runs {MANAGED} (global default) here")),
        "{text}"
    );
    assert!(text.contains("warning gotoolchain-persisted"), "{text}");
    let out = sb.gover_with_path(&["doctor", "--strict"], &session).run();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .as_str()
            .contains("error: gover doctor found 0 error(s) and 1 warning(s)")
    );
}

#[test]
fn fix_repairs_gover_own_stale_links() {
    let sb = shells::sandbox();
    let shim = sb.shims_dir().join("go");
    std::fs::remove_file(&shim).unwrap();
    std::os::unix::fs::symlink(sb.root.join("no-such-gover-shim"), &shim).unwrap();
    let current = sb.gover_home.join("current");
    std::fs::remove_file(&current).unwrap();
    std::os::unix::fs::symlink("versions/1.9.9", &current).unwrap();
    let (_, report) = sb.doctor(&[], "/usr/bin:/bin");
    let stale = evidence(&report, "stale-link");
    assert!(
        stale.contains(&format!(
            "{} -> {} (missing)",
            shim.display(),
            sb.root.join("no-such-gover-shim").display()
        )),
        "{stale}"
    );
    assert!(
        stale.contains(&format!("{} -> versions/1.9.9", current.display())),
        "{stale}"
    );
    let out = sb.gover(["doctor", "--fix"]);
    let stderr = &out.stderr;
    assert!(
        stderr.contains(&format!("fixed: repointed {}", shim.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "fixed: removed the dangling link {}",
            current.display()
        )),
        "{stderr}"
    );
    assert!(shim.exists());
    assert!(!current.exists() && !gover::link::is_symlink(&current));
}

/// A `.go-version` that pins an older release than the module's `go` line: with
/// GOTOOLCHAIN=local the build would fail, so the doctor says so with both files and lines.
#[test]
fn a_go_version_pin_older_than_the_go_mod_go_line_is_a_warning() {
    let sb = shells::sandbox();
    let pin = sb.write_home("repo/.go-version", "# team toolchain\n1.21.5\n");
    let module = sb.write_home("repo/svc/go.mod", "module example.com/svc\n\ngo 1.22.0\n");
    let svc = module.parent().unwrap();
    let out = sb
        .gover_with_path(&["doctor", "--json"], "/usr/bin:/bin")
        .cwd(svc)
        .run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found = findings(&report, "go-version-older-than-go-mod");
    assert_eq!(found.len(), 1, "{report:#}");
    assert_eq!(found[0]["severity"], "warning");
    let ev = evidence(&report, "go-version-older-than-go-mod");
    assert!(
        ev.contains(&format!("{}:2 pins 1.21.5", pin.display())),
        "{ev}"
    );
    assert!(
        ev.contains(&format!("{}:3 requires go >= 1.22.0", module.display())),
        "{ev}"
    );

    // Raising the pin clears it.
    std::fs::write(&pin, "1.22.3\n").unwrap();
    let out = sb
        .gover_with_path(&["doctor", "--json"], "/usr/bin:/bin")
        .cwd(svc)
        .run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        findings(&report, "go-version-older-than-go-mod").is_empty(),
        "{report:#}"
    );
}

/// A line below gover's block that puts another Go first wins in that mode: the fix comments
/// out that line, not one above the block that only looks the same. See: issue 24, item 4.
#[test]
fn the_fix_for_an_overridden_block_names_the_line_that_runs_last() {
    if !common::shells::have("bash") {
        return;
    }
    let sb = shells::sandbox();
    let old = sb.sdk_bin("go1.21");
    let line = format!("export PATH={old}:$PATH\n");
    sb.write_home(".bashrc", &format!("# my bashrc\n{line}"));
    sb.gover_with_path(&["setup", "--shell", "bash"], "/usr/bin:/bin")
        .run()
        .assert_success();
    let with_block = sb.read_home(".bashrc");
    sb.write_home(".bashrc", &format!("{with_block}alias ll='ls -l'\n{line}"));
    let below = with_block.lines().count() + 2;

    let (_, report) = sb.doctor(&[], "/usr/bin:/bin");

    let bashrc = sb.home.join(".bashrc");
    let overridden: Vec<_> = findings(&report, "startup-mode")
        .into_iter()
        .filter(|f| f["title"].as_str().unwrap().starts_with("`bash -ic`"))
        .collect();
    assert_eq!(overridden.len(), 1, "{report:#}");
    let f = overridden[0];
    let command = f["fix"]["command"].as_str().unwrap();
    assert_eq!(
        command,
        format!("sed -i.bak '{below}s/^/# /' '{}'", bashrc.display()),
        "{f:#}"
    );
    let evidence = f["evidence"].to_string();
    assert!(
        evidence.contains(&format!(
            "{}:{below} runs after gover's block and wins",
            bashrc.display()
        )),
        "{f:#}"
    );
    assert!(
        !evidence.contains(&format!("{}:2:", bashrc.display()))
            && !evidence.contains(&format!("{}:2 ", bashrc.display())),
        "the line above the block is not a culprit: {f:#}"
    );
    // Running the suggested command fixes that mode in one go.
    sb.command("sh")
        .args(["-c", command])
        .run()
        .assert_success();
    let (_, after) = sb.doctor(&[], "/usr/bin:/bin");
    assert_eq!(
        mode(&after, "bash -ic").unwrap()["gover"],
        true,
        "{after:#}"
    );
}

/// A GOROOT exported in `~/.profile` (read by login shells) and `~/.zshrc` (interactive zsh) is
/// reported whichever shell doctor runs from, `bash -ic` (which reads neither) included.
// See: issue 24, item 11.
#[test]
fn a_goroot_in_a_startup_file_is_found_from_every_shell() {
    let sb = shells::sandbox();
    let gone = sb.root.join("no-such-go");
    let profile = sb.write_home(
        ".profile",
        &format!(
            "export GOROOT='{}'\nexport GOTOOLCHAIN=auto\n",
            gone.display()
        ),
    );
    let zshrc = sb.write_home(".zshrc", &format!("export GOROOT='{}'\n", gone.display()));
    let gover = common::gover_exe().display().to_string();
    let from = |shell: &str, flags: &[&str]| -> serde_json::Value {
        let out = sb.run_mode(
            shell,
            flags,
            &format!("'{gover}' doctor --json"),
            shells::BASE_PATH,
        );
        serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{shell} {flags:?}: no JSON ({e})\n{out}"))
    };
    let mut runs = vec![("bash -ic", from("bash", &["-i", "-c"]))];
    runs.push(("bash -lc", from("bash", &["-l", "-c"])));
    if common::shells::have("zsh") {
        runs.push(("zsh -lic", from("zsh", &["-l", "-i", "-c"])));
    }
    for (label, report) in &runs {
        let ev = evidence(report, "goroot-mismatch");
        assert!(
            ev.contains(&format!(
                "{}:1 sets GOROOT={}",
                profile.display(),
                gone.display()
            )),
            "from {label}: {report:#}"
        );
        if common::shells::have("zsh") {
            assert!(
                ev.contains(&format!(
                    "{}:1 sets GOROOT={}",
                    zshrc.display(),
                    gone.display()
                )),
                "from {label}: {report:#}"
            );
        }
        assert!(ev.contains("(no go there)"), "from {label}: {ev}");
    }
    // From `bash -ic`, the modes that read the files are named, with the command that fixes it;
    // the GOTOOLCHAIN exported there too.
    let report = &runs[0].1;
    let toolchain = evidence(report, "gotoolchain-env");
    assert!(
        toolchain.contains(&format!("{}:2 sets GOTOOLCHAIN=auto", profile.display())),
        "{report:#}"
    );
    assert!(toolchain.contains("`sh -lc`"), "{toolchain}");
    let ev = evidence(report, "goroot-mismatch");
    assert!(ev.contains("`bash -lc`"), "{ev}");
    assert!(ev.contains("`sh -lc`"), "{ev}");
    assert!(!ev.contains("`bash -ic`"), "{ev}");
    let commands: Vec<&str> = findings(report, "goroot-mismatch")
        .iter()
        .filter_map(|f| f["fix"]["command"].as_str())
        .collect();
    assert!(
        commands.contains(&format!("sed -i.bak '1s/^/# /' '{}'", profile.display()).as_str()),
        "{commands:?}"
    );
}

/// A line above gover's block that runs `go` prints `go: command not found` at every start
/// (no Go is on PATH yet there); doctor names it and the modes that run it early. A line
/// below the block finds gover's go and is not reported.
// See: issue 24, item 11.
#[test]
fn a_line_running_go_above_the_block_is_reported() {
    let sb = shells::sandbox();
    let bashrc = sb.write_home(".bashrc", "export GOPATH=$(go env GOPATH)\n");
    assert!(sb.gover(["setup"]).status.success());
    let mut text = std::fs::read_to_string(&bashrc).unwrap();
    text.push_str("export GOFLAGS=\"$(go env GOFLAGS)\"\n");
    std::fs::write(&bashrc, &text).unwrap();
    // The symptom, as a user meets it.
    let shell = sb.run_mode("bash", &["-i", "-c"], "true", shells::BASE_PATH);
    assert!(shell.stderr.contains("go: command not found"), "{shell}");

    let (_, report) = sb.doctor(&[], shells::BASE_PATH);
    let early = findings(&report, "startup-go-before-block");
    assert_eq!(early.len(), 1, "{report:#}");
    assert_eq!(
        early[0]["title"],
        format!(
            "{}:1 runs `go` before gover's block puts it on PATH",
            bashrc.display()
        )
        .as_str()
    );
    let ev = evidence(&report, "startup-go-before-block");
    assert!(ev.contains("`bash -ic`"), "{ev}");
    assert!(
        ev.contains(&format!("gover's block at {}:2", bashrc.display())),
        "{ev}"
    );
    assert!(
        early[0]["fix"]["description"]
            .as_str()
            .unwrap()
            .contains("move the line below gover's block"),
        "{report:#}"
    );
}

/// `path-duplicates` names only lines that add to PATH (a line setting it afresh, like
/// Debian's `/etc/profile` and `/etc/zsh/zshenv`, cannot repeat a dir), points at
/// `startup-duplicate-append` only when that is reported, and a suggested `sed` that comments
/// out a line also adding other dirs says so.
// See: issue 24, item 11.
#[test]
fn duplicates_name_their_real_sources_and_fixes_say_what_else_they_drop() {
    let sb = shells::sandbox();
    let go = "/usr/local/go/bin";
    let bashrc = sb.write_home(
        ".bashrc",
        &format!("export PATH=$PATH:{go}\nexport PATH=$PATH:{go}:$HOME/bin\n"),
    );
    let path = format!("/usr/bin:/bin:/usr/bin:{go}:{go}");
    let (_, report) = sb.doctor(&[], &path);
    let dups = evidence(&report, "path-duplicates");
    assert!(dups.contains("`/usr/bin` appears 2 times"), "{dups}");
    assert!(
        !dups.contains("/etc/profile") && !dups.contains("/etc/zsh/zshenv"),
        "{dups}"
    );
    assert!(
        dups.contains(&format!("{}:2 adds it", bashrc.display())),
        "{dups}"
    );
    let fix = &findings(&report, "path-duplicates")[0]["fix"]["description"];
    assert!(
        fix.as_str()
            .unwrap()
            .contains("see startup-duplicate-append"),
        "{report:#}"
    );
    let repeat = findings(&report, "startup-duplicate-append");
    assert_eq!(repeat.len(), 1, "{report:#}");
    assert_eq!(
        repeat[0]["fix"]["command"],
        format!("sed -i.bak '2s/^/# /' '{}'", bashrc.display()).as_str()
    );
    let description = repeat[0]["fix"]["description"].as_str().unwrap();
    assert!(
        description.contains(&format!(
            "{}:2 also adds {}: commenting it out drops that too",
            bashrc.display(),
            sb.home.join("bin").display()
        )),
        "{description}"
    );

    // Only /usr/bin repeated (inherited, no startup line appends it twice): no pointer to a
    // finding that is not there.
    sb.write_home(".bashrc", "alias ll='ls -l'\n");
    let (_, report) = sb.doctor(&[], "/usr/bin:/bin:/usr/bin");
    assert!(findings(&report, "startup-duplicate-append").is_empty());
    let fix = &findings(&report, "path-duplicates")[0]["fix"]["description"];
    assert!(
        !fix.as_str().unwrap().contains("startup-duplicate-append"),
        "{report:#}"
    );
}

/// Run from an interactive shell (which forks for each command, so doctor's parent is that
/// shell), `path-duplicates` names lines from the files that shell reads, not another shell's.
// See: issue 24, item 11.
#[test]
fn duplicates_name_only_files_the_shell_doctor_runs_in_reads() {
    let sb = shells::sandbox();
    let dup = sb.sdk_bin("go1.21");
    let bashrc = sb.write_home(".bashrc", &format!("export PATH=$PATH:{dup}\n"));
    let zshrc = sb.write_home(".zshrc", &format!("export PATH=$PATH:{dup}\n"));
    let gover = common::gover_exe().display().to_string();
    let path = format!("/usr/bin:/bin:{dup}");
    let mut runs = vec![("bash", bashrc.clone(), zshrc.clone())];
    if common::shells::have("zsh") {
        runs.push(("zsh", zshrc.clone(), bashrc.clone()));
    }
    for (shell, own, other) in runs {
        // `; true`: a second command, so the shell forks doctor rather than exec it.
        let out = sb.run_mode(
            shell,
            &["-i", "-c"],
            &format!("'{gover}' doctor --json; true"),
            &path,
        );
        let report: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{shell}: no JSON ({e})\n{out}"));
        let ev = evidence(&report, "path-duplicates");
        assert!(
            ev.contains(&format!("`{dup}` appears 2 times")),
            "{shell}: {ev}"
        );
        assert!(
            ev.contains(&format!("{}:1 adds it", own.display())),
            "{shell}: {ev}"
        );
        assert!(!ev.contains(&other.display().to_string()), "{shell}: {ev}");
    }
}
