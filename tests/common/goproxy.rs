//! A loopback Go module proxy and checksum database, speaking the real protocols: the proxy serves the
//! `golang.org/toolchain` module (`@v/list`, `.info`, `.mod`, `.zip`), and the checksum database (built with
//! gover-sumdb's `server::Database`, signed with the harness's own Ed25519 key) serves `latest`, `lookup/…`
//! and `tile/…`, both under the proxy's `/sumdb/<name>/` (after `/sumdb/<name>/supported`) and on its own
//! at `/db/` (the URL given in `GOSUMDB`), so a test can tell which way a client reached it.
//!
//! Toolchain zips are packed exactly as golang/build's `internal/task/dl2mod.go` packs a release: regular
//! files only, under the prefix `golang.org/toolchain@v0.0.1-go<V>.<os>-<arch>/`, without `api/`, `doc/`,
//! `misc/`, `test/` and `.github/`, every nested `go.mod` renamed `_go.mod`. Real toolchains (Debian's
//! GOROOTs) are packed once and cached next to the tar.gz archives of [`super::toolchain`].
//!
//! The log is padded with unrelated records so that it needs level-1 tiles (height 8: more than 256 records).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use gover_sumdb::server::Database;

use super::TestContext;
use super::mirror::Mirror;
use super::release::{Entry, fake_entries, host_platform};

pub const MODULE: &str = "golang.org/toolchain";
/// The test database's name (what `GOSUMDB` names and what `/sumdb/<name>/` carries).
pub const DB_NAME: &str = "sum.gover.test";
/// Records added before the toolchains: with height-8 tiles, more than 256 need a level-1 tile.
pub const PADDING_RECORDS: u64 = 300;

/// Bump when the packing changes, so stale cached zips are not reused.
const FORMAT: &str = "zip-v1";

/// `v0.0.1-go1.21.13.linux-amd64` for `1.21.13` on this host.
pub fn module_version(version: &str) -> String {
    let (os, arch) = host_platform();
    // Module versions spell GOARCH plainly (archive names say `armv6l` for 32-bit ARM).
    let arch = if arch == "armv6l" { "arm" } else { arch };
    format!("v0.0.1-go{version}.{os}-{arch}")
}

/// `golang.org/toolchain@v0.0.1-go1.21.13.linux-amd64/`.
pub fn zip_prefix(version: &str) -> String {
    format!("{MODULE}@{}/", module_version(version))
}

/// A toolchain module version ready to be served.
#[derive(Clone, Debug)]
pub struct ToolchainZip {
    /// Without the `go` prefix, e.g. `1.21.13`.
    pub version: String,
    /// e.g. `v0.0.1-go1.21.13.linux-amd64`.
    pub module_version: String,
    pub zip: PathBuf,
    /// The zip's `h1:` (dirhash Hash1 over its files).
    pub h1: String,
}

impl ToolchainZip {
    fn new(version: &str, zip: PathBuf) -> ToolchainZip {
        let h1 = gover_sumdb::dirhash::hash1_zip(&zip).expect("hash the toolchain zip");
        ToolchainZip {
            version: version.to_owned(),
            module_version: module_version(version),
            zip,
            h1,
        }
    }
}

/// The module's go.mod, as dl2mod writes it.
pub fn go_mod() -> &'static str {
    "module golang.org/toolchain\n"
}

/// The `h1:` of the go.mod (Hash1 over the one file `go.mod`).
pub fn go_mod_h1() -> String {
    use sha2::{Digest, Sha256};
    gover_sumdb::dirhash::hash1([("go.mod".to_owned(), Sha256::digest(go_mod()).into())])
        .expect("hash")
}

/// Write a module zip of `files` (names relative to the release root, i.e. without `go/`), renaming nested
/// `go.mod` files like dl2mod.
fn write_zip(
    path: &Path,
    version: &str,
    files: impl IntoIterator<Item = (String, Vec<u8>)>,
) -> io::Result<()> {
    let prefix = zip_prefix(version);
    let mut w = zip::ZipWriter::new(io::BufWriter::new(File::create(path)?));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(
            zip::DateTime::from_date_and_time(2024, 7, 2, 20, 18, 42).expect("a date"),
        );
    for (rel, data) in files {
        let rel = match rel.strip_suffix("go.mod") {
            Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("{dir}_go.mod"),
            _ => rel,
        };
        w.start_file(format!("{prefix}{rel}"), options)
            .map_err(io::Error::other)?;
        w.write_all(&data)?;
    }
    w.finish().map_err(io::Error::other)?.flush()
}

