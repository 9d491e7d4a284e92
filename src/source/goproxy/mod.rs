//! The module-proxy side of Go's toolchain distribution: the `golang.org/toolchain` module's
//! version names, fetching `@v/` files through a `GOPROXY` list with Go's fall-through rules,
//! and reaching the checksum database (directly, or through a proxy's `/sumdb/<name>/`), with
//! its latest verified tree head kept under `GOVER_HOME/sumdb/<name>/latest`.
//!
//! Verification itself is [`gover_sumdb`]'s; the install source is [`crate::source::goproxy::fetch`].

pub mod config;
pub mod error;
pub mod fetch;

pub use error::GoproxyError;

use crate::home::Home;
use crate::http::{self, HttpError};
use crate::source::dist::platform::Platform;
use crate::version::GoVersion;
use config::{FallBack, GoEnv, ProxyEntry, ProxyList, SumdbSetting};

/// The module Go's toolchains are published as.
pub const MODULE: &str = "golang.org/toolchain";

/// `@v/list`, `.info` and `.mod` are small; anything bigger is refused.
const MAX_SMALL_FILE: u64 = 4 << 20;
/// A sumdb answer (note, lookup record, tile) is small; anything bigger is refused.
const MAX_SUMDB_FILE: u64 = 1 << 20;

/// `v0.0.1-go1.22.5.linux-amd64` for Go 1.22.5 on `platform`.
pub fn module_version(v: &GoVersion, platform: Platform) -> String {
    format!("v0.0.1-{}.{}", v.go_name(), module_platform(platform))
}

/// The release a module version of this platform names (`None` for other platforms and
/// anything that is not a toolchain version).
pub fn release_of(module_version: &str, platform: Platform) -> Option<GoVersion> {
    let rest = module_version.strip_prefix("v0.0.1-go")?;
    let name = rest.strip_suffix(&format!(".{}", module_platform(platform)))?;
    GoVersion::parse(name).ok()
}

/// `<GOOS>-<GOARCH>` as module versions spell it: plain GOARCH, so 32-bit ARM is `arm`, not the
/// `armv6l` of archive names.
fn module_platform(platform: Platform) -> String {
    let arch = match platform.arch {
        "armv6l" => "arm",
        arch => arch,
    };
    format!("{}-{arch}", platform.os)
}

/// Read a whole small body, refusing more than `limit` bytes.
fn get_small(url: &str, limit: u64) -> Result<Vec<u8>, GoproxyError> {
    http::get_whole(&with_netrc(url), limit).map_err(|source| match source {
        HttpError::TooLarge { url, limit } => GoproxyError::TooLarge { url, limit },
        source => GoproxyError::Http {
            url: http::without_credentials(url),
            source,
        },
    })
}

/// `url` with netrc credentials for its host, as `go` sends them (basic auth, and only over
/// https: a password is never sent in the clear), unless it already carries some. When a
/// credential is skipped because the URL is plain http, gover says so (once per host).
/// [`http`] never shows credentials in a message.
fn with_netrc(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    if !parsed.username().is_empty() || !matches!(parsed.scheme(), "http" | "https") {
        return url.to_string();
    }
    let Some(host) = parsed.host_str().map(str::to_string) else {
        return url.to_string();
    };
    let Some((login, password)) = config::netrc_credentials(&host) else {
        return url.to_string();
    };
    if parsed.scheme() != "https" {
        static WARNED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
        if !warned.contains(&host) {
            crate::output::warn(format_args!(
                "not sending the .netrc credentials for {host} over plain http (as `go`, \
                 gover sends them only over https)"
            ));
            warned.push(host);
        }
        return url.to_string();
    }
    let _ = parsed.set_username(&login);
    let _ = parsed.set_password(Some(&password));
    parsed.to_string()
}

fn is_not_found(e: &GoproxyError) -> bool {
    e.is_not_found()
}

/// The toolchain versions for `platform` that the proxy at `base` lists, and the list's URL.
fn list_at(base: &str, platform: Platform) -> Result<(Vec<GoVersion>, String), GoproxyError> {
    let url = format!("{base}/{MODULE}/@v/list");
    let bytes = get_small(&url, MAX_SMALL_FILE)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut versions: Vec<GoVersion> = text
        .lines()
        .filter_map(|line| release_of(line.trim(), platform))
        .collect();
    versions.sort();
    versions.dedup();
    Ok((versions, url))
}

