//! The `$GOVER_HOME` layout: the one place that knows where things live, and the locks that
//! serialize changes to it.
//!
//! ```text
//! $GOVER_HOME/
//!   versions/<v>/          complete GOROOTs, named like `1.22.5`, `1.20`, `1.23rc1`
//!   current -> versions/<v> the global default (relative link; a stable GOROOT for IDEs)
//!   shims/go, shims/gofmt  links to the gover-shim executable
//!   cache/index.json       the last release index fetched (go.dev's format, as served)
//!   cache/index-meta.json  where and when it was fetched (for the TTL and `list --remote`)
//!   cache/downloads/       verified archives (`<filename>`) and partial ones (`<filename>.partial`)
//!   staging/               unpack dirs of installs in progress; renamed into versions/ when done
//!   locks/                 lock files (`home.lock`, `version-<v>.lock` held by an install,
//!                          `in-use-<v>.lock` held shared by the tools the shims and `gover
//!                          exec` run on <v>, and their children)
//!   seen/                  one link per `.go-version` gover has resolved (see `resolve/seen.rs`)
//! ```

pub mod damage;
pub mod inventory;
pub mod shims;

use std::fs::{self, File};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::env;
use crate::version::GoVersion;
use gover_core::layout;

/// The tools every Go release ships in `bin/`, and so the shims gover keeps.
pub const SHIMMED_TOOLS: &[&str] = &["go", "gofmt"];

