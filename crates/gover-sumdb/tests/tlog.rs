//! The transparency log, with the test vectors and checks of Go's `golang.org/x/mod/sumdb/tlog`
//! (`tlog_test.go`, `tile_test.go`, `note_test.go`).

use std::cell::Cell;
use std::collections::HashMap;

use gover_sumdb::tlog::format::FormatError;
use gover_sumdb::tlog::tile::{hash_from_tile, new_tiles, read_tile_data, tile_for_index};
use gover_sumdb::tlog::{
    self, HASH_SIZE, Hash, HashReader, MemoryLog, Tile, TileHashReader, TileReader, TlogError,
    Tree, check_record, check_tree, prove_record, prove_tree, record_hash, split_stored_hash_index,
    stored_hash_count, stored_hash_index, stored_hashes_for_record_hash, tree_hash,
};

#[test]
fn format_and_parse_tree() {
    let tree = Tree {
        n: 123456789012,
        hash: record_hash(b"hello world"),
    };
    let golden =
        "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
    assert_eq!(tlog::format_tree(&tree), golden);
    assert_eq!(tlog::parse_tree(golden.as_bytes()), Ok(tree));
    for bad in [
        format!("not-{golden}"),
        "go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
        "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n".into(),
        "go.sum database tree\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
        "go.sum database tree\n123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=".into(),
        // A size no real log reaches, which would overflow index arithmetic.
        "go.sum database tree\n18446744073709551615\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n".into(),
    ] {
        assert!(matches!(tlog::parse_tree(bad.as_bytes()), Err(FormatError::Tree(_))), "{bad:?}");
    }
    // Junk after the three lines is ignored.
    for good in [
        format!("{golden}JOE"),
        format!("{golden}JOE\n"),
        format!("{golden}{}", "JOE\n".repeat(1000)),
    ] {
        assert_eq!(tlog::parse_tree(good.as_bytes()), Ok(tree));
    }
}

