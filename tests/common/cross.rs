//! gover built for another target (`aarch64-unknown-linux-gnu`) and run under qemu-user, with Debian's
//! linux-arm64 Go trees as the toolchains it installs.
//!
//! - [`aarch64`] cross-builds both binaries (`cargo build --target aarch64-unknown-linux-gnu`, static with
//!   `crt-static` as releases are, linked by Debian's `aarch64-linux-gnu-gcc`) and finds `qemu-aarch64`.
//! - [`debian_arm64_goroot`] fetches Debian's `golang-1.NN-go:arm64` and the arch-independent `golang-1.NN-src`
//!   with `apt-get download` and unpacks them with `dpkg-deb -x`, once: both are kept under
//!   [`super::toolchain::cache_dir`] for later runs.
//!
//! qemu-user passes a guest's `execve` to the host kernel, so a program gover or the shim execs (`go`, and
//! the compiler and linker `go build` runs) is an arm64 executable the kernel must be able to start: that
//! needs qemu registered with `binfmt_misc` (`.ci/run` registers it). gover and the shim themselves are run
//! as `qemu-aarch64 BINARY ARGS…`, which needs no registration.
//!
//! Each prerequisite that is missing makes the test skip with a message, except under `CI=true`, where it
//! panics: CI installs all of them.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::toolchain::cache_dir;

/// Rust's name for the target.
pub const TARGET: &str = "aarch64-unknown-linux-gnu";

/// Go's name for the platform.
pub const GO_PLATFORM: (&str, &str) = ("linux", "arm64");

/// Whether a prerequisite holds; if not, says why (the caller skips), except under `CI=true`, where it
/// panics: a test must not be skipped in CI because CI failed to set up what it needs.
pub fn require(holds: bool, why: impl Display) -> bool {
    if holds {
        return true;
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but {why}: this test must not be skipped in CI (.ci/run sets it up)");
    }
    eprintln!("SKIPPED: {why}");
    false
}

/// gover and gover-shim built for aarch64 Linux, and the qemu that runs them.
pub struct Aarch64 {
    pub qemu: PathBuf,
    pub gover: PathBuf,
    pub shim: PathBuf,
}

/// The first of `candidates` that is a file.
fn first_file(candidates: &[&str]) -> Option<PathBuf> {
    candidates
        .iter()
        .map(PathBuf::from)
        .find(|path| path.is_file())
}

/// Builds both binaries for [`TARGET`] (a no-op when they are up to date) and checks that this machine can
/// run them and the arm64 programs they exec; `None` (after saying why) outside CI when it cannot.
pub fn aarch64() -> Option<Aarch64> {
    let qemu = first_file(&["/usr/bin/qemu-aarch64-static", "/usr/bin/qemu-aarch64"]);
    if !require(
        qemu.is_some(),
        "qemu-aarch64 is missing (apt-get install qemu-user-static)",
    ) {
        return None;
    }
    let linker = first_file(&["/usr/bin/aarch64-linux-gnu-gcc"]);
    if !require(
        linker.is_some(),
        "aarch64-linux-gnu-gcc is missing (apt-get install gcc-aarch64-linux-gnu)",
    ) {
        return None;
    }
    let sysroot = Command::new("rustc")
        .args(["--print", "target-libdir", "--target", TARGET])
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map(|dir| PathBuf::from(dir.trim()));
    if !require(
        sysroot.is_some_and(|dir| has_std(&dir)),
        format!("Rust's standard library for {TARGET} is missing (rustup target add {TARGET})"),
    ) {
        return None;
    }
    let target_dir = target_dir();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let linker = linker.unwrap();
    let status = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--quiet", "--bins", "--target", TARGET])
        .arg("--target-dir")
        .arg(&target_dir)
        // Static, as releases are (scripts/release.sh), so no arm64 dynamic loader is needed; and the
        // target's own settings only, whatever RUSTFLAGS the test run itself had.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env(
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
            "-C target-feature=+crt-static",
        )
        .env("CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER", &linker)
        .env("CC_aarch64_unknown_linux_gnu", &linker)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build --target {TARGET} failed");
    let bin = target_dir.join(TARGET).join("debug");
    let built = Aarch64 {
        qemu: qemu.unwrap(),
        gover: bin.join("gover"),
        shim: bin.join("gover-shim"),
    };
    // Started by the kernel itself, the way `go` and its compiler are started by the shim and by `go build`.
    let direct = Command::new(&built.gover).arg("--version").output();
    if !require(
        direct.is_ok_and(|out| out.status.success()),
        format!(
            "the kernel cannot run an arm64 executable ({}): register qemu with binfmt_misc \
             (as root: update-binfmts --enable qemu-aarch64, or .ci/run)",
            built.gover.display()
        ),
    ) {
        return None;
    }
    Some(built)
}

