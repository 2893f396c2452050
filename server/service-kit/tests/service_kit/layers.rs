//! The crate's modules form layers (see app/tests/layers.rs).

use crate::imports::Layers;
use std::path::Path;

/// Top to bottom. A module may use modules of the layers below its own.
const LAYERS: Layers = Layers {
    layers: &[
        &["process", "metrics", "request_id"],
        &["security"],
        &["serve", "settings"],
    ],
    reexports: &[],
    other_crates: &[],
};

#[test]
fn no_module_imports_its_own_layer_or_one_above_it() {
    LAYERS.assert_imports_go_down(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
