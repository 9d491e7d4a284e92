//! The checksum-database client against a hostile server. The first input byte picks one
//! response of an honest database (the lookup, `latest` or a tile at any level) and the rest
//! replaces it; the same bytes also go to the parsers directly (signed note, tree, record, tile
//! path). Nothing panics, and a lookup that succeeds returns exactly the honest lines.
#![no_main]

use std::sync::OnceLock;

use gover_sumdb::note::{self, Verifier, generate_key};
use gover_sumdb::server::Database;
use gover_sumdb::tlog::{self, Tile};
use gover_sumdb::{Client, Fetch, FetchError, MemoryStore};
use libfuzzer_sys::fuzz_target;

const MODULE: &str = "golang.org/toolchain";
const VERSION: &str = "v0.0.1-go1.17.linux-amd64";

struct Honest {
    db: Database,
    vkey: String,
    /// Every path an honest lookup reads.
    paths: Vec<String>,
    lines: Vec<String>,
}

/// Records what is fetched.
struct Probe<'a>(&'a Database, std::cell::RefCell<Vec<String>>);

impl Fetch for Probe<'_> {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        self.1.borrow_mut().push(path.to_string());
        self.0.fetch(path)
    }
}

fn honest() -> &'static Honest {
    static HONEST: OnceLock<Honest> = OnceLock::new();
    HONEST.get_or_init(|| {
        let (skey, vkey) = generate_key("sum.example.com", [1; 32]).unwrap();
        let mut db = Database::new(&skey).unwrap().with_tile_height(2);
        for i in 0..40 {
            let v = format!("v0.0.1-go1.{i}.linux-amd64");
            db.add_module(MODULE, &v, &format!("h1:zip{i}="), "h1:mod=").unwrap();
        }
        let probe = Probe(&db, Default::default());
        let client = Client::new(&vkey, &probe, MemoryStore::new())
            .unwrap()
            .with_tile_height(2);
        let lines = client.lookup(MODULE, VERSION).unwrap();
        let mut paths = probe.1.take();
        paths.push("latest".to_string());
        Honest {
            db,
            vkey,
            paths,
            lines,
        }
    })
}

/// Serves the honest database, except `target`, which answers `data`.
struct Replace<'a> {
    db: &'a Database,
    target: &'a str,
    data: &'a [u8],
}

impl Fetch for Replace<'_> {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        if path == self.target {
            Ok(self.data.to_vec())
        } else {
            self.db.fetch(path)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let h = honest();

    let _ = tlog::parse_tree(data);
    let _ = tlog::parse_record(data);
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(tile) = Tile::parse_path(s) {
            assert_eq!(tile.path(), s);
        }
    }
    let _ = note::open(data, &[Verifier::parse(&h.vkey).unwrap()]);

    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let target = &h.paths[pick as usize % h.paths.len()];
    let fetch = Replace {
        db: &h.db,
        target,
        data: rest,
    };
    let client = Client::new(&h.vkey, fetch, MemoryStore::new())
        .unwrap()
        .with_tile_height(2);
    if target == "latest" {
        let _ = client.refresh();
    }
    if let Ok(lines) = client.lookup(MODULE, VERSION) {
        assert_eq!(lines, h.lines, "a changed {target} gave another answer");
    }
});
