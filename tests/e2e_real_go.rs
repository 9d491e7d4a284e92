//! End to end with genuine Go toolchains: Debian's `/usr/lib/go-1.19` and `/usr/lib/go-1.22`, repackaged as
//! official release archives (`common::toolchain`), served on the loopback mirror, installed by gover, and
//! then used through the shims to report their version and to build and run a module.
//!
//! Without the toolchains this test skips with a message, except under `CI=true`, where it fails: CI installs
//! them (`.ci/run`), so their absence there is a broken pipeline, not a reason to pass.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::TestContext;
use common::release::host_platform;
use common::toolchain::timed;
use common::toolchain::{RealToolchain, cache_dir, debian_goroot, have_debian_go, repackage};

/// Compiling the standard library on a small CI machine takes a while; this only guards against hangs.
const SLOW: Duration = Duration::from_secs(900);

/// The repackaged toolchain for Debian's `golang-<minor>-go`, or `None` (after saying why) outside CI.
fn toolchain(minor: &str) -> Option<RealToolchain> {
    if !have_debian_go(minor) {
        return None;
    }
    let goroot = debian_goroot(minor);
    let started = Instant::now();
    let toolchain = repackage(&goroot, &cache_dir())
        .unwrap_or_else(|err| panic!("repackaging {} failed: {err}", goroot.display()));
    eprintln!(
        "go{}: archive ready in {:.1?} ({} bytes)",
        toolchain.version,
        started.elapsed(),
        toolchain.size
    );
    Some(toolchain)
}

/// Serves `toolchains` and an index listing them, newest first.
fn publish(ctx: &TestContext, toolchains: &[&RealToolchain]) {
    let mut sorted = toolchains.to_vec();
    sorted.sort_by_key(|t| std::cmp::Reverse(common::release::version_key(&t.version)));
    let index: Vec<serde_json::Value> = sorted.iter().map(|t| t.index_entry()).collect();
    ctx.mirror
        .serve_bytes("/index.json", serde_json::to_vec(&index).unwrap());
    for toolchain in toolchains {
        ctx.mirror.serve_file(
            &common::Mirror::archive_path(&toolchain.filename),
            &toolchain.archive,
        );
    }
}

/// `go ARGS…` through `$GOVER_HOME/shims/go`, in `dir`, with Go's caches inside the sandbox and no network.
/// `go ARGS` through the shim with the default, `gover use` and `.go-version` deciding: the
/// test modules' `go 1.19` lines are kept out of it (`GOVER_GOMOD=0`); go.mod awareness has its
/// own step at the end.
fn go(ctx: &TestContext, dir: &Path, args: &[&str]) -> common::Outcome {
    go_cmd(ctx, dir, args).env("GOVER_GOMOD", "0").run()
}

fn go_cmd(ctx: &TestContext, dir: &Path, args: &[&str]) -> common::Run {
    ctx.shim_cmd("go", args)
        .cwd(dir)
        .env("GOCACHE", ctx.root.join("gocache"))
        .env("GOPATH", ctx.root.join("gopath"))
        .env("GOMODCACHE", ctx.root.join("gopath/pkg/mod"))
        .env("GOFLAGS", "-mod=mod")
        .env("GOPROXY", "off")
        .env("GOTELEMETRY", "off")
        .deadline(SLOW)
}

/// A hello-world module in `dir` that any Go since 1.19 builds.
fn write_hello_module(dir: &Path, greeting: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("go.mod"), "module example.com/hello\n\ngo 1.19\n").unwrap();
    std::fs::write(
        dir.join("main.go"),
        format!(
            "package main\n\nimport \"fmt\"\n\nfunc main() {{\n\tfmt.Println({greeting:?})\n}}\n"
        ),
    )
    .unwrap();
}

fn version_line(toolchain: &RealToolchain) -> String {
    let (os, arch) = host_platform();
    format!("go version go{} {os}/{arch}\n", toolchain.version)
}

