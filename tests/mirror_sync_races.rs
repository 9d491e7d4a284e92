//! Two `gover mirror sync` runs into one DIR, as real concurrent processes: the second waits for
//! the first, and no run exits 0 while DIR holds an archive that does not verify.
//!
//! See: issue 17 item 3.

mod common;

use std::fs;

use common::procs::{exited, finish, flocks_on, wait_for};
use common::release::sha256_hex;
use common::{Fault, Gate, Release, TestContext};

const V: &str = "1.22.5";

#[test]
fn two_syncs_into_one_dir_leave_a_verified_archive_and_index() {
    let ctx = TestContext::new();
    let release = Release::padded(V, 2_000_000);
    ctx.publish(release.clone());
    let dir = ctx.root.join("fleet");
    fs::create_dir_all(&dir).unwrap();
    // The first download stops mid-body until `first` opens; a second download (what a sync
    // without a lock makes: it resumes the shared `.partial`) stops after some bytes of its own
    // until `second` opens, so the two writers interleave the way they did in the field.
    let (first, second) = (Gate::new(), Gate::new());
    ctx.mirror.script(
        &ctx.archive_path(V),
        [
            Fault::StallUntil(1_000_000, first.clone()),
            Fault::StallUntil(100_000, second.clone()),
        ],
    );
    let sync = || ctx.gover_cmd(["mirror", "sync"]).arg(&dir).arg(V).spawn();
    let a = sync();
    wait_for("the first sync's download", || {
        ctx.archive_requests(V).len() == 1
    });
    let mut b = sync();
    // The second sync either waits for the lock on DIR or is downloading too.
    wait_for("the second sync to wait or download", || {
        flocks_on(&dir).1 == 1 || ctx.archive_requests(V).len() == 2 || exited(&mut b)
    });
    first.open();
    let a = finish(a, "the first sync");
    second.open();
    let b = finish(b, "the second sync");

    // The field failure first: a run that exits 0 with an archive in DIR that does not verify.
    let archive = fs::read(dir.join(&release.filename)).unwrap_or_default();
    for run in [&a, &b] {
        assert!(
            !run.status.success() || sha256_hex(&archive) == release.sha256,
            "{run}\nexited 0, but DIR holds {} bytes that do not verify (the index says {})",
            archive.len(),
            release.size
        );
    }
    a.assert_success();
    b.assert_success();
    let index: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("index.json")).unwrap()).unwrap();
    let listed = &index[0]["files"][0];
    assert_eq!(listed["sha256"], release.sha256.as_str());
    assert_eq!(listed["filename"], release.filename.as_str());
    assert_eq!(ctx.archive_requests(V).len(), 1, "one download for both");
    assert!(!dir.join(format!("{}.partial", release.filename)).exists());
}
