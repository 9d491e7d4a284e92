//! The release index: any bytes either parse or fail with a typed error, every question
//! gover asks of a parsed index answers without panicking, and every name a parsed index
//! holds, and every archive it hands out, is a single safe path component.
#![no_main]

use gover::source::dist::{Index, Platform};
use gover::version::VersionRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(index) = Index::parse(data, "fuzz://index") else {
        return;
    };
    let _ = index.versions().count();
    for release in &index.releases {
        assert_safe(&release.version);
        for file in &release.files {
            assert_safe(&file.filename);
        }
    }
    for spec in ["latest", "1.22", "1.22.5", "1.23rc1", "1"] {
        let Ok(request) = VersionRequest::parse(spec) else {
            continue;
        };
        if let Ok((version, release)) = index.resolve(&request) {
            if let Ok(file) = index.archive(&version, release, Platform::current()) {
                assert!(
                    file.filename.starts_with(&release.version),
                    "{}",
                    file.filename
                );
                assert_safe(&file.filename);
            }
        }
    }
});

fn assert_safe(name: &str) {
    assert!(
        !name.is_empty() && !name.starts_with('.') && !name.starts_with('-'),
        "{name:?}"
    );
    assert!(
        name.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b)),
        "{name:?}"
    );
}
