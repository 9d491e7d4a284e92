//! What `gover setup` writes and where, shared by `gover setup` and `gover doctor --fix`.
//!
//! Each shell's startup files get one marked block (see [`crate::shell::block`]); `--systemd`
//! adds `~/.config/environment.d/99-gover.conf`. Every edit backs the file up first (see
//! [`crate::edit`]); content that is already right is left alone, so a second run changes
//! nothing and makes no backup.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::edit::{self, Edited};
use crate::error::Error;
use crate::home::Home;
use crate::shell::{self, Shell, UserDirs, block};

/// One file setup manages.
#[derive(Debug, Clone)]
pub struct Target {
    pub path: PathBuf,
    pub read_by: String,
    pub body: String,
}

/// The shells setup covers when none is named: bash, zsh and fish when installed, and POSIX
/// sh (`~/.profile`) always.
pub fn default_shells() -> Vec<Shell> {
    Shell::ALL
        .into_iter()
        .filter(|s| *s == Shell::Sh || s.program().is_some())
        .collect()
}

/// The directory holding the running `gover`, when the setup block has to put it on PATH for
/// `gover` to run by name in a new shell. Not when it is a standard system dir (every PATH
/// has those), nor when it is cargo's bin dir (`$CARGO_HOME/bin`, default `~/.cargo/bin`) and
/// PATH already has it (rustup's `~/.cargo/env` puts it there), nor when it cannot be a PATH
/// entry at all (a `:` or a newline in it).
pub fn gover_dir(dirs: &UserDirs) -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.to_path_buf();
    let text = dir.to_str()?;
    if !dir.is_absolute() || text.contains([':', '\n']) {
        return None;
    }
    if crate::pathenv::system_dirs().iter().any(|d| d == text) {
        return None;
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .filter(|c| c.is_absolute())
        .unwrap_or_else(|| dirs.home.join(".cargo"))
        .join("bin");
    let on_path = std::env::var("PATH")
        .unwrap_or_default()
        .split(':')
        .any(|e| Path::new(e) == dir);
    if dir == cargo_bin && on_path {
        return None;
    }
    Some(dir)
}

/// What the block puts first on PATH: the shims, then [`gover_dir`]; and [`go_bin`].
pub fn front(home: &Home, dirs: &UserDirs) -> shell::Front {
    shell::Front {
        shims: home.shims_dir(),
        gover_dir: gover_dir(dirs),
        go_bin: go_bin(dirs),
    }
}

/// Which Go user bin dir the block appends, as `go env GOPATH` decides it: `GOBIN`, else
/// `GOPATH`'s first entry + `/bin`, from the environment (at shell start) or else the go env
/// file (`go env -w`, read now), else Go's default `$HOME/go/bin`. None at all when the user's
/// own startup lines already add it: the block would otherwise put it in ahead of the dirs
/// those lines add before it (a `.zshenv` block runs before `.zshrc`), or twice.
/// See: issue 24, item 11.
pub fn go_bin(dirs: &UserDirs) -> shell::GoBin {
    let settings = crate::go_env_file::file(&dirs.config)
        .and_then(|f| std::fs::read_to_string(f).ok())
        .map(|t| crate::go_env_file::parse(&t))
        .unwrap_or_default();
    let setting = |key: &str| {
        crate::go_env_file::get(&settings, key)
            .map(|s| s.value.clone())
            .filter(|v| Path::new(v).is_absolute())
    };
    let bin = crate::pathenv::go_user_bin_from(setting, &dirs.home);
    if users_lines_add(dirs, &bin) {
        return shell::GoBin::Theirs;
    }
    match bin == dirs.home.join("go").join("bin") {
        true => shell::GoBin::Default,
        false => shell::GoBin::Fixed(bin),
    }
}