#[derive(Debug, thiserror::Error)]
pub enum HomeError {
    #[error("cannot find a home directory for gover")]
    NoHome,
    #[error("cannot create {}", path.display())]
    Create {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot lock {}", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot remove {}", path.display())]
    Remove {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl HomeError {
    pub fn hint(&self) -> Option<String> {
        match self {
            HomeError::NoHome => Some(format!(
                "set {} to the directory gover should use",
                env::GOVER_HOME
            )),
            HomeError::Create { .. } | HomeError::Lock { .. } | HomeError::Remove { .. } => {
                Some(format!(
                    "check that {} is on a writable filesystem with free space",
                    env::GOVER_HOME
                ))
            }
        }
    }
}

/// Paths inside one gover home. Cheap to build: it touches no disk.
#[derive(Debug, Clone)]
pub struct Home {
    root: PathBuf,
}

impl Home {
    /// `$GOVER_HOME`, else `~/.gover`. A relative `GOVER_HOME` is taken from the current dir, so
    /// the GOROOT handed to `go` is always absolute.
    pub fn from_env() -> Result<Home, HomeError> {
        let root = match std::env::var_os(env::GOVER_HOME).filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => {
                let home = std::env::var_os("HOME")
                    .filter(|v| !v.is_empty())
                    .ok_or(HomeError::NoHome)?;
                PathBuf::from(home).join(layout::DEFAULT_HOME_NAME)
            }
        };
        let root = if root.is_absolute() {
            root
        } else {
            std::env::current_dir()
                .map_err(|_| HomeError::NoHome)?
                .join(root)
        };
        Ok(Home { root })
    }

    pub fn at(root: impl Into<PathBuf>) -> Home {
        Home { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn versions_dir(&self) -> PathBuf {
        self.root.join(layout::VERSIONS)
    }

    pub fn version_dir(&self, v: &GoVersion) -> PathBuf {
        self.versions_dir().join(v.to_string())
    }

    pub fn tool_path(&self, v: &GoVersion, tool: &str) -> PathBuf {
        self.version_dir(v).join(layout::BIN).join(tool)
    }

    pub fn current_link(&self) -> PathBuf {
        self.root.join(layout::CURRENT)
    }

    /// What `current` should point at for `v`: relative, so the home can be moved as a whole.
    pub fn current_target(v: &GoVersion) -> PathBuf {
        Path::new(layout::VERSIONS).join(v.to_string())
    }

    pub fn shims_dir(&self) -> PathBuf {
        self.root.join(layout::SHIMS)
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.root.join("cache")
    }

    pub fn index_cache(&self) -> PathBuf {
        self.cache_dir().join("index.json")
    }

    /// The compact form of the cached index that `list --remote` reads (see
    /// [`crate::source::dist::cache::load_listing`]).
    pub fn index_listing(&self) -> PathBuf {
        self.cache_dir().join("index-list.json")
    }

    pub fn index_meta(&self) -> PathBuf {
        self.cache_dir().join("index-meta.json")
    }

    pub fn downloads_dir(&self) -> PathBuf {
        self.cache_dir().join("downloads")
    }

    pub fn download_path(&self, filename: &str) -> PathBuf {
        self.downloads_dir().join(filename)
    }

    pub fn partial_path(&self, filename: &str) -> PathBuf {
        self.downloads_dir().join(format!("{filename}.partial"))
    }

    /// The content-addressed store the version trees link into (see [`crate::store`]).
    pub fn store_dir(&self) -> PathBuf {
        self.root.join("store")
    }

    pub fn staging_dir(&self) -> PathBuf {
        self.root.join("staging")
    }

    /// The record of `.go-version` files gover has resolved (see [`crate::resolve::seen`]).
    pub fn seen_dir(&self) -> PathBuf {
        self.root.join(layout::SEEN)
    }

    pub fn locks_dir(&self) -> PathBuf {
        self.root.join(layout::LOCKS)
    }

    /// Create `dir` (and parents), mapping the failure to a typed error.
    ///
    /// Modes do not depend on the umask's leniency: GOVER_HOME itself, when gover creates it, is
    /// 0700 (it is private to its user); the dirs below it are 0755 (a stricter umask narrows
    /// both).
    pub fn ensure_dir(&self, dir: &Path) -> Result<(), HomeError> {
        let create_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source| HomeError::Create { path, source }
        };
        if dir.is_dir() {
            return Ok(());
        }
        if dir.starts_with(&self.root) && !self.root.exists() {
            if let Some(parent) = self.root.parent() {
                crate::fsutil::create_dirs(parent).map_err(create_err(parent))?;
            }
            match fs::DirBuilder::new().mode(HOME_MODE).create(&self.root) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(create_err(&self.root)(e)),
            }
        }
        crate::fsutil::create_dirs(dir).map_err(create_err(dir))
    }

    /// The home-wide lock: held briefly by anything that changes `current`, `shims/` or
    /// `versions/` (the final rename of an install, `use`, `uninstall`, `prune`).
    pub fn lock(&self) -> Result<HomeLock, HomeError> {
        self.lock_file(HOME_LOCK)
    }

    /// The per-version lock: held for the whole download and unpack of one version, so two
    /// installs of the same version share one download while other versions proceed.
    pub fn lock_version(&self, v: &GoVersion) -> Result<HomeLock, HomeError> {
        self.lock_file(&version_lock_name(v))
    }

    /// The file behind [`Home::lock`].
    pub fn home_lock_path(&self) -> PathBuf {
        self.locks_dir().join(HOME_LOCK)
    }

    /// The file behind [`Home::hold_in_use`].
    pub fn in_use_lock_path(&self, v: &GoVersion) -> PathBuf {
        self.locks_dir().join(in_use_lock_name(v))
    }

    /// The file behind [`Home::lock_version`].
    pub fn version_lock_path(&self, v: &GoVersion) -> PathBuf {
        self.locks_dir().join(version_lock_name(v))
    }

    /// [`Home::lock_version`] without waiting: `None` when another process (a running install)
    /// holds it.
    pub fn try_lock_version(&self, v: &GoVersion) -> Result<Option<HomeLock>, HomeError> {
        let (file, path) = self.open_lock(&version_lock_name(v))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(HomeLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(source)) => Err(HomeError::Lock { path, source }),
        }
    }

    /// Mark `v` as in use for the lifetime of this process *and of the program it execs*: a
    /// shared lock on `locks/in-use-<v>.lock` whose descriptor survives `execve` (no
    /// close-on-exec), so `gover exec V -- go build` holds it until the build (and every child
    /// that inherited it) is done. Waits while a removal holds it exclusively. (The
    /// freestanding shim takes the same lock with its own two system calls.)
    /// `None` when the lock file cannot be opened (a read-only GOVER_HOME: nothing can remove a
    /// version there either).
    pub fn hold_in_use(&self, v: &GoVersion) -> Option<File> {
        let (file, _) = self.open_lock(&in_use_lock_name(v)).ok()?;
        file.lock_shared().ok()?;
        // SAFETY: F_SETFD on a descriptor `file` owns; clearing FD_CLOEXEC is all it does.
        unsafe { libc::fcntl(std::os::fd::AsRawFd::as_raw_fd(&file), libc::F_SETFD, 0) };
        Some(file)
    }

    /// The exclusive side of [`Home::hold_in_use`], without waiting: `None` when a running
    /// program uses `v` (a tool a shim or `gover exec` started, or a child of one). Held while
    /// `v` is removed or replaced, so no new one starts on it meanwhile.
    pub fn try_lock_unused(&self, v: &GoVersion) -> Result<Option<HomeLock>, HomeError> {
        let (file, path) = self.open_lock(&in_use_lock_name(v))?;
        match file.try_lock() {
            Ok(()) => Ok(Some(HomeLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(source)) => Err(HomeError::Lock { path, source }),
        }
    }

    fn lock_file(&self, name: &str) -> Result<HomeLock, HomeError> {
        let (file, path) = self.open_lock(name)?;
        file.lock()
            .map_err(|source| HomeError::Lock { path, source })?;
        Ok(HomeLock { _file: file })
    }

    fn open_lock(&self, name: &str) -> Result<(File, PathBuf), HomeError> {
        let dir = self.locks_dir();
        self.ensure_dir(&dir)?;
        let path = dir.join(name);
        let lock_err = |source| HomeError::Lock {
            path: path.clone(),
            source,
        };
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(&path)
            .map_err(lock_err)?;
        Ok((file, path))
    }
}

const HOME_LOCK: &str = "home.lock";

/// The mode of a GOVER_HOME that gover creates.
const HOME_MODE: u32 = 0o700;

fn version_lock_name(v: &GoVersion) -> String {
    format!("version-{v}.lock")
}

fn in_use_lock_name(v: &GoVersion) -> String {
    format!("{}{v}{}", layout::IN_USE_LOCK_PREFIX, layout::LOCK_SUFFIX)
}

/// An exclusive advisory lock, released when dropped (or when the process dies, even by `kill -9`).
#[derive(Debug)]
pub struct HomeLock {
    _file: File,
}
