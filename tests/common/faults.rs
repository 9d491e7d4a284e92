//! A fault-injecting loopback HTTP server and a self-contained gover sandbox for the
//! reliability tests: it serves a go.dev-format index and release archives, and each request
//! for a path can be scripted to fail (drop mid-body, stall, answer 500/429, serve wrong
//! bytes, ignore Range, lie about Content-Length, redirect). It also acts as an HTTP proxy
//! (absolute-form request targets are routed by path) and records every request, `CONNECT`
//! included.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// What the server does with one request for a path.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Serve the file (honouring `Range: bytes=N-`).
    Serve,
    /// Answer with this status and an empty body (and `Retry-After` seconds, if given).
    Status(u16, Option<u64>),
    /// Announce the whole length, send this many body bytes, then close the connection.
    DropAfter(usize),
    /// Send this many body bytes, then stall for the duration, then send the rest.
    StallFor(usize, Duration),
    /// Send this many body bytes, then block until the gate opens, then send the rest.
    StallUntil(usize, Gate),
    /// Serve the file with one byte flipped in the middle.
    WrongBytes,
    /// Serve the whole file with 200 even when a range was asked for.
    IgnoreRange,
    /// Announce `len + delta` bytes in Content-Length but send the real file, then close.
    LieLength(i64),
    /// Serve this many extra bytes after the file (Content-Length honest).
    Longer(usize),
    /// Serve only the first this-many bytes (Content-Length honest).
    Shorter(usize),
    /// Close the connection without answering.
    Reset,
    /// Redirect (302) to this URL.
    Redirect(String),
}

/// A latch a test opens to let a stalled response continue.
#[derive(Clone, Debug, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }
    pub fn open(&self) {
        *self.0.0.lock().unwrap() = true;
        self.0.1.notify_all();
    }
    fn wait(&self) {
        let mut open = self.0.0.lock().unwrap();
        while !*open {
            open = self.0.1.wait(open).unwrap();
        }
    }
}

/// One request the server saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    /// The request target as sent (absolute-form when it came through as a proxy).
    pub target: String,
    pub path: String,
    pub range: Option<String>,
}

#[derive(Default)]
struct State {
    files: HashMap<String, Vec<u8>>,
    faults: HashMap<String, VecDeque<Fault>>,
    seen: Vec<Seen>,
}

pub struct FaultServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl FaultServer {
    pub fn start() -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = shared.clone();
                std::thread::spawn(move || handle(stream, &state));
            }
        });
        FaultServer { port, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn put(&self, path: &str, bytes: Vec<u8>) {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(path.to_string(), bytes);
    }

    /// Script the next requests for `path`; once the script is used up, requests are served.
    pub fn script(&self, path: &str, faults: impl IntoIterator<Item = Fault>) {
        self.state
            .lock()
            .unwrap()
            .faults
            .entry(path.to_string())
            .or_default()
            .extend(faults);
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    /// Requests for `path` (GETs and CONNECTs alike).
    pub fn requests_for(&self, path: &str) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| s.path == path).collect()
    }
}

