//! Go's release-name grammar and ordering, and version requests (`1.22`, `latest`).
//!
//! Release names look like `1.22.5`, `1.20` (before 1.21 the first release of a minor has no `.0`),
//! `1.21.0`, `1.23rc1`, `1.18beta2` and the oddity `1.9.2rc2`. Order follows Go's own:
//! `1.20rc3 < 1.20 < 1.20.1`, `1.21rc1 < 1.21.0 < 1.21.1`, `1.9 < 1.10`.

use core::cmp::Ordering;
use core::fmt;
use core::str::FromStr;

/// Stage of a pre-release. Declaration order is release order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
}

impl PreKind {
    fn as_str(self) -> &'static str {
        match self {
            PreKind::Alpha => "alpha",
            PreKind::Beta => "beta",
            PreKind::Rc => "rc",
        }
    }
}

/// A Go release name without the `go` prefix, e.g. `1.22.5` or `1.23rc1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    /// `None` for names without a patch component (`1.20`, `1.23rc1`).
    pub patch: Option<u32>,
    pub pre: Option<(PreKind, u32)>,
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
    /// Parse a release name, with or without the `go` prefix.
    pub fn parse(input: &str) -> Result<GoVersion, InvalidVersion> {
        let err = || InvalidVersion;
        let s = input.strip_prefix("go").unwrap_or(input);
        // Split off a pre-release suffix: the first ASCII letter starts it.
        let (nums, pre) = match s.find(|c: char| c.is_ascii_alphabetic()) {
            Some(i) => (&s[..i], Some(&s[i..])),
            None => (s, None),
        };
        let mut parts = nums.split('.');
        let major = parse_num(parts.next()).ok_or_else(err)?;
        let minor = parse_num(parts.next()).ok_or_else(err)?;
        let patch = match parts.next() {
            Some(p) => Some(parse_num(Some(p)).ok_or_else(err)?),
            None => None,
        };
        if parts.next().is_some() {
            return Err(err());
        }
        let pre = match pre {
            None => None,
            Some(p) => {
                let (kind, rest) = [PreKind::Alpha, PreKind::Beta, PreKind::Rc]
                    .into_iter()
                    .find_map(|k| p.strip_prefix(k.as_str()).map(|rest| (k, rest)))
                    .ok_or_else(err)?;
                Some((kind, parse_num(Some(rest)).ok_or_else(err)?))
            }
        };
        Ok(GoVersion {
            major,
            minor,
            patch,
            pre,
        })
    }

    pub fn is_prerelease(&self) -> bool {
        self.pre.is_some()
    }

    /// The release series, e.g. `(1, 22)` for `1.22.5`.
    pub fn minor_line(&self) -> (u32, u32) {
        (self.major, self.minor)
    }

    /// The name Go gives this release: `go1.22.5`.
    pub fn go_name(&self) -> GoName<'_> {
        GoName(self)
    }

    fn sort_key(&self) -> (u32, u32, u32, u8, u32, bool) {
        let (stage, n) = match self.pre {
            Some((kind, n)) => (kind as u8, n),
            None => (u8::MAX, 0),
        };
        // `1.20` and `1.20.0` order the same; the patch-less one sorts first so Ord agrees with Eq.
        (
            self.major,
            self.minor,
            self.patch.unwrap_or(0),
            stage,
            n,
            self.patch.is_some(),
        )
    }
}

/// Digits only (no sign, no whitespace), fitting in a u32.
fn parse_num(s: Option<&str>) -> Option<u32> {
    let s = s?;
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
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
        if let Some((kind, n)) = self.pre {
            write!(f, "{}{n}", kind.as_str())?;
        }
        Ok(())
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
    Minor(u32, u32),
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
        match GoVersion::parse(s) {
            Ok(v) if v.patch.is_none() && v.pre.is_none() => {
                Ok(VersionRequest::Minor(v.major, v.minor))
            }
            Ok(v) => Ok(VersionRequest::Exact(v)),
            Err(_) => Err(InvalidRequest),
        }
    }

    /// Whether `v` satisfies this request. `Latest` and `Minor` only match stable releases.
    pub fn matches(&self, v: &GoVersion) -> bool {
        match self {
            VersionRequest::Latest => !v.is_prerelease(),
            VersionRequest::Minor(major, minor) => {
                !v.is_prerelease() && v.major == *major && v.minor == *minor
            }
            VersionRequest::Exact(want) => want == v,
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
                pre: None
            }
        );
        assert_eq!(v("go1.20").patch, None);
        assert_eq!(v("1.23rc1").pre, Some((PreKind::Rc, 1)));
        assert_eq!(v("go1.18beta2").pre, Some((PreKind::Beta, 2)));
        assert_eq!(v("1.9.2rc2").patch, Some(2));
        assert_eq!(v("1.9.2rc2").pre, Some((PreKind::Rc, 2)));
        assert_eq!(v("1.0alpha1").pre, Some((PreKind::Alpha, 1)));
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
            "1.22rc",
            "1.22rc1x",
            "1.22gamma1",
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

    #[test]
    fn patchless_and_dot_zero_are_distinct_but_adjacent() {
        assert!(v("1.21") < v("1.21.0"));
        assert_ne!(v("1.21"), v("1.21.0"));
        assert!(v("1.21rc2") < v("1.21"));
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
