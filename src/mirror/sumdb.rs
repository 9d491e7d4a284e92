//! The checksum database inside a GOPROXY-layout mirror (`mirror sync --layout goproxy`): the
//! static files that let `go` and `GOVER_SOURCE=proxy` verify every synced toolchain from the
//! mirror alone, the way they ask a proxy that proxies the database (`<proxy>/sumdb/<name>/…`).
//!
//! ```text
//! DIR/sumdb/<name>/supported                 empty: "this proxy serves <name>"
//! DIR/sumdb/<name>/latest                    the mirror's signed tree head M
//! DIR/sumdb/<name>/lookup/<module>@<version> each synced toolchain's record, carrying M
//! DIR/sumdb/<name>/tile/8/<L>/<N>[.p/<W>]    every tile the proofs below read, at M's widths
//! DIR/sumdb/<name>/heads/<size>              every head the mirror served before (and any a
//!                                            client holds, copied in by the operator)
//! ```
//!
//! One head M per sync: the newest the database served during it. Each record is proved in M and
//! each earlier head (`heads/`) is proved a prefix of M, from tiles authenticated against M's
//! signed hash (gover-sumdb's [`TileHashReader`]), and its own tree hash is recomputed from the
//! tiles of its own tree (Go's client re-checks the head it holds that way when it starts). The
//! tiles those proofs read are exactly the ones a client's proofs read (Go's
//! `golang.org/x/mod/sumdb` client and gover's walk the same tiles), so they are what the mirror
//! serves. A client that holds an earlier head proves it
//! against M with the `heads/` tiles; one that holds a head newer than M cannot be served until a
//! sync past its head with that head in `heads/` (docs/fleet.md says how).
//!
//! Nothing is written unless every proof holds. Files are written durably (temp file, fsync,
//! rename, fsync of the dir) in an order that keeps the mirror valid after a power cut: tiles,
//! then lookups, then `heads/`, then `latest`, then `supported`. No link in DIR/sumdb is ever
//! followed: a directory that is a link is refused, a file that is one is replaced.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use gover_sumdb::note::{self, Verifier};
use gover_sumdb::tlog::{
    self, HashReader as _, Tile, TileHashReader, TileReader, TlogError, Tree, stored_hash_index,
};
use gover_sumdb::{Fetch, Fork, SumdbError};

use crate::error::Error;
use crate::source::goproxy::{GoproxyError, MODULE};

/// The tile height of sum.golang.org, which Go's client always uses.
const TILE_HEIGHT: u32 = 8;
/// Bound on a head file read from DIR (a signed tree note is a few hundred bytes).
const MAX_NOTE: u64 = 64 * 1024;
/// Bound on how many heads `heads/` may hold.
const MAX_HEADS: usize = 10_000;
const HEADS_HINT: &str = "DIR/sumdb/<name>/heads/ holds signed tree heads (the mirror's earlier \
    ones, and clients' `latest` files copied in); remove what is not one";

/// What a sync of the database files did.
#[derive(Debug, Default)]
pub struct Report {
    /// The size of the mirror's tree head.
    pub size: u64,
    /// Lookups written (one per toolchain in the mirror).
    pub lookups: usize,
    /// Tiles written this time (tiles already in place are kept).
    pub tiles: usize,
    /// Earlier heads proved against the new one.
    pub heads: usize,
}

/// A verified signed tree head.
#[derive(Clone)]
struct Head {
    tree: Tree,
    note: Vec<u8>,
    /// Where it came from, for messages.
    from: String,
}

