//! What a `go.work` or `go.mod` asks for.
//!
//! Two directives matter, both at the top level of the file (never inside a block):
//! - `go 1.22.3` (also `go 1.22`, `go 1.21rc1`): the *minimum* Go version. As a release name,
//!   `go 1.22` means `1.22.0` from 1.21 on; before 1.21 the first release had no `.0`, so
//!   `go 1.20` means `1.20`.
//! - `toolchain go1.22.5`: a preferred toolchain; it only ever raises the requirement (Go
//!   ignores one lower than the `go` line, and so does gover). `toolchain default` says nothing.
//!   A toolchain with a custom suffix (`go1.21.1-bigcorp`, `go1.2rc1-gccgo`) is valid, as for
//!   Go. It names a company's own build, which only a GOPROXY serves: with the proxy source
//!   (`custom_builds`) it is asked for exactly; otherwise its version is asked for as a minimum.
//!
//! Validity is x/mod's: a `go` argument matches `MAJOR.MINOR[.PATCH][WORD N]` with no leading
//! zeros and no quotes (`go 1.098.2` and `go "1.98.2"` are errors); a `toolchain` argument is
//! `go` + a Go version + an optional suffix after `-`, as cmd/go's `FromToolchain` reads it.

use core::fmt;

use crate::version::{Custom, GoVersion, VersionRequest};

pub const GO_WORK: &str = "go.work";
pub const GO_MOD: &str = "go.mod";

/// A go.mod bigger than this is not read whole (real ones are a few KiB).
pub const MAX_LEN: usize = 4 << 20;

/// A directive and the 1-based line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub version: GoVersion,
    pub line: usize,
    /// A `toolchain` name with a custom suffix (`go1.21.1-bigcorp`): not a go.dev release.
    pub suffixed: bool,
    /// That custom build, named as written (`version` is its release), when its suffix is one
    /// gover can fetch ([`crate::version::Custom`]).
    pub custom: Option<GoVersion>,
}

/// The `go` line (already a release name: `go 1.22` → `1.22.0`) and the `toolchain` line
/// (unless it says `default`).
pub type Parsed = (Option<Directive>, Option<Directive>);

/// What a module file asks for, and which line says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub request: VersionRequest,
    pub line: usize,
    /// The line is a suffixed toolchain, taken as a minimum (`gover current` says so).
    pub suffixed: bool,
}

/// Why a module file's `go` or `toolchain` line is unusable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid<'a> {
    NotUtf8,
    /// The directive (without its comment) names no version or more than one.
    ArgCount(&'a str),
    SecondGo,
    SecondToolchain,
    /// The argument of a `go` line.
    BadGo(&'a str),
    /// The argument of a `toolchain` line.
    BadToolchain(&'a str),
    /// `go (` or `toolchain (`: a block of a directive that has none.
    Block(&'a str),
}

/// Text from the file is escaped as `.go-version` text is: its control characters must not
/// reach a terminal raw.
impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::NotUtf8 => f.write_str("the file is not UTF-8 text"),
            Invalid::ArgCount(code) => write!(
                f,
                "`{}` should name exactly one version",
                code.escape_debug()
            ),
            Invalid::SecondGo => f.write_str("a second `go` line"),
            Invalid::SecondToolchain => f.write_str("a second `toolchain` line"),
            Invalid::BadGo(arg) => write!(f, "`go {}` is not a Go version", arg.escape_debug()),
            Invalid::BadToolchain(arg) if arg.contains(['/', '\\']) => write!(
                f,
                "`toolchain {}` is not a toolchain name: it has a path separator (Go refuses it too)",
                arg.escape_debug()
            ),
            Invalid::BadToolchain(arg) => write!(
                f,
                "`toolchain {}` does not name a Go release (like go1.22.5)",
                arg.escape_debug()
            ),
            Invalid::Block(verb) => write!(
                f,
                "`{verb} (`: a `{verb}` directive cannot be a block (Go: unknown block type)"
            ),
        }
    }
}

