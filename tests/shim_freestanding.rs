//! The freestanding `gover-shim` (Linux/x86_64), seen from outside: a static executable with no dynamic
//! loader that resolves the version exactly as `gover` does, passes argv and the environment through byte for
//! byte, hands every other case to `gover __shim`, and makes only the system calls it must.
//!
//! Only Linux/x86_64 builds the freestanding shim (build.rs sets the `gover_freestanding_shim` cfg), and not
//! with `GOVER_PORTABLE_SHIM=1`; elsewhere `gover-shim` runs the std code that tests/cli.rs already covers,
//! and the ELF, `/proc` and strace checks here mean nothing there, so this file compiles to nothing.
//!
//! Many tests run a *lone* copy of the shim ([`lone_shim`]): with no `gover` beside it, any call the
//! freestanding code hands over fails with one line, so a success proves the fast path did the work itself.

#![cfg(gover_freestanding_shim)]

mod common;

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use common::raw_exec::{exec_raw, nul_separated};
use common::{Outcome, TestContext, gover_exe, shim_exe};

/// A sandbox with `versions` published and installed in order; the first one becomes the default.
fn installed(versions: &[&str]) -> TestContext {
    let ctx = TestContext::with_releases(versions);
    for version in versions {
        ctx.install(version);
    }
    ctx
}

/// `<root>/lone/`: a copy of the shim binary with `go` and `gofmt` links to it and no `gover` beside it.
fn lone_shim(ctx: &TestContext) -> PathBuf {
    let dir = ctx.root.join("lone");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(shim_exe(), dir.join("gover-shim")).unwrap();
    for tool in ["go", "gofmt"] {
        std::os::unix::fs::symlink("gover-shim", dir.join(tool)).unwrap();
    }
    assert!(!dir.join("gover").exists());
    dir
}

/// What the lone shim prints for a call it must hand over: there is no `gover` to hand it to.
fn cannot_run_gover(lone: &Path) -> String {
    format!(
        "gover: cannot run {}/gover to finish this call: No such file or directory (os error 2)\n",
        lone.display()
    )
}

/// Asserts the lone shim handed this call over (and could not): exit 127, that one line, nothing else.
#[track_caller]
fn assert_handed_over(out: &Outcome, lone: &Path) {
    out.assert_exit(127);
    assert_eq!(out.stderr, cannot_run_gover(lone), "{out}");
    assert_eq!(out.stdout, "", "{out}");
}

/// Writes `text` to `path`, creating its parents.
fn write(path: &Path, text: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

// ---------------------------------------------------------------------------------------------------------------
// The executable itself

#[test]
fn shim_is_a_static_executable_with_no_dynamic_loader() {
    const ET_EXEC: u16 = 2;
    const PT_LOAD: u32 = 1;
    const PT_DYNAMIC: u32 = 2;
    const PT_INTERP: u32 = 3;
    let elf = std::fs::read(shim_exe()).unwrap();
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap());
    let u32_at = |at: usize| u32::from_le_bytes(elf[at..at + 4].try_into().unwrap());
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap());
    assert_eq!(&elf[..4], b"\x7fELF");
    assert_eq!(elf[4], 2, "a 64-bit ELF");
    assert_eq!(elf[5], 1, "little-endian");
    assert_eq!(u16_at(0x10), ET_EXEC, "e_type: ET_EXEC (static, not PIE)");

    let phoff = usize::try_from(u64_at(0x20)).unwrap();
    let phentsize = usize::from(u16_at(0x36));
    let phnum = usize::from(u16_at(0x38));
    let types: Vec<u32> = (0..phnum).map(|i| u32_at(phoff + i * phentsize)).collect();
    assert!(types.contains(&PT_LOAD), "program header types {types:?}");
    assert!(
        !types.contains(&PT_INTERP),
        "a PT_INTERP header means the kernel starts ld.so first: {types:?}"
    );
    assert!(
        !types.contains(&PT_DYNAMIC),
        "a PT_DYNAMIC header means shared libraries or relocations at start-up: {types:?}"
    );
}

// ---------------------------------------------------------------------------------------------------------------
// The fast path picks what `gover` picks

/// One layout of version files, module files and variables, and the version that must run in it.
struct Layout {
    name: &'static str,
    /// Files under the layout's dir: `(path, contents)`; a path ending in `/` is a directory.
    files: &'static [(&'static str, &'static str)],
    /// Where the commands run, relative to the layout's dir (`..` climbs out of it).
    cwd: &'static str,
    /// Variables set (`Some`) or removed (`None`) on top of the sandbox's.
    env: &'static [(&'static str, Option<&'static str>)],
    /// The version that must run.
    runs: &'static str,
}

