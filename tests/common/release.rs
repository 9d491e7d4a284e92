//! Fake Go releases and the go.dev-format index that lists them.
//!
//! A fake release is a real tar.gz in the official layout (single top dir `go/`) whose `bin/go` and `bin/gofmt`
//! are small `/bin/sh` scripts. They behave like `go version` and, through the subcommands below, let a test
//! see exactly what the tool received (arguments, environment, stdin, working directory) and make it exit or
//! die the way a real tool can:
//!
//! | command                  | effect                                                        |
//! |--------------------------|---------------------------------------------------------------|
//! | `go version`             | `go version go1.22.5 linux/amd64` (`gofmt version`: `gofmt go1.22.5`) |
//! | `print-args A B…`        | one `[arg]` line per argument                                 |
//! | `print-env NAME…`        | `NAME=value`, or `NAME unset`                                 |
//! | `print-cwd`              | the working directory                                         |
//! | `cat-stdin`              | copies stdin to stdout                                        |
//! | `exit-with N`            | exits with status N                                           |
//! | `kill-self SIG`          | sends itself SIG                                              |
//! | anything else            | `<tool> go1.22.5 <args>`                                      |

use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

/// Go's names for the platform these tests run on (what gover must pick from the index).
pub fn host_platform() -> (&'static str, &'static str) {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "armv6l",
        other => other,
    };
    (os, arch)
}

