//! `gover completions SHELL`: completion scripts generated from the clap definition, plus
//! version completion: `use`, `local`, `uninstall`, `exec` complete installed versions, `upgrade`
//! installed minor lines, `install` the releases in the cached index, `which` the tools. The
//! scripts get those from the hidden `gover __complete installed|lines|remote`, which never
//! touches the network.

use clap_complete::Shell;

use crate::cli::{CompletionShell, CompletionsArgs, full_command};
use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::source::dist::cache;

pub fn run(args: CompletionsArgs) -> Result<(), Error> {
    super::print(&script(args.shell))
}

/// The completion script for `shell`, as checked in under `completions/`.
pub fn script(shell: CompletionShell) -> String {
    let (generator, extra) = match shell {
        CompletionShell::Bash => (Shell::Bash, BASH),
        CompletionShell::Zsh => (Shell::Zsh, ZSH),
        CompletionShell::Fish => (Shell::Fish, FISH),
    };
    let mut out = Vec::new();
    clap_complete::generate(generator, &mut full_command(), "gover", &mut out);
    let mut text = String::from_utf8(out).expect("clap_complete writes UTF-8");
    match shell {
        CompletionShell::Bash => {
            // Register the wrapper below instead of clap's function.
            text = text.replace("complete -F _gover ", "complete -F _gover_versions ");
            text.push_str(extra);
        }
        CompletionShell::Zsh => {
            for (command, arg, function) in ZSH_ARGS {
                text = zsh_action(&text, command, arg, function);
            }
            // The helpers go before the script's last lines, which run `_gover` or `compdef`.
            let at = text
                .rfind("if [ \"$funcstack[1]\" = \"_gover\" ]; then")
                .expect("clap's zsh script ends by registering _gover");
            text.insert_str(at, extra);
        }
        CompletionShell::Fish => text.push_str(extra),
    }
    text
}

/// The hidden command the scripts call, `gover __complete installed|lines|remote`: handled
/// before clap (as `__shim` is), so it appears in no help and no completion.
pub const COMMAND: &str = "__complete";

/// What `gover __complete` lists.
enum What {
    /// Installed versions, newest first.
    Installed,
    /// Installed minor lines (`1.22`), newest first.
    Lines,
    /// `latest` and the releases in the cached index (never the network), newest first.
    Remote,
}

/// `gover __complete WHAT`: candidates for the scripts, one per line. Anything wrong prints
/// nothing and exits 0: a completion must never print an error into the line being edited.
pub fn candidates(what: Option<std::ffi::OsString>) -> u8 {
    let what = match what.as_ref().and_then(|w| w.to_str()) {
        Some("installed") => What::Installed,
        Some("lines") => What::Lines,
        Some("remote") => What::Remote,
        _ => return crate::error::exit::USAGE,
    };
    let Ok(home) = Home::from_env() else {
        return 0;
    };
    let mut lines: Vec<String> = match what {
        What::Installed => inventory::installed(&home)
            .iter()
            .rev()
            .map(ToString::to_string)
            .collect(),
        What::Lines => {
            let mut lines: Vec<String> = inventory::installed(&home)
                .iter()
                .rev()
                .map(|v| format!("{}.{}", v.major, v.minor))
                .collect();
            lines.dedup();
            lines
        }
        What::Remote => {
            // Offline: the cached index or nothing; its note goes to stderr, which the scripts
            // drop. A bad setting offers no versions (the command itself would say why).
            let settings = crate::settings::Settings::from_env().ok();
            match settings.map(|s| cache::load(&home, &s.access(true, false), false)) {
                Some(Ok(Some(loaded))) => std::iter::once("latest".to_string())
                    .chain(loaded.index.listed(true).iter().map(|(v, _)| v.to_string()))
                    .collect(),
                _ => vec!["latest".to_string()],
            }
        }
    };
    lines.push(String::new());
    let _ = super::print(&lines.join("\n"));
    0
}

