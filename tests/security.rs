//! The trust boundary (issue 11): every test feeds gover a real hostile input on loopback (an
//! index, an archive, a proxy, a broken tool, a setting) and checks that it is refused with
//! the documented exit code, that nothing outside the sandbox changed, and that nothing is left
//! behind in GOVER_HOME.

mod common;

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use flate2::Compression;
use flate2::write::GzEncoder;

use common::release::{Entry, archive_name, fake_entries, host_platform, targz};
use common::{Mirror, Release, TestContext};

const V: &str = "1.22.5";

/// The index, served by `ctx`'s mirror, listing one release `go{V}` whose archive for this host
/// is `filename` with the given sha256 and size.
fn serve_index_entry(ctx: &TestContext, filename: &str, sha256: &str, size: u64) {
    let (os, arch) = host_platform();
    let index = serde_json::json!([{
        "version": format!("go{V}"), "stable": true,
        "files": [{
            "filename": filename, "os": os, "arch": arch, "version": format!("go{V}"),
            "sha256": sha256, "size": size, "kind": "archive",
        }],
    }]);
    ctx.mirror
        .serve_bytes("/index.json", index.to_string().into_bytes());
}

/// A file outside GOVER_HOME that a hostile input aims at.
fn victim(ctx: &TestContext) -> PathBuf {
    let path = ctx.root.join("victim.txt");
    std::fs::write(&path, "original\n").unwrap();
    path
}

#[track_caller]
fn assert_untouched(victim: &Path) {
    assert_eq!(std::fs::read_to_string(victim).unwrap(), "original\n");
    assert_eq!(std::fs::metadata(victim).unwrap().nlink(), 1, "hard-linked");
}

// See: issue 11, item 1.
#[test]
fn index_filenames_that_would_leave_the_cache_are_refused() {
    let ctx = TestContext::new();
    let victim = victim(&ctx);
    let good = Release::fake(V);
    let climb = format!(
        "{}{}",
        "../".repeat(20),
        victim.to_str().unwrap().trim_start_matches('/')
    );
    for filename in [
        climb.as_str(),
        victim.to_str().unwrap(),
        "..",
        ".hidden.tar.gz",
    ] {
        // The hostile name is served with the archive's true checksum, so only the name is wrong.
        serve_index_entry(&ctx, filename, &good.sha256, good.size);
        ctx.mirror.serve_bytes(
            &format!("/{}", filename.trim_start_matches('/')),
            good.archive.clone(),
        );
        let run = ctx.gover(["install", V]);
        run.assert_fails(6, "unsafe name");
        assert!(run.stderr.contains("filename of a go1.22.5 file"), "{run}");
        assert_untouched(&victim);
        ctx.assert_nothing_installed();

        // `mirror sync DIR` reads the same index: nothing is written outside DIR, or in it.
        let dir = ctx.root.join("mirror-dir");
        ctx.gover(["mirror", "sync", dir.to_str().unwrap(), V])
            .assert_fails(6, "unsafe name");
        assert_untouched(&victim);
        assert!(!dir.join("index.json").exists());
    }
}

// See: issue 11, item 1.
#[test]
fn an_archive_not_named_like_a_go_release_is_refused() {
    let ctx = TestContext::new();
    let good = Release::fake(V);
    // A single safe component, but not `go<version>.<os>-<arch>.tar.gz`.
    serve_index_entry(&ctx, "authorized_keys", &good.sha256, good.size);
    ctx.mirror
        .serve_bytes("/dl/authorized_keys", good.archive.clone());
    ctx.gover(["install", V])
        .assert_fails(6, "it is not named <version>.<os>-<arch>");
    let dir = ctx.root.join("mirror-dir");
    ctx.gover(["mirror", "sync", dir.to_str().unwrap(), V])
        .assert_fails(6, "authorized_keys");
    assert!(!dir.join("authorized_keys").exists());
    ctx.assert_nothing_installed();
}

/// Replace `versions/V/bin/go` with `bytes` (still executable).
fn break_go(ctx: &TestContext, bytes: &[u8]) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let go = ctx.tool_path(V, "go");
    std::fs::remove_file(&go).unwrap();
    std::fs::write(&go, bytes).unwrap();
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    go
}

