//! The shared test harness: a loopback mirror, fake and real Go releases, and a per-test sandbox.
//!
//! - [`mirror`]: an HTTP/1.1 server on 127.0.0.1 playing go.dev/dl, with per-path faults.
//! - [`release`]: fake releases (tar.gz with scripted `go`/`gofmt`) and the go.dev-format index.
//! - [`toolchain`]: real toolchains from `/usr/lib/go-1.NN` repackaged as official archives, cached.
//! - [`context`]: `TestContext`, which runs `gover` and the shims in a sandbox and asserts on the outcome.

// Each test binary uses a different subset of the harness.
#![allow(dead_code)]

pub mod context;
pub mod mirror;
pub mod release;
pub mod shells;
pub mod toolchain;

#[allow(unused_imports)]
pub use context::{Outcome, Run, TestContext, gover_exe, shim_exe, walk};
#[allow(unused_imports)]
pub use mirror::{Fault, Mirror};
#[allow(unused_imports)]
pub use release::Release;
