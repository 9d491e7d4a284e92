//! The command line, as clap derive types, and how much of it one parse builds ([`Deferred`]).

use std::cell::Cell;
use std::ffi::OsString;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

/// `gover --version`: the version, the commit it was built from and the target.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("GOVER_COMMIT"),
    " ",
    env!("GOVER_TARGET"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "gover",
    version = VERSION,
    about = "Install Go releases, switch between them, and keep PATH clean",
    propagate_version = true
)]
pub struct Cli {
    /// Print only errors, safety warnings and results: no progress bars, no notes
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also say what gover does that it normally keeps quiet: each URL fetched, cache decisions, timings
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

/// The flags of the commands that fetch the release index or archives (install, use, local,
/// list, upgrade, mirror sync): listed there only, not on commands they would not change.
#[derive(Debug, Args, Default, Clone, Copy)]
pub struct NetworkArgs {
    /// Use only the cached release index and the download cache (also GOVER_OFFLINE=1)
    #[arg(long)]
    pub offline: bool,
    /// Accept a plain-http release index from a non-loopback host (the index carries the
    /// checksums installs are verified against; use only on a network path you trust)
    #[arg(long)]
    pub allow_insecure: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Download, verify and install Go releases
    Install(Deferred<InstallArgs>),
    /// Set the global default version (repoints `current`)
    Use(Deferred<UseArgs>),
    /// Pin a version for this directory by writing .go-version
    Local(Deferred<LocalArgs>),
    /// Show the active version and what chose it
    Current(Deferred<CurrentArgs>),
    /// List installed versions, or releases available to install
    List(Deferred<ListArgs>),
    /// Remove installed versions
    Uninstall(Deferred<UninstallArgs>),
    /// Register Go trees already on this machine as installed versions (links, never copies)
    Import(Deferred<ImportArgs>),
    /// Move installed minor lines to their newest patch release
    Upgrade(Deferred<UpgradeArgs>),
    /// Remove stale links, leftovers of interrupted installs and, on request, old versions
    Prune(Deferred<PruneArgs>),
    /// Print the path of the binary a shim would run here
    Which(Deferred<WhichArgs>),
    /// Run a command with a given version first on PATH
    Exec(Deferred<ExecArgs>),
    /// Print a shell completion script
    Completions(Deferred<CompletionsArgs>),
    /// Build and maintain a fleet mirror (a go.dev- or GOPROXY-layout directory)
    #[command(subcommand)]
    Mirror(Deferred<MirrorCommand>),
    /// Print shell code that puts the gover shims first on PATH (for `eval`)
    Env(Deferred<EnvArgs>),
    /// Write gover's PATH block into your shells' startup files
    Setup(Deferred<SetupArgs>),
    /// Find and explain what keeps the right `go` from running, and fix what is safe
    Doctor(Deferred<DoctorArgs>),
    /// Update gover itself, or take it off this machine
    #[command(name = "self", subcommand)]
    SelfCmd(Deferred<SelfCommand>),
}

/// A subcommand's arguments (or its own subcommands), built only when the command line names
/// that subcommand (`Command::defer`). Parsing `gover current` then builds the top level and
/// `current`'s few arguments, not every command's: building them all was a fifth of what
/// `gover current` executed, and most of the heap it touched (docs/performance.md, "Small
/// commands"). Help and errors build what they show, and read the same.
///
/// What walks the whole tree without parsing, the completion scripts, takes it from
/// [`full_command`]: deferred, clap would list each command's own flags after the global ones
/// and leave `gover help mirror <TAB>` without `sync`.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }

    fn augment_args(cmd: clap::Command) -> clap::Command {
        built_when_named(cmd, T::augment_args, |cmd| {
            keeping_about(cmd, T::augment_args)
        })
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        built_when_named(cmd, T::augment_args_for_update, |cmd| {
            keeping_about(cmd, T::augment_args_for_update)
        })
    }
}

thread_local! {
    /// Set by [`full_command`] while it builds: every subcommand at once.
    static EAGER: Cell<bool> = const { Cell::new(false) };
}

/// The whole command tree, built at once, for what walks all of it (the completion scripts).
pub fn full_command() -> clap::Command {
    EAGER.set(true);
    let command = Cli::command();
    EAGER.set(false);
    command
}

/// `augment` now while [`full_command`] builds, else `later` when the subcommand is named.
fn built_when_named(
    cmd: clap::Command,
    augment: fn(clap::Command) -> clap::Command,
    later: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    match EAGER.get() {
        true => augment(cmd),
        false => cmd.defer(later),
    }
}

/// Derive sets a variant's doc comment after its arguments, so it wins over the doc comment of
/// a struct they flatten (`NetworkArgs`); deferred, the arguments come second, so put it back.
fn keeping_about(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let mut cmd = augment(cmd);
    if let Some(about) = about {
        cmd = cmd.about(about);
    }
    if let Some(long_about) = long_about {
        cmd = cmd.long_about(long_about);
    }
    cmd
}