/// `go1.22.5.linux-amd64.tar.gz` for `1.22.5` on this host.
pub fn archive_name(version: &str) -> String {
    let (os, arch) = host_platform();
    format!("go{version}.{os}-{arch}.tar.gz")
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A Go release as a test mirror publishes it: the archive bytes plus what the index says about them.
#[derive(Clone, Debug)]
pub struct Release {
    /// Without the `go` prefix: `1.22.5`, `1.20`, `1.23rc1`.
    pub version: String,
    pub stable: bool,
    pub filename: String,
    pub archive: Vec<u8>,
    /// The digest the index announces (normally that of `archive`).
    pub sha256: String,
    /// The size the index announces (normally that of `archive`).
    pub size: u64,
}

impl Release {
    /// A fake release whose tools report `version`; pre-releases (`rc`, `beta`) are marked unstable.
    pub fn fake(version: &str) -> Release {
        Release::from_archive(version, fake_archive(version, &[]))
    }

    /// The same release with one extra file: valid, same name, different bytes (a tampered mirror's copy).
    pub fn tampered(version: &str) -> Release {
        Release::from_archive(
            version,
            fake_archive(version, &[("go/bin/backdoor", "#!/bin/sh\necho owned\n")]),
        )
    }

    /// A release whose index entry honestly describes `archive`, whatever it contains.
    pub fn from_archive(version: &str, archive: Vec<u8>) -> Release {
        let version = version.strip_prefix("go").unwrap_or(version).to_owned();
        Release {
            stable: !version.contains("rc") && !version.contains("beta"),
            filename: archive_name(&version),
            sha256: sha256_hex(&archive),
            size: archive.len() as u64,
            archive,
            version,
        }
    }

    /// The index entry: the archive for this host plus decoys (the source tarball, other platforms, an
    /// installer) that gover must not pick; the mirror does not serve the decoys.
    pub fn index_entry(&self) -> serde_json::Value {
        let (os, arch) = host_platform();
        let go = format!("go{}", self.version);
        let other_arch = if arch == "arm64" { "amd64" } else { "arm64" };
        let decoy = |filename: String, os: &str, arch: &str, kind: &str| {
            serde_json::json!({
                "filename": filename, "os": os, "arch": arch, "version": go,
                "sha256": sha256_hex(filename.as_bytes()), "size": 1234, "kind": kind,
            })
        };
        serde_json::json!({
            "version": go,
            "stable": self.stable,
            "files": [
                decoy(format!("{go}.src.tar.gz"), "", "", "source"),
                decoy(format!("{go}.darwin-{arch}.pkg"), "darwin", arch, "installer"),
                decoy(format!("{go}.darwin-{arch}.tar.gz"), "darwin", arch, "archive"),
                decoy(format!("{go}.{os}-{other_arch}.tar.gz"), os, other_arch, "archive"),
                {
                    "filename": self.filename, "os": os, "arch": arch, "version": go,
                    "sha256": self.sha256, "size": self.size, "kind": "archive",
                },
                decoy(format!("{go}.windows-{arch}.zip"), "windows", arch, "archive"),
            ],
        })
    }
}

/// The index document for `releases`, newest first as go.dev serves it.
pub fn index_json(releases: &[Release]) -> String {
    let mut sorted: Vec<&Release> = releases.iter().collect();
    sorted.sort_by_key(|release| std::cmp::Reverse(version_key(&release.version)));
    let entries: Vec<serde_json::Value> =
        sorted.iter().map(|release| release.index_entry()).collect();
    serde_json::to_string_pretty(&entries).expect("index serializes")
}

/// Orders Go versions: `1.20rc3 < 1.20 < 1.20.1`, `1.21rc1 < 1.21.0`, `1.9 < 1.10`, beta < rc < release.
pub fn version_key(version: &str) -> (Vec<u64>, u8, u64) {
    let version = version.strip_prefix("go").unwrap_or(version);
    let split = version
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(version.len());
    let (numbers, pre) = version.split_at(split);
    let mut numbers: Vec<u64> = numbers.split('.').map(|n| n.parse().unwrap_or(0)).collect();
    numbers.resize(3, 0);
    let (rank, n) = if let Some(n) = pre.strip_prefix("beta") {
        (0, n)
    } else if let Some(n) = pre.strip_prefix("rc") {
        (1, n)
    } else {
        (2, "0")
    };
    (numbers, rank, n.parse().unwrap_or(0))
}

/// The fake tool script for `tool` (`go` or `gofmt`) of `version`.
pub fn fake_tool_script(tool: &str, version: &str) -> String {
    let (os, arch) = host_platform();
    let version_line = if tool == "go" {
        format!("go version go{version} {os}/{arch}")
    } else {
        format!("{tool} go{version}")
    };
    format!(
        r#"#!/bin/sh
# Fake `{tool}` of go{version}, built by gover's test harness.
case "$1" in
version) echo "{version_line}" ;;
print-args) shift; for arg in "$@"; do printf '[%s]\n' "$arg"; done ;;
print-env)
    shift
    for name in "$@"; do
        if value=$(printenv "$name"); then printf '%s=%s\n' "$name" "$value"; else printf '%s unset\n' "$name"; fi
    done ;;
print-cwd) pwd ;;
cat-stdin) exec cat ;;
exit-with) exit "$2" ;;
kill-self) kill -s "$2" $$; sleep 5; echo "still alive after SIG$2" >&2; exit 99 ;;
*) echo "{tool} go{version} $*" ;;
esac
"#
    )
}

/// The files of a fake release of `version`: (path, contents, mode).
fn fake_files(version: &str) -> Vec<(String, String, u32)> {
    let (os, arch) = host_platform();
    vec![
        (
            "go/VERSION".into(),
            format!("go{version}\ntime 2024-07-02T20:18:42Z\n"),
            0o644,
        ),
        ("go/bin/go".into(), fake_tool_script("go", version), 0o755),
        (
            "go/bin/gofmt".into(),
            fake_tool_script("gofmt", version),
            0o755,
        ),
        (
            format!("go/pkg/tool/{os}_{arch}/compile"),
            "#!/bin/sh\necho fake compile\n".into(),
            0o755,
        ),
        (
            "go/src/runtime/extern.go".into(),
            "// Package runtime (fake).\npackage runtime\n".into(),
            0o644,
        ),
        (
            "go/go.env".into(),
            "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n".into(),
            0o644,
        ),
    ]
}

