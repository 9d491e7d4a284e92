//! Shell startup files, and the lines in them that mention a path (how a directory got onto
//! PATH, so the user knows which line to delete).

use std::fs;
use std::path::{Path, PathBuf};

use super::StartupLine;

/// The startup files bash, zsh, sh and fish read, under `home` (the user's) and `etc`, and the
/// files macOS's `path_helper` builds PATH from (`/etc/paths`, `/etc/paths.d/*`: Go's official
/// macOS installer writes `/etc/paths.d/go`; `/etc/profile` and `/etc/zprofile` run it).
pub fn files(home: Option<&Path>, etc: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(home) = home {
        for name in [
            ".profile",
            ".bashrc",
            ".bash_profile",
            ".bash_login",
            ".zshrc",
            ".zshenv",
            ".zprofile",
            ".zlogin",
            ".config/fish/config.fish",
        ] {
            files.push(home.join(name));
        }
        files.extend(with_suffix(&home.join(".config/fish/conf.d"), ".fish"));
    }
    files.push(etc.join("profile"));
    files.extend(with_suffix(&etc.join("profile.d"), ".sh"));
    // zsh's own: macOS keeps them in /etc, Debian in /etc/zsh.
    for name in ["zshenv", "zprofile", "zshrc", "zlogin"] {
        files.push(etc.join(name));
        files.push(etc.join("zsh").join(name));
    }
    files.push(etc.join("paths"));
    files.extend(with_suffix(&etc.join("paths.d"), ""));
    files.retain(|f| f.is_file());
    files
}

fn with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.to_str().is_some_and(|s| s.ends_with(suffix)))
        .collect();
    out.sort();
    out
}

/// Every non-comment line of `files` that mentions `dir` (as itself, or under `home` as
/// `$HOME/…`, `${HOME}/…` or `~/…`), as a whole path component.
pub fn mentions(files: &[PathBuf], dir: &Path, home: Option<&Path>) -> Vec<StartupLine> {
    let mut needles = vec![dir.to_string_lossy().into_owned()];
    if let Some(rest) = home.and_then(|h| dir.strip_prefix(h).ok()) {
        let rest = rest.to_string_lossy();
        for prefix in ["$HOME", "${HOME}", "~"] {
            needles.push(format!("{prefix}/{rest}"));
        }
    }
    let mut found = Vec::new();
    for file in files {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.starts_with('#') {
                continue;
            }
            if needles.iter().any(|n| mentions_path(trimmed, n)) {
                found.push(StartupLine {
                    file: file.clone(),
                    line: i + 1,
                    text: trimmed.to_string(),
                });
            }
        }
    }
    found
}

/// Whether `line` contains `path` followed by a path boundary (so `/usr/local/go` does not
/// match `/usr/local/go1.21`).
fn mentions_path(line: &str, path: &str) -> bool {
    line.match_indices(path).any(|(i, _)| {
        line[i + path.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '.' | '-' | '_')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_that_name_the_dir_as_a_whole_component() {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let etc = tmp.path().join("etc");
        fs::create_dir_all(home.join(".config/fish/conf.d")).unwrap();
        fs::create_dir_all(etc.join("profile.d")).unwrap();
        fs::write(
            home.join(".profile"),
            "# export PATH=/usr/local/go/bin:$PATH\nexport PATH=$PATH:/usr/local/go/bin\nexport PATH=$PATH:/usr/local/go1.21/bin\n",
        )
        .unwrap();
        fs::write(
            home.join(".config/fish/conf.d/go.fish"),
            "fish_add_path ~/sdk/go/bin\n",
        )
        .unwrap();
        fs::write(
            etc.join("profile.d/go.sh"),
            "PATH=\"/usr/local/go:$PATH\"\n",
        )
        .unwrap();
        fs::write(etc.join("profile.d/other.txt"), "/usr/local/go\n").unwrap();
        let files = files(Some(&home), &etc);
        let found = mentions(&files, Path::new("/usr/local/go"), Some(&home));
        let lines: Vec<(String, usize)> = found
            .iter()
            .map(|l| (l.file.file_name().unwrap().to_string_lossy().into(), l.line))
            .collect();
        assert_eq!(
            lines,
            vec![(".profile".to_string(), 2), ("go.sh".to_string(), 1)]
        );
        let found = mentions(&files, &home.join("sdk/go"), Some(&home));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "fish_add_path ~/sdk/go/bin");
    }
}
