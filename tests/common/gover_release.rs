//! gover's own release (what `scripts/release.sh` makes), packed from the binaries under test and
//! cached per build of them, for the installer and GitHub Action tests.

use std::path::{Path, PathBuf};

use super::context::{gover_exe, shim_exe};

/// The target triple install.sh picks on this machine (Linux: `<arch>-unknown-linux-gnu`).
pub fn target() -> String {
    format!("{}-unknown-linux-gnu", std::env::consts::ARCH)
}

pub use super::docs::repo;

/// gover's version, from Cargo.toml (what release.sh names the tarball after).
pub fn version() -> String {
    let toml = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    toml.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("a version in Cargo.toml")
        .to_owned()
}

/// `gover-<version>-<target>.tar.gz`.
pub fn tarball_name() -> String {
    format!("gover-{}-{}.tar.gz", version(), target())
}

/// A stamp of what a packed release depends on: the two binaries, both scripts and the docs.
fn stamp() -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for exe in [gover_exe(), shim_exe()] {
        let meta = std::fs::metadata(&exe).unwrap();
        (meta.len(), meta.modified().unwrap()).hash(&mut h);
    }
    let scripts = ["scripts/release.sh", "scripts/install.sh"].map(|s| repo().join(s));
    for file in scripts.into_iter().chain(super::docs::pages(repo())) {
        (&file, std::fs::read(&file).unwrap()).hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// Runs `scripts/release.sh OUTDIR` on the binaries under test, once per build of them: packing
/// ~80 MB of debug binaries takes a while, so the result is cached under the target dir (made
/// under a temporary name and renamed into place, so a concurrent test never sees half of it).
pub fn packed_release() -> PathBuf {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("installer-release");
    let done = cache.join(stamp());
    if done.join("VERSION").is_file() {
        return done;
    }
    std::fs::create_dir_all(&cache).unwrap();
    // One packer at a time (tests run in parallel processes); the others wait and reuse it.
    let lock = std::fs::File::create(cache.join(".lock")).unwrap();
    lock.lock().unwrap();
    if done.join("VERSION").is_file() {
        return done;
    }
    let work = tempfile::tempdir_in(&cache).unwrap();
    let out = std::process::Command::new(repo().join("scripts/release.sh"))
        .arg(work.path().join("out"))
        .env("GOVER_RELEASE_BIN_DIR", gover_exe().parent().unwrap())
        .env("GOVER_RELEASE_TARGET", target())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "release.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Losing the race to a concurrent test is fine: its result is the same.
    let _ = std::fs::rename(work.path().join("out"), &done);
    // Releases packed from earlier builds are of no more use (temporary dirs start with `.`).
    for old in std::fs::read_dir(&cache).unwrap().flatten() {
        if old.path() != done && !old.file_name().to_string_lossy().starts_with('.') {
            let _ = std::fs::remove_dir_all(old.path());
        }
    }
    done
}

/// Puts `gover` and `gover-shim` side by side in `bin`, as scripts/install.sh (or `cargo
/// install`) does: hard links to the binaries under test where possible, else copies.
pub fn place_binaries(bin: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    for exe in [gover_exe(), shim_exe()] {
        let to = bin.join(exe.file_name().unwrap());
        if std::fs::hard_link(&exe, &to).is_err() {
            std::fs::copy(&exe, &to).unwrap();
        }
    }
}
