//! Go's release-name grammar and ordering, and version requests (`1.22`, `latest`).
//!
//! Release names look like `1.22.5`, `1.20` (before 1.21 the first release of a minor has no `.0`),
//! `1.21.0`, `1.23rc1`, `1.18beta2` and the oddity `1.9.2rc2`. Validity, equality and order are
//! Go's own (`internal/gover`, `go/version`): `1.19 == 1.19.0` (before 1.21 a missing patch *is*
//! `.0`), `1.20rc3 < 1.20 < 1.20.1`, the language version `1.21` sorts below `1.21rc1 < 1.21.0`,
//! `1.9 < 1.10`, a patch pre-release sorts below its release (`1.9.2rc2 < 1.9.2`), and numbers
//! have no leading zeros (`1.098.2` is not a version). Two deliberate limits: a number must fit
//! in 64 bits, and a major-only name (`1`, which Go reads as `1.0.0`) is not accepted.
//!
//! A company's own build carries a suffix (`1.21.1-bigcorp`, see [`Custom`]). Go compares it
//! equal to `1.21.1`; gover keeps it a version of its own (its own `versions/` dir), sorted
//! right after its release, matched only by a request that names it exactly.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

/// The word of a pre-release (`alpha`, `beta`, `rc`, or any other run of lowercase ASCII
/// letters, as Go allows): stored inline, NUL-padded, so byte order is Go's string order
/// (`alpha < beta < rc`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PreKind([u8; PreKind::MAX_LEN]);

impl PreKind {
    /// Longer pre-release words are not accepted (Go's own are at most 5 letters).
    pub const MAX_LEN: usize = 15;
    pub const ALPHA: PreKind = PreKind::from_static(b"alpha");
    pub const BETA: PreKind = PreKind::from_static(b"beta");
    pub const RC: PreKind = PreKind::from_static(b"rc");

    const fn from_static(word: &[u8]) -> PreKind {
        let mut bytes = [0u8; PreKind::MAX_LEN];
        let mut i = 0;
        while i < word.len() {
            bytes[i] = word[i];
            i += 1;
        }
        PreKind(bytes)
    }

    fn new(word: &str) -> Option<PreKind> {
        let ok = !word.is_empty()
            && word.len() <= PreKind::MAX_LEN
            && word.bytes().all(|b| b.is_ascii_lowercase());
        ok.then(|| PreKind::from_static(word.as_bytes()))
    }

    pub fn as_str(&self) -> &str {
        nul_padded(&self.0)
    }
}

/// The text of a NUL-padded inline name (all of it when it fills the array).
fn nul_padded(bytes: &[u8]) -> &str {
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    core::str::from_utf8(&bytes[..len]).unwrap_or("")
}

/// The suffix of a custom toolchain build: `-bigcorp` in `go1.21.1-bigcorp`, the name a company
/// gives its own build of Go 1.21.1 and publishes as `golang.org/toolchain@v0.0.1-go1.21.1-bigcorp.<os>-<arch>`
/// on its GOPROXY. Empty for Go's own releases. Stored inline, NUL-padded.
///
/// The suffix becomes part of a module version and of a directory name under `versions/`, so
/// it is checked as a semver pre-release tail (what a module version must be): `-` then
/// lowercase letters, digits, `-` and `.`, no empty dot-separated part (so no `..` and no
/// trailing `.`), no all-digit part with a leading zero. Uppercase (which module paths escape
/// as `!x` and case-insensitive filesystems fold) and anything else, `/`, control characters
/// and spaces included, is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Custom([u8; Custom::MAX_LEN]);

impl Custom {
    /// Longer suffixes are not accepted.
    pub const MAX_LEN: usize = 32;
    /// Go's own releases.
    pub const NONE: Custom = Custom([0; Custom::MAX_LEN]);

    /// A suffix as written after the version (`-bigcorp`), if it is one gover accepts.
    pub fn new(suffix: &str) -> Option<Custom> {
        let tail = suffix.strip_prefix('-')?;
        let ok = !tail.is_empty()
            && suffix.len() <= Custom::MAX_LEN
            && suffix
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            // The first part continues the version's last identifier (`1-bigcorp`); every
            // part after a `.` is an identifier of its own.
            && tail.split('.').skip(1).all(|part| {
                let leading_zero = part.len() > 1
                    && part.starts_with('0')
                    && part.bytes().all(|b| b.is_ascii_digit());
                !part.is_empty() && !leading_zero
            })
            && !tail.starts_with('.');
        if !ok {
            return None;
        }
        let mut bytes = [0u8; Custom::MAX_LEN];
        bytes[..suffix.len()].copy_from_slice(suffix.as_bytes());
        Some(Custom(bytes))
    }

