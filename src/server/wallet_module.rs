//! Where the wallet module is (`wallet/`, built by `scripts/build` beside the
//! islands' files): `/pkg/wallet.js?v=<hash>`, the hash of its two files, so a
//! new build is a new address while `/pkg` stays cached a year. Only the order
//! page's "Pay with your wallet" block names it: no other page loads its code.
//! None when the build made no such module (the block then shows no button).

use leptos::config::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::OnceLock;

static SRC: OnceLock<Option<String>> = OnceLock::new();

/// The module's address, read once from the site's files.
pub fn src(options: &LeptosOptions) -> Option<String> {
    SRC.get_or_init(|| {
        let pkg = options.site_pkg_dir.trim_matches('/');
        let dir = Path::new(&*options.site_root).join(pkg);
        let js = std::fs::read(dir.join("wallet.js")).ok()?;
        let wasm = std::fs::read(dir.join("wallet_bg.wasm")).ok()?;
        let digest = Sha256::new()
            .chain_update(&js)
            .chain_update(&wasm)
            .finalize();
        let version: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Some(format!("/{pkg}/wallet.js?v={version}"))
    })
    .clone()
}
