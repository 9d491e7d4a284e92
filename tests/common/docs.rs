//! gover's Markdown documentation read as data: sections, fenced blocks, and the relative links
//! between README.md, CONTRIBUTING.md and docs/*.md, so tests can run what the docs show and
//! check that no link points at a missing file or heading.

use std::path::{Component, Path, PathBuf};

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Markdown pages under `root` whose links are checked: README.md, CONTRIBUTING.md and
/// every docs/*.md.
pub fn pages(root: &Path) -> Vec<PathBuf> {
    let mut pages = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap_or_else(|e| panic!("read {}/docs: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    pages.extend(docs);
    pages
}

/// `path` read as text, panicking with its name.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// Whether `line` opens or closes a fenced code block (indented too, as in a list item).
fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// The ATX headings outside fenced blocks: (level, text).
pub fn headings(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if is_fence(line) {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let level = line.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&level) && line[level..].starts_with(' ') {
            out.push((level, line[level..].trim().to_owned()));
        }
    }
    out
}

/// The anchor GitHub gives a heading: its rendered text (link targets and backticks dropped)
/// lowercased, every character but letters, digits, `-`, `_` and spaces removed, spaces made
/// `-`.
pub fn slug(heading: &str) -> String {
    let mut rendered = String::new();
    let mut rest = heading;
    while let Some(i) = rest.find("](") {
        let Some(close) = rest[i..].find(')') else {
            break;
        };
        rendered.push_str(&rest[..i]);
        rest = &rest[i + close + 1..];
    }
    rendered.push_str(rest);
    rendered
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Every anchor of a page, with GitHub's `-1`, `-2` … for repeated headings.
pub fn anchors(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, heading) in headings(text) {
        let base = slug(&heading);
        let mut anchor = base.clone();
        let mut n = 0;
        while out.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        out.push(anchor);
    }
    out
}

/// The part of `text` from the heading line `heading` (e.g. `## Removing gover`) to the next
/// heading of the same or a higher level.
pub fn section<'a>(text: &'a str, heading: &str) -> &'a str {
    let level = heading.chars().take_while(|&c| c == '#').count();
    let start = text
        .find(&format!("\n{heading}\n"))
        .map(|i| i + 1)
        .or_else(|| text.starts_with(&format!("{heading}\n")).then_some(0))
        .unwrap_or_else(|| panic!("no `{heading}` heading"));
    let body = &text[start + heading.len() + 1..];
    let mut fenced = false;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        if is_fence(line) {
            fenced = !fenced;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !fenced && (1..=level).contains(&hashes) && line[hashes..].starts_with(' ') {
            break;
        }
        offset += line.len();
    }
    &text[start..start + heading.len() + 1 + offset]
}

/// The fenced blocks of `text` whose info string is `lang`, each without its fences and
/// without the fence's indentation.
pub fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for line in text.lines() {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        match &mut current {
            Some(_) if t.starts_with("```") => out.push(current.take().unwrap().1),
            Some((strip, body)) => {
                let indented = line.get(..*strip).is_some_and(|p| p.trim().is_empty());
                body.push_str(if indented { &line[*strip..] } else { t });
                body.push('\n');
            }
            None if t.strip_prefix("```") == Some(lang) => current = Some((indent, String::new())),
            None => {}
        }
    }
    out
}

/// The only fenced `lang` block of the section `heading` of `page` (a path under the repo).
pub fn only_block(page: &str, heading: &str, lang: &str) -> String {
    let text = read(&repo().join(page));
    let found = blocks(section(&text, heading), lang);
    assert_eq!(
        found.len(),
        1,
        "{page}, `{heading}`: expected one ```{lang} block, found {found:?}"
    );
    found.into_iter().next().unwrap()
}

/// `text` outside fenced blocks, with inline code spans (a run of N backticks up to the next
/// run of exactly N) blanked, so neither can hide or fake a link.
fn prose(text: &str) -> String {
    let mut kept = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if is_fence(line) {
            fenced = !fenced;
        } else if !fenced {
            kept.push_str(line);
        }
        kept.push('\n');
    }
    let chars: Vec<char> = kept.chars().collect();
    let run = |at: usize| chars[at..].iter().take_while(|&&c| c == '`').count();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let n = run(i);
        let mut j = i + n;
        let close = loop {
            if j >= chars.len() {
                break None;
            }
            if chars[j] == '`' {
                let m = run(j);
                if m == n {
                    break Some(j + m);
                }
                j += m;
            } else {
                j += 1;
            }
        };
        match close {
            Some(end) => {
                let blank = |&c: &char| if c == '\n' { c } else { ' ' };
                out.extend(chars[i..end].iter().map(blank));
                i = end;
            }
            None => {
                out.extend(&chars[i..i + n]);
                i += n;
            }
        }
    }
    out
}

/// The targets of the inline links (and images) of `text`, outside code.
pub fn link_targets(text: &str) -> Vec<String> {
    let prose = prose(text);
    let mut out = Vec::new();
    let mut rest = prose.as_str();
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        out.push(rest[..end].trim().to_owned());
        rest = &rest[end..];
    }
    out
}

/// `path` with `.` and `..` resolved lexically; `None` if it climbs above where it starts.
fn normalize(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Every relative link of the pages under `root` that does not resolve: a file or directory
/// that is not there (outside `root` counts as not there), or an anchor that is not a heading
/// of the page it names. One line per problem, naming the page and the link.
pub fn broken_links(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for page in pages(root) {
        let rel_page = page.strip_prefix(root).unwrap().to_path_buf();
        let text = read(&page);
        for target in link_targets(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = match target.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (target.as_str(), None),
            };
            let wrong = |why: &str| format!("{}: ]({target}): {why}", rel_page.display());
            let rel = if file.is_empty() {
                Some(rel_page.clone())
            } else {
                normalize(&rel_page.parent().unwrap().join(file))
            };
            let Some(rel) = rel else {
                problems.push(wrong("leaves the documentation's root"));
                continue;
            };
            let path = root.join(&rel);
            if !path.exists() {
                problems.push(wrong("no such file"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if path.extension().is_none_or(|x| x != "md") {
                problems.push(wrong("an anchor into a file that is not Markdown"));
            } else if !anchors(&read(&path)).iter().any(|a| a == anchor) {
                problems.push(wrong("no such heading"));
            }
        }
    }
    problems
}
