//! `active-version`: gover has a version to run here, and it is installed.

use super::{Context, Finding, Fix, Severity};

pub fn check(ctx: &Context) -> Vec<Finding> {
    match (&ctx.active, &ctx.active_version) {
        (Err(why), _) => vec![Finding {
            id: "active-version",
            severity: Severity::Warning,
            title: "no Go version is active, so the shims have nothing to run".into(),
            evidence: vec![why.clone()],
            fix: Fix::manual("install one", Some("gover install latest".into())),
        }],
        (Ok(a), None) => vec![Finding {
            id: "active-version",
            severity: Severity::Error,
            title: format!(
                "Go {} is asked for ({}) but not installed",
                a.request, a.source
            ),
            evidence: vec![format!(
                "nothing under {} matches",
                ctx.home.versions_dir().display()
            )],
            fix: Fix::manual("install it", Some(format!("gover install {}", a.request))),
        }],
        _ => Vec::new(),
    }
}
