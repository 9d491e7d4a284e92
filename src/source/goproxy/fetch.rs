//! The `goproxy` source of the install pipeline: the `golang.org/toolchain` module from
//! `GOPROXY` (versions from `@v/list`, the release as `@v/<version>.zip`), verified against the
//! checksum database named by `GOSUMDB`: the zip's `h1:` is computed while it is unpacked and
//! must equal the hash the database vouches for, or nothing is published.
//!
//! The zip comes from, in order: Go's own module cache (a toolchain `go` switched to earlier,
//! read in place), gover's download cache, then each proxy in turn. Wherever it comes from, it
//! is verified the same way.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::home::Home;
use crate::install::{Source, unpack};
use crate::output::progress::InstallProgress;
use crate::source::dist::{Access, Platform};
use crate::source::goproxy::config::GoEnv;
use crate::source::goproxy::{self, GoproxyError, MODULE, Proxies, Sumdb};
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
        if let Sumdb::Off { why } = &sumdb {
            if !access.allow_unverified {
                return Err(GoproxyError::Unverifiable { why: why.clone() }.into());
            }
            crate::output::warn_always(format_args!(
                "{why}: toolchains from GOPROXY will be installed UNVERIFIED \
                 (--allow-unverified)"
            ));
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

    fn cached_archive(&self, version: &GoVersion, (): &()) -> Option<PathBuf> {
        let module_version = goproxy::module_version(version, self.platform);
        Some(self.home.download_path(&zip_name(&module_version)))
    }

    fn fetch(&self, version: &GoVersion, (): (), staging: &Path) -> Result<(), Error> {
        let module_version = goproxy::module_version(version, self.platform);
        let prefix = format!("{MODULE}@{module_version}/");
        if self.access.offline {
            return Err(Error::Offline {
                what: format!("verifying {MODULE}@{module_version} needs the checksum database"),
                hint: "install it once while online".into(),
            });
        }
        let expected = self.expected_hash(&module_version)?;
        let check = |zip: &Path, shown: &str| -> Result<(), Error> {
            let actual = unpack_zip(self.home, version, zip, &prefix, staging)?;
            match &expected {
                Some(expected) if *expected != actual => Err(GoproxyError::Hash {
                    url: shown.to_string(),
                    expected: expected.clone(),
                    actual,
                }
                .into()),
                Some(_) => Ok(()),
                None => {
                    crate::output::warn_always(format_args!(
                        "Go {version} was installed UNVERIFIED (h1 of what was received: \
                         {actual})"
                    ));
                    Ok(())
                }
            }
        };

        // 1. Go's module cache: a toolchain `go` downloaded earlier. Not ours to delete.
        if let Some(zip) = self.in_mod_cache(&module_version) {
            match check(&zip, &zip.display().to_string()) {
                Ok(()) => {
                    crate::note!("Used Go's module cache {}", zip.display());
                    return Ok(());
                }
                Err(e) if e.exit_code() == crate::error::exit::FILESYSTEM => return Err(e),
                Err(e) => {
                    crate::output::warn(format_args!(
                        "{} is unusable ({e}); downloading it",
                        zip.display()
                    ));
                    crate::install::empty_dir(staging)?;
                }
            }
        }
        // 2. gover's download cache (only verified zips are kept there).
        let filename = zip_name(&module_version);
        let cached = self.home.download_path(&filename);
        if cached.is_file() && expected.is_some() {
            match check(&cached, &cached.display().to_string()) {
                Ok(()) => {
                    crate::note!("Used the cached download {}", cached.display());
                    return Ok(());
                }
                Err(e) if e.exit_code() == crate::error::exit::FILESYSTEM => return Err(e),
                Err(e) => {
                    crate::output::warn(format_args!(
                        "the cached {filename} is unusable ({e}); downloading it again"
                    ));
                    let _ = fs::remove_file(&cached);
                    crate::install::empty_dir(staging)?;
                }
            }
        }
        // 3. The proxies.
        let partial = self.home.partial_path(&filename);
        self.home.ensure_dir(&self.home.downloads_dir())?;
        let progress = InstallProgress::new(&version.to_string(), None);
        let bytes = progress.bytes.clone();
        let downloaded = self
            .proxies
            .download_zip(&module_version, &partial, &|n| bytes.inc(n));
        progress.finish();
        let url = downloaded?;
        let result = check(&partial, &url);
        if result.is_err() || expected.is_none() {
            let _ = fs::remove_file(&partial);
            return result;
        }
        fs::rename(&partial, &cached).map_err(Error::io("cannot store the download as", &cached))
    }
}

/// The newest release satisfying `request` that the proxies list for `platform`. An exact
/// release needs no listing (as with `go`, the download says whether it exists).
pub fn resolve(
    proxies: &Proxies,
    request: &VersionRequest,
    access: &Access,
    platform: Platform,
) -> Result<GoVersion, Error> {
    if let VersionRequest::Exact(v) = request {
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

/// The name of a toolchain zip in gover's download cache (as in Go's module cache).
fn zip_name(module_version: &str) -> String {
    format!("{module_version}.zip")
}

/// Unpack `zip` into `staging`, sharing files through the store like a tarball; returns the
/// `h1:` of its files (from the digests the store computed, not hashed again).
fn unpack_zip(
    home: &Home,
    version: &GoVersion,
    zip: &Path,
    prefix: &str,
    staging: &Path,
) -> Result<String, Error> {
    let unzip_err = |source| Error::Unzip {
        zip: zip.to_path_buf(),
        source,
    };
    let size = fs::metadata(zip)
        .map_err(|e| unzip_err(unpack::zip::ZipError::Read(e)))?
        .len();
    let options = unpack::Options::for_install(Some(size), home.store_dir())?;
    let progress = InstallProgress::new(&version.to_string(), None);
    let files = progress.files.clone();
    let unpacked = unpack::zip::unpack(zip, prefix, staging, &options, &|| files.inc(1));
    progress.finish();
    let hashes = unpacked.map_err(unzip_err)?;
    gover_sumdb::dirhash::hash1(hashes).map_err(|e| {
        unzip_err(unpack::zip::ZipError::Unsafe {
            entry: e.to_string(),
            reason: "a newline in the name",
        })
    })
}
