//! Where releases come from, one module tree per source: [`dist`] (go.dev's index and tar.gz
//! archives, or a mirror of them) and [`goproxy`] (the `golang.org/toolchain` module from
//! `GOPROXY`, verified by the checksum database). Each holds its protocol code next to its
//! adapter for the install pipeline (`fetch.rs`), which implements [`Source`]: it resolves a
//! request and describes the release's [`Archive`] (where copies are, how long it may be, what
//! verifies it). Fetching, unpacking and verifying are the pipeline's, the same for every
//! source (`crate::install`); a third source (an artifact store, a local dir) is one more
//! adapter.

pub mod candidate;
pub mod dist;
pub mod goproxy;

pub use candidate::{Candidate, FallBack};

use std::path::PathBuf;

use crate::download::Size;
use crate::error::Error;
use crate::version::{GoVersion, VersionRequest};

/// What the install pipeline asks of a source.
pub trait Source {
    /// What [`Source::resolve`] learned that [`Source::archive`] needs (an index entry, ...).
    type Resolved;
    /// The newest release that satisfies `request`.
    fn resolve(&self, request: &VersionRequest) -> Result<(GoVersion, Self::Resolved), Error>;
    /// The archive of `version` and what verifies it.
    fn archive(&self, version: &GoVersion, resolved: Self::Resolved) -> Result<Archive, Error>;
}

/// One release's archive as a source serves it.
pub struct Archive {
    /// Its file name in gover's download cache (`<name>.partial` while it downloads).
    pub name: String,
    pub format: Format,
    pub check: Check,
    pub size: Size,
    /// Copies on disk other than gover's download cache, tried after it (Go's module cache).
    pub elsewhere: Vec<PathBuf>,
    /// URLs to try in turn, each with when to move on to the next.
    pub candidates: Vec<Candidate>,
    /// The error when every candidate said "not found" (the source's own words), if the
    /// source has better words than the last HTTP error.
    pub not_found: Option<Box<dyn Fn() -> Error>>,
}

/// How the archive is packed.
pub enum Format {
    /// go.dev's `go<version>.<os>-<arch>.tar.gz`, one top dir `go/`.
    TarGz,
    /// A module zip, every entry under `prefix` (`golang.org/toolchain@<version>/`).
    Zip { prefix: String },
}

/// What the archive's bytes must match before anything of it is published.
pub enum Check {
    /// The sha256 of the whole archive, from the release index.
    Sha256(String),
    /// The `h1:` of the zip's files, from the checksum database.
    H1(String),
    /// Nothing (`--allow-unverified`); `why` says what is missing.
    Unverified { why: String },
}

/// Run `attempt` on each candidate in turn until one succeeds: the one loop over mirrors and
/// proxies, for installs and for `mirror sync`. A failure moves on to the next candidate when
/// its rule allows ([`FallBack`]), and is reported on stderr first unless it is the
/// not-found a `,` falls through on. When every candidate said "not found", `not_found` names the error (the source's own
/// words), if given; otherwise the last failure is returned.
pub fn try_each<T>(
    candidates: &[Candidate],
    not_found: Option<&dyn Fn() -> Error>,
    mut attempt: impl FnMut(&str) -> Result<T, Error>,
) -> Result<T, Error> {
    let mut only_not_found = true;
    let mut last = None;
    for (i, candidate) in candidates.iter().enumerate() {
        let e = match attempt(&candidate.url) {
            Ok(value) => return Ok(value),
            Err(e) => e,
        };
        let missing = e.is_not_found();
        only_not_found &= missing;
        let move_on =
            missing || (candidate.fall_back == FallBack::OnAnyFault && e.is_mirror_fault());
        let Some(next) = candidates.get(i + 1).filter(|_| move_on) else {
            last = Some(e);
            break;
        };
        // A not-found is what `,` falls through on (Go says nothing); anything else, a go.dev
        // mirror without the file included, is said before the next candidate is tried.
        if !(missing && candidate.fall_back == FallBack::OnNotFound) {
            match std::error::Error::source(&e) {
                Some(cause) => crate::output::warn(format_args!("{e}\n  caused by: {cause}")),
                None => crate::output::warn(&e),
            }
        }
        crate::note!(
            "trying the next mirror: {}",
            crate::http::without_credentials(&next.url)
        );
        last = Some(e);
    }
    match (only_not_found, not_found) {
        (true, Some(not_found)) => Err(not_found()),
        _ => Err(last.expect("at least one candidate")),
    }
}
