//! Browser-only helpers for islands that swap server-rendered HTML into the page.

use wasm_bindgen::JsCast;

/// The page's document.
pub fn document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// `html` parsed as the browser would parse it inside the page (not attached).
pub fn fragment(html: &str) -> Option<web_sys::DocumentFragment> {
    let template = document()?
        .create_element("template")
        .ok()?
        .dyn_into::<web_sys::HtmlTemplateElement>()
        .ok()?;
    template.set_inner_html(html);
    Some(template.content())
}

/// Replaces each element of the page with the top-level element of `html`
/// that has the same id, for the ids `wanted` accepts. An element of the same
/// tag keeps its place (its class and content change), so a live region stays
/// the same node and screen readers announce what changed in it.
pub fn swap_by_id(html: &str, wanted: impl Fn(&str) -> bool) {
    let (Some(document), Some(fresh)) = (document(), fragment(html)) else {
        return;
    };
    let fresh = fresh.children();
    for i in 0..fresh.length() {
        if let Some(new) = fresh.item(i)
            && wanted(&new.id())
            && let Some(old) = document.get_element_by_id(&new.id())
        {
            if old.tag_name() == new.tag_name() {
                match new.get_attribute("class") {
                    Some(class) => old.set_class_name(&class),
                    None => {
                        let _ = old.remove_attribute("class");
                    }
                }
                old.set_inner_html(&new.inner_html());
            } else {
                old.set_outer_html(&new.outer_html());
            }
        }
    }
}
