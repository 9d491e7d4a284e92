//! Air-gapped fleets: a `mirror sync --layout goproxy` mirror carries the checksum database's files
//! (`DIR/sumdb/<name>/supported`, `latest`, `lookup/…`, `tile/…`), so gover (`GOVER_SOURCE=proxy`) and
//! the real `go` verify every synced toolchain from the mirror alone, with `GOSUMDB` naming only the
//! key (which makes both ask `<proxy>/sumdb/<name>/`) and the upstream proxy and database gone.
//!
//! Also the case of a client that already holds a newer tree head than the mirror (it was online since):
//! both refuse the mirror, a later sync alone does not help, and a sync with that head copied into
//! `DIR/sumdb/<name>/heads/` does (docs/fleet.md).
//!
//! The real-`go` tests need Debian's `/usr/lib/go-1.22` (and `/usr/lib/go-1.21` for a real toolchain):
//! without them they skip with a message, except under `CI=true`, where they fail.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::TestContext;
use common::goproxy::{DB_NAME, Goproxy, MODULE, fake_toolchain_zip, real_toolchain_zip};
use common::loop_fs::LoopFs;
use common::toolchain::{debian_goroot, have_debian_go};

const SLOW: Duration = Duration::from_secs(900);

/// `gover mirror sync DIR SPEC… --layout goproxy` from `proxy` (its database at the URL GOSUMDB names).
fn sync(proxy: &Goproxy, dir: &Path, specs: &[&str]) -> common::Outcome {
    let mut ctx = TestContext::new();
    proxy.configure(&mut ctx);
    let mut args = vec!["mirror", "sync", dir.to_str().unwrap()];
    args.extend_from_slice(specs);
    args.extend_from_slice(&["--layout", "goproxy"]);
    ctx.gover_cmd(args).deadline(SLOW).run()
}

/// A client of the mirror only: `GOPROXY=file://DIR`, `GOSUMDB` the key alone.
fn mirror_client(dir: &Path, key: &str) -> TestContext {
    let mut ctx = TestContext::new();
    let modcache = ctx.root.join("modcache").display().to_string();
    ctx.set_env("GOVER_SOURCE", "proxy")
        .set_env("GOPROXY", format!("file://{}", dir.display()))
        .set_env("GOSUMDB", key)
        .set_env("GOMODCACHE", modcache);
    ctx
}

/// The real `go` (Debian's 1.22) with its own GOPATH (where it keeps its tree head) and module cache.
fn go(ctx: &TestContext, gopath: &Path, proxy: &str, gosumdb: &str) -> common::Run {
    ctx.command("/usr/lib/go-1.22/bin/go")
        .env("GOPROXY", proxy)
        .env("GOSUMDB", gosumdb)
        .env("GOFLAGS", "-modcacherw")
        .env("GOPATH", gopath)
        .env("GOMODCACHE", gopath.join("pkg/mod"))
        .env("GOCACHE", ctx.root.join("gocache"))
        .env("GOTOOLCHAIN", "local")
        .cwd(&ctx.root)
        .deadline(SLOW)
}

/// `go mod download golang.org/toolchain@<mv>`: download and verify, nothing run. `modcache` names a
/// module cache of its own (Go also keeps the tiles it verified there, and could prove from those).
fn go_download(
    ctx: &TestContext,
    gopath: &Path,
    modcache: &str,
    proxy: &str,
    gosumdb: &str,
    mv: &str,
) -> common::Outcome {
    go(ctx, gopath, proxy, gosumdb)
        .env("GOMODCACHE", ctx.root.join(modcache))
        .args(["mod", "download", "-json", &format!("{MODULE}@{mv}")])
        .run()
}

fn db_dir(dir: &Path) -> PathBuf {
    dir.join("sumdb").join(DB_NAME)
}

