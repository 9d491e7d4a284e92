//! The one walk up the directory tree that finds what pins a version, shared by the shim and the
//! CLI (each does its own I/O): which file names to try in each directory, in which order, and
//! which of the files found decides.
//!
//! From the current directory up to the root, in each directory (the current directory as Go's
//! `os.Getwd` gives it: `$PWD` when it is a clean absolute path naming the same directory, else
//! the physical one; its parents are lexical, so below a symlinked directory the walk sees the
//! link's parents, as `go` does):
//! 1. `.go-version`, then `.tool-versions`: the first that names a version decides, at once
//!    (one that names nothing, like an empty `.go-version`, is passed over);
//! 2. `go.work`, until one is found (unless `GOWORK` is `off` or names a file);
//! 3. `go.mod`, until one is found, and only while no `go.work` was (and `GOWORK` names no file).
//!
//! With no version file anywhere up the tree, the module file decides as Go's own lookup does:
//! the file `GOWORK` names, else the nearest `go.work`, else the nearest `go.mod`. A version file
//! in a parent still beats a `go.mod` or `go.work` below it: it is an explicit pin, while a `go`
//! line is only a minimum. `GOVER_GOMOD=0` turns module files off altogether.
//!
//! Only regular files count: a directory with one of these names is passed over as Go does, and
//! anything else (a FIFO, a device, a link to `/dev/stdin`) is an error naming the file, never
//! read, so an untrusted checkout can't block the call or feed it the terminal.

use crate::gomod::{GO_MOD, GO_WORK};
use crate::version_file::Kind;

/// A name the walk looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Name {
    VersionFile(Kind),
    GoWork,
    GoMod,
}

impl Name {
    /// Every name, in the order they are tried in one directory.
    pub const ORDER: [Name; 4] = [
        Name::VersionFile(Kind::GoVersion),
        Name::VersionFile(Kind::ToolVersions),
        Name::GoWork,
        Name::GoMod,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Name::VersionFile(kind) => kind.file_name(),
            Name::GoWork => GO_WORK,
            Name::GoMod => GO_MOD,
        }
    }
}

/// What `GOWORK` says (`go help environment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoWork<'a> {
    /// Unset or empty: the nearest `go.work` up the tree.
    Auto,
    /// `off`: no workspace.
    Off,
    /// A path to the workspace file (Go requires it to be absolute).
    File(&'a [u8]),
}

impl<'a> GoWork<'a> {
    pub fn from_env(value: Option<&'a [u8]>) -> GoWork<'a> {
        match value {
            None | Some(b"") => GoWork::Auto,
            Some(b"off") => GoWork::Off,
            Some(path) => GoWork::File(path),
        }
    }
}

/// The walk's state: which module files are still wanted.
#[derive(Debug, Clone, Copy)]
pub struct Walk {
    modules: bool,
    /// `GOWORK` names the file: no go.work or go.mod up the tree can decide.
    work_file: bool,
    search_work: bool,
    found_work: bool,
    found_mod: bool,
}

impl Walk {
    /// `modules`: whether go.work/go.mod count at all (`GOVER_GOMOD`).
    pub fn new(modules: bool, gowork: GoWork<'_>) -> Walk {
        Walk {
            modules,
            work_file: matches!(gowork, GoWork::File(_)),
            search_work: modules && gowork == GoWork::Auto,
            found_work: false,
            found_mod: false,
        }
    }

    /// Whether to try `name` in the current directory.
    pub fn wants(&self, name: Name) -> bool {
        match name {
            Name::VersionFile(_) => true,
            Name::GoWork => self.search_work && !self.found_work,
            Name::GoMod => self.modules && !self.work_file && !self.found_mod && !self.found_work,
        }
    }

