//! The release index: any bytes either parse or fail with a typed error, and every question
//! gover asks of a parsed index answers without panicking.
#![no_main]

use gover::dist::{Index, Platform};
use gover::version::VersionRequest;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(index) = Index::parse(data, "fuzz://index") else {
        return;
    };
    let _ = index.versions().count();
    for spec in ["latest", "1.22", "1.22.5", "1.23rc1", "1"] {
        let Ok(request) = VersionRequest::parse(spec) else {
            continue;
        };
        if let Ok((version, release)) = index.resolve(&request) {
            let _ = index.archive(&version, release, Platform::current());
        }
    }
});