/// The layouts, in a home where 1.22.0 (the default), 1.21.4, 1.21.5, 1.22.3 and 1.23rc1 are installed and
/// `versions/` also holds damaged and junk entries ([`clutter_versions`]).
const LAYOUTS: &[Layout] = &[
    Layout {
        name: "default",
        files: &[],
        cwd: ".",
        env: &[],
        runs: "1.22.0",
    },
    Layout {
        name: "env-exact-beats-file",
        files: &[(".go-version", "1.21.5\n")],
        cwd: ".",
        env: &[("GOVER_VERSION", Some("1.21.4"))],
        runs: "1.21.4",
    },
    Layout {
        name: "env-partial",
        files: &[],
        cwd: ".",
        env: &[("GOVER_VERSION", Some("1.21"))],
        runs: "1.21.5",
    },
    Layout {
        name: "env-latest-skips-prereleases-and-damage",
        files: &[],
        cwd: ".",
        env: &[("GOVER_VERSION", Some("latest"))],
        runs: "1.22.3",
    },
    Layout {
        name: "env-prerelease",
        files: &[],
        cwd: ".",
        env: &[("GOVER_VERSION", Some("go1.23rc1"))],
        runs: "1.23rc1",
    },
    Layout {
        name: "env-empty-counts-as-unset",
        files: &[(".go-version", "1.21.4\n")],
        cwd: ".",
        env: &[("GOVER_VERSION", Some(""))],
        runs: "1.21.4",
    },
    Layout {
        name: "file-exact",
        files: &[(".go-version", "1.21.4\n")],
        cwd: ".",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "file-go-prefix",
        files: &[(".go-version", "go1.22.3\n")],
        cwd: ".",
        env: &[],
        runs: "1.22.3",
    },
    Layout {
        name: "file-partial",
        files: &[(".go-version", "1.21\n")],
        cwd: ".",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "file-partial-skips-damaged-and-junk-dirs",
        files: &[(".go-version", "1.22\n")],
        cwd: ".",
        env: &[],
        runs: "1.22.3",
    },
    Layout {
        name: "file-comments-crlf-blank-lines",
        files: &[(
            ".go-version",
            "# team pin\r\n\r\n   go1.21.4   # security fix\r\n\r\n1.22.3\r\n",
        )],
        cwd: ".",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "file-with-a-byte-order-mark",
        files: &[(".go-version", "\u{feff}1.21.4\r\n")],
        cwd: ".",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "file-without-newline",
        files: &[(".go-version", "1.21.5")],
        cwd: ".",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "file-five-levels-up",
        files: &[(".go-version", "1.21.4\n"), ("a/b/c/d/e/", "")],
        cwd: "a/b/c/d/e",
        env: &[],
        runs: "1.21.4",
    },
    // Each kind of file found 7 to 17 levels up, with the others further up.
    Layout {
        name: "file-seventeen-levels-up",
        files: &[
            (".go-version", "1.21.4\n"),
            ("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/", ""),
        ],
        cwd: "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "go-version-seven-levels-up-beats-one-eight-up",
        files: &[
            ("a/.go-version", "1.21.5\n"),
            ("a/b/.go-version", "1.21.4\n"),
            ("a/b/c/d/e/f/g/h/i/", ""),
        ],
        cwd: "a/b/c/d/e/f/g/h/i",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "tool-versions-eight-levels-up-beats-go-version-nine-up",
        files: &[
            (".go-version", "1.21.5\n"),
            ("a/.tool-versions", "golang 1.21.4\n"),
            ("a/b/c/d/e/f/g/h/i/", ""),
        ],
        cwd: "a/b/c/d/e/f/g/h/i",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "gowork-nine-up-beats-gomod-seven-up",
        files: &[
            ("go.work", "go 1.21.0\ntoolchain go1.21.4\n"),
            ("a/b/go.mod", "module m\ngo 1.22.0\n"),
            ("a/b/c/d/e/f/g/h/i/", ""),
        ],
        cwd: "a/b/c/d/e/f/g/h/i",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "gomod-eight-up-beats-gomod-nine-up",
        files: &[
            ("go.mod", "module m\ngo 1.22.0\n"),
            ("a/go.mod", "module m\ngo 1.21.0\ntoolchain go1.21.4\n"),
            ("a/b/c/d/e/f/g/h/i/", ""),
        ],
        cwd: "a/b/c/d/e/f/g/h/i",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "nearest-file-wins",
        files: &[(".go-version", "1.21.4\n"), ("sub/.go-version", "1.21.5\n")],
        cwd: "sub",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "a-directory-named-go-version-is-skipped",
        files: &[(".go-version", "1.21.5\n"), ("sub/.go-version/", "")],
        cwd: "sub",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "dir with spaces/ünï-cödé",
        files: &[(".go-version", "1.21.4\n")],
        cwd: ".",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "gomod-go-line-is-a-minimum-in-its-minor-line",
        files: &[("go.mod", "module m\n\ngo 1.22\n"), ("cmd/tool/", "")],
        cwd: "cmd/tool",
        env: &[],
        runs: "1.22.3",
    },
    Layout {
        name: "gomod-go-line-with-patch",
        files: &[("go.mod", "module m\ngo 1.21.5\n")],
        cwd: ".",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "gomod-toolchain-line",
        files: &[("go.mod", "module m\n\ngo 1.21.0\n\ntoolchain go1.21.4\n")],
        cwd: ".",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "gomod-toolchain-below-go-line",
        files: &[("go.mod", "module m\ngo 1.22.0\ntoolchain go1.21.4\n")],
        cwd: ".",
        env: &[],
        runs: "1.22.3",
    },
    Layout {
        name: "gomod-toolchain-default",
        files: &[("go.mod", "module m\ngo 1.21.4\ntoolchain default\n")],
        cwd: ".",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "gomod-bom-crlf-comments-and-blocks",
        files: &[(
            "go.mod",
            "\u{feff}module m // the module\r\n\r\nrequire (\r\n\tgo 1.9\r\n)\r\ngo 1.21.4 // minimum\r\n",
        )],
        cwd: ".",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "gowork-beats-gomod-in-the-same-dir",
        files: &[
            ("go.work", "go 1.21.0\ntoolchain go1.21.5\n\nuse .\n"),
            ("go.mod", "module m\ngo 1.22.0\ntoolchain go1.22.3\n"),
        ],
        cwd: ".",
        env: &[],
        runs: "1.21.5",
    },
    // See: issue 12 item 1. Go looks for go.work all the way up before the nearest go.mod.
    Layout {
        name: "parent-gowork-beats-child-gomod-as-in-go",
        files: &[
            ("go.work", "go 1.22.0\n"),
            ("svc/go.mod", "module svc\ngo 1.21.0\ntoolchain go1.21.4\n"),
        ],
        cwd: "svc",
        env: &[],
        runs: "1.22.3",
    },
    Layout {
        name: "parent-gowork-decides-over-a-child-gomod-without-go-line",
        files: &[("go.work", "go 1.21.4\n"), ("svc/go.mod", "module svc\n")],
        cwd: "svc",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "gowork-off-leaves-the-nearest-gomod",
        files: &[
            ("go.work", "go 1.22.0\n"),
            ("svc/go.mod", "module svc\ngo 1.21.0\ntoolchain go1.21.4\n"),
        ],
        cwd: "svc",
        env: &[("GOWORK", Some("off"))],
        runs: "1.21.4",
    },
    Layout {
        name: "gowork-empty-is-auto",
        files: &[
            ("go.work", "go 1.22.0\n"),
            ("svc/go.mod", "module svc\ngo 1.21.0\ntoolchain go1.21.4\n"),
        ],
        cwd: "svc",
        env: &[("GOWORK", Some(""))],
        runs: "1.22.3",
    },
    // See: issue 12 item 4.
    Layout {
        name: "suffixed-toolchain-is-a-minimum",
        files: &[(
            "go.mod",
            "module m\ngo 1.21.0\ntoolchain go1.21.4-bigcorp\n",
        )],
        cwd: ".",
        env: &[],
        runs: "1.21.5",
    },
    // See: issue 25 item 3. With the proxy source the custom build itself, installed as a version of
    // its own; the minimum above never picks it.
    Layout {
        name: "suffixed-toolchain-with-the-proxy-source-is-that-build",
        files: &[(
            "go.mod",
            "module m\ngo 1.21.0\ntoolchain go1.21.4-bigcorp\n",
        )],
        cwd: ".",
        env: &[("GOVER_SOURCE", Some(" proxy"))],
        runs: "1.21.4-bigcorp",
    },
    // See: issue 12 item 7.
    Layout {
        name: "tool-versions-asdf-golang-line",
        files: &[(
            ".tool-versions",
            "# tools\nnodejs 20.1.0\ngolang 1.21.4 1.22.0\n",
        )],
        cwd: ".",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "tool-versions-mise-go-line-above-a-gomod",
        files: &[
            (".tool-versions", "go 1.21\n"),
            ("svc/go.mod", "module svc\ngo 1.22.0\n"),
        ],
        cwd: "svc",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "go-version-before-tool-versions-in-one-dir",
        files: &[
            (".go-version", "1.21.4\n"),
            (".tool-versions", "golang 1.22.3\n"),
        ],
        cwd: ".",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "nearest-tool-versions-beats-a-parent-go-version",
        files: &[
            (".go-version", "1.21.4\n"),
            ("sub/.tool-versions", "golang 1.22.3\n"),
        ],
        cwd: "sub",
        env: &[],
        runs: "1.22.3",
    },
    Layout {
        name: "empty-go-version-is-passed-over",
        files: &[
            (".go-version", "1.21.4\n"),
            ("sub/.go-version", "# to do\n\n"),
        ],
        cwd: "sub",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "tool-versions-without-go-is-passed-over",
        files: &[
            (".go-version", "1.21.5\n"),
            ("sub/.tool-versions", "nodejs 20\n"),
        ],
        cwd: "sub",
        env: &[],
        runs: "1.21.5",
    },
    Layout {
        name: "parent-go-version-beats-child-gomod",
        files: &[
            (".go-version", "1.21.4\n"),
            ("svc/go.mod", "module svc\ngo 1.22\n"),
        ],
        cwd: "svc",
        env: &[],
        runs: "1.21.4",
    },
    Layout {
        name: "gomod-off",
        files: &[("go.mod", "module m\ngo 1.21\ntoolchain go1.21.4\n")],
        cwd: ".",
        env: &[("GOVER_GOMOD", Some("0"))],
        runs: "1.22.0",
    },
    Layout {
        name: "gomod-off-in-words",
        files: &[("go.mod", "module m\ngo 1.21\ntoolchain go1.21.4\n")],
        cwd: ".",
        env: &[("GOVER_GOMOD", Some("OFF"))],
        runs: "1.22.0",
    },
    Layout {
        name: "gomod-on-in-words",
        files: &[("go.mod", "module m\ngo 1.21\ntoolchain go1.21.4\n")],
        cwd: ".",
        env: &[("GOVER_GOMOD", Some("yes"))],
        runs: "1.21.4",
    },
    Layout {
        name: "relative-gover-home-default",
        files: &[],
        cwd: "../..",
        env: &[("GOVER_HOME", Some("home/.gover"))],
        runs: "1.22.0",
    },
    Layout {
        name: "relative-gover-home-partial",
        files: &[],
        cwd: "../..",
        env: &[
            ("GOVER_HOME", Some("home/.gover")),
            ("GOVER_VERSION", Some("1.21")),
        ],
        runs: "1.21.5",
    },
    Layout {
        name: "relative-gover-home-climbing-up",
        files: &[(".go-version", "1.21.4\n")],
        cwd: ".",
        env: &[("GOVER_HOME", Some("../../home/.gover"))],
        runs: "1.21.4",
    },
    Layout {
        name: "no-gover-home-uses-home",
        files: &[(".go-version", "1.21.5\n")],
        cwd: ".",
        env: &[("GOVER_HOME", None)],
        runs: "1.21.5",
    },
    Layout {
        name: "empty-gover-home-uses-home",
        files: &[],
        cwd: ".",
        env: &[("GOVER_HOME", Some(""))],
        runs: "1.22.0",
    },
];

