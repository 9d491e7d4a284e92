//! Go's names for this machine's OS and architecture, as used in archive file names.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Platform {
    pub os: &'static str,
    pub arch: &'static str,
}

impl Platform {
    /// The platform gover itself was built for, in Go's spelling.
    pub fn current() -> Platform {
        Platform {
            os: go_os(std::env::consts::OS),
            arch: go_arch(std::env::consts::ARCH),
        }
    }
}

/// Rust's `std::env::consts::OS` to Go's GOOS.
pub fn go_os(rust_os: &'static str) -> &'static str {
    match rust_os {
        "macos" => "darwin",
        other => other,
    }
}

/// Rust's `std::env::consts::ARCH` to Go's GOARCH (32-bit ARM archives are `armv6l`).
pub fn go_arch(rust_arch: &'static str) -> &'static str {
    match rust_arch {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "arm" => "armv6l",
        "powerpc64" => "ppc64",
        "powerpc64le" => "ppc64le",
        "loongarch64" => "loong64",
        other => other,
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.os, self.arch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_rust_names_to_go_names() {
        assert_eq!(go_arch("x86_64"), "amd64");
        assert_eq!(go_arch("aarch64"), "arm64");
        assert_eq!(go_arch("x86"), "386");
        assert_eq!(go_arch("arm"), "armv6l");
        assert_eq!(go_arch("s390x"), "s390x");
        assert_eq!(go_os("macos"), "darwin");
        assert_eq!(go_os("linux"), "linux");
        assert_eq!(go_os("freebsd"), "freebsd");
    }
}
