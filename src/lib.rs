//! gover: a Go SDK version manager. The library behind the `gover` CLI. On Linux/x86_64
//! `gover-shim` is freestanding and shares only `gover-core` with it, handing what it does not
//! finish to [`shim`] (`gover __shim`); elsewhere the shim runs [`shim`] itself.

pub mod cli;
pub mod commands;
pub mod doctor;
pub mod download;
pub mod edit;
pub mod env;
pub mod error;
pub mod execve;
pub mod fsutil;
pub mod go_env_file;
pub mod gover_self;
pub mod home;
pub mod http;
pub mod import;
pub mod install;
pub mod interrupt;
pub mod link;
pub mod mirror;
pub mod output;
pub mod pathenv;
pub mod process;
pub mod prune;
pub mod resolve;
pub mod shell;
pub mod shim;
pub mod source;
pub mod store;
pub mod upgrade;
pub mod version;
