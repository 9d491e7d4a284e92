//! Cross-checks with the real `go` command (a Debian toolchain, offline): a database built by
//! `server::Database` and written out as static files is one `go mod download` accepts as
//! GOSUMDB, and it refuses a module whose hash the database contradicts. So the notes, record
//! texts, tile layout and `h1:` hashes this crate produces are Go's.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use gover_sumdb::dirhash::{hash1, hash1_zip};
use gover_sumdb::note::generate_key;
use gover_sumdb::server::Database;
use gover_sumdb::{Client, Fetch, FetchError, FileStore, SumdbError};
use sha2::{Digest, Sha256};

const MODULE: &str = "example.com/hashme";
const VERSION: &str = "v1.2.3";
const GO_MOD: &str = "module example.com/hashme\n\ngo 1.19\n";

/// A Debian Go toolchain, or `None` (a failure under CI=true).
fn go() -> Option<PathBuf> {
    let go = ["1.23", "1.22", "1.21", "1.19"]
        .iter()
        .map(|v| PathBuf::from(format!("/usr/lib/go-{v}/bin/go")))
        .find(|p| p.exists());
    if go.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI=true but no Go toolchain in /usr/lib/go-*"
        );
        eprintln!("skipped: no Go toolchain in /usr/lib/go-*");
    }
    go
}

/// A file:// GOPROXY holding one module version; returns the zip's path.
fn write_proxy(root: &Path) -> PathBuf {
    let at = root.join("proxy").join(MODULE).join("@v");
    std::fs::create_dir_all(&at).unwrap();
    std::fs::write(at.join("list"), format!("{VERSION}\n")).unwrap();
    std::fs::write(
        at.join(format!("{VERSION}.info")),
        format!(r#"{{"Version":"{VERSION}","Time":"2024-01-01T00:00:00Z"}}"#),
    )
    .unwrap();
    std::fs::write(at.join(format!("{VERSION}.mod")), GO_MOD).unwrap();
    let zip_path = at.join(format!("{VERSION}.zip"));
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in [
        ("go.mod", GO_MOD),
        ("hashme.go", "package hashme\n\nconst X = 1\n"),
    ] {
        z.start_file(format!("{MODULE}@{VERSION}/{name}"), opts)
            .unwrap();
        z.write_all(data.as_bytes()).unwrap();
    }
    z.finish().unwrap();
    zip_path
}

/// Writes the database's static files under `root/sumdb`.
fn write_sumdb(root: &Path, db: &Database) -> PathBuf {
    let dir = root.join("sumdb");
    for (path, data) in db.files() {
        let file = dir.join(&path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, data).unwrap();
    }
    dir
}

/// `go mod download -json MODULE@VERSION` with GOSUMDB pointing at `sumdb`.
fn go_download(go: &Path, root: &Path, vkey: &str, sumdb: &Path) -> std::process::Output {
    go_download_with_cache(go, root, vkey, sumdb, "modcache")
}

fn go_download_with_cache(
    go: &Path,
    root: &Path,
    vkey: &str,
    sumdb: &Path,
    modcache: &str,
) -> std::process::Output {
    Command::new(go)
        .args(["mod", "download", "-json", &format!("{MODULE}@{VERSION}")])
        .current_dir(root)
        .env(
            "GOPROXY",
            format!("file://{}", root.join("proxy").display()),
        )
        .env("GOSUMDB", format!("{vkey} file://{}", sumdb.display()))
        .env("GONOSUMDB", "")
        .env("GOPRIVATE", "")
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("GOMODCACHE", root.join(modcache))
        .env("GOPATH", root.join("gopath"))
        .env("GOCACHE", root.join("gocache"))
        .env("HOME", root)
        .output()
        .unwrap()
}

/// A database of 300 filler records (so the module's record needs a level-1 tile) plus the
/// module's, with the zip hash `zip_h1`.
fn database(skey: &str, zip_h1: &str) -> Database {
    database_of(skey, zip_h1, 300, None)
}

/// `fillers` filler records, one of them (`forked`) with another hash, then the module's.
fn database_of(skey: &str, zip_h1: &str, fillers: u64, forked: Option<u64>) -> Database {
    let mut db = Database::new(skey).unwrap();
    for i in 0..fillers {
        let h = if forked == Some(i) {
            "h1:forked="
        } else {
            "h1:f="
        };
        db.add_module("example.com/filler", &format!("v1.0.{i}"), h, "h1:m=")
            .unwrap();
    }
    let go_mod_h1 = hash1([("go.mod".to_string(), Sha256::digest(GO_MOD).into())]).unwrap();
    db.add_module(MODULE, VERSION, zip_h1, &go_mod_h1).unwrap();
    db
}

#[test]
fn the_go_command_accepts_a_database_built_here() {
    let Some(go) = go() else { return };
    let dir = tempfile::tempdir().unwrap();
    let zip = write_proxy(dir.path());
    let (skey, vkey) = generate_key("sum.example.com", [5; 32]).unwrap();
    let db = database(&skey, &hash1_zip(&zip).unwrap());
    let sumdb = write_sumdb(dir.path(), &db);
    let out = go_download(&go, dir.path(), &vkey, &sumdb);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "go mod download: {}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Go verified and stored the tree head this database signed.
    let latest = std::fs::read(dir.path().join("gopath/pkg/sumdb/sum.example.com/latest")).unwrap();
    assert_eq!(latest, db.signed_tree());
    // It fetched the record and the tiles, including the level-1 tile.
    let cached = dir
        .path()
        .join("modcache/cache/download/sumdb/sum.example.com");
    assert!(cached.join(format!("lookup/{MODULE}@{VERSION}")).exists());
    assert!(cached.join("tile/8/1/000.p/1").exists());
}

#[test]
fn the_go_command_refuses_a_zip_the_database_contradicts() {
    let Some(go) = go() else { return };
    let dir = tempfile::tempdir().unwrap();
    write_proxy(dir.path());
    let (skey, vkey) = generate_key("sum.example.com", [5; 32]).unwrap();
    let db = database(&skey, "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    let sumdb = write_sumdb(dir.path(), &db);
    let out = go_download(&go, dir.path(), &vkey, &sumdb);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("SECURITY ERROR") || all.contains("checksum mismatch"),
        "{all}"
    );
}

/// Serves a directory of static database files, as a plain file server would.
struct DirFetch(PathBuf);

impl Fetch for DirFetch {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        std::fs::read(self.0.join(path)).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                FetchError::not_found(path, e)
            } else {
                FetchError::new(path, e)
            }
        })
    }
}