fn handle(mut stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut range = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.trim().eq_ignore_ascii_case("range")
        {
            range = Some(v.trim().to_string());
        }
    }
    // Absolute-form targets (a proxied request) are routed by their path.
    let path = match target.find("://") {
        Some(i) => {
            let rest = &target[i + 3..];
            rest.find('/')
                .map_or("/".to_string(), |j| rest[j..].to_string())
        }
        None => target.clone(),
    };
    let (file, fault) = {
        let mut st = state.lock().unwrap();
        st.seen.push(Seen {
            method: method.clone(),
            target: target.clone(),
            path: if method == "CONNECT" {
                target.clone()
            } else {
                path.clone()
            },
            range: range.clone(),
        });
        let fault = st
            .faults
            .get_mut(&path)
            .and_then(|q| q.pop_front())
            .unwrap_or(Fault::Serve);
        (st.files.get(&path).cloned(), fault)
    };
    if method == "CONNECT" {
        let _ = stream.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    let Some(file) = file else {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        return;
    };
    let from = range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    let _ = respond(&mut stream, &file, from, fault);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

fn respond(
    s: &mut TcpStream,
    file: &[u8],
    from: Option<usize>,
    fault: Fault,
) -> std::io::Result<()> {
    let head = |s: &mut TcpStream, status: &str, len: usize, extra: &str| {
        write!(
            s,
            "HTTP/1.1 {status}\r\nContent-Length: {len}\r\nConnection: close\r\n{extra}\r\n"
        )
    };
    // The part of the file this request asks for, as a normal server would send it.
    let (status, body, extra) = match from {
        Some(n) if n >= file.len() => {
            return head(
                s,
                "416 Range Not Satisfiable",
                0,
                &format!("Content-Range: bytes */{}\r\n", file.len()),
            );
        }
        Some(n) if !matches!(fault, Fault::IgnoreRange) => (
            "206 Partial Content",
            &file[n..],
            format!(
                "Content-Range: bytes {n}-{}/{}\r\n",
                file.len() - 1,
                file.len()
            ),
        ),
        _ => ("200 OK", file, String::new()),
    };
    match fault {
        Fault::Serve | Fault::IgnoreRange => {
            head(s, status, body.len(), &extra)?;
            s.write_all(body)
        }
        Fault::Status(code, retry_after) => {
            let extra = retry_after.map_or(String::new(), |r| format!("Retry-After: {r}\r\n"));
            head(s, &format!("{code} Fault"), 0, &extra)
        }
        Fault::DropAfter(n) => {
            head(s, status, body.len(), &extra)?;
            s.write_all(&body[..n.min(body.len())])
        }
        Fault::StallFor(n, d) => {
            head(s, status, body.len(), &extra)?;
            s.write_all(&body[..n.min(body.len())])?;
            s.flush()?;
            std::thread::sleep(d);
            s.write_all(&body[n.min(body.len())..])
        }
        Fault::StallUntil(n, gate) => {
            head(s, status, body.len(), &extra)?;
            s.write_all(&body[..n.min(body.len())])?;
            s.flush()?;
            gate.wait();
            s.write_all(&body[n.min(body.len())..])
        }
        Fault::WrongBytes => {
            let mut bad = body.to_vec();
            let mid = bad.len() / 2;
            bad[mid] ^= 0xff;
            head(s, status, bad.len(), &extra)?;
            s.write_all(&bad)
        }
        Fault::LieLength(delta) => {
            head(s, status, (body.len() as i64 + delta) as usize, &extra)?;
            s.write_all(body)
        }
        Fault::Longer(n) => {
            head(s, status, body.len() + n, &extra)?;
            s.write_all(body)?;
            s.write_all(&vec![0u8; n])
        }
        Fault::Shorter(n) => {
            let n = n.min(body.len());
            head(s, status, n, &extra)?;
            s.write_all(&body[..n])
        }
        Fault::Reset => Ok(()),
        Fault::Redirect(to) => head(s, "302 Found", 0, &format!("Location: {to}\r\n")),
    }
}

/// One entry of a fake release archive.
pub enum Entry<'a> {
    File(&'a str, Vec<u8>, u32),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    Fifo(&'a str),
    CharDevice(&'a str),
}

/// A tar.gz of `entries`, with names written raw (bypassing the tar crate's own checks, as a
/// hostile archive would).
pub fn targz(entries: &[Entry]) -> Vec<u8> {
    let mut b = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    for e in entries {
        let mut h = tar::Header::new_gnu();
        let (path, data): (&str, &[u8]) = match e {
            Entry::File(p, data, mode) => {
                h.set_entry_type(tar::EntryType::Regular);
                h.set_mode(*mode);
                (p, data)
            }
            Entry::Dir(p) => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(0o755);
                (p, &[])
            }
            Entry::Symlink(p, t) | Entry::Hardlink(p, t) => {
                h.set_entry_type(if matches!(e, Entry::Symlink(..)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                h.set_link_name(t).unwrap();
                h.set_mode(0o777);
                (p, &[])
            }
            Entry::Fifo(p) => {
                h.set_entry_type(tar::EntryType::Fifo);
                (p, &[])
            }
            Entry::CharDevice(p) => {
                h.set_entry_type(tar::EntryType::Char);
                h.set_device_major(1).unwrap();
                h.set_device_minor(3).unwrap();
                (p, &[])
            }
        };
        let name = &mut h.as_old_mut().name;
        name.fill(0);
        name[..path.len()].copy_from_slice(path.as_bytes());
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, data).unwrap();
    }
    b.into_inner().unwrap().finish().unwrap()
}

/// Bytes that do not compress, so an archive is about as large as its content.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The entries of a working fake release: `go/bin/go` prints `go version go<v> <os>/<arch>`.
pub fn release_entries(version: &str, padding: usize) -> Vec<Entry<'static>> {
    let p = gover::dist::Platform::current();
    let go = format!(
        "#!/bin/sh\nif [ \"$1\" = version ]; then echo \"go version go{version} {}/{}\"; exit 0; fi\necho \"fake go {version}: $*\"\n",
        p.os, p.arch
    );
    vec![
        Entry::Dir("go/"),
        Entry::Dir("go/bin/"),
        Entry::File("go/bin/go", go.into_bytes(), 0o755),
        Entry::File("go/bin/gofmt", b"#!/bin/sh\necho gofmt\n".to_vec(), 0o755),
        Entry::File("go/VERSION", format!("go{version}\n").into_bytes(), 0o644),
        Entry::File("go/pkg/padding.bin", noise(padding, padding as u64), 0o644),
    ]
}

