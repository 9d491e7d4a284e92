//! The one downloader: every archive gover fetches (a tarball or a module zip, for an install
//! or for `mirror sync` of either layout) comes through [`ArchiveStream`]: hashed while it is
//! read, counted against its declared size or a cap, and copied into `<name>.partial` (created
//! exclusively, never through a link), which becomes `<name>` only once verified, by
//! [`publish`] (durable: flushed, renamed, the dir flushed).
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
//! The stream stops as soon as it is longer than its [`Size`] allows (the index's size, or a
//! cap where nothing declares one: 500 MiB for a module zip, as Go allows), so a lying server
//! cannot fill the disk; a shorter one fails in [`ArchiveStream::finish`].

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::digest::hex;
use crate::http::{self, Answer, Body, HttpError, Retry};

/// Go's own cap on a module zip (cmd/go's `MaxZipFile`): a toolchain zip from a proxy, which
/// nothing declares a size for, may not be longer.
pub const MAX_MODULE_ZIP: u64 = 500 << 20;

/// How long an archive may be: the size its index declares (exactly that), or at most a cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Declared(u64),
    AtMost(u64),
}

impl Size {
    /// The exact size, when one is declared.
    pub fn declared(self) -> Option<u64> {
        match self {
            Size::Declared(n) => Some(n),
            Size::AtMost(_) => None,
        }
    }

    /// The most bytes the archive may have.
    pub fn bound(self) -> u64 {
        match self {
            Size::Declared(n) | Size::AtMost(n) => n,
        }
    }
}

/// What came through a finished stream: the whole file's sha256 and length.
#[derive(Debug, Clone)]
pub struct Received {
    pub sha256: String,
    pub len: u64,
}

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
        "{url} is longer than {limit} bytes, more than any Go release, and nothing declares its size"
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
    /// A file on disk: the download cache, or Go's module cache (verified again on every use).
    File(PathBuf),
    /// A URL; the bytes are copied into the cache's partial file as they pass (resuming a
    /// partial file an earlier run left, when the server supports ranges).
    Remote { url: String, partial: PathBuf },
}

/// A reader over the archive bytes that hashes and counts everything that passes through it,
/// and remembers when the source or the cache copy failed, so a consumer's read error can be
/// told apart from bad data.
pub struct ArchiveStream {
    input: Input,
    origin: String,
    hasher: Sha256,
    len: u64,
    /// Reading past it fails at once.
    size: Size,
    failure: Option<DownloadError>,
    on_read: Box<dyn FnMut(u64) + Send>,
}

/// What an [`ArchiveStream`] reads: a file on disk, or a resumable remote.
enum Input {
    File(File),
    Remote(Box<Remote>),
}

impl ArchiveStream {
    /// Open the stream; reading more than `size` allows fails at once. `on_read` is called
    /// with the byte count of every chunk (progress).
    pub fn open(
        origin: &Origin,
        size: Size,
        on_read: Box<dyn FnMut(u64) + Send>,
    ) -> Result<ArchiveStream, DownloadError> {
        let (input, name) = match origin {
            Origin::File(path) => {
                let file = File::open(path).map_err(|source| DownloadError::Cache {
                    path: path.clone(),
                    source,
                })?;
                (Input::File(file), path.display().to_string())
            }
            Origin::Remote { url, partial } => {
                let remote = Remote::open(url, partial, size.declared())?;
                (
                    Input::Remote(Box::new(remote)),
                    http::without_credentials(url),
                )
            }
        };
        Ok(ArchiveStream {
            input,
            origin: name,
            hasher: Sha256::new(),
            len: 0,
            size,
            failure: None,
            on_read,
        })
    }

    /// How many bytes of a partial file an earlier run left this stream continues (0 for a new
    /// download or a file on disk). They are re-read but not reported to `on_read`.
    pub fn resumed_from(&self) -> u64 {
        match &self.input {
            Input::Remote(remote) => remote.resumed_from,
            Input::File(_) => 0,
        }
    }

    /// Where the bytes come from, for messages (a URL without credentials, or a path).
    pub fn shown(&self) -> &str {
        &self.origin
    }

