//! Text from outside (index fields, archive entry names, go.mod lines, settings) made safe to
//! print: a terminal must never receive its control characters raw.

use std::fmt::Write;

/// `text` with every control character, and every Unicode format character that reorders or
/// hides text (bidi overrides, zero-width joiners), written as a `\u{…}` escape; the rest,
/// backslashes included, is left as it is.
pub fn printable(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_escaped() {
        assert_eq!(printable("go1.22.5"), "go1.22.5");
        assert_eq!(printable("a\x1b[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("x\ny\r\u{7}"), "x\\u{a}y\\u{d}\\u{7}");
        assert_eq!(printable("abc\u{202e}def"), "abc\\u{202e}def");
        assert_eq!(printable("ünïcode ✓"), "ünïcode ✓");
    }
}
