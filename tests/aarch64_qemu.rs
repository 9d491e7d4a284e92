//! gover on aarch64 Linux, end to end under qemu-user: both binaries cross-built for
//! `aarch64-unknown-linux-gnu` (`common::cross`), Debian's linux-arm64 Go 1.21 and 1.22 repackaged as
//! official `linux-arm64` archives and served on the loopback mirror; the arm64 gover installs them, switches
//! between them and uninstalls one, and the arm64 shim runs `go version` and `go build` with the default, after
//! `gover use` and under a `.go-version`. Then the portable shim's system-call budget on aarch64 (the
//! freestanding shim is x86_64-only), counted from qemu's own log of the guest's calls.
//!
//! gover and the shim are started as `qemu-aarch64 BINARY ARGS…`; what they exec (`go`, and what `go build`
//! runs) is started by the kernel, through qemu's `binfmt_misc` registration. Without the prerequisites
//! (qemu, the cross linker, the Rust target, binfmt, the Debian packages) the tests skip with a message,
//! except under `CI=true`, where they fail: `.ci/run` sets all of them up. See docs/platforms.md.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cross::{self, Aarch64, GO_PLATFORM, debian_arm64_goroot, is_aarch64_elf};
use common::toolchain::timed;
use common::toolchain::{RealToolchain, cache_dir, repackage_for};
use common::{Run, TestContext};

/// Everything runs under emulation, compiling the runtime included; this only guards against hangs.
const SLOW: Duration = Duration::from_secs(1200);

/// `qemu-aarch64 <arm64 gover> ARGS…` in the sandbox.
fn gover(ctx: &TestContext, arm: &Aarch64, args: &[&str]) -> Run {
    ctx.command(&arm.qemu)
        .arg(&arm.gover)
        .args(args)
        .deadline(SLOW)
}

