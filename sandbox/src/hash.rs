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

const B58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Base58 (Bitcoin alphabet), as Solana addresses use.
pub fn base58(input: &[u8]) -> String {
    let mut digits: Vec<u8> = vec![0];
    for &byte in input {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            carry += u32::from(*d) << 8;
            *d = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = input.iter().take_while(|b| **b == 0).count();
    let mut s: String = std::iter::repeat_n('1', zeros).collect();
    s.extend(
        digits
            .iter()
            .rev()
            .skip_while(|d| **d == 0)
            .map(|d| B58[*d as usize] as char),
    );
    s
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
