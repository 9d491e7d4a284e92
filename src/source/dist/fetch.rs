//! The `dist` source of the install pipeline: go.dev's index (or a mirror's) resolves a
//! request, and names the tarball, its size and its sha256. The pipeline fetches it (gover's
//! download cache, then each mirror in turn), hashing and unpacking it in one pass.

use crate::download::Size;
use crate::error::Error;
use crate::home::Home;
use crate::install::unpack::bounds::UNVERIFIED_ARCHIVE;
use crate::source::dist::{self, Access, ArchiveFile, IndexError, Platform, cache};
use crate::source::{Archive, Check, Format, Source};
use crate::version::{GoVersion, VersionRequest};

/// go.dev's distribution (or a mirror of it).
pub struct Dist<'a> {
    pub home: &'a Home,
    pub access: &'a Access,
}

/// The archive to fetch: its index entry, or (`--allow-unverified` only) its name and why
/// nothing can check it: no index at all, or an index entry go.dev publishes no checksum for.
pub enum Resolved {
    Verified(ArchiveFile),
    Unverified { filename: String, why: String },
}

impl Source for Dist<'_> {
    type Resolved = Resolved;

    fn resolve(&self, request: &VersionRequest) -> Result<(GoVersion, Resolved), Error> {
        let (home, access) = (self.home, self.access);
        // go.dev publishes no custom builds (`go1.21.1-bigcorp`): only a GOPROXY serves them.
        if let VersionRequest::Exact(v) = request
            && !v.is_release()
        {
            return Err(crate::source::goproxy::GoproxyError::CustomNeedsProxy {
                name: request.to_string(),
            }
            .into());
        }
        let Some(mut loaded) = cache::load(home, access, false)? else {
            return resolve_unverified(request);
        };
        // A cached index younger than the TTL may still predate the release asked for.
        if loaded.index.resolve(request).is_err()
            && matches!(
                loaded.origin,
                cache::Provenance::Cached {
                    why: cache::CacheUse::Fresh,
                    ..
                }
            )
            && let Some(fresh) = cache::load(home, access, true)?
        {
            loaded = fresh;
        }
        let index = &loaded.index;
        let (version, release) = index.resolve(request)?;
        // go.dev lists a few old releases with no checksum: only `--allow-unverified` installs them.
        match index.archive(&version, release, Platform::current()) {
            Ok(file) => Ok((version, Resolved::Verified(file.clone()))),
            Err(IndexError::NoChecksum { filename, .. }) if access.allow_unverified => {
                let why = format!("go.dev publishes no checksum for {filename}");
                Ok((version, Resolved::Unverified { filename, why }))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The tarball from each mirror in turn (after gover's download cache), held to the
    /// index's size and sha256.
    fn archive(&self, _: &GoVersion, resolved: Resolved) -> Result<Archive, Error> {
        let (name, check, size) = match resolved {
            Resolved::Verified(file) => {
                let size = dist::size_of(&file);
                (file.filename, Check::Sha256(file.sha256), size)
            }
            Resolved::Unverified { filename, why } => (
                filename,
                Check::Unverified { why },
                Size::AtMost(UNVERIFIED_ARCHIVE),
            ),
        };
        let candidates = dist::candidates(&self.access.mirrors, &name);
        Ok(Archive {
            format: Format::TarGz,
            check,
            size,
            elsewhere: Vec::new(),
            candidates,
            not_found: None,
            name,
        })
    }
}

/// `--allow-unverified` with no index at all: only an exact release can be named, and its
/// archive is installed without a checksum, loudly.
fn resolve_unverified(request: &VersionRequest) -> Result<(GoVersion, Resolved), Error> {
    let version = request
        .release_name()
        .cloned()
        .ok_or_else(|| Error::NeedsIndex {
            request: request.to_string(),
        })?;
    let filename = format!("{}.{}.tar.gz", version.go_name(), Platform::current());
    let why = format!("there is no release index to check {filename} against");
    Ok((version, Resolved::Unverified { filename, why }))
}
