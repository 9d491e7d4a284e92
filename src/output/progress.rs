//! Progress bars on stderr, shown only when stderr is a terminal, and the one way to print a
//! message while they are live ([`message`]): a line printed around indicatif is overwritten
//! by the next redraw, or leaves a stale copy of the bars above it.

use std::fmt::Display;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bars on screen now, if any: the display messages go through, and what Ctrl-C clears.
static LIVE: Mutex<Option<Live>> = Mutex::new(None);

/// The live bars, and which [`InstallProgress`] made them.
struct Live {
    id: u64,
    multi: MultiProgress,
    bytes: ProgressBar,
    files: ProgressBar,
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

fn live() -> std::sync::MutexGuard<'static, Option<Live>> {
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Print `line` on stderr: above the bars while they are live (they are redrawn below it,
/// nothing is cut at the terminal width), else plainly.
pub fn message(line: impl Display) {
    match live().as_ref() {
        Some(live) => {
            let _ = live.multi.println(line.to_string());
        }
        None => eprintln!("{line}"),
    }
}

/// Show `status` (a retry) at the end of the download bar, if there is one.
pub fn status(status: impl Display) {
    if let Some(live) = live().as_ref() {
        live.bytes.set_message(status.to_string());
    }
}

/// Take every live bar off the screen (on Ctrl-C, before the last words): the ticking bar is
/// stopped first, so no redraw puts a line back afterwards.
pub fn clear_all() {
    if let Some(live) = live().take() {
        live.files.disable_steady_tick();
        live.bytes.finish_and_clear();
        live.files.finish_and_clear();
        let _ = live.multi.clear();
        // Threads still reading or writing may touch the bars: nothing is drawn any more.
        live.multi.set_draw_target(ProgressDrawTarget::hidden());
    }
}

/// The bars of one install: bytes downloaded (with rate and ETA) and files unpacked. They are
/// cleared when the install ends, whether it succeeded or failed (on drop, too).
pub struct InstallProgress {
    pub bytes: ProgressBar,
    pub files: ProgressBar,
    id: u64,
}

impl InstallProgress {
    /// Bars for `label` (`len` bytes, if known), when `show` (the caller's verbosity allows it)
    /// and stderr is a terminal; hidden otherwise. The download bar stretches to the terminal's
    /// width, so its line never wraps (80 columns included).
    pub fn new(label: &str, len: Option<u64>, show: bool) -> InstallProgress {
        if !std::io::stderr().is_terminal() || !show {
            return InstallProgress {
                bytes: ProgressBar::hidden(),
                files: ProgressBar::hidden(),
                id: 0,
            };
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let bytes = multi.add(match len {
            Some(len) => ProgressBar::new(len).with_style(
                ProgressStyle::with_template(
                    "{prefix:>10} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec} {eta} {msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template(
                    "{prefix:>10} {spinner} {bytes} {bytes_per_sec} {msg}",
                )
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
        let id = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        *live() = Some(Live {
            id,
            multi,
            bytes: bytes.clone(),
            files: files.clone(),
        });
        InstallProgress { bytes, files, id }
    }

    /// The download continues a partial file of `from` bytes: the bar starts there, and the
    /// rate and ETA count only the bytes this run fetches.
    pub fn resumed(&self, from: u64) {
        // `set_position` draws at once, with a rate that counts the jump to `from` as bytes
        // fetched this instant (19 MB/s from a 1 KB/s server); the estimate is reset only after.
        // So that frame is drawn without the rate and ETA, and the style comes back after the
        // reset. See: issue 24, item 9.
        let style = self.bytes.style();
        self.bytes.set_style(
            ProgressStyle::with_template(if self.bytes.length().is_some() {
                "{prefix:>10} [{wide_bar}] {bytes}/{total_bytes} {msg}"
            } else {
                "{prefix:>10} {spinner} {bytes} {msg}"
            })
            .expect("valid template")
            .progress_chars("=> "),
        );
        self.bytes.set_position(from);
        self.bytes.reset_eta();
        self.bytes.set_style(style);
        self.bytes.set_message("(resumed)");
    }

    pub fn finish(&self) {
        self.bytes.finish_and_clear();
        self.files.finish_and_clear();
        let mut live = live();
        if live.as_ref().is_some_and(|l| l.id == self.id) {
            *live = None;
        }
    }
}

impl Drop for InstallProgress {
    fn drop(&mut self) {
        self.finish();
    }
}
