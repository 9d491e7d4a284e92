//! The one marked block `gover setup` owns in a startup file:
//!
//! ```text
//! # >>> gover >>>
//! # Managed by `gover setup`; `gover setup --remove` takes this block out.
//! ...
//! # <<< gover <<<
//! ```
//!
//! Writing it again replaces it in place; removing it restores the rest byte-for-byte. When
//! setup had to create the file, or add a newline to a file that did not end in one, the start
//! marker records that, so removal can undo it exactly.

pub const START: &str = "# >>> gover >>>";
pub const END: &str = "# <<< gover <<<";
const CREATED: &str = " (gover created this file)";
const NEWLINE: &str = " (gover added the newline above)";
const NOTE: &str = "# Managed by `gover setup`; `gover setup --remove` takes this block out.\n";

/// Where the block sits in a file: byte range including the end marker's newline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub start: usize,
    pub end: usize,
    /// 1-based line number of the start marker.
    pub line: usize,
    created: bool,
    newline: bool,
}

/// The first gover block in `text`, if any. An unterminated block runs to the end of the file.
pub fn find(text: &str) -> Option<Found> {
    let mut offset = 0;
    let mut start: Option<(usize, usize, &str)> = None;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        match start {
            None if bare.starts_with(START) => start = Some((offset, n + 1, bare)),
            Some((s, l, header)) if bare == END => {
                return Some(Found {
                    start: s,
                    end: offset + line.len(),
                    line: l,
                    created: header.contains(CREATED),
                    newline: header.contains(NEWLINE),
                });
            }
            _ => {}
        }
        offset += line.len();
    }
    start.map(|(s, l, header)| Found {
        start: s,
        end: text.len(),
        line: l,
        created: header.contains(CREATED),
        newline: header.contains(NEWLINE),
    })
}

/// The lines between the markers (after the note), as written by [`render`].
pub fn body(text: &str) -> Option<&str> {
    let found = find(text)?;
    let block = &text[found.start..found.end];
    let after_header = block.split_once('\n').map(|(_, rest)| rest)?;
    let inner = after_header.strip_prefix(NOTE).unwrap_or(after_header);
    Some(inner.strip_suffix(&format!("{END}\n")).unwrap_or(inner))
}

fn render(body: &str, created: bool, newline: bool) -> String {
    let mut out = String::from(START);
    if created {
        out.push_str(CREATED);
    }
    if newline {
        out.push_str(NEWLINE);
    }
    out.push('\n');
    out.push_str(NOTE);
    out.push_str(body);
    if !body.is_empty() && !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(END);
    out.push('\n');
    out
}

/// The file's new content with the block holding `body`: replaced in place if present, else
/// appended at the end (so it runs after whatever the file does to PATH).
pub fn install(existing: Option<&str>, body: &str) -> String {
    match existing {
        None => render(body, true, false),
        Some(text) => match find(text) {
            Some(f) => format!(
                "{}{}{}",
                &text[..f.start],
                render(body, f.created, f.newline),
                &text[f.end..]
            ),
            None if text.is_empty() || text.ends_with('\n') => {
                format!("{text}{}", render(body, false, false))
            }
            None => format!("{text}\n{}", render(body, false, true)),
        },
    }
}

/// The file's content without the block; `None` means the file should be deleted (setup
/// created it and nothing else is in it). Returns the text unchanged when there is no block.
pub fn remove(text: &str) -> Option<String> {
    let Some(f) = find(text) else {
        return Some(text.to_string());
    };
    let mut before = &text[..f.start];
    if f.newline {
        before = before.strip_suffix('\n').unwrap_or(before);
    }
    let rest = format!("{before}{}", &text[f.end..]);
    if f.created && rest.is_empty() {
        None
    } else {
        Some(rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_then_remove_restores_every_byte() {
        for original in [
            "",
            "export A=1\n",
            "no newline at end",
            "a\r\nb\r\n",
            "x\n\n\n",
        ] {
            let with = install(Some(original), "PATH=x\n");
            assert!(with.contains(START) && with.contains(END), "{with:?}");
            assert_eq!(install(Some(&with), "PATH=x\n"), with, "idempotent");
            assert_eq!(remove(&with).as_deref(), Some(original));
        }
        let created = install(None, "PATH=x\n");
        assert_eq!(remove(&created), None);
    }

    #[test]
    fn a_new_body_replaces_the_block_in_place() {
        let text = install(Some("before\n"), "old\n") + "after\n";
        let updated = install(Some(&text), "new\n");
        assert!(updated.starts_with("before\n# >>> gover >>>\n"));
        assert!(updated.ends_with("new\n# <<< gover <<<\nafter\n"));
        assert_eq!(body(&updated), Some("new\n"));
        assert_eq!(find(&updated).unwrap().line, 2);
    }
}
