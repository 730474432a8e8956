//! The page's inline scripts, allowed by their hashes instead of a nonce.
//!
//! Leptos gives every inline script of a page the response's nonce, so no two
//! answers of the same page were the same bytes, and the page cache had to copy
//! and compress each hit again. Our pages have two kinds of inline script: the
//! islands' loader (`HydrationScripts`), the same text for every page of a
//! build, learnt once when the router is built by rendering that component
//! alone; and the few lines in which Leptos hands resolved resources to the
//! browser, recognised by their exact form (lists set up, or one value as a
//! JSON string: data, never code). A page whose every inline script is one of
//! these loses its nonce attributes and is sent with a CSP that names the
//! scripts' SHA-256 hashes. A page with any other inline script keeps its
//! nonce, as before: what an attacker could slip into a page is never hashed
//! into its policy.

use base64::Engine;
use leptos::config::LeptosOptions;
use leptos::prelude::*;
use memchr::memmem;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The CSP sources (`'sha256-…'`) of the inline scripts pages may carry.
static KNOWN: OnceLock<Vec<String>> = OnceLock::new();

/// Learns the islands' loader of this build (once per process; the first
/// options win: every server of a process serves the same build).
pub fn learn(options: &LeptosOptions) {
    // Leptos reads the build's hash file to name the files, and panics without
    // it: a server started without one (a bare `cargo run`) learns nothing,
    // and its pages keep their nonce.
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())));
    if options.hash_files && !hash_file.is_some_and(|f| f.exists()) {
        return;
    }
    KNOWN.get_or_init(|| {
        let html = Owner::new()
            .with(|| view! { <HydrationScripts options=options.clone() islands=true /> }.to_html());
        inline_scripts(html.as_bytes())
            .into_iter()
            .map(|s| source(s.body))
            .collect()
    });
}

/// The CSP source that allows an inline script of exactly `body`.
pub fn source(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// One `<script>` element of a page.
#[derive(Debug)]
struct Script<'a> {
    /// The attribute ` nonce="…"` inside the tag, as a range of the page.
    nonce: Option<std::ops::Range<usize>>,
    /// The script's text (empty for one loaded by `src`).
    body: &'a [u8],
    inline: bool,
}

/// Every `<script>` of `html`, in order (a tag cut short ends the list).
fn scripts(html: &[u8]) -> Vec<Script<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = memmem::find(&html[at..], b"<script").map(|s| s + at) {
        let Some(tag_end) = memchr::memchr(b'>', &html[start..]).map(|e| e + start) else {
            break;
        };
        let tag = &html[start..tag_end];
        let Some(close) = memmem::find(&html[tag_end..], b"</script>").map(|c| c + tag_end) else {
            break;
        };
        let nonce = memmem::find(tag, b" nonce=\"").and_then(|n| {
            let value = n + 8;
            let len = memchr::memchr(b'"', &tag[value..])?;
            Some(start + n..start + value + len + 1)
        });
        out.push(Script {
            nonce,
            body: &html[tag_end + 1..close],
            inline: memmem::find(tag, b" src=").is_none(),
        });
        at = close + 9;
    }
    out
}

/// The value of a script's ` nonce="…"` attribute at `range` of `html`.
fn nonce_value(html: &[u8], range: std::ops::Range<usize>) -> &[u8] {
    &html[range.start + 8..range.end - 1]
}

/// The nonce of the first script of `html` that carries one (Leptos gives
/// every inline script of a page the response's nonce), when it is one a
/// policy can name.
pub fn nonce(html: &[u8]) -> Option<&str> {
    let range = scripts(html).into_iter().find_map(|s| s.nonce)?;
    std::str::from_utf8(nonce_value(html, range))
        .ok()
        .filter(|n| {
            !n.is_empty()
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_+/=".contains(&b))
        })
}

/// The inline scripts of `html`.
fn inline_scripts(html: &[u8]) -> Vec<Script<'_>> {
    scripts(html).into_iter().filter(|s| s.inline).collect()
}

/// Whether `body` is one of the scripts Leptos writes to hand resolved
/// resources to the browser, and nothing else: the lists' setup, the chunks'
/// list, or one resource's value as a JSON string (anything that could run
/// code, or a string cut short by markup, is none of these).
fn leptos_state(body: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if text == "__INCOMPLETE_CHUNKS=[];" {
        return true;
    }
    if let Some(ids) = text
        .strip_prefix("__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[")
        .and_then(|r| r.strip_suffix("];__RESOURCE_RESOLVERS=[];"))
    {
        return ids.split(',').all(|id| id.is_empty() || digits(id));
    }
    text.strip_prefix("__RESOLVED_RESOURCES[")
        .and_then(|r| r.split_once("] = "))
        .and_then(|(id, rest)| Some((id, rest.strip_suffix(';')?)))
        .is_some_and(|(id, value)| {
            digits(id) && value.starts_with('"') && serde_json::from_str::<String>(value).is_ok()
        })
}

/// A page made the same for every visitor: its bytes without nonces, and the
/// script sources its CSP names.
#[derive(Debug, PartialEq)]
pub struct Hashed {
    pub html: Vec<u8>,
    pub sources: String,
}

/// `html` without its scripts' nonce attributes, with the sources of its
/// inline scripts, when every inline script is a learnt one and the nonce
/// appears nowhere else; otherwise `None` (the page keeps its nonce).
pub fn hashed(html: &[u8]) -> Option<Hashed> {
    hashed_with(html, KNOWN.get()?)
}

