//! Step 2 of the pipeline: fill the staging dir with the release a source's [`Archive`]
//! describes, verified. Copies on disk come first (gover's download cache, then the others the
//! source names), then each candidate URL in turn ([`source::try_each`]); every copy, wherever
//! it comes from, goes through the one downloader ([`ArchiveStream`]: size bound, resume,
//! no-follow `.partial`) and is unpacked and checked the same way:
//! - a tarball is hashed and unpacked in one pass, then its sha256 is checked;
//! - a zip is received whole first (its directory is at its end), then unpacked, and the `h1:`
//!   of its files is checked.
//!
//! Until the check passes, nothing the archive holds is shared: files written afresh are only
//! returned ([`Fetched::new_files`]) for the store to adopt after verification.

use std::fs;
use std::path::PathBuf;

use crate::download::{self, ArchiveStream, DownloadError, Origin, Received};
use crate::error::{Error, exit};
use crate::home::Home;
use crate::install::staging::{Staging, test_pause};
use crate::install::unpack;
use crate::output::progress::InstallProgress;
use crate::source::dist::Access;
use crate::source::goproxy::GoproxyError;
use crate::source::{self, Archive, Check, Format};
use crate::store::NewFile;
use crate::version::GoVersion;

/// A staging dir filled with a verified release.
pub struct Fetched {
    /// Files the store does not hold yet, to adopt now that the archive is verified.
    pub new_files: Vec<NewFile>,
    /// The verified archive in gover's download cache (dropped after the install unless kept).
    pub cached: Option<PathBuf>,
}

/// Fill `staging` with `version` as `archive` describes it; see the module docs.
pub fn fetch(
    home: &Home,
    access: &Access,
    version: &GoVersion,
    archive: &Archive,
    staging: &Staging,
) -> Result<Fetched, Error> {
    if let Check::Unverified { why } = &archive.check {
        crate::output::warn_always(format_args!("installing Go {version} UNVERIFIED: {why}"));
    }
    let cached = home.download_path(&archive.name);
    let verified = !matches!(archive.check, Check::Unverified { .. });
    // Unverified bytes never enter the download cache, so they are never taken from it.
    let locals = verified
        .then_some(&cached)
        .into_iter()
        .chain(&archive.elsewhere);
    for local in locals {
        let is_ours = *local == cached;
        crate::verbose!(
            "{}: {} {}",
            if is_ours {
                "download cache"
            } else {
                "Go's module cache"
            },
            local.display(),
            if local.is_file() {
                "is there; verifying it"
            } else {
                "is not there"
            }
        );
        if !local.is_file() {
            continue;
        }
        match attempt(
            version,
            archive,
            &Origin::File(local.clone()),
            staging,
            access,
        ) {
            Ok(new_files) => {
                match is_ours {
                    true => crate::note!("Used the cached download {}", local.display()),
                    false => crate::note!("Used Go's module cache {}", local.display()),
                }
                let cached = is_ours.then(|| local.clone());
                return Ok(Fetched { new_files, cached });
            }
            Err(e) if e.exit_code() == exit::FILESYSTEM => return Err(e),
            Err(e) => {
                // A damaged copy is dropped (if it is ours) and the archive fetched again.
                crate::output::warn(format_args!(
                    "{} is unusable ({e}); downloading it again",
                    local.display()
                ));
                if is_ours {
                    let _ = fs::remove_file(local);
                }
                staging.empty()?;
            }
        }
    }
    if access.offline {
        return Err(Error::Offline {
            what: format!("{} is not in the download cache", archive.name),
            hint: "download it once while online (`gover install`, or `gover mirror sync` for a fleet)"
                .into(),
        });
    }
    let partial = home.partial_path(&archive.name);
    home.ensure_dir(&home.downloads_dir())?;
    let new_files = source::try_each(&archive.candidates, archive.not_found.as_deref(), |url| {
        let origin = Origin::Remote {
            url: url.to_string(),
            partial: partial.clone(),
        };
        let had_partial = partial.is_file();
        let mut result = attempt(version, archive, &origin, staging, access);
        if had_partial && matches!(&result, Err(e) if e.exit_code() == exit::VERIFY) {
            // The partial an earlier run left may hold other bytes than this server has.
            crate::output::warn(format_args!(
                "the resumed download did not verify; downloading it again from the start"
            ));
            let _ = fs::remove_file(&partial);
            staging.empty()?;
            result = attempt(version, archive, &origin, staging, access);
        }
        if result.is_err() {
            let _ = fs::remove_file(&partial);
            staging.empty()?;
        }
        result
    })?;
    if let Check::Unverified { .. } = archive.check {
        let _ = fs::remove_file(&partial);
        return Ok(Fetched {
            new_files,
            cached: None,
        });
    }
    download::publish(&partial, &cached)
        .map_err(Error::io("cannot store the download as", &cached))?;
    Ok(Fetched {
        new_files,
        cached: Some(cached),
    })
}

