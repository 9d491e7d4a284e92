//! gover: a Go SDK version manager. The library behind the `gover` CLI. On Linux/x86_64
//! `gover-shim` is freestanding and shares only `gover-core` with it, handing what it does not
//! finish to [`shims::run`] (`gover __shim`); elsewhere the shim runs [`shims::run`] itself.

pub mod cli;
pub mod commands;
pub mod dist;
pub mod doctor;
pub mod download;
pub mod edit;
pub mod env;
pub mod error;
pub mod execve;
pub mod fsutil;
pub mod goenv;
pub mod gomod;
pub mod goproxy;
pub mod home;
pub mod http;
pub mod import;
pub mod install;
pub mod interrupt;
pub mod inventory;
pub mod json;
pub mod link;
pub mod mirror;
pub mod output;
pub mod pathenv;
pub mod process;
pub mod progress;
pub mod prune;
pub mod repo_file;
pub mod resolve;
pub mod seen;
pub mod setup;
pub mod shell;
pub mod shims;
pub mod store;
pub mod text;
pub mod upgrade;
pub mod version;
pub mod version_file;
