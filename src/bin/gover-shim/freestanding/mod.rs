//! The freestanding shim (Linux/x86_64): no libc and no dynamic loader, so a `go` call pays
//! for one extra `execve` and a handful of system calls, nothing else.
//!
//! `_start` (rt.rs) → [`main`]: tool name from argv[0] → [`resolve::installed_version`] →
//! `execve` of `versions/<v>/bin/<tool>` with `GOROOT`, `GOVER_SHIM_DEPTH` and (unless set)
//! `GOTOOLCHAIN=local` in its environment, holding `locks/in-use-<v>.lock` shared across the
//! exec ([`hold_in_use`]). Whenever it cannot finish the call itself it
//! [`hand_over`]s to `gover __shim TOOL ARGS…`, which runs the same call on std
//! (`gover::shim`) and prints the error, installs (`GOVER_AUTO_INSTALL`) or execs.

mod buf;
mod process;
mod resolve;
mod rt;
mod sys;

use gover_core::env as names;
use gover_core::layout;

use buf::{Buf, Bytes, Overflow};
use process::{Process, value_of};

/// This call is for `gover __shim`: an error to report, a version to install, or a case the
/// freestanding code does not handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandOver;

impl From<Overflow> for HandOver {
    fn from(_: Overflow) -> HandOver {
        HandOver
    }
}

fn main(process: &Process) -> ! {
    let _ = run(process);
    hand_over(process)
}

/// Index in argv of the tool's name: 0 for a shim link (`go …`), 1 for `gover-shim go …`.
fn tool_index(process: &Process) -> usize {
    let argv0 = process.arg(0).and_then(buf::file_name);
    usize::from(argv0 == Some(layout::SHIM_EXE.as_bytes()))
}

/// Resolve and exec; returns only when the call must be handed over.
fn run(process: &Process) -> Result<(), HandOver> {
    let at = tool_index(process);
    let tool = process.arg(at).and_then(buf::file_name).ok_or(HandOver)?;
    let depth = names::shim_depth(process.var(names::GOVER_SHIM_DEPTH));
    if depth >= names::MAX_SHIM_DEPTH {
        return Err(HandOver);
    }
    let home = resolve::home(process)?;
    let version = resolve::installed_version(process, &home)?;

    let home_len = home.len();
    let mut root = home;
    root.push_component(layout::VERSIONS.as_bytes())?;
    root.push_display(&version)?;
    let mut exe = root.clone();
    exe.push_component(layout::BIN.as_bytes())?;
    exe.push_component(tool)?;

    let goroot = Buf::env_entry(names::GOROOT, root.as_bytes())?;
    // Short entries in buffers of their size: every page of stack touched is a page fault.
    let mut shim_depth = Bytes::<32>::env_entry(names::GOVER_SHIM_DEPTH, b"")?;
    shim_depth.write_display(depth + 1)?;
    let toolchain =
        Bytes::<32>::env_entry(names::GOTOOLCHAIN, names::GOTOOLCHAIN_LOCAL.as_bytes())?;
    let added = [goroot.as_ptr(), shim_depth.as_ptr(), toolchain.as_ptr()];
    let mut added: &[*const u8] = &added[..];
    if process.var_raw(names::GOTOOLCHAIN).is_some() {
        added = &added[..2];
    }
    let envp = environment(process, &[names::GOROOT, names::GOVER_SHIM_DEPTH], added)?;
    // `root` has been copied into GOROOT; its buffer now spells the lock's path (one page of
    // stack fewer than a buffer of its own). Dropped, so closed, only if the exec fails.
    root.truncate(home_len);
    let _in_use = hold_in_use(&mut root, &version);

    // The tool's argv[0] is its path, as `Command::new(exe)` gives it; the rest is untouched.
    let argv = process.argv_from(at);
    // SAFETY: argv[at] exists (the tool name was read from it) and `exe` outlives the exec.
    let original = unsafe { core::mem::replace(&mut *argv, exe.as_ptr()) };
    // SAFETY: argv and envp are NULL-terminated arrays of NUL-terminated strings.
    let _ = unsafe { sys::execve(exe.c_str(), argv, envp) };
    // The tool could not be run: `gover __shim` tries again and says why.
    // SAFETY: as above.
    unsafe { *argv = original };
    Err(HandOver)
}

