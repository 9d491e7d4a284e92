//! What gover's CLI and its shim must agree on, in one place: Go release names and their order,
//! what a `.go-version` or a `go.mod`/`go.work` asks for, and the names of gover's files and
//! environment variables.
//!
//! `no_std` and allocation-free: on Linux/x86_64 the shim is a freestanding executable (no
//! libc, no dynamic loader) that runs this code directly, so it picks exactly the version the
//! `gover` CLI reports.

#![no_std]

#[cfg(test)]
extern crate std;

pub mod env;
pub mod gomod;
pub mod layout;
pub mod version;
pub mod version_file;
pub mod walk;
