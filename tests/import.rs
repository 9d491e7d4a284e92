//! `gover import DIR…` and `gover import --scan`: Go trees already on the machine become
//! installed versions by a link; the trees themselves are never written, moved or deleted, by
//! import, use, the shims, uninstall or prune. See: issue 15, item 3.

mod common;

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::TestContext;
use common::release::fake_tool_script;

/// A Go tree as a tarball or another version manager leaves it: VERSION, bin/go, bin/gofmt, pkg/tool.
fn go_tree(dir: &Path, version: &str) -> PathBuf {
    for (rel, text, mode) in [
        (
            "VERSION",
            format!("go{version}\ntime 2024-01-01T00:00:00Z\n"),
            0o644,
        ),
        ("bin/go", fake_tool_script("go", version), 0o755),
        ("bin/gofmt", fake_tool_script("gofmt", version), 0o755),
        (
            "pkg/tool/linux_amd64/compile",
            "#!/bin/sh\n".to_string(),
            0o755,
        ),
        (
            "src/runtime/extern.go",
            "package runtime\n".to_string(),
            0o644,
        ),
    ] {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    dir.to_path_buf()
}

/// Every entry under `dir` with its bytes, link target or `dir`, plus its mode.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            let what = if meta.is_symlink() {
                format!("link {}", std::fs::read_link(&path).unwrap().display())
            } else if meta.is_dir() {
                todo.push(path.clone());
                "dir".into()
            } else {
                String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned()
            };
            let mode = meta.permissions().mode();
            out.insert(
                path.strip_prefix(dir).unwrap().to_path_buf(),
                format!("{mode:o} {what}"),
            );
        }
    }
    out
}

fn link_of(ctx: &TestContext, version: &str) -> PathBuf {
    std::fs::read_link(ctx.version_dir(version))
        .unwrap_or_else(|e| panic!("versions/{version} should be a link: {e}"))
}

#[test]
fn import_links_the_tree_lists_it_and_the_shims_run_it() {
    let ctx = TestContext::new();
    let tree = go_tree(&ctx.root.join("opt/go1.21.5"), "1.21.5");
    // Imported through a link, as /usr/local/go often is: the version links to the real tree.
    std::os::unix::fs::symlink(&tree, ctx.root.join("opt/go")).unwrap();
    let before = snapshot(&tree);

    let out = ctx.gover(["import", ctx.root.join("opt/go").to_str().unwrap()]);

    out.assert_success()
        .assert_stderr_contains(&format!("Imported Go 1.21.5 from {}", tree.display()));
    assert_eq!(link_of(&ctx, "1.21.5"), tree);
    assert_eq!(ctx.installed(), ["1.21.5"]);
    ctx.assert_default("1.21.5");
    ctx.gover(["list"]).assert_success().assert_stdout(&format!(
        "* 1.21.5 (default) (imported from {})\n",
        tree.display()
    ));
    let json: serde_json::Value =
        serde_json::from_str(&ctx.gover(["list", "--json"]).stdout).unwrap();
    assert_eq!(json[0]["imported"], tree.display().to_string());
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains("go1.21.5");
    // A partial version in a .go-version finds it too (the shim lists versions/).
    ctx.write_go_version(&ctx.project, "1.21\n");
    ctx.shim("go", ["print-env", "GOROOT"])
        .assert_success()
        .assert_stdout(&format!("GOROOT={}\n", ctx.version_dir("1.21.5").display()));
    assert_eq!(snapshot(&tree), before, "the tree is never changed");
}

#[test]
fn importing_the_same_tree_again_is_a_no_op() {
    let ctx = TestContext::new();
    let tree = go_tree(&ctx.root.join("sdk/go1.22.1"), "1.22.1");
    ctx.gover(["import", tree.to_str().unwrap()])
        .assert_success();

    ctx.gover(["import", tree.to_str().unwrap()])
        .assert_success()
        .assert_stderr_contains("is already imported");

    assert_eq!(link_of(&ctx, "1.22.1"), tree);
}

