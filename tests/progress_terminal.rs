//! Progress and messages on a pseudo-terminal: Ctrl-C (SIGINT to the foreground process group,
//! as the terminal sends it) during a download clears the bars and says what was left; the
//! rerun's "Resuming … from byte N" and a retry warning reach the screen whole, above the bars.
//! See: issue 15, item 6.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::terminal::{gover_on_terminal, plain};
use common::{Fault, Gate, Release, TestContext, gover_exe};

const STALL_AT: u64 = 64 * 1024;

/// The `gover` process of this sandbox (its exe is the gover under test and its environment
/// names this GOVER_HOME), once it exists.
fn gover_pid(ctx: &TestContext) -> Option<u32> {
    let exe = gover_exe().canonicalize().unwrap();
    let marker = format!("GOVER_HOME={}", ctx.gover_home.display());
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        if std::fs::read_link(entry.path().join("exe")).ok() != Some(exe.clone()) {
            continue;
        }
        let environ = std::fs::read(entry.path().join("environ")).unwrap_or_default();
        if environ.split(|b| *b == 0).any(|v| v == marker.as_bytes()) {
            return Some(pid);
        }
    }
    None
}

/// Its process group (field 5 of /proc/PID/stat).
fn process_group(pid: u32) -> u32 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    after.split(' ').nth(2).unwrap().parse().unwrap()
}

