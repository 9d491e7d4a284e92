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
//!
//! Files: this one opens and reads (`file://` and `http(s)://`); `policy.rs` holds the
//! transport policy and the one client per process, `retry.rs` the retry policy, `error.rs`
//! what can go wrong and how it is told apart.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_RANGE, RANGE, RETRY_AFTER};
use reqwest::{StatusCode, Url};

mod error;
mod policy;
mod retry;

pub use error::HttpError;
pub use policy::{Config, configure, trusted_for_index};
pub use retry::Retry;

use error::classify;
use policy::{LowSpeedReader, client};

/// The largest release index read (go.dev's full index is about 3 MB).
pub const MAX_INDEX_BYTES: u64 = 64 << 20;

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

/// A small body (a list, a checksum file, a signed note) read whole, retrying transient
/// failures; more than `limit` bytes is [`HttpError::TooLarge`].
pub fn get_whole(url: &str, limit: u64) -> Result<Vec<u8>, HttpError> {
    fetch_whole(url, false, limit)
}

/// `url` read whole, up to `limit` bytes: a longer body is an error that no retry can fix
/// (an endless body must not grow memory until the allocator gives up).
fn fetch_whole(url: &str, strict: bool, limit: u64) -> Result<Vec<u8>, HttpError> {
    let mut retry = Retry::new();
    let shown = without_credentials(url);
    let too_large = || HttpError::TooLarge {
        url: shown.clone(),
        limit,
    };
    loop {
        let attempt = open_with(url, 0, strict).and_then(|(body, _)| {
            if body.len.is_some_and(|len| len > limit) {
                return Err(too_large());
            }
            let mut bytes = Vec::new();
            body.take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|source| HttpError::Body {
                    url: shown.clone(),
                    source,
                })?;
            if bytes.len() as u64 > limit {
                return Err(too_large());
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
    // Read when the command starts (`crate::settings`), whatever the source.
    let inner: Box<dyn Read + Send> = match policy::config().low_speed {
        Some(limit) => Box::new(LowSpeedReader::new(response, limit)),
        None => Box::new(response),
    };
    Ok((Body { inner, len }, answer))
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

#[cfg(test)]
mod tests {
    use super::policy::*;
    use super::retry::*;
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
