//! The checking client against databases built with `gover_sumdb::server`: lookups verify, the
//! newest tree head is stored, and every kind of tampering (tiles, records, keys, forks) is
//! refused.

use std::cell::RefCell;

use gover_sumdb::note::{NoteError, generate_key};
use gover_sumdb::server::Database;
use gover_sumdb::tlog::{self, TlogError};
use gover_sumdb::{Client, Fetch, FetchError, FileStore, MemoryStore, Store, SumdbError};

const MODULE: &str = "golang.org/toolchain";
const NAME: &str = "sum.example.com";

fn keys() -> (String, String) {
    generate_key(NAME, [1; 32]).unwrap()
}

fn version(i: u64) -> String {
    format!("v0.0.1-go1.{i}.linux-amd64")
}

fn zip_hash(i: u64) -> String {
    format!("h1:zip{i}=")
}

/// A database of `n` records; record i is `golang.org/toolchain@v0.0.1-go1.<i>.linux-amd64`,
/// except that records in `changed` get another zip hash (a different history).
fn database_with(skey: &str, height: u32, n: u64, changed: &[u64]) -> Database {
    let mut db = Database::new(skey).unwrap().with_tile_height(height);
    for i in 0..n {
        let hash = if changed.contains(&i) {
            format!("h1:EVIL{i}=")
        } else {
            zip_hash(i)
        };
        db.add_module(MODULE, &version(i), &hash, &format!("h1:gomod{i}="))
            .unwrap();
    }
    db
}

fn database(skey: &str, height: u32, n: u64) -> Database {
    database_with(skey, height, n, &[])
}

/// Rewrites the response at a path (`None`: not found).
type Edit<'a> = Box<dyn Fn(&str, Vec<u8>) -> Option<Vec<u8>> + 'a>;

/// Serves a database through an edit of each response, recording paths.
struct Tamper<'a> {
    db: &'a Database,
    edit: Edit<'a>,
    paths: RefCell<Vec<String>>,
}

impl<'a> Tamper<'a> {
    fn new(db: &'a Database, edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>> + 'a) -> Self {
        Tamper {
            db,
            edit: Box::new(edit),
            paths: RefCell::new(Vec::new()),
        }
    }
}

impl Fetch for Tamper<'_> {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        self.paths.borrow_mut().push(path.to_string());
        let data = self.db.fetch(path)?;
        (self.edit)(path, data).ok_or_else(|| FetchError::not_found(path, "tampered away"))
    }
}

fn flip_last_byte(mut data: Vec<u8>) -> Vec<u8> {
    *data.last_mut().unwrap() ^= 1;
    data
}

#[test]
fn lookup_verifies_records_across_tile_levels_and_stores_the_tree_head() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 300);
    let store = MemoryStore::new();
    let client = Client::new(&vkey, &db, &store).unwrap();
    assert_eq!(client.name(), NAME);
    for i in [0, 1, 255, 256, 299] {
        let lines = client.lookup(MODULE, &version(i)).unwrap();
        assert_eq!(
            lines,
            vec![
                format!("{MODULE} {} {}", version(i), zip_hash(i)),
                format!("{MODULE} {}/go.mod h1:gomod{i}=", version(i)),
            ]
        );
        assert_eq!(client.zip_hash(MODULE, &version(i)).unwrap(), zip_hash(i));
    }
    assert_eq!(store.latest(NAME), Some(db.signed_tree()));
    assert_eq!(client.latest().unwrap(), Some(db.log().tree()));
}

#[test]
fn a_log_of_height_2_tiles_verifies_through_every_level() {
    let (skey, vkey) = keys();
    let db = database(&skey, 2, 1000);
    let client = Client::new(&vkey, &db, MemoryStore::new())
        .unwrap()
        .with_tile_height(2);
    for i in [0, 3, 4, 15, 16, 63, 64, 255, 256, 511, 512, 998, 999] {
        assert_eq!(client.zip_hash(MODULE, &version(i)).unwrap(), zip_hash(i));
    }
}

#[test]
fn a_client_with_the_wrong_tile_height_fails_instead_of_trusting() {
    let (skey, vkey) = keys();
    let db = database(&skey, 2, 50);
    let client = Client::new(&vkey, &db, MemoryStore::new()).unwrap();
    let err = client.lookup(MODULE, &version(7)).unwrap_err();
    assert!(matches!(err, SumdbError::Proof { .. }), "{err:?}");
}

