//! Exact coin amounts: integer micro-units (6 decimals, as USDC and USDT have),
//! read from and written as plain decimal strings (`"4.10"`), never through f64.

/// Micro-units in one coin.
pub const MICROS: u64 = 1_000_000;

/// The most decimals an amount may have.
const MAX_DECIMALS: usize = 6;

/// The longest amount string read (anything longer is refused, not parsed).
const MAX_LEN: usize = 24;

/// A positive plain decimal (`"4"`, `"4.1"`, `"0.000001"`) in micro-units; why not
/// otherwise (negative, zero, not a number, more than 6 decimals, too long, too big).
pub fn parse(s: &str) -> Result<u64, String> {
    if s.len() > MAX_LEN {
        return Err(format!("an amount has at most {MAX_LEN} characters"));
    }
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (s.contains('.') && !digits(fraction)) {
        return Err(format!(
            "{s:?} is not a plain decimal such as \"4.10\" (digits, one optional point)"
        ));
    }
    if fraction.len() > MAX_DECIMALS {
        return Err(format!("{s:?} has more than {MAX_DECIMALS} decimals"));
    }
    let micros = whole
        .parse::<u64>()
        .ok()
        .and_then(|w| w.checked_mul(MICROS))
        .and_then(|w| w.checked_add(fraction_micros(fraction)))
        .ok_or_else(|| format!("{s:?} is too large"))?;
    if micros == 0 {
        return Err("an amount must be more than zero".to_string());
    }
    Ok(micros)
}

/// Up to 6 decimal digits (already checked) as micro-units: `"1"` is 100,000.
fn fraction_micros(fraction: &str) -> u64 {
    fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(MAX_DECIMALS)
        .fold(0, |acc, b| acc * 10 + u64::from(b - b'0'))
}

/// Micro-units as a plain decimal with at least 2 decimals (`"4.10"`, `"0.00"`,
/// `"1.234567"`): trailing zeros beyond the second decimal are dropped.
pub fn format(micros: u64) -> String {
    let fraction = format!("{:06}", micros % MICROS);
    let kept = fraction.trim_end_matches('0').len().max(2);
    format!("{}.{}", micros / MICROS, &fraction[..kept])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_are_read_exactly() {
        assert_eq!(parse("4.10"), Ok(4_100_000));
        assert_eq!(parse("4.1"), Ok(4_100_000));
        assert_eq!(parse("4"), Ok(4_000_000));
        assert_eq!(parse("0.000001"), Ok(1));
        assert_eq!(parse("10.35"), Ok(10_350_000));
        assert_eq!(parse("007.5"), Ok(7_500_000));
        // 0.1 + 0.2 is exactly 0.3 here.
        assert_eq!(
            parse("0.1").and_then(|a| parse("0.2").map(|b| a + b)),
            parse("0.3")
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            " ",
            "0",
            "0.00",
            "-1",
            "-0.5",
            "+1",
            "abc",
            "1e3",
            "0x10",
            "1.2.3",
            "1.",
            ".5",
            "1,5",
            " 1.5",
            "1.5 ",
            "4.1234567",
            "NaN",
            "inf",
            "١٢",
            "99999999999999999999",
            "18446744073709.551616",
            &"1".repeat(10_000),
        ] {
            assert!(parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn amounts_are_written_with_at_least_two_decimals() {
        assert_eq!(format(4_100_000), "4.10");
        assert_eq!(format(0), "0.00");
        assert_eq!(format(10_350_000), "10.35");
        assert_eq!(format(1), "0.000001");
        assert_eq!(format(1_234_500), "1.2345");
        assert_eq!(format(7_000_000), "7.00");
        assert_eq!(format(u64::MAX), "18446744073709.551615");
        for s in ["4.10", "0.000001", "113.05", "1.2345"] {
            assert_eq!(parse(s).map(format).as_deref(), Ok(s));
        }
    }
}
