//! The archive byte stream of an install: hashed while it is read, counted, and copied into
//! the download cache as `<filename>.partial`, which becomes `<filename>` only once verified.
//!
//! Interruptions are survived without breaking the single pass (download → hash → unpack):
//! - mid-stream, a dropped or stalled connection is reopened with `Range: bytes=N-` for
//!   exactly the bytes not yet delivered; if the server ignores the range (200), the first N
//!   bytes of the new body are skipped. Either way the hasher and the unpacker see every byte
//!   of the file once, in order.
//! - across runs, a `.partial` left by a killed install is resumed: its bytes are re-fed
//!   through the hasher and the unpacker (`partial` file, then the ranged body) and only the
//!   new bytes are appended. A server that answers 200 restarts the file from byte 0.
//!
//! The stream stops as soon as it is longer than the index says, so a lying server cannot
//! fill the disk; a shorter one fails in [`ArchiveStream::verify`].

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::http::{self, Answer, Body, HttpError, Retry};
use crate::source::dist::ArchiveFile;

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
    #[error("{url} is longer than the {expected} bytes the index lists")]
    TooLong { url: String, expected: u64 },
    #[error(
        "{url} is longer than {limit} bytes, more than any Go release, and there is no index size to hold it to"
    )]
    OverCap { url: String, limit: u64 },
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
            DownloadError::Checksum { .. }
            | DownloadError::Size { .. }
            | DownloadError::TooLong { .. }
            | DownloadError::OverCap { .. } => Some(
                "the file is not the official release; nothing was installed. Try another mirror \
                 (--mirror or GOVER_DIST_URL)"
                    .into(),
            ),
            DownloadError::Cache { source, .. } if source.kind() == io::ErrorKind::StorageFull => {
                Some("free some disk space under GOVER_HOME and try again".into())
            }
            DownloadError::Cache { .. } => Some(
                "gover needs write access to GOVER_HOME; check its permissions or point \
                 GOVER_HOME elsewhere"
                    .into(),
            ),
        }
    }
}

/// Where the archive bytes come from.
pub enum Origin {
    /// A verified archive already in the download cache.
    Cache(PathBuf),
    /// A URL; the bytes are copied into the cache's partial file as they pass (resuming a
    /// partial file an earlier run left, when the server supports ranges).
    Remote { url: String, partial: PathBuf },
}

/// A reader over the archive bytes that hashes and counts everything that passes through it,
/// and remembers when the source or the cache copy failed, so a consumer's read error can be
/// told apart from bad data.
pub struct ArchiveStream {
    source: Source,
    origin: String,
    hasher: Sha256,
    len: u64,
    /// The size the index lists; reading past it fails at once.
    limit: Option<u64>,
    /// A bound for a stream with no `limit` (an unverified install).
    cap: Option<u64>,
    failure: Option<DownloadError>,
    on_read: Box<dyn FnMut(u64) + Send>,
}

enum Source {
    Cache(File),
    Remote(Box<Remote>),
}

impl ArchiveStream {
    /// Open the stream. `limit` is the size the index lists, when known: a body longer than
    /// that fails at once. `on_read` is called with the byte count of every chunk (progress).
    pub fn open(
        origin: &Origin,
        limit: Option<u64>,
        on_read: Box<dyn FnMut(u64) + Send>,
    ) -> Result<(ArchiveStream, Option<u64>), DownloadError> {
        let (source, len, name) = match origin {
            Origin::Cache(path) => {
                let file = File::open(path).map_err(|source| DownloadError::Cache {
                    path: path.clone(),
                    source,
                })?;
                let len = file.metadata().ok().map(|m| m.len());
                (Source::Cache(file), len, path.display().to_string())
            }
            Origin::Remote { url, partial } => {
                let remote = Remote::open(url, partial, limit)?;
                let len = remote.total_len();
                (Source::Remote(Box::new(remote)), len, url.clone())
            }
        };
        let stream = ArchiveStream {
            source,
            origin: name,
            hasher: Sha256::new(),
            len: 0,
            limit,
            cap: None,
            failure: None,
            on_read,
        };
        Ok((stream, len))
    }