#[test]
fn uninstall_of_an_imported_version_removes_only_the_link() {
    let ctx = TestContext::new();
    let tree = go_tree(&ctx.root.join("sdk/go1.22.1"), "1.22.1");
    let other = go_tree(&ctx.root.join("sdk/go1.21.0"), "1.21.0");
    let before = snapshot(&tree);
    ctx.gover(["import", other.to_str().unwrap(), tree.to_str().unwrap()])
        .assert_success();

    ctx.gover(["uninstall", "1.22.1"]).assert_success();

    assert_eq!(ctx.installed(), ["1.21.0"]);
    assert!(std::fs::symlink_metadata(ctx.version_dir("1.22.1")).is_err());
    assert_eq!(snapshot(&tree), before, "uninstall never touches the tree");
    ctx.assert_no_leftovers();
    // The default too, with --force.
    let before = snapshot(&other);
    ctx.gover(["uninstall", "--force", "1.21.0"])
        .assert_success();
    assert_eq!(snapshot(&other), before);
}

#[test]
fn prune_never_touches_an_imported_tree() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");
    let tree = go_tree(&ctx.root.join("sdk/go1.20.3"), "1.20.3");
    let before = snapshot(&tree);
    ctx.gover(["import", tree.to_str().unwrap()])
        .assert_success();

    ctx.gover(["prune", "--keep", "0", "--unused"])
        .assert_success();

    assert_eq!(link_of(&ctx, "1.20.3"), tree, "the link stays");
    assert_eq!(snapshot(&tree), before);
    // Once the tree is gone the dangling link is pruned, and only the link.
    let moved = ctx.root.join("sdk/moved");
    std::fs::rename(&tree, &moved).unwrap();
    ctx.gover(["prune"]).assert_success();
    assert!(std::fs::symlink_metadata(ctx.version_dir("1.20.3")).is_err());
    assert_eq!(snapshot(&moved), before);
}

