//! What is installed under `versions/`.
//!
//! A version counts as installed when its dir has a valid release name and holds `bin/go`.
//! Installs appear by one rename, so a dir without `bin/go` is damage, not work in progress.

use crate::home::Home;
use crate::version::GoVersion;

/// Installed versions, oldest first.
pub fn installed(home: &Home) -> Vec<GoVersion> {
    let Ok(entries) = std::fs::read_dir(home.versions_dir()) else {
        return Vec::new();
    };
    let mut versions: Vec<GoVersion> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| GoVersion::parse(e.file_name().to_str()?).ok())
        .filter(|v| is_installed(home, v))
        .collect();
    versions.sort();
    versions
}

pub fn is_installed(home: &Home, v: &GoVersion) -> bool {
    home.tool_path(v, "go").is_file()
}
