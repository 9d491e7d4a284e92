//! What `gover doctor` and `gover prune --system` do with the entries of PATH (and
//! LD_LIBRARY_PATH) they find: empty and relative entries are reported, never run or changed;
//! every other `go` is run at once with a short timeout; a stale Go link PATH goes through is
//! removable; a dir a package manager owns gets the package manager's command.

mod common;

use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use common::TestContext;
use common::shells::{self, Shells, evidence, findings};

fn write_exe(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A `go` and a `gofmt` in the directory commands run in (the sandbox's HOME, like a cloned
/// repo), each leaving a marker file when run.
fn plant_tools(sb: &TestContext) -> std::path::PathBuf {
    let marker = sb.root.join("planted-tool-ran");
    for tool in ["go", "gofmt"] {
        write_exe(
            &sb.project.join(tool),
            &format!(
                "#!/bin/sh\necho \"$0 $*\" >> '{}'\necho go version go1.99.0 linux/amd64\n",
                marker.display()
            ),
        );
    }
    marker
}

// See: issue 11 item 8
#[test]
fn doctor_reports_relative_and_empty_path_entries_and_never_runs_what_they_hold() {
    let sb = shells::sandbox();
    let marker = plant_tools(&sb);
    let shims = sb.shims_dir().display().to_string();
    let paths = [
        format!(".:{shims}:/usr/bin:/bin"),
        format!("{shims}:/usr/bin:/bin:."),
        format!("{shims}::/usr/bin:/bin"),
        format!(":{shims}:/usr/bin:/bin"),
    ];
    for path in &paths {
        let (_, report) = sb.doctor(&[], path);
        assert!(
            !marker.exists(),
            "doctor ran a planted tool with PATH={path}: {}",
            std::fs::read_to_string(&marker).unwrap_or_default()
        );
        let found = evidence(&report, "path-relative-entry");
        assert!(
            found.contains("which means the current directory")
                || found.contains("`.` is relative"),
            "PATH={path}: {report:#}"
        );
        assert!(found.contains("`./go` exists here (not run)"), "{found}");
        // The people's report too.
        let out = sb.gover_with_path(&["doctor"], path).run();
        assert!(out.stdout.contains("path-relative-entry"), "{out}");
        assert!(!marker.exists(), "`gover doctor` ran a planted tool");
    }
}

// See: issue 11 item 8
#[test]
fn prune_system_never_touches_a_gofmt_link_in_the_current_directory() {
    let sb = shells::sandbox();
    // A link into a Go SDK gover does not manage: prune would remove it anywhere else on PATH.
    let sdk = sb.sdk().join("go1.21");
    std::fs::write(sdk.join("VERSION"), "go1.21.0\n").unwrap();
    write_exe(&sdk.join("bin/gofmt"), "#!/bin/sh\n");
    let link = sb.project.join("gofmt");
    symlink(sdk.join("bin/gofmt"), &link).unwrap();
    let root = sb.root.join("empty-root");
    std::fs::create_dir_all(&root).unwrap();
    let shims = sb.shims_dir().display().to_string();
    for path in [
        format!("{shims}:/usr/bin:/bin:."),
        format!(".:{shims}:/usr/bin:/bin"),
        format!("{shims}:/usr/bin:/bin:"),
    ] {
        let out = sb
            .gover_with_path(&["prune", "--system", "--yes"], &path)
            .env("GOVER_SYSTEM_ROOT", &root)
            .run();
        assert!(out.status.success(), "{out}");
        assert!(
            std::fs::symlink_metadata(&link).is_ok(),
            "PATH={path}: prune removed ./gofmt\n{out}"
        );
        assert!(
            out.stderr
                .contains("which means the current directory: not searched"),
            "{out}"
        );
    }
}

// See: issue 14.2
#[test]
fn prune_system_removes_the_dangling_go_link_path_goes_through_that_doctor_reports() {
    let sb = shells::sandbox();
    let link = sb.home.join("sdk/go");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    symlink(sb.home.join("sdk/go1.18-removed"), &link).unwrap();
    // Not a Go link: a dangling `~/tool` whose bin is on PATH is nobody's business here.
    let other = sb.home.join("tool");
    symlink(sb.home.join("tool-gone"), &other).unwrap();
    let root = sb.root.join("empty-root");
    std::fs::create_dir_all(&root).unwrap();
    let path = format!(
        "{}:{}/bin:{}/bin:/usr/bin:/bin",
        sb.shims_dir().display(),
        link.display(),
        other.display()
    );

    let (_, report) = sb.doctor(&[], &path);
    let stale = findings(&report, "stale-link");
    assert!(
        stale.iter().any(|f| f["title"]
            .as_str()
            .unwrap()
            .contains(&link.display().to_string())),
        "{report:#}"
    );
    assert!(
        !evidence(&report, "stale-link").contains(&other.display().to_string()),
        "{report:#}"
    );

    let out = sb
        .gover_with_path(&["prune", "--system", "--yes"], &path)
        .env("GOVER_SYSTEM_ROOT", &root)
        .run();
    assert!(out.status.success(), "{out}");
    assert!(
        out.stdout.contains(&format!(
            "remove system-link {}: dangling link",
            link.display()
        )),
        "{out}"
    );
    assert!(std::fs::symlink_metadata(&link).is_err(), "{out}");
    assert!(std::fs::symlink_metadata(&other).is_ok(), "{out}");

    let (_, after) = sb.doctor(&[], &path);
    assert!(
        !evidence(&after, "stale-link").contains(&link.display().to_string()),
        "{after:#}"
    );
}

// See: issue 14.4
#[test]
fn prune_system_gives_a_package_owned_sdk_the_package_managers_command() {
    let sdk = Path::new("/usr/lib/go-1.21");
    let dpkg = Path::new("/usr/bin/dpkg-query");
    if !sdk.join("bin/go").is_file() || !dpkg.is_file() {
        let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
        assert!(!ci, "CI installs Debian's golang-1.21-go (see .ci/run)");
        eprintln!("skipped: Debian's golang-1.21-go is not installed");
        return;
    }
    let sb = shells::sandbox();
    let root = sb.root.join("empty-root");
    std::fs::create_dir_all(&root).unwrap();
    let path = format!(
        "{}:/usr/lib/go-1.21/bin:/usr/bin:/bin",
        sb.shims_dir().display()
    );
    let out = sb
        .gover_with_path(&["prune", "--system", "--yes"], &path)
        .env("GOVER_SYSTEM_ROOT", &root)
        .run();
    assert!(out.status.success(), "{out}");
    assert!(
        out.stdout.contains(
            "report system-sdk /usr/lib/go-1.21: installed by the Debian package golang-1.21-go"
        ),
        "{out}"
    );
    assert!(
        out.stdout.contains("apt-get remove golang-1.21-go"),
        "{out}"
    );
    assert!(!out.stdout.contains("rm -rf /usr/lib/go-1.21"), "{out}");
    assert!(sdk.join("bin/go").is_file());
}

// See: issue 14.7
#[test]
fn doctor_reports_empty_and_relative_ld_library_path_entries() {
    let sb = shells::sandbox();
    let path = format!("{}:/usr/bin:/bin", sb.shims_dir().display());
    for (value, needle) in [
        ("/opt/lib:", "entry #2 is empty"),
        ("lib:/opt/lib", "entry #1 `lib` is relative"),
    ] {
        let out = sb
            .gover_with_path(&["doctor", "--json"], &path)
            .env("LD_LIBRARY_PATH", value)
            .run();
        let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let found = evidence(&report, "ld-library-path-relative");
        assert!(found.contains(needle), "{value}: {report:#}");
    }
    let out = sb
        .gover_with_path(&["doctor", "--json"], &path)
        .env("LD_LIBRARY_PATH", "/opt/lib:/usr/local/lib")
        .run();
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert!(findings(&report, "ld-library-path-relative").is_empty());
}

// See: issue 14.6, issue 16 item 5
#[test]
fn a_hanging_go_on_path_is_abandoned_after_the_timeout_and_named() {
    let sb = shells::sandbox();
    let hang = sb.root.join("hang/bin");
    write_exe(&hang.join("go"), "#!/bin/sh\nexec sleep 600\n");
    let path = format!(
        "{}:{}:{}:/usr/bin:/bin",
        hang.display(),
        sb.shims_dir().display(),
        sb.sdk_bin("go1.22")
    );
    let (_, report) = sb.doctor(&[], &path);
    let all = report["findings"].to_string();
    assert!(
        all.contains(&format!(
            "{}/go (did not answer `go version` within 2s; abandoned)",
            hang.display()
        )),
        "{report:#}"
    );
    // The others are still described.
    assert!(all.contains("(go1.22.0)"), "{report:#}");
}
