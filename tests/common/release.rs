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
//! | `print-self`             | `$0`: the path the tool was run as                            |
//! | `env NAME…`              | the value of each variable (empty if unset), like `go env`    |
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
    /// Archives for other platforms, served and listed too (normally none: the index lists decoys instead).
    pub others: Vec<PlatformArchive>,
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

/// A release's archive for a platform other than this host's.
#[derive(Clone, Debug)]
pub struct PlatformArchive {
    pub os: String,
    pub arch: String,
    pub filename: String,
    pub archive: Vec<u8>,
}

impl Release {
    /// A fake release whose tools report `version`; pre-releases (`rc`, `beta`) are marked unstable.
    pub fn fake(version: &str) -> Release {
        Release::from_archive(version, fake_archive(version, &[]))
    }

    /// A fake release carrying `padding` bytes of incompressible data (`go/pkg/padding.bin`), so that its
    /// archive is about that large: room for a download to break in the middle.
    pub fn padded(version: &str, padding: usize) -> Release {
        let mut files = fake_files(version);
        files.push(Entry::file(
            "go/pkg/padding.bin",
            noise(padding, padding as u64),
            0o644,
        ));
        Release::from_archive(version, targz(&with_parents(files)))
    }

    /// The same release also built for `platforms` (`"darwin-arm64"`, …): real archives, listed and served.
    pub fn also_for(mut self, platforms: &[&str]) -> Release {
        for platform in platforms {
            let (os, arch) = platform.split_once('-').expect("a platform is os-arch");
            self.others.push(PlatformArchive {
                os: os.to_owned(),
                arch: arch.to_owned(),
                filename: format!("go{}.{platform}.tar.gz", self.version),
                archive: fake_archive(&self.version, &[]),
            });
        }
        self
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
            others: Vec::new(),
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
        let mut files = vec![
            decoy(format!("{go}.src.tar.gz"), "", "", "source"),
            decoy(
                format!("{go}.darwin-{arch}.pkg"),
                "darwin",
                arch,
                "installer",
            ),
            decoy(
                format!("{go}.darwin-{arch}.tar.gz"),
                "darwin",
                arch,
                "archive",
            ),
            decoy(
                format!("{go}.{os}-{other_arch}.tar.gz"),
                os,
                other_arch,
                "archive",
            ),
            serde_json::json!({
                "filename": self.filename, "os": os, "arch": arch, "version": go,
                "sha256": self.sha256, "size": self.size, "kind": "archive",
            }),
            decoy(
                format!("{go}.windows-{arch}.zip"),
                "windows",
                arch,
                "archive",
            ),
        ];
        files.extend(self.others.iter().map(|other| {
            serde_json::json!({
                "filename": other.filename, "os": other.os, "arch": other.arch, "version": go,
                "sha256": sha256_hex(&other.archive), "size": other.archive.len(), "kind": "archive",
            })
        }));
        serde_json::json!({ "version": go, "stable": self.stable, "files": files })
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

/// The `version` of each release in a go.dev-format index, in order.
pub fn index_versions(index: &serde_json::Value) -> Vec<&str> {
    index
        .as_array()
        .expect("the index is an array")
        .iter()
        .map(|release| release["version"].as_str().expect("a version string"))
        .collect()
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
print-self) echo "$0" ;;
env) shift; for name in "$@"; do printenv "$name" || echo; done ;;
cat-stdin) exec cat ;;
exit-with) exit "$2" ;;
kill-self) kill -s "$2" $$; sleep 5; echo "still alive after SIG$2" >&2; exit 99 ;;
*) echo "{tool} go{version} $*" ;;
esac
"#
    )
}

/// One entry of a test archive. Names are written raw into the header, unchecked, as a hostile archive would.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    File {
        path: String,
        data: Vec<u8>,
        mode: u32,
    },
    Dir(String),
    Symlink(String, String),
    Hardlink(String, String),
    Fifo(String),
    CharDevice(String),
}

impl Entry {
    pub fn file(path: &str, data: impl Into<Vec<u8>>, mode: u32) -> Entry {
        Entry::File {
            path: path.to_owned(),
            data: data.into(),
            mode,
        }
    }

    pub fn dir(path: &str) -> Entry {
        Entry::Dir(path.to_owned())
    }

    pub fn symlink(path: &str, target: &str) -> Entry {
        Entry::Symlink(path.to_owned(), target.to_owned())
    }

    pub fn hardlink(path: &str, target: &str) -> Entry {
        Entry::Hardlink(path.to_owned(), target.to_owned())
    }

    pub fn path(&self) -> &str {
        match self {
            Entry::File { path, .. }
            | Entry::Dir(path)
            | Entry::Symlink(path, _)
            | Entry::Hardlink(path, _)
            | Entry::Fifo(path)
            | Entry::CharDevice(path) => path,
        }
    }
}