/// Whether `dir` holds a `libstd-*.rlib` (rustup names it with a hash).
fn has_std(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("libstd-") && name.ends_with(".rlib")
        })
    })
}

/// The target dir of this test run (`CARGO_TARGET_TMPDIR`'s parent), so the cross build is reused.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR has a parent (the target dir)")
        .to_path_buf()
}

/// Debian's linux-arm64 GOROOT for `minor` (`"1.22"`): `golang-<minor>-go:arm64` and `golang-<minor>-src`
/// unpacked under the cache (the GOROOT's `src`, `api`, `misc` and `test` are relative links into the
/// source package's `/usr/share/go-<minor>`, which lands beside it). `None` (after saying why) outside CI
/// when they cannot be fetched.
pub fn debian_arm64_goroot(minor: &str) -> Option<PathBuf> {
    let root = cache_dir().join(format!("debian-arm64-go-{minor}"));
    let goroot = root.join(format!("usr/lib/go-{minor}"));
    if goroot.join("bin/go").is_file() {
        return Some(goroot);
    }
    std::fs::create_dir_all(cache_dir()).unwrap();
    // Fetched and unpacked under a temporary name, renamed into place whole: a run that is interrupted
    // leaves nothing a later run would trust.
    let work = tempfile::Builder::new()
        .prefix(".debian-arm64-")
        .tempdir_in(cache_dir())
        .unwrap();
    let packages = [
        format!("golang-{minor}-go:arm64"),
        format!("golang-{minor}-src"),
    ];
    let fetched = Command::new("apt-get")
        .arg("download")
        .args(&packages)
        .current_dir(work.path())
        .output();
    let why = match &fetched {
        Ok(out) => String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        Err(err) => err.to_string(),
    };
    if !require(
        fetched.is_ok_and(|out| out.status.success()),
        format!(
            "apt-get download {} failed (needs `dpkg --add-architecture arm64` and `apt-get update`): {why}",
            packages.join(" ")
        ),
    ) {
        return None;
    }
    let unpacked = work.path().join("root");
    for deb in std::fs::read_dir(work.path()).unwrap().flatten() {
        if deb.path().extension().is_some_and(|ext| ext == "deb") {
            let status = Command::new("dpkg-deb")
                .arg("-x")
                .arg(deb.path())
                .arg(&unpacked)
                .status()
                .expect("run dpkg-deb");
            assert!(
                status.success(),
                "dpkg-deb -x {} failed",
                deb.path().display()
            );
        }
    }
    assert!(
        unpacked
            .join(format!("usr/lib/go-{minor}/bin/go"))
            .is_file(),
        "the arm64 package holds no usr/lib/go-{minor}/bin/go"
    );
    // Another test may have finished the same work meanwhile: then its copy stays.
    if std::fs::rename(&unpacked, &root).is_err() {
        assert!(
            goroot.join("bin/go").is_file(),
            "cannot put {} in place",
            root.display()
        );
    }
    Some(goroot)
}

/// Whether `path` is an ELF executable for aarch64 (`e_machine` 183).
pub fn is_aarch64_elf(path: &Path) -> bool {
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes.len() > 20
        && bytes[..4] == *b"\x7fELF"
        && u16::from_le_bytes([bytes[18], bytes[19]]) == 183
}
