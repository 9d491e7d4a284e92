//! The content-addressed file store under `$GOVER_HOME/store`: each distinct file of the
//! installed releases once, named by its sha256 and mode; version trees are hard links into it.
//!
//! Layout: `store/<2 hex>/<62 hex>.<mode>` (e.g. `store/ab/cd…ef.755`), and `store/tmp/` for
//! names being made. The mode is part of the name because hard links share it. Every stored
//! file has the mtime [`STORED_MTIME`] (as Nix does); `doctor --store` hashes every entry,
//! which finds any change of content whatever the mtime says.
//!
//! The rule: **a fresh install holds no byte that was not verified during this install.**
//! - A store entry is never trusted by its name, size, mode or mtime (a planted file, a copy
//!   restored from a CI cache, an entry whose blocks a power cut zero-filled all look right).
//!   Before a file of the archive being unpacked is linked to an entry, the entry is opened
//!   (never through a link), its bytes are compared with the archive's bytes for that file,
//!   and after the link the new name is checked to be the inode that was compared. Anything
//!   else writes the file afresh. The archive's bytes are then verified as a whole (sha256 or
//!   `h1:`), so every linked file holds verified bytes.
//! - Nothing enters the store before the archive is verified: files written afresh are listed
//!   as [`NewFile`]s and [`Store::adopt_all`] runs only after verification. A failed or
//!   interrupted install leaves nothing in the store (its staging dir goes, and with it the
//!   only links to its files).
//! - An entry found different from the verified copy is replaced by it (linked under a unique
//!   name in `store/tmp/`, renamed over the entry).
//!
//! A stored file is used by as many versions as its link count says, minus the store's own
//! name: an entry with one link is used by no version, and [`Store::sweep`] removes it.
//!
//! Concurrency (two installs adding the same file, an uninstall sweeping meanwhile): a new
//! entry is made by hard-linking the verified file under the entry's name, which fails if the
//! name exists, so a store name always points at a complete file that some tree links to. If
//! the link fails (the entry was swept a moment before, another filesystem, too many links)
//! the file is simply not shared.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::digest::hex;

/// The mtime of every stored file: one second after the epoch (Nix's choice for its store).
pub const STORED_MTIME: Duration = Duration::from_secs(1);

/// Name of the dir, inside the store, where entries are made before they are renamed.
const TMP: &str = "tmp";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The store at one dir (which must be on the same filesystem as `versions/` for sharing).
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    umask: u32,
}

