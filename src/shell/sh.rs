//! POSIX sh (dash and friends): login shells read `~/.profile`; `sh -c` reads nothing.

use std::path::Path;

use super::{Integration, StartupFile, UserDirs, posix};

pub struct Sh;

impl Integration for Sh {
    fn name(&self) -> &'static str {
        "sh"
    }

    fn quote(&self, word: &str) -> String {
        posix::quote(word)
    }

    fn env_snippet(&self, entries: &[String]) -> String {
        posix::env_snippet(entries)
    }

    fn setup_body(&self, shims: &Path) -> String {
        posix::setup_body(shims)
    }

    fn startup_files(&self, dirs: &UserDirs) -> Vec<StartupFile> {
        vec![StartupFile {
            path: dirs.home.join(".profile"),
            read_by: "sh login shells",
        }]
    }
}