/// In clap's zsh script, the completion action of positional `arg` of `command`, from
/// `_default` to `function`.
fn zsh_action(text: &str, command: &str, arg: &str, function: &str) -> String {
    let start = text
        .find(&format!("({command})\n_arguments"))
        .unwrap_or_else(|| panic!("clap's zsh script has a ({command}) case"));
    let end = start + text[start..].find("\n;;").expect("the case ends");
    let block = &text[start..end];
    let mut found = false;
    let patched: Vec<String> = block
        .lines()
        .map(|line| {
            let is_arg = [":", "::", "*::"]
                .iter()
                .any(|p| line.starts_with(&format!("'{p}{arg} -- ")));
            if is_arg && line.ends_with(":_default' \\") {
                found = true;
                format!(
                    "{}:{function}' \\",
                    &line[..line.len() - ":_default' \\".len()]
                )
            } else {
                line.to_string()
            }
        })
        .collect();
    assert!(
        found,
        "clap's zsh script has no `{arg}` positional under ({command})"
    );
    format!("{}{}{}", &text[..start], patched.join("\n"), &text[end..])
}

/// (subcommand, positional, zsh function) for [`zsh_action`].
const ZSH_ARGS: &[(&str, &str, &str)] = &[
    ("install", "specs", "_gover_remote_versions"),
    ("use", "spec", "_gover_installed_versions"),
    ("local", "spec", "_gover_installed_versions"),
    ("uninstall", "targets", "_gover_installed_versions"),
    ("exec", "spec", "_gover_installed_versions"),
    ("upgrade", "minors", "_gover_installed_lines"),
    ("which", "tool", "_gover_tools"),
];

const BASH: &str = r#"
# Versions, from gover itself (hand-written in src/commands/completions.rs): clap's function
# first, then the version positions replaced by what `gover __complete` lists.
_gover_versions() {
    _gover "$@"
    local cur="${COMP_WORDS[COMP_CWORD]}" cmd="" nargs=0 i w
    case "$cur" in -*) return 0 ;; esac
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${COMP_WORDS[i]}"
        case "$w" in
            --) return 0 ;;
            --mirror | --keep | --shell | --platform) ((i++)) ;;
            -*) ;;
            *) if [[ -z "$cmd" ]]; then cmd="$w"; else ((nargs++)); fi ;;
        esac
    done
    local what=""
    case "$cmd" in
        install) what=remote ;;
        uninstall) what=installed ;;
        use | local | exec) [[ $nargs -eq 0 ]] && what=installed ;;
        upgrade) what=lines ;;
        which) [[ $nargs -eq 0 ]] && COMPREPLY=($(compgen -W "go gofmt" -- "$cur")) ;;
    esac
    if [[ -n "$what" ]]; then
        COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete "$what" 2>/dev/null)" -- "$cur"))
    fi
    return 0
}
"#;

const ZSH: &str = r#"# Versions, from gover itself (hand-written in src/commands/completions.rs).
(( $+functions[_gover_installed_versions] )) ||
_gover_installed_versions() {
    local -a versions
    versions=(${(f)"$(gover __complete installed 2>/dev/null)"})
    compadd -V versions -a versions
}
(( $+functions[_gover_installed_lines] )) ||
_gover_installed_lines() {
    local -a lines
    lines=(${(f)"$(gover __complete lines 2>/dev/null)"})
    compadd -V lines -a lines
}
(( $+functions[_gover_remote_versions] )) ||
_gover_remote_versions() {
    local -a versions
    versions=(${(f)"$(gover __complete remote 2>/dev/null)"})
    compadd -V versions -a versions
}
(( $+functions[_gover_tools] )) ||
_gover_tools() {
    compadd go gofmt
}

"#;

const FISH: &str = r#"
# Versions, from gover itself (hand-written in src/commands/completions.rs).
complete -c gover -n "__fish_gover_using_subcommand install" -f -k -a "(gover __complete remote 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand use" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand local" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand uninstall" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand exec; and not contains -- -- (commandline -opc)" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand upgrade" -f -k -a "(gover __complete lines 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand which" -f -k -a "go gofmt"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    /// The checked-in scripts must match the CLI; regenerate with
    /// `gover completions bash > completions/gover.bash` (and zsh → `_gover`, fish → `gover.fish`).
    #[test]
    fn checked_in_completions_match_the_cli() {
        let cases = [
            (
                CompletionShell::Bash,
                include_str!("../../completions/gover.bash"),
            ),
            (
                CompletionShell::Zsh,
                include_str!("../../completions/_gover"),
            ),
            (
                CompletionShell::Fish,
                include_str!("../../completions/gover.fish"),
            ),
        ];
        for (shell, checked_in) in cases {
            assert!(
                script(shell) == checked_in,
                "completions/ for {shell:?} drifted from the CLI; regenerate them (see README)"
            );
        }
    }
}
