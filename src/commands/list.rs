//! `gover list [--remote [--all]] [--json]`.

use serde::Serialize;

use crate::cli::ListArgs;
use crate::error::Error;
use crate::home::Home;
use crate::home::inventory;
use crate::resolve;
use crate::source::dist::{Access, Platform, SourceKind, cache};
use crate::source::goproxy::{Proxies, config::GoEnv};

#[derive(Serialize)]
struct Installed {
    version: String,
    path: String,
    active: bool,
    default: bool,
    /// For an imported version (`gover import`): the tree `path` links to. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    imported: Option<String>,
    /// For an imported version whose tree was upgraded or replaced in place: the first line of
    /// its `VERSION` now (empty when it has none). Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    imported_tree_now: Option<String>,
}

#[derive(Serialize)]
struct Remote {
    version: String,
    stable: bool,
    installed: bool,
    /// go.dev publishes a checksum for this platform's archive (false: only `--allow-unverified`
    /// installs it).
    checksum: bool,
}

pub fn run(args: ListArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let access = access.with_source(super::source_of(args.source));
    if args.remote && access.source() == SourceKind::Proxy {
        remote_proxy(&home, &access, args.all, args.json)
    } else if args.remote {
        remote(&home, &access, args.all, args.json)
    } else {
        installed(&home, args.json)
    }
}

fn installed(home: &Home, json: bool) -> Result<(), Error> {
    let default = resolve::default_version(home)?;
    // A broken .go-version must not stop the listing; it just marks nothing active.
    let active = resolve::active_here(home)
        .ok()
        .and_then(|a| a.installed(home).ok());
    let mut drifts = Vec::new();
    let rows: Vec<Installed> = inventory::installed(home)
        .into_iter()
        .map(|v| {
            let drift = crate::import::drift(home, &v);
            let row = Installed {
                path: home.version_dir(&v).display().to_string(),
                active: active.as_ref() == Some(&v),
                default: default.as_ref() == Some(&v),
                imported: inventory::imported_from(home, &v).map(|p| p.display().to_string()),
                imported_tree_now: drift.as_ref().map(|d| d.now.clone().unwrap_or_default()),
                version: v.to_string(),
            };
            drifts.extend(drift.map(|d| (v, d)));
            row
        })
        .collect();
    // See: issue 22 item 10. Said on stderr too, with the fix, whatever the format.
    for (v, drift) in &drifts {
        crate::output::warn(format_args!(
            "{}; run `{}` to register it as what it holds",
            drift.describe(v),
            drift.fix()
        ));
    }
    if json {
        return super::print(&super::to_json(&rows));
    }
    if rows.is_empty() {
        crate::note!("No Go versions are installed; try `gover install latest`");
        return Ok(());
    }
    let mut out = String::new();
    for row in &rows {
        let marker = if row.active { "* " } else { "  " };
        let mut suffix = if row.default { " (default)" } else { "" }.to_string();
        match (&row.imported, &row.imported_tree_now) {
            (Some(tree), Some(now)) if now.is_empty() => suffix.push_str(&format!(
                " (imported from {tree}, which has no VERSION any more)"
            )),
            (Some(tree), Some(now)) => suffix.push_str(&format!(
                " (imported from {tree}, which now holds {})",
                crate::output::text::printable(now)
            )),
            (Some(tree), None) => suffix.push_str(&format!(" (imported from {tree})")),
            (None, _) => {}
        }
        out.push_str(&format!("{marker}{}{suffix}\n", row.version));
    }
    super::print(&out)
}

fn remote(home: &Home, access: &Access, all: bool, json: bool) -> Result<(), Error> {
    let loaded =
        cache::load_listing(home, access)?.expect("verified access always yields an index");
    // Offline and fallback use were announced by `load`; a cache hit within the TTL is told here.
    if let cache::Provenance::Cached {
        why: cache::CacheUse::Fresh,
        ..
    } = loaded.origin
        && let Some(note) = loaded.origin.describe()
    {
        crate::note!("Note: {note}");
    }
    let index = loaded.index;
    let rows: Vec<Remote> = index
        .listed(all)
        .into_iter()
        .map(|(v, release)| Remote {
            installed: inventory::is_installed(home, &v),
            stable: release.stable,
            checksum: !release.lacks_checksum(crate::source::dist::Platform::current()),
            version: v.to_string(),
        })
        .collect();
    print_remote(&rows, json)
}

/// `--source proxy`: the toolchain versions of this platform that GOPROXY's `@v/list` names
/// (unverified: the checksum database vouches for a zip when it is installed).
fn remote_proxy(home: &Home, access: &Access, all: bool, json: bool) -> Result<(), Error> {
    if access.offline {
        return Err(Error::Offline {
            what: "listing GOPROXY's toolchains needs the network".into(),
            hint: "`gover list` shows what is installed".into(),
        });
    }
    let proxies = Proxies::from_env(&GoEnv::load())?;
    let (mut versions, _) = proxies.list(Platform::current())?;
    versions.reverse();
    if !all {
        // Like the dist listing: the stable releases of the two newest minor lines. A custom
        // build (`1.21.13-bigcorp`) is the proxy owner's own and always shown.
        let mut lines: Vec<(u64, u64)> = versions
            .iter()
            .filter(|v| !v.is_prerelease() && v.is_release())
            .map(|v| v.minor_line())
            .collect();
        lines.dedup();
        lines.truncate(2);
        versions
            .retain(|v| !v.is_release() || (!v.is_prerelease() && lines.contains(&v.minor_line())));
    }
    let rows: Vec<Remote> = versions
        .into_iter()
        .map(|v| Remote {
            installed: inventory::is_installed(home, &v),
            stable: !v.is_prerelease(),
            // The checksum database vouches for every toolchain zip when it is installed.
            checksum: true,
            version: v.to_string(),
        })
        .collect();
    print_remote(&rows, json)
}

fn print_remote(rows: &[Remote], json: bool) -> Result<(), Error> {
    if json {
        return super::print(&super::to_json(&rows));
    }
    let mut out = String::new();
    for row in rows {
        let installed = if row.installed { " (installed)" } else { "" };
        let checksum = if row.checksum {
            ""
        } else {
            " (no checksum: --allow-unverified)"
        };
        out.push_str(&format!("{}{installed}{checksum}\n", row.version));
    }
    super::print(&out)
}
