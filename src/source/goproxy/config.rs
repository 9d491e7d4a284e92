//! Go's own settings for the module proxy and the checksum database, read as `go` reads them:
//! the environment, then the go env file (`$GOENV`, default `~/.config/go/env`), then Go's
//! defaults. Only parsing and lookup live here; nothing is fetched.

use std::path::PathBuf;

use crate::go_env_file;

pub const GOPROXY: &str = "GOPROXY";
pub const GOSUMDB: &str = "GOSUMDB";
pub const GONOSUMDB: &str = "GONOSUMDB";
pub const GOPRIVATE: &str = "GOPRIVATE";
pub const GOMODCACHE: &str = "GOMODCACHE";
pub const GOPATH: &str = "GOPATH";
pub const NETRC: &str = "NETRC";

/// Go's default `GOPROXY`.
pub const DEFAULT_GOPROXY: &str = "https://proxy.golang.org,direct";
/// Go's default `GOSUMDB`.
pub const DEFAULT_GOSUMDB: &str = "sum.golang.org";
/// The key of sum.golang.org that Go ships (cmd/go/internal/modfetch/key.go).
pub const SUM_GOLANG_ORG_KEY: &str =
    "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";

/// Where a setting's value came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetIn {
    Env,
    GoEnvFile(PathBuf),
    Default,
}

/// Go's settings as one lookup: the process environment first, then the go env file.
#[derive(Debug, Clone, Default)]
pub struct GoEnv {
    file: Option<PathBuf>,
    settings: Vec<go_env_file::Setting>,
}

impl GoEnv {
    /// The environment plus the go env file in force (`$GOENV`, else `<config dir>/go/env`).
    pub fn load() -> GoEnv {
        let Some(file) = config_dir().and_then(|dir| go_env_file::file(&dir)) else {
            return GoEnv::default();
        };
        let settings = std::fs::read_to_string(&file)
            .map(|text| go_env_file::parse(&text))
            .unwrap_or_default();
        GoEnv {
            file: Some(file),
            settings,
        }
    }

    /// `key`'s value and where it came from; an empty value counts as unset (as in `go`).
    pub fn get(&self, key: &str) -> Option<(String, SetIn)> {
        if let Some(v) = crate::env::var(key) {
            return Some((v, SetIn::Env));
        }
        let s = go_env_file::get(&self.settings, key)?;
        let file = self.file.clone().unwrap_or_default();
        Some((s.value.clone(), SetIn::GoEnvFile(file)))
    }

    fn get_or(&self, key: &str, default: &str) -> (String, SetIn) {
        self.get(key)
            .unwrap_or_else(|| (default.to_string(), SetIn::Default))
    }

    /// `GOPROXY`, parsed.
    pub fn proxies(&self) -> (ProxyList, SetIn) {
        let (value, origin) = self.get_or(GOPROXY, DEFAULT_GOPROXY);
        (ProxyList::parse(&value), origin)
    }

    /// `GOSUMDB`, parsed.
    pub fn sumdb(&self) -> Result<SumdbSetting, String> {
        SumdbSetting::parse(&self.get_or(GOSUMDB, DEFAULT_GOSUMDB).0)
    }

    /// Whether `module` is exempt from the checksum database (`GONOSUMDB`, else `GOPRIVATE`).
    pub fn no_sumdb(&self, module: &str) -> Option<String> {
        let (key, patterns) = match self.get(GONOSUMDB) {
            Some((v, _)) => (GONOSUMDB, v),
            None => (GOPRIVATE, self.get(GOPRIVATE)?.0),
        };
        match_prefix_patterns(&patterns, module).then(|| format!("{key}={patterns}"))
    }

    /// The module cache: `GOMODCACHE`, else the first `GOPATH` entry + `/pkg/mod`, else
    /// `~/go/pkg/mod`.
    /// Like `go`, a relative path counts as none.
    pub fn mod_cache(&self) -> Option<PathBuf> {
        let path = match (self.get(GOMODCACHE), self.get(GOPATH)) {
            (Some((v, _)), _) => PathBuf::from(v),
            (None, Some((v, _))) => {
                PathBuf::from(v.split(':').find(|p| !p.is_empty())?).join("pkg/mod")
            }
            (None, None) => home_dir()?.join("go/pkg/mod"),
        };
        path.is_absolute().then_some(path)
    }
}

