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

/// Runs `step`, printing how long it took (nextest shows it for failures and with `--no-capture`).
fn timed<T>(step: &str, run: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = run();
    eprintln!("{step}: {:.1?}", started.elapsed());
    result
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
    assert_eq!(ctx.installed(), [old.version.as_str(), new.version.as_str()]);
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