/// Bring `dir/sumdb/<name>/` up to date for `versions` (every toolchain module version the mirror
/// holds), fetching from `upstream` (the database, or a proxy's `/sumdb/<name>/`). `vouched`
/// pairs a module version with the zip `h1:` this sync checked its zip against; the record the
/// mirror serves must say the same.
pub fn sync(
    dir: &Path,
    key: &str,
    upstream: &dyn Fetch,
    versions: &[String],
    vouched: &[(String, String)],
) -> Result<Report, Error> {
    let verifier = Verifier::parse(key.trim()).map_err(|e| sumdb_err("", SumdbError::Key(e)))?;
    let name = verifier.name().to_string();
    // The name becomes directories under DIR/sumdb (Go allows `/` in it, and `..`).
    let safe = name
        .split('/')
        .all(|c| !c.is_empty() && c != "." && c != ".." && !c.contains('\\'));
    if !safe {
        return Err(GoproxyError::BadSumdb {
            value: key.to_string(),
            reason: format!("its name `{name}` cannot name a directory under DIR/sumdb"),
        }
        .into());
    }
    let rel: PathBuf = ["sumdb"].iter().copied().chain(name.split('/')).collect();
    let root = ensure_dirs(dir, &rel)?;
    let _lock = lock(&root)?;
    let db = Db {
        name: &name,
        verifier: &verifier,
        upstream,
    };

    // The newest head the database serves: `latest`, or a lookup's if the log grew meanwhile.
    let mut seen = vec![db.open(&db.get("latest")?, "latest")?];
    let mut records = Vec::new();
    for mv in versions {
        let path = format!("lookup/{MODULE}@{}", escape(mv));
        let msg = db.get(&path)?;
        let (id, text, note) = tlog::parse_record(&msg).map_err(|source| {
            db.err(
                mv,
                SumdbError::Malformed {
                    db: name.clone(),
                    path: path.clone(),
                    source,
                },
            )
        })?;
        seen.push(db.open(note, &path)?);
        records.push((mv.clone(), id, text.to_vec()));
    }
    let head = seen
        .iter()
        .max_by_key(|h| h.tree.n)
        .cloned()
        .expect("`latest` is always seen");

    // Every head a client of this mirror may hold: those served before, and any copied in.
    let mut earlier = read_heads(&root, &db)?;
    earlier.extend(seen.into_iter().filter(|h| h.tree.n < head.tree.n));

    let tiles = Recorder {
        upstream,
        name: &name,
        got: RefCell::new(BTreeMap::new()),
    };
    let reader = TileHashReader::new(head.tree, &tiles);
    let mut proved = 0;
    for older in &earlier {
        if older.tree.n > head.tree.n {
            crate::output::warn(format_args!(
                "{} holds tree head {} of {name}, newer than the {} records the database serves \
                 now; clients holding it cannot use this mirror until a later sync reaches it",
                older.from, older.tree.n, head.tree.n
            ));
            continue;
        }
        let hash = if older.tree.n == 0 {
            tlog::Hash::default()
        } else {
            tlog::tree_hash(older.tree.n, &reader).map_err(|source| {
                db.err(
                    "",
                    SumdbError::Proof {
                        db: name.clone(),
                        what: format!(
                            "tree {} ({}) against tree {}",
                            older.tree.n, older.from, head.tree.n
                        ),
                        source,
                    },
                )
            })?
        };
        // Go's client re-checks the head it holds at start-up, from the tiles of that head's
        // own tree (its tile cache, else the server): serve those too.
        let own = TileHashReader::new(older.tree, &tiles);
        if older.tree.n > 0 && hash == older.tree.hash {
            tlog::tree_hash(older.tree.n, &own).map_err(|source| {
                db.err(
                    "",
                    SumdbError::Proof {
                        db: name.clone(),
                        what: format!("tree {} ({}) from its own tiles", older.tree.n, older.from),
                        source,
                    },
                )
            })?;
        }
        if hash != older.tree.hash {
            return Err(db.err(
                "",
                SumdbError::Fork(Box::new(Fork {
                    db: name.clone(),
                    older: older.tree,
                    older_note: older.note.clone(),
                    newer: head.tree,
                    newer_note: head.note.clone(),
                })),
            ));
        }
        proved += 1;
    }
    for (mv, id, text) in &records {
        db.check_record(&reader, head.tree, mv, *id, text, vouched)?;
    }

    // Every proof holds: publish, tiles first, the head last.
    let mut report = Report {
        size: head.tree.n,
        lookups: records.len(),
        heads: proved,
        ..Report::default()
    };
    for (path, data) in tiles.got.into_inner() {
        if write_new(&root, &path, &data)? {
            report.tiles += 1;
        }
    }
    for (mv, id, text) in &records {
        let mut msg = tlog::format_record(*id, text).expect("parsed from a record");
        msg.extend_from_slice(&head.note);
        write(&root, &format!("lookup/{MODULE}@{}", escape(mv)), &msg)?;
    }
    write(&root, &format!("heads/{}", head.tree.n), &head.note)?;
    write(&root, "latest", &head.note)?;
    write(&root, "supported", b"")?;
    Ok(report)
}

/// The upstream database, its key, and how its answers become errors.
struct Db<'a> {
    name: &'a str,
    verifier: &'a Verifier,
    upstream: &'a dyn Fetch,
}

