# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_gover_global_optspecs
    string join \n q/quiet v/verbose h/help V/version
end

function __fish_gover_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_gover_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_gover_using_subcommand
    set -l cmd (__fish_gover_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c gover -n "__fish_gover_needs_command" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_needs_command" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_needs_command" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_needs_command" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_needs_command" -f -a "install" -d 'Download, verify and install Go releases'
complete -c gover -n "__fish_gover_needs_command" -f -a "use" -d 'Set the global default version (repoints `current`)'
complete -c gover -n "__fish_gover_needs_command" -f -a "local" -d 'Pin a version for this directory by writing .go-version'
complete -c gover -n "__fish_gover_needs_command" -f -a "current" -d 'Show the active version and what chose it'
complete -c gover -n "__fish_gover_needs_command" -f -a "list" -d 'List installed versions, or releases available to install'
complete -c gover -n "__fish_gover_needs_command" -f -a "uninstall" -d 'Remove installed versions'
complete -c gover -n "__fish_gover_needs_command" -f -a "import" -d 'Register Go trees already on this machine as installed versions (links, never copies)'
complete -c gover -n "__fish_gover_needs_command" -f -a "upgrade" -d 'Move installed minor lines to their newest patch release'
complete -c gover -n "__fish_gover_needs_command" -f -a "prune" -d 'Remove stale links, leftovers of interrupted installs and, on request, old versions'
complete -c gover -n "__fish_gover_needs_command" -f -a "which" -d 'Print the path of the binary a shim would run here'
complete -c gover -n "__fish_gover_needs_command" -f -a "exec" -d 'Run a command with a given version first on PATH'
complete -c gover -n "__fish_gover_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c gover -n "__fish_gover_needs_command" -f -a "mirror" -d 'Build and maintain a fleet mirror (a go.dev- or GOPROXY-layout directory)'
complete -c gover -n "__fish_gover_needs_command" -f -a "env" -d 'Print shell code that puts the gover shims first on PATH (for `eval`)'
complete -c gover -n "__fish_gover_needs_command" -f -a "setup" -d 'Write gover\'s PATH block into your shells\' startup files'
complete -c gover -n "__fish_gover_needs_command" -f -a "doctor" -d 'Find and explain what keeps the right `go` from running, and fix what is safe'
complete -c gover -n "__fish_gover_needs_command" -f -a "self" -d 'Update gover itself, or take it off this machine'
complete -c gover -n "__fish_gover_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand install" -l mirror -d 'Download archives from these base URLs (comma-separated or repeated, tried in order) instead of GOVER_DIST_URL' -r
complete -c gover -n "__fish_gover_using_subcommand install" -l source -d 'Where releases come from: `dist` (go.dev\'s archives) or `proxy` (GOPROXY\'s golang.org/toolchain, verified by GOSUMDB); default: GOVER_SOURCE, else dist' -r -f -a "dist\t''
proxy\t''"
complete -c gover -n "__fish_gover_using_subcommand install" -l allow-unverified -d 'With no release index at all (none fetched, none cached), or with GOSUMDB=off under --source proxy, install without checksum verification'
complete -c gover -n "__fish_gover_using_subcommand install" -l force -d 'Install it again even if it is installed (replaces a damaged install with a verified one)'
complete -c gover -n "__fish_gover_using_subcommand install" -l keep-archive -d 'Keep the verified archive in the download cache for offline reinstalls (also GOVER_KEEP_ARCHIVES=1)'
complete -c gover -n "__fish_gover_using_subcommand install" -l offline -d 'Use only the cached release index and the download cache (also GOVER_OFFLINE=1)'
complete -c gover -n "__fish_gover_using_subcommand install" -l allow-insecure -d 'Accept a plain-http release index from a non-loopback host (the index carries the checksums installs are verified against; use only on a network path you trust)'
complete -c gover -n "__fish_gover_using_subcommand install" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand install" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand install" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand install" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand use" -l install -d 'Install the version first if it is not installed'
complete -c gover -n "__fish_gover_using_subcommand use" -l offline -d 'Use only the cached release index and the download cache (also GOVER_OFFLINE=1)'
complete -c gover -n "__fish_gover_using_subcommand use" -l allow-insecure -d 'Accept a plain-http release index from a non-loopback host (the index carries the checksums installs are verified against; use only on a network path you trust)'
complete -c gover -n "__fish_gover_using_subcommand use" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand use" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand use" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand use" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand local" -l offline -d 'Use only the cached release index and the download cache (also GOVER_OFFLINE=1)'
complete -c gover -n "__fish_gover_using_subcommand local" -l allow-insecure -d 'Accept a plain-http release index from a non-loopback host (the index carries the checksums installs are verified against; use only on a network path you trust)'
complete -c gover -n "__fish_gover_using_subcommand local" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand local" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand local" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand local" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand current" -l json -d 'Print JSON: version, installed, source, goroot (for editors)'
complete -c gover -n "__fish_gover_using_subcommand current" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand current" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand current" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand current" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand list" -l source -d 'With --remote: where releases come from (see `gover install --source`)' -r -f -a "dist\t''
proxy\t''"
complete -c gover -n "__fish_gover_using_subcommand list" -l remote -d 'List releases from the index instead of installed versions'
complete -c gover -n "__fish_gover_using_subcommand list" -l all -d 'With --remote: include pre-releases and older (archived) releases'
complete -c gover -n "__fish_gover_using_subcommand list" -l json -d 'Print JSON'
complete -c gover -n "__fish_gover_using_subcommand list" -l offline -d 'Use only the cached release index and the download cache (also GOVER_OFFLINE=1)'
complete -c gover -n "__fish_gover_using_subcommand list" -l allow-insecure -d 'Accept a plain-http release index from a non-loopback host (the index carries the checksums installs are verified against; use only on a network path you trust)'
complete -c gover -n "__fish_gover_using_subcommand list" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand list" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand list" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand list" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -l force -d 'Remove it even if it is the default (the `current` link is removed too), pinned by a recorded `.go-version`, or in use by a running program (a `go` started through the shims or `gover exec`)'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand uninstall" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand import" -l scan -d 'List Go trees in the usual places (/usr/local/go, /usr/lib/go-1.NN, goenv, asdf, mise, g, ~/sdk, the module cache); a dry run unless --yes'
complete -c gover -n "__fish_gover_using_subcommand import" -l yes -d 'With --scan: import what it found'
complete -c gover -n "__fish_gover_using_subcommand import" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand import" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand import" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand import" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l dry-run -d 'Print what would be done and change nothing'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l prune -d 'Also remove the older patch releases of each upgraded line (not imported ones, nor ones a .go-version pins)'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l offline -d 'Use only the cached release index and the download cache (also GOVER_OFFLINE=1)'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -l allow-insecure -d 'Accept a plain-http release index from a non-loopback host (the index carries the checksums installs are verified against; use only on a network path you trust)'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand upgrade" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand prune" -l keep -d 'Also remove installed versions beyond the N newest (never the default or the one active here)' -r
complete -c gover -n "__fish_gover_using_subcommand prune" -l dry-run -d 'Print what would be done and change nothing'
complete -c gover -n "__fish_gover_using_subcommand prune" -l json -d 'Print JSON'
complete -c gover -n "__fish_gover_using_subcommand prune" -l unused -d 'Also remove versions that neither the default, the active version nor a recorded .go-version, .tool-versions, go.work or go.mod uses'
complete -c gover -n "__fish_gover_using_subcommand prune" -l system -d 'Also look outside GOVER_HOME for Go links and SDK dirs that shadow the shims'
complete -c gover -n "__fish_gover_using_subcommand prune" -l archives -d 'Also remove the cached archives kept for installed versions (--keep-archive)'
complete -c gover -n "__fish_gover_using_subcommand prune" -l yes -d 'With --system: remove links outside GOVER_HOME without asking'
complete -c gover -n "__fish_gover_using_subcommand prune" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand prune" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand prune" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand prune" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand which" -l json -d 'Print JSON: tool, version, path (for editors)'
complete -c gover -n "__fish_gover_using_subcommand which" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand which" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand which" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand which" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand exec" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand exec" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand exec" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand exec" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand completions" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand completions" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand completions" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand completions" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -f -a "sync" -d 'Download verified archives into DIR and write DIR/index.json (go.dev\'s layout)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and not __fish_seen_subcommand_from sync help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l platform -d 'Platforms to sync, as GOOS-GOARCH (comma-separated or repeated); default: this machine\'s' -r
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l mirror -d 'Download archives from these base URLs (comma-separated or repeated) instead of GOVER_DIST_URL' -r
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l layout -d 'The directory\'s layout: `dist` (go.dev\'s) or `goproxy` (a GOPROXY that `go` itself can use)' -r -f -a "dist\t'go.dev\'s: DIR/index.json and DIR/<archive>.tar.gz'
goproxy\t'GOPROXY\'s: DIR/golang.org/toolchain/@v/{list,<v>.info,<v>.mod,<v>.zip}'"
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l source -d 'Where releases come from (see `gover install --source`); `--layout goproxy` defaults to proxy' -r -f -a "dist\t''
proxy\t''"
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l offline -d 'Use only the cached release index and the download cache (also GOVER_OFFLINE=1)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -l allow-insecure -d 'Accept a plain-http release index from a non-loopback host (the index carries the checksums installs are verified against; use only on a network path you trust)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from sync" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from help" -f -a "sync" -d 'Download verified archives into DIR and write DIR/index.json (go.dev\'s layout)'
complete -c gover -n "__fish_gover_using_subcommand mirror; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand env" -l shell -d 'The shell to print code for; default: from $SHELL' -r -f -a "bash\t''
zsh\t''
fish\t''
sh\t''"
complete -c gover -n "__fish_gover_using_subcommand env" -l json -d 'Print JSON instead of shell code: the PATH entries, the shims dir and the Go user bin dir (for editors)'
complete -c gover -n "__fish_gover_using_subcommand env" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand env" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand env" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand env" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand setup" -l shell -d 'Only this shell\'s files (repeatable); default: bash, zsh and fish if installed, and sh' -r -f -a "bash\t''
zsh\t''
fish\t''
sh\t''"
complete -c gover -n "__fish_gover_using_subcommand setup" -l systemd -d 'Also write ~/.config/environment.d/99-gover.conf for systemd user services and desktop sessions'
complete -c gover -n "__fish_gover_using_subcommand setup" -l remove -d 'Take gover\'s blocks out again, leaving the rest of each file as it was'
complete -c gover -n "__fish_gover_using_subcommand setup" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand setup" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand setup" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand setup" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l json -d 'Print the findings as JSON'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l strict -d 'Exit non-zero on warnings too, not only on errors'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l fix -d 'Apply the safe repairs and print each change; riskier ones are printed as commands'
complete -c gover -n "__fish_gover_using_subcommand doctor" -l store -d 'Also look for installed files edited after install (one stat per stored file, ~13,000 per release)'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand self; and not __fish_seen_subcommand_from update uninstall help" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand self; and not __fish_seen_subcommand_from update uninstall help" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand self; and not __fish_seen_subcommand_from update uninstall help" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand self; and not __fish_seen_subcommand_from update uninstall help" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand self; and not __fish_seen_subcommand_from update uninstall help" -f -a "update" -d 'Replace gover and gover-shim with the newest release (downloaded and checked as scripts/install.sh does)'
complete -c gover -n "__fish_gover_using_subcommand self; and not __fish_seen_subcommand_from update uninstall help" -f -a "uninstall" -d 'Take gover off this machine: its blocks in your startup files, GOVER_HOME and both binaries'
complete -c gover -n "__fish_gover_using_subcommand self; and not __fish_seen_subcommand_from update uninstall help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from update" -l version -d 'This release (e.g. 0.2.0) instead of the newest' -r
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from update" -l force -d 'Replace the binaries even when this is already that release'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from update" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from update" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from update" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from uninstall" -s y -l yes -d 'Do not ask (needed without a terminal)'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from uninstall" -s q -l quiet -d 'Print only errors, safety warnings and results: no progress bars, no notes'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from uninstall" -s v -l verbose -d 'Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from uninstall" -s h -l help -d 'Print help'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from uninstall" -s V -l version -d 'Print version'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from help" -f -a "update" -d 'Replace gover and gover-shim with the newest release (downloaded and checked as scripts/install.sh does)'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from help" -f -a "uninstall" -d 'Take gover off this machine: its blocks in your startup files, GOVER_HOME and both binaries'
complete -c gover -n "__fish_gover_using_subcommand self; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "install" -d 'Download, verify and install Go releases'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "use" -d 'Set the global default version (repoints `current`)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "local" -d 'Pin a version for this directory by writing .go-version'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "current" -d 'Show the active version and what chose it'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "list" -d 'List installed versions, or releases available to install'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "uninstall" -d 'Remove installed versions'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "import" -d 'Register Go trees already on this machine as installed versions (links, never copies)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "upgrade" -d 'Move installed minor lines to their newest patch release'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "prune" -d 'Remove stale links, leftovers of interrupted installs and, on request, old versions'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "which" -d 'Print the path of the binary a shim would run here'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "exec" -d 'Run a command with a given version first on PATH'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "completions" -d 'Print a shell completion script'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "mirror" -d 'Build and maintain a fleet mirror (a go.dev- or GOPROXY-layout directory)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "env" -d 'Print shell code that puts the gover shims first on PATH (for `eval`)'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "setup" -d 'Write gover\'s PATH block into your shells\' startup files'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "doctor" -d 'Find and explain what keeps the right `go` from running, and fix what is safe'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "self" -d 'Update gover itself, or take it off this machine'
complete -c gover -n "__fish_gover_using_subcommand help; and not __fish_seen_subcommand_from install use local current list uninstall import upgrade prune which exec completions mirror env setup doctor self help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from mirror" -f -a "sync" -d 'Download verified archives into DIR and write DIR/index.json (go.dev\'s layout)'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from self" -f -a "update" -d 'Replace gover and gover-shim with the newest release (downloaded and checked as scripts/install.sh does)'
complete -c gover -n "__fish_gover_using_subcommand help; and __fish_seen_subcommand_from self" -f -a "uninstall" -d 'Take gover off this machine: its blocks in your startup files, GOVER_HOME and both binaries'

# Versions, from gover itself (hand-written in src/commands/completions.rs).
complete -c gover -n "__fish_gover_using_subcommand install" -f -k -a "(gover __complete remote 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand use" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand local" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand uninstall" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand exec; and not contains -- -- (commandline -opc)" -f -k -a "(gover __complete installed 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand upgrade" -f -k -a "(gover __complete lines 2>/dev/null)"
complete -c gover -n "__fish_gover_using_subcommand which" -f -k -a "go gofmt"
