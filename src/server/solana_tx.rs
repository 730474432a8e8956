//! The one Solana transaction the shop asks a wallet to sign and send: an SPL
//! `transferChecked` of the exact amount of the order's mint to the order's
//! address (its associated token account, created in the same transaction
//! when missing, by `CreateIdempotent`), with the Solana Pay `reference` key
//! when the order has one. Built on the server from the order alone and the
//! payer's public key; the browser adds nothing but the wallet's signature.

use curve25519_dalek::edwards::CompressedEdwardsY;
use sha2::{Digest, Sha256};

/// A 32-byte Solana public key.
pub type Key = [u8; 32];

pub const SYSTEM_PROGRAM: &str = "11111111111111111111111111111111";
pub const TOKEN_PROGRAM: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
pub const ATA_PROGRAM: &str = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL";

/// A base58 public key.
pub fn key(base58: &str) -> Option<Key> {
    let bytes = bs58::decode(base58.trim()).into_vec().ok()?;
    bytes.try_into().ok()
}

/// A key in base58.
pub fn base58(key: &[u8]) -> String {
    bs58::encode(key).into_string()
}

/// The program-derived address of `seeds` under `program` (the first bump,
/// from 255 down, whose hash is off the ed25519 curve).
pub fn find_program_address(seeds: &[&[u8]], program: &Key) -> Option<Key> {
    (0..=255u8).rev().find_map(|bump| {
        let mut h = Sha256::new();
        for s in seeds {
            h.update(s);
        }
        h.update([bump]);
        h.update(program);
        h.update(b"ProgramDerivedAddress");
        let candidate: Key = h.finalize().into();
        let on_curve = CompressedEdwardsY(candidate).decompress().is_some();
        (!on_curve).then_some(candidate)
    })
}

/// The associated token account of `owner` for `mint` (SPL Token).
pub fn associated_token_account(owner: &Key, mint: &Key) -> Option<Key> {
    let (token, ata) = (key(TOKEN_PROGRAM)?, key(ATA_PROGRAM)?);
    find_program_address(&[owner, &token, mint], &ata)
}

/// What the transfer is.
pub struct Transfer {
    pub payer: Key,
    /// The order's address: a wallet, whose token account receives.
    pub recipient: Key,
    pub mint: Key,
    pub decimals: u8,
    /// In the mint's smallest units.
    pub units: u64,
    /// Solana Pay's `reference`, when the order has one.
    pub reference: Option<Key>,
    pub recent_blockhash: Key,
}

/// Solana's compact-u16 length.
fn compact_len(out: &mut Vec<u8>, mut n: usize) {
    loop {
        let mut b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        b |= 0x80;
        out.push(b);
    }
}

/// The unsigned transaction (one empty signature for the payer, then the
/// legacy message), as the wallet standard's `signAndSendTransaction` takes it.
pub fn transaction(t: &Transfer) -> Option<Vec<u8>> {
    let source = associated_token_account(&t.payer, &t.mint)?;
    let destination = associated_token_account(&t.recipient, &t.mint)?;
    let (system, token, ata) = (key(SYSTEM_PROGRAM)?, key(TOKEN_PROGRAM)?, key(ATA_PROGRAM)?);
    // Accounts: the writable signer, the writable others, then the read-only ones.
    let mut keys: Vec<Key> = vec![
        t.payer,
        destination,
        source,
        t.recipient,
        t.mint,
        system,
        token,
        ata,
    ];
    if let Some(r) = t.reference {
        keys.push(r);
    }
    let index = |k: &Key| keys.iter().position(|x| x == k).map(|i| i as u8);
    let mut message = vec![1u8, 0, (keys.len() - 3) as u8];
    compact_len(&mut message, keys.len());
    for k in &keys {
        message.extend_from_slice(k);
    }
    message.extend_from_slice(&t.recent_blockhash);
    compact_len(&mut message, 2);
    // 1. CreateIdempotent: payer, the recipient's token account, its owner, mint, system, token.
    let create = [t.payer, destination, t.recipient, t.mint, system, token];
    message.push(index(&ata)?);
    compact_len(&mut message, create.len());
    for k in &create {
        message.push(index(k)?);
    }
    compact_len(&mut message, 1);
    message.push(1);
    // 2. TransferChecked: source, mint, destination, owner (+ the reference, read-only).
    let mut transfer = vec![source, t.mint, destination, t.payer];
    transfer.extend(t.reference);
    message.push(index(&token)?);
    compact_len(&mut message, transfer.len());
    for k in &transfer {
        message.push(index(k)?);
    }
    let mut data = vec![12u8];
    data.extend_from_slice(&t.units.to_le_bytes());
    data.push(t.decimals);
    compact_len(&mut message, data.len());
    message.extend_from_slice(&data);
    let mut tx = Vec::with_capacity(65 + message.len());
    compact_len(&mut tx, 1);
    tx.extend_from_slice(&[0u8; 64]);
    tx.extend_from_slice(&message);
    Some(tx)
}

