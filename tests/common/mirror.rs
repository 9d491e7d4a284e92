//! A loopback HTTP/1.1 server that stands in for go.dev/dl: it serves registered paths (the index, archives,
//! whole directories), records every request, can be told to misbehave per path, and doubles as an HTTP proxy.
//!
//! One thread accepts, one thread serves each connection, and every response says `Connection: close`, so a
//! request is exactly one connection: easy to count, easy to break on purpose. A path misbehaves either for
//! good ([`Mirror::inject`], until [`Mirror::heal`]) or for its next requests only ([`Mirror::script`]: one
//! [`Fault`] per request, then served normally). A new kind of misbehaviour is a new [`Fault`] variant plus an
//! arm in [`plan`], nothing else.
//!
//! As a proxy: absolute-form targets (`GET http://host/path`) are routed by their path, and `CONNECT` is
//! recorded and refused with 502.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
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

/// A deliberate misbehaviour of one path. Body offsets count from the first byte this response sends (after a
/// `Range` start, if one was honoured).
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answer with this status code (e.g. 404, 500) and a short text body.
    Status(u16),
    /// Answer with this status code and `Retry-After: <seconds>`.
    RetryAfter(u16, u64),
    /// Serve these bytes instead of the registered content, with an honest `Content-Length`: a tampered or
    /// corrupted mirror whose bytes no longer match the digest in the index.
    WrongBytes(Arc<[u8]>),
    /// Serve the whole content with 200 even when a range was asked for.
    IgnoreRange,
    /// Announce the whole length, send this many body bytes, then close the connection.
    DropAfter(u64),
    /// Send this many body bytes, stall for the duration, then send the rest.
    StallFor(u64, Duration),
    /// Send this many body bytes, block until the gate opens, then send the rest.
    StallUntil(u64, Gate),
    /// Send this many body bytes, then the rest one byte per interval (a trickling mirror that
    /// never stalls for long).
    Trickle(u64, Duration),
    /// Announce `len + delta` bytes in `Content-Length` but send the real body, then close.
    LieLength(i64),
    /// Send this many zero bytes after the body (`Content-Length` honest).
    Longer(u64),
    /// Send only the first this-many bytes of the body (`Content-Length` honest).
    Shorter(u64),
    /// Close the connection without answering.
    Reset,
    /// Redirect (302) to this URL.
    Redirect(String),
}

/// A latch a test opens to let a stalled response ([`Fault::StallUntil`]) continue.
#[derive(Clone, Debug, Default)]
pub struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    pub fn new() -> Gate {
        Gate::default()
    }

    pub fn open(&self) {
        *self.0.0.lock().unwrap_or_else(|p| p.into_inner()) = true;
        self.0.1.notify_all();
    }

    fn wait(&self) {
        let mut open = self.0.0.lock().unwrap_or_else(|p| p.into_inner());
        while !*open {
            open = self.0.1.wait(open).unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// One request as the mirror saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The request target as sent (absolute-form when it came through as a proxy; `host:port` for CONNECT).
    pub target: String,
    /// The path without the query string (the target itself for CONNECT).
    pub path: String,
    /// The raw `Range` header, if any.
    pub range: Option<String>,
}

#[derive(Default)]
struct State {
    content: HashMap<String, Content>,
    /// (path prefix, directory): paths under the prefix are files under the directory.
    dirs: Vec<(String, PathBuf)>,
    faults: HashMap<String, Fault>,
    scripts: HashMap<String, VecDeque<Fault>>,
    requests: Vec<Request>,
    /// The `Authorization` header of each request that had one, with its path.
    authorizations: Vec<(String, String)>,
}

impl State {
    fn content(&self, path: &str) -> Option<Content> {
        if let Some(content) = self.content.get(path) {
            return Some(content.clone());
        }
        self.dirs.iter().find_map(|(prefix, dir)| {
            let rest = path.strip_prefix(prefix.as_str())?;
            let file = dir.join(rest);
            (!rest.split('/').any(|c| c == "..") && file.is_file()).then_some(Content::File(file))
        })
    }
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

    pub fn addr(&self) -> SocketAddr {
        self.addr
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

    /// Serves the files under `dir` (as they are at each request) below the path `prefix` (ending in `/`).
    pub fn serve_dir(&self, prefix: &str, dir: impl Into<PathBuf>) {
        self.state().dirs.push((prefix.to_owned(), dir.into()));
    }

    /// Makes `path` misbehave from now on.
    pub fn inject(&self, path: &str, fault: Fault) {
        self.state().faults.insert(path.to_owned(), fault);
    }

    pub fn heal(&self, path: &str) {
        self.state().faults.remove(path);
    }

    /// Scripts the next requests for `path`, one fault each; once the script is used up, requests get what
    /// [`Mirror::inject`] says, or the content.
    pub fn script(&self, path: &str, faults: impl IntoIterator<Item = Fault>) {
        self.state()
            .scripts
            .entry(path.to_owned())
            .or_default()
            .extend(faults);
    }

    /// Whether `Range: bytes=N-` gets a 206 (true, the default) or is ignored with a full 200.
    pub fn set_ranges(&self, honour: bool) {
        self.shared.ranges.store(honour, Ordering::SeqCst);
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state().requests.clone()
    }

    /// The requests (any method) for `path`, in arrival order.
    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }

    /// How many requests (any method) reached `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.requests_for(path).len()
    }

    /// How many GET requests reached `path`: the number of downloads attempted.
    pub fn gets(&self, path: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path == path && r.method == "GET")
            .count()
    }

    /// The `Authorization` headers sent for `path`, in order.
    pub fn authorizations_for(&self, path: &str) -> Vec<String> {
        self.state()
            .authorizations
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, a)| a.clone())
            .collect()
    }

    /// How many requests (any method) asked for an archive (`*.tar.gz`), whatever its path.
    pub fn archive_hits(&self) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| r.path.ends_with(".tar.gz"))
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

