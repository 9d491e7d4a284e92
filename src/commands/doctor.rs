//! `gover doctor [--json] [--strict] [--fix] [--store]`: run the checks, optionally apply the safe
//! repairs (then check again), and report. Exits 1 when an error remains, or with `--strict`
//! a warning.

use std::io::IsTerminal;

use crate::cli::DoctorArgs;
use crate::doctor::{self, Context, Repair, Severity, report};
use crate::error::Error;
use crate::go_env_file as goenv;
use crate::home::shims;
use crate::shell::setup;

pub fn run(args: DoctorArgs) -> Result<(), Error> {
    let mut ctx = Context::gather(true, args.store)?;
    let mut findings = doctor::run(&ctx);
    let mut fixed = Vec::new();
    if args.fix {
        let mut repairs: Vec<Repair> = Vec::new();
        for f in &findings {
            if let Some(r) = &f.fix.repair
                && !repairs.contains(r)
            {
                repairs.push(r.clone());
            }
        }
        for r in &repairs {
            fixed.extend(apply(&ctx, r)?);
        }
        for line in &fixed {
            crate::note!("fixed: {line}");
        }
        if fixed.is_empty() {
            crate::note!("nothing to fix automatically");
        } else {
            // Look again, so the report shows what is left.
            ctx = Context::gather(true, args.store)?;
            findings = doctor::run(&ctx);
        }
        this_shell_only(&ctx, &mut findings);
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let fails = errors > 0 || (args.strict && warnings > 0);
    let text = if args.json {
        report::json(&ctx, &findings, &fixed)
    } else {
        let terminal = std::io::stdout().is_terminal();
        report::human(
            &ctx,
            &findings,
            report::Layout {
                color: terminal && crate::env::var(crate::env::NO_COLOR).is_none(),
                width: terminal.then(terminal_width),
                // When doctor fails, its error line says the counts.
                summary: !fails,
            },
        )
    };
    super::print(&text)?;
    if fails {
        return Err(Error::DoctorFound {
            errors,
            warnings,
            strict: args.strict,
            fixable: findings.iter().filter(|f| f.fix.repair.is_some()).count(),
        });
    }
    Ok(())
}

/// With `--fix`, once every block is in place: what is wrong only with this process's PATH (the shims not on
/// it, or another `go` before them) is fixed for every new shell once the block is in place,
/// and no fix can reach the shell doctor runs in. Such findings stay reported, as warnings, so
/// `gover doctor --fix && …` goes on. See: issue 24, item 11.
fn this_shell_only(ctx: &Context, findings: &mut [doctor::Finding]) {
    if !ctx.setup_is_current() {
        return;
    }
    for f in findings
        .iter_mut()
        .filter(|f| matches!(f.id, "shims-not-on-path" | "path-go-shadowed"))
        .filter(|f| f.severity == Severity::Error)
    {
        f.severity = Severity::Warning;
        f.evidence.push(
            "new shells get the shims first (gover's block is in place); only this one keeps its PATH"
                .into(),
        );
    }
    findings.sort_by_key(|f| f.severity);
}

/// The terminal's width in columns (stdout's), else `$COLUMNS`, else 80.
fn terminal_width() -> usize {
    // SAFETY: `winsize` is four integers; all zeroes is a valid value.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    // SAFETY: TIOCGWINSZ writes one `winsize` into `size`, which outlives the call.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    if ok && size.ws_col > 0 {
        return usize::from(size.ws_col);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|c| *c > 0)
        .unwrap_or(80)
}

/// Apply one safe repair; returns a line per change made.
fn apply(ctx: &Context, repair: &Repair) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    match repair {
        Repair::Setup => {
            let targets = setup::targets(
                &ctx.home,
                &ctx.dirs,
                &ctx.setup_shells,
                setup::systemd_in_use(&ctx.dirs),
            );
            for e in setup::apply(&targets, &ctx.dirs)? {
                let backup = e
                    .backup_note()
                    .map(|b| format!(" ({b})"))
                    .unwrap_or_default();
                out.push(format!(
                    "wrote the gover block to {}{backup}",
                    e.path.display()
                ));
            }
        }
        Repair::GoEnvUnset { file, key } => {
            if let Some(e) = goenv::unset(file, key).map_err(Error::io("cannot edit", file))? {
                let backup = e
                    .backup_note()
                    .map(|b| format!(" ({b})"))
                    .unwrap_or_default();
                out.push(format!(
                    "go env -u {key}: removed it from {}{backup}",
                    file.display()
                ));
            }
        }
        Repair::EnsureShims => {
            for p in shims::ensure(&ctx.home)? {
                out.push(format!("repointed {}", p.display()));
            }
        }
        Repair::RemoveLink(link) => {
            let _lock = ctx.home.lock()?;
            std::fs::remove_file(link).map_err(Error::io("cannot remove", link))?;
            out.push(format!("removed the dangling link {}", link.display()));
        }
    }
    Ok(out)
}
