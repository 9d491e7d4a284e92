//! The unpacker against arbitrary bytes (gzip'd as they are, and wrapped in a valid gzip
//! stream so the tar layer is reached): it returns Ok or a typed error, never writes outside
//! its destination dir, and stays within its bounds. The bounds are set small (by the first
//! byte) so the fuzzer reaches them: bytes, entries, path and extension-header lengths.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

use gover::install::unpack::{BoundError, Limits, Options, UnpackError, unpack};

fn unpack_checked(archive: &[u8], limits: Limits) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("stage");
    std::fs::create_dir(&dest).unwrap();
    // The store is always on: what unpacked is adopted, as after a verified install.
    let options = Options {
        limits,
        ..Options::new(None, 2, tmp.path().join("store"))
    };
    let result = unpack(archive, &dest, &options, || {});
    let result = result.map(|new_files| options.store.adopt_all(new_files, 2));
    if result.is_ok() {
        // Nothing past the bounds was written: no more entries than allowed, no longer path.
        let mut entries = 0u64;
        let mut bytes = 0u64;
        for e in walk(&dest) {
            entries += 1;
            let rel = e.strip_prefix(&dest).unwrap();
            assert!(rel.as_os_str().len() + 3 <= limits.path_len, "{rel:?}");
            if let Ok(m) = std::fs::symlink_metadata(&e) {
                bytes += m.len();
            }
        }
        assert!(entries <= limits.entries, "{entries} entries");
        assert!(bytes <= limits.unpacked_bytes, "{bytes} bytes");
    }
    if let Err(UnpackError::Bound(BoundError::UnpackedBytes { limit })) = result {
        assert_eq!(limit, limits.unpacked_bytes);
    }
    let mut outside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|name| name != "store")
        .collect();
    outside.sort();
    assert_eq!(
        outside,
        ["stage"],
        "the unpacker wrote outside its destination"
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(read) = std::fs::read_dir(dir) {
        for e in read.flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walk(&p));
            }
            out.push(p);
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&knob, data)) = data.split_first() else {
        return;
    };
    // Small bounds, picked by the first byte, so that breaking each is reachable.
    let limits = Limits {
        unpacked_bytes: 4096 << (knob & 7),
        entries: 4 + u64::from(knob >> 4),
        path_len: 40 + usize::from(knob & 0x30),
        component_len: 30,
        path_bytes: 1024,
        extension_len: 256,
    };
    unpack_checked(data, limits);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    unpack_checked(&gz.finish().unwrap(), limits);
});