pub fn archive_name(version: &str) -> String {
    let p = gover::dist::Platform::current();
    format!("go{version}.{}-{}.tar.gz", p.os, p.arch)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A mirror on a [`FaultServer`]: `/index.json` and `/dl/<archive>`.
pub struct Mirror {
    pub server: FaultServer,
    releases: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Mirror {
    pub fn start() -> Mirror {
        Mirror {
            server: FaultServer::start(),
            releases: Mutex::new(Vec::new()),
        }
    }

    /// Add a release whose archive is `archive` (use [`release_entries`] + [`targz`] for a
    /// working one).
    pub fn add(&self, version: &str, archive: Vec<u8>) {
        self.server
            .put(&self.archive_path(version), archive.clone());
        self.releases
            .lock()
            .unwrap()
            .push((version.to_string(), archive));
        self.publish_index();
    }

    /// A working release with `padding` bytes of incompressible payload.
    pub fn add_release(&self, version: &str, padding: usize) -> Vec<u8> {
        let archive = targz(&release_entries(version, padding));
        self.add(version, archive.clone());
        archive
    }

    pub fn archive_path(&self, version: &str) -> String {
        format!("/dl/{}", archive_name(version))
    }

    fn publish_index(&self) {
        let p = gover::dist::Platform::current();
        let releases: Vec<serde_json::Value> = self
            .releases
            .lock()
            .unwrap()
            .iter()
            .map(|(v, bytes)| {
                serde_json::json!({
                    "version": format!("go{v}"),
                    "stable": true,
                    "files": [{
                        "filename": archive_name(v),
                        "os": p.os,
                        "arch": p.arch,
                        "version": format!("go{v}"),
                        "sha256": sha256_hex(bytes),
                        "size": bytes.len(),
                        "kind": "archive",
                    }],
                })
            })
            .collect();
        self.server.put(
            "/index.json",
            serde_json::to_vec(&serde_json::Value::Array(releases)).unwrap(),
        );
    }

    /// GETs of the archive of `version`.
    pub fn archive_requests(&self, version: &str) -> Vec<Seen> {
        self.server.requests_for(&self.archive_path(version))
    }
}

/// A private gover home, HOME and PATH for one test, pointed at a mirror.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub home: PathBuf,
    pub index_url: String,
    pub dist_url: String,
    pub extra_env: Vec<(String, String)>,
}

impl Sandbox {
    pub fn new(mirror: &Mirror) -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("gover-home");
        Sandbox {
            home,
            index_url: mirror.server.url("/index.json"),
            dist_url: mirror.server.url("/dl"),
            extra_env: Vec::new(),
            dir,
        }
    }

    pub fn env(mut self, k: &str, v: &str) -> Sandbox {
        self.extra_env.push((k.to_string(), v.to_string()));
        self
    }

    /// A `gover` command with this sandbox's environment, run in the sandbox dir.
    pub fn gover(&self, args: &[&str]) -> Command {
        self.command(env!("CARGO_BIN_EXE_gover"), args)
    }

    /// `go` through the shim.
    pub fn go(&self, args: &[&str]) -> Command {
        self.command(self.home.join("shims/go"), args)
    }

    fn command(&self, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Command {
        let mut c = Command::new(program);
        c.args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", self.dir.path())
            .env("GOVER_HOME", &self.home)
            .env("GOVER_INDEX_URL", &self.index_url)
            .env("GOVER_DIST_URL", &self.dist_url)
            .env("GOVER_RETRY_BASE_MS", "1");
        for (k, v) in &self.extra_env {
            c.env(k, v);
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run(self.gover(args).output().unwrap())
    }

    pub fn versions(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.home.join("versions"))
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Entries left in `staging/` (none after any install, failed or not).
    pub fn staging(&self) -> Vec<String> {
        ls(&self.home.join("staging"))
    }

    pub fn downloads(&self) -> Vec<String> {
        ls(&self.home.join("cache/downloads"))
    }

    pub fn current(&self) -> Option<PathBuf> {
        std::fs::read_link(self.home.join("current")).ok()
    }
}

pub fn ls(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A finished command, with assertions that print its output when they fail.
pub struct Run(pub Output);

impl Run {
    pub fn code(&self) -> i32 {
        self.0.status.code().unwrap_or(-1)
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    #[track_caller]
    pub fn ok(&self) -> &Run {
        assert_eq!(self.code(), 0, "expected success\n{}", self.describe());
        self
    }
    /// Exit `code`, exactly one `error:` line containing `needle`, and a `hint:`; never a panic.
    #[track_caller]
    pub fn fails(&self, code: i32, needle: &str) -> &Run {
        let err = self.stderr();
        assert_eq!(self.code(), code, "wrong exit code\n{}", self.describe());
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
        assert_eq!(errors.len(), 1, "want one error line\n{}", self.describe());
        assert!(
            err.contains(needle),
            "stderr lacks {needle:?}\n{}",
            self.describe()
        );
        assert!(
            err.lines().any(|l| l.starts_with("hint: ")),
            "no hint\n{}",
            self.describe()
        );
        assert!(!err.contains("panicked"), "{}", self.describe());
        self
    }
    pub fn describe(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.0.status.code(),
            self.stdout(),
            self.stderr()
        )
    }
}
