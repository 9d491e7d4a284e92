//! go.mod/go.work contents (read by the freestanding shim on every `go` call in a module): any
//! bytes either give the directives or an error with a line inside the file; never a panic.
#![no_main]

use gover::resolve::gomod;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match gomod::parse(data) {
        Ok((go, toolchain)) => {
            let lines = data.split(|&b| b == b'\n').count();
            for directive in go.iter().chain(toolchain.iter()) {
                assert!((1..=lines).contains(&directive.line));
            }
            // With either source: the proxy's (custom builds exactly) or the dist one's.
            for custom_builds in [false, true] {
                if let Some(requirement) =
                    gover_core::gomod::requirement(go.as_ref(), toolchain.as_ref(), || {
                        custom_builds
                    })
                {
                    assert!(requirement.request.release_name().is_some());
                }
            }
        }
        Err((line, reason)) => {
            assert!(line >= 1);
            assert!(!reason.to_string().is_empty());
        }
    }
});