/// What to send back: status, extra headers, which bytes of what, and how to mangle them on the wire.
struct Plan {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
    wire: Wire,
}

enum Body {
    /// Close the connection without a word.
    Reset,
    Empty,
    Text(String),
    /// `content[start..start + len]`.
    Slice {
        content: Content,
        start: u64,
        len: u64,
    },
}

/// Wire-level faults: a lying length, extra bytes, a break after some bytes.
#[derive(Default)]
struct Wire {
    length_delta: i64,
    trailing_zeros: u64,
    cut: Option<(u64, Cut)>,
}

enum Cut {
    Drop,
    Stall(Duration),
    Gate(Gate),
    Trickle(Duration),
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
    let target = parts.next().unwrap_or_default().to_owned();
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
    let path = if method == "CONNECT" {
        target.clone()
    } else {
        // Absolute-form targets (a proxied request) are routed by their path.
        let origin_form = match target.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
            None => &target,
        };
        origin_form.split('?').next().unwrap_or_default().to_owned()
    };
    let request = Request {
        method,
        target,
        path,
        range: headers.get("range").cloned(),
    };
    let plan = {
        let mut state = shared
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state.requests.push(request.clone());
        if let Some(auth) = headers.get("authorization") {
            state
                .authorizations
                .push((request.path.clone(), auth.clone()));
        }
        let scripted = state
            .scripts
            .get_mut(&request.path)
            .and_then(VecDeque::pop_front);
        let fault = scripted.or_else(|| state.faults.get(&request.path).cloned());
        plan(
            &state,
            &request,
            shared.ranges.load(Ordering::SeqCst),
            fault,
        )
    };
    send(stream, &request, plan)
}

/// Decides the response; this is where faults apply.
fn plan(state: &State, request: &Request, ranges: bool, fault: Option<Fault>) -> Plan {
    if request.method == "CONNECT" {
        return Plan {
            status: 502,
            headers: Vec::new(),
            body: Body::Empty,
            wire: Wire::default(),
        };
    }
    if request.method != "GET" && request.method != "HEAD" {
        return text(405, "method not allowed\n");
    }
    let content = match (&fault, state.content(&request.path)) {
        (Some(Fault::Status(status)), _) => {
            return text(*status, &format!("injected status {status}\n"));
        }
        (Some(Fault::RetryAfter(status, seconds)), _) => {
            let mut plan = text(*status, &format!("injected status {status}\n"));
            plan.headers.push(("Retry-After", seconds.to_string()));
            return plan;
        }
        (Some(Fault::Reset), _) => {
            return Plan {
                status: 0,
                headers: Vec::new(),
                body: Body::Reset,
                wire: Wire::default(),
            };
        }
        (Some(Fault::Redirect(to)), _) => {
            return Plan {
                status: 302,
                headers: vec![("Location", to.clone())],
                body: Body::Empty,
                wire: Wire::default(),
            };
        }
        (Some(Fault::WrongBytes(bytes)), _) => Content::Bytes(Arc::clone(bytes)),
        (_, Some(content)) => content,
        (_, None) => return text(404, "not found\n"),
    };
    let total = match content.len() {
        Ok(total) => total,
        Err(err) => return text(500, &format!("mirror cannot read its content: {err}\n")),
    };
    let ranges = ranges && !matches!(fault, Some(Fault::IgnoreRange));
    let mut headers = Vec::new();
    if ranges {
        headers.push(("Accept-Ranges", "bytes".to_owned()));
    }
    let (status, start, mut len) = match request
        .range
        .as_deref()
        .filter(|_| ranges)
        .map(|range| parse_range(range, total))
    {
        None | Some(RangeRequest::Ignored) => (200, 0, total),
        Some(RangeRequest::Satisfiable { start, end }) => {
            headers.push(("Content-Range", format!("bytes {start}-{end}/{total}")));
            (206, start, end + 1 - start)
        }
        Some(RangeRequest::Unsatisfiable) => {
            headers.push(("Content-Range", format!("bytes */{total}")));
            return Plan {
                status: 416,
                headers,
                body: Body::Empty,
                wire: Wire::default(),
            };
        }
    };
    let mut wire = Wire::default();
    match fault {
        Some(Fault::Shorter(n)) => len = len.min(n),
        Some(Fault::Longer(n)) => wire.trailing_zeros = n,
        Some(Fault::LieLength(delta)) => wire.length_delta = delta,
        Some(Fault::DropAfter(n)) => wire.cut = Some((n, Cut::Drop)),
        Some(Fault::StallFor(n, duration)) => wire.cut = Some((n, Cut::Stall(duration))),
        Some(Fault::StallUntil(n, gate)) => wire.cut = Some((n, Cut::Gate(gate))),
        Some(Fault::Trickle(n, interval)) => wire.cut = Some((n, Cut::Trickle(interval))),
        _ => {}
    }
    Plan {
        status,
        headers,
        body: Body::Slice {
            content,
            start,
            len,
        },
        wire,
    }
}

