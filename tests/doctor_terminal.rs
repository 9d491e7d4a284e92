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
    // Colour and wrapping to the terminal's width (COLUMNS=100 here) are the only differences:
    // the same words, in the same order, every shell mode answered (an interactive shell probed
    // from a terminal must not hang until the timeout). The terminal gets stderr too, after the
    // report. Piped, nothing is wrapped.
    let text = plain(raw);
    let piped_text = format!("{}{}", piped.stdout, piped.stderr);
    assert!(
        text.split_whitespace().eq(piped_text.split_whitespace()),
        "{text}\n---\n{piped_text}"
    );
    for line in text.lines() {
        // Commands are copied whole; a single word longer than a line cannot be broken.
        let wrappable = !line.trim_start().starts_with("run: ") && line.trim().contains(' ');
        assert!(
            !wrappable || line.chars().count() <= 100,
            "not wrapped to 100 columns: {line:?}"
        );
    }
    assert!(
        piped.stdout.lines().any(|l| l.chars().count() > 100),
        "the test needs a line longer than the terminal: {piped}"
    );
    let (text, _) = text
        .split_once("\nerror: gover doctor found")
        .expect("the error line");
    let text = format!("{text}\n");
    assert!(!text.contains("did not answer"), "{text}");
    assert!(!text.contains("could not check"), "{text}");

    // Most severe first; each title two spaces after its id, and the evidence and fix lines
    // under it indented by four (a narrow column leaves room for paths: issue 24, item 3).
    let lines: Vec<&str> = text.lines().collect();
    let mut ranks = Vec::new();
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
        assert_eq!(
            &line[id_end..id_end + 2],
            "  ",
            "two spaces before the title: {line:?}"
        );
        let under = lines[i + 1..]
            .iter()
            .take_while(|l| !l.is_empty() && !l.starts_with(|c: char| c.is_ascii_alphabetic()));
        let mut count = 0;
        for l in under {
            count += 1;
            let indent = l.len() - l.trim_start().len();
            assert_eq!(indent, 4, "{l:?} not under its title\n{text}");
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
    // The counts are said once: doctor fails, so its error line is the summary.
    assert!(
        !text.contains("1 error, "),
        "a summary besides the error line: {text}"
    );
    assert_eq!(tty.stdout.matches("gover doctor found").count(), 1, "{raw}");
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
    let text = out.stdout.replace("\r\n", "\n");
    let piped_text = format!("{}{}", piped.stdout, piped.stderr);
    assert!(
        text.split_whitespace().eq(piped_text.split_whitespace()),
        "{text}\n---\n{piped_text}"
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

// See: issue 14.6
#[test]
fn the_counts_are_said_once_and_fix_is_suggested_only_while_it_would_change_something() {
    let sb = shells::sandbox();
    let go121 = sb.sdk_bin("go1.21");
    let line = format!("export PATH=$PATH:{go121}\n");
    sb.write_home(".bashrc", &format!("{line}{line}PATH={go121}\n"));
    let path = format!("/usr/bin:/bin:{go121}");

    let before = sb.gover_with_path(&["doctor"], &path).run();
    assert_eq!(before.code(), Some(1), "{before}");
    let all = format!("{}{}", before.stdout, before.stderr);
    assert_eq!(all.matches("error(s)").count(), 1, "{all}");
    assert!(!before.stdout.contains(" warnings, "), "{all}");
    assert!(
        before
            .stderr
            .contains("hint: `gover doctor --fix` repairs "),
        "{all}"
    );
    assert!(before.stdout.contains("(`gover doctor --fix` does this)"));

    let fixed = sb.gover_with_path(&["doctor", "--fix"], &path).run();
    assert!(
        fixed.stderr.contains("fixed: wrote the gover block"),
        "{fixed}"
    );
    // What is left needs a new shell or the user's own edit: --fix is not suggested again.
    assert!(!fixed.stdout.contains("doctor --fix"), "{fixed}");
    assert!(!fixed.stderr.contains("doctor --fix"), "{fixed}");
    let again = sb.gover_with_path(&["doctor", "--fix"], &path).run();
    assert!(
        again.stderr.contains("nothing to fix automatically"),
        "{again}"
    );
    assert!(!again.stdout.contains("doctor --fix"), "{again}");
}
