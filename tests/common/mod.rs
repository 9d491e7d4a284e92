//! The shared test harness: a loopback mirror, fake and real Go releases, and a per-test sandbox.
//!
//! - [`mirror`]: an HTTP/1.1 server on 127.0.0.1 playing go.dev/dl (and an HTTP proxy), with persistent or
//!   scripted per-request faults (status, Retry-After, drop, stall, wrong bytes, ignored Range, lying length).
//! - [`release`]: fake releases (tar.gz with scripted `go`/`gofmt`), hostile archive entries, and the
//!   go.dev-format index.
//! - [`toolchain`]: real toolchains from `/usr/lib/go-1.NN` repackaged as official archives, cached.
//! - [`custom_build`]: a real custom Go build (`go1.21.13-bigcorp`) made by `make.bash` from Debian's Go
//!   source tree, cached.
//! - [`cross`]: gover cross-built for aarch64 Linux and run under qemu-user, and Debian's linux-arm64 Go trees.
//! - [`context`]: `TestContext`, which runs `gover` and the shims in a sandbox and asserts on the outcome.
//! - [`goproxy`]: a loopback GOPROXY serving `golang.org/toolchain` module zips (fake, or real Debian
//!   toolchains packed like golang/build's dl2mod) and a checksum database with its own key.
//! - [`tls`]: an HTTPS front for the mirror with a throwaway CA (trusted through `SSL_CERT_FILE`), and a
//!   `CONNECT` proxy that tunnels.
//! - [`nginx`]: Debian's nginx started by a test (its own config, pid, logs and temp paths; TLS from a CA
//!   made with `openssl`), on one port of several loopback addresses, and its access log as data.
//! - [`shells`]: running the real shells (bash, zsh, fish, dash) in each start-up mode inside a `TestContext`,
//!   and `gover doctor --json` helpers.
//! - [`mount_ns`]: commands in a private mount namespace where the test's files stand in for
//!   `/etc/profile`, `/etc/profile.d` and the like, so the real shells read them without touching the machine.
//! - [`terminal`]: running `gover` on a real pseudo-terminal (`script`), and reading what it printed there.
//! - [`loop_fs`]: a real ext4 filesystem on a loop device, and a simulated power cut of it.
//! - [`procs`]: polling real concurrent processes (bounded) and seeing who holds or waits on an `flock`.
//! - [`gover_release`]: gover's own release tarball, packed by `scripts/release.sh` from the binaries under test.
//! - [`raw_exec`]: running a program with an exact argv and envp (duplicates, any argv[0], raw bytes).
//! - [`store`]: `$GOVER_HOME/store`'s entries, inode numbers and `du` totals.
//! - [`docs`]: the Markdown docs as data: sections, fenced blocks, and links that must resolve.
//!
//! The harness's own tests are in `tests/harness.rs`, so they run once rather than in every test binary.

// Each test binary uses a different subset of the harness.
#![allow(dead_code)]

pub mod context;
pub mod cross;
pub mod custom_build;
pub mod docs;
pub mod goproxy;
pub mod gover_release;
pub mod loop_fs;
pub mod mirror;
pub mod mount_ns;
pub mod nginx;
pub mod procs;
pub mod raw_exec;
pub mod release;
pub mod shells;
pub mod store;
pub mod terminal;
pub mod tls;
pub mod toolchain;

/// Make a real FIFO at `path` (what a hostile repository can hold where a file is expected).
pub fn mkfifo(path: &std::path::Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o666) },
        0,
        "{}",
        path.display()
    );
}

#[allow(unused_imports)]
pub use context::{Outcome, Run, Spawned, TestContext, gover_exe, shim_exe, walk};
#[allow(unused_imports)]
pub use mirror::{Fault, Gate, Mirror};
#[allow(unused_imports)]
pub use release::Release;
