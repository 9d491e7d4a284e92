//! `stale-link`: gover's own shims and `current` pointing nowhere, and SDK links such as
//! `/usr/local/go` (or any Go dir on PATH reached through a link) that dangle. `sdk-link`: such
//! a link to an SDK that exists but holds a different release than gover runs (not stale: it
//! works, it is just another Go).

use std::path::{Path, PathBuf};

use super::{Context, Finding, Fix, Repair, Severity};
use crate::home::SHIMMED_TOOLS;
use crate::home::inventory;
use crate::link;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    gover_links(ctx, &mut out);
    sdk_links(ctx, &mut out);
    out
}

fn gover_links(ctx: &Context, out: &mut Vec<Finding>) {
    let home = &ctx.home;
    if !inventory::installed(home).is_empty() {
        let broken: Vec<String> = SHIMMED_TOOLS
            .iter()
            .map(|t| ctx.shims.join(t))
            .filter(|p| !p.exists())
            .map(|p| match link::read_link(&p) {
                Some(target) => format!("{} -> {} (missing)", p.display(), target.display()),
                None => format!("{} does not exist", p.display()),
            })
            .collect();
        if !broken.is_empty() {
            out.push(Finding {
                id: "stale-link",
                severity: Severity::Warning,
                title: "gover's shims are missing or point at a gover-shim that is gone".into(),
                evidence: broken,
                fix: Fix::safe(
                    "repoint the shims at the gover-shim beside this gover",
                    Repair::EnsureShims,
                ),
            });
        }
    }
    let current = home.current_link();
    if link::is_symlink(&current) && !current.join("bin").join("go").is_file() {
        let target = link::read_link(&current).unwrap_or_default();
        let next = inventory::installed(home).pop();
        let then = match &next {
            Some(v) => format!("; then `gover use {v}` to choose a new default"),
            None => String::new(),
        };
        out.push(Finding {
            id: "stale-link",
            severity: Severity::Warning,
            title: "gover's `current` link points at a version that is not installed".into(),
            evidence: vec![format!("{} -> {}", current.display(), target.display())],
            fix: Fix::safe(
                format!("remove the dangling link{then}"),
                Repair::RemoveLink(current),
            ),
        });
    }
}

/// The SDK root a PATH entry belongs to: `/usr/local/go` for `/usr/local/go/bin`.
fn sdk_root(entry: &str) -> Option<PathBuf> {
    let p = Path::new(entry);
    (p.is_absolute() && p.file_name()? == "bin").then(|| p.parent().map(Path::to_path_buf))?
}

fn sdk_links(ctx: &Context, out: &mut Vec<Finding>) {
    let mut roots: Vec<(PathBuf, Option<&str>)> = ctx
        .entries()
        .into_iter()
        .filter_map(|e| sdk_root(e).map(|r| (r, Some(e))))
        .collect();
    let usr_local_go = PathBuf::from("/usr/local/go");
    if !roots.iter().any(|(r, _)| *r == usr_local_go) {
        roots.push((usr_local_go, None));
    }
    let mut seen = Vec::new();
    for (root, entry) in roots {
        if seen.contains(&root) || root.starts_with(ctx.home.root()) || !link::is_symlink(&root) {
            continue;
        }
        seen.push(root.clone());
        let target = link::read_link(&root).unwrap_or_default();
        if !crate::prune::system::is_go_link(&root, &target) {
            continue;
        }
        let go = root.join("bin").join("go");
        let mut evidence = vec![format!("{} -> {}", root.display(), target.display())];
        if let Some(e) = entry {
            evidence.push(format!("`{e}` is on PATH"));
            evidence.extend(ctx.lines_adding(e));
        }
        let command = Some(format!("rm {}", crate::prune::system::shell_quote(&root)));
        if !root.exists() {
            out.push(Finding {
                id: "stale-link",
                severity: Severity::Warning,
                title: format!("{} points at a release that is gone", root.display()),
                evidence,
                fix: Fix::manual(
                    "remove the link (`gover prune --system` does, after asking) and take it off \
                     PATH; gover's shims replace it",
                    command,
                ),
            });
            continue;
        }
        let version = ctx.go_version(&go);
        let active = ctx.active_version.as_ref().map(|v| v.to_string());
        if version.is_some() && active.is_some() && version != active {
            evidence.push(format!(
                "it holds go{}; gover runs {}",
                version.unwrap_or_default(),
                ctx.active_label()
            ));
            // See: issue 24, item 10: a working link is not stale.
            out.push(Finding {
                id: "sdk-link",
                severity: Severity::Warning,
                title: format!(
                    "{} links to a different Go release than gover runs",
                    root.display()
                ),
                evidence,
                fix: Fix::manual(
                    "remove the link (`gover prune --system` does, after asking) and take it off \
                     PATH; gover's shims replace it",
                    command,
                ),
            });
        }
    }
}
