//! Safe unpacking of a Go release tar.gz into a staging dir (the `dist` source's format).
//!
//! Every entry must sit under the single top dir `go/`, which is stripped. Absolute paths,
//! `..`, links whose target leaves the dir, and device or fifo entries are refused, and
//! nothing is ever written outside `dest`: files are created with `O_CREAT|O_EXCL` (never
//! through an existing link), and link targets are checked before the link is made.

use std::collections::HashSet;
use std::fs::{self, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use ::tar::EntryType;
use flate2::read::GzDecoder;

/// The one top-level dir of every official archive.
const TOP_DIR: &str = "go";

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the archive is not a valid tar.gz")]
    Corrupt(#[source] io::Error),
    #[error("the archive entry `{entry}` is unsafe: {reason}")]
    Unsafe { entry: String, reason: &'static str },
    #[error("the archive has no go/bin/go")]
    NoGoBinary,
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Files up to this size are read into memory and handed to the writer pool; larger ones
/// (the few tool binaries) are streamed to disk by the reading thread. With the channel bound
/// below, at most `CHANNEL_DEPTH * SMALL_FILE` bytes wait in memory.
const SMALL_FILE: u64 = 128 * 1024;
const CHANNEL_DEPTH: usize = 64;

/// Unpack the gzip'd tar in `reader` into `dest` (which must exist and be empty).
/// `on_file` is called as each entry is handed out for writing (for progress).
///
/// Creating an inode is the dominant cost on slow disks (~0.5 ms each, ~13,000 files in a
/// release), and it is mostly kernel time that parallelizes, so small files are written by a
/// pool of threads while this thread decompresses, validates and creates directories.
/// Directories and symlinks are made here, in archive order, before any file below them is
/// handed out, so the "no writes through a link" check still sees every link. Hard links wait
/// until every file is written.
pub fn unpack(reader: impl Read, dest: &Path, on_file: impl FnMut()) -> Result<(), ArchiveError> {
    let pool = WriterPool::start(writer_threads());
    let mut hard_links = Vec::new();
    let read = read_entries(reader, dest, &pool, &mut hard_links, on_file);
    let written = pool.finish();
    read?;
    written?;
    for (link, target) in hard_links {
        fs::hard_link(&target, &link)
            .map_err(|source| ArchiveError::Write { path: link, source })?;
    }
    if !dest.join("bin/go").is_file() {
        return Err(ArchiveError::NoGoBinary);
    }
    Ok(())
}

fn read_entries(
    reader: impl Read,
    dest: &Path,
    pool: &WriterPool,
    hard_links: &mut Vec<(PathBuf, PathBuf)>,
    mut on_file: impl FnMut(),
) -> Result<(), ArchiveError> {
    let mut archive = ::tar::Archive::new(GzDecoder::new(reader));
    let mut made_dirs: HashSet<PathBuf> = HashSet::new();
    made_dirs.insert(dest.to_path_buf());
    // Every non-dir path written so far: a second entry for one is refused rather than raced.
    let mut taken: HashSet<PathBuf> = HashSet::new();
    for entry in archive.entries().map_err(ArchiveError::Corrupt)? {
        if pool.failed() {
            return Ok(()); // the pool's error is reported by `finish`
        }
        let mut entry = entry.map_err(ArchiveError::Corrupt)?;
        let raw_path = entry.path().map_err(ArchiveError::Corrupt)?.into_owned();
        let Some(rel) = inner_path(&raw_path)? else {
            continue; // the top dir itself
        };
        let target = dest.join(&rel);
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            make_dirs(&target, &mut made_dirs)?;
            continue;
        }
        if let Some(parent) = target.parent() {
            make_dirs(parent, &mut made_dirs)?;
        }
        if made_dirs.contains(&target) || !taken.insert(target.clone()) {
            return Err(unsafe_entry(&raw_path, "duplicate entry"));
        }
        match kind {
            EntryType::Regular | EntryType::Continuous => {
                let mode = file_mode(entry.header().mode().map_err(ArchiveError::Corrupt)?);
                if entry.size() <= SMALL_FILE {
                    let mut data = Vec::with_capacity(entry.size() as usize);
                    entry
                        .read_to_end(&mut data)
                        .map_err(ArchiveError::Corrupt)?;
                    pool.write(target, mode, data);
                } else {
                    write_file(&mut entry, &target, mode)?;
                }
            }
            EntryType::Symlink => {
                let link = link_name(&entry, &raw_path)?;
                check_symlink(&raw_path, &rel, &link)?;
                std::os::unix::fs::symlink(&link, &target).map_err(|source| {
                    ArchiveError::Write {
                        path: target.clone(),
                        source,
                    }
                })?;
            }
            EntryType::Link => {
                let link = link_name(&entry, &raw_path)?;
                let Some(link_rel) = inner_path(&link)? else {
                    return Err(unsafe_entry(&raw_path, "hard link to the top dir"));
                };
                hard_links.push((target, dest.join(link_rel)));
            }
            _ => return Err(unsafe_entry(&raw_path, "not a file, dir or link")),
        }
        on_file();
    }
    Ok(())
}

/// Writer threads: `GOVER_UNPACK_THREADS`, else a default measured on slow disks (see the
/// README's Performance section).
fn writer_threads() -> usize {
    crate::env::var(crate::env::GOVER_UNPACK_THREADS)
        .and_then(|n| n.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_WRITERS)
}

const DEFAULT_WRITERS: usize = 8;

struct Job {
    path: PathBuf,
    mode: u32,
    data: Vec<u8>,
}

/// A fixed pool of threads creating small files. The first failure is kept; after it, the
/// remaining jobs are drained without writing so the reader never blocks on a full channel.
struct WriterPool {
    sender: Option<mpsc::SyncSender<Job>>,
    threads: Vec<thread::JoinHandle<()>>,
    error: Arc<Mutex<Option<ArchiveError>>>,
    failed: Arc<AtomicBool>,
}

impl WriterPool {
    fn start(n: usize) -> WriterPool {
        let (sender, receiver) = mpsc::sync_channel::<Job>(CHANNEL_DEPTH);
        let receiver = Arc::new(Mutex::new(receiver));
        let error = Arc::new(Mutex::new(None));
        let failed = Arc::new(AtomicBool::new(false));
        let threads = (0..n)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                let error = Arc::clone(&error);
                let failed = Arc::clone(&failed);
                thread::spawn(move || {
                    loop {
                        let job = receiver.lock().expect("writer lock").recv();
                        let Ok(job) = job else { return };
                        if failed.load(Ordering::Relaxed) {
                            continue;
                        }
                        if let Err(e) = write_file(&mut &job.data[..], &job.path, job.mode) {
                            failed.store(true, Ordering::Relaxed);
                            error.lock().expect("error lock").get_or_insert(e);
                        }
                    }
                })
            })
            .collect();
        WriterPool {
            sender: Some(sender),
            threads,
            error,
            failed,
        }
    }

    fn write(&self, path: PathBuf, mode: u32, data: Vec<u8>) {
        if let Some(sender) = &self.sender {
            // A send only fails once every worker is gone, which `finish` reports.
            let _ = sender.send(Job { path, mode, data });
        }
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Wait for every queued file, then report the first failure.
    fn finish(mut self) -> Result<(), ArchiveError> {
        drop(self.sender.take());
        for t in self.threads.drain(..) {
            if t.join().is_err() {
                return Err(ArchiveError::Write {
                    path: PathBuf::from("<writer thread>"),
                    source: io::Error::other("a writer thread panicked"),
                });
            }
        }
        match self.error.lock().expect("error lock").take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// `go/a/b` → `Some("a/b")`; `go/` → `None`; anything outside `go/` or with `..`/absolute
/// components is an error.
fn inner_path(path: &Path) -> Result<Option<PathBuf>, ArchiveError> {
    if path.components().any(|c| c == Component::ParentDir) {
        return Err(unsafe_entry(path, "`..` in the path"));
    }
    let mut components = path.components().filter(|c| *c != Component::CurDir);
    match components.next() {
        Some(Component::Normal(top)) if top == TOP_DIR => {}
        Some(Component::RootDir | Component::Prefix(_)) => {
            return Err(unsafe_entry(path, "absolute path"));
        }
        _ => return Err(unsafe_entry(path, "outside the top dir go/")),
    }
    let mut rel = PathBuf::new();
    for c in components {
        match c {
            Component::Normal(part) => rel.push(part),
            _ => return Err(unsafe_entry(path, "absolute path")),
        }
    }
    Ok((!rel.as_os_str().is_empty()).then_some(rel))
}

/// A symlink at `rel` (relative to the version root) may only point inside the root.
fn check_symlink(raw: &Path, rel: &Path, link: &Path) -> Result<(), ArchiveError> {
    if link.is_absolute() {
        return Err(unsafe_entry(raw, "symlink to an absolute path"));
    }
    // Depth of the link's directory below the root; each `..` climbs one level.
    let mut depth = rel.components().count() as i64 - 1;
    for c in link.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return Err(unsafe_entry(raw, "symlink to an absolute path")),
        }
        if depth < 0 {
            return Err(unsafe_entry(
                raw,
                "symlink pointing outside the version dir",
            ));
        }
    }
    Ok(())
}

fn link_name<R: Read>(entry: &::tar::Entry<R>, raw: &Path) -> Result<PathBuf, ArchiveError> {
    entry
        .link_name()
        .map_err(ArchiveError::Corrupt)?
        .map(|l| l.into_owned())
        .ok_or_else(|| unsafe_entry(raw, "link without a target"))
}

/// The mode a file of the version tree is created with: the archive's, readable and writable
/// by its owner, never writable by group or others (whatever the umask; a stricter umask
/// narrows it further), and never setuid/setgid/sticky.
fn file_mode(archive_mode: u32) -> u32 {
    (archive_mode & 0o755) | 0o600
}

fn write_file(entry: &mut impl Read, target: &Path, mode: u32) -> Result<(), ArchiveError> {
    let write_err = |source| ArchiveError::Write {
        path: target.to_path_buf(),
        source,
    };
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(target)
        .map_err(write_err)?;
    match io::copy(entry, &mut file) {
        Ok(_) => Ok(()),
        // A short or corrupt body is the archive's fault; a failed write is the disk's.
        Err(e) if is_read_failure(&e) => Err(ArchiveError::Corrupt(e)),
        Err(e) => Err(write_err(e)),
    }
}

/// `io::copy` does not say which side failed; the errors a write can raise are these.
fn is_read_failure(e: &io::Error) -> bool {
    !matches!(
        e.kind(),
        io::ErrorKind::StorageFull
            | io::ErrorKind::ReadOnlyFilesystem
            | io::ErrorKind::PermissionDenied
            | io::ErrorKind::QuotaExceeded
            | io::ErrorKind::FileTooLarge
    )
}

fn make_dirs(dir: &Path, made: &mut HashSet<PathBuf>) -> Result<(), ArchiveError> {
    if made.contains(dir) {
        return Ok(());
    }
    // create_dir_all would follow a symlinked parent; an existing link here means an
    // archive tried to route writes through it.
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(ArchiveError::Unsafe {
                entry: dir.display().to_string(),
                reason: "a path component is a link or file",
            });
        }
        Err(_) => {
            if let Some(parent) = dir.parent() {
                make_dirs(parent, made)?;
            }
            fs::DirBuilder::new()
                .mode(crate::fsutil::DIR_MODE)
                .create(dir)
                .map_err(|source| ArchiveError::Write {
                    path: dir.to_path_buf(),
                    source,
                })?;
        }
    }
    made.insert(dir.to_path_buf());
    Ok(())
}

