//! zsh: every zsh reads `~/.zshenv`; interactive ones then read `~/.zshrc` (after
//! `/etc/zprofile`, where macOS's path_helper reorders PATH), so the block goes in both.

use super::{Front, Integration, StartupFile, UserDirs, posix};

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
        format!(
            r#"() {{
  emulate -L zsh
  local shims={shims}{self_set} bin d
  local -a rest
  if [[ -n ${{GOBIN-}} ]]; then bin=$GOBIN; else bin=${{${{GOPATH:-$HOME/go}}%%:*}}/bin; fi
  for d in "${{path[@]}}" {system} "$bin"; do
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
        vec![
            StartupFile {
                path: zdot.join(".zshenv"),
                read_by: "every zsh",
            },
            StartupFile {
                path: zdot.join(".zshrc"),
                read_by: "interactive zsh",
            },
        ]
    }
}
