//! The site's stylesheet, read once from the build (`{site_root}/{pkg}/storefront*.css`)
//! to be inlined in every page's head.

use leptos::config::LeptosOptions;
use std::sync::OnceLock;

/// The built stylesheet, when the build has one (read once per process).
pub fn stylesheet(options: &LeptosOptions) -> Option<&'static str> {
    static CSS: OnceLock<Option<String>> = OnceLock::new();
    CSS.get_or_init(|| read(options)).as_deref()
}

fn read(options: &LeptosOptions) -> Option<String> {
    let dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let name = format!("{}", options.output_name);
    let file = std::fs::read_dir(dir).ok()?.flatten().find(|e| {
        let n = e.file_name().to_string_lossy().to_string();
        n.starts_with(&name) && n.ends_with(".css")
    })?;
    let css = std::fs::read_to_string(file.path()).ok()?;
    // Never let the stylesheet close its own element.
    (!css.contains("</")).then_some(css)
}
