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
    Ok(())
}
