//! The harness's own tests: the loopback mirror, the fake releases and archives, and the real-toolchain
//! repackaging. They live here, not in `tests/common/`, so they run once instead of in every test binary.

mod common;

mod mirror {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    use super::common::mirror::{Fault, Gate, Mirror, Request};
    /// A minimal client: sends one request, returns (status line, headers, body).
    fn fetch(mirror: &Mirror, method: &str, path: &str, extra: &str) -> (String, String, Vec<u8>) {
        let mut stream = TcpStream::connect(mirror.addr()).unwrap();
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
                target: "/nope".into(),
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

    #[test]
    fn scripted_faults_apply_once_each_in_order_then_the_content_is_served() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/f", b"0123456789".to_vec());
        mirror.script(
            "/f",
            [
                Fault::RetryAfter(429, 3),
                Fault::DropAfter(4),
                Fault::Shorter(3),
                Fault::Longer(2),
                Fault::LieLength(5),
                Fault::Redirect("http://elsewhere/f".into()),
            ],
        );
        let (status, headers, _) = fetch(&mirror, "GET", "/f", "");
        assert_eq!(status, "HTTP/1.1 429 Too Many Requests");
        assert!(headers.contains("Retry-After: 3"), "{headers}");
        let (_, headers, body) = fetch(&mirror, "GET", "/f", "");
        assert!(headers.contains("Content-Length: 10"), "{headers}");
        assert_eq!(body, b"0123");
        let (_, headers, body) = fetch(&mirror, "GET", "/f", "");
        assert!(headers.contains("Content-Length: 3"), "{headers}");
        assert_eq!(body, b"012");
        let (_, headers, body) = fetch(&mirror, "GET", "/f", "");
        assert!(headers.contains("Content-Length: 12"), "{headers}");
        assert_eq!(body, b"0123456789\0\0");
        let (_, headers, body) = fetch(&mirror, "GET", "/f", "");
        assert!(headers.contains("Content-Length: 15"), "{headers}");
        assert_eq!(body, b"0123456789");
        let (status, headers, _) = fetch(&mirror, "GET", "/f", "");
        assert_eq!(status, "HTTP/1.1 302 Found");
        assert!(
            headers.contains("Location: http://elsewhere/f"),
            "{headers}"
        );
        assert_eq!(fetch(&mirror, "GET", "/f", "").2, b"0123456789");
    }