impl Db<'_> {
    fn err(&self, version: &str, source: SumdbError) -> Error {
        sumdb_err(version, source)
    }

    fn get(&self, path: &str) -> Result<Vec<u8>, Error> {
        self.upstream.fetch(path).map_err(|source| {
            self.err(
                "",
                SumdbError::Fetch {
                    db: self.name.to_string(),
                    path: path.to_string(),
                    source,
                },
            )
        })
    }

    /// A signed tree head, verified against the key.
    fn open(&self, msg: &[u8], from: &str) -> Result<Head, Error> {
        let opened = note::open(msg, std::slice::from_ref(self.verifier)).map_err(|source| {
            self.err(
                "",
                SumdbError::Note {
                    db: self.name.to_string(),
                    path: from.to_string(),
                    source,
                },
            )
        })?;
        let tree = tlog::parse_tree(opened.text.as_bytes()).map_err(|source| {
            self.err(
                "",
                SumdbError::Malformed {
                    db: self.name.to_string(),
                    path: from.to_string(),
                    source,
                },
            )
        })?;
        Ok(Head {
            tree,
            note: msg.to_vec(),
            from: from.to_string(),
        })
    }

    /// Record `id` must be in `tree` (proved from authenticated tiles), be this toolchain's, and
    /// vouch for the zip this sync checked (when it checked one).
    fn check_record(
        &self,
        reader: &TileHashReader<'_>,
        tree: Tree,
        mv: &str,
        id: u64,
        text: &[u8],
        vouched: &[(String, String)],
    ) -> Result<(), Error> {
        let target = format!("{MODULE}@{mv}");
        if id >= tree.n {
            return Err(self.err(
                mv,
                SumdbError::RecordNotInTree {
                    db: self.name.to_string(),
                    id,
                    size: tree.n,
                },
            ));
        }
        let expected = reader
            .read_hashes(&[stored_hash_index(0, id)])
            .map_err(|source| {
                self.err(
                    mv,
                    SumdbError::Proof {
                        db: self.name.to_string(),
                        what: format!("record {id} ({target})"),
                        source,
                    },
                )
            })?[0];
        let got = tlog::record_hash(text);
        if expected != got {
            return Err(self.err(
                mv,
                SumdbError::RecordMismatch {
                    db: self.name.to_string(),
                    target,
                    id,
                    expected,
                    got,
                },
            ));
        }
        let text = String::from_utf8_lossy(text);
        let zip_line = text.lines().find_map(|line| {
            let mut fields = line.split(' ');
            (fields.next() == Some(MODULE) && fields.next() == Some(mv))
                .then(|| fields.next())
                .flatten()
        });
        let Some(zip_hash) = zip_line else {
            return Err(self.err(
                mv,
                SumdbError::NoZipHash {
                    db: self.name.to_string(),
                    module: MODULE.into(),
                    version: mv.into(),
                },
            ));
        };
        if let Some((_, checked)) = vouched.iter().find(|(v, _)| v == mv)
            && checked != zip_hash
        {
            return Err(GoproxyError::Mirrored {
                what: "the lookup record",
                path: PathBuf::from(format!("sumdb/{}/lookup/{target}", self.name)),
                expected: checked.clone(),
                actual: zip_hash.to_string(),
            }
            .into());
        }
        Ok(())
    }
}

fn sumdb_err(version: &str, source: SumdbError) -> Error {
    GoproxyError::Sumdb {
        module: MODULE.into(),
        version: version.into(),
        source: Box::new(source),
    }
    .into()
}

/// The tiles the proofs read, fetched from upstream and kept by path (authenticated by the
/// [`TileHashReader`] that asked for them before any proof succeeds). A partial tile the
/// database no longer serves is cut from its full tile, as Go's client does.
struct Recorder<'a> {
    upstream: &'a dyn Fetch,
    name: &'a str,
    got: RefCell<BTreeMap<String, Vec<u8>>>,
}

impl TileReader for Recorder<'_> {
    fn height(&self) -> u32 {
        TILE_HEIGHT
    }

    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, TlogError> {
        tiles
            .iter()
            .map(|tile| {
                let path = tile.path();
                if let Some(data) = self.got.borrow().get(&path) {
                    return Ok(data.clone());
                }
                let data = match self.upstream.fetch(&path) {
                    Ok(data) => data,
                    Err(e) if e.not_found && !tile.is_full() => {
                        let full = Tile {
                            width: 1 << tile.height,
                            ..*tile
                        };
                        let mut data = self.upstream.fetch(&full.path())?;
                        data.truncate(tile.len_bytes());
                        data
                    }
                    Err(e) => return Err(e.into()),
                };
                if data.len() != tile.len_bytes() {
                    return Err(TlogError::TileLength {
                        path: format!("{}/{path}", self.name),
                        got: data.len(),
                        want: tile.len_bytes(),
                    });
                }
                self.got.borrow_mut().insert(path, data.clone());
                Ok(data)
            })
            .collect()
    }
}

