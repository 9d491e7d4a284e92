//! bash: login shells read `~/.bash_profile` (or, without it, `~/.bash_login`/`~/.profile`);
//! interactive non-login shells read `~/.bashrc`; `bash -c` reads only `$BASH_ENV`.

use super::{Integration, StartupFile, UserDirs};

pub struct Bash;

impl Integration for Bash {
    fn name(&self) -> &'static str {
        "bash"
    }

    fn startup_files(&self, dirs: &UserDirs) -> Vec<StartupFile> {
        vec![
            StartupFile {
                path: login_file(dirs),
                read_by: "bash login shells",
            },
            StartupFile {
                path: dirs.home.join(".bashrc"),
                read_by: "interactive bash",
            },
        ]
    }
}

/// The file a bash login shell reads: `~/.bash_profile` if it exists, else `~/.bash_login`
/// if that exists, else `~/.profile` (bash reads only the first it finds).
pub fn login_file(dirs: &UserDirs) -> std::path::PathBuf {
    [".bash_profile", ".bash_login"]
        .iter()
        .map(|n| dirs.home.join(n))
        .find(|p| p.exists())
        .unwrap_or_else(|| dirs.home.join(".profile"))
}
