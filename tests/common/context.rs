//! `TestContext`: one sandbox per test (HOME, GOVER_HOME, a project directory, a mirror) and the helpers to
//! run `gover` and the shims inside it and to assert on what they did.

use std::ffi::OsStr;
use std::fmt;
use std::io::Write;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::thread;
use std::time::Duration;

use super::mirror::{Mirror, Request};
use super::release::archive_name;
use super::release::{Release, index_json};

/// The `gover` binary under test.
pub fn gover_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gover"))
}

/// The `gover-shim` binary under test.
pub fn shim_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gover-shim"))
}

/// A sandbox: its own HOME, GOVER_HOME, project directory and mirror; deleted when dropped.
///
/// `TestContext::new()` is the usual layout (`<root>/home`, `<root>/home/.gover`, `<root>/project`);
/// [`TestContext::builder`] changes it (e.g. paths with spaces, the project dir being HOME) and the environment.
pub struct TestContext {
    _root: tempfile::TempDir,
    /// The sandbox root (canonical: no symlinks, so paths printed by gover compare equal).
    pub root: PathBuf,
    pub home: PathBuf,
    pub gover_home: PathBuf,
    /// The working directory of every command unless a test says otherwise.
    pub project: PathBuf,
    pub mirror: Mirror,
    releases: Mutex<Vec<Release>>,
    /// Environment changes applied to every command after the defaults: `None` removes the variable.
    env: Vec<(String, Option<String>)>,
}

/// Options for a [`TestContext`]; paths are relative to the sandbox root.
pub struct Builder {
    home: String,
    gover_home: Option<String>,
    project: String,
    env: Vec<(String, Option<String>)>,
}

impl Builder {
    /// HOME (default `home`).
    pub fn home(mut self, rel: &str) -> Builder {
        self.home = rel.to_owned();
        self
    }

    /// GOVER_HOME (default `<home>/.gover`).
    pub fn gover_home(mut self, rel: &str) -> Builder {
        self.gover_home = Some(rel.to_owned());
        self
    }

    /// The working directory of commands (default `project`); may be HOME itself.
    pub fn project(mut self, rel: &str) -> Builder {
        self.project = rel.to_owned();
        self
    }

    /// Sets `key` for every command, overriding the sandbox default (`PATH`, `GOVER_INDEX_TTL`, …).
    pub fn env(mut self, key: &str, value: &str) -> Builder {
        self.env.push((key.to_owned(), Some(value.to_owned())));
        self
    }

    /// Removes `key` (a sandbox default) from every command.
    pub fn env_remove(mut self, key: &str) -> Builder {
        self.env.push((key.to_owned(), None));
        self
    }

    pub fn build(self) -> TestContext {
        let root_dir = tempfile::Builder::new()
            .prefix("gover-test-")
            .tempdir()
            .expect("temp dir");
        let root = root_dir.path().canonicalize().expect("canonical temp dir");
        let home = root.join(&self.home);
        let project = root.join(&self.project);
        std::fs::create_dir_all(&home).expect("create HOME");
        std::fs::create_dir_all(&project).expect("create project dir");
        let context = TestContext {
            _root: root_dir,
            gover_home: match &self.gover_home {
                Some(rel) => root.join(rel),
                None => home.join(".gover"),
            },
            home,
            project,
            root,
            mirror: Mirror::start(),
            releases: Mutex::new(Vec::new()),
            env: self.env,
        };
        context.republish();
        context
    }
}

impl TestContext {
    /// A sandbox whose mirror publishes an empty index.
    pub fn new() -> TestContext {
        TestContext::builder().build()
    }

    /// A sandbox with another layout or environment.
    pub fn builder() -> Builder {
        Builder {
            home: "home".to_owned(),
            gover_home: None,
            project: "project".to_owned(),
            env: Vec::new(),
        }
    }