/// Go's module path escaping (`golang.org/x/mod/module.EscapePath`): an upper-case letter
/// becomes `!` and its lower case. Toolchain module versions are lower case already.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The heads the mirror served before (`latest`, `heads/*`), each verified against the key. A
/// file that is not a head signed by the key is an error naming it: it is the operator's to fix.
fn read_heads(root: &Path, db: &Db<'_>) -> Result<Vec<Head>, Error> {
    let mut heads = Vec::new();
    if let Some(msg) = read_bounded(&root.join("latest"), MAX_NOTE)? {
        heads.push(db.open(&msg, &root.join("latest").display().to_string())?);
    }
    let dir = root.join("heads");
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(heads),
        Err(e) => return Err(Error::io("cannot read", &dir)(e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| !n.starts_with('.'))
        })
        .take(MAX_HEADS + 1)
        .collect();
    if paths.len() > MAX_HEADS {
        return Err(Error::MirrorFile {
            what: "more than 10000 tree heads in",
            path: dir,
            hint: HEADS_HINT,
        });
    }
    paths.sort();
    for path in paths {
        if let Some(msg) = read_bounded(&path, MAX_NOTE)? {
            let head = db.open(&msg, &path.display().to_string())?;
            if !heads.iter().any(|h: &Head| h.note == head.note) {
                heads.push(head);
            }
        }
    }
    Ok(heads)
}

/// A regular file's bytes (never through a link; anything else there is skipped), bounded.
fn read_bounded(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, Error> {
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        // ELOOP: a link, which is not ours to read.
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return Ok(None),
        Err(e) => return Err(Error::io("cannot read", path)(e)),
    };
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Ok(None);
    }
    let mut data = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(Error::io("cannot read", path))?;
    if data.len() as u64 > limit {
        return Err(Error::MirrorFile {
            what: "too large to be a signed tree head",
            path: path.to_path_buf(),
            hint: HEADS_HINT,
        });
    }
    Ok(Some(data))
}

/// `base/rel`, every component below `base` a real directory: created (and its parent fsynced)
/// when missing, refused when it is a link or anything else.
fn ensure_dirs(base: &Path, rel: &Path) -> Result<PathBuf, Error> {
    crate::fsutil::create_dirs(base).map_err(Error::io("cannot create", base))?;
    let mut path = base.to_path_buf();
    for component in rel.components() {
        let parent = path.clone();
        path.push(component);
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => continue,
            Ok(_) => {
                return Err(Error::MirrorFile {
                    what: "not a directory (a link is never followed), refusing to write through",
                    path,
                    hint: "remove it (or move the real directory there) and sync again",
                });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match fs::DirBuilder::new()
                    .mode(crate::fsutil::DIR_MODE)
                    .create(&path)
                {
                    Ok(()) => {}
                    // Another sync made it: check it like one found there.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
                            return Err(Error::io("cannot create", &path)(e));
                        }
                    }
                    Err(e) => return Err(Error::io("cannot create", &path)(e)),
                }
                crate::fsutil::sync_dir(&parent)
                    .map_err(Error::io("cannot flush to disk", &parent))?;
            }
            Err(e) => return Err(Error::io("cannot inspect", &path)(e)),
        }
    }
    Ok(path)
}

/// Write `root/rel` durably (temp file, fsync, rename, fsync dir), its directories made by
/// [`ensure_dirs`]. A link in the file's place is replaced, never written through.
fn write(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), Error> {
    let rel = Path::new(rel);
    let dir = match rel.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => ensure_dirs(root, parent)?,
        _ => root.to_path_buf(),
    };
    let path = dir.join(rel.file_name().expect("a file name"));
    if fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        fs::remove_file(&path).map_err(Error::io("cannot replace", &path))?;
    }
    crate::fsutil::write_atomic(&path, bytes).map_err(Error::io("cannot write", &path))
}

/// [`write`], unless the file holds these bytes already. Says whether it wrote.
fn write_new(root: &Path, rel: &str, bytes: &[u8]) -> Result<bool, Error> {
    let limit = bytes.len() as u64;
    if read_bounded(&root.join(rel), limit)
        .ok()
        .flatten()
        .as_deref()
        == Some(bytes)
    {
        return Ok(false);
    }
    write(root, rel, bytes)?;
    Ok(true)
}

