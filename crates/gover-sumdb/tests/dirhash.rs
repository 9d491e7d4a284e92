//! The h1: hash, with the vectors of Go's `golang.org/x/mod/sumdb/dirhash` (`hash_test.go`).

use std::io::Write as _;

use base64::Engine as _;
use gover_sumdb::dirhash::{DirhashError, hash1, hash1_zip};
use sha2::{Digest, Sha256};

fn sha(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

fn hex(d: [u8; 32]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// `"h1:" + base64(sha256(summary))`, computed independently of the crate.
fn h1_of(summary: &str) -> String {
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(Sha256::digest(summary.as_bytes()))
    )
}

#[test]
fn hash1_sorts_names_and_hashes_the_summary() {
    let files = ["xyz", "abc"].map(|n| (n.to_string(), sha(&format!("data for {n}"))));
    let want = h1_of(&format!(
        "{}  abc\n{}  xyz\n",
        hex(sha("data for abc")),
        hex(sha("data for xyz"))
    ));
    assert_eq!(hash1(files).unwrap(), want);
    let bad = [
        ("xyz".to_string(), sha("x")),
        ("a\nbc".to_string(), sha("y")),
    ];
    assert!(matches!(hash1(bad), Err(DirhashError::NewlineInName(n)) if n == "a\nbc"));
}

/// The `go` command's own hash of a module zip: `go mod download -json` from a `file://` GOPROXY
/// (offline, GOSUMDB off) reports the `h1:` it computed. Uses a Debian Go toolchain; fails under
/// CI=true when none is installed.
#[test]
fn hash1_zip_matches_the_go_command() {
    let Some(go) = ["1.23", "1.22", "1.21", "1.19"]
        .iter()
        .map(|v| std::path::PathBuf::from(format!("/usr/lib/go-{v}/bin/go")))
        .find(|p| p.exists())
    else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI=true but no Go toolchain in /usr/lib/go-*"
        );
        eprintln!("skipped: no Go toolchain in /usr/lib/go-*");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let at = dir.path().join("proxy/example.com/hashme/@v");
    std::fs::create_dir_all(&at).unwrap();
    let go_mod = "module example.com/hashme\n\ngo 1.19\n";
    std::fs::write(at.join("list"), "v1.2.3\n").unwrap();
    std::fs::write(
        at.join("v1.2.3.info"),
        r#"{"Version":"v1.2.3","Time":"2024-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    std::fs::write(at.join("v1.2.3.mod"), go_mod).unwrap();
    let zip = at.join("v1.2.3.zip");
    write_zip(
        &zip,
        &[
            ("example.com/hashme@v1.2.3/go.mod", go_mod),
            (
                "example.com/hashme@v1.2.3/b.go",
                "package hashme\n\nconst B = 2\n",
            ),
            (
                "example.com/hashme@v1.2.3/a.go",
                "package hashme\n\nconst A = 1\n",
            ),
            ("example.com/hashme@v1.2.3/sub/LICENSE", "no license\n"),
        ],
        true,
    );
    let out = std::process::Command::new(&go)
        .args(["mod", "download", "-json", "example.com/hashme@v1.2.3"])
        .current_dir(dir.path())
        .env(
            "GOPROXY",
            format!("file://{}", dir.path().join("proxy").display()),
        )
        .env("GOSUMDB", "off")
        .env("GOFLAGS", "-mod=mod")
        .env("GOTOOLCHAIN", "local")
        .env("GOMODCACHE", dir.path().join("modcache"))
        .env("GOPATH", dir.path().join("gopath"))
        .env("GOCACHE", dir.path().join("gocache"))
        .env("HOME", dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "go mod download: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let go_sum = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"Sum\": \""))
        .and_then(|l| l.trim_end_matches(',').strip_suffix('"'))
        .unwrap_or_else(|| panic!("no Sum in {stdout}"));
    assert_eq!(hash1_zip(&zip).unwrap(), go_sum);
    // And the go.mod hash (GoModSum) is hash1 of the single file "go.mod".
    let go_mod_sum = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"GoModSum\": \""))
        .and_then(|l| l.trim_end_matches(',').strip_suffix('"'))
        .unwrap_or_else(|| panic!("no GoModSum in {stdout}"));
    assert_eq!(
        hash1([("go.mod".to_string(), sha(go_mod))]).unwrap(),
        go_mod_sum
    );
}

fn write_zip(path: &std::path::Path, entries: &[(&str, &str)], deflate: bool) {
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, data) in entries {
        z.start_file(*name, opts).unwrap();
        z.write_all(data.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn hash1_zip_uses_names_as_stored_and_ignores_compression() {
    let dir = tempfile::tempdir().unwrap();
    let want = h1_of(&format!(
        "{}  prefix/abc\n{}  prefix/xyz\n",
        hex(sha("data for abc")),
        hex(sha("data for xyz"))
    ));
    for deflate in [false, true] {
        let path = dir.path().join(format!("m{deflate}.zip"));
        write_zip(
            &path,
            &[
                ("prefix/xyz", "data for xyz"),
                ("prefix/abc", "data for abc"),
            ],
            deflate,
        );
        assert_eq!(hash1_zip(&path).unwrap(), want);
    }
}

#[test]
fn hash1_zip_refuses_duplicate_names_and_non_zips() {
    let dir = tempfile::tempdir().unwrap();
    let dup = dir.path().join("dup.zip");
    // The zip crate refuses to write duplicates, so patch the second name in place.
    write_zip(&dup, &[("m@v1/a", "one"), ("m@v1/b", "two")], false);
    let mut bytes = std::fs::read(&dup).unwrap();
    let positions: Vec<usize> = bytes
        .windows(6)
        .enumerate()
        .filter(|(_, w)| *w == b"m@v1/b")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(positions.len(), 2, "local header and central directory");
    for p in positions {
        bytes[p + 5] = b'a';
    }
    std::fs::write(&dup, bytes).unwrap();
    assert!(matches!(
        hash1_zip(&dup),
        Err(DirhashError::DuplicateName { .. })
    ));

    let not_zip = dir.path().join("not.zip");
    std::fs::write(&not_zip, b"not a zip").unwrap();
    let err = hash1_zip(&not_zip).unwrap_err();
    assert!(matches!(err, DirhashError::Zip { .. }));
    assert!(err.to_string().contains("not.zip"), "{err}");
}
