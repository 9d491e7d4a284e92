//! Safe unpacking of a `golang.org/toolchain` module zip into a staging dir (the `goproxy`
//! source's format), hashing every file on the way for the `h1:` check.
//!
//! Every entry must sit under `golang.org/toolchain@<version>/`, which is stripped. Absolute
//! names, `..`, empty or `.` components, backslashes, directory and link entries, duplicates
//! are refused; what is written is bounded by the same [`super::bounds::Limits`] as a tarball,
//! taken from the zip's size (entries, path and component lengths, all paths together, and
//! unpacked bytes, counted from the bytes actually inflated, not the headers).
//! Module zips carry no file modes: like `go` after its own download, files under `bin/` and
//! `pkg/tool/` (and `lib/`'s `go_*_*_exec` helpers) are made executable, and every `_go.mod`
//! (a nested `go.mod`, renamed by the packager since module zips may not hold one) is copied
//! back to `go.mod`.
//!
//! A zip's directory sits at its end, so it is unpacked from a file, not a stream; that lets
//! several threads each inflate and write their share of the entries. Files are created as a
//! tarball's are ([`super::files`]): through the store when there is one, so a file another
//! version (from either source) holds is linked; the sha256 each file is stored under is the
//! one its `h1:` line needs.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::bounds::{BoundError, Budget};
use super::error::UnpackError;
use super::files::{self, SMALL_FILE};
use super::options::Options;
use crate::store::{NewFile, Store};
use ::zip::result::ZipError;

/// The name and sha256 of every file of the zip (names as in the zip, prefix included), for
/// the `h1:` hash.
pub type FileHashes = Vec<(String, [u8; 32])>;