/// A fake toolchain (the scripted `go` of [`super::release`]) as a module zip in `dir`, plus `extra` files
/// (names relative to the release root; one that names an existing file replaces it).
pub fn fake_toolchain_zip(version: &str, dir: &Path, extra: &[(&str, &[u8])]) -> ToolchainZip {
    std::fs::create_dir_all(dir).expect("create the zip dir");
    let zip = dir.join(format!("{}.zip", module_version(version)));
    let mut files: Vec<(String, Vec<u8>)> = fake_entries(version)
        .into_iter()
        .filter_map(|e| match e {
            Entry::File { path, data, .. } => Some((path.strip_prefix("go/")?.to_owned(), data)),
            _ => None,
        })
        .collect();
    for (path, data) in extra {
        files.retain(|(p, _)| p != path);
        files.push((path.to_string(), data.to_vec()));
    }
    write_zip(&zip, version, files).expect("write the fake toolchain zip");
    ToolchainZip::new(version, zip)
}

/// The Debian GOROOT at `goroot` as a module zip, packed once into `cache` (symlinks followed: Debian links
/// `src` and friends into /usr/share). Built under a temporary name and renamed, so a killed build never
/// leaves a truncated zip.
pub fn real_toolchain_zip(goroot: &Path) -> io::Result<ToolchainZip> {
    let version = super::toolchain::goroot_version(goroot)?;
    let cache = super::toolchain::cache_dir().join(FORMAT);
    let zip = cache.join(format!("{}.zip", module_version(&version)));
    if zip.is_file() {
        return Ok(ToolchainZip::new(&version, zip));
    }
    std::fs::create_dir_all(&cache)?;
    let mut files = Vec::new();
    collect(goroot, "", &mut files)?;
    files.sort();
    let temp = tempfile::NamedTempFile::new_in(&cache)?;
    write_zip(
        temp.path(),
        &version,
        files.into_iter().map(|rel| {
            let data = std::fs::read(goroot.join(&rel)).expect("read a GOROOT file");
            (rel, data)
        }),
    )?;
    temp.persist(&zip).map_err(|e| e.error)?;
    Ok(ToolchainZip::new(&version, zip))
}

/// Regular files under `dir` (links followed), relative names, skipping what dl2mod omits.
fn collect(dir: &Path, rel: &str, out: &mut Vec<String>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if rel.is_empty() && matches!(name.as_str(), ".github" | "api" | "doc" | "misc" | "test") {
            continue;
        }
        let meta = std::fs::metadata(entry.path())?;
        if meta.is_dir() {
            collect(&entry.path(), &child, out)?;
        } else if meta.is_file() {
            out.push(child);
        }
    }
    Ok(())
}

/// A fresh signing key for the test database (a fixed seed: the tests are reproducible).
pub fn test_key(name: &str, seed: u8) -> (String, String) {
    gover_sumdb::note::generate_key(name, [seed; 32]).expect("generate a note key")
}

/// The proxy and the database, on one loopback server.
pub struct Goproxy {
    pub mirror: Mirror,
    pub db: Database,
    pub zips: Vec<ToolchainZip>,
    /// Module versions `@v/list` names (every zip's, plus any extra).
    pub listed: Vec<String>,
}

impl Goproxy {
    /// A proxy serving `zips` and a database vouching for them, after [`PADDING_RECORDS`] others.
    pub fn start(zips: Vec<ToolchainZip>) -> Goproxy {
        let (skey, _) = test_key(DB_NAME, 7);
        let mut db = Database::new(&skey).expect("a database");
        for i in 0..PADDING_RECORDS {
            let fake = pad_hash(i);
            db.add_module(&format!("example.com/pad{i}"), "v1.0.0", &fake, &fake)
                .expect("add a padding record");
        }
        for z in &zips {
            db.add_module(MODULE, &z.module_version, &z.h1, &go_mod_h1())
                .expect("add a toolchain record");
        }
        let listed = zips.iter().map(|z| z.module_version.clone()).collect();
        let proxy = Goproxy {
            mirror: Mirror::start(),
            db,
            zips,
            listed,
        };
        proxy.publish();
        proxy
    }