/// A stored file: its store path and what it should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// sha256 of the content, hex.
    pub digest: String,
    pub mode: u32,
    pub size: u64,
    pub nlink: u64,
    pub ino: u64,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store {
            dir: dir.into(),
            umask: umask(),
        }
    }

    /// The mode a file created with `mode` gets under this process's umask.
    fn effective(&self, mode: u32) -> u32 {
        mode & !self.umask & 0o7777
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn entry_path(&self, digest: &str, mode: u32) -> PathBuf {
        self.dir
            .join(&digest[..2])
            .join(format!("{}.{:o}", &digest[2..], mode & 0o7777))
    }

    /// Create `target` (which must not exist) holding `data` with `mode`: a hard link to the
    /// stored copy if it is proven to hold exactly `data`, else a new file, returned as a
    /// [`NewFile`] for [`Store::adopt_all`] once the archive is verified. Also returns the
    /// sha256 of `data` (the store key), for callers that need it too (the `h1:` of a module
    /// zip), so nothing is hashed twice.
    pub fn place(
        &self,
        data: &[u8],
        mode: u32,
        target: &Path,
    ) -> io::Result<([u8; 32], Option<NewFile>)> {
        let mode = self.effective(mode);
        let digest: [u8; 32] = Sha256::digest(data).into();
        let entry = self.entry_path(&hex(&digest), mode);
        if link_if_equal(&entry, mode, &mut &data[..], data.len() as u64, target)? {
            return Ok((digest, None));
        }
        let mut file = create(target, mode)?;
        file.write_all(data)?;
        file.set_modified(SystemTime::UNIX_EPOCH + STORED_MTIME)?;
        let new = NewFile {
            target: target.to_path_buf(),
            entry,
            mode,
            size: data.len() as u64,
        };
        Ok((digest, Some(new)))
    }

    /// Start a new `target` that is written piece by piece (a large file); [`Streamed::finish`]
    /// returns it as a [`NewFile`] to adopt once the archive is verified.
    pub fn create_streamed(&self, mode: u32, target: &Path) -> io::Result<Streamed<'_>> {
        let mode = self.effective(mode);
        Ok(Streamed {
            store: self,
            file: create(target, mode)?,
            target: target.to_path_buf(),
            mode,
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// Share the files an install wrote afresh, now that its archive is verified: each becomes
    /// its entry, or, when an entry proven equal exists, is replaced by a link to it; an entry
    /// that differs from the verified copy (damaged, planted, zero-filled by a power cut) is
    /// replaced by the verified copy. Spread over `threads` threads (one hard link per file).
    /// Best effort: a file that cannot be shared keeps its own inode, which only costs space.
    pub fn adopt_all(&self, files: Vec<NewFile>, threads: usize) {
        in_parallel(&files, threads, |part| {
            part.iter().for_each(|f| self.adopt(f));
            Vec::<()>::new()
        });
    }

    fn adopt(&self, new: &NewFile) {
        let Some(shard) = new.entry.parent() else {
            return;
        };
        let mut linked = fs::hard_link(&new.target, &new.entry);
        if matches!(&linked, Err(e) if e.kind() == io::ErrorKind::NotFound) {
            // The shard's first file: make the dirs (never group- or world-writable, whatever
            // the umask, like the version dirs), once per shard rather than once per file.
            if crate::fsutil::create_dirs(shard).is_err() {
                return;
            }
            linked = fs::hard_link(&new.target, &new.entry);
        }
        let Err(e) = linked else { return };
        if e.kind() != io::ErrorKind::AlreadyExists {
            return;
        }
        // Another copy holds the name: share it only if it is proven equal to ours.
        let shared = File::open(&new.target).and_then(|mut ours| {
            let tmp = self.tmp_name(new.target.parent().unwrap_or(Path::new(".")));
            if !link_if_equal(&new.entry, new.mode, &mut ours, new.size, &tmp)? {
                return Ok(false);
            }
            fs::rename(&tmp, &new.target).inspect_err(|_| {
                let _ = fs::remove_file(&tmp);
            })?;
            Ok(true)
        });
        if shared.unwrap_or(false) {
            return;
        }
        let tmp_dir = self.dir.join(TMP);
        if crate::fsutil::create_dirs(&tmp_dir).is_err() {
            return;
        }
        let tmp = self.tmp_name(&tmp_dir);
        if fs::hard_link(&new.target, &tmp).is_ok() && fs::rename(&tmp, &new.entry).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }

    /// Every entry whose bytes no longer hash to its name (`doctor --store`): reads the whole
    /// store, on `threads` threads.
    pub fn damaged(&self, threads: usize) -> Vec<Entry> {
        in_parallel(&self.entries(), threads, |part| {
            part.iter()
                .filter(|e| {
                    !crate::digest::sha256_file(&e.path).is_ok_and(|actual| actual == e.digest)
                })
                .cloned()
                .collect()
        })
    }

    fn tmp_name(&self, dir: &Path) -> PathBuf {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        dir.join(format!(".gover-store-{}-{n}", std::process::id()))
    }

    /// Every entry of the store (not those being made in `tmp/`).
    pub fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        let Ok(shards) = fs::read_dir(&self.dir) else {
            return out;
        };
        for shard in shards.flatten() {
            let prefix = shard.file_name().to_string_lossy().into_owned();
            if prefix.len() != 2 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            let Ok(files) = fs::read_dir(shard.path()) else {
                continue;
            };
            for file in files.flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                let Some((rest, mode)) = name.split_once('.') else {
                    continue;
                };
                let Ok(mode) = u32::from_str_radix(mode, 8) else {
                    continue;
                };
                let Ok(m) = file.metadata() else { continue };
                if !m.is_file() {
                    continue;
                }
                out.push(Entry {
                    path: file.path(),
                    digest: format!("{prefix}{rest}"),
                    mode,
                    size: m.len(),
                    nlink: m.nlink(),
                    ino: m.ino(),
                });
            }
        }
        out
    }

    /// Entries no version uses (a link count of 1), and files left in `tmp/` by killed
    /// installs that no tree uses either.
    pub fn unreferenced(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .entries()
            .into_iter()
            .filter(|e| e.nlink <= 1)
            .map(|e| e.path)
            .collect();
        if let Ok(tmp) = fs::read_dir(self.dir.join(TMP)) {
            out.extend(
                tmp.flatten()
                    .filter(|f| f.metadata().is_ok_and(|m| m.nlink() <= 1))
                    .map(|f| f.path()),
            );
        }
        out
    }

    /// Remove what [`Store::unreferenced`] lists (after a version is removed). An install
    /// that links to an entry at the moment it goes keeps its file; it is just not shared.
    pub fn sweep(&self) -> io::Result<()> {
        for path in self.unreferenced() {
            match fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(())
    }
}

/// `work` run on `items` split into `threads` parts at once; what the parts return, joined.
fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    work: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    if items.is_empty() {
        return Vec::new();
    }
    let chunk = items.len().div_ceil(threads.clamp(1, items.len()));
    let work = &work;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || work(part)))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_default())
            .collect()
    })
}