/// The `go` and `toolchain` directives of a go.mod/go.work text. Everything else (require
/// blocks, replace lines, comments) is skipped; only these two lines must be well formed.
/// An error carries the 1-based line and the reason.
pub fn parse(bytes: &[u8]) -> Result<Parsed, (usize, Invalid<'_>)> {
    let text = core::str::from_utf8(bytes).map_err(|_| (1, Invalid::NotUtf8))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut go: Option<Directive> = None;
    let mut toolchain: Option<Directive> = None;
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let code = raw.split("//").next().unwrap_or("").trim();
        if code.is_empty() {
            continue;
        }
        if in_block {
            if code == ")" {
                in_block = false;
            }
            continue;
        }
        if let Some(head) = code.strip_suffix('(') {
            // x/mod knows no `go` or `toolchain` block: "unknown block type" (and so `go (`
            // with its version inside is an error, not a file without a go line).
            let verb = head.trim_end();
            if verb == "go" || verb == "toolchain" {
                return Err((line, Invalid::Block(verb)));
            }
            in_block = true;
            continue;
        }
        // Tokens are taken as written: x/mod matches the raw (still quoted) token of a `go` or
        // `toolchain` line, so a quoted version is an error there too.
        let mut words = code.split_whitespace();
        let verb = words.next().unwrap_or("");
        if verb != "go" && verb != "toolchain" {
            continue;
        }
        let (Some(arg), None) = (words.next(), words.next()) else {
            return Err((line, Invalid::ArgCount(code)));
        };
        if verb == "go" {
            if go.is_some() {
                return Err((line, Invalid::SecondGo));
            }
            let version = GoVersion::parse_bare(arg)
                .ok()
                .filter(|v| v.major > 0 && v.pre.is_none_or(|(_, n)| n.is_some()))
                .ok_or((line, Invalid::BadGo(arg)))?;
            go = Some(Directive {
                version: release_name(version),
                line,
                suffixed: false,
                custom: None,
            });
        } else {
            if toolchain.is_some() {
                return Err((line, Invalid::SecondToolchain));
            }
            if arg == "default" {
                continue;
            }
            let (version, suffix) =
                GoVersion::from_toolchain(arg).ok_or((line, Invalid::BadToolchain(arg)))?;
            // The name parsed once: a suffix gover can fetch makes it a custom build.
            let custom = Custom::new(suffix).map(|custom| GoVersion {
                custom,
                ..version.clone()
            });
            toolchain = Some(Directive {
                version: version.canonical(),
                line,
                suffixed: !suffix.is_empty(),
                custom,
            });
        }
    }
    Ok((go, toolchain))
}

/// The version a module file with these directives asks for: the `toolchain` release if it is
/// at least the `go` line, else the `go` line as a minimum. `None` when it has neither. A
/// custom build is asked for exactly when its name is one gover can fetch and `custom_builds()`
/// says the source can serve one (the proxy source; asked only then, so a go.mod without a
/// custom build never costs the lookup); otherwise its release, as a minimum.
pub fn requirement(
    go: Option<&Directive>,
    toolchain: Option<&Directive>,
    custom_builds: impl Fn() -> bool,
) -> Option<Requirement> {
    let minimum = |d: &Directive| Requirement {
        request: VersionRequest::AtLeast(d.version.clone()),
        line: d.line,
        suffixed: d.suffixed,
    };
    match (go, toolchain) {
        (Some(go), Some(tc)) if tc.version < go.version => Some(minimum(go)),
        (
            _,
            Some(Directive {
                custom: Some(custom),
                line,
                ..
            }),
        ) if custom_builds() => Some(Requirement {
            request: VersionRequest::Exact(custom.clone()),
            line: *line,
            suffixed: false,
        }),
        // A custom build this source cannot install: its version, as a minimum.
        (_, Some(tc)) if tc.suffixed => Some(minimum(tc)),
        (_, Some(tc)) => Some(Requirement {
            request: VersionRequest::Exact(tc.version.clone()),
            line: tc.line,
            suffixed: false,
        }),
        (Some(go), None) => Some(minimum(go)),
        (None, None) => None,
    }
}

