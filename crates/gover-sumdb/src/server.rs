//! The serving side: a checksum database built in memory (records, signed tree heads, tiles) that
//! answers database paths, for tests and loopback harnesses (like `golang.org/x/mod/sumdb`'s
//! `TestServer`). It is also a [`Fetch`], so a client can read it directly.

use std::collections::HashMap;

use crate::escape::{escape_path, escape_version, unescape};
use crate::note::{self, KeyError, Signer};
use crate::tlog::format::FormatError;
use crate::tlog::{MemoryLog, Tile, Tree, format_record, format_tree};
use crate::{Fetch, FetchError};

/// A checksum database in memory.
#[derive(Debug)]
pub struct Database {
    signer: Signer,
    log: MemoryLog,
    /// `module@version` (unescaped) to record index.
    records: HashMap<String, u64>,
    /// Record texts by index.
    texts: Vec<Vec<u8>>,
    tile_height: u32,
}

impl Database {
    /// An empty database signing with `signer_key` (`PRIVATE+KEY+<name>+<hash>+<seed>`), serving
    /// tiles of height 8.
    pub fn new(signer_key: &str) -> Result<Self, KeyError> {
        Ok(Database {
            signer: Signer::parse(signer_key)?,
            log: MemoryLog::new(),
            records: HashMap::new(),
            texts: Vec::new(),
            tile_height: crate::client::DEFAULT_TILE_HEIGHT,
        })
    }

    /// Serves tiles of height `height` (1..=30) instead.
    pub fn with_tile_height(mut self, height: u32) -> Self {
        self.tile_height = height.clamp(1, crate::tlog::tile::MAX_TILE_HEIGHT);
        self
    }

    /// The database name.
    pub fn name(&self) -> &str {
        self.signer.name()
    }

    /// The verifier key clients need (the GOSUMDB key).
    pub fn verifier_key(&self) -> String {
        self.signer.verifier().encode()
    }

    /// The tile height served.
    pub fn tile_height(&self) -> u32 {
        self.tile_height
    }

    /// The log (to read hashes, proofs and tiles directly).
    pub fn log(&self) -> &MemoryLog {
        &self.log
    }

    /// The number of records.
    pub fn len(&self) -> u64 {
        self.log.len()
    }

    /// Whether the database has no records.
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }

    /// Appends the record for `module`@`version`: its go.sum lines, each ending in a newline
    /// (`"<module> <version> h1:...\n<module> <version>/go.mod h1:...\n"`). Returns the record
    /// index. A later record for the same module version replaces the earlier in lookups (the
    /// log keeps both).
    pub fn add(&mut self, module: &str, version: &str, lines: &str) -> Result<u64, FormatError> {
        // Validates the text the same way a lookup response is parsed.
        format_record(0, lines.as_bytes())?;
        let id = self.log.append(lines.as_bytes());
        self.texts.push(lines.as_bytes().to_vec());
        self.records.insert(format!("{module}@{version}"), id);
        Ok(id)
    }

    /// Appends the usual two-line record: the zip's and the go.mod's `h1:` hashes.
    pub fn add_module(
        &mut self,
        module: &str,
        version: &str,
        zip_hash: &str,
        go_mod_hash: &str,
    ) -> Result<u64, FormatError> {
        let lines =
            format!("{module} {version} {zip_hash}\n{module} {version}/go.mod {go_mod_hash}\n");
        self.add(module, version, &lines)
    }

    /// The signed tree head of the whole log (what `latest` serves).
    pub fn signed_tree(&self) -> Vec<u8> {
        self.sign_tree(self.log.tree())
    }

    /// The signed tree head of the first `n` records (`None` if the log is shorter).
    pub fn signed_tree_at(&self, n: u64) -> Option<Vec<u8>> {
        Some(self.sign_tree(self.log.tree_at(n).ok()?))
    }

    /// Signs any tree head with the database key (tests use it to sign a forged tree).
    pub fn sign_tree(&self, tree: Tree) -> Vec<u8> {
        note::sign(&format_tree(&tree), &self.signer).expect("a tree text ends in a newline")
    }

    /// The `lookup/` response for `module`@`version` (unescaped), against the whole log.
    pub fn lookup(&self, module: &str, version: &str) -> Option<Vec<u8>> {
        let id = *self.records.get(&format!("{module}@{version}"))?;
        let mut msg = format_record(id, &self.texts[id as usize]).ok()?;
        msg.extend_from_slice(&self.signed_tree());
        Some(msg)
    }

    /// What the database serves at `path` (relative to its root): `latest`,
    /// `lookup/<escaped module>@<escaped version>`, or a hash tile `tile/<H>/<L>/<N>[.p/<W>]`
    /// of the whole log (a partial tile at any width the log has reached). `None`: not found.
    pub fn serve(&self, path: &str) -> Option<Vec<u8>> {
        let path = path.strip_prefix('/').unwrap_or(path);
        if path == "latest" {
            return Some(self.signed_tree());
        }
        if let Some(target) = path.strip_prefix("lookup/") {
            let (module, version) = target.rsplit_once('@')?;
            return self.lookup(&unescape(module)?, &unescape(version)?);
        }
        let tile = Tile::parse_path(path).ok()?;
        if tile.height != self.tile_height {
            return None;
        }
        self.log.tile_data(&tile, self.log.len())
    }

    /// Every file a static server needs for the current log: `latest`, each record's
    /// `lookup/...` and each tile, as `(path, bytes)`. Tiles come at every width they have had
    /// (`.p/1` up to the full tile), as a real database serves them: a client holding an older
    /// tree head reads the tiles of that tree (the `go` command re-checks its stored head).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![("latest".to_string(), self.signed_tree())];
        let mut keys: Vec<&String> = self.records.keys().collect();
        keys.sort();
        for key in keys {
            let (module, version) = key.rsplit_once('@').expect("module@version");
            // A record under a path no client could ask for is not served.
            if let (Some(msg), Ok(m), Ok(v)) = (
                self.lookup(module, version),
                escape_path(module),
                escape_version(version),
            ) {
                files.push((format!("lookup/{m}@{v}"), msg));
            }
        }
        for (tile, data) in self.log.tiles(self.tile_height) {
            for width in 1..=tile.width {
                let narrower = Tile { width, ..tile };
                files.push((narrower.path(), data[..narrower.len_bytes()].to_vec()));
            }
        }
        files
    }
}

impl Fetch for Database {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        self.serve(path)
            .ok_or_else(|| FetchError::not_found(path, "the test database has nothing there"))
    }
}