#[test]
fn a_tampered_tile_is_refused_at_every_level() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 300);
    for tile in ["tile/8/0/000", "tile/8/0/001.p/44", "tile/8/1/000.p/1"] {
        let fetch = Tamper::new(&db, |path, data| {
            Some(if path == tile {
                flip_last_byte(data)
            } else {
                data
            })
        });
        let store = MemoryStore::new();
        let client = Client::new(&vkey, &fetch, &store).unwrap();
        let err = client.lookup(MODULE, &version(5)).unwrap_err();
        assert!(
            matches!(
                err,
                SumdbError::Proof {
                    source: TlogError::InconsistentTile { .. },
                    ..
                }
            ),
            "{tile}: {err:?}"
        );
        assert!(err.is_security_error());
        assert!(
            fetch.paths.borrow().iter().any(|p| p == tile),
            "{tile} never fetched"
        );
    }
}

#[test]
fn a_short_tile_is_refused() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 300);
    let fetch = Tamper::new(&db, |path, mut data| {
        if path.starts_with("tile/") {
            data.pop();
        }
        Some(data)
    });
    let err = Client::new(&vkey, &fetch, MemoryStore::new())
        .unwrap()
        .lookup(MODULE, &version(5))
        .unwrap_err();
    assert!(
        matches!(
            err,
            SumdbError::Proof {
                source: TlogError::TileLength { .. },
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_tampered_record_is_refused() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 300);
    let fetch = Tamper::new(&db, |path, data| {
        if !path.starts_with("lookup/") {
            return Some(data);
        }
        let text = String::from_utf8(data).unwrap();
        Some(text.replacen("h1:zip5=", "h1:EVIL=", 1).into_bytes())
    });
    let store = MemoryStore::new();
    let err = Client::new(&vkey, &fetch, &store)
        .unwrap()
        .zip_hash(MODULE, &version(5))
        .unwrap_err();
    assert!(
        matches!(&err, SumdbError::RecordMismatch { id: 5, target, .. } if target.ends_with(&version(5))),
        "{err:?}"
    );
    assert!(err.is_security_error());
}

#[test]
fn a_record_claiming_another_index_is_refused() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 300);
    // Record 5's text served as if it were record 6.
    let fetch = Tamper::new(&db, |path, data| {
        if !path.starts_with("lookup/") {
            return Some(data);
        }
        let text = String::from_utf8(data).unwrap();
        Some(text.replacen("5\n", "6\n", 1).into_bytes())
    });
    let err = Client::new(&vkey, &fetch, MemoryStore::new())
        .unwrap()
        .lookup(MODULE, &version(5))
        .unwrap_err();
    assert!(
        matches!(err, SumdbError::RecordMismatch { id: 6, .. }),
        "{err:?}"
    );
}

