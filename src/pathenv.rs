//! PATH as gover wants it: the shims first, the Go user bin dir right after them (so tools
//! from `go install` survive version switches), then the rest in order with duplicates and
//! empty entries removed. Normalising twice gives the same PATH as once.

use std::path::{Path, PathBuf};

/// The Go user bin dir: `$GOBIN`, else the first `$GOPATH` entry + `/bin`, else `~/go/bin`
/// (the same rule `go install` uses, and the setup blocks compute at shell start).
pub fn go_user_bin(home_dir: &Path) -> PathBuf {
    if let Some(gobin) = crate::env::var("GOBIN") {
        return PathBuf::from(gobin);
    }
    match crate::env::var("GOPATH") {
        Some(gopath) => PathBuf::from(gopath.split(':').next().unwrap_or_default()).join("bin"),
        None => home_dir.join("go").join("bin"),
    }
}

/// `path` with `first` (in order) at the front, then every other entry once (except [`means_cwd`] ones), in
/// its first position.
pub fn normalized(path: &str, first: &[&Path]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let front = first.iter().map(|p| p.display().to_string());
    for entry in front.chain(path.split(':').map(str::to_string)) {
        if !means_cwd(&entry) && !out.contains(&entry) {
            out.push(entry);
        }
    }
    out
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
    fn shims_and_go_bin_go_first_and_duplicates_go_away() {
        let shims = Path::new("/h/.gover/shims");
        let gobin = Path::new("/h/go/bin");
        let path = "/usr/bin:/usr/local/go/bin::/h/.gover/shims:.:/usr/bin:/bin:/usr/local/go/bin";
        let once = normalized(path, &[shims, gobin]);
        assert_eq!(
            once,
            [
                "/h/.gover/shims",
                "/h/go/bin",
                "/usr/bin",
                "/usr/local/go/bin",
                "/bin"
            ]
        );
        assert_eq!(normalized(&once.join(":"), &[shims, gobin]), once);
    }
}
