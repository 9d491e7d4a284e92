//! The process's arguments and environment, read from the initial stack that `_start` gets:
//! `argc`, then `argv[0..argc]` and a NULL, then `envp[..]` and a NULL.

/// The bytes of a NUL-terminated C string.
///
/// # Safety
/// `ptr` must point at a NUL-terminated string that lives for the rest of the process.
unsafe fn c_bytes(ptr: *const u8) -> &'static [u8] {
    let mut len = 0;
    // SAFETY: the string is NUL-terminated, so every byte up to the NUL is readable.
    while unsafe { *ptr.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: `len` bytes from `ptr` were just read.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

pub struct Process {
    argc: usize,
    argv: *mut *const u8,
    envp: *const *const u8,
}

impl Process {
    /// # Safety
    /// `sp` must be the stack pointer the kernel handed to `_start`.
    pub unsafe fn from_stack(sp: *const usize) -> Process {
        // SAFETY: the kernel's layout, described above.
        unsafe {
            let argc = *sp;
            let argv = sp.add(1) as *mut *const u8;
            Process {
                argc,
                argv,
                envp: argv.add(argc + 1),
            }
        }
    }

    pub fn argc(&self) -> usize {
        self.argc
    }

    /// `argv` from index `i` on: the NULL-terminated array `execve` takes.
    pub fn argv_from(&self, i: usize) -> *mut *const u8 {
        // SAFETY: `i <= argc` for every caller; index argc is the terminating NULL.
        unsafe { self.argv.add(i.min(self.argc)) }
    }

    pub fn arg(&self, i: usize) -> Option<&'static [u8]> {
        // SAFETY: `argv[i]` for `i < argc` is a NUL-terminated string.
        (i < self.argc).then(|| unsafe { c_bytes(*self.argv.add(i)) })
    }

    pub fn envp(&self) -> *const *const u8 {
        self.envp
    }

    /// Every `NAME=value` entry, in order.
    pub fn env_entries(&self) -> impl Iterator<Item = (*const u8, &'static [u8])> + '_ {
        (0..)
            // SAFETY: envp is NULL-terminated; the iteration stops at the NULL.
            .map(|i| unsafe { *self.envp.add(i) })
            .take_while(|entry| !entry.is_null())
            // SAFETY: each non-NULL entry is a NUL-terminated string.
            .map(|entry| (entry, unsafe { c_bytes(entry) }))
    }

    /// The value of `name` as `getenv` finds it (the first entry), even when empty.
    pub fn var_raw(&self, name: &str) -> Option<&'static [u8]> {
        self.env_entries()
            .find_map(|(_, entry)| value_of(entry, name))
    }

    /// A variable as `std::env::var_os` with empty-means-unset: gover's paths.
    pub fn var_os(&self, name: &str) -> Option<&'static [u8]> {
        self.var_raw(name).filter(|v| !v.is_empty())
    }

    /// A variable as gover's `env::var`: set, non-empty and UTF-8, else unset.
    pub fn var(&self, name: &str) -> Option<&'static str> {
        core::str::from_utf8(self.var_os(name)?).ok()
    }
}

/// The value in a `NAME=value` entry, when the entry is for `name`.
pub fn value_of<'a>(entry: &'a [u8], name: &str) -> Option<&'a [u8]> {
    entry
        .strip_prefix(name.as_bytes())
        .and_then(|rest| rest.strip_prefix(b"="))
}
