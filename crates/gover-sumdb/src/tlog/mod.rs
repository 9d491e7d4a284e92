//! The tamper-evident log behind the checksum database (`golang.org/x/mod/sumdb/tlog`, RFC 6962
//! Merkle trees): record and node hashes, the stored-hash numbering, tree hashes, and inclusion
//! and consistency proofs.
//!
//! Submodules: [`tile`] (the log served as tiles, and a hash reader that authenticates tiles
//! against a signed tree hash), [`mod@format`] (tree and record texts), [`memory`] (a log built in
//! memory, for servers and tests).

pub mod format;
pub mod memory;
pub mod tile;

pub use format::{Tree, format_record, format_tree, parse_record, parse_tree};
pub use memory::MemoryLog;
pub use tile::{Tile, TileHashReader, TileReader};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

/// A SHA-256 hash naming a record or a tree node.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

/// The size of a [`struct@Hash`] in bytes.
pub const HASH_SIZE: usize = 32;

impl Hash {
    /// Parses the base64 form of a hash.
    pub fn parse(s: &str) -> Option<Hash> {
        let data = BASE64.decode(s).ok()?;
        Some(Hash(data.try_into().ok()?))
    }
}

impl std::fmt::Display for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&BASE64.encode(self.0))
    }
}

impl std::fmt::Debug for Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hash({self})")
    }
}

/// A log operation that failed.
#[derive(Debug, thiserror::Error)]
pub enum TlogError {
    /// Arguments out of range (for example, a record index not below the tree size).
    #[error("invalid arguments: {0}")]
    InvalidInput(String),
    /// A proof does not prove what it claims.
    #[error("invalid transparency proof")]
    ProofFailed,
    /// A stored-hash index not in the tree.
    #[error("hash index {index} is not in the tree of size {size}")]
    IndexNotInTree {
        /// The stored-hash index asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The tiles served do not hash up to the signed tree hash (or a tile to its parent): at
    /// least one of them was altered.
    #[error("downloaded inconsistent tile {path}: it does not hash to the signed tree")]
    InconsistentTile {
        /// The path of a tile of the inconsistent set.
        path: String,
    },
    /// A tile of the wrong length.
    #[error("tile {path} has {got} bytes, expected {want}")]
    TileLength {
        /// The tile path.
        path: String,
        /// Its length.
        got: usize,
        /// The expected length (32 bytes per hash).
        want: usize,
    },
    /// Fetching a tile failed.
    #[error(transparent)]
    Fetch(#[from] crate::FetchError),
}

/// Reads hashes of the log's tree by stored-hash index (see [`stored_hash_index`]).
pub trait HashReader {
    /// The hashes at `indexes`, in the same order.
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError>;
}

/// A slice of all stored hashes, in stored-hash order, is a hash reader.
impl HashReader for [Hash] {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        indexes
            .iter()
            .map(|&i| {
                usize::try_from(i)
                    .ok()
                    .and_then(|i| self.get(i))
                    .copied()
                    .ok_or(TlogError::IndexNotInTree {
                        index: i,
                        size: self.len() as u64,
                    })
            })
            .collect()
    }
}

impl HashReader for Vec<Hash> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
        self.as_slice().read_hashes(indexes)
    }
}

/// Reads exactly `indexes.len()` hashes.
fn read_exact(r: &dyn HashReader, indexes: &[u64]) -> Result<Vec<Hash>, TlogError> {
    let hashes = r.read_hashes(indexes)?;
    if hashes.len() != indexes.len() {
        return Err(TlogError::InvalidInput(format!(
            "hash reader returned {} hashes for {} indexes",
            hashes.len(),
            indexes.len()
        )));
    }
    Ok(hashes)
}

/// The largest power of two smaller than `n` (for `n >= 2`), and its log₂.
fn maxpow2(n: u64) -> (u64, u32) {
    if n <= 2 {
        return (1, 0);
    }
    let l = 63 - (n - 1).leading_zeros();
    (1 << l, l)
}