/// Damaged and foreign entries in `versions/` that no resolution may pick: release-named dirs without
/// `bin/go` (newer than every installed 1.22), a `go`-prefixed dir, a dir with `bin/go` but no release name,
/// plain files, a dangling link, and enough other names that `getdents` takes several calls.
fn clutter_versions(ctx: &TestContext) {
    let versions = ctx.gover_home.join("versions");
    for patch in 100..400 {
        std::fs::create_dir_all(versions.join(format!("1.22.{patch}/bin"))).unwrap();
    }
    std::fs::create_dir_all(versions.join("1.21.9")).unwrap();
    write(&versions.join("go1.22.7/bin/go"), "#!/bin/sh\necho wrong\n");
    write(
        &versions.join("notaversion/bin/go"),
        "#!/bin/sh\necho wrong\n",
    );
    write(&versions.join("README"), "not a version\n");
    std::os::unix::fs::symlink("nowhere", versions.join("1.22.99")).unwrap();
    for i in 0..300 {
        std::fs::create_dir(versions.join(format!("junk-{i:03}"))).unwrap();
    }
}

#[test]
fn shim_runs_what_gover_which_names_in_every_layout() {
    let ctx = installed(&["1.22.0", "1.21.4", "1.21.5", "1.22.3", "1.23rc1"]);
    // A custom build, as a proxy install leaves it: a version dir of its own.
    let versions = ctx.gover_home.join("versions");
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(versions.join("1.21.4"))
        .arg(versions.join("1.21.4-bigcorp"))
        .status()
        .unwrap();
    assert!(copied.success());
    clutter_versions(&ctx);
    let lone = lone_shim(&ctx);
    for layout in LAYOUTS {
        let dir = ctx.project.join(layout.name);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in layout.files {
            if path.ends_with('/') {
                std::fs::create_dir_all(dir.join(path)).unwrap();
            } else {
                write(&dir.join(path), text);
            }
        }
        let cwd = dir.join(layout.cwd);
        let with_env = |mut run: common::Run| {
            run = run.cwd(&cwd);
            for (key, value) in layout.env {
                run = match value {
                    Some(value) => run.env(key, value),
                    None => run.env_remove(key),
                };
            }
            run.run()
        };
        let name = layout.name;

        let which = with_env(ctx.gover_cmd(["which", "go"]));
        which.assert_success();
        assert_eq!(
            Path::new(which.stdout.trim_end()).canonicalize().unwrap(),
            ctx.tool_path(layout.runs, "go"),
            "{name}: gover picked another version\n{which}"
        );
        let current = with_env(ctx.gover_cmd(["current"]));
        current.assert_success();
        assert_eq!(
            current.stdout.split_whitespace().next(),
            Some(layout.runs),
            "{name}: `gover current`\n{current}"
        );
        let goroot = which
            .stdout
            .strip_suffix("/bin/go\n")
            .unwrap_or_else(|| panic!("{name}: {which}"));
        let which_gofmt = with_env(ctx.gover_cmd(["which", "gofmt"]));
        which_gofmt.assert_success();

        // The shim in GOVER_HOME/shims, and the lone copy that cannot hand over.
        for shims in [ctx.shims_dir(), lone.clone()] {
            let go = shims.join("go");
            let ran = with_env(ctx.command(&go).arg("print-self"));
            ran.assert_success();
            assert_eq!(
                ran.stdout,
                which.stdout,
                "{name}: {} ran another go than `gover which go` names\n{ran}",
                go.display()
            );
            assert_eq!(ran.stderr, "", "{name}\n{ran}");
            let env = with_env(ctx.command(&go).args(["env", "GOROOT"]));
            env.assert_success();
            assert_eq!(env.stdout, format!("{goroot}\n"), "{name}: GOROOT\n{env}");
            let gofmt = with_env(ctx.command(shims.join("gofmt")).arg("print-self"));
            gofmt.assert_success();
            assert_eq!(gofmt.stdout, which_gofmt.stdout, "{name}: gofmt\n{gofmt}");
        }
    }
}

/// A relative HOME (GOVER_HOME unset) is taken from the current directory, as gover does: the shim once
/// passed it on as is, giving the tool a relative GOROOT that broke as soon as it changed directory.
#[test]
fn a_relative_home_gives_the_tool_an_absolute_goroot() {
    let ctx = installed(&["1.22.5"]);
    let lone = lone_shim(&ctx);
    let relative = ctx.home.strip_prefix(&ctx.root).unwrap();
    let run = |program: PathBuf, args: &[&str]| {
        ctx.command(program)
            .args(args)
            .env_remove("GOVER_HOME")
            .env("HOME", relative)
            .cwd(&ctx.root)
            .run()
    };

    let which = run(gover_exe(), &["which", "go"]);
    which
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.tool_path("1.22.5", "go").display()));
    run(lone.join("go"), &["print-self"])
        .assert_success()
        .assert_stdout(&which.stdout);
    run(lone.join("go"), &["print-env", "GOROOT"])
        .assert_success()
        .assert_stdout(&format!("GOROOT={}\n", ctx.version_dir("1.22.5").display()));
}

