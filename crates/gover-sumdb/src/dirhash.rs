//! The `h1:` hash of a module's files (`golang.org/x/mod/sumdb/dirhash` `Hash1` and `HashZip`),
//! the hash the checksum database records for a module zip.
//!
//! For each file, sorted by name: the line `<hex sha256 of content>  <name>\n`; the hash is
//! `"h1:" + base64(sha256(all lines))`. Only names and contents count: compression, times and
//! the zip's layout do not.

use std::io::{Read, Seek};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};

/// Why a module's files could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum DirhashError {
    /// A file name holds a newline, which would make the summary ambiguous.
    #[error("file name {0:?} contains a newline")]
    NewlineInName(String),
    /// Two entries of a zip have the same name: Go would hash both, an unpacker would keep one,
    /// and the zip crate would show only one, so such a zip is refused.
    #[error("{zip}: the zip has two entries with the same name", zip = .zip.display())]
    DuplicateName {
        /// The zip file.
        zip: PathBuf,
    },
    /// The zip could not be opened or read.
    #[error("{zip}: cannot read the zip", zip = .zip.display())]
    Zip {
        /// The zip file.
        zip: PathBuf,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The `h1:` hash of files given as `(name, sha256 of content)`, in any order.
///
/// Names are used as given (for a module zip, including the `module@version/` prefix); a name
/// containing a newline is refused.
pub fn hash1<I>(files: I) -> Result<String, DirhashError>
where
    I: IntoIterator<Item = (String, [u8; 32])>,
{
    let mut files: Vec<(String, [u8; 32])> = files.into_iter().collect();
    if let Some((name, _)) = files.iter().find(|(name, _)| name.contains('\n')) {
        return Err(DirhashError::NewlineInName(name.clone()));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut summary = Sha256::new();
    for (name, digest) in &files {
        for b in digest {
            summary.update(format!("{b:02x}").as_bytes());
        }
        summary.update(b"  ");
        summary.update(name.as_bytes());
        summary.update(b"\n");
    }
    Ok(format!("h1:{}", BASE64.encode(summary.finalize())))
}

/// The `h1:` hash of the zip file at `zip` (like Go's `dirhash.HashZip(zip, dirhash.Hash1)`):
/// every entry, by its name in the zip.
pub fn hash1_zip(zip: &Path) -> Result<String, DirhashError> {
    let file = std::fs::File::open(zip).map_err(|e| DirhashError::Zip {
        zip: zip.to_path_buf(),
        source: Box::new(e),
    })?;
    hash1_zip_reader(std::io::BufReader::new(file), zip)
}

/// [`hash1_zip`] over an open zip (`name` is the path errors report).
pub fn hash1_zip_reader<R: Read + Seek>(reader: R, name: &Path) -> Result<String, DirhashError> {
    let zip_err = |e: Box<dyn std::error::Error + Send + Sync>| DirhashError::Zip {
        zip: name.to_path_buf(),
        source: e,
    };
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| zip_err(Box::new(e)))?;
    // The zip crate indexes entries by name, so a repeated name hides an entry from by_index.
    if archive.has_duplicate_names() {
        return Err(DirhashError::DuplicateName {
            zip: name.to_path_buf(),
        });
    }
    let mut files = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| zip_err(Box::new(e)))?;
        // The raw name, as Go's archive/zip reports it (no path sanitizing).
        let entry_name = String::from_utf8(entry.name_raw().to_vec())
            .map_err(|_| zip_err("an entry name is not UTF-8".into()))?;
        let mut hasher = Sha256::new();
        std::io::copy(&mut entry, &mut hasher).map_err(|e| zip_err(Box::new(e)))?;
        files.push((entry_name, hasher.finalize().into()));
    }
    hash1(files)
}
