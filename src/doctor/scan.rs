//! Reading startup files for what they do to PATH (and GOROOT), line by line: enough shell
//! syntax for the forms people write (`export PATH=…`, `PATH+=…`, zsh `path=(…)`, fish
//! `set -gx PATH …` and `fish_add_path`), never executing anything. gover's own block is skipped.

use std::path::{Path, PathBuf};

use crate::shell::block;

/// A line that sets PATH.
#[derive(Debug, Clone)]
pub struct PathEdit {
    pub file: PathBuf,
    pub line: usize,
    pub text: String,
    /// The old PATH is kept (`$PATH` appears, or it is an append form).
    pub keeps_path: bool,
    /// The directories the line adds, with `$HOME` and `~` expanded.
    pub dirs: Vec<String>,
}

/// A line that sets a variable gover cares about (GOROOT, GOTOOLCHAIN).
#[derive(Debug, Clone)]
pub struct VarSet {
    pub file: PathBuf,
    pub line: usize,
    pub name: String,
    pub value: String,
}

/// A line that runs `go` (`export GOPATH=$(go env GOPATH)`): before gover's block puts the
/// shims on PATH there may be no `go` to run.
#[derive(Debug, Clone)]
pub struct RunsGo {
    pub file: PathBuf,
    pub line: usize,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Scan {
    pub edits: Vec<PathEdit>,
    pub vars: Vec<VarSet>,
    pub runs_go: Vec<RunsGo>,
}

impl Scan {
    pub fn file_line(file: &Path, line: usize) -> String {
        format!("{}:{line}", file.display())
    }

    /// A command that comments out one line of a file, keeping a `.bak` copy.
    pub fn comment_out(file: &Path, line: usize) -> String {
        format!(
            "sed -i.bak '{line}s/^/# /' {}",
            crate::shell::posix::quote(&file.display().to_string())
        )
    }

    /// The command that comments out one of `lines` (file, line): a line in a user's own file
    /// when there is one (no root needed), else a system file's. gover never edits either
    /// itself; the user runs it (with sudo for a system file).
    pub fn comment_out_one<'a>(
        lines: impl IntoIterator<Item = (&'a Path, usize)>,
    ) -> Option<String> {
        let lines: Vec<(&Path, usize)> = lines.into_iter().collect();
        lines
            .iter()
            .find(|(file, _)| !file.starts_with("/etc"))
            .or(lines.first())
            .map(|(file, line)| Scan::comment_out(file, *line))
    }

    /// The command that comments out every one of `lines` (file, line) in one file, the one
    /// [`Scan::repeats_file`] picks, so a repeat spread over one file goes in one command.
    pub fn comment_out_repeats<'a>(
        lines: impl IntoIterator<Item = (&'a Path, usize)>,
    ) -> Option<String> {
        let lines: Vec<(&Path, usize)> = lines.into_iter().collect();
        let file = Scan::repeats_file(&lines)?;
        let edits: Vec<usize> = lines
            .iter()
            .filter(|(f, _)| *f == file)
            .map(|(_, n)| *n)
            .collect();
        if let [only] = edits[..] {
            return Some(Scan::comment_out(file, only));
        }
        let edits: Vec<String> = edits.iter().map(|n| format!("-e '{n}s/^/# /'")).collect();
        Some(format!(
            "sed -i.bak {} {}",
            edits.join(" "),
            crate::shell::posix::quote(&file.display().to_string())
        ))
    }

    /// Of `lines` (file, line), the file whose lines a fix comments out: the user's own file
    /// holding the most of them (else a system file's; the first such file on a tie).
    pub fn repeats_file<'a>(lines: &[(&'a Path, usize)]) -> Option<&'a Path> {
        let own: Vec<&(&Path, usize)> = lines
            .iter()
            .filter(|(f, _)| !f.starts_with("/etc"))
            .collect();
        let pool = if own.is_empty() {
            lines.iter().collect()
        } else {
            own
        };
        // The file with the most of them; the first such file on a tie.
        let count = |f: &Path| pool.iter().filter(|(g, _)| *g == f).count();
        let mut file = pool.first()?.0;
        for (f, _) in &pool {
            if count(f) > count(file) {
                file = f;
            }
        }
        Some(file)
    }

    /// When commenting out `edit` (for what it does to `dir`) would also drop other dirs it
    /// adds: a note saying so, for the fix's description. See: issue 24, item 11.
    pub fn also_adds(edit: &PathEdit, dir: &str) -> Option<String> {
        let others: Vec<&str> = edit
            .dirs
            .iter()
            .map(String::as_str)
            .filter(|d| *d != dir)
            .collect();
        (!others.is_empty()).then(|| {
            format!(
                "{} also adds {}: commenting it out drops that too, so edit out only `{dir}` there if you need the rest",
                Scan::file_line(&edit.file, edit.line),
                others.join(", ")
            )
        })
    }

    /// The lines that add `dir`.
    pub fn adding<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a PathEdit> + 'a {
        self.edits
            .iter()
            .filter(move |e| e.dirs.iter().any(|d| d == dir))
    }
}

