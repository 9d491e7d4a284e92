//! `go.work` and `go.mod` files: what Go version a module asks for.
//!
//! Two directives matter, both at the top level of the file (never inside a block):
//! - `go 1.22.3` (also `go 1.22`, `go 1.21rc1`): the *minimum* Go version. As a release name,
//!   `go 1.22` means `1.22.0` from 1.21 on; before 1.21 the first release had no `.0`, so
//!   `go 1.20` means `1.20`.
//! - `toolchain go1.22.5`: a preferred toolchain; it only ever raises the requirement (Go
//!   ignores one lower than the `go` line, and so does gover). `toolchain default` says nothing.
//!
//! This is read on the shim's hot path only when no `.go-version` was found, and only the one
//! nearest file is parsed.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::fsutil;
use crate::version::{GoVersion, VersionRequest};
use crate::version_file;

pub const GO_WORK: &str = "go.work";
pub const GO_MOD: &str = "go.mod";

/// A go.mod bigger than this is not read whole (real ones are a few KiB).
const MAX_LEN: u64 = 4 << 20;

#[derive(Debug, thiserror::Error)]
pub enum GoModError {
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}:{line}: {reason}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

impl GoModError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            GoModError::Read { .. } => {
                "fix the file's permissions, or set GOVER_GOMOD=0 to ignore go.mod/go.work".into()
            }
            GoModError::Invalid { .. } => "fix the line (e.g. `go 1.22.3`, `toolchain go1.22.5`), \
                 pin a version with `gover local`, or set GOVER_GOMOD=0 to ignore go.mod/go.work"
                .into(),
        })
    }
}

/// A directive and the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub version: GoVersion,
    pub line: usize,
}

/// A parsed go.work or go.mod: where it is and its `go` and `toolchain` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModFile {
    pub path: PathBuf,
    /// The `go` line, already turned into a release name (`go 1.22` → `1.22.0`).
    pub go: Option<Directive>,
    /// The `toolchain` line, unless it says `default`.
    pub toolchain: Option<Directive>,
}

/// What a module file asks for, and which line says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub request: VersionRequest,
    pub line: usize,
}

impl ModFile {
    /// The version this file asks for: the `toolchain` release if it is at least the `go`
    /// line, else the `go` line as a minimum. `None` when the file has neither.
    pub fn requirement(&self) -> Option<Requirement> {
        match (&self.go, &self.toolchain) {
            (Some(go), Some(tc)) if tc.version < go.version => Some(Requirement {
                request: VersionRequest::AtLeast(go.version.clone()),
                line: go.line,
            }),
            (_, Some(tc)) => Some(Requirement {
                request: VersionRequest::Exact(tc.version.clone()),
                line: tc.line,
            }),
            (Some(go), None) => Some(Requirement {
                request: VersionRequest::AtLeast(go.version.clone()),
                line: go.line,
            }),
            (None, None) => None,
        }
    }
}

/// Open `dir/go.work`, else `dir/go.mod`, without reading it: one `open` attempt per name,
/// so the walk up the tree stays as cheap as the `.go-version` one.
pub fn open_in(dir: &Path) -> Result<Option<(PathBuf, File)>, GoModError> {
    for name in [GO_WORK, GO_MOD] {
        if let Some(opened) = open(dir.join(name))? {
            return Ok(Some(opened));
        }
    }
    Ok(None)
}

/// The nearest go.work or go.mod in `dir` or a parent, parsed (go.work first at each level).
pub fn find(dir: &Path) -> Result<Option<ModFile>, GoModError> {
    for candidate in dir.ancestors() {
        for name in [GO_WORK, GO_MOD] {
            if let Some((path, file)) = open(candidate.join(name))?
                && let Some(parsed) = read_opened(file, path)?
            {
                return Ok(Some(parsed));
            }
        }
    }
    Ok(None)
}

fn open(path: PathBuf) -> Result<Option<(PathBuf, File)>, GoModError> {
    match fsutil::open_if_present(&path) {
        Ok(file) => Ok(file.map(|f| (path, f))),
        Err(source) => Err(GoModError::Read { path, source }),
    }
}

