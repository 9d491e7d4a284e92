//! A fleet on a real web server: `gover mirror sync` output in both layouts (go.dev's, and GOPROXY's with the
//! checksum database's files), served by Debian's nginx over TLS with a CA made by `openssl` (trusted through
//! `SSL_CERT_FILE`, as docs/fleet.md says), and 16 machines (16 GOVER_HOMEs, real processes started
//! together) installing the same real release from it, half through each layout; plus the real `go` switching
//! to that release through `GOPROXY=https://…` with the checksum database at `<proxy>/sumdb/<name>`.
//!
//! nginx listens on one port of 17 loopback addresses, one per machine (`127.0.0.2` … `127.0.0.17`, and
//! `127.0.0.1` for `go`), so its access log (`$server_addr`) tells the machines apart: exactly one archive
//! download per machine, and no request for anything the mirror does not hold.
//!
//! Needs nginx, openssl and Debian's `/usr/lib/go-1.21` and `/usr/lib/go-1.22`: without them it skips with a
//! message, except under `CI=true`, where it fails.

mod common;

use std::net::Ipv4Addr;
use std::time::Duration;

use common::goproxy::{DB_NAME, Goproxy, MODULE, real_toolchain_zip};
use common::nginx::{Nginx, have_nginx};
use common::toolchain::{cache_dir, debian_goroot, have_debian_go, repackage};
use common::{Mirror, TestContext};

const SLOW: Duration = Duration::from_secs(900);
const MACHINES: u8 = 16;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Layout {
    Dist,
    Goproxy,
}