/// The hash of a record: `SHA256(0x00 || data)`.
pub fn record_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    Hash(h.finalize().into())
}

/// The hash of an interior node: `SHA256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// Where the `n`th hash of `level` is stored in the dense ordering of all the log's hashes
/// (level 0 holds the record hashes; level L's hash n covers records `[n·2^L, (n+1)·2^L)`).
/// A hash is stored right after the last record hash it covers.
pub fn stored_hash_index(level: u32, n: u64) -> u64 {
    // The last record under (level, n), then the number of hashes stored up to it.
    let mut last = n;
    for _ in 0..level {
        last = 2 * last + 1;
    }
    let mut index = 0;
    let mut m = last;
    while m > 0 {
        index += m;
        m >>= 1;
    }
    index + u64::from(level)
}

/// The inverse of [`stored_hash_index`]: `(level, n)` of the hash stored at `index`.
pub fn split_stored_hash_index(index: u64) -> (u32, u64) {
    // stored_hash_index(0, n) < 2n, so the last record stored before `index` is at least index/2.
    let mut n = index / 2;
    let mut index_n = stored_hash_index(0, n);
    debug_assert!(index_n <= index);
    loop {
        // Record n+1 is stored after record n and the 1 + trailing_ones(n) hashes it completes.
        let next = index_n + 1 + u64::from((n + 1).trailing_zeros());
        if next > index {
            break;
        }
        n += 1;
        index_n = next;
    }
    let level = (index - index_n) as u32;
    (level, n >> level)
}

/// How many hashes a tree of `n` records stores.
pub fn stored_hash_count(n: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let mut count = stored_hash_index(0, n - 1) + 1;
    let mut i = n - 1;
    while i & 1 != 0 {
        count += 1;
        i >>= 1;
    }
    count
}

/// The hashes to store when appending record `n` whose record hash is `h`, in order, starting
/// at `stored_hash_index(0, n)`: the record hash, then the hash of every subtree it completes.
/// Reads the earlier hashes it needs from `r`.
pub fn stored_hashes_for_record_hash(
    n: u64,
    h: Hash,
    r: &dyn HashReader,
) -> Result<Vec<Hash>, TlogError> {
    let m = (n + 1).trailing_zeros();
    // The left siblings of the completed subtrees, in increasing index order.
    let indexes: Vec<u64> = (0..m)
        .rev()
        .map(|i| stored_hash_index(i, (n >> i) - 1))
        .collect();
    let old = read_exact(r, &indexes)?;
    let mut hashes = vec![h];
    let mut h = h;
    for i in 0..m as usize {
        h = node_hash(&old[m as usize - 1 - i], &h);
        hashes.push(h);
    }
    Ok(hashes)
}

/// The hash of the tree of the first `n` records (all zeros for `n == 0`), from at most
/// 1 + log₂ n stored hashes read in one call.
pub fn tree_hash(n: u64, r: &dyn HashReader) -> Result<Hash, TlogError> {
    if n == 0 {
        return Ok(Hash::default());
    }
    let indexes = sub_tree_index(0, n, Vec::new());
    let hashes = read_exact(r, &indexes)?;
    let (h, rest) = sub_tree_hash(0, n, &hashes);
    debug_assert!(rest.is_empty());
    Ok(h)
}

/// Appends the stored indexes of the maximal complete subtrees that make up records `[lo, hi)`.
fn sub_tree_index(mut lo: u64, hi: u64, mut need: Vec<u64>) -> Vec<u64> {
    while lo < hi {
        let (k, level) = maxpow2(hi - lo + 1);
        debug_assert!(lo & (k - 1) == 0);
        need.push(stored_hash_index(level, lo >> level));
        lo += k;
    }
    need
}

