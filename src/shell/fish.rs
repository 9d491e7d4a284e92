//! fish: every fish sources `~/.config/fish/conf.d/*.fish`, so gover gets a file of its own.

use super::{Front, GoBin, Integration, StartupFile, UserDirs};

pub struct Fish;

/// `'…'` with `\` and `'` escaped (fish's single-quote rules).
pub fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\\', r"\\").replace('\'', r"\'"))
}

impl Integration for Fish {
    fn name(&self) -> &'static str {
        "fish"
    }

    fn env_snippet(&self, entries: &[String]) -> String {
        let words: Vec<String> = entries.iter().map(|e| quote(e)).collect();
        format!("set -gx PATH {}\n", words.join(" "))
    }

    fn setup_body(&self, front: &Front, system: &[String]) -> String {
        let shims = quote(&front.shims.display().to_string());
        let (self_set, self_var) = match &front.gover_dir {
            Some(d) => (
                format!("\n    set -l self {}", quote(&d.display().to_string())),
                " $self",
            ),
            None => (String::new(), ""),
        };
        let system: Vec<String> = system.iter().map(|d| quote(d)).collect();
        let system = system.join(" ");
        let (bin_set, bin_word) = match &front.go_bin {
            GoBin::Theirs => (String::new(), ""),
            other => {
                let fallback = match other {
                    GoBin::Fixed(dir) => quote(&dir.display().to_string()),
                    _ => "$HOME/go/bin".to_string(),
                };
                (
                    format!(
                        r#"
    set -l bin {fallback}
    if test -n "$GOBIN"
        set bin $GOBIN
    else if test -n "$GOPATH[1]"
        set bin $GOPATH[1]/bin
    end"#
                    ),
                    " $bin",
                )
            }
        };
        format!(
            r#"begin
    set -l shims {shims}{self_set}{bin_set}
    set -l rest
    for d in $PATH {system}{bin_word}
        if test -n "$d" -a "$d" != .; and not contains -- $d $shims{self_var} $rest
            set -a rest $d
        end
    end
    set -gx PATH $shims{self_var} $rest
end
"#
        )
    }

    fn startup_files(&self, dirs: &UserDirs) -> Vec<StartupFile> {
        vec![StartupFile {
            path: dirs.config.join("fish").join("conf.d").join("gover.fish"),
            read_by: "every fish",
        }]
    }
}
