//! Where releases come from, one module tree per source: [`dist`] (go.dev's index and tar.gz
//! archives, or a mirror of them) and [`goproxy`] (the `golang.org/toolchain` module from
//! `GOPROXY`, verified by the checksum database). Each holds its protocol code next to its
//! adapter for the install pipeline (`fetch.rs`).

pub mod dist;
pub mod goproxy;