// See: issue 11, item 2.
#[test]
fn an_unexecutable_go_fails_with_126_and_never_runs_through_sh() {
    let ctx = TestContext::with_releases(&[V]);
    ctx.install(V);
    let elf = std::fs::read("/bin/true").unwrap();
    // A file the shell would happily run: `go build` "succeeding" would print this.
    let text = b"echo RAN-UNDER-SH\nexit 0\n".to_vec();
    for (what, bytes) in [
        ("empty", Vec::new()),
        ("text without #!", text),
        ("truncated ELF", elf[..200].to_vec()),
    ] {
        let go = break_go(&ctx, &bytes);
        let shim = ctx.shim("go", ["build", "./..."]);
        shim.assert_exit(126);
        assert!(!shim.stdout.contains("RAN-UNDER-SH"), "{what}: {shim}");
        let lines: Vec<&str> = shim.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{what}: one line\n{shim}");
        assert!(lines[0].contains(go.to_str().unwrap()), "{what}: {shim}");
        assert!(
            lines[0].contains(&format!("gover install --force {V}")),
            "{what}: {shim}"
        );

        let exec = ctx.gover(["exec", V, "--", "go", "vet"]);
        exec.assert_fails(126, go.to_str().unwrap());
        assert!(!exec.stdout.contains("RAN-UNDER-SH"), "{what}: {exec}");
        exec.assert_stderr_contains(&format!("gover install --force {V}"));
    }
    // The hint works: --force replaces the damaged install with a verified one.
    ctx.gover(["install", "--force", V]).assert_success();
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains(&format!("go{V}"));
    ctx.assert_no_leftovers();
}

// See: issue 22, item 11. `gover install V` of an install whose `bin/go` cannot run is not
// "already installed": it says the install is damaged and how to repair it.
#[test]
fn install_of_a_damaged_version_says_so_instead_of_already_installed() {
    use std::os::unix::fs::PermissionsExt;
    let ctx = TestContext::with_releases(&[V]);
    ctx.install(V);
    let elf = std::fs::read("/bin/true").unwrap();
    let script = std::fs::read(ctx.tool_path(V, "go")).unwrap();
    for (what, bytes, mode) in [
        ("empty", Vec::new(), 0o755),
        ("text without #!", b"echo hi\n".to_vec(), 0o755),
        ("ELF cut in its program headers", elf[..200].to_vec(), 0o755),
        ("ELF cut in a segment", elf[..elf.len() / 2].to_vec(), 0o755),
        ("not executable", script.clone(), 0o644),
    ] {
        let go = break_go(&ctx, &bytes);
        std::fs::set_permissions(&go, std::fs::Permissions::from_mode(mode)).unwrap();
        let out = ctx.gover(["install", V]);
        out.assert_fails(126, &format!("Go {V} is installed but damaged"));
        out.assert_stderr_contains(go.to_str().unwrap())
            .assert_stderr_contains(&format!("gover install --force {V}"))
            .assert_stderr_lacks("already installed");
        // It really cannot run: refused by the kernel (126), or, cut in a segment, loaded and
        // then killed by SIGSEGV.
        let shim = ctx.shim("go", ["version"]);
        assert_ne!(shim.code(), Some(0), "{what}: {shim}");
    }
    // A whole one, ELF or script, is already installed.
    for bytes in [elf, script] {
        break_go(&ctx, &bytes);
        ctx.gover(["install", V])
            .assert_success()
            .assert_stderr_contains("already installed");
    }
    ctx.gover(["install", "--force", V]).assert_success();
    ctx.shim("go", ["version"]).assert_success();
}

// See: issue 11, item 2.
#[test]
fn install_force_reinstalls_only_when_asked() {
    let ctx = TestContext::with_releases(&[V]);
    ctx.install(V);
    let before = ctx.downloads_of(V);
    ctx.gover(["install", V])
        .assert_success()
        .assert_stderr_contains("already installed");
    // The verified archive in the download cache is used again.
    ctx.gover(["install", "--force", V])
        .assert_success()
        .assert_stderr_contains("Used the cached download");
    assert_eq!(ctx.downloads_of(V), before);
    assert_eq!(ctx.installed(), [V]);
    ctx.assert_default(V);
}

/// Publish `archive` as release V (its index entry honest: only the unpacker can stop it).
fn publish_hostile(ctx: &TestContext, archive: Vec<u8>) {
    ctx.publish(Release::from_archive(V, archive));
}

#[track_caller]
fn assert_refused_cleanly(ctx: &TestContext, needle: &str) -> String {
    let run = ctx.gover(["install", V]);
    run.assert_fails(6, needle);
    run.assert_stderr_contains("hint: the archive is damaged or not an official Go release");
    ctx.assert_nothing_installed();
    run.stderr.clone()
}