/// The whole promise with a real toolchain: sync, take the upstream away, and both gover and the
/// real `go` (switching through GOTOOLCHAIN) verify and run it from the mirror.
#[test]
fn gover_and_the_real_go_verify_from_the_mirror_alone_with_the_upstream_gone() {
    if !have_debian_go("1.22") || !have_debian_go("1.21") {
        return;
    }
    let zip = real_toolchain_zip(&debian_goroot("1.21")).expect("pack the toolchain zip");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mirror");
    let proxy = Goproxy::start(vec![zip.clone()]);
    let key = proxy.db.verifier_key();
    sync(&proxy, &dir, &[&zip.version])
        .assert_success()
        .assert_stderr_contains("Checksum database: tree head of");
    let db = db_dir(&dir);
    assert_eq!(std::fs::read(db.join("supported")).unwrap(), b"");
    assert_eq!(
        std::fs::read(db.join("latest")).unwrap(),
        proxy.db.signed_tree()
    );
    assert!(
        db.join(format!("lookup/{MODULE}@{}", zip.module_version))
            .is_file()
    );
    assert!(
        std::fs::read_dir(db.join("tile/8/1")).unwrap().count() > 0,
        "a level-1 tile"
    );
    drop(proxy);

    let user = mirror_client(&dir, &key);
    user.install_and_run(&zip.version, SLOW);
    assert!(
        user.gover_home
            .join("sumdb")
            .join(DB_NAME)
            .join("latest")
            .is_file(),
        "gover verified against the mirror's tree head"
    );

    let proxy_url = format!("file://{}", dir.display());
    let out = go(&user, &user.root.join("gopath"), &proxy_url, &key)
        .env("GOTOOLCHAIN", format!("go{}", zip.version))
        .arg("version")
        .run();
    out.assert_success()
        .assert_stdout_contains(&format!("go version go{} ", zip.version));
    assert_eq!(
        std::fs::read(user.root.join(format!("gopath/pkg/sumdb/{DB_NAME}/latest"))).unwrap(),
        std::fs::read(db.join("latest")).unwrap(),
        "go verified against the mirror's tree head"
    );
}

