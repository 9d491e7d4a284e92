//! POSIX sh (dash and friends): login shells read `~/.profile`; `sh -c` reads nothing.

use super::{Integration, StartupFile, UserDirs};

pub struct Sh;

impl Integration for Sh {
    fn name(&self) -> &'static str {
        "sh"
    }

    fn startup_files(&self, dirs: &UserDirs) -> Vec<StartupFile> {
        vec![StartupFile {
            path: dirs.home.join(".profile"),
            read_by: "sh login shells",
        }]
    }
}
