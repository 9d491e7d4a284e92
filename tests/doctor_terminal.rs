//! `gover doctor` at a terminal: run on a real pseudo-terminal (util-linux `script`), the report
//! for people is coloured, aligned and most severe first, `NO_COLOR` turns the colour off, and
//! colour is the only difference from the piped report: every shell mode is checked from a
//! terminal too (interactive shells must not stop on the terminal and time out).

mod common;

use common::shells::{self, Shells};
use common::terminal::gover_on_terminal;

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