    #[test]
    fn faults_count_body_bytes_from_the_range_start_and_can_ignore_it() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/f", b"0123456789".to_vec());
        mirror.script("/f", [Fault::DropAfter(2), Fault::IgnoreRange]);
        let (status, _, body) = fetch(&mirror, "GET", "/f", "Range: bytes=4-\r\n");
        assert_eq!(status, "HTTP/1.1 206 Partial Content");
        assert_eq!(body, b"45");
        let (status, _, body) = fetch(&mirror, "GET", "/f", "Range: bytes=4-\r\n");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(body, b"0123456789");
    }

    #[test]
    fn a_reset_closes_without_an_answer() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/f", b"x".to_vec());
        mirror.script("/f", [Fault::Reset]);
        let mut stream = TcpStream::connect(mirror.addr()).unwrap();
        write!(stream, "GET /f HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        assert!(response.is_empty(), "{response:?}");
    }

    #[test]
    fn a_stalled_body_continues_when_the_gate_opens() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/f", b"0123456789".to_vec());
        let gate = Gate::new();
        mirror.script("/f", [Fault::StallUntil(3, gate.clone())]);
        let mut stream = TcpStream::connect(mirror.addr()).unwrap();
        write!(stream, "GET /f HTTP/1.1\r\nHost: test\r\n\r\n").unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(300)))
            .unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        // Everything up to the stall arrives; then nothing until the gate opens.
        while !seen.ends_with(b"012") {
            let n = stream.read(&mut buf).expect("the bytes before the stall");
            assert!(n > 0, "closed before the stall");
            seen.extend_from_slice(&buf[..n]);
        }
        assert!(stream.read(&mut buf).is_err(), "nothing may pass the stall");
        gate.open();
        stream.set_read_timeout(None).unwrap();
        stream.read_to_end(&mut seen).unwrap();
        assert!(seen.ends_with(b"\r\n\r\n0123456789"), "{seen:?}");
    }

    #[test]
    fn proxied_requests_are_routed_by_path_and_connect_is_refused() {
        let mirror = Mirror::start();
        mirror.serve_bytes("/index.json", b"[]".to_vec());
        let (status, _, body) = fetch(&mirror, "GET", "http://mirror.example/index.json?x", "");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(body, b"[]");
        let (status, _, _) = fetch(&mirror, "CONNECT", "go.example:443", "");
        assert_eq!(status, "HTTP/1.1 502 Bad Gateway");
        let requests = mirror.requests();
        assert_eq!(requests[0].target, "http://mirror.example/index.json?x");
        assert_eq!(requests[0].path, "/index.json");
        assert_eq!(requests[1].method, "CONNECT");
        assert_eq!(requests[1].path, "go.example:443");
        assert_eq!(mirror.requests_for("/index.json").len(), 1);
    }

    #[test]
    fn directories_are_served_as_they_are_at_each_request() {
        let dir = tempfile::tempdir().unwrap();
        let mirror = Mirror::start();
        mirror.serve_dir("/fleet/", dir.path());
        assert_eq!(
            fetch(&mirror, "GET", "/fleet/a.tar.gz", "").0,
            "HTTP/1.1 404 Not Found"
        );
        std::fs::write(dir.path().join("a.tar.gz"), b"abc").unwrap();
        assert_eq!(fetch(&mirror, "GET", "/fleet/a.tar.gz", "").2, b"abc");
        assert_eq!(
            fetch(&mirror, "GET", "/fleet/../x", "").0,
            "HTTP/1.1 404 Not Found"
        );
        assert_eq!(mirror.archive_hits(), 2);
    }
}

mod release {
    use std::io::Read;

    use super::common::release::*;
    fn entries(archive: &[u8]) -> Vec<(String, Vec<u8>, u32)> {
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
        tar.entries()
            .unwrap()
            .map(|entry| {
                let mut entry = entry.unwrap();
                let path = entry.path().unwrap().to_string_lossy().into_owned();
                let mode = entry.header().mode().unwrap();
                let mut data = Vec::new();
                entry.read_to_end(&mut data).unwrap();
                (path, data, mode)
            })
            .collect()
    }

    #[test]
    fn fake_archive_has_the_official_layout() {
        let release = Release::fake("1.22.5");
        let (os, arch) = host_platform();
        assert_eq!(release.filename, format!("go1.22.5.{os}-{arch}.tar.gz"));
        assert_eq!(release.sha256, sha256_hex(&release.archive));
        assert_eq!(release.size, release.archive.len() as u64);
        let entries = entries(&release.archive);
        assert!(entries.iter().all(|(path, ..)| path.starts_with("go/")));
        let find = |p: &str| {
            entries
                .iter()
                .find(|(path, ..)| path == p)
                .unwrap_or_else(|| panic!("{p} missing"))
        };
        assert!(String::from_utf8_lossy(&find("go/VERSION").1).starts_with("go1.22.5\n"));
        assert_eq!(find("go/bin/go").2 & 0o111, 0o111);
        assert_eq!(find("go/bin/gofmt").2 & 0o111, 0o111);
        find(&format!("go/pkg/tool/{os}_{arch}/compile"));
        find("go/src/runtime/extern.go");
    }

    #[test]
    fn tampered_release_differs_only_in_bytes() {
        let good = Release::fake("1.22.5");
        let bad = Release::tampered("1.22.5");
        assert_eq!(good.filename, bad.filename);
        assert_ne!(good.sha256, bad.sha256);
    }

    #[test]
    fn restamped_archives_unpack_to_the_same_files() {
        let good = Release::fake("1.22.5").archive;
        let restamped = restamp_gzip(&good);
        assert_eq!(restamped.len(), good.len());
        assert_ne!(sha256_hex(&restamped), sha256_hex(&good));
        assert_eq!(entries(&restamped), entries(&good));
    }

