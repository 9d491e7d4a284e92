//! gover reads Go versions, go.mod/go.work directives and the module-file lookup exactly as Go does.
//!
//! Part one carries Go's own test tables as data: `src/internal/gover/gover_test.go` (Compare, Parse
//! validity, Lang, IsLang, IsValid), `src/go/version/version_test.go` (Compare, Lang, IsValid) and
//! `src/cmd/go/internal/gover/toolchain_test.go` (FromToolchain), checked against `gover_core`. Rows gover
//! deliberately does not support are listed with the reason, and checked to stay unsupported.
//!
//! Part two: x/mod's `go` and `toolchain` directive rules as a table of lines, checked against gover's parser
//! and, with Debian's toolchains (/usr/lib/go-1.NN, which CI installs), against `go mod edit -json`.
//!
//! Part three: go.mod/go.work layouts whose expected answer comes from the real `go` in the test itself:
//! `go env GOWORK GOMOD` says which file decides, and `go version` with `GOTOOLCHAIN=go1+auto GOPROXY=off`
//! names the toolchain it wants ("go: downloading go1.98.1"); `gover current` must name the same file and
//! version. Without the toolchains those parts skip with a message, except under `CI=true`, where they fail.
//!
//! See: issue 12.

mod common;

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::TestContext;
use gover_core::gomod;
use gover_core::version::GoVersion;

// ---------------------------------------------------------------------------------------------------------------
// Part one: Go's version tables

/// Names gover rejects on purpose though Go accepts them: a major-only version (Go reads `1` as `1.0.0`; no
/// release, index entry or `go` line uses one).
const MAJOR_ONLY: &[&str] = &["1", "go1", "go222"];

/// internal/gover TestCompare. Rows where either side is malformed ("", "x") compare equal in Go; gover
/// cannot parse them at all, which the IsValid rows check.
const INTERNAL_COMPARE: &[(&str, &str, i32)] = &[
    ("", "", 0),
    ("x", "x", 0),
    ("", "x", 0),
    ("1", "1.1", -1),
    ("1.5", "1.6", -1),
    ("1.5", "1.10", -1),
    ("1.6", "1.6.1", -1),
    ("1.19", "1.19.0", 0),
    ("1.19rc1", "1.19", -1),
    ("1.20", "1.20.0", 0),
    ("1.20rc1", "1.20", -1),
    ("1.21", "1.21.0", -1),
    ("1.21", "1.21rc1", -1),
    ("1.21rc1", "1.21.0", -1),
    ("1.6", "1.19", -1),
    ("1.19", "1.19.1", -1),
    ("1.19rc1", "1.19", -1),
    ("1.19rc1", "1.19.1", -1),
    ("1.19rc1", "1.19rc2", -1),
    ("1.19.0", "1.19.1", -1),
    ("1.19rc1", "1.19.0", -1),
    ("1.19alpha3", "1.19beta2", -1),
    ("1.19beta2", "1.19rc1", -1),
    ("1.1", "1.99999999999999998", -1),
    ("1.99999999999999998", "1.99999999999999999", -1),
];

/// internal/gover TestParse, as validity (gover's fields differ from Go's decimal strings).
const INTERNAL_PARSE: &[&str] = &[
    "1",
    "1.2",
    "1.2.3",
    "1.2rc3",
    "1.20",
    "1.21",
    "1.21rc3",
    "1.21.0",
    "1.24",
    "1.24rc3",
    "1.24.0",
    "1.999testmod",
    "1.99999999999999999",
];

/// internal/gover TestLang.
const INTERNAL_LANG: &[(&str, &str)] = &[
    ("1.2rc3", "1.2"),
    ("1.2.3", "1.2"),
    ("1.2", "1.2"),
    ("1", "1"),
    ("1.999testmod", "1.999"),
];