#[test]
fn a_record_beyond_the_signed_tree_is_refused() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 300);
    let fetch = Tamper::new(&db, |path, data| {
        if !path.starts_with("lookup/") {
            return Some(data);
        }
        let text = String::from_utf8(data).unwrap();
        Some(text.replacen("5\n", "300\n", 1).into_bytes())
    });
    let err = Client::new(&vkey, &fetch, MemoryStore::new())
        .unwrap()
        .lookup(MODULE, &version(5))
        .unwrap_err();
    assert!(
        matches!(
            err,
            SumdbError::RecordNotInTree {
                id: 300,
                size: 300,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_tree_signed_by_another_key_is_refused() {
    let (skey, _) = keys();
    let (_, other_vkey) = generate_key(NAME, [2; 32]).unwrap();
    let db = database(&skey, 8, 10);
    let store = MemoryStore::new();
    let err = Client::new(&other_vkey, &db, &store)
        .unwrap()
        .lookup(MODULE, &version(1))
        .unwrap_err();
    assert!(
        matches!(
            &err,
            SumdbError::Note {
                source: NoteError::Unverified { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        store.latest(NAME),
        None,
        "an unverified tree head was stored"
    );
}

#[test]
fn a_bad_signature_by_our_key_is_refused() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 10);
    // Change the tree size in the signed text, keeping the signature.
    let fetch = Tamper::new(&db, |path, data| {
        if !path.starts_with("lookup/") {
            return Some(data);
        }
        let text = String::from_utf8(data).unwrap();
        Some(text.replacen("tree\n10\n", "tree\n11\n", 1).into_bytes())
    });
    let err = Client::new(&vkey, &fetch, MemoryStore::new())
        .unwrap()
        .lookup(MODULE, &version(1))
        .unwrap_err();
    assert!(
        matches!(
            err,
            SumdbError::Note {
                source: NoteError::InvalidSignature { .. },
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_security_error());
}

#[test]
fn a_growing_log_is_proved_consistent_and_the_newer_head_stored() {
    let (skey, vkey) = keys();
    let store = MemoryStore::new();
    let old = database(&skey, 8, 100);
    Client::new(&vkey, &old, &store)
        .unwrap()
        .lookup(MODULE, &version(3))
        .unwrap();
    assert_eq!(store.latest(NAME), Some(old.signed_tree()));

    let new = database(&skey, 8, 300);
    let fetch = Tamper::new(&new, |_, data| Some(data));
    let client = Client::new(&vkey, &fetch, &store).unwrap();
    assert_eq!(
        client.zip_hash(MODULE, &version(299)).unwrap(),
        zip_hash(299)
    );
    assert_eq!(store.latest(NAME), Some(new.signed_tree()));
    // Proving tree 100 inside tree 300 needed the level-0 tiles of tree 300.
    assert!(fetch.paths.borrow().iter().any(|p| p == "tile/8/0/000"));
}

/// Lookups from one database, everything else (tiles, latest) from another.
struct Split<'a> {
    lookups: &'a Database,
    rest: &'a Database,
}

impl Fetch for Split<'_> {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        if path.starts_with("lookup/") {
            self.lookups.fetch(path)
        } else {
            self.rest.fetch(path)
        }
    }
}

#[test]
fn a_rewritten_history_is_a_fork_whatever_the_new_size() {
    let (skey, vkey) = keys();
    let honest = database(&skey, 8, 100);
    for (size, note) in [
        (100, "same size, another hash"),
        (300, "a larger tree without the stored one as prefix"),
        (60, "a smaller tree that is not a prefix of the stored one"),
    ] {
        let store = MemoryStore::new();
        store.set_latest(NAME, &honest.signed_tree()).unwrap();
        // The forked log differs in record 50, before every size tried.
        let forked = database_with(&skey, 8, size, &[50]);
        // Checking a smaller tree reads the stored (larger) tree's tiles: the honest ones here.
        let split = Split {
            lookups: &forked,
            rest: if size < 100 { &honest } else { &forked },
        };
        let err = Client::new(&vkey, &split, &store)
            .unwrap()
            .lookup(MODULE, &version(10))
            .unwrap_err();
        let SumdbError::Fork(fork) = &err else {
            panic!("{note}: {err:?}");
        };
        assert_eq!(fork.db, NAME);
        assert!(err.is_security_error());
        let message = err.to_string();
        assert!(message.starts_with("SECURITY ERROR"), "{message}");
        let stored = String::from_utf8(honest.signed_tree()).unwrap();
        assert!(message.contains(stored.trim_end()), "{message}");
        assert_eq!(
            store.latest(NAME),
            Some(honest.signed_tree()),
            "{note}: store changed"
        );
    }
}

#[test]
fn a_smaller_forked_log_alone_cannot_prove_itself() {
    let (skey, vkey) = keys();
    let honest = database(&skey, 8, 100);
    let store = MemoryStore::new();
    store.set_latest(NAME, &honest.signed_tree()).unwrap();
    // The forked server has no tiles of the stored tree: refused (not proved), store unchanged.
    let forked = database_with(&skey, 8, 60, &[50]);
    let err = Client::new(&vkey, &forked, &store)
        .unwrap()
        .lookup(MODULE, &version(10))
        .unwrap_err();
    assert!(matches!(err, SumdbError::Proof { .. }), "{err:?}");
    assert_eq!(store.latest(NAME), Some(honest.signed_tree()));
}

#[test]
fn an_older_consistent_tree_head_is_accepted_and_the_newer_kept() {
    let (skey, vkey) = keys();
    let newer = database(&skey, 8, 300);
    let older = database(&skey, 8, 200);
    let store = MemoryStore::new();
    store.set_latest(NAME, &newer.signed_tree()).unwrap();
    // A lagging cache: lookups carry the tree head of 200 records, tiles come from the log of 300.
    let split = Split {
        lookups: &older,
        rest: &newer,
    };
    let client = Client::new(&vkey, &split, &store).unwrap();
    assert_eq!(
        client.zip_hash(MODULE, &version(150)).unwrap(),
        zip_hash(150)
    );
    assert_eq!(client.latest().unwrap(), Some(newer.log().tree()));
    assert_eq!(store.latest(NAME), Some(newer.signed_tree()));
}

#[test]
fn refresh_fetches_latest_and_stores_it() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 42);
    let store = MemoryStore::new();
    let tree = Client::new(&vkey, &db, &store).unwrap().refresh().unwrap();
    assert_eq!(tree, db.log().tree());
    assert_eq!(store.latest(NAME), Some(db.signed_tree()));
}

