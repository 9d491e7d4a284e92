//! A loopback HTTP/1.1 server that stands in for go.dev/dl: it serves registered paths (the index, archives),
//! records every request, and can be told to misbehave per path.
//!
//! One thread accepts, one thread serves each connection, and every response says `Connection: close`, so a
//! request is exactly one connection: easy to count, easy to break on purpose. Faults live in [`Fault`]; a new
//! kind of misbehaviour (drop mid-body, stall, fail-then-succeed, ignore `Range`, lie about `Content-Length`) is
//! a new variant plus an arm in [`plan`] or [`send`], nothing else.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What a path serves when nothing is wrong.
#[derive(Clone, Debug)]
pub enum Content {
    /// Bytes held in memory (indexes, fake releases).
    Bytes(Arc<[u8]>),
    /// A file streamed from disk on each request (real toolchains, hundreds of MB).
    File(PathBuf),
}

impl Content {
    fn len(&self) -> io::Result<u64> {
        match self {
            Content::Bytes(bytes) => Ok(bytes.len() as u64),
            Content::File(path) => Ok(std::fs::metadata(path)?.len()),
        }
    }
}

/// A deliberate misbehaviour of one path.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer every request with this status code (e.g. 404, 500) and a short text body.
    Status(u16),
    /// Serve these bytes instead of the registered content, with an honest `Content-Length`: a tampered or
    /// corrupted mirror whose bytes no longer match the digest in the index.
    WrongBytes(Arc<[u8]>),
}

/// One request as the mirror saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The raw `Range` header, if any.
    pub range: Option<String>,
}

#[derive(Default)]
struct State {
    content: HashMap<String, Content>,
    faults: HashMap<String, Fault>,
    requests: Vec<Request>,
}

struct Shared {
    state: Mutex<State>,
    ranges: AtomicBool,
    stopping: AtomicBool,
}

/// A running mirror on `127.0.0.1:<ephemeral port>`; stops accepting when dropped.
pub struct Mirror {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Mirror {
    /// Starts an empty mirror; `Range: bytes=N-` is honoured until [`Mirror::set_ranges`] says otherwise.
    pub fn start() -> Mirror {
        let listener =
            TcpListener::bind("127.0.0.1:0").expect("bind a loopback port for the mirror");
        let addr = listener.local_addr().expect("mirror address");
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            ranges: AtomicBool::new(true),
            stopping: AtomicBool::new(false),
        });
        let accepting = Arc::clone(&shared);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accepting.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let serving = Arc::clone(&accepting);
                thread::spawn(move || {
                    // A client that hangs up early is its own business, not a harness failure.
                    let _ = serve_connection(&serving, stream);
                });
            }
        });
        Mirror { addr, shared }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The URL to give gover as `GOVER_INDEX_URL`.
    pub fn index_url(&self) -> String {
        self.url("/index.json")
    }

    /// The URL to give gover as `GOVER_DIST_URL` (shaped like the default, `https://go.dev/dl/`).
    pub fn dist_url(&self) -> String {
        self.url("/dl/")
    }

    /// The path an archive is served under.
    pub fn archive_path(filename: &str) -> String {
        format!("/dl/{filename}")
    }

    pub fn serve(&self, path: &str, content: Content) {
        self.state().content.insert(path.to_owned(), content);
    }

    pub fn serve_bytes(&self, path: &str, bytes: impl Into<Arc<[u8]>>) {
        self.serve(path, Content::Bytes(bytes.into()));
    }

    pub fn serve_file(&self, path: &str, file: impl Into<PathBuf>) {
        self.serve(path, Content::File(file.into()));
    }

    /// Makes `path` misbehave from now on.
    pub fn inject(&self, path: &str, fault: Fault) {
        self.state().faults.insert(path.to_owned(), fault);
    }

    pub fn heal(&self, path: &str) {
        self.state().faults.remove(path);
    }

    /// Whether `Range: bytes=N-` gets a 206 (true, the default) or is ignored with a full 200.
    pub fn set_ranges(&self, honour: bool) {
        self.shared.ranges.store(honour, Ordering::SeqCst);
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state().requests.clone()
    }

    /// How many requests (any method) reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// How many GET requests reached `path`: the number of downloads attempted.
    pub fn gets(&self, path: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path == path && r.method == "GET")
            .count()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// What to send back: status, extra headers, and which bytes of what.
