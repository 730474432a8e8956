//! The payment window's clock in words: the deadline, the countdown and the
//! time left (the same text on the server and in the browser).

/// `HH:MM UTC` of an epoch second (same text on server and browser).
pub fn utc_clock(epoch: i64) -> String {
    let secs = epoch.rem_euclid(86_400);
    format!("{:02}:{:02} UTC", secs / 3600, (secs % 3600) / 60)
}

/// What the countdown says at `now`: `left` with `{t}` for the time left, or
/// `up` (the page's words, from the timer's data attributes).
pub fn countdown(expires_at: i64, now: i64, left: &str, up: &str) -> String {
    match time_left(expires_at, now) {
        Some(t) => format!(" · {}", left.replace("{t}", &t)),
        None => format!(" · {up}"),
    }
}

/// `mm:ss` left, or `None` when the time is up.
pub fn time_left(expires_at: i64, now: i64) -> Option<String> {
    let left = expires_at - now;
    (left > 0).then(|| format!("{:02}:{:02}", left / 60, left % 60))
}

/// Seconds since the epoch on the server's clock.
#[cfg(feature = "ssr")]
pub fn now() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// Seconds from now until `epoch` on the server's clock; `None` in the browser
/// build, which never renders server time.
pub fn seconds_until(epoch: i64) -> Option<i64> {
    #[cfg(feature = "ssr")]
    return i64::try_from(now()).ok().map(|n| epoch - n);
    #[cfg(not(feature = "ssr"))]
    {
        let _ = epoch;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_and_countdown() {
        assert_eq!(utc_clock(1_700_000_000), "22:13 UTC");
        assert_eq!(time_left(100, 40).as_deref(), Some("01:00"));
        assert_eq!(time_left(100, 100), None);
        assert_eq!(
            countdown(100, 40, "{t} left", "time is up"),
            " · 01:00 left"
        );
        assert_eq!(
            countdown(100, 101, "{t} left", "time is up"),
            " · time is up"
        );
    }
}
