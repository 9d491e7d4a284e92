//! Fetching bytes from `https://`, `http://` and `file://` URLs: the transport policy
//! (timeouts, proxies, redirects, which URLs the index may come from) and the retry policy
//! (which failures are transient, how long to back off).
//!
//! Trust model: the index carries the sha256 of every archive, so it must come over
//! `https://`, from `file://`, or from a loopback address (a mirror on this machine); a
//! plain-`http` index elsewhere is refused unless the user passes `--allow-insecure`.
//! Archives may come over plain `http` because their hash is checked against that index.
//! A redirect from `https` to `http` is refused for every request.
//!
//! Proxies: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (and their lowercase
//! forms) are honoured, except that plain-http requests to loopback hosts (`127.0.0.0/8`,
//! `::1`, `localhost`) always go directly: a plain-http loopback index is trusted because it
//! never leaves this machine, which stops being true the moment a proxy carries it.
//!
//! Size: the index is read whole into memory, so it is capped at [`MAX_INDEX_BYTES`].

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_RANGE, RANGE, RETRY_AFTER};
use reqwest::{StatusCode, Url};

use crate::env;

/// Default for [`env::GOVER_HTTP_TIMEOUT`].
const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Default for [`env::GOVER_RETRY_BASE_MS`].
const DEFAULT_RETRY_BASE_MS: u64 = 500;
/// Retries after the first attempt, counted since the last attempt that made progress.
pub const MAX_RETRIES: u32 = 4;
/// Interruptions one download may survive in total, progress or not.
const MAX_INTERRUPTIONS: u32 = 20;
/// The longest backoff between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// A `Retry-After` up to this long is honoured; a longer one ends the retries.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Redirects followed before giving up.
const MAX_REDIRECTS: usize = 10;
/// The largest release index read (go.dev's full index is about 3 MB).
pub const MAX_INDEX_BYTES: u64 = 64 << 20;
/// The hosts a plain-http request never reaches through a proxy, added to the user's `NO_PROXY`.
const LOOPBACK_NO_PROXY: &str = "localhost,127.0.0.0/8,::1";

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("`{url}` is not a valid URL")]
    BadUrl { url: String },
    #[error("unsupported URL scheme in {url} (use https://, http:// or file://)")]
    Scheme { url: String },
    #[error("refusing to fetch the release index over plain http from {url}")]
    InsecureIndex { url: String },
    #[error("request to {url} failed")]
    Request {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    /// A request that failed for a reason [`classify`] names in one line (refused, reset,
    /// timed out, unresolvable host, untrusted certificate): reqwest's own chain says the
    /// same thing five times (`error sending request`, `client error (Connect)`, …), so it
    /// is kept for deciding retries and hints but not shown.
    #[error("request to {url} failed: {reason}")]
    Network {
        url: String,
        reason: String,
        error: reqwest::Error,
    },
    #[error("{url} answered HTTP {status}")]
    Status {
        url: String,
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    #[error("{url} answered a range request with `{content_range}` instead of bytes {from}-")]
    BadRange {
        url: String,
        from: u64,
        content_range: String,
    },
    #[error("cannot read {}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the release index at {url} is larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("reading {url} failed")]
    Body {
        url: String,
        #[source]
        source: io::Error,
    },
}

impl HttpError {
    /// Whether the server does not have the file: 404 or 410, or a missing `file://` path.
    pub fn is_not_found(&self) -> bool {
        match self {
            HttpError::Status { status, .. } => matches!(status.as_u16(), 404 | 410),
            HttpError::File { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }

    pub fn hint(&self) -> Option<String> {
        match self {
            HttpError::Request { source, .. } if source.is_redirect() => Some(
                "the server redirected to a plain-http URL or in a loop; use an https:// URL that \
                 does not downgrade"
                    .into(),
            ),
            HttpError::Request { source, .. } | HttpError::Network { error: source, .. }
                if is_certificate_error(source) =>
            {
                Some(
                "the server's TLS certificate is not trusted; if your network or mirror uses a \
                 private CA (a corporate proxy, say), point SSL_CERT_FILE at its certificate in \
                 PEM (or SSL_CERT_DIR at a directory of them)"
                        .into(),
                )
            }
            HttpError::Request { .. } | HttpError::Network { .. } | HttpError::Body { .. } => {
                Some(format!(
                "check your network connection and proxy settings (HTTPS_PROXY, NO_PROXY); \
                 {} sets the stall timeout in seconds",
                    env::GOVER_HTTP_TIMEOUT
                ))
            }
            HttpError::Status { status, .. } if status.as_u16() == 404 => {
                Some("the mirror does not have this file; try another mirror".into())
            }
            HttpError::Status { .. } | HttpError::BadRange { .. } => {
                Some("the server failed; try again later".into())
            }
            HttpError::InsecureIndex { .. } => Some(format!(
                "the index carries the checksums every install is verified against, so it must \
                 come over https://, from file:// or from a loopback address; point {} at such \
                 a URL, or pass --allow-insecure if you trust the network path",
                env::GOVER_INDEX_URL
            )),
            HttpError::BadUrl { .. } | HttpError::Scheme { .. } => Some(format!(
                "check {} and {}",
                env::GOVER_INDEX_URL,
                env::GOVER_DIST_URL
            )),
            HttpError::TooLarge { .. } => Some(format!(
                "go.dev's index is a few MB; check that {} points at a release index",
                env::GOVER_INDEX_URL
            )),
            HttpError::File { .. } => None,
        }
    }

    /// Whether another attempt may succeed: resets, timeouts, 5xx, 429 and 408 (not a refused
    /// redirect or an untrusted certificate, which fail the same way every time, nor a refused
    /// connection: nothing listens there, and asking again only delays the error).
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Request { source, .. } | HttpError::Network { error: source, .. } => {
                !source.is_redirect()
                    && !source.is_builder()
                    && !is_certificate_error(source)
                    && !is_refused(source)
                    && (source.is_timeout()
                        || source.is_connect()
                        || source.is_request()
                        || source.is_body())
            }
            HttpError::Status { status, .. } => {
                status.is_server_error()
                    || *status == StatusCode::TOO_MANY_REQUESTS
                    || *status == StatusCode::REQUEST_TIMEOUT
            }
            // A mirror below the low-speed limit is not asked again: the next one is tried.
            HttpError::Body { source, .. } => !is_too_slow(source),
            _ => false,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            HttpError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The retry budget of one transfer: bounded exponential backoff.
#[derive(Debug)]
pub struct Retry {
    /// Failures since the last attempt that made progress.
    failures: u32,
    /// Failures in total.
    interruptions: u32,
    base: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry::new()
    }
}

impl Retry {
    pub fn new() -> Retry {
        Retry {
            failures: 0,
            interruptions: 0,
            // Checked when the command starts ([`crate::settings::check`]).
            base: retry_base().unwrap_or(Duration::from_millis(DEFAULT_RETRY_BASE_MS)),
        }
    }

    /// Bytes arrived since the last failure: the next failure starts a fresh count.
    pub fn progressed(&mut self) {
        self.failures = 0;
    }

    /// After a failure: the delay before the next attempt, or `None` when the failure is not
    /// transient or the budget is spent. Warns on stderr when it retries.
    pub fn after(&mut self, err: &HttpError) -> Option<Duration> {
        if !err.is_transient() {
            return None;
        }
        let delay = self.next_delay(err.retry_after())?;
        crate::output::warn(format_args!(
            "{}; retrying in {:.1}s ({} of {MAX_RETRIES})",
            describe(err),
            delay.as_secs_f64(),
            self.failures
        ));
        crate::output::progress::status(format_args!("retry {} of {MAX_RETRIES}", self.failures));
        Some(delay)
    }

    fn next_delay(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        if self.failures >= MAX_RETRIES || self.interruptions >= MAX_INTERRUPTIONS {
            return None;
        }
        if retry_after.is_some_and(|d| d > MAX_RETRY_AFTER) {
            return None;
        }
        self.failures += 1;
        self.interruptions += 1;
        let backoff = self
            .base
            .saturating_mul(1 << (self.failures - 1).min(16))
            .min(MAX_BACKOFF);
        Some(retry_after.map_or(backoff, |d| d.max(backoff)))
    }
}

/// Whether `err` failed because the server's certificate did not verify (unknown issuer, wrong
/// name, expired, …). rustls reports it inside `io::Error`s (nested: one from tokio-rustls, one
/// from the connector), whose `source()` skips the error they wrap, so those are opened instead.
/// Whether the connection was refused (an `ECONNREFUSED` somewhere in the chain).
fn is_refused(err: &reqwest::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        let io = e.downcast_ref::<io::Error>();
        if io.is_some_and(|io| io.kind() == io::ErrorKind::ConnectionRefused) {
            return true;
        }
        next = match io.and_then(io::Error::get_ref) {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    false
}

fn is_certificate_error(err: &reqwest::Error) -> bool {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        if matches!(
            e.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented)
        ) {
            return true;
        }
        next = match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    false
}

/// Why a request failed, in one line naming the host, when the cause is one a person knows
/// without reqwest's layers: refused, reset, timed out, unresolvable host, untrusted
/// certificate. `None` for anything else (a refused redirect, a protocol error), whose chain
/// is shown as it is.
///
/// The causes are found by walking the source chain: `io::Error`s (whose `source()` skips
/// the error they wrap, so they are opened instead), rustls' errors, and reqwest's own
/// `is_timeout`/`is_connect`.
fn classify(err: &reqwest::Error, url: &Url) -> Option<String> {
    let host = url.host_str().unwrap_or("?");
    let host_port = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let mut io_kind = None;
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = next {
        match e.downcast_ref::<rustls::Error>() {
            Some(
                tls @ (rustls::Error::InvalidCertificate(_)
                | rustls::Error::NoCertificatesPresented),
            ) => {
                return Some(format!(
                    "the TLS certificate of {host_port} is not trusted ({tls})"
                ));
            }
            Some(tls) => return Some(format!("the TLS handshake with {host_port} failed ({tls})")),
            None => {}
        }
        let io = e.downcast_ref::<io::Error>();
        if let Some(io) = io {
            io_kind = io_kind.or(Some(io.kind()));
        }
        next = match io.and_then(io::Error::get_ref) {
            Some(inner) => Some(inner),
            None => e.source(),
        };
    }
    let stall = timeout().unwrap_or(Duration::from_secs(DEFAULT_TIMEOUT_SECS));
    match io_kind {
        Some(io::ErrorKind::ConnectionRefused) => {
            return Some(format!("connection refused by {host_port}"));
        }
        Some(io::ErrorKind::ConnectionReset) => {
            return Some(format!("connection reset by {host_port}"));
        }
        Some(io::ErrorKind::ConnectionAborted) => {
            return Some(format!("connection to {host_port} aborted"));
        }
        Some(io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable) => {
            return Some(format!("{host_port} is unreachable from this network"));
        }
        _ => {}
    }
    if err.is_timeout() {
        return Some(if err.is_connect() {
            format!("no connection to {host_port} within {}s", stall.as_secs())
        } else {
            format!(
                "{host_port} sent nothing for {}s ({} sets this stall timeout)",
                stall.as_secs(),
                env::GOVER_HTTP_TIMEOUT
            )
        });
    }
    // A connect error that is none of the above: most often a name that does not resolve.
    // hyper does not expose its DNS error as a type, so ask the resolver again (only after a
    // failure, and only for a name: an address needs no lookup).
    if err.is_connect()
        && let Some(url::Host::Domain(name)) = url.host()
        && std::net::ToSocketAddrs::to_socket_addrs(&(name, 0)).is_err()
    {
        return Some(format!("cannot resolve host {name}"));
    }
    None
}

/// The error and its root cause on one line, for a retry warning.
fn describe(err: &HttpError) -> String {
    let mut root = std::error::Error::source(err);
    while let Some(next) = root.and_then(|e| e.source()) {
        root = Some(next);
    }
    match root {
        Some(cause) => format!("{err}: {cause}"),
        None => err.to_string(),
    }
}

/// How a server answered a request for the bytes from some offset on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// The whole file from byte 0 (the server ignored the range, or none was asked).
    Full,
    /// The file from the requested offset on (HTTP 206).
    Partial,
    /// The requested offset is at or past the end of the file (HTTP 416).
    Unsatisfiable,
}

/// A response body being streamed.
pub struct Body {
    inner: Box<dyn Read + Send>,
    /// The length the server announced for this body, if any.
    pub len: Option<u64>,
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

/// The low-speed limit: a transfer that delivers fewer than `bytes` in any `window` fails, and
/// is not retried on the same server (the next mirror is tried). The stall timeout alone lets
/// a server that sends one byte every few seconds hold a download forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LowSpeed {
    pub bytes: u64,
    pub window: Duration,
}

/// Default for [`env::GOVER_HTTP_LOW_SPEED`]: under 1 KiB/s for 30 s.
pub const DEFAULT_LOW_SPEED: LowSpeed = LowSpeed {
    bytes: 30 * 1024,
    window: Duration::from_secs(30),
};

/// The low-speed limit in force (`GOVER_HTTP_LOW_SPEED`); `Ok(None)` when turned off (`0`),
/// `Err(value)` when the setting is not valid.
pub fn low_speed() -> Result<Option<LowSpeed>, String> {
    match env::var(env::GOVER_HTTP_LOW_SPEED) {
        None => Ok(Some(DEFAULT_LOW_SPEED)),
        Some(value) => parse_low_speed(&value).ok_or(value),
    }
}

/// `BYTES/SECONDS` (e.g. `30720/30`), or `0` for no limit.
pub fn parse_low_speed(text: &str) -> Option<Option<LowSpeed>> {
    let text = text.trim();
    if text == "0" {
        return Some(None);
    }
    let (bytes, secs) = text.split_once('/')?;
    let bytes: u64 = bytes.trim().parse().ok()?;
    let secs: u64 = secs.trim().parse().ok()?;
    if bytes == 0 || secs == 0 || secs > 86_400 {
        return None;
    }
    Some(Some(LowSpeed {
        bytes,
        window: Duration::from_secs(secs),
    }))
}

/// The error a body read fails with below the low-speed limit.
#[derive(Debug, thiserror::Error)]
#[error(
    "the transfer was too slow: {got} bytes in {secs} s, under the low-speed limit of {bytes} \
     bytes per {secs} s ({name})",
    secs = limit.window.as_secs(),
    bytes = limit.bytes,
    name = env::GOVER_HTTP_LOW_SPEED
)]
pub struct TooSlow {
    got: u64,
    limit: LowSpeed,
}