/// A file of a version tree written afresh by an install (not linked to a proven entry),
/// waiting for the archive to be verified before [`Store::adopt_all`] shares it.
#[derive(Debug)]
pub struct NewFile {
    target: PathBuf,
    entry: PathBuf,
    mode: u32,
    size: u64,
}

/// A large file being written: hashed as it goes.
pub struct Streamed<'a> {
    store: &'a Store,
    file: File,
    target: PathBuf,
    mode: u32,
    hasher: Sha256,
    size: u64,
}

impl Streamed<'_> {
    pub fn write_all(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        self.file.write_all(chunk)
    }

    /// Close the file; its sha256, and the file to adopt once the archive is verified.
    pub fn finish(self) -> io::Result<([u8; 32], NewFile)> {
        self.file
            .set_modified(SystemTime::UNIX_EPOCH + STORED_MTIME)?;
        drop(self.file);
        let digest: [u8; 32] = self.hasher.finalize().into();
        let new = NewFile {
            entry: self.store.entry_path(&hex(&digest), self.mode),
            target: self.target,
            mode: self.mode,
            size: self.size,
        };
        Ok((digest, new))
    }
}

/// Link `target` (which must not exist) to `entry` if, and only if, `entry` is a regular file
/// of `mode` whose bytes are exactly the `size` bytes `expected` yields. The entry is opened
/// without following a link and without blocking (a FIFO planted there is refused, not waited
/// on), compared through that descriptor, and after the link `target` must be the same inode
/// (so an entry swapped between the comparison and the link is not used). `false` when the
/// entry is missing or differs; an error only when `target` could not be cleaned up.
fn link_if_equal(
    entry: &Path,
    mode: u32,
    expected: &mut impl io::Read,
    size: u64,
    target: &Path,
) -> io::Result<bool> {
    let Ok(mut stored) = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(entry)
    else {
        return Ok(false);
    };
    let Ok(meta) = stored.metadata() else {
        return Ok(false);
    };
    if !meta.is_file() || meta.len() != size || meta.mode() & 0o7777 != mode & 0o7777 {
        return Ok(false);
    }
    if !same_bytes(&mut stored, expected, size).unwrap_or(false) {
        return Ok(false);
    }
    if fs::hard_link(entry, target).is_err() {
        return Ok(false);
    }
    match fs::symlink_metadata(target) {
        Ok(t) if t.ino() == meta.ino() && t.dev() == meta.dev() => Ok(true),
        _ => fs::remove_file(target).map(|()| false),
    }
}

/// Whether `a` and `b` both yield exactly `size` bytes, the same ones.
fn same_bytes(a: &mut impl io::Read, b: &mut impl io::Read, size: u64) -> io::Result<bool> {
    const CHUNK: u64 = 64 * 1024;
    let len = size.min(CHUNK) as usize;
    let (mut left, mut right) = (vec![0u8; len], vec![0u8; len]);
    let mut remaining = size;
    while remaining > 0 {
        let n = remaining.min(CHUNK) as usize;
        a.read_exact(&mut left[..n])?;
        b.read_exact(&mut right[..n])?;
        if left[..n] != right[..n] {
            return Ok(false);
        }
        remaining -= n as u64;
    }
    // Nothing may follow (a file that grew since it was measured).
    Ok(a.read(&mut [0u8; 1])? == 0)
}

/// This process's umask, from `/proc/self/status` (Linux 4.7+), else the usual 022. Reading
/// it there does not change it, unlike `umask(2)`, which other threads could observe.
fn umask() -> u32 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Umask:"))?;
            u32::from_str_radix(line["Umask:".len()..].trim(), 8).ok()
        })
        .unwrap_or(0o022)
}