fn text(status: u16, body: &str) -> Plan {
    Plan {
        status,
        headers: vec![("Content-Type", "text/plain".to_owned())],
        body: Body::Text(body.to_owned()),
        wire: Wire::default(),
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
        302 => "Found",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Writes the planned response, mangled as its [`Wire`] says, then closes the connection.
fn send(stream: TcpStream, request: &Request, plan: Plan) -> io::Result<()> {
    let mut out = io::BufWriter::new(stream);
    let result = write_response(&mut out, request, plan).and_then(|()| out.flush());
    let _ = out.get_ref().shutdown(Shutdown::Both);
    result
}

fn write_response(out: &mut impl Write, request: &Request, plan: Plan) -> io::Result<()> {
    let length = match &plan.body {
        Body::Reset => return Ok(()),
        Body::Empty => 0,
        Body::Text(text) => text.len() as u64,
        Body::Slice { len, .. } => *len,
    } + plan.wire.trailing_zeros;
    let announced = (length as i64 + plan.wire.length_delta).max(0);
    write!(out, "HTTP/1.1 {} {}\r\n", plan.status, reason(plan.status))?;
    for (name, value) in &plan.headers {
        write!(out, "{name}: {value}\r\n")?;
    }
    write!(
        out,
        "Content-Length: {announced}\r\nConnection: close\r\n\r\n"
    )?;
    if request.method == "HEAD" {
        return Ok(());
    }
    match plan.body {
        Body::Reset | Body::Empty => {}
        Body::Text(text) => out.write_all(text.as_bytes())?,
        Body::Slice {
            content,
            start,
            len,
        } => {
            let first = plan.wire.cut.as_ref().map_or(len, |(n, _)| (*n).min(len));
            write_slice(out, &content, start, first)?;
            if let Some((_, cut)) = plan.wire.cut {
                out.flush()?;
                match cut {
                    Cut::Drop => return Ok(()),
                    Cut::Stall(duration) => thread::sleep(duration),
                    Cut::Gate(gate) => gate.wait(),
                    Cut::Trickle(interval) => {
                        for offset in start + first..start + len {
                            thread::sleep(interval);
                            write_slice(out, &content, offset, 1)?;
                            out.flush()?;
                        }
                        return Ok(());
                    }
                }
                write_slice(out, &content, start + first, len - first)?;
            }
        }
    }
    io::copy(&mut io::repeat(0).take(plan.wire.trailing_zeros), out)?;
    Ok(())
}

fn write_slice(out: &mut impl Write, content: &Content, start: u64, len: u64) -> io::Result<()> {
    match content {
        Content::Bytes(bytes) => out.write_all(&bytes[start as usize..(start + len) as usize]),
        Content::File(path) => {
            let mut file = File::open(path)?;
            file.seek(SeekFrom::Start(start))?;
            io::copy(&mut file.take(len), out)?;
            Ok(())
        }
    }
}

/// A loopback server whose every response is an endless body (no length, never closed by
/// the server), counting connections; its base URL (`http://127.0.0.1:<port>`).
pub fn endless_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counted.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request);
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n[");
                let spaces = vec![b' '; 1 << 16];
                while stream.write_all(&spaces).is_ok() {}
            });
        }
    });
    (url, connections)
}
