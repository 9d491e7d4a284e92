//! `scripts/release.sh` and `scripts/install.sh`: a release packed the way release.sh packs it,
//! served on loopback, installed by install.sh run with dash, and the installed gover used.
//! See: issue 15, item 1.
//!
//! The release is packed from the binaries under test (`GOVER_RELEASE_BIN_DIR`), not from a
//! static release build: that build takes minutes. Everything after the build (layout, names,
//! checksum file, VERSION, the copy of install.sh) is release.sh's own code.

mod common;

use std::path::{Path, PathBuf};

use common::gover_release::{packed_release, repo, tarball_name, version};
use common::{Fault, Release, TestContext, gover_exe, shim_exe};

/// A sandbox serving a copy of the packed release at `/rel/` (the copy so a test can damage it).
fn serving_release() -> (TestContext, PathBuf) {
    let ctx = TestContext::builder().env("TERM", "dumb").build();
    let dir = ctx.root.join("release");
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(packed_release()).unwrap().flatten() {
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    ctx.mirror.serve_dir("/rel/", &dir);
    (ctx, dir)
}

/// `dash install.sh ARGS…` from the served release dir, as `curl … | sh` would run it.
fn run_installer(ctx: &TestContext, args: &[&str]) -> common::Outcome {
    ctx.command("dash")
        .arg(ctx.root.join("release/install.sh"))
        .args(args)
        .env("GOVER_INSTALL_URL", ctx.mirror.url("/rel"))
        .env("PATH", "/usr/bin:/bin")
        .run()
}

// See: issue 22 item 12. The host itself decides: a user name before a loopback host is fine.
#[test]
fn install_sh_allows_plain_http_when_the_host_itself_is_loopback() {
    let (ctx, _) = serving_release();
    let url = ctx.mirror.url("/rel");
    let with_user = url.replacen("http://", "http://someone:secret@", 1);
    let out = ctx
        .command("dash")
        .arg(ctx.root.join("release/install.sh"))
        .env("GOVER_INSTALL_URL", &with_user)
        .env("PATH", "/usr/bin:/bin")
        .run();
    out.assert_success();
    assert!(ctx.home.join(".gover/bin/gover").is_file(), "{out}");
}

fn same_bytes(a: &Path, b: &Path) -> bool {
    std::fs::read(a).unwrap() == std::fs::read(b).unwrap()
}

#[test]
fn release_sh_packs_both_binaries_with_a_checksum_and_the_version() {
    let dir = packed_release();
    let name = tarball_name();
    let sums = std::fs::read_to_string(dir.join(format!("{name}.sha256"))).unwrap();
    let tarball = std::fs::read(dir.join(&name)).unwrap();
    assert_eq!(
        sums,
        format!("{}  {name}\n", common::release::sha256_hex(&tarball))
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("VERSION")).unwrap(),
        format!("{}\n", version())
    );
    assert!(same_bytes(
        &dir.join("install.sh"),
        &repo().join("scripts/install.sh")
    ));
    // One top dir named like the tarball, holding both binaries (executable), the README and
    // the pages it links to (readable).
    let out = std::process::Command::new("tar")
        .args(["--numeric-owner", "-tvzf"])
        .arg(dir.join(&name))
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    let top = name.strip_suffix(".tar.gz").unwrap();
    let mut names: Vec<&str> = listing
        .lines()
        .map(|l| l.split_whitespace().last().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<String> = ["", "CONTRIBUTING.md", "README.md", "docs/"]
        .iter()
        .map(|f| format!("{top}/{f}"))
        .collect();
    for page in common::docs::pages(repo()) {
        let rel = page.strip_prefix(repo()).unwrap().display().to_string();
        if rel.starts_with("docs/") {
            expected.push(format!("{top}/{rel}"));
        }
    }
    expected.extend([format!("{top}/gover"), format!("{top}/gover-shim")]);
    expected.sort();
    assert_eq!(names, expected);
    for line in listing.lines() {
        let mode = if line.ends_with("/gover") || line.ends_with("/gover-shim") {
            "-rwxr-xr-x"
        } else if line.ends_with('/') {
            "drwxr-xr-x"
        } else {
            "-rw-r--r--"
        };
        assert!(line.starts_with(&format!("{mode} 0/0 ")), "{line}");
    }
}

#[test]
fn the_docs_in_the_release_tarball_link_only_to_what_it_holds() {
    let dir = packed_release();
    let unpacked = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("tar")
        .arg("-xzf")
        .arg(dir.join(tarball_name()))
        .arg("-C")
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(status.success());
    let top = unpacked
        .path()
        .join(tarball_name().strip_suffix(".tar.gz").unwrap());

    let problems = common::docs::broken_links(&top);

    assert!(
        problems.is_empty(),
        "in the tarball:\n{}",
        problems.join("\n")
    );
    // The same pages as the repository, byte for byte.
    for page in common::docs::pages(repo()) {
        let rel = page.strip_prefix(repo()).unwrap();
        assert!(same_bytes(&page, &top.join(rel)), "{}", rel.display());
    }
}

#[test]
fn install_sh_installs_both_binaries_that_then_install_and_run_go() {
    let (ctx, _) = serving_release();

    let out = run_installer(&ctx, &[]);

    out.assert_success();
    let bin = ctx.home.join(".gover/bin");
    assert!(same_bytes(&bin.join("gover"), &gover_exe()));
    assert!(same_bytes(&bin.join("gover-shim"), &shim_exe()));
    out.assert_stderr_contains(&format!(
        "Installed gover {} to {}",
        version(),
        bin.display()
    ));
    // The next steps, in the quick start's order: the newest Go, then the setup block.
    out.assert_stderr_contains(&format!(
        "  {0}/gover install latest && {0}/gover setup\n",
        bin.display()
    ));
    out.assert_stderr_lacks("To call gover by name");
    // The installed pair works: install Go from the mirror, run it through a shim.
    ctx.publish(Release::fake("1.22.5"));
    ctx.command(bin.join("gover"))
        .args(["install", "1.22.5"])
        .run()
        .assert_success();
    assert_eq!(
        std::fs::read_link(ctx.shim_path("go")).unwrap(),
        bin.join("gover-shim"),
        "the shims use the installed gover-shim"
    );
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains("go1.22.5");
}

#[test]
fn install_sh_dir_puts_them_elsewhere_and_replaces_an_older_pair() {
    let (ctx, _) = serving_release();
    let bin = ctx.root.join("my tools/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(bin.join("gover"), "old").unwrap();
    std::fs::write(bin.join("gover-shim"), "old").unwrap();

    run_installer(&ctx, &["--dir", bin.to_str().unwrap()]).assert_success();

    assert!(same_bytes(&bin.join("gover"), &gover_exe()));
    assert!(same_bytes(&bin.join("gover-shim"), &shim_exe()));
    let mut left: Vec<String> = std::fs::read_dir(&bin)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["gover", "gover-shim"], "no temporary files left");
    assert!(!ctx.home.join(".gover").exists());
}

#[test]
fn install_sh_with_version_fetches_that_release_without_asking_for_the_latest() {
    let (ctx, _) = serving_release();

    run_installer(&ctx, &["--version", &version()]).assert_success();

    assert_eq!(ctx.mirror.hits("/rel/VERSION"), 0);
    assert_eq!(ctx.mirror.gets(&format!("/rel/{}", tarball_name())), 1);
    assert!(ctx.home.join(".gover/bin/gover").is_file());
}

#[test]
fn install_sh_refuses_a_tarball_that_does_not_match_its_sha256() {
    let (ctx, _) = serving_release();
    ctx.mirror.inject(
        &format!("/rel/{}", tarball_name()),
        Fault::WrongBytes(Release::fake("1.22.5").archive.into()),
    );

    let out = run_installer(&ctx, &[]);

    assert!(!out.status.success(), "{out}");
    out.assert_stderr_contains("error: checksum mismatch");
    out.assert_stderr_contains("hint: ");
    assert!(
        !ctx.home.join(".gover").exists(),
        "nothing installed\n{out}"
    );
}

#[test]
fn install_sh_refuses_a_missing_or_garbage_checksum_file() {
    let (ctx, dir) = serving_release();
    let sums = dir.join(format!("{}.sha256", tarball_name()));

    std::fs::write(&sums, "not a digest  x\n").unwrap();
    let out = run_installer(&ctx, &[]);
    assert!(!out.status.success(), "{out}");
    out.assert_stderr_contains("does not hold a sha256");

    std::fs::remove_file(&sums).unwrap();
    let out = run_installer(&ctx, &[]);
    assert!(!out.status.success(), "{out}");
    out.assert_stderr_contains(".sha256");
    assert!(
        !ctx.home.join(".gover").exists(),
        "nothing installed\n{out}"
    );
}

#[test]
fn install_sh_refuses_plain_http_off_loopback_and_a_hostile_version() {
    let (ctx, dir) = serving_release();

    let out = ctx
        .command("dash")
        .arg(dir.join("install.sh"))
        .env("GOVER_INSTALL_URL", "http://example.com/rel")
        .env("PATH", "/usr/bin:/bin")
        .run();
    assert!(!out.status.success(), "{out}");
    out.assert_stderr_contains("refusing plain http");

    // See: issue 22 item 12. A loopback address as the user name (or password) of a URL whose
    // host is elsewhere: curl would fetch the release from that host over plain http. Here
    // the other host is the mirror itself, reached as `127.1` (127.0.0.1 in inet_aton's short
    // form, which curl accepts but which is not one of the three names allowed), so a script
    // fooled by the prefix would really download from it.
    let mirror = ctx.mirror.url("/rel");
    let port_and_path = mirror.strip_prefix("http://127.0.0.1").unwrap();
    for fooling in [
        format!("http://127.0.0.1:x@127.1{port_and_path}"),
        format!("http://127.0.0.1@127.1{port_and_path}"),
        format!("http://localhost:1@127.1{port_and_path}"),
        format!("http://[::1]:1@127.1{port_and_path}"),
        format!("http://127.1{port_and_path}"),
        format!("http://127.0.0.1.127.1.nip.io{port_and_path}"),
    ] {
        let before = ctx.mirror.requests().len();
        let out = ctx
            .command("dash")
            .arg(dir.join("install.sh"))
            .env("GOVER_INSTALL_URL", &fooling)
            .env("PATH", "/usr/bin:/bin")
            .run();
        assert!(!out.status.success(), "{fooling}\n{out}");
        out.assert_stderr_contains(&format!("refusing plain http from {fooling}"));
        assert_eq!(ctx.mirror.requests().len(), before, "{fooling}: fetched");
        assert!(!ctx.home.join(".gover").exists(), "{fooling}\n{out}");
    }

    std::fs::write(dir.join("VERSION"), "../../etc/passwd\n").unwrap();
    let out = run_installer(&ctx, &[]);
    assert!(!out.status.success(), "{out}");
    out.assert_stderr_contains("not a gover version");
    assert!(!ctx.home.join(".gover").exists());
}

/// See: issue 26 item 4. install.sh names the tarball from `uname -s` and `uname -m` (here a stand-in
/// `uname` first on PATH): Linux on x86_64 and aarch64, macOS on x86_64 and Apple Silicon (`arm64`, as
/// macOS says it), and it refuses what has no release before fetching anything but `VERSION`.
#[test]
fn install_sh_picks_the_tarball_for_each_os_and_machine_uname_names() {
    let cases = [
        ("Linux", "x86_64", Some("x86_64-unknown-linux-gnu")),
        ("Linux", "aarch64", Some("aarch64-unknown-linux-gnu")),
        ("Linux", "arm64", Some("aarch64-unknown-linux-gnu")),
        ("Darwin", "x86_64", Some("x86_64-apple-darwin")),
        ("Darwin", "arm64", Some("aarch64-apple-darwin")),
        ("Linux", "armv7l", None),
        ("Linux", "riscv64", None),
        ("FreeBSD", "amd64", None),
        ("MINGW64_NT-10.0", "x86_64", None),
    ];
    for (os, machine, expected) in cases {
        let ctx = TestContext::new();
        // Only VERSION is served: the tarball's request is what tells the target.
        ctx.mirror.serve_bytes("/rel/VERSION", "0.1.0\n".as_bytes());
        let fake = ctx.root.join("fake-uname");
        std::fs::create_dir_all(&fake).unwrap();
        let uname = fake.join("uname");
        std::fs::write(
            &uname,
            format!(
                "#!/bin/sh\ncase \"$1\" in\n-s) echo '{os}' ;;\n-m) echo '{machine}' ;;\n*) exit 1 ;;\nesac\n"
            ),
        )
        .unwrap();
        std::fs::set_permissions(&uname, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let out = ctx
            .command("dash")
            .arg(repo().join("scripts/install.sh"))
            .env("GOVER_INSTALL_URL", ctx.mirror.url("/rel"))
            .env("PATH", format!("{}:/usr/bin:/bin", fake.display()))
            .run();
        let fetched: Vec<String> = ctx
            .mirror
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| p != "/rel/VERSION")
            .collect();
        match expected {
            Some(target) => {
                let tarball = format!("/rel/gover-0.1.0-{target}.tar.gz");
                assert!(
                    !fetched.is_empty()
                        && fetched
                            .iter()
                            .all(|p| *p == tarball || *p == format!("{tarball}.sha256")),
                    "{os} {machine}: want {tarball}, fetched {fetched:?}\n{out}"
                );
                // Nothing was served, so nothing is installed.
                out.assert_exit(1);
                assert!(!ctx.home.join(".gover/bin/gover").exists());
            }
            None => {
                out.assert_exit(1);
                out.assert_stderr_contains("error: no gover release for");
                out.assert_stderr_contains("hint: build from source");
                assert!(fetched.is_empty(), "{os} {machine}: fetched {fetched:?}");
            }
        }
    }
}