/// An `flock` on `root` for the rest of the sync: two syncs into one mirror take turns.
fn lock(root: &Path) -> Result<File, Error> {
    let file = File::open(root).map_err(Error::io("cannot lock", root))?;
    file.lock().map_err(Error::io("cannot lock", root))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gover_sumdb::server::Database;

    fn database(records: u64) -> Database {
        let (skey, _) = note::generate_key("sum.example.test", [3; 32]).unwrap();
        let mut db = Database::new(&skey).unwrap();
        for i in 0..records {
            db.add_module(&format!("example.com/m{i}"), "v1.0.0", "h1:a=", "h1:b=")
                .unwrap();
        }
        db
    }

    #[test]
    fn a_database_name_that_leaves_dir_sumdb_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("mirror");
        for name in ["../escape", "a/../../b", "a//b", "./x"] {
            let (skey, vkey) = note::generate_key(name, [5; 32]).unwrap();
            let db = Database::new(&skey).unwrap();
            let err = sync(&dir, &vkey, &db, &[], &[]).unwrap_err();
            assert!(err.to_string().contains("GOSUMDB"), "{name}: {err}");
        }
        assert!(!tmp.path().join("escape").exists());
        assert!(!dir.exists());
    }

    #[test]
    fn escaping_follows_go_module_rules() {
        assert_eq!(
            escape("v0.0.1-go1.22.5.linux-amd64"),
            "v0.0.1-go1.22.5.linux-amd64"
        );
        assert_eq!(escape("github.com/Azure/x"), "github.com/!azure/x");
    }

    /// A mirror built from a database answers every lookup through gover-sumdb's own client
    /// with the database gone, and a client holding an earlier mirror head proves it.
    #[test]
    fn the_mirror_serves_what_a_client_needs_and_nothing_is_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let mut db = database(300);
        let mv = "v0.0.1-go1.22.5.linux-amd64";
        db.add_module(MODULE, mv, "h1:zip=", "h1:mod=").unwrap();
        let key = db.verifier_key();
        sync(
            tmp.path(),
            &key,
            &db,
            &[mv.to_string()],
            &[(mv.into(), "h1:zip=".into())],
        )
        .unwrap();
        let root = tmp.path().join("sumdb/sum.example.test");
        let served = Served(root.clone());
        let store = gover_sumdb::MemoryStore::new();
        let client = gover_sumdb::Client::new(&key, &served, &store).unwrap();
        assert_eq!(client.zip_hash(MODULE, mv).unwrap(), "h1:zip=");

        // The log grows past a tile; a new sync proves the old head and the client follows.
        for i in 0..300 {
            db.add_module(&format!("example.com/n{i}"), "v1.0.0", "h1:a=", "h1:b=")
                .unwrap();
        }
        let mv2 = "v0.0.1-go1.23.0.linux-amd64";
        db.add_module(MODULE, mv2, "h1:zip2=", "h1:mod=").unwrap();
        let report = sync(
            tmp.path(),
            &key,
            &db,
            &[mv.to_string(), mv2.to_string()],
            &[],
        )
        .unwrap();
        assert_eq!(report.heads, 1);
        let client = gover_sumdb::Client::new(&key, &served, &store).unwrap();
        assert_eq!(client.zip_hash(MODULE, mv2).unwrap(), "h1:zip2=");
        assert_eq!(client.zip_hash(MODULE, mv).unwrap(), "h1:zip=");

        // A zip hash the sync checked that the record does not carry adds nothing.
        let before = fs::read(root.join("latest")).unwrap();
        assert!(
            sync(
                tmp.path(),
                &key,
                &db,
                &[mv.into()],
                &[(mv.into(), "h1:other=".into())]
            )
            .is_err()
        );
        assert_eq!(fs::read(root.join("latest")).unwrap(), before);

        // A planted link for a directory is refused, not followed.
        let elsewhere = tempfile::tempdir().unwrap();
        fs::rename(root.join("tile"), tmp.path().join("old-tile")).unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), root.join("tile")).unwrap();
        assert!(sync(tmp.path(), &key, &db, &[mv.into()], &[]).is_err());
        assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    }

    /// The files under `root`, as a fetcher.
    struct Served(PathBuf);

    impl Fetch for Served {
        fn fetch(&self, path: &str) -> Result<Vec<u8>, gover_sumdb::FetchError> {
            fs::read(self.0.join(path)).map_err(|e| gover_sumdb::FetchError::not_found(path, e))
        }
    }
}
