//! Shell-integration helpers on top of [`TestContext`]: a sandbox laid out the way shell start-up files make
//! hard (spaces in HOME and GOVER_HOME), Go 1.22.5 really installed by gover from the loopback mirror, fake
//! hand-installed SDKs to pollute PATH with, and helpers that run the real installed shells in each start-up
//! mode with a clean environment, plus `gover doctor --json` helpers.

use std::path::{Path, PathBuf};

use super::context::{Outcome, Run, TestContext};
use super::release::{Release, fake_tool_script};

pub const MANAGED: &str = "1.22.5";

/// The start-up modes gover supports, as (shell, flags, label).
pub const MODES: &[(&str, &[&str], &str)] = &[
    ("bash", &["-l", "-c"], "bash -lc"),
    ("bash", &["-i", "-c"], "bash -ic"),
    ("bash", &["-c"], "bash -c"),
    ("zsh", &["-c"], "zsh -c"),
    ("zsh", &["-l", "-i", "-c"], "zsh -lic"),
    ("fish", &["-c"], "fish -c"),
    ("sh", &["-l", "-c"], "sh -lc"),
];

/// The PATH commands get unless a test gives another: gover and its shims are not on it.
pub const BASE_PATH: &str = "/usr/bin:/bin";

/// Whether a shell program is installed (CI installs all of them; see .ci/run).
pub fn have(shell: &str) -> bool {
    ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .any(|d| Path::new(d).join(shell).is_file())
}

/// A sandbox for shell tests: HOME (`<root>/home dir`) and GOVER_HOME (`<root>/gover home`) with spaces on
/// purpose, commands run in HOME with PATH [`BASE_PATH`] and `TERM=dumb`, Go [`MANAGED`] installed by gover
/// (the default), and fake hand-installed SDKs under `<root>/sdk`: `go1.21` (reports 1.21.0) and `go1.22`
/// (reports 1.22.0).
pub fn sandbox() -> TestContext {
    let ctx = TestContext::builder()
        .home("home dir")
        .gover_home("gover home")
        .project("home dir")
        .env("PATH", BASE_PATH)
        .env("TERM", "dumb")
        .build();
    write_exe(
        &ctx.sdk().join("go1.21/bin/go"),
        &fake_tool_script("go", "1.21.0"),
    );
    write_exe(
        &ctx.sdk().join("go1.22/bin/go"),
        &fake_tool_script("go", "1.22.0"),
    );
    ctx.publish(Release::fake(MANAGED));
    ctx.install(MANAGED);
    ctx
}

fn write_exe(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
    std::fs::write(path, text).expect("write an executable");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod 755");
}

/// Shell-test helpers for a [`sandbox`].
pub trait Shells {
    /// Where the fake hand-installed SDKs live (`sdk/go1.21/bin/go` …), like /usr/local.
    fn sdk(&self) -> PathBuf;
    /// `<sdk>/<name>/bin`, for a PATH.
    fn sdk_bin(&self, name: &str) -> String;
    /// `gover ARGS…` with `path` as PATH (not yet run).
    fn gover_with_path(&self, args: &[&str], path: &str) -> Run;
    /// Runs `script` in a shell mode with the inherited `path`.
    fn run_mode(&self, shell: &str, flags: &[&str], script: &str, path: &str) -> Outcome;
    /// The PATH a new login session gets: what the user's login bash exports, which is what `bash -c`,
    /// cron-like children and IDEs started from that session inherit.
    fn session_path(&self, inherited: &str) -> String;
    /// Asserts `go version` runs gover's [`MANAGED`] in every installed shell mode. Modes that read start-up
    /// files start from `inherited`; `bash -c` inherits the login session's PATH.
    fn assert_every_mode_runs_managed_go(&self, inherited: &str);
    /// `gover doctor --json` (plus extra args) with `path`; (exit code, parsed report).
    fn doctor(&self, args: &[&str], path: &str) -> (i32, serde_json::Value);
}

impl Shells for TestContext {
    fn sdk(&self) -> PathBuf {
        self.root.join("sdk")
    }

    fn sdk_bin(&self, name: &str) -> String {
        self.sdk().join(name).join("bin").display().to_string()
    }

    fn gover_with_path(&self, args: &[&str], path: &str) -> Run {
        self.gover_cmd(args).env("PATH", path)
    }

    fn run_mode(&self, shell: &str, flags: &[&str], script: &str, path: &str) -> Outcome {
        self.command(shell)
            .args(flags)
            .arg(script)
            .env("PATH", path)
            .run()
    }

    fn session_path(&self, inherited: &str) -> String {
        self.run_mode("bash", &["-l", "-c"], "printf %s \"$PATH\"", inherited)
            .stdout
    }

    #[track_caller]
    fn assert_every_mode_runs_managed_go(&self, inherited: &str) {
        let session = self.session_path(inherited);
        let checked =
            assert_modes_run_managed_go(&session, inherited, |shell, flags, script, path| {
                self.run_mode(shell, flags, script, path)
            });
        assert!(
            checked >= 3,
            "bash, dash and friends must be installed to run this test"
        );
    }

    fn doctor(&self, args: &[&str], path: &str) -> (i32, serde_json::Value) {
        let mut all = vec!["doctor", "--json"];
        all.extend_from_slice(args);
        let out = self.gover_with_path(&all, path).run();
        let report: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("doctor printed no JSON ({e})\n{out}"));
        (out.code().unwrap_or(-1), report)
    }
}

/// Findings with `id` in a doctor report.
pub fn findings<'a>(report: &'a serde_json::Value, id: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"] == id)
        .collect()
}

/// All evidence lines of the findings with `id`, joined.
pub fn evidence(report: &serde_json::Value, id: &str) -> String {
    findings(report, id)
        .iter()
        .flat_map(|f| f["evidence"].as_array().unwrap().iter())
        .map(|e| e.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs `go version` in every installed mode of [`MODES`] through `run(shell, flags, script, PATH)`
/// and asserts each runs gover's [`MANAGED`]. Modes that read start-up files start from
/// `inherited`; `bash -c` inherits the login `session`'s PATH. Returns how many modes ran.
#[track_caller]
pub fn assert_modes_run_managed_go(
    session: &str,
    inherited: &str,
    run: impl Fn(&str, &[&str], &str, &str) -> Outcome,
) -> usize {
    let mut checked = 0;
    for (shell, flags, label) in MODES {
        if !have(shell) {
            continue;
        }
        let path = if *label == "bash -c" {
            session
        } else {
            inherited
        };
        let out = run(shell, flags, "go version", path);
        assert!(
            out.stdout.contains(&format!("go version go{MANAGED} ")),
            "`{label} 'go version'` printed {:?} (stderr {:?})",
            out.stdout,
            out.stderr
        );
        checked += 1;
    }
    checked
}

/// The standard system dirs gover's PATH code appends when missing, as this machine has them:
/// `/usr/local/bin`, `getconf PATH`'s, `/usr/sbin`, `/sbin` (each if it is a directory).
pub fn system_dirs() -> Vec<String> {
    let getconf = std::process::Command::new("/usr/bin/getconf")
        .arg("PATH")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    let all = std::iter::once("/usr/local/bin")
        .chain(getconf.split(':'))
        .chain(["/usr/bin", "/bin", "/usr/sbin", "/sbin"]);
    for d in all {
        if d.starts_with('/') && Path::new(d).is_dir() && !out.iter().any(|o| o == d) {
            out.push(d.to_string());
        }
    }
    out
}
