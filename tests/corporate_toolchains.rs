//! Corporate toolchains (issue 25 item 3): a company's own Go build, published on its GOPROXY as
//! `golang.org/toolchain@v0.0.1-go1.21.13-bigcorp.<os>-<arch>` and named by `toolchain go1.21.13-bigcorp`
//! in go.mod. With the proxy source gover installs and runs exactly that build (verified by the checksum
//! database), kept apart from go1.21.13; with the dist source the release's version is used as a minimum.
//!
//! The first test uses a REAL custom build (Debian's Go 1.21 source tree rebuilt by `make.bash` with a
//! suffixed `VERSION`, cached between runs: see `common::custom_build`), and checks that the real `go`
//! chooses the same toolchain for the same go.mod. It needs Debian's `golang-1.21-go`, `golang-1.21-src`
//! and `golang-1.22-go`: without them it skips with a message, except under `CI=true`, where it fails.
//! The others use the harness's scripted toolchains, which answer `go version` with their name.

mod common;

use std::path::Path;
use std::time::Duration;

use common::TestContext;
use common::custom_build::{custom_goroot, have_go_source, reported_version};
use common::goproxy::{
    Goproxy, assert_in_modcache, fake_toolchain_zip, module_version, real_toolchain_zip,
};
use common::toolchain::{have_debian_go, timed};

/// The build (minutes, once) and the switch of the real `go` on a busy machine.
const SLOW: Duration = Duration::from_secs(1800);

const CORP: &str = "1.21.13-bigcorp";
const GO_MOD: &str = "module example.com/m\n\ngo 1.21.0\n\ntoolchain go1.21.13-bigcorp\n";

fn fake_proxy(dir: &Path, versions: &[&str]) -> Goproxy {
    Goproxy::start(
        versions
            .iter()
            .map(|v| fake_toolchain_zip(v, dir, &[]))
            .collect(),
    )
}

fn proxy_context(proxy: &Goproxy) -> TestContext {
    let mut ctx = TestContext::new();
    proxy.configure(&mut ctx);
    std::fs::write(ctx.project.join("go.mod"), GO_MOD).unwrap();
    ctx
}

/// The whole path with a real custom build: gover installs `go1.21.13-bigcorp` for the go.mod that names
/// it (verified by the database), the shim runs it and `go version` says its name; it is a version of
/// its own in `versions/` and in `gover list`; and the real `go` (Debian's 1.22, switching toolchains
/// from the same proxy and database) picks the same build for the same go.mod.
#[test]
fn a_real_custom_build_is_installed_run_and_chosen_as_the_real_go_chooses_it() {
    if !have_go_source("1.21") || !have_debian_go("1.22") {
        return;
    }
    let goroot = timed("custom build (cached after the first run)", || {
        custom_goroot("1.21", "-bigcorp").expect("build go1.21.13-bigcorp with make.bash")
    });
    assert_eq!(reported_version(&goroot), format!("go{CORP}"));
    let zip = timed("pack the module zip", || {
        real_toolchain_zip(&goroot).expect("pack the custom build")
    });
    assert_eq!(zip.module_version, module_version(CORP));
    // The proxy also serves the release it was built from: the two must not be confused.
    let release = fake_toolchain_zip("1.21.13", &goroot.join("../fake"), &[]);
    let proxy = Goproxy::start(vec![zip.clone(), release]);
    let ctx = proxy_context(&proxy);
    let go_mod = ctx.project.join("go.mod");

    ctx.gover(["current"])
        .assert_success()
        .assert_stdout(&format!("{CORP} (set by {}:5)\n", go_mod.display()));
    ctx.gover(["list", "--remote", "--all"])
        .assert_success()
        .assert_stdout(&format!("{CORP}\n1.21.13\n"));

    // `gover install` with no SPEC installs what the go.mod names.
    ctx.gover_cmd(["install"])
        .cwd(&ctx.project)
        .deadline(SLOW)
        .run()
        .assert_success();
    assert_eq!(ctx.installed(), [CORP]);
    assert!(
        ctx.gover_home
            .join("versions")
            .join(CORP)
            .join("bin/go")
            .is_file()
    );
    assert!(!ctx.gover_home.join("versions/1.21.13").exists());
    assert_eq!(proxy.mirror.gets(&proxy.zip_path(CORP)), 1);
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.21.13")), 0);
    let requests = proxy.mirror.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path == format!("/db/lookup/golang.org/toolchain@{}", zip.module_version)),
        "the database was asked for the custom build"
    );

    ctx.shim_cmd("go", ["version"])
        .cwd(&ctx.project)
        .deadline(SLOW)
        .run()
        .assert_success()
        .assert_stdout_contains(&format!("go version go{CORP} "));
    // It really works as a toolchain: it builds and runs a program.
    std::fs::write(
        ctx.project.join("main.go"),
        "package main\n\nimport (\n\t\"fmt\"\n\t\"runtime\"\n)\n\nfunc main() { fmt.Println(runtime.Version()) }\n",
    )
    .unwrap();
    ctx.shim_cmd("go", ["run", "."])
        .cwd(&ctx.project)
        .env("GOCACHE", ctx.root.join("gocache"))
        .env("GOFLAGS", "-modcacherw")
        .deadline(SLOW)
        .run()
        .assert_success()
        .assert_stdout(&format!("go{CORP}\n"));

    // The release it is built from, installed too, stays a version of its own.
    ctx.gover(["install", "1.21.13"]).assert_success();
    // Both listed, each under its own name; the custom build (installed first) is the default and,
    // through the go.mod, the active one.
    ctx.gover(["list"])
        .assert_success()
        .assert_stdout(&format!("  1.21.13\n* {CORP} (default)\n"));
    ctx.gover(["current"])
        .assert_success()
        .assert_stdout(&format!("{CORP} (set by {}:5)\n", go_mod.display()));

    // The real `go`, told only where the proxy and database are. GOTOOLCHAIN=go1+auto: with plain `auto`
    // a go1.22 never switches to an older toolchain, and `go1` as the floor makes it take whatever the
    // go.mod names (Go's own gotoolchain tests use the same form).
    let modcache = ctx.root.join("modcache-real-go");
    let out = proxy
        .real_go(&ctx, &modcache)
        .arg("version")
        .cwd(&ctx.project)
        .env("GOTOOLCHAIN", "go1+auto")
        .deadline(SLOW)
        .run();
    out.assert_success()
        .assert_stderr_contains(&format!("go: downloading go{CORP} "))
        .assert_stdout_contains(&format!("go version go{CORP} "));
    assert_in_modcache(&modcache, &zip.module_version);
}

