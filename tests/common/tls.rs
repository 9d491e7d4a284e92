//! Loopback TLS for the harness: an HTTPS front for a [`Mirror`], signed by a throwaway CA, and an HTTP
//! `CONNECT` proxy that really tunnels.
//!
//! - [`HttpsFront`] terminates TLS on `127.0.0.1:<ephemeral port>` with a certificate for `localhost` and
//!   `127.0.0.1`, and hands each decrypted request to a plain [`Mirror`] (which serves, records and
//!   misbehaves exactly as over plain HTTP, since every response closes its connection). Its CA is written to
//!   a PEM file that gover is told to trust through the standard `SSL_CERT_FILE` variable (read by
//!   rustls-native-certs, which gover's reqwest uses for its roots): no test-only trust switch in gover.
//! - [`ConnectProxy`] answers `CONNECT host:port` with 200 and pipes bytes both ways, to loopback targets only;
//!   it records every target it was asked for.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};

use super::context::TestContext;
use super::mirror::Mirror;

/// The names the server certificate is valid for.
const SERVER_NAMES: [&str; 2] = ["localhost", "127.0.0.1"];

/// A throwaway CA and a server certificate it signed for [`SERVER_NAMES`].
struct Pki {
    ca_pem: String,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "gover test CA");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_key = KeyPair::generate().expect("CA key");
    let ca_cert = ca_params.self_signed(&ca_key).expect("self-signed CA");
    let issuer = Issuer::new(ca_params, ca_key);

    let mut params = CertificateParams::new(SERVER_NAMES.map(String::from).to_vec())
        .expect("server certificate params");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate().expect("server key");
    let cert = params.signed_by(&key, &issuer).expect("server certificate");
    Pki {
        ca_pem: ca_cert.pem(),
        chain: vec![cert.der().clone()],
        key: PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    }
}

/// HTTPS on `127.0.0.1:<ephemeral port>` in front of a [`Mirror`]; stops accepting when dropped.
pub struct HttpsFront {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
    ca_file: PathBuf,
}

impl HttpsFront {
    /// Starts a front whose requests are served by `backend` (usually the test's own mirror), with a fresh CA.
    pub fn start(backend: &Mirror) -> HttpsFront {
        let pki = pki();
        let dir = tempfile::Builder::new()
            .prefix("gover-test-ca-")
            .tempdir()
            .expect("temp dir for the CA");
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, &pki.ca_pem).expect("write the CA certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(pki.chain, pki.key)
            .expect("server certificate and key");
        let config = Arc::new(config);

        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port for TLS");
        let addr = listener.local_addr().expect("TLS front address");
        let backend = backend.addr();
        let stopping = Arc::new(AtomicBool::new(false));
        let accepting = Arc::clone(&stopping);
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accepting.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let config = Arc::clone(&config);
                thread::spawn(move || {
                    // Failed handshakes (an untrusting client) and early hang-ups are the client's business.
                    let _ = serve_tls(config, stream, backend);
                });
            }
        });
        HttpsFront {
            addr,
            stopping,
            _dir: dir,
            ca_file,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `https://localhost:<port><path>` (the certificate is also valid for `127.0.0.1`).
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{}", self.port(), path)
    }

    /// The CA certificate (PEM) that signed the server certificate: what `SSL_CERT_FILE` points at.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// Points `ctx`'s gover at this front (`GOVER_INDEX_URL`, `GOVER_DIST_URL` over https) and makes it trust
    /// the CA through `SSL_CERT_FILE`.
    pub fn configure(&self, ctx: &mut TestContext) {
        ctx.set_env("GOVER_INDEX_URL", self.url("/index.json"))
            .set_env("GOVER_DIST_URL", self.url("/dl/"))
            .set_env("SSL_CERT_FILE", self.ca_file.to_string_lossy());
    }
}

impl Drop for HttpsFront {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

/// One TLS connection: read the request head, pass it to the backend, relay the answer until the backend closes.
fn serve_tls(config: Arc<ServerConfig>, stream: TcpStream, backend: SocketAddr) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let connection = ServerConnection::new(config).map_err(io::Error::other)?;
    let mut tls = StreamOwned::new(connection, stream);
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tls.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buf[..n]);
    }
    let mut upstream = TcpStream::connect(backend)?;
    upstream.write_all(&head)?;
    io::copy(&mut upstream, &mut tls)?;
    tls.conn.send_close_notify();
    tls.flush()?;
    let _ = tls.sock.shutdown(Shutdown::Both);
    Ok(())
}

/// An HTTP proxy on `127.0.0.1:<ephemeral port>` that tunnels `CONNECT` to loopback targets; stops accepting
/// when dropped.
pub struct ConnectProxy {
    addr: SocketAddr,
    connects: Arc<Mutex<Vec<String>>>,
    stopping: Arc<AtomicBool>,
}

impl ConnectProxy {
    pub fn start() -> ConnectProxy {
        let listener =
            TcpListener::bind("127.0.0.1:0").expect("bind a loopback port for the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let connects = Arc::new(Mutex::new(Vec::new()));
        let stopping = Arc::new(AtomicBool::new(false));
        let (recording, accepting) = (Arc::clone(&connects), Arc::clone(&stopping));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if accepting.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let recording = Arc::clone(&recording);
                thread::spawn(move || {
                    let _ = tunnel(stream, &recording);
                });
            }
        });
        ConnectProxy {
            addr,
            connects,
            stopping,
        }
    }

    /// `http://127.0.0.1:<port>`: what `HTTPS_PROXY` is set to.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The `host:port` of every `CONNECT`, in arrival order (also the refused ones).
    pub fn connects(&self) -> Vec<String> {
        self.connects
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

fn tunnel(client: TcpStream, connects: &Mutex<Vec<String>>) -> io::Result<()> {
    client.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let mut client = client;
    if method != "CONNECT" {
        client.write_all(
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        return Ok(());
    }
    connects
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(target.to_owned());
    // Only ever tunnel to this machine: a test must not reach out, whatever it asks for.
    let upstream = target
        .to_socket_addrs()
        .ok()
        .into_iter()
        .flatten()
        .filter(|a| a.ip().is_loopback())
        .find_map(|a| TcpStream::connect(a).ok());
    let Some(mut upstream) = upstream else {
        client.write_all(
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )?;
        return Ok(());
    };
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    client.set_read_timeout(None)?;
    let mut upstream_writer = upstream.try_clone()?;
    // Client to server on a helper thread (the reader first hands over anything it had buffered).
    let forward = thread::spawn(move || {
        let _ = io::copy(&mut reader, &mut upstream_writer);
        let _ = upstream_writer.shutdown(Shutdown::Write);
    });
    let _ = io::copy(&mut upstream, &mut client);
    let _ = client.shutdown(Shutdown::Write);
    let _ = forward.join();
    Ok(())
}

/// A loopback port nothing listens on (bound, then released): a dead proxy.
pub fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("address").port()
}
