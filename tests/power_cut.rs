//! Power cuts on a real ext4 filesystem (a loop device the test makes; see `common::loop_fs`):
//! what gover reported as done must still be there, whole, when the machine comes back.
//! Needs root; under `CI=true` a missing root or loop device fails these tests.
//!
//! See: issue 17 items 1 and 2.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::TestContext;
use common::loop_fs::LoopFs;
use common::release::{Entry, fake_entries, noise, targz, with_parents};
use common::{Release, walk};

/// A sandbox whose HOME, GOVER_HOME and project dir live on a fresh ext4 filesystem mounted
/// with `options`. `None` when the test cannot be root (it says why; CI fails instead).
fn sandbox(options: &str) -> Option<(TestContext, LoopFs)> {
    let ctx = TestContext::builder()
        .home("disk/home")
        .gover_home("disk/gover")
        .project("disk/project")
        .build();
    let disk = LoopFs::mount(&ctx.root.join("loop"), &ctx.root.join("disk"), options)?;
    // The mount hides the dirs the builder made; make them again on the new filesystem.
    fs::create_dir_all(&ctx.home).unwrap();
    fs::create_dir_all(&ctx.project).unwrap();
    Some((ctx, disk))
}

/// A release with a few hundred files (small ones go through the writer pool, the big one is
/// streamed), and every file's path below the version dir with its bytes.
fn many_files_release(version: &str) -> (Release, Vec<(String, Vec<u8>)>) {
    let mut entries = fake_entries(version);
    let mut extra = Vec::new();
    for i in 0..300u64 {
        let data = noise(1000 + (i as usize * 37) % 3000, i);
        extra.push(Entry::file(
            &format!("go/src/pkg{}/f{i}.go", i % 17),
            data,
            0o644,
        ));
    }
    extra.push(Entry::file("go/pkg/tool/big", noise(400_000, 99), 0o755));
    entries.extend(with_parents(extra));
    (
        Release::from_archive(version, targz(&entries)),
        files_of(&entries),
    )
}

/// Every regular file of `entries`: its path below the version dir, and its bytes.
fn files_of(entries: &[Entry]) -> Vec<(String, Vec<u8>)> {
    entries
        .iter()
        .filter_map(|e| match e {
            Entry::File { path, data, .. } => {
                Some((path.strip_prefix("go/").unwrap().to_owned(), data.clone()))
            }
            _ => None,
        })
        .collect()
}

fn assert_complete(dir: &Path, files: &[(String, Vec<u8>)]) {
    let mut damaged = Vec::new();
    for (path, data) in files {
        match fs::read(dir.join(path)) {
            Ok(bytes) if bytes == *data => {}
            Ok(bytes) => damaged.push(format!("{path}: {} of {} bytes", bytes.len(), data.len())),
            Err(e) => damaged.push(format!("{path}: {e}")),
        }
    }
    assert!(
        damaged.is_empty(),
        "{} of {} files damaged after the power cut, e.g. {:?}",
        damaged.len(),
        files.len(),
        &damaged[..damaged.len().min(5)]
    );
}

