//! Every page's `<title>`: "{page} · Photo Spots".

/// The title as the server writes it into the page's `<head>` and the
/// browser into `document.title`.
///
/// leptos_meta (0.8.7) copies the server-rendered title into the HTML
/// without escaping it, so a spot named `</title><base href=//evil>` would
/// become markup in every visitor's page. The browser sets `document.title`
/// as text, so only the server's copy is escaped (escaping it there too
/// would show `&lt;` in the tab).
pub fn page_title(page: String) -> String {
    let title = format!("{page} · Photo Spots");
    #[cfg(feature = "ssr")]
    let title = html_escape::encode_text(&title).into_owned();
    title
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::page_title;

    #[test]
    fn a_hostile_name_cannot_end_the_title_element_on_the_server() {
        for hostile in [
            "</title><script>alert(1)</script>",
            "</TITLE ><base href=//x>",
            "<!--",
            "a & b",
        ] {
            let title = page_title(hostile.to_owned());
            assert!(!title.contains('<'), "{title}");
            // The browser's HTML parser turns it back into the text typed.
            let decoded = html_escape::decode_html_entities(&title);
            assert_eq!(decoded, format!("{hostile} · Photo Spots"));
        }
    }
}
