//! `gover doctor` at a terminal: run on a real pseudo-terminal (util-linux `script`), the report
//! for people is coloured, aligned and most severe first, `NO_COLOR` turns the colour off, and
//! colour is the only difference from the piped report: every shell mode is checked from a
//! terminal too (interactive shells must not stop on the terminal and time out).

mod common;

use common::shells::{self, Shells};
use common::terminal::{gover_on_terminal, plain};

const ERROR: &str = "\x1b[1;31merror  \x1b[0m";
const WARNING: &str = "\x1b[1;33mwarning\x1b[0m";
const INFO: &str = "\x1b[36minfo   \x1b[0m";

/// A sandbox whose PATH gives an error (an SDK instead of the shims), warnings (a repeated
/// entry, repeated startup lines) and an info (a dir that does not exist); returns the PATH.
fn polluted(sb: &common::TestContext) -> String {
    let go121 = sb.sdk_bin("go1.21");
    let line = format!("export PATH=$PATH:{go121}\n");
    sb.write_home(".bashrc", &format!("{line}{line}"));
    let gone = sb.root.join("go1.19/bin").display().to_string();
    format!("/usr/bin:/bin:{go121}:{go121}:{gone}")
}

fn rank(severity: &str) -> usize {
    ["error", "warning", "info"]
        .iter()
        .position(|s| *s == severity)
        .unwrap_or_else(|| panic!("unknown severity {severity}"))
}

#[test]
fn doctor_on_a_terminal_is_coloured_aligned_and_most_severe_first() {
    let sb = shells::sandbox();
    let path = polluted(&sb);
    let piped = sb.gover_with_path(&["doctor"], &path).run();
    assert_eq!(piped.code(), Some(1), "{piped}");
    assert!(!piped.stdout.contains('\x1b'), "{piped}");

    let tty = gover_on_terminal(&sb, &["doctor"], &path).run();
    assert_eq!(
        tty.code(),
        Some(1),
        "script -e passes gover's status: {tty}"
    );
    let raw = &tty.stdout;
    for (what, code) in [("error", ERROR), ("warning", WARNING), ("info", INFO)] {
        assert!(raw.contains(code), "no coloured {what} label in {raw:?}");
    }
    assert!(
        raw.contains("\x1b[1mshims-not-on-path"),
        "ids in bold: {raw:?}"
    );
    assert!(raw.contains("\x1b[2m"), "evidence dimmed: {raw:?}");
    // Colour is the only difference: the same findings, in the same order, every shell mode
    // answered (an interactive shell probed from a terminal must not hang until the timeout).
    // The terminal gets stderr too, after the report.
    let text = plain(raw);
    assert_eq!(text, format!("{}{}", piped.stdout, piped.stderr));
    let (text, _) = text
        .split_once("\nerror: gover doctor found")
        .expect("the error line");
    let text = format!("{text}\n");
    assert!(!text.contains("did not answer"), "{text}");
    assert!(!text.contains("could not check"), "{text}");

    // Most severe first, and the columns line up: each title starts at the same column, and
    // the evidence and fix lines under it are indented to that column.
    let lines: Vec<&str> = text.lines().collect();
    let mut ranks = Vec::new();
    let mut title_column = None;
    let mut headers = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(severity) = ["error ", "warning ", "info "]
            .iter()
            .find(|s| line.starts_with(**s))
        else {
            continue;
        };
        headers += 1;
        ranks.push(rank(severity.trim()));
        assert_eq!(&line[7..8], " ", "severity padded to 7: {line:?}");
        let id_end = 8 + line[8..].find(' ').expect("an id then the title");
        let title = id_end + line[id_end..].find(|c| c != ' ').expect("a title");
        assert!(title - id_end >= 2, "two spaces before the title: {line:?}");
        match title_column {
            None => title_column = Some(title),
            Some(col) => assert_eq!(title, col, "title column differs: {line:?}\n{text}"),
        }
        let under = lines[i + 1..]
            .iter()
            .take_while(|l| !l.is_empty() && !l.starts_with(|c: char| c.is_ascii_alphabetic()));
        let mut count = 0;
        for l in under {
            count += 1;
            let indent = l.len() - l.trim_start().len();
            assert_eq!(indent, title, "{l:?} not under its title\n{text}");
        }
        assert!(count >= 1, "a finding without evidence or fix: {line:?}");
    }
    assert!(headers >= 4, "{text}");
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "not most severe first: {ranks:?}\n{text}"
    );
    assert!(
        ranks.first() == Some(&0) && ranks.last() == Some(&2),
        "{ranks:?}"
    );
    assert!(
        lines.last().unwrap().starts_with("1 error, "),
        "summary last: {text}"
    );
}

#[test]
fn no_color_turns_colour_off_on_a_terminal_too() {
    let sb = shells::sandbox();
    let path = polluted(&sb);
    let piped = sb.gover_with_path(&["doctor"], &path).run();

    let out = gover_on_terminal(&sb, &["doctor"], &path)
        .env("NO_COLOR", "1")
        .run();
    assert_eq!(out.code(), Some(1), "{out}");
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    assert_eq!(
        out.stdout.replace("\r\n", "\n"),
        format!("{}{}", piped.stdout, piped.stderr)
    );

    // https://no-color.org: an empty NO_COLOR does not count.
    let out = gover_on_terminal(&sb, &["doctor"], &path)
        .env("NO_COLOR", "")
        .run();
    assert!(out.stdout.contains(ERROR), "{:?}", out.stdout);
}

#[test]
fn json_on_a_terminal_is_plain_and_every_mode_answers() {
    let sb = shells::sandbox();
    assert!(sb.gover(["setup"]).status.success());
    let session = sb.session_path("/usr/bin:/bin");
    let out = gover_on_terminal(&sb, &["doctor", "--json"], &session).run();
    assert_eq!(out.code(), Some(0), "{out}");
    assert!(!out.stdout.contains('\x1b'), "{:?}", out.stdout);
    let report: serde_json::Value =
        serde_json::from_str(&out.stdout.replace("\r\n", "\n")).expect("JSON");
    let modes = report["modes"].as_array().unwrap();
    for m in modes {
        assert_eq!(m["error"], serde_json::Value::Null, "{m}");
        assert_eq!(m["gover"], true, "{m}");
    }
    // The interactive modes, which a terminal used to stop, are among them.
    let checked: Vec<&str> = modes.iter().map(|m| m["mode"].as_str().unwrap()).collect();
    assert!(checked.contains(&"bash -ic"), "{checked:?}");
    if shells::have("zsh") {
        assert!(checked.contains(&"zsh -lic"), "{checked:?}");
    }
}