/// The peak RSS of the largest child this test process has waited for (nextest runs each test
/// in its own process, so that is a `gover` run by this test).
fn peak_child_rss() -> u64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss as u64 * 1024
}

#[track_caller]
fn assert_small_rss() {
    let peak = peak_child_rss();
    eprintln!("peak RSS of a gover run: {} KiB", peak >> 10);
    assert!(peak < 64 << 20, "a gover run peaked at {} MiB", peak >> 20);
}

/// Raw tar blocks: one GNU header.
fn header(kind: tar::EntryType, name: &str, size: u64) -> Vec<u8> {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_path(name).unwrap();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    h.as_bytes().to_vec()
}

// See: issue 11, item 3.
#[test]
fn a_gzip_bomb_is_stopped_at_the_byte_bound() {
    let ctx = TestContext::new();
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&header(tar::EntryType::Regular, "go/bin/go", 0))
        .unwrap();
    let size = 64u64 << 20;
    gz.write_all(&header(tar::EntryType::Regular, "go/bomb", size))
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..64 {
        gz.write_all(&zeros).unwrap();
    }
    let archive = gz.finish().unwrap();
    assert!(archive.len() < 1 << 20, "{}", archive.len());
    publish_hostile(&ctx, archive);
    assert_refused_cleanly(
        &ctx,
        "not a Go release: it unpacks to more than 16777216 bytes",
    );
}

// See: issue 11, item 3.
#[test]
fn a_million_empty_entries_are_stopped_at_a_bound() {
    let ctx = TestContext::new();
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&header(tar::EntryType::Regular, "go/bin/go", 0))
        .unwrap();
    for i in 0..1_000_000u32 {
        gz.write_all(&header(tar::EntryType::Regular, &format!("go/e/{i}"), 0))
            .unwrap();
    }
    let archive = gz.finish().unwrap();
    publish_hostile(&ctx, archive);
    let stderr = assert_refused_cleanly(&ctx, "not a Go release");
    assert!(
        stderr.contains("entries") || stderr.contains("bytes"),
        "{stderr}"
    );
}

// See: issue 11, item 3.
#[test]
fn a_huge_gnu_long_name_is_refused_unread_and_unprinted() {
    let ctx = TestContext::new();
    let name_len = 256usize << 20;
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(tar::EntryType::GNULongName);
    h.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
    h.set_size(name_len as u64);
    h.set_cksum();
    gz.write_all(h.as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..256 {
        gz.write_all(&chunk).unwrap();
    }
    gz.write_all(&header(tar::EntryType::Regular, "go/bin/go", 0))
        .unwrap();
    let archive = gz.finish().unwrap();
    publish_hostile(&ctx, archive);
    let stderr = assert_refused_cleanly(&ctx, "extension header (long name or PAX)");
    assert!(stderr.len() < 4096, "{} bytes of stderr", stderr.len());
    assert_small_rss();
}

// See: issue 11, item 3.
#[test]
fn an_archive_breaking_a_bound_sends_gover_to_the_next_mirror() {
    let ctx = TestContext::new();
    let good = Release::fake(V);
    ctx.publish(good.clone());
    // The first mirror serves a bomb of the same size under the good name.
    let bad = Mirror::start();
    let mut gz = GzEncoder::new(Vec::new(), Compression::best());
    gz.write_all(&header(tar::EntryType::Regular, "go/bomb", 1 << 30))
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    while gz.get_ref().len() < good.archive.len() {
        gz.write_all(&zeros).unwrap();
    }
    let mut bomb = gz.finish().unwrap();
    bomb.truncate(good.archive.len());
    bad.serve_bytes(&Mirror::archive_path(&archive_name(V)), bomb);
    let run = ctx
        .gover_cmd(["install", V])
        .env(
            "GOVER_DIST_URL",
            format!("{},{}", bad.dist_url(), ctx.mirror.dist_url()),
        )
        .run();
    run.assert_success();
    run.assert_stderr_contains("trying the next mirror");
    ctx.assert_installed_from(V, &good.archive);
}

// See: issue 11, item 4.
#[test]
fn an_endless_index_is_cut_off_at_the_cap_and_not_retried() {
    let mut ctx = TestContext::new();
    let (base, connections) = common::mirror::endless_server();
    let url = format!("{base}/index.json");
    ctx.set_env("GOVER_INDEX_URL", &url);
    let run = ctx.gover(["list", "--remote"]);
    run.assert_fails(6, "is larger than 67108864 bytes");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "retried:\n{run}");
    ctx.assert_nothing_installed();
}