/// Unpack the module zip at `zip_path` into `dest` (existing and empty), stripping `prefix`
/// (`golang.org/toolchain@<version>/`), within `options`' bounds (see
/// [`super::Limits::for_archive`], from the zip's size), with its writer threads and through
/// its store. `on_file` is called per file written (for progress). Returns the hashes and the
/// files written afresh (to adopt into the store once the `h1:` is verified).
pub fn unpack(
    zip_path: &Path,
    prefix: &str,
    dest: &Path,
    options: &Options,
    on_file: &(dyn Fn() + Sync),
) -> Result<(FileHashes, Vec<NewFile>), UnpackError> {
    let limits = options.limits;
    let threads = options.threads;
    let store = &*options.store;
    let max_bytes = limits.unpacked_bytes;
    let mut archive = open(zip_path)?;
    let mut budget = Budget::new(limits);
    // The zip crate keeps one of two entries with the same name; Go would hash both.
    if archive.has_duplicate_names() {
        return Err(UnpackError::Unsafe {
            entry: "(several)".into(),
            reason: "two entries with the same name",
        });
    }
    // Check every name before writing anything, and make the dirs.
    let mut names = Vec::with_capacity(archive.len());
    let mut seen = HashSet::new();
    let mut dirs = HashSet::new();
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(UnpackError::CorruptZip)?;
        let name = String::from_utf8(entry.name_raw().to_vec())
            .map_err(|_| unsafe_entry(&String::from_utf8_lossy(entry.name_raw()), "not UTF-8"))?;
        budget.entry()?;
        budget.path(name.as_bytes())?;
        if entry.is_dir() {
            return Err(unsafe_entry(
                &name,
                "a directory entry (module zips hold files only)",
            ));
        }
        if entry.is_symlink() || entry.unix_mode().is_some_and(|m| m & 0o170000 == 0o120000) {
            return Err(unsafe_entry(&name, "a link"));
        }
        let rel = inner_path(&name, prefix)?;
        // Two names differing only in case would be one file on a case-insensitive disk; Go's
        // module zips forbid them too.
        if !seen.insert(rel.to_lowercase()) {
            return Err(unsafe_entry(&name, "duplicate entry"));
        }
        declared = declared.saturating_add(entry.size());
        let mut parent = Path::new(&rel).parent();
        while let Some(p) = parent.filter(|p| !p.as_os_str().is_empty()) {
            if !dirs.insert(p.to_path_buf()) {
                break;
            }
            parent = p.parent();
        }
        names.push((name, rel));
    }
    if declared > max_bytes {
        return Err(BoundError::UnpackedBytes { limit: max_bytes }.into());
    }
    for (_, rel) in &names {
        if dirs.contains(Path::new(rel)) {
            return Err(unsafe_entry(rel, "a file where a directory is needed"));
        }
    }
    let mut dirs: Vec<PathBuf> = dirs.into_iter().collect();
    dirs.sort_by_key(|d| d.components().count());
    for dir in &dirs {
        // The mode of a release's dirs whatever the umask (a umask of 000 must not make the
        // GOROOT world-writable).
        let path = dest.join(dir);
        std::os::unix::fs::DirBuilderExt::mode(&mut fs::DirBuilder::new(), crate::fsutil::DIR_MODE)
            .create(&path)
            .map_err(|source| UnpackError::Write { path, source })?;
    }

    // Inflate, hash and write in parallel: each thread takes the next entry index, reading
    // through its own copy of the parsed directory (shared, not parsed again) and its own
    // position in the file. The first failure stops the others, at once even inside an entry.
    let next = AtomicUsize::new(0);
    let written = AtomicU64::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<UnpackError>> = Mutex::new(None);
    let hashes: Mutex<Vec<Option<[u8; 32]>>> = Mutex::new(vec![None; names.len()]);
    let new_files: Mutex<Vec<NewFile>> = Mutex::new(Vec::new());
    let entries = &names;
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let mut archive = archive.clone();
            let (next, written, failed) = (&next, &written, &failed);
            let (first_error, hashes, new_files) = (&first_error, &hashes, &new_files);
            scope.spawn(move || {
                let mut buffer = Vec::new();
                let mut mine = Vec::new();
                let result = (|| -> Result<(), UnpackError> {
                    loop {
                        if failed.load(Ordering::Relaxed) {
                            break;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((name, rel)) = entries.get(i) else {
                            break;
                        };
                        let in_entry = |source| UnpackError::CorruptEntry {
                            entry: crate::output::text::printable(name),
                            source,
                        };
                        let entry = archive.by_index(i).map_err(in_entry)?;
                        let declared = entry.size();
                        let mut entry = Counted {
                            inner: entry,
                            written,
                            limit: max_bytes,
                            failed,
                        };
                        let digest = write_entry(
                            &mut entry,
                            declared,
                            &dest.join(rel),
                            mode_of(rel),
                            store,
                            &mut buffer,
                            &mut mine,
                        )
                        .map_err(|e| match e {
                            UnpackError::Read(e) => in_entry(ZipError::Io(e)),
                            other => other,
                        })?;
                        hashes.lock().expect("hash lock")[i] = Some(digest);
                        on_file();
                    }
                    Ok(())
                })();
                new_files.lock().expect("file lock").append(&mut mine);
                if let Err(e) = result {
                    // A worker stopped by another's failure reports nothing of its own.
                    if !is_stopped(&e) {
                        first_error.lock().expect("error lock").get_or_insert(e);
                    }
                    failed.store(true, Ordering::Relaxed);
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().expect("error lock") {
        return Err(e);
    }
    let hashes = hashes.into_inner().expect("hash lock");
    restore_go_mods(dest, &names)?;
    if !dest.join("bin/go").is_file() {
        return Err(UnpackError::NoGoBinary(format!("bin/go under {prefix}")));
    }
    let hashes = names
        .into_iter()
        .zip(hashes)
        .map(|((name, _), h)| (name, h.expect("every entry was hashed")))
        .collect();
    Ok((hashes, new_files.into_inner().expect("file lock")))
}

fn open(zip_path: &Path) -> Result<::zip::ZipArchive<At>, UnpackError> {
    let file = File::open(zip_path).map_err(UnpackError::Read)?;
    ::zip::ZipArchive::new(At {
        file: Arc::new(file),
        at: 0,
    })
    .map_err(UnpackError::CorruptZip)
}

/// The zip file read at a position of its own (`pread`), so every thread reads the one open
/// file independently, and a parsed directory (which holds one) can be cloned cheaply.
#[derive(Clone)]
struct At {
    file: Arc<File>,
    at: u64,
}

impl Read for At {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = std::os::unix::fs::FileExt::read_at(&*self.file, buf, self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

impl Seek for At {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let at = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::Current(by) => self.at.checked_add_signed(by),
            SeekFrom::End(by) => self.file.metadata()?.len().checked_add_signed(by),
        };
        self.at = at.ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        Ok(self.at)
    }
}

/// Write one entry to `path`; its sha256. A file the zip says is small is read whole (one
/// byte more proves the zip did not understate it) and created in one go, so a file the store
/// holds is linked with no data written; anything larger is streamed in big chunks.
fn write_entry(
    entry: &mut impl Read,
    declared: u64,
    path: &Path,
    mode: u32,
    store: &Store,
    buffer: &mut Vec<u8>,
    new_files: &mut Vec<NewFile>,
) -> Result<[u8; 32], UnpackError> {
    let write_err = |source| UnpackError::Write {
        path: path.to_path_buf(),
        source,
    };
    let small = SMALL_FILE as usize;
    let mut head = 0;
    if declared <= SMALL_FILE {
        if buffer.len() <= small {
            buffer.resize(small + 1, 0);
        }
        head = files::fill(entry, &mut buffer[..small + 1]).map_err(read_err)?;
        if head <= small {
            return files::whole(store, &buffer[..head], mode, path, new_files).map_err(write_err);
        }
    }
    let mut file = files::Large::create(store, mode, path).map_err(write_err)?;
    file.write_all(&buffer[..head]).map_err(write_err)?;
    match file.copy_from(entry, buffer) {
        Err(files::CopyError::Read(e)) => return Err(read_err(e)),
        Err(files::CopyError::Write(e)) => return Err(write_err(e)),
        Ok(()) => {}
    }
    file.finish(new_files).map_err(write_err)
}

/// An entry's reader that counts what it inflates against the bound on the whole zip (shared
/// by every writer thread), and fails once it is broken, or once another thread failed.
struct Counted<'a, R> {
    inner: R,
    written: &'a AtomicU64,
    limit: u64,
    failed: &'a AtomicBool,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failed.load(Ordering::Relaxed) {
            return Err(io::Error::other(Stopped));
        }
        let n = self.inner.read(buf)?;
        if self.written.fetch_add(n as u64, Ordering::Relaxed) + n as u64 > self.limit {
            return Err(io::Error::other(BoundError::UnpackedBytes {
                limit: self.limit,
            }));
        }
        Ok(n)
    }
}