/// The hash of records `[lo, hi)` from the hashes [`sub_tree_index`] asked for; returns the
/// hashes left over.
fn sub_tree_hash(mut lo: u64, hi: u64, hashes: &[Hash]) -> (Hash, &[Hash]) {
    let mut count = 0;
    while lo < hi {
        let (k, _) = maxpow2(hi - lo + 1);
        count += 1;
        lo += k;
    }
    // The subtrees are fixed by lo and hi, so a short slice is a bug here, not bad input.
    assert!(hashes.len() >= count, "tlog: too few hashes for a subtree");
    let mut h = hashes[count - 1];
    for left in hashes[..count - 1].iter().rev() {
        h = node_hash(left, &h);
    }
    (h, &hashes[count..])
}

/// A proof that a tree contains a record (RFC 6962's "Merkle audit path").
pub type RecordProof = Vec<Hash>;

/// The proof that the tree of size `t` contains record `n`.
pub fn prove_record(t: u64, n: u64, r: &dyn HashReader) -> Result<RecordProof, TlogError> {
    if n >= t {
        return Err(TlogError::InvalidInput(format!(
            "record {n} is not in a tree of size {t}"
        )));
    }
    let indexes = leaf_proof_index(0, t, n, Vec::new());
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = read_exact(r, &indexes)?;
    let (p, rest) = leaf_proof(0, t, n, &hashes);
    debug_assert!(rest.is_empty());
    Ok(p)
}

fn leaf_proof_index(lo: u64, hi: u64, n: u64, mut need: Vec<u64>) -> Vec<u64> {
    if lo + 1 == hi {
        return need;
    }
    let (k, _) = maxpow2(hi - lo);
    if n < lo + k {
        need = leaf_proof_index(lo, lo + k, n, need);
        sub_tree_index(lo + k, hi, need)
    } else {
        need = sub_tree_index(lo, lo + k, need);
        leaf_proof_index(lo + k, hi, n, need)
    }
}

fn leaf_proof(lo: u64, hi: u64, n: u64, hashes: &[Hash]) -> (RecordProof, &[Hash]) {
    if lo + 1 == hi {
        return (Vec::new(), hashes);
    }
    let (k, _) = maxpow2(hi - lo);
    let (mut p, sibling, rest) = if n < lo + k {
        let (p, rest) = leaf_proof(lo, lo + k, n, hashes);
        let (th, rest) = sub_tree_hash(lo + k, hi, rest);
        (p, th, rest)
    } else {
        let (th, rest) = sub_tree_hash(lo, lo + k, hashes);
        let (p, rest) = leaf_proof(lo + k, hi, n, rest);
        (p, th, rest)
    };
    p.push(sibling);
    (p, rest)
}

/// Checks that `p` proves that the tree of size `t` and hash `th` has record hash `h` at index `n`.
pub fn check_record(p: &[Hash], t: u64, th: &Hash, n: u64, h: &Hash) -> Result<(), TlogError> {
    if n >= t {
        return Err(TlogError::InvalidInput(format!(
            "record {n} is not in a tree of size {t}"
        )));
    }
    if run_record_proof(p, 0, t, n, h)? == *th {
        Ok(())
    } else {
        Err(TlogError::ProofFailed)
    }
}

fn run_record_proof(p: &[Hash], lo: u64, hi: u64, n: u64, leaf: &Hash) -> Result<Hash, TlogError> {
    if lo + 1 == hi {
        return if p.is_empty() {
            Ok(*leaf)
        } else {
            Err(TlogError::ProofFailed)
        };
    }
    let Some((last, rest)) = p.split_last() else {
        return Err(TlogError::ProofFailed);
    };
    let (k, _) = maxpow2(hi - lo);
    if n < lo + k {
        let th = run_record_proof(rest, lo, lo + k, n, leaf)?;
        Ok(node_hash(&th, last))
    } else {
        let th = run_record_proof(rest, lo + k, hi, n, leaf)?;
        Ok(node_hash(last, &th))
    }
}

/// A proof that a tree contains an earlier tree as a prefix (RFC 6962's "Merkle consistency
/// proof").
pub type TreeProof = Vec<Hash>;

