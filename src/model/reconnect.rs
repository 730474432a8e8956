//! How the live order page follows its order's stream, as rules with no clock
//! and no browser (the island in `live.rs` only carries them out): reconnect
//! after 1 s, doubling to 30 s, reset after a good message; from the second
//! failure in a row, poll meanwhile. Compiled and tested under both features.

/// First reconnect delay.
pub const BACKOFF_START_MS: u32 = 1_000;
/// Longest reconnect delay.
pub const BACKOFF_MAX_MS: u32 = 30_000;
/// Polling interval of the fallback.
pub const POLL_MS: u32 = 5_000;
/// Consecutive stream failures before polling starts alongside the retries.
pub const FAILURES_BEFORE_POLLING: u32 = 2;

/// How the page is kept up to date (the island says it in the page's words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Nothing to follow any more (a finished order).
    Off,
    /// Following the order's stream.
    Live,
    /// The stream keeps failing: asking every few seconds.
    Polling,
    /// The stream failed once: connecting again.
    Reconnecting,
}

/// What to do after a failure: connect again after `after_ms`, saying `mode`
/// (polling meanwhile when it is [`Mode::Polling`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    pub after_ms: u32,
    pub mode: Mode,
}

/// The stream's reconnect state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconnect {
    backoff_ms: u32,
    failures: u32,
}

impl Default for Reconnect {
    fn default() -> Self {
        Reconnect {
            backoff_ms: BACKOFF_START_MS,
            failures: 0,
        }
    }
}

impl Reconnect {
    /// A good message arrived: live again, and the next failure starts over.
    pub fn message(&mut self) -> Mode {
        *self = Reconnect::default();
        Mode::Live
    }

    /// The stream failed: when to connect again, and what to say meanwhile.
    pub fn failed(&mut self) -> Retry {
        self.failures += 1;
        let after_ms = self.backoff_ms;
        self.backoff_ms = self.backoff_ms.saturating_mul(2).min(BACKOFF_MAX_MS);
        let mode = if self.failures >= FAILURES_BEFORE_POLLING {
            Mode::Polling
        } else {
            Mode::Reconnecting
        };
        Retry { after_ms, mode }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delays(r: &mut Reconnect, n: usize) -> Vec<u32> {
        (0..n).map(|_| r.failed().after_ms).collect()
    }

    #[test]
    fn the_delay_starts_at_one_second_and_doubles_to_thirty() {
        let mut r = Reconnect::default();
        assert_eq!(
            delays(&mut r, 8),
            [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]
        );
    }

    #[test]
    fn one_failure_reconnects_and_a_second_in_a_row_polls_too() {
        let mut r = Reconnect::default();
        assert_eq!(
            r.failed(),
            Retry {
                after_ms: 1_000,
                mode: Mode::Reconnecting
            }
        );
        assert_eq!(
            r.failed(),
            Retry {
                after_ms: 2_000,
                mode: Mode::Polling
            }
        );
        assert_eq!(r.failed().mode, Mode::Polling);
    }

    #[test]
    fn a_good_message_resets_the_delay_and_the_count() {
        let mut r = Reconnect::default();
        delays(&mut r, 6);
        assert_eq!(r.message(), Mode::Live);
        assert_eq!(
            r.failed(),
            Retry {
                after_ms: 1_000,
                mode: Mode::Reconnecting
            }
        );
    }

    #[test]
    fn the_delay_never_overflows() {
        let mut r = Reconnect::default();
        let all = delays(&mut r, 1_000);
        assert!(
            all.iter()
                .all(|&d| (BACKOFF_START_MS..=BACKOFF_MAX_MS).contains(&d))
        );
    }
}