/// Why a worker gave up an entry halfway: another one failed.
#[derive(Debug, thiserror::Error)]
#[error("stopped: another entry failed")]
struct Stopped;

fn is_stopped(e: &UnpackError) -> bool {
    matches!(e, UnpackError::CorruptEntry { source: ZipError::Io(io), .. }
        if io.get_ref().is_some_and(|inner| inner.is::<Stopped>()))
}

/// A read error of an entry: a broken bound (from [`Counted`]) or a bad zip.
fn read_err(e: io::Error) -> UnpackError {
    match e.get_ref().and_then(|e| e.downcast_ref::<BoundError>()) {
        Some(bound) => UnpackError::Bound(bound.clone()),
        None => UnpackError::Read(e),
    }
}

/// `golang.org/toolchain@v…/a/b` → `a/b`, refusing anything that is not a plain relative path.
fn inner_path(name: &str, prefix: &str) -> Result<String, UnpackError> {
    let Some(rel) = name.strip_prefix(prefix) else {
        return Err(unsafe_entry(name, "outside the module prefix"));
    };
    if rel.is_empty() {
        return Err(unsafe_entry(name, "empty path"));
    }
    if rel.contains(['\\', '\0', '\n']) {
        return Err(unsafe_entry(
            name,
            "a backslash, NUL or newline in the name",
        ));
    }
    for part in rel.split('/') {
        match part {
            "" => return Err(unsafe_entry(name, "absolute path or empty component")),
            "." | ".." => return Err(unsafe_entry(name, "`.` or `..` in the path")),
            _ => {}
        }
    }
    Ok(rel.to_string())
}