/// SIGINT to `target` (a pid, or `-PGID` for a process group).
fn interrupt(target: &str) {
    let status = std::process::Command::new("kill")
        .args(["-INT", "--", target])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn partial(ctx: &TestContext) -> PathBuf {
    let mut p = ctx.cached_download("1.22.5").into_os_string();
    p.push(".partial");
    PathBuf::from(p)
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[test]
fn ctrl_c_clears_the_bars_says_what_is_kept_and_the_rerun_resumes() {
    let ctx = TestContext::new();
    ctx.publish(Release::padded("1.22.5", 1024 * 1024));
    let gate = Gate::new();
    ctx.mirror.inject(
        &ctx.archive_path("1.22.5"),
        Fault::StallUntil(STALL_AT, gate.clone()),
    );
    let path = "/usr/bin:/bin";

    let running = gover_on_terminal(&ctx, &["install", "1.22.5"], path)
        .env("TERM", "xterm-256color")
        .spawn();
    wait_for("the stalled download", || len(&partial(&ctx)) >= STALL_AT);
    // As the terminal sends it: to the foreground process group.
    interrupt(&format!(
        "-{}",
        process_group(gover_pid(&ctx).expect("gover is running"))
    ));
    let out = running.wait();
    gate.open();

    assert_eq!(out.code(), Some(130), "{out}");
    let screen = plain(&out.stdout);
    assert!(
        screen.contains(
            "interrupted; the partial download is kept for resuming and the files unpacked so \
             far were removed\n"
        ),
        "{out}"
    );
    // What it says is what it did: no staging dir is left for a later install or prune.
    assert!(ctx.staging().is_empty(), "staging: {:?}", ctx.staging());
    // The bars were taken off before the last words: nothing is drawn after them.
    let last = out.stdout.rfind("interrupted;").unwrap();
    assert!(!out.stdout[last..].contains("ETA"), "{out}");
    assert!(
        len(&partial(&ctx)) >= STALL_AT,
        "the partial download is kept"
    );
    assert!(ctx.installed().is_empty());

    ctx.mirror.heal(&ctx.archive_path("1.22.5"));
    let out = gover_on_terminal(&ctx, &["install", "1.22.5"], path)
        .env("TERM", "xterm-256color")
        .run();

    assert_eq!(out.code(), Some(0), "{out}");
    let screen = plain(&out.stdout);
    let resumed = format!(
        "Resuming {} from byte {}",
        ctx.archive_url("1.22.5"),
        len_at_resume(&ctx)
    );
    // indicatif redraws with cursor movements, not newlines: the line is whole when all of it
    // is there, followed by the padding that blanks the rest of the row.
    assert!(
        screen.contains(&format!("{resumed} ")) || screen.contains(&format!("{resumed}\n")),
        "want the whole line {resumed:?}\n{out}"
    );
    assert!(screen.contains("Installed Go 1.22.5 to "), "{out}");
    assert_printed_above_the_bars(&out.stdout, "Resuming ");
    assert_eq!(ctx.installed(), ["1.22.5"]);
    // The range request asked for exactly what was missing.
    let ranges: Vec<_> = ctx
        .archive_requests("1.22.5")
        .into_iter()
        .filter_map(|r| r.range)
        .collect();
    assert_eq!(ranges.len(), 1, "{ranges:?}");
}

/// `text` was printed through the progress display: the bars were erased (`ESC [2K`) and the
/// cursor moved (`ESC [1A`) right before it, rather than it being written after the last bar's
/// text, where the next redraw overwrites it.
#[track_caller]
fn assert_printed_above_the_bars(raw: &str, text: &str) {
    let at = raw
        .find(text)
        .unwrap_or_else(|| panic!("{text:?} on the terminal:\n{raw}"));
    let before = &raw[..at];
    // The run of control sequences (`ESC [ … letter`, `\r`) right before the text.
    let mut rest = before;
    loop {
        if let Some(r) = rest.strip_suffix('\r') {
            rest = r;
            continue;
        }
        let Some(esc) = rest.rfind("\x1b[") else {
            break;
        };
        let seq = &rest[esc + 2..];
        let Some((last, params)) = seq.chars().last().map(|c| (c, &seq[..seq.len() - 1])) else {
            break;
        };
        if !last.is_ascii_alphabetic() || !params.chars().all(|c| c.is_ascii_digit() || c == ';') {
            break;
        }
        rest = &rest[..esc];
    }
    let controls = &before[rest.len()..];
    assert!(
        controls.contains("\x1b[2K") || rest.ends_with('\n'),
        "{text:?} was drawn over the bars: {:?}",
        &before[before.len().saturating_sub(60)..]
    );
}

/// The byte the rerun resumed from: the range it asked for.
fn len_at_resume(ctx: &TestContext) -> u64 {
    let range = ctx
        .archive_requests("1.22.5")
        .into_iter()
        .find_map(|r| r.range)
        .expect("a range request");
    range
        .trim_start_matches("bytes=")
        .trim_end_matches('-')
        .parse()
        .unwrap()
}

#[test]
fn a_retry_warning_reaches_the_terminal_whole_above_the_bars() {
    let ctx = TestContext::new();
    ctx.publish(Release::padded("1.22.5", 256 * 1024));
    ctx.mirror
        .script(&ctx.archive_path("1.22.5"), [Fault::DropAfter(STALL_AT)]);

    let out = gover_on_terminal(&ctx, &["install", "1.22.5"], "/usr/bin:/bin")
        .env("TERM", "xterm-256color")
        .env("COLUMNS", "60")
        .run();

    assert_eq!(out.code(), Some(0), "{out}");
    let screen = plain(&out.stdout);
    // indicatif redraws with cursor movements, not newlines: take the warning from its label
    // to its last words.
    let start = screen
        .find("warning: ")
        .unwrap_or_else(|| panic!("a retry warning\n{out}"));
    let end = start
        + screen[start..]
            .find(" of 4)")
            .unwrap_or_else(|| panic!("the warning ends with its retry count\n{out}"))
        + " of 4)".len();
    let warning = &screen[start..end];
    assert!(
        !warning.contains("go1.22.5 ["),
        "no bar drawn into it: {warning}"
    );
    assert!(warning.contains("retrying in"), "{warning}");
    assert_printed_above_the_bars(&out.stdout, "warning:");
    // Longer than the terminal is wide, and not cut.
    assert!(warning.len() > 60, "{warning}");
    assert!(warning.contains(&ctx.archive_url("1.22.5")), "{warning}");
    assert_eq!(ctx.installed(), ["1.22.5"]);
}

/// What each run of text written without a line break, carriage return or cursor movement
/// looks like on a terminal `cols` wide: its rows, as the terminal wraps it (indicatif pads
/// each line to the end of its row and lets the terminal wrap onto the next).
fn drawn_rows(raw: &str, cols: usize) -> Vec<Vec<String>> {
    let mut runs = vec![String::new()];
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' if chars.peek() == Some(&'[') => {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
                runs.push(String::new());
            }
            '\r' | '\n' => runs.push(String::new()),
            c => runs.last_mut().unwrap().push(c),
        }
    }
    runs.into_iter()
        .filter(|r| !r.trim().is_empty())
        .map(|run| {
            let chars: Vec<char> = run.chars().collect();
            chars
                .chunks(cols)
                .map(|row| row.iter().collect::<String>())
                .collect()
        })
        .collect()
}

