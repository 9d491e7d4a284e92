//! Links the unwinder (libgcc_eh) statically on Linux/glibc, so binaries load only libc at
//! start-up instead of libc and libgcc_s. For the shim, which runs before every `go` call,
//! that is a measurable share of its cost (README, Performance).

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-lib=static:-bundle=gcc_eh");
    }
}