/// A custom build the proxy does not list is an error that says so and how to look, not a checksum
/// database's not-found; nothing is downloaded or installed.
#[test]
fn a_custom_build_the_proxy_does_not_list_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &["1.21.13"]);
    let ctx = proxy_context(&proxy);
    ctx.gover_cmd(["install"])
        .cwd(&ctx.project)
        .run()
        .assert_fails(4, "no proxy lists the custom toolchain go1.21.13-bigcorp")
        .assert_stderr_contains(&module_version(CORP))
        .assert_stderr_contains("hint: check the name")
        .assert_stderr_contains("gover list --remote --source proxy");
    ctx.assert_nothing_installed();
    assert!(
        proxy
            .mirror
            .requests()
            .iter()
            .all(|r| !r.path.ends_with(".zip") && !r.path.contains("/lookup/")),
        "nothing was fetched"
    );
}

/// With the dist source the rule stays: the release's version, as a minimum, and `current` says why; an
/// explicit install of the custom name says only a proxy serves it.
#[test]
fn with_the_dist_source_the_base_version_is_used_and_said() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &[CORP]);
    let mut ctx = proxy_context(&proxy);
    ctx.remove_env("GOVER_SOURCE");
    ctx.gover(["current"])
        .assert_success()
        .assert_stdout(&format!(
            ">=1.21.13 (set by {}:5)\n",
            ctx.project.join("go.mod").display()
        ))
        .assert_stderr_contains("names a custom toolchain build gover cannot install")
        .assert_stderr_contains("GOVER_SOURCE=proxy");
    ctx.gover(["install", "go1.21.13-bigcorp"])
        .assert_fails(4, "Go 1.21.13-bigcorp is a custom toolchain build")
        .assert_stderr_contains("--source proxy");
    // The flag is enough, for an explicit name and for what the go.mod names.
    ctx.gover(["install", "--source", "proxy", "go1.21.13-bigcorp"])
        .assert_success();
    assert_eq!(ctx.installed(), [CORP]);
    // Installed, it runs where a version file or GOVER_VERSION names it exactly, whatever the source.
    std::fs::write(ctx.project.join(".go-version"), "go1.21.13-bigcorp\n").unwrap();
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains(&format!("go{CORP}"));
    std::fs::remove_file(ctx.project.join(".go-version")).unwrap();
    ctx.set_env("GOVER_SOURCE", "proxy");
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains(&format!("go{CORP}"));
    ctx.gover(["which", "go"])
        .assert_success()
        .assert_stdout_contains(&format!("versions/{CORP}/bin/go"));
    // It is removed by its own name, like any version.
    ctx.gover(["uninstall", "--force", CORP]).assert_success();
    assert!(ctx.installed().is_empty());
}

