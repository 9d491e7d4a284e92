//! What bash and POSIX sh share: single-quote quoting, `export PATH=…`, and the setup block
//! written in plain POSIX sh so dash, bash and ksh all run it.

use super::{Front, GoBin};

/// `'…'`, with each `'` written as `'\''`.
pub fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

pub fn env_snippet(entries: &[String]) -> String {
    format!("export PATH={}\n", quote(&entries.join(":")))
}

/// The one line a CI job without `GITHUB_PATH` adds to put `entries` (the shims, and gover's
/// own dir when it needs one) first on PATH for its later commands.
pub fn ci_line(entries: &[String]) -> String {
    format!("export PATH={}:\"$PATH\"\n", quote(&entries.join(":")))
}

/// The setup block body. It splits PATH on `:` with globbing off (restoring the caller's
/// `IFS` and `-f` afterwards), keeps the first occurrence of each dir, drops empty and `.`
/// entries (they mean "the current directory"), puts the shims first, and appends each of
/// `system` (the standard system dirs, fixed when setup runs) and then the Go user bin dir that
/// PATH lacks, never moving what is there: a startup line that overwrote PATH still leaves a
/// shell that finds `ls`. Builtins only: it costs no process at shell start-up.
pub fn setup_body(front: &Front, system: &[String]) -> String {
    let shims = quote(&front.shims.display().to_string());
    // gover's own dir, when it needs a place: second, skipped where PATH already has it.
    let (self_set, self_skip, self_put, self_unset) = match &front.gover_dir {
        Some(d) => (
            format!("__gover_self={}\n", quote(&d.display().to_string())),
            "|\"$__gover_self\"",
            ":$__gover_self",
            " __gover_self",
        ),
        None => (String::new(), "", "", ""),
    };
    let system: Vec<String> = system.iter().map(|d| quote(d)).collect();
    let system = system.join(" ");
    // The Go user bin dir, unless the user's own lines add it (see `GoBin`).
    let (bin_set, bin_word) = match &front.go_bin {
        GoBin::Default => (
            "if [ -n \"${GOBIN:-}\" ]; then __gover_bin=$GOBIN; else __gover_bin=${GOPATH:-$HOME/go}; __gover_bin=${__gover_bin%%:*}/bin; fi\n".to_string(),
            " \"$__gover_bin\"",
        ),
        GoBin::Fixed(dir) => (
            format!(
                "if [ -n \"${{GOBIN:-}}\" ]; then __gover_bin=$GOBIN; elif [ -n \"${{GOPATH:-}}\" ]; then __gover_bin=${{GOPATH%%:*}}/bin; else __gover_bin={}; fi\n",
                quote(&dir.display().to_string())
            ),
            " \"$__gover_bin\"",
        ),
        GoBin::Theirs => (String::new(), ""),
    };
    format!(
        r#"__gover_shims={shims}
{self_set}{bin_set}__gover_rest= __gover_opts=$- __gover_ifs=$IFS __gover_ifs_set=${{IFS+set}}
set -f; IFS=:
for __gover_d in $PATH {system}{bin_word}; do
  case $__gover_d in ''|.|"$__gover_shims"{self_skip}) continue ;; esac
  case :$__gover_rest: in *:"$__gover_d":*) ;; *) __gover_rest=${{__gover_rest:+$__gover_rest:}}$__gover_d ;; esac
done
if [ -n "$__gover_ifs_set" ]; then IFS=$__gover_ifs; else unset IFS; fi
case $__gover_opts in *f*) ;; *) set +f ;; esac
PATH=$__gover_shims{self_put}${{__gover_rest:+:$__gover_rest}}; export PATH
unset __gover_shims{self_unset} __gover_bin __gover_rest __gover_opts __gover_ifs __gover_ifs_set __gover_d
"#
    )
}
