//! The unpacker against arbitrary bytes (gzip'd as they are, and wrapped in a valid gzip
//! stream so the tar layer is reached): it returns Ok or a typed error, and never writes
//! outside its destination dir.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;

fn unpack_checked(archive: &[u8]) {
    let tmp = tempfile::tempdir().unwrap();
    let dest = tmp.path().join("stage");
    std::fs::create_dir(&dest).unwrap();
    let _ = gover::install::unpack::unpack(archive, &dest, || {});
    let outside: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        outside,
        ["stage"],
        "the unpacker wrote outside its destination"
    );
}

fuzz_target!(|data: &[u8]| {
    unpack_checked(data);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    unpack_checked(&gz.finish().unwrap());
});
