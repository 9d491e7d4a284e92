//! Go's encoding of module paths and versions in URLs (`golang.org/x/mod/module` `EscapePath`,
//! `EscapeVersion`): an upper-case letter becomes `!` and its lower-case form, so paths stay
//! unique on case-insensitive file systems. Characters module paths and versions never hold are
//! refused, so nothing can steer a request elsewhere (`..`, `?`, `#`, `%`, ...).

/// Escapes a module path (`github.com/Azure/x` becomes `github.com/!azure/x`).
pub(crate) fn escape_path(path: &str) -> Result<String, &'static str> {
    escape(path, false)
}

/// Escapes a version (no `/` allowed).
pub(crate) fn escape_version(version: &str) -> Result<String, &'static str> {
    escape(version, true)
}

fn escape(s: &str, is_version: bool) -> Result<String, &'static str> {
    if s.is_empty() {
        return Err("empty module path or version");
    }
    if s.len() > 1024 {
        return Err("module path or version too long");
    }
    if !is_version && (s.starts_with('/') || s.ends_with('/')) {
        return Err("a module path cannot start or end with '/'");
    }
    if s.split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err("empty, '.' or '..' path element");
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            'A'..='Z' => {
                out.push('!');
                out.push(c.to_ascii_lowercase());
            }
            'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' | '+' => out.push(c),
            '/' if !is_version => out.push(c),
            _ => return Err("a character that module paths and versions do not use"),
        }
    }
    Ok(out)
}

/// The inverse of escaping (`None` for a stray `!` or an upper-case letter).
pub(crate) fn unescape(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '!' => {
                let next = chars.next()?;
                if !next.is_ascii_lowercase() {
                    return None;
                }
                out.push(next.to_ascii_uppercase());
            }
            c if c.is_ascii_uppercase() => return None,
            c => out.push(c),
        }
    }
    Some(out)
}
