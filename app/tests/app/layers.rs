//! The crate's modules form layers, and every import goes down: a page may
//! use a component, the client or the domain, but the domain never uses a
//! page, and errors (a leaf) use nothing. This test reads every source file
//! and refuses any path to a module in the same layer or a layer above.

use crate::imports::{Layers, strip_comments_and_strings, top_modules_used};
use std::path::Path;

/// Top to bottom. A module may use modules of the layers below its own.
const LAYERS: Layers = Layers {
    layers: &[
        &["root"],
        &["pages"],
        &["components"],
        &["lab"],
        &["api"],
        &["client"],
        &["state"],
        &["auth", "spots", "passkeys"],
        &["users"],
        &["db"],
        &["wire", "token"],
        &["domain"],
        &["error", "clock", "page_title", "security"],
    ],
    reexports: &[("App", "root"), ("shell", "root")],
    other_crates: &[],
};

#[test]
fn no_module_imports_its_own_layer_or_one_above_it() {
    LAYERS.assert_imports_go_down(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}

#[test]
fn the_reader_sees_grouped_and_relative_paths() {
    let code = "use crate::{a::X, b::{c, d}};\nfn f() { super::super::e::g(); crate::f::h(); }";
    let used = top_modules_used(&["m".into(), "n".into()], code);
    assert_eq!(used, ["a", "b", "e", "f"].map(String::from).into());
    let inside = top_modules_used(
        &["m".into(), "n".into(), "o".into()],
        "use super::super::p;",
    );
    assert_eq!(inside, ["m"].map(String::from).into());
    let tests = top_modules_used(&["m".into()], "mod tests { use super::*; }\nuse super::q;");
    assert_eq!(tests, ["m", "q"].map(String::from).into());
    let quiet = strip_comments_and_strings("// crate::a\n/* crate::b */ let s = \"crate::c\";");
    assert!(top_modules_used(&["m".into()], &quiet).is_empty());
    // Braces and quotes in character literals are not code; lifetimes stay.
    let chars = strip_comments_and_strings("fn f<'a>(x: &'a u8) { x == &b'}' || *x == b'\"' }");
    assert_eq!(
        chars.matches('{').count(),
        chars.matches('}').count(),
        "{chars}"
    );
    assert!(chars.contains("&'a u8"), "{chars}");
}