/// internal/gover TestIsLang.
const INTERNAL_IS_LANG: &[(&str, bool)] = &[
    ("1.2rc3", false),
    ("1.2.3", false),
    ("1.999testmod", false),
    ("1.22", true),
    ("1.21", true),
    ("1.20", false),
    ("1.19", false),
    ("1.3", false),
    ("1.2", false),
    ("1", false),
];

/// internal/gover TestIsValid.
const INTERNAL_IS_VALID: &[(&str, bool)] = &[
    ("1.2rc3", true),
    ("1.2.3", true),
    ("1.999testmod", true),
    ("1.600+auto", false),
    ("1.22", true),
    ("1.21.0", true),
    ("1.21rc2", true),
    ("1.21", true),
    ("1.20.0", true),
    ("1.20", true),
    ("1.19", true),
    ("1.3", true),
    ("1.2", true),
    ("1", true),
];

/// go/version TestCompare (names carry the `go` prefix and may have a `-suffix`).
const GO_VERSION_COMPARE: &[(&str, &str, i32)] = &[
    ("", "", 0),
    ("x", "x", 0),
    ("", "x", 0),
    ("1", "1.1", 0),
    ("go1", "go1.1", -1),
    ("go1.5", "go1.6", -1),
    ("go1.5", "go1.10", -1),
    ("go1.6", "go1.6.1", -1),
    ("go1.19", "go1.19.0", 0),
    ("go1.19rc1", "go1.19", -1),
    ("go1.20", "go1.20.0", 0),
    ("go1.20", "go1.20.0-bigcorp", 0),
    ("go1.20rc1", "go1.20", -1),
    ("go1.21", "go1.21.0", -1),
    ("go1.21", "go1.21.0-bigcorp", -1),
    ("go1.21", "go1.21rc1", -1),
    ("go1.21rc1", "go1.21.0", -1),
    ("go1.6", "go1.19", -1),
    ("go1.19", "go1.19.1", -1),
    ("go1.19rc1", "go1.19", -1),
    ("go1.19rc1", "go1.19", -1),
    ("go1.19rc1", "go1.19.1", -1),
    ("go1.19rc1", "go1.19rc2", -1),
    ("go1.19.0", "go1.19.1", -1),
    ("go1.19rc1", "go1.19.0", -1),
    ("go1.19alpha3", "go1.19beta2", -1),
    ("go1.19beta2", "go1.19rc1", -1),
    ("go1.1", "go1.99999999999999998", -1),
    ("go1.9.2rc2", "go1.9.2", -1),
    ("go1.9.2rc2", "go1.9.2rc3", -1),
    ("go1.9.2beta2", "go1.9.2rc3", -1),
    ("go1.9.2alpha1", "go1.9.2beta2", -1),
    ("go1.99999999999999998", "go1.99999999999999999", -1),
];

/// go/version TestLang ("" for an invalid name).
const GO_VERSION_LANG: &[(&str, &str)] = &[
    ("bad", ""),
    ("go1.2rc3", "go1.2"),
    ("go1.2.3", "go1.2"),
    ("go1.2", "go1.2"),
    ("go1", "go1"),
    ("go222", "go222.0"),
    ("go1.8.2rc", "go1.8"),
    ("go1.999testmod", "go1.999"),
];

/// go/version TestIsValid.
const GO_VERSION_IS_VALID: &[(&str, bool)] = &[
    ("", false),
    ("1.2.3", false),
    ("go1.2rc3", true),
    ("go1.2.3", true),
    ("go1.999testmod", true),
    ("go1.600+auto", false),
    ("go1.22", true),
    ("go1.21.0", true),
    ("go1.21rc2", true),
    ("go1.21", true),
    ("go1.20.0", true),
    ("go1.20", true),
    ("go1.19", true),
    ("go1.3", true),
    ("go1.2", true),
    ("go1.9.2rc2", true),
    ("go1.9.2+rc2", false),
    ("go1", true),
];