/// The proxies of a `GOPROXY` list that can serve toolchains, with the rule for falling
/// through to the next; `direct` is skipped with a note, `off` ends the list.
pub struct Proxies {
    value: String,
    urls: Vec<(String, FallBack)>,
}

impl Proxies {
    pub fn from_env(env: &GoEnv) -> Result<Proxies, GoproxyError> {
        let (list, _) = env.proxies();
        let value = env
            .get(config::GOPROXY)
            .map(|(v, _)| v)
            .unwrap_or_else(|| config::DEFAULT_GOPROXY.to_string());
        Proxies::new(&value, &list)
    }

    pub fn new(value: &str, list: &ProxyList) -> Result<Proxies, GoproxyError> {
        let mut urls = Vec::new();
        for entry in &list.0 {
            match entry {
                ProxyEntry::Url { url, fall_back } => urls.push((url.clone(), *fall_back)),
                ProxyEntry::Direct => {
                    crate::note!(
                        "note: GOPROXY's `direct` cannot serve toolchains (they exist only as \
                         module zips on proxies); skipping it"
                    );
                }
                ProxyEntry::Off => break,
            }
        }
        // Shown in messages: without any credentials a URL carries.
        let value: String = value
            .split_inclusive([',', '|'])
            .map(|part| {
                let (entry, sep) = match part.strip_suffix([',', '|']) {
                    Some(entry) => (entry, &part[entry.len()..]),
                    None => (part, ""),
                };
                format!("{}{sep}", http::without_credentials(entry.trim()))
            })
            .collect();
        if urls.is_empty() {
            return Err(GoproxyError::NoProxy { value });
        }
        Ok(Proxies { value, urls })
    }

    pub fn urls(&self) -> impl Iterator<Item = &str> {
        self.urls.iter().map(|(u, _)| u.as_str())
    }

    /// Run `attempt` on each proxy in turn, as `go` does: the next proxy is tried after a
    /// not-found (`,`) or after any error (`|`).
    pub fn try_each<T>(
        &self,
        mut attempt: impl FnMut(&str) -> Result<T, GoproxyError>,
    ) -> Result<T, GoproxyError> {
        let mut last = None;
        for (url, fall_back) in &self.urls {
            match attempt(url) {
                Ok(v) => return Ok(v),
                Err(e) if is_not_found(&e) || *fall_back == FallBack::OnAnyFault => {
                    last = Some(e);
                }
                Err(e) => return Err(e),
            }
        }
        Err(last.expect("at least one proxy"))
    }

    /// The raw `GOPROXY` value, for messages.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The toolchain versions for `platform` the first answering proxy lists, and its URL.
    pub fn list(&self, platform: Platform) -> Result<(Vec<GoVersion>, String), GoproxyError> {
        self.try_each(|base| list_at(base, platform))
    }

    /// Whether a proxy lists the custom build `version` for `platform`. A proxy whose list
    /// lacks it is passed over as a zip fetch passes over one without the zip (GOPROXY's `,`
    /// and `|`), so a company proxy after proxy.golang.org is reached; when none lists it,
    /// [`GoproxyError::NotListed`] names the last list read.
    pub fn lists(&self, version: &GoVersion, platform: Platform) -> Result<(), GoproxyError> {
        self.try_each(|base| {
            let (versions, url) = list_at(base, platform)?;
            match versions.contains(version) {
                true => Ok(()),
                false => Err(GoproxyError::NotListed {
                    name: version.to_string(),
                    module_version: module_version(version, platform),
                    url,
                }),
            }
        })
    }

    /// `@v/<version>.<ext>` of the toolchain module from the first proxy that has it.
    pub fn get_small(&self, version: &str, ext: &str) -> Result<Vec<u8>, GoproxyError> {
        self.try_each(|base| get_small(&zip_url(base, version, ext), MAX_SMALL_FILE))
    }

