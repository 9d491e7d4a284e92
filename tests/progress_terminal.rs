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
    let pid = gover_pid(&ctx).expect("gover is running");
    let status = std::process::Command::new("kill")
        .args(["-INT", "--", &format!("-{}", process_group(pid))])
        .status()
        .unwrap();
    assert!(status.success());
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