/// Whether a line of the user's own startup files (outside gover's block) adds `bin` to PATH:
/// it sets PATH (or zsh's `path`, or calls `fish_add_path`) and names `bin` (as written, or
/// under `$HOME`/`~`), `$GOPATH`, `$GOBIN` or `go env GOPATH`. `$(go env GOROOT)/bin` is
/// Go's own bin dir, not the user's: it does not count.
fn users_lines_add(dirs: &UserDirs, bin: &Path) -> bool {
    let mut files = all_paths(dirs);
    let zdot = std::env::var_os("ZDOTDIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute())
        .unwrap_or_else(|| dirs.home.clone());
    files.extend([".zprofile", ".zlogin"].map(|n| zdot.join(n)));
    files.push(dirs.config.join("fish").join("config.fish"));
    let conf_d = dirs.config.join("fish").join("conf.d");
    if let Ok(entries) = std::fs::read_dir(&conf_d) {
        files.extend(entries.flatten().map(|e| e.path()));
    }
    let bin = bin.display().to_string();
    let mut names = vec![bin.clone()];
    if let Some(rest) = bin.strip_prefix(&dirs.home.display().to_string()) {
        names.extend(["$HOME", "${HOME}", "~"].map(|h| format!("{h}{rest}")));
    }
    // `go env GOPATH` and `go env GOBIN` contain these too.
    names.extend(["GOPATH", "GOBIN"].map(String::from));
    let sets_path = |line: &str| {
        line.contains("fish_add_path")
            || line.contains("path=(")
            || line.contains("path+=(")
            || line.match_indices("PATH").any(|(at, _)| {
                !line[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    files.iter().filter(|f| f.is_file()).any(|f| {
        let Ok(text) = std::fs::read_to_string(f) else {
            return false;
        };
        let own = match block::find(&text) {
            Some(b) => format!("{}{}", &text[..b.start], &text[b.end..]),
            None => text,
        };
        own.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .any(|l| sets_path(l) && names.iter().any(|n| l.contains(n.as_str())))
    })
}

/// The files to write for `shells` (and systemd), each once.
pub fn targets(home: &Home, dirs: &UserDirs, shells: &[Shell], systemd: bool) -> Vec<Target> {
    let front = front(home, dirs);
    let system = crate::pathenv::system_dirs();
    let mut out: Vec<Target> = Vec::new();
    for sh in shells {
        let integration = sh.integration();
        for file in integration.startup_files(dirs) {
            match out.iter_mut().find(|t| t.path == file.path) {
                Some(t) => t.read_by = format!("{}, {}", t.read_by, file.read_by),
                None => out.push(Target {
                    path: file.path,
                    read_by: file.read_by.to_string(),
                    body: integration.setup_body(&front, &system),
                }),
            }
        }
    }
    if systemd {
        out.push(Target {
            path: dirs.systemd_env_file(),
            read_by: "systemd user services and graphical sessions".to_string(),
            body: shell::systemd_body(&front, &system),
        });
    }
    out
}

/// Whether the user has gover's environment.d file (under its current or its old name).
pub fn systemd_in_use(dirs: &UserDirs) -> bool {
    dirs.systemd_env_file().exists()
        || edit::read_optional(&dirs.old_systemd_env_file())
            .ok()
            .flatten()
            .is_some_and(|t| block::find(&t).is_some())
}

/// Whether `path` already holds exactly the block `body`.
pub fn is_current(path: &Path, body: &str) -> bool {
    edit::read_optional(path)
        .ok()
        .flatten()
        .is_some_and(|text| block::body(&text) == Some(body))
}

/// Write or refresh the block in each target. Returns the files that changed. Writing the
/// environment.d file also takes the block out of the file older versions wrote
/// (`gover.conf`), so only one of them sets PATH.
pub fn apply(targets: &[Target], dirs: &UserDirs) -> Result<Vec<Edited>, Error> {
    let mut changed = Vec::new();
    if targets.iter().any(|t| t.path == dirs.systemd_env_file()) {
        changed.extend(remove(&[dirs.old_systemd_env_file()])?);
    }
    for t in targets {
        let old = edit::read_optional(&t.path).map_err(Error::io("cannot read", &t.path))?;
        let new = block::install(old.as_deref(), &t.body);
        if let Some(e) =
            edit::write(&t.path, Some(&new)).map_err(Error::io("cannot write", &t.path))?
        {
            changed.push(e);
        }
    }
    Ok(changed)
}

/// Take the block out of each of `paths` that has one, restoring the rest byte-for-byte (and
/// deleting files setup created that hold nothing else).
pub fn remove(paths: &[PathBuf]) -> Result<Vec<Edited>, Error> {
    let mut changed = Vec::new();
    for path in paths {
        let Some(text) = edit::read_optional(path).map_err(Error::io("cannot read", path))? else {
            continue;
        };
        if block::find(&text).is_none() {
            continue;
        }
        let rest = block::remove(&text);
        if let Some(e) =
            edit::write(path, rest.as_deref()).map_err(Error::io("cannot write", path))?
        {
            changed.push(e);
        }
    }
    Ok(changed)
}

/// After [`remove`]: the directories that held a file setup created and deleted again
/// (`~/.config/fish/conf.d`, `~/.config/environment.d`) are removed too when nothing else is
/// in them, up to but never including the config dir itself. A directory with anything in it
/// stays.
pub fn remove_empty_dirs(changed: &[Edited], config: &Path) {
    for e in changed.iter().filter(|e| e.deleted) {
        let mut dir = e.path.parent();
        while let Some(d) = dir {
            if d == config || !d.starts_with(config) || std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
}

/// Every file any shell's setup could have written, plus the systemd file.
pub fn all_paths(dirs: &UserDirs) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for sh in Shell::ALL {
        for f in sh.integration().startup_files(dirs) {
            if !paths.contains(&f.path) {
                paths.push(f.path);
            }
        }
    }
    // bash reads only one login file; setup may have written any of them over time.
    for name in [".bash_profile", ".bash_login", ".profile"] {
        let p = dirs.home.join(name);
        if !paths.contains(&p) {
            paths.push(p);
        }
    }
    paths.push(dirs.systemd_env_file());
    paths.push(dirs.old_systemd_env_file());
    paths
}

/// Append the shims dir to the file named by `$GITHUB_PATH` (GitHub Actions prepends each
/// line to PATH for later steps), unless it is already listed. Returns the file if changed.
pub fn github_path(home: &Home) -> Result<Option<PathBuf>, Error> {
    let Some(file) = crate::env::var(crate::env::GITHUB_PATH).map(PathBuf::from) else {
        return Ok(None);
    };
    let shims = home.shims_dir().display().to_string();
    let text = edit::read_optional(&file)
        .map_err(Error::io("cannot read", &file))?
        .unwrap_or_default();
    if text.lines().any(|l| l == shims) {
        return Ok(None);
    }
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&file)
        .map_err(Error::io("cannot open", &file))?;
    let sep = if text.is_empty() || text.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    writeln!(out, "{sep}{shims}").map_err(Error::io("cannot write", &file))?;
    Ok(Some(file))
}