#[test]
fn import_refuses_what_is_not_a_go_tree_and_names_taken() {
    let ctx = TestContext::with_releases(&["1.22.5"]);
    ctx.install("1.22.5");
    let root = ctx.root.join("bad");
    let no_version = go_tree(&root.join("no-version"), "1.21.0");
    std::fs::remove_file(no_version.join("VERSION")).unwrap();
    let no_tool = go_tree(&root.join("no-pkg-tool"), "1.21.0");
    std::fs::remove_dir_all(no_tool.join("pkg")).unwrap();
    let garbage = go_tree(&root.join("garbage"), "1.21.0");
    std::fs::write(garbage.join("VERSION"), "devel +abc\n").unwrap();
    let not_exec = go_tree(&root.join("not-exec"), "1.21.0");
    std::fs::set_permissions(
        not_exec.join("bin/go"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();

    for (dir, needle) in [
        (no_version.clone(), "VERSION"),
        (no_tool.clone(), "no pkg/tool"),
        (garbage.clone(), "VERSION says `devel +abc`"),
        (not_exec.clone(), "no executable bin/go"),
        (root.join("missing"), "is not a Go tree"),
        (ctx.version_dir("1.22.5"), "inside GOVER_HOME"),
    ] {
        ctx.gover(["import", dir.to_str().unwrap()])
            .assert_fails(2, needle);
    }
    // A tree naming a version gover installed itself: refused, both left alone.
    let same = go_tree(&root.join("same"), "1.22.5");
    ctx.gover(["import", same.to_str().unwrap()])
        .assert_fails(1, "Go 1.22.5 is already installed");
    assert!(
        !std::fs::symlink_metadata(ctx.version_dir("1.22.5"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(ctx.installed(), ["1.22.5"]);
}

#[test]
fn import_scan_lists_the_usual_places_and_imports_only_with_yes() {
    let ctx = TestContext::builder().env("GOVER_SYSTEM_ROOT", "").build();
    let sys = ctx.root.join("sys");
    let home = &ctx.home;
    let mut expected = vec![
        ("1.21.5", go_tree(&sys.join("usr/local/go1.21.5"), "1.21.5")),
        ("1.20.14", go_tree(&sys.join("usr/lib/go-1.20"), "1.20.14")),
        (
            "1.19.1",
            go_tree(&home.join(".goenv/versions/1.19.1"), "1.19.1"),
        ),
        (
            "1.18.2",
            go_tree(&home.join(".asdf/installs/golang/1.18.2/go"), "1.18.2"),
        ),
        (
            "1.17.3",
            go_tree(&home.join(".local/share/mise/installs/go/1.17.3"), "1.17.3"),
        ),
        (
            "1.16.4",
            go_tree(&home.join(".g/versions/1.16.4"), "1.16.4"),
        ),
        ("1.15.9", go_tree(&home.join("sdk/go1.15.9"), "1.15.9")),
        (
            "1.23.0",
            go_tree(
                &home.join("go/pkg/mod/golang.org/toolchain@v0.0.1-go1.23.0.linux-amd64"),
                "1.23.0",
            ),
        ),
    ];
    // /usr/local/go links to go1.21.5: found once.
    std::os::unix::fs::symlink("go1.21.5", sys.join("usr/local/go")).unwrap();
    // Not trees: skipped silently.
    std::fs::create_dir_all(sys.join("usr/lib/gold")).unwrap();
    std::fs::create_dir_all(home.join("sdk/gotip")).unwrap();
    expected.sort_by(|a, b| a.1.cmp(&b.1));
    let before: Vec<_> = expected.iter().map(|(_, t)| snapshot(t)).collect();

    let out = ctx
        .gover_cmd(["import", "--scan"])
        .env("GOVER_SYSTEM_ROOT", &sys)
        .run();

    out.assert_success()
        .assert_stderr_contains("Dry run: nothing changed");
    let mut lines: Vec<&str> = out.stdout.lines().collect();
    lines.sort_by_key(|l| l.split('\t').nth(1).unwrap_or_default().to_owned());
    let want: Vec<String> = expected
        .iter()
        .map(|(v, t)| format!("{v}\t{}\t(would import)", t.display()))
        .collect();
    assert_eq!(lines, want, "{out}");
    assert!(ctx.installed().is_empty(), "a dry run imports nothing");

    ctx.gover_cmd(["import", "--scan", "--yes"])
        .env("GOVER_SYSTEM_ROOT", &sys)
        .run()
        .assert_success();

    let mut versions: Vec<&str> = expected.iter().map(|(v, _)| *v).collect();
    versions.sort_by_key(|v| {
        v.split('.')
            .map(|n| n.parse::<u32>().unwrap())
            .collect::<Vec<_>>()
    });
    assert_eq!(ctx.installed(), versions);
    for (v, tree) in &expected {
        assert_eq!(&link_of(&ctx, v), tree);
    }
    let after: Vec<_> = expected.iter().map(|(_, t)| snapshot(t)).collect();
    assert_eq!(after, before, "import never changes a tree");
    // A second scan: everything already imported.
    let out = ctx
        .gover_cmd(["import", "--scan"])
        .env("GOVER_SYSTEM_ROOT", &sys)
        .run();
    assert!(
        out.stdout.lines().all(|l| l.ends_with("\t(imported)")),
        "{out}"
    );
}

#[test]
fn import_of_several_keeps_going_past_a_bad_one() {
    let ctx = TestContext::new();
    let good = go_tree(&ctx.root.join("sdk/go1.22.1"), "1.22.1");

    let out = ctx.gover([
        "import",
        ctx.root.join("nope").to_str().unwrap(),
        good.to_str().unwrap(),
    ]);

    out.assert_exit(2)
        .assert_stderr_contains("error: 1 of 2 failed to import");
    assert_eq!(ctx.installed(), ["1.22.1"]);
}

#[test]
fn import_of_debians_go_runs_the_real_toolchain_and_uninstall_leaves_it() {
    // See: issue 15 item 3; Debian's golang-1.22-go (CI installs it).
    let goroot = Path::new("/usr/lib/go-1.22");
    if !goroot.join("bin/go").is_file() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {} is missing",
            goroot.display()
        );
        eprintln!("skipping: {} is not installed", goroot.display());
        return;
    }
    let version = std::fs::read_to_string(goroot.join("VERSION")).unwrap();
    let version = version.lines().next().unwrap().strip_prefix("go").unwrap();
    let bin_before = snapshot(&goroot.join("bin"));
    let ctx = TestContext::new();

    ctx.gover(["import", goroot.to_str().unwrap()])
        .assert_success();

    assert_eq!(link_of(&ctx, version), goroot);
    ctx.gover(["list"]).assert_stdout_contains(&format!(
        "{version} (default) (imported from /usr/lib/go-1.22)"
    ));
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains(&format!("go version go{version} "));
    let out = ctx.shim("go", ["env", "GOROOT"]);
    out.assert_success()
        .assert_stdout(&format!("{}\n", ctx.version_dir(version).display()));
    assert!(ctx.mirror.requests().is_empty(), "import downloads nothing");

    ctx.gover(["uninstall", "--force", version])
        .assert_success();

    assert!(ctx.installed().is_empty());
    assert_eq!(snapshot(&goroot.join("bin")), bin_before);
    assert!(goroot.join("VERSION").is_file() && goroot.join("pkg/tool").is_dir());
}

/// See: issue 22 item 10. An imported tree upgraded in place (as `rm -rf /usr/local/go && tar
/// x` of a newer release, or `apt upgrade`, leave it): `list`, `doctor` and the shim's failure
/// path say so with the fix, and `gover import` again registers the tree as what it holds, drops
/// the stale name and moves the default with it.
#[test]
fn an_imported_tree_upgraded_in_place_is_detected_and_importing_it_again_fixes_it() {
    let ctx = TestContext::new();
    let tree = go_tree(&ctx.root.join("usr/local/go"), "1.21.8");
    ctx.gover_cmd(["import"]).arg(&tree).run().assert_success();
    ctx.assert_default("1.21.8");
    ctx.gover(["list"])
        .assert_success()
        .assert_stderr_lacks("warning");
    let fix = format!("gover import {}", tree.display());

    // Upgraded in place: the same dir now holds 1.21.13.
    std::fs::remove_dir_all(&tree).unwrap();
    go_tree(&tree, "1.21.13");
    let list = ctx.gover(["list"]);
    list.assert_success()
        .assert_stdout_contains(&format!(
            "1.21.8 (default) (imported from {}, which now holds go1.21.13)",
            tree.display()
        ))
        .assert_stderr_contains("whose VERSION now says `go1.21.13`")
        .assert_stderr_contains(&format!("run `{fix}`"));
    ctx.gover(["current"])
        .assert_success()
        .assert_stderr_contains("whose VERSION now says `go1.21.13`")
        .assert_stderr_contains(&fix);
    let json: serde_json::Value =
        serde_json::from_str(&ctx.gover(["list", "--json"]).stdout).unwrap();
    assert_eq!(json[0]["imported_tree_now"], "go1.21.13", "{json}");

    let doctor = ctx.gover(["doctor", "--json"]);
    let report: serde_json::Value = serde_json::from_str(&doctor.stdout).unwrap();
    let found = common::shells::findings(&report, "imported-tree-changed");
    assert_eq!(found.len(), 1, "{report:#}");
    assert!(
        found[0]["title"]
            .as_str()
            .unwrap()
            .contains("whose VERSION now says `go1.21.13`"),
        "{report:#}"
    );
    assert!(found[0].to_string().contains(&fix), "{report:#}");

    // Half-way through a replace (VERSION there, bin/go not yet): the shim's failure says why.
    std::fs::remove_file(tree.join("bin/go")).unwrap();
    let shim = ctx.shim("go", ["version"]);
    shim.assert_exit(127)
        .assert_stderr_contains("Go 1.21.8 is not installed")
        .assert_stderr_contains("whose VERSION now says `go1.21.13`")
        .assert_stderr_contains(&fix);
    go_tree(&tree, "1.21.13");

    // The fix: imported again under what it holds; the stale name is gone, the default follows.
    ctx.gover_cmd(["import"])
        .arg(&tree)
        .run()
        .assert_success()
        .assert_stderr_contains(&format!("Removed {}", ctx.version_dir("1.21.8").display()));
    assert_eq!(ctx.installed(), ["1.21.13"]);
    ctx.assert_default("1.21.13");
    ctx.gover(["list"])
        .assert_success()
        .assert_stderr_lacks("warning");
    let report: serde_json::Value =
        serde_json::from_str(&ctx.gover(["doctor", "--json"]).stdout).unwrap();
    assert!(common::shells::findings(&report, "imported-tree-changed").is_empty());
    ctx.shim("go", ["version"])
        .assert_success()
        .assert_stdout_contains("go1.21.13");
}
