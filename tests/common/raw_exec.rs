//! Running a program with an exact argv and envp, byte for byte: any argv[0], duplicate variables,
//! entries without `=`, non-UTF-8 bytes, in the order given. `std::process::Command` cannot express
//! these (it sets argv[0] itself and keeps one value per name, sorted), so the child calls `execve(2)`
//! itself from `pre_exec`, after `Command` has set up its directory and pipes.

use std::ffi::{CString, c_char};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// What `execve` gets: the strings, and the NULL-terminated pointer arrays into them.
struct Exec {
    program: CString,
    _strings: Vec<CString>,
    argv: Vec<*const c_char>,
    envp: Vec<*const c_char>,
}

// SAFETY: the pointers point into `_strings`, whose heap buffers live (and do not move) as long as
// `Exec`; nothing writes through them.
unsafe impl Send for Exec {}
// SAFETY: as above; shared use only reads.
unsafe impl Sync for Exec {}

impl Exec {
    /// `execve(2)`; returns only on failure.
    fn run(&self) -> std::io::Error {
        // SAFETY: the arrays are NULL-terminated and point at live NUL-terminated strings.
        unsafe {
            libc::execve(
                self.program.as_ptr(),
                self.argv.as_ptr(),
                self.envp.as_ptr(),
            )
        };
        std::io::Error::last_os_error()
    }
}

fn c_string(bytes: &[u8]) -> CString {
    CString::new(bytes).unwrap_or_else(|_| panic!("{bytes:?} holds a NUL"))
}

/// Runs `program` in `cwd` with exactly `argv` and `envp` (stdin empty, stdout and stderr captured).
/// Panics, after killing it, if it runs for more than two minutes.
pub fn exec_raw<A, E>(program: &Path, argv: &[A], envp: &[E], cwd: &Path) -> Output
where
    A: AsRef<[u8]>,
    E: AsRef<[u8]>,
{
    let argv_strings: Vec<CString> = argv.iter().map(|a| c_string(a.as_ref())).collect();
    let envp_strings: Vec<CString> = envp.iter().map(|e| c_string(e.as_ref())).collect();
    let pointers = |strings: &[CString]| -> Vec<*const c_char> {
        strings
            .iter()
            .map(|s| s.as_ptr())
            .chain([std::ptr::null()])
            .collect()
    };
    let exec = Exec {
        program: c_string(program.as_os_str().as_bytes()),
        argv: pointers(&argv_strings),
        envp: pointers(&envp_strings),
        _strings: argv_strings.into_iter().chain(envp_strings).collect(),
    };
    let mut command = Command::new(program);
    command
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: the closure only calls execve (async-signal-safe) on memory prepared before the fork.
    unsafe {
        command.pre_exec(move || Err(exec.run()));
    }
    let display = program.display().to_string();
    let child = command
        .spawn()
        .unwrap_or_else(|err| panic!("cannot start {display}: {err}"));
    let pid = child.id();
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match finished.recv_timeout(Duration::from_secs(120)) {
        Ok(output) => output.unwrap_or_else(|err| panic!("waiting for {display}: {err}")),
        Err(_) => {
            // Only the child we started, by its id.
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(pid.to_string())
                .status();
            panic!("{display} did not finish within 2 minutes; killed it");
        }
    }
}

/// The NUL-separated strings of `/proc/PID/cmdline` or `/proc/PID/environ` (each ends in a NUL).
pub fn nul_separated(bytes: &[u8]) -> Vec<Vec<u8>> {
    match bytes.strip_suffix(b"\0") {
        Some(body) => body.split(|&b| b == 0).map(<[u8]>::to_vec).collect(),
        None if bytes.is_empty() => Vec::new(),
        None => panic!("{:?} does not end in a NUL", String::from_utf8_lossy(bytes)),
    }
}