/// Parse a file [`open_in`] opened. `Ok(None)` when it turned out to be a directory (which
/// opens fine on Unix; only reading it fails), so the caller can keep looking.
pub fn read_opened(file: File, path: PathBuf) -> Result<Option<ModFile>, GoModError> {
    let mut bytes = Vec::new();
    match file.take(MAX_LEN + 1).read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::IsADirectory => return Ok(None),
        Err(source) => return Err(GoModError::Read { path, source }),
    }
    if bytes.len() as u64 > MAX_LEN {
        return Err(GoModError::Invalid {
            path,
            line: 1,
            reason: format!("larger than {MAX_LEN} bytes"),
        });
    }
    match parse(&bytes) {
        Ok((go, toolchain)) => Ok(Some(ModFile {
            path,
            go,
            toolchain,
        })),
        Err((line, reason)) => Err(GoModError::Invalid { path, line, reason }),
    }
}

/// Read and parse the module file at `path`.
pub fn read(path: &Path) -> Result<ModFile, GoModError> {
    let file = File::open(path).map_err(|source| GoModError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    read_opened(file, path.to_path_buf())?.ok_or_else(|| GoModError::Read {
        path: path.to_path_buf(),
        source: io::Error::from(io::ErrorKind::IsADirectory),
    })
}

type Parsed = (Option<Directive>, Option<Directive>);

/// The `go` and `toolchain` directives of a go.mod/go.work text. Everything else (require
/// blocks, replace lines, comments) is skipped; only these two lines must be well formed.
/// An error carries the 1-based line and the reason.
pub fn parse(bytes: &[u8]) -> Result<Parsed, (usize, String)> {
    let text = std::str::from_utf8(bytes).map_err(|_| (1, "the file is not UTF-8 text".into()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut go: Option<Directive> = None;
    let mut toolchain: Option<Directive> = None;
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let code = raw.split("//").next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        if in_block {
            if code == ")" {
                in_block = false;
            }
            continue;
        }
        if code.ends_with('(') {
            in_block = true;
            continue;
        }
        let mut words = code.split_whitespace();
        let verb = words.next().unwrap_or("");
        if verb != "go" && verb != "toolchain" {
            continue;
        }
        let args: Vec<&str> = words.map(|w| w.trim_matches('"')).collect();
        let [arg] = args[..] else {
            return Err((line, format!("`{code}` should name exactly one version")));
        };
        if verb == "go" {
            if go.is_some() {
                return Err((line, "a second `go` line".into()));
            }
            let version = GoVersion::parse(arg)
                .ok()
                .filter(|_| !arg.starts_with("go"))
                .ok_or_else(|| (line, format!("`go {arg}` is not a Go version")))?;
            go = Some(Directive {
                version: release_name(version),
                line,
            });
        } else {
            if toolchain.is_some() {
                return Err((line, "a second `toolchain` line".into()));
            }
            if arg == "default" {
                continue;
            }
            let version = arg
                .strip_prefix("go")
                .and_then(|v| GoVersion::parse(v).ok())
                .ok_or_else(|| {
                    (
                        line,
                        format!("`toolchain {arg}` does not name a Go release (like go1.22.5)"),
                    )
                })?;
            toolchain = Some(Directive { version, line });
        }
    }
    Ok((go, toolchain))
}

/// The release a `go` line names: `1.22` is the language version, whose first release is
/// `1.22.0` from 1.21 on and plain `1.20` before.
pub fn release_name(mut v: GoVersion) -> GoVersion {
    if v.patch.is_none() && v.pre.is_none() && (v.major, v.minor) >= (1, 21) {
        v.patch = Some(0);
    }
    v
}

/// Evidence that a `.go-version` pins a release older than the module's `go` line: a build
/// there would fail with `GOTOOLCHAIN=local` (which the shims set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StalePin {
    /// The `.go-version` that wins here.
    pub pin_path: PathBuf,
    /// Its line that names the version (1-based).
    pub pin_line: usize,
    /// What it pins (an exact release or a minor line).
    pub pinned: VersionRequest,
    /// The nearest go.work/go.mod.
    pub module_path: PathBuf,
    /// Its `go` line (1-based) and the minimum release that line names.
    pub go_line: usize,
    pub go_min: GoVersion,
}

impl std::fmt::Display for StalePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{} pins Go {}, older than the `go {}` line at {}:{}",
            self.pin_path.display(),
            self.pin_line,
            self.pinned,
            self.go_min,
            self.module_path.display(),
            self.go_line
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StalePinError {
    #[error(transparent)]
    VersionFile(#[from] version_file::VersionFileError),
    #[error(transparent)]
    GoMod(#[from] GoModError),
}

/// For `gover doctor`: whether the `.go-version` in force at `dir` pins a version older than
/// the `go` line of the nearest go.work/go.mod. An exact pin is older when it is below the
/// minimum; a minor pin (`1.21`) when its whole line is below the minimum's line. `Ok(None)`
/// when there is no pin, no module file, no `go` line, or the pin is new enough.
pub fn stale_pin(dir: &Path) -> Result<Option<StalePin>, StalePinError> {
    let Some(pin) = version_file::find(dir)? else {
        return Ok(None);
    };
    let Some(module) = find(dir)? else {
        return Ok(None);
    };
    let Some(go) = module.go else {
        return Ok(None);
    };
    let older = match &pin.request {
        VersionRequest::Exact(v) => *v < go.version,
        VersionRequest::Minor(major, minor) => (*major, *minor) < go.version.minor_line(),
        VersionRequest::Latest | VersionRequest::AtLeast(_) => false,
    };
    if !older {
        return Ok(None);
    }
    let pin_line = version_file::request_line(&pin.path).unwrap_or(1);
    Ok(Some(StalePin {
        pin_path: pin.path,
        pin_line,
        pinned: pin.request,
        module_path: module.path,
        go_line: go.line,
        go_min: go.version,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    fn dir(version: &str, line: usize) -> Option<Directive> {
        Some(Directive {
            version: v(version),
            line,
        })
    }

    #[test]
    fn go_line_forms_become_release_names() {
        assert_eq!(parse(b"module m\n\ngo 1.22\n").unwrap().0, dir("1.22.0", 3));
        assert_eq!(parse(b"go 1.22.3\n").unwrap().0, dir("1.22.3", 1));
        assert_eq!(parse(b"go 1.21rc1").unwrap().0, dir("1.21rc1", 1));
        assert_eq!(parse(b"go 1.21\n").unwrap().0, dir("1.21.0", 1));
        assert_eq!(parse(b"go 1.20\n").unwrap().0, dir("1.20", 1));
        assert_eq!(parse(b"go 1.16\n").unwrap().0, dir("1.16", 1));
    }

    #[test]
    fn toolchain_line_names_a_release_and_default_says_nothing() {
        let (go, tc) = parse(b"module m\ngo 1.22.0\ntoolchain go1.22.5\n").unwrap();
        assert_eq!(go, dir("1.22.0", 2));
        assert_eq!(tc, dir("1.22.5", 3));
        assert_eq!(parse(b"go 1.22\ntoolchain default\n").unwrap().1, None);
    }

    #[test]
    fn comments_blocks_crlf_and_bom_are_handled() {
        let text = "\u{feff}// go 1.9 in a comment\r\nmodule example.com/m // go 1.8\r\n\r\n\
            require (\r\n\tgo 1.7 // not a directive inside a block\r\n\tgolang.org/x/mod v0.1.0\r\n)\r\n\
            go 1.21.4 // the minimum\r\n\
            toolchain   go1.22.1\t// preferred\r\n";
        let (go, tc) = parse(text.as_bytes()).unwrap();
        assert_eq!(go, dir("1.21.4", 8));
        assert_eq!(tc, dir("1.22.1", 9));
        // A go.work with a use block.
        let (go, _) = parse(b"go 1.22\n\nuse (\n\t./a\n\t./b\n)\n").unwrap();
        assert_eq!(go, dir("1.22.0", 1));
    }

    #[test]
    fn bad_lines_are_errors_with_the_line_number() {
        let err = |text: &[u8]| parse(text).unwrap_err();
        assert_eq!(err(b"module m\ngo banana\n").0, 2);
        assert!(err(b"go banana\n").1.contains("banana"));
        assert_eq!(err(b"module m\n\ntoolchain 1.22.5\n").0, 3);
        assert_eq!(err(b"go 1.22 1.23\n").0, 1);
        assert_eq!(err(b"go\n").0, 1);
        assert_eq!(err(b"go go1.22\n").0, 1);
        assert_eq!(err(b"go 1.21\ngo 1.22\n").0, 2);
        assert_eq!(err(b"\xff\xfe").0, 1);
    }

    #[test]
    fn requirement_prefers_a_toolchain_that_raises_the_minimum() {
        let file = |go: Option<Directive>, toolchain: Option<Directive>| ModFile {
            path: "go.mod".into(),
            go,
            toolchain,
        };
        let req = file(dir("1.22.0", 3), dir("1.22.5", 4))
            .requirement()
            .unwrap();
        assert_eq!(req.request, VersionRequest::Exact(v("1.22.5")));
        assert_eq!(req.line, 4);
        // A toolchain below the go line is ignored, as Go does.
        let req = file(dir("1.22.3", 3), dir("1.21.0", 4))
            .requirement()
            .unwrap();
        assert_eq!(req.request, VersionRequest::AtLeast(v("1.22.3")));
        assert_eq!(req.line, 3);
        assert_eq!(file(None, None).requirement(), None);
    }

    #[test]
    fn find_prefers_go_work_and_skips_a_directory_named_go_mod() {
        let tmp = tempfile::tempdir().unwrap();
        let deep = tmp.path().join("ws/mod/pkg");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(tmp.path().join("ws/mod/pkg/go.mod")).unwrap();
        std::fs::write(tmp.path().join("ws/mod/go.mod"), "module m\ngo 1.21\n").unwrap();
        let found = find(&deep).unwrap().unwrap();
        assert_eq!(found.path, tmp.path().join("ws/mod/go.mod"));
        std::fs::write(tmp.path().join("ws/mod/go.work"), "go 1.22.1\n").unwrap();
        assert_eq!(
            find(&deep).unwrap().unwrap().path,
            tmp.path().join("ws/mod/go.work")
        );
    }

    #[test]
    fn stale_pin_reports_both_files_lines_and_versions() {
        let tmp = tempfile::tempdir().unwrap();
        let module = tmp.path().join("m");
        std::fs::create_dir_all(&module).unwrap();
        std::fs::write(tmp.path().join(".go-version"), "# team pin\n1.21.5\n").unwrap();
        std::fs::write(module.join("go.mod"), "module m\n\ngo 1.22\n").unwrap();
        let stale = stale_pin(&module).unwrap().unwrap();
        assert_eq!(
            stale,
            StalePin {
                pin_path: tmp.path().join(".go-version"),
                pin_line: 2,
                pinned: VersionRequest::Exact(v("1.21.5")),
                module_path: module.join("go.mod"),
                go_line: 3,
                go_min: v("1.22.0"),
            }
        );
        assert!(stale.to_string().contains(".go-version:2 pins Go 1.21.5"));
        assert!(stale.to_string().contains("`go 1.22.0` line at"));
        // A minor pin of an older line is stale; one of the same line is not.
        std::fs::write(tmp.path().join(".go-version"), "1.21\n").unwrap();
        assert!(stale_pin(&module).unwrap().is_some());
        std::fs::write(tmp.path().join(".go-version"), "1.22\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
        // A pin at or above the minimum is fine.
        std::fs::write(tmp.path().join(".go-version"), "1.22.0\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
        // No go line, or no pin: nothing to say.
        std::fs::write(tmp.path().join(".go-version"), "1.10\n").unwrap();
        std::fs::write(module.join("go.mod"), "module m\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
        std::fs::remove_file(tmp.path().join(".go-version")).unwrap();
        std::fs::write(module.join("go.mod"), "module m\ngo 1.22\n").unwrap();
        assert_eq!(stale_pin(&module).unwrap(), None);
    }

    #[test]
    fn stale_pin_surfaces_a_broken_go_mod() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(".go-version"), "1.21.5\n").unwrap();
        std::fs::write(tmp.path().join("go.mod"), "module m\ngo one\n").unwrap();
        let err = stale_pin(tmp.path()).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("go.mod:2: `go one` is not a Go version")
        );
    }
}
