//! The one JSON rendering every `--json` output uses (commands, doctor), below both so
//! neither reaches into the other.

/// `value` as pretty JSON with a final newline: what every `--json` prints.
pub fn to_json(value: &impl serde::Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("plain data serializes");
    text.push('\n');
    text
}