/// `locks/in-use-<v>.lock` under `home`, held shared across the exec, as `gover exec` and the
/// std shim hold it (`gover::home::Home::hold_in_use`): while the tool and its children run,
/// nothing removes or replaces its version. `None` when it cannot be taken (a read-only home,
/// where nothing can remove a version either); the call goes on without it.
fn hold_in_use(home: &mut Buf, version: &impl core::fmt::Display) -> Option<sys::Fd> {
    home.push_component(layout::LOCKS.as_bytes()).ok()?;
    home.push_component(layout::IN_USE_LOCK_PREFIX.as_bytes())
        .ok()?;
    home.write_display(version).ok()?;
    home.push_bytes(layout::LOCK_SUFFIX.as_bytes()).ok()?;
    sys::lock_shared_across_exec(home.c_str()).ok()
}

/// The environment minus every entry named in `drop`, plus `add`: a NULL-terminated array.
fn environment(
    process: &Process,
    drop: &[&str],
    add: &[*const u8],
) -> Result<*const *const u8, HandOver> {
    let kept = || {
        process
            .env_entries()
            .filter(|(_, entry)| !drop.iter().any(|name| value_of(entry, name).is_some()))
    };
    let len = kept().count() + add.len() + 1;
    let array = sys::alloc(len * size_of::<*const u8>()).map_err(|_| HandOver)? as *mut *const u8;
    for (i, entry) in kept()
        .map(|(ptr, _)| ptr)
        .chain(add.iter().copied())
        .enumerate()
    {
        // SAFETY: `array` has room for `len` pointers and `i < len - 1`.
        unsafe { *array.add(i) = entry };
    }
    // The mapping is zeroed, so the last slot is already the terminating NULL.
    Ok(array)
}

/// Run `gover __shim TOOL ARGS…` with the `gover` beside this executable; never returns.
fn hand_over(process: &Process) -> ! {
    let mut gover = Buf::new();
    let mut message = Buf::new();
    let errno = match gover_beside_this_exe(&mut gover) {
        Ok(()) => {
            let errno = exec_gover(process, &gover);
            let _ = core::fmt::write(
                &mut message,
                format_args!(
                    "gover: cannot run {} to finish this call: ",
                    core::str::from_utf8(gover.as_bytes()).unwrap_or("gover"),
                ),
            );
            errno
        }
        // No /proc (a chroot, a bare container): there is no path to name.
        Err(errno) => {
            let _ = message.push_bytes(
                b"gover: cannot find gover to finish this call: reading /proc/self/exe: ",
            );
            errno
        }
    };
    fail(message, errno, if errno == sys::ENOENT { 127 } else { 126 })
}

/// A call that can neither run the tool nor hand over: `message`, then what `errno` says, on
/// stderr, and exit with `code`.
fn fail(mut message: Buf, errno: sys::Errno, code: u8) -> ! {
    let _ = core::fmt::write(
        &mut message,
        format_args!("{} (os error {})\n", errno.describe(), errno.0),
    );
    sys::write_stderr(message.as_bytes());
    sys::exit(code)
}

/// `/proc/self/exe` (the shim itself, links resolved) with its file name replaced by `gover`.
fn gover_beside_this_exe(gover: &mut Buf) -> Result<(), sys::Errno> {
    const ENAMETOOLONG: sys::Errno = sys::Errno(36);
    let mut target = [0u8; buf::PATH_MAX];
    let len = sys::readlink(c"/proc/self/exe", &mut target)?;
    let dir = target[..len].iter().rposition(|&b| b == b'/').unwrap_or(0);
    gover.push_bytes(&target[..dir]).map_err(|_| ENAMETOOLONG)?;
    gover.push_component(b"gover").map_err(|_| ENAMETOOLONG)
}

/// `execve` of `gover __shim` followed by the tool's argv entries; returns only on failure.
fn exec_gover(process: &Process, gover: &Buf) -> sys::Errno {
    let at = tool_index(process).min(process.argc());
    let rest = process.argc() - at;
    let len = rest + 3;
    let argv = match sys::alloc(len * size_of::<*const u8>()) {
        Ok(memory) => memory as *mut *const u8,
        Err(errno) => return errno,
    };
    let head = [gover.as_ptr(), c"__shim".as_ptr().cast::<u8>()];
    let tail = process.argv_from(at);
    for (i, arg) in head.into_iter().enumerate() {
        // SAFETY: `argv` has room for `len` pointers.
        unsafe { *argv.add(i) = arg };
    }
    for i in 0..rest {
        // SAFETY: `tail` has `rest` arguments; `argv` has room for them after the head.
        unsafe { *argv.add(2 + i) = *tail.add(i) };
    }
    // SAFETY: argv (zeroed, so NULL-terminated) and the original envp are well formed.
    unsafe { sys::execve(gover.c_str(), argv, process.envp()) }
}
