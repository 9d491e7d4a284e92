//! The Linux system calls the shim makes (x86_64), without libc: each returns the kernel's
//! result or its errno. Paths are NUL-terminated C strings.

use core::arch::asm;
use core::ffi::CStr;

/// A failed call's errno.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Errno(pub i32);

pub const ENOENT: Errno = Errno(2);
pub const EINTR: Errno = Errno(4);
pub const ENOTDIR: Errno = Errno(20);

pub type Result<T> = core::result::Result<T, Errno>;

/// An open file descriptor, closed on drop (and on exec: every open uses `O_CLOEXEC`, except
/// the in-use lock's, which the exec'd tool is meant to keep: [`lock_shared_across_exec`]).
pub struct Fd(i32);

impl Drop for Fd {
    fn drop(&mut self) {
        // SAFETY: closes a descriptor this Fd owns; no memory is passed.
        let _ = unsafe { syscall(CLOSE, self.0 as usize, 0, 0, 0, 0, 0) };
    }
}

const READ: usize = 0;
const WRITE: usize = 1;
const CLOSE: usize = 3;
const FSTAT: usize = 5;
const FLOCK: usize = 73;
const MMAP: usize = 9;
const EXECVE: usize = 59;
const GETCWD: usize = 79;
const CHDIR: usize = 80;
const FCHDIR: usize = 81;
const GETDENTS64: usize = 217;
const EXIT_GROUP: usize = 231;
const OPENAT: usize = 257;
const MKDIRAT: usize = 258;
const NEWFSTATAT: usize = 262;
const SYMLINKAT: usize = 266;
const READLINKAT: usize = 267;

const AT_FDCWD: usize = -100isize as usize;
const O_RDONLY: usize = 0;
const O_CREAT: usize = 0o100;
const O_NONBLOCK: usize = 0o4000;
const O_NOFOLLOW: usize = 0o400000;
const LOCK_SH: usize = 1;
const O_DIRECTORY: usize = 0o200000;
const O_PATH: usize = 0o10000000;
const O_CLOEXEC: usize = 0o2000000;
const S_IFMT: u32 = 0o170000;
const S_IFREG: u32 = 0o100000;