/// Executable: `bin/*`, `pkg/tool/**`, and the `go_<os>_<arch>_exec` helpers under `lib/` and
/// `misc/` (cmd/go/internal/toolchain sets exactly these after a download).
fn mode_of(rel: &str) -> u32 {
    let base = rel.rsplit('/').next().unwrap_or(rel);
    let exec_helper = base.starts_with("go_")
        && base.ends_with("_exec")
        && base.len() > "go__exec".len() + 2
        && (rel.starts_with("lib/") || rel.starts_with("misc/"));
    if rel.starts_with("bin/") || rel.starts_with("pkg/tool/") || exec_helper {
        0o755
    } else {
        0o644
    }
}

/// Copy every `_go.mod` back to `go.mod`, `src/go.mod` last (as `go` does: until it exists
/// the tree is not a usable GOROOT for module-aware tools). The copy is a hard link: both
/// names are then the one stored file, the one a tarball's `go.mod` is.
fn restore_go_mods(dest: &Path, names: &[(String, String)]) -> Result<(), UnpackError> {
    let mut mods: Vec<&str> = names
        .iter()
        .map(|(_, rel)| rel.as_str())
        .filter(|rel| *rel == "_go.mod" || rel.ends_with("/_go.mod"))
        .collect();
    mods.sort_by_key(|rel| *rel == "src/_go.mod");
    for rel in mods {
        let from = dest.join(rel);
        let to = from.with_file_name("go.mod");
        if names
            .iter()
            .any(|(_, r)| Path::new(r) == to.strip_prefix(dest).unwrap_or(&to))
        {
            continue; // the zip has both; keep its go.mod
        }
        if fs::hard_link(&from, &to).is_ok() {
            continue;
        }
        fs::copy(&from, &to).map_err(|source| UnpackError::Write { path: to, source })?;
    }
    Ok(())
}

