//! `setup-block-outdated`: a gover block that differs from what `gover setup` writes now
//! (an older gover, or a `GOVER_HOME` that moved).

use super::{Context, Finding, Fix, Repair, Severity};
use crate::edit;
use crate::shell::block;
use crate::shell::setup;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let systemd = setup::systemd_in_use(&ctx.dirs);
    let old = ctx.dirs.old_systemd_env_file();
    let mut stale: Vec<String> = setup::targets(&ctx.home, &ctx.dirs, &ctx.setup_shells, systemd)
        .into_iter()
        .filter(|t| {
            edit::read_optional(&t.path)
                .ok()
                .flatten()
                .and_then(|text| block::body(&text).map(|b| b != t.body))
                .unwrap_or(false)
        })
        .map(|t| format!("{} has an old gover block", t.path.display()))
        .collect();
    if edit::read_optional(&old)
        .ok()
        .flatten()
        .is_some_and(|t| block::find(&t).is_some())
    {
        stale.push(format!(
            "{} is the old name: files sorting after it can put another Go first",
            old.display()
        ));
    }
    if stale.is_empty() {
        return Vec::new();
    }
    vec![Finding {
        id: "setup-block-outdated",
        severity: Severity::Warning,
        title: "gover's setup block is out of date".into(),
        evidence: stale,
        fix: Fix::safe("rewrite the blocks (`gover setup`)", Repair::Setup),
    }]
}
