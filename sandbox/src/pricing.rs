//! Deterministic prices: face value → USD at fixed rates → plus a fee.

/// Percentage fee on the USD value.
pub const FEE_RATE: f64 = 0.015;
/// Fixed fee per order, in USD.
pub const FEE_FIXED: f64 = 0.20;

/// The coin amount (2 decimals, rounded up) to pay for `face` in `currency`.
pub fn coin_amount(face: f64, currency: &str, coin: &str) -> String {
    let usd = face * usd_rate(currency);
    // USDT carries a slightly higher conversion cost than USDC.
    let extra = if coin == "USDT" { 0.001 } else { 0.0 };
    let total = usd * (1.0 + FEE_RATE + extra) + FEE_FIXED;
    format!("{:.2}", (total * 100.0).ceil() / 100.0)
}

/// The USD value of a face value.
pub fn usd_value(face: f64, currency: &str) -> f64 {
    face * usd_rate(currency)
}

/// USD per unit of a currency (fixed sandbox rates).
pub fn usd_rate(currency: &str) -> f64 {
    match currency {
        "EUR" => 1.08,
        "GBP" => 1.27,
        "TRY" => 0.029,
        "VND" => 0.000039,
        "BRL" => 0.18,
        "INR" => 0.012,
        "MXN" => 0.055,
        "CAD" => 0.73,
        "AUD" => 0.66,
        "JPY" => 0.0067,
        "PLN" => 0.25,
        _ => 1.0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prices_are_deterministic_with_fee() {
        assert_eq!(super::coin_amount(100.0, "USD", "USDC"), "101.70");
        assert_eq!(
            super::coin_amount(100.0, "USD", "USDC"),
            super::coin_amount(100.0, "USD", "USDC")
        );
        assert_eq!(super::coin_amount(10.0, "EUR", "USDC"), "11.17");
    }
}