fn is_too_slow(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<TooSlow>())
}

/// A body that fails once a whole window passes with fewer bytes than the limit. Checked as
/// each read returns; a read blocks at most the stall timeout, which bounds the wait.
struct LowSpeedReader<R> {
    inner: R,
    limit: LowSpeed,
    window_start: Instant,
    in_window: u64,
}

impl<R: Read> Read for LowSpeedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.in_window += n as u64;
        if n > 0 && self.window_start.elapsed() >= self.limit.window {
            if self.in_window < self.limit.bytes {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    TooSlow {
                        got: self.in_window,
                        limit: self.limit,
                    },
                ));
            }
            self.window_start = Instant::now();
            self.in_window = 0;
        }
        Ok(n)
    }
}

/// The stall timeout in force (`GOVER_HTTP_TIMEOUT`, seconds).
pub fn timeout() -> Result<Duration, env::BadSetting> {
    let secs = env::number(
        env::GOVER_HTTP_TIMEOUT,
        1..=86_400,
        "a whole number of seconds from 1 to 86400",
    )?;
    Ok(Duration::from_secs(secs.unwrap_or(DEFAULT_TIMEOUT_SECS)))
}

/// The first retry delay in force (`GOVER_RETRY_BASE_MS`).
pub fn retry_base() -> Result<Duration, env::BadSetting> {
    let ms = env::number(
        env::GOVER_RETRY_BASE_MS,
        0..=60_000,
        "a whole number of milliseconds from 0 to 60000",
    )?;
    Ok(Duration::from_millis(ms.unwrap_or(DEFAULT_RETRY_BASE_MS)))
}