fn unsafe_entry(path: &Path, reason: &'static str) -> ArchiveError {
    ArchiveError::Unsafe {
        entry: path.display().to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;

    enum E<'a> {
        File(&'a str, &'a [u8], u32),
        Dir(&'a str),
        Sym(&'a str, &'a str),
        Hard(&'a str, &'a str),
        Fifo(&'a str),
    }

    fn targz(entries: &[E]) -> Vec<u8> {
        let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        for e in entries {
            let mut h = tar::Header::new_gnu();
            match e {
                E::File(p, data, mode) => {
                    h.set_entry_type(EntryType::Regular);
                    h.set_size(data.len() as u64);
                    h.set_mode(*mode);
                    set_raw_path(&mut h, p);
                    h.set_cksum();
                    b.append(&h, *data).unwrap();
                    continue;
                }
                E::Dir(p) => {
                    h.set_entry_type(EntryType::Directory);
                    h.set_mode(0o755);
                    set_raw_path(&mut h, p);
                }
                E::Sym(p, t) | E::Hard(p, t) => {
                    h.set_entry_type(if matches!(e, E::Sym(..)) {
                        EntryType::Symlink
                    } else {
                        EntryType::Link
                    });
                    set_raw_path(&mut h, p);
                    h.set_link_name(t).unwrap();
                }
                E::Fifo(p) => {
                    h.set_entry_type(EntryType::Fifo);
                    set_raw_path(&mut h, p);
                }
            }
            h.set_size(0);
            h.set_cksum();
            b.append(&h, io::empty()).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    /// Write the name bytes directly, bypassing the builder's own `..` checks, as a hostile
    /// archive would.
    fn set_raw_path(h: &mut tar::Header, p: &str) {
        let name = &mut h.as_old_mut().name;
        name.fill(0);
        name[..p.len()].copy_from_slice(p.as_bytes());
    }

    fn unpack_into(entries: &[E]) -> (tempfile::TempDir, Result<(), ArchiveError>) {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("stage");
        fs::create_dir(&dest).unwrap();
        let result = unpack(&targz(entries)[..], &dest, || {});
        (tmp, result)
    }

    const GO_BIN: E = E::File("go/bin/go", b"#!/bin/sh\n", 0o755);

    #[test]
    fn unpacks_a_release_shaped_archive() {
        let (tmp, r) = unpack_into(&[
            E::Dir("go/"),
            E::Dir("go/bin/"),
            GO_BIN,
            E::File("go/VERSION", b"go1.22.5\n", 0o644),
            E::File("go/src/fmt/print.go", b"package fmt\n", 0o644),
            E::Sym("go/misc/link", "../src/fmt"),
            E::Hard("go/bin/gofmt", "go/bin/go"),
        ]);
        r.unwrap();
        let dest = tmp.path().join("stage");
        assert_eq!(fs::read(dest.join("VERSION")).unwrap(), b"go1.22.5\n");
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dest.join("bin/go"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
        assert_eq!(fs::read(dest.join("bin/gofmt")).unwrap(), b"#!/bin/sh\n");
        assert!(dest.join("misc/link/print.go").is_file());
    }

    fn assert_unsafe(entries: &[E], reason_part: &str) {
        let (tmp, r) = unpack_into(entries);
        match r {
            Err(ArchiveError::Unsafe { reason, .. }) => {
                assert!(reason.contains(reason_part), "{reason}")
            }
            other => panic!("expected Unsafe({reason_part}), got {other:?}"),
        }
        // Nothing escaped the staging dir.
        let names: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["stage"]);
    }

    #[test]
    fn refuses_entries_outside_the_top_dir() {
        assert_unsafe(&[E::File("evil", b"x", 0o644), GO_BIN], "outside");
        assert_unsafe(&[E::File("gopher/x", b"x", 0o644), GO_BIN], "outside");
    }

    #[test]
    fn refuses_absolute_and_parent_paths() {
        assert_unsafe(&[E::File("/tmp/evil", b"x", 0o644)], "absolute");
        assert_unsafe(&[E::File("go/../evil", b"x", 0o644)], "..");
        assert_unsafe(&[E::File("go/bin/../../evil", b"x", 0o644)], "..");
    }

    #[test]
    fn refuses_links_that_leave_the_version_dir() {
        assert_unsafe(&[E::Sym("go/escape", "..")], "outside");
        assert_unsafe(&[E::Sym("go/a/b", "../../x")], "outside");
        assert_unsafe(&[E::Sym("go/abs", "/etc/passwd")], "absolute");
        assert_unsafe(&[E::Hard("go/h", "../etc/passwd")], "..");
        assert_unsafe(&[E::Hard("go/h", "/etc/passwd")], "absolute");
    }

    #[test]
    fn refuses_writing_through_a_link() {
        assert_unsafe(
            &[E::Sym("go/sub", "bin"), E::File("go/sub/x", b"x", 0o644)],
            "link",
        );
    }

    #[test]
    fn refuses_devices_and_fifos() {
        assert_unsafe(&[E::Fifo("go/pipe")], "not a file");
    }

    #[test]
    fn requires_go_bin_go() {
        let (_tmp, r) = unpack_into(&[E::File("go/VERSION", b"go1.22.5\n", 0o644)]);
        assert!(matches!(r, Err(ArchiveError::NoGoBinary)));
    }

    #[test]
    fn truncated_or_garbage_input_is_corrupt() {
        let good = targz(&[GO_BIN, E::File("go/VERSION", &[7u8; 5000], 0o644)]);
        let tmp = tempfile::tempdir().unwrap();
        for bad in [&good[..good.len() / 2], b"not gzip at all", &[]] {
            let dest = tmp.path().join(format!("s{}", bad.len()));
            fs::create_dir(&dest).unwrap();
            let r = unpack(bad, &dest, || {});
            assert!(
                matches!(r, Err(ArchiveError::Corrupt(_) | ArchiveError::NoGoBinary)),
                "{r:?}"
            );
        }
    }
}