fn unsafe_entry(name: &str, reason: &'static str) -> UnpackError {
    UnpackError::Unsafe {
        entry: name.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::install::unpack::Limits;
    use sha2::{Digest, Sha256};
    use std::io::Write;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::sync::Arc;

    const P: &str = "golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64/";

    fn make_zip(entries: &[(&str, &[u8])]) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("t.zip");
        let mut w = ::zip::ZipWriter::new(File::create(&path).unwrap());
        let opts = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Deflated);
        for (name, data) in entries {
            if let Some(dir) = name.strip_suffix('/') {
                w.add_directory(dir, opts).unwrap();
            } else {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
        }
        w.finish().unwrap();
        fs::create_dir(tmp.path().join("stage")).unwrap();
        (tmp, path)
    }

    /// Unpack with the bounds `gover` uses for a zip of this size, through a store beside
    /// `dest` (or `store`), adopting what was written as a verified install would.
    fn unpack_with(
        zip: &Path,
        dest: &Path,
        store: Option<Arc<Store>>,
    ) -> Result<FileHashes, UnpackError> {
        let size = Some(fs::metadata(zip).unwrap().len());
        let store_dir = dest.parent().unwrap().join("store");
        let mut options = Options::new(size, 8, store_dir);
        if let Some(store) = store {
            options.store = store;
        }
        let (hashes, new_files) = unpack(zip, P, dest, &options, &|| {})?;
        options.store.adopt_all(new_files, 2);
        Ok(hashes)
    }

    fn go_bin() -> String {
        format!("{P}bin/go")
    }

    #[test]
    fn unpacks_strips_the_prefix_sets_exec_bits_and_restores_go_mod() {
        let names = [
            go_bin(),
            format!("{P}pkg/tool/linux_amd64/compile"),
            format!("{P}src/_go.mod"),
            format!("{P}src/cmd/_go.mod"),
            format!("{P}lib/wasm/go_js_wasm_exec"),
            format!("{P}VERSION"),
        ];
        let entries: Vec<(&str, &[u8])> =
            names.iter().map(|n| (n.as_str(), &b"data"[..])).collect();
        let (tmp, zip) = make_zip(&entries);
        let dest = tmp.path().join("stage");
        let hashes = unpack_with(&zip, &dest, None).unwrap();
        assert_eq!(hashes.len(), names.len());
        assert_eq!(hashes[0].0, go_bin());
        let mode = |p: &str| fs::metadata(dest.join(p)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("bin/go"), 0o755);
        assert_eq!(mode("pkg/tool/linux_amd64/compile"), 0o755);
        assert_eq!(mode("lib/wasm/go_js_wasm_exec"), 0o755);
        assert_eq!(mode("VERSION"), 0o644);
        assert_eq!(fs::read(dest.join("src/go.mod")).unwrap(), b"data");
        assert_eq!(fs::read(dest.join("src/cmd/go.mod")).unwrap(), b"data");
        assert_eq!(hashes[1].1, <[u8; 32]>::from(Sha256::digest(b"data")));
    }

    #[test]
    fn with_a_store_every_file_is_shared_and_hashed_once() {
        // A large file (streamed) and small ones (placed whole), one of them a `_go.mod`.
        let big: Vec<u8> = (0..SMALL_FILE as usize * 3 + 5)
            .map(|i| (i % 253) as u8)
            .collect();
        let names = [go_bin(), format!("{P}src/_go.mod"), format!("{P}VERSION")];
        let entries: Vec<(&str, &[u8])> = vec![
            (names[0].as_str(), &big[..]),
            (names[1].as_str(), &b"module std\n"[..]),
            (names[2].as_str(), &b"go1.22.5\n"[..]),
        ];
        let (tmp, zip) = make_zip(&entries);
        let store = Arc::new(Store::new(tmp.path().join("store")));
        let first = tmp.path().join("stage");
        let second = tmp.path().join("again");
        fs::create_dir(&second).unwrap();
        let hashes = unpack_with(&zip, &first, Some(store.clone())).unwrap();
        assert_eq!(
            hashes,
            unpack_with(&zip, &second, Some(store.clone())).unwrap()
        );
        for (name, data) in &entries {
            let digest: [u8; 32] = Sha256::digest(data).into();
            assert!(hashes.contains(&(name.to_string(), digest)), "{name}");
        }
        let meta = |p: &Path| fs::metadata(p).unwrap();
        for rel in ["bin/go", "src/_go.mod", "src/go.mod", "VERSION"] {
            let (a, b) = (meta(&first.join(rel)), meta(&second.join(rel)));
            assert_eq!(a.ino(), b.ino(), "{rel} is one stored file");
        }
        // `go.mod` is the stored `_go.mod`: 2 names in each tree, and the store's.
        assert_eq!(meta(&first.join("src/go.mod")).nlink(), 5);
        assert_eq!(fs::read(first.join("src/go.mod")).unwrap(), b"module std\n");
        assert_eq!(fs::read(second.join("bin/go")).unwrap(), big);
        assert_eq!(meta(&second.join("bin/go")).mode() & 0o111, 0o111);
        assert_eq!(meta(&second.join("VERSION")).mode() & 0o111, 0);
        assert_eq!(store.entries().len(), 3);
    }

    fn assert_refused(entries: &[(&str, &[u8])], part: &str) {
        let (tmp, zip) = make_zip(entries);
        let err = unpack_with(&zip, &tmp.path().join("stage"), None).unwrap_err();
        assert!(
            err.to_string().contains(part) || format!("{err:?}").contains(part),
            "{err:?}"
        );
        assert_only_stage(tmp.path());
    }

    /// Nothing escaped the staging dir, and nothing entered the store (no file was adopted).
    fn assert_only_stage(dir: &Path) {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["stage", "t.zip"]);
    }

    #[test]
    fn refuses_unsafe_names() {
        let g = go_bin();
        assert_refused(&[(&g, b"x"), ("evil", b"x")], "outside");
        assert_refused(
            &[
                (&g, b"x"),
                ("golang.org/toolchain@v0.0.1-go1.22.4.linux-amd64/x", b"x"),
            ],
            "outside",
        );
        assert_refused(&[(&format!("{P}../../evil"), b"x")], "..");
        assert_refused(&[(&format!("{P}a//b"), b"x")], "empty component");
        assert_refused(&[(&format!("{P}/etc/passwd"), b"x")], "absolute");
        assert_refused(&[(&format!("{P}a\\..\\b"), b"x")], "backslash");
        assert_refused(&[(&g, b"x"), (&format!("{P}bin/GO"), b"y")], "duplicate");
        assert_refused(&[(&format!("{P}bin/"), b"")], "directory");
        assert_refused(
            &[(&format!("{P}a"), b"x"), (&format!("{P}a/b"), b"x")],
            "directory is needed",
        );
    }

    #[test]
    fn refuses_two_entries_of_the_exact_same_name() {
        // The zip writer refuses duplicates, so rename the second entry in place (its local
        // header and its central-directory record): `bin/gx` becomes a second `bin/go`.
        let g = go_bin();
        let (tmp, zip) = make_zip(&[(&g, b"x"), (&format!("{P}bin/gx"), b"y")]);
        let mut bytes = fs::read(&zip).unwrap();
        let needle = format!("{P}bin/gx");
        let at: Vec<usize> = bytes
            .windows(needle.len())
            .enumerate()
            .filter(|(_, w)| *w == needle.as_bytes())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(at.len(), 2, "local header and central directory");
        for i in at {
            bytes[i + needle.len() - 1] = b'o';
        }
        fs::write(&zip, bytes).unwrap();
        let err = unpack_with(&zip, &tmp.path().join("stage"), None).unwrap_err();
        assert!(err.to_string().contains("unsafe"), "{err:?}");
        assert!(
            matches!(&err, UnpackError::Unsafe { reason, .. } if reason.contains("same name")),
            "{err:?}"
        );
    }

    #[test]
    fn bounds_count_what_is_inflated() {
        // Over the least unpacked-bytes bound (16 MiB) from a zip of a few KiB.
        let big = vec![0u8; 20 << 20];
        let g = go_bin();
        let (tmp, zip) = make_zip(&[(&g, &big)]);
        let err = unpack_with(&zip, &tmp.path().join("stage"), None).unwrap_err();
        assert!(
            matches!(err, UnpackError::Bound(BoundError::UnpackedBytes { .. })),
            "{err:?}"
        );
        let (tmp, zip) = make_zip(&[(&g, b"x"), (&format!("{P}y"), b"y")]);
        let few = Options {
            limits: Limits {
                entries: 1,
                ..Limits::for_archive(Some(1))
            },
            ..Options::new(None, 2, tmp.path().join("store"))
        };
        let err = unpack(&zip, P, &tmp.path().join("stage"), &few, &|| {}).unwrap_err();
        assert!(
            matches!(err, UnpackError::Bound(BoundError::Entries { .. })),
            "{err:?}"
        );
    }

    /// A release-shaped zip: `bin/go`, `big` (streamed), and `n` small files.
    fn many_entries(n: usize, big: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut entries = vec![
            (format!("{P}VERSION"), b"go1.22.5\n".to_vec()),
            (go_bin(), b"#!/bin/sh\n".to_vec()),
            (format!("{P}pkg/tool/linux_amd64/compile"), big.to_vec()),
        ];
        for i in 0..n {
            let data = format!("package p{i}\n// {}\n", "x".repeat(i % 300)).into_bytes();
            entries.push((format!("{P}src/p{}/f{i}.go", i % 40), data));
        }
        entries
    }

    fn borrowed(entries: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
        entries
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect()
    }

    fn big_file() -> Vec<u8> {
        (0..3 * files::WRITE_CHUNK + 77)
            .map(|i| (i * 31 % 251) as u8)
            .collect()
    }

    #[test]
    fn many_entries_and_a_large_file_unpack_on_every_thread_count() {
        let entries = many_entries(2000, &big_file());
        let (tmp, zip) = make_zip(&borrowed(&entries));
        for threads in [1, 2, 3, 8] {
            let dest = tmp.path().join(format!("stage{threads}"));
            fs::create_dir(&dest).unwrap();
            let options = Options::new(
                Some(fs::metadata(&zip).unwrap().len()),
                threads,
                tmp.path().join(format!("store{threads}")),
            );
            let (hashes, new_files) = unpack(&zip, P, &dest, &options, &|| {}).unwrap();
            assert_eq!(new_files.len(), entries.len(), "{threads} threads");
            // The hashes come in the zip's order, each the sha256 of its own file.
            assert_eq!(hashes.len(), entries.len());
            for ((name, data), (hashed, digest)) in entries.iter().zip(&hashes) {
                assert_eq!(name, hashed);
                assert_eq!(*digest, <[u8; 32]>::from(Sha256::digest(data)), "{name}");
                let rel = name.strip_prefix(P).unwrap();
                assert_eq!(&fs::read(dest.join(rel)).unwrap(), data, "{rel}");
            }
        }
    }

    /// The zip of `entries` with the compressed data of `victim` damaged.
    fn damaged(entries: &[(String, Vec<u8>)], victim: &str) -> (tempfile::TempDir, PathBuf) {
        let (tmp, zip) = make_zip(&borrowed(entries));
        let mut archive = ::zip::ZipArchive::new(File::open(&zip).unwrap()).unwrap();
        let entry = archive.by_name(victim).unwrap();
        let (start, len) = (entry.data_start().unwrap(), entry.compressed_size());
        drop(entry);
        let mut bytes = fs::read(&zip).unwrap();
        for b in &mut bytes[(start + len / 3) as usize..(start + len / 2) as usize] {
            *b ^= 0x5a;
        }
        fs::write(&zip, bytes).unwrap();
        (tmp, zip)
    }

    #[test]
    fn a_damaged_entry_is_named_whichever_worker_meets_it() {
        let entries = many_entries(600, &big_file());
        for victim in [
            format!("{P}src/p7/f407.go"),
            format!("{P}pkg/tool/linux_amd64/compile"),
        ] {
            let (tmp, zip) = damaged(&entries, &victim);
            for threads in [1, 4] {
                let err = unpack_with_threads(&zip, &tmp, threads).unwrap_err();
                match &err {
                    UnpackError::CorruptEntry { entry, .. } => assert_eq!(*entry, victim),
                    other => panic!("{other:?}"),
                }
                assert!(err.to_string().contains(&victim), "{err}");
            }
        }
    }

    /// Unpack into a fresh `stage-N` dir of `tmp` with `threads` workers.
    fn unpack_with_threads(
        zip: &Path,
        tmp: &tempfile::TempDir,
        threads: usize,
    ) -> Result<FileHashes, UnpackError> {
        let dest = tmp.path().join(format!("stage-{threads}"));
        fs::create_dir(&dest).unwrap();
        let options = Options::new(
            Some(fs::metadata(zip).unwrap().len()),
            threads,
            tmp.path().join("store"),
        );
        unpack(zip, P, &dest, &options, &|| {}).map(|(hashes, _)| hashes)
    }

    #[test]
    fn a_failed_write_is_named_and_stops_the_other_workers() {
        // The first entry a worker takes cannot be created (a dir is in its place); the
        // others stop at their next entry rather than unpack the remaining thousands.
        let entries = many_entries(5000, &big_file());
        let (tmp, zip) = make_zip(&borrowed(&entries));
        let dest = tmp.path().join("stage");
        fs::create_dir_all(dest.join("VERSION")).unwrap();
        let written = AtomicUsize::new(0);
        let options = Options::new(
            Some(fs::metadata(&zip).unwrap().len()),
            4,
            tmp.path().join("store"),
        );
        let err = unpack(&zip, P, &dest, &options, &|| {
            written.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap_err();
        match &err {
            UnpackError::Write { path, .. } => assert_eq!(*path, dest.join("VERSION")),
            other => panic!("{other:?}"),
        }
        let written = written.into_inner();
        assert!(
            written < entries.len() / 2,
            "{written} files after the failure"
        );
        assert_only_stage(tmp.path());
    }

    #[test]
    fn requires_bin_go_and_a_real_zip() {
        let (tmp, zip) = make_zip(&[(&format!("{P}VERSION"), b"go1.22.5")]);
        let err = unpack_with(&zip, &tmp.path().join("stage"), None).unwrap_err();
        assert!(matches!(err, UnpackError::NoGoBinary(_)), "{err:?}");
        fs::write(&zip, b"not a zip").unwrap();
        let err = unpack_with(&zip, &tmp.path().join("stage"), None).unwrap_err();
        assert!(matches!(err, UnpackError::CorruptZip(_)), "{err:?}");
    }
}
