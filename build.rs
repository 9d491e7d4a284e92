//! Link settings for the two executables.
//!
//! - On Linux/x86_64, `gover-shim` is freestanding (`shims/freestanding/`): no libc, no
//!   dynamic loader, its own `_start`. It is linked static and non-PIE, without start files or
//!   default libraries, and compiled with the `gover_freestanding_shim` cfg.
//! - On Linux/glibc the unwinder (libgcc_eh) is linked statically, so a dynamic binary loads
//!   only libc at start-up instead of libc and libgcc_s.
//!
//! Both are about the shim's cost on every `go` call (README, Performance).
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
}
