//! The go env file that `go env -w` writes (`$GOENV`, default `$XDG_CONFIG_HOME/go/env`, i.e.
//! `~/.config/go/env`): read it the way `go` does, and take a key out of it with a backup.

use std::path::{Path, PathBuf};

use crate::edit;

/// The go env file in force, or `None` when `GOENV=off`.
pub fn file(config_dir: &Path) -> Option<PathBuf> {
    match std::env::var(crate::env::GOENV) {
        Ok(v) if v == "off" => None,
        Ok(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => Some(config_dir.join("go").join("env")),
    }
}

/// One `KEY=VALUE` line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: String,
    /// 1-based.
    pub line: usize,
}

/// The settings in `text`; like `go`, the last line for a key wins, so all are returned in
/// order and [`get`] picks the last.
pub fn parse(text: &str) -> Vec<Setting> {
    text.lines()
        .enumerate()
        .filter_map(|(n, line)| {
            let (key, value) = line.split_once('=')?;
            let key = key.trim();
            (!key.is_empty() && !key.starts_with('#')).then(|| Setting {
                key: key.to_string(),
                value: value.trim().to_string(),
                line: n + 1,
            })
        })
        .collect()
}

/// The effective setting for `key`, if any and non-empty.
pub fn get<'a>(settings: &'a [Setting], key: &str) -> Option<&'a Setting> {
    settings
        .iter()
        .rev()
        .find(|s| s.key == key)
        .filter(|s| !s.value.is_empty())
}

/// What `go env -u KEY` does: remove every line for `key`, backing the file up first.
pub fn unset(path: &Path, key: &str) -> std::io::Result<Option<edit::Edited>> {
    let Some(text) = edit::read_optional(path)? else {
        return Ok(None);
    };
    let kept: String = text
        .split_inclusive('\n')
        .filter(|line| line.split_once('=').is_none_or(|(k, _)| k.trim() != key))
        .collect();
    edit::write(path, Some(&kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_for_a_key_wins_and_unset_removes_them_all() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("env");
        std::fs::write(&file, "GOROOT=/a\nGOPROXY=direct\nGOROOT=/b\n").unwrap();
        let settings = parse(&std::fs::read_to_string(&file).unwrap());
        assert_eq!(get(&settings, "GOROOT").unwrap().value, "/b");
        assert_eq!(get(&settings, "GOROOT").unwrap().line, 3);
        let edited = unset(&file, "GOROOT").unwrap().unwrap();
        assert!(edited.backup.is_some());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "GOPROXY=direct\n");
    }
}
