//! Which installed version runs here: the same precedence as `gover::resolve`, on raw system
//! calls, with `gover-core` parsing every file. It decides only when everything is in order;
//! anything else (an error to report, a version that is not installed, a file bigger than its
//! buffer, an errno it does not expect) is [`HandOver`], and `gover __shim` decides on std.
//!
//! 1. `GOVER_VERSION`;
//! 2. the nearest `.go-version` or `.tool-versions` that names a version, in the current
//!    directory or a parent (recorded in `seen/`);
//! 3. when there is none anywhere up the tree, the module file Go would use (unless
//!    `GOVER_GOMOD=0`): `GOWORK`'s, else the nearest `go.work`, else the nearest `go.mod`; its
//!    `toolchain` line exactly, else its `go` line as a minimum;
//! 4. the `current` link.
//!
//! 2 and 3 are [`gover_core::walk`], done by moving the working directory: `chdir("..")` per
//! level and one `fstatat(AT_FDCWD, name)` per wanted name (an `openat` only when it is
//! there), so a lookup costs the same at any depth; the walk then returns to where it started
//! (`fchdir`) before anything runs. Names that are there are opened with `O_NONBLOCK` and read
//! only when `fstat` says regular file; anything else (a FIFO, a link to `/dev/stdin`) is
//! handed over, and `gover __shim` names it in an error.
//!
//! Then: an exact version is installed when `versions/<v>/bin/go` is a file; a partial one
//! picks the newest installed match in `versions/`.

use core::ffi::CStr;
use core::mem::ManuallyDrop;
use gover_core::env as names;
use gover_core::layout;

use gover_core::gomod;
use gover_core::version::{GoVersion, VersionRequest};
use gover_core::version_file::{self, Kind};
use gover_core::walk::{self, GoWork, Name, Verdict, Walk};

use super::HandOver;
use super::buf::{self, Buf};
use super::process::Process;
use super::sys::{self, ENOENT, ENOTDIR, Fd};

/// A go.mod or go.work bigger than this is left to `gover __shim` (real ones are a few KiB).
const MODULE_BUF: usize = 64 << 10;

/// The installed version to run.
pub fn installed_version(process: &Process, home: &Buf) -> Result<GoVersion, HandOver> {
    let request = match process.var(names::GOVER_VERSION) {
        Some(value) => VersionRequest::parse(value).map_err(|_| HandOver)?,
        None => match pinned(process, home)? {
            Some(request) => request,
            None => VersionRequest::Exact(default_version(home)?),
        },
    };
    installed(home, &request)
}

/// The home: `$GOVER_HOME`, else `$HOME/.gover`; when relative (either of them), taken from
/// the current directory as `Home::from_env` does, so the tool never gets a relative GOROOT.
pub fn home(process: &Process) -> Result<Buf, HandOver> {
    let mut home = match process.var_os(names::GOVER_HOME) {
        Some(dir) => Buf::from(dir)?,
        None => {
            let mut home = Buf::from(process.var_os("HOME").ok_or(HandOver)?)?;
            home.push_component(layout::DEFAULT_HOME_NAME.as_bytes())?;
            home
        }
    };
    if !home.as_bytes().starts_with(b"/") {
        let mut absolute = cwd()?;
        absolute.push_component(home.as_bytes())?;
        home = absolute;
    }
    Ok(home)
}

fn cwd() -> Result<Buf, HandOver> {
    let mut bytes = [0u8; buf::PATH_MAX];
    let len = sys::getcwd(&mut bytes).map_err(|_| HandOver)?;
    // Linux prefixes a directory outside the process's root with "(unreachable)".
    let path = bytes
        .get(..len)
        .filter(|p| p.starts_with(b"/"))
        .ok_or(HandOver)?;
    Ok(Buf::from(path)?)
}

