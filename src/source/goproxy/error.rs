//! What can go wrong on the proxy side: the GOPROXY list, a proxy's answers, the checksum
//! database, a mirror in the GOPROXY layout. Each error has its exit code and a hint.

use std::path::PathBuf;

use crate::http::HttpError;

use super::MODULE;

#[derive(Debug, thiserror::Error)]
pub enum GoproxyError {
    #[error("GOPROXY={value} names no proxy to download toolchains from")]
    NoProxy { value: String },
    #[error("cannot fetch {url}")]
    Http {
        url: String,
        #[source]
        source: HttpError,
    },
    #[error("{url} is larger than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{module}@{version} is not on any proxy in GOPROXY={proxies}")]
    NotFound {
        module: String,
        version: String,
        proxies: String,
    },
    #[error("GOSUMDB=`{value}` is not valid: {reason}")]
    BadSumdb { value: String, reason: String },
    #[error("checksum verification is off for {MODULE} ({why})")]
    Unverifiable { why: String },
    #[error("the checksum database refused {module}@{version}")]
    Sumdb {
        module: String,
        version: String,
        #[source]
        source: Box<gover_sumdb::SumdbError>,
    },
    #[error(
        "h1 mismatch for {url}: the checksum database says {expected}, the zip hashes to {actual}"
    )]
    Hash {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no Go release matches `{request}` in {url}")]
    NoMatch { request: String, url: String },
    #[error("{what} in {} does not match the checksum database: expected {expected}, got {actual}", path.display())]
    Mirrored {
        what: &'static str,
        path: PathBuf,
        expected: String,
        actual: String,
    },
    #[error("--layout goproxy mirrors byte-identical module zips, which only a module proxy has")]
    LayoutNeedsProxy,
    #[error("no proxy lists the custom toolchain go{name} ({MODULE}@{module_version}): {url}")]
    NotListed {
        name: String,
        module_version: String,
        url: String,
    },
    #[error("Go {name} is a custom toolchain build, which only a module proxy serves")]
    CustomNeedsProxy { name: String },
}

impl GoproxyError {
    pub fn exit_code(&self) -> u8 {
        use crate::exit::*;
        match self {
            GoproxyError::NoProxy { .. } | GoproxyError::BadSumdb { .. } => USAGE,
            GoproxyError::Http { .. } | GoproxyError::TooLarge { .. } => NETWORK,
            GoproxyError::NotFound { .. }
            | GoproxyError::NoMatch { .. }
            | GoproxyError::NotListed { .. }
            | GoproxyError::CustomNeedsProxy { .. } => NO_MATCH,
            GoproxyError::Sumdb { source, .. } => match **source {
                gover_sumdb::SumdbError::Fetch { .. } => NETWORK,
                gover_sumdb::SumdbError::NotFound { .. } => NO_MATCH,
                gover_sumdb::SumdbError::Store { .. } => FILESYSTEM,
                _ => VERIFY,
            },
            GoproxyError::Unverifiable { .. }
            | GoproxyError::Hash { .. }
            | GoproxyError::Mirrored { .. } => VERIFY,
            GoproxyError::LayoutNeedsProxy => USAGE,
            GoproxyError::Write { .. } => FILESYSTEM,
        }
    }

    pub fn hint(&self) -> Option<String> {
        Some(match self {
            GoproxyError::NoProxy { .. } => "set GOPROXY to a module proxy URL, e.g. \
                https://proxy.golang.org or https://goproxy.cn (direct cannot serve toolchains)"
                .into(),
            GoproxyError::Http { source, .. } => source
                .hint()
                .unwrap_or_else(|| "check GOPROXY and your network".into()),
            GoproxyError::TooLarge { .. } => "the proxy is misbehaving; try another".into(),
            GoproxyError::NotFound { .. } | GoproxyError::NoMatch { .. } => {
                "`gover list --remote --source proxy` shows what the proxy has".into()
            }
            GoproxyError::BadSumdb { .. } => {
                "GOSUMDB is `off`, `name`, `name+key` or `name+key URL` (see `go help module-auth`)"
                    .into()
            }
            GoproxyError::Unverifiable { .. } => "toolchains are always verified (by `go` too); \
                unset GOSUMDB=off / take golang.org/toolchain out of GONOSUMDB and GOPRIVATE, or \
                pass --allow-unverified to install without verification"
                .into(),
            GoproxyError::Sumdb { source, .. } => source.hint().unwrap_or_else(|| match **source {
                gover_sumdb::SumdbError::Fetch { .. } => "check your network, GOSUMDB's URL, \
                    and whether the proxy serves the database (<proxy>/sumdb/<name>/supported)"
                    .into(),
                _ => "check GOSUMDB (its key and URL) and that the proxy serves the same \
                      database; nothing was installed"
                    .into(),
            }),
            GoproxyError::Hash { .. } => "the proxy (or the module cache) served a zip other \
                than the one the checksum database vouches for; nothing was installed"
                .into(),
            GoproxyError::Write { .. } => {
                "check free space and permissions under GOVER_HOME".into()
            }
            GoproxyError::Mirrored { .. } => "the proxy served other bytes than the checksum \
                database vouches for; nothing was added to the mirror"
                .into(),
            GoproxyError::NotListed { .. } => "check the name (the `toolchain` line of go.mod), \
                and that GOPROXY names the proxy that publishes your builds; `gover list --remote \
                --source proxy` shows what it lists"
                .into(),
            GoproxyError::CustomNeedsProxy { .. } => "install it from the GOPROXY that \
                publishes it: --source proxy (or GOVER_SOURCE=proxy)"
                .into(),
            GoproxyError::LayoutNeedsProxy => "drop --source dist (`--layout goproxy` always \
                fetches from GOPROXY)"
                .into(),
        })
    }
}

impl GoproxyError {
    /// Whether the proxy does not have the file (404 or 410, or a missing `file://` path).
    /// What makes `go` try the next proxy of a `,` list: the proxy does not have it (a 404 or
    /// 410, or a list without the custom build asked for).
    pub fn is_not_found(&self) -> bool {
        match self {
            GoproxyError::Http { source, .. } => source.is_not_found(),
            GoproxyError::NotListed { .. } => true,
            _ => false,
        }
    }
}