    /// Sets `key` for every later command, overriding the sandbox default.
    pub fn set_env(&mut self, key: &str, value: impl AsRef<str>) -> &mut Self {
        self.env
            .push((key.to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    /// Removes `key` from every later command.
    pub fn remove_env(&mut self, key: &str) -> &mut Self {
        self.env.push((key.to_owned(), None));
        self
    }

    /// A sandbox whose mirror publishes fake releases of `versions` (`"1.22.5"`, `"1.23rc1"`, …).
    pub fn with_releases(versions: &[&str]) -> TestContext {
        let context = TestContext::new();
        for version in versions {
            context.publish(Release::fake(version));
        }
        context
    }

    /// Adds (or replaces) a release: serves its archive and lists it in the index.
    pub fn publish(&self, release: Release) {
        self.mirror.serve_bytes(
            &Mirror::archive_path(&release.filename),
            release.archive.clone(),
        );
        for other in &release.others {
            self.mirror.serve_bytes(
                &Mirror::archive_path(&other.filename),
                other.archive.clone(),
            );
        }
        let mut releases = self.releases();
        releases.retain(|r| r.version != release.version);
        releases.push(release);
        drop(releases);
        self.republish();
    }

    /// Lists a release in the index without serving its archive (the mirror answers 404).
    pub fn publish_index_only(&self, release: Release) {
        self.releases().push(release);
        self.republish();
    }

    fn republish(&self) {
        self.mirror
            .serve_bytes("/index.json", index_json(&self.releases()).into_bytes());
    }

    fn releases(&self) -> MutexGuard<'_, Vec<Release>> {
        self.releases
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The index the mirror serves now, parsed.
    pub fn index(&self) -> serde_json::Value {
        serde_json::from_str(&index_json(&self.releases())).expect("the index is JSON")
    }

    /// The published release of `version`.
    pub fn release(&self, version: &str) -> Release {
        self.releases()
            .iter()
            .find(|r| r.version == version)
            .cloned()
            .unwrap_or_else(|| panic!("no release {version} published"))
    }

    /// The mirror path of `version`'s archive.
    pub fn archive_path(&self, version: &str) -> String {
        Mirror::archive_path(&self.release(version).filename)
    }

    /// The archive URL gover downloads for `version`.
    pub fn archive_url(&self, version: &str) -> String {
        self.mirror.url(&self.archive_path(version))
    }

    /// How many times `version`'s archive was downloaded (GET requests).
    pub fn downloads_of(&self, version: &str) -> usize {
        self.mirror.gets(&self.archive_path(version))
    }

    /// The requests for `version`'s archive, in arrival order.
    pub fn archive_requests(&self, version: &str) -> Vec<Request> {
        self.mirror.requests_for(&self.archive_path(version))
    }

    /// `$GOVER_HOME/versions/<version>`.
    pub fn version_dir(&self, version: &str) -> PathBuf {
        self.gover_home.join("versions").join(version)
    }

    /// `$GOVER_HOME/versions/<version>/bin/<tool>`.
    pub fn tool_path(&self, version: &str, tool: &str) -> PathBuf {
        self.version_dir(version).join("bin").join(tool)
    }

    /// `$GOVER_HOME/shims`.
    pub fn shims_dir(&self) -> PathBuf {
        self.gover_home.join("shims")
    }

    /// `$GOVER_HOME/shims/<tool>`.
    pub fn shim_path(&self, tool: &str) -> PathBuf {
        self.shims_dir().join(tool)
    }

    /// `$GOVER_HOME/cache/downloads/<archive of version>`, where a verified download is kept.
    pub fn cached_download(&self, version: &str) -> PathBuf {
        self.gover_home
            .join("cache/downloads")
            .join(super::release::archive_name(version))
    }

    /// Versions present under `$GOVER_HOME/versions`, sorted by name.
    pub fn installed(&self) -> Vec<String> {
        ls(&self.gover_home.join("versions"))
    }

    /// Entries of `$GOVER_HOME/staging` (none after any install, failed or not), sorted.
    pub fn staging(&self) -> Vec<String> {
        ls(&self.gover_home.join("staging"))
    }

    /// Files in `$GOVER_HOME/cache/downloads`, sorted.
    pub fn downloads(&self) -> Vec<String> {
        ls(&self.gover_home.join("cache/downloads"))
    }

    /// Writes `$HOME/<rel>` (creating parents) and returns its path.
    pub fn write_home(&self, rel: &str, contents: &str) -> PathBuf {
        let path = self.home.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs in HOME");
        std::fs::write(&path, contents).expect("write a file in HOME");
        path
    }

    /// `$HOME/<rel>`, or "" if it cannot be read.
    pub fn read_home(&self, rel: &str) -> String {
        std::fs::read_to_string(self.home.join(rel)).unwrap_or_default()
    }

    /// Where `$GOVER_HOME/current` points, exactly as stored (None if absent).
    pub fn current_link(&self) -> Option<PathBuf> {
        std::fs::read_link(self.gover_home.join("current")).ok()
    }

    /// Asserts `current` is the relative link `versions/<version>`.
    #[track_caller]
    pub fn assert_default(&self, version: &str) {
        assert_eq!(
            self.current_link(),
            Some(Path::new("versions").join(version)),
            "$GOVER_HOME/current should be a relative link to versions/{version}"
        );
        assert!(
            self.gover_home
                .join("current")
                .join("bin")
                .join("go")
                .is_file(),
            "$GOVER_HOME/current/bin/go should exist through the link"
        );
    }

    /// Asserts no install left debris: `staging/` empty or absent, no `*.partial` anywhere in GOVER_HOME.
    #[track_caller]
    pub fn assert_no_leftovers(&self) {
        let staging = self.gover_home.join("staging");
        if staging.exists() {
            let left: Vec<_> = std::fs::read_dir(&staging)
                .expect("read staging")
                .map(|e| e.unwrap().path())
                .collect();
            assert!(left.is_empty(), "staging/ should be empty, found {left:?}");
        }
        let partials: Vec<PathBuf> = walk(&self.gover_home)
            .into_iter()
            .filter(|p| p.to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(
            partials.is_empty(),
            "no .partial files should remain, found {partials:?}"
        );
    }

    /// Exactly `version` is installed, from exactly `archive`: no leftovers, the cached download
    /// byte-identical to what the mirror published, and the shim runs it.
    #[track_caller]
    pub fn assert_installed_from(&self, version: &str, archive: &[u8]) {
        assert_eq!(self.installed(), [version]);
        self.assert_no_leftovers();
        assert_eq!(self.downloads(), [archive_name(version)]);
        let cached = std::fs::read(self.cached_download(version)).unwrap();
        assert_eq!(cached, archive, "the cached archive is not byte-identical");
        self.shim("go", ["version"])
            .assert_stdout_contains(&format!("go{version}"));
    }

    /// Nothing installed, no staging, no partial or cached download, no default.
    #[track_caller]
    pub fn assert_nothing_installed(&self) {
        assert!(
            self.installed().is_empty(),
            "versions: {:?}",
            self.installed()
        );
        self.assert_no_leftovers();
        assert!(
            self.downloads().is_empty(),
            "downloads: {:?}",
            self.downloads()
        );
        assert_eq!(self.current_link(), None);
        // Nothing of an unverified archive may outlive the failed install, in the store either.
        let stored: Vec<PathBuf> = walk(&self.gover_home.join("store"))
            .into_iter()
            .filter(|p| p.is_file())
            .collect();
        assert!(stored.is_empty(), "the store holds {stored:?}");
    }

    /// Writes `<dir>/.go-version` (creating `dir`) and returns its path.
    pub fn write_go_version(&self, dir: &Path, contents: &str) -> PathBuf {
        std::fs::create_dir_all(dir).expect("create dir for .go-version");
        let path = dir.join(".go-version");
        std::fs::write(&path, contents).expect("write .go-version");
        path
    }

    /// A command for `program` with the sandbox environment, running in the project directory.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Run {
        let mut command = Command::new(program.as_ref());
        command.env_clear();
        // Coverage tooling needs to follow the child; nothing else leaks in from the developer's shell.
        if let Some(profile) = std::env::var_os("LLVM_PROFILE_FILE") {
            command.env("LLVM_PROFILE_FILE", profile);
        }
        command
            .env("HOME", &self.home)
            .env("GOVER_HOME", &self.gover_home)
            .env("GOVER_INDEX_URL", self.mirror.index_url())
            .env("GOVER_DIST_URL", self.mirror.dist_url())
            // Tests change the mirror's index between commands; the index cache (tested in
            // tests/offline.rs) would hide that for its TTL.
            .env("GOVER_INDEX_TTL", "0")
            // Retries back off for milliseconds, not seconds (a server's Retry-After still counts).
            .env("GOVER_RETRY_BASE_MS", "1")
            // Many tests look at the verified archive in the download cache after an install; by
            // default gover deletes it then (tests/archive_cache.rs removes this to test that).
            .env("GOVER_KEEP_ARCHIVES", "1")
            .env("PATH", self.sandbox_path())
            .env("TMPDIR", &self.root)
            .env("COLUMNS", "100")
            .env("LANG", "C.UTF-8")
            .current_dir(&self.project);
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        Run::new(command, program.as_ref().to_string_lossy().into_owned())
    }

    /// `path` as doctor's report for people writes it: under HOME as `~/…`.
    pub fn as_shown(&self, path: &Path) -> String {
        let text = path.display().to_string();
        let home = format!("{}/", self.home.display());
        match text.strip_prefix(&home) {
            Some(rest) => format!("~/{rest}"),
            None => text,
        }
    }

    /// `$GOVER_HOME/shims:/usr/bin:/bin`.
    pub fn sandbox_path(&self) -> String {
        format!("{}:/usr/bin:/bin", self.gover_home.join("shims").display())
    }

    /// `gover ARGS…` (not yet run).
    pub fn gover_cmd<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command(gover_exe()).args(args).named("gover")
    }

    /// Runs `gover ARGS…` in the project directory.
    pub fn gover<I, S>(&self, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.gover_cmd(args).run()
    }

    /// `$GOVER_HOME/shims/<tool> ARGS…` (not yet run).
    pub fn shim_cmd<I, S>(&self, tool: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command(self.shim_path(tool))
            .args(args)
            .named(&format!("shims/{tool}"))
    }

    /// Runs `$GOVER_HOME/shims/<tool> ARGS…` in the project directory.
    pub fn shim<I, S>(&self, tool: &str, args: I) -> Outcome
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.shim_cmd(tool, args).run()
    }

    /// `gover install VERSION`, asserting it succeeded and that the version landed.
    #[track_caller]
    pub fn install(&self, version: &str) {
        self.gover(["install", version]).assert_success();
        assert!(
            self.tool_path(version, "go").is_file(),
            "{version} should be installed"
        );
    }

    /// `gover install VERSION` (a real toolchain: given up to `deadline`), then `go version`
    /// through the shim names that release.
    pub fn install_and_run(&self, version: &str, deadline: Duration) {
        self.gover_cmd(["install", version])
            .deadline(deadline)
            .run()
            .assert_success();
        self.shim("go", ["version"])
            .assert_success()
            .assert_stdout_contains(&format!("go version go{version} "));
    }
}

impl Default for TestContext {
    fn default() -> Self {
        TestContext::new()
    }
}

/// The names in `dir`, sorted; empty if it does not exist.
pub fn ls(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| {
                    e.expect("dir entry")
                        .file_name()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Every path under `dir` (not following symlinks), empty if it does not exist.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                pending.push(path.clone());
            }
            found.push(path);
        }
    }
    found
}

