//! gover: a Go SDK version manager. The library behind the `gover` CLI. On Linux/x86_64
//! `gover-shim` is freestanding and shares only `gover-core` with it, handing what it does not
//! finish to [`shim`] (`gover __shim`); elsewhere the shim runs [`shim`] itself.

pub mod cli;
pub mod commands;
pub(crate) mod digest;
pub(crate) mod doctor;
pub(crate) mod download;
pub(crate) mod edit;
pub(crate) mod env;
pub mod error;
pub(crate) mod execve;
pub mod exit;
pub(crate) mod fsutil;
pub(crate) mod go_env_file;
pub(crate) mod gover_self;
pub mod home;
pub(crate) mod http;
pub(crate) mod import;
pub mod install;
pub(crate) mod interrupt;
pub mod link;
pub(crate) mod mirror;
pub mod output;
pub(crate) mod pathenv;
pub(crate) mod process;
pub(crate) mod prune;
pub mod resolve;
pub(crate) mod settings;
pub mod shell;
pub mod shim;
pub mod source;
pub(crate) mod store;
pub(crate) mod upgrade;
pub mod version;
