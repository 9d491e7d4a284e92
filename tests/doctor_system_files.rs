//! Cause 1 in the system-wide start-up files: `export PATH=$PATH:/usr/local/go/bin` in
//! `/etc/profile` and again in `/etc/profile.d/*.sh`, and a zsh that reads `/etc/profile` from
//! `/etc/zsh/zprofile` (as Arch's does). The files are the test's own, bound over the real ones
//! in a private mount namespace (tests/common/mount_ns.rs), so the real bash, dash and zsh (and
//! `gover doctor`'s probes) read them while the machine's /etc stays as it was, which the test
//! checks byte for byte at the end. Needs root: CI runs it; elsewhere it skips with a message.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::mount_ns::{SystemFiles, mount_points, snapshot};
use common::release::fake_tool_script;
use common::shells::{self, assert_modes_run_managed_go, evidence, findings, have};

const GO_BIN: &str = "/usr/local/go/bin";
const APPEND: &str = "export PATH=$PATH:/usr/local/go/bin";

/// The real system paths the test stands in for.
const REPLACED: &[&str] = &[
    "/etc/profile",
    "/etc/profile.d",
    "/etc/zsh/zprofile",
    "/usr/local",
];

fn profile() -> String {
    format!(
        r#"# /etc/profile: system-wide .profile file for the Bourne shell (sh(1))
PATH="/usr/local/bin:/usr/bin:/bin"
export PATH
{APPEND}
if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -r "$i" ]; then
      . "$i"
    fi
  done
  unset i
fi
"#
    )
}

fn mode<'a>(report: &'a serde_json::Value, label: &str) -> &'a serde_json::Value {
    report["modes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mode"] == label)
        .unwrap_or_else(|| panic!("no {label} in {report:#}"))
}

fn parse(out: &common::Outcome) -> serde_json::Value {
    serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("doctor printed no JSON ({e})\n{out}"))
}

