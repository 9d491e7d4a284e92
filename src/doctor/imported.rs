//! `imported-tree-changed`: an imported version (`gover import`) whose tree's `VERSION` no
//! longer names it: the tree was upgraded or replaced in place (`apt upgrade`, `rm -rf
//! /usr/local/go && tar x`), so `go` run as that version is another release.

use super::{Context, Finding, Fix, Severity};
use crate::home::inventory;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let Ok(entries) = std::fs::read_dir(ctx.home.versions_dir()) else {
        return Vec::new();
    };
    let mut versions: Vec<_> = entries
        .flatten()
        .filter_map(|e| crate::version::GoVersion::parse(e.file_name().to_str()?).ok())
        .collect();
    versions.sort();
    versions
        .into_iter()
        .filter_map(|v| {
            let drift = crate::import::drift(&ctx.home, &v)?;
            let version_file = drift.tree.join("VERSION");
            let says = match &drift.now {
                Some(now) => format!(
                    "{}: {}",
                    version_file.display(),
                    crate::output::text::printable(now)
                ),
                None => format!("{}: missing", version_file.display()),
            };
            Some(Finding {
                id: "imported-tree-changed",
                severity: Severity::Warning,
                title: drift.describe(&v),
                evidence: vec![
                    format!(
                        "{} -> {}",
                        ctx.home.version_dir(&v).display(),
                        drift.tree.display()
                    ),
                    says,
                    format!(
                        "installed: {}",
                        if inventory::is_installed(&ctx.home, &v) {
                            "yes (its bin/go runs whatever the tree holds now)"
                        } else {
                            "no (no bin/go)"
                        }
                    ),
                ],
                fix: Fix::manual(
                    "import the tree again: it is registered as what it holds now, and the stale \
                     name is removed (a project pinned to the old version then says it is not \
                     installed)",
                    Some(drift.fix()),
                ),
            })
        })
        .collect()
}
