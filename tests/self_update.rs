//! `gover self update`: a release tarball made here (as scripts/release.sh lays it out) served
//! on loopback, fetched and checked against its `.sha256`, both binaries replaced by rename,
//! for the installer's layout and cargo's. See: issue 24, item 2.

mod common;

use std::path::{Path, PathBuf};

use common::gover_release::target;
use common::{Fault, Release, TestContext, gover_exe, shim_exe};

const NEW: &str = "9.9.9";

/// `dir/gover-<version>-<target>.tar.gz` holding `entries` (name under the top dir, bytes,
/// mode), with its `.sha256`.
fn write_tarball(dir: &Path, version: &str, entries: &[(&str, Vec<u8>, u32)]) {
    let top = format!("gover-{version}-{}", target());
    let name = format!("{top}.tar.gz");
    let file = std::fs::File::create(dir.join(&name)).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    for (entry, bytes, mode) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(*mode);
        header.set_cksum();
        tar.append_data(&mut header, format!("{top}/{entry}"), bytes.as_slice())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    let sum = common::release::sha256_hex(&std::fs::read(dir.join(&name)).unwrap());
    std::fs::write(
        dir.join(format!("{name}.sha256")),
        format!("{sum}  {name}\n"),
    )
    .unwrap();
}

/// A release as scripts/release.sh lays it out (`<top>/gover`, `<top>/gover-shim`: the
/// binaries under test, and a README), with `VERSION`, in a new dir served at `/new/`.
fn serve_release(ctx: &TestContext, version: &str) -> PathBuf {
    let dir = ctx.root.join("new-release");
    std::fs::create_dir_all(&dir).unwrap();
    let read = |p: PathBuf| std::fs::read(p).unwrap();
    write_tarball(
        &dir,
        version,
        &[
            ("gover-shim", read(shim_exe()), 0o755),
            ("gover", read(gover_exe()), 0o755),
            ("README.md", b"gover\n".to_vec(), 0o644),
        ],
    );
    std::fs::write(dir.join("VERSION"), format!("{version}\n")).unwrap();
    ctx.mirror.serve_dir("/new/", &dir);
    dir
}

