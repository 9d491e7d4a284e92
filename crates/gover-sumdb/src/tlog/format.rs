//! The texts of the log: a tree head (`go.sum database tree\n<N>\n<hash>\n`, the text a signed
//! note carries) and a lookup record (`<id>\n<record text>\n<rest>`).

use super::Hash;

/// The first line of a tree head's text.
const TREE_PREFIX: &str = "go.sum database tree\n";

/// Tree sizes above this are refused: far beyond any real log (sum.golang.org holds tens of
/// millions of records), and it keeps every index computation far from overflow.
pub const MAX_TREE_SIZE: u64 = 1 << 48;

/// A tree head: the size and root hash of a log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tree {
    /// The number of records.
    pub n: u64,
    /// The root hash.
    pub hash: Hash,
}

/// A tree head or record text that is not well-formed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// Not `go.sum database tree\n<N>\n<base64 hash>\n`.
    #[error("malformed tree note: {0}")]
    Tree(&'static str),
    /// Not `<id>\n<text ending in a newline>\n`.
    #[error("malformed record: {0}")]
    Record(&'static str),
}

/// The text of a tree head.
pub fn format_tree(tree: &Tree) -> String {
    format!("{TREE_PREFIX}{}\n{}\n", tree.n, tree.hash)
}

/// Parses a tree head's text. Only the first three lines matter; text after them is ignored
/// (as the Go client does).
pub fn parse_tree(text: &[u8]) -> Result<Tree, FormatError> {
    let rest = text
        .strip_prefix(TREE_PREFIX.as_bytes())
        .ok_or(FormatError::Tree(
            "it does not start with \"go.sum database tree\"",
        ))?;
    let mut lines = rest.splitn(3, |&b| b == b'\n');
    let (Some(n), Some(hash), Some(_)) = (lines.next(), lines.next(), lines.next()) else {
        return Err(FormatError::Tree("fewer than three lines"));
    };
    let n = parse_decimal(n).ok_or(FormatError::Tree("the size is not a decimal number"))?;
    if n > MAX_TREE_SIZE {
        return Err(FormatError::Tree("the tree size is implausibly large"));
    }
    let hash = std::str::from_utf8(hash)
        .ok()
        .and_then(Hash::parse)
        .ok_or(FormatError::Tree("the hash is not 32 bytes of base64"))?;
    Ok(Tree { n, hash })
}

/// A canonical decimal number: digits only, no sign, no leading zero (except "0").
fn parse_decimal(s: &[u8]) -> Option<u64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) || (s.len() > 1 && s[0] == b'0') {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// Whether `text` may be a record: non-empty, ending in a newline, no blank line, valid UTF-8
/// without control characters other than newline.
fn is_valid_record_text(text: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(text) else {
        return false;
    };
    !s.is_empty()
        && s.ends_with('\n')
        && !s.contains("\n\n")
        && !s.chars().any(|c| c < ' ' && c != '\n')
}

/// The wire form of record `id`: `<id>\n<text>\n` (a server appends the signed tree note).
pub fn format_record(id: u64, text: &[u8]) -> Result<Vec<u8>, FormatError> {
    if !is_valid_record_text(text) {
        return Err(FormatError::Record(
            "the text must be non-empty lines ending in a newline, without blank lines or control characters",
        ));
    }
    let mut msg = format!("{id}\n").into_bytes();
    msg.extend_from_slice(text);
    msg.push(b'\n');
    Ok(msg)
}

/// Splits a lookup response into the record id, the record text (ending in a newline) and the
/// rest (the signed tree note).
pub fn parse_record(msg: &[u8]) -> Result<(u64, &[u8], &[u8]), FormatError> {
    let nl = msg
        .iter()
        .position(|&b| b == b'\n')
        .ok_or(FormatError::Record("no record id line"))?;
    let id = parse_decimal(&msg[..nl]).ok_or(FormatError::Record("the id is not a number"))?;
    let msg = &msg[nl + 1..];
    let end = msg
        .windows(2)
        .position(|w| w == b"\n\n")
        .ok_or(FormatError::Record("no blank line after the record text"))?;
    let (text, rest) = (&msg[..end + 1], &msg[end + 2..]);
    if !is_valid_record_text(text) {
        return Err(FormatError::Record(
            "the record text is not UTF-8 without control characters",
        ));
    }
    Ok((id, text, rest))
}