    /// The suffix with its `-` (`-bigcorp`), empty for Go's own releases.
    pub fn as_str(&self) -> &str {
        nul_padded(&self.0)
    }

    pub fn is_none(&self) -> bool {
        self.0[0] == 0
    }
}

/// A Go release name without the `go` prefix, e.g. `1.22.5` or `1.23rc1`, as written (it
/// displays as parsed), or a custom build's name (`1.21.1-bigcorp`). Equality and hashing
/// follow Go's order, so `1.19 == 1.19.0`; see [`GoVersion::canonical`] for the release's own
/// name. A custom build is a toolchain of its own: it sorts right after the release it is
/// built from (`1.21.1 < 1.21.1-bigcorp < 1.21.2`) and equals only itself.
#[derive(Debug, Clone)]
pub struct GoVersion {
    pub major: u64,
    pub minor: u64,
    /// `None` for names without a patch component (`1.20`, `1.23rc1`, the language version
    /// `1.22`).
    pub patch: Option<u64>,
    /// The pre-release word and its number (`rc1`; Go allows a word without one).
    pub pre: Option<(PreKind, Option<u64>)>,
    /// A custom build's suffix ([`Custom::NONE`] for Go's own releases).
    pub custom: Custom,
}

/// The input is not a Go release name (the caller knows which input it gave).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidVersion;

impl fmt::Display for InvalidVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a Go version")
    }
}

impl GoVersion {
    /// Parse a release name or a custom build's name (`1.21.1-bigcorp`, see [`Custom`]), with
    /// or without the `go` prefix.
    pub fn parse(input: &str) -> Result<GoVersion, InvalidVersion> {
        let bare = input.strip_prefix("go").unwrap_or(input);
        let Some(dash) = bare.find('-') else {
            return GoVersion::parse_bare(bare);
        };
        let mut v = GoVersion::parse_bare(&bare[..dash])?;
        v.custom = Custom::new(&bare[dash..]).ok_or(InvalidVersion)?;
        Ok(v)
    }

    /// Parse a release name without the `go` prefix (and without a custom suffix), by Go's
    /// grammar: `MAJOR.MINOR[.PATCH][WORD[N]]`.
    pub fn parse_bare(s: &str) -> Result<GoVersion, InvalidVersion> {
        let err = || InvalidVersion;
        let (major, rest) = cut_num(s).ok_or_else(err)?;
        let rest = rest.strip_prefix('.').ok_or_else(err)?;
        let (minor, rest) = cut_num(rest).ok_or_else(err)?;
        let (patch, rest) = match rest.strip_prefix('.') {
            Some(rest) => {
                let (patch, rest) = cut_num(rest).ok_or_else(err)?;
                (Some(patch), rest)
            }
            None => (None, rest),
        };
        let pre = if rest.is_empty() {
            None
        } else {
            let word_len = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let kind = PreKind::new(&rest[..word_len]).ok_or_else(err)?;
            let n = match &rest[word_len..] {
                "" => None,
                digits => match cut_num(digits) {
                    Some((n, "")) => Some(n),
                    _ => return Err(err()),
                },
            };
            Some((kind, n))
        };
        Ok(GoVersion {
            major,
            minor,
            patch,
            pre,
            custom: Custom::NONE,
        })
    }

    /// The release's own name: before 1.21 the first release of a line has no `.0` (`1.13.0`
    /// is the release `go1.13`), so a `.0` written there is dropped. Equal to `self`; what
    /// requests and directives use, so the name matches go.dev's and the `versions/` dir.
    /// A custom build's name is kept as written: it names a module version exactly.
    pub fn canonical(mut self) -> GoVersion {
        if self.patch == Some(0) && self.pre.is_none() && self.minor < 21 && self.is_release() {
            self.patch = None;
        }
        self
    }

