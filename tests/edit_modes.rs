//! The files `setup` writes for the user are created with their final mode: a 0600 `~/.bashrc`
//! (which may hold a token) never has a backup or temp copy that another user could open, not
//! even between the create and a later chmod. Watched under `strace`: the mode passed to the
//! `openat` that creates each file.
//!
//! See: issue 17 item 2.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::TestContext;

#[test]
fn backups_and_temp_files_of_a_private_bashrc_are_created_0600() {
    let strace = Path::new("/usr/bin/strace");
    assert!(
        strace.is_file(),
        "this test needs strace (Debian package `strace`, installed by .ci/run)"
    );
    let ctx = TestContext::new();
    let bashrc = ctx.write_home(".bashrc", "export TOKEN=secret\n");
    fs::set_permissions(&bashrc, fs::Permissions::from_mode(0o600)).unwrap();
    let log = ctx.root.join("strace.log");
    ctx.command(strace)
        .args(["-f", "-e", "trace=openat", "-o"])
        .arg(&log)
        .arg(common::gover_exe())
        .args(["setup", "--shell", "bash"])
        .run()
        .assert_success();
    let text = fs::read_to_string(&log).unwrap();
    let creates: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("O_CREAT") && l.contains("/.bashrc"))
        .collect();
    let backup: Vec<&&str> = creates
        .iter()
        .filter(|l| l.contains(".bashrc.gover-backup-"))
        .collect();
    assert_eq!(backup.len(), 1, "{creates:#?}");
    assert!(
        backup[0].contains("O_EXCL")
            && backup[0].contains("O_NOFOLLOW")
            && backup[0].contains(", 0600)"),
        "the backup is not created 0600 from the start: {}",
        backup[0]
    );
    for line in &creates {
        assert!(
            line.contains(", 0600)"),
            "a copy of ~/.bashrc created with another mode: {line}"
        );
    }
    assert_eq!(
        fs::metadata(&bashrc).unwrap().permissions().mode() & 0o777,
        0o600
    );
}
