//! The Go version grammar: parsing never panics, and what parses prints back to itself.
#![no_main]

use gover::version::{GoVersion, VersionRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(v) = GoVersion::parse(text) {
        let again = GoVersion::parse(&v.to_string()).expect("a printed version parses");
        assert_eq!(again, v);
        assert_eq!(again.cmp(&v), std::cmp::Ordering::Equal);
        assert_eq!(v.go_name().to_string(), format!("go{v}"));
        let _ = v.is_prerelease();
    }
    if let Ok(request) = VersionRequest::parse(text) {
        let again = VersionRequest::parse(&request.to_string()).expect("a printed request parses");
        assert_eq!(again, request);
        if let Ok(v) = GoVersion::parse(text) {
            let _ = request.matches(&v);
        }
    }
});