/// A command about to run in the sandbox, with a guard that kills it if it hangs.
pub struct Run {
    command: Command,
    name: String,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    deadline: Duration,
}

impl Run {
    fn new(command: Command, name: String) -> Run {
        Run {
            command,
            name,
            args: Vec::new(),
            stdin: None,
            deadline: Duration::from_secs(120),
        }
    }

    fn named(mut self, name: &str) -> Run {
        self.name = name.to_owned();
        self
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Run {
        self.args.push(arg.as_ref().to_string_lossy().into_owned());
        self.command.arg(arg);
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for arg in args {
            self = self.arg(arg);
        }
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Run {
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Run {
        self.command.env_remove(key);
        self
    }

    /// Runs in `dir` instead of the project directory.
    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Run {
        self.command.current_dir(dir);
        self
    }

    /// Feeds `input` on stdin (otherwise stdin is empty).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Run {
        self.stdin = Some(input.into());
        self
    }

    /// Raises the hang guard for slow commands (real toolchains compiling).
    pub fn deadline(mut self, deadline: Duration) -> Run {
        self.deadline = deadline;
        self
    }

    /// Starts it in the background (stdin empty, stdout and stderr piped) for a test that waits, reads or
    /// kills it itself.
    pub fn spawn(mut self) -> Spawned {
        let display = self.display();
        let child = self
            .command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start `{display}`: {err}"));
        Spawned { child, display }
    }

    fn display(&self) -> String {
        format!(
            "{} {}",
            self.name,
            self.args
                .iter()
                .map(|a| format!("{a:?}"))
                .collect::<Vec<_>>()
                .join(" ")
        )
    }

    /// Runs to completion and captures everything. Panics (after killing the child) if it outlives the hang
    /// guard: a hang is a failure, never a wait forever.
    pub fn run(mut self) -> Outcome {
        let display = self.display();
        self.command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = self
            .command
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start `{display}`: {err}"));
        let pid = child.id();
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = self.stdin.take().unwrap_or_default();
        // A child that exits without reading stdin closes the pipe: ignore that write error.
        let feeder = thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let (done, finished) = mpsc::channel();
        thread::spawn(move || {
            let _ = done.send(child.wait_with_output());
        });
        let output = match finished.recv_timeout(self.deadline) {
            Ok(output) => output.unwrap_or_else(|err| panic!("waiting for `{display}`: {err}")),
            Err(_) => {
                // Only the child we started, by its id.
                let _ = Command::new("kill")
                    .arg("-KILL")
                    .arg(pid.to_string())
                    .status();
                panic!(
                    "`{display}` did not finish within {:?}; killed it",
                    self.deadline
                );
            }
        };
        let _ = feeder.join();
        Outcome::new(display, output)
    }
}

/// A command running in the background ([`Run::spawn`]).
pub struct Spawned {
    pub child: Child,
    display: String,
}

impl Spawned {
    /// Reads its stderr until it says `gover-test: paused at <point>` (see
    /// `GOVER_TEST_PAUSE_AT`); panics with what it said if it ends first.
    pub fn wait_until_paused_at(&mut self, point: &str) {
        use std::io::BufRead;
        let stderr = self.child.stderr.take().expect("piped stderr");
        let mut stderr = std::io::BufReader::new(stderr);
        let marker = format!("gover-test: paused at {point}");
        let mut seen = String::new();
        loop {
            let mut line = String::new();
            assert!(
                stderr.read_line(&mut line).unwrap() > 0,
                "`{}` ended before pausing at {point}:\n{seen}",
                self.display
            );
            seen.push_str(&line);
            if line.trim() == marker {
                return;
            }
        }
    }

    /// [`Spawned::wait_until_paused_at`], then `kill -9` it there.
    pub fn kill_when_paused_at(mut self, point: &str) {
        self.wait_until_paused_at(point);
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Waits for it to exit and captures what is left of its output.
    pub fn wait(self) -> Outcome {
        let output = self
            .child
            .wait_with_output()
            .unwrap_or_else(|err| panic!("waiting for `{}`: {err}", self.display));
        Outcome::new(self.display, output)
    }
}

/// What a finished command did. Every assertion prints the whole outcome when it fails.
pub struct Outcome {
    pub display: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command: {}", self.display)?;
        writeln!(f, "status:  {}", self.status)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}--------------", self.stderr)
    }
}

impl Outcome {
    fn new(display: String, output: Output) -> Outcome {
        Outcome {
            display,
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    pub fn signal(&self) -> Option<i32> {
        self.status.signal()
    }

    /// Stdout lines.
    pub fn lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(self.status.success(), "expected success\n{self}");
        self.assert_no_panic()
    }

    /// Exit code `code`, and no panic.
    #[track_caller]
    pub fn assert_exit(&self, code: i32) -> &Self {
        assert_eq!(self.code(), Some(code), "expected exit code {code}\n{self}");
        self.assert_no_panic()
    }

    /// A gover error: exit code `code`, an `error: ` line on stderr (status lines such as "Installing Go 1.22.5"
    /// may come before it), and no panic.
    #[track_caller]
    pub fn assert_error(&self, code: i32) -> &Self {
        self.assert_exit(code);
        self.error_message();
        self
    }

    /// A gover failure told the way users see it: exit code `code`, exactly one `error: ` line, `needle`
    /// somewhere on stderr, a `hint: ` line, and no panic.
    #[track_caller]
    pub fn assert_fails(&self, code: i32, needle: &str) -> &Self {
        self.assert_exit(code);
        let errors = self
            .stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .count();
        assert_eq!(errors, 1, "want exactly one `error: ` line\n{self}");
        self.assert_stderr_contains(needle);
        assert!(
            self.stderr.lines().any(|l| l.starts_with("hint: ")),
            "stderr should have a `hint: ` line\n{self}"
        );
        self
    }

    /// The error block on stderr: from the first line starting with `error: ` to the end.
    #[track_caller]
    pub fn error_message(&self) -> &str {
        let start = if self.stderr.starts_with("error: ") {
            Some(0)
        } else {
            self.stderr.find("\nerror: ").map(|i| i + 1)
        };
        match start {
            Some(start) => &self.stderr[start..],
            None => panic!("stderr should have a line starting with `error: `\n{self}"),
        }
    }

    #[track_caller]
    pub fn assert_no_panic(&self) -> &Self {
        for tell in ["panicked", "RUST_BACKTRACE", "stack backtrace"] {
            assert!(
                !self.stderr.contains(tell),
                "must never panic (found {tell:?})\n{self}"
            );
        }
        self
    }

    #[track_caller]
    pub fn assert_stdout(&self, expected: &str) -> &Self {
        assert_eq!(self.stdout, expected, "unexpected stdout\n{self}");
        self
    }

    #[track_caller]
    pub fn assert_stdout_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout should contain {needle:?}\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn assert_stderr_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr should contain {needle:?}\n{self}"
        );
        self
    }

    #[track_caller]
    pub fn assert_stderr_lacks(&self, needle: &str) -> &Self {
        assert!(
            !self.stderr.contains(needle),
            "stderr should not contain {needle:?}\n{self}"
        );
        self
    }

    /// Nothing a terminal would animate: no carriage returns, escape sequences or progress-bar glyphs.
    #[track_caller]
    pub fn assert_no_progress_output(&self) -> &Self {
        for glyph in ["\r", "\x1b", "█", "▉", "━", "─", "⠁", "⠋"] {
            assert!(
                !self.stderr.contains(glyph),
                "stderr should carry no progress output (found {glyph:?})\n{self}"
            );
        }
        self
    }
}