/// Both binaries in `bin`, each with a few bytes appended (still runnable: an ELF file ignores
/// trailing bytes), so a test can tell the old pair from the new one.
fn place_old_binaries(bin: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    for exe in [gover_exe(), shim_exe()] {
        let mut bytes = std::fs::read(&exe).unwrap();
        bytes.extend_from_slice(b"old gover");
        let to = bin.join(exe.file_name().unwrap());
        std::fs::write(&to, bytes).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

fn is_new(bin: &Path) -> bool {
    std::fs::read(bin.join("gover")).unwrap() == std::fs::read(gover_exe()).unwrap()
        && std::fs::read(bin.join("gover-shim")).unwrap() == std::fs::read(shim_exe()).unwrap()
}

fn is_old(bin: &Path) -> bool {
    ["gover", "gover-shim"]
        .iter()
        .all(|n| std::fs::read(bin.join(n)).unwrap().ends_with(b"old gover"))
}

fn names(dir: &Path) -> Vec<String> {
    common::context::ls(dir)
}

/// `dash -c '<bin>/gover self update ARGS'`, as a user would type it.
fn self_update(ctx: &TestContext, bin: &Path, args: &str) -> common::Outcome {
    let line = format!("'{}' self update {args}", bin.join("gover").display());
    ctx.command("dash")
        .args(["-c", &line])
        .env("GOVER_INSTALL_URL", ctx.mirror.url("/new"))
        .env("PATH", "/usr/bin:/bin")
        .run()
}

#[test]
fn self_update_replaces_both_binaries_in_the_installer_layout_and_cargo_s() {
    for layout in [".gover/bin", ".cargo/bin"] {
        let ctx = TestContext::builder()
            .env_remove("GOVER_HOME")
            .env("TERM", "dumb")
            .build();
        let bin = ctx.home.join(layout);
        place_old_binaries(&bin);
        ctx.publish(Release::fake("1.22.5"));
        ctx.command(bin.join("gover"))
            .args(["install", "1.22.5"])
            .run()
            .assert_success();
        serve_release(&ctx, NEW);

        let out = self_update(&ctx, &bin, "");

        out.assert_success();
        out.assert_stderr_contains(&format!(
            "Updated gover {} -> {NEW} in {}",
            common::gover_release::version(),
            bin.display()
        ));
        assert!(is_new(&bin), "{layout}: both replaced\n{out}");
        assert_eq!(
            names(&bin),
            ["gover", "gover-shim"],
            "no temporary files left"
        );
        assert_eq!(ctx.mirror.gets("/new/VERSION"), 1);
        // The shims still run Go through the new gover-shim, and the new gover runs.
        ctx.shim("go", ["version"])
            .assert_success()
            .assert_stdout_contains("go1.22.5");
        ctx.command(bin.join("gover"))
            .args(["--version"])
            .run()
            .assert_success();
    }
}

#[test]
fn self_update_with_version_fetches_that_release_without_asking_for_the_latest() {
    let ctx = TestContext::builder().env("TERM", "dumb").build();
    let bin = ctx.root.join("bin");
    place_old_binaries(&bin);
    serve_release(&ctx, NEW);

    self_update(&ctx, &bin, &format!("--version {NEW}")).assert_success();

    assert_eq!(ctx.mirror.hits("/new/VERSION"), 0);
    assert!(is_new(&bin));
}

#[test]
fn self_update_replaces_nothing_when_the_tarball_does_not_match_its_sha256() {
    let ctx = TestContext::builder().env("TERM", "dumb").build();
    let bin = ctx.root.join("bin");
    place_old_binaries(&bin);
    serve_release(&ctx, NEW);
    let tarball = format!("/new/gover-{NEW}-{}.tar.gz", target());
    ctx.mirror.inject(
        &tarball,
        Fault::WrongBytes(Release::fake("1.22.5").archive.into()),
    );

    let out = self_update(&ctx, &bin, "");

    out.assert_fails(6, "checksum mismatch");
    out.assert_stderr_contains("hint: ");
    assert_nothing_replaced(&bin, &out);
}

/// Both old binaries are still there, and no temporary file is left beside them.
#[track_caller]
fn assert_nothing_replaced(bin: &std::path::Path, out: &common::Outcome) {
    assert!(is_old(bin), "nothing replaced\n{out}");
    assert_eq!(
        names(bin),
        ["gover", "gover-shim"],
        "no temporary files left"
    );
}

#[test]
fn self_update_refuses_a_tarball_without_both_binaries() {
    let ctx = TestContext::builder().env("TERM", "dumb").build();
    let bin = ctx.root.join("bin");
    place_old_binaries(&bin);
    let dir = serve_release(&ctx, NEW);
    // A tarball with a `gover` but no `gover-shim`, and its correct checksum.
    write_tarball(&dir, NEW, &[("gover", b"abc".to_vec(), 0o755)]);

    let out = self_update(&ctx, &bin, "");

    out.assert_fails(6, "gover-shim");
    assert_nothing_replaced(&bin, &out);
}

#[test]
fn self_update_to_the_running_release_is_a_note_and_downloads_nothing() {
    let ctx = TestContext::builder().env("TERM", "dumb").build();
    let bin = ctx.root.join("bin");
    place_old_binaries(&bin);
    serve_release(&ctx, &common::gover_release::version());

    let out = self_update(&ctx, &bin, "");

    out.assert_success()
        .assert_stderr_contains("is already that release");
    assert!(is_old(&bin));
    assert_eq!(
        ctx.mirror
            .gets(&format!("/new/{}", common::gover_release::tarball_name())),
        0
    );
}

#[test]
fn self_update_refuses_plain_http_off_loopback_and_a_hostile_version() {
    let ctx = TestContext::builder().env("TERM", "dumb").build();
    let bin = ctx.root.join("bin");
    place_old_binaries(&bin);
    let out = ctx
        .command(bin.join("gover"))
        .args(["self", "update"])
        .env("GOVER_INSTALL_URL", "http://example.com/rel")
        .run();
    out.assert_fails(2, "not https");

    let dir = serve_release(&ctx, NEW);
    std::fs::write(dir.join("VERSION"), "../../etc/passwd\n").unwrap();
    self_update(&ctx, &bin, "").assert_fails(2, "not a gover version");
    assert!(is_old(&bin));
}