// See: issue 11, item 6.
#[test]
fn loopback_is_never_reached_through_a_proxy() {
    for var in ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"] {
        let ctx = TestContext::new();
        let good = Release::fake(V);
        ctx.publish(good.clone());
        // A proxy that substitutes its own index and a tampered archive that matches it.
        let proxy = Mirror::start();
        let evil = Release::tampered(V);
        proxy.serve_bytes(
            "/index.json",
            common::release::index_json(std::slice::from_ref(&evil)).into_bytes(),
        );
        proxy.serve_bytes(&Mirror::archive_path(&evil.filename), evil.archive.clone());
        let run = ctx.gover_cmd(["install", V]).env(var, proxy.url("")).run();
        run.assert_success();
        assert!(proxy.requests().is_empty(), "{var}: {:?}", proxy.requests());
        ctx.assert_installed_from(V, &good.archive);
        assert!(!ctx.tool_path(V, "backdoor").exists(), "{var}");
    }
}

// See: issue 11, item 9.
#[test]
fn terminal_escapes_from_the_index_and_go_mod_are_not_printed_raw() {
    let ctx = TestContext::new();
    let good = Release::fake(V);
    ctx.publish(good.clone());
    serve_index_entry(
        &ctx,
        &archive_name(V),
        "\u{1b}]0;pwned\u{7}\u{1b}[2J",
        good.size,
    );
    let run = ctx.gover(["install", V]);
    run.assert_fails(6, "invalid sha256");
    assert!(!run.stderr.contains('\u{1b}'), "{run}");
    assert!(run.stderr.contains("\\u{1b}]0;pwned"), "{run}");

    serve_index_entry(&ctx, "go\u{1b}[2J.tar.gz", &good.sha256, good.size);
    let run = ctx.gover(["install", V]);
    run.assert_fails(6, "unsafe name");
    assert!(!run.stderr.contains('\u{1b}'), "{run}");

    std::fs::write(
        ctx.project.join("go.mod"),
        "module m\n\ngo 1.22\u{1b}]0;pwned\u{7}\n",
    )
    .unwrap();
    let run = ctx.gover(["current"]);
    assert_ne!(run.code(), Some(0), "{run}");
    assert!(run.stderr.contains("go.mod"), "{run}");
    assert!(
        !run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{7}'),
        "{run}"
    );
}

// See: issue 11, item 10.
#[test]
fn a_chain_of_symlinks_and_a_hard_link_through_it_are_refused() {
    let ctx = TestContext::new();
    let victim = victim(&ctx);
    // The staging dir is GOVER_HOME/staging/<tmp> = root/home/.gover/staging/<tmp>: four levels
    // below the sandbox root, where the victim is. Each link is inside on its own (l1 climbs
    // to the top dir, l2 one level less than its depth); through l1, l2 climbs four out.
    let mut entries = fake_entries(V);
    entries.extend([
        Entry::symlink("go/a/b/c/d/l1", "../../../.."),
        Entry::symlink("go/a/b/c/d/l2", "l1/../../../.."),
        Entry::hardlink("go/h", "go/a/b/c/d/l2/victim.txt"),
    ]);
    publish_hostile(&ctx, targz(&entries));
    assert_refused_cleanly(&ctx, "outside the version dir");
    assert_untouched(&victim);
}

// See: issue 11, item 11.
#[test]
fn numeric_settings_are_checked_with_the_variable_named() {
    let ctx = TestContext::with_releases(&[V]);
    for (name, value) in [
        ("GOVER_UNPACK_THREADS", "100000"),
        ("GOVER_UNPACK_THREADS", "0"),
        ("GOVER_UNPACK_THREADS", "eight"),
        ("GOVER_HTTP_TIMEOUT", "-1"),
        ("GOVER_RETRY_BASE_MS", "99999999999999999999999"),
    ] {
        let run = ctx.gover_cmd(["install", V]).env(name, value).run();
        run.assert_fails(2, &format!("{name}=`{value}` is not"));
        run.assert_stderr_contains(&format!("hint: set {name} to a whole number"));
        ctx.assert_nothing_installed();
        assert!(ctx.staging().is_empty(), "{:?}", ctx.staging());
    }
    // The bounds of the range are accepted.
    ctx.gover_cmd(["install", V])
        .env("GOVER_UNPACK_THREADS", "64")
        .run()
        .assert_success();
    assert_eq!(ctx.installed(), [V]);
}
