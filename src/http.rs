//! Fetching bytes from `https://`, `http://` and `file://` URLs as a stream.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;
use std::time::Duration;

use reqwest::Url;

/// How long one connect or one read may stall before the transfer fails.
const STALL_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("`{url}` is not a valid URL")]
    BadUrl { url: String },
    #[error("unsupported URL scheme in {url} (use https://, http:// or file://)")]
    Scheme { url: String },
    #[error("request to {url} failed")]
    Request {
        url: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{url} answered HTTP {status}")]
    Status {
        url: String,
        status: reqwest::StatusCode,
    },
    #[error("cannot read {}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("reading {url} failed")]
    Body {
        url: String,
        #[source]
        source: io::Error,
    },
}

impl HttpError {
    pub fn hint(&self) -> Option<String> {
        match self {
            HttpError::Request { .. } | HttpError::Body { .. } => Some(
                "check your network connection and proxy settings (HTTPS_PROXY, NO_PROXY)".into(),
            ),
            HttpError::Status { status, .. } if status.as_u16() == 404 => {
                Some("the mirror does not have this file; try another mirror".into())
            }
            HttpError::Status { .. } => Some("the server failed; try again later".into()),
            HttpError::BadUrl { .. } | HttpError::Scheme { .. } => Some(format!(
                "check {} and {}",
                crate::env::GOVER_INDEX_URL,
                crate::env::GOVER_DIST_URL
            )),
            HttpError::File { .. } => None,
        }
    }
}

/// A response body being streamed.
pub struct Body {
    inner: Box<dyn Read + Send>,
    /// The length the server announced, if any.
    pub len: Option<u64>,
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

/// Open `url` for reading.
pub fn get(url: &str) -> Result<Body, HttpError> {
    let parsed = Url::parse(url).map_err(|_| HttpError::BadUrl {
        url: url.to_string(),
    })?;
    match parsed.scheme() {
        "file" => {
            let path = parsed.to_file_path().map_err(|_| HttpError::BadUrl {
                url: url.to_string(),
            })?;
            let file = File::open(&path).map_err(|source| HttpError::File {
                path: path.clone(),
                source,
            })?;
            let len = file.metadata().ok().map(|m| m.len());
            Ok(Body {
                inner: Box::new(file),
                len,
            })
        }
        "http" | "https" => {
            let request_err = |source| HttpError::Request {
                url: url.to_string(),
                source,
            };
            let response = client()
                .map_err(request_err)?
                .get(parsed)
                .send()
                .map_err(request_err)?;
            let status = response.status();
            if !status.is_success() {
                return Err(HttpError::Status {
                    url: url.to_string(),
                    status,
                });
            }
            let len = response.content_length();
            Ok(Body {
                inner: Box::new(response),
                len,
            })
        }
        _ => Err(HttpError::Scheme {
            url: url.to_string(),
        }),
    }
}

/// Fetch `url` whole (for small documents such as the index).
pub fn get_bytes(url: &str) -> Result<Vec<u8>, HttpError> {
    let mut body = get(url)?;
    let mut bytes = Vec::new();
    body.read_to_end(&mut bytes)
        .map_err(|source| HttpError::Body {
            url: url.to_string(),
            source,
        })?;
    Ok(bytes)
}

fn client() -> reqwest::Result<reqwest::blocking::Client> {
    reqwest::blocking::Client::builder()
        .user_agent(concat!("gover/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(STALL_TIMEOUT)
        .timeout(STALL_TIMEOUT)
        .build()
}
