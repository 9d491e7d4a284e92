//! What a version file says: `.go-version` (gover, goenv) and `.tool-versions` (asdf, mise).
//!
//! - `.go-version`: the first line that is neither blank nor a `#` comment names the version.
//!   One with no such line ([`Invalid::Empty`]) names nothing: the walk goes on, as goenv and
//!   mise do.
//! - `.tool-versions`: the first `golang` (asdf) or `go` (mise) line; of several versions on it
//!   the first is used. One without such a line names nothing.
//!
//! Both tolerate CRLF line ends, `#` comments and a leading UTF-8 byte-order mark (as Windows
//! editors write).

use core::fmt;

use crate::version::VersionRequest;

pub const FILE_NAME: &str = ".go-version";
/// asdf's and mise's file, read at the same precedence as `.go-version` (which wins in the same
/// directory).
pub const TOOL_VERSIONS: &str = ".tool-versions";

/// A `.go-version` or `.tool-versions` larger than this is not a version file (and is not read
/// whole).
pub const MAX_LEN: usize = 4096;

/// Which kind of version file a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    GoVersion,
    ToolVersions,
}

impl Kind {
    /// In the order they are tried in one directory.
    pub const ALL: [Kind; 2] = [Kind::GoVersion, Kind::ToolVersions];

    pub fn file_name(self) -> &'static str {
        match self {
            Kind::GoVersion => FILE_NAME,
            Kind::ToolVersions => TOOL_VERSIONS,
        }
    }

    /// Parse a file of this kind: `Ok(None)` when it names nothing (the walk goes on).
    pub fn parse(self, bytes: &[u8]) -> Result<Option<VersionRequest>, Invalid<'_>> {
        match self {
            Kind::GoVersion => match parse(bytes) {
                Err(Invalid::Empty) => Ok(None),
                other => other.map(Some),
            },
            Kind::ToolVersions => parse_tool_versions(bytes).map(|found| found.map(|(r, _)| r)),
        }
    }
}

/// Why a version file's contents name no version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid<'a> {
    NotUtf8,
    Empty,
    /// The line that should name the version, trimmed.
    NotAVersion(&'a str),
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::NotUtf8 => f.write_str("it is not UTF-8 text"),
            Invalid::Empty => f.write_str("it is empty"),
            Invalid::NotAVersion(line) => {
                write!(f, "`{}` is not a Go version", line.escape_debug())
            }
        }
    }
}

/// Parse the contents of a version file.
pub fn parse(bytes: &[u8]) -> Result<VersionRequest, Invalid<'_>> {
    let text = core::str::from_utf8(bytes).map_err(|_| Invalid::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let line = text
        .lines()
        .map(code)
        .find(|l| !l.is_empty())
        .ok_or(Invalid::Empty)?;
    VersionRequest::parse(line).map_err(|_| Invalid::NotAVersion(line))
}

/// The Go version of a `.tool-versions` text and its 1-based line: the first `golang` or `go`
/// line, its first version. `Ok(None)` when no line is about Go.
pub fn parse_tool_versions(bytes: &[u8]) -> Result<Option<(VersionRequest, usize)>, Invalid<'_>> {
    let text = core::str::from_utf8(bytes).map_err(|_| Invalid::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        let mut words = code(line).split_whitespace();
        if !matches!(words.next(), Some("golang" | "go")) {
            continue;
        }
        let Some(first) = words.next() else {
            return Err(Invalid::NotAVersion(code(line)));
        };
        return VersionRequest::parse(first)
            .map(|r| Some((r, i + 1)))
            .map_err(|_| Invalid::NotAVersion(first));
    }
    Ok(None)
}

/// The 1-based line of `text` that names the version, if any line does.
pub fn request_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| !code(l).is_empty())
        .map(|i| i + 1)
}