#[test]
fn an_unknown_module_version_is_not_found() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 10);
    let err = Client::new(&vkey, &db, MemoryStore::new())
        .unwrap()
        .lookup(MODULE, "v0.0.1-go9.9.linux-amd64")
        .unwrap_err();
    assert!(matches!(&err, SumdbError::NotFound { .. }), "{err:?}");
    assert!(!err.is_security_error());
    assert!(err.hint().unwrap().contains("does not know this version"));
}

#[test]
fn module_paths_are_case_escaped_and_unsafe_ones_refused() {
    let (skey, vkey) = keys();
    let mut db = database(&skey, 8, 3);
    db.add_module(
        "github.com/Azure/go-x",
        "v1.0.0-RC1",
        "h1:azure=",
        "h1:azuremod=",
    )
    .unwrap();
    let fetch = Tamper::new(&db, |_, data| Some(data));
    let client = Client::new(&vkey, &fetch, MemoryStore::new()).unwrap();
    assert_eq!(
        client
            .zip_hash("github.com/Azure/go-x", "v1.0.0-RC1")
            .unwrap(),
        "h1:azure="
    );
    assert_eq!(
        fetch.paths.borrow()[0],
        "lookup/github.com/!azure/go-x@v1.0.0-!r!c1"
    );

    fetch.paths.borrow_mut().clear();
    for (module, version) in [
        ("../../latest", "v1"),
        ("example.com/a?b", "v1"),
        ("example.com/a", "v1/../../x"),
        ("example.com/a", "v1#x"),
        ("example.com//a", "v1"),
        ("", "v1"),
        ("example.com/a", ""),
    ] {
        let err = client.lookup(module, version).unwrap_err();
        assert!(
            matches!(err, SumdbError::BadModule { .. }),
            "{module}@{version}: {err:?}"
        );
    }
    assert!(
        fetch.paths.borrow().is_empty(),
        "fetched {:?}",
        fetch.paths.borrow()
    );
}

#[test]
fn only_the_asked_versions_lines_are_returned() {
    let (skey, vkey) = keys();
    let mut db = database(&skey, 8, 3);
    // A record holding lines of another module and another version too.
    db.add(
        MODULE,
        "v1.0.0",
        &format!(
            "{MODULE} v1.0.0 h1:one=\n{MODULE} v1.0.0-rc h1:rc=\nother.org/x v1.0.0 h1:x=\n{MODULE} v1.0.0/go.mod h1:mod=\n"
        ),
    )
    .unwrap();
    let client = Client::new(&vkey, &db, MemoryStore::new()).unwrap();
    assert_eq!(
        client.lookup(MODULE, "v1.0.0").unwrap(),
        [
            format!("{MODULE} v1.0.0 h1:one="),
            format!("{MODULE} v1.0.0/go.mod h1:mod=")
        ]
    );

    db.add(
        MODULE,
        "v2.0.0",
        &format!("{MODULE} v2.0.0/go.mod h1:mod=\n"),
    )
    .unwrap();
    let client = Client::new(&vkey, &db, MemoryStore::new()).unwrap();
    assert!(matches!(
        client.zip_hash(MODULE, "v2.0.0"),
        Err(SumdbError::NoZipHash { .. })
    ));
}

#[test]
fn a_malformed_lookup_response_is_refused() {
    let (skey, vkey) = keys();
    let db = database(&skey, 8, 10);
    let fetch = Tamper::new(&db, |path, data| {
        Some(if path.starts_with("lookup/") {
            b"not a record".to_vec()
        } else {
            data
        })
    });
    let err = Client::new(&vkey, &fetch, MemoryStore::new())
        .unwrap()
        .lookup(MODULE, &version(1))
        .unwrap_err();
    assert!(matches!(err, SumdbError::Malformed { .. }), "{err:?}");
}

