//! Replacing this process with a program, with `execve` semantics only.
//!
//! `std::process::Command::exec` calls `execvp`, which in glibc runs a file the kernel refuses
//! with `ENOEXEC` (an empty `bin/go`, a truncated download, a text file without `#!`) through
//! `/bin/sh` instead: a broken `go` then "succeeds" silently. Here such a file is an error.
//! A bare name is looked up in the child's `PATH`, skipping empty and relative entries (a
//! program is never run from a path relative to wherever the user happens to be).

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

/// A program about to replace this process: its argv and its whole environment.
#[derive(Debug)]
pub struct Exec {
    program: OsString,
    args: Vec<OsString>,
    env: Vec<(OsString, OsString)>,
}

/// Why the program could not be run, and the file that was tried (the last one, for a name
/// looked up in `PATH`).
#[derive(Debug, thiserror::Error)]
#[error("cannot run {}", crate::output::text::printable(&path.to_string_lossy()))]
pub struct ExecError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl ExecError {
    /// The kernel refused the file's format (`ENOEXEC`): not an executable this system runs.
    pub fn is_not_executable(&self) -> bool {
        self.source.raw_os_error() == Some(libc::ENOEXEC)
    }

    /// What is wrong with the file, for a person: the OS error, said plainly for `ENOEXEC`.
    pub fn reason(&self) -> String {
        if self.is_not_executable() {
            format!(
                "it is not a program this system can run (empty, truncated or not an executable: {})",
                self.source
            )
        } else {
            self.source.to_string()
        }
    }
}

impl Exec {
    /// `program` (a path, or a name to look up in `PATH`) with the current environment.
    /// Its argv[0] is `program` as given.
    pub fn new(program: impl AsRef<OsStr>) -> Exec {
        Exec {
            program: program.as_ref().to_owned(),
            args: Vec::new(),
            env: std::env::vars_os().collect(),
        }
    }

    pub fn args<I, S>(mut self, args: I) -> Exec
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Set `key` in the program's environment (replacing any value).
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Exec {
        let key = key.as_ref();
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Replace this process. Returns only on failure.
    pub fn exec(self) -> ExecError {
        // gover ignores SIGPIPE for itself (`gover list | head` exits 0); the program it becomes
        // gets the default back, as every child `std::process::Command` starts does: `go list |
        // head` must end quietly, not write on into a closed pipe. If no exec succeeds, gover
        // goes on (to report the failure) with its own disposition again.
        // SAFETY: setting a signal's disposition; no handler runs.
        let own = unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
        let failed = self.replace();
        // SAFETY: as above, back to what it was.
        unsafe { libc::signal(libc::SIGPIPE, own) };
        failed
    }

    /// The exec itself: the program, or each PATH entry in turn. Returns only on failure.
    fn replace(self) -> ExecError {
        let fail = |path: &Path, source| ExecError {
            path: path.to_path_buf(),
            source,
        };
        let argv = match cstrings(std::iter::once(&self.program).chain(&self.args).cloned()) {
            Ok(argv) => argv,
            Err(e) => return fail(Path::new(&self.program), e),
        };
        let envp = match cstrings(self.env.iter().map(|(k, v)| {
            let mut entry = k.clone();
            entry.push("=");
            entry.push(v);
            entry
        })) {
            Ok(envp) => envp,
            Err(e) => return fail(Path::new(&self.program), e),
        };
        let program = Path::new(&self.program);
        if self.program.as_bytes().contains(&b'/') {
            return fail(program, execve(program, &argv, &envp));
        }
        let path = self
            .env
            .iter()
            .find(|(k, _)| k == "PATH")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        // As execvp: a file that is there but not executable is reported only when no later
        // entry has the program; any other failure of a file that is there stops the search.
        let mut denied: Option<ExecError> = None;
        for dir in std::env::split_paths(&path).filter(|d| d.is_absolute()) {
            let candidate = dir.join(program);
            let err = execve(&candidate, &argv, &envp);
            match err.raw_os_error() {
                Some(
                    libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT,
                ) => {}
                Some(libc::EACCES) => {
                    denied.get_or_insert(fail(&candidate, err));
                }
                _ => return fail(&candidate, err),
            }
        }
        denied.unwrap_or_else(|| fail(program, io::ErrorKind::NotFound.into()))
    }
}

fn cstrings(items: impl IntoIterator<Item = OsString>) -> io::Result<Vec<CString>> {
    items
        .into_iter()
        .map(|s| {
            CString::new(s.into_vec()).map_err(|_| {
                io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in an argument")
            })
        })
        .collect()
}

/// One `execve(2)`; returns the error (it only returns on failure).
fn execve(path: &Path, argv: &[CString], envp: &[CString]) -> io::Error {
    let Ok(path) = CString::new(path.as_os_str().as_bytes()) else {
        return io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in the path");
    };
    let mut argv_ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    argv_ptrs.push(std::ptr::null());
    let mut envp_ptrs: Vec<*const libc::c_char> = envp.iter().map(|e| e.as_ptr()).collect();
    envp_ptrs.push(std::ptr::null());
    // SAFETY: every pointer is to a NUL-terminated string that outlives the call, and both
    // arrays end with a null pointer.
    unsafe { libc::execve(path.as_ptr(), argv_ptrs.as_ptr(), envp_ptrs.as_ptr()) };
    io::Error::last_os_error()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn executable(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    // Only failures can be tested in-process (a success would replace the test runner).
    #[test]
    fn a_file_the_kernel_refuses_is_an_error_not_a_shell_script() {
        let tmp = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("empty", &b""[..]),
            ("text", b"echo this would run under sh\n"),
        ] {
            let path = executable(tmp.path(), name, bytes);
            let err = Exec::new(&path).exec();
            assert!(err.is_not_executable(), "{name}: {err:?}");
            assert_eq!(err.path, path);
        }
    }

    #[test]
    fn a_name_is_looked_up_in_the_absolute_entries_of_path_only() {
        let tmp = tempfile::tempdir().unwrap();
        let bin = tmp.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        executable(&bin, "broken-tool", b"");
        let path = format!("relative:{}:", bin.display());
        let err = Exec::new("broken-tool").env("PATH", &path).exec();
        assert!(err.is_not_executable(), "{err:?}");
        assert_eq!(err.path, bin.join("broken-tool"));
        let err = Exec::new("no-such-tool-here").env("PATH", &path).exec();
        assert_eq!(err.source.kind(), io::ErrorKind::NotFound);
    }
}
