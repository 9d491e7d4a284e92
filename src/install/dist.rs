//! The `dist` source of the install pipeline: go.dev's archives (or a mirror's), read from
//! the download cache or fetched from each mirror in turn, hashed and unpacked in one pass.

use std::fs;
use std::path::Path;

use super::{empty_dir, test_pause, unpack};
use crate::dist::{self, Access, ArchiveFile};
use crate::download::{ArchiveStream, DownloadError, Origin};
use crate::error::Error;
use crate::home::Home;
use crate::progress::InstallProgress;
use crate::version::GoVersion;

/// Stream the archive into `staging`: from the download cache if a copy is there, else from
/// each mirror in turn. Checked against `expected` (the index entry), unless there is none
/// (`--allow-unverified`). Only verified archives are kept in the download cache.
pub(super) fn fetch_and_unpack(
    home: &Home,
    version: &GoVersion,
    filename: &str,
    expected: Option<&ArchiveFile>,
    access: &Access,
    staging: &Path,
) -> Result<(), Error> {
    let cached = home.download_path(filename);
    if cached.is_file() {
        match unpack_from(version, expected, &Origin::Cache(cached.clone()), staging) {
            Ok(()) => {
                eprintln!("Used the cached download {}", cached.display());
                return Ok(());
            }
            Err(e) => {
                // A damaged cache entry is dropped and the archive fetched again.
                crate::error::warn(format_args!(
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
    dist::try_mirrors(&access.mirrors, filename, |url| {
        let origin = Origin::Remote {
            url: url.to_string(),
            partial: partial.clone(),
        };
        let had_partial = partial.is_file();
        let mut result = unpack_from(version, expected, &origin, staging);
        if had_partial && matches!(&result, Err(e) if e.exit_code() == crate::error::exit::VERIFY) {
            // The partial an earlier run left may hold other bytes than this mirror serves.
            crate::error::warn(format_args!(
                "the resumed download did not verify; downloading it again from the start"
            ));
            let _ = fs::remove_file(&partial);
            empty_dir(staging)?;
            result = unpack_from(version, expected, &origin, staging);
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
    version: &GoVersion,
    expected: Option<&ArchiveFile>,
    origin: &Origin,
    staging: &Path,
) -> Result<(), Error> {
    let size = expected.map(|f| f.size).filter(|s| *s > 0);
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
    let mut paused_unpack = false;
    let unpacked = unpack::unpack(&mut stream, staging, || {
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
                crate::error::warn(format_args!(
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