/// A tar.gz in the official layout for `version`, plus `extra` (path, contents) executable files.
pub fn fake_archive(version: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut files = fake_files(version);
    files.extend(
        extra
            .iter()
            .map(|(path, text)| (path.to_string(), text.to_string(), 0o755)),
    );
    let entries: Vec<(&str, &[u8], u32)> = files
        .iter()
        .map(|(path, text, mode)| (path.as_str(), text.as_bytes(), *mode))
        .collect();
    tar_gz(&entries, None)
}

/// A valid fake release of `version` followed by one entry whose name is written raw into the header,
/// bypassing the `tar` crate's refusal of `..`: the shape of a path-traversal attack.
pub fn fake_archive_with_raw_entry(version: &str, raw_name: &str, data: &[u8]) -> Vec<u8> {
    let files = fake_files(version);
    let entries: Vec<(&str, &[u8], u32)> = files
        .iter()
        .map(|(path, text, mode)| (path.as_str(), text.as_bytes(), *mode))
        .collect();
    tar_gz(&entries, Some((raw_name, data)))
}

/// A tar.gz of regular files with explicit modes (parent directories are emitted first, as `tar` and Go's
/// release tooling do), optionally followed by one entry with a raw, unchecked name.
pub fn tar_gz(files: &[(&str, &[u8], u32)], raw: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    let mut dirs_done = Vec::<String>::new();
    for (path, data, mode) in files {
        let mut parent = String::new();
        let components: Vec<&str> = path.split('/').collect();
        for component in &components[..components.len() - 1] {
            parent.push_str(component);
            parent.push('/');
            if !dirs_done.contains(&parent) {
                let mut header = tar::Header::new_gnu();
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                header.set_mtime(1_720_000_000);
                builder
                    .append_data(&mut header, &parent, std::io::empty())
                    .expect("tar dir");
                dirs_done.push(parent.clone());
            }
        }
        let mut header = tar::Header::new_gnu();
        header.set_mode(*mode);
        header.set_size(data.len() as u64);
        header.set_mtime(1_720_000_000);
        builder
            .append_data(&mut header, path, *data)
            .expect("tar file");
    }
    if let Some((name, data)) = raw {
        let mut header = tar::Header::new_old();
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_mode(0o644);
        header.set_size(data.len() as u64);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_mtime(1_720_000_000);
        header.set_cksum();
        builder.append(&header, data).expect("tar raw entry");
    }
    let gz = builder.into_inner().expect("finish tar");
    gz.finish().expect("finish gzip")
}

/// The same gzip stream with another timestamp in its header: identical size and contents, different bytes,
/// so only a digest can tell it from the original.
pub fn restamp_gzip(archive: &[u8]) -> Vec<u8> {
    assert_eq!(&archive[..2], b"\x1f\x8b", "not a gzip stream");
    let mut restamped = archive.to_vec();
    restamped[4..8].copy_from_slice(&1_234_567_890u32.to_le_bytes());
    assert_ne!(restamped, archive, "the timestamp must change");
    restamped
}

/// `bytes` with every bit of the byte at `offset` inverted: corruption in transit.
pub fn flip_byte(bytes: &[u8], offset: usize) -> Vec<u8> {
    let mut flipped = bytes.to_vec();
    flipped[offset] ^= 0xff;
    flipped
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

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
        let versions: Vec<&str> = index
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["version"].as_str().unwrap())
            .collect();
        assert_eq!(versions, ["go1.23rc1", "go1.22.5", "go1.21.13"]);
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
    fn raw_names_survive_into_the_archive() {
        let archive = fake_archive_with_raw_entry("1.22.5", "go/../../escaped", b"x");
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&archive[..]));
        let last = tar.entries().unwrap().last().unwrap().unwrap();
        assert_eq!(last.path_bytes().as_ref(), b"go/../../escaped");
    }
}
