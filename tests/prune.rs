//! `gover prune`: every stale state is built for real in a temp dir, then the test asserts what
//! prune prints, what it removes, what it keeps, and that the user's files are untouched.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const GOVER: &str = env!("CARGO_BIN_EXE_gover");
const SHIM: &str = env!("CARGO_BIN_EXE_gover-shim");

/// A temp dir with a gover home, a user home, a fake filesystem root and a neutral work dir.
struct Ctx {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    home: PathBuf,
    user: PathBuf,
    root: PathBuf,
    work: PathBuf,
    path: String,
}

impl Ctx {
    fn new() -> Ctx {
        let tmp = tempfile::tempdir().unwrap();
        let dir = fs::canonicalize(tmp.path()).unwrap();
        let ctx = Ctx {
            home: dir.join("gover"),
            user: dir.join("user"),
            root: dir.join("root"),
            work: dir.join("work"),
            path: format!("{}", dir.join("gover/shims").display()),
            dir,
            _tmp: tmp,
        };
        for d in [&ctx.home, &ctx.user, &ctx.root, &ctx.work] {
            fs::create_dir_all(d).unwrap();
        }
        ctx
    }

    fn gover(&self, args: &[&str]) -> Output {
        self.run_in(&self.work, GOVER, args)
    }

    fn run_in(&self, cwd: &Path, exe: &str, args: &[&str]) -> Output {
        Command::new(exe)
            .args(args)
            .current_dir(cwd)
            .env_clear()
            .env("GOVER_HOME", &self.home)
            .env("HOME", &self.user)
            .env("GOVER_SYSTEM_ROOT", &self.root)
            .env("PATH", &self.path)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// A complete fake install: `bin/go` script and a matching `VERSION`.
    fn version(&self, v: &str) -> PathBuf {
        let dir = self.home.join("versions").join(v);
        fs::create_dir_all(dir.join("bin")).unwrap();
        write_exe(&dir.join("bin/go"), &format!("#!/bin/sh\necho go{v}\n"));
        fs::write(
            dir.join("VERSION"),
            format!("go{v}\ntime 2024-01-01T00:00:00Z\n"),
        )
        .unwrap();
        dir
    }

    fn set_default(&self, v: &str) {
        let link = self.home.join("current");
        let _ = fs::remove_file(&link);
        symlink(format!("versions/{v}"), link).unwrap();
    }

    fn shims(&self) {
        fs::create_dir_all(self.home.join("shims")).unwrap();
        for tool in ["go", "gofmt"] {
            let _ = fs::remove_file(self.home.join("shims").join(tool));
            symlink(SHIM, self.home.join("shims").join(tool)).unwrap();
        }
    }

    /// Output text with the temp dir and the shim path replaced by placeholders.
    fn clean(&self, bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes)
            .replace(SHIM, "<shim>")
            .replace(&self.dir.display().to_string(), "<tmp>")
    }

