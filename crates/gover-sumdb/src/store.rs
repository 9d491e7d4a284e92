//! Two [`Store`]s for the latest verified tree head: [`MemoryStore`] (tests, one-shot use) and
//! [`FileStore`] (`<root>/<name>/latest`, replaced atomically).

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::Store;

/// Keeps tree heads in memory.
#[derive(Debug, Default)]
pub struct MemoryStore {
    notes: Mutex<HashMap<String, Vec<u8>>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    fn latest(&self, db_name: &str) -> Option<Vec<u8>> {
        self.notes.lock().ok()?.get(db_name).cloned()
    }

    fn set_latest(&self, db_name: &str, note: &[u8]) -> std::io::Result<()> {
        self.notes
            .lock()
            .map_err(|_| std::io::Error::other("memory store lock poisoned"))?
            .insert(db_name.to_string(), note.to_vec());
        Ok(())
    }
}

/// Keeps each database's tree head in `<root>/<name>/latest` (gover: `GOVER_HOME/sumdb`).
///
/// A database name may hold `/` (`example.com/sumdb`), which becomes directories; a name with an
/// empty, `.` or `..` component, or a leading `/`, is refused, so nothing is written outside
/// `root`. The file is replaced by writing a temporary file beside it and renaming it over.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// A store under `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FileStore { root: root.into() }
    }

    /// The file holding `db_name`'s tree head, or `None` for a name that is not a safe relative
    /// path.
    pub fn path(&self, db_name: &str) -> Option<PathBuf> {
        let safe = !db_name.is_empty()
            && db_name
                .split('/')
                .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'));
        safe.then(|| self.root.join(db_name).join("latest"))
    }
}

/// Bound on a stored tree head: a signed tree note is a few hundred bytes.
const MAX_NOTE: u64 = 64 * 1024;

impl Store for FileStore {
    fn latest(&self, db_name: &str) -> Option<Vec<u8>> {
        let path = self.path(db_name)?;
        let file = std::fs::File::open(path).ok()?;
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_NOTE), &mut data).ok()?;
        Some(data)
    }

    fn set_latest(&self, db_name: &str, note: &[u8]) -> std::io::Result<()> {
        let path = self.path(db_name).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("checksum database name {db_name:?} is not a safe directory name"),
            )
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        // 0755 whatever the umask (a umask of 000 must not make the dirs world-writable).
        std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o755)
            .create(dir)?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        tmp.write_all(note)?;
        tmp.as_file().sync_all()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        // The rename itself survives a power cut.
        std::fs::File::open(dir)?.sync_all()
    }
}