/// cmd/go/internal/gover TestFromToolchain ("" for no version).
const FROM_TOOLCHAIN: &[(&str, &str)] = &[
    ("go1.2.3", "1.2.3"),
    ("1.2.3", ""),
    ("go1.2.3+bigcorp", ""),
    ("go1.2.3-bigcorp", "1.2.3"),
    ("go1.2.3-bigcorp more text", "1.2.3"),
    ("gccgo-go1.23rc4", ""),
    ("gccgo-go1.23rc4-bigdwarf", ""),
];

fn major_only(name: &str) -> bool {
    MAJOR_ONLY.contains(&name)
}

/// go/version reads `go` + version + an optional `-suffix` (its `stripGo`).
fn go_version(name: &str) -> Option<GoVersion> {
    let name = name.split('-').next().unwrap_or_default();
    GoVersion::parse_bare(name.strip_prefix("go")?).ok()
}

fn sign(o: Ordering) -> i32 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

fn lang(v: &GoVersion) -> String {
    format!("{}.{}", v.major, v.minor)
}

#[test]
fn internal_gover_compare() {
    let mut checked = 0;
    for &(a, b, want) in INTERNAL_COMPARE {
        let (Ok(va), Ok(vb)) = (GoVersion::parse_bare(a), GoVersion::parse_bare(b)) else {
            // Malformed in Go too (they compare equal there), or major-only.
            assert!(
                [a, b]
                    .iter()
                    .any(|n| n.is_empty() || *n == "x" || major_only(n)),
                "{a} vs {b}: gover cannot parse a name Go can"
            );
            continue;
        };
        assert_eq!(sign(va.cmp(&vb)), want, "Compare({a}, {b})");
        assert_eq!(sign(vb.cmp(&va)), -want, "Compare({b}, {a})");
        assert_eq!(va == vb, want == 0, "{a} == {b}");
        checked += 1;
    }
    assert_eq!(checked, INTERNAL_COMPARE.len() - 4);
}

#[test]
fn internal_gover_parse_lang_is_lang_is_valid() {
    for &name in INTERNAL_PARSE {
        assert_eq!(
            GoVersion::parse_bare(name).is_ok(),
            !major_only(name),
            "Parse({name})"
        );
    }
    for &(name, want) in INTERNAL_LANG {
        match GoVersion::parse_bare(name) {
            Ok(v) => assert_eq!(lang(&v), want, "Lang({name})"),
            Err(_) => assert!(major_only(name), "Lang({name})"),
        }
    }
    for &(name, want) in INTERNAL_IS_LANG {
        match GoVersion::parse_bare(name) {
            Ok(v) => assert_eq!(v.is_lang(), want, "IsLang({name})"),
            Err(_) => assert!(major_only(name) && !want, "IsLang({name})"),
        }
    }
    for &(name, want) in INTERNAL_IS_VALID {
        let got = GoVersion::parse_bare(name).is_ok();
        assert_eq!(got, want && !major_only(name), "IsValid({name})");
    }
}

#[test]
fn go_version_package_compare_lang_is_valid() {
    for &(a, b, want) in GO_VERSION_COMPARE {
        let (Some(va), Some(vb)) = (go_version(a), go_version(b)) else {
            assert!(
                [a, b]
                    .iter()
                    .any(|n| go_version(n).is_none() && (major_only(n) || !n.starts_with("go"))),
                "{a} vs {b}: gover cannot parse a name Go can"
            );
            continue;
        };
        assert_eq!(sign(va.cmp(&vb)), want, "Compare({a}, {b})");
        assert_eq!(sign(vb.cmp(&va)), -want, "Compare({b}, {a})");
    }
    for &(name, want) in GO_VERSION_LANG {
        match go_version(name) {
            Some(v) => assert_eq!(format!("go{}", lang(&v)), want, "Lang({name})"),
            None => assert!(want.is_empty() || major_only(name), "Lang({name})"),
        }
    }
    for &(name, want) in GO_VERSION_IS_VALID {
        assert_eq!(
            go_version(name).is_some(),
            want && !major_only(name),
            "IsValid({name})"
        );
    }
}

