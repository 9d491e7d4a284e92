//! Where an archive may be fetched, and when a failure there lets the next place be tried.

/// A URL to fetch the archive from.
pub struct Candidate {
    pub url: String,
    pub fall_back: FallBack,
}

/// When a failed candidate lets the next one be tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FallBack {
    /// Only when this one does not have the file (`GOPROXY`'s `,`).
    OnNotFound,
    /// On any fault of the server or its bytes (a mirror list, `GOPROXY`'s `|`), not on a
    /// local fault such as a full disk.
    OnAnyFault,
}