const WATCHED_VARS: &[&str] = &["GOROOT", "GOTOOLCHAIN"];

pub fn scan(files: &[PathBuf], home: &Path) -> Scan {
    let mut out = Scan::default();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let skip = block::find(&text).map(|f| {
            let first = f.line;
            let count = text[f.start..f.end].lines().count();
            first..first + count
        });
        let fish = file.extension().is_some_and(|e| e == "fish");
        for (n, raw) in text.lines().enumerate() {
            let line_no = n + 1;
            if skip.as_ref().is_some_and(|r| r.contains(&line_no)) {
                continue;
            }
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parsed = if fish {
                parse_fish(line, home)
            } else {
                parse_posix(line, home)
            };
            for (keeps_path, dirs) in parsed {
                out.edits.push(PathEdit {
                    file: file.clone(),
                    line: line_no,
                    text: line.to_string(),
                    keeps_path,
                    dirs,
                });
            }
            if runs_go(line) {
                out.runs_go.push(RunsGo {
                    file: file.clone(),
                    line: line_no,
                    text: line.to_string(),
                });
            }
            for name in WATCHED_VARS {
                if let Some(value) = var_value(line, name, fish) {
                    out.vars.push(VarSet {
                        file: file.clone(),
                        line: line_no,
                        name: name.to_string(),
                        value: expand(&value, home),
                    });
                }
            }
        }
    }
    out
}

/// Whether `line` runs `go` unguarded: `go` in command position (at the start, or after
/// `$(`, `(` (fish), a backquote, `;`, `&&`, `||` or `|`), on a line that does not first ask
/// whether there is one (`command -v go`, `type go`, `which go`).
fn runs_go(line: &str) -> bool {
    if ["command -v go", "type go", "which go", "type -q go"]
        .iter()
        .any(|g| line.contains(g))
    {
        return false;
    }
    let bytes = line.as_bytes();
    line.match_indices("go").any(|(at, _)| {
        let after = bytes.get(at + 2).copied();
        if !matches!(after, None | Some(b' ' | b'\t' | b')' | b';' | b'`')) {
            return false;
        }
        let before = line[..at].trim_end();
        before.is_empty()
            || before.ends_with(['(', '`', ';', '&', '|'])
            || ["then", "do", "else", "eval"].iter().any(|k| {
                before
                    .strip_suffix(k)
                    .is_some_and(|rest| !rest.ends_with(|c: char| is_ident(c) || c == '-'))
            })
    })
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Each `NAME=value` / `NAME+=value` assignment of `name` in a POSIX line: (appends, raw value).
fn assignments(line: &str, name: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = line[from..].find(name) {
        let at = from + pos;
        from = at + name.len();
        if line[..at].chars().next_back().is_some_and(is_ident) {
            continue;
        }
        let rest = &line[at + name.len()..];
        let (append, value) = if let Some(v) = rest.strip_prefix("+=") {
            (true, v)
        } else if let Some(v) = rest.strip_prefix('=') {
            (false, v)
        } else {
            continue;
        };
        out.push((append, word(value)));
    }
    out
}

/// The first shell word of `s` with its quotes removed.
fn word(s: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => out.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (None, '(') => {
                depth += 1;
                out.push(c)
            }
            (None, ')') if depth > 0 => {
                depth -= 1;
                out.push(c)
            }
            (None, c) if depth == 0 && (c.is_whitespace() || matches!(c, ';' | '&' | '|')) => {
                break;
            }
            (None, c) => out.push(c),
        }
    }
    out
}

fn mentions_path(value: &str) -> bool {
    value.contains("$PATH") || value.contains("${PATH")
}

fn parse_posix(line: &str, home: &Path) -> Vec<(bool, Vec<String>)> {
    let mut out = Vec::new();
    for (append, value) in assignments(line, "PATH") {
        let keeps = append || mentions_path(&value);
        let dirs = value
            .split(':')
            .filter(|d| !d.is_empty() && !mentions_path(d))
            .map(|d| expand(d, home))
            .collect();
        out.push((keeps, dirs));
    }
    // zsh's array form: path=(/a $path) or path+=(/a).
    for (append, value) in assignments(line, "path") {
        let inner = value.trim_start_matches('(').trim_end_matches(')');
        let keeps = append || inner.contains("$path") || inner.contains("${path");
        let dirs = inner
            .split_whitespace()
            .filter(|d| !d.contains("path"))
            .map(|d| expand(d.trim_matches(['"', '\'']), home))
            .collect();
        out.push((keeps, dirs));
    }
    out
}