/// A client that was online after the mirror's last sync holds a newer tree head. Go's client (and
/// gover's) must then prove the mirror's head is a prefix of its own, from tiles of its own tree, which
/// the mirror lacks: both refuse. A later sync past that head still lacks the tiles proving the client's
/// head within the mirror's; copying the client's head into `heads/` and syncing again fetches them.
#[test]
fn a_client_holding_a_newer_tree_head_is_served_after_a_sync_with_its_head() {
    let tmp = tempfile::tempdir().unwrap();
    let zips = vec![
        fake_toolchain_zip("1.21.13", tmp.path(), &[]),
        fake_toolchain_zip("1.22.5", tmp.path(), &[]),
    ];
    let (old_mv, new_mv) = (
        zips[0].module_version.clone(),
        zips[1].module_version.clone(),
    );
    let mut proxy = Goproxy::start(zips);
    let key = proxy.db.verifier_key();
    let dir = tmp.path().join("mirror");
    sync(&proxy, &dir, &["1.21.13", "1.22.5"]).assert_success();
    let mirror_size = proxy.db.len();

    // The log grows into a third level-0 tile; a client installs from the upstream meanwhile.
    grow(&mut proxy, 300, "later");
    let client_size = proxy.db.len();
    let client_tile = (client_size / 256, mirror_size / 256);
    assert_ne!(
        client_tile.0, client_tile.1,
        "the heads sit in different tiles"
    );
    let user = mirror_client(&dir, &key);
    user.gover_cmd(["install", "1.22.5"])
        .env("GOPROXY", proxy.url())
        .env("GOSUMDB", proxy.gosumdb())
        .run()
        .assert_success();
    let gover_head = user.gover_home.join("sumdb").join(DB_NAME).join("latest");
    let gopath = user.root.join("gopath");
    let go_head = gopath.join(format!("pkg/sumdb/{DB_NAME}/latest"));
    let have_go = have_debian_go("1.22");
    if have_go {
        go_download(
            &user,
            &gopath,
            "modcache-online",
            &proxy.url(),
            &proxy.gosumdb(),
            &new_mv,
        )
        .assert_success();
        assert_eq!(std::fs::read(&go_head).unwrap(), proxy.db.signed_tree());
    }
    assert_eq!(std::fs::read(&gover_head).unwrap(), proxy.db.signed_tree());

    let mirror_url = format!("file://{}", dir.display());
    let upstream_requests = proxy.mirror.requests().len();
    let refused = |why: &str, modcache: &str| {
        user.gover(["install", "1.21.13"])
            .assert_fails(6, "checksum database")
            .assert_stderr_contains("tile/8/");
        assert!(!user.installed().contains(&"1.21.13".to_string()), "{why}");
        if have_go {
            let out = go_download(&user, &gopath, modcache, &mirror_url, &key, &old_mv);
            assert_ne!(out.code(), Some(0), "go accepted the mirror {why}");
            assert!(
                out.stdout.contains("tile/8/") || out.stderr.contains("tile/8/"),
                "{}",
                out.stderr
            );
        }
        assert_eq!(
            proxy.mirror.requests().len(),
            upstream_requests,
            "nothing reached the upstream"
        );
    };
    refused("with an older head than its own", "modcache-1");

    // The upstream grows again and the mirror syncs past the client's head: still no tile for it.
    grow(&mut proxy, 200, "later2");
    sync(&proxy, &dir, &["1.21.13", "1.22.5"]).assert_success();
    let upstream_requests = proxy.mirror.requests().len();
    let refused_again = || {
        user.gover(["install", "1.21.13"])
            .assert_fails(6, "checksum database");
        if have_go {
            let out = go_download(&user, &gopath, "modcache-2", &mirror_url, &key, &old_mv);
            assert_ne!(
                out.code(),
                Some(0),
                "go proved a head the mirror has no tiles for"
            );
        }
        assert_eq!(proxy.mirror.requests().len(), upstream_requests);
    };
    refused_again();

    // With the client's head copied in, the next sync fetches the tiles that prove it.
    let heads = db_dir(&dir).join("heads");
    std::fs::copy(&gover_head, heads.join("client-a")).unwrap();
    sync(&proxy, &dir, &["1.21.13", "1.22.5"])
        .assert_success()
        .assert_stderr_contains("3 earlier head(s) proved");
    assert!(
        db_dir(&dir)
            .join(format!("tile/8/0/{:03}", client_size / 256))
            .is_file()
    );
    drop(proxy);
    user.gover(["install", "1.21.13"]).assert_success();
    assert_eq!(
        std::fs::read(&gover_head).unwrap(),
        std::fs::read(db_dir(&dir).join("latest")).unwrap(),
        "gover moved on to the mirror's head"
    );
    if have_go {
        go_download(&user, &gopath, "modcache-3", &mirror_url, &key, &old_mv).assert_success();
        assert_eq!(
            std::fs::read(&go_head).unwrap(),
            std::fs::read(db_dir(&dir).join("latest")).unwrap(),
            "go moved on to the mirror's head"
        );
    }
}