#[test]
fn real_go_toolchains_install_switch_and_build_through_the_shims() {
    // Packing is CPU-bound on a cold cache: do both at once.
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| toolchain("1.19"));
        let new = s.spawn(|| toolchain("1.22"));
        (old.join().unwrap(), new.join().unwrap())
    });
    let (Some(old), Some(new)) = (old, new) else {
        return;
    };
    let ctx = TestContext::new();
    publish(&ctx, &[&old, &new]);

    // Install both; the first one becomes the default.
    for toolchain in [&new, &old] {
        timed(&format!("gover install {}", toolchain.version), || {
            ctx.gover_cmd(["install", &toolchain.version])
                .deadline(SLOW)
                .run()
                .assert_success();
        });
    }
    ctx.assert_default(&new.version);
    ctx.assert_no_leftovers();
    assert_eq!(ctx.installed().len(), 2);

    // The shim runs the default toolchain, which finds its own GOROOT.
    let hello = ctx.project.join("hello");
    write_hello_module(&hello, "hello from gover");
    go(&ctx, &hello, &["version"])
        .assert_success()
        .assert_stdout(&version_line(&new));
    go(&ctx, &hello, &["env", "GOROOT"])
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.version_dir(&new.version).display()));

    // gofmt dispatches through its own shim to the real gofmt.
    ctx.shim_cmd("gofmt", ["-l", "."])
        .cwd(&hello)
        .run()
        .assert_success()
        .assert_stdout("");

    // It builds and runs a module.
    timed(&format!("go{} run .", new.version), || {
        go(&ctx, &hello, &["run", "."])
            .assert_success()
            .assert_stdout("hello from gover\n");
    });
    timed(&format!("go{} build", new.version), || {
        go(&ctx, &hello, &["build", "-o", "hello-bin", "."]).assert_success();
    });
    ctx.command(hello.join("hello-bin"))
        .run()
        .assert_success()
        .assert_stdout("hello from gover\n");

    // `gover use` switches what the same shim runs.
    ctx.gover(["use", &old.version]).assert_success();
    ctx.assert_default(&old.version);
    go(&ctx, &hello, &["version"])
        .assert_success()
        .assert_stdout(&version_line(&old));
    timed(&format!("go{} run .", old.version), || {
        go(&ctx, &hello, &["run", "."])
            .assert_success()
            .assert_stdout("hello from gover\n");
    });

    // A `.go-version` in a subdirectory pins that subtree only.
    ctx.gover(["use", &new.version]).assert_success();
    let legacy = ctx.project.join("legacy");
    write_hello_module(&legacy, "hello from the legacy module");
    ctx.write_go_version(&legacy, &format!("{}\n", old.version));
    go(&ctx, &legacy, &["version"])
        .assert_success()
        .assert_stdout(&version_line(&old));
    go(&ctx, &hello, &["version"])
        .assert_success()
        .assert_stdout(&version_line(&new));
    timed(
        &format!("go{} build (pinned by .go-version)", old.version),
        || {
            go(&ctx, &legacy, &["build", "-o", "legacy-bin", "."]).assert_success();
        },
    );
    ctx.command(legacy.join("legacy-bin"))
        .run()
        .assert_success()
        .assert_stdout("hello from the legacy module\n");
    go(&ctx, &legacy, &["env", "GOROOT"])
        .assert_success()
        .assert_stdout(&format!("{}\n", ctx.version_dir(&old.version).display()));

    // With no .go-version, a module's go.mod decides: `go 1.22` runs the newest installed
    // 1.22.x even though the default is the older release.
    ctx.gover(["use", &old.version]).assert_success();
    let modern = ctx.project.join("modern");
    write_hello_module(&modern, "hello from go.mod");
    std::fs::write(
        modern.join("go.mod"),
        "module example.com/modern\n\ngo 1.22\n",
    )
    .unwrap();
    go_cmd(&ctx, &modern, &["version"])
        .run()
        .assert_success()
        .assert_stdout(&version_line(&new));
    go_cmd(&ctx, &modern, &["run", "."])
        .run()
        .assert_success()
        .assert_stdout("hello from go.mod\n");
    ctx.gover_cmd(["current"])
        .cwd(&modern)
        .run()
        .assert_success()
        .assert_stdout(&format!(
            "{} (set by {}:3)\n",
            new.version,
            modern.join("go.mod").display()
        ));
}