    /// The version of a toolchain name, as Go's `FromToolchain` reads it: `go` then a version,
    /// then optionally a custom suffix after `-`, a space or a tab (`go1.21.1-bigcorp`). The
    /// second value is that suffix (empty when there is none). A name with a `/` or `\\`
    /// anywhere is none (Go refuses it: as a program name it would be looked up relative to
    /// the module, `toolchain go1.999999-/run.sh` running the module's own `run.sh`); `..`
    /// without a separator is an ordinary suffix, as for Go.
    pub fn from_toolchain(name: &str) -> Option<(GoVersion, &str)> {
        if name.contains(['/', '\\']) {
            return None;
        }
        let rest = name.strip_prefix("go")?;
        let end = rest.find([' ', '\t', '-']).unwrap_or(rest.len());
        let v = GoVersion::parse_bare(&rest[..end]).ok()?;
        Some((v, &rest[end..]))
    }

    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some()
    }

    /// Go's own release, not a custom build (see [`Custom`]).
    pub fn is_release(&self) -> bool {
        self.custom.is_none()
    }

    /// The release a custom build is built from (`1.21.1` for `1.21.1-bigcorp`): its language
    /// and toolchain version as Go compares them. A release is its own base.
    pub fn base(&self) -> GoVersion {
        GoVersion {
            custom: Custom::NONE,
            ..self.clone()
        }
    }

    /// Go's `IsLang`: a language version such as `1.22` (from 1.21 on), not a release.
    pub fn is_lang(&self) -> bool {
        self.patch.is_none() && self.pre.is_none() && self.minor >= 21
    }

    /// The release series, e.g. `(1, 22)` for `1.22.5`: Go's `Lang`.
    pub fn minor_line(&self) -> (u64, u64) {
        (self.major, self.minor)
    }

    /// The name Go gives this release: `go1.22.5`.
    pub fn go_name(&self) -> GoName<'_> {
        GoName(self)
    }

    /// Go's order: major, minor, then the patch (before 1.21 a missing one is 0; from 1.21 on
    /// a missing one sorts below any), then the pre-release: none sorts first when there is no
    /// patch (the language version `1.21` < `1.21rc1`) and last when there is (`1.9.2rc2` <
    /// `1.9.2`); words compare as strings, a missing number below any. Last, a custom build
    /// sorts after its release (Go compares the two equal; gover keeps them apart), and equals
    /// only the same name as written.
    #[allow(clippy::type_complexity)]
    fn sort_key(
        &self,
    ) -> (
        u64,
        u64,
        Option<u64>,
        u8,
        Option<PreKind>,
        Option<u64>,
        (Custom, Option<u64>),
    ) {
        let patch = match self.patch {
            None if self.pre.is_none() && self.minor < 21 => Some(0),
            other => other,
        };
        let (stage, kind, n) = match (self.pre, patch) {
            (Some((kind, n)), _) => (1, Some(kind), n),
            (None, None) => (0, None, None),
            (None, Some(_)) => (2, None, None),
        };
        // A custom build is the name it was published under: `1.13-x` and `1.13.0-x` are two
        // builds (two dirs, two module versions), though releases `1.13` and `1.13.0` are one.
        let written = self.patch.filter(|_| !self.is_release());
        (
            self.major,
            self.minor,
            patch,
            stage,
            kind,
            n,
            (self.custom, written),
        )
    }
}

/// A decimal number at the start of `s`, as Go's `cutInt` takes it: digits only, no
/// unnecessary leading zero; it must fit in 64 bits.
fn cut_num(s: &str) -> Option<(u64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let digits = &s[..end];
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    Some((digits.parse().ok()?, &s[end..]))
}

impl PartialEq for GoVersion {
    fn eq(&self, other: &Self) -> bool {
        self.sort_key() == other.sort_key()
    }
}

impl Eq for GoVersion {}

impl core::hash::Hash for GoVersion {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.sort_key().hash(state);
    }
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(p) = self.patch {
            write!(f, ".{p}")?;
        }
        if let Some((kind, n)) = &self.pre {
            f.write_str(kind.as_str())?;
            if let Some(n) = n {
                write!(f, "{n}")?;
            }
        }
        f.write_str(self.custom.as_str())
    }
}

/// [`GoVersion::go_name`]: displays as `go1.22.5`.
#[derive(Debug, Clone, Copy)]
pub struct GoName<'a>(&'a GoVersion);

impl fmt::Display for GoName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "go{}", self.0)
    }
}

impl FromStr for GoVersion {
    type Err = InvalidVersion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        GoVersion::parse(s)
    }
}