/// Every `N.NN UNIT/s` rate in `row`, in bytes per second.
fn rates(row: &str) -> Vec<f64> {
    let words: Vec<&str> = row.split_whitespace().collect();
    words
        .windows(2)
        .filter_map(|w| {
            let unit = w[1].strip_suffix("/s")?;
            let scale = match unit {
                "B" => 1.0,
                "KiB" => 1024.0,
                "MiB" => 1024.0 * 1024.0,
                "GiB" => 1024.0 * 1024.0 * 1024.0,
                _ => return None,
            };
            Some(w[0].parse::<f64>().ok()? * scale)
        })
        .collect()
}

/// A resumed download on a real terminal, 80 and 100 columns wide: the bar's rows fit the
/// width, and the rate counts only the bytes this run fetches, not the ones already on disk.
/// The first run is stopped with most of the archive on disk; the rerun's server sends the
/// rest one byte per millisecond at most, so an honest rate stays near 1 KB/s while one
/// counting the bytes on disk would show hundreds of KiB/s.
// See: issue 24, item 9.
#[test]
fn a_resumed_download_fits_the_terminal_and_counts_only_this_runs_bytes() {
    const LEFT: u64 = 2500;
    for cols in [80, 100] {
        let ctx = TestContext::new();
        let release = Release::padded("1.22.5", 1024 * 1024);
        let size = release.archive.len() as u64;
        ctx.publish(release);
        let archive = ctx.archive_path("1.22.5");
        let gate = Gate::new();
        ctx.mirror
            .inject(&archive, Fault::StallUntil(size - LEFT, gate.clone()));
        let first = ctx.gover_cmd(["install", "1.22.5"]).spawn();
        wait_for("the stalled download", || {
            len(&partial(&ctx)) >= size - LEFT
        });
        interrupt(&gover_pid(&ctx).expect("gover is running").to_string());
        let out = first.wait();
        gate.open();
        assert_eq!(out.code(), Some(130), "{out}");
        ctx.mirror.heal(&archive);
        ctx.mirror
            .script(&archive, [Fault::Trickle(0, Duration::from_millis(1))]);

        let line = format!(
            "stty cols {cols} rows 24 && exec {}",
            common::terminal::command_line(&gover_exe(), &["install", "1.22.5"])
        );
        let out = ctx
            .command("/usr/bin/script")
            .args(["-q", "-e", "-c", &line, "/dev/null"])
            .env("SHELL", "/bin/sh")
            .env("PATH", "/usr/bin:/bin")
            .env("TERM", "xterm-256color")
            .run();
        assert_eq!(out.code(), Some(0), "{out}");
        assert!(
            plain(&out.stdout).contains(&format!("from byte {}", size - LEFT)),
            "{out}"
        );
        // Each bar starts a row and ends in it: the row after the download bar is the
        // unpacking bar, never the rest of the download bar's line.
        let mut bars: Vec<String> = Vec::new();
        for rows in drawn_rows(&out.stdout, cols) {
            for (i, row) in rows.iter().enumerate() {
                if !row.contains("go1.22.5 [") {
                    continue;
                }
                assert!(
                    row.trim_start().starts_with("go1.22.5 ["),
                    "the bar starts mid-row at {cols} columns: {rows:#?}"
                );
                if let Some(next) = rows.get(i + 1) {
                    assert!(
                        next.trim_start().starts_with("unpacking"),
                        "the bar's line wraps at {cols} columns: {rows:#?}"
                    );
                }
                bars.push(row.clone());
            }
        }
        assert!(!bars.is_empty(), "no bar drawn at {cols} columns:\n{out}");
        let shown: Vec<f64> = bars.iter().flat_map(|r| rates(r)).collect();
        assert!(
            bars.iter().any(|r| r.contains("(resumed)")),
            "the bar says it resumed: {bars:#?}"
        );
        assert!(!shown.is_empty(), "a rate is shown: {bars:#?}");
        // 1 byte per millisecond at most, so 1,000 B/s; 50 KiB/s leaves a wide margin, and the
        // 1 MiB already on disk over a run of a few seconds would be far above it.
        assert!(
            shown.iter().all(|r| *r < 50.0 * 1024.0),
            "rates {shown:?} at {cols} columns: {bars:#?}"
        );
        assert_eq!(ctx.installed(), ["1.22.5"]);
    }
}
