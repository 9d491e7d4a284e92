//! Link settings for the two executables.
//!
//! - On Linux/x86_64, `gover-shim` is freestanding (`src/bin/gover-shim/freestanding/`): no libc, no
//!   dynamic loader, its own `_start`. It is linked static and non-PIE, without start files or
//!   default libraries, and compiled with the `gover_freestanding_shim` cfg.
//! - On Linux/glibc the unwinder (libgcc_eh) is linked statically, so a dynamic binary loads
//!   only libc at start-up instead of libc and libgcc_s.
//!
//! Both are about the shim's cost on every `go` call (docs/performance.md).
//!
//! `GOVER_PORTABLE_SHIM=1` builds the portable shim (std, in-process) on Linux/x86_64 too, to
//! check and test the variant other platforms get.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    println!("cargo::rustc-check-cfg=cfg(gover_freestanding_shim)");
    println!("cargo::rerun-if-env-changed=GOVER_PORTABLE_SHIM");
    let portable = std::env::var_os("GOVER_PORTABLE_SHIM").is_some_and(|v| v == "1");
    if os == "linux" && arch == "x86_64" && !portable {
        println!("cargo::rustc-cfg=gover_freestanding_shim");
        for arg in ["-nostartfiles", "-nostdlib", "-static", "-no-pie"] {
            println!("cargo::rustc-link-arg-bin=gover-shim={arg}");
        }
    }
    if os == "linux" && env == "gnu" {
        println!("cargo::rustc-link-lib=static:-bundle=gcc_eh");
    }
    version_details();
}

/// `GOVER_COMMIT` (the short commit hash, from `git`, or the `GOVER_COMMIT` variable when
/// building from a source tarball, else `unknown`) and `GOVER_TARGET` (the target triple), for
/// `gover --version`.
fn version_details() {
    println!("cargo::rerun-if-env-changed=GOVER_COMMIT");
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo::rustc-env=GOVER_TARGET={target}");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let commit = std::env::var("GOVER_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo::rustc-env=GOVER_COMMIT={commit}");
    // A new commit (HEAD moving, or the branch it names) builds a new version string.
    for path in ["HEAD", "refs/heads", "packed-refs"] {
        if let Some(p) = git(&["rev-parse", "--git-path", path]) {
            println!("cargo::rerun-if-changed={p}");
        }
    }
    if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"])
        && let Some(p) = git(&["rev-parse", "--git-path", &head])
    {
        println!("cargo::rerun-if-changed={p}");
    }
}