/// # Safety
/// The arguments must be valid for system call `n` (pointers to live memory of the sizes it
/// reads or writes).
#[inline(always)]
unsafe fn syscall(
    n: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> isize {
    let ret: isize;
    // SAFETY: the caller upholds the call's contract; `syscall` clobbers only rcx and r11.
    unsafe {
        asm!(
            "syscall",
            inlateout("rax") n as isize => ret,
            in("rdi") a1, in("rsi") a2, in("rdx") a3, in("r10") a4, in("r8") a5, in("r9") a6,
            lateout("rcx") _, lateout("r11") _,
            options(nostack),
        );
    }
    ret
}

fn check(ret: isize) -> Result<usize> {
    if (-4095..0).contains(&ret) {
        Err(Errno(-ret as i32))
    } else {
        Ok(ret as usize)
    }
}

/// `nr(AT_FDCWD, path, a, b)`: the `*at` calls, a relative `path` taken from the current
/// directory (the walk up looks for `.go-version` and the module files there, after each
/// `chdir("..")`); an absolute one (gover's own files) from the root.
///
/// # Safety
/// `path` is NUL-terminated (a `CStr`); `a` and `b` must be what call `nr` expects there (a
/// buffer the kernel may fill must be valid for the length passed).
#[inline(always)]
unsafe fn at_cwd(nr: usize, path: &CStr, a: usize, b: usize) -> Result<usize> {
    // SAFETY: as the caller promises.
    check(unsafe { syscall(nr, AT_FDCWD, path.as_ptr() as usize, a, b, 0, 0) })
}

fn open_with(path: &CStr, flags: usize) -> Result<Fd> {
    // SAFETY: openat takes flags and a mode.
    unsafe { at_cwd(OPENAT, path, flags | O_CLOEXEC, 0) }.map(|fd| Fd(fd as i32))
}

pub fn open_dir(path: &CStr) -> Result<Fd> {
    open_with(path, O_RDONLY | O_DIRECTORY)
}

/// A handle on the current directory that only names it (`O_PATH`): where the walk up
/// returns to ([`Fd::enter`]).
pub fn open_cwd() -> Result<Fd> {
    open_with(c".", O_PATH | O_DIRECTORY)
}

/// `chdir(2)`: the walk up moves the working directory itself (`..`, or a lexical parent's
/// path), which costs no descriptor and no `struct file` per level.
pub fn chdir(path: &CStr) -> Result<()> {
    // SAFETY: `path` is a NUL-terminated string that outlives the call.
    check(unsafe { syscall(CHDIR, path.as_ptr() as usize, 0, 0, 0, 0, 0) }).map(drop)
}

/// `st_mode` of `path` (a relative one from the working directory), following links.
pub fn mode(path: &CStr) -> Result<u32> {
    Ok(stat(path)?[3] as u32)
}

impl Fd {
    /// Make this directory the working directory again (`fchdir(2)`).
    pub fn enter(&self) -> Result<()> {
        // SAFETY: passes only a descriptor this Fd owns.
        check(unsafe { syscall(FCHDIR, self.0 as usize, 0, 0, 0, 0, 0) }).map(drop)
    }

    /// `st_mode` of the open file (`fstat(2)`).
    pub fn mode(&self) -> Result<u32> {
        // `struct stat` on x86_64: 144 bytes, `st_mode` (u32) at offset 24.
        Ok(self.stat()?[3] as u32)
    }

    fn stat(&self) -> Result<[u64; 18]> {
        let mut stat = [0u64; 18];
        // SAFETY: `stat` has room for the kernel's struct stat.
        check(unsafe {
            syscall(
                FSTAT,
                self.0 as usize,
                stat.as_mut_ptr() as usize,
                0,
                0,
                0,
                0,
            )
        })?;
        Ok(stat)
    }
}

/// `(st_dev, st_ino)` of `path`, following links.
pub fn identity(path: &CStr) -> Result<(u64, u64)> {
    let stat = stat(path)?;
    Ok((stat[0], stat[1]))
}

/// The kernel's `struct stat` of `path`, following links (x86_64: 144 bytes; `st_dev` and
/// `st_ino` are its first two words, `st_mode` (u32) sits at offset 24).
fn stat(path: &CStr) -> Result<[u64; 18]> {
    let mut stat = [0u64; 18];
    // SAFETY: `stat` has room for the kernel's struct stat; no flags.
    unsafe { at_cwd(NEWFSTATAT, path, stat.as_mut_ptr() as usize, 0) }?;
    Ok(stat)
}

/// Open `path` (a relative one from the working directory) for reading without blocking: a
/// FIFO opens at once instead of waiting for a writer (the caller then checks [`Fd::mode`]).
pub fn open_nonblocking(path: &CStr) -> Result<Fd> {
    open_with(path, O_RDONLY | O_NONBLOCK)
}

/// Open (creating it, mode 0644 under the umask, never through a link) the lock file at `path`
/// and take a shared `flock` on it, waiting while a removal holds it exclusively: two system
/// calls. The descriptor is NOT close-on-exec, so the program this process execs holds the lock
/// for its whole run, and so do its children that inherit it.
pub fn lock_shared_across_exec(path: &CStr) -> Result<Fd> {
    // SAFETY: openat takes flags and a mode.
    let fd = Fd(unsafe { at_cwd(OPENAT, path, O_RDONLY | O_CREAT | O_NOFOLLOW, 0o644) }? as i32);
    loop {
        // SAFETY: passes only a descriptor `fd` owns.
        match check(unsafe { syscall(FLOCK, fd.0 as usize, LOCK_SH, 0, 0, 0, 0) }) {
            Ok(_) => return Ok(fd),
            Err(EINTR) => continue,
            Err(errno) => return Err(errno),
        }
    }
}

/// One `read(2)`, retried on EINTR.
pub fn read(fd: &Fd, buf: &mut [u8]) -> Result<usize> {
    loop {
        // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
        let ret = unsafe {
            syscall(
                READ,
                fd.0 as usize,
                buf.as_mut_ptr() as usize,
                buf.len(),
                0,
                0,
                0,
            )
        };
        match check(ret) {
            Err(EINTR) => continue,
            other => return other,
        }
    }
}

/// Directory entries (`struct linux_dirent64` records) into `buf`; 0 at the end.
pub fn getdents(fd: &Fd, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    check(unsafe {
        syscall(
            GETDENTS64,
            fd.0 as usize,
            buf.as_mut_ptr() as usize,
            buf.len(),
            0,
            0,
            0,
        )
    })
}

/// The current directory into `buf`, NUL-terminated; returns its length without the NUL.
pub fn getcwd(buf: &mut [u8]) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    let with_nul =
        check(unsafe { syscall(GETCWD, buf.as_mut_ptr() as usize, buf.len(), 0, 0, 0, 0) })?;
    Ok(with_nul.saturating_sub(1))
}

