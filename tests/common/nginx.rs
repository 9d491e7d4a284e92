//! Debian's nginx, started by a test as an unprivileged configuration: a config file written by the test,
//! TLS on one port of several loopback addresses (`127.0.0.N`, one per simulated machine, so the access
//! log tells machines apart by `$server_addr`), its own pid, log and temp paths, no system service. The
//! server certificate comes from a throwaway CA made with `openssl` (see [`TestCa`]), which clients trust
//! through `SSL_CERT_FILE`.
//!
//! Stopped (SIGQUIT to the master, then waited for) when dropped.

use std::fs;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian's `nginx` package puts the binary.
pub const NGINX: &str = "/usr/sbin/nginx";

/// Whether nginx and openssl are installed; if not, says so (the caller skips), except under `CI=true`,
/// where it panics: `.ci/run` installs both.
pub fn have_nginx() -> bool {
    let missing: Vec<&str> = [NGINX, "/usr/bin/openssl"]
        .into_iter()
        .filter(|p| !Path::new(p).is_file())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "{} missing (apt-get install nginx openssl)",
        missing.join(" and ")
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but {why}: this test must not be skipped in CI");
    }
    eprintln!("SKIPPED: {why}");
    false
}

/// A CA and a server certificate it signed, for `localhost` and the given IP addresses, made by `openssl`.
pub struct TestCa {
    /// The CA certificate (PEM): what `SSL_CERT_FILE` names.
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    pub fn create(dir: &Path, ips: &[Ipv4Addr]) -> TestCa {
        fs::create_dir_all(dir).unwrap();
        let path = |name: &str| dir.join(name);
        openssl(
            dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=gover fleet test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost",
            ],
        );
        let mut san = String::from("subjectAltName=DNS:localhost");
        for ip in ips {
            san.push_str(&format!(",IP:{ip}"));
        }
        fs::write(
            path("server.ext"),
            format!(
                "{san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\
                 extendedKeyUsage=serverAuth\n"
            ),
        )
        .unwrap();
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.pem",
                "-days",
                "2",
                "-extfile",
                "server.ext",
            ],
        );
        TestCa {
            ca: path("ca.pem"),
            cert: path("server.pem"),
            key: path("server.key"),
        }
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("/usr/bin/openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// One line of the access log.
#[derive(Debug, Clone)]
pub struct Access {
    /// The address the client connected to (which simulated machine it was).
    pub server_addr: String,
    pub method: String,
    pub status: u16,
    pub bytes: u64,
    /// The request URI as sent (path and query).
    pub uri: String,
}

/// A running nginx serving `root` over TLS.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
    pub port: u16,
    pub addrs: Vec<Ipv4Addr>,
    pub ca: TestCa,
}

impl Nginx {
    /// nginx serving the static files under `root` on `https://<addr>:<port>/` for each of `addrs`, with
    /// its config, pid file, logs, temp dirs and certificates under `dir`.
    pub fn start(root: &Path, dir: &Path, addrs: &[Ipv4Addr]) -> Nginx {
        fs::create_dir_all(dir.join("tmp")).unwrap();
        let ca = TestCa::create(&dir.join("tls"), addrs);
        // A port that was free a moment ago; another process may take it first, so try a few.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let conf = dir.join("nginx.conf");
            fs::write(&conf, config(root, dir, &ca, addrs, port)).unwrap();
            let _ = fs::remove_file(dir.join("error.log"));
            let mut child = Command::new(NGINX)
                .arg("-p")
                .arg(dir)
                .arg("-c")
                .arg(&conf)
                .arg("-e")
                .arg(dir.join("error.log"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start nginx");
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                if let Some(status) = child.try_wait().unwrap() {
                    let log = fs::read_to_string(dir.join("error.log")).unwrap_or_default();
                    assert!(
                        log.contains("Address already in use"),
                        "nginx exited ({status}):\n{log}"
                    );
                    break;
                }
                let up = addrs.iter().all(|a| {
                    TcpStream::connect_timeout(
                        &SocketAddr::from((*a, port)),
                        Duration::from_secs(1),
                    )
                    .is_ok()
                });
                if up {
                    return Nginx {
                        child,
                        dir: dir.to_path_buf(),
                        port,
                        addrs: addrs.to_vec(),
                        ca,
                    };
                }
                assert!(Instant::now() < deadline, "nginx did not start listening");
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        panic!("no free port for nginx after 5 tries");
    }

    /// `https://<addr>:<port><path>`.
    pub fn url(&self, addr: Ipv4Addr, path: &str) -> String {
        format!("https://{addr}:{}{path}", self.port)
    }

    /// Every request logged so far.
    pub fn access_log(&self) -> Vec<Access> {
        fs::read_to_string(self.dir.join("access.log"))
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let mut f = line.splitn(5, ' ');
                let mut next = || f.next().unwrap_or_else(|| panic!("short line {line:?}"));
                Access {
                    server_addr: next().to_owned(),
                    method: next().to_owned(),
                    status: next().parse().unwrap(),
                    bytes: next().parse().unwrap(),
                    uri: next().to_owned(),
                }
            })
            .collect()
    }

    /// The error log (for failure messages).
    pub fn error_log(&self) -> String {
        fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGQUIT: graceful shutdown of the master and its workers.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGQUIT);
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The whole config: what docs/fleet.md shows, plus what running unprivileged from a test needs.
fn config(root: &Path, dir: &Path, ca: &TestCa, addrs: &[Ipv4Addr], port: u16) -> String {
    let d = dir.display();
    // As root the workers would otherwise run as `nobody`, who cannot read the test's private temp dirs.
    let user = if unsafe { libc::geteuid() } == 0 {
        "user root root;\n"
    } else {
        ""
    };
    let listen: String = addrs
        .iter()
        .map(|a| format!("        listen {a}:{port} ssl;\n"))
        .collect();
    format!(
        "daemon off;\n{user}worker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log info;\n\
         events {{ worker_connections 512; }}\n\
         http {{\n\
         \x20   log_format fleet '$server_addr $request_method $status $body_bytes_sent $request_uri';\n\
         \x20   access_log {d}/access.log fleet;\n\
         \x20   client_body_temp_path {d}/tmp/body;\n\
         \x20   proxy_temp_path {d}/tmp/proxy;\n\
         \x20   fastcgi_temp_path {d}/tmp/fastcgi;\n\
         \x20   uwsgi_temp_path {d}/tmp/uwsgi;\n\
         \x20   scgi_temp_path {d}/tmp/scgi;\n\
         \x20   include /etc/nginx/mime.types;\n\
         \x20   default_type application/octet-stream;\n\
         \x20   sendfile on;\n\
         \x20   server {{\n{listen}\
         \x20       server_name localhost;\n\
         \x20       ssl_certificate {cert};\n\
         \x20       ssl_certificate_key {key};\n\
         \x20       ssl_protocols TLSv1.2 TLSv1.3;\n\
         \x20       root {root};\n\
         \x20       autoindex off;\n\
         \x20       location / {{ try_files $uri =404; }}\n\
         \x20   }}\n\
         }}\n",
        cert = ca.cert.display(),
        key = ca.key.display(),
        root = root.display(),
    )
}