/// Go and this client agree: after verifying one log, a log with a rewritten history (larger,
/// one earlier record changed) is refused by both (a `Fork` here), and an honest growth of the
/// first log is accepted and stored by both.
#[test]
fn the_go_command_and_this_client_agree_on_forks() {
    let Some(go) = go() else { return };
    let dir = tempfile::tempdir().unwrap();
    let zip = write_proxy(dir.path());
    let zip_h1 = hash1_zip(&zip).unwrap();
    let (skey, vkey) = generate_key("sum.example.com", [5; 32]).unwrap();

    let first = database_of(&skey, &zip_h1, 300, None);
    let first_dir = write_sumdb(&dir.path().join("first"), &first);
    let out = go_download_with_cache(&go, dir.path(), &vkey, &first_dir, "modcache1");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = FileStore::new(dir.path().join("gover-sumdb"));
    Client::new(&vkey, DirFetch(first_dir), &ours)
        .unwrap()
        .zip_hash(MODULE, VERSION)
        .unwrap();

    // The same 300 fillers and more, but filler 10 rewritten: not an extension of the first.
    let forked = database_of(&skey, &zip_h1, 400, Some(10));
    let forked_dir = write_sumdb(&dir.path().join("forked"), &forked);
    let out = go_download_with_cache(&go, dir.path(), &vkey, &forked_dir, "modcache2");
    // With -json, go reports the error in the JSON on stdout.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "go accepted the fork");
    // Go re-checks its stored tree head against the server's tiles before the lookup, so it
    // stops there; this client reads the new signed head first and proves the fork with it.
    assert!(
        said.contains("SECURITY ERROR") || said.contains("downloaded inconsistent tile"),
        "{said}"
    );
    let err = Client::new(&vkey, DirFetch(forked_dir), &ours)
        .unwrap()
        .zip_hash(MODULE, VERSION)
        .unwrap_err();
    assert!(matches!(err, SumdbError::Fork(_)), "{err:?}");

    // An honest extension of the first log is accepted by both.
    let grown = database_of(&skey, &zip_h1, 300, None);
    let mut grown = grown;
    for i in 0..50 {
        grown
            .add_module("example.com/later", &format!("v1.0.{i}"), "h1:l=", "h1:m=")
            .unwrap();
    }
    let grown_dir = write_sumdb(&dir.path().join("grown"), &grown);
    let out = go_download_with_cache(&go, dir.path(), &vkey, &grown_dir, "modcache3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Client::new(&vkey, DirFetch(grown_dir), &ours)
        .unwrap()
        .zip_hash(MODULE, VERSION)
        .unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("gopath/pkg/sumdb/sum.example.com/latest")).unwrap(),
        grown.signed_tree()
    );
    assert_eq!(
        std::fs::read(dir.path().join("gover-sumdb/sum.example.com/latest")).unwrap(),
        grown.signed_tree()
    );
}
