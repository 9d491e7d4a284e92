//! A log kept in memory: append records, then read its tree head, proofs and tiles. The
//! serving side of the log, for [`crate::server`] and for tests.

use super::tile::{Tile, new_tiles, read_tile_data};
use super::{
    Hash, HashReader, TlogError, Tree, record_hash, stored_hash_count,
    stored_hashes_for_record_hash, tree_hash,
};

/// An append-only log held in memory: every stored hash, in stored-hash order.
#[derive(Debug, Clone, Default)]
pub struct MemoryLog {
    hashes: Vec<Hash>,
    n: u64,
}

impl MemoryLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a record; returns its index.
    pub fn append(&mut self, data: &[u8]) -> u64 {
        let id = self.n;
        let new = stored_hashes_for_record_hash(id, record_hash(data), &self.hashes)
            .expect("a memory log holds every hash it needs");
        self.hashes.extend(new);
        self.n += 1;
        debug_assert_eq!(self.hashes.len() as u64, stored_hash_count(self.n));
        id
    }

    /// The number of records.
    pub fn len(&self) -> u64 {
        self.n
    }

    /// Whether the log has no records.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Every stored hash (a [`HashReader`]).
    pub fn hashes(&self) -> &[Hash] {
        &self.hashes
    }

    /// The tree head of the whole log.
    pub fn tree(&self) -> Tree {
        self.tree_at(self.n).expect("the log has n records")
    }

    /// The tree head of the first `n` records.
    pub fn tree_at(&self, n: u64) -> Result<Tree, TlogError> {
        if n > self.n {
            return Err(TlogError::InvalidInput(format!(
                "the log has {} records, not {n}",
                self.n
            )));
        }
        Ok(Tree {
            n,
            hash: tree_hash(n, &self.hashes)?,
        })
    }

    /// The data of `tile` as a server of the first `size` records serves it, or `None` if that
    /// tree has no such tile (a data tile, or one reaching past `size`).
    pub fn tile_data(&self, tile: &Tile, size: u64) -> Option<Vec<u8>> {
        if size > self.n || tile.level < 0 {
            return None;
        }
        let level = tile.level as u32 * tile.height;
        let end = tile
            .n
            .checked_mul(1 << tile.height)?
            .checked_add(u64::from(tile.width))?;
        // The tree of `size` records has size >> level hashes at that tree level.
        if end > size.checked_shr(level).unwrap_or(0) {
            return None;
        }
        read_tile_data(tile, &self.hashes).ok()
    }

    /// Every tile of height `h` a server of the whole log serves (full tiles, and the partial
    /// tile at the right edge of each level), with its data.
    pub fn tiles(&self, h: u32) -> Vec<(Tile, Vec<u8>)> {
        new_tiles(h, 0, self.n)
            .into_iter()
            .map(|t| {
                let data = read_tile_data(&t, &self.hashes).expect("a memory log has its tiles");
                (t, data)
            })
            .collect()
    }
}

impl HashReader for MemoryLog {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.hashes.read_hashes(indexes)
    }
}
