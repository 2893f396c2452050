//! The crate's modules form layers (see app/tests/layers.rs): the routes use
//! the caller, the caller the shared state, the state the store and the key
//! cache, and the settings are below everything.

use crate::imports::Layers;
use std::path::Path;

/// Top to bottom. A module may use modules of the layers below its own.
const LAYERS: Layers = Layers {
    layers: &[
        &["cli"],
        &["routes"],
        &["caller", "security_events"],
        &["state"],
        &["store", "jwks_cache", "deletions"],
        &["kept_lists"],
        &["config"],
    ],
    reexports: &[],
    other_crates: &["main"],
};

#[test]
fn no_module_imports_its_own_layer_or_one_above_it() {
    LAYERS.assert_imports_go_down(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
