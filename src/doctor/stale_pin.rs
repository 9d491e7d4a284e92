//! `go-version-older-than-go-mod`: a `.go-version` pins an older release than the `go` line of
//! the module it governs requires. With `GOTOOLCHAIN=local` (which the shim sets) the build
//! fails with "go.mod requires go >= …".

use super::{Context, Finding, Fix, Severity};
use crate::resolve::gomod;

pub fn check(_ctx: &Context) -> Vec<Finding> {
    let Ok(cwd) = crate::resolve::current_dir() else {
        return Vec::new();
    };
    match gomod::stale_pin(&cwd) {
        Ok(None) => Vec::new(),
        Ok(Some(pin)) => vec![Finding {
            id: "go-version-older-than-go-mod",
            severity: Severity::Warning,
            title: pin.to_string(),
            evidence: vec![
                format!(
                    "{}:{} pins {}",
                    pin.pin_path.display(),
                    pin.pin_line,
                    pin.pinned
                ),
                format!(
                    "{}:{} requires go >= {}",
                    pin.module_path.display(),
                    pin.go_line,
                    pin.go_min
                ),
            ],
            fix: Fix::manual(
                "a build here fails with GOTOOLCHAIN=local; raise the pin",
                Some(format!(
                    "cd {} && gover local {}",
                    pin.pin_path.parent().unwrap_or(&cwd).display(),
                    pin.go_min
                )),
            ),
        }],
        Err(e) => vec![Finding {
            id: "go-version-older-than-go-mod",
            severity: Severity::Warning,
            title: format!("cannot compare the .go-version pin with go.mod: {e}"),
            evidence: Vec::new(),
            fix: Fix::manual("fix the file named above", None),
        }],
    }
}
