//! The checking client against databases built with `gover_sumdb::server`: lookups verify, and
//! every kind of tampering (tiles, records, keys, forks) is refused.

use gover_sumdb::note::generate_key;
use gover_sumdb::server::Database;
use gover_sumdb::{Client, MemoryStore};

const MODULE: &str = "golang.org/toolchain";

fn keys(name: &str, seed: u8) -> (String, String) {
    generate_key(name, [seed; 32]).unwrap()
}

/// A database of `n` records; record i is `golang.org/toolchain@v0.0.1-go1.<i>.linux-amd64`.
fn database(skey: &str, height: u32, n: u64) -> Database {
    let mut db = Database::new(skey).unwrap().with_tile_height(height);
    for i in 0..n {
        let version = version(i);
        db.add_module(MODULE, &version, &zip_hash(i), &format!("h1:gomod{i}="))
            .unwrap();
    }
    db
}

fn version(i: u64) -> String {
    format!("v0.0.1-go1.{i}.linux-amd64")
}

fn zip_hash(i: u64) -> String {
    format!("h1:zip{i}=")
}

#[test]
fn lookup_verifies_records_across_tile_levels() {
    let (skey, vkey) = keys("sum.example.com", 1);
    let db = database(&skey, 8, 300);
    let store = MemoryStore::new();
    let client = Client::new(&vkey, &db, &store).unwrap();
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
}