    /// (Re)serve every proxy and database file from the current state.
    pub fn publish(&self) {
        let m = &self.mirror;
        let mut list = self.listed.join("\n");
        list.push('\n');
        m.serve_bytes(&self.module_path("list"), list.into_bytes());
        for z in &self.zips {
            let v = &z.module_version;
            m.serve_file(&self.module_path(&format!("{v}.zip")), &z.zip);
            m.serve_bytes(
                &self.module_path(&format!("{v}.mod")),
                go_mod().as_bytes().to_vec(),
            );
            m.serve_bytes(
                &self.module_path(&format!("{v}.info")),
                format!("{{\"Version\":\"{v}\", \"Time\":\"2024-07-02T20:18:42Z\"}}\n")
                    .into_bytes(),
            );
        }
        m.serve_bytes(&format!("/sumdb/{DB_NAME}/supported"), Vec::new());
        self.publish_db();
    }

    /// (Re)serve the database files (after the test changed `db`).
    pub fn publish_db(&self) {
        for (path, bytes) in self.db.files() {
            self.mirror
                .serve_bytes(&format!("/sumdb/{DB_NAME}/{path}"), bytes.clone());
            self.mirror.serve_bytes(&format!("/db/{path}"), bytes);
        }
    }

    /// Make `ctx`'s gover use this proxy (`GOVER_SOURCE=proxy`) and its database, with Go's module
    /// cache inside the sandbox.
    pub fn configure(&self, ctx: &mut TestContext) {
        let modcache = ctx.root.join("modcache").display().to_string();
        ctx.set_env("GOVER_SOURCE", "proxy")
            .set_env("GOPROXY", self.url())
            .set_env("GOSUMDB", self.gosumdb())
            .set_env("GOMODCACHE", modcache);
    }

    /// `/golang.org/toolchain/@v/<file>`.
    pub fn module_path(&self, file: &str) -> String {
        format!("/{MODULE}/@v/{file}")
    }

    /// The server path of `version`'s zip.
    pub fn zip_path(&self, version: &str) -> String {
        self.module_path(&format!("{}.zip", module_version(version)))
    }

    /// The value for `GOPROXY`.
    pub fn url(&self) -> String {
        self.mirror.url("")
    }

    /// The database's own URL (what `GOSUMDB` names after the key).
    pub fn db_url(&self) -> String {
        self.mirror.url("/db")
    }

    /// The value for `GOSUMDB`: `name+key url`.
    pub fn gosumdb(&self) -> String {
        format!("{} {}", self.db.verifier_key(), self.db_url())
    }

    /// Debian's go1.22 as this proxy's client (GOTOOLCHAIN is the caller's): `GOPROXY` and
    /// `GOSUMDB` point here, its module cache is `modcache` (left writable, so the sandbox can
    /// be removed), GOPATH and GOCACHE are the sandbox's.
    pub fn real_go(&self, ctx: &TestContext, modcache: &Path) -> super::context::Run {
        ctx.command("/usr/lib/go-1.22/bin/go")
            .env("GOPROXY", self.url())
            .env("GOSUMDB", self.gosumdb())
            .env("GOFLAGS", "-modcacherw")
            .env("GOMODCACHE", modcache)
            .env("GOPATH", ctx.root.join("gopath"))
            .env("GOCACHE", ctx.root.join("gocache"))
    }

    /// Requests that reached the database directly (`/db/…`) and through the proxy (`/sumdb/…`).
    pub fn db_hits(&self) -> (usize, usize) {
        let requests = self.mirror.requests();
        let direct = requests
            .iter()
            .filter(|r| r.path.starts_with("/db/"))
            .count();
        let proxied = requests
            .iter()
            .filter(|r| r.path.starts_with("/sumdb/"))
            .count();
        (direct, proxied)
    }
}

/// Assert that the real `go` left the toolchain zip of `module_version` in `modcache`.
pub fn assert_in_modcache(modcache: &Path, module_version: &str) {
    let zip = modcache.join(format!(
        "cache/download/golang.org/toolchain/@v/{module_version}.zip"
    ));
    assert!(zip.is_file(), "{} is not there", zip.display());
}

/// A distinct, well-formed `h1:` for padding record `i`.
fn pad_hash(i: u64) -> String {
    use sha2::{Digest, Sha256};
    gover_sumdb::dirhash::hash1([(format!("pad{i}"), Sha256::digest(i.to_le_bytes()).into())])
        .expect("hash")
}
