//! What a `.go-version` file says: the first line that is neither blank nor a `#` comment
//! names the version. CRLF line ends, a trailing comment and a leading UTF-8 byte-order mark (as
//! Windows editors write) are tolerated.

use core::fmt;

use crate::version::VersionRequest;

pub const FILE_NAME: &str = ".go-version";

/// A `.go-version` larger than this is not a version file (and is not read whole).
pub const MAX_LEN: usize = 4096;

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
