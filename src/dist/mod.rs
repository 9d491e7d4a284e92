//! Go's official distribution: the release index, its files, and where they come from.

pub mod index;
pub mod platform;

pub use index::{ArchiveFile, Index, IndexError, Release};
pub use platform::Platform;

use crate::env;

/// The index URL in force: `GOVER_INDEX_URL`, else go.dev's full index.
pub fn index_url() -> String {
    env::var(env::GOVER_INDEX_URL).unwrap_or_else(|| env::DEFAULT_INDEX_URL.to_string())
}

/// The archive base URL in force: `--mirror`, else `GOVER_DIST_URL`, else go.dev.
pub fn dist_url(mirror: Option<&str>) -> String {
    mirror
        .map(str::to_string)
        .or_else(|| env::var(env::GOVER_DIST_URL))
        .unwrap_or_else(|| env::DEFAULT_DIST_URL.to_string())
}

/// `<base>/<filename>`, with exactly one slash between them.
pub fn archive_url(base: &str, filename: &str) -> String {
    format!("{}/{filename}", base.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_url_joins_with_one_slash() {
        let f = "go1.22.5.linux-amd64.tar.gz";
        assert_eq!(
            archive_url("https://go.dev/dl/", f),
            "https://go.dev/dl/go1.22.5.linux-amd64.tar.gz"
        );
        assert_eq!(
            archive_url("http://127.0.0.1:9/dl", f),
            "http://127.0.0.1:9/dl/go1.22.5.linux-amd64.tar.gz"
        );
        assert_eq!(
            archive_url("file:///srv/mirror/", f),
            "file:///srv/mirror/go1.22.5.linux-amd64.tar.gz"
        );
    }
}
