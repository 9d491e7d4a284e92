//! What can go wrong with a request, told apart the way the retry policy and the user need:
//! transient or not, the server's fault or the network's, and a short cause for the message.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use reqwest::{StatusCode, Url};

use super::policy::is_too_slow;
use crate::env;

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
    #[error("{url} is larger than {limit} bytes")]
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

    pub(super) fn retry_after(&self) -> Option<Duration> {
        match self {
            HttpError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// `err` and every error behind it. `io::Error`s are opened rather than followed by `source()`,
/// which skips the error they wrap (rustls and the connector nest theirs inside them).
fn causes(err: &reqwest::Error) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    let first: &(dyn std::error::Error + 'static) = err;
    std::iter::successors(Some(first), |e| {
        match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        }
    })
}

/// Whether the connection was refused (an `ECONNREFUSED` somewhere in the chain).
fn is_refused(err: &reqwest::Error) -> bool {
    causes(err).any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::ConnectionRefused)
    })
}

/// Whether `err` failed because the server's certificate did not verify (unknown issuer, wrong
/// name, expired, …).
fn is_certificate_error(err: &reqwest::Error) -> bool {
    causes(err).any(|e| {
        matches!(
            e.downcast_ref::<rustls::Error>(),
            Some(rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented)
        )
    })
}

/// Why a request failed, in one line naming the host, when the cause is one a person knows
/// without reqwest's layers: refused, reset, timed out, unresolvable host, untrusted
/// certificate. `None` for anything else (a refused redirect, a protocol error), whose chain
/// is shown as it is.
///
/// The causes are found by walking the source chain: `io::Error`s (whose `source()` skips
/// the error they wrap, so they are opened instead), rustls' errors, and reqwest's own
/// `is_timeout`/`is_connect`.
pub(super) fn classify(err: &reqwest::Error, url: &Url) -> Option<String> {
    let host = url.host_str().unwrap_or("?");
    let host_port = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let mut io_kind = None;
    for e in causes(err) {
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
        if let Some(io) = e.downcast_ref::<io::Error>() {
            io_kind = io_kind.or(Some(io.kind()));
        }
    }
    let stall = super::policy::config().timeout;
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
pub(super) fn describe(err: &HttpError) -> String {
    let mut root = std::error::Error::source(err);
    while let Some(next) = root.and_then(|e| e.source()) {
        root = Some(next);
    }
    match root {
        Some(cause) => format!("{err}: {cause}"),
        None => err.to_string(),
    }
}
