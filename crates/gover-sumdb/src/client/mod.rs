//! The checking client (`golang.org/x/mod/sumdb/client.go`): looks up a module version's go.sum
//! lines and believes them only once the record is proved to be in a signed tree that is
//! consistent with every tree seen before.

use std::collections::HashMap;
use std::sync::Mutex;

mod error;

pub use error::{Fork, SumdbError};

use crate::escape::{escape_path, escape_version};
use crate::note::{self, Verifier};
use crate::tlog::{
    self, Hash, HashReader as _, Tile, TileHashReader, TileReader, TlogError, Tree,
    stored_hash_index,
};
use crate::{Fetch, FetchError, Store};

/// The tile height sum.golang.org serves (and Go's client assumes).
pub const DEFAULT_TILE_HEIGHT: u32 = 8;

/// A checksum-database client for one database (one verifier key).
pub struct Client<F: Fetch, S: Store> {
    verifier: Verifier,
    fetch: F,
    store: S,
    tile_height: u32,
    /// The newest verified tree head and its signed note (loaded from the store on first use).
    latest: Mutex<Option<(Tree, Vec<u8>)>>,
    /// Tiles fetched so far. Cached bytes are authenticated again on every use, like fresh ones.
    tiles: Mutex<HashMap<Tile, Vec<u8>>>,
}

impl<F: Fetch, S: Store> std::fmt::Debug for Client<F, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("name", &self.verifier.name())
            .field("tile_height", &self.tile_height)
            .finish_non_exhaustive()
    }
}

impl<F: Fetch, S: Store> Client<F, S> {
    /// A client for the database whose verifier key is `verifier_key` (the GOSUMDB key, e.g.
    /// `sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8`), fetching with
    /// `fetch` and keeping the latest tree head in `store`. Tile height 8.
    pub fn new(verifier_key: &str, fetch: F, store: S) -> Result<Self, SumdbError> {
        let verifier = Verifier::parse(verifier_key.trim()).map_err(SumdbError::Key)?;
        Ok(Client {
            verifier,
            fetch,
            store,
            tile_height: DEFAULT_TILE_HEIGHT,
            latest: Mutex::new(None),
            tiles: Mutex::new(HashMap::new()),
        })
    }

    /// Uses tiles of height `height` (1..=30) instead of 8, for a database that serves them.
    pub fn with_tile_height(mut self, height: u32) -> Self {
        self.tile_height = height.clamp(1, tlog::tile::MAX_TILE_HEIGHT);
        self
    }

    /// The database name (from the key).
    pub fn name(&self) -> &str {
        self.verifier.name()
    }

    /// The fetcher.
    pub fn fetcher(&self) -> &F {
        &self.fetch
    }

    /// The newest verified tree head known (stored or seen this run), if any.
    pub fn latest(&self) -> Result<Option<Tree>, SumdbError> {
        Ok(self.current_latest()?.map(|(tree, _)| tree))
    }

