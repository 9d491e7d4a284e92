//! Everything the checks look at, gathered once: this process's PATH, what gover would run
//! here, the go env file, the startup files and what they do, and the shell probes.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::probe::{self, Probe};
use super::scan::{self, PathEdit, Scan};
use crate::error::Error;
use crate::go_env_file::{self, Setting};
use crate::home::Home;
use crate::pathenv;
use crate::resolve::{self, Active};
use crate::shell::setup;
use crate::shell::{Shell, UserDirs, is_executable};
use crate::store::{self, Store};
use crate::version::GoVersion;

pub struct Context {
    pub home: Home,
    pub dirs: UserDirs,
    /// This process's PATH.
    pub path: String,
    pub shims: PathBuf,
    /// What gover's setup block puts first on PATH (the shims, then gover's own dir if needed).
    pub front: crate::shell::Front,
    pub gobin: PathBuf,
    /// What is asked for here, or why nothing is.
    pub active: Result<Active, String>,
    /// The installed version the shims run here.
    pub active_version: Option<GoVersion>,
    pub goenv_file: Option<PathBuf>,
    pub goenv: Vec<Setting>,
    pub probes: Vec<Probe>,
    /// The shells `gover setup` (and `--fix`) covers.
    pub setup_shells: Vec<Shell>,
    pub scan: Scan,
    /// With `--store`, the stored files whose content no longer hashes to their name: usually
    /// none. Found while the probes run.
    pub store_suspects: Vec<store::Entry>,
    /// The shell doctor was started from, when its parent process is one (an interactive
    /// shell forks for each command; `bash -c 'gover doctor'` execs it, and then it is unknown).
    pub parent_shell: Option<Shell>,
    versions: RefCell<HashMap<PathBuf, Answer>>,
    /// [`Context::setup_is_current`], worked out once (it reads every startup file setup
    /// writes, and the checks ask for it several times).
    setup_current: OnceCell<bool>,
}

/// How long another `go` (or a version manager's shim posing as one) may take to print its
/// version. A real `go version` answers in milliseconds; a shim that starts installing a
/// release (mise's may) is not waited for.
pub const GO_TIMEOUT: Duration = Duration::from_secs(2);

/// What running `<exe> version` told.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Version(String),
    Unknown,
    TimedOut,
    /// Not run: a relative path (from an empty, `.` or relative PATH entry) names whatever is
    /// in the current directory.
    NotRun,
}

impl Context {
    /// Look at everything; `probe` runs the shells (slow-ish: each up to [`probe::TIMEOUT`]),
    /// `store` looks at every stored file (`gover doctor --store`).
    pub fn gather(probe: bool, store: bool) -> Result<Context, Error> {
        let home = Home::from_env()?;
        let dirs = UserDirs::from_env()?;
        let shims = home.shims_dir();
        let front = setup::front(&home, &dirs);
        let gobin = pathenv::go_user_bin(&dirs.home);
        let active = resolve::active_here(&home).map_err(|e| {
            let hint = e.hint().map(|h| format!("; {h}")).unwrap_or_default();
            format!("{e}{hint}")
        });
        let active_version = active.as_ref().ok().and_then(|a| a.installed(&home).ok());
        let goenv_file = go_env_file::file(&dirs.config);
        let goenv = goenv_file
            .as_deref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .map(|t| go_env_file::parse(&t))
            .unwrap_or_default();
        let setup_shells = setup::default_shells();
        let mut startup_files: Vec<PathBuf> = Vec::new();
        for mode in probe::MODES
            .iter()
            .filter(|m| setup_shells.contains(&m.shell))
        {
            for f in mode.reads(&dirs) {
                if !startup_files.contains(&f) {
                    startup_files.push(f);
                }
            }
        }
        for f in ["/etc/environment"].map(PathBuf::from) {
            if f.is_file() && !startup_files.contains(&f) {
                startup_files.push(f);
            }
        }
        let scan = scan::scan(&startup_files, &dirs.home);
        // Every other `go` doctor may describe, run in parallel with each other and with the
        // shell probes, so the slowest one (not their sum) sets how long doctor takes.
        let path = std::env::var("PATH").unwrap_or_default();
        let mut gos = other_gos(&path, &shims);
        // `stale-link` and `sdk-link` look at /usr/local/go even off PATH; `goroot-mismatch` at $GOROOT.
        let roots = crate::env::var(crate::env::GOROOT)
            .into_iter()
            .map(PathBuf::from);
        for root in roots.chain([PathBuf::from("/usr/local/go")]) {
            let go = root.join("bin").join("go");
            if go.is_absolute() && is_executable(&go) && !gos.contains(&go) {
                gos.push(go);
            }
        }
        let early = std::thread::spawn(move || run_versions(gos));
        // Every stored file hashed (~13,000 files, ~250 MB per release), in parallel with the
        // probes; only on request. Content, not mtime, decides: an edit with its mtime put
        // back, or blocks a power cut zero-filled, are found too.
        let store_scan = store.then(|| {
            let store = Store::new(home.store_dir());
            let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
            std::thread::spawn(move || store.damaged(threads))
        });
        let probes = if probe {
            probe::run_all(&shims)
        } else {
            Vec::new()
        };
        let mut versions = early.join().unwrap_or_default();
        let found: Vec<PathBuf> = probes
            .iter()
            .filter_map(|p| match &p.outcome {
                probe::Outcome::Ran { go: Some(g), .. } => Some(PathBuf::from(g)),
                _ => None,
            })
            .filter(|g| g.parent() != Some(shims.as_path()) && !versions.contains_key(g))
            .collect();
        versions.extend(run_versions(found));
        let store_suspects = store_scan
            .and_then(|scan| scan.join().ok())
            .unwrap_or_default();
        Ok(Context {
            path,
            home,
            dirs,
            shims,
            front,
            gobin,
            active,
            active_version,
            goenv_file,
            goenv,
            probes,
            setup_shells,
            scan,
            store_suspects,
            parent_shell: parent_shell(),
            versions: RefCell::new(versions),
            setup_current: OnceCell::new(),
        })
    }

