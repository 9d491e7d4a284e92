//! Modes under a lenient umask: `umask 000` must not make GOVER_HOME or a GOROOT writable by
//! other users.
//!
//! See: issue 17 item 6.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use common::release::{Entry, fake_entries, targz, with_parents};
use common::{Release, TestContext, gover_exe, walk};

/// `gover ARGS…` run by `sh` after `umask 000`.
fn gover_umask_000(ctx: &TestContext, args: &[&str]) -> common::Outcome {
    ctx.command("/bin/sh")
        .arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(gover_exe())
        .args(args)
        .run()
}

/// Every file or dir under `dir` (links aside) that group or others may write, with its mode.
fn group_or_world_writable(dir: &std::path::Path) -> Vec<String> {
    let mut too_open = Vec::new();
    for path in walk(dir) {
        let meta = fs::symlink_metadata(&path).unwrap();
        if meta.file_type().is_symlink() {
            continue;
        }
        let mode = meta.permissions().mode() & 0o7777;
        if mode & 0o022 != 0 {
            too_open.push(format!("{:o} {}", mode, path.display()));
        }
    }
    too_open
}

#[test]
fn nothing_gover_creates_is_group_or_world_writable_under_umask_000() {
    let ctx = TestContext::new();
    // Archive modes that are themselves too open: gover masks them by 022.
    let mut entries = fake_entries("1.22.5");
    entries.extend(with_parents([
        Entry::file("go/lib/open-file", "x", 0o666),
        Entry::file("go/lib/open-tool", "#!/bin/sh\n", 0o777),
    ]));
    ctx.publish(Release::from_archive("1.22.5", targz(&entries)));

    gover_umask_000(&ctx, &["install", "1.22.5"]).assert_success();
    gover_umask_000(&ctx, &["local", "1.22.5"]).assert_success();

    let home_mode = fs::metadata(&ctx.gover_home).unwrap().permissions().mode() & 0o7777;
    assert_eq!(home_mode, 0o700, "GOVER_HOME created by gover");
    let too_open = group_or_world_writable(&ctx.gover_home);
    assert!(too_open.is_empty(), "group/world-writable: {too_open:#?}");
    let version = ctx.version_dir("1.22.5");
    let mode = |rel: &str| {
        fs::metadata(version.join(rel))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode(""), 0o755, "the GOROOT itself");
    assert_eq!(mode("bin"), 0o755);
    assert_eq!(mode("bin/go"), 0o755);
    assert_eq!(mode("lib/open-file"), 0o644);
    assert_eq!(mode("lib/open-tool"), 0o755);
    assert_eq!(
        fs::metadata(ctx.project.join(".go-version"))
            .unwrap()
            .permissions()
            .mode()
            & 0o7777,
        0o644
    );
}

#[test]
fn an_existing_gover_home_keeps_its_mode() {
    let ctx = TestContext::new();
    ctx.publish(Release::fake("1.22.5"));
    fs::create_dir_all(&ctx.gover_home).unwrap();
    fs::set_permissions(&ctx.gover_home, fs::Permissions::from_mode(0o750)).unwrap();
    gover_umask_000(&ctx, &["install", "1.22.5"]).assert_success();
    assert_eq!(
        fs::metadata(&ctx.gover_home).unwrap().permissions().mode() & 0o7777,
        0o750
    );
}

/// The same for a toolchain from GOPROXY (issue 22 item 7): a module zip carries no modes, so
/// every GOROOT dir and the checksum database's `sumdb/<name>/` are gover's to make, 0755 and
/// 0700-or-stricter whatever the umask.
#[test]
fn a_proxy_install_under_umask_000_leaves_nothing_group_or_world_writable() {
    let mut ctx = TestContext::new();
    let zip = common::goproxy::fake_toolchain_zip("1.22.5", &ctx.root, &[]);
    let proxy = common::goproxy::Goproxy::start(vec![zip]);
    proxy.configure(&mut ctx);
    gover_umask_000(&ctx, &["install", "1.22.5"]).assert_success();
    let too_open = group_or_world_writable(&ctx.gover_home);
    assert!(too_open.is_empty(), "group/world-writable: {too_open:#?}");
    assert!(
        walk(&ctx.gover_home.join("sumdb"))
            .iter()
            .any(|p| p.is_dir()),
        "the database's tree head is kept under sumdb/"
    );
    let mode = fs::metadata(ctx.version_dir("1.22.5").join("bin"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o7777, 0o755);
}