struct Plan {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

enum Body {
    Empty,
    Text(String),
    /// `content[start..start + len]`.
    Slice {
        content: Content,
        start: u64,
        len: u64,
    },
}

fn serve_connection(shared: &Shared, stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line)? == 0 {
        return Ok(());
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let request = Request {
        method,
        path,
        range: headers.get("range").cloned(),
    };
    let plan = {
        let mut state = shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.requests.push(request.clone());
        plan(&state, &request, shared.ranges.load(Ordering::SeqCst))
    };
    send(stream, &request, plan)
}

/// Decides the response; this is where path-level faults apply.
fn plan(state: &State, request: &Request, ranges: bool) -> Plan {
    if request.method != "GET" && request.method != "HEAD" {
        return text(405, "method not allowed\n");
    }
    let content = match (
        state.faults.get(&request.path),
        state.content.get(&request.path),
    ) {
        (Some(Fault::Status(status)), _) => {
            return text(*status, &format!("injected status {status}\n"));
        }
        (Some(Fault::WrongBytes(bytes)), _) => Content::Bytes(Arc::clone(bytes)),
        (None, Some(content)) => content.clone(),
        (None, None) => return text(404, "not found\n"),
    };
    let total = match content.len() {
        Ok(total) => total,
        Err(err) => return text(500, &format!("mirror cannot read its content: {err}\n")),
    };
    let mut headers = Vec::new();
    if ranges {
        headers.push(("Accept-Ranges", "bytes".to_owned()));
    }
    match request
        .range
        .as_deref()
        .filter(|_| ranges)
        .map(|range| parse_range(range, total))
    {
        None | Some(RangeRequest::Ignored) => Plan {
            status: 200,
            headers,
            body: Body::Slice {
                content,
                start: 0,
                len: total,
            },
        },
        Some(RangeRequest::Satisfiable { start, end }) => {
            headers.push(("Content-Range", format!("bytes {start}-{end}/{total}")));
            Plan {
                status: 206,
                headers,
                body: Body::Slice {
                    content,
                    start,
                    len: end + 1 - start,
                },
            }
        }
        Some(RangeRequest::Unsatisfiable) => {
            headers.push(("Content-Range", format!("bytes */{total}")));
            Plan {
                status: 416,
                headers,
                body: Body::Empty,
            }
        }
    }
}

fn text(status: u16, body: &str) -> Plan {
    Plan {
        status,
        headers: vec![("Content-Type", "text/plain".to_owned())],
        body: Body::Text(body.to_owned()),
    }
}

enum RangeRequest {
    /// A form this mirror does not implement (multiple ranges, suffix ranges): served in full, as RFC 9110 allows.
    Ignored,
    Satisfiable {
        start: u64,
        end: u64,
    },
    Unsatisfiable,
}

/// Parses `bytes=N-` and `bytes=N-M`.
fn parse_range(header: &str, total: u64) -> RangeRequest {
    let Some(spec) = header.strip_prefix("bytes=") else {
        return RangeRequest::Ignored;
    };
    let Some((first, last)) = spec.split_once('-') else {
        return RangeRequest::Ignored;
    };
    let Ok(start) = first.trim().parse::<u64>() else {
        return RangeRequest::Ignored;
    };
    let end = match last.trim() {
        "" => total.saturating_sub(1),
        last => match last.parse::<u64>() {
            Ok(last) => last.min(total.saturating_sub(1)),
            Err(_) => return RangeRequest::Ignored,
        },
    };
    if start >= total || end < start {
        RangeRequest::Unsatisfiable
    } else {
        RangeRequest::Satisfiable { start, end }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Writes the planned response; faults that corrupt the wire (drop, stall, lying headers) belong here.
fn send(stream: TcpStream, request: &Request, plan: Plan) -> io::Result<()> {
    let mut out = io::BufWriter::new(stream);
    let length = match &plan.body {
        Body::Empty => 0,
        Body::Text(text) => text.len() as u64,
        Body::Slice { len, .. } => *len,
    };
    write!(out, "HTTP/1.1 {} {}\r\n", plan.status, reason(plan.status))?;
    for (name, value) in &plan.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    write!(out, "Content-Length: {length}\r\nConnection: close\r\n\r\n")?;
    if request.method == "HEAD" {
        return out.flush();
    }
    match plan.body {
        Body::Empty => {}
        Body::Text(text) => out.write_all(text.as_bytes())?,
        Body::Slice {
            content: Content::Bytes(bytes),
            start,
            len,
        } => out.write_all(&bytes[start as usize..(start + len) as usize])?,
        Body::Slice {
            content: Content::File(path),
            start,
            len,
        } => {
            let mut file = File::open(path)?;
            file.seek(SeekFrom::Start(start))?;
            io::copy(&mut file.take(len), &mut out)?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal client: sends one request, returns (status line, headers, body).
    fn fetch(mirror: &Mirror, method: &str, path: &str, extra: &str) -> (String, String, Vec<u8>) {
        let mut stream = TcpStream::connect(mirror.addr).unwrap();
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: test\r\n{extra}\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8(response[..split].to_vec()).unwrap();
        let (status, headers) = head.split_once("\r\n").unwrap_or((&head, ""));
        (
            status.to_owned(),
            headers.to_owned(),
            response[split + 4..].to_vec(),
        )
    }

    #[test]
    fn serves_registered_bytes_and_counts_requests() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/dl/a.tar.gz", b"0123456789".to_vec());
        let (status, headers, body) = fetch(&mirror, "GET", "/dl/a.tar.gz?x=1", "");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(headers.contains("Content-Length: 10"), "{headers}");
        assert_eq!(body, b"0123456789");
        let (status, headers, body) = fetch(&mirror, "HEAD", "/dl/a.tar.gz", "");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(headers.contains("Content-Length: 10"), "{headers}");
        assert!(body.is_empty());
        assert_eq!(mirror.hits("/dl/a.tar.gz"), 2);
        assert_eq!(mirror.gets("/dl/a.tar.gz"), 1);
    }

    #[test]
    fn unknown_paths_are_404() {
        let mirror = Mirror::start();
        let (status, _, _) = fetch(&mirror, "GET", "/nope", "");
        assert_eq!(status, "HTTP/1.1 404 Not Found");
        assert_eq!(
            mirror.requests(),
            vec![Request {
                method: "GET".into(),
                path: "/nope".into(),
                range: None
            }]
        );
    }

    #[test]
    fn honours_open_ended_ranges_unless_disabled() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/f", b"0123456789".to_vec());
        let (status, headers, body) = fetch(&mirror, "GET", "/f", "Range: bytes=4-\r\n");
        assert_eq!(status, "HTTP/1.1 206 Partial Content");
        assert!(headers.contains("Content-Range: bytes 4-9/10"), "{headers}");
        assert_eq!(body, b"456789");
        let (status, _, _) = fetch(&mirror, "GET", "/f", "Range: bytes=10-\r\n");
        assert_eq!(status, "HTTP/1.1 416 Range Not Satisfiable");
        mirror.set_ranges(false);
        let (status, _, body) = fetch(&mirror, "GET", "/f", "Range: bytes=4-\r\n");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(body, b"0123456789");
        assert_eq!(mirror.requests()[0].range.as_deref(), Some("bytes=4-"));
    }

    #[test]
    fn streams_files_from_disk_with_ranges() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big");
        std::fs::write(&file, b"abcdefghij").unwrap();
        let mirror = Mirror::start();
        mirror.serve_file("/big", &file);
        assert_eq!(fetch(&mirror, "GET", "/big", "").2, b"abcdefghij");
        assert_eq!(
            fetch(&mirror, "GET", "/big", "Range: bytes=7-\r\n").2,
            b"hij"
        );
    }

    #[test]
    fn injected_faults_replace_the_content_until_healed() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/f", b"good".to_vec());
        mirror.inject("/f", Fault::Status(500));
        let (status, _, _) = fetch(&mirror, "GET", "/f", "");
        assert_eq!(status, "HTTP/1.1 500 Internal Server Error");
        mirror.inject("/f", Fault::WrongBytes(b"evil!".to_vec().into()));
        let (status, headers, body) = fetch(&mirror, "GET", "/f", "");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(headers.contains("Content-Length: 5"), "{headers}");
        assert_eq!(body, b"evil!");
        mirror.heal("/f");
        assert_eq!(fetch(&mirror, "GET", "/f", "").2, b"good");
    }
}
