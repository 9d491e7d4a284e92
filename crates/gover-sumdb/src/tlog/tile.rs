//! The log served as tiles (`golang.org/x/mod/sumdb/tlog` `tile.go`), and [`TileHashReader`],
//! which reads hashes from fetched tiles only after authenticating the tiles against a signed
//! tree hash.
//!
//! A tile of height H at level L holds up to 2^H consecutive hashes of tree level L·H; its
//! number N counts tiles from the left. A full tile has width 2^H; the rightmost tile of a level
//! may be partial (width W, path suffix `.p/W`). Paths look like `tile/8/0/x001/x234/067.p/5`
//! (N = 1234067, in groups of three digits), or `tile/8/data/...` for the record data.

use std::collections::HashMap;

use super::{HASH_SIZE, Hash, HashReader, TlogError, Tree, node_hash, split_stored_hash_index};
use super::{stored_hash_index, sub_tree_index};

/// The largest tile height accepted (as in Go).
pub const MAX_TILE_HEIGHT: u32 = 30;

/// One tile of the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tile {
    /// The height H: the tile holds `2^H` hashes when full (1 ≤ H ≤ 30).
    pub height: u32,
    /// The level in the tiling (tree level `level · height`), or -1 for record data tiles.
    pub level: i32,
    /// The tile's number within its level, from the left.
    pub n: u64,
    /// How many hashes it holds (1 ≤ width ≤ 2^H; 2^H is a full tile).
    pub width: u32,
}

/// A tile path that is not the canonical path of a tile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed tile path {0:?}")]
pub struct BadTilePath(pub String);

impl Tile {
    /// The tile's path relative to the database root, e.g. `tile/8/0/x001/x234/067.p/5`.
    pub fn path(&self) -> String {
        let mut n = self.n;
        let mut digits = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            digits = format!("x{:03}/{digits}", n % 1000);
        }
        let level = if self.level == -1 {
            "data".to_string()
        } else {
            self.level.to_string()
        };
        let partial = if self.is_full() {
            String::new()
        } else {
            format!(".p/{}", self.width)
        };
        format!("tile/{}/{level}/{digits}{partial}", self.height)
    }

    /// Parses a canonical tile path (the inverse of [`Tile::path`]).
    pub fn parse_path(path: &str) -> Result<Tile, BadTilePath> {
        let bad = || BadTilePath(path.to_string());
        let mut parts: Vec<&str> = path.split('/').collect();
        if parts.len() < 4 || parts[0] != "tile" {
            return Err(bad());
        }
        let height: u32 = parts[1].parse().map_err(|_| bad())?;
        if !(1..=MAX_TILE_HEIGHT).contains(&height) {
            return Err(bad());
        }
        let level: i32 = if parts[2] == "data" {
            -1
        } else {
            let l: i32 = parts[2].parse().map_err(|_| bad())?;
            if !(0..64).contains(&l) {
                return Err(bad());
            }
            l
        };
        let full = 1u32 << height;
        let mut width = full;
        let last = parts.len() - 2;
        if let Some(stem) = parts[last].strip_suffix(".p") {
            let w: u32 = parts[last + 1].parse().map_err(|_| bad())?;
            if w == 0 || w >= full {
                return Err(bad());
            }
            width = w;
            parts[last] = stem;
            parts.pop();
        }
        let mut n: u64 = 0;
        for group in &parts[3..] {
            let g: u64 = group
                .strip_prefix('x')
                .unwrap_or(group)
                .parse()
                .map_err(|_| bad())?;
            if g >= 1000 {
                return Err(bad());
            }
            n = n
                .checked_mul(1000)
                .and_then(|n| n.checked_add(g))
                .ok_or_else(bad)?;
        }
        let tile = Tile {
            height,
            level,
            n,
            width,
        };
        // Only the canonical spelling names a tile ("x" on all groups but the last, 3 digits).
        if tile.path() != path {
            return Err(bad());
        }
        Ok(tile)
    }

    /// Whether the tile holds all `2^height` hashes.
    pub fn is_full(&self) -> bool {
        self.width == 1 << self.height
    }

    /// The number of bytes of the tile's data.
    pub fn len_bytes(&self) -> usize {
        self.width as usize * HASH_SIZE
    }

    /// The tile `k` levels of tiles above this one in a tree of `size` records, cut to the
    /// width that tree has (or `None` if the tree has no such tile).
    fn parent(&self, k: u32, size: u64) -> Option<Tile> {
        let level = self.level as u32 + k;
        let shift = u64::from(k * self.height);
        let n = self.n.checked_shr(shift as u32).unwrap_or(0);
        // How many hashes the tree has at tree level level·height.
        let max = size.checked_shr(level * self.height).unwrap_or(0);
        let start = n << self.height;
        if start >= max {
            return None;
        }
        let width = (max - start).min(1 << self.height) as u32;
        Some(Tile {
            height: self.height,
            level: level as i32,
            n,
            width,
        })
    }
}

