//! PATH as gover wants it: the shims first, then the rest in order with duplicates and entries
//! meaning the current directory removed, then whichever standard system dirs are missing (so
//! a PATH a startup file overwrote still finds `ls`), then the Go user bin dir if it is not
//! there yet (where Go's install docs put `$(go env GOPATH)/bin`: after the system dirs, so a
//! `go install`ed tool never shadows a system command). Normalising twice gives the same PATH.

use std::path::{Path, PathBuf};

/// The Go user bin dir: `$GOBIN`, else the first `$GOPATH` entry + `/bin`, else `~/go/bin`
/// (the same rule `go install` uses, and the setup blocks compute at shell start).
pub fn go_user_bin(home_dir: &Path) -> PathBuf {
    go_user_bin_from(crate::env::var, home_dir)
}

/// [`go_user_bin`] with `GOBIN` and `GOPATH` looked up by `var` (the environment, or the go
/// env file).
pub fn go_user_bin_from(var: impl Fn(&str) -> Option<String>, home_dir: &Path) -> PathBuf {
    if let Some(gobin) = var("GOBIN") {
        return PathBuf::from(gobin);
    }
    match var("GOPATH") {
        Some(gopath) => PathBuf::from(gopath.split(':').next().unwrap_or_default()).join("bin"),
        None => home_dir.join("go").join("bin"),
    }
}

/// The standard system dirs a working PATH needs, in the order a fresh login gets them:
/// `/usr/local/bin`, the system's own default (`getconf PATH`, read with `confstr(3)` so no
/// process is started), then `/usr/sbin` and `/sbin`; each only if it is a directory here.
pub fn system_dirs() -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |d: &str| {
        if Path::new(d).is_absolute() && Path::new(d).is_dir() && !out.iter().any(|o| o == d) {
            out.push(d.to_string());
        }
    };
    add("/usr/local/bin");
    for d in confstr_path().split(':') {
        add(d);
    }
    for d in ["/usr/bin", "/bin", "/usr/sbin", "/sbin"] {
        add(d);
    }
    out
}

/// `confstr(_CS_PATH)`: the PATH that finds the standard utilities (`/bin:/usr/bin` on glibc).
fn confstr_path() -> String {
    let mut buf = vec![0u8; 256];
    // SAFETY: confstr writes at most `buf.len()` bytes (NUL included) into `buf`.
    let n = unsafe { libc::confstr(libc::_CS_PATH, buf.as_mut_ptr().cast(), buf.len()) };
    if n == 0 || n > buf.len() {
        return String::new();
    }
    buf.truncate(n - 1);
    String::from_utf8(buf).unwrap_or_default()
}

/// `path` with `shims` first, then every other entry once (except [`means_cwd`] ones) in its
/// first position, then each of `then` (system dirs, the Go user bin dir) not already there.
pub fn normalized(path: &str, shims: &Path, then: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let front = std::iter::once(shims.display().to_string());
    let rest = path.split(':').map(str::to_string);
    for entry in front.chain(rest).chain(then.iter().cloned()) {
        if !means_cwd(&entry) && !out.contains(&entry) {
            out.push(entry);
        }
    }
    out
}

/// What gover appends to PATH when missing: the system dirs, then the Go user bin dir.
pub fn appended(gobin: &Path) -> Vec<String> {
    let mut v = system_dirs();
    v.push(gobin.display().to_string());
    v
}

/// An empty entry and `.` both mean "the current directory": whoever controls the directory
/// you are in controls which `go` runs. gover drops them (fish turns empty entries into `.`).
pub fn means_cwd(entry: &str) -> bool {
    entry.is_empty() || entry == "."
}

/// PATH's entries, empty ones included (they mean the current directory).
pub fn entries(path: &str) -> Vec<&str> {
    if path.is_empty() {
        Vec::new()
    } else {
        path.split(':').collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shims_go_first_duplicates_go_away_and_missing_dirs_are_appended() {
        let shims = Path::new("/h/.gover/shims");
        let then = ["/usr/bin".to_string(), "/h/go/bin".to_string()];
        let path = "/usr/local/go/bin::/h/.gover/shims:.:/bin:/usr/local/go/bin";
        let once = normalized(path, shims, &then);
        assert_eq!(
            once,
            [
                "/h/.gover/shims",
                "/usr/local/go/bin",
                "/bin",
                "/usr/bin",
                "/h/go/bin"
            ]
        );
        assert_eq!(normalized(&once.join(":"), shims, &then), once);
        // Already there: never moved.
        let user = "/h/go/bin:/usr/bin";
        assert_eq!(
            normalized(user, shims, &then),
            ["/h/.gover/shims", "/h/go/bin", "/usr/bin"]
        );
    }

    #[test]
    fn the_system_dirs_include_what_getconf_path_names() {
        let dirs = system_dirs();
        for d in confstr_path().split(':').filter(|d| Path::new(d).is_dir()) {
            assert!(dirs.iter().any(|x| x == d), "{d} missing from {dirs:?}");
        }
        assert!(dirs.iter().all(|d| d.starts_with('/')));
    }
}
