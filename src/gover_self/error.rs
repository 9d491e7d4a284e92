//! What can go wrong in `gover self update` and `gover self uninstall`, with exit codes and
//! hints.

use std::io;
use std::path::PathBuf;

use super::urls::{DEFAULT_INSTALL_URL, GOVER_INSTALL_URL};
use crate::http::HttpError;

#[derive(Debug, thiserror::Error)]
pub enum SelfError {
    #[error("refusing to download gover from {url}: not https")]
    InsecureUrl { url: String },
    #[error("cannot download {url}")]
    Fetch {
        url: String,
        #[source]
        source: HttpError,
    },
    #[error("cannot download {url}")]
    Read {
        url: String,
        #[source]
        source: io::Error,
    },
    #[error("{url} is larger than {max} bytes")]
    TooLarge { url: String, max: u64 },
    #[error("not a gover version: `{version}` (from {url})")]
    BadVersion { version: String, url: String },
    #[error("{url} does not hold a sha256")]
    BadChecksumFile { url: String },
    #[error("checksum mismatch for {url}: expected {expected}, got {actual}")]
    Checksum {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("{url} has no {entry}")]
    MissingEntry { url: String, entry: String },
    #[error("cannot unpack {url}")]
    Unpack {
        url: String,
        #[source]
        source: io::Error,
    },
    #[error("no gover release for this machine ({os}/{arch})")]
    NoTarget { os: String, arch: String },
    #[error("`gover self uninstall` needs a yes: stdin is not a terminal")]
    NeedsConsent,
    #[error("refusing to remove GOVER_HOME {}: {why}", path.display())]
    UnsafeHome { path: PathBuf, why: &'static str },
}

impl SelfError {
    pub fn exit_code(&self) -> u8 {
        use crate::exit::*;
        match self {
            SelfError::InsecureUrl { .. } | SelfError::BadVersion { .. } => USAGE,
            SelfError::NeedsConsent => USAGE,
            SelfError::Fetch { .. } | SelfError::Read { .. } => NETWORK,
            SelfError::TooLarge { .. }
            | SelfError::BadChecksumFile { .. }
            | SelfError::Checksum { .. }
            | SelfError::MissingEntry { .. }
            | SelfError::Unpack { .. } => VERIFY,
            SelfError::NoTarget { .. } | SelfError::UnsafeHome { .. } => FAILURE,
        }
    }

    pub fn hint(&self) -> Option<String> {
        Some(match self {
            SelfError::InsecureUrl { .. } => {
                format!("use an https URL in {GOVER_INSTALL_URL} (plain http only on loopback)")
            }
            SelfError::Fetch { source, .. } => source.hint().unwrap_or_else(|| {
                format!(
                    "check {GOVER_INSTALL_URL} (default {DEFAULT_INSTALL_URL}) and your network"
                )
            }),
            SelfError::Read { .. } => "check your network and try again".into(),
            SelfError::BadVersion { .. } => "name a release such as 0.1.0".into(),
            SelfError::TooLarge { .. }
            | SelfError::BadChecksumFile { .. }
            | SelfError::Checksum { .. }
            | SelfError::MissingEntry { .. }
            | SelfError::Unpack { .. } => {
                "the download is damaged or was tampered with; nothing was replaced".into()
            }
            SelfError::NoTarget { .. } => "build from source: see the README".into(),
            SelfError::NeedsConsent => {
                "run `gover self uninstall -y` to remove gover without being asked".into()
            }
            SelfError::UnsafeHome { .. } => {
                "set GOVER_HOME to gover's own directory, or remove it by hand".into()
            }
        })
    }
}
