//! A client for the Go checksum database (sum.golang.org), the transparency log that vouches for
//! the `h1:` hash of every module version, including the toolchain zips of `golang.org/toolchain`.
//!
//! The crate does no networking and touches no file except through what it is given: a [`Fetch`]
//! that returns the bytes the database serves at a path, and a [`Store`] that keeps the newest
//! verified signed tree head between runs. Everything fetched is hostile until verified:
//!
//! 1. a signed tree head must carry a valid Ed25519 signature by the configured key ([`note`]);
//! 2. it must be consistent with the tree head stored by an earlier run ([`tlog`] proofs over
//!    tiles): a log that rewrote its history is a [`SumdbError::Fork`], a security error;
//! 3. the record returned by `lookup/` must be included in that tree at its claimed index, proved
//!    from tiles that must themselves hash up to the signed tree hash.
//!
//! [`dirhash`] computes the `h1:` hash of a module zip, to compare with what the database holds.
//! [`server`] builds and serves a database, for tests and loopback harnesses.
//!
//! The formats and checks follow `golang.org/x/mod/sumdb` (`note`, `tlog`, `dirhash` and
//! `client.go`), so a database the `go` command accepts is accepted here, and the other way round.
//!
//! ```
//! use gover_sumdb::{Client, MemoryStore, note, server::Database};
//!
//! // A database to talk to (in gover, a Fetch over HTTP to GOSUMDB or the proxy's /sumdb/).
//! let (skey, vkey) = note::generate_key("sum.example.com", [1; 32]).unwrap();
//! let mut db = Database::new(&skey).unwrap();
//! let module = "golang.org/toolchain";
//! let version = "v0.0.1-go1.22.5.linux-amd64";
//! db.add_module(module, version, "h1:zip=", "h1:mod=").unwrap();
//!
//! let client = Client::new(&vkey, &db, MemoryStore::new()).unwrap();
//! assert_eq!(client.zip_hash(module, version).unwrap(), "h1:zip=");
//! // Compare with gover_sumdb::dirhash::hash1_zip(path_of_the_downloaded_zip).
//! ```

pub mod client;
pub mod dirhash;
mod escape;
pub mod note;
pub mod server;
pub mod store;
pub mod tlog;

pub use client::{Client, Fork, SumdbError};
pub use store::{FileStore, MemoryStore};

use std::error::Error as StdError;

/// Where the client gets bytes: `path` is relative to the database root, e.g. `"latest"`,
/// `"lookup/golang.org/toolchain@v0.0.1-go1.22.5.linux-amd64"`, `"tile/8/0/001.p/5"`.
///
/// The fetcher decides how a path becomes a URL (GOSUMDB's URL, or a proxy's
/// `<proxy>/sumdb/<name>/` prefix), and should bound how much it reads: nothing it returns is
/// trusted until the client has verified it.
pub trait Fetch {
    /// The bytes served at `path`, or why not. A 404 or 410 should be reported with
    /// [`FetchError::not_found`], so the client can say the database does not know a module.
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError>;
}

impl<T: Fetch + ?Sized> Fetch for &T {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        (**self).fetch(path)
    }
}

/// What the client stores between runs: the newest verified signed tree head per database
/// (gover keeps it under `GOVER_HOME/sumdb/<name>/latest`). The client only ever stores a tree
/// head it verified, and only one at least as new as the stored one.
pub trait Store {
    /// The stored signed note text for database `db_name`, if there is one.
    fn latest(&self, db_name: &str) -> Option<Vec<u8>>;
    /// Replaces the stored signed note for `db_name` (atomically: a reader sees the old or the
    /// new note, never a mix).
    fn set_latest(&self, db_name: &str, note: &[u8]) -> std::io::Result<()>;
}

impl<T: Store + ?Sized> Store for &T {
    fn latest(&self, db_name: &str) -> Option<Vec<u8>> {
        (**self).latest(db_name)
    }
    fn set_latest(&self, db_name: &str, note: &[u8]) -> std::io::Result<()> {
        (**self).set_latest(db_name, note)
    }
}

/// A [`Fetch`] failure: which URL or path, whether the server said it does not exist, and why.
#[derive(Debug, thiserror::Error)]
#[error("{}{url}", if *.not_found { "not found: " } else { "cannot fetch " })]
pub struct FetchError {
    /// The URL (or database path) that was fetched.
    pub url: String,
    /// True when the server answered that nothing is there (HTTP 404 or 410).
    pub not_found: bool,
    /// The underlying cause (an HTTP status, an I/O or TLS error, ...).
    #[source]
    pub source: Box<dyn StdError + Send + Sync>,
}

impl FetchError {
    /// A fetch that failed for `cause` (network, server error, ...).
    pub fn new(url: impl Into<String>, cause: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        FetchError {
            url: url.into(),
            not_found: false,
            source: cause.into(),
        }
    }

    /// The server answered that `url` does not exist.
    pub fn not_found(
        url: impl Into<String>,
        cause: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        FetchError {
            url: url.into(),
            not_found: true,
            source: cause.into(),
        }
    }
}