    fn installed(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(self.home.join("versions"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

fn write_exe(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Every path under `dir` with its link target or file contents: a full picture of the tree.
fn snapshot(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let shown = path.display();
            if meta.file_type().is_symlink() {
                out.push(format!(
                    "{shown} -> {}",
                    fs::read_link(&path).unwrap().display()
                ));
            } else if meta.is_dir() {
                out.push(format!("{shown}/"));
                stack.push(path);
            } else {
                out.push(format!("{shown} = {:?}", fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The user's own dir, which links inside gover's leftovers point into.
fn user_files(ctx: &Ctx) -> PathBuf {
    let precious = ctx.user.join("src/precious");
    fs::create_dir_all(&precious).unwrap();
    fs::write(precious.join("main.go"), "package main\n").unwrap();
    precious
}

/// Every stale state gover owns, plus what must survive.
fn stale_home(ctx: &Ctx) -> PathBuf {
    let precious = user_files(ctx);
    ctx.version("1.21.0");
    ctx.version("1.22.5");
    // Broken installs: no bin/go; a VERSION naming another release (with a link to the
    // user's dir inside, which must not be followed).
    fs::create_dir_all(ctx.home.join("versions/1.19.0/src")).unwrap();
    let mismatched = ctx.version("1.18.1");
    fs::write(mismatched.join("VERSION"), "go1.17.13\n").unwrap();
    symlink(&precious, mismatched.join("user-link")).unwrap();
    ctx.shims();
    // A dangling shim, a shim pointing elsewhere, a stray dangling link.
    fs::remove_file(ctx.home.join("shims/go")).unwrap();
    symlink(
        ctx.dir.join("old-bin/gover-shim"),
        ctx.home.join("shims/go"),
    )
    .unwrap();
    fs::remove_file(ctx.home.join("shims/gofmt")).unwrap();
    symlink("/bin/true", ctx.home.join("shims/gofmt")).unwrap();
    symlink(ctx.dir.join("gone"), ctx.home.join("shims/vet")).unwrap();
    // `current` at the broken 1.19.0.
    ctx.set_default("1.19.0");
    // A killed install of 1.23.0: staging dir (with a link out) and partial download.
    let staging = ctx.home.join("staging/1.23.0.Ab3dEf");
    fs::create_dir_all(staging.join("go/bin")).unwrap();
    symlink(&precious, staging.join("go/user-link")).unwrap();
    let downloads = ctx.home.join("cache/downloads");
    fs::create_dir_all(&downloads).unwrap();
    fs::write(
        downloads.join("go1.23.0.linux-amd64.tar.gz.partial"),
        "half",
    )
    .unwrap();
    // Cached archives: one of an uninstalled version, one of an installed one.
    fs::write(downloads.join("go1.20.14.linux-amd64.tar.gz"), "old").unwrap();
    fs::write(downloads.join("go1.22.5.linux-amd64.tar.gz"), "keep").unwrap();
    // A record of a .go-version that is gone.
    fs::create_dir_all(ctx.home.join("seen")).unwrap();
    symlink(
        ctx.dir.join("deleted/.go-version"),
        ctx.home.join("seen/0123456789abcdef"),
    )
    .unwrap();
    precious
}

const STALE_PLAN: &str = "\
remove seen-record <tmp>/gover/seen/0123456789abcdef: records <tmp>/deleted/.go-version, which is gone
remove broken-install <tmp>/gover/versions/1.18.1: its VERSION says `go1.17.13`, not `go1.18.1`
remove broken-install <tmp>/gover/versions/1.19.0: incomplete install: no bin/go
repoint shim <tmp>/gover/shims/go -> <shim>: dangling link to <tmp>/old-bin/gover-shim
repoint shim <tmp>/gover/shims/gofmt -> <shim>: points at /bin/true, not the gover shim
remove shim <tmp>/gover/shims/vet: dangling link to <tmp>/gone
remove staging <tmp>/gover/staging/1.23.0.Ab3dEf: left by an interrupted install of Go 1.23.0
remove cached-archive <tmp>/gover/cache/downloads/go1.20.14.linux-amd64.tar.gz: Go 1.20.14 is not installed
remove partial-download <tmp>/gover/cache/downloads/go1.23.0.linux-amd64.tar.gz.partial: left by an interrupted download of Go 1.23.0
repoint current <tmp>/gover/current -> versions/1.22.5: Go 1.19.0 is not installed; Go 1.22.5 is the newest installed release
";

#[test]
fn prune_removes_what_gover_left_behind_and_keeps_the_rest() {
    let ctx = Ctx::new();
    let precious = stale_home(&ctx);
    let user_before = snapshot(&ctx.user);

    let out = ctx.gover(&["prune"]);
    assert!(out.status.success(), "{}", ctx.clean(&out.stderr));
    assert_eq!(ctx.clean(&out.stdout), STALE_PLAN);
    assert!(
        ctx.clean(&out.stderr)
            .contains("Pruned: 10 change(s) made, 0 failed")
    );

    assert_eq!(ctx.installed(), ["1.21.0", "1.22.5"]);
    assert_eq!(
        fs::read_link(ctx.home.join("current")).unwrap(),
        Path::new("versions/1.22.5")
    );
    for tool in ["go", "gofmt"] {
        assert_eq!(
            fs::read_link(ctx.home.join("shims").join(tool)).unwrap(),
            Path::new(SHIM)
        );
    }
    assert!(!exists(&ctx.home.join("shims/vet")));
    assert_eq!(fs::read_dir(ctx.home.join("staging")).unwrap().count(), 0);
    let downloads = ctx.home.join("cache/downloads");
    assert_eq!(
        fs::read_dir(&downloads)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect::<Vec<_>>(),
        ["go1.22.5.linux-amd64.tar.gz"]
    );
    assert_eq!(fs::read_dir(ctx.home.join("seen")).unwrap().count(), 0);
    // The links inside removed dirs were not followed.
    assert_eq!(snapshot(&ctx.user), user_before);
    assert!(precious.join("main.go").is_file());
    // The result works: the shim runs the new default.
    let go = ctx.run_in(
        &ctx.work,
        ctx.home.join("shims/go").to_str().unwrap(),
        &["version"],
    );
    assert_eq!(String::from_utf8_lossy(&go.stdout), "go1.22.5\n");

    // A second run finds nothing.
    let again = ctx.gover(&["prune"]);
    assert!(again.status.success());
    assert_eq!(ctx.clean(&again.stdout), "");
    assert!(ctx.clean(&again.stderr).contains("Nothing to prune"));
}

#[test]
fn dry_run_prints_the_same_plan_and_changes_nothing() {
    let ctx = Ctx::new();
    stale_home(&ctx);
    let before = snapshot(&ctx.dir);

    let dry = ctx.gover(&["prune", "--dry-run"]);
    assert!(dry.status.success(), "{}", ctx.clean(&dry.stderr));
    assert_eq!(ctx.clean(&dry.stdout), STALE_PLAN);
    assert!(
        ctx.clean(&dry.stderr)
            .contains("Dry run: 10 change(s) planned; nothing was changed")
    );
    // Not a byte changed: not even a lock file was created.
    assert_eq!(snapshot(&ctx.dir), before);

    let real = ctx.gover(&["prune"]);
    assert_eq!(real.stdout, dry.stdout);
}

#[test]
fn json_lists_each_item_with_its_status() {
    let ctx = Ctx::new();
    stale_home(&ctx);
    let dry = ctx.gover(&["prune", "--dry-run", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(doc["dry_run"], true);
    let items = doc["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    assert!(items.iter().all(|i| i["status"] == "planned"));
    let current = items.iter().find(|i| i["kind"] == "current").unwrap();
    assert_eq!(current["action"], "repoint");
    assert_eq!(current["target"], "versions/1.22.5");

    let real = ctx.gover(&["prune", "--json"]);
    assert!(real.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&real.stdout).unwrap();
    assert_eq!(doc["dry_run"], false);
    assert!(
        doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "done")
    );
}

#[test]
fn current_is_removed_when_no_version_is_left() {
    let ctx = Ctx::new();
    fs::create_dir_all(ctx.home.join("versions")).unwrap();
    ctx.set_default("1.22.5");
    let out = ctx.gover(&["prune"]);
    assert!(out.status.success());
    assert_eq!(
        ctx.clean(&out.stdout),
        "remove current <tmp>/gover/current: Go 1.22.5 is not installed and no version is left\n"
    );
    assert!(!exists(&ctx.home.join("current")));
}

#[test]
fn keep_n_never_removes_the_default_or_the_version_active_here() {
    let ctx = Ctx::new();
    for v in ["1.20.1", "1.21.0", "1.22.5", "1.23.0"] {
        ctx.version(v);
    }
    ctx.set_default("1.20.1");
    fs::write(ctx.work.join(".go-version"), "1.21\n").unwrap();
    let out = ctx.gover(&["prune", "--keep", "1"]);
    assert!(out.status.success(), "{}", ctx.clean(&out.stderr));
    assert_eq!(
        ctx.clean(&out.stdout),
        "remove version <tmp>/gover/versions/1.22.5: older than the 1 newest installed versions\n"
    );
    assert_eq!(ctx.installed(), ["1.20.1", "1.21.0", "1.23.0"]);
    // Removal went through staging and left nothing there.
    assert_eq!(fs::read_dir(ctx.home.join("staging")).unwrap().count(), 0);
}

#[test]
fn unused_keeps_versions_that_seen_go_version_files_ask_for() {
    let ctx = Ctx::new();
    for v in ["1.20.1", "1.21.0", "1.22.5", "1.23.0"] {
        ctx.version(v);
    }
    ctx.set_default("1.20.1");
    ctx.shims();
    // Project a is seen by a gover command, project b by the shim.
    let a = ctx.dir.join("a");
    let b = ctx.dir.join("b/deep");
    fs::create_dir_all(&a).unwrap();
    fs::create_dir_all(&b).unwrap();
    fs::write(a.join(".go-version"), "1.21.0\n").unwrap();
    fs::write(ctx.dir.join("b/.go-version"), "1.22\n").unwrap();
    let current = ctx.run_in(&a, GOVER, &["current"]);
    assert!(current.status.success());
    let go = ctx.run_in(
        &b,
        ctx.home.join("shims/go").to_str().unwrap(),
        &["version"],
    );
    assert_eq!(String::from_utf8_lossy(&go.stdout), "go1.22.5\n");
    assert_eq!(fs::read_dir(ctx.home.join("seen")).unwrap().count(), 2);

    let dry = ctx.gover(&["prune", "--unused", "--dry-run"]);
    assert_eq!(
        ctx.clean(&dry.stdout),
        "remove version <tmp>/gover/versions/1.23.0: no default, active or recorded version file (.go-version, .tool-versions, go.work, go.mod) asks for it\n"
    );

    // Once b's file is gone it protects nothing, and its record goes too.
    fs::remove_file(ctx.dir.join("b/.go-version")).unwrap();
    let out = ctx.gover(&["prune", "--unused"]);
    assert!(out.status.success(), "{}", ctx.clean(&out.stderr));
    let stdout = ctx.clean(&out.stdout);
    assert!(
        stdout.contains("remove seen-record <tmp>/gover/seen/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("records <tmp>/b/.go-version, which is gone"),
        "{stdout}"
    );
    assert!(
        stdout.contains("remove version <tmp>/gover/versions/1.22.5:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("remove version <tmp>/gover/versions/1.23.0:"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    assert_eq!(ctx.installed(), ["1.20.1", "1.21.0"]);
    assert_eq!(fs::read_dir(ctx.home.join("seen")).unwrap().count(), 1);
}

// See: issue 24, item 5.
#[test]
fn unused_keeps_versions_that_go_mod_go_work_and_tool_versions_ask_for() {
    let ctx = Ctx::new();
    for v in ["1.20.1", "1.21.0", "1.21.3", "1.22.5", "1.23.0", "1.23.5"] {
        ctx.version(v);
    }
    ctx.set_default("1.20.1");
    ctx.shims();
    // a: go.mod's toolchain line, run through the shim; b: go.mod's go line (a minimum: the
    // newest installed 1.21.x), through `gover current`; c: go.work's toolchain line, through
    // the shim; d: .tool-versions, through the shim.
    let project = |name: &str, file: &str, text: &str| {
        let dir = ctx.dir.join(name);
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join(file), text).unwrap();
        dir.join("sub")
    };
    let a = project("a", "go.mod", "module a\n\ngo 1.21\n\ntoolchain go1.23.5\n");
    let b = project("b", "go.mod", "module b\n\ngo 1.21.0\n");
    let c = project("c", "go.work", "go 1.20\n\ntoolchain go1.22.5\n");
    let d = project("d", ".tool-versions", "nodejs 20.1.0\ngolang 1.21.0\n");
    let shim = ctx.home.join("shims/go");
    for (dir, want) in [(&a, "go1.23.5"), (&c, "go1.22.5"), (&d, "go1.21.0")] {
        let go = ctx.run_in(dir, shim.to_str().unwrap(), &["version"]);
        assert_eq!(String::from_utf8_lossy(&go.stdout), format!("{want}\n"));
    }
    assert!(ctx.run_in(&b, GOVER, &["current"]).status.success());
    assert_eq!(fs::read_dir(ctx.home.join("seen")).unwrap().count(), 4);

    let dry = ctx.gover(&["prune", "--unused", "--dry-run"]);
    assert_eq!(
        ctx.clean(&dry.stdout),
        "remove version <tmp>/gover/versions/1.23.0: no default, active or recorded version file (.go-version, .tool-versions, go.work, go.mod) asks for it\n"
    );
    // uninstall refuses a version a go.mod pins, naming it.
    let out = ctx.gover(&["uninstall", "1.23.5"]);
    assert!(!out.status.success());
    assert!(
        ctx.clean(&out.stderr)
            .contains("Go 1.23.5 is pinned by <tmp>/a/go.mod"),
        "{}",
        ctx.clean(&out.stderr)
    );

    // A go.mod that no longer names a toolchain protects by its go line only.
    fs::write(ctx.dir.join("a/go.mod"), "module a\n\ngo 1.22.5\n").unwrap();
    let out = ctx.gover(&["prune", "--unused"]);
    assert!(out.status.success(), "{}", ctx.clean(&out.stderr));
    assert_eq!(ctx.installed(), ["1.20.1", "1.21.0", "1.21.3", "1.22.5"]);
}

#[test]
fn leftovers_of_a_running_install_are_left_alone() {
    let ctx = Ctx::new();
    ctx.version("1.22.5");
    ctx.set_default("1.22.5");
    let staging = ctx.home.join("staging/1.23.0.Zz9yYx");
    fs::create_dir_all(&staging).unwrap();
    let partial = ctx
        .home
        .join("cache/downloads/go1.23.0.linux-amd64.tar.gz.partial");
    fs::create_dir_all(partial.parent().unwrap()).unwrap();
    fs::write(&partial, "in flight").unwrap();
    // Hold the install's lock, as a running `gover install 1.23.0` does.
    fs::create_dir_all(ctx.home.join("locks")).unwrap();
    let lock = fs::File::create(ctx.home.join("locks/version-1.23.0.lock")).unwrap();
    lock.lock().unwrap();

    for args in [&["prune", "--dry-run"][..], &["prune"][..]] {
        let out = ctx.gover(args);
        assert!(out.status.success());
        assert_eq!(ctx.clean(&out.stdout), "");
        assert!(
            ctx.clean(&out.stderr)
                .contains("note: left the staging dirs and downloads of Go 1.23.0 alone: an install of it is running")
        );
    }
    assert!(staging.is_dir());
    assert!(partial.is_file());

    drop(lock);
    let out = ctx.gover(&["prune"]);
    assert_eq!(ctx.clean(&out.stdout).lines().count(), 2);
    assert!(!exists(&staging));
    assert!(!exists(&partial));
}

/// A Go SDK gover did not install, at `dir`.
fn foreign_sdk(dir: &Path, v: &str) {
    write_exe(&dir.join("bin/go"), "#!/bin/sh\necho foreign\n");
    write_exe(&dir.join("bin/gofmt"), "#!/bin/sh\n");
    fs::write(dir.join("VERSION"), format!("go{v}\n")).unwrap();
}

/// `--system` states in the fake root: a dangling `/usr/local/go`, `/usr/local/bin/go` into a
/// foreign SDK, a foreign SDK dir on PATH put there by `~/.profile`, `/usr/bin/go` to a gover
/// shim (kept), and a standalone `~/go/bin/go`.
fn system_states(ctx: &Ctx) -> (PathBuf, PathBuf) {
    ctx.version("1.22.5");
    ctx.set_default("1.22.5");
    ctx.shims();
    let local = ctx.root.join("usr/local");
    fs::create_dir_all(local.join("bin")).unwrap();
    fs::create_dir_all(ctx.root.join("usr/bin")).unwrap();
    symlink(local.join("go1.20.3"), local.join("go")).unwrap();
    let opt_sdk = ctx.root.join("opt/go1.19");
    foreign_sdk(&opt_sdk, "1.19.13");
    symlink(opt_sdk.join("bin/go"), local.join("bin/go")).unwrap();
    let path_sdk = local.join("go1.21");
    foreign_sdk(&path_sdk, "1.21.13");
    symlink(SHIM, ctx.root.join("usr/bin/go")).unwrap();
    write_exe(&ctx.user.join("go/bin/go"), "#!/bin/sh\n");
    fs::write(
        ctx.user.join(".profile"),
        format!(
            "# my setup\nexport PATH=\"{}/bin:$PATH\"\n",
            path_sdk.display()
        ),
    )
    .unwrap();
    (opt_sdk, path_sdk)
}

const SYSTEM_PLAN: &str = "\
report system-sdk <tmp>/root/usr/local/go1.21: a Go SDK gover did not install (never removed by gover); <tmp>/root/usr/local/go1.21/bin is on PATH before gover's shims, so it shadows them
  to remove it: rm -rf <tmp>/root/usr/local/go1.21
  mentioned in <tmp>/user/.profile:2: export PATH=\"<tmp>/root/usr/local/go1.21/bin:$PATH\"
report system-sdk <tmp>/user/go/bin/go: a Go executable gover did not install; <tmp>/user/go/bin is not on PATH
  to remove it: rm <tmp>/user/go/bin/go
remove system-link <tmp>/root/usr/local/bin/go: link into <tmp>/root/opt/go1.19, a Go SDK gover does not manage; <tmp>/root/usr/local/bin is on PATH after gover's shims
remove system-link <tmp>/root/usr/local/go: dangling link to <tmp>/root/usr/local/go1.20.3; <tmp>/root/usr/local/go/bin is not on PATH
";

#[test]
fn system_links_are_removed_only_with_consent_and_sdk_dirs_never() {
    let mut ctx = Ctx::new();
    let (opt_sdk, path_sdk) = system_states(&ctx);
    ctx.path = format!(
        "{}/bin:{}:{}",
        path_sdk.display(),
        ctx.home.join("shims").display(),
        ctx.root.join("usr/local/bin").display()
    );
    let before = snapshot(&ctx.dir);

    let dry = ctx.gover(&["prune", "--system", "--dry-run", "--yes"]);
    assert_eq!(ctx.clean(&dry.stdout), SYSTEM_PLAN);
    assert_eq!(snapshot(&ctx.dir), before);

    // No --yes and no terminal: listed, not removed (a real run only adds its lock file).
    let out = ctx.gover(&["prune", "--system"]);
    assert!(out.status.success(), "{}", ctx.clean(&out.stderr));
    assert_eq!(ctx.clean(&out.stdout), SYSTEM_PLAN);
    assert!(
        ctx.clean(&out.stderr)
            .contains("Left 2 link(s) outside GOVER_HOME in place: pass --yes")
    );
    let without_locks = |mut snap: Vec<String>| {
        snap.retain(|l| !l.contains("/gover/locks/"));
        snap
    };
    assert_eq!(without_locks(snapshot(&ctx.dir)), before);

    let out = ctx.gover(&["prune", "--system", "--yes"]);
    assert!(out.status.success(), "{}", ctx.clean(&out.stderr));
    assert_eq!(ctx.clean(&out.stdout), SYSTEM_PLAN);
    assert!(!exists(&ctx.root.join("usr/local/go")));
    assert!(!exists(&ctx.root.join("usr/local/bin/go")));
    // What the links pointed at, the SDK dirs, the user's files and the link to gover's
    // shim are all still there.
    let mut expected = before.clone();
    expected.retain(|l| {
        !l.starts_with(&format!("{}/usr/local/go ->", ctx.root.display()))
            && !l.starts_with(&format!("{}/usr/local/bin/go ->", ctx.root.display()))
    });
    assert_eq!(without_locks(snapshot(&ctx.dir)), expected);
    assert!(opt_sdk.join("bin/go").is_file());
    assert!(path_sdk.join("bin/go").is_file());
    assert!(exists(&ctx.root.join("usr/bin/go")));
}

#[test]
fn a_failure_on_one_item_is_reported_and_the_rest_still_happen() {
    let ctx = Ctx::new();
    ctx.version("1.22.5");
    ctx.set_default("1.22.5");
    let local = ctx.root.join("usr/local");
    let locked_bin = ctx.root.join("usr/bin");
    fs::create_dir_all(local.join("bin")).unwrap();
    fs::create_dir_all(&locked_bin).unwrap();
    symlink(ctx.dir.join("missing/go"), locked_bin.join("go")).unwrap();
    symlink(ctx.dir.join("missing/go"), local.join("bin/go")).unwrap();
    let _guard = Undeletable::new(&locked_bin);

    let out = ctx.gover(&["prune", "--system", "--yes"]);
    let stderr = ctx.clean(&out.stderr);
    assert_eq!(out.status.code(), Some(7), "{stderr}");
    assert!(
        stderr.contains("error: cannot remove <tmp>/root/usr/bin/go: "),
        "{stderr}"
    );
    assert!(
        stderr.contains("Pruned: 1 change(s) made, 1 failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: prune could not finish 1 of its 2 changes"),
        "{stderr}"
    );
    assert!(exists(&locked_bin.join("go")));
    assert!(!exists(&local.join("bin/go")));
}

/// Makes a dir's entries undeletable for the test's lifetime: `chmod 0555` for a normal user;
/// root ignores modes, so as root the dir is made immutable (`chattr +i`, e2fsprogs).
struct Undeletable(PathBuf);

impl Undeletable {
    fn new(dir: &Path) -> Undeletable {
        use std::os::unix::fs::PermissionsExt;
        if is_root() {
            let ok = Command::new("chattr").arg("+i").arg(dir).status();
            assert!(
                ok.is_ok_and(|s| s.success()),
                "running as root, this test needs `chattr +i` (e2fsprogs) on {}",
                dir.display()
            );
        } else {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        }
        Undeletable(dir.to_path_buf())
    }
}

impl Drop for Undeletable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if is_root() {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        } else {
            let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
        }
    }
}

fn is_root() -> bool {
    let out = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// See: issue 26 item 3. A Mac's Go, laid out in the fake root: the official installer's
/// `/usr/local/go` put on PATH by path_helper's `/etc/paths.d/go` (and named again in
/// `~/.zprofile`, which macOS's login zsh reads), and Homebrew's `/opt/homebrew/bin/go` linking
/// into its Cellar. The SDK is reported with the lines that put it on PATH, Homebrew's link
/// with `brew uninstall`, and neither is removed, even with `--yes`.
#[test]
fn macos_installer_and_homebrew_go_are_reported_with_paths_d_and_zprofile() {
    let mut ctx = Ctx::new();
    ctx.version("1.22.5");
    ctx.set_default("1.22.5");
    ctx.shims();
    let local_go = ctx.root.join("usr/local/go");
    foreign_sdk(&local_go, "1.21.13");
    fs::create_dir_all(ctx.root.join("etc/paths.d")).unwrap();
    fs::write(
        ctx.root.join("etc/paths.d/go"),
        format!("{}/bin\n", local_go.display()),
    )
    .unwrap();
    fs::write(
        ctx.root.join("etc/zprofile"),
        "# System-wide profile for interactive zsh(1) login shells.\n\
         if [ -x /usr/libexec/path_helper ]; then\n\teval `/usr/libexec/path_helper -s`\nfi\n",
    )
    .unwrap();
    fs::write(
        ctx.user.join(".zprofile"),
        format!(
            "eval \"$(/opt/homebrew/bin/brew shellenv)\"\nexport GOROOT={}\n",
            local_go.display()
        ),
    )
    .unwrap();
    let cellar = ctx.root.join("opt/homebrew/Cellar/go/1.22.1");
    foreign_sdk(&cellar.join("libexec"), "1.22.1");
    fs::create_dir_all(cellar.join("bin")).unwrap();
    symlink("../libexec/bin/go", cellar.join("bin/go")).unwrap();
    fs::create_dir_all(ctx.root.join("opt/homebrew/bin")).unwrap();
    symlink(
        "../Cellar/go/1.22.1/bin/go",
        ctx.root.join("opt/homebrew/bin/go"),
    )
    .unwrap();
    // What path_helper gives a shell that never ran `brew shellenv`: /etc/paths.d's entry after
    // the rest, and no /opt/homebrew/bin (prune looks there anyway).
    ctx.path = format!(
        "{}:{}/bin",
        ctx.home.join("shims").display(),
        local_go.display()
    );
    let before = snapshot(&ctx.dir);

    let out = ctx.gover(&["prune", "--system", "--yes"]);
    assert!(out.status.success(), "{}", ctx.clean(&out.stderr));
    assert_eq!(ctx.clean(&out.stdout), MACOS_PLAN);
    // Nothing changed but gover's own lock file.
    let mut after = snapshot(&ctx.dir);
    after.retain(|l| !l.contains("/gover/locks/"));
    assert_eq!(after, before);
}

const MACOS_PLAN: &str = "\
report system-sdk <tmp>/root/usr/local/go: a Go SDK gover did not install (never removed by gover); <tmp>/root/usr/local/go/bin is on PATH after gover's shims
  to remove it: rm -rf <tmp>/root/usr/local/go
  mentioned in <tmp>/user/.zprofile:2: export GOROOT=<tmp>/root/usr/local/go
  mentioned in <tmp>/root/etc/paths.d/go:1: <tmp>/root/usr/local/go/bin
report system-sdk <tmp>/root/opt/homebrew/bin/go: installed by the Homebrew formula go (never removed by gover); <tmp>/root/opt/homebrew/bin is not on PATH
  to remove it: brew uninstall go
";
