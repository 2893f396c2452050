//! The crate's modules form layers (see app/tests/layers.rs): the wire
//! shapes and a token's claims are made of domain types, and the error type
//! is a leaf.

use crate::imports::Layers;
use std::path::Path;

/// Top to bottom. A module may use modules of the layers below its own.
const LAYERS: Layers = Layers {
    layers: &[&["wire", "token"], &["domain"], &["error"]],
    reexports: &[],
    other_crates: &[],
};

#[test]
fn no_module_imports_its_own_layer_or_one_above_it() {
    LAYERS.assert_imports_go_down(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