    /// Record that `name` is a regular file in the current directory: it is the nearest of its
    /// kind (the caller keeps it open in case no version file decides).
    pub fn found(&mut self, name: Name) {
        match name {
            Name::GoWork => self.found_work = true,
            Name::GoMod => self.found_mod = true,
            Name::VersionFile(_) => {}
        }
    }
}

/// Whether `$PWD` can start the walk, as Go's `os.Getwd` lets it: an absolute path (the caller
/// then checks it names the current directory). One with `.` or `..` components or doubled
/// slashes is not used (its lexical parents would not be Go's cleaned ones); the physical
/// current directory is used instead.
pub fn usable_pwd(pwd: &[u8]) -> bool {
    let Some(rest) = pwd.strip_prefix(b"/") else {
        return false;
    };
    rest.is_empty()
        || rest
            .split(|&b| b == b'/')
            .all(|c| !c.is_empty() && c != b"." && c != b"..")
}

/// What kind of file an opened name turned out to be (from `fstat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Regular,
    Directory,
    /// A FIFO, socket or device.
    Other,
}

/// What to do with an opened name of this type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Read,
    /// As if it were not there (Go passes over a directory named go.mod).
    PassOver,
    /// Refuse it, naming the file: reading it could block or read the terminal.
    Refuse,
}

pub fn verdict(file_type: FileType) -> Verdict {
    match file_type {
        FileType::Regular => Verdict::Read,
        FileType::Directory => Verdict::PassOver,
        FileType::Other => Verdict::Refuse,
    }
}

/// `st_mode`'s file type bits to a [`FileType`].
pub fn file_type(st_mode: u32) -> FileType {
    match st_mode & 0o170000 {
        0o100000 => FileType::Regular,
        0o040000 => FileType::Directory,
        _ => FileType::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wanted(walk: &Walk) -> std::vec::Vec<&'static str> {
        Name::ORDER
            .into_iter()
            .filter(|n| walk.wants(*n))
            .map(Name::file_name)
            .collect()
    }

    #[test]
    fn go_work_is_searched_all_the_way_up_and_go_mod_only_until_found() {
        let mut walk = Walk::new(true, GoWork::Auto);
        assert_eq!(
            wanted(&walk),
            [".go-version", ".tool-versions", "go.work", "go.mod"]
        );
        walk.found(Name::GoMod);
        assert_eq!(wanted(&walk), [".go-version", ".tool-versions", "go.work"]);
        walk.found(Name::GoWork);
        assert_eq!(wanted(&walk), [".go-version", ".tool-versions"]);
    }

    #[test]
    fn gowork_off_stops_the_go_work_search_a_file_both_and_gomod_off_both() {
        assert_eq!(
            wanted(&Walk::new(true, GoWork::Off)),
            [".go-version", ".tool-versions", "go.mod"]
        );
        assert_eq!(
            wanted(&Walk::new(true, GoWork::from_env(Some(b"/w/go.work")))),
            [".go-version", ".tool-versions"]
        );
        assert_eq!(
            wanted(&Walk::new(false, GoWork::Auto)),
            [".go-version", ".tool-versions"]
        );
        assert_eq!(GoWork::from_env(Some(b"")), GoWork::Auto);
        assert_eq!(GoWork::from_env(Some(b"off")), GoWork::Off);
    }

    #[test]
    fn a_clean_absolute_pwd_is_usable() {
        for good in [&b"/"[..], b"/a", b"/a/b c/d"] {
            assert!(usable_pwd(good), "{good:?}");
        }
        for bad in [
            &b""[..],
            b"a/b",
            b"/a/",
            b"/a//b",
            b"/a/./b",
            b"/a/../b",
            b"/..",
        ] {
            assert!(!usable_pwd(bad), "{bad:?}");
        }
    }

    #[test]
    fn only_regular_files_are_read() {
        assert_eq!(verdict(file_type(0o100644)), Verdict::Read);
        assert_eq!(verdict(file_type(0o040755)), Verdict::PassOver);
        for fifo_socket_chr_blk in [0o010644, 0o140755, 0o020620, 0o060660] {
            assert_eq!(verdict(file_type(fifo_socket_chr_blk)), Verdict::Refuse);
        }
    }
}