#[test]
fn a_stored_tree_head_that_does_not_verify_is_an_error() {
    let (skey, vkey) = keys();
    let (other_skey, _) = generate_key(NAME, [3; 32]).unwrap();
    let db = database(&skey, 8, 10);
    let store = MemoryStore::new();
    store
        .set_latest(NAME, &database(&other_skey, 8, 10).signed_tree())
        .unwrap();
    let err = Client::new(&vkey, &db, &store)
        .unwrap()
        .lookup(MODULE, &version(1))
        .unwrap_err();
    assert!(
        matches!(&err, SumdbError::Note { path, .. } if path == "the stored tree head"),
        "{err:?}"
    );
}

#[test]
fn bad_verifier_keys_are_refused() {
    let db = database(&keys().0, 8, 1);
    for key in ["", "sum.golang.org", "sum.golang.org+033de0ae+AAAA"] {
        assert!(matches!(
            Client::new(key, &db, MemoryStore::new()),
            Err(SumdbError::Key(_))
        ));
    }
    Client::new(
        "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8\n",
        &db,
        MemoryStore::new(),
    )
    .unwrap();
}

#[test]
fn file_store_keeps_one_file_per_database_and_refuses_escaping_names() {
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("sumdb"));
    assert_eq!(store.latest("sum.golang.org"), None);
    store.set_latest("sum.golang.org", b"one").unwrap();
    store.set_latest("sum.golang.org", b"two").unwrap();
    store.set_latest("example.com/sumdb", b"three").unwrap();
    assert_eq!(store.latest("sum.golang.org").as_deref(), Some(&b"two"[..]));
    assert_eq!(
        std::fs::read(dir.path().join("sumdb/sum.golang.org/latest")).unwrap(),
        b"two"
    );
    assert_eq!(
        std::fs::read(dir.path().join("sumdb/example.com/sumdb/latest")).unwrap(),
        b"three"
    );
    // No temporary files are left beside the note.
    assert_eq!(
        std::fs::read_dir(dir.path().join("sumdb/sum.golang.org"))
            .unwrap()
            .count(),
        1
    );
    for bad in ["../evil", "a/../../evil", "/abs", "a//b", ".", ""] {
        assert!(store.set_latest(bad, b"x").is_err(), "{bad:?}");
        assert_eq!(store.latest(bad), None);
    }
    assert!(!dir.path().join("evil").exists());
}

#[test]
fn the_client_works_with_a_file_store_across_runs() {
    let (skey, vkey) = keys();
    let dir = tempfile::tempdir().unwrap();
    let db = database(&skey, 8, 20);
    Client::new(&vkey, &db, FileStore::new(dir.path()))
        .unwrap()
        .lookup(MODULE, &version(1))
        .unwrap();
    let forked = database_with(&skey, 8, 30, &[2]);
    let err = Client::new(&vkey, &forked, FileStore::new(dir.path()))
        .unwrap()
        .lookup(MODULE, &version(25))
        .unwrap_err();
    assert!(matches!(err, SumdbError::Fork(_)), "{err:?}");
}

#[test]
fn a_static_file_set_serves_the_same_as_the_database() {
    let (skey, _) = keys();
    let db = database(&skey, 8, 300);
    let files = db.files();
    assert_eq!(files[0], ("latest".to_string(), db.signed_tree()));
    for (path, data) in &files {
        assert_eq!(db.serve(path).as_ref(), Some(data), "{path}");
    }
    let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"tile/8/0/001.p/44"));
    assert!(paths.contains(&"lookup/golang.org/toolchain@v0.0.1-go1.7.linux-amd64"));
    assert!(paths.contains(&"tile/8/0/000.p/7"));
    // latest, 300 lookups, level 0: 256 widths of tile 0 and 44 of tile 1, level 1: one.
    assert_eq!(files.len(), 1 + 300 + 256 + 44 + 1);
    // The tree note is the format Go writes.
    let tree = tlog::parse_tree(&db.signed_tree()).unwrap();
    assert_eq!(tree, db.log().tree());
}

/// A small deterministic generator (xorshift), so the test needs no dependency and repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Mutates `data` one of several ways: flip a bit, drop or add bytes, cut it, replace it.
fn mutate(rng: &mut Rng, mut data: Vec<u8>) -> Vec<u8> {
    match rng.below(6) {
        0 if !data.is_empty() => {
            let i = rng.below(data.len());
            data[i] ^= 1 << rng.below(8);
        }
        1 if !data.is_empty() => {
            let i = rng.below(data.len());
            data.truncate(i);
        }
        2 => {
            let i = rng.below(data.len() + 1);
            data.insert(i, rng.next() as u8);
        }
        3 if !data.is_empty() => {
            let i = rng.below(data.len());
            data.remove(i);
        }
        4 => {
            let n = rng.below(64);
            data = (0..n).map(|_| rng.next() as u8).collect();
        }
        _ => {
            // A digit changed: record ids, tree sizes, tile widths.
            if let Some(i) = data.iter().position(u8::is_ascii_digit) {
                data[i] = b'0' + rng.below(10) as u8;
            }
        }
    }
    data
}