    /// Fail once more than `cap` bytes have come through (for a stream with no index size).
    pub fn cap(&mut self, cap: u64) {
        self.cap = Some(cap);
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
        // The cached copy is not synced to disk here: every use of it verifies the sha256 again
        // (and a resumed `.partial` is checked as a whole), so a copy torn by a crash is simply
        // downloaded again, and the install does not wait for 70 MB of writeback.
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

    /// Whether this stream continued a partial file an earlier run left.
    pub fn resumed(&self) -> bool {
        matches!(&self.source, Source::Remote(r) if r.resumed_from > 0)
    }

    fn fail(&mut self, failure: DownloadError) -> io::Error {
        let seen = io::Error::other(failure.to_string());
        self.failure = Some(failure);
        seen
    }
}

impl Read for ArchiveStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.failure.is_some() {
            return Err(io::Error::other("the download already failed"));
        }
        let read = match &mut self.source {
            Source::Cache(file) => file.read(buf).map_err(|source| DownloadError::Interrupted {
                url: self.origin.clone(),
                source,
            }),
            Source::Remote(remote) => remote.read(buf),
        };
        let n = match read {
            Ok(n) => n,
            Err(failure) => return Err(self.fail(failure)),
        };
        if let Some(limit) = self.limit
            && self.len + n as u64 > limit
        {
            return Err(self.fail(DownloadError::TooLong {
                url: self.origin.clone(),
                expected: limit,
            }));
        }
        if let Some(cap) = self.cap
            && self.len + n as u64 > cap
        {
            return Err(self.fail(DownloadError::OverCap {
                url: self.origin.clone(),
                limit: cap,
            }));
        }
        self.hasher.update(&buf[..n]);
        self.len += n as u64;
        (self.on_read)(n as u64);
        Ok(n)
    }
}

/// The bytes of a URL as one resumable stream: first the partial file an earlier run left
/// (if the server agreed to continue it), then the body, reopened with a range after every
/// interruption. Every byte that comes off the network is appended to the partial file.
struct Remote {
    url: String,
    /// The partial file's bytes, re-fed to the consumer before the body.
    prefix: Option<File>,
    resumed_from: u64,
    body: Option<Body>,
    /// What the current body has delivered, and the length it announced.
    body_read: u64,
    body_len: Option<u64>,
    /// Bytes still to discard from the current body (a server that ignored the range).
    skip: u64,
    /// Bytes in the partial file (= bytes of the file delivered once the prefix is read).
    written: u64,
    /// The file's size from the index, when known.
    limit: Option<u64>,
    done: bool,
    out: File,
    out_path: PathBuf,
    retry: Retry,
}

impl Remote {
    fn open(url: &str, partial: &Path, limit: Option<u64>) -> Result<Remote, DownloadError> {
        let cache_err = |source| DownloadError::Cache {
            path: partial.to_path_buf(),
            source,
        };
        if let Some(dir) = partial.parent() {
            crate::fsutil::create_dirs(dir).map_err(cache_err)?;
        }
        let http_err = |source| DownloadError::Http {
            url: url.to_string(),
            source,
        };
        let mut retry = Retry::new();
        // A partial file at least as long as the whole file cannot be continued.
        let existing = partial_len(partial).map_err(cache_err)?;
        let from = if limit.is_some_and(|l| existing >= l) {
            0
        } else {
            existing
        };
        let (mut body, mut answer) =
            http::open_with_retry(url, from, &mut retry).map_err(http_err)?;
        if answer == Answer::Unsatisfiable {
            (body, answer) = http::open_with_retry(url, 0, &mut retry).map_err(http_err)?;
        }
        let (prefix, out, written) = if answer == Answer::Partial {
            crate::note!("Resuming {url} from byte {from}");
            crate::output::progress::status(format_args!("resumed at byte {from}"));
            let prefix = open_partial(partial, OpenOptions::new().read(true)).map_err(cache_err)?;
            let out = open_partial(partial, OpenOptions::new().append(true)).map_err(cache_err)?;
            (Some(prefix), out, from)
        } else {
            (None, new_partial(partial).map_err(cache_err)?, 0)
        };
        Ok(Remote {
            url: url.to_string(),
            prefix,
            resumed_from: written,
            body_len: body.len,
            body: Some(body),
            body_read: 0,
            skip: 0,
            written,
            limit,
            done: false,
            out,
            out_path: partial.to_path_buf(),
            retry,
        })
    }