#[test]
fn format_and_parse_record() {
    let msg = tlog::format_record(123456789012, b"hello, world\n").unwrap();
    assert_eq!(msg, b"123456789012\nhello, world\n\n");
    for bad in ["", "hello\nworld", "hello\n\nworld\n", "hello\x01world\n"] {
        assert!(tlog::format_record(1, bad.as_bytes()).is_err(), "{bad:?}");
    }

    let (id, text, rest) =
        tlog::parse_record(b"123456789012\nhello, world\n\njunk on end\x01\xff").unwrap();
    assert_eq!(
        (id, text, rest),
        (
            123456789012,
            &b"hello, world\n"[..],
            &b"junk on end\x01\xff"[..]
        )
    );
    let (id, text, rest) = tlog::parse_record(b"123456789012\nhello, world\n\n").unwrap();
    assert_eq!(
        (id, text, rest),
        (123456789012, &b"hello, world\n"[..], &b""[..])
    );
    for bad in [
        &b"not-123456789012\nhello, world\n\n"[..],
        b"123\nhello\x01world\n\n",
        b"123\nhello\xffworld\n\n",
        b"123\nhello world\n",
        b"0x123\nhello world\n\n",
    ] {
        assert!(
            tlog::parse_record(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn split_stored_hash_index_inverts_stored_hash_index() {
    for level in 0..10 {
        for n in 0..100 {
            let x = stored_hash_index(level, n);
            assert_eq!(split_stored_hash_index(x), (level, n), "index {x}");
        }
    }
}

#[test]
fn tile_paths() {
    let cases = [
        ("tile/4/0/001", Some((4, 0, 1, 16))),
        ("tile/4/0/001.p/5", Some((4, 0, 1, 5))),
        ("tile/3/5/x123/x456/078", Some((3, 5, 123456078, 8))),
        ("tile/3/5/x123/x456/078.p/2", Some((3, 5, 123456078, 2))),
        ("tile/1/0/x003/x057/500", Some((1, 0, 3057500, 2))),
        ("tile/1/data/x003/x057/500", Some((1, -1, 3057500, 2))),
        ("tile/3/5/123/456/078", None),
        ("tile/3/-1/123/456/078", None),
        ("tile/4/0/001.p/16", None),
        ("tile/4/0/001.p/0", None),
        ("tile/4/0/1", None),
        ("tile/31/0/001", None),
        ("tile/8/0/x999/x999/x999/x999/x999/x999/x999/999", None),
        ("tiles/4/0/001", None),
    ];
    for (path, want) in cases {
        let got = Tile::parse_path(path).ok();
        let want = want.map(|(height, level, n, width)| Tile {
            height,
            level,
            n,
            width,
        });
        assert_eq!(got, want, "{path}");
        if let Some(t) = want {
            assert_eq!(t.path(), path);
        }
    }
}

#[test]
fn new_tiles_counts() {
    for (old, new, want) in [
        (1, 1, 0),
        (100, 101, 1),
        (1023, 1025, 3),
        (1024, 1030, 1),
        (1030, 2000, 1),
        (1030, 10000, 10),
        (49516517, 49516586, 3),
    ] {
        assert_eq!(new_tiles(10, old, new).len(), want, "{old}-{new}");
    }
}

/// Tiles served from a map, counting reads.
struct MapTiles {
    height: u32,
    tiles: HashMap<Tile, Vec<u8>>,
    reads: Cell<usize>,
}

impl TileReader for MapTiles {
    fn height(&self) -> u32 {
        self.height
    }
    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, TlogError> {
        self.reads.set(self.reads.get() + tiles.len());
        Ok(tiles
            .iter()
            .map(|t| self.tiles.get(t).cloned().unwrap_or_default())
            .collect())
    }
}

/// Go's TestTree: for every size up to 100, hashes, tiles, and record and tree proofs agree,
/// read directly and through authenticated tiles of height 2; corrupt proofs fail.
#[test]
fn tree_hashes_tiles_and_proofs_agree() {
    const H: u32 = 2;
    let mut storage: Vec<Hash> = Vec::new();
    let mut trees: Vec<Hash> = Vec::new();
    let mut leaves: Vec<Hash> = Vec::new();
    let mut tiles: HashMap<Tile, Vec<u8>> = HashMap::new();
    for i in 0..100u64 {
        let data = format!("leaf {i}");
        let hashes =
            stored_hashes_for_record_hash(i, record_hash(data.as_bytes()), &storage).unwrap();
        leaves.push(record_hash(data.as_bytes()));
        let old_len = storage.len();
        storage.extend(hashes);
        assert_eq!(stored_hash_count(i + 1), storage.len() as u64);
        let th = tree_hash(i + 1, &storage).unwrap();

        for tile in new_tiles(H, i, i + 1) {
            let data = read_tile_data(&tile, &storage).unwrap();
            let old = Tile {
                width: tile.width - 1,
                ..tile
            };
            let old_data = tiles.get(&old).cloned().unwrap_or_default();
            assert_eq!(old_data.len(), data.len() - HASH_SIZE, "{}", tile.path());
            assert_eq!(
                old_data[..],
                data[..old_data.len()],
                "tile {} extends {}",
                tile.path(),
                old.path()
            );
            tiles.insert(tile, data);
        }
        for tile in new_tiles(H, 0, i + 1)
            .into_iter()
            .chain(new_tiles(H, i / 2, i + 1))
        {
            assert_eq!(tiles[&tile], read_tile_data(&tile, &storage).unwrap());
        }
        for (j, stored) in storage.iter().enumerate().skip(old_len) {
            let tile = tile_for_index(H, j as u64);
            let data = tiles
                .get(&tile)
                .unwrap_or_else(|| panic!("tile {} not stored", tile.path()));
            assert_eq!(hash_from_tile(&tile, data, j as u64).unwrap(), *stored);
        }
        trees.push(th);

        for j in 0..=i {
            let mut p = prove_record(i + 1, j, &storage).unwrap();
            check_record(&p, i + 1, &th, j, &leaves[j as usize]).unwrap();
            for k in 0..p.len() {
                p[k].0[0] ^= 1;
                assert!(check_record(&p, i + 1, &th, j, &leaves[j as usize]).is_err());
                p[k].0[0] ^= 1;
            }
        }

        let reader = MapTiles {
            height: H,
            tiles: tiles.clone(),
            reads: Cell::new(0),
        };
        let thr = TileHashReader::new(Tree { n: i + 1, hash: th }, &reader);
        for j in 0..=i {
            let h = thr.read_hashes(&[stored_hash_index(0, j)]).unwrap();
            assert_eq!(h[0], leaves[j as usize]);
            let p = prove_record(i + 1, j, &thr).unwrap();
            check_record(&p, i + 1, &th, j, &leaves[j as usize]).unwrap();
        }
        assert!(matches!(
            thr.read_hashes(&[(i + 1) * 2]),
            Err(TlogError::IndexNotInTree { .. })
        ));
        for j in 0..=i {
            assert_eq!(tree_hash(j + 1, &thr).unwrap(), trees[j as usize]);
            let mut p = prove_tree(i + 1, j + 1, &thr).unwrap();
            check_tree(&p, i + 1, &th, j + 1, &trees[j as usize]).unwrap();
            for k in 0..p.len() {
                p[k].0[0] ^= 1;
                assert!(check_tree(&p, i + 1, &th, j + 1, &trees[j as usize]).is_err());
                p[k].0[0] ^= 1;
            }
        }
        assert!(reader.reads.get() > 0);
    }
}

/// Go's TestTileHashReader: every stored hash reads back through authenticated tiles, and
/// zeroing any one hash (or the bottom-row hashes it is computed from) in the tiles served is
/// detected, for a single hash and for all of them at once.
#[test]
fn tampering_with_any_hash_in_any_tile_is_detected() {
    const H: u32 = 2;
    let mut log = MemoryLog::new();
    for n in 1..=40u64 {
        log.append(format!("leaf {}", n - 1).as_bytes());
        let tree = log.tree();
        // Serve every tile any read may ask for (any width up to the tree's).
        let serve = |tampered: Option<u64>| {
            let mut tiles = HashMap::new();
            for level in 0..6 {
                for tn in 0..=(n >> (H * level)) >> H {
                    for w in 1..=(1u32 << H) {
                        let t = Tile {
                            height: H,
                            level: level as i32,
                            n: tn,
                            width: w,
                        };
                        if let Some(mut d) = log.tile_data(&t, n) {
                            if let Some(x) = tampered {
                                let (lvl, xn) = split_stored_hash_index(x);
                                let in_tile = lvl % H;
                                if lvl / H == level && (xn << in_tile) >> H == tn {
                                    let first = ((xn << in_tile) % (1 << H)) as usize * HASH_SIZE;
                                    let end = first + (1usize << in_tile) * HASH_SIZE;
                                    if end <= d.len() {
                                        d[first..end].fill(0);
                                    }
                                }
                            }
                            tiles.insert(t, d);
                        }
                    }
                }
            }
            MapTiles {
                height: H,
                tiles,
                reads: Cell::new(0),
            }
        };
        let honest = serve(None);
        let thr = TileHashReader::new(tree, &honest);
        let indexes: Vec<u64> = (0..stored_hash_index(0, n)).collect();
        assert_eq!(
            thr.read_hashes(&indexes).unwrap(),
            log.hashes()[..indexes.len()]
        );
        for &i in &indexes {
            assert_eq!(thr.read_hashes(&[i]).unwrap()[0], log.hashes()[i as usize]);
            let bad = serve(Some(i));
            let thz = TileHashReader::new(tree, &bad);
            assert!(
                thz.read_hashes(&[i]).is_err(),
                "n={n}: tampered hash {i} read back"
            );
            assert!(
                thz.read_hashes(&indexes).is_err(),
                "n={n}: tampered hash {i} in a read of all"
            );
        }
    }
}

#[test]
fn a_tile_of_the_wrong_length_is_refused() {
    let mut log = MemoryLog::new();
    for i in 0..10 {
        log.append(format!("leaf {i}").as_bytes());
    }
    let mut tiles: HashMap<Tile, Vec<u8>> = log.tiles(2).into_iter().collect();
    let t = *tiles.keys().find(|t| t.level == 0 && t.n == 0).unwrap();
    tiles.get_mut(&t).unwrap().extend_from_slice(&[0; 32]);
    let reader = MapTiles {
        height: 2,
        tiles,
        reads: Cell::new(0),
    };
    let thr = TileHashReader::new(log.tree(), &reader);
    assert!(matches!(
        thr.read_hashes(&[stored_hash_index(0, 0)]),
        Err(TlogError::TileLength {
            got: 160,
            want: 128,
            ..
        })
    ));
}

#[test]
fn memory_log_serves_only_tiles_its_tree_has() {
    let mut log = MemoryLog::new();
    for i in 0..300 {
        log.append(format!("leaf {i}").as_bytes());
    }
    let full0 = Tile {
        height: 8,
        level: 0,
        n: 0,
        width: 256,
    };
    assert_eq!(log.tile_data(&full0, 300).unwrap().len(), 256 * 32);
    assert!(log.tile_data(&full0, 255).is_none());
    let part = Tile {
        height: 8,
        level: 0,
        n: 1,
        width: 44,
    };
    assert!(log.tile_data(&part, 300).is_some());
    assert!(log.tile_data(&Tile { width: 45, ..part }, 300).is_none());
    assert!(
        log.tile_data(
            &Tile {
                height: 8,
                level: 1,
                n: 0,
                width: 1
            },
            300
        )
        .is_some()
    );
    assert!(
        log.tile_data(
            &Tile {
                height: 8,
                level: -1,
                n: 0,
                width: 1
            },
            300
        )
        .is_none()
    );
    let paths: Vec<String> = log.tiles(8).iter().map(|(t, _)| t.path()).collect();
    assert_eq!(
        paths,
        ["tile/8/0/000", "tile/8/0/001.p/44", "tile/8/1/000.p/1"]
    );
}