/// Whatever one response is changed to, a lookup either fails or returns exactly the honest
/// answer, never panics, and the stored tree head is either untouched or the honest one.
#[test]
fn no_change_to_any_response_yields_another_verified_answer() {
    let (skey, vkey) = keys();
    let db = database(&skey, 2, 40);
    let honest = Client::new(&vkey, &db, MemoryStore::new())
        .unwrap()
        .with_tile_height(2)
        .lookup(MODULE, &version(17))
        .unwrap();
    // Every path an honest lookup reads.
    let probe = Tamper::new(&db, |_, data| Some(data));
    Client::new(&vkey, &probe, MemoryStore::new())
        .unwrap()
        .with_tile_height(2)
        .lookup(MODULE, &version(17))
        .unwrap();
    let paths = probe.paths.borrow().clone();
    assert!(paths.len() > 3, "{paths:?}");

    let mut rng = Rng(0x9e3779b97f4a7c15);
    for round in 0..1000 {
        let target = paths[rng.below(paths.len())].clone();
        let seed = rng.next();
        let fetch = Tamper::new(&db, |path, data| {
            if path != target {
                return Some(data);
            }
            let mut local = Rng(seed | 1);
            Some(mutate(&mut local, data))
        });
        let store = MemoryStore::new();
        let result = Client::new(&vkey, &fetch, &store)
            .unwrap()
            .with_tile_height(2)
            .lookup(MODULE, &version(17));
        match result {
            Ok(lines) => assert_eq!(lines, honest, "round {round}: {target}"),
            Err(_) => {
                let stored = store.latest(NAME);
                assert!(
                    stored.is_none() || stored == Some(db.signed_tree()),
                    "round {round}: {target}: stored {stored:?}"
                );
            }
        }
    }
}

/// A store another process writes to between our load and our write.
struct Racing {
    inner: MemoryStore,
    reads: std::cell::Cell<usize>,
    written_by_other: Vec<u8>,
}

impl Store for Racing {
    fn latest(&self, db_name: &str) -> Option<Vec<u8>> {
        self.reads.set(self.reads.get() + 1);
        if self.reads.get() == 2 {
            // The other process stores its (newer) head just now.
            self.inner
                .set_latest(db_name, &self.written_by_other)
                .unwrap();
        }
        self.inner.latest(db_name)
    }
    fn set_latest(&self, db_name: &str, note: &[u8]) -> std::io::Result<()> {
        self.inner.set_latest(db_name, note)
    }
}

#[test]
fn a_newer_head_stored_meanwhile_by_another_process_is_kept() {
    let (skey, vkey) = keys();
    let newer = database(&skey, 8, 300);
    let older = database(&skey, 8, 200);
    let store = Racing {
        inner: MemoryStore::new(),
        reads: std::cell::Cell::new(0),
        written_by_other: newer.signed_tree(),
    };
    let split = Split {
        lookups: &older,
        rest: &newer,
    };
    let client = Client::new(&vkey, &split, &store).unwrap();
    assert_eq!(
        client.zip_hash(MODULE, &version(150)).unwrap(),
        zip_hash(150)
    );
    assert_eq!(store.inner.latest(NAME), Some(newer.signed_tree()));
    assert_eq!(client.latest().unwrap(), Some(newer.log().tree()));

    // A forked head stored meanwhile is refused (the tiles served do not authenticate against
    // it), and not overwritten.
    let forked = database_with(&skey, 8, 300, &[20]);
    let store = Racing {
        inner: MemoryStore::new(),
        reads: std::cell::Cell::new(0),
        written_by_other: forked.signed_tree(),
    };
    let err = Client::new(&vkey, &split, &store)
        .unwrap()
        .zip_hash(MODULE, &version(150))
        .unwrap_err();
    assert!(err.is_security_error(), "{err:?}");
    assert_eq!(store.inner.latest(NAME), Some(forked.signed_tree()));
}
