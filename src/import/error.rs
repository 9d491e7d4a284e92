//! Why a tree cannot be imported, with a hint for each.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} is not a Go tree: {reason}", path.display())]
    NotATree { path: PathBuf, reason: String },
    #[error("{} is inside GOVER_HOME ({})", path.display(), home.display())]
    InsideHome { path: PathBuf, home: PathBuf },
    #[error("Go {version} is already installed at {}", path.display())]
    Taken { version: String, path: PathBuf },
}

impl ImportError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ImportError::NotATree { .. } => {
                "name the GOROOT: the directory holding VERSION, bin/go and pkg/tool \
                 (`go env GOROOT` prints it)"
                    .into()
            }
            ImportError::InsideHome { .. } => "gover's own versions need no import".into(),
            ImportError::Taken { version, .. } => {
                format!("`gover uninstall {version}` first to import this tree under that name")
            }
        })
    }
}
