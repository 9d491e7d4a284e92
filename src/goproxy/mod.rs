//! The module-proxy side of Go's toolchain distribution (work in progress: configuration only).

pub mod config;