#[test]
fn an_installed_version_is_complete_after_a_power_cut() {
    let Some((ctx, disk)) = sandbox("") else {
        return;
    };
    let (release, files) = many_files_release("1.22.5");
    ctx.publish(release.clone());
    ctx.gover(["install", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("Installed Go 1.22.5");

    let after = disk.power_cut();
    let gover_home = after.path(disk.relative(&ctx.gover_home));
    let version_dir = gover_home.join("versions/1.22.5");
    assert!(
        version_dir.is_dir(),
        "the version reported installed is gone: {:?}",
        walk(&gover_home)
    );
    assert_complete(&version_dir, &files);
    assert_eq!(
        fs::read_link(gover_home.join("current")).unwrap(),
        Path::new("versions/1.22.5")
    );
    for tool in ["go", "gofmt"] {
        assert!(fs::read_link(gover_home.join("shims").join(tool)).is_ok());
    }
    // The download cache keeps only whole, verified archives.
    let cached = gover_home.join("cache/downloads").join(&release.filename);
    assert_eq!(fs::read(&cached).unwrap(), release.archive);
}

#[test]
fn a_mirror_sync_dir_is_whole_after_a_power_cut() {
    let Some((ctx, disk)) = sandbox("") else {
        return;
    };
    let release = Release::padded("1.22.5", 300_000);
    ctx.publish(release.clone());
    let dir = ctx.root.join("disk/fleet");
    ctx.gover_cmd(["mirror", "sync"])
        .arg(&dir)
        .arg("1.22.5")
        .run()
        .assert_success();

    let after = disk.power_cut();
    let fleet = after.path(disk.relative(&dir));
    let listed: serde_json::Value =
        serde_json::from_slice(&fs::read(fleet.join("index.json")).unwrap()).unwrap();
    assert_eq!(listed[0]["files"][0]["filename"], release.filename.as_str());
    let archive = fs::read(fleet.join(&release.filename)).unwrap();
    assert!(
        archive == release.archive,
        "index.json lists {} but after the power cut it holds {} of {} bytes",
        release.filename,
        archive.len(),
        release.archive.len()
    );
}

/// A release holding the same 200 small files as every other version this builds (what two
/// patch releases share), and its own VERSION.
fn shared_files_release(version: &str) -> (Release, Vec<(String, Vec<u8>)>) {
    let mut entries = fake_entries(version);
    entries.extend(with_parents((0..200u64).map(|i| {
        Entry::file(&format!("go/src/shared/f{i}.go"), noise(6000, i), 0o644)
    })));
    (
        Release::from_archive(version, targz(&entries)),
        files_of(&entries),
    )
}

/// Issue 22 item 1, as a power cut does it with no attacker: an install is cut off after its
/// files entered the store but before the flush that precedes publishing. On ext4 mounted
/// `data=writeback,nodelalloc`, the journal keeps the store entries' names, sizes, modes and
/// mtimes while their blocks come back zero-filled. The next install of a release sharing
/// those files must link none of them: every file it publishes holds the verified bytes, and
/// `doctor --store` names the zero-filled entries.
#[test]
fn store_entries_a_power_cut_zero_filled_are_never_linked() {
    let Some((ctx, disk)) = sandbox("data=writeback,nodelalloc") else {
        return;
    };
    let (first, _) = shared_files_release("1.22.5");
    let (second, files) = shared_files_release("1.22.6");
    ctx.publish(first);
    ctx.publish(second);
    let mut install = ctx
        .gover_cmd(["install", "1.22.5"])
        .env("GOVER_TEST_PAUSE_AT", "adopted")
        .spawn();
    install.wait_until_paused_at("adopted");
    let after = disk.power_cut_writable();
    install.child.kill().unwrap();
    install.child.wait().unwrap();

    let home = after.path(disk.relative(&ctx.home));
    let gover_home = after.path(disk.relative(&ctx.gover_home));
    let store = gover_home.join("store");
    let zeroed: Vec<_> = walk(&store)
        .into_iter()
        .filter(|p| p.is_file() && fs::read(p).unwrap().iter().all(|b| *b == 0))
        .collect();
    assert!(
        !zeroed.is_empty(),
        "the power cut left no zero-filled store entry; the test proves nothing"
    );
    let on_image = |args: &[&str]| {
        ctx.gover_cmd(args)
            .env("HOME", &home)
            .env("GOVER_HOME", &gover_home)
            .run()
    };
    on_image(&["install", "1.22.6"]).assert_success();
    assert_complete(&gover_home.join("versions/1.22.6"), &files);
    let doctor = on_image(&["doctor", "--store"]);
    let text = format!("{}{}", doctor.stdout, doctor.stderr);
    assert!(
        !text.contains("versions/1.22.6"),
        "1.22.6 shares a damaged entry:\n{doctor}"
    );
}

/// `mirror sync --layout goproxy`: after a power cut, `list` names only zips that are whole
/// (issue 22 item 6).
#[test]
fn a_goproxy_layout_mirror_is_whole_after_a_power_cut() {
    let Some((mut ctx, disk)) = sandbox("") else {
        return;
    };
    let zip = common::goproxy::fake_toolchain_zip("1.22.5", &ctx.root, &[]);
    let expected = fs::read(&zip.zip).unwrap();
    let proxy = common::goproxy::Goproxy::start(vec![zip]);
    proxy.configure(&mut ctx);
    let dir = ctx.root.join("disk/fleet");
    ctx.gover_cmd(["mirror", "sync", "--layout", "goproxy"])
        .arg(&dir)
        .arg("1.22.5")
        .run()
        .assert_success();

    let after = disk.power_cut();
    let at = after
        .path(disk.relative(&dir))
        .join(common::goproxy::MODULE)
        .join("@v");
    let mv = common::goproxy::module_version("1.22.5");
    assert_eq!(
        fs::read_to_string(at.join("list")).unwrap(),
        format!("{mv}\n")
    );
    let held = fs::read(at.join(format!("{mv}.zip"))).unwrap();
    assert!(
        held == expected,
        "list names {mv} but its zip holds {} of {} bytes",
        held.len(),
        expected.len()
    );
}

/// `setup` and `local` rewrite the user's files: after a power cut each is the old content or
/// the new, never empty, and the backup holds the old content with the original's mode. With
/// `noauto_da_alloc` ext4 does not flush a file renamed over another on its own.
fn edits_survive_a_power_cut(options: &str) {
    let Some((ctx, disk)) = sandbox(options) else {
        return;
    };
    ctx.publish(Release::fake("1.22.5"));
    let bashrc = ctx.write_home(".bashrc", "export TOKEN=secret\n");
    fs::set_permissions(&bashrc, fs::Permissions::from_mode(0o600)).unwrap();
    let go_version = ctx.write_go_version(&ctx.project, "1.21.0\n");
    // Everything so far is on disk, as a user's files would be.
    disk.sync();

    ctx.gover(["setup", "--shell", "bash"]).assert_success();
    ctx.gover(["local", "1.22.5"]).assert_success();

    let after = disk.power_cut();
    let home = after.path(disk.relative(&ctx.home));
    let text = fs::read_to_string(home.join(".bashrc")).unwrap();
    assert!(
        text.contains("export TOKEN=secret") && text.contains("# >>> gover >>>"),
        "~/.bashrc after the power cut: {text:?}"
    );
    let backups: Vec<_> = fs::read_dir(&home)
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".bashrc.gover-backup-")
        })
        .collect();
    assert_eq!(backups.len(), 1, "{:?}", walk(&home));
    assert_eq!(
        fs::read_to_string(backups[0].path()).unwrap(),
        "export TOKEN=secret\n",
        "the backup after the power cut"
    );
    assert_eq!(
        backups[0].metadata().unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        fs::read_to_string(after.path(disk.relative(&go_version))).unwrap(),
        "1.22.5\n",
        ".go-version after the power cut"
    );
}

#[test]
fn setup_and_local_edits_survive_a_power_cut() {
    edits_survive_a_power_cut("");
}

#[test]
fn setup_and_local_edits_survive_a_power_cut_with_noauto_da_alloc() {
    edits_survive_a_power_cut("noauto_da_alloc");
}
