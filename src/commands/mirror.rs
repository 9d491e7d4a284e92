//! `gover mirror sync DIR [SPEC…] [--platform …]`: build or top up a fleet mirror.

use crate::cli::{LayoutArg, MirrorCommand, MirrorSyncArgs};
use crate::error::Error;
use crate::home::Home;
use crate::mirror::dist as mirror;
use crate::source::dist::{Access, Platform, SourceKind};
use crate::version;

pub fn run(command: MirrorCommand, access: Access) -> Result<(), Error> {
    match command {
        MirrorCommand::Sync(args) => sync(args, access),
    }
}

fn sync(args: MirrorSyncArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let access = access
        .with_mirrors(&args.mirror)
        .with_source(super::source_of(args.source));
    let requests = args
        .specs
        .iter()
        .map(|s| version::parse_request(s))
        .collect::<Result<Vec<_>, _>>()?;
    let platforms = if args.platform.is_empty() {
        vec![Platform::current()]
    } else {
        args.platform
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| mirror::parse_platform(p))
            .collect::<Result<Vec<_>, _>>()?
    };
    if args.layout == LayoutArg::Goproxy {
        return sync_goproxy(&home, &args, &requests, &platforms, &access);
    }
    if access.source() == SourceKind::Proxy {
        crate::note!(
            "note: a go.dev-layout mirror is built from go.dev's index and archives; \
             `--layout goproxy` builds one from GOPROXY"
        );
    }
    let index = crate::install::fetch_index(&home, &access)?;
    let wanted = mirror::select(&index, &requests, &platforms)?;
    let report = mirror::sync(&home, &args.dir, &wanted, &access)?;
    for name in &report.present {
        crate::note!("Already there: {name}");
    }
    crate::note!(
        "Synced {} archive(s) into {} ({} downloaded, {} already there); serve that directory \
         and point GOVER_INDEX_URL at <base>/index.json and GOVER_DIST_URL at <base>/",
        wanted.len(),
        args.dir.display(),
        report.downloaded.len(),
        report.present.len()
    );
    Ok(())
}

/// `--layout goproxy`: module zips from GOPROXY, checked against the checksum database.
fn sync_goproxy(
    home: &Home,
    args: &MirrorSyncArgs,
    requests: &[crate::version::VersionRequest],
    platforms: &[Platform],
    access: &Access,
) -> Result<(), Error> {
    if access.source_flag == Some(SourceKind::Dist) {
        return Err(crate::source::goproxy::GoproxyError::LayoutNeedsProxy.into());
    }
    let report = crate::mirror::goproxy::sync(home, &args.dir, requests, platforms, access)?;
    for name in &report.present {
        crate::note!("Already there: {name}");
    }
    crate::note!(
        "Synced {} toolchain(s) into {} ({} downloaded, {} already there); serve that directory \
         and point GOPROXY at it (or use GOPROXY=file://{})",
        report.downloaded.len() + report.present.len(),
        args.dir.display(),
        report.downloaded.len(),
        report.present.len(),
        args.dir.display(),
    );
    if let Some(db) = &report.sumdb {
        crate::note!(
            "Checksum database: tree head of {} records, {} lookup(s), {} new tile(s), {} earlier \
             head(s) proved, under {}/sumdb/; clients whose GOSUMDB names no URL verify from \
             the mirror alone",
            db.size,
            db.lookups,
            db.tiles,
            db.heads,
            args.dir.display(),
        );
    }
    Ok(())
}