/// Steps 2 and 3: one walk up from the current directory.
fn pinned(process: &Process, home: &Buf) -> Result<Option<VersionRequest>, HandOver> {
    let modules = process.var(names::GOVER_GOMOD).is_none_or(names::is_on);
    let gowork = GoWork::from_env(process.var_raw(names::GOWORK));
    // Where the walk starts: `$PWD` when it is a clean absolute path naming the current
    // directory (as Go's os.Getwd does), else the physical cwd. Only a `$PWD` that differs from
    // getcwd's answer costs the two `stat`s that check it, and then a lexical walk that enters
    // each parent by its path (the `..` of a symlinked directory is not its lexical parent).
    let physical = cwd()?;
    let logical = process
        .var_raw("PWD")
        .filter(|pwd| walk::usable_pwd(pwd) && *pwd != physical.as_bytes())
        .map(Buf::from)
        .transpose()?
        .filter(|pwd| {
            let here = sys::identity(c".");
            here.is_ok() && sys::identity(pwd.c_str()).ok() == here.ok()
        });
    let lexical = logical.is_some();
    let cwd = logical.unwrap_or(physical);

    let mut start = None;
    let found = walk_up(Walk::new(modules, gowork), &cwd, lexical, &mut start);
    // The walk moved the working directory: back to where the tool must run, whatever it found.
    if let Some(Err(errno)) = start.map(|start| start.enter()) {
        lost_cwd(errno);
    }
    let (work, module) = match found? {
        Found::Version {
            request,
            kind,
            level,
        } => {
            record_seen(home, &path_at(&cwd, level, kind.file_name())?);
            return Ok(Some(request));
        }
        Found::Modules { work, module } => (work, module),
    };
    // The module file that decides, and its path (recorded in `seen/` when it names a version,
    // so `gover prune --unused` keeps what it asks for).
    let at = |(fd, level, name): (Fd, usize, &str)| -> Result<(Fd, Buf), HandOver> {
        Ok((fd, path_at(&cwd, level, name)?))
    };
    if !modules {
        return Ok(None);
    }
    let chosen = match gowork {
        // Relative, missing or not a file: `gover __shim` says what is wrong.
        GoWork::File(path) if path.starts_with(b"/") => {
            let path = Buf::from(path)?;
            let fd = sys::open_nonblocking(path.c_str()).map_err(|_| HandOver)?;
            match walk::verdict(walk::file_type(fd.mode().map_err(|_| HandOver)?)) {
                Verdict::Read => Some((fd, path)),
                Verdict::PassOver | Verdict::Refuse => return Err(HandOver),
            }
        }
        GoWork::File(_) => return Err(HandOver),
        GoWork::Auto | GoWork::Off => work.or(module).map(at).transpose()?,
    };
    let Some((fd, path)) = chosen else {
        return Ok(None);
    };
    // From the kernel rather than the stack, which then stays small (tens of KiB) even under a
    // low `ulimit -s`; only calls in a module pay for the mapping.
    let text = sys::alloc(MODULE_BUF).map_err(|_| HandOver)?;
    // SAFETY: a fresh, zeroed mapping of MODULE_BUF bytes that nothing else refers to.
    let text = unsafe { core::slice::from_raw_parts_mut(text, MODULE_BUF) };
    // A file too big for the buffer: std reads it.
    let len = read_all(&fd, text)?;
    if len >= MODULE_BUF {
        return Err(HandOver);
    }
    let (go, toolchain) = gomod::parse(&text[..len]).map_err(|_| HandOver)?;
    // GOVER_SOURCE matters only for a go.mod naming a custom build: read only then.
    let custom_builds = || names::is_proxy_source(process.var(names::GOVER_SOURCE));
    let request =
        gomod::requirement(go.as_ref(), toolchain.as_ref(), custom_builds).map(|r| r.request);
    if request.is_some() {
        record_seen(home, &path);
    }
    Ok(request)
}