    /// Whether every file `gover setup` would write already holds the current block.
    pub fn setup_is_current(&self) -> bool {
        *self.setup_current.get_or_init(|| {
            setup::targets(
                &self.home,
                &self.dirs,
                &self.setup_shells,
                setup::systemd_in_use(&self.dirs),
            )
            .iter()
            .all(|t| setup::is_current(&t.path, &t.body))
        })
    }

    /// The fix for "this shell's PATH is wrong": write the block, or if it is already
    /// written, start a new shell.
    pub fn new_shell_fix(&self, what: &str) -> super::Fix {
        if self.setup_is_current() {
            super::Fix::manual(
                format!(
                    "gover's setup block is in place: {what}open a new shell, or run `eval \"$(gover env)\"` in this one"
                ),
                None,
            )
        } else {
            super::Fix::safe(
                format!(
                    "write gover's setup block, {what}then open a new shell (this one: `eval \"$(gover env)\"`)"
                ),
                super::Repair::Setup,
            )
        }
    }

    /// PATH's entries, empty ones included.
    pub fn entries(&self) -> Vec<&str> {
        pathenv::entries(&self.path)
    }

    /// The version gover would run here, with its reason: `1.22.5 (global default)`.
    pub fn active_label(&self) -> String {
        match (&self.active, &self.active_version) {
            (Ok(a), Some(v)) => format!("{v} ({})", a.source),
            (Ok(a), None) => format!("{} ({}; not installed)", a.request, a.source),
            (Err(_), _) => "none".into(),
        }
    }

    pub fn is_shim(&self, exe: &Path) -> bool {
        exe.parent() == Some(self.shims.as_path())
    }

    /// The `go` that a lookup of `path` finds among its absolute entries: (entry index,
    /// executable). Empty, `.` and relative entries are skipped: what they hold depends on
    /// the current directory, and doctor reports them (`path-relative-entry`) rather than look.
    pub fn which_go(path: &str) -> Option<(usize, PathBuf)> {
        pathenv::entries(path)
            .iter()
            .enumerate()
            .filter(|(_, d)| Path::new(d).is_absolute())
            .map(|(i, d)| (i, Path::new(d).join("go")))
            .find(|(_, exe)| is_executable(exe))
    }

    /// The Go version an executable `go` reports, as `1.22.5`; the shims report gover's
    /// active version without being run, and a relative path is never run.
    pub fn go_version(&self, exe: &Path) -> Option<String> {
        if self.is_shim(exe) {
            return self.active_version.as_ref().map(|v| v.to_string());
        }
        match self.answer(exe) {
            Answer::Version(v) => Some(v),
            _ => None,
        }
    }

    fn answer(&self, exe: &Path) -> Answer {
        if let Some(a) = self.versions.borrow().get(exe) {
            return a.clone();
        }
        let a = run_version(exe);
        self.versions
            .borrow_mut()
            .insert(exe.to_path_buf(), a.clone());
        a
    }