/// What a user asked for: on the command line, in `GOVER_VERSION` or in a `.go-version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionRequest {
    /// The newest stable release.
    Latest,
    /// `1.22`: the newest stable release of that minor line (`1.20` included, for pre-1.21 lines).
    Minor(u64, u64),
    /// `1.22.5`, `1.23rc1`: exactly that release.
    Exact(GoVersion),
    /// The `go 1.22.3` line of a go.mod: the newest release of that minor line at or above
    /// the release it names (never built from user input; see [`crate::gomod`]).
    AtLeast(GoVersion),
}

/// The input is not a version request (see [`VersionRequest::parse`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidRequest;

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a Go version request")
    }
}

impl VersionRequest {
    /// `latest`/`stable`, `1.22`, `1.22.5`, `go1.22.5`, `1.23rc1`; surrounding whitespace is
    /// ignored.
    pub fn parse(input: &str) -> Result<VersionRequest, InvalidRequest> {
        let s = input.trim();
        if s == "latest" || s == "stable" {
            return Ok(VersionRequest::Latest);
        }
        // `1.13.0` names the release `1.13` exactly; only a name with no patch at all is a line.
        // A custom build is always named exactly.
        let has_patch = s.matches('.').count() >= 2;
        match GoVersion::parse(s) {
            Ok(v) if !has_patch && v.pre.is_none() && v.is_release() => {
                Ok(VersionRequest::Minor(v.major, v.minor))
            }
            Ok(v) => Ok(VersionRequest::Exact(v.canonical())),
            Err(_) => Err(InvalidRequest),
        }
    }

    /// Whether `v` satisfies this request. `Latest` and `Minor` only match stable releases; a
    /// custom build only matches a request that names it exactly.
    pub fn matches(&self, v: &GoVersion) -> bool {
        match self {
            VersionRequest::Exact(want) => want == v,
            _ if !v.is_release() => false,
            VersionRequest::Latest => !v.is_prerelease(),
            VersionRequest::Minor(major, minor) => {
                !v.is_prerelease() && v.major == *major && v.minor == *minor
            }
            VersionRequest::AtLeast(min) => v.minor_line() == min.minor_line() && v >= min,
        }
    }

    /// The release `gover install` fetches for this request when nothing installed satisfies
    /// it and there is no index to ask: only exact and minimum requests name one.
    pub fn release_name(&self) -> Option<&GoVersion> {
        match self {
            VersionRequest::Exact(v) | VersionRequest::AtLeast(v) => Some(v),
            VersionRequest::Latest | VersionRequest::Minor(..) => None,
        }
    }

    /// The newest of `candidates` that satisfies the request.
    pub fn best_match<'a, I>(&self, candidates: I) -> Option<&'a GoVersion>
    where
        I: IntoIterator<Item = &'a GoVersion>,
    {
        candidates.into_iter().filter(|v| self.matches(v)).max()
    }
}