/// Open `url` for reading from byte `from` on, in one attempt.
pub fn open(url: &str, from: u64) -> Result<(Body, Answer), HttpError> {
    open_with(url, from, false)
}

/// Open `url` from byte `from` on, retrying transient failures within `retry`'s budget.
pub fn open_with_retry(
    url: &str,
    from: u64,
    retry: &mut Retry,
) -> Result<(Body, Answer), HttpError> {
    loop {
        match open(url, from) {
            Ok(answer) => return Ok(answer),
            Err(e) => match retry.after(&e) {
                Some(delay) => std::thread::sleep(delay),
                None => return Err(e),
            },
        }
    }
}

/// Open `url` for reading, retrying transient failures.
pub fn get(url: &str) -> Result<Body, HttpError> {
    open_with_retry(url, 0, &mut Retry::new()).map(|(body, _)| body)
}

/// Fetch the release index whole, retrying transient failures of the request and of the
/// body, only from a trusted transport (see the
/// module docs), and redirects must stay trusted too. `allow_insecure` (`--allow-insecure`)
/// lifts that for a plain-`http` index on a network path the user trusts.
pub fn get_index(url: &str, allow_insecure: bool) -> Result<Vec<u8>, HttpError> {
    let strict = !allow_insecure;
    if strict {
        let parsed = Url::parse(url).map_err(|_| HttpError::BadUrl {
            url: url.to_string(),
        })?;
        if !trusted_for_index(&parsed) {
            return Err(HttpError::InsecureIndex {
                url: url.to_string(),
            });
        }
    }
    fetch_whole(url, strict, MAX_INDEX_BYTES)
}

