//! The content-addressed file store under `$GOVER_HOME/store`: each distinct file of the
//! installed releases once, named by its sha256 and mode; version trees are hard links into it.
//!
//! Layout: `store/<2 hex>/<62 hex>.<mode>` (e.g. `store/ab/cd…ef.755`), and `store/tmp/` for
//! names being made. The mode is part of the name because hard links share it. Every stored
//! file has the mtime [`STORED_MTIME`] (as Nix does): an edit through any version tree sets the
//! mtime to now, which is how `doctor` finds edited files without hashing every tree.
//!
//! A stored file is used by as many versions as its link count says, minus the store's own
//! name: an entry with one link is used by no version, and [`Store::sweep`] removes it.
//!
//! Concurrency (two installs adding the same file, an uninstall sweeping meanwhile): a new
//! file is written under the version tree first and then hard-linked under its store name,
//! which fails if the name exists, so a store name always points at a complete file that some
//! tree links to (never one with a link count of 1 while an install is using it); the writer
//! that lost links its copy to the winner's. An existing entry is trusted only if it is a
//! regular file of the expected size, mode and mtime; a damaged one is replaced by the new copy,
//! linked under a unique name in `store/tmp/` and renamed over it. If the link fails (the entry was swept a moment before, or the
//! filesystem refuses hard links, or the file has too many links) the file is written in full.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use crate::download::hex;

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
    /// stored copy if there is a sound one, else a new file that is then added to the store.
    /// Returns the sha256 of `data` (the store key), for callers that need it too (the `h1:`
    /// of a module zip), so nothing is hashed twice.
    pub fn place(&self, data: &[u8], mode: u32, target: &Path) -> io::Result<[u8; 32]> {
        let mode = self.effective(mode);
        let digest: [u8; 32] = Sha256::digest(data).into();
        let entry = self.entry_path(&hex(&digest), mode);
        if self.sound(&entry, data.len() as u64, mode) && fs::hard_link(&entry, target).is_ok() {
            return Ok(digest);
        }
        let mut file = create(target, mode)?;
        file.write_all(data)?;
        file.set_modified(SystemTime::UNIX_EPOCH + STORED_MTIME)?;
        drop(file);
        self.adopt(target, &entry, data.len() as u64, mode);
        Ok(digest)
    }

    /// Start a new `target` that is written piece by piece (a large file), then shared like
    /// [`Store::place`] by [`Streamed::finish`].
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

    /// Whether `entry` can be linked to: a regular file of `size` bytes and `mode`, not
    /// written since it was stored (an edit through a version tree sets its mtime).
    fn sound(&self, entry: &Path, size: u64, mode: u32) -> bool {
        match fs::symlink_metadata(entry) {
            Ok(m) => {
                m.is_file()
                    && m.len() == size
                    && m.mode() & 0o7777 == mode & 0o7777
                    && m.mtime() == STORED_MTIME.as_secs() as i64
            }
            Err(_) => false,
        }
    }

    /// Share `target` (just written: `size` bytes, `mode`) through `entry`. With no entry yet,
    /// `target` becomes it: a hard link made under the entry's own name, which fails if another
    /// writer got there first (two identical files of one archive written by two threads at
    /// once, or two installs at once). Then `target` is replaced by a link to that entry if it
    /// is sound, and a damaged entry is replaced by `target` (link under a temp name, rename
    /// over it). Best effort: a store that cannot take it (another filesystem, no hard links)
    /// only means this file is not shared.
    fn adopt(&self, target: &Path, entry: &Path, size: u64, mode: u32) {
        let Some(shard) = entry.parent() else { return };
        let mut linked = fs::hard_link(target, entry);
        if matches!(&linked, Err(e) if e.kind() == io::ErrorKind::NotFound) {
            // The shard's first file: make the dirs (never group- or world-writable, whatever
            // the umask, like the version dirs), once per shard rather than once per file.
            if crate::fsutil::create_dirs(shard).is_err() {
                return;
            }
            linked = fs::hard_link(target, entry);
        }
        match linked {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if self.sound(entry, size, mode) {
                    self.link_over(entry, target);
                    return;
                }
                let tmp_dir = self.dir.join(TMP);
                if crate::fsutil::create_dirs(&tmp_dir).is_err() {
                    return;
                }
                let tmp = self.tmp_name(&tmp_dir);
                if fs::hard_link(target, &tmp).is_ok() && fs::rename(&tmp, entry).is_err() {
                    let _ = fs::remove_file(&tmp);
                }
            }
            Ok(()) | Err(_) => {}
        }
    }

    /// Replace `target` with a link to `entry` (made under a temp name beside it, renamed over
    /// it, so `target` is whole at every moment); best effort.
    fn link_over(&self, entry: &Path, target: &Path) {
        let tmp = self.tmp_name(target.parent().unwrap_or(Path::new(".")));
        if fs::hard_link(entry, &tmp).is_ok() && fs::rename(&tmp, target).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }

    fn tmp_name(&self, dir: &Path) -> PathBuf {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        dir.join(format!(".gover-store-{}-{n}", std::process::id()))
    }

    /// Every entry of the store (not those being made in `tmp/`).
    pub fn entries(&self) -> Vec<Entry> {
        self.entries_where(|_| true)
    }

    /// The entries whose metadata `keep` accepts (one `fstatat` per entry, nothing kept for
    /// the others).
    pub fn entries_where(&self, keep: impl Fn(&fs::Metadata) -> bool) -> Vec<Entry> {
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
                if !m.is_file() || !keep(&m) {
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

/// A large file being written: hashed as it goes, shared when finished.
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

    /// Close the file and share it: if the store already holds the same file, the new copy
    /// is replaced (by a rename, atomically) with a link to the stored one; else it becomes
    /// the stored copy. Returns the sha256 of what was written (see [`Store::place`]).
    pub fn finish(self) -> io::Result<[u8; 32]> {
        self.file
            .set_modified(SystemTime::UNIX_EPOCH + STORED_MTIME)?;
        drop(self.file);
        let store = self.store;
        let digest: [u8; 32] = self.hasher.finalize().into();
        let entry = store.entry_path(&hex(&digest), self.mode);
        store.adopt(&self.target, &entry, self.size, self.mode);
        Ok(digest)
    }
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
    use std::os::unix::fs::MetadataExt;

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

    /// Two identical files of one archive, written at once by two writer threads: both miss
    /// the store, both write, and the second to be adopted must link to the first's entry
    /// rather than leave a copy of its own (or take the entry away from the first).
    #[test]
    fn a_copy_that_lost_the_race_to_the_store_is_replaced_by_a_link() {
        let (_dir, store, first, second, entry) = fixture();
        for target in [&first, &second] {
            let mut file = create(target, 0o644).unwrap();
            file.write_all(DATA).unwrap();
            file.set_modified(SystemTime::UNIX_EPOCH + STORED_MTIME)
                .unwrap();
        }
        let mode = store.effective(0o644);
        store.adopt(&first, &entry, DATA.len() as u64, mode);
        store.adopt(&second, &entry, DATA.len() as u64, mode);
        assert_eq!(ino(&entry), ino(&first));
        assert_eq!(ino(&second), ino(&first));
        assert_eq!(fs::metadata(&entry).unwrap().nlink(), 3);
        assert_eq!(fs::read(&second).unwrap(), DATA);
    }

    /// An entry edited through a version tree is not linked to again: the next copy replaces it.
    #[test]
    fn a_damaged_entry_is_replaced_by_the_next_copy() {
        let (_dir, store, first, second, entry) = fixture();
        store.place(DATA, 0o644, &first).unwrap();
        fs::write(&first, b"package evil\n").unwrap();
        store.place(DATA, 0o644, &second).unwrap();
        assert_eq!(ino(&entry), ino(&second));
        assert_ne!(ino(&second), ino(&first));
        assert_eq!(fs::read(&second).unwrap(), DATA);
    }
}