#[test]
fn the_fast_path_records_a_go_version_under_the_name_gover_uses() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    let lone = lone_shim(&ctx);
    let file = ctx.write_go_version(&ctx.project, "1.21.13\n");
    let seen = ctx.gover_home.join("seen");
    let _ = std::fs::remove_dir_all(&seen);

    ctx.command(lone.join("go"))
        .arg("version")
        .run()
        .assert_success()
        .assert_stdout_contains("go1.21.13 ");

    let entries = common::context::ls(&seen);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(std::fs::read_link(seen.join(&entries[0])).unwrap(), file);
    // gover records the same file under the same name: still one entry.
    ctx.gover(["current"]).assert_success();
    assert_eq!(common::context::ls(&seen), entries);
}

// ---------------------------------------------------------------------------------------------------------------
// Handing over to `gover __shim`

#[test]
fn the_fast_path_needs_no_gover_beside_the_shim() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    let lone = lone_shim(&ctx);
    let go = lone.join("go");
    let version = |dir: &Path| ctx.command(&go).arg("version").cwd(dir).run();

    version(&ctx.project)
        .assert_success()
        .assert_stdout_contains("go1.22.5 ");
    let pinned = ctx.project.join("pinned");
    ctx.write_go_version(&pinned, "1.21\n");
    version(&pinned)
        .assert_success()
        .assert_stdout_contains("go1.21.13 ");
    let module = ctx.project.join("module");
    write(&module.join("go.mod"), "module m\ngo 1.21.2\n");
    version(&module)
        .assert_success()
        .assert_stdout_contains("go1.21.13 ");

    // Not installed: gover would say so, but there is none to ask.
    let missing = ctx.project.join("missing");
    ctx.write_go_version(&missing, "1.20.3\n");
    assert_handed_over(&version(&missing), &lone);
}

#[test]
fn hand_over_runs_the_gover_beside_the_shim_and_says_when_it_cannot() {
    use std::os::unix::fs::PermissionsExt;
    let ctx = installed(&["1.22.5"]);
    let lone = lone_shim(&ctx);
    ctx.write_go_version(&ctx.project, "1.20.3\n");
    let go = lone.join("go");

    // A `gover` that cannot be executed: 126, with the errno.
    write(&lone.join("gover"), "#!/bin/sh\necho ran\n");
    std::fs::set_permissions(lone.join("gover"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = ctx.command(&go).arg("version").run();
    out.assert_exit(126);
    assert_eq!(
        out.stderr,
        format!(
            "gover: cannot run {}/gover to finish this call: Permission denied (os error 13)\n",
            lone.display()
        ),
        "{out}"
    );

    // The real gover beside it: its message, in its words.
    std::fs::remove_file(lone.join("gover")).unwrap();
    std::os::unix::fs::symlink(gover_exe(), lone.join("gover")).unwrap();
    let out = ctx.command(&go).arg("version").run();
    out.assert_exit(127)
        .assert_stderr_contains("Go 1.20.3 is not installed")
        .assert_stderr_contains("gover install 1.20.3");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(out.stderr.starts_with("gover: "), "{out}");
}

/// Without `/proc` (a chroot or a container that does not mount it) the shim cannot find the `gover` beside
/// itself; it says so instead of naming an empty path. The fast path does not need `/proc` at all.
#[test]
fn without_proc_the_fast_path_still_runs_and_a_hand_over_says_what_is_missing() {
    let ctx = installed(&["1.22.5"]);
    let Some(mut system) = common::mount_ns::SystemFiles::new(&ctx) else {
        return;
    };
    system.replace_dir("/proc");
    let path = ctx.sandbox_path();

    system
        .command(&ctx, ctx.shim_path("go"), &path)
        .arg("version")
        .run()
        .assert_success()
        .assert_stdout_contains("go1.22.5 ");
    let out = system
        .command(&ctx, ctx.shim_path("go"), &path)
        .arg("version")
        .env("GOVER_VERSION", "1.20.3")
        .run();
    out.assert_exit(127);
    assert_eq!(
        out.stderr,
        "gover: cannot find gover to finish this call: reading /proc/self/exe: \
         No such file or directory (os error 2)\n",
        "{out}"
    );
}

/// A call the fast path must not finish: the std message through `gover __shim`, and a hand-over (not a
/// guess) from the lone shim.
struct Refusal {
    name: &'static str,
    files: &'static [(&'static str, &'static str)],
    env: &'static [(&'static str, &'static str)],
    code: i32,
    /// The message after `gover: `; `{dir}` stands for the case's directory.
    message: &'static str,
}

const REFUSALS: &[Refusal] = &[
    Refusal {
        name: "bad-go-version",
        files: &[(".go-version", "banana\n")],
        env: &[],
        code: 1,
        message: "{dir}/.go-version does not name a Go version: `banana` is not a Go version; \
                  write one version such as `1.22.5` or `1.22` into {dir}/.go-version \
                  (e.g. with `gover local 1.22.5`)",
    },
    // See: issue 12 item 5. (An empty .go-version is no longer refused: it is passed over.)
    Refusal {
        name: "zero-padded-go-line",
        files: &[("go.mod", "module m\n\ngo 1.098.2\n")],
        env: &[],
        code: 1,
        message: "{dir}/go.mod:3: `go 1.098.2` is not a Go version; fix the line \
                  (e.g. `go 1.22.3`, `toolchain go1.22.5`), pin a version with `gover local`, \
                  or set GOVER_GOMOD=0 to ignore go.mod/go.work",
    },
    Refusal {
        name: "bad-tool-versions",
        files: &[(".tool-versions", "golang system\n")],
        env: &[],
        code: 1,
        message: "{dir}/.tool-versions does not name a Go version: `system` is not a Go version; \
                  write one version such as `1.22.5` or `1.22` into {dir}/.tool-versions \
                  (e.g. with `gover local 1.22.5`)",
    },
    Refusal {
        name: "bad-go-line",
        files: &[("go.mod", "module m\n\ngo banana\n")],
        env: &[],
        code: 1,
        message: "{dir}/go.mod:3: `go banana` is not a Go version; fix the line \
                  (e.g. `go 1.22.3`, `toolchain go1.22.5`), pin a version with `gover local`, \
                  or set GOVER_GOMOD=0 to ignore go.mod/go.work",
    },
    Refusal {
        name: "bad-gover-version",
        files: &[(".go-version", "1.22.5\n")],
        env: &[("GOVER_VERSION", "garbage")],
        code: 1,
        message: "GOVER_VERSION=`garbage` is not a Go version; \
                  set GOVER_VERSION to a version like 1.22.5 or 1.22, or unset it",
    },
    Refusal {
        name: "depth-20",
        files: &[],
        env: &[("GOVER_SHIM_DEPTH", "20")],
        code: 1,
        message: "shim recursion: `go` led back to a gover shim 20 times; check that no \
                  versions/*/bin/go links to a shim and run `gover doctor`",
    },
];

#[test]
fn hand_over_prints_gover_s_one_line_message_for_each_refusal() {
    let ctx = installed(&["1.22.5"]);
    let lone = lone_shim(&ctx);
    for case in REFUSALS {
        let dir = ctx.project.join(case.name);
        std::fs::create_dir_all(&dir).unwrap();
        for (path, text) in case.files {
            write(&dir.join(path), text);
        }
        let run = |go: PathBuf| {
            let mut run = ctx.command(go).arg("version").cwd(&dir);
            for (key, value) in case.env {
                run = run.env(key, value);
            }
            run.run()
        };
        let out = run(ctx.shim_path("go"));
        out.assert_exit(case.code);
        let message = case.message.replace("{dir}", &dir.display().to_string());
        assert_eq!(
            out.stderr,
            format!("gover: {message}\n"),
            "{}\n{out}",
            case.name
        );
        assert_eq!(out.stdout, "", "{}\n{out}", case.name);
        assert_handed_over(&run(lone.join("go")), &lone);
    }
}

#[test]
fn depth_19_still_runs_and_passes_20_on() {
    let ctx = installed(&["1.22.5"]);
    let lone = lone_shim(&ctx);

    ctx.command(lone.join("go"))
        .args(["print-env", "GOVER_SHIM_DEPTH"])
        .env("GOVER_SHIM_DEPTH", "19")
        .run()
        .assert_success()
        .assert_stdout("GOVER_SHIM_DEPTH=20\n");
}

#[test]
fn hand_over_finishes_what_the_fast_path_leaves_to_gover() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    let lone = lone_shim(&ctx);
    // A go.mod over the shim's 64 KiB buffer (gover reads up to 4 MiB).
    let big = ctx.project.join("big");
    let filler = "// a generated comment to make this go.mod big\n".repeat(1500);
    write(
        &big.join("go.mod"),
        format!("module big\n{filler}toolchain go1.21.13\n"),
    );
    let dir = big;
    ctx.shim_cmd("go", ["print-self"])
        .cwd(&dir)
        .run()
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.tool_path("1.21.13", "go").display()));
    ctx.gover_cmd(["which", "go"])
        .cwd(&dir)
        .run()
        .assert_stdout(&format!("{}\n", ctx.tool_path("1.21.13", "go").display()));
    let out = ctx.command(lone.join("go")).arg("version").cwd(&dir).run();
    assert_handed_over(&out, &lone);
}

