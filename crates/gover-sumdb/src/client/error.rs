//! What a checksum-database lookup reports when it fails: [`SumdbError`] (each variant names the
//! database and what failed), [`Fork`] (the evidence of a rewritten log), and a hint per error.

use crate::FetchError;
use crate::note::{KeyError, NoteError};
use crate::tlog::format::FormatError;
use crate::tlog::{Hash, TlogError, Tree};

/// A checksum-database lookup that failed or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum SumdbError {
    /// The configured verifier key cannot be used.
    #[error("invalid checksum database key")]
    Key(#[source] KeyError),
    /// The database could not be reached, or answered with an error.
    #[error("checksum database {db}: fetching {path}")]
    Fetch {
        /// The database name.
        db: String,
        /// The path within the database.
        path: String,
        /// What the fetcher reported.
        #[source]
        source: FetchError,
    },
    /// The database does not know the module version (its lookup answered "not found").
    #[error("checksum database {db} has no record of {module}@{version}")]
    NotFound {
        /// The database name.
        db: String,
        /// The module path.
        module: String,
        /// The version.
        version: String,
        /// What the fetcher reported.
        #[source]
        source: FetchError,
    },
    /// A module path or version that cannot be looked up (characters outside what module paths
    /// and versions allow).
    #[error("cannot look up {module}@{version}: {reason}")]
    BadModule {
        /// The module path.
        module: String,
        /// The version.
        version: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The signed tree head is not signed by the database's key (or is malformed).
    #[error("checksum database {db}: the tree head from {path} does not verify")]
    Note {
        /// The database name.
        db: String,
        /// Where the note came from (a database path, or "the stored tree head").
        path: String,
        /// Why it does not verify.
        #[source]
        source: NoteError,
    },
    /// A tree head or record that is not well-formed.
    #[error("checksum database {db}: malformed response from {path}")]
    Malformed {
        /// The database name.
        db: String,
        /// The database path.
        path: String,
        /// What is wrong.
        #[source]
        source: FormatError,
    },
    /// Tiles or proofs do not verify against the signed tree hash.
    #[error("checksum database {db}: cannot verify {what}")]
    Proof {
        /// The database name.
        db: String,
        /// What was being verified (e.g. "record 123 of golang.org/toolchain@v0.0.1-...").
        what: String,
        /// Why not.
        #[source]
        source: TlogError,
    },
    /// The record for a module version is not the one the signed tree holds at its index.
    #[error(
        "checksum database {db}: the record for {target} (record {id}) does not match the signed \
         tree: expected record hash {expected}, got {got}"
    )]
    RecordMismatch {
        /// The database name.
        db: String,
        /// `module@version`.
        target: String,
        /// The record's index.
        id: u64,
        /// The hash the authenticated tiles hold.
        expected: Hash,
        /// The hash of the record served.
        got: Hash,
    },
    /// A record index the signed tree does not reach.
    #[error("checksum database {db}: record {id} is not in the signed tree of size {size}")]
    RecordNotInTree {
        /// The database name.
        db: String,
        /// The record's index.
        id: u64,
        /// The tree size.
        size: u64,
    },
    /// The database's log is not consistent with the tree head verified earlier: the log was
    /// rewritten (a fork), or someone serves a different log. A security error.
    #[error(transparent)]
    Fork(Box<Fork>),
    /// The lookup verified but holds no `h1:` line for the module zip.
    #[error("checksum database {db}: the record for {module}@{version} has no h1: hash of the zip")]
    NoZipHash {
        /// The database name.
        db: String,
        /// The module path.
        module: String,
        /// The version.
        version: String,
    },
    /// The verified tree head could not be stored.
    #[error("checksum database {db}: cannot store the latest tree head")]
    Store {
        /// The database name.
        db: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// Evidence of a fork: two signed tree heads of one database, neither a prefix of the other.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "SECURITY ERROR: checksum database {db} is inconsistent with its earlier tree head \
     (tree {old_size} with hash {old_hash} is not a prefix of tree {new_size} with hash \
     {new_hash}): the database server misbehaved or the connection is being tampered with; \
     nothing it says can be trusted\nold tree head:\n{old_note}\nnew tree head:\n{new_note}",
    old_size = .older.n, old_hash = .older.hash, new_size = .newer.n, new_hash = .newer.hash,
    old_note = String::from_utf8_lossy(.older_note).trim_end(),
    new_note = String::from_utf8_lossy(.newer_note).trim_end()
)]
pub struct Fork {
    /// The database name.
    pub db: String,
    /// The smaller tree head.
    pub older: Tree,
    /// Its signed note.
    pub older_note: Vec<u8>,
    /// The larger tree head (or the same size, with another hash).
    pub newer: Tree,
    /// Its signed note.
    pub newer_note: Vec<u8>,
}

impl SumdbError {
    /// What the user can do about it, for the `hint:` line.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SumdbError::Key(_) => {
                "GOSUMDB must be `<name>+<8 hex digits>+<base64 key>`, optionally \
                followed by a space and the database URL"
                    .to_string()
            }
            SumdbError::NotFound { db, .. } => format!(
                "{db} does not know this version: check that it exists (a release only published \
                 minutes ago may not be logged yet)"
            ),
            SumdbError::Note {
                source: NoteError::Unverified { .. },
                db,
                ..
            } => format!(
                "the tree head is not signed by the configured key of {db}: check GOSUMDB, or \
                 whether the proxy serves another database under that name"
            ),
            SumdbError::Fork(fork) => format!(
                "a checksum database never rewrites its log: report this, and do not use this \
                 network or proxy; only if {} was knowingly replaced by a new log, remove its \
                 stored tree head (sumdb/{}/latest under the gover home)",
                fork.db, fork.db
            ),
            SumdbError::Proof { .. }
            | SumdbError::RecordMismatch { .. }
            | SumdbError::RecordNotInTree { .. }
            | SumdbError::Note { .. } => "the data served does not match the database's signed \
                tree: something between you and the database altered it, or the server is \
                misbehaving; try another GOPROXY or network"
                .to_string(),
            _ => return None,
        })
    }

    /// Whether this error shows misbehaviour by the database or the network (a fork, tiles or a
    /// record that do not match the signed tree, a bad signature) rather than a failure to reach
    /// it: a caller must not retry elsewhere silently.
    pub fn is_security_error(&self) -> bool {
        matches!(
            self,
            SumdbError::Fork(_)
                | SumdbError::RecordMismatch { .. }
                | SumdbError::Proof { .. }
                | SumdbError::Note {
                    source: NoteError::InvalidSignature { .. },
                    ..
                }
        )
    }
}