/// The proof that the tree of size `t` contains the tree of size `n` as a prefix.
pub fn prove_tree(t: u64, n: u64, r: &dyn HashReader) -> Result<TreeProof, TlogError> {
    if n < 1 || n > t {
        return Err(TlogError::InvalidInput(format!(
            "cannot prove tree {n} is a prefix of tree {t}"
        )));
    }
    let indexes = tree_proof_index(0, t, n, Vec::new());
    if indexes.is_empty() {
        return Ok(Vec::new());
    }
    let hashes = read_exact(r, &indexes)?;
    let (p, rest) = tree_proof(0, t, n, &hashes);
    debug_assert!(rest.is_empty());
    Ok(p)
}

fn tree_proof_index(lo: u64, hi: u64, n: u64, mut need: Vec<u64>) -> Vec<u64> {
    if n == hi {
        if lo == 0 {
            return need;
        }
        return sub_tree_index(lo, hi, need);
    }
    let (k, _) = maxpow2(hi - lo);
    if n <= lo + k {
        need = tree_proof_index(lo, lo + k, n, need);
        sub_tree_index(lo + k, hi, need)
    } else {
        need = sub_tree_index(lo, lo + k, need);
        tree_proof_index(lo + k, hi, n, need)
    }
}

fn tree_proof(lo: u64, hi: u64, n: u64, hashes: &[Hash]) -> (TreeProof, &[Hash]) {
    if n == hi {
        if lo == 0 {
            return (Vec::new(), hashes);
        }
        let (th, rest) = sub_tree_hash(lo, hi, hashes);
        return (vec![th], rest);
    }
    let (k, _) = maxpow2(hi - lo);
    let (mut p, sibling, rest) = if n <= lo + k {
        let (p, rest) = tree_proof(lo, lo + k, n, hashes);
        let (th, rest) = sub_tree_hash(lo + k, hi, rest);
        (p, th, rest)
    } else {
        let (th, rest) = sub_tree_hash(lo, lo + k, hashes);
        let (p, rest) = tree_proof(lo + k, hi, n, rest);
        (p, th, rest)
    };
    p.push(sibling);
    (p, rest)
}

/// Checks that `p` proves that the tree of size `t` and hash `th` contains as a prefix the tree
/// of size `n` and hash `h`.
pub fn check_tree(p: &[Hash], t: u64, th: &Hash, n: u64, h: &Hash) -> Result<(), TlogError> {
    if n < 1 || n > t {
        return Err(TlogError::InvalidInput(format!(
            "cannot check tree {n} is a prefix of tree {t}"
        )));
    }
    let (old, new) = run_tree_proof(p, 0, t, n, h)?;
    if old == *h && new == *th {
        Ok(())
    } else {
        Err(TlogError::ProofFailed)
    }
}

/// Runs a consistency proof over records `[lo, hi)`: the implied hashes of that subtree in the
/// old tree (size `n`, hash `old`) and in the new tree.
fn run_tree_proof(
    p: &[Hash],
    lo: u64,
    hi: u64,
    n: u64,
    old: &Hash,
) -> Result<(Hash, Hash), TlogError> {
    if n == hi {
        if lo == 0 {
            return if p.is_empty() {
                Ok((*old, *old))
            } else {
                Err(TlogError::ProofFailed)
            };
        }
        return match p {
            [h] => Ok((*h, *h)),
            _ => Err(TlogError::ProofFailed),
        };
    }
    let Some((last, rest)) = p.split_last() else {
        return Err(TlogError::ProofFailed);
    };
    let (k, _) = maxpow2(hi - lo);
    if n <= lo + k {
        let (oh, th) = run_tree_proof(rest, lo, lo + k, n, old)?;
        Ok((oh, node_hash(&th, last)))
    } else {
        let (oh, th) = run_tree_proof(rest, lo + k, hi, n, old)?;
        Ok((node_hash(last, &oh), node_hash(last, &th)))
    }
}
