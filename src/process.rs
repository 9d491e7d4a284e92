//! Running a helper program gover does not trust to finish (a shell, another `go`, a package
//! manager's query): stdin closed, stdout captured, in its own session, killed with its whole
//! process group at a deadline.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Run `cmd` with stdin closed and stdout captured, in a new session (so its own process
/// group); kill the whole group after `timeout`. `Ok(None)` on timeout.
///
/// A new session, not just a new process group: run from a terminal, an interactive shell
/// (`bash -ic`, `zsh -lic`) in a background group of that terminal opens `/dev/tty`, finds it
/// is not in the foreground and stops itself with SIGTTIN until the timeout. Without a
/// controlling terminal it runs without job control and answers.
pub fn output_with_timeout(mut cmd: Command, timeout: Duration) -> std::io::Result<Option<String>> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    // SAFETY: setsid(2) is async-signal-safe and touches no memory of this process.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn()?;
    let mut stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    let deadline = Instant::now() + timeout;
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if Instant::now() >= deadline {
            kill_group(&child);
            let _ = child.wait();
            return Ok(None);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // A background child of the shell may hold stdout open; give it a moment, then stop it.
    let out = match rx.recv_timeout(Duration::from_millis(500)) {
        Ok(buf) => buf,
        Err(_) => {
            kill_group(&child);
            rx.recv_timeout(Duration::from_millis(500))
                .unwrap_or_default()
        }
    };
    Ok(Some(String::from_utf8_lossy(&out).into_owned()))
}

fn kill_group(child: &std::process::Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) on the process group we created for this child.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hung_command_is_killed_at_the_timeout() {
        let mut cmd = Command::new("/bin/sh");
        cmd.args(["-c", "sleep 30"]);
        assert_eq!(
            output_with_timeout(cmd, Duration::from_millis(200)).unwrap(),
            None
        );
    }
}