/// A head in `heads/` that the key did not sign is the operator's to fix: the sync names it and
/// changes nothing; a link planted for a directory of the mirror's database is refused, not followed.
#[test]
fn a_forged_head_or_a_planted_link_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = Goproxy::start(vec![fake_toolchain_zip("1.22.5", tmp.path(), &[])]);
    let dir = tmp.path().join("mirror");
    sync(&proxy, &dir, &["1.22.5"]).assert_success();
    let db = db_dir(&dir);
    let latest = std::fs::read(db.join("latest")).unwrap();

    let (other_skey, _) = common::goproxy::test_key(DB_NAME, 9);
    let other = gover_sumdb::server::Database::new(&other_skey).unwrap();
    std::fs::write(db.join("heads/forged"), other.signed_tree()).unwrap();
    sync(&proxy, &dir, &["1.22.5"])
        .assert_fails(6, "does not verify")
        .assert_stderr_contains("heads/forged");
    assert_eq!(std::fs::read(db.join("latest")).unwrap(), latest);
    std::fs::remove_file(db.join("heads/forged")).unwrap();

    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::rename(db.join("lookup"), tmp.path().join("lookup-old")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, db.join("lookup")).unwrap();
    sync(&proxy, &dir, &["1.22.5"]).assert_fails(7, "a link is never followed");
    assert!(
        std::fs::symlink_metadata(db.join("lookup"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    std::fs::remove_file(db.join("lookup")).unwrap();
    std::fs::rename(tmp.path().join("lookup-old"), db.join("lookup")).unwrap();

    // A link in a file's place is replaced, not written through; one in heads/ is not read.
    let victim = elsewhere.join("victim");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::fs::remove_file(db.join("latest")).unwrap();
    std::os::unix::fs::symlink(&victim, db.join("latest")).unwrap();
    std::fs::write(elsewhere.join("forged"), other.signed_tree()).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("forged"), db.join("heads/linked")).unwrap();
    sync(&proxy, &dir, &["1.22.5"]).assert_success();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    assert!(
        std::fs::symlink_metadata(db.join("latest"))
            .unwrap()
            .is_file()
    );
    assert_eq!(std::fs::read(db.join("latest")).unwrap(), latest);
}

/// The database files are written durably: after a power cut right after the sync (a real ext4 on a
/// loop device, see `common::loop_fs`), every file the sync wrote is whole, and gover-sumdb's client
/// verifies the toolchain from the image alone. Needs root (CI has it).
#[test]
fn the_mirror_database_is_whole_after_a_power_cut() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(disk) = LoopFs::mount(&tmp.path().join("loop"), &tmp.path().join("disk"), "") else {
        return;
    };
    let zip = fake_toolchain_zip("1.22.5", &tmp.path().join("zips"), &[]);
    let proxy = Goproxy::start(vec![zip.clone()]);
    let key = proxy.db.verifier_key();
    let dir = disk.mount.join("mirror");
    sync(&proxy, &dir, &["1.22.5"]).assert_success();
    let db = db_dir(&dir);
    let written: Vec<(PathBuf, Vec<u8>)> = common::walk(&db)
        .into_iter()
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.strip_prefix(&db).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    assert!(written.len() > 4, "{written:?}");
    drop(proxy);

    let after = disk.power_cut();
    let image = after.path(disk.relative(&db));
    for (rel, bytes) in &written {
        assert_eq!(
            std::fs::read(image.join(rel)).ok().as_ref(),
            Some(bytes),
            "{} after the power cut",
            rel.display()
        );
    }
    let client =
        gover_sumdb::Client::new(&key, Files(image), gover_sumdb::MemoryStore::new()).unwrap();
    assert_eq!(
        client.zip_hash(MODULE, &zip.module_version).unwrap(),
        zip.h1
    );
}

/// A directory of database files, as a fetcher.
struct Files(PathBuf);

impl gover_sumdb::Fetch for Files {
    fn fetch(&self, path: &str) -> Result<Vec<u8>, gover_sumdb::FetchError> {
        std::fs::read(self.0.join(path)).map_err(|e| gover_sumdb::FetchError::not_found(path, e))
    }
}

/// Append `n` unrelated records to the upstream database and serve them.
fn grow(proxy: &mut Goproxy, n: u64, tag: &str) {
    for i in 0..n {
        let h = format!(
            "h1:{}=",
            common::release::sha256_hex(format!("{tag}{i}").as_bytes())
        );
        proxy
            .db
            .add_module(&format!("example.com/{tag}{i}"), "v1.0.0", &h, &h)
            .unwrap();
    }
    proxy.publish_db();
}