#[test]
fn cmd_go_from_toolchain() {
    for &(name, want) in FROM_TOOLCHAIN {
        let got = GoVersion::from_toolchain(name).map(|(v, _)| v.to_string());
        assert_eq!(got.as_deref().unwrap_or(""), want, "FromToolchain({name})");
    }
}

#[test]
fn every_index_name_survives_a_round_trip_and_sorts_as_go_sorts_it() {
    // The odd shapes go.dev's index has (go1, go1.2.2, go1.9.2rc2, go1.21rc1 ... go1.21.0).
    let ordered = [
        "1.2.2",
        "1.4",
        "1.4.1",
        "1.9",
        "1.9.1",
        "1.9.2rc2",
        "1.9.2",
        "1.10beta1",
        "1.10rc1",
        "1.10",
        "1.20rc3",
        "1.20",
        "1.20.1",
        "1.21rc2",
        "1.21.0",
        "1.21.1",
        "1.22rc1",
        "1.22.0",
    ];
    for (i, a) in ordered.iter().enumerate() {
        let va = GoVersion::parse(&format!("go{a}")).unwrap();
        assert_eq!(va.to_string(), *a);
        for (j, b) in ordered.iter().enumerate() {
            let vb = GoVersion::parse(b).unwrap();
            assert_eq!(va.cmp(&vb), i.cmp(&j), "{a} vs {b}");
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Part two: x/mod's go and toolchain directives

/// A directive line and what x/mod (and then cmd/go) make of it: `Some(version)` for the version it names,
/// `None` for an error. `toolchain default` names nothing (`Some("")`).
const DIRECTIVES: &[(&str, Option<&str>)] = &[
    ("go 1.22", Some("1.22")),
    ("go 1.22.3", Some("1.22.3")),
    ("go 1.21rc1", Some("1.21rc1")),
    ("go 1.21.3rc1", Some("1.21.3rc1")),
    ("go 1.999testmod1", Some("1.999testmod1")),
    ("go 1.20", Some("1.20")),
    ("go 1.098.2", None),
    ("go \"1.98.2\"", None),
    ("go 1.21rc", None),
    ("go 1", None),
    ("go 0.5", None),
    ("go go1.22", None),
    ("go 1.22 1.23", None),
    ("toolchain go1.22.5", Some("1.22.5")),
    ("toolchain go1.21.1-bigcorp", Some("1.21.1")),
    ("toolchain go1.2rc1-gccgo", Some("1.2rc1")),
    ("toolchain default", Some("")),
    ("toolchain local", None),
    ("toolchain \"go1.22.1\"", None),
    ("toolchain 1.22.1", None),
    ("toolchain gccgo-go1.23rc4", None),
];

/// What gover's parser makes of one directive line.
fn gover_directive(line: &str) -> Option<String> {
    let text = format!("module m\n\n{line}\n");
    let (go, toolchain) = gomod::parse(text.as_bytes()).ok()?;
    if line.starts_with("go ") {
        // The go line as written (gover reads a language version as its first release).
        let written = line.trim_start_matches("go ");
        let as_release = gomod::release_name(GoVersion::parse_bare(written).ok()?);
        return (go?.version == as_release).then(|| written.to_owned());
    }
    Some(toolchain.map(|d| d.version.to_string()).unwrap_or_default())
}

#[test]
fn xmod_directive_cases() {
    for &(line, want) in DIRECTIVES {
        assert_eq!(
            gover_directive(line).as_deref(),
            want,
            "gover reads `{line}` differently"
        );
        let text = format!("module m\n\n{line}\n");
        if want.is_none() {
            let (at, _) = gomod::parse(text.as_bytes()).unwrap_err();
            assert_eq!(at, 3, "`{line}`: the error names the line");
        }
    }
}

/// The Debian toolchains that can answer, newest first; none outside CI skips (after saying so).
fn real_gos(min_minor: u32) -> Vec<PathBuf> {
    let found: Vec<PathBuf> = [23, 22, 21, 19]
        .into_iter()
        .filter(|m| *m >= min_minor)
        .map(|m| PathBuf::from(format!("/usr/lib/go-1.{m}/bin/go")))
        .filter(|p| p.is_file())
        .collect();
    if found.is_empty() {
        let why = format!("no Debian Go toolchain >= 1.{min_minor} in /usr/lib/go-1.NN");
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {why}: the conformance test must not be skipped in CI"
        );
        eprintln!("skipping the real-go part: {why}");
    }
    found
}

/// `go` with a clean environment: no user config, no network, no module cache outside `scratch`.
fn go_cmd(go: &Path, cwd: &Path, scratch: &Path, env: &[(&str, String)]) -> Command {
    let mut cmd = Command::new(go);
    cmd.current_dir(cwd)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", scratch)
        .env("GOENV", "off")
        .env("GOFLAGS", "")
        .env("GOPROXY", "off")
        .env("GOMODCACHE", scratch.join("modcache"))
        .env("GOCACHE", scratch.join("gocache"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

#[test]
fn xmod_directive_cases_agree_with_go_mod_edit() {
    let scratch = tempfile::tempdir().unwrap();
    for go in real_gos(21) {
        for &(line, want) in DIRECTIVES {
            let dir = scratch.path().join("m");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("go.mod"), format!("module m\n\n{line}\n")).unwrap();
            let out = go_cmd(
                &go,
                &dir,
                scratch.path(),
                &[("GOTOOLCHAIN", "local".into())],
            )
            .args(["mod", "edit", "-json"])
            .output()
            .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            match want {
                None => assert!(
                    !out.status.success() && stderr.contains("go.mod:3"),
                    "{}: `{line}` should be an error at go.mod:3\n{stderr}",
                    go.display()
                ),
                Some(_) => {
                    assert!(out.status.success(), "{}: `{line}`\n{stderr}", go.display());
                    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
                    let arg = line.split_whitespace().nth(1).unwrap();
                    let field = if line.starts_with("go ") {
                        "Go"
                    } else {
                        "Toolchain"
                    };
                    assert_eq!(json[field], arg, "{}: `{line}`\n{text}", go.display());
                }
            }
        }
    }
}

/// See: issue 22 item 13. go.mod files Go refuses, with the line gover names and what the real `go`
/// says of it (`go list -m`, `GOTOOLCHAIN=auto`, no network): a toolchain name with a path separator
/// (cmd/go's `mod_toolchain_slash` test, where the name would run the module's own `run.sh`), and a
/// `go` or `toolchain` block (x/mod: "unknown block type").
const REFUSED: &[(&str, usize, &str)] = &[
    (
        "module exploit\n\ngo 1.21\ntoolchain go1.999999-/run.sh\n",
        4,
        "invalid toolchain \"go1.999999-/run.sh\" in go.mod",
    ),
    (
        "module exploit\n\ngo 1.21\ntoolchain go1.999999-/../../run.sh\n",
        4,
        "invalid toolchain \"go1.999999-/../../run.sh\" in go.mod",
    ),
    (
        "module m\n\ngo (\n\t1.98.2\n)\n",
        3,
        "go.mod:3: unknown block type: go",
    ),
    (
        "module m\n\ngo 1.21\ntoolchain (\n\tgo1.99.1\n)\n",
        4,
        "invalid toolchain \"(\" in go.mod",
    ),
];

#[test]
fn go_mod_files_go_refuses_are_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let gos = real_gos(21);
    for &(text, line, go_says) in REFUSED {
        let (at, why) = gomod::parse(text.as_bytes()).unwrap_err();
        assert_eq!(at, line, "{text:?}: {why}");
        let dir = scratch.path().join("m");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("go.mod"), text).unwrap();
        for go in &gos {
            let out = go_cmd(go, &dir, scratch.path(), &[("GOTOOLCHAIN", "auto".into())])
                .args(["list", "-m"])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success() && stderr.contains(go_says),
                "{}: {text:?} should be refused with {go_says:?}\n{stderr}",
                go.display()
            );
        }
    }
}

/// See: issue 22 item 13. Go's `mod_toolchain_slash` layout through gover: `toolchain
/// go1.999999-/run.sh` (and `-/../../run.sh` from a subdir) is an error naming the go.mod line, in
/// `gover current` and the shim alike; neither asks for go1.999999 and nothing runs the planted
/// scripts.
#[test]
fn a_toolchain_name_with_a_slash_is_refused_by_gover_and_the_shim() {
    use std::os::unix::fs::PermissionsExt;
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");
    let root = ctx.project.join("exploit");
    let marker = ctx.root.join("RAN-SCRIPT");
    let script = format!("#!/bin/sh\necho ran > '{}'\nexit 1\n", marker.display());
    for (rel, text) in [
        (
            "go.mod",
            "module exploit\n\ngo 1.21\ntoolchain go1.999999-/run.sh\n",
        ),
        ("go1.999999-/run.sh", script.as_str()),
        ("run.sh", script.as_str()),
        (
            "subdir/go.mod",
            "module exploit\n\ngo 1.21\ntoolchain go1.999999-/../../run.sh\n",
        ),
        ("subdir/go1.999999-/README.txt", "heh heh heh\n"),
    ] {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o777)).unwrap();
    }
    for (dir, name) in [
        (root.clone(), "go1.999999-/run.sh"),
        (root.join("subdir"), "go1.999999-/../../run.sh"),
    ] {
        let gomod = dir.join("go.mod");
        for out in [
            ctx.gover_cmd(["current"]).cwd(&dir).run(),
            ctx.shim_cmd("go", ["list", "all"])
                .cwd(&dir)
                .env("GOVER_AUTO_INSTALL", "1")
                .run(),
        ] {
            assert_ne!(out.code(), Some(0), "{out}");
            out.assert_stderr_contains(&format!("{}:4", gomod.display()))
                .assert_stderr_contains(&format!("`toolchain {name}`"))
                .assert_stderr_lacks("1.999999 is not installed");
        }
    }
    assert!(!marker.exists(), "a planted script ran");
    assert!(ctx.mirror.requests_for("/index.json").len() <= 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Part three: layouts answered by the real go

struct Layout {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    cwd: &'static str,
    /// Environment; `{root}` in a value stands for the layout's directory.
    env: &'static [(&'static str, &'static str)],
}

/// Every version is above any local toolchain, so `go` with `GOTOOLCHAIN=go1+auto` names the one it wants.
const LAYOUTS: &[Layout] = &[
    Layout {
        name: "workspace-member-below-a-root-go-work",
        files: &[
            ("go.work", "go 1.98.1\n\nuse ./m\n"),
            ("m/go.mod", "module m\n\ngo 1.97.0\n\ntoolchain go1.97.3\n"),
            ("m/sub/x.txt", ""),
        ],
        cwd: "m/sub",
        env: &[],
    },
    Layout {
        name: "gowork-off",
        files: &[
            ("go.work", "go 1.98.1\n\nuse ./m\n"),
            ("m/go.mod", "module m\n\ngo 1.97.0\n\ntoolchain go1.97.3\n"),
        ],
        cwd: "m",
        env: &[("GOWORK", "off")],
    },
    Layout {
        name: "gowork-names-a-file",
        files: &[
            ("go.work", "go 1.98.1\n\nuse ./m\n"),
            ("elsewhere/other.work", "go 1.99.4\n"),
            ("m/go.mod", "module m\n\ngo 1.97.0\n"),
        ],
        cwd: "m",
        env: &[("GOWORK", "{root}/elsewhere/other.work")],
    },
    Layout {
        name: "go-work-toolchain-line",
        files: &[
            ("go.work", "go 1.98.0\n\ntoolchain go1.99.2\n\nuse ./m\n"),
            ("m/go.mod", "module m\n\ngo 1.97.0\n"),
        ],
        cwd: "m",
        env: &[],
    },
    Layout {
        name: "nearest-of-two-go-works",
        files: &[
            ("go.work", "go 1.98.1\n"),
            ("m/go.work", "go 1.98.3\n\nuse .\n"),
            ("m/go.mod", "module m\n\ngo 1.97.0\n"),
            ("m/sub/x.txt", ""),
        ],
        cwd: "m/sub",
        env: &[],
    },
    Layout {
        name: "go-line-language-version",
        files: &[("go.mod", "module m\n\ngo 1.98\n")],
        cwd: ".",
        env: &[],
    },
    Layout {
        name: "go-line-before-1.21",
        files: &[("go.mod", "module m\n\ngo 1.20\n")],
        cwd: ".",
        env: &[],
    },
    Layout {
        name: "suffixed-toolchain-above-the-go-line",
        files: &[(
            "go.mod",
            "module m\n\ngo 1.98.0\n\ntoolchain go1.99.1-bigcorp\n",
        )],
        cwd: ".",
        env: &[],
    },
    Layout {
        name: "go-1.999-with-a-lower-suffixed-toolchain",
        files: &[(
            "go.mod",
            "module m\n\ngo 1.999\n\ntoolchain go1.21.1-bigcorp\n",
        )],
        cwd: ".",
        env: &[],
    },
    Layout {
        name: "toolchain-below-the-go-line",
        files: &[("go.mod", "module m\n\ngo 1.98.4\n\ntoolchain go1.98.1\n")],
        cwd: ".",
        env: &[],
    },
    Layout {
        name: "toolchain-line-only",
        files: &[("go.mod", "module m\n\ntoolchain go1.99.3\n")],
        cwd: ".",
        env: &[],
    },
    Layout {
        name: "a-directory-named-go-mod-is-passed-over",
        files: &[
            ("go.mod", "module m\n\ngo 1.98.5\n"),
            ("pkg/go.mod/x.txt", ""),
        ],
        cwd: "pkg",
        env: &[],
    },
];

/// The file and line that decide, and the version asked for, from `gover current`'s
/// `VERSION (set by PATH:LINE)` (a version that is not installed prints the request, `>=1.98.1`).
fn gover_says(ctx: &TestContext, cwd: &Path, env: &[(&str, String)]) -> (PathBuf, String) {
    let mut run = ctx.gover_cmd(["current"]).cwd(cwd);
    for (k, v) in env {
        run = run.env(k, v);
    }
    let out = run.run();
    out.assert_success();
    let line = out.stdout.trim_end();
    let (version, rest) = line
        .split_once(" (set by ")
        .unwrap_or_else(|| panic!("{out}"));
    let source = rest.strip_suffix(')').unwrap();
    let (path, _line) = source.rsplit_once(':').unwrap();
    (
        PathBuf::from(path),
        version.trim_start_matches(">=").to_owned(),
    )
}

#[test]
fn layouts_decide_as_the_real_go_does() {
    let gos = real_gos(21);
    let ctx = TestContext::new();
    for layout in LAYOUTS {
        let root = ctx.project.join(layout.name);
        for (path, text) in layout.files {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let cwd = root.join(layout.cwd);
        let env: Vec<(&str, String)> = layout
            .env
            .iter()
            .map(|(k, v)| (*k, v.replace("{root}", &root.display().to_string())))
            .collect();
        let (file, version) = gover_says(&ctx, &cwd, &env);
        let name = layout.name;
        for go in &gos {
            let scratch = tempfile::tempdir().unwrap();
            // Which file decides: the workspace file when there is one, else the module's.
            let mut local = env.clone();
            local.push(("GOTOOLCHAIN", "local".into()));
            let out = go_cmd(go, &cwd, scratch.path(), &local)
                .args(["env", "GOWORK", "GOMOD"])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            let mut lines = text.lines();
            let (gowork, gomod) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
            let go_file = if gowork.is_empty() || gowork == "off" {
                gomod
            } else {
                gowork
            };
            assert_eq!(
                Path::new(go_file),
                file,
                "{name}: {} says {text}",
                go.display()
            );
            // Which toolchain it wants.
            let mut auto = env.clone();
            auto.push(("GOTOOLCHAIN", "go1+auto".into()));
            let out = go_cmd(go, &cwd, scratch.path(), &auto)
                .arg("version")
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let wanted = stderr
                .split("go: downloading ")
                .nth(1)
                .and_then(|rest| rest.split(' ').next())
                .unwrap_or_else(|| {
                    panic!(
                        "{name}: {} did not name a toolchain\n{stderr}",
                        go.display()
                    )
                });
            let (wanted, _suffix) = GoVersion::from_toolchain(wanted).unwrap();
            assert_eq!(
                wanted.to_string(),
                version,
                "{name}: {} wants {wanted}, gover {version}",
                go.display()
            );
        }
    }
}

/// Go starts from `os.Getwd`, which is `$PWD` when that names the current directory: below a symlinked
/// directory it walks the link's parents (lexically), not the target's. gover (the shim included) does too,
/// and falls back to the physical directory when `$PWD` is absent or names another directory.
#[test]
fn a_symlinked_cwd_walks_the_logical_parents_as_go_does() {
    let ctx = TestContext::with_releases(&["1.22.5", "1.21.13"]);
    ctx.install("1.22.5");
    ctx.install("1.21.13");
    let real = ctx.project.join("real");
    let logical = ctx.project.join("logical");
    std::fs::create_dir_all(real.join("proj/sub")).unwrap();
    std::fs::create_dir_all(&logical).unwrap();
    std::fs::write(real.join("go.mod"), "module real\n\ntoolchain go1.22.5\n").unwrap();
    std::fs::write(
        logical.join("go.mod"),
        "module logical\n\ntoolchain go1.21.13\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(real.join("proj"), logical.join("link")).unwrap();
    let pwd = logical.join("link/sub");
    let physical = real.join("proj/sub");

    let cases = [
        (Some(pwd.clone()), logical.join("go.mod"), "1.21.13"),
        (None, real.join("go.mod"), "1.22.5"),
        // A $PWD that names another directory is ignored, as Go ignores it.
        (Some(ctx.project.clone()), real.join("go.mod"), "1.22.5"),
    ];
    for (pwd_var, file, version) in &cases {
        let with_pwd = |mut run: common::Run| {
            run = run.cwd(&physical);
            if let Some(p) = pwd_var {
                run = run.env("PWD", p);
            }
            run.run()
        };
        with_pwd(ctx.gover_cmd(["current"]))
            .assert_success()
            .assert_stdout(&format!("{version} (set by {}:3)\n", file.display()));
        with_pwd(ctx.shim_cmd("go", ["print-self"]))
            .assert_success()
            .assert_stdout(&format!("{}\n", ctx.tool_path(version, "go").display()));
        let scratch = tempfile::tempdir().unwrap();
        for go in real_gos(21) {
            let mut env = vec![("GOTOOLCHAIN", "local".to_owned())];
            if let Some(p) = pwd_var {
                env.push(("PWD", p.display().to_string()));
            }
            let out = go_cmd(&go, &physical, scratch.path(), &env)
                .args(["env", "GOMOD"])
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim_end(),
                file.display().to_string(),
                "{}: PWD={pwd_var:?}",
                go.display()
            );
        }
    }
}