/// The release a `go` line names: `1.22` is the language version, whose first release is
/// `1.22.0` from 1.21 on and plain `1.20` before.
pub fn release_name(v: GoVersion) -> GoVersion {
    let mut v = v.canonical();
    if v.is_lang() {
        v.patch = Some(0);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    fn dir(version: &str, line: usize) -> Option<Directive> {
        Some(Directive {
            version: v(version),
            line,
            suffixed: false,
            custom: None,
        })
    }

    #[test]
    fn go_line_forms_become_release_names() {
        assert_eq!(parse(b"module m\n\ngo 1.22\n").unwrap().0, dir("1.22.0", 3));
        assert_eq!(parse(b"go 1.22.3\n").unwrap().0, dir("1.22.3", 1));
        assert_eq!(parse(b"go 1.21rc1").unwrap().0, dir("1.21rc1", 1));
        assert_eq!(parse(b"go 1.21\n").unwrap().0, dir("1.21.0", 1));
        assert_eq!(parse(b"go 1.20\n").unwrap().0, dir("1.20", 1));
        assert_eq!(parse(b"go 1.16\n").unwrap().0, dir("1.16", 1));
        let go = parse(b"go 1.13.0\n").unwrap().0.unwrap();
        assert_eq!(go.version.to_string(), "1.13");
    }

    #[test]
    fn toolchain_line_names_a_release_and_default_says_nothing() {
        let (go, tc) = parse(b"module m\ngo 1.22.0\ntoolchain go1.22.5\n").unwrap();
        assert_eq!(go, dir("1.22.0", 2));
        assert_eq!(tc, dir("1.22.5", 3));
        assert_eq!(parse(b"go 1.22\ntoolchain default\n").unwrap().1, None);
    }

    #[test]
    fn comments_blocks_crlf_and_bom_are_handled() {
        let text = "\u{feff}// go 1.9 in a comment\r\nmodule example.com/m // go 1.8\r\n\r\n\
            require (\r\n\tgo 1.7 // not a directive inside a block\r\n\tgolang.org/x/mod v0.1.0\r\n)\r\n\
            go 1.21.4 // the minimum\r\n\
            toolchain   go1.22.1\t// preferred\r\n";
        let (go, tc) = parse(text.as_bytes()).unwrap();
        assert_eq!(go, dir("1.21.4", 8));
        assert_eq!(tc, dir("1.22.1", 9));
        // A go.work with a use block.
        let (go, _) = parse(b"go 1.22\n\nuse (\n\t./a\n\t./b\n)\n").unwrap();
        assert_eq!(go, dir("1.22.0", 1));
    }

    #[test]
    fn bad_lines_are_errors_with_the_line_number() {
        let err = |text: &'static [u8]| parse(text).unwrap_err();
        assert_eq!(err(b"module m\ngo banana\n"), (2, Invalid::BadGo("banana")));
        assert_eq!(
            err(b"go banana\n").1.to_string(),
            "`go banana` is not a Go version"
        );
        assert_eq!(
            err(b"module m\n\ntoolchain 1.22.5\n"),
            (3, Invalid::BadToolchain("1.22.5"))
        );
        assert_eq!(
            err(b"go 1.22 1.23\n"),
            (1, Invalid::ArgCount("go 1.22 1.23"))
        );
        assert_eq!(err(b"go\n"), (1, Invalid::ArgCount("go")));
        assert_eq!(err(b"go go1.22\n"), (1, Invalid::BadGo("go1.22")));
        // See: issue 12 item 5. x/mod rejects leading zeros and quoted versions.
        assert_eq!(
            err(b"module m\ngo 1.098.2\n"),
            (2, Invalid::BadGo("1.098.2"))
        );
        assert_eq!(err(b"go \"1.98.2\"\n"), (1, Invalid::BadGo("\"1.98.2\"")));
        assert_eq!(err(b"go 1.21rc\n"), (1, Invalid::BadGo("1.21rc")));
        assert_eq!(
            err(b"toolchain \"go1.22.1\"\n"),
            (1, Invalid::BadToolchain("\"go1.22.1\""))
        );
        assert_eq!(err(b"go 1.21\ngo 1.22\n"), (2, Invalid::SecondGo));
        assert_eq!(
            err(b"toolchain go1.22.1\ntoolchain default\n"),
            (2, Invalid::SecondToolchain)
        );
        assert_eq!(err(b"\xff\xfe"), (1, Invalid::NotUtf8));
    }

    /// See: issue 22 item 13. What Go refuses: a toolchain name with a path separator (cmd/go's
    /// mod_toolchain_slash test), and a `go` or `toolchain` block (x/mod: unknown block type).
    #[test]
    fn toolchains_with_a_path_separator_and_directive_blocks_are_errors() {
        let err = |text: &'static [u8]| parse(text).unwrap_err();
        for name in [
            "go1.999999-/run.sh",
            "go1.999999-/../../run.sh",
            "go1.21.1-a\\b",
        ] {
            let text = std::format!("module exploit\n\ngo 1.21\ntoolchain {name}\n");
            let got = parse(text.as_bytes()).unwrap_err();
            assert_eq!(got, (4, Invalid::BadToolchain(name)));
            assert!(got.1.to_string().contains("path separator"), "{}", got.1);
        }
        assert_eq!(
            err(b"module m\n\ngo (\n\t1.98.2\n)\n"),
            (3, Invalid::Block("go"))
        );
        assert_eq!(
            err(b"module m\ngo 1.21\ntoolchain(\n\tgo1.99.1\n)\n"),
            (3, Invalid::Block("toolchain"))
        );
        // `..` without a separator is an ordinary custom suffix, as for Go.
        let (_, tc) = parse(b"go 1.21\ntoolchain go1.21.1-..\n").unwrap();
        assert_eq!(tc.unwrap().version, v("1.21.1"));
    }

    #[test]
    fn requirement_prefers_a_toolchain_that_raises_the_minimum() {
        let req = requirement(dir("1.22.0", 3).as_ref(), dir("1.22.5", 4).as_ref(), || {
            false
        })
        .unwrap();
        assert_eq!(req.request, VersionRequest::Exact(v("1.22.5")));
        assert_eq!(req.line, 4);
        // A toolchain below the go line is ignored, as Go does.
        let req = requirement(dir("1.22.3", 3).as_ref(), dir("1.21.0", 4).as_ref(), || {
            false
        })
        .unwrap();
        assert_eq!(req.request, VersionRequest::AtLeast(v("1.22.3")));
        assert_eq!(req.line, 3);
        let req = requirement(None, dir("1.21.0", 4).as_ref(), || false).unwrap();
        assert_eq!(req.request, VersionRequest::Exact(v("1.21.0")));
        assert_eq!(requirement(None, None, || true), None);
    }

    #[test]
    fn a_suffixed_toolchain_is_valid_and_asks_for_its_version_as_a_minimum() {
        // See: issue 12 item 4.
        let (go, tc) = parse(b"go 1.21.0\ntoolchain go1.21.1-bigcorp\n").unwrap();
        let tc = tc.unwrap();
        assert_eq!((tc.version.clone(), tc.suffixed), (v("1.21.1"), true));
        let req = requirement(go.as_ref(), Some(&tc), || false).unwrap();
        assert_eq!(req.request, VersionRequest::AtLeast(v("1.21.1")));
        assert!(req.suffixed);
        let (_, tc) = parse(b"toolchain go1.2rc1-gccgo\n").unwrap();
        assert_eq!(tc.unwrap().version, v("1.2rc1"));
        // `go 1.999` with a lower suffixed toolchain: the go line decides, as in Go.
        let (go, tc) = parse(b"go 1.999\ntoolchain go1.21.1-bigcorp\n").unwrap();
        for custom_builds in [false, true] {
            let req = requirement(go.as_ref(), tc.as_ref(), || custom_builds).unwrap();
            assert_eq!(req.request, VersionRequest::AtLeast(v("1.999.0")));
            assert!(!req.suffixed);
        }
    }

    /// See: issue 25 item 3. The proxy source can serve a company's own build.
    #[test]
    fn with_custom_builds_a_suffixed_toolchain_is_asked_for_exactly() {
        let (go, tc) = parse(b"go 1.21.0\ntoolchain go1.21.13-bigcorp\n").unwrap();
        let req = requirement(go.as_ref(), tc.as_ref(), || true).unwrap();
        assert_eq!(req.request, VersionRequest::Exact(v("1.21.13-bigcorp")));
        assert_eq!((req.line, req.suffixed), (2, false));
        // A suffix gover cannot fetch (uppercase; a `..`): its version, as a minimum.
        for text in [
            &b"go 1.21.0\ntoolchain go1.21.13-BigCorp\n"[..],
            b"go 1.21.0\ntoolchain go1.21.13-..\n",
        ] {
            let (go, tc) = parse(text).unwrap();
            let req = requirement(go.as_ref(), tc.as_ref(), || true).unwrap();
            assert_eq!(req.request, VersionRequest::AtLeast(v("1.21.13")));
            assert!(req.suffixed);
        }
    }
}
