//! The `goproxy` source of the install pipeline: the `golang.org/toolchain` module from
//! `GOPROXY` (versions from `@v/list`, the release as `@v/<version>.zip`), verified against the
//! checksum database named by `GOSUMDB`: the zip's `h1:` is computed while it is unpacked and
//! must equal the hash the database vouches for, or nothing is published.
//!
//! This file only describes the zip ([`Archive`]); the install pipeline fetches it (Go's own
//! module cache, gover's download cache, then each proxy in turn), unpacks it and checks the
//! `h1:`, the same way wherever it comes from.

use std::path::PathBuf;

use crate::download::{MAX_MODULE_ZIP, Size};
use crate::error::Error;
use crate::home::Home;
use crate::source::dist::{Access, Platform};
use crate::source::goproxy::config::GoEnv;
use crate::source::goproxy::{self, GoproxyError, MODULE, Proxies, Sumdb};
use crate::source::{Archive, Check, Format, Source};
use crate::version::{GoVersion, VersionRequest};

pub struct Goproxy<'a> {
    home: &'a Home,
    access: &'a Access,
    env: GoEnv,
    proxies: Proxies,
    sumdb: Sumdb,
    platform: Platform,
}

impl<'a> Goproxy<'a> {
    /// The source as Go's settings describe it. With no checksum database in force
    /// (`GOSUMDB=off`, `GONOSUMDB`/`GOPRIVATE` matching the module) it refuses to install
    /// anything unless `--allow-unverified` was given.
    pub fn new(home: &'a Home, access: &'a Access) -> Result<Goproxy<'a>, Error> {
        let env = GoEnv::load();
        let proxies = Proxies::from_env(&env)?;
        let sumdb = Sumdb::from_env(&env)?;
        if let Sumdb::Off { why } = &sumdb
            && !access.allow_unverified
        {
            return Err(GoproxyError::Unverifiable { why: why.clone() }.into());
        }
        Ok(Goproxy {
            home,
            access,
            env,
            proxies,
            sumdb,
            platform: Platform::current(),
        })
    }

    /// The `h1:` the checksum database vouches for (`None` with verification off).
    fn expected_hash(&self, module_version: &str) -> Result<Option<String>, Error> {
        let Sumdb::On { key, url } = &self.sumdb else {
            return Ok(None);
        };
        let client = goproxy::sumdb_client(self.home, &self.proxies, key, url.as_deref())?;
        let hash =
            client
                .zip_hash(MODULE, module_version)
                .map_err(|source| GoproxyError::Sumdb {
                    module: MODULE.into(),
                    version: module_version.into(),
                    source: Box::new(source),
                })?;
        Ok(Some(hash))
    }

    /// `$GOMODCACHE/cache/download/golang.org/toolchain/@v/<version>.zip`, if there.
    fn in_mod_cache(&self, module_version: &str) -> Option<PathBuf> {
        let path = self
            .env
            .mod_cache()?
            .join("cache/download")
            .join(MODULE)
            .join("@v")
            .join(format!("{module_version}.zip"));
        path.is_file().then_some(path)
    }
}

impl Source for Goproxy<'_> {
    type Resolved = ();

    fn resolve(&self, request: &VersionRequest) -> Result<(GoVersion, ()), Error> {
        Ok((
            resolve(&self.proxies, request, self.access, self.platform)?,
            (),
        ))
    }

    /// The zip, verified by its `h1:` from the checksum database; found (after gover's
    /// download cache) in Go's own module cache (a toolchain `go` switched to earlier, read in
    /// place, not ours to delete), then on each proxy in turn, at most [`MAX_MODULE_ZIP`]
    /// bytes as Go allows.
    fn archive(&self, version: &GoVersion, (): ()) -> Result<Archive, Error> {
        let module_version = goproxy::module_version(version, self.platform);
        if self.access.offline {
            return Err(Error::Offline {
                what: format!("verifying {MODULE}@{module_version} needs the checksum database"),
                hint: "install it once while online".into(),
            });
        }
        let check = match (self.expected_hash(&module_version)?, &self.sumdb) {
            (Some(h1), _) => Check::H1(h1),
            (None, Sumdb::Off { why }) => Check::Unverified {
                why: format!("{why} (--allow-unverified)"),
            },
            (None, Sumdb::On { .. }) => unreachable!("a database in force always answers"),
        };
        let proxies = self.proxies.value().to_string();
        let not_found_version = module_version.clone();
        Ok(Archive {
            name: format!("{module_version}.zip"),
            format: Format::Zip {
                prefix: format!("{MODULE}@{module_version}/"),
            },
            check,
            size: Size::AtMost(MAX_MODULE_ZIP),
            elsewhere: self.in_mod_cache(&module_version).into_iter().collect(),
            candidates: self.proxies.zip_candidates(&module_version),
            not_found: Some(Box::new(move || {
                GoproxyError::NotFound {
                    module: MODULE.into(),
                    version: not_found_version.clone(),
                    proxies: proxies.clone(),
                }
                .into()
            })),
        })
    }
}

/// The newest release satisfying `request` that the proxies list for `platform`. An exact
/// release needs no listing (as with `go`, the download says whether it exists); a custom
/// build must be listed by one of the proxies: a name none knows is more likely a typo or the
/// wrong GOPROXY than a hidden build, and saying so beats a checksum database's not-found.
pub fn resolve(
    proxies: &Proxies,
    request: &VersionRequest,
    access: &Access,
    platform: Platform,
) -> Result<GoVersion, Error> {
    if let VersionRequest::Exact(v) = request {
        if !v.is_release() && !access.offline {
            proxies.lists(v, platform)?;
        }
        return Ok(v.clone());
    }
    if access.offline {
        return Err(Error::Offline {
            what: format!("resolving `{request}` needs GOPROXY's version list"),
            hint: "name an exact release".into(),
        });
    }
    let (versions, url) = proxies.list(platform)?;
    let version = request
        .best_match(&versions)
        .cloned()
        .ok_or_else(|| GoproxyError::NoMatch {
            request: request.to_string(),
            url,
        })?;
    Ok(version)
}
