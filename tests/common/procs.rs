//! Waiting on real concurrent processes without timing assertions: poll a condition (bounded,
//! so a hang fails the test), and see from `/proc/locks` that a process is blocked on a lock.

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, Instant};

use super::{Outcome, Spawned};

/// Poll `cond` every 10 ms for up to 30 s; a timeout fails the test.
#[track_caller]
pub fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether `spawned` has exited (without reaping its output).
pub fn exited(spawned: &mut Spawned) -> bool {
    spawned.child.try_wait().unwrap().is_some()
}

/// Wait for `spawned` to exit (up to 30 s) and capture its output.
#[track_caller]
pub fn finish(mut spawned: Spawned, what: &str) -> Outcome {
    wait_for(what, || exited(&mut spawned));
    spawned.wait()
}

/// The `flock`s held on `path` (a file or a directory), per `/proc/locks`: (holders, waiters).
pub fn flocks_on(path: &Path) -> (usize, usize) {
    let Ok(meta) = std::fs::metadata(path) else {
        return (0, 0);
    };
    // `/proc/locks` names a file `MAJOR:MINOR:INODE`, the device numbers in hex.
    let dev = meta.dev();
    let (major, minor) = (
        ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff),
        ((dev >> 12) & 0xffff_ff00) | (dev & 0xff),
    );
    let id = format!("{major:02x}:{minor:02x}:{}", meta.ino());
    let locks = std::fs::read_to_string("/proc/locks").unwrap_or_default();
    let mut held = 0;
    let mut waiting = 0;
    for line in locks.lines().filter(|l| l.contains(" FLOCK ")) {
        if line.split_whitespace().any(|field| field == id) {
            if line.contains("->") {
                waiting += 1;
            } else {
                held += 1;
            }
        }
    }
    (held, waiting)
}