impl<T: Subcommand> Subcommand for Deferred<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        built_when_named(cmd, T::augment_subcommands, |cmd| {
            keeping_about(cmd, T::augment_subcommands)
        })
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        built_when_named(cmd, T::augment_subcommands_for_update, |cmd| {
            keeping_about(cmd, T::augment_subcommands_for_update)
        })
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

#[derive(Debug, Subcommand)]
pub enum SelfCommand {
    /// Replace gover and gover-shim with the newest release (downloaded and checked as scripts/install.sh does)
    Update(SelfUpdateArgs),
    /// Take gover off this machine: its blocks in your startup files, GOVER_HOME and both binaries
    Uninstall(SelfUninstallArgs),
}

#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
pub struct SelfUpdateArgs {
    /// This release (e.g. 0.2.0) instead of the newest
    #[arg(long, value_name = "VERSION")]
    pub version: Option<String>,
    /// Replace the binaries even when this is already that release
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SelfUninstallArgs {
    /// Do not ask (needed without a terminal)
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// `1.22.5`, `go1.22.5`, `1.22` (newest 1.22.x), `latest`, `1.23rc1`, several at once; default: what `gover current` names here
    #[arg(value_name = "SPEC")]
    pub specs: Vec<String>,
    /// Download archives from these base URLs (comma-separated or repeated, tried in order) instead of GOVER_DIST_URL
    #[arg(long, value_name = "URL", value_delimiter = ',')]
    pub mirror: Vec<String>,
    /// With no release index at all (none fetched, none cached), or with GOSUMDB=off under --source proxy, install without checksum verification
    #[arg(long)]
    pub allow_unverified: bool,
    /// Install it again even if it is installed (replaces a damaged install with a verified one)
    #[arg(long)]
    pub force: bool,
    /// Where releases come from: `dist` (go.dev's archives) or `proxy` (GOPROXY's golang.org/toolchain, verified by GOSUMDB); default: GOVER_SOURCE, else dist
    #[arg(long, value_enum)]
    pub source: Option<SourceArg>,
    /// Keep the verified archive in the download cache for offline reinstalls (also GOVER_KEEP_ARCHIVES=1)
    #[arg(long)]
    pub keep_archive: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    Dist,
    Proxy,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayoutArg {
    /// go.dev's: DIR/index.json and DIR/<archive>.tar.gz
    Dist,
    /// GOPROXY's: DIR/golang.org/toolchain/@v/{list,<v>.info,<v>.mod,<v>.zip}
    Goproxy,
}

#[derive(Debug, Subcommand)]
pub enum MirrorCommand {
    /// Download verified archives into DIR and write DIR/index.json (go.dev's layout)
    Sync(MirrorSyncArgs),
}

#[derive(Debug, Args)]
pub struct MirrorSyncArgs {
    /// The mirror directory (created if missing)
    pub dir: std::path::PathBuf,
    /// Releases to sync: `1.22.5`, `1.22` (newest 1.22.x), `latest`; default: the newest release of each of the two stable lines
    pub specs: Vec<String>,
    /// Platforms to sync, as GOOS-GOARCH (comma-separated or repeated); default: this machine's
    #[arg(long, value_name = "OS-ARCH", value_delimiter = ',')]
    pub platform: Vec<String>,
    /// Download archives from these base URLs (comma-separated or repeated) instead of GOVER_DIST_URL
    #[arg(long, value_name = "URL", value_delimiter = ',')]
    pub mirror: Vec<String>,
    /// The directory's layout: `dist` (go.dev's) or `goproxy` (a GOPROXY that `go` itself can use)
    #[arg(long, value_enum, default_value = "dist")]
    pub layout: LayoutArg,
    /// Where releases come from (see `gover install --source`); `--layout goproxy` defaults to proxy
    #[arg(long, value_enum)]
    pub source: Option<SourceArg>,
    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// `1.22.5`, `1.22` (newest installed 1.22.x), `latest` (newest installed stable)
    pub spec: String,
    /// Install the version first if it is not installed
    #[arg(long)]
    pub install: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Debug, Args)]
pub struct LocalArgs {
    /// The version to pin; a partial version is written as the exact release it resolves to
    pub spec: String,
    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// List releases from the index instead of installed versions
    #[arg(long)]
    pub remote: bool,
    /// With --remote: include pre-releases and older (archived) releases
    #[arg(long, requires = "remote")]
    pub all: bool,
    /// With --remote: where releases come from (see `gover install --source`)
    #[arg(long, value_enum, requires = "remote")]
    pub source: Option<SourceArg>,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Debug, Args)]
