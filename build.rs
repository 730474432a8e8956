//! Generates the `i18n` module from `locales/{en,tr,vi}/*.json` (leptos_i18n):
//! one folder per locale, one file per namespace; keys are checked at compile
//! time (a key missing in `tr` or `vi` is a warning here and a failing test in
//! `lang::tests`).

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::error::Error;
use std::path::PathBuf;

/// The namespaces: one file per part of the shop in each locale's folder.
const NAMESPACES: [&str; 8] = [
    "common", "home", "checkout", "cart", "order", "problems", "errors", "legal",
];

fn main() -> Result<(), Box<dyn Error>> {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let config = Config::new("en")?
        .add_locale("tr")?
        .add_locale("vi")?
        .add_namespaces(NAMESPACES)?
        .parse_options(ParseOptions::new().interpolate_display(true));
    let infos = TranslationsInfos::parse(config)?;
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    infos.generate_i18n_module(out.join("i18n"))?;
    build_commit();
    Ok(())
}

/// The commit being built, for the metrics' `storefront_build_info`
/// (`unknown` outside a git checkout); rebuilt when HEAD moves.
fn build_commit() {
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit()))
        .unwrap_or_else(|| "unknown".to_string());
    println!("cargo:rustc-env=CR_BUILD_COMMIT={commit}");
    // Only files that exist: a missing one would rerun this on every build.
    let mut watched = vec![".git/HEAD".to_string(), ".git/packed-refs".to_string()];
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(branch) = head.trim().strip_prefix("ref: ")
    {
        watched.push(format!(".git/{branch}"));
    }
    for file in watched.iter().filter(|f| std::path::Path::new(f).is_file()) {
        println!("cargo:rerun-if-changed={file}");
    }
}