    /// The whole file's length as far as the server told.
    fn total_len(&self) -> Option<u64> {
        self.body_len.map(|l| l + self.written)
    }

    fn read(&mut self, buf: &mut [u8]) -> Result<usize, DownloadError> {
        if let Some(prefix) = &mut self.prefix {
            let n = prefix.read(buf).map_err(|source| DownloadError::Cache {
                path: self.out_path.clone(),
                source,
            })?;
            if n > 0 {
                return Ok(n);
            }
            self.prefix = None;
        }
        loop {
            if self.done {
                return Ok(0);
            }
            let Some(body) = &mut self.body else {
                self.reopen()?;
                continue;
            };
            let failure = match body.read(buf) {
                Ok(0) => {
                    let body_complete = self.body_len.is_some_and(|l| self.body_read >= l);
                    let want_more = self.limit.is_some_and(|l| self.written < l);
                    // Without a length to hold the server to, a closed connection looks like
                    // the end of the file; the index size tells the two apart.
                    if body_complete || !want_more {
                        return Ok(0);
                    }
                    io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!("the connection closed after {} bytes", self.written),
                    )
                }
                Ok(mut n) => {
                    self.body_read += n as u64;
                    if self.skip > 0 {
                        let k = self.skip.min(n as u64) as usize;
                        self.skip -= k as u64;
                        buf.copy_within(k..n, 0);
                        n -= k;
                        if n == 0 {
                            continue;
                        }
                    }
                    self.out
                        .write_all(&buf[..n])
                        .map_err(|source| DownloadError::Cache {
                            path: self.out_path.clone(),
                            source,
                        })?;
                    self.written += n as u64;
                    self.retry.progressed();
                    return Ok(n);
                }
                Err(e) => e,
            };
            self.body = None;
            let err = HttpError::Body {
                url: self.url.clone(),
                source: failure,
            };
            match self.retry.after(&err) {
                Some(delay) => std::thread::sleep(delay),
                None => {
                    let HttpError::Body { url, source } = err else {
                        unreachable!()
                    };
                    return Err(DownloadError::Interrupted { url, source });
                }
            }
        }
    }

    /// Continue from `written` after an interruption.
    fn reopen(&mut self) -> Result<(), DownloadError> {
        let (body, answer) = http::open_with_retry(&self.url, self.written, &mut self.retry)
            .map_err(|source| DownloadError::Http {
                url: self.url.clone(),
                source,
            })?;
        match answer {
            Answer::Partial => self.skip = 0,
            Answer::Full => self.skip = self.written,
            // The server's file ends where ours does: it is shorter than the index says,
            // which verify reports.
            Answer::Unsatisfiable => self.done = true,
        }
        self.body_len = body.len;
        self.body_read = 0;
        self.body = Some(body);
        Ok(())
    }
}

/// The length of the partial file an earlier run left, 0 if there is none. Anything but a
/// regular file under that name (a link planted there, say) is removed, never followed.
fn partial_len(partial: &Path) -> io::Result<u64> {
    match fs::symlink_metadata(partial) {
        Ok(m) if m.is_file() => Ok(m.len()),
        Ok(_) => fs::remove_file(partial).map(|()| 0),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(e),
    }
}

/// Open the existing partial file, never through a link.
fn open_partial(partial: &Path, options: &mut OpenOptions) -> io::Result<File> {
    options
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(partial)
}

/// A new, empty partial file: whatever had the name is unlinked (a link is removed, not
/// followed), then the file is created `O_EXCL|O_NOFOLLOW`, 0644 whatever the umask.
fn new_partial(partial: &Path) -> io::Result<File> {
    match fs::remove_file(partial) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    crate::fsutil::create_new(partial, 0o644)
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
    sha256_reader(&mut File::open(path)?)
}

/// sha256 of everything `reader` yields.
pub fn sha256_reader(reader: &mut impl Read) -> io::Result<String> {
    let mut hasher = Sha256::new();
    io::copy(reader, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}