/// A directory named go.mod is passed over (as Go does) by the fast path itself, since it checks
/// what it opened with `fstat`.
#[test]
fn a_directory_named_go_mod_is_passed_over_without_a_hand_over() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    let lone = lone_shim(&ctx);
    let outer = ctx.project.join("outer");
    write(&outer.join("go.mod"), "module outer\ntoolchain go1.21.13\n");
    let odd = outer.join("odd");
    std::fs::create_dir_all(odd.join("go.mod")).unwrap();
    let want = format!("{}\n", ctx.tool_path("1.21.13", "go").display());
    ctx.gover_cmd(["which", "go"])
        .cwd(&odd)
        .run()
        .assert_stdout(&want);
    ctx.command(lone.join("go"))
        .arg("print-self")
        .cwd(&odd)
        .run()
        .assert_success()
        .assert_stdout(&want);
}

/// The walk moves the working directory itself, a level at a time. Whatever it finds (a version
/// file up the tree or in the cwd, a go.mod, nothing) and whichever way it goes up (`..`, or a
/// symlinked `$PWD`'s lexical parents), the tool starts in the directory the shim was run from.
#[test]
fn the_tool_runs_where_the_shim_was_run_after_the_walk_up() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    assert_clean_parents(&ctx);
    // The lone copy cannot hand over: every call here is finished by the fast path itself.
    let lone = lone_shim(&ctx);
    let pinned = ctx.project.join("pinned");
    ctx.write_go_version(&pinned, "1.21.13\n");
    write(&ctx.project.join("module/go.mod"), "module m\n\ngo 1.21\n");
    let elsewhere = ctx.root.join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let linked = elsewhere.join("link");
    std::os::unix::fs::symlink(ctx.project.join("pinned/a/b/c"), &linked).unwrap();
    let cases = [
        (
            "a .go-version three levels up",
            pinned.join("a/b/c"),
            None,
            "1.21.13",
        ),
        ("a .go-version in the cwd", pinned.clone(), None, "1.21.13"),
        (
            "a go.mod three levels up",
            ctx.project.join("module/a/b/c"),
            None,
            "1.21.13",
        ),
        (
            "nothing up the tree",
            ctx.project.join("plain/a/b/c"),
            None,
            "1.22.5",
        ),
        // $PWD names the cwd through a link: its parents are `elsewhere`'s, which pin nothing.
        ("a symlinked $PWD", linked.clone(), Some(&linked), "1.22.5"),
    ];
    for (case, cwd, pwd, runs) in cases {
        std::fs::create_dir_all(&cwd).unwrap();
        for tool in [ctx.shims_dir().join("go"), lone.join("go")] {
            let run = |arg: &str| {
                let run = ctx.command(&tool).arg(arg).cwd(&cwd);
                match pwd {
                    Some(pwd) => run.env("PWD", pwd),
                    None => run,
                }
                .run()
            };
            let out = run("print-cwd");
            out.assert_success();
            assert_eq!(
                Path::new(out.stdout.trim_end()).canonicalize().unwrap(),
                cwd.canonicalize().unwrap(),
                "{case}: {} left the tool in another directory\n{out}",
                tool.display()
            );
            run("print-self")
                .assert_success()
                .assert_stdout(&format!("{}\n", ctx.tool_path(runs, "go").display()));
        }
    }
}

/// If the walk cannot get back to where it started (here an `fchdir` failure injected by strace),
/// nothing runs: not the tool, not `gover __shim`, both of which would start in the wrong place.
#[test]
fn a_walk_that_cannot_return_runs_nothing_and_says_why() {
    let ctx = installed(&["1.22.5"]);
    let strace = strace();
    let cwd = ctx.project.join("a/b");
    std::fs::create_dir_all(&cwd).unwrap();
    for shim in [ctx.shims_dir().join("go"), lone_shim(&ctx).join("go")] {
        let out = ctx
            .command(strace)
            .args(["-f", "-o", "/dev/null", "-e", "trace=fchdir,execve"])
            .args(["-e", "inject=fchdir:error=EACCES"])
            .arg(&shim)
            .arg("print-cwd")
            .cwd(&cwd)
            .run();
        out.assert_exit(126);
        assert_eq!(
            out.stderr,
            "gover: cannot return to the working directory after looking for version files: \
             Permission denied (os error 13)\n",
            "{out}"
        );
        assert_eq!(out.stdout, "", "{out}");
    }
}

#[test]
fn gover_shim_without_a_tool_is_a_usage_error() {
    let ctx = installed(&["1.22.5"]);
    let lone = lone_shim(&ctx);

    let out = ctx.command(shim_exe()).run();
    out.assert_exit(2);
    assert_eq!(
        out.stderr, "gover: usage: gover-shim <tool> [args…]\n",
        "{out}"
    );
    assert_handed_over(&ctx.command(lone.join("gover-shim")).run(), &lone);
}

// ---------------------------------------------------------------------------------------------------------------
// argv and the environment, byte for byte