impl fmt::Display for VersionRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VersionRequest::Latest => f.write_str("latest"),
            VersionRequest::Minor(major, minor) => write!(f, "{major}.{minor}"),
            VersionRequest::Exact(v) => v.fmt(f),
            VersionRequest::AtLeast(v) => write!(f, ">={v}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::format;
    use std::string::ToString;
    use std::vec::Vec;

    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap()
    }

    #[test]
    fn parses_every_shape_of_release_name() {
        assert_eq!(
            v("1.22.5"),
            GoVersion {
                major: 1,
                minor: 22,
                patch: Some(5),
                pre: None,
                custom: Custom::NONE,
            }
        );
        assert_eq!(v("go1.20").patch, None);
        assert_eq!(v("1.23rc1").pre, Some((PreKind::RC, Some(1))));
        assert_eq!(v("go1.18beta2").pre, Some((PreKind::BETA, Some(2))));
        assert_eq!(v("1.9.2rc2").patch, Some(2));
        assert_eq!(v("1.9.2rc2").pre, Some((PreKind::RC, Some(2))));
        assert_eq!(v("1.0alpha1").pre, Some((PreKind::ALPHA, Some(1))));
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "1.22.5",
            "1.20",
            "1.21.0",
            "1.23rc1",
            "1.18beta2",
            "1.9.2rc2",
        ] {
            assert_eq!(v(s).to_string(), s);
            assert_eq!(v(&format!("go{s}")).to_string(), s);
        }
        assert_eq!(v("1.22.5").go_name().to_string(), "go1.22.5");
    }

    #[test]
    fn rejects_garbage() {
        for s in [
            "",
            "go",
            "1",
            "1.",
            "1..2",
            ".1.2",
            "1.2.",
            "1.2.3.4",
            "1.22rc1x",
            "1.22RC1",
            "1.098.2",
            "01.2",
            "1.2.03",
            "1.2rc01",
            "1.22 ",
            " 1.22",
            "+1.2",
            "1.-2",
            "99999999999999999999.1",
            "1.22.5\0",
            "１.２２",
            "1.22é",
            "gogo1.2",
            "v1.22",
        ] {
            assert!(GoVersion::parse(s).is_err(), "{s:?} should not parse");
        }
    }

    /// Every pair in this list is in strictly increasing order, so every pair (i < j) must compare Less.
    #[test]
    fn orders_exhaustively_like_go() {
        let ordered = [
            "1.2.2",
            "1.9",
            "1.9.1",
            "1.9.2rc2",
            "1.9.2",
            "1.10beta1",
            "1.10rc1",
            "1.10",
            "1.10.1",
            "1.18alpha1",
            "1.18beta1",
            "1.18beta2",
            "1.18rc1",
            "1.18",
            "1.18.10",
            "1.20rc3",
            "1.20",
            "1.20.1",
            "1.20.14",
            "1.21rc1",
            "1.21rc2",
            "1.21.0",
            "1.21.1",
            "1.21.13",
            "1.22rc1",
            "1.22.0",
            "1.22.5",
            "1.22.12",
            "1.23rc1",
            "1.23.0",
            "2.0",
        ];
        for (i, a) in ordered.iter().enumerate() {
            for (j, b) in ordered.iter().enumerate() {
                assert_eq!(v(a).cmp(&v(b)), i.cmp(&j), "{a} vs {b}");
            }
        }
    }

    /// See: issue 25 item 3. The suffix becomes a module version and a directory name.
    #[test]
    fn custom_builds_parse_display_and_keep_apart_from_their_release() {
        let corp = v("go1.21.13-bigcorp");
        assert_eq!(corp.to_string(), "1.21.13-bigcorp");
        assert_eq!(corp.go_name().to_string(), "go1.21.13-bigcorp");
        assert_eq!(corp.custom.as_str(), "-bigcorp");
        assert!(!corp.is_release());
        assert_eq!(corp.base(), v("1.21.13"));
        assert_ne!(corp, v("1.21.13"));
        assert!(v("1.21.13") < corp && corp < v("1.21.14"));
        assert!(corp < v("1.21.13-bigcorp2"));
        // Kept as written: `1.13.0-x` names a module version, not the release `1.13`.
        assert_eq!(v("1.13.0-x").canonical().to_string(), "1.13.0-x");
        // So it equals only that name, though the releases `1.13` and `1.13.0` are one.
        assert_ne!(v("1.13-x"), v("1.13.0-x"));
        assert_eq!(v("1.13"), v("1.13.0"));
        assert!(v("1.13") < v("1.13-x") && v("1.13") < v("1.13.0-x"));
        for ok in [
            "1.21.1-bigcorp",
            "1.22-rc1",
            "1.21.1-big-corp.2",
            "1.21.1-b.0",
            "1.23rc1-x9",
            "1.21.1-0",
        ] {
            assert_eq!(v(ok).to_string(), ok);
        }
        for bad in [
            "1.21.1-",
            "1.21.1-BigCorp",
            "1.21.1-a/b",
            "1.21.1-..",
            "1.21.1-a..b",
            "1.21.1-a.",
            "1.21.1-.a",
            "1.21.1-a.01",
            "1.21.1-a\\b",
            "1.21.1-a b",
            "1.21.1-a\tb",
            "1.21.1-a\nb",
            "1.21.1-a\0",
            "1.21.1-é",
            "1.21.1+bigcorp",
            "1.21.1-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "x-bigcorp",
        ] {
            assert!(GoVersion::parse(bad).is_err(), "{bad:?} should not parse");
        }
        assert!(GoVersion::parse_bare("1.21.1-bigcorp").is_err());
    }

    #[test]
    fn only_an_exact_request_matches_a_custom_build() {
        let corp = v("1.21.13-bigcorp");
        let all = [v("1.21.12"), corp.clone(), v("1.21.13")];
        let req = |s| VersionRequest::parse(s).unwrap();
        assert_eq!(
            req("go1.21.13-bigcorp"),
            VersionRequest::Exact(corp.clone())
        );
        assert_eq!(req("1.21-x"), VersionRequest::Exact(v("1.21-x")));
        assert_eq!(req("1.21.13-bigcorp").best_match(&all), Some(&corp));
        assert_eq!(req("1.21").best_match(&all), Some(&v("1.21.13")));
        assert_eq!(req("latest").best_match(&all), Some(&v("1.21.13")));
        assert!(!VersionRequest::AtLeast(v("1.21.13")).matches(&corp));
        assert!(!req("1.21.13").matches(&corp));
    }

    #[test]
    fn dot_zero_is_the_release_before_1_21_and_the_language_version_from_1_21() {
        // See: issue 12 items 2 and 5.
        assert_eq!(v("1.19"), v("1.19.0"));
        assert_eq!(v("1.19.0").to_string(), "1.19.0");
        assert_eq!(v("1.19.0").canonical().to_string(), "1.19");
        assert_eq!(v("1.21.0").canonical().to_string(), "1.21.0");
        assert_eq!(v("1.13.0").canonical().go_name().to_string(), "go1.13");
        assert!(v("1.21") < v("1.21.0"));
        assert_ne!(v("1.21"), v("1.21.0"));
        assert!(v("1.21") < v("1.21rc2"));
        assert!(v("1.21") == v("1.21").clone());
        let VersionRequest::Exact(exact) = VersionRequest::parse("1.13.0").unwrap() else {
            panic!("1.13.0 is an exact request");
        };
        assert_eq!(exact.to_string(), "1.13");
        assert_eq!(
            VersionRequest::parse("1.13").unwrap(),
            VersionRequest::Minor(1, 13)
        );
    }

    #[test]
    fn requests_parse() {
        assert_eq!(
            VersionRequest::parse("latest").unwrap(),
            VersionRequest::Latest
        );
        assert_eq!(
            VersionRequest::parse("1.22").unwrap(),
            VersionRequest::Minor(1, 22)
        );
        assert_eq!(
            VersionRequest::parse("go1.22").unwrap(),
            VersionRequest::Minor(1, 22)
        );
        assert_eq!(
            VersionRequest::parse("go1.22.5").unwrap(),
            VersionRequest::Exact(v("1.22.5"))
        );
        assert_eq!(
            VersionRequest::parse("1.23rc1").unwrap(),
            VersionRequest::Exact(v("1.23rc1"))
        );
        for bad in ["", "go", "1..2", "latest1", "99999999999999999999", "✓"] {
            assert!(VersionRequest::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn minor_request_picks_newest_stable_of_the_line() {
        let all: Vec<GoVersion> = ["1.20rc1", "1.20", "1.20.3", "1.21.0", "1.21rc2", "1.22rc1"]
            .iter()
            .map(|s| v(s))
            .collect();
        let req = |s| VersionRequest::parse(s).unwrap();
        assert_eq!(req("1.20").best_match(&all), Some(&v("1.20.3")));
        assert_eq!(req("1.21").best_match(&all), Some(&v("1.21.0")));
        assert_eq!(req("1.22").best_match(&all), None);
        assert_eq!(req("latest").best_match(&all), Some(&v("1.21.0")));
        assert_eq!(req("1.22rc1").best_match(&all), Some(&v("1.22rc1")));
    }

    #[test]
    fn at_least_stays_in_its_minor_line() {
        let all: Vec<GoVersion> = ["1.21.9", "1.22rc1", "1.22.0", "1.22.3", "1.23.1"]
            .iter()
            .map(|s| v(s))
            .collect();
        let at_least = |s| VersionRequest::AtLeast(v(s));
        assert_eq!(at_least("1.22.0").best_match(&all), Some(&v("1.22.3")));
        assert_eq!(at_least("1.22.3").best_match(&all), Some(&v("1.22.3")));
        assert_eq!(at_least("1.22.4").best_match(&all), None);
        assert_eq!(at_least("1.21.10").best_match(&all), None);
        assert!(!at_least("1.22.0").matches(&v("1.22rc1")));
        assert!(at_least("1.22rc1").matches(&v("1.22rc1")));
        assert_eq!(at_least("1.22.0").to_string(), ">=1.22.0");
    }
}