/// A link's target into `buf` (not NUL-terminated); returns its length.
pub fn readlink(path: &CStr, buf: &mut [u8]) -> Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    unsafe { at_cwd(READLINKAT, path, buf.as_mut_ptr() as usize, buf.len()) }
}

/// Whether `path` is a regular file, following links (what `Path::is_file` answers).
pub fn is_file(path: &CStr) -> Result<bool> {
    let mode = stat(path)?[3] as u32;
    Ok(mode & S_IFMT == S_IFREG)
}

pub fn symlink(target: &CStr, link: &CStr) -> Result<()> {
    // SAFETY: both strings are NUL-terminated.
    check(unsafe {
        syscall(
            SYMLINKAT,
            target.as_ptr() as usize,
            AT_FDCWD,
            link.as_ptr() as usize,
            0,
            0,
            0,
        )
    })
    .map(drop)
}

pub fn mkdir(path: &CStr) -> Result<()> {
    // SAFETY: mkdirat takes a mode.
    unsafe { at_cwd(MKDIRAT, path, 0o777, 0) }.map(drop)
}

/// Anonymous read-write memory of `len` bytes, zeroed; never unmapped (exec discards it).
pub fn alloc(len: usize) -> Result<*mut u8> {
    const PROT_READ_WRITE: usize = 0x3;
    const MAP_PRIVATE_ANONYMOUS: usize = 0x22;
    // SAFETY: a fresh anonymous mapping touches no existing memory.
    let ret = unsafe {
        syscall(
            MMAP,
            0,
            len,
            PROT_READ_WRITE,
            MAP_PRIVATE_ANONYMOUS,
            usize::MAX,
            0,
        )
    };
    check(ret).map(|addr| addr as *mut u8)
}

/// `execve(2)`; returns only on failure.
///
/// # Safety
/// `argv` and `envp` must be NULL-terminated arrays of NUL-terminated strings.
pub unsafe fn execve(path: &CStr, argv: *const *const u8, envp: *const *const u8) -> Errno {
    // SAFETY: upheld by the caller.
    let ret = unsafe {
        syscall(
            EXECVE,
            path.as_ptr() as usize,
            argv as usize,
            envp as usize,
            0,
            0,
            0,
        )
    };
    check(ret).err().unwrap_or(Errno(0))
}

/// Write all of `bytes` to stderr (best effort: a closed stderr loses the message).
pub fn write_stderr(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: the kernel reads at most `bytes.len()` bytes from `bytes`.
        match check(unsafe { syscall(WRITE, 2, bytes.as_ptr() as usize, bytes.len(), 0, 0, 0) }) {
            Ok(0) => return,
            Ok(n) => bytes = &bytes[n.min(bytes.len())..],
            Err(EINTR) => {}
            Err(_) => return,
        }
    }
}

pub fn exit(code: u8) -> ! {
    loop {
        // SAFETY: ends the process; no memory is passed.
        unsafe { syscall(EXIT_GROUP, usize::from(code), 0, 0, 0, 0, 0) };
    }
}

impl Errno {
    /// What `std::io::Error` would print for the errnos an exec or a lookup can give.
    pub fn describe(self) -> &'static str {
        match self.0 {
            1 => "Operation not permitted",
            2 => "No such file or directory",
            7 => "Argument list too long",
            8 => "Exec format error",
            12 => "Cannot allocate memory",
            13 => "Permission denied",
            20 => "Not a directory",
            26 => "Text file busy",
            36 => "File name too long",
            40 => "Too many levels of symbolic links",
            _ => "system error",
        }
    }
}