/// A version, `1.30.0`, installed by hand as the default, whose `go` and `gofmt` save the arguments and the
/// environment they received (`/proc/self/cmdline` and `/proc/self/environ`, exactly as execve passed them)
/// into `<root>/dump/`. Returns the dump dir.
fn dumping_version(ctx: &TestContext) -> PathBuf {
    let dump = ctx.root.join("dump");
    std::fs::create_dir_all(&dump).unwrap();
    for tool in ["go", "gofmt"] {
        let script = format!(
            "#!/bin/sh\n/bin/cat /proc/$$/cmdline > '{dump}/cmdline'\n/bin/cat /proc/$$/environ > '{dump}/environ'\n",
            dump = dump.display()
        );
        let path = ctx.tool_path("1.30.0", tool);
        write(&path, script);
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    std::os::unix::fs::symlink("versions/1.30.0", ctx.gover_home.join("current")).unwrap();
    dump
}

/// What the dumping tool received: its arguments after the script path (a `#!` script's argv is
/// `/bin/sh SCRIPT ARGS…`), the script path, and its environment.
fn dumped(dump: &Path) -> (Vec<u8>, Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let cmdline = nul_separated(&std::fs::read(dump.join("cmdline")).unwrap());
    let environ = nul_separated(&std::fs::read(dump.join("environ")).unwrap());
    assert_eq!(cmdline[0], b"/bin/sh");
    (cmdline[1].clone(), cmdline[2..].to_vec(), environ)
}

fn bytes(s: impl AsRef<OsStr>) -> Vec<u8> {
    s.as_ref().as_bytes().to_vec()
}

/// The entries of `env` named `name`.
fn entries<'a>(env: &'a [Vec<u8>], name: &str) -> Vec<&'a [u8]> {
    let prefix = format!("{name}=");
    env.iter()
        .filter(|e| e.starts_with(prefix.as_bytes()))
        .map(Vec::as_slice)
        .collect()
}

/// 20,000 arguments: empty ones, spaces, quotes, non-UTF-8 bytes, option-like ones and a 100 KB one.
fn many_arguments() -> Vec<Vec<u8>> {
    let mut args: Vec<Vec<u8>> = [
        &b"--help"[..],
        b"",
        b" ",
        b"two words",
        b"\xff\xfe\x80 not UTF-8",
        "ünïcödé".as_bytes(),
        b"-",
        b"--",
        b"GOROOT=/an/argument/not/a/variable",
        b"'\"$HOME*?[",
        b"\t\n\r",
    ]
    .iter()
    .map(|a| a.to_vec())
    .collect();
    args.push(vec![b'x'; 100_000]);
    while args.len() < 20_000 {
        let arg = match args.len() % 1000 {
            0 => Vec::new(),
            1 => vec![0xc3, b'-', args.len() as u8 | 0x80],
            _ => format!("arg-{}", args.len()).into_bytes(),
        };
        args.push(arg);
    }
    args
}