    /// The go.sum lines the database holds for `module`@`version`, verified: the signed tree
    /// head is checked against the key and for consistency with the stored one (a fork is
    /// [`SumdbError::Fork`], a security error), and the lookup record's inclusion is proved
    /// from tiles. Returns e.g. `["golang.org/toolchain v0.0.1-go1.22.5.linux-amd64 h1:...=",
    /// "golang.org/toolchain v0.0.1-go1.22.5.linux-amd64/go.mod h1:...="]`.
    pub fn lookup(&self, module: &str, version: &str) -> Result<Vec<String>, SumdbError> {
        let path = format!(
            "lookup/{}@{}",
            escape_path(module).map_err(|reason| self.bad_module(module, version, reason))?,
            escape_version(version).map_err(|reason| self.bad_module(module, version, reason))?
        );
        let msg = self.fetch.fetch(&path).map_err(|source| {
            if source.not_found {
                SumdbError::NotFound {
                    db: self.name().to_string(),
                    module: module.to_string(),
                    version: version.to_string(),
                    source,
                }
            } else {
                self.fetch_error(&path, source)
            }
        })?;
        let (id, text, tree_note) =
            tlog::parse_record(&msg).map_err(|source| SumdbError::Malformed {
                db: self.name().to_string(),
                path: path.clone(),
                source,
            })?;
        let tree = self.open_tree(tree_note, &path)?;
        let latest = self.merge_latest(tree, tree_note)?;

        if id >= latest.n {
            return Err(SumdbError::RecordNotInTree {
                db: self.name().to_string(),
                id,
                size: latest.n,
            });
        }
        let tiles = Tiles(self);
        let reader = TileHashReader::new(latest, &tiles);
        let expected = reader
            .read_hashes(&[stored_hash_index(0, id)])
            .map_err(|source| SumdbError::Proof {
                db: self.name().to_string(),
                what: format!("record {id} ({module}@{version})"),
                source,
            })?[0];
        let got = tlog::record_hash(text);
        if expected != got {
            return Err(SumdbError::RecordMismatch {
                db: self.name().to_string(),
                target: format!("{module}@{version}"),
                id,
                expected,
                got,
            });
        }

        // The record is authenticated; keep the lines for this exact version (and its go.mod).
        let text = std::str::from_utf8(text).expect("parse_record checked UTF-8");
        let go_mod = format!("{version}/go.mod");
        Ok(text
            .lines()
            .filter(|line| {
                let mut fields = line.split(' ');
                fields.next() == Some(module)
                    && fields
                        .next()
                        .is_some_and(|v| v == version || v == go_mod.as_str())
            })
            .map(str::to_string)
            .collect())
    }

    /// The `h1:` hash of the zip of `module`@`version` (the verified non-`/go.mod` line).
    pub fn zip_hash(&self, module: &str, version: &str) -> Result<String, SumdbError> {
        self.lookup(module, version)?
            .iter()
            .find_map(|line| {
                let mut fields = line.split(' ');
                let (_, v, hash) = (fields.next()?, fields.next()?, fields.next()?);
                (v == version && hash.starts_with("h1:") && fields.next().is_none())
                    .then(|| hash.to_string())
            })
            .ok_or_else(|| SumdbError::NoZipHash {
                db: self.name().to_string(),
                module: module.to_string(),
                version: version.to_string(),
            })
    }

    /// Fetches the database's `latest` signed tree head and merges it like a lookup's (proving
    /// consistency with the stored one, storing it if newer). Returns the newest tree head.
    pub fn refresh(&self) -> Result<Tree, SumdbError> {
        let path = "latest";
        let msg = self
            .fetch
            .fetch(path)
            .map_err(|source| self.fetch_error(path, source))?;
        let tree = self.open_tree(&msg, path)?;
        self.merge_latest(tree, &msg)
    }

    fn bad_module(&self, module: &str, version: &str, reason: &'static str) -> SumdbError {
        SumdbError::BadModule {
            module: module.to_string(),
            version: version.to_string(),
            reason,
        }
    }

    fn fetch_error(&self, path: &str, source: FetchError) -> SumdbError {
        SumdbError::Fetch {
            db: self.name().to_string(),
            path: path.to_string(),
            source,
        }
    }

    /// Verifies a signed tree note and parses its tree.
    fn open_tree(&self, msg: &[u8], from: &str) -> Result<Tree, SumdbError> {
        let opened = note::open(msg, std::slice::from_ref(&self.verifier)).map_err(|source| {
            SumdbError::Note {
                db: self.name().to_string(),
                path: from.to_string(),
                source,
            }
        })?;
        tlog::parse_tree(opened.text.as_bytes()).map_err(|source| SumdbError::Malformed {
            db: self.name().to_string(),
            path: from.to_string(),
            source,
        })
    }

    /// The newest verified tree head, loading the stored one on first use.
    fn current_latest(&self) -> Result<Option<(Tree, Vec<u8>)>, SumdbError> {
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        self.load_stored(&mut latest)?;
        Ok(latest.clone())
    }