/// What the walk up found.
enum Found {
    /// The nearest version file that names a version, `level` directories up.
    Version {
        request: VersionRequest,
        kind: Kind,
        level: usize,
    },
    /// No version file anywhere up: the nearest go.work and go.mod, opened but not read.
    Modules {
        work: Option<(Fd, usize, &'static str)>,
        module: Option<(Fd, usize, &'static str)>,
    },
}

/// Look for each wanted name in `cwd`, then in each parent up to the root, moving the working
/// directory up a level at a time (`chdir("..")`, or the lexical parent's path): no descriptor
/// and no `struct file` per level, and each name is one component looked up from where the
/// process stands, so a level costs the same at any depth. Before the first move, `start`
/// gets a handle on the current directory, for the caller to return to.
fn walk_up(
    mut walk: Walk,
    cwd: &Buf,
    lexical: bool,
    start: &mut Option<ManuallyDrop<Fd>>,
) -> Result<Found, HandOver> {
    // The number of levels: the cwd's components plus the root (`..` of `/` is `/` again).
    let levels = cwd
        .as_bytes()
        .split(|&b| b == b'/')
        .filter(|c| !c.is_empty())
        .count()
        + 1;
    // Only a lexical walk needs the path of each level (a copy of a PATH_MAX buffer).
    let mut here = lexical.then(|| cwd.clone());
    let mut work: Option<(Fd, usize, &'static str)> = None;
    let mut module: Option<(Fd, usize, &'static str)> = None;
    let mut text = [0u8; version_file::MAX_LEN + 1];
    for level in 0..levels {
        if level > 0 {
            if start.is_none() {
                // Never closed: exec closes it (O_CLOEXEC).
                *start = Some(ManuallyDrop::new(sys::open_cwd().map_err(|_| HandOver)?));
            }
            let entered = match &mut here {
                Some(here) => {
                    here.pop();
                    sys::chdir(here.c_str())
                }
                None => sys::chdir(c".."),
            };
            entered.map_err(|_| HandOver)?;
        }
        for name in Name::ORDER {
            if !walk.wants(name) {
                continue;
            }
            let Some(fd) = open_regular(name)? else {
                continue;
            };
            match name {
                Name::VersionFile(kind) => {
                    let len = read_all(&fd, &mut text)?;
                    if len > version_file::MAX_LEN {
                        return Err(HandOver);
                    }
                    // Names nothing (an empty .go-version): passed over; `gover current` says so.
                    if let Some(request) = kind.parse(&text[..len]).map_err(|_| HandOver)? {
                        return Ok(Found::Version {
                            request,
                            kind,
                            level,
                        });
                    }
                }
                Name::GoWork => work = Some((fd, level, name.file_name())),
                Name::GoMod => module = Some((fd, level, name.file_name())),
            }
            walk.found(name);
        }
    }
    Ok(Found::Modules { work, module })
}

/// The walk could not return to the directory it started in. The tool must not run anywhere
/// else, and `gover __shim` would start in the wrong place too, so the call ends here.
#[cold]
#[inline(never)]
fn lost_cwd(errno: sys::Errno) -> ! {
    let mut message = Buf::new();
    let _ = message.push_bytes(
        b"gover: cannot return to the working directory after looking for version files: ",
    );
    super::fail(message, errno, 126)
}

/// The path of the file `name` `level` directories above `cwd` (for `seen/`).
fn path_at(cwd: &Buf, level: usize, name: &str) -> Result<Buf, HandOver> {
    let mut path = cwd.clone();
    for _ in 0..level {
        path.pop();
    }
    path.push_component(name.as_bytes())?;
    Ok(path)
}

/// The name as a C string.
fn c_name(name: Name) -> &'static CStr {
    match name {
        Name::VersionFile(Kind::GoVersion) => c".go-version",
        Name::VersionFile(Kind::ToolVersions) => c".tool-versions",
        Name::GoWork => c"go.work",
        Name::GoMod => c"go.mod",
    }
}

/// `name` in the working directory, opened without blocking, when it is a regular file;
/// `None` when it is missing or a directory (passed over, as Go does). Anything else is
/// handed over.
fn open_regular(name: Name) -> Result<Option<Fd>, HandOver> {
    let name = c_name(name);
    // Usually the name is not there, and a `stat` says so for about two thirds of what a
    // failed `openat` costs (which sets up a `struct file` before it looks the name up).
    let mode = match sys::mode(name) {
        Ok(mode) => mode,
        Err(ENOENT | ENOTDIR) => return Ok(None),
        Err(_) => return Err(HandOver),
    };
    match walk::verdict(walk::file_type(mode)) {
        Verdict::Read => {}
        Verdict::PassOver => return Ok(None),
        Verdict::Refuse => return Err(HandOver),
    }
    // It is there: open it without blocking and decide on what was opened, which may not be
    // what was looked at a moment ago.
    let fd = match sys::open_nonblocking(name) {
        Ok(fd) => fd,
        Err(ENOENT | ENOTDIR) => return Ok(None),
        Err(_) => return Err(HandOver),
    };
    match walk::verdict(walk::file_type(fd.mode().map_err(|_| HandOver)?)) {
        Verdict::Read => Ok(Some(fd)),
        Verdict::PassOver => Ok(None),
        Verdict::Refuse => Err(HandOver),
    }
}

/// Step 4: the version `current` points at.
fn default_version(home: &Buf) -> Result<GoVersion, HandOver> {
    let mut link = home.clone();
    link.push_component(layout::CURRENT.as_bytes())?;
    let mut target = [0u8; buf::PATH_MAX];
    let len = sys::readlink(link.c_str(), &mut target).map_err(|_| HandOver)?;
    let name = target.get(..len).and_then(buf::file_name).ok_or(HandOver)?;
    let name = core::str::from_utf8(name).map_err(|_| HandOver)?;
    GoVersion::parse(name).map_err(|_| HandOver)
}

/// The installed version that satisfies `request`: for a partial request, the newest match.
fn installed(home: &Buf, request: &VersionRequest) -> Result<GoVersion, HandOver> {
    let mut versions = home.clone();
    versions.push_component(layout::VERSIONS.as_bytes())?;
    if let VersionRequest::Exact(v) = request {
        return if is_installed(&versions, v)? {
            Ok(v.clone())
        } else {
            Err(HandOver)
        };
    }
    let dir = sys::open_dir(versions.c_str()).map_err(|_| HandOver)?;
    let mut best: Option<GoVersion> = None;
    let mut entries = [0u8; 8192];
    loop {
        let len = sys::getdents(&dir, &mut entries).map_err(|_| HandOver)?;
        if len == 0 {
            break;
        }
        let records = entries.get(..len).ok_or(HandOver)?;
        let mut at = 0;
        // Each record: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
        while let Some(header) = records.get(at..at + 19) {
            let reclen = usize::from(u16::from_ne_bytes([header[16], header[17]]));
            let name = records.get(at + 19..at + reclen).ok_or(HandOver)?;
            let name = name.split(|&b| b == 0).next().unwrap_or_default();
            at += reclen;
            let Some(v) = core::str::from_utf8(name)
                .ok()
                .and_then(|n| GoVersion::parse(n).ok())
            else {
                continue;
            };
            if request.matches(&v)
                && best.as_ref().is_none_or(|b| v > *b)
                && is_installed(&versions, &v)?
            {
                best = Some(v);
            }
        }
    }
    best.ok_or(HandOver)
}

/// `versions/<v>/bin/go` is a file.
fn is_installed(versions: &Buf, v: &GoVersion) -> Result<bool, HandOver> {
    let mut go = versions.clone();
    go.push_display(v)?;
    go.push_component(layout::BIN.as_bytes())?;
    go.push_component(b"go")?;
    Ok(sys::is_file(go.c_str()).unwrap_or(false))
}

/// Record that the version file at `path` chose a version: one `symlink(2)` in `seen/`, as
/// `gover::resolve::seen::record` does (`EEXIST` is the usual answer). Never fails the call.
fn record_seen(home: &Buf, path: &Buf) {
    let mut seen = home.clone();
    if seen.push_component(layout::SEEN.as_bytes()).is_err() {
        return;
    }
    let dir_len = seen.len();
    if seen
        .push_component(&layout::seen_entry_name(path.as_bytes()))
        .is_err()
    {
        return;
    }
    if sys::symlink(path.c_str(), seen.c_str()) == Err(ENOENT) {
        // The first record: create `seen/`, but never the home itself.
        let entry = seen.clone();
        seen.truncate(dir_len);
        if sys::mkdir(seen.c_str()).is_ok() {
            let _ = sys::symlink(path.c_str(), entry.c_str());
        }
    }
}

/// Read the whole file into `buf` (up to its size).
fn read_all(fd: &Fd, buf: &mut [u8]) -> Result<usize, HandOver> {
    let mut len = 0;
    while len < buf.len() {
        match sys::read(fd, &mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(_) => return Err(HandOver),
        }
    }
    Ok(len)
}
