//! `gover mirror sync DIR [SPEC…] [--platform …]`: build or top up a fleet mirror.

use crate::cli::{MirrorCommand, MirrorSyncArgs};
use crate::dist::{Access, Platform};
use crate::error::Error;
use crate::home::Home;
use crate::mirror;
use crate::version;

pub fn run(command: MirrorCommand, access: Access) -> Result<(), Error> {
    match command {
        MirrorCommand::Sync(args) => sync(args, access),
    }
}

fn sync(args: MirrorSyncArgs, access: Access) -> Result<(), Error> {
    let home = Home::from_env()?;
    let access = access.with_mirrors(&args.mirror);
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
    let index = crate::install::fetch_index(&home, &access)?;
    let wanted = mirror::select(&index, &requests, &platforms)?;
    let report = mirror::sync(&home, &args.dir, &wanted, &access)?;
    for name in &report.present {
        eprintln!("Already there: {name}");
    }
    eprintln!(
        "Synced {} archive(s) into {} ({} downloaded, {} already there); serve that directory \
         and point GOVER_INDEX_URL at <base>/index.json and GOVER_DIST_URL at <base>/",
        wanted.len(),
        args.dir.display(),
        report.downloaded.len(),
        report.present.len()
    );
    Ok(())
}