#[test]
fn sixteen_machines_install_one_release_from_nginx_over_tls_in_both_layouts() {
    if !have_nginx() || !have_debian_go("1.21") || !have_debian_go("1.22") {
        return;
    }
    let goroot = debian_goroot("1.21");
    let archive = repackage(&goroot, &cache_dir()).expect("repackage the toolchain");
    let zip = real_toolchain_zip(&goroot).expect("pack the toolchain zip");
    assert_eq!(archive.version, zip.version);
    let version = archive.version.clone();
    let tmp = tempfile::tempdir().unwrap();
    let www = tmp.path().join("www");

    // The operator syncs both layouts from the upstreams: a loopback go.dev, and a loopback GOPROXY with
    // its checksum database. Then both go away.
    let operator = TestContext::new();
    operator.mirror.serve_bytes(
        "/index.json",
        serde_json::to_vec(&[archive.index_entry()]).unwrap(),
    );
    operator
        .mirror
        .serve_file(&Mirror::archive_path(&archive.filename), &archive.archive);
    let dist_dir = www.join("dist");
    operator
        .gover_cmd(["mirror", "sync", dist_dir.to_str().unwrap(), &version])
        .deadline(SLOW)
        .run()
        .assert_success();
    let proxy = Goproxy::start(vec![zip.clone()]);
    let mut proxy_operator = TestContext::new();
    proxy.configure(&mut proxy_operator);
    let proxy_dir = www.join("proxy");
    proxy_operator
        .gover_cmd([
            "mirror",
            "sync",
            proxy_dir.to_str().unwrap(),
            &version,
            "--layout",
            "goproxy",
        ])
        .deadline(SLOW)
        .run()
        .assert_success();
    let key = proxy.db.verifier_key();
    drop(proxy);
    drop(operator);

    let addrs: Vec<Ipv4Addr> = (0..=MACHINES)
        .map(|i| Ipv4Addr::new(127, 0, 0, 1 + i))
        .collect();
    let nginx = Nginx::start(&www, &tmp.path().join("nginx"), &addrs);
    let ca = nginx.ca.ca.display().to_string();

    // Sixteen machines, even ones on go.dev's layout, odd ones on GOPROXY's; started together.
    let machines: Vec<(TestContext, Ipv4Addr, Layout)> = (0..MACHINES as usize)
        .map(|i| {
            let addr = addrs[i + 1];
            let mut ctx = TestContext::new();
            ctx.set_env("SSL_CERT_FILE", &ca);
            let layout = if i % 2 == 0 {
                ctx.set_env("GOVER_INDEX_URL", nginx.url(addr, "/dist/index.json"))
                    .set_env("GOVER_DIST_URL", nginx.url(addr, "/dist/"));
                Layout::Dist
            } else {
                let modcache = ctx.root.join("modcache").display().to_string();
                ctx.set_env("GOVER_SOURCE", "proxy")
                    .set_env("GOPROXY", nginx.url(addr, "/proxy"))
                    .set_env("GOSUMDB", &key)
                    .set_env("GOMODCACHE", modcache);
                Layout::Goproxy
            };
            (ctx, addr, layout)
        })
        .collect();
    let running: Vec<common::Spawned> = machines
        .iter()
        .map(|(ctx, _, _)| ctx.gover_cmd(["install", &version]).deadline(SLOW).spawn())
        .collect();
    for ((ctx, addr, layout), spawned) in machines.iter().zip(running) {
        let out = spawned.wait();
        assert!(
            out.status.success(),
            "machine {addr} ({layout:?}):\n{out}\nnginx:\n{}",
            nginx.error_log()
        );
        assert_eq!(ctx.installed(), [version.as_str()], "{addr}");
        ctx.shim("go", ["version"])
            .assert_success()
            .assert_stdout_contains(&format!("go version go{version} "));
        if *layout == Layout::Goproxy {
            // Verified against the mirror's checksum database: gover now holds its tree head.
            assert_eq!(
                std::fs::read(ctx.gover_home.join("sumdb").join(DB_NAME).join("latest")).unwrap(),
                std::fs::read(proxy_dir.join("sumdb").join(DB_NAME).join("latest")).unwrap(),
                "{addr}"
            );
        }
        assert!(
            ctx.mirror.requests().is_empty(),
            "{addr} asked its default mirror"
        );
    }

    // The real go switches to the release through the mirror, the database at <proxy>/sumdb/<name>.
    let go_addr = addrs[0];
    let user = TestContext::new();
    let out = user
        .command("/usr/lib/go-1.22/bin/go")
        .arg("version")
        .env("GOTOOLCHAIN", format!("go{version}"))
        .env("GOPROXY", nginx.url(go_addr, "/proxy"))
        .env(
            "GOSUMDB",
            format!(
                "{key} {}",
                nginx.url(go_addr, &format!("/proxy/sumdb/{DB_NAME}"))
            ),
        )
        .env("SSL_CERT_FILE", &ca)
        .env("GOFLAGS", "-modcacherw")
        .env("GOMODCACHE", user.root.join("modcache"))
        .env("GOPATH", user.root.join("gopath"))
        .env("GOCACHE", user.root.join("gocache"))
        .cwd(&user.root)
        .deadline(SLOW)
        .run();
    out.assert_success()
        .assert_stdout_contains(&format!("go version go{version} "));

    // The access log: every request was for a file the mirror holds, and each machine downloaded
    // exactly one archive, whole.
    let log = nginx.access_log();
    assert!(!log.is_empty());
    for access in &log {
        let path = access.uri.split('?').next().unwrap();
        assert!(
            access.status == 200
                && (path.starts_with("/dist/") || path.starts_with("/proxy/"))
                && !path.contains("..")
                && www.join(&path[1..]).is_file(),
            "a request outside the mirror: {access:?}"
        );
    }
    let tarball = format!("/dist/{}", archive.filename);
    let module_zip = format!("/proxy/{MODULE}/@v/{}.zip", zip.module_version);
    let zip_size = std::fs::metadata(&zip.zip).unwrap().len();
    let downloads = |addr: Ipv4Addr, uri: &str, size: u64| {
        log.iter()
            .filter(|a| a.server_addr == addr.to_string() && a.method == "GET" && a.uri == uri)
            .inspect(|a| assert_eq!(a.bytes, size, "a whole archive: {a:?}"))
            .count()
    };
    for (_, addr, layout) in &machines {
        let expected = match layout {
            Layout::Dist => (1, 0),
            Layout::Goproxy => (0, 1),
        };
        assert_eq!(
            (
                downloads(*addr, &tarball, archive.size),
                downloads(*addr, &module_zip, zip_size)
            ),
            expected,
            "{addr} ({layout:?})"
        );
    }
    assert_eq!(downloads(go_addr, &module_zip, zip_size), 1, "go");
    assert_eq!(downloads(go_addr, &tarball, archive.size), 0, "go");

    // Sixteen installed releases are ~200k files: remove the sandboxes side by side, not one by one.
    std::thread::scope(|s| {
        for machine in machines {
            s.spawn(move || drop(machine));
        }
    });
}