/// The tile of height `h` holding the stored hash at `index` (with the least width that holds
/// it), and the byte range of the data that hash is computed from. A hash above the bottom row
/// of its tile is not stored in the tile: it is the root of the bottom-row hashes it covers.
fn locate(h: u32, index: u64) -> (Tile, usize, usize) {
    let (level, n) = split_stored_hash_index(index);
    let level_in_tile = level % h;
    let tile_n = (n << level_in_tile) >> h;
    let n_in_tile = n - ((tile_n << h) >> level_in_tile);
    let first = (n_in_tile << level_in_tile) as usize;
    let end = ((n_in_tile + 1) << level_in_tile) as usize;
    let tile = Tile {
        height: h,
        level: (level / h) as i32,
        n: tile_n,
        width: end as u32,
    };
    (tile, first * HASH_SIZE, end * HASH_SIZE)
}

/// The tile of height `h` holding the stored hash at `index` (its width is the least that
/// holds it).
pub fn tile_for_index(h: u32, index: u64) -> Tile {
    assert!(
        (1..=MAX_TILE_HEIGHT).contains(&h),
        "invalid tile height {h}"
    );
    locate(h, index).0
}

/// The hash at stored index `index`, from the data of tile `t` (which must hold it).
pub fn hash_from_tile(t: &Tile, data: &[u8], index: u64) -> Result<Hash, TlogError> {
    if !(1..=MAX_TILE_HEIGHT).contains(&t.height)
        || !(0..64).contains(&t.level)
        || t.width == 0
        || t.width > 1 << t.height
    {
        return Err(TlogError::InvalidInput(format!("invalid tile {t:?}")));
    }
    if data.len() < t.len_bytes() {
        return Err(TlogError::TileLength {
            path: t.path(),
            got: data.len(),
            want: t.len_bytes(),
        });
    }
    let (t1, start, end) = locate(t.height, index);
    if t.level != t1.level || t.n != t1.n || t.width < t1.width {
        return Err(TlogError::InvalidInput(format!(
            "hash index {index} is in tile {} not {}",
            t1.path(),
            t.path()
        )));
    }
    Ok(tile_hash(&data[start..end]))
}

/// The root hash of a power-of-two run of hashes.
fn tile_hash(data: &[u8]) -> Hash {
    if data.len() == HASH_SIZE {
        return Hash(data.try_into().expect("32 bytes"));
    }
    let half = data.len() / 2;
    node_hash(&tile_hash(&data[..half]), &tile_hash(&data[half..]))
}

/// The tiles of height `h` that change when a tree grows from `old_size` to `new_size` records
/// (with `old_size == 0`: every tile a server of `new_size` records serves, the partial ones at
/// their current width).
pub fn new_tiles(h: u32, old_size: u64, new_size: u64) -> Vec<Tile> {
    assert!(
        (1..=MAX_TILE_HEIGHT).contains(&h),
        "invalid tile height {h}"
    );
    let mut tiles = Vec::new();
    let mut level = 0u32;
    while let Some(new_n) = new_size.checked_shr(h * level).filter(|&n| n > 0) {
        let old_n = old_size >> (h * level);
        if old_n != new_n {
            for n in (old_n >> h)..(new_n >> h) {
                tiles.push(Tile {
                    height: h,
                    level: level as i32,
                    n,
                    width: 1 << h,
                });
            }
            let n = new_n >> h;
            let width = (new_n - (n << h)) as u32;
            if width > 0 {
                tiles.push(Tile {
                    height: h,
                    level: level as i32,
                    n,
                    width,
                });
            }
        }
        level += 1;
    }
    tiles
}

/// The data of tile `t` (its hashes, 32 bytes each), read from `r`.
pub fn read_tile_data(t: &Tile, r: &dyn HashReader) -> Result<Vec<u8>, TlogError> {
    if t.level < 0 {
        return Err(TlogError::InvalidInput(
            "data tiles hold records, not hashes".to_string(),
        ));
    }
    let start = t.n << t.height;
    let level = t.level as u32 * t.height;
    let indexes: Vec<u64> = (0..u64::from(t.width))
        .map(|i| stored_hash_index(level, start + i))
        .collect();
    let hashes = super::read_exact(r, &indexes)?;
    Ok(hashes.iter().flat_map(|h| h.0).collect())
}

/// Where a [`TileHashReader`] gets tiles (unverified: it verifies them).
pub trait TileReader {
    /// The tile height the log uses.
    fn height(&self) -> u32;
    /// The data of each tile, in order.
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, TlogError>;
}

