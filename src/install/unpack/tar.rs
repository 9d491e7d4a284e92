//! Safe unpacking of a Go release tar.gz into a staging dir (the `dist` source's format).
//!
//! Every entry must sit under the single top dir `go/`, which is stripped. Absolute paths,
//! `..`, links whose target leaves the dir, and device or fifo entries are refused, and
//! nothing is ever written outside `dest`: files are created with `O_CREAT|O_EXCL` (never
//! through an existing link), and links are resolved against the links really created.
//! The bytes are not verified yet, so everything is bounded ([`super::bounds`]); extension
//! headers (GNU long names, PAX records) are read here, after their size is checked, rather
//! than by the `tar` crate, which would read any size into memory.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;

use ::tar::EntryType;
use flate2::read::GzDecoder;

use super::bounds::{Budget, Capped};
use super::error::UnpackError;
use super::files::{self, SMALL_FILE};
use super::options::Options;
use super::pipe::{self, ReadAhead, Spare, SpareTaker};
use crate::store::{NewFile, Store};

/// The one top-level dir of every official archive.
const TOP_DIR: &str = "go";

/// Files up to [`SMALL_FILE`] are read into memory and handed to the writer pool whole; larger
/// ones (the few tool binaries) go to a writer in [`files::WRITE_CHUNK`] pieces. With the
/// bounds below, at most `CHANNEL_DEPTH * SMALL_FILE + LARGE_PIECES * WRITE_CHUNK` bytes (12
/// MiB) wait in memory.
const CHANNEL_DEPTH: usize = 64;
/// Pieces of large files in memory at once.
const LARGE_PIECES: usize = 4;

/// Unpack the gzip'd tar in `reader` into `dest` (which must exist and be empty); the files
/// written afresh, to adopt into the store once the archive is verified.
/// `on_file` is called as each entry is handed out for writing (for progress).
///
/// Three stages overlap, each on its own thread: `reader` is read ahead (the download, its
/// sha256 and its copy into the cache), this thread inflates, validates and creates
/// directories, and a pool of writers creates the files, hashing each for the store (creating
/// an inode is the dominant cost on slow disks, ~0.5 ms each, ~13,000 files in a release, and
/// it is mostly kernel time that parallelizes).
/// Directories and symlinks are made here, in archive order, before any file below them is
/// handed out, so the "no writes through a link" check still sees every link. Hard links wait
/// until every file is written and every symlink is checked.
pub fn unpack(
    reader: impl Read + Send,
    dest: &Path,
    options: &Options,
    on_file: impl FnMut(),
) -> Result<Vec<NewFile>, UnpackError> {
    thread::scope(|scope| {
        // The download (socket, sha256, the copy into the cache) runs on its own thread, so
        // this one only inflates and parses.
        let input = ReadAhead::start(scope, reader);
        let capped = Capped::new(GzDecoder::new(input), options.limits.unpacked_bytes);
        let tripwire = capped.tripwire();
        let pool = WriterPool::start(options.threads.max(1), options.store.clone());
        let mut links = Links::default();
        let read = read_entries(capped, dest, options, &pool, &mut links, on_file);
        let written = pool.finish();
        // A read error after the byte cap was hit is the cap's doing.
        if let Err(UnpackError::CorruptTar(_)) = &read {
            tripwire.check()?;
        }
        read?;
        let new_files = written?;
        links.finish(dest)?;
        if !dest.join("bin/go").is_file() {
            return Err(UnpackError::NoGoBinary("go/bin/go".into()));
        }
        Ok(new_files)
    })
}

/// Extension headers waiting for the entry they describe.
#[derive(Default)]
struct Pending {
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
}