/// `qemu-aarch64 $GOVER_HOME/shims/<tool> ARGS…` (the shim dispatches on its own name) in `dir`, with Go's
/// caches inside the sandbox, no network and no cgo (the host's `gcc` is not an arm64 compiler).
fn shim(ctx: &TestContext, arm: &Aarch64, tool: &str, dir: &Path, args: &[&str]) -> Run {
    ctx.command(&arm.qemu)
        .arg(ctx.shim_path(tool))
        .args(args)
        .cwd(dir)
        .env("GOCACHE", ctx.root.join("gocache"))
        .env("GOPATH", ctx.root.join("gopath"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTELEMETRY", "off")
        .env("CGO_ENABLED", "0")
        .env("GOVER_GOMOD", "0")
        .deadline(SLOW)
}

/// Debian's arm64 `golang-<minor>-go` as an official `linux-arm64` archive (cached).
fn toolchain(minor: &str) -> Option<RealToolchain> {
    let goroot = debian_arm64_goroot(minor)?;
    let started = Instant::now();
    let toolchain = repackage_for(&goroot, &cache_dir(), GO_PLATFORM)
        .unwrap_or_else(|err| panic!("repackaging {} failed: {err}", goroot.display()));
    eprintln!(
        "go{} linux/arm64: archive ready in {:.1?} ({} bytes)",
        toolchain.version,
        started.elapsed(),
        toolchain.size
    );
    Some(toolchain)
}

fn version_line(toolchain: &RealToolchain) -> String {
    format!("go version go{} linux/arm64\n", toolchain.version)
}

/// A module whose program imports nothing, so `go build` compiles only the runtime under emulation.
fn write_module(dir: &Path, greeting: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/hello\n\ngo 1.21\n").unwrap();
    std::fs::write(
        dir.join("main.go"),
        format!("package main\n\nfunc main() {{\n\tprintln({greeting:?})\n}}\n"),
    )
    .unwrap();
}

#[test]
fn aarch64_gover_installs_switches_builds_and_uninstalls_real_arm64_go_under_qemu() {
    let Some(arm) = timed("cargo build --target aarch64", cross::aarch64) else {
        return;
    };
    let (Some(old), Some(new)) = (toolchain("1.21"), toolchain("1.22")) else {
        return;
    };
    let ctx = TestContext::new();
    let index: Vec<serde_json::Value> = [&new, &old].iter().map(|t| t.index_entry()).collect();
    ctx.mirror
        .serve_bytes("/index.json", serde_json::to_vec(&index).unwrap());
    for toolchain in [&old, &new] {
        ctx.mirror.serve_file(
            &common::Mirror::archive_path(&toolchain.filename),
            &toolchain.archive,
        );
    }

    // The binaries under test are arm64 ones, and say so.
    assert!(is_aarch64_elf(&arm.gover) && is_aarch64_elf(&arm.shim));
    gover(&ctx, &arm, &["--version"])
        .run()
        .assert_success()
        .assert_stdout_contains(cross::TARGET);
    // It picks the linux-arm64 archives out of the index.
    gover(&ctx, &arm, &["list", "--remote"])
        .run()
        .assert_success()
        .assert_stdout_contains(&new.version);

    for toolchain in [&new, &old] {
        timed(
            &format!("gover install {} (arm64)", toolchain.version),
            || {
                gover(&ctx, &arm, &["install", &toolchain.version])
                    .run()
                    .assert_success();
            },
        );
    }
    ctx.assert_default(&new.version);
    ctx.assert_no_leftovers();
    assert_eq!(
        ctx.installed(),
        [old.version.as_str(), new.version.as_str()]
    );
    // The shims are links to the arm64 shim beside the arm64 gover.
    assert_eq!(
        std::fs::canonicalize(ctx.shim_path("go")).unwrap(),
        arm.shim.canonicalize().unwrap()
    );
    assert!(is_aarch64_elf(&ctx.tool_path(&new.version, "go")));

    // The default runs, and builds a program that runs.
    let hello = ctx.project.join("hello");
    write_module(&hello, "hello from arm64");
    shim(&ctx, &arm, "go", &hello, &["version"])
        .run()
        .assert_success()
        .assert_stdout(&version_line(&new));
    shim(&ctx, &arm, "go", &hello, &["env", "GOROOT", "GOARCH"])
        .run()
        .assert_success()
        .assert_stdout(&format!(
            "{}\narm64\n",
            ctx.version_dir(&new.version).display()
        ));
    timed(
        &format!("go{} build (arm64, under qemu)", new.version),
        || {
            shim(&ctx, &arm, "go", &hello, &["build", "-o", "hello-bin", "."])
                .run()
                .assert_success();
        },
    );
    let built = hello.join("hello-bin");
    assert!(is_aarch64_elf(&built), "{} is not arm64", built.display());
    ctx.command(&built)
        .run()
        .assert_success()
        .assert_stderr_contains("hello from arm64");
    shim(&ctx, &arm, "gofmt", &hello, &["-l", "."])
        .run()
        .assert_success()
        .assert_stdout("");

    // `gover use` switches what the same shim runs.
    gover(&ctx, &arm, &["use", &old.version])
        .run()
        .assert_success();
    ctx.assert_default(&old.version);
    shim(&ctx, &arm, "go", &hello, &["version"])
        .run()
        .assert_success()
        .assert_stdout(&version_line(&old));

    // A `.go-version` pins its subtree (written by `gover local`), whatever the default.
    let pinned = ctx.project.join("pinned");
    std::fs::create_dir_all(&pinned).unwrap();
    gover(&ctx, &arm, &["local", &new.version])
        .cwd(&pinned)
        .run()
        .assert_success();
    assert_eq!(
        std::fs::read_to_string(pinned.join(".go-version")).unwrap(),
        format!("{}\n", new.version)
    );
    shim(&ctx, &arm, "go", &pinned, &["version"])
        .run()
        .assert_success()
        .assert_stdout(&version_line(&new));
    gover(&ctx, &arm, &["current"])
        .cwd(&pinned)
        .run()
        .assert_success()
        .assert_stdout(&format!(
            "{} (set by {})\n",
            new.version,
            pinned.join(".go-version").display()
        ));
    shim(&ctx, &arm, "go", &hello, &["version"])
        .run()
        .assert_success()
        .assert_stdout(&version_line(&old));

    // Uninstall: the default is refused, another version goes, and its directory with it.
    gover(&ctx, &arm, &["uninstall", &old.version])
        .run()
        .assert_error(1);
    gover(&ctx, &arm, &["use", &new.version])
        .run()
        .assert_success();
    gover(&ctx, &arm, &["uninstall", &old.version])
        .run()
        .assert_success();
    assert_eq!(ctx.installed(), [new.version.as_str()]);
    assert!(!ctx.version_dir(&old.version).exists());
    shim(&ctx, &arm, "go", &hello, &["version"])
        .run()
        .assert_success()
        .assert_stdout(&version_line(&new));
}

/// The guest's system calls from qemu's log (`-d strace`), one `name(args) = result` string each, up to and
/// including the first `execve` (the tool's: qemu is gone after it).
fn guest_calls(log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(log).unwrap();
    let mut calls = Vec::new();
    for line in text.lines() {
        // `PID name(args) = result`; qemu logs an execve's result on a line of its own after it.
        let Some((pid, call)) = line.split_once(' ') else {
            continue;
        };
        if pid.parse::<u32>().is_err() {
            continue;
        }
        calls.push(call.to_owned());
        if call.starts_with("execve(") {
            break;
        }
    }
    calls
}

/// Runs `shims/go version` under `qemu-aarch64 -d strace` in `cwd`; the guest's calls.
fn traced_shim(ctx: &TestContext, arm: &Aarch64, cwd: &Path) -> Vec<String> {
    let log = ctx.root.join("qemu-strace.log");
    let _ = std::fs::remove_file(&log);
    ctx.command(&arm.qemu)
        .args(["-d", "strace", "-D"])
        .arg(&log)
        .arg(ctx.shim_path("go"))
        .arg("version")
        .cwd(cwd)
        .run()
        .assert_success()
        .assert_stdout_contains("go1.22.5");
    guest_calls(&log)
}

fn installed_on_arm(arm: &Aarch64) -> TestContext {
    let ctx = TestContext::new();
    // A fake release's tools are shell scripts: they run on any architecture.
    let archive = common::release::fake_archive("1.22.5", &[]);
    let filename = "go1.22.5.linux-arm64.tar.gz";
    let index = serde_json::json!([{
        "version": "go1.22.5", "stable": true, "files": [{
            "filename": filename, "os": "linux", "arch": "arm64", "version": "go1.22.5",
            "sha256": common::release::sha256_hex(&archive), "size": archive.len(), "kind": "archive",
        }],
    }]);
    ctx.mirror
        .serve_bytes("/index.json", serde_json::to_vec(&index).unwrap());
    ctx.mirror
        .serve_bytes(&common::Mirror::archive_path(filename), archive);
    gover(&ctx, arm, &["install", "1.22.5"])
        .run()
        .assert_success();
    ctx
}

/// What the portable shim may spend on aarch64 in the usual case (no version file, `current` decides):
/// `FIXED` calls whatever the depth (static glibc's start-up, `getcwd`, the handle on the cwd, then
/// `readlinkat current`, a `statx` of the tool and of `locks/`, the in-use lock's `openat`, `flock` and
/// `fcntl`, and the `execve`), and `PER_LEVEL` for each component of the cwd (`/` counted): a `readlinkat`
/// (std's `canonicalize`), four `openat` of the names, the `openat` of `..`, and the handle's `close`
/// (with the `fcntl(F_GETFD)` a debug build of std makes before each `close`). Measured at 19 + 8 per
/// level; the 2 over that are headroom for a change that adds a lock (an `openat` and an `flock`).
const FIXED: usize = 19 + 2;
const PER_LEVEL: usize = 8;

/// See: issue 26 item 2. The freestanding shim is x86_64-only; aarch64 gets the portable one (std), whose
/// calls are counted here from qemu's log of the guest's own calls (`qemu-aarch64 -d strace`: qemu's own
/// calls are not in it), at two depths so a cost per level shows as one.
#[test]
fn the_portable_shim_on_aarch64_stays_within_its_system_call_budget() {
    let Some(arm) = cross::aarch64() else {
        return;
    };
    let ctx = installed_on_arm(&arm);
    let shallow = ctx.project.clone();
    let deep = ctx.project.join("a/b/c/d/e/f/g/h/i/j");
    std::fs::create_dir_all(&deep).unwrap();
    let mut counts = Vec::new();
    for cwd in [&shallow, &deep] {
        // Twice: the first call may create `locks/` (one `mkdirat` more).
        traced_shim(&ctx, &arm, cwd);
        let calls = traced_shim(&ctx, &arm, cwd);
        let levels = cwd.components().count();
        let listing = calls.join("\n");
        eprintln!("{levels} levels: {} calls", calls.len());
        assert!(
            calls.len() <= FIXED + PER_LEVEL * levels,
            "{} calls at {levels} levels, over the budget of {} + {} a level:\n{listing}",
            calls.len(),
            FIXED,
            PER_LEVEL
        );
        // One program replaced by another: no process of its own, no second exec, the tool last.
        let execs: Vec<&String> = calls.iter().filter(|c| c.starts_with("execve(")).collect();
        assert_eq!(execs.len(), 1, "{listing}");
        assert!(
            execs[0].contains(&format!(
                "{:?}",
                ctx.tool_path("1.22.5", "go").display().to_string()
            )),
            "{listing}"
        );
        for spawn in ["clone", "fork", "vfork", "wait4"] {
            assert!(
                !calls.iter().any(|c| c.starts_with(&format!("{spawn}("))),
                "{listing}"
            );
        }
        counts.push((levels, calls.len()));
    }
    // The walk costs the same at every level: no call grows with the depth beyond its own level.
    let [(l1, c1), (l2, c2)] = counts[..] else {
        unreachable!()
    };
    assert!(
        c2 - c1 <= PER_LEVEL * (l2 - l1),
        "{} calls more for {} levels more",
        c2 - c1,
        l2 - l1
    );
}
