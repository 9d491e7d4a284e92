//! zsh: every zsh reads `~/.zshenv`; interactive ones then read `~/.zshrc` (after
//! `/etc/zprofile`, where macOS's path_helper reorders PATH), so the block goes in both. On
//! macOS it also goes in `~/.zprofile`: a login zsh that is not interactive (`zsh -l -c`, what
//! editors and IDEs run to learn the user's environment) reads `/etc/zprofile` and then
//! `~/.zprofile` but never `~/.zshrc`, so without it path_helper's order (`/usr/local/go/bin`
//! from `/etc/paths.d/go` before the shims) would be the last word.

use super::{Front, GoBin, Integration, Platform, StartupFile, UserDirs, posix};

pub struct Zsh;

impl Integration for Zsh {
    fn name(&self) -> &'static str {
        "zsh"
    }

    /// Uses zsh's `path` array in an anonymous function with local options, so the user's
    /// `setopt`s (e.g. `SH_WORD_SPLIT`) cannot change how it behaves.
    fn setup_body(&self, front: &Front, system: &[String]) -> String {
        let shims = posix::quote(&front.shims.display().to_string());
        let (self_set, self_skip, self_put) = match &front.gover_dir {
            Some(d) => (
                format!(" self={}", posix::quote(&d.display().to_string())),
                " || $d == \"$self\"",
                " \"$self\"",
            ),
            None => (String::new(), "", ""),
        };
        let system: Vec<String> = system.iter().map(|d| posix::quote(d)).collect();
        let system = system.join(" ");
        let (bin_set, bin_word) = match &front.go_bin {
            GoBin::Default => (
                "  if [[ -n ${GOBIN-} ]]; then bin=$GOBIN; else bin=${${GOPATH:-$HOME/go}%%:*}/bin; fi\n".to_string(),
                " \"$bin\"",
            ),
            GoBin::Fixed(dir) => (
                format!(
                    "  if [[ -n ${{GOBIN-}} ]]; then bin=$GOBIN; elif [[ -n ${{GOPATH-}} ]]; then bin=${{GOPATH%%:*}}/bin; else bin={}; fi\n",
                    posix::quote(&dir.display().to_string())
                ),
                " \"$bin\"",
            ),
            GoBin::Theirs => (String::new(), ""),
        };
        format!(
            r#"() {{
  emulate -L zsh
  local shims={shims}{self_set} bin d
  local -a rest
{bin_set}  for d in "${{path[@]}}" {system}{bin_word}; do
    [[ -z $d || $d == . || $d == "$shims"{self_skip} ]] && continue
    (( ${{rest[(Ie)$d]}} )) || rest+=("$d")
  done
  path=("$shims"{self_put} "${{rest[@]}}")
}}
export PATH
"#
        )
    }

    fn startup_files(&self, dirs: &UserDirs) -> Vec<StartupFile> {
        let zdot = std::env::var_os("ZDOTDIR")
            .map(std::path::PathBuf::from)
            .filter(|d| d.is_absolute())
            .unwrap_or_else(|| dirs.home.clone());
        let mut files = vec![StartupFile {
            path: zdot.join(".zshenv"),
            read_by: "every zsh",
        }];
        if dirs.platform == Platform::MacOs {
            files.push(StartupFile {
                path: zdot.join(".zprofile"),
                read_by: "login zsh, after macOS's path_helper",
            });
        }
        files.push(StartupFile {
            path: zdot.join(".zshrc"),
            read_by: "interactive zsh",
        });
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn files(platform: Platform) -> Vec<PathBuf> {
        let dirs = UserDirs {
            home: PathBuf::from("/h"),
            config: PathBuf::from("/h/.config"),
            platform,
        };
        // Only the names: ZDOTDIR, if the caller has one, moves the dir.
        Zsh.startup_files(&dirs)
            .into_iter()
            .map(|f| f.path)
            .map(|p| PathBuf::from("/h").join(p.file_name().unwrap()))
            .collect()
    }

    #[test]
    fn on_macos_the_block_also_goes_where_a_login_zsh_reads_after_path_helper() {
        assert_eq!(
            files(Platform::MacOs),
            ["/h/.zshenv", "/h/.zprofile", "/h/.zshrc"].map(PathBuf::from)
        );
        assert_eq!(
            files(Platform::Linux),
            ["/h/.zshenv", "/h/.zshrc"].map(PathBuf::from)
        );
    }
}