fn home_dir() -> Option<PathBuf> {
    crate::env::var("HOME").map(PathBuf::from)
}

/// `$XDG_CONFIG_HOME`, else `~/.config` (Go's `os.UserConfigDir` on Unix).
fn config_dir() -> Option<PathBuf> {
    crate::env::var("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| home_dir().map(|h| h.join(".config")))
}

/// After a proxy fails, when the next one is tried (`go help goproxy`): `,` only after a 404
/// or 410, `|` after any error.
pub use crate::source::candidate::FallBack;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxyEntry {
    Url {
        url: String,
        fall_back: FallBack,
    },
    /// `direct`: fetch from the module's origin; meaningless for toolchains.
    Direct,
    /// `off`: no fetching at all.
    Off,
}

/// A parsed `GOPROXY` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxyList(pub Vec<ProxyEntry>);

impl ProxyList {
    /// Parse a `GOPROXY` value. Each entry's separator *after* it says whether the entry after
    /// it is tried on any error; like `go`, the last entry falls back on not-found only.
    pub fn parse(value: &str) -> ProxyList {
        let mut entries = Vec::new();
        let mut rest = value.trim();
        while !rest.is_empty() {
            let (item, sep, tail) = match rest.find([',', '|']) {
                Some(i) => (&rest[..i], rest.as_bytes()[i], &rest[i + 1..]),
                None => (rest, b',', ""),
            };
            rest = tail;
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let fall_back = if sep == b'|' {
                FallBack::OnAnyFault
            } else {
                FallBack::OnNotFound
            };
            entries.push(match item {
                "direct" => ProxyEntry::Direct,
                "off" => ProxyEntry::Off,
                url => ProxyEntry::Url {
                    url: url.trim_end_matches('/').to_string(),
                    fall_back,
                },
            });
        }
        ProxyList(entries)
    }
}

/// A parsed `GOSUMDB`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SumdbSetting {
    Off,
    On {
        /// The verifier key, `name+hash+base64key`.
        key: String,
        /// The URL given after the key, if any: like `go`, it is used as is, bypassing the
        /// proxies. Without one the database is reached through a proxy that supports it,
        /// else at `https://<name>`.
        url: Option<String>,
    },
}

impl SumdbSetting {
    /// `off`, `name` (only the databases Go knows), `name+hash+key`, `name+hash+key URL`
    /// (cmd/go/internal/modfetch `dbDial`).
    pub fn parse(value: &str) -> Result<SumdbSetting, String> {
        let value = value.trim();
        if value == "off" {
            return Ok(SumdbSetting::Off);
        }
        // sum.golang.google.cn is an alias of sum.golang.org reachable in mainland China.
        let value = if value == "sum.golang.google.cn" {
            "sum.golang.org https://sum.golang.google.cn"
        } else {
            value
        };
        let mut words = value.split_whitespace();
        let first = words.next().ok_or("empty")?;
        let url = words.next().map(|u| u.trim_end_matches('/').to_string());
        if words.next().is_some() {
            return Err("too many fields (expected `name+key` and at most one URL)".into());
        }
        let key = match first {
            "sum.golang.org" => SUM_GOLANG_ORG_KEY.to_string(),
            key if key.contains('+') => key.to_string(),
            other => {
                return Err(format!(
                    "unknown checksum database `{other}` (give name+key)"
                ));
            }
        };
        let name = key.split('+').next().unwrap_or_default();
        if name.is_empty() || name.ends_with('/') || name.contains(['@', ':', '?', '#', ' ']) {
            return Err(format!(
                "invalid database name `{name}` (must be host[/path])"
            ));
        }
        Ok(SumdbSetting::On { key, url })
    }

    /// The database name (the key's first field).
    pub fn name(&self) -> Option<&str> {
        match self {
            SumdbSetting::Off => None,
            SumdbSetting::On { key, .. } => key.split('+').next(),
        }
    }
}