fn read_entries(
    reader: impl Read,
    dest: &Path,
    options: &Options,
    pool: &WriterPool,
    links: &mut Links,
    mut on_file: impl FnMut(),
) -> Result<(), UnpackError> {
    let limits = options.limits;
    let mut archive = ::tar::Archive::new(reader);
    let mut budget = Budget::new(limits);
    let mut made_dirs: HashSet<PathBuf> = HashSet::new();
    made_dirs.insert(dest.to_path_buf());
    // Every non-dir path written so far: a second entry for one is refused rather than raced.
    let mut taken: HashSet<PathBuf> = HashSet::new();
    let mut pending = Pending::default();
    let entries = archive
        .entries()
        .map_err(UnpackError::CorruptTar)?
        .raw(true);
    for entry in entries {
        if pool.failed() {
            return Ok(()); // the pool's error is reported by `finish`
        }
        let mut entry = entry.map_err(UnpackError::CorruptTar)?;
        budget.entry()?;
        let kind = entry.header().entry_type();
        if is_extension(kind) {
            read_extension(&mut entry, kind, &budget, &mut pending)?;
            continue;
        }
        let raw_bytes = match pending.path.take() {
            Some(path) => path,
            None => entry.header().path_bytes().into_owned(),
        };
        budget.path(&raw_bytes)?;
        if raw_bytes.contains(&0) {
            return Err(unsafe_entry(&path_of(raw_bytes), "NUL in the path"));
        }
        let raw_path = path_of(raw_bytes);
        let link = match pending.link.take() {
            Some(link) => Some(link),
            None => entry.header().link_name_bytes().map(|l| l.into_owned()),
        };
        let Some(rel) = inner_path(&raw_path)? else {
            continue; // the top dir itself
        };
        let target = dest.join(&rel);
        if kind.is_dir() {
            make_dirs(&target, &mut made_dirs, &taken)?;
            continue;
        }
        if let Some(parent) = target.parent() {
            make_dirs(parent, &mut made_dirs, &taken)?;
        }
        if made_dirs.contains(&target) || !taken.insert(target.clone()) {
            return Err(unsafe_entry(&raw_path, "duplicate entry"));
        }
        match kind {
            EntryType::Regular | EntryType::Continuous => {
                let mode = file_mode(entry.header().mode().map_err(UnpackError::CorruptTar)?);
                if entry.size() <= SMALL_FILE {
                    let mut data = Vec::with_capacity(entry.size() as usize);
                    entry
                        .read_to_end(&mut data)
                        .map_err(UnpackError::CorruptTar)?;
                    pool.write(target, mode, data);
                } else {
                    pool.write_large(&mut entry, target, mode)?;
                }
            }
            EntryType::Symlink => {
                let link = link_target(link, &raw_path, &mut budget)?;
                check_symlink(&raw_path, &rel, &link)?;
                std::os::unix::fs::symlink(&link, &target).map_err(|source| {
                    UnpackError::Write {
                        path: target.clone(),
                        source,
                    }
                })?;
                links.symlink(rel, link, &raw_path);
            }
            EntryType::Link => {
                let link = link_target(link, &raw_path, &mut budget)?;
                let Some(link_rel) = inner_path(&link)? else {
                    return Err(unsafe_entry(&raw_path, "hard link to the top dir"));
                };
                links.hard_link(rel, link_rel, &raw_path);
            }
            _ => return Err(unsafe_entry(&raw_path, "not a file, dir or link")),
        }
        on_file();
    }
    Ok(())
}

fn is_extension(kind: EntryType) -> bool {
    kind.is_gnu_longname()
        || kind.is_gnu_longlink()
        || kind.is_pax_local_extensions()
        || kind.is_pax_global_extensions()
}

