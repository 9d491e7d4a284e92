//! Writes a checksum database, as static files, for the benchmark's loopback GOPROXY
//! (`benches/bench.py`, the proxy row): `OUT/sumdb/<name>/{supported,latest,lookup/…,tile/…}`,
//! vouching for the given module versions after 300 padding records (so lookups need level-1
//! tiles, as on sum.golang.org). Prints the verifier key to give as `GOSUMDB`.
//!
//! Usage: `static_sumdb OUT NAME MODULE VERSION ZIP_H1 GO_MOD_H1 [VERSION ZIP_H1 GO_MOD_H1]…`

use std::path::Path;

use gover_sumdb::server::Database;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 6 || !(args.len() - 3).is_multiple_of(3) {
        eprintln!(
            "usage: static_sumdb OUT NAME MODULE VERSION ZIP_H1 GO_MOD_H1 [VERSION ZIP_H1 GO_MOD_H1]..."
        );
        std::process::exit(2);
    }
    let (out, name, module) = (Path::new(&args[0]), &args[1], &args[2]);
    let (skey, vkey) = gover_sumdb::note::generate_key(name, [42; 32]).expect("a key");
    let mut db = Database::new(&skey).expect("a database");
    let pad = "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
    for i in 0..300 {
        db.add_module(&format!("example.com/pad{i}"), "v1.0.0", pad, pad)
            .expect("a padding record");
    }
    for v in args[3..].chunks(3) {
        db.add_module(module, &v[0], &v[1], &v[2])
            .expect("a record");
    }
    let root = out.join("sumdb").join(name);
    std::fs::create_dir_all(&root).expect("create the database dir");
    std::fs::write(root.join("supported"), b"").expect("write supported");
    for (path, bytes) in db.files() {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().expect("a parent")).expect("create a dir");
        std::fs::write(&file, bytes).expect("write a database file");
    }
    println!("{vkey}");
}