#[test]
fn arguments_and_environment_pass_through_byte_for_byte_at_scale() {
    let ctx = TestContext::new();
    let dump = dumping_version(&ctx);
    let lone = lone_shim(&ctx);

    let args = many_arguments();

    let mut env: Vec<Vec<u8>> = vec![
        bytes(format!("HOME={}", ctx.home.display())),
        bytes(format!("GOVER_HOME={}", ctx.gover_home.display())),
        b"PATH=/usr/bin:/bin".to_vec(),
        b"GOROOT=/stale/first".to_vec(),
        b"GOVER_SHIM_DEPTH=3".to_vec(),
    ];
    for i in 0..3000 {
        env.push(match i % 500 {
            7 => b"GOROOT=/stale/again".to_vec(),
            8 => b"GOVER_SHIM_DEPTH=9".to_vec(),
            9 => [format!("BYTES_{i}=").as_bytes(), &[0xff, 0xfe]].concat(),
            10 => [&b"RAW_"[..], &[0xff, 0xfe], b"=\x80\x81"].concat(),
            11 => b"NO_EQUALS_SIGN".to_vec(),
            12 => format!("DUP=value {i}").into_bytes(),
            _ => format!("GOVER_TEST_VAR_{i}=value {i} with spaces=and equals").into_bytes(),
        });
    }
    env.extend([
        b"GOROOT=".to_vec(),
        b"GOROOT_FINAL=/kept".to_vec(),
        b"XGOROOT=/kept".to_vec(),
        b"=starts with equals".to_vec(),
    ]);

    let argv: Vec<Vec<u8>> = [b"go".to_vec()].into_iter().chain(args.clone()).collect();
    let out = exec_raw(&lone.join("go"), &argv, &env, &ctx.project);
    assert!(
        out.status.success(),
        "{:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stderr, b"");

    let (exe, got_args, got_env) = dumped(&dump);
    assert_eq!(exe, bytes(ctx.tool_path("1.30.0", "go")));
    assert_eq!(got_args.len(), args.len());
    for (i, (got, sent)) in got_args.iter().zip(&args).enumerate() {
        assert_eq!(got, sent, "argument {i}");
    }

    // Exactly one GOROOT (the version's) and one depth (the first one seen, plus one), whatever came in.
    let goroot = bytes(format!("GOROOT={}", ctx.version_dir("1.30.0").display()));
    assert_eq!(entries(&got_env, "GOROOT"), [goroot.as_slice()]);
    assert_eq!(
        entries(&got_env, "GOVER_SHIM_DEPTH"),
        [&b"GOVER_SHIM_DEPTH=4"[..]]
    );
    assert_eq!(
        entries(&got_env, "GOTOOLCHAIN"),
        [&b"GOTOOLCHAIN=local"[..]]
    );
    // Everything else, unchanged and in order.
    let ours = |e: &&Vec<u8>| {
        e.starts_with(b"GOROOT=")
            || e.starts_with(b"GOVER_SHIM_DEPTH=")
            || e.starts_with(b"GOTOOLCHAIN=")
    };
    let rest: Vec<&Vec<u8>> = got_env.iter().filter(|e| !ours(e)).collect();
    let sent: Vec<&Vec<u8>> = env.iter().filter(|e| !ours(e)).collect();
    assert_eq!(rest.len(), sent.len());
    assert_eq!(rest, sent);
}

#[test]
fn gotoolchain_is_set_to_local_only_when_it_is_absent() {
    let ctx = TestContext::new();
    let dump = dumping_version(&ctx);
    let lone = lone_shim(&ctx);
    let base = [
        bytes(format!("GOVER_HOME={}", ctx.gover_home.display())),
        b"PATH=/usr/bin:/bin".to_vec(),
    ];
    let cases: [(Option<&[u8]>, &[u8]); 3] = [
        (None, b"GOTOOLCHAIN=local"),
        (Some(b"GOTOOLCHAIN="), b"GOTOOLCHAIN="),
        (
            Some(b"GOTOOLCHAIN=go1.21.0+auto"),
            b"GOTOOLCHAIN=go1.21.0+auto",
        ),
    ];
    for (given, seen) in cases {
        let env: Vec<Vec<u8>> = base
            .iter()
            .cloned()
            .chain(given.map(<[u8]>::to_vec))
            .collect();
        let out = exec_raw(&lone.join("go"), &["go", "version"], &env, &ctx.project);
        assert!(out.status.success(), "{:?}", out);
        let (_, _, got_env) = dumped(&dump);
        assert_eq!(entries(&got_env, "GOTOOLCHAIN"), [seen], "given {given:?}");
    }
}

#[test]
fn hand_over_passes_arguments_and_environment_through_too() {
    let ctx = TestContext::new();
    let dump = dumping_version(&ctx);
    // A go.mod over the fast path's buffer: `gover __shim` resolves this call.
    let filler = "// a generated comment to make this go.mod big\n".repeat(1500);
    write(
        &ctx.project.join("go.mod"),
        format!("module big\n{filler}toolchain go1.30.0\n"),
    );
    let go = ctx.root.join("bin/go");
    std::fs::create_dir_all(go.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(shim_exe(), &go).unwrap();
    let args = many_arguments();
    let mut env: Vec<Vec<u8>> = vec![
        bytes(format!("GOVER_HOME={}", ctx.gover_home.display())),
        b"PATH=/usr/bin:/bin".to_vec(),
        b"GOROOT=/stale".to_vec(),
    ];
    env.extend((0..3000).map(|i| format!("GOVER_TEST_VAR_{i}=value {i}").into_bytes()));
    env.push([&b"RAW="[..], &[0xff, 0xfe]].concat());

    let argv: Vec<Vec<u8>> = [b"go".to_vec()].into_iter().chain(args.clone()).collect();
    let out = exec_raw(&go, &argv, &env, &ctx.project);
    assert!(
        out.status.success(),
        "{:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );

    let (exe, got_args, mut got_env) = dumped(&dump);
    assert_eq!(exe, bytes(ctx.tool_path("1.30.0", "go")));
    assert_eq!(got_args.len(), args.len());
    for (i, (got, sent)) in got_args.iter().zip(&args).enumerate() {
        assert_eq!(got, sent, "argument {i}");
    }
    let goroot = bytes(format!("GOROOT={}", ctx.version_dir("1.30.0").display()));
    assert_eq!(entries(&got_env, "GOROOT"), [goroot.as_slice()]);
    assert_eq!(
        entries(&got_env, "GOVER_SHIM_DEPTH"),
        [&b"GOVER_SHIM_DEPTH=1"[..]]
    );
    assert_eq!(
        entries(&got_env, "GOTOOLCHAIN"),
        [&b"GOTOOLCHAIN=local"[..]]
    );
    // std's Command keeps every other variable (in its own order).
    let mut sent: Vec<Vec<u8>> = env[..2].iter().chain(&env[3..]).cloned().collect();
    got_env.retain(|e| {
        !(e.starts_with(b"GOROOT=")
            || e.starts_with(b"GOVER_SHIM_DEPTH=")
            || e.starts_with(b"GOTOOLCHAIN="))
    });
    sent.sort();
    got_env.sort();
    assert_eq!(got_env, sent);
}

#[test]
fn gover_shim_takes_the_tool_from_its_first_argument() {
    let ctx = TestContext::new();
    let dump = dumping_version(&ctx);
    let lone = lone_shim(&ctx);
    let env = [bytes(format!("GOVER_HOME={}", ctx.gover_home.display()))];
    let shim = bytes(lone.join("gover-shim"));

    let out = exec_raw(
        &lone.join("gover-shim"),
        &[shim.as_slice(), b"gofmt", b"-l", b"", b"x.go"],
        &env,
        &ctx.project,
    );
    assert!(out.status.success(), "{out:?}");

    let (exe, args, _) = dumped(&dump);
    assert_eq!(exe, bytes(ctx.tool_path("1.30.0", "gofmt")));
    assert_eq!(args, [&b"-l"[..], b"", b"x.go"]);
}

// ---------------------------------------------------------------------------------------------------------------
// The system calls of a `go` call

/// strace, which the tests that count or fail system calls need (they fail rather than skip).
fn strace() -> &'static Path {
    let strace = Path::new("/usr/bin/strace");
    assert!(
        strace.is_file(),
        "this test needs strace (Debian package `strace`, installed by .ci/run)"
    );
    strace
}

/// One system call from an `strace` log line (`NAME(ARGS) = RESULT`).
#[derive(Debug)]
struct Call {
    name: String,
    /// The quoted strings among the arguments, in order (paths, data, argv).
    strings: Vec<String>,
    result: String,
    line: String,
}

impl Call {
    fn parse(line: &str) -> Call {
        let name = line.split('(').next().unwrap_or_default().to_owned();
        let result = line
            .rsplit_once(" = ")
            .map(|(_, r)| r.to_owned())
            .unwrap_or_default();
        let mut strings = Vec::new();
        let mut rest = &line[name.len()..];
        while let Some(start) = rest.find('"') {
            let body = &rest[start + 1..];
            let mut end = 0;
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                match c {
                    '\\' if !escaped => escaped = true,
                    '"' if !escaped => {
                        end = i;
                        break;
                    }
                    _ => escaped = false,
                }
            }
            strings.push(body[..end].to_owned());
            rest = &body[end + 1..];
        }
        Call {
            name,
            strings,
            result,
            line: line.to_owned(),
        }
    }
}

/// Runs `shims/go ARGS…` in `cwd` under `strace -f`; returns the shim's own calls: everything after its
/// execve up to and including the execve of the tool, and the environment sizes (in variables) of the
/// two execve calls.
fn traced_shim(ctx: &TestContext, cwd: &Path, args: &[&str]) -> (Vec<Call>, usize, usize) {
    let strace = strace();
    let log = ctx.root.join("strace.log");
    let out = ctx
        .command(strace)
        .args(["-f", "-s", "4096", "-o"])
        .arg(&log)
        .arg(ctx.shim_path("go"))
        .args(args)
        .cwd(cwd)
        .run();
    out.assert_success();
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines = text.lines().map(|l| {
        let (_pid, call) = l.split_once(' ').unwrap_or(("", l));
        call.trim_start()
    });
    let first = lines.next().unwrap_or_default();
    assert!(first.starts_with("execve("), "{text}");
    let vars = |line: &str| -> usize {
        let (_, tail) = line.rsplit_once("/* ").unwrap_or_else(|| panic!("{line}"));
        tail.split(' ').next().unwrap().parse().unwrap()
    };
    let mut calls = Vec::new();
    for line in lines {
        let call = Call::parse(line);
        let done = call.name == "execve";
        calls.push(call);
        if done {
            break;
        }
    }
    let last = calls.last().unwrap_or_else(|| panic!("{text}"));
    assert_eq!(last.name, "execve", "{text}");
    let tool_vars = vars(&last.line);
    (calls, vars(first), tool_vars)
}

/// The `(name, paths…)` summary of calls, for one readable comparison.
fn summary(calls: &[Call]) -> Vec<String> {
    calls
        .iter()
        .map(|c| match c.name.as_str() {
            // Data, not paths.
            "read" | "mmap" | "close" | "fstat" => c.name.clone(),
            _ => format!("{} {}", c.name, c.strings.join(" ")),
        })
        .collect()
}

/// Asserts the sandbox's parents hold no version or module file: they would change what the shim opens.
fn assert_clean_parents(ctx: &TestContext) {
    for dir in ctx.root.ancestors() {
        for name in [".go-version", "go.work", "go.mod"] {
            assert!(
                !dir.join(name).exists(),
                "{} exists: this machine's temp dir sits in a Go project, which changes every count here",
                dir.join(name).display()
            );
        }
    }
}

/// See: issue 16 item 3. The walk moves the working directory up (`chdir("..")`) and looks each
/// name up as one component from there (a missing name costs less with `fstatat` than with a
/// failed `openat`), so a level costs the same at any depth and no descriptor is held per level;
/// one `O_PATH` handle on the cwd, taken before the first move, is where it returns to.
#[test]
fn the_fast_path_costs_five_one_component_lookups_per_level_and_nothing_else() {
    let ctx = installed(&["1.22.5"]);
    assert_clean_parents(&ctx);
    let cwd = ctx.project.join("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q");
    std::fs::create_dir_all(&cwd).unwrap();

    let (calls, shim_vars, tool_vars) = traced_shim(&ctx, &cwd, &["version"]);

    let home = ctx.gover_home.display();
    let tool = ctx.tool_path("1.22.5", "go");
    let mut expected = vec![format!("getcwd {}", cwd.display())];
    let levels = cwd.components().count();
    for level in 0..levels {
        if level == 1 {
            expected.push("openat .".to_owned());
        }
        if level > 0 {
            expected.push("chdir ..".to_owned());
        }
        for name in [".go-version", ".tool-versions", "go.work", "go.mod"] {
            expected.push(format!("newfstatat {name}"));
        }
    }
    expected.extend([
        "fchdir ".to_owned(),
        format!("readlinkat {home}/current versions/1.22.5"),
        format!("newfstatat {}", tool.display()),
        "mmap".to_owned(),
        format!("openat {home}/locks/in-use-1.22.5.lock"),
        "flock ".to_owned(),
        format!("execve {} {} version", tool.display(), tool.display()),
    ]);
    assert_eq!(summary(&calls), expected, "{calls:#?}");
    // One move per level above the cwd; 4 names per level, plus `bin/go`.
    let count = |name: &str| calls.iter().filter(|c| c.name == name).count();
    assert_eq!(count("chdir"), levels - 1);
    // `.` before the walk, and the in-use lock (see below).
    assert_eq!(count("openat"), 2);
    assert_eq!(count("newfstatat"), 4 * levels + 1);
    let start = calls.iter().find(|c| c.name == "openat").unwrap();
    assert!(start.line.contains("O_PATH"), "{}", start.line);
    // It returns to the handle it took, not to a path that may name another directory by now.
    let back = calls.iter().find(|c| c.name == "fchdir").unwrap();
    assert!(
        back.line.starts_with(&format!("fchdir({})", start.result)) && back.result == "0",
        "{calls:#?}"
    );
    for call in calls.iter().filter(|c| c.name == "newfstatat") {
        if call.strings[0] != tool.display().to_string() {
            assert!(call.result.starts_with("-1 ENOENT"), "{}", call.line);
            assert!(!call.strings[0].contains('/'), "{}", call.line);
        }
    }
    assert_eq!(calls.last().unwrap().result, "0");
    // See: issue 22 item 9. The two calls the in-use lock costs: its file opened (created if
    // need be) on a descriptor WITHOUT close-on-exec, so the tool keeps it, then a shared
    // flock on it, which the tool holds for its whole run.
    let lock = &calls[calls.len() - 3];
    assert!(
        lock.line.contains("O_CREAT") && lock.line.contains("O_NOFOLLOW"),
        "{}",
        lock.line
    );
    assert!(!lock.line.contains("O_CLOEXEC"), "{}", lock.line);
    let flock = &calls[calls.len() - 2];
    assert_eq!(
        flock.line.split_whitespace().collect::<Vec<_>>(),
        [
            format!("flock({},", lock.result).as_str(),
            "LOCK_SH)",
            "=",
            "0"
        ],
        "{calls:#?}"
    );
    // GOROOT, GOVER_SHIM_DEPTH and GOTOOLCHAIN added, nothing else.
    assert_eq!(tool_vars, shim_vars + 3);
}

/// See: issue 16 item 3, for `gover` itself (what `gover which`, `gover current` and a hand-over
/// resolve with): it walks up with a directory handle per level (`openat(dir, "..")`) and opens
/// each name as one component from that handle, never by a path through the cwd.
#[test]
fn gover_walks_up_with_one_component_lookups_too() {
    let ctx = installed(&["1.22.5"]);
    assert_clean_parents(&ctx);
    let cwd = ctx.project.join("a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q");
    std::fs::create_dir_all(&cwd).unwrap();
    let log = ctx.root.join("gover.strace");
    ctx.command(strace())
        .args([
            "-f",
            "-s",
            "4096",
            "-e",
            "trace=openat,open,newfstatat,statx,access",
        ])
        .arg("-o")
        .arg(&log)
        .arg(gover_exe())
        .args(["which", "go"])
        .cwd(&cwd)
        .env("GOVER_HOME", &ctx.gover_home)
        .run()
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.tool_path("1.22.5", "go").display()));
    let text = std::fs::read_to_string(&log).unwrap();
    let calls: Vec<Call> = text
        .lines()
        .map(|l| Call::parse(l.split_once(' ').map_or(l, |(_, c)| c.trim_start())))
        .collect();
    let names = [".go-version", ".tool-versions", "go.work", "go.mod"];
    let lookups: Vec<&Call> = calls
        .iter()
        .filter(|c| {
            c.strings
                .iter()
                .any(|s| names.iter().any(|n| s.ends_with(n)))
        })
        .collect();
    let levels = cwd.components().count();
    assert_eq!(lookups.len(), 4 * levels, "{text}");
    for call in &lookups {
        assert!(
            names.contains(&call.strings[0].as_str()) && !call.line.contains("AT_FDCWD"),
            "a lookup through a path, not one component from a handle: {}",
            call.line
        );
    }
    let parents = calls
        .iter()
        .filter(|c| c.name == "openat" && c.strings.first().map(String::as_str) == Some(".."))
        .count();
    assert_eq!(parents, levels - 1, "{text}");
}