/// A [`HashReader`] that reads hashes from tiles, authenticating them first: the tiles that make
/// up the whole tree must hash to the (signed) tree hash, and every other tile to the hash its
/// parent tile holds for it. Nothing is returned from a tile that is not authenticated.
pub struct TileHashReader<'a> {
    tree: Tree,
    tiles: &'a dyn TileReader,
}

impl<'a> TileHashReader<'a> {
    /// A reader for the tree `tree` (whose hash the caller has verified) over `tiles`.
    pub fn new(tree: Tree, tiles: &'a dyn TileReader) -> Self {
        TileHashReader { tree, tiles }
    }
}

impl HashReader for TileHashReader<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        let h = self.tiles.height();
        if !(1..=MAX_TILE_HEIGHT).contains(&h) {
            return Err(TlogError::InvalidInput(format!("invalid tile height {h}")));
        }
        let size = self.tree.n;
        let mut order: HashMap<Tile, usize> = HashMap::new();
        let mut tiles: Vec<Tile> = Vec::new();
        fn want(t: Tile, order: &mut HashMap<Tile, usize>, tiles: &mut Vec<Tile>) -> usize {
            *order.entry(t).or_insert_with(|| {
                tiles.push(t);
                tiles.len() - 1
            })
        }

        // First the tiles holding the hashes that make up the tree hash: if they hash to the
        // signed tree hash, they are authentic.
        let roots = sub_tree_index(0, size, Vec::new());
        let mut root_tiles = Vec::with_capacity(roots.len());
        for &x in &roots {
            let t = locate(h, x).0;
            let t = t.parent(0, size).ok_or_else(|| bad_math(size, x))?;
            root_tiles.push(want(t, &mut order, &mut tiles));
        }

        // Then the tiles holding the wanted hashes, and the chain of parents that authenticates
        // each: parents come before their children.
        let limit = stored_hash_index(0, size);
        let mut index_tiles = Vec::with_capacity(indexes.len());
        for &x in indexes {
            if x >= limit {
                return Err(TlogError::IndexNotInTree { index: x, size });
            }
            let t = locate(h, x).0;
            let mut chain = Vec::new();
            let mut k = 0;
            loop {
                let p = t.parent(k, size).ok_or_else(|| bad_math(size, x))?;
                if order.contains_key(&p) {
                    break;
                }
                chain.push(p);
                k += 1;
            }
            for p in chain.iter().rev() {
                // Each tile of the chain has a parent tile, so it must be full.
                if !p.is_full() {
                    return Err(bad_math(size, x));
                }
                want(*p, &mut order, &mut tiles);
            }
            let own = t.parent(0, size).ok_or_else(|| bad_math(size, x))?;
            index_tiles.push(order[&own]);
        }

        let data = self.tiles.read_tiles(&tiles)?;
        if data.len() != tiles.len() {
            return Err(TlogError::InvalidInput(format!(
                "tile reader returned {} tiles for {}",
                data.len(),
                tiles.len()
            )));
        }
        for (t, d) in tiles.iter().zip(&data) {
            if d.len() != t.len_bytes() {
                return Err(TlogError::TileLength {
                    path: t.path(),
                    got: d.len(),
                    want: t.len_bytes(),
                });
            }
        }

        // Authenticate the tree tiles against the tree hash.
        let mut th: Option<Hash> = None;
        for (&x, &j) in roots.iter().zip(&root_tiles).rev() {
            let hx = hash_from_tile(&tiles[j], &data[j], x)?;
            th = Some(match th {
                None => hx,
                Some(right) => node_hash(&hx, &right),
            });
        }
        if th.unwrap_or_default() != self.tree.hash {
            return Err(TlogError::InconsistentTile {
                path: tiles.first().map(Tile::path).unwrap_or_default(),
            });
        }

        // Authenticate every other tile against its parent (which comes earlier in the list).
        let first_child = root_tiles.iter().max().map_or(0, |&m| m + 1);
        for i in first_child..tiles.len() {
            let t = &tiles[i];
            let p = t.parent(1, size).ok_or_else(|| bad_math(size, 0))?;
            let j = *order.get(&p).ok_or_else(|| bad_math(size, 0))?;
            let expected =
                hash_from_tile(&p, &data[j], stored_hash_index(p.level as u32 * h, t.n))?;
            if tile_hash(&data[i]) != expected {
                return Err(TlogError::InconsistentTile { path: t.path() });
            }
        }

        indexes
            .iter()
            .zip(&index_tiles)
            .map(|(&x, &j)| hash_from_tile(&tiles[j], &data[j], x))
            .collect()
    }
}

fn bad_math(size: u64, index: u64) -> TlogError {
    TlogError::InvalidInput(format!(
        "no tile path to hash {index} in a tree of size {size}"
    ))
}
