//! Which installed version runs here: the same precedence as `gover::resolve`, on raw system
//! calls, with `gover-core` parsing every file. It decides only when everything is in order;
//! anything else (an error to report, a version that is not installed, a file bigger than its
//! buffer, an errno it does not expect) is [`HandOver`], and `gover __shim` decides on std.
//!
//! 1. `GOVER_VERSION`;
//! 2. the nearest `.go-version` in the current directory or a parent (recorded in `seen/`);
//! 3. when there is none anywhere up the tree, the nearest `go.work`/`go.mod` (unless
//!    `GOVER_GOMOD=0`): its `toolchain` line exactly, else its `go` line as a minimum;
//! 4. the `current` link.
//!
//! Then: an exact version is installed when `versions/<v>/bin/go` is a file; a partial one
//! picks the newest installed match in `versions/`.

use gover_core::env as names;
use gover_core::layout;
use gover_core::version::{GoVersion, VersionRequest};
use gover_core::{gomod, version_file};

use super::HandOver;
use super::buf::{self, Buf};
use super::process::Process;
use super::sys::{self, EISDIR, ENOENT, ENOTDIR, Fd};

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
    let gomod_on = process.var(names::GOVER_GOMOD).is_none_or(names::is_on);
    let mut dir = cwd()?;
    // The first module file seen, opened but not read: a `.go-version` further up still wins.
    let mut module: Option<Fd> = None;
    let mut text = [0u8; version_file::MAX_LEN + 1];
    loop {
        let level = dir.len();
        dir.push_component(version_file::FILE_NAME.as_bytes())?;
        if let Some(fd) = open_if_present(&dir)? {
            match read_all(&fd, &mut text)? {
                // A directory named .go-version is not a version file.
                None => {}
                Some(len) if len > version_file::MAX_LEN => return Err(HandOver),
                Some(len) => {
                    let request = version_file::parse(&text[..len]).map_err(|_| HandOver)?;
                    record_seen(home, &dir);
                    return Ok(Some(request));
                }
            }
        }
        dir.truncate(level);
        if gomod_on && module.is_none() {
            for name in [gomod::GO_WORK, gomod::GO_MOD] {
                dir.push_component(name.as_bytes())?;
                module = open_if_present(&dir)?;
                dir.truncate(level);
                if module.is_some() {
                    break;
                }
            }
        }
        if !dir.pop() {
            break;
        }
    }
    let Some(fd) = module else {
        return Ok(None);
    };
    // From the kernel rather than the stack, which then stays small (tens of KiB) even under a
    // low `ulimit -s`; only calls in a module pay for the mapping.
    let text = sys::alloc(MODULE_BUF).map_err(|_| HandOver)?;
    // SAFETY: a fresh, zeroed mapping of MODULE_BUF bytes that nothing else refers to.
    let text = unsafe { core::slice::from_raw_parts_mut(text, MODULE_BUF) };
    // A directory named go.mod, or a file too big for the buffer: std looks further.
    let len = read_all(&fd, text)?
        .filter(|&len| len < MODULE_BUF)
        .ok_or(HandOver)?;
    let (go, toolchain) = gomod::parse(&text[..len]).map_err(|_| HandOver)?;
    Ok(gomod::requirement(go.as_ref(), toolchain.as_ref()).map(|r| r.request))
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
/// `gover::seen::record` does (`EEXIST` is the usual answer). Never fails the call.
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

/// Open `path` for reading; `None` when it (or a parent) does not exist.
fn open_if_present(path: &Buf) -> Result<Option<Fd>, HandOver> {
    match sys::open(path.c_str()) {
        Ok(fd) => Ok(Some(fd)),
        Err(ENOENT | ENOTDIR) => Ok(None),
        Err(_) => Err(HandOver),
    }
}

/// Read the whole file into `buf` (up to its size); `None` when it is a directory.
fn read_all(fd: &Fd, buf: &mut [u8]) -> Result<Option<usize>, HandOver> {
    let mut len = 0;
    while len < buf.len() {
        match sys::read(fd, &mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(EISDIR) if len == 0 => return Ok(None),
            Err(_) => return Err(HandOver),
        }
    }
    Ok(Some(len))
}