#[test]
fn a_go_version_in_the_cwd_costs_one_read_and_one_symlink() {
    let ctx = installed(&["1.22.5", "1.21.13"]);
    assert_clean_parents(&ctx);
    let file = ctx.write_go_version(&ctx.project, "1.21.13\n");
    let seen = ctx.gover_home.join("seen");
    let _ = std::fs::remove_dir_all(&seen);
    let entry = {
        let name = gover_core::layout::seen_entry_name(file.as_os_str().as_bytes());
        seen.join(std::str::from_utf8(&name).unwrap())
    };
    let tool = ctx.tool_path("1.21.13", "go");
    let run = |record: &[String]| {
        let (calls, _, _) = traced_shim(&ctx, &ctx.project, &["version"]);
        let mut expected = vec![
            format!("getcwd {}", ctx.project.display()),
            "newfstatat .go-version".to_owned(),
            "openat .go-version".to_owned(),
            "fstat".to_owned(),
            "read".to_owned(),
            "read".to_owned(),
            "close".to_owned(),
        ];
        expected.extend_from_slice(record);
        expected.extend([
            format!("newfstatat {}", tool.display()),
            "mmap".to_owned(),
            format!(
                "openat {}/locks/in-use-1.21.13.lock",
                ctx.gover_home.display()
            ),
            "flock ".to_owned(),
            format!("execve {} {} version", tool.display(), tool.display()),
        ]);
        assert_eq!(summary(&calls), expected, "{calls:#?}");
        calls
    };
    let symlink = format!("symlinkat {} {}", file.display(), entry.display());

    // The first call creates seen/ (never the home) and records the file.
    let calls = run(&[
        symlink.clone(),
        format!("mkdirat {}", seen.display()),
        symlink.clone(),
    ]);
    let results: Vec<&str> = calls.iter().map(|c| c.result.as_str()).collect();
    assert_eq!(results[1], "0", "{calls:#?}");
    assert!(results[2].parse::<i32>().is_ok(), "{calls:#?}");
    assert_eq!(results[3], "0", "{calls:#?}");
    assert_eq!(results[4], "8", "{calls:#?}");
    assert_eq!(results[5], "0", "EOF\n{calls:#?}");
    assert_eq!(results[6], "0", "{calls:#?}");
    assert!(results[7].starts_with("-1 ENOENT"), "{calls:#?}");
    assert_eq!(&results[8..10], ["0", "0"], "{calls:#?}");
    assert_eq!(std::fs::read_link(&entry).unwrap(), file);

    // Later calls find it recorded: one symlinkat, EEXIST.
    let calls = run(std::slice::from_ref(&symlink));
    assert!(calls[7].result.starts_with("-1 EEXIST"), "{calls:#?}");
}
