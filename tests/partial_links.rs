//! `.partial` files are never opened through a link planted under their name: not in
//! GOVER_HOME's download cache, not in a `mirror sync` DIR.
//!
//! See: issue 11 item 7 (and issue 17 item 3 for the mirror).

mod common;

use std::fs;
use std::os::unix::fs::symlink;

use common::{Release, TestContext};

#[test]
fn install_never_writes_through_a_planted_partial_link() {
    let ctx = TestContext::new();
    let release = Release::padded("1.22.5", 200_000);
    ctx.publish(release.clone());
    let victim = ctx.root.join("victim");
    fs::write(&victim, "precious\n").unwrap();
    let downloads = ctx.gover_home.join("cache/downloads");
    fs::create_dir_all(&downloads).unwrap();
    symlink(
        &victim,
        downloads.join(format!("{}.partial", release.filename)),
    )
    .unwrap();

    ctx.gover(["install", "1.22.5"]).assert_success();

    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    ctx.assert_installed_from("1.22.5", &release.archive);
}

#[test]
fn mirror_sync_never_writes_through_a_planted_partial_link() {
    let ctx = TestContext::new();
    let release = Release::padded("1.22.5", 200_000);
    ctx.publish(release.clone());
    let victim = ctx.root.join("victim");
    fs::write(&victim, "precious\n").unwrap();
    let dir = ctx.root.join("mirror-dir");
    fs::create_dir_all(&dir).unwrap();
    symlink(&victim, dir.join(format!("{}.partial", release.filename))).unwrap();

    ctx.gover_cmd(["mirror", "sync"])
        .arg(&dir)
        .arg("1.22.5")
        .run()
        .assert_success();

    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(
        fs::read(dir.join(&release.filename)).unwrap(),
        release.archive
    );
    assert!(!dir.join(format!("{}.partial", release.filename)).exists());
}