fn parse_fish(line: &str, home: &Path) -> Vec<(bool, Vec<String>)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let unquote = |w: &&str| expand(w.trim_matches(['"', '\'']), home);
    match words.first() {
        Some(&"fish_add_path") => {
            let dirs = words[1..]
                .iter()
                .filter(|w| !w.starts_with('-'))
                .map(unquote)
                .collect();
            vec![(true, dirs)]
        }
        Some(&"set") => {
            let flags: Vec<&&str> = words[1..]
                .iter()
                .take_while(|w| w.starts_with('-'))
                .collect();
            let rest = &words[1 + flags.len()..];
            if rest.first() != Some(&"PATH") {
                return Vec::new();
            }
            let appends = flags.iter().any(|f| {
                matches!(**f, "-a" | "-p" | "--append" | "--prepend")
                    || (!f.starts_with("--") && (f.contains('a') || f.contains('p')))
            });
            let values = &rest[1..];
            let keeps = appends || values.iter().any(|v| mentions_path(v));
            let dirs = values
                .iter()
                .filter(|v| !mentions_path(v))
                .map(unquote)
                .collect();
            vec![(keeps, dirs)]
        }
        _ => Vec::new(),
    }
}

fn var_value(line: &str, name: &str, fish: bool) -> Option<String> {
    if fish {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() != Some(&"set") {
            return None;
        }
        let rest: Vec<&&str> = words[1..]
            .iter()
            .skip_while(|w| w.starts_with('-'))
            .collect();
        return (rest.first().map(|w| **w) == Some(name))
            .then(|| rest.get(1).map(|v| v.trim_matches(['"', '\'']).to_string()))
            .flatten();
    }
    assignments(line, name)
        .into_iter()
        .next()
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

/// `$HOME`, `${HOME}` and a leading `~` expanded; other variables left as written.
fn expand(s: &str, home: &Path) -> String {
    let h = home.display().to_string();
    let s = s.replace("${HOME}", &h).replace("$HOME", &h);
    match s.strip_prefix('~') {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{h}{rest}"),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edits(line: &str) -> Vec<(bool, Vec<String>)> {
        parse_posix(line, Path::new("/h"))
    }

    #[test]
    fn posix_path_assignments_are_understood() {
        assert_eq!(
            edits("export PATH=$PATH:/usr/local/go/bin"),
            [(true, vec!["/usr/local/go/bin".to_string()])]
        );
        assert_eq!(
            edits(r#"PATH="/usr/local/go/bin""#),
            [(false, vec!["/usr/local/go/bin".to_string()])]
        );
        assert_eq!(
            edits(r#"export PATH="$HOME/go/bin:${PATH}"; echo hi"#),
            [(true, vec!["/h/go/bin".to_string()])]
        );
        assert_eq!(edits("PATH+=:~/bin"), [(true, vec!["/h/bin".to_string()])]);
        assert_eq!(edits("export GOPATH=/x MANPATH=/y"), []);
        assert_eq!(
            edits("path=(/opt/go/bin $path)"),
            [(true, vec!["/opt/go/bin".to_string()])]
        );
    }

    #[test]
    fn lines_that_run_go_are_told_apart_from_lines_that_name_it() {
        for yes in [
            "export GOPATH=$(go env GOPATH)",
            "export GOPATH=\"$(go env GOPATH)\"",
            "PATH=$PATH:`go env GOPATH`/bin",
            "set -gx GOPATH (go env GOPATH)",
            "go version",
            "true && go env -w GOFLAGS=-mod=mod",
        ] {
            assert!(runs_go(yes), "{yes}");
        }
        for no in [
            "export PATH=$PATH:/usr/local/go/bin",
            "export GOPATH=$HOME/go",
            "alias gob='go build'",
            "command -v go >/dev/null && export GOPATH=$(go env GOPATH)",
            "echo let us go",
            "cd ~/go",
            "mygo version",
        ] {
            assert!(!runs_go(no), "{no}");
        }
    }

    #[test]
    fn the_command_prefers_a_user_file_and_falls_back_to_a_system_one() {
        let etc = Path::new("/etc/profile.d/go.sh");
        let user = Path::new("/h/.bashrc");
        assert_eq!(
            Scan::comment_out_one([(etc, 1), (user, 3)]).as_deref(),
            Some("sed -i.bak '3s/^/# /' '/h/.bashrc'")
        );
        assert_eq!(
            Scan::comment_out_one([(etc, 2), (Path::new("/etc/profile"), 4)]).as_deref(),
            Some("sed -i.bak '2s/^/# /' '/etc/profile.d/go.sh'")
        );
        assert_eq!(Scan::comment_out_one([]), None);
    }

    #[test]
    fn fish_path_settings_are_understood() {
        let h = Path::new("/h");
        assert_eq!(
            parse_fish("set -gx PATH /usr/local/go/bin", h),
            [(false, vec!["/usr/local/go/bin".to_string()])]
        );
        assert_eq!(
            parse_fish("set -gx PATH $PATH /x", h),
            [(true, vec!["/x".to_string()])]
        );
        assert_eq!(
            parse_fish("fish_add_path -g ~/go/bin", h),
            [(true, vec!["/h/go/bin".to_string()])]
        );
        assert_eq!(
            var_value("set -gx GOROOT /usr/local/go", "GOROOT", true).as_deref(),
            Some("/usr/local/go")
        );
        assert_eq!(
            var_value("export GOROOT=/usr/local/go", "GOROOT", false).as_deref(),
            Some("/usr/local/go")
        );
    }
}