pub struct UninstallArgs {
    /// The exact versions to remove, e.g. `1.21.13` (one or more)
    #[arg(value_name = "VERSION", required = true)]
    pub targets: Vec<String>,
    /// Remove it even if it is the default (the `current` link is removed too), pinned by a
    /// recorded `.go-version`, or in use by a running program (a `go` started through the
    /// shims or `gover exec`)
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// GOROOTs to import (each holds VERSION, bin/go and pkg/tool), e.g. /usr/local/go
    #[arg(
        value_name = "DIR",
        required_unless_present = "scan",
        conflicts_with = "scan"
    )]
    pub dirs: Vec<std::path::PathBuf>,
    /// List Go trees in the usual places (/usr/local/go, /usr/lib/go-1.NN, goenv, asdf, mise, g, ~/sdk, the module cache); a dry run unless --yes
    #[arg(long)]
    pub scan: bool,
    /// With --scan: import what it found
    #[arg(long, requires = "scan")]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Minor lines to upgrade, e.g. `1.22`; default: every installed line
    #[arg(value_name = "MINOR")]
    pub minors: Vec<String>,
    /// Print what would be done and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove the older patch releases of each upgraded line (not imported ones, nor ones a .go-version pins)
    #[arg(long)]
    pub prune: bool,
    #[command(flatten)]
    pub network: NetworkArgs,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Print what would be done and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
    /// Also remove installed versions beyond the N newest (never the default or the one active here)
    #[arg(long, value_name = "N")]
    pub keep: Option<usize>,
    /// Also remove versions that neither the default, the active version nor a recorded .go-version, .tool-versions, go.work or go.mod uses
    #[arg(long)]
    pub unused: bool,
    /// Also look outside GOVER_HOME for Go links and SDK dirs that shadow the shims
    #[arg(long)]
    pub system: bool,
    /// Also remove the cached archives kept for installed versions (--keep-archive)
    #[arg(long)]
    pub archives: bool,
    /// With --system: remove links outside GOVER_HOME without asking
    #[arg(long, requires = "system")]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct CurrentArgs {
    /// Print JSON: version, installed, source, goroot (for editors)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WhichArgs {
    /// The tool to locate
    #[arg(default_value = "go")]
    pub tool: String,
    /// Print JSON: tool, version, path (for editors)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// The version to run with (`1.22.5`, `1.22`, `latest`), which must be installed
    pub spec: String,
    /// The command and its arguments, after `--`
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: CompletionShell,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    /// The shell to print code for; default: from $SHELL
    #[arg(long, value_enum)]
    pub shell: Option<ShellArg>,
    /// Print JSON instead of shell code: the PATH entries, the shims dir and the Go user bin dir (for editors)
    #[arg(long, conflicts_with = "shell")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    /// Only this shell's files (repeatable); default: bash, zsh and fish if installed, and sh
    #[arg(long, value_enum)]
    pub shell: Vec<ShellArg>,
    /// Also write ~/.config/environment.d/99-gover.conf for systemd user services and desktop sessions
    #[arg(long)]
    pub systemd: bool,
    /// Take gover's blocks out again, leaving the rest of each file as it was
    #[arg(long)]
    pub remove: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Print the findings as JSON
    #[arg(long)]
    pub json: bool,
    /// Exit non-zero on warnings too, not only on errors
    #[arg(long)]
    pub strict: bool,
    /// Apply the safe repairs and print each change; riskier ones are printed as commands
    #[arg(long)]
    pub fix: bool,
    /// Also look for installed files edited after install (one stat per stored file, ~13,000
    /// per release)
    #[arg(long)]
    pub store: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Sh,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::{Cli, full_command};

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
        full_command().debug_assert();
    }

    /// The deferred tree (what `gover` parses with) and the whole one (what the completion
    /// scripts are made from) give the same help, the same errors and the same parse.
    #[test]
    fn deferred_subcommands_parse_and_explain_as_the_whole_tree_does() {
        let lines: &[&[&str]] = &[
            &["--help"],
            &["help", "mirror", "sync"],
            &["install", "--help"],
            &["install", "-h"],
            &["mirror", "sync", "--help"],
            &["self", "update", "--help"],
            &["self"],
            &["current", "extra"],
            &["doctor", "--bogus"],
            &["-q", "-v", "current"],
            &["current", "--json", "-q"],
            &["install", "1.22", "--mirror", "a,b", "--offline", "-v"],
            &["mirror", "sync", "/srv/m", "1.22", "--layout", "goproxy"],
            &["self", "uninstall", "--yes"],
            &["list", "--remote", "--offline"],
            &["exec", "1.22", "--", "go", "version"],
            &["bogus"],
        ];
        for line in lines {
            let argv = std::iter::once("gover").chain(line.iter().copied());
            let lazy = Cli::command().try_get_matches_from(argv.clone());
            let whole = full_command().try_get_matches_from(argv);
            let show = |r: Result<clap::ArgMatches, clap::Error>| match r {
                Ok(mut m) => format!(
                    "{:?}",
                    <Cli as clap::FromArgMatches>::from_arg_matches_mut(&mut m)
                ),
                Err(e) => format!("{:?} {}", e.kind(), e.render()),
            };
            assert_eq!(show(lazy), show(whole), "gover {}", line.join(" "));
        }
    }
}
