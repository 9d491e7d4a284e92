//! The `dist` source of the install pipeline: go.dev's index and archives (or a mirror's),
//! read from the download cache or fetched from each mirror in turn, hashed and unpacked in
//! one pass.

use std::fs;
use std::path::{Path, PathBuf};

use crate::download::{ArchiveStream, DownloadError, Origin};
use crate::error::Error;
use crate::home::Home;
use crate::install::{Source, empty_dir, test_pause, unpack};
use crate::output::progress::InstallProgress;
use crate::source::dist::{self, Access, ArchiveFile, IndexError, Platform, cache};
use crate::version::{GoVersion, VersionRequest};

/// go.dev's distribution (or a mirror of it).
pub struct Dist<'a> {
    pub home: &'a Home,
    pub access: &'a Access,
}

/// The archive to fetch: its index entry, or (`--allow-unverified` only) its name and why
/// nothing can check it: no index at all, or an index entry go.dev publishes no checksum for.
pub enum Archive {
    Verified(ArchiveFile),
    Unverified { filename: String, why: String },
}

impl Source for Dist<'_> {
    type Resolved = Archive;

    fn resolve(&self, request: &VersionRequest) -> Result<(GoVersion, Archive), Error> {
        let (home, access) = (self.home, self.access);
        let Some(mut loaded) = cache::load(home, access, false)? else {
            return resolve_unverified(request);
        };
        // A cached index younger than the TTL may still predate the release asked for.
        if loaded.index.resolve(request).is_err()
            && matches!(
                loaded.origin,
                cache::Origin::Cached {
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
            Ok(file) => Ok((version, Archive::Verified(file.clone()))),
            Err(IndexError::NoChecksum { filename, .. }) if access.allow_unverified => {
                let why = format!("go.dev publishes no checksum for {filename}");
                Ok((version, Archive::Unverified { filename, why }))
            }
            Err(e) => Err(e.into()),
        }
    }

    fn cached_archive(&self, _: &GoVersion, archive: &Archive) -> Option<PathBuf> {
        match archive {
            Archive::Verified(file) => Some(self.home.download_path(&file.filename)),
            // Unverified bytes never enter the download cache.
            Archive::Unverified { .. } => None,
        }
    }

    fn fetch(&self, version: &GoVersion, archive: Archive, staging: &Path) -> Result<(), Error> {
        match archive {
            Archive::Verified(file) => fetch_and_unpack(
                self.home,
                version,
                &file.filename,
                Some(&file),
                self.access,
                staging,
            ),
            Archive::Unverified { filename, why } => {
                crate::output::warn_always(format_args!(
                    "installing Go {version} UNVERIFIED: {why}"
                ));
                fetch_and_unpack(self.home, version, &filename, None, self.access, staging)
            }
        }
    }
}

/// `--allow-unverified` with no index at all: only an exact release can be named, and its
/// archive is installed without a checksum, loudly.
fn resolve_unverified(request: &VersionRequest) -> Result<(GoVersion, Archive), Error> {
    let version = request
        .release_name()
        .cloned()
        .ok_or_else(|| Error::NeedsIndex {
            request: request.to_string(),
        })?;
    let filename = format!("{}.{}.tar.gz", version.go_name(), Platform::current());
    let why = format!("there is no release index to check {filename} against");
    Ok((version, Archive::Unverified { filename, why }))
}

/// The archive's size as the index gives it (none when there is no index entry, or it says 0).
fn declared_size(expected: Option<&ArchiveFile>) -> Option<u64> {
    expected.map(|f| f.size).filter(|s| *s > 0)
}

