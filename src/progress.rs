//! Progress bars on stderr, shown only when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars of one install: bytes downloaded (with rate and ETA) and files unpacked.
pub struct InstallProgress {
    pub bytes: ProgressBar,
    pub files: ProgressBar,
}

impl InstallProgress {
    pub fn new(label: &str, len: Option<u64>) -> InstallProgress {
        if !std::io::stderr().is_terminal() {
            return InstallProgress {
                bytes: ProgressBar::hidden(),
                files: ProgressBar::hidden(),
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let bytes = multi.add(match len {
            Some(len) => ProgressBar::new(len).with_style(
                ProgressStyle::with_template(
                    "{prefix:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix:>10} {spinner} {bytes} {bytes_per_sec}")
                    .expect("valid template"),
            ),
        });
        bytes.set_prefix(format!("go{label}"));
        let files = multi.add(
            ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{prefix:>10} {spinner} {pos} files")
                    .expect("valid template"),
            ),
        );
        files.set_prefix("unpacking");
        files.enable_steady_tick(Duration::from_millis(120));
        InstallProgress { bytes, files }
    }

    pub fn finish(&self) {
        self.bytes.finish_and_clear();
        self.files.finish_and_clear();
    }
}