/// Names are hostile input: a suffix is a path component and a module version, so only what Go's module
/// versions allow (lowercase here) gets through, from the command line and from a proxy's list.
#[test]
fn hostile_custom_names_are_refused_and_never_listed() {
    let tmp = tempfile::tempdir().unwrap();
    let mut proxy = fake_proxy(tmp.path(), &[CORP, "1.22.5", "1.23.1", "1.24.0"]);
    for hostile in [
        "1.21.13-../../x",
        "1.21.13-a/b",
        "1.21.13-Big",
        "1.21.13-a..b",
    ] {
        proxy.listed.push(module_version(hostile));
    }
    proxy.publish();
    let ctx = proxy_context(&proxy);
    ctx.gover(["list", "--remote", "--all"])
        .assert_success()
        .assert_stdout(&format!("1.24.0\n1.23.1\n1.22.5\n{CORP}\n"));
    // Without --all: the two newest lines, and every custom build (the proxy owner's own).
    ctx.gover(["list", "--remote"])
        .assert_success()
        .assert_stdout(&format!("1.24.0\n1.23.1\n{CORP}\n"));
    for bad in [
        "go1.21.13-../../x",
        "go1.21.13-a/b",
        "1.21.13-Big",
        "1.21.13-\u{7}",
    ] {
        ctx.gover(["install", bad])
            .assert_fails(2, "is not a Go version request");
    }
    ctx.assert_nothing_installed();
    // `latest` and a minor line never pick a custom build.
    ctx.gover(["install", "1.21"])
        .assert_fails(4, "no Go release matches `1.21`");
}

/// Verification works as for Go's releases: a custom build the database does not vouch for is refused
/// unless verification is off for the module (GONOSUMDB/GOPRIVATE, as Go allows it), and then only with
/// `--allow-unverified`, said loudly.
#[test]
fn an_unvouched_custom_build_installs_only_unverified_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let corp = fake_toolchain_zip(CORP, tmp.path(), &[]);
    let mut proxy = Goproxy::start(vec![]);
    proxy.zips.push(corp.clone());
    proxy.listed.push(corp.module_version.clone());
    proxy.publish();
    let mut ctx = proxy_context(&proxy);
    ctx.gover(["install", CORP])
        .assert_fails(4, "checksum database");
    ctx.set_env("GONOSUMDB", "golang.org/toolchain");
    ctx.gover(["install", CORP])
        .assert_fails(6, "GONOSUMDB=golang.org/toolchain");
    ctx.assert_nothing_installed();
    ctx.gover(["install", "--allow-unverified", CORP])
        .assert_success()
        .assert_stderr_contains("UNVERIFIED");
    assert_eq!(ctx.installed(), [CORP]);
}

/// `gover use` names a custom build like any version, and `prune --unused` keeps the one a recorded go.mod
/// names (whichever source is in force when it prunes) while the release it was built from goes.
#[test]
fn use_and_prune_treat_a_custom_build_as_a_version_of_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &[CORP, "1.21.13", "1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    for v in ["1.22.5", "1.21.13", CORP] {
        ctx.gover(["install", v]).assert_success();
    }
    ctx.gover(["use", CORP]).assert_success();
    ctx.assert_default(CORP);
    ctx.gover(["use", "1.22.5"]).assert_success();
    // The shim runs the build the go.mod names, and records the go.mod.
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains(&format!("go{CORP}"));
    // Outside the project (where nothing is active but the default), with the dist source.
    ctx.remove_env("GOVER_SOURCE");
    ctx.gover_cmd(["prune", "--unused"])
        .cwd(&ctx.root)
        .run()
        .assert_success();
    assert_eq!(ctx.installed(), [CORP, "1.22.5"]);
}

/// A shim with GOVER_AUTO_INSTALL=1 installs the custom build a go.mod names from the proxy, then runs it.
#[test]
fn auto_install_from_a_shim_fetches_the_custom_build() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &[CORP, "1.21.13", "1.22.5"]);
    let mut ctx = proxy_context(&proxy);
    ctx.set_env("GOVER_AUTO_INSTALL", "1");
    // The first install sets up the shims.
    ctx.gover(["install", "1.22.5"]).assert_success();
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains(&format!("go{CORP}"));
    assert_eq!(ctx.installed(), [CORP, "1.22.5"]);
    assert_eq!(proxy.mirror.gets(&proxy.zip_path("1.21.13")), 0);
}

