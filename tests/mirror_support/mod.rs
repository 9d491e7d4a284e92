//! Test support for tests/mirrors.rs, tests/offline.rs and tests/gomod.rs: fake Go releases,
//! go.dev-format indexes, a loopback static file server that counts requests, and a sandboxed
//! `gover` runner. Self-contained so it does not depend on the shared harness's API.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

pub const PLATFORM: &str = "linux-amd64";

/// A tar.gz in the official layout whose `go/bin/go` prints `go version go<v> <os>/<arch>`.
pub fn fake_archive(version: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for tool in ["go", "gofmt"] {
        let script = format!("#!/bin/sh\necho \"go version go{version} linux/amd64 ($0)\"\n");
        let mut header = tar::Header::new_gnu();
        header.set_size(script.len() as u64);
        header.set_mode(0o755);
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, format!("go/bin/{tool}"), script.as_bytes())
            .unwrap();
    }
    let version_file = format!("go{version}\n");
    let mut header = tar::Header::new_gnu();
    header.set_size(version_file.len() as u64);
    header.set_mode(0o644);
    builder
        .append_data(&mut header, "go/VERSION", version_file.as_bytes())
        .unwrap();
    builder.into_inner().unwrap().finish().unwrap()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn archive_name(version: &str, platform: &str) -> String {
    format!("go{version}.{platform}.tar.gz")
}

/// Write archives for `versions` × `platforms` into `dir` and a go.dev-format `index.json`
/// listing them (newest first, as given). Versions with a letter are marked unstable.
pub fn publish(dir: &Path, versions: &[&str], platforms: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut releases = Vec::new();
    for v in versions {
        let mut files = Vec::new();
        for platform in platforms {
            let bytes = fake_archive(v);
            let name = archive_name(v, platform);
            std::fs::write(dir.join(&name), &bytes).unwrap();
            let (os, arch) = platform.split_once('-').unwrap();
            files.push(serde_json::json!({
                "filename": name, "os": os, "arch": arch, "version": format!("go{v}"),
                "sha256": sha256_hex(&bytes), "size": bytes.len(), "kind": "archive"
            }));
        }
        let stable = !v.contains(|c: char| c.is_ascii_alphabetic());
        releases.push(
            serde_json::json!({"version": format!("go{v}"), "stable": stable, "files": files}),
        );
    }
    std::fs::write(
        dir.join("index.json"),
        serde_json::to_vec_pretty(&releases).unwrap(),
    )
    .unwrap();
}

/// A static file server on 127.0.0.1 that counts GETs per path. It lives until the test
/// process exits.
pub struct Server {
    pub base: String,
    hits: Arc<Mutex<HashMap<String, usize>>>,
}

impl Server {
    pub fn serve(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let hits: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
        let root = root.to_path_buf();
        let counter = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    match reader.read_line(&mut header) {
                        Ok(0) | Err(_) => break,
                        Ok(_) if header == "\r\n" || header == "\n" => break,
                        Ok(_) => {}
                    }
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let path = path.split('?').next().unwrap().to_string();
                *counter.lock().unwrap().entry(path.clone()).or_default() += 1;
                let file = root.join(path.trim_start_matches('/'));
                let response = match std::fs::read(&file) {
                    Ok(body) if file.is_file() => {
                        let mut r = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        r.extend(body);
                        r
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
            }
        });
        Server { base, hits }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base, path.trim_start_matches('/'))
    }

    /// How many GETs `path` (e.g. `/index.json`) has seen.
    pub fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    /// GETs of archives (`*.tar.gz`) in all.
    pub fn archive_hits(&self) -> usize {
        let hits = self.hits.lock().unwrap();
        hits.iter()
            .filter(|(p, _)| p.ends_with(".tar.gz"))
            .map(|(_, n)| n)
            .sum()
    }
}

/// A URL nothing listens on: port 1 on loopback refuses connections.
pub const DEAD: &str = "http://127.0.0.1:1";

/// A sandbox: its own HOME and GOVER_HOME, an upstream mirror (`upstream/`) served on loopback.
pub struct Sandbox {
    pub tmp: tempfile::TempDir,
    pub upstream: Server,
    pub env: Vec<(String, String)>,
}

impl Sandbox {
    /// Upstream has `versions` for linux-amd64 (newest first, as go.dev lists them).
    pub fn new(versions: &[&str]) -> Sandbox {
        Sandbox::with_platforms(versions, &[PLATFORM])
    }

    pub fn with_platforms(versions: &[&str], platforms: &[&str]) -> Sandbox {
        let tmp = tempfile::tempdir().unwrap();
        publish(&tmp.path().join("upstream"), versions, platforms);
        std::fs::create_dir_all(tmp.path().join("home")).unwrap();
        std::fs::create_dir_all(tmp.path().join("work")).unwrap();
        let upstream = Server::serve(&tmp.path().join("upstream"));
        let env = vec![
            ("GOVER_INDEX_URL".into(), upstream.url("/index.json")),
            ("GOVER_DIST_URL".into(), upstream.url("/")),
        ];
        Sandbox { tmp, upstream, env }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    pub fn gover_home(&self) -> PathBuf {
        self.path("gover")
    }

    pub fn work(&self) -> PathBuf {
        self.path("work")
    }

    /// Override (or add) an environment variable for later commands.
    pub fn set(&mut self, key: &str, value: &str) {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
    }

    fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(cwd)
            .env_clear()
            .env("HOME", self.path("home"))
            .env("GOVER_HOME", self.gover_home())
            .env("PATH", "/usr/bin:/bin")
            .env("NO_COLOR", "1");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Run `gover ARGS` in `cwd` with extra env vars.
    pub fn gover_in(&self, cwd: &Path, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(Path::new(env!("CARGO_BIN_EXE_gover")), cwd);
        cmd.args(args);
        for (k, v) in extra {
            cmd.env(k, v);
        }
        Run::from(cmd.output().unwrap())
    }

    pub fn gover(&self, args: &[&str]) -> Run {
        self.gover_in(&self.work(), args, &[])
    }

    /// Run the `go` shim in `cwd`.
    pub fn go_shim(&self, cwd: &Path, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(&self.gover_home().join("shims/go"), cwd);
        cmd.args(args);
        for (k, v) in extra {
            cmd.env(k, v);
        }
        Run::from(cmd.output().unwrap())
    }

    pub fn installed(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.gover_home().join("versions"))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    pub fn cached_download(&self, version: &str) -> PathBuf {
        self.gover_home()
            .join("cache/downloads")
            .join(archive_name(version, PLATFORM))
    }

    /// Install `version` and assert it worked.
    pub fn install(&self, version: &str) {
        let run = self.gover(&["install", version]);
        run.success();
    }
}

/// A finished command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn success(&self) -> &Run {
        assert_eq!(self.code, 0, "expected success; stderr:\n{}", self.stderr);
        self
    }

    pub fn code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn stderr_has(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}:\n{}",
            self.stderr
        );
        self
    }

    pub fn stdout_is(&self, text: &str) -> &Run {
        assert_eq!(self.stdout, text, "stderr:\n{}", self.stderr);
        self
    }
}
