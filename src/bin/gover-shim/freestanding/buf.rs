//! A fixed-size byte string that is always NUL-terminated, for paths and `NAME=value`
//! environment entries. Anything that does not fit is an error (the caller hands over).
//! [`Buf`] holds a path of any length Linux allows; short entries take a [`Bytes`] of their
//! own size, since every page of stack the shim touches costs it a page fault.

use core::ffi::CStr;
use core::fmt;

/// Linux's PATH_MAX, NUL included.
pub const PATH_MAX: usize = 4096;

/// Did not fit, or held a NUL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// `N` bytes, NUL included.
#[derive(Clone)]
pub struct Bytes<const N: usize> {
    bytes: [u8; N],
    /// Length without the NUL; `bytes[len] == 0` always.
    len: usize,
}

/// A path: up to PATH_MAX bytes.
pub type Buf = Bytes<PATH_MAX>;

impl<const N: usize> Bytes<N> {
    pub fn new() -> Self {
        Bytes {
            bytes: [0; N],
            len: 0,
        }
    }

    pub fn from(bytes: &[u8]) -> Result<Self, Overflow> {
        let mut buf = Self::new();
        buf.push_bytes(bytes)?;
        Ok(buf)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn c_str(&self) -> &CStr {
        // The NUL invariant makes this infallible; an empty string is the harmless fallback.
        CStr::from_bytes_until_nul(&self.bytes[..=self.len]).unwrap_or_default()
    }

    pub fn as_ptr(&self) -> *const u8 {
        self.bytes.as_ptr()
    }

    pub fn truncate(&mut self, len: usize) {
        if len < self.len {
            self.len = len;
            self.bytes[len] = 0;
        }
    }

    pub fn push_bytes(&mut self, more: &[u8]) -> Result<(), Overflow> {
        let end = self.len + more.len();
        if end >= N || more.contains(&0) {
            return Err(Overflow);
        }
        self.bytes[self.len..end].copy_from_slice(more);
        self.len = end;
        self.bytes[end] = 0;
        Ok(())
    }

    /// Append a path component, with a `/` unless the path is empty or already ends in one
    /// (as `PathBuf::push` does for a relative component).
    pub fn push_component(&mut self, name: &[u8]) -> Result<(), Overflow> {
        self.push_separator()?;
        self.push_bytes(name)
    }

    /// [`Buf::push_component`] of something's `Display` form (a version).
    pub fn push_display(&mut self, value: impl fmt::Display) -> Result<(), Overflow> {
        self.push_separator()?;
        self.write_display(value)
    }

    fn push_separator(&mut self) -> Result<(), Overflow> {
        if self.len > 0 && self.bytes[self.len - 1] != b'/' {
            self.push_bytes(b"/")?;
        }
        Ok(())
    }

    /// Append something's `Display` form as it is (no separator).
    pub fn write_display(&mut self, value: impl fmt::Display) -> Result<(), Overflow> {
        fmt::write(self, format_args!("{value}")).map_err(|_| Overflow)
    }

    /// An environment entry: `NAME=value`.
    pub fn env_entry(name: &str, value: &[u8]) -> Result<Self, Overflow> {
        let mut entry = Self::from(name.as_bytes())?;
        entry.push_bytes(b"=")?;
        entry.push_bytes(value)?;
        Ok(entry)
    }

    /// Go to the parent directory of an absolute, normalized path (what `getcwd` returns):
    /// `/a/b` → `/a` → `/`. `false` at the root.
    pub fn pop(&mut self) -> bool {
        match self.as_bytes().iter().rposition(|&b| b == b'/') {
            Some(0) if self.len > 1 => {
                self.truncate(1);
                true
            }
            Some(0) | None => false,
            Some(i) => {
                self.truncate(i);
                true
            }
        }
    }
}

impl<const N: usize> fmt::Write for Bytes<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.push_bytes(s.as_bytes()).map_err(|_| fmt::Error)
    }
}

/// The last component of a path as `Path::file_name` gives it: trailing slashes ignored, and
/// none for an empty path, `.` or `..`.
pub fn file_name(path: &[u8]) -> Option<&[u8]> {
    let end = path.iter().rposition(|&b| b != b'/')? + 1;
    let path = &path[..end];
    let start = path.iter().rposition(|&b| b == b'/').map_or(0, |i| i + 1);
    match &path[start..] {
        b"." | b".." => None,
        name => Some(name),
    }
}