    #[test]
    fn prereleases_are_unstable() {
        assert!(Release::fake("1.22.5").stable);
        assert!(!Release::fake("1.23rc1").stable);
        assert!(!Release::fake("go1.18beta2").stable);
        assert_eq!(Release::fake("go1.18beta2").version, "1.18beta2");
    }

    #[test]
    fn versions_order_like_go() {
        let mut versions = vec![
            "1.21.0",
            "1.20.1",
            "1.9",
            "1.20",
            "1.21rc1",
            "1.10",
            "1.20rc3",
            "1.21beta1",
        ];
        versions.sort_by_key(|v| version_key(v));
        assert_eq!(
            versions,
            [
                "1.9",
                "1.10",
                "1.20rc3",
                "1.20",
                "1.20.1",
                "1.21beta1",
                "1.21rc1",
                "1.21.0"
            ]
        );
    }

    #[test]
    fn index_lists_newest_first_with_one_archive_for_this_host() {
        let releases = [
            Release::fake("1.21.13"),
            Release::fake("1.23rc1"),
            Release::fake("1.22.5"),
        ];
        let index: serde_json::Value = serde_json::from_str(&index_json(&releases)).unwrap();
        assert_eq!(
            index_versions(&index),
            ["go1.23rc1", "go1.22.5", "go1.21.13"]
        );
        let (os, arch) = host_platform();
        let ours: Vec<&serde_json::Value> = index[1]["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["os"] == os && f["arch"] == arch && f["kind"] == "archive")
            .collect();
        assert_eq!(ours.len(), 1);
        assert_eq!(ours[0]["sha256"], releases[2].sha256);
        assert_eq!(index[0]["stable"], false);
    }

    #[test]
    fn padded_releases_are_about_as_large_as_their_padding() {
        let release = Release::padded("1.22.5", 100_000);
        assert!(release.archive.len() > 100_000, "{}", release.archive.len());
        assert!(
            entries(&release.archive)
                .iter()
                .any(|(path, data, _)| path == "go/pkg/padding.bin" && data.len() == 100_000)
        );
    }

    #[test]
    fn other_platforms_are_listed_with_their_own_digests() {
        let release = Release::fake("1.22.5").also_for(&["plan9-mips"]);
        let index: serde_json::Value =
            serde_json::from_str(&index_json(std::slice::from_ref(&release))).unwrap();
        let other = index[0]["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["os"] == "plan9")
            .unwrap();
        assert_eq!(other["filename"], "go1.22.5.plan9-mips.tar.gz");
        assert_eq!(other["sha256"], sha256_hex(&release.others[0].archive));
    }

    #[test]
    fn every_entry_kind_is_written_raw() {
        let archive = targz(&[
            Entry::dir("go/"),
            Entry::symlink("go/esc", "../../.."),
            Entry::hardlink("go/h", "/etc/passwd"),
            Entry::Fifo("go/fifo".into()),
            Entry::CharDevice("go/null".into()),
            Entry::file("/abs/pwned", b"x".to_vec(), 0o644),
        ]);
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&archive[..]));
        let kinds: Vec<(Vec<u8>, tar::EntryType)> = tar
            .entries()
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (e.path_bytes().into_owned(), e.header().entry_type())
            })
            .collect();
        assert_eq!(
            kinds,
            [
                (b"go/".to_vec(), tar::EntryType::Directory),
                (b"go/esc".to_vec(), tar::EntryType::Symlink),
                (b"go/h".to_vec(), tar::EntryType::Link),
                (b"go/fifo".to_vec(), tar::EntryType::Fifo),
                (b"go/null".to_vec(), tar::EntryType::Char),
                (b"/abs/pwned".to_vec(), tar::EntryType::Regular),
            ]
        );
    }

    #[test]
    fn raw_names_survive_into_the_archive() {
        let archive = fake_archive_with_raw_entry("1.22.5", "go/../../escaped", b"x");
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&archive[..]));
        let last = tar.entries().unwrap().last().unwrap().unwrap();
        assert_eq!(last.path_bytes().as_ref(), b"go/../../escaped");
    }
}

