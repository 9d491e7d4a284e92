//! A real custom Go build, as a company would make one: Debian's Go source tree (`golang-1.NN-src`)
//! rebuilt by Go's own `make.bash` with a `VERSION` file that carries a suffix, so the toolchain reports
//! `go1.21.13-bigcorp` (what `go` checks when it switches to a toolchain: `toolchain go1.21.13 invoked to
//! provide go1.21.13-bigcorp` otherwise).
//!
//! The build takes minutes, so it is done once and kept in the cache shared by every test binary
//! (`target/e2e-cache/<format>/custom-go<V><suffix>-v1/go`), keyed by the source's version and the
//! suffix. Concurrent tests wait on one lock; the tree is built under a temporary name and renamed into
//! place, so a killed build never leaves a tree a later run would trust. When the source tree is missing
//! the caller skips, except under `CI=true`, where it panics: CI must run the test.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::toolchain::{cache_dir, debian_goroot, goroot_version};

/// Bump when the build recipe changes, so a stale cached tree is not reused.
const FORMAT: &str = "v1";

/// An empty zip archive (its end-of-central-directory record alone). `make.bash` embeds
/// `lib/time/zoneinfo.zip` into `time/tzdata`; Debian ships no copy (it uses the system's tzdata), and no
/// test needs the embedded zones.
const EMPTY_ZIP: [u8; 22] = *b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";

/// Whether Debian's Go source tree for `minor` is there (`golang-1.NN-src`); if not, says so (the caller
/// skips), except under `CI=true`, where it panics.
pub fn have_go_source(minor: &str) -> bool {
    let src = debian_goroot(minor).join("src/make.bash");
    if src.is_file() && debian_goroot(minor).join("bin/go").is_file() {
        return true;
    }
    let why = format!(
        "{} is missing (apt-get install golang-{minor}-go golang-{minor}-src)",
        src.display()
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but {why}: this test must not be skipped in CI");
    }
    eprintln!("SKIPPED: {why}");
    false
}

/// The GOROOT of Debian's Go `minor` rebuilt as `go<V><suffix>` (`suffix` like `-bigcorp`), built now
/// unless the cache has it. Debian's own toolchain bootstraps the build.
pub fn custom_goroot(minor: &str, suffix: &str) -> io::Result<PathBuf> {
    let debian = debian_goroot(minor);
    let version = format!("{}{suffix}", goroot_version(&debian)?);
    let cache = cache_dir();
    let home = cache.join(format!("custom-go{version}-{FORMAT}"));
    let goroot = home.join("go");
    if goroot.join("bin/go").is_file() {
        return Ok(goroot);
    }
    std::fs::create_dir_all(&cache)?;
    let lock = File::create(cache.join(format!("custom-go{version}-{FORMAT}.lock")))?;
    lock.lock()?;
    // Another test may have built it while this one waited.
    if goroot.join("bin/go").is_file() {
        return Ok(goroot);
    }
    let work = tempfile::Builder::new()
        .prefix(".custom-build-")
        .tempdir_in(&cache)?;
    let tree = work.path().join("go");
    std::fs::create_dir_all(tree.join("lib/time"))?;
    // Debian links `src` into /usr/share; the copy follows links so the build writes only its own tree.
    let status = Command::new("cp")
        .arg("-rL")
        .arg(debian.join("src"))
        .arg(tree.join("src"))
        .status()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "cp -rL of the Go source: {status}"
        )));
    }
    std::fs::copy(debian.join("go.env"), tree.join("go.env"))?;
    std::fs::write(tree.join("lib/time/zoneinfo.zip"), EMPTY_ZIP)?;
    std::fs::write(
        tree.join("VERSION"),
        format!("go{version}\ntime 2024-07-31T19:43:06Z\n"),
    )?;
    let log = work.path().join("make.log");
    let started = std::time::Instant::now();
    let status = Command::new("bash")
        .arg("make.bash")
        .current_dir(tree.join("src"))
        .env_remove("GOROOT")
        .env_remove("GOPATH")
        .env_remove("GOFLAGS")
        .env_remove("GOOS")
        .env_remove("GOARCH")
        .env("GOROOT_BOOTSTRAP", &debian)
        .env("GOTOOLCHAIN", "local")
        .env("CGO_ENABLED", "0")
        .env("GOCACHE", work.path().join("gocache"))
        .stdout(File::create(&log)?)
        .stderr(File::create(&log)?.try_clone()?)
        .status()?;
    if !status.success() {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        return Err(io::Error::other(format!(
            "make.bash for go{version} failed ({status}):\n{text}"
        )));
    }
    eprintln!(
        "built go{version} with make.bash in {:.0?}",
        started.elapsed()
    );
    // What make.bash leaves besides the toolchain: its object cache and the bootstrap build.
    for scratch in ["pkg/obj", "pkg/bootstrap"] {
        let _ = std::fs::remove_dir_all(tree.join(scratch));
    }
    std::fs::create_dir_all(&home)?;
    std::fs::rename(&tree, &goroot)?;
    Ok(goroot)
}

/// `go version`'s word for a GOROOT's toolchain (`go1.21.13-bigcorp`), asked of its own `bin/go`.
pub fn reported_version(goroot: &Path) -> String {
    let out = Command::new(goroot.join("bin/go"))
        .arg("version")
        .env("GOTOOLCHAIN", "local")
        .env_remove("GOROOT")
        .output()
        .expect("run the custom go");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace()
        .nth(2)
        .unwrap_or_default()
        .to_owned()
}
