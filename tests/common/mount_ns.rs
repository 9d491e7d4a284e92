//! System start-up files for one test, without touching the machine's: commands run under
//! `unshare --mount --propagation private` (util-linux), where a small driver binds the test's
//! own files and directories over `/etc/profile`, `/etc/profile.d`, `/usr/local`, … and then
//! `exec`s the command. The shells the command starts (and `gover doctor`'s probes) read those
//! files for real; the binds exist only in that private namespace and vanish with it, and
//! private propagation keeps them from reaching the host's mount table.
//!
//! Needs root (CI runs the tests as root): [`SystemFiles::new`] returns `None`, with a message,
//! where mounting is refused, and panics instead when `CI` is set.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::context::{Outcome, Run, TestContext};

const DRIVER: &str = r#"#!/bin/sh
# enter SOURCE TARGET [SOURCE TARGET]... -- PROGRAM ARGS...
# Bind each SOURCE over TARGET in this (private) mount namespace, then run PROGRAM.
set -eu
while [ "$1" != -- ]; do
    /usr/bin/env PATH=/usr/sbin:/usr/bin:/sbin:/bin mount --bind "$1" "$2"
    shift 2
done
shift
exec "$@"
"#;

/// Replacements for system paths, applied in a private mount namespace per command.
pub struct SystemFiles {
    dir: PathBuf,
    driver: PathBuf,
    binds: Vec<(PathBuf, PathBuf)>,
}

fn find(program: &str) -> Option<PathBuf> {
    ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        .iter()
        .map(|d| Path::new(d).join(program))
        .find(|p| p.is_file())
}

impl SystemFiles {
    /// Replacements kept under `<root>/system`; `None` (after saying so) where this machine does
    /// not let the test make a mount namespace and bind in it, unless `CI` is set (then it panics).
    pub fn new(ctx: &TestContext) -> Option<SystemFiles> {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        let refuse = |why: String| -> Option<SystemFiles> {
            assert!(!ci, "CI must run this test as root: {why}");
            eprintln!("skipping: {why}");
            None
        };
        // SAFETY: geteuid(2) cannot fail and touches no memory.
        if unsafe { libc::geteuid() } != 0 {
            return refuse("binding over /etc in a mount namespace needs root".into());
        }
        let dir = ctx.root.join("system");
        std::fs::create_dir_all(&dir).expect("create the replacements dir");
        let driver = dir.join("enter");
        write_exe(&driver, DRIVER);
        let files = SystemFiles {
            dir,
            driver,
            binds: Vec::new(),
        };
        // Can we? Bind the replacements dir onto itself and look at it from inside.
        let Some(unshare) = find("unshare") else {
            return refuse("util-linux's unshare is not installed".into());
        };
        let probe = Command::new(unshare)
            .args(["--mount", "--propagation", "private", "--"])
            .arg(&files.driver)
            .arg(&files.dir)
            .arg(&files.dir)
            .args(["--", "/bin/true"])
            .output()
            .expect("run unshare");
        if !probe.status.success() {
            return refuse(format!(
                "cannot bind in a private mount namespace: {}",
                String::from_utf8_lossy(&probe.stderr).trim()
            ));
        }
        Some(files)
    }

    /// Puts `contents` at `target` (an existing system file) for the commands this runs.
    pub fn replace_file(&mut self, target: &str, contents: &str) -> PathBuf {
        assert!(
            Path::new(target).is_file(),
            "{target} must exist to bind over it"
        );
        let source = self.source_for(target);
        std::fs::write(&source, contents).expect("write a replacement file");
        self.binds.push((source.clone(), target.into()));
        source
    }

    /// Puts an empty directory at `target` (an existing system directory) for the commands this
    /// runs; returns it, for the test to fill.
    pub fn replace_dir(&mut self, target: &str) -> PathBuf {
        assert!(
            Path::new(target).is_dir(),
            "{target} must exist to bind over it"
        );
        let source = self.source_for(target);
        std::fs::create_dir_all(&source).expect("create a replacement dir");
        self.binds.push((source.clone(), target.into()));
        source
    }

    fn source_for(&self, target: &str) -> PathBuf {
        self.dir
            .join(target.trim_start_matches('/').replace('/', "__"))
    }

    /// `program ARGS…` in the sandbox environment with `path` as PATH, inside a private mount
    /// namespace with the replacements bound (not yet run). `program` must be an absolute path:
    /// the PATH given may be broken on purpose.
    pub fn command(&self, ctx: &TestContext, program: impl AsRef<OsStr>, path: &str) -> Run {
        let program = program.as_ref();
        assert!(
            Path::new(program).is_absolute(),
            "{program:?}: give an absolute path"
        );
        let mut run = ctx
            .command(find("unshare").expect("unshare"))
            .args(["--mount", "--propagation", "private", "--"])
            .arg(&self.driver);
        for (source, target) in &self.binds {
            run = run.arg(source).arg(target);
        }
        run.arg("--").arg(program).env("PATH", path)
    }

    /// `gover ARGS…` in the namespace, with `path` as PATH.
    pub fn gover(&self, ctx: &TestContext, args: &[&str], path: &str) -> Outcome {
        self.command(ctx, super::context::gover_exe(), path)
            .args(args)
            .run()
    }

    /// Runs `script` in a shell mode (`flags`) in the namespace, with the inherited `path`.
    pub fn run_mode(
        &self,
        ctx: &TestContext,
        shell: &str,
        flags: &[&str],
        script: &str,
        path: &str,
    ) -> Outcome {
        let program = find(shell).unwrap_or_else(|| panic!("{shell} is not installed"));
        self.command(ctx, program, path)
            .args(flags)
            .arg(script)
            .run()
    }
}

fn write_exe(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write an executable");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod 755");
}

/// Every file under `path` (or `path` itself) with its bytes, and every directory, sorted: to
/// prove a test left a system path exactly as it found it.
pub fn snapshot(path: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(_) => return out,
    };
    if meta.is_dir() {
        out.push((path.to_path_buf(), None));
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("read a dir")
            .map(|e| e.expect("a dir entry").path())
            .collect();
        entries.sort();
        for e in entries {
            out.extend(snapshot(&e));
        }
    } else if meta.file_type().is_symlink() {
        let target = std::fs::read_link(path).expect("read a link");
        out.push((
            path.to_path_buf(),
            Some(target.into_os_string().into_encoded_bytes()),
        ));
    } else {
        out.push((
            path.to_path_buf(),
            Some(std::fs::read(path).expect("read a file")),
        ));
    }
    out
}

/// The mount points in this process's mount table (`/proc/self/mountinfo`, field 5).
pub fn mount_points() -> Vec<String> {
    std::fs::read_to_string("/proc/self/mountinfo")
        .expect("read /proc/self/mountinfo")
        .lines()
        .filter_map(|l| l.split(' ').nth(4).map(str::to_string))
        .collect()
}