/// One try: stream `origin` through the downloader into `staging`, then check it.
fn attempt(
    version: &GoVersion,
    archive: &Archive,
    origin: &Origin,
    staging: &Staging,
    access: &Access,
) -> Result<Vec<NewFile>, Error> {
    let options = |size| unpack::Options::new(size, access.unpack_threads, staging.store());
    let show = !crate::output::is_quiet();
    let progress = InstallProgress::new(&version.to_string(), archive.size.declared(), show);
    let bytes_bar = progress.bytes.clone();
    let mut paused_download = false;
    let on_read = move |n| {
        bytes_bar.inc(n);
        if !paused_download {
            paused_download = true;
            test_pause("download");
        }
    };
    let mut stream = ArchiveStream::open(origin, archive.size, Box::new(on_read))?;
    if stream.resumed_from() > 0 {
        progress.resumed(stream.resumed_from());
    }
    let files_bar = progress.files.clone();
    let paused_unpack = std::sync::atomic::AtomicBool::new(false);
    let on_file = || {
        files_bar.inc(1);
        if !paused_unpack.swap(true, std::sync::atomic::Ordering::Relaxed) {
            test_pause("unpack");
        }
    };
    let result = match &archive.format {
        Format::TarGz => {
            let options = options(archive.size.declared());
            match unpack::unpack(&mut stream, staging.path(), &options, on_file) {
                Ok(new_files) => stream
                    .finish()
                    .map_err(Error::from)
                    .and_then(|received| check(version, archive, &received, None, origin))
                    .map(|()| new_files),
                Err(source) => Err(broken_tarball(stream, archive, source)),
            }
        }
        Format::Zip { prefix } => stream.finish().map_err(Error::from).and_then(|received| {
            let zip = match origin {
                Origin::File(path) => path.clone(),
                Origin::Remote { partial, .. } => partial.clone(),
            };
            let options = options(Some(received.len));
            let unzip_err = |source| Error::Unpack {
                from: zip.display().to_string(),
                source,
            };
            let (hashes, new_files) =
                unpack::zip::unpack(&zip, prefix, staging.path(), &options, &on_file)
                    .map_err(unzip_err)?;
            let h1 = gover_sumdb::dirhash::hash1(hashes).map_err(|e| {
                unzip_err(unpack::UnpackError::Unsafe {
                    entry: e.to_string(),
                    reason: "a newline in the name",
                })
            })?;
            check(version, archive, &received, Some(&h1), origin)?;
            Ok(new_files)
        }),
    };
    progress.finish();
    result
}

/// Why a tarball did not unpack: the download's failure if it failed, else bytes that do not
/// match the index (a better explanation than the unpacker's complaint), else the unpacker's.
fn broken_tarball(
    mut stream: ArchiveStream,
    archive: &Archive,
    source: unpack::UnpackError,
) -> Error {
    if let Some(failure) = stream.take_failure() {
        return failure.into();
    }
    let shown = stream.shown().to_string();
    if let Check::Sha256(expected) = &archive.check {
        match stream.finish() {
            Err(e @ DownloadError::Size { .. }) => return e.into(),
            Ok(received) if !received.sha256.eq_ignore_ascii_case(expected) => {
                return checksum_error(&shown, expected, &received);
            }
            _ => {}
        }
    }
    Error::Unpack {
        from: shown,
        source,
    }
}

/// Whether what was received is what `archive.check` vouches for.
fn check(
    version: &GoVersion,
    archive: &Archive,
    received: &Received,
    h1: Option<&str>,
    origin: &Origin,
) -> Result<(), Error> {
    let shown = match origin {
        Origin::File(path) => path.display().to_string(),
        Origin::Remote { url, .. } => crate::http::without_credentials(url),
    };
    match &archive.check {
        Check::Sha256(expected) if !received.sha256.eq_ignore_ascii_case(expected) => {
            Err(checksum_error(&shown, expected, received))
        }
        Check::H1(expected) if h1 != Some(expected.as_str()) => Err(GoproxyError::Hash {
            url: shown,
            expected: expected.clone(),
            actual: h1.unwrap_or_default().to_string(),
        }
        .into()),
        Check::Sha256(_) | Check::H1(_) => Ok(()),
        Check::Unverified { .. } => {
            let what = match h1 {
                Some(h1) => format!("h1 of what was received: {h1}"),
                None => format!("sha256 of what was received: {}", received.sha256),
            };
            crate::output::warn_always(format_args!(
                "Go {version} was installed UNVERIFIED ({what})"
            ));
            Ok(())
        }
    }
}

fn checksum_error(shown: &str, expected: &str, received: &Received) -> Error {
    DownloadError::Checksum {
        url: shown.to_string(),
        expected: expected.to_ascii_lowercase(),
        actual: received.sha256.clone(),
    }
    .into()
}