    /// Where `@v/<version>.zip` may be fetched, in `GOPROXY`'s order with its fall-through
    /// rules, each URL carrying the proxy's `.netrc` credentials where `go` would send them.
    pub fn zip_candidates(&self, version: &str) -> Vec<crate::source::candidate::Candidate> {
        self.urls
            .iter()
            .map(|(base, fall_back)| crate::source::candidate::Candidate {
                url: with_netrc(&zip_url(base, version, "zip")),
                fall_back: *fall_back,
            })
            .collect()
    }
}

/// `<proxy>/golang.org/toolchain/@v/<version>.<ext>`.
pub fn zip_url(base: &str, version: &str, ext: &str) -> String {
    format!("{base}/{MODULE}/@v/{version}.{ext}")
}

/// The checksum database in force for the toolchain module, or why there is none.
pub enum Sumdb {
    /// `url`: the one given in `GOSUMDB`, if any (see [`SumdbFetch::new`]).
    On { key: String, url: Option<String> },
    /// `GOSUMDB=off`, or the module matched by `GONOSUMDB`/`GOPRIVATE`.
    Off { why: String },
}

impl Sumdb {
    pub fn from_env(env: &GoEnv) -> Result<Sumdb, GoproxyError> {
        let value = env
            .get(config::GOSUMDB)
            .map(|(v, _)| v)
            .unwrap_or_else(|| config::DEFAULT_GOSUMDB.into());
        let setting = SumdbSetting::parse(&value).map_err(|reason| GoproxyError::BadSumdb {
            value: value.clone(),
            reason,
        })?;
        if let Some(why) = env.no_sumdb(MODULE) {
            return Ok(Sumdb::Off { why });
        }
        Ok(match setting {
            SumdbSetting::Off => Sumdb::Off {
                why: "GOSUMDB=off".into(),
            },
            SumdbSetting::On { key, url } => Sumdb::On { key, url },
        })
    }
}

/// [`gover_sumdb::Fetch`] over HTTP: `<base>/<path>`, where `base` is the database's URL or a
/// proxy's `<proxy>/sumdb/<name>` (chosen by [`SumdbFetch::new`] the way `go` does).
pub struct SumdbFetch {
    base: String,
}