/// `url` read whole, up to `limit` bytes: a longer body is an error that no retry can fix
/// (an endless body must not grow memory until the allocator gives up).
fn fetch_whole(url: &str, strict: bool, limit: u64) -> Result<Vec<u8>, HttpError> {
    let mut retry = Retry::new();
    loop {
        let attempt = open_with(url, 0, strict).and_then(|(body, _)| {
            if body.len.is_some_and(|len| len > limit) {
                return Err(HttpError::TooLarge {
                    url: url.to_string(),
                    limit,
                });
            }
            let mut bytes = Vec::new();
            body.take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|source| HttpError::Body {
                    url: url.to_string(),
                    source,
                })?;
            if bytes.len() as u64 > limit {
                return Err(HttpError::TooLarge {
                    url: url.to_string(),
                    limit,
                });
            }
            Ok(bytes)
        });
        match attempt {
            Ok(bytes) => return Ok(bytes),
            Err(e) => match retry.after(&e) {
                Some(delay) => std::thread::sleep(delay),
                None => return Err(e),
            },
        }
    }
}

/// `https://`, `file://`, or `http://` to a loopback host.
pub fn trusted_for_index(url: &Url) -> bool {
    match url.scheme() {
        "https" | "file" => true,
        "http" => is_loopback(url),
        _ => false,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// Whether following a redirect from `previous` (oldest first) to `next` is allowed: never
/// from https down to http, and in `strict` (index) mode only to URLs trusted for the index.
/// The refusal names the URL that was not followed (reqwest's error names the one redirecting).
pub fn redirect_allowed(previous: &[Url], next: &Url, strict: bool) -> Result<(), String> {
    if previous.len() >= MAX_REDIRECTS {
        return Err(format!("too many redirects (the last one to {next})"));
    }
    if next.scheme() == "http" && previous.iter().any(|u| u.scheme() == "https") {
        return Err(format!(
            "refusing a redirect from https to plain http ({next})"
        ));
    }
    if strict && !trusted_for_index(next) {
        return Err(format!(
            "refusing to follow the index to plain http on a non-loopback host ({next})"
        ));
    }
    Ok(())
}

fn open_with(url: &str, from: u64, strict: bool) -> Result<(Body, Answer), HttpError> {
    let parsed = Url::parse(url).map_err(|_| HttpError::BadUrl {
        url: without_credentials(url),
    })?;
    // Credentials in the URL (a GOPROXY entry, or netrc's) are sent as basic auth by reqwest
    // but never shown: messages and retry warnings name the URL without them.
    let shown = without_credentials(url);
    let had_credentials = shown != url;
    let url = shown.as_str();
    match from {
        0 => crate::verbose!("GET {url}"),
        n => crate::verbose!("GET {url} (from byte {n})"),
    }
    match parsed.scheme() {
        "file" => open_file(url, &parsed, from),
        "http" | "https" => open_http(url, parsed.clone(), from, strict).map_err(|e| match e {
            HttpError::Request { url, source } => match classify(&source, &parsed) {
                Some(reason) => HttpError::Network {
                    url,
                    reason,
                    error: source,
                },
                // reqwest's own message names the URL it was given, credentials and all.
                None if had_credentials => HttpError::Request {
                    url,
                    source: source.without_url(),
                },
                None => HttpError::Request { url, source },
            },
            other => other,
        }),
        _ => Err(HttpError::Scheme {
            url: url.to_string(),
        }),
    }
}

fn open_file(url: &str, parsed: &Url, from: u64) -> Result<(Body, Answer), HttpError> {
    let path = parsed.to_file_path().map_err(|_| HttpError::BadUrl {
        url: url.to_string(),
    })?;
    let file_err = |source| HttpError::File {
        path: path.clone(),
        source,
    };
    let mut file = File::open(&path).map_err(file_err)?;
    let len = file.metadata().map_err(file_err)?.len();
    let answer = match from {
        0 => Answer::Full,
        n if n >= len => Answer::Unsatisfiable,
        n => {
            file.seek(SeekFrom::Start(n)).map_err(file_err)?;
            Answer::Partial
        }
    };
    Ok((
        Body {
            inner: Box::new(file),
            len: Some(len.saturating_sub(from)),
        },
        answer,
    ))
}

fn open_http(url: &str, parsed: Url, from: u64, strict: bool) -> Result<(Body, Answer), HttpError> {
    let request_err = |source| HttpError::Request {
        url: url.to_string(),
        source,
    };
    let mut request = client(strict).map_err(request_err)?.get(parsed);
    if from > 0 {
        request = request.header(RANGE, format!("bytes={from}-"));
    }
    let started = Instant::now();
    let response = request.send().map_err(request_err)?;
    let status = response.status();
    crate::verbose!(
        "{url}: HTTP {status}{} after {} ms",
        response
            .content_length()
            .map(|n| format!(", {n} bytes"))
            .unwrap_or_default(),
        started.elapsed().as_millis()
    );
    let answer = match status {
        StatusCode::PARTIAL_CONTENT if from > 0 => {
            let content_range = response
                .headers()
                .get(CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            if range_start(&content_range) != Some(from) {
                return Err(HttpError::BadRange {
                    url: url.to_string(),
                    from,
                    content_range,
                });
            }
            Answer::Partial
        }
        StatusCode::RANGE_NOT_SATISFIABLE if from > 0 => Answer::Unsatisfiable,
        s if s.is_success() && s != StatusCode::PARTIAL_CONTENT => Answer::Full,
        _ => {
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            return Err(HttpError::Status {
                url: url.to_string(),
                status,
                retry_after,
            });
        }
    };
    let len = response.content_length();
    // Validated when the command starts (see `dist::cache::load`); a bad value here means none.
    let inner: Box<dyn Read + Send> = match low_speed().ok().flatten() {
        Some(limit) => Box::new(LowSpeedReader {
            inner: response,
            limit,
            window_start: Instant::now(),
            in_window: 0,
        }),
        None => Box::new(response),
    };
    Ok((Body { inner, len }, answer))
}

/// The proxies of the environment, as reqwest would read them (lowercase first; `HTTP_PROXY`
/// not under CGI, where a client controls it), each bypassed for `NO_PROXY`; plain-http
/// requests to loopback also bypass them (https needs no such care: TLS checks the server
/// end to end, through a proxy or not).
fn proxies() -> reqwest::Result<Vec<reqwest::Proxy>> {
    let get = |names: &[&str]| names.iter().find_map(|n| env::var(n));
    let cgi = std::env::var_os("REQUEST_METHOD").is_some();
    let http_names: &[&str] = if cgi {
        &["http_proxy"]
    } else {
        &["http_proxy", "HTTP_PROXY"]
    };
    let user = get(&["NO_PROXY", "no_proxy"]).unwrap_or_default();
    let no_proxy = |extra: &str| reqwest::NoProxy::from_string(&format!("{user},{extra}"));
    let mut proxies = Vec::new();
    if let Some(url) = get(http_names) {
        proxies.push(reqwest::Proxy::http(url)?.no_proxy(no_proxy(LOOPBACK_NO_PROXY)));
    }
    if let Some(url) = get(&["https_proxy", "HTTPS_PROXY"]) {
        proxies.push(reqwest::Proxy::https(url)?.no_proxy(no_proxy("")));
    }
    if let Some(url) = get(&["all_proxy", "ALL_PROXY"]) {
        // Parsed now so that a bad value fails here, as it would for `Proxy::all`.
        reqwest::Proxy::all(url.as_str())?;
        let proxy = reqwest::Proxy::custom(move |target| {
            let direct = target.scheme() == "http" && is_loopback(target);
            (!direct).then(|| url.clone())
        });
        proxies.push(proxy.no_proxy(no_proxy("")));
    }
    Ok(proxies)
}

/// `url` without a user name or password (unchanged if it has none or does not parse).
pub fn without_credentials(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// `bytes 100-199/200` → `Some(100)`.
fn range_start(content_range: &str) -> Option<u64> {
    let spec = content_range.trim().strip_prefix("bytes ")?;
    spec.split('-').next()?.trim().parse().ok()
}

fn client(strict: bool) -> reqwest::Result<reqwest::blocking::Client> {
    // Checked when the command starts ([`crate::settings::check`]).
    let stall = timeout().unwrap_or(Duration::from_secs(DEFAULT_TIMEOUT_SECS));
    let mut builder = reqwest::blocking::Client::builder().no_proxy();
    for proxy in proxies()? {
        builder = builder.proxy(proxy);
    }
    builder
        .user_agent(concat!("gover/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(stall)
        // The blocking client applies this to each wait (the response head, then every read
        // of the body), so it bounds a stall, not the length of a large download.
        .timeout(stall)
        .redirect(reqwest::redirect::Policy::custom(
            move |attempt| match redirect_allowed(attempt.previous(), attempt.url(), strict) {
                Ok(()) => attempt.follow(),
                Err(reason) => attempt.error(reason),
            },
        ))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn the_index_is_trusted_only_over_https_file_or_loopback() {
        for ok in [
            "https://go.dev/dl/?mode=json",
            "file:///srv/index.json",
            "http://127.0.0.1:8080/index.json",
            "http://127.5.6.7/index.json",
            "http://[::1]:9/index.json",
            "http://localhost/index.json",
        ] {
            assert!(trusted_for_index(&url(ok)), "{ok}");
        }
        for bad in [
            "http://go.dev/dl/?mode=json",
            "http://10.0.0.1/index.json",
            "http://localhost.evil.example/index.json",
            "ftp://go.dev/index.json",
        ] {
            assert!(!trusted_for_index(&url(bad)), "{bad}");
        }
    }

    #[test]
    fn redirects_never_downgrade_https_to_http() {
        let https = [url("https://go.dev/dl/x")];
        assert!(redirect_allowed(&https, &url("http://go.dev/dl/x"), false).is_err());
        assert!(redirect_allowed(&https, &url("http://127.0.0.1/x"), false).is_err());
        assert!(redirect_allowed(&https, &url("https://dl.google.com/x"), false).is_ok());
        let http = [url("http://127.0.0.1/x")];
        assert!(redirect_allowed(&http, &url("http://mirror.example/x"), false).is_ok());
        assert!(redirect_allowed(&http, &url("http://mirror.example/x"), true).is_err());
        assert!(redirect_allowed(&http, &url("https://mirror.example/x"), true).is_ok());
        let many: Vec<Url> = (0..MAX_REDIRECTS)
            .map(|i| url(&format!("https://a.example/{i}")))
            .collect();
        assert!(redirect_allowed(&many, &url("https://a.example/z"), false).is_err());
    }

    #[test]
    fn backoff_doubles_is_capped_and_bounded() {
        let mut r = Retry {
            failures: 0,
            interruptions: 0,
            base: Duration::from_millis(100),
        };
        let delays: Vec<_> = std::iter::from_fn(|| r.next_delay(None)).collect();
        assert_eq!(
            delays,
            [100, 200, 400, 800].map(Duration::from_millis).to_vec()
        );
        r.progressed();
        assert_eq!(r.next_delay(None), Some(Duration::from_millis(100)));
        // A small Retry-After is honoured; a long one ends the retries.
        assert_eq!(
            r.next_delay(Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(r.next_delay(Some(Duration::from_secs(3600))), None);
        let mut big = Retry {
            failures: 0,
            interruptions: 0,
            base: Duration::from_secs(8),
        };
        big.next_delay(None);
        assert_eq!(big.next_delay(None), Some(MAX_BACKOFF));
    }

    #[test]
    fn total_interruptions_are_bounded_even_with_progress() {
        let mut r = Retry {
            failures: 0,
            interruptions: 0,
            base: Duration::ZERO,
        };
        let mut n = 0;
        while r.next_delay(None).is_some() {
            r.progressed();
            n += 1;
        }
        assert_eq!(n, MAX_INTERRUPTIONS);
    }

    #[test]
    fn low_speed_is_bytes_per_seconds_or_zero() {
        assert_eq!(
            parse_low_speed("100/3"),
            Some(Some(LowSpeed {
                bytes: 100,
                window: Duration::from_secs(3)
            }))
        );
        assert_eq!(parse_low_speed(" 30720/30 "), Some(Some(DEFAULT_LOW_SPEED)));
        assert_eq!(parse_low_speed("0"), Some(None));
        for bad in [
            "",
            "fast",
            "100",
            "100/",
            "/3",
            "0/3",
            "100/0",
            "-1/3",
            "1/99999999",
            "1.5/3",
        ] {
            assert_eq!(parse_low_speed(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_body_under_the_low_speed_limit_fails_and_is_not_retried() {
        let limit = LowSpeed {
            bytes: 10,
            window: Duration::ZERO,
        };
        let mut reader = LowSpeedReader {
            inner: &b"abc"[..],
            limit,
            window_start: Instant::now(),
            in_window: 0,
        };
        let err = reader.read(&mut [0u8; 1]).unwrap_err();
        assert!(is_too_slow(&err), "{err}");
        let http = HttpError::Body {
            url: "http://m/x".into(),
            source: err,
        };
        assert!(!http.is_transient());
        // Fast enough: every window delivers its bytes.
        let mut reader = LowSpeedReader {
            inner: &[7u8; 64][..],
            limit: LowSpeed {
                bytes: 8,
                window: Duration::ZERO,
            },
            window_start: Instant::now(),
            in_window: 0,
        };
        assert_eq!(reader.read(&mut [0u8; 16]).unwrap(), 16);
    }

    #[test]
    fn credentials_never_appear_in_shown_urls() {
        assert_eq!(
            without_credentials("https://ci:s3cret@proxy.example/golang.org/toolchain/@v/list"),
            "https://proxy.example/golang.org/toolchain/@v/list"
        );
        assert_eq!(
            without_credentials("https://proxy.example/x"),
            "https://proxy.example/x"
        );
        let err = open("http://ci:s3cret@127.0.0.1:1/x", 0)
            .err()
            .expect("nothing listens on port 1");
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(e) = source {
            text.push_str(&e.to_string());
            source = e.source();
        }
        assert!(!text.contains("s3cret"), "{text}");
    }

    #[test]
    fn content_range_start_is_parsed() {
        assert_eq!(range_start("bytes 100-199/200"), Some(100));
        assert_eq!(range_start("bytes 0-0/*"), Some(0));
        assert_eq!(range_start("items 1-2/3"), None);
        assert_eq!(range_start(""), None);
    }

    #[test]
    fn file_urls_support_ranges() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f");
        std::fs::write(&path, b"0123456789").unwrap();
        let u = Url::from_file_path(&path).unwrap().to_string();
        let (mut body, answer) = open(&u, 4).unwrap();
        let mut s = String::new();
        body.read_to_string(&mut s).unwrap();
        assert_eq!((answer, s.as_str()), (Answer::Partial, "456789"));
        assert_eq!(open(&u, 10).unwrap().1, Answer::Unsatisfiable);
        assert_eq!(open(&u, 0).unwrap().1, Answer::Full);
    }
}