/// Read a GNU long name/link or PAX header (after checking its size) into `pending`.
fn read_extension<R: Read>(
    entry: &mut ::tar::Entry<'_, R>,
    kind: EntryType,
    budget: &Budget,
    pending: &mut Pending,
) -> Result<(), UnpackError> {
    let size = entry.size();
    budget.extension(size)?;
    let mut data = Vec::with_capacity(size as usize);
    entry
        .take(budget.limits().extension_len + 1)
        .read_to_end(&mut data)
        .map_err(UnpackError::CorruptTar)?;
    let set = |slot: &mut Option<Vec<u8>>, value: &[u8]| {
        if slot.is_some() {
            return Err(unsafe_entry(
                &path_of(value.to_vec()),
                "two long names for one entry",
            ));
        }
        *slot = Some(value.to_vec());
        Ok(())
    };
    if kind.is_gnu_longname() || kind.is_gnu_longlink() {
        let end = data.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
        let slot = if kind.is_gnu_longname() {
            &mut pending.path
        } else {
            &mut pending.link
        };
        return set(slot, &data[..end]);
    }
    if kind.is_pax_global_extensions() {
        return Ok(()); // comments and defaults for the whole archive; nothing gover uses
    }
    for record in ::tar::PaxExtensions::new(&data) {
        let record = record.map_err(UnpackError::CorruptTar)?;
        match record.key() {
            Ok("path") => set(&mut pending.path, record.value_bytes())?,
            Ok("linkpath") => set(&mut pending.link, record.value_bytes())?,
            // The `tar` crate would let this override the header's size; two readers that
            // disagree on where an entry ends can be shown two different archives.
            Ok("size") => {
                return Err(unsafe_entry(
                    &path_of(record.value_bytes().to_vec()),
                    "a PAX size record",
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

fn path_of(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(OsString::from_vec(bytes))
}

fn link_target(
    link: Option<Vec<u8>>,
    raw: &Path,
    budget: &mut Budget,
) -> Result<PathBuf, UnpackError> {
    let link = link
        .filter(|l| !l.is_empty())
        .ok_or_else(|| unsafe_entry(raw, "link without a target"))?;
    budget.path(&link)?;
    if link.contains(&0) {
        return Err(unsafe_entry(raw, "NUL in the link target"));
    }
    Ok(path_of(link))
}

/// The links of an archive: symlinks are made as they come (and checked one by one), then
/// checked again once all exist, by resolving each against the links really created; hard
/// links are made last, to targets resolved the same way.
#[derive(Default)]
struct Links {
    /// Symlink path (below the root) → its target as written.
    symlinks: HashMap<PathBuf, PathBuf>,
    /// Symlink path → the entry name, for messages.
    names: HashMap<PathBuf, String>,
    /// (path, target path, entry name), all below the root.
    hard: Vec<(PathBuf, PathBuf, String)>,
}

/// Symlinks followed while resolving one path before it is called a loop (Linux's limit).
const MAX_HOPS: u32 = 40;

impl Links {
    fn symlink(&mut self, rel: PathBuf, target: PathBuf, raw: &Path) {
        self.names.insert(rel.clone(), printable(raw));
        self.symlinks.insert(rel, target);
    }

    fn hard_link(&mut self, rel: PathBuf, target: PathBuf, raw: &Path) {
        self.hard.push((rel, target, printable(raw)));
    }

    fn finish(self, dest: &Path) -> Result<(), UnpackError> {
        for (rel, target) in &self.symlinks {
            let mut at = rel.parent().map(Path::to_path_buf).unwrap_or_default();
            if let Err(reason) = self.walk(&mut at, target, &mut 0) {
                return Err(UnpackError::Unsafe {
                    entry: self.names[rel].clone(),
                    reason,
                });
            }
        }
        for (rel, target, name) in &self.hard {
            let unsafe_link = |reason| UnpackError::Unsafe {
                entry: name.clone(),
                reason,
            };
            // link(2) follows links in the target's dirs, not in its last component.
            let mut at = PathBuf::new();
            if let Some(parent) = target.parent() {
                self.walk(&mut at, parent, &mut 0).map_err(unsafe_link)?;
            }
            at.push(target.file_name().unwrap_or_default());
            let source = dest.join(&at);
            match fs::symlink_metadata(&source) {
                Ok(m) if !m.is_dir() => {}
                _ => return Err(unsafe_link("hard link to a dir or a missing file")),
            }
            let link = dest.join(rel);
            fs::hard_link(&source, &link)
                .map_err(|source| UnpackError::Write { path: link, source })?;
        }
        Ok(())
    }

    /// Resolve `target` from the dir `at` (below the root) as the kernel would, following the
    /// symlinks of this archive (the only links in a fresh staging dir); `at` ends as the
    /// result. An error if the walk leaves the root.
    fn walk(&self, at: &mut PathBuf, target: &Path, hops: &mut u32) -> Result<(), &'static str> {
        for c in target.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    if !at.pop() {
                        return Err("link resolving outside the version dir");
                    }
                }
                Component::Normal(name) => {
                    at.push(name);
                    if let Some(next) = self.symlinks.get(at.as_path()) {
                        *hops += 1;
                        if *hops > MAX_HOPS {
                            return Err("a loop of symlinks");
                        }
                        at.pop();
                        self.walk(at, next, hops)?;
                    }
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err("symlink to an absolute path");
                }
            }
        }
        Ok(())
    }
}

enum Job {
    /// A small file, whole.
    Whole {
        path: PathBuf,
        mode: u32,
        data: Vec<u8>,
    },
    /// A large file, in pieces as they are inflated; [`Piece::End`] closes it (also after a
    /// short last piece when the archive broke off, which the reader then reports). A channel
    /// that closes without it means the reader stopped (its error is the one reported).
    Streamed {
        path: PathBuf,
        mode: u32,
        pieces: mpsc::Receiver<Piece>,
    },
}

enum Piece {
    Data(Vec<u8>),
    End,
}

/// A fixed pool of threads creating files: small ones whole, large ones piece by piece (hashed
/// and written there, not on the inflating thread). The first failure is kept; after it, the
/// remaining jobs are drained without writing so the reader never blocks on a full channel or
/// on a buffer that never comes back.
struct WriterPool {
    sender: Option<mpsc::SyncSender<Job>>,
    threads: Vec<thread::JoinHandle<Vec<NewFile>>>,
    error: Arc<Mutex<Option<UnpackError>>>,
    failed: Arc<AtomicBool>,
    spare: Spare,
    taker: SpareTaker,
}

impl WriterPool {
    fn start(n: usize, store: Arc<Store>) -> WriterPool {
        let (sender, receiver) = mpsc::sync_channel::<Job>(CHANNEL_DEPTH);
        let receiver = Arc::new(Mutex::new(receiver));
        let error = Arc::new(Mutex::new(None));
        let failed = Arc::new(AtomicBool::new(false));
        let (spare, taker) = pipe::spare(LARGE_PIECES);
        let threads = (0..n)
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                let error = Arc::clone(&error);
                let failed = Arc::clone(&failed);
                let store = store.clone();
                let spare = spare.clone();
                thread::spawn(move || {
                    let mut new_files = Vec::new();
                    loop {
                        let job = receiver.lock().expect("writer lock").recv();
                        let Ok(job) = job else { return new_files };
                        let written = match job {
                            Job::Whole { .. } if failed.load(Ordering::Relaxed) => Ok(()),
                            Job::Whole { path, mode, data } => {
                                files::whole(&store, &data, mode, &path, &mut new_files)
                                    .map(drop)
                                    .map_err(|source| UnpackError::Write { path, source })
                            }
                            Job::Streamed { path, mode, pieces } => write_streamed(
                                &store,
                                &path,
                                mode,
                                &pieces,
                                &spare,
                                &failed,
                                &mut new_files,
                            )
                            .map_err(|source| UnpackError::Write { path, source }),
                        };
                        if let Err(e) = written {
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
            spare,
            taker,
        }
    }

    fn send(&self, job: Job) {
        if let Some(sender) = &self.sender {
            // A send only fails once every worker is gone, which `finish` reports.
            let _ = sender.send(job);
        }
    }

    fn write(&self, path: PathBuf, mode: u32, data: Vec<u8>) {
        self.send(Job::Whole { path, mode, data });
    }

    /// Hand `entry` to a writer in [`files::WRITE_CHUNK`] pieces as it is inflated; at most
    /// [`LARGE_PIECES`] of them are in memory at once.
    fn write_large(
        &self,
        entry: &mut impl Read,
        path: PathBuf,
        mode: u32,
    ) -> Result<(), UnpackError> {
        let (send, pieces) = mpsc::channel();
        self.send(Job::Streamed { path, mode, pieces });
        loop {
            let mut piece = self.taker.take();
            piece.resize(files::WRITE_CHUNK, 0);
            let filled = match files::fill(entry, &mut piece) {
                Ok(n) => n,
                Err(e) => {
                    self.spare.give(piece);
                    return Err(UnpackError::CorruptTar(e));
                }
            };
            piece.truncate(filled);
            let last = filled < files::WRITE_CHUNK;
            if filled > 0 && send.send(Piece::Data(piece)).is_err() {
                return Ok(()); // the writers are gone; `finish` says why
            }
            if last {
                let _ = send.send(Piece::End);
                return Ok(());
            }
        }
    }

    fn failed(&self) -> bool {
        self.failed.load(Ordering::Relaxed)
    }

    /// Wait for every queued file, then report the first failure; the files written afresh.
    fn finish(mut self) -> Result<Vec<NewFile>, UnpackError> {
        drop(self.sender.take());
        let mut new_files = Vec::new();
        for t in self.threads.drain(..) {
            match t.join() {
                Ok(files) => new_files.extend(files),
                Err(_) => {
                    return Err(UnpackError::Write {
                        path: PathBuf::from("<writer thread>"),
                        source: io::Error::other("a writer thread panicked"),
                    });
                }
            }
        }
        match self.error.lock().expect("error lock").take() {
            Some(e) => Err(e),
            None => Ok(new_files),
        }
    }
}

/// Write the pieces of one large file as they come, each buffer given back once written. Once
/// anything failed (here or in another writer), the rest is only drained, so the inflating
/// thread never waits for a buffer; a channel closed before [`Piece::End`] leaves the file
/// unfinished and unlisted (the archive broke off, which the reader reports).
fn write_streamed(
    store: &Store,
    path: &Path,
    mode: u32,
    pieces: &mpsc::Receiver<Piece>,
    spare: &Spare,
    failed: &AtomicBool,
    new_files: &mut Vec<NewFile>,
) -> io::Result<()> {
    let drain = || {
        while let Ok(Piece::Data(piece)) = pieces.recv() {
            spare.give(piece);
        }
    };
    if failed.load(Ordering::Relaxed) {
        drain();
        return Ok(());
    }
    let mut file = match files::Large::create(store, mode, path) {
        Ok(file) => file,
        Err(e) => {
            drain();
            return Err(e);
        }
    };
    loop {
        match pieces.recv() {
            Ok(Piece::Data(piece)) => {
                let written = file.write_all(&piece);
                spare.give(piece);
                if let Err(e) = written {
                    drain();
                    return Err(e);
                }
            }
            Ok(Piece::End) => return file.finish(new_files).map(drop),
            Err(_) => return Ok(()),
        }
    }
}

/// `go/a/b` → `Some("a/b")`; `go/` → `None`; anything outside `go/` or with `..`/absolute
/// components is an error.
fn inner_path(path: &Path) -> Result<Option<PathBuf>, UnpackError> {
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

/// A symlink at `rel` (relative to the version root) may only point inside the root. This
/// is the early, lexical check; [`Links::finish`] resolves through the other links.
fn check_symlink(raw: &Path, rel: &Path, link: &Path) -> Result<(), UnpackError> {
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

/// The mode a file of the version tree is created with: the archive's, readable and writable
/// by its owner, never writable by group or others (whatever the umask; a stricter umask
/// narrows it further), and never setuid/setgid/sticky.
fn file_mode(archive_mode: u32) -> u32 {
    (archive_mode & 0o755) | 0o600
}

/// Make `dir` and its missing parents. `taken` holds the files handed out so far: a writer may
/// not have created one yet, so a dir where one will be is refused here, not left to a race.
fn make_dirs(
    dir: &Path,
    made: &mut HashSet<PathBuf>,
    taken: &HashSet<PathBuf>,
) -> Result<(), UnpackError> {
    if made.contains(dir) {
        return Ok(());
    }
    // create_dir_all would follow a symlinked parent; an existing link here (or one a writer
    // is about to make) means an archive tried to route writes through it.
    let not_a_dir = || unsafe_entry(dir, "a path component is a link or file");
    if taken.contains(dir) {
        return Err(not_a_dir());
    }
    match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(not_a_dir()),
        Err(_) => {
            if let Some(parent) = dir.parent() {
                make_dirs(parent, made, taken)?;
            }
            fs::DirBuilder::new()
                .mode(crate::fsutil::DIR_MODE)
                .create(dir)
                .map_err(|source| UnpackError::Write {
                    path: dir.to_path_buf(),
                    source,
                })?;
        }
    }
    made.insert(dir.to_path_buf());
    Ok(())
}

/// An entry name fit for a terminal: control characters escaped.
fn printable(path: &Path) -> String {
    crate::output::text::printable(&path.to_string_lossy())
}

fn unsafe_entry(path: &Path, reason: &'static str) -> UnpackError {
    UnpackError::Unsafe {
        entry: printable(path),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::install::unpack::bounds::{BoundError, Limits};
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

    fn unpack_into(entries: &[E]) -> (tempfile::TempDir, Result<(), UnpackError>) {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("stage");
        fs::create_dir(&dest).unwrap();
        let options = Options::new(None, 2, tmp.path().join("store"));
        let result = unpack(&targz(entries)[..], &dest, &options, || {}).map(drop);
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
            Err(UnpackError::Unsafe { reason, .. }) => {
                assert!(reason.contains(reason_part), "{reason}")
            }
            other => panic!("expected Unsafe({reason_part}), got {other:?}"),
        }
        assert_only_stage(tmp.path());
    }

    /// Nothing escaped the staging dir (and nothing entered the store: no file was adopted).
    fn assert_only_stage(dir: &Path) {
        let names: Vec<_> = fs::read_dir(dir)
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
    fn refuses_a_chain_of_symlinks_that_escapes() {
        // Each link is inside the root on its own; resolved through the first, the second
        // climbs out.
        let deep = "go/d/d/d";
        let l1 = format!("{deep}/l1");
        let l2 = format!("{deep}/l2");
        assert_unsafe(
            &[GO_BIN, E::Sym(&l1, "../../.."), E::Sym(&l2, "l1/../../..")],
            "outside the version dir",
        );
        // A loop is refused too.
        assert_unsafe(&[GO_BIN, E::Sym("go/a", "b"), E::Sym("go/b", "a")], "loop");
        // A hard link whose target goes through a link that leaves the root.
        assert_unsafe(
            &[
                GO_BIN,
                E::Sym("go/x/l1", ".."),
                E::Sym("go/y", "x/l1"),
                E::Hard("go/h", "go/y/../../victim"),
            ],
            "..",
        );
    }

    #[test]
    fn links_through_links_inside_the_root_still_work() {
        let (tmp, r) = unpack_into(&[
            GO_BIN,
            E::File("go/src/a.go", b"package a\n", 0o644),
            E::Sym("go/l1", "src"),
            E::Sym("go/misc/l2", "../l1/a.go"),
            E::Hard("go/h", "go/l1/a.go"),
        ]);
        r.unwrap();
        let dest = tmp.path().join("stage");
        assert_eq!(fs::read(dest.join("misc/l2")).unwrap(), b"package a\n");
        assert_eq!(fs::read(dest.join("h")).unwrap(), b"package a\n");
    }

    /// A tar.gz of raw 512-byte blocks (headers built by hand, data, no end marker needed).
    fn gz(blocks: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::fast());
        std::io::Write::write_all(&mut e, blocks).unwrap();
        e.finish().unwrap()
    }

    fn header(kind: EntryType, name: &str, size: u64) -> Vec<u8> {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        set_raw_path(&mut h, name);
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h.as_bytes().to_vec()
    }

    fn unpack_bytes(archive: &[u8], limits: Limits) -> Result<(), UnpackError> {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("stage");
        fs::create_dir(&dest).unwrap();
        let options = Options {
            limits,
            ..Options::new(None, 2, tmp.path().join("store"))
        };
        let r = unpack(archive, &dest, &options, || {}).map(drop);
        assert_only_stage(tmp.path());
        r
    }

    #[test]
    fn a_huge_gnu_long_name_is_refused_before_it_is_read() {
        // Announces 256 MB of name; none of it is there.
        let archive = gz(&header(EntryType::GNULongName, "././@LongLink", 256 << 20));
        let r = unpack_bytes(&archive, Limits::for_archive(Some(archive.len() as u64)));
        assert!(
            matches!(r, Err(UnpackError::Bound(BoundError::Extension { .. }))),
            "{r:?}"
        );
    }

    #[test]
    fn long_names_and_pax_paths_are_honoured_within_bounds() {
        let long = format!("go/{}/file", "n".repeat(200));
        let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        let mut h = tar::Header::new_gnu();
        h.set_size(2);
        h.set_mode(0o755);
        b.append_data(&mut h, "go/bin/go", &b"#!"[..]).unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_size(1);
        h.set_mode(0o644);
        b.append_data(&mut h, &long, &b"x"[..]).unwrap();
        let mut h = tar::Header::new_ustar();
        h.set_size(1);
        h.set_mode(0o644);
        let pax_name = format!("go/{}/pax", "p".repeat(120));
        b.append_pax_extensions([("path", pax_name.as_bytes())])
            .unwrap();
        h.set_path("go/short").unwrap();
        h.set_cksum();
        b.append(&h, &b"y"[..]).unwrap();
        let archive = b.into_inner().unwrap().finish().unwrap();

        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("stage");
        fs::create_dir(&dest).unwrap();
        let options = Options::new(None, 2, tmp.path().join("store"));
        unpack(&archive[..], &dest, &options, || {}).unwrap();
        assert_eq!(fs::read(dest.join(&long[3..])).unwrap(), b"x");
        assert_eq!(fs::read(dest.join(&pax_name[3..])).unwrap(), b"y");
        assert!(!dest.join("short").exists());

        // The same names, over the path bound.
        let tight = Limits {
            path_len: 100,
            ..Limits::for_archive(None)
        };
        let r = unpack_bytes(&archive, tight);
        assert!(
            matches!(r, Err(UnpackError::Bound(BoundError::PathLen { .. }))),
            "{r:?}"
        );
    }

    #[test]
    fn a_pax_size_record_is_refused() {
        let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
        b.append_pax_extensions([("size", &b"1"[..])]).unwrap();
        let mut h = tar::Header::new_ustar();
        h.set_path("go/x").unwrap();
        h.set_size(0);
        h.set_cksum();
        b.append(&h, io::empty()).unwrap();
        let archive = b.into_inner().unwrap().finish().unwrap();
        let r = unpack_bytes(&archive, Limits::for_archive(None));
        assert!(
            matches!(r, Err(UnpackError::Unsafe { reason, .. }) if reason.contains("PAX size"))
        );
    }

    #[test]
    fn a_gzip_bomb_breaks_the_byte_bound() {
        // 64 MB of zeros in one file: about 64 KB compressed.
        let mut blocks = header(EntryType::Regular, "go/bomb", 64 << 20);
        blocks.resize(blocks.len() + (64 << 20), 0);
        let archive = gz(&blocks);
        let r = unpack_bytes(&archive, Limits::for_archive(Some(archive.len() as u64)));
        assert!(
            matches!(r, Err(UnpackError::Bound(BoundError::UnpackedBytes { .. }))),
            "{r:?}"
        );
    }

    #[test]
    fn too_many_entries_break_the_entry_bound() {
        let mut blocks = Vec::new();
        for i in 0..50 {
            blocks.extend(header(EntryType::Directory, &format!("go/d{i}/"), 0));
        }
        let archive = gz(&blocks);
        let limits = Limits {
            entries: 20,
            ..Limits::for_archive(None)
        };
        let r = unpack_bytes(&archive, limits);
        assert!(
            matches!(
                r,
                Err(UnpackError::Bound(BoundError::Entries { limit: 20 }))
            ),
            "{r:?}"
        );
    }

    #[test]
    fn names_are_printed_with_control_characters_escaped() {
        let r = unpack_bytes(
            &targz(&[E::File("go/\x1b]0;pwned\x07/../x", b"x", 0o644)]),
            Limits::for_archive(None),
        );
        let text = r.unwrap_err().to_string();
        assert!(!text.contains('\x1b') && text.contains("\\u{1b}"), "{text}");
    }

    #[test]
    fn large_files_are_written_whole() {
        let big: Vec<u8> = (0..3 * files::WRITE_CHUNK + 123)
            .map(|i| (i % 251) as u8)
            .collect();
        let (tmp, r) = unpack_into(&[E::File("go/bin/go", &big, 0o755)]);
        r.unwrap();
        assert_eq!(fs::read(tmp.path().join("stage/bin/go")).unwrap(), big);
    }

    #[test]
    fn large_files_stream_through_one_writer_among_small_ones() {
        // More pieces than LARGE_PIECES in each, and more files than one writer holds at once:
        // the inflating thread must wait for buffers, never deadlock.
        let big = |seed: usize| -> Vec<u8> {
            (0..2 * files::WRITE_CHUNK + 1000 * seed)
                .map(|i| ((i + seed) % 247) as u8)
                .collect()
        };
        let (a, b, c) = (big(1), big(2), big(3));
        let entries = [
            E::File("go/bin/go", &a, 0o755),
            E::File("go/VERSION", b"go1.22.5\n", 0o644),
            E::File("go/pkg/tool/compile", &b, 0o755),
            E::File("go/src/a.go", b"package a\n", 0o644),
            E::File("go/pkg/tool/link", &c, 0o755),
        ];
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("stage");
        fs::create_dir(&dest).unwrap();
        let options = Options::new(None, 1, tmp.path().join("store"));
        let new_files = unpack(&targz(&entries)[..], &dest, &options, || {}).unwrap();
        assert_eq!(
            new_files.len(),
            5,
            "every file is listed once, for adoption"
        );
        assert_eq!(fs::read(dest.join("bin/go")).unwrap(), a);
        assert_eq!(fs::read(dest.join("pkg/tool/compile")).unwrap(), b);
        assert_eq!(fs::read(dest.join("pkg/tool/link")).unwrap(), c);
        assert_eq!(fs::read(dest.join("src/a.go")).unwrap(), b"package a\n");
    }

    #[test]
    fn an_archive_that_breaks_off_in_a_large_file_is_corrupt() {
        let big: Vec<u8> = (0..3 * files::WRITE_CHUNK)
            .map(|i| (i % 239) as u8)
            .collect();
        let whole = targz(&[GO_BIN, E::File("go/pkg/tool/compile", &big, 0o755)]);
        // Cut inside the large file's data, as a dropped connection would.
        let cut = {
            let mut raw = Vec::new();
            flate2::read::GzDecoder::new(&whole[..])
                .read_to_end(&mut raw)
                .unwrap();
            raw.truncate(raw.len() / 2);
            gz(&raw)
        };
        for threads in [1, 4] {
            let tmp = tempfile::tempdir().unwrap();
            let dest = tmp.path().join("stage");
            fs::create_dir(&dest).unwrap();
            let options = Options::new(None, threads, tmp.path().join("store"));
            let r = unpack(&cut[..], &dest, &options, || {});
            assert!(matches!(r, Err(UnpackError::CorruptTar(_))), "{r:?}");
            assert_only_stage(tmp.path());
        }
    }

    #[test]
    fn a_dir_where_a_file_was_handed_out_is_refused() {
        // The file may not be on disk yet (a writer makes it): the refusal must not depend on
        // which thread is first.
        assert_unsafe(
            &[GO_BIN, E::File("go/a", b"x", 0o644), E::Dir("go/a/")],
            "link or file",
        );
        assert_unsafe(
            &[
                GO_BIN,
                E::File("go/a", b"x", 0o644),
                E::File("go/a/b", b"y", 0o644),
            ],
            "link or file",
        );
    }

    #[test]
    fn requires_go_bin_go() {
        let (_tmp, r) = unpack_into(&[E::File("go/VERSION", b"go1.22.5\n", 0o644)]);
        assert!(matches!(r, Err(UnpackError::NoGoBinary(_))));
    }

    #[test]
    fn truncated_or_garbage_input_is_corrupt() {
        let good = targz(&[GO_BIN, E::File("go/VERSION", &[7u8; 5000], 0o644)]);
        let tmp = tempfile::tempdir().unwrap();
        for bad in [&good[..good.len() / 2], b"not gzip at all", &[]] {
            let dest = tmp.path().join(format!("s{}", bad.len()));
            fs::create_dir(&dest).unwrap();
            let options = Options::new(None, 2, tmp.path().join("store"));
            let r = unpack(bad, &dest, &options, || {});
            assert!(
                matches!(
                    r,
                    Err(UnpackError::CorruptTar(_) | UnpackError::NoGoBinary(_))
                ),
                "{r:?}"
            );
        }
    }
}