impl SumdbFetch {
    /// Like `go` (cmd/go/internal/modfetch/sumdb.go): a URL given in `GOSUMDB` is used as is,
    /// bypassing the proxies. Otherwise each proxy in turn is asked
    /// `<proxy>/sumdb/<name>/supported`; the first that answers 200 serves the database. A
    /// not-found moves on (as does any error after `|`); with no proxy left, the database is
    /// reached at `https://<name>`.
    pub fn new(
        proxies: &Proxies,
        name: &str,
        explicit_url: Option<&str>,
    ) -> Result<SumdbFetch, GoproxyError> {
        if let Some(url) = explicit_url {
            return Ok(SumdbFetch {
                base: url.trim_end_matches('/').to_string(),
            });
        }
        for (base, fall_back) in &proxies.urls {
            let proxied = format!("{base}/sumdb/{name}");
            match get_small(&format!("{proxied}/supported"), MAX_SUMDB_FILE) {
                Ok(_) => return Ok(SumdbFetch { base: proxied }),
                Err(e) if is_not_found(&e) || *fall_back == FallBack::OnAnyFault => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(SumdbFetch {
            base: format!("https://{name}"),
        })
    }

    pub fn base(&self) -> &str {
        &self.base
    }
}

impl gover_sumdb::Fetch for SumdbFetch {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, gover_sumdb::FetchError> {
        let url = format!("{}/{path}", self.base);
        get_small(&url, MAX_SUMDB_FILE).map_err(|e| {
            if is_not_found(&e) {
                gover_sumdb::FetchError::not_found(url, e)
            } else {
                gover_sumdb::FetchError::new(url, e)
            }
        })
    }
}

/// The store of verified tree heads: `GOVER_HOME/sumdb/<name>/latest`, replaced atomically.
pub fn sumdb_store(home: &Home) -> gover_sumdb::FileStore {
    gover_sumdb::FileStore::new(home.root().join("sumdb"))
}

/// A checksum-database client as [`Sumdb::On`] describes it.
pub type SumdbClient = gover_sumdb::Client<SumdbFetch, gover_sumdb::FileStore>;

/// The client for the database in `key` (reached as [`SumdbFetch::new`] decides).
pub fn sumdb_client(
    home: &Home,
    proxies: &Proxies,
    key: &str,
    url: Option<&str>,
) -> Result<SumdbClient, GoproxyError> {
    let name = key.split('+').next().unwrap_or_default();
    let fetch = SumdbFetch::new(proxies, name, url)?;
    gover_sumdb::Client::new(key, fetch, sumdb_store(home)).map_err(|source| GoproxyError::Sumdb {
        module: MODULE.into(),
        version: String::new(),
        source: Box::new(source),
    })
}

/// The `h1:` hashes the database vouches for: the zip's and the go.mod's.
pub struct Vouched {
    pub zip: String,
    pub go_mod: String,
}

/// Look `module_version` of the toolchain module up, verified.
pub fn vouched(client: &SumdbClient, module_version: &str) -> Result<Vouched, GoproxyError> {
    let sumdb_err = |source| GoproxyError::Sumdb {
        module: MODULE.into(),
        version: module_version.into(),
        source: Box::new(source),
    };
    let lines = client.lookup(MODULE, module_version).map_err(sumdb_err)?;
    let hash_of = |version: &str| {
        lines.iter().find_map(|line| {
            let mut fields = line.split_whitespace();
            (fields.next() == Some(MODULE) && fields.next() == Some(version))
                .then(|| fields.next().map(str::to_string))
                .flatten()
        })
    };
    let zip = client.zip_hash(MODULE, module_version).map_err(sumdb_err)?;
    let go_mod = hash_of(&format!("{module_version}/go.mod")).unwrap_or_default();
    Ok(Vouched { zip, go_mod })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_lists_are_shown_without_credentials() {
        let value = "https://ci:s3cret@a.example,direct|https://b.example";
        let proxies = Proxies::new(value, &ProxyList::parse(value)).unwrap();
        assert_eq!(
            proxies.value(),
            "https://a.example/,direct|https://b.example"
        );
        assert_eq!(
            proxies.urls().collect::<Vec<_>>(),
            ["https://ci:s3cret@a.example", "https://b.example"]
        );
    }

    #[test]
    fn toolchain_module_versions_round_trip_for_this_platform_only() {
        let p = Platform {
            os: "linux",
            arch: "amd64",
        };
        let v = GoVersion::parse("1.22.5").unwrap();
        assert_eq!(module_version(&v, p), "v0.0.1-go1.22.5.linux-amd64");
        assert_eq!(
            release_of("v0.0.1-go1.22.5.linux-amd64", p),
            Some(v.clone())
        );
        assert_eq!(
            release_of("v0.0.1-go1.23rc1.linux-amd64", p),
            Some(GoVersion::parse("1.23rc1").unwrap())
        );
        assert_eq!(release_of("v0.0.1-go1.22.5.linux-arm64", p), None);
        assert_eq!(release_of("v0.0.1-go1.22.5.linux-amd64x", p), None);
        assert_eq!(release_of("v0.0.2-go1.22.5.linux-amd64", p), None);
        let arm = Platform {
            os: "linux",
            arch: "armv6l",
        };
        assert_eq!(module_version(&v, arm), "v0.0.1-go1.22.5.linux-arm");
    }

    /// See: issue 25 item 3.
    #[test]
    fn custom_builds_are_module_versions_of_their_own() {
        let p = Platform {
            os: "linux",
            arch: "amd64",
        };
        let corp = GoVersion::parse("1.21.13-bigcorp").unwrap();
        assert_eq!(
            module_version(&corp, p),
            "v0.0.1-go1.21.13-bigcorp.linux-amd64"
        );
        assert_eq!(
            release_of("v0.0.1-go1.21.13-bigcorp.linux-amd64", p),
            Some(corp)
        );
        assert_eq!(release_of("v0.0.1-go1.21.13-bigcorp.linux-arm64", p), None);
        for hostile in [
            "v0.0.1-go1.21.13-../../x.linux-amd64",
            "v0.0.1-go1.21.13-a/b.linux-amd64",
            "v0.0.1-go1.21.13-Big.linux-amd64",
            "v0.0.1-go1.21.13-a\u{7}.linux-amd64",
        ] {
            assert_eq!(release_of(hostile, p), None, "{hostile}");
        }
    }
}