/// Go's `module.MatchPrefixPatterns`: whether any comma-separated glob pattern matches a
/// prefix of `path`'s `/`-separated elements.
pub fn match_prefix_patterns(patterns: &str, path: &str) -> bool {
    for pattern in patterns.split(',').map(|p| p.trim().trim_end_matches('/')) {
        if pattern.is_empty() {
            continue;
        }
        let n = pattern.split('/').count();
        let elems: Vec<&str> = path.split('/').collect();
        if elems.len() < n {
            continue;
        }
        let prefix = elems[..n].join("/");
        if glob_match(pattern.as_bytes(), prefix.as_bytes()) {
            return true;
        }
    }
    false
}

/// `path.Match` without character classes: `*` matches any run of non-`/` bytes, `?` one
/// non-`/` byte. A pattern with `[` or `\` is matched literally.
fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => {
            let mut i = 0;
            loop {
                if glob_match(rest, &name[i..]) {
                    return true;
                }
                if i == name.len() || name[i] == b'/' {
                    return false;
                }
                i += 1;
            }
        }
        Some((b'?', rest)) => {
            matches!(name.split_first(), Some((c, tail)) if *c != b'/' && glob_match(rest, tail))
        }
        Some((c, rest)) => {
            matches!(name.split_first(), Some((n, tail)) if n == c && glob_match(rest, tail))
        }
    }
}

/// Credentials for `host` from the netrc file (`$NETRC`, else `~/.netrc`), as `go` uses them.
pub fn netrc_credentials(host: &str) -> Option<(String, String)> {
    let path = crate::env::var(NETRC)
        .map(PathBuf::from)
        .or_else(|| home_dir().map(|h| h.join(".netrc")))?;
    netrc_lookup(&std::fs::read_to_string(path).ok()?, host)
}