#[test]
fn repeated_appends_in_etc_profile_and_profile_d_are_found_reported_and_survived() {
    let before: Vec<_> = REPLACED.iter().map(|p| snapshot(Path::new(p))).collect();
    let mounted = |points: &[String]| {
        REPLACED
            .iter()
            .map(|r| points.iter().filter(|p| p == r).count())
            .collect::<Vec<_>>()
    };
    let mounts_before = mounted(&mount_points());

    let sb = shells::sandbox();
    let Some(mut sys) = SystemFiles::new(&sb) else {
        return;
    };
    // Go 1.21 hand-installed the way go.dev/doc/install says: /usr/local/go.
    let usr_local = sys.replace_dir("/usr/local");
    let go = usr_local.join("go/bin/go");
    std::fs::create_dir_all(go.parent().unwrap()).unwrap();
    std::fs::write(&go, fake_tool_script("go", "1.21.0")).unwrap();
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    // The install guide's line, pasted into /etc/profile and two profile.d scripts.
    sys.replace_file("/etc/profile", &profile());
    let profile_d = sys.replace_dir("/etc/profile.d");
    std::fs::write(profile_d.join("go-path.sh"), format!("{APPEND}\n")).unwrap();
    std::fs::write(
        profile_d.join("golang.sh"),
        format!("# Go, for every user\n{APPEND}\n"),
    )
    .unwrap();
    let zsh = have("zsh") && Path::new("/etc/zsh/zprofile").is_file();
    if zsh {
        let mut zprofile = std::fs::read_to_string("/etc/zsh/zprofile").unwrap();
        zprofile.push_str("emulate sh -c '. /etc/profile'\n");
        sys.replace_file("/etc/zsh/zprofile", &zprofile);
    }
    let replacements = snapshot(&sb.root.join("system"));

    // The session a login gives: the Go dir three times over.
    let session = sys
        .run_mode(
            &sb,
            "bash",
            &["-l", "-c"],
            "printf %s \"$PATH\"",
            "/usr/bin:/bin",
        )
        .stdout;
    assert_eq!(session.matches(GO_BIN).count(), 3, "{session}");

    let out = sys.gover(&sb, &["doctor", "--json"], &session);
    assert_eq!(out.code(), Some(1), "{out}");
    let report = parse(&out);
    // The shells really read the stand-ins: each login mode finds /usr/local/go's go.
    let mut login_modes = vec!["bash -lc", "sh -lc"];
    if zsh {
        login_modes.push("zsh -lic");
    }
    for label in login_modes {
        let m = mode(&report, label);
        assert_eq!(m["go"], "/usr/local/go/bin/go", "{label}: {m}");
        assert_eq!(m["version"], "1.21.0", "{label}: {m}");
        assert_eq!(m["gover"], false, "{label}: {m}");
    }
    let dups = evidence(&report, "path-duplicates");
    assert!(
        dups.contains(&format!("`{GO_BIN}` appears 3 times")),
        "{dups}"
    );
    let appends = findings(&report, "startup-duplicate-append");
    assert_eq!(appends.len(), 1, "{report:#}");
    let dup = appends[0];
    assert_eq!(dup["severity"], "warning");
    assert_eq!(dup["title"], format!("`{GO_BIN}` is added to PATH 3 times"));
    let places = [
        "/etc/profile:4",
        "/etc/profile.d/go-path.sh:1",
        "/etc/profile.d/golang.sh:2",
    ];
    let ev = evidence(&report, "startup-duplicate-append");
    for place in places {
        assert!(
            ev.contains(&format!("{place}: {APPEND}")),
            "{place} missing from {ev}"
        );
        assert!(
            dups.contains(&format!("{place} adds it: {APPEND}")),
            "{place} missing from {dups}"
        );
    }
    // System files are the user's to edit: the fix is a command to run, never applied.
    assert_eq!(dup["fix"]["automatic"], false, "{dup}");
    assert_eq!(
        dup["fix"]["command"], "sed -i.bak '1s/^/# /' '/etc/profile.d/go-path.sh'",
        "{dup}"
    );
    let shims = evidence(&report, "shims-not-on-path");
    assert!(shims.contains("/usr/local/go/bin/go (go1.21.0)"), "{shims}");

    // --fix writes gover's block in the user's files and leaves every system file alone.
    let out = sys.gover(&sb, &["doctor", "--fix", "--json"], &session);
    assert!(
        out.stderr.contains("fixed: wrote the gover block to "),
        "{out}"
    );
    for line in out.stderr.lines().filter(|l| l.starts_with("fixed: ")) {
        assert!(
            line.contains(&sb.home.display().to_string()) && !line.contains(" /etc/"),
            "--fix touched a system file: {line}"
        );
    }
    assert_eq!(
        snapshot(&sb.root.join("system")),
        replacements,
        "--fix changed the system files (or left a backup beside them)"
    );
    let after = parse(&out);
    let still = findings(&after, "startup-duplicate-append");
    assert_eq!(still.len(), 1, "still reported, for the user: {after:#}");
    assert_eq!(still[0]["fix"]["automatic"], false);
    assert!(still[0]["fix"]["command"].is_string(), "{after:#}");

    // gover setup (again: it changes nothing), then every mode runs gover's go despite /etc.
    let out = sys.gover(&sb, &["setup"], &session);
    assert!(out.status.success(), "{out}");
    let session = sys
        .run_mode(
            &sb,
            "bash",
            &["-l", "-c"],
            "printf %s \"$PATH\"",
            "/usr/bin:/bin",
        )
        .stdout;
    assert_eq!(
        session.matches(GO_BIN).count(),
        1,
        "duplicates dropped: {session}"
    );
    let checked =
        assert_modes_run_managed_go(&session, "/usr/bin:/bin", |shell, flags, script, path| {
            sys.run_mode(&sb, shell, flags, script, path)
        });
    assert!(
        checked >= 4,
        "bash, dash and zsh must be installed ({checked} modes)"
    );
    let out = sys.gover(&sb, &["doctor", "--json"], &session);
    let report = parse(&out);
    for m in report["modes"].as_array().unwrap() {
        assert_eq!(m["gover"], true, "{m}");
    }
    assert!(
        findings(&report, "path-duplicates").is_empty(),
        "{report:#}"
    );
    assert!(
        findings(&report, "shims-not-on-path").is_empty(),
        "{report:#}"
    );
    assert_eq!(
        snapshot(&sb.root.join("system")),
        replacements,
        "setup changed the system files"
    );

    // Nothing reached the machine: the real files are byte-for-byte as they were, and none of
    // the binds shows in this (the host's) mount table.
    let now: Vec<_> = REPLACED.iter().map(|p| snapshot(Path::new(p))).collect();
    assert!(now == before, "the machine's system files changed");
    assert_eq!(mounted(&mount_points()), mounts_before);
    assert!(!Path::new("/etc/profile.d/go-path.sh").exists());
}