/// The entries of a working fake release of `version`, parent directories first (as `tar` and Go's release
/// tooling write them).
pub fn fake_entries(version: &str) -> Vec<Entry> {
    with_parents(fake_files(version))
}

/// The files (no directory entries) of a working fake release of `version`.
fn fake_files(version: &str) -> Vec<Entry> {
    let (os, arch) = host_platform();
    let files = [
        (
            "go/VERSION".to_owned(),
            format!("go{version}\ntime 2024-07-02T20:18:42Z\n"),
            0o644,
        ),
        (
            "go/bin/go".to_owned(),
            fake_tool_script("go", version),
            0o755,
        ),
        (
            "go/bin/gofmt".to_owned(),
            fake_tool_script("gofmt", version),
            0o755,
        ),
        (
            format!("go/pkg/tool/{os}_{arch}/compile"),
            "#!/bin/sh\necho fake compile\n".to_owned(),
            0o755,
        ),
        (
            "go/src/runtime/extern.go".to_owned(),
            "// Package runtime (fake).\npackage runtime\n".to_owned(),
            0o644,
        ),
        (
            "go/go.env".to_owned(),
            "GOPROXY=https://proxy.golang.org,direct\nGOTOOLCHAIN=auto\n".to_owned(),
            0o644,
        ),
    ];
    files
        .into_iter()
        .map(|(path, text, mode)| Entry::file(&path, text, mode))
        .collect()
}

/// `entries` with an entry for each missing parent directory before its first child.
pub fn with_parents(entries: impl IntoIterator<Item = Entry>) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut dirs_done = Vec::<String>::new();
    for entry in entries {
        let components: Vec<&str> = entry.path().split('/').collect();
        let mut parent = String::new();
        for component in &components[..components.len() - 1] {
            parent.push_str(component);
            parent.push('/');
            if !dirs_done.contains(&parent) {
                out.push(Entry::dir(&parent));
                dirs_done.push(parent.clone());
            }
        }
        if let Entry::Dir(path) = &entry {
            dirs_done.push(path.clone());
        }
        out.push(entry);
    }
    out
}

/// A tar.gz in the official layout for `version`, plus `extra` (path, contents) executable files.
pub fn fake_archive(version: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut files = fake_files(version);
    files.extend(
        extra
            .iter()
            .map(|(path, text)| Entry::file(path, text.as_bytes(), 0o755)),
    );
    targz(&with_parents(files))
}

/// A valid fake release of `version` followed by one entry whose name bypasses the `tar` crate's refusal of
/// `..`: the shape of a path-traversal attack.
pub fn fake_archive_with_raw_entry(version: &str, raw_name: &str, data: &[u8]) -> Vec<u8> {
    let mut entries = fake_entries(version);
    entries.push(Entry::file(raw_name, data, 0o644));
    targz(&entries)
}

/// A tar.gz of regular files with explicit modes (parent directories are emitted first), optionally followed
/// by one more file entry (any name).
pub fn tar_gz(files: &[(&str, &[u8], u32)], raw: Option<(&str, &[u8])>) -> Vec<u8> {
    let mut entries = with_parents(
        files
            .iter()
            .map(|(path, data, mode)| Entry::file(path, *data, *mode)),
    );
    if let Some((name, data)) = raw {
        entries.push(Entry::file(name, data, 0o644));
    }
    targz(&entries)
}

/// A tar.gz of `entries`, in order, each name written raw (no checks, no normalisation).
pub fn targz(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(1_720_000_000);
        let data: &[u8] = match entry {
            Entry::File { data, mode, .. } => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(*mode);
                data
            }
            Entry::Dir(_) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                &[]
            }
            Entry::Symlink(_, target) | Entry::Hardlink(_, target) => {
                header.set_entry_type(if matches!(entry, Entry::Symlink(..)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                header.set_link_name(target).expect("link name fits");
                header.set_mode(0o777);
                &[]
            }
            Entry::Fifo(_) => {
                header.set_entry_type(tar::EntryType::Fifo);
                header.set_mode(0o644);
                &[]
            }
            Entry::CharDevice(_) => {
                header.set_entry_type(tar::EntryType::Char);
                header.set_mode(0o644);
                header.set_device_major(1).expect("device major");
                header.set_device_minor(3).expect("device minor");
                &[]
            }
        };
        let path = entry.path().as_bytes();
        let name = &mut header.as_old_mut().name;
        assert!(
            path.len() <= name.len(),
            "entry name too long for the harness: {}",
            entry.path()
        );
        name.fill(0);
        name[..path.len()].copy_from_slice(path);
        header.set_size(data.len() as u64);
        header.set_cksum();
        builder.append(&header, data).expect("tar entry");
    }
    let gz = builder.into_inner().expect("finish tar");
    gz.finish().expect("finish gzip")
}

/// Bytes that do not compress (xorshift), so an archive is about as large as its content.
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
