//! Deterministic hashing and encodings for sandbox ids and addresses.

/// FNV-1a, 64 bits.
pub fn hash64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Two FNV passes with different salts, 128 bits.
pub fn hash128(data: &[u8]) -> u128 {
    let a = hash64(data);
    let mut salted = data.to_vec();
    salted.extend_from_slice(b"#salt");
    (u128::from(a) << 64) | u128::from(hash64(&salted))
}

/// `n` deterministic bytes derived from `seed`.
pub fn bytes(seed: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n);
    let mut i = 0u32;
    while out.len() < n {
        out.extend_from_slice(&hash64(format!("{seed}/{i}").as_bytes()).to_le_bytes());
        i += 1;
    }
    out.truncate(n);
    out
}

/// Base58 (Bitcoin alphabet), as Solana addresses use.
pub fn base58(input: &[u8]) -> String {
    bs58::encode(input).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_known_vector() {
        assert_eq!(base58(b"hello world"), "StV1DL6CwTryKyV");
        assert_eq!(base58(&[0, 0, 1]), "112");
        assert!(base58(&bytes("x", 32)).len() >= 43);
    }
}