/// The `reference` of a Solana Pay link (`…&reference=<key>`), when it has one.
pub fn reference_of(uri: &str) -> Option<Key> {
    let query = uri.strip_prefix("solana:")?.split_once('?')?.1;
    query
        .split('&')
        .find_map(|p| p.strip_prefix("reference="))
        .and_then(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    const USDC: &str = "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v";

    #[test]
    fn keys_read_and_write_as_base58() {
        let k = key(USDC).expect("a key");
        assert_eq!(base58(&k), USDC);
        assert_eq!(key("not base58 0OIl"), None);
        assert_eq!(key("11111111"), None, "too short");
    }

    #[test]
    fn program_derived_addresses_are_off_the_curve_and_stable() {
        let owner = key("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU").expect("owner");
        let mint = key(USDC).expect("mint");
        let a = associated_token_account(&owner, &mint).expect("an ATA");
        assert!(CompressedEdwardsY(a).decompress().is_none());
        assert_eq!(associated_token_account(&owner, &mint), Some(a));
        assert_ne!(associated_token_account(&mint, &owner), Some(a));
    }

    #[test]
    fn compact_lengths_are_solanas() {
        for (n, want) in [
            (0usize, vec![0u8]),
            (127, vec![0x7f]),
            (128, vec![0x80, 0x01]),
            (16_383, vec![0xff, 0x7f]),
        ] {
            let mut out = Vec::new();
            compact_len(&mut out, n);
            assert_eq!(out, want, "{n}");
        }
    }

    #[test]
    fn the_transaction_is_one_signature_then_two_instructions_of_exact_data() {
        let t = Transfer {
            payer: [1; 32],
            recipient: key("7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU").expect("recipient"),
            mint: key(USDC).expect("mint"),
            decimals: 6,
            units: 25_580_000,
            reference: Some([9; 32]),
            recent_blockhash: [7; 32],
        };
        let tx = transaction(&t).expect("a transaction");
        assert_eq!(tx[0], 1, "one signature");
        assert!(tx[1..65].iter().all(|b| *b == 0), "unsigned");
        let m = &tx[65..];
        assert_eq!(&m[..3], &[1, 0, 6], "1 signer, 6 read-only accounts");
        assert_eq!(m[3], 9, "nine accounts");
        assert_eq!(&m[4..36], &[1; 32], "the payer first");
        // transferChecked's data: 12, the amount little-endian, the decimals.
        let data = [12u8, 0xe0, 0x51, 0x86, 0x01, 0, 0, 0, 0, 6];
        assert!(m.ends_with(&data), "{:?}", &m[m.len() - 10..]);
        assert_eq!(
            reference_of("solana:W?amount=1&reference=11111111111111111111111111111111"),
            Some([0; 32])
        );
        assert_eq!(reference_of("solana:W?amount=1"), None);
    }
}
