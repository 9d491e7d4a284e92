//! A sandbox for shell-integration tests: its own HOME and GOVER_HOME, Go 1.22.5 really
//! installed by gover from a `file://` mirror built here (a fake release whose `go` is a
//! script), fake hand-installed SDKs to pollute PATH with, and helpers that run the real
//! installed shells in each start-up mode with a clean environment.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use sha2::{Digest, Sha256};

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

pub fn gover_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gover"))
}

/// A script that answers `version` like the real `go` and `env GOROOT` with `$GOROOT`.
pub fn fake_go_script(version: &str) -> String {
    format!(
        "#!/bin/sh\ncase \"$1\" in\n  version) echo \"go version go{version} linux/amd64\" ;;\n  env) echo \"${{GOROOT:-unset}}\" ;;\n  *) echo \"fake go{version}: $*\" ;;\nesac\n"
    )
}

pub fn write_exe(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Whether a shell program is installed (CI installs all of them; see .ci/run).
pub fn have(shell: &str) -> bool {
    ["/usr/bin", "/bin", "/usr/local/bin"]
        .iter()
        .any(|d| Path::new(d).join(shell).is_file())
}

pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
    pub gover_home: PathBuf,
    /// Where fake hand-installed SDKs live (`sdk/go1.21/bin/go` …), like /usr/local.
    pub sdk: PathBuf,
}

impl Sandbox {
    /// A sandbox with Go 1.22.5 installed by gover (the default) and fake SDKs go1.21 and
    /// go1.22.0 under `sdk/`.
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_path_buf();
        let home = root.join("home dir"); // a space, on purpose
        let gover_home = root.join("gover home");
        let sdk = root.join("sdk");
        std::fs::create_dir_all(&home).unwrap();
        write_exe(&sdk.join("go1.21/bin/go"), &fake_go_script("1.21.0"));
        write_exe(&sdk.join("go1.22/bin/go"), &fake_go_script("1.22.0"));
        let sb = Sandbox {
            dir,
            home,
            gover_home,
            sdk,
        };
        sb.install_managed();
        sb
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn shims(&self) -> PathBuf {
        self.gover_home.join("shims")
    }

    pub fn sdk_bin(&self, name: &str) -> String {
        self.sdk.join(name).join("bin").display().to_string()
    }

    /// Build a go.dev-format mirror on disk and install from it through `gover install`.
    fn install_managed(&self) {
        let mirror = self.root().join("mirror");
        std::fs::create_dir_all(&mirror).unwrap();
        let platform = gover::dist::Platform::current();
        let filename = format!("go{MANAGED}.{}-{}.tar.gz", platform.os, platform.arch);
        let bytes = tarball(&[
            ("go/bin/go", fake_go_script(MANAGED)),
            ("go/bin/gofmt", "#!/bin/sh\necho gofmt\n".to_string()),
            ("go/VERSION", format!("go{MANAGED}\n")),
        ]);
        std::fs::write(mirror.join(&filename), &bytes).unwrap();
        let index = serde_json::json!([{
            "version": format!("go{MANAGED}"),
            "stable": true,
            "files": [{
                "filename": filename,
                "os": platform.os,
                "arch": platform.arch,
                "version": format!("go{MANAGED}"),
                "sha256": format!("{:x}", Sha256::digest(&bytes)),
                "size": bytes.len(),
                "kind": "archive",
            }],
        }]);
        std::fs::write(mirror.join("index.json"), index.to_string()).unwrap();
        let out = self
            .gover(&["install", MANAGED])
            .env(
                "GOVER_INDEX_URL",
                format!("file://{}/index.json", mirror.display()),
            )
            .env("GOVER_DIST_URL", format!("file://{}/", mirror.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "install failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A clean environment: only HOME, GOVER_HOME, TERM and the given PATH.
    pub fn env(&self, cmd: &mut Command, path: &str) {
        cmd.env_clear()
            .env("HOME", &self.home)
            .env("GOVER_HOME", &self.gover_home)
            .env("TERM", "dumb")
            .env("PATH", path)
            .current_dir(&self.home)
            .stdin(Stdio::null());
    }

    /// `gover ARGS` in the sandbox with PATH `/usr/bin:/bin`.
    pub fn gover(&self, args: &[&str]) -> Command {
        self.gover_with_path(args, "/usr/bin:/bin")
    }

    pub fn gover_with_path(&self, args: &[&str], path: &str) -> Command {
        let mut cmd = Command::new(gover_bin());
        self.env(&mut cmd, path);
        cmd.args(args);
        cmd
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.home.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.home.join(rel)).unwrap_or_default()
    }

    /// Run `script` in a shell mode with the inherited `path`; stdout.
    pub fn run_mode(&self, shell: &str, flags: &[&str], script: &str, path: &str) -> Output {
        let mut cmd = Command::new(shell);
        self.env(&mut cmd, path);
        cmd.args(flags).arg(script);
        cmd.stderr(Stdio::piped());
        cmd.output().unwrap()
    }

    /// The PATH a new login session gets: what the user's login bash exports, which is what
    /// `bash -c`, cron-like children and IDEs started from that session inherit.
    pub fn session_path(&self, inherited: &str) -> String {
        let out = self.run_mode("bash", &["-l", "-c"], "printf %s \"$PATH\"", inherited);
        String::from_utf8(out.stdout).unwrap()
    }

    /// Assert `go version` runs gover's 1.22.5 in every installed shell mode. Modes that read
    /// start-up files start from `inherited`; `bash -c` inherits the login session's PATH.
    pub fn assert_every_mode_runs_managed_go(&self, inherited: &str) {
        let session = self.session_path(inherited);
        let mut checked = 0;
        for (shell, flags, label) in MODES {
            if !have(shell) {
                continue;
            }
            let path = if *label == "bash -c" {
                session.as_str()
            } else {
                inherited
            };
            let out = self.run_mode(shell, flags, "go version", path);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                stdout.contains(&format!("go version go{MANAGED} ")),
                "`{label} 'go version'` printed {stdout:?} (stderr {:?})",
                String::from_utf8_lossy(&out.stderr)
            );
            checked += 1;
        }
        assert!(
            checked >= 3,
            "bash, dash and friends must be installed to run this test"
        );
    }

    /// `gover doctor --json` (plus extra args) with `path`; (exit code, parsed report).
    pub fn doctor(&self, args: &[&str], path: &str) -> (i32, serde_json::Value) {
        let mut all = vec!["doctor", "--json"];
        all.extend_from_slice(args);
        let out = self.gover_with_path(&all, path).output().unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "doctor printed no JSON ({e}): {} / {}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out.status.code().unwrap_or(-1), report)
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

fn tarball(entries: &[(&str, String)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (name, text) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o755);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, name, text.as_bytes()).unwrap();
    }
    let mut gz = tar.into_inner().unwrap();
    gz.flush().unwrap();
    gz.finish().unwrap()
}