/// A line without its `#` comment and surrounding whitespace.
fn code(line: &str) -> &str {
    line.split('#').next().unwrap_or("").trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::GoVersion;
    use std::string::ToString;

    fn exact(s: &str) -> VersionRequest {
        VersionRequest::Exact(GoVersion::parse(s).unwrap())
    }

    #[test]
    fn accepts_plain_prefixed_and_partial_versions() {
        assert_eq!(parse(b"1.22.5\n").unwrap(), exact("1.22.5"));
        assert_eq!(parse(b"go1.22.5").unwrap(), exact("1.22.5"));
        assert_eq!(parse(b"1.22\n").unwrap(), VersionRequest::Minor(1, 22));
    }

    #[test]
    fn tolerates_comments_blank_lines_and_crlf() {
        let text = b"# pinned for the team\r\n\r\n  go1.21.3 # security fix\r\n1.99\r\n";
        assert_eq!(parse(text).unwrap(), exact("1.21.3"));
        assert_eq!(
            request_line("# pinned for the team\r\n\r\n  go1.21.3 # fix\r\n"),
            Some(3)
        );
        assert_eq!(request_line("# nothing\n"), None);
    }

    #[test]
    fn tolerates_a_byte_order_mark() {
        assert_eq!(parse(b"\xef\xbb\xbf1.22.5\r\n").unwrap(), exact("1.22.5"));
        assert_eq!(
            parse(b"\xef\xbb\xbf# team pin\n1.21\n").unwrap(),
            VersionRequest::Minor(1, 21)
        );
        assert_eq!(parse(b"\xef\xbb\xbf"), Err(Invalid::Empty));
    }

    #[test]
    fn an_empty_go_version_names_nothing() {
        // See: issue 12 item 7.
        assert_eq!(Kind::GoVersion.parse(b""), Ok(None));
        assert_eq!(Kind::GoVersion.parse(b"# no pin yet\n\n"), Ok(None));
        assert_eq!(
            Kind::GoVersion.parse(b"1.22\n"),
            Ok(Some(VersionRequest::Minor(1, 22)))
        );
        assert_eq!(
            Kind::GoVersion.parse(b"x\n"),
            Err(Invalid::NotAVersion("x"))
        );
    }

    #[test]
    fn tool_versions_take_the_first_go_version_of_the_first_go_line() {
        // See: issue 12 item 7.
        let text = b"# tools\r\nnodejs 20.1.0\r\ngolang 1.22.5 1.21.0 # two\r\ngo 1.20\r\n";
        assert_eq!(
            parse_tool_versions(text).unwrap(),
            Some((exact("1.22.5"), 3))
        );
        assert_eq!(
            Kind::ToolVersions.parse(b"go 1.23.1\n").unwrap(),
            Some(exact("1.23.1"))
        );
        assert_eq!(
            Kind::ToolVersions
                .parse(b"\xef\xbb\xbfgolang go1.21.3\n")
                .unwrap(),
            Some(exact("1.21.3"))
        );
        // A golang that is a prefix of another tool's name is not Go.
        assert_eq!(
            Kind::ToolVersions.parse(b"golangci-lint 1.55.2\n"),
            Ok(None)
        );
        assert_eq!(
            Kind::ToolVersions.parse(b"nodejs 20\n# golang 1.22\n"),
            Ok(None)
        );
        assert_eq!(
            Kind::ToolVersions.parse(b"golang system\n"),
            Err(Invalid::NotAVersion("system"))
        );
        assert_eq!(
            Kind::ToolVersions.parse(b"golang\n"),
            Err(Invalid::NotAVersion("golang"))
        );
    }

    #[test]
    fn rejects_empty_binary_and_garbage() {
        assert_eq!(parse(b""), Err(Invalid::Empty));
        assert_eq!(parse(b"# only a comment\n\n"), Err(Invalid::Empty));
        assert_eq!(parse(b"\xff\xfe1.22"), Err(Invalid::NotUtf8));
        assert_eq!(parse(b"1..2"), Err(Invalid::NotAVersion("1..2")));
        assert_eq!(
            parse(b"\0\0\0").unwrap_err().to_string(),
            "`\\0\\0\\0` is not a Go version"
        );
        assert_eq!(Invalid::Empty.to_string(), "it is empty");
        assert_eq!(Invalid::NotUtf8.to_string(), "it is not UTF-8 text");
    }
}