    fn load_stored(&self, latest: &mut Option<(Tree, Vec<u8>)>) -> Result<(), SumdbError> {
        if latest.is_none()
            && let Some(msg) = self.store.latest(self.name())
            && !msg.is_empty()
        {
            let tree = self.open_tree(&msg, "the stored tree head")?;
            *latest = Some((tree, msg));
        }
        Ok(())
    }

    /// Merges a verified tree head into the timeline: it and the newest known tree head must be
    /// one a prefix of the other (else [`SumdbError::Fork`]). Stores it if it is newer. Returns
    /// the newest tree head.
    fn merge_latest(&self, tree: Tree, msg: &[u8]) -> Result<Tree, SumdbError> {
        // Held throughout, so two lookups on threads cannot both install; tiles have their own lock.
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        self.load_stored(&mut latest)?;
        if let Some((known, known_msg)) = latest.as_ref() {
            if tree.n <= known.n {
                self.check_prefix(tree, msg, *known, known_msg)?;
                return Ok(*known);
            }
            self.check_prefix(*known, known_msg, tree, msg)?;
        }
        // Another process may have stored a head since it was loaded: merge that one too, and
        // never replace a newer stored head by an older one.
        if let Some(stored_msg) = self.store.latest(self.name())
            && !stored_msg.is_empty()
            && latest.as_ref().is_none_or(|(_, m)| *m != stored_msg)
        {
            let stored = self.open_tree(&stored_msg, "the stored tree head")?;
            if stored.n >= tree.n {
                self.check_prefix(tree, msg, stored, &stored_msg)?;
                *latest = Some((stored, stored_msg));
                return Ok(stored);
            }
            self.check_prefix(stored, &stored_msg, tree, msg)?;
        }
        self.store
            .set_latest(self.name(), msg)
            .map_err(|source| SumdbError::Store {
                db: self.name().to_string(),
                source,
            })?;
        *latest = Some((tree, msg.to_vec()));
        Ok(tree)
    }

    /// Checks that `older` is a prefix of `newer` (both signed): the hash of the first
    /// `older.n` records, computed from tiles authenticated against `newer`, must be `older`'s.
    fn check_prefix(
        &self,
        older: Tree,
        older_note: &[u8],
        newer: Tree,
        newer_note: &[u8],
    ) -> Result<(), SumdbError> {
        let fork = || {
            SumdbError::Fork(Box::new(Fork {
                db: self.name().to_string(),
                older,
                older_note: older_note.to_vec(),
                newer,
                newer_note: newer_note.to_vec(),
            }))
        };
        if older.n == newer.n {
            return if older.hash == newer.hash {
                Ok(())
            } else {
                Err(fork())
            };
        }
        if older.n == 0 {
            // The empty tree is a prefix of every tree, but only if it claims the empty hash.
            return if older.hash == Hash::default() {
                Ok(())
            } else {
                Err(fork())
            };
        }
        let tiles = Tiles(self);
        let reader = TileHashReader::new(newer, &tiles);
        let h = tlog::tree_hash(older.n, &reader).map_err(|source| SumdbError::Proof {
            db: self.name().to_string(),
            what: format!("tree {} against tree {}", older.n, newer.n),
            source,
        })?;
        if h == older.hash { Ok(()) } else { Err(fork()) }
    }
}

/// The client's tiles: from the fetcher (or the per-client cache), authenticated by
/// [`TileHashReader`] before any hash is used.
struct Tiles<'a, F: Fetch, S: Store>(&'a Client<F, S>);

impl<F: Fetch, S: Store> TileReader for Tiles<'_, F, S> {
    fn height(&self) -> u32 {
        self.0.tile_height
    }

    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, TlogError> {
        tiles
            .iter()
            .map(|tile| {
                if let Some(data) = self
                    .0
                    .tiles
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get(tile)
                {
                    return Ok(data.clone());
                }
                let data = self.0.fetch.fetch(&tile.path())?;
                if data.len() != tile.len_bytes() {
                    return Err(TlogError::TileLength {
                        path: tile.path(),
                        got: data.len(),
                        want: tile.len_bytes(),
                    });
                }
                self.0
                    .tiles
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(*tile, data.clone());
                Ok(data)
            })
            .collect()
    }
}
