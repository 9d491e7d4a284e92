//! Commands that take several versions (`install A B C`, `uninstall A B`): run each one,
//! report each failure as it happens, and fail at the end if any did.

use crate::error::{self, Error};

/// Run `one` for every item, in order. A single item returns its own error unchanged; with
/// several, each failure is shown (`error: cannot install 1.99` and its causes) and the rest
/// still run, and the result is [`Error::Several`] naming the ones that failed.
pub fn each(
    action: &'static str,
    items: &[String],
    mut one: impl FnMut(&str) -> Result<(), Error>,
) -> Result<(), Error> {
    if let [item] = items {
        return one(item);
    }
    let mut failed = Vec::new();
    let mut codes = Vec::new();
    for item in items {
        if let Err(err) = one(item) {
            if error::is_broken_pipe(&err) {
                return Err(err);
            }
            let err = Error::One {
                action,
                subject: item.clone(),
                source: Box::new(err),
            };
            error::render(&err);
            codes.push(err.exit_code());
            failed.push(item.clone());
        }
    }
    if failed.is_empty() {
        return Ok(());
    }
    // One shared exit code says what went wrong; a mix says only that something did.
    let code = if codes.iter().all(|c| *c == codes[0]) {
        codes[0]
    } else {
        error::exit::FAILURE
    };
    Err(Error::Several {
        action,
        failed,
        total: items.len(),
        code,
    })
}
