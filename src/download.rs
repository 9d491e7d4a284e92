//! The archive byte stream of an install: hashed while it is read, counted, and copied into
//! the download cache as `<filename>.partial`, which becomes `<filename>` only once verified.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::dist::ArchiveFile;
use crate::http::{self, HttpError};

#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    #[error("download of {url} failed")]
    Http {
        url: String,
        #[source]
        source: HttpError,
    },
    #[error("download of {url} was interrupted")]
    Interrupted {
        url: String,
        #[source]
        source: io::Error,
    },
    #[error("sha256 mismatch for {url}: expected {expected}, got {actual}")]
    Checksum {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("size mismatch for {url}: the index says {expected} bytes, got {actual}")]
    Size {
        url: String,
        expected: u64,
        actual: u64,
    },
    #[error("cannot write {}", path.display())]
    Cache {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl DownloadError {
    pub fn hint(&self) -> Option<String> {
        match self {
            DownloadError::Http { source, .. } => source.hint(),
            DownloadError::Interrupted { .. } => {
                Some("check your network connection, then run the command again".into())
            }
            DownloadError::Checksum { .. } | DownloadError::Size { .. } => Some(
                "the file is not the official release; nothing was installed. Try another mirror \
                 (--mirror or GOVER_DIST_URL)"
                    .into(),
            ),
            DownloadError::Cache { .. } => None,
        }
    }
}

/// Where the archive bytes come from.
pub enum Origin {
    /// A verified archive already in the download cache.
    Cache(PathBuf),
    /// A URL; the bytes are copied into the cache's partial file as they pass.
    Remote { url: String, partial: PathBuf },
}

/// A reader over the archive bytes that hashes and counts everything that passes through it,
/// and remembers when the source or the cache copy failed, so a consumer's read error can be
/// told apart from bad data.
pub struct ArchiveStream {
    source: Box<dyn Read + Send>,
    origin: String,
    hasher: Sha256,
    len: u64,
    tee: Option<(File, PathBuf)>,
    failure: Option<DownloadError>,
    on_read: Box<dyn FnMut(u64) + Send>,
}

impl ArchiveStream {
    /// Open the stream. `on_read` is called with the byte count of every chunk (for progress).
    pub fn open(
        origin: &Origin,
        on_read: Box<dyn FnMut(u64) + Send>,
    ) -> Result<(ArchiveStream, Option<u64>), DownloadError> {
        let (source, len, tee, name): (Box<dyn Read + Send>, _, _, _) = match origin {
            Origin::Cache(path) => {
                let file = File::open(path).map_err(|source| DownloadError::Cache {
                    path: path.clone(),
                    source,
                })?;
                let len = file.metadata().ok().map(|m| m.len());
                (Box::new(file), len, None, path.display().to_string())
            }
            Origin::Remote { url, partial } => {
                let body = http::get(url).map_err(|source| DownloadError::Http {
                    url: url.clone(),
                    source,
                })?;
                let len = body.len;
                let file = create_partial(partial)?;
                (
                    Box::new(body),
                    len,
                    Some((file, partial.clone())),
                    url.clone(),
                )
            }
        };
        let stream = ArchiveStream {
            source,
            origin: name,
            hasher: Sha256::new(),
            len: 0,
            tee,
            failure: None,
            on_read,
        };
        Ok((stream, len))
    }

    /// Read whatever the consumer left unread (tar padding, trailing bytes) so the digest and
    /// the size cover the whole file, then check both against the index.
    pub fn verify(mut self, expected: &ArchiveFile) -> Result<(), DownloadError> {
        if let Err(e) = io::copy(&mut self, &mut io::sink()) {
            return Err(self.take_failure().unwrap_or(DownloadError::Interrupted {
                url: self.origin.clone(),
                source: e,
            }));
        }
        if let Some((file, path)) = &self.tee {
            file.sync_data().map_err(|source| DownloadError::Cache {
                path: path.clone(),
                source,
            })?;
        }
        let actual = hex(&self.hasher.finalize_reset());
        if expected.size > 0 && self.len != expected.size {
            return Err(DownloadError::Size {
                url: self.origin.clone(),
                expected: expected.size,
                actual: self.len,
            });
        }
        if !actual.eq_ignore_ascii_case(&expected.sha256) {
            return Err(DownloadError::Checksum {
                url: self.origin.clone(),
                expected: expected.sha256.to_ascii_lowercase(),
                actual,
            });
        }
        Ok(())
    }

    /// Read to the end and return the sha256 without checking it against anything: only for
    /// `--allow-unverified` installs, when there is no index to check against.
    pub fn finish_unverified(mut self) -> Result<String, DownloadError> {
        if let Err(e) = io::copy(&mut self, &mut io::sink()) {
            return Err(self.take_failure().unwrap_or(DownloadError::Interrupted {
                url: self.origin.clone(),
                source: e,
            }));
        }
        Ok(hex(&self.hasher.finalize_reset()))
    }

    /// The failure of the source or of the cache copy behind a read error, if that was the
    /// cause; `None` means the bytes themselves were bad.
    pub fn take_failure(&mut self) -> Option<DownloadError> {
        self.failure.take()
    }
}

impl Read for ArchiveStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self.source.read(buf) {
            Ok(n) => n,
            Err(e) => {
                let seen = io::Error::new(e.kind(), e.to_string());
                self.failure = Some(DownloadError::Interrupted {
                    url: self.origin.clone(),
                    source: e,
                });
                return Err(seen);
            }
        };
        let chunk = &buf[..n];
        self.hasher.update(chunk);
        self.len += n as u64;
        if let Some((file, path)) = &mut self.tee
            && let Err(e) = file.write_all(chunk)
        {
            let seen = io::Error::new(e.kind(), e.to_string());
            self.failure = Some(DownloadError::Cache {
                path: path.clone(),
                source: e,
            });
            return Err(seen);
        }
        (self.on_read)(n as u64);
        Ok(n)
    }
}

fn create_partial(path: &Path) -> Result<File, DownloadError> {
    let err = |source| DownloadError::Cache {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(err)?;
    }
    File::create(path).map_err(err)
}

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// sha256 of a whole file, streamed.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(&mut File::open(path)?, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}
