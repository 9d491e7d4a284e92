//! Ctrl-C during an install: the bars come off the screen, the staging dir (the files unpacked
//! so far) is removed, and gover says so (`interrupted; the partial download is kept for
//! resuming and the files unpacked so far were removed`), then exits 130 as a shell reports an
//! interrupt. The partial download stays in `cache/downloads/` for the next run to resume;
//! locks are released by the kernel.
//!
//! SIGINT is blocked while a [`Guard`] lives, in the thread that takes it and so in every
//! thread started meanwhile (the HTTP client's, the unpack writers), and one thread waits for it
//! with `sigwait`: no async-signal-safety puzzles, and the message is printed by ordinary code.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

/// Staging dirs to remove if Ctrl-C comes.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove `dir` if the install is interrupted.
pub fn remove_on_interrupt(dir: &Path) {
    STAGING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(dir.to_path_buf());
}

/// `dir` is no longer to be removed (published, or removed by its owner).
pub fn forget(dir: &Path) {
    STAGING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|d| d != dir);
}

/// How many installs are running in this process (a SIGINT outside them exits quietly).
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static WAITER: Once = Once::new();

/// While alive, a Ctrl-C ends the process with the message above.
pub struct Guard {
    old: libc::sigset_t,
}

/// Run `f` with SIGINT blocked in this thread, so the threads it starts (the HTTP client's
/// runtime, built once and reused) never take a Ctrl-C meant for an install's [`Guard`]: a
/// signal sent to the process goes to a thread that does not block it, and a thread started
/// before the guard would otherwise be one, and die of it with the bars still on screen.
pub fn with_sigint_blocked<T>(f: impl FnOnce() -> T) -> T {
    let guard = block_sigint();
    let result = f();
    // SAFETY: restores this thread's mask to what it was before.
    unsafe {
        libc::pthread_sigmask(libc::SIG_SETMASK, &guard, std::ptr::null_mut());
    }
    result
}

/// Block SIGINT in this thread; the mask it had before.
fn block_sigint() -> libc::sigset_t {
    // SAFETY: plain libc calls on sigset_t values owned here; pthread_sigmask only changes
    // this thread's mask.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
        old
    }
}

/// Start catching Ctrl-C for an install.
pub fn guard() -> Guard {
    let old = block_sigint();
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    // Started with SIGINT blocked (it inherits this thread's mask), as sigwait requires.
    WAITER.call_once(|| {
        std::thread::spawn(wait_for_sigint);
    });
    Guard { old }
}

impl Drop for Guard {
    fn drop(&mut self) {
        ACTIVE.fetch_sub(1, Ordering::SeqCst);
        // SAFETY: restores this thread's mask to what it was before `guard`.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut());
        }
    }
}

fn wait_for_sigint() {
    // SAFETY: as in `guard`; sigwait writes the signal number into `sig`.
    let mut sig: libc::c_int = 0;
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        while libc::sigwait(&set, &mut sig) != 0 {}
    }
    if ACTIVE.load(Ordering::SeqCst) > 0 {
        crate::output::progress::clear_all();
        let dirs = std::mem::take(&mut *STAGING.lock().unwrap_or_else(|e| e.into_inner()));
        for dir in &dirs {
            // Writer threads may still be adding files: try a few times.
            for _ in 0..5 {
                if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
                    break;
                }
            }
        }
        eprintln!(
            "interrupted; the partial download is kept for resuming and the files unpacked so \
             far were removed"
        );
    }
    std::process::exit(130);
}