/// A new file of a version tree with `mode` (narrowed by the umask), never through an existing
/// name or link (`O_CREAT|O_EXCL`).
pub fn create(target: &Path, mode: u32) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATA: &[u8] = b"package main\n";

    fn ino(path: &Path) -> u64 {
        fs::metadata(path).unwrap().ino()
    }

    /// A store in a temp dir, two target paths beside it, and the entry `DATA` (0644) gets.
    fn fixture() -> (tempfile::TempDir, Store, PathBuf, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("store"));
        let (first, second) = (dir.path().join("a.go"), dir.path().join("b.go"));
        let entry = store.entry_path(&hex(&Sha256::digest(DATA)), store.effective(0o644));
        (dir, store, first, second, entry)
    }

    fn place_and_adopt(store: &Store, target: &Path) -> bool {
        let (_, new) = store.place(DATA, 0o644, target).unwrap();
        let linked = new.is_none();
        store.adopt_all(new.into_iter().collect(), 2);
        linked
    }

    /// Nothing enters the store until adopted; after that the next copy links to it.
    #[test]
    fn a_file_enters_the_store_only_when_adopted_and_is_then_linked() {
        let (_dir, store, first, second, entry) = fixture();
        let (_, new) = store.place(DATA, 0o644, &first).unwrap();
        assert!(!entry.exists(), "stored before verification");
        store.adopt_all(vec![new.unwrap()], 1);
        assert_eq!(ino(&entry), ino(&first));
        assert!(place_and_adopt(&store, &second));
        assert_eq!(ino(&second), ino(&first));
    }

    /// Two identical files written at once by two writer threads both miss the store; the
    /// second to be adopted must link to the first's entry rather than keep a copy.
    #[test]
    fn a_copy_that_lost_the_race_to_the_store_is_replaced_by_a_link() {
        let (_dir, store, first, second, entry) = fixture();
        let (_, a) = store.place(DATA, 0o644, &first).unwrap();
        let (_, b) = store.place(DATA, 0o644, &second).unwrap();
        store.adopt_all(vec![a.unwrap(), b.unwrap()], 1);
        assert_eq!(ino(&entry), ino(&first));
        assert_eq!(ino(&second), ino(&first));
        assert_eq!(fs::metadata(&entry).unwrap().nlink(), 3);
    }

    /// An entry with the right name, size, mode and mtime but other bytes (planted, or
    /// zero-filled by a power cut) is never linked; the verified copy replaces it.
    #[test]
    fn an_entry_with_other_bytes_and_the_right_metadata_is_replaced() {
        let (_dir, store, first, second, entry) = fixture();
        fs::create_dir_all(entry.parent().unwrap()).unwrap();
        let mut planted = create(&entry, 0o644).unwrap();
        planted.write_all(&vec![0u8; DATA.len()]).unwrap();
        planted
            .set_modified(SystemTime::UNIX_EPOCH + STORED_MTIME)
            .unwrap();
        assert!(!place_and_adopt(&store, &first), "linked a planted entry");
        assert_eq!(fs::read(&first).unwrap(), DATA);
        assert_eq!(ino(&entry), ino(&first), "the verified copy replaces it");
        assert!(place_and_adopt(&store, &second));
        assert_eq!(fs::read(&second).unwrap(), DATA);
    }

    /// A link or a FIFO under an entry's name is neither followed nor waited on.
    #[test]
    fn a_link_or_fifo_under_an_entry_name_is_not_used() {
        let (dir, store, first, second, entry) = fixture();
        fs::create_dir_all(entry.parent().unwrap()).unwrap();
        let outside = dir.path().join("outside");
        fs::write(&outside, DATA).unwrap();
        std::os::unix::fs::symlink(&outside, &entry).unwrap();
        assert!(!place_and_adopt(&store, &first));
        assert!(fs::symlink_metadata(&entry).unwrap().is_file());
        fs::remove_file(&entry).unwrap();
        let fifo = std::ffi::CString::new(entry.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        assert!(!place_and_adopt(&store, &second));
        assert_eq!(fs::read(&second).unwrap(), DATA);
    }

    /// `damaged` finds an entry edited in place with its mtime restored.
    #[test]
    fn damaged_finds_content_changes_whatever_the_mtime() {
        let (_dir, store, first, _second, entry) = fixture();
        place_and_adopt(&store, &first);
        assert!(store.damaged(2).is_empty());
        fs::write(&first, b"package evil\n").unwrap();
        fs::File::options()
            .write(true)
            .open(&entry)
            .unwrap()
            .set_modified(SystemTime::UNIX_EPOCH + STORED_MTIME)
            .unwrap();
        let damaged = store.damaged(2);
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].path, entry);
    }
}