/// Stream the archive into `staging`: from the download cache if a copy is there, else from
/// each mirror in turn. Checked against `expected` (the index entry), unless there is none
/// (`--allow-unverified`). Only verified archives are kept in the download cache.
fn fetch_and_unpack(
    home: &Home,
    version: &GoVersion,
    filename: &str,
    expected: Option<&ArchiveFile>,
    access: &Access,
    staging: &Path,
) -> Result<(), Error> {
    let size = declared_size(expected);
    let options = unpack::Options::for_install(size, home.store_dir())?;
    let cached = home.download_path(filename);
    crate::verbose!(
        "download cache: {} {}",
        cached.display(),
        if cached.is_file() {
            "is there; verifying it"
        } else {
            "is not there"
        }
    );
    if cached.is_file() {
        match unpack_from(
            &options,
            version,
            expected,
            &Origin::Cache(cached.clone()),
            staging,
        ) {
            Ok(()) => {
                crate::note!("Used the cached download {}", cached.display());
                return Ok(());
            }
            Err(e) => {
                // A damaged cache entry is dropped and the archive fetched again.
                crate::output::warn(format_args!(
                    "the cached {filename} is unusable ({e}); downloading it again"
                ));
                let _ = fs::remove_file(&cached);
                empty_dir(staging)?;
            }
        }
    }
    if access.offline {
        return Err(Error::Offline {
            what: format!("{filename} is not in the download cache"),
            hint: "download it once while online (`gover install`, or `gover mirror sync` for a fleet)"
                .into(),
        });
    }
    let partial = home.partial_path(filename);
    home.ensure_dir(&home.downloads_dir())?;
    dist::try_mirrors(&access.mirrors, filename, |url| {
        let origin = Origin::Remote {
            url: url.to_string(),
            partial: partial.clone(),
        };
        let had_partial = partial.is_file();
        let mut result = unpack_from(&options, version, expected, &origin, staging);
        if had_partial && matches!(&result, Err(e) if e.exit_code() == crate::error::exit::VERIFY) {
            // The partial an earlier run left may hold other bytes than this mirror serves.
            crate::output::warn(format_args!(
                "the resumed download did not verify; downloading it again from the start"
            ));
            let _ = fs::remove_file(&partial);
            empty_dir(staging)?;
            result = unpack_from(&options, version, expected, &origin, staging);
        }
        if result.is_err() {
            let _ = fs::remove_file(&partial);
            empty_dir(staging)?;
        }
        result
    })?;
    if expected.is_none() {
        // Unverified bytes never enter the cache of verified archives.
        let _ = fs::remove_file(&partial);
        return Ok(());
    }
    fs::rename(&partial, &cached).map_err(Error::io("cannot store the download as", &cached))
}

fn unpack_from(
    options: &unpack::Options,
    version: &GoVersion,
    expected: Option<&ArchiveFile>,
    origin: &Origin,
    staging: &Path,
) -> Result<(), Error> {
    let size = declared_size(expected);
    let progress = InstallProgress::new(&version.to_string(), size);
    let bytes_bar = progress.bytes.clone();
    let mut paused_download = false;
    let on_read = move |n| {
        bytes_bar.inc(n);
        if !paused_download {
            paused_download = true;
            test_pause("download");
        }
    };
    let (mut stream, _len) = ArchiveStream::open(origin, size, Box::new(on_read))?;
    if size.is_none() {
        stream.cap(unpack::bounds::UNVERIFIED_ARCHIVE);
    }
    let mut paused_unpack = false;
    let unpacked = unpack::unpack(&mut stream, staging, options, || {
        progress.files.inc(1);
        if !paused_unpack {
            paused_unpack = true;
            test_pause("unpack");
        }
    });
    if let Err(source) = unpacked {
        progress.finish();
        if let Some(failure) = stream.take_failure() {
            return Err(failure.into());
        }
        // Bytes that do not match the index explain a broken archive better than the
        // unpacker's complaint does.
        if let Some(file) = expected
            && let Err(e @ (DownloadError::Checksum { .. } | DownloadError::Size { .. })) =
                stream.verify(file)
        {
            return Err(e.into());
        }
        return Err(Error::Archive {
            url: origin_name(origin),
            source,
        });
    }
    let result = match expected {
        Some(file) => stream.verify(file).map_err(Error::from),
        None => stream
            .finish_unverified()
            .map(|digest| {
                crate::output::warn_always(format_args!(
                    "Go {version} was installed UNVERIFIED (sha256 of what was received: {digest})"
                ));
            })
            .map_err(Error::from),
    };
    progress.finish();
    result
}

fn origin_name(origin: &Origin) -> String {
    match origin {
        Origin::Cache(path) => path.display().to_string(),
        Origin::Remote { url, .. } => url.clone(),
    }
}