/// A fleet mirror carries a custom build as it carries a release: `mirror sync --layout goproxy` copies
/// the zip the checksum database vouches for, with the database's files for it, and a machine whose
/// GOPROXY is the mirror alone (`GOSUMDB` the key only, the company's proxy gone) installs it verified
/// and runs it, kept apart from the release it was built from.
#[test]
fn a_goproxy_mirror_carries_a_custom_build_that_installs_verified_from_it_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &[CORP, "1.21.13"]);
    let key = proxy.db.verifier_key();
    let dir = tmp.path().join("mirror");
    let mut sync = TestContext::new();
    proxy.configure(&mut sync);
    sync.gover([
        "mirror",
        "sync",
        dir.to_str().unwrap(),
        CORP,
        "--layout",
        "goproxy",
    ])
    .assert_success()
    .assert_stderr_contains("Checksum database: tree head of");
    let at = dir.join("golang.org/toolchain/@v");
    let mv = module_version(CORP);
    assert_eq!(
        std::fs::read_to_string(at.join("list")).unwrap(),
        format!("{mv}\n"),
        "the custom build only, not the release it was built from"
    );
    assert!(
        dir.join(format!(
            "sumdb/{}/lookup/golang.org/toolchain@{mv}",
            proxy.db.name()
        ))
        .is_file()
    );
    drop(proxy);

    let mut user = TestContext::new();
    let modcache = user.root.join("modcache").display().to_string();
    user.set_env("GOVER_SOURCE", "proxy")
        .set_env("GOPROXY", format!("file://{}", dir.display()))
        .set_env("GOSUMDB", &key)
        .set_env("GOMODCACHE", modcache);
    user.install_and_run(CORP, SLOW);
    assert_eq!(user.installed(), [CORP]);
    user.gover(["list", "--remote", "--source", "proxy"])
        .assert_success()
        .assert_stdout_contains(CORP);
}

/// Doctor with a custom build active (the default, and named by the go.mod): the shims run exactly that
/// build, so nothing about the active Go is reported (only the missing setup block); a GOROOT naming the
/// release it was built from is a mismatch, as for any other version.
#[test]
fn doctor_tells_a_custom_build_from_the_release_it_was_built_from() {
    use common::shells::Shells;
    let tmp = tempfile::tempdir().unwrap();
    let proxy = fake_proxy(tmp.path(), &[CORP, "1.21.13"]);
    let ctx = proxy_context(&proxy);
    ctx.gover(["install", CORP, "1.21.13"]).assert_success();
    ctx.gover(["use", CORP]).assert_success();
    let path = format!("{}:/usr/bin:/bin", ctx.gover_home.join("shims").display());
    let (_, report) = ctx.doctor(&[], &path);
    assert_eq!(report["active"], CORP);
    let bash_c = report["modes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mode"] == "bash -c")
        .expect("bash -c probed");
    assert_eq!(bash_c["version"], CORP);
    assert_eq!(bash_c["gover"], true);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["startup-mode"], "{report:#}");

    let base = ctx.gover_home.join("versions").join("1.21.13");
    let out = ctx
        .gover_with_path(&["doctor", "--json"], &path)
        .env("GOROOT", &base)
        .run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mismatch = common::shells::findings(&report, "goroot-mismatch");
    assert_eq!(mismatch.len(), 1, "{report:#}");
    let evidence = mismatch[0]["evidence"].to_string();
    assert!(
        evidence.contains("(go1.21.13) in the environment"),
        "{evidence}"
    );
    assert!(
        evidence.contains(&format!("gover runs {CORP}")),
        "{evidence}"
    );
}

/// GOPROXY lists the company proxy after one that has only Go's releases
/// (`https://proxy.golang.org,https://goproxy.corp`): the first proxy's list lacks the custom build,
/// so it is passed over, as a zip fetch passes over a proxy without the zip, and the build comes
/// from the second, verified by the database GOSUMDB names.
#[test]
fn a_custom_build_is_found_on_a_later_proxy_of_the_list() {
    let tmp = tempfile::tempdir().unwrap();
    let public = fake_proxy(&tmp.path().join("public"), &["1.21.13"]);
    let corp = fake_proxy(&tmp.path().join("corp"), &[CORP]);
    let mut ctx = proxy_context(&corp);
    ctx.set_env("GOPROXY", format!("{},{}", public.url(), corp.url()));
    ctx.gover(["install"]).assert_success();
    assert_eq!(ctx.installed(), [CORP]);
    assert_eq!(public.mirror.gets(&public.zip_path(CORP)), 1, "tried first");
    assert_eq!(corp.mirror.gets(&corp.zip_path(CORP)), 1);
}
