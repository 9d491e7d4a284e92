//! The transport policy: timeouts, the low-speed limit, proxies, redirects, which URLs the
//! index may come from, and the one HTTP client each process builds (per trust level) and
//! reuses for every request.

use std::io::{self, Read};
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use reqwest::Url;

use crate::env;

/// Default for [`env::GOVER_HTTP_TIMEOUT`].
pub(super) const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// Redirects followed before giving up.
pub(super) const MAX_REDIRECTS: usize = 10;
/// The hosts a plain-http request never reaches through a proxy, added to the user's `NO_PROXY`.
pub(super) const LOOPBACK_NO_PROXY: &str = "localhost,127.0.0.0/8,::1";

/// The transport settings of a run, read once when the command starts
/// ([`crate::settings::Settings`]) and handed to [`configure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long a connect, or a read mid-transfer, may stall (`GOVER_HTTP_TIMEOUT`).
    pub timeout: Duration,
    /// The low-speed limit (`GOVER_HTTP_LOW_SPEED`); `None` when turned off.
    pub low_speed: Option<LowSpeed>,
    /// The first retry delay (`GOVER_RETRY_BASE_MS`).
    pub retry_base: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            low_speed: Some(DEFAULT_LOW_SPEED),
            retry_base: Duration::from_millis(super::retry::DEFAULT_RETRY_BASE_MS),
        }
    }
}

impl Config {
    /// Read and check the three settings.
    pub fn from_env() -> Result<Config, env::BadSetting> {
        Ok(Config {
            timeout: timeout()?,
            low_speed: low_speed()?,
            retry_base: super::retry::retry_base()?,
        })
    }
}

static CONFIG: OnceLock<Config> = OnceLock::new();

/// Set this run's transport settings, once, before the first request (later calls are
/// ignored: the client is built from the first).
pub fn configure(config: Config) {
    let _ = CONFIG.set(config);
}

/// The transport settings in force: what [`configure`] set, else the defaults.
pub(super) fn config() -> &'static Config {
    CONFIG.get_or_init(Config::default)
}

/// `GOVER_HTTP_TIMEOUT`, seconds.
fn timeout() -> Result<Duration, env::BadSetting> {
    let secs = env::number(
        env::GOVER_HTTP_TIMEOUT,
        1..=86_400,
        "a whole number of seconds from 1 to 86400",
    )?;
    Ok(Duration::from_secs(secs.unwrap_or(DEFAULT_TIMEOUT_SECS)))
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

/// `GOVER_HTTP_LOW_SPEED`; `Ok(None)` when turned off (`0`).
fn low_speed() -> Result<Option<LowSpeed>, env::BadSetting> {
    match env::var(env::GOVER_HTTP_LOW_SPEED) {
        None => Ok(Some(DEFAULT_LOW_SPEED)),
        Some(value) => parse_low_speed(&value).ok_or_else(|| env::BadSetting {
            name: env::GOVER_HTTP_LOW_SPEED,
            value: crate::output::text::printable(&value),
            expected: "BYTES/SECONDS, e.g. 30720/30 (fail a transfer that delivers fewer bytes \
                       in that many seconds), or 0 for no limit",
        }),
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

pub(super) fn is_too_slow(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<TooSlow>())
}

/// A body that fails once a whole window passes with fewer bytes than the limit. Checked as
/// each read returns; a read blocks at most the stall timeout, which bounds the wait.
pub(super) struct LowSpeedReader<R> {
    pub(super) inner: R,
    pub(super) limit: LowSpeed,
    pub(super) window_start: Instant,
    pub(super) in_window: u64,
}

impl<R> LowSpeedReader<R> {
    pub(super) fn new(inner: R, limit: LowSpeed) -> LowSpeedReader<R> {
        LowSpeedReader {
            inner,
            limit,
            window_start: Instant::now(),
            in_window: 0,
        }
    }
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

/// `https://`, `file://`, or `http://` to a loopback host.
pub fn trusted_for_index(url: &Url) -> bool {
    match url.scheme() {
        "https" | "file" => true,
        "http" => is_loopback(url),
        _ => false,
    }
}

pub(super) fn is_loopback(url: &Url) -> bool {
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

/// The proxies of the environment, as reqwest would read them (lowercase first; `HTTP_PROXY`
/// not under CGI, where a client controls it), each bypassed for `NO_PROXY`; plain-http
/// requests to loopback also bypass them (https needs no such care: TLS checks the server
/// end to end, through a proxy or not).
pub(super) fn proxies() -> reqwest::Result<Vec<reqwest::Proxy>> {
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

/// The client for `strict` (index) or ordinary requests: built on first use, then reused, so
/// connection setup, the proxy environment and the root certificates are read once per run.
pub fn client(strict: bool) -> reqwest::Result<reqwest::blocking::Client> {
    static CLIENTS: [OnceLock<reqwest::blocking::Client>; 2] = [OnceLock::new(), OnceLock::new()];
    let slot = &CLIENTS[usize::from(strict)];
    if let Some(client) = slot.get() {
        return Ok(client.clone());
    }
    let client = crate::interrupt::with_sigint_blocked(|| build_client(strict))?;
    Ok(slot.get_or_init(|| client).clone())
}

fn build_client(strict: bool) -> reqwest::Result<reqwest::blocking::Client> {
    let stall = config().timeout;
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
