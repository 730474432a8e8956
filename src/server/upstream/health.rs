//! Whether the upstream is answering: since when its calls have failed as an
//! outage (timeouts, unreachable, 5xx, nonsense), none while it answers, even
//! with a refusal. `/readyz` reads it (`server::readiness`).

use super::error::UpstreamError;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The upstream's state as its calls found it.
#[derive(Debug, Default)]
pub struct UpstreamHealth {
    /// Epoch milliseconds of the first failure since the last answer; 0 while answering.
    failing_since_ms: AtomicU64,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(1)
        .max(1)
}

impl UpstreamHealth {
    /// Counts one call's outcome.
    pub fn record<T>(&self, result: &Result<T, UpstreamError>) {
        let outage = matches!(
            result,
            Err(UpstreamError::Timeout
                | UpstreamError::Unreachable(_)
                | UpstreamError::NotSent(_)
                | UpstreamError::Failed { .. }
                | UpstreamError::Undecodable(_))
        );
        if outage {
            let _ = self.failing_since_ms.compare_exchange(
                0,
                now_ms(),
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        } else {
            self.failing_since_ms.store(0, Ordering::Relaxed);
        }
    }

    /// How long every call has failed, when the last one did.
    pub fn failing_for(&self) -> Option<Duration> {
        match self.failing_since_ms.load(Ordering::Relaxed) {
            0 => None,
            since => Some(Duration::from_millis(now_ms().saturating_sub(since))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failing_counts_from_the_first_outage_and_ends_with_any_answer() {
        let h = UpstreamHealth::default();
        assert_eq!(h.failing_for(), None);
        h.record::<()>(&Err(UpstreamError::Timeout));
        let first = h.failing_for().expect("failing");
        std::thread::sleep(Duration::from_millis(20));
        h.record::<()>(&Err(UpstreamError::Unreachable("down".into())));
        assert!(
            h.failing_for().expect("still failing") >= first + Duration::from_millis(20),
            "counted from the first"
        );
        h.record::<()>(&Err(UpstreamError::NotFound));
        assert_eq!(h.failing_for(), None, "a refusal is an answer");
        h.record::<()>(&Err(UpstreamError::Timeout));
        h.record(&Ok(()));
        assert_eq!(h.failing_for(), None);
    }
}