    /// `path/to/go (go1.21.0)`, or why the version is not known.
    pub fn describe_go(&self, exe: &Path) -> String {
        if let Some(v) = self.go_version(exe) {
            return format!("{} (go{v})", exe.display());
        }
        let why = match self.answer(exe) {
            Answer::TimedOut => format!(
                "did not answer `go version` within {}s; abandoned",
                GO_TIMEOUT.as_secs()
            ),
            Answer::NotRun => "relative to the current directory; not run".into(),
            _ => "version unknown".into(),
        };
        format!("{} ({why})", exe.display())
    }

    /// Whether the shell doctor runs in may have got its PATH from `file`: any file when that
    /// shell is not known; else the files that shell's modes read, and the POSIX login files
    /// (`/etc/profile`, `~/.profile`, which set up the session every terminal inherits). A zsh
    /// file is never where a bash's PATH came from. See: issue 24, item 11.
    pub fn may_have_shaped_path(&self, file: &Path) -> bool {
        let Some(own) = self.parent_shell else {
            return true;
        };
        probe::MODES
            .iter()
            .filter(|m| m.shell == own || m.label == "sh -lc")
            .any(|m| m.reads(&self.dirs).iter().any(|f| f == file))
    }

    /// file:line of each startup line that adds `dir` to PATH.
    pub fn lines_adding(&self, dir: &str) -> Vec<String> {
        self.lines_adding_if(dir, |_| true)
    }

    /// [`Context::lines_adding`], only the lines `keep` picks.
    pub fn lines_adding_if(&self, dir: &str, keep: impl Fn(&PathEdit) -> bool) -> Vec<String> {
        self.scan
            .adding(dir)
            .filter(|e| keep(e))
            .map(|e| format!("{} adds it: {}", Scan::file_line(&e.file, e.line), e.text))
            .collect()
    }
}

/// The shell this process's parent runs, from `/proc/PPID/cmdline`'s first word.
fn parent_shell() -> Option<Shell> {
    let cmdline = std::fs::read(format!(
        "/proc/{}/cmdline",
        std::os::unix::process::parent_id()
    ))
    .ok()?;
    let argv0 = cmdline.split(|b| *b == 0).next()?;
    Shell::from_program(std::str::from_utf8(argv0).ok()?)
}

/// The `go` in each absolute PATH entry other than the shims, once each.
fn other_gos(path: &str, shims: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for d in pathenv::entries(path) {
        let dir = Path::new(d);
        let exe = dir.join("go");
        if dir.is_absolute() && dir != shims && !out.contains(&exe) && is_executable(&exe) {
            out.push(exe);
        }
    }
    out
}

/// Run `<exe> version` for each of `exes` at once, each with [`GO_TIMEOUT`].
fn run_versions(exes: Vec<PathBuf>) -> HashMap<PathBuf, Answer> {
    let handles: Vec<_> = exes
        .into_iter()
        .map(|exe| std::thread::spawn(move || (run_version(&exe), exe)))
        .collect();
    handles
        .into_iter()
        .filter_map(|h| h.join().ok())
        .map(|(a, exe)| (exe, a))
        .collect()
}

fn run_version(exe: &Path) -> Answer {
    // Never run a program from a relative path: it is whatever the current directory holds.
    if !exe.is_absolute() {
        return Answer::NotRun;
    }
    if !is_executable(exe) {
        return Answer::Unknown;
    }
    let mut cmd = Command::new(exe);
    cmd.arg("version")
        .env(crate::env::GOTOOLCHAIN, crate::env::GOTOOLCHAIN_LOCAL);
    match probe::output_with_timeout(cmd, GO_TIMEOUT) {
        Ok(Some(out)) => parse_go_version(&out)
            .map(Answer::Version)
            .unwrap_or(Answer::Unknown),
        Ok(None) => Answer::TimedOut,
        Err(_) => Answer::Unknown,
    }
}

/// `go version go1.22.5 linux/amd64` → `1.22.5`.
pub fn parse_go_version(out: &str) -> Option<String> {
    out.split_whitespace()
        .find_map(|w| {
            w.strip_prefix("go")
                .filter(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        })
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_version_output_is_parsed() {
        assert_eq!(
            super::parse_go_version("go version go1.22.5 linux/amd64\n").as_deref(),
            Some("1.22.5")
        );
        assert_eq!(super::parse_go_version("nonsense"), None);
    }
}