    /// Read whatever the consumer left unread (tar padding, trailing bytes) so the digest and
    /// the size cover the whole file; what was received. A declared size must be met exactly.
    ///
    /// The `.partial` copy is not synced to disk here: [`publish`] flushes it when it becomes
    /// a cached archive, and every use of a cached archive verifies it again.
    pub fn finish(mut self) -> Result<Received, DownloadError> {
        if let Err(e) = io::copy(&mut self, &mut io::sink()) {
            return Err(self.take_failure().unwrap_or(DownloadError::Interrupted {
                url: self.origin.clone(),
                source: e,
            }));
        }
        if let Size::Declared(expected) = self.size
            && self.len != expected
        {
            return Err(DownloadError::Size {
                url: self.origin.clone(),
                expected,
                actual: self.len,
            });
        }
        Ok(Received {
            sha256: hex(&self.hasher.finalize_reset()),
            len: self.len,
        })
    }

    /// The failure of the source or of the cache copy behind a read error, if that was the
    /// cause; `None` means the bytes themselves were bad.
    pub fn take_failure(&mut self) -> Option<DownloadError> {
        self.failure.take()
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
        let read = match &mut self.input {
            Input::File(file) => file.read(buf).map_err(|source| DownloadError::Interrupted {
                url: self.origin.clone(),
                source,
            }),
            Input::Remote(remote) => remote.read(buf),
        };
        let n = match read {
            Ok(n) => n,
            Err(failure) => return Err(self.fail(failure)),
        };
        if self.len + n as u64 > self.size.bound() {
            let url = self.origin.clone();
            return Err(self.fail(match self.size {
                Size::Declared(expected) => DownloadError::TooLong { url, expected },
                Size::AtMost(limit) => DownloadError::OverCap { url, limit },
            }));
        }
        self.hasher.update(&buf[..n]);
        // Only this run's bytes count as progress: not those re-read from a resumed partial.
        let fresh = (self.len + n as u64).saturating_sub(self.len.max(self.resumed_from()));
        self.len += n as u64;
        if fresh > 0 {
            (self.on_read)(fresh);
        }
        Ok(n)
    }
}

/// The bytes of a URL as one resumable stream: first the partial file an earlier run left
/// (if the server agreed to continue it), then the body, reopened with a range after every
/// interruption. Every byte that comes off the network is appended to the partial file.
struct Remote {
    /// The URL requested (with the credentials it may carry) and the one shown in messages.
    url: String,
    shown: String,
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
        let shown = http::without_credentials(url);
        let http_err = |source| DownloadError::Http {
            url: shown.clone(),
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
            crate::note!("Resuming {shown} from byte {from}");
            let prefix = open_partial(partial, OpenOptions::new().read(true)).map_err(cache_err)?;
            let out = open_partial(partial, OpenOptions::new().append(true)).map_err(cache_err)?;
            (Some(prefix), out, from)
        } else {
            (None, new_partial(partial).map_err(cache_err)?, 0)
        };
        Ok(Remote {
            url: url.to_string(),
            shown,
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
                url: self.shown.clone(),
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
                url: self.shown.clone(),
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

/// Download `url` into `partial` (resuming what an earlier run left), held to `size`; what was
/// received. For copies that are kept as files (`mirror sync`), not unpacked on the way.
pub fn receive(url: &str, partial: &Path, size: Size) -> Result<Received, DownloadError> {
    let origin = Origin::Remote {
        url: url.to_string(),
        partial: partial.to_path_buf(),
    };
    ArchiveStream::open(&origin, size, Box::new(|_| {}))?.finish()
}

/// Copy `from` to a new file `to`: whatever had that name is unlinked first (a link is
/// removed, never followed), then `to` is created `O_EXCL|O_NOFOLLOW`, 0644.
pub fn copy_new(from: &Path, to: &Path) -> io::Result<()> {
    let mut out = new_partial(to)?;
    io::copy(&mut File::open(from)?, &mut out)?;
    Ok(())
}

/// Make the verified `partial` the file `dest`, durably: the file is flushed, renamed over
/// `dest` and the rename flushed, so after a power cut `dest` is absent, the old file, or the
/// whole new one (never a name for bytes still in the page cache).
pub fn publish(partial: &Path, dest: &Path) -> io::Result<()> {
    File::open(partial)?.sync_all()?;
    fs::rename(partial, dest)?;
    match dest.parent() {
        Some(dir) => crate::fsutil::sync_dir(dir),
        None => Ok(()),
    }
}