fn hashed_with(html: &[u8], known: &[String]) -> Option<Hashed> {
    let found = scripts(html);
    let mut sources: Vec<String> = Vec::new();
    for script in found.iter().filter(|s| s.inline) {
        let source = source(script.body);
        if !known.contains(&source) && !leptos_state(script.body) {
            return None;
        }
        if !sources.contains(&source) {
            sources.push(source);
        }
    }
    let nonce = found.iter().find_map(|s| s.nonce.clone());
    let mut out = Vec::with_capacity(html.len());
    let mut last = 0;
    for range in found.iter().filter_map(|s| s.nonce.clone()) {
        out.extend_from_slice(&html[last..range.start]);
        last = range.end;
    }
    out.extend_from_slice(&html[last..]);
    // The nonce anywhere else (another tag's attribute) would make the page
    // differ per answer, and tell a reader a nonce the policy no longer names.
    if let Some(range) = nonce {
        let value = nonce_value(html, range);
        if !value.is_empty() && memmem::find(&out, value).is_some() {
            return None;
        }
    }
    Some(Hashed {
        html: out,
        sources: sources.iter().map(|s| format!(" {s}")).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = "go(\"/pkg\", \"s.abc\")";

    fn known() -> Vec<String> {
        vec![source(LOADER.as_bytes())]
    }

    #[test]
    fn a_page_of_learnt_scripts_loses_its_nonces_and_names_their_hashes() {
        let page = format!(
            r#"<head><script type="module" src="/pkg/w.js" nonce="N0nce"></script></head><body><p>x</p><script type="module" nonce="N0nce">{LOADER}</script></body>"#
        );
        let out = hashed_with(page.as_bytes(), &known()).expect("hashed");
        assert_eq!(
            String::from_utf8_lossy(&out.html),
            format!(
                r#"<head><script type="module" src="/pkg/w.js"></script></head><body><p>x</p><script type="module">{LOADER}</script></body>"#
            )
        );
        assert_eq!(out.sources, format!(" {}", source(LOADER.as_bytes())));
        // The same page with another nonce is the same bytes.
        let other = page.replace("N0nce", "Other1");
        assert_eq!(hashed_with(other.as_bytes(), &known()), Some(out));
    }

    #[test]
    fn a_page_with_any_other_inline_script_keeps_its_nonce() {
        let page = format!(
            r#"<script nonce="N0nce">{LOADER}</script><script nonce="N0nce">alert(1)</script>"#
        );
        assert_eq!(hashed_with(page.as_bytes(), &known()), None);
        // Injected markup without the nonce is not hashed into the policy either.
        let page = format!(r#"<script nonce="N0nce">{LOADER}</script><script>alert(1)</script>"#);
        assert_eq!(hashed_with(page.as_bytes(), &known()), None);
    }

    #[test]
    fn leptos_resource_lines_are_data_and_nothing_else_is() {
        for yes in [
            "__INCOMPLETE_CHUNKS=[];",
            "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[0,];__RESOURCE_RESOLVERS=[];",
            "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
            r#"__RESOLVED_RESOURCES[0] = "{\"Ok\":0}";"#,
            r#"__RESOLVED_RESOURCES[12] = "a \" b";"#,
        ] {
            assert!(leptos_state(yes.as_bytes()), "{yes}");
        }
        for no in [
            "__INCOMPLETE_CHUNKS=[];alert(1)",
            "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[alert(1)];__RESOURCE_RESOLVERS=[];",
            r#"__RESOLVED_RESOURCES[0] = "a";alert(1);"#,
            r#"__RESOLVED_RESOURCES[0] = "a" + alert(1);"#,
            r#"__RESOLVED_RESOURCES[x] = "a";"#,
            r#"__RESOLVED_RESOURCES[0] = alert(1);"#,
            r#"__RESOLVED_RESOURCES[0] = "cut short"#,
        ] {
            assert!(!leptos_state(no.as_bytes()), "{no}");
        }
        // A page of the loader and such lines is hashed, each line by its own hash.
        let page = format!(
            r#"<script nonce="N0nce">{LOADER}</script><script nonce="N0nce">__RESOLVED_RESOURCES[0] = "{{\"Ok\":0}}";</script>"#
        );
        let out = hashed_with(page.as_bytes(), &known()).expect("hashed");
        assert_eq!(out.sources.matches("'sha256-").count(), 2);
    }

    #[test]
    fn the_nonce_of_a_page_is_read_from_its_first_script_that_has_one() {
        let page = br#"<html><head><script type="module" nonce="Ab-9_x">go()</script>"#;
        assert_eq!(nonce(page), Some("Ab-9_x"));
        assert_eq!(nonce(b"<p>no script</p>"), None);
        assert_eq!(nonce(br#"<script src="/a.js"></script>"#), None);
        // A page whose first script names no nonce (a module loaded by its
        // address) still gets the nonce of the inline scripts after it.
        assert_eq!(
            nonce(br#"<script type="module" src="/pkg/w.js"></script><p></p><script nonce="Ab-9_x">go()</script>"#),
            Some("Ab-9_x")
        );
        assert_eq!(nonce(br#"<script nonce="a' 'unsafe-inline">"#), None);
        assert_eq!(
            nonce(br#"<script nonce="a' 'unsafe-inline">go()</script>"#),
            None
        );
    }

    #[test]
    fn a_nonce_left_anywhere_else_keeps_the_nonce() {
        let page =
            format!(r#"<link crossorigin="N0nce-x"><script nonce="N0nce-x">{LOADER}</script>"#);
        assert_eq!(hashed_with(page.as_bytes(), &known()), None);
    }

    #[test]
    fn the_hash_is_the_one_browsers_compute() {
        // CSP3's example: `alert('Hello, world.');`
        assert_eq!(
            source(b"alert('Hello, world.');"),
            "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
        );
    }
}
