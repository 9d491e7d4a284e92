//! `gover-shim`: what `$GOVER_HOME/shims/go` and `shims/gofmt` link to. Every `go` call pays
//! for this file, so it does as little as it can before `exec`ing the real tool.
//!
//! - On Linux/x86_64 it is freestanding (`freestanding/`): no libc, no dynamic loader, its
//!   own `_start`, raw system calls. It resolves the version with the same rules and parsers as
//!   the CLI (`gover-core`) and execs the tool. Anything it does not finish itself (an error, a
//!   version that is not installed, auto-install) it hands to `gover __shim TOOL ARGS…`, which
//!   runs the full logic on std ([`gover::shim`]) and prints the message.
//! - Elsewhere it runs [`gover::shim::main`] as the C `main` (`#![no_main]`: std's runtime
//!   set-up is skipped; argv still reaches `std::env::args_os`).

#![no_main]
#![cfg_attr(gover_freestanding_shim, no_std)]
// Our own memcpy & co. must not be compiled into calls to themselves.
#![cfg_attr(gover_freestanding_shim, no_builtins)]

#[cfg(gover_freestanding_shim)]
mod freestanding;

#[cfg(not(gover_freestanding_shim))]
#[unsafe(no_mangle)]
pub extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    std::ffi::c_int::from(gover::shim::main())
}