/// The `(machine, login, password)` entries of a netrc file, parsed as `go` parses it
/// (cmd/go/internal/auth/netrc.go): each line is read as `key value` pairs; `machine` starts a
/// new entry, which is complete (and kept) once it has a login and a password; `macdef` starts
/// a macro whose body, the following lines up to the next empty line, is skipped (the rest of
/// the `macdef` line is still read); a line that starts a `default` entry ends the file
/// (`default` must come after every machine, and `go` does not use it).
pub fn parse_netrc(text: &str) -> Vec<(String, String, String)> {
    let mut entries = Vec::new();
    let (mut machine, mut login, mut password) = (String::new(), String::new(), String::new());
    let mut in_macro = false;
    for line in text.split('\n') {
        if in_macro {
            in_macro = !line.is_empty();
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let mut i = 0;
        while i + 1 < fields.len() {
            let value = fields[i + 1].to_string();
            match fields[i] {
                "machine" => (machine, login, password) = (value, String::new(), String::new()),
                "login" => login = value,
                "password" => password = value,
                "macdef" => in_macro = true,
                _ => {}
            }
            if !machine.is_empty() && !login.is_empty() && !password.is_empty() {
                let entry = std::mem::take(&mut machine);
                entries.push((
                    entry,
                    std::mem::take(&mut login),
                    std::mem::take(&mut password),
                ));
            }
            i += 2;
        }
        if fields.get(i) == Some(&"default") {
            break;
        }
    }
    entries
}

/// The first complete entry for `host` (see [`parse_netrc`]).
pub fn netrc_lookup(text: &str, host: &str) -> Option<(String, String)> {
    parse_netrc(text)
        .into_iter()
        .find(|(machine, _, _)| machine == host)
        .map(|(_, login, password)| (login, password))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goproxy_lists_keep_their_separators() {
        use FallBack::*;
        let list =
            ProxyList::parse("https://a.example/,https://b.example|https://c.example,direct");
        assert_eq!(
            list.0,
            [
                ProxyEntry::Url {
                    url: "https://a.example".into(),
                    fall_back: OnNotFound
                },
                ProxyEntry::Url {
                    url: "https://b.example".into(),
                    fall_back: OnAnyFault
                },
                ProxyEntry::Url {
                    url: "https://c.example".into(),
                    fall_back: OnNotFound
                },
                ProxyEntry::Direct,
            ]
        );
        assert_eq!(ProxyList::parse("off").0, [ProxyEntry::Off]);
        assert_eq!(ProxyList::parse(" , ").0, []);
    }

    #[test]
    fn gosumdb_forms() {
        assert_eq!(
            SumdbSetting::parse("sum.golang.org").unwrap(),
            SumdbSetting::On {
                key: SUM_GOLANG_ORG_KEY.into(),
                url: None
            }
        );
        assert_eq!(
            SumdbSetting::parse("sum.golang.google.cn").unwrap(),
            SumdbSetting::On {
                key: SUM_GOLANG_ORG_KEY.into(),
                url: Some("https://sum.golang.google.cn".into())
            }
        );
        assert_eq!(SumdbSetting::parse("off").unwrap(), SumdbSetting::Off);
        let s =
            SumdbSetting::parse("db.example+1234abcd+AAAA http://127.0.0.1:9/sumdb/db.example/")
                .unwrap();
        assert_eq!(
            s,
            SumdbSetting::On {
                key: "db.example+1234abcd+AAAA".into(),
                url: Some("http://127.0.0.1:9/sumdb/db.example".into())
            }
        );
        assert_eq!(s.name(), Some("db.example"));
        let keyonly = SumdbSetting::parse("db.example+1234abcd+AAAA").unwrap();
        assert!(matches!(keyonly, SumdbSetting::On { url: None, .. }));
        assert!(SumdbSetting::parse("unknown.example").is_err());
        assert!(SumdbSetting::parse("a+b+c u v").is_err());
    }

    #[test]
    fn private_patterns_match_path_prefixes() {
        assert!(match_prefix_patterns("golang.org", "golang.org/toolchain"));
        assert!(match_prefix_patterns(
            "corp.example,golang.org/*",
            "golang.org/toolchain"
        ));
        assert!(match_prefix_patterns("*.org", "golang.org/toolchain"));
        assert!(match_prefix_patterns(
            "golang.org/toolchai?",
            "golang.org/toolchain"
        ));
        assert!(!match_prefix_patterns(
            "golang.org/x",
            "golang.org/toolchain"
        ));
        assert!(!match_prefix_patterns("golang", "golang.org/toolchain"));
        assert!(!match_prefix_patterns("", "golang.org/toolchain"));
    }

    #[test]
    /// Go's own table (cmd/go/internal/auth/netrc_test.go): incomplete entries, one-line
    /// entries, macros (skipped to the next empty line, the rest of their line still read),
    /// and `default` ending the file.
    fn netrc_parses_as_gos_test_table_says() {
        let text = "
machine incomplete
password none

machine api.github.com
  login user
  password pwd

machine incomlete.host
  login justlogin

machine test.host
login user2
password pwd2

machine oneline login user3 password pwd3

machine ignore.host macdef ignore
  login nobody
  password nothing

machine hasmacro.too macdef ignore-next-lines login user4 password pwd4
  login nobody
  password nothing

default
login anonymous
password gopher@golang.org

machine after.default
login oops
password too-late-in-file
";
        let want: Vec<(String, String, String)> = [
            ("api.github.com", "user", "pwd"),
            ("test.host", "user2", "pwd2"),
            ("oneline", "user3", "pwd3"),
            ("hasmacro.too", "user4", "pwd4"),
        ]
        .iter()
        .map(|(m, l, p)| (m.to_string(), l.to_string(), p.to_string()))
        .collect();
        assert_eq!(parse_netrc(text), want);
    }

    #[test]
    fn netrc_entries_are_found_by_host() {
        let text = "machine a.example login u1 password p1\n\
                    machine proxy.corp.example\n  login ci\n  password s3cret\n\
                    default\nlogin x password y\nmachine late.example login l password q\n";
        assert_eq!(
            netrc_lookup(text, "proxy.corp.example"),
            Some(("ci".into(), "s3cret".into()))
        );
        assert_eq!(
            netrc_lookup(text, "a.example"),
            Some(("u1".into(), "p1".into()))
        );
        assert_eq!(netrc_lookup(text, "late.example"), None);
        assert_eq!(netrc_lookup(text, "other.example"), None);
    }
}