mod toolchain {
    use std::io::Read;

    use super::common::release::{archive_name, sha256_hex};
    use super::common::toolchain::repackage;
    #[test]
    fn repackaging_dereferences_links_under_a_go_top_dir_and_is_cached() {
        let scratch = tempfile::tempdir().unwrap();
        let goroot = scratch.path().join("go-1.99");
        let shared = scratch.path().join("share");
        std::fs::create_dir_all(goroot.join("bin")).unwrap();
        std::fs::create_dir_all(shared.join("src/fmt")).unwrap();
        std::fs::write(
            goroot.join("VERSION"),
            "go1.99.1\ntime 2025-01-01T00:00:00Z\n",
        )
        .unwrap();
        std::fs::write(goroot.join("bin/go"), "#!/bin/sh\n").unwrap();
        std::fs::write(shared.join("src/fmt/print.go"), "package fmt\n").unwrap();
        std::os::unix::fs::symlink(shared.join("src"), goroot.join("src")).unwrap();
        let cache = scratch.path().join("cache");

        let built = repackage(&goroot, &cache).unwrap();
        assert_eq!(built.version, "1.99.1");
        assert_eq!(built.filename, archive_name("1.99.1"));
        let bytes = std::fs::read(&built.archive).unwrap();
        assert_eq!(built.sha256, sha256_hex(&bytes));
        assert_eq!(built.size, bytes.len() as u64);

        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]));
        let mut found = Vec::new();
        for entry in tar.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path = entry.path().unwrap().to_string_lossy().into_owned();
            assert!(
                !entry.header().entry_type().is_symlink(),
                "{path} should be dereferenced"
            );
            if path == "go/src/fmt/print.go" {
                let mut text = String::new();
                entry.read_to_string(&mut text).unwrap();
                assert_eq!(text, "package fmt\n");
            }
            found.push(path);
        }
        assert!(
            found.iter().all(|p| p == "go" || p.starts_with("go/")),
            "{found:?}"
        );
        assert!(
            found.contains(&"go/src/fmt/print.go".to_owned()),
            "{found:?}"
        );

        // A second call reuses the cached archive instead of rebuilding it.
        let mtime = std::fs::metadata(&built.archive)
            .unwrap()
            .modified()
            .unwrap();
        std::fs::remove_file(goroot.join("bin/go")).unwrap();
        let again = repackage(&goroot, &cache).unwrap();
        assert_eq!(again.sha256, built.sha256);
        assert_eq!(
            std::fs::metadata(&again.archive)
                .unwrap()
                .modified()
                .unwrap(),
            mtime
        );
    }
}

mod raw_exec {
    use std::path::Path;

    use super::common::raw_exec::{exec_raw, nul_separated};

    #[test]
    fn passes_argv_and_envp_exactly_duplicates_and_all() {
        // env prints its environment as it got it: order, duplicates and entries without `=`.
        let out = exec_raw(
            Path::new("/usr/bin/env"),
            &["not-env"],
            &[&b"B=2"[..], b"A=1", b"B=3", b"NO_EQUALS", b"RAW=\xff"],
            Path::new("/"),
        );
        assert!(out.status.success(), "{out:?}");
        assert_eq!(out.stdout, b"B=2\nA=1\nB=3\nNO_EQUALS\nRAW=\xff\n");
        // argv[0] is ours too, and the directory is the one asked for.
        let out = exec_raw(
            Path::new("/bin/sh"),
            &["custom-zero", "-c", "printf '%s|' \"$0\"; pwd"],
            &["PATH=/usr/bin:/bin"],
            Path::new("/usr"),
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "custom-zero|/usr\n");
    }

    #[test]
    fn nul_separated_keeps_empty_strings() {
        assert_eq!(nul_separated(b"a\0\0b\0"), [&b"a"[..], b"", b"b"]);
        assert_eq!(nul_separated(b"\0"), [&b""[..]]);
        assert!(nul_separated(b"").is_empty());
    }
}
