//! Where the wallet modules are (`wallet/`, built by `scripts/build` beside
//! the islands' files, one per kind of chain): `/pkg/wallet_evm.js?v=<hash>`,
//! the hash of its two files, so a new build is a new address while `/pkg`
//! stays cached a year. Only the order page's "Pay with your wallet" block
//! names one: no other page loads their code. None when the build made no such
//! module (the block then shows no button).

use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::OnceLock;

/// The kinds of chain a wallet module pays on.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Evm,
    Solana,
}

static EVM: OnceLock<Option<String>> = OnceLock::new();
static SOLANA: OnceLock<Option<String>> = OnceLock::new();

/// The address of the module of `kind`, read once from the site's files.
pub fn src(options: &LeptosOptions, kind: Kind) -> Option<String> {
    let (cell, name) = match kind {
        Kind::Evm => (&EVM, "wallet_evm"),
        Kind::Solana => (&SOLANA, "wallet_solana"),
    };
    cell.get_or_init(|| {
        let pkg = options.site_pkg_dir.trim_matches('/');
        src_in(&Path::new(&*options.site_root).join(pkg), pkg, name)
    })
    .clone()
}

/// `/{pkg}/{name}.js?v=…` when `dir` holds the module's two files.
fn src_in(dir: &Path, pkg: &str, name: &str) -> Option<String> {
    let js = std::fs::read(dir.join(format!("{name}.js"))).ok()?;
    let wasm = std::fs::read(dir.join(format!("{name}_bg.wasm"))).ok()?;
    let digest = Sha256::new()
        .chain_update(&js)
        .chain_update(&wasm)
        .finalize();
    let version: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Some(format!("/{pkg}/{name}.js?v={version}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_module_is_named_by_the_hash_of_its_files_and_only_when_both_exist() {
        let dir = std::env::temp_dir().join(format!("wallet-module-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        assert_eq!(src_in(&dir, "pkg", "wallet_evm"), None);
        std::fs::write(dir.join("wallet_evm.js"), "js").expect("js");
        assert_eq!(src_in(&dir, "pkg", "wallet_evm"), None, "no wasm");
        std::fs::write(dir.join("wallet_evm_bg.wasm"), "wasm").expect("wasm");
        let first = src_in(&dir, "pkg", "wallet_evm").expect("named");
        let prefix = "/pkg/wallet_evm.js?v=";
        assert!(
            first.starts_with(prefix) && first.len() == prefix.len() + 16,
            "{first}"
        );
        std::fs::write(dir.join("wallet_evm_bg.wasm"), "wasm2").expect("wasm");
        assert_ne!(
            src_in(&dir, "pkg", "wallet_evm"),
            Some(first),
            "a new build, a new address"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
