//! `.go-version` contents: any bytes either parse to a request or give a reason; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match gover::resolve::version_file::parse(data) {
        Ok(request) => {
            // What `gover local` would write back must parse to the same request.
            let written = format!("{request}\n");
            assert_eq!(
                gover::resolve::version_file::parse(written.as_bytes()).unwrap(),
                request
            );
        }
        Err(reason) => assert!(!reason.to_string().is_empty()),
    }
});
