//! The crate's modules form layers (see app/tests/layers.rs): tokens and
//! passkeys use the users, the users the database, and the clock and the
//! core crate's types are below everything.

use crate::imports::Layers;
use std::path::Path;

/// Top to bottom. A module may use modules of the layers below its own.
const LAYERS: Layers = Layers {
    layers: &[
        &["auth", "passkeys"],
        &["users"],
        &["db"],
        &["clock"],
        &["domain", "error", "wire"],
    ],
    // A macro is exported at the crate root; it is the database's.
    reexports: &[("on_pool", "db")],
    other_crates: &[],
};

#[test]
fn no_module_imports_its_own_layer_or_one_above_it() {
    LAYERS.assert_imports_go_down(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
