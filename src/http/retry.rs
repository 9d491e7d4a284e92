//! The retry policy: which failures are retried (see [`HttpError::is_transient`]), how long to
//! back off, and how many tries one transfer gets.

use std::time::Duration;

use super::error::{HttpError, describe};
use crate::env;

/// Default for [`env::GOVER_RETRY_BASE_MS`].
pub(super) const DEFAULT_RETRY_BASE_MS: u64 = 500;
/// Retries after the first attempt, counted since the last attempt that made progress.
pub const MAX_RETRIES: u32 = 4;
/// Interruptions one download may survive in total, progress or not.
pub(super) const MAX_INTERRUPTIONS: u32 = 20;
/// The longest backoff between two attempts.
pub(super) const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// A `Retry-After` up to this long is honoured; a longer one ends the retries.
pub(super) const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// The retry budget of one transfer: bounded exponential backoff.
#[derive(Debug)]
pub struct Retry {
    /// Failures since the last attempt that made progress.
    pub(super) failures: u32,
    /// Failures in total.
    pub(super) interruptions: u32,
    pub(super) base: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry::new()
    }
}

impl Retry {
    pub fn new() -> Retry {
        Retry {
            failures: 0,
            interruptions: 0,
            base: super::policy::config().retry_base,
        }
    }

    /// Bytes arrived since the last failure: the next failure starts a fresh count.
    pub fn progressed(&mut self) {
        self.failures = 0;
    }

    /// After a failure: the delay before the next attempt, or `None` when the failure is not
    /// transient or the budget is spent. Warns on stderr when it retries.
    pub fn after(&mut self, err: &HttpError) -> Option<Duration> {
        if !err.is_transient() {
            return None;
        }
        let delay = self.next_delay(err.retry_after())?;
        crate::output::warn(format_args!(
            "{}; retrying in {:.1}s ({} of {MAX_RETRIES})",
            describe(err),
            delay.as_secs_f64(),
            self.failures
        ));
        crate::output::progress::status(format_args!("retry {} of {MAX_RETRIES}", self.failures));
        Some(delay)
    }

    pub(super) fn next_delay(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        if self.failures >= MAX_RETRIES || self.interruptions >= MAX_INTERRUPTIONS {
            return None;
        }
        if retry_after.is_some_and(|d| d > MAX_RETRY_AFTER) {
            return None;
        }
        self.failures += 1;
        self.interruptions += 1;
        let backoff = self
            .base
            .saturating_mul(1 << (self.failures - 1).min(16))
            .min(MAX_BACKOFF);
        Some(retry_after.map_or(backoff, |d| d.max(backoff)))
    }
}

/// `GOVER_RETRY_BASE_MS`.
pub(super) fn retry_base() -> Result<Duration, env::BadSetting> {
    let ms = env::number(
        env::GOVER_RETRY_BASE_MS,
        0..=60_000,
        "a whole number of milliseconds from 0 to 60000",
    )?;
    Ok(Duration::from_millis(ms.unwrap_or(DEFAULT_RETRY_BASE_MS)))
}
