//! The crate's modules form layers (see app/tests/layers.rs): tokens use
//! the users, the users the database, and the clock and the
//! core crate's types are below everything.

use crate::imports::Layers;
use std::path::Path;

/// Top to bottom. A module may use modules of the layers below its own.
const LAYERS: Layers = Layers {
    layers: &[
        &["auth"],
        &["users"],
        &["db"],
        &["clock"],
        &["domain", "error", "wire"],
    ],
    // A macro is exported at the crate root; it is the database's. The
    // tests' user stores (`tests/support/databases.rs`) are the users'.
    reexports: &[("on_pool", "db"), ("test_databases", "users")],
    other_crates: &[],
};

#[test]
fn no_module_imports_its_own_layer_or_one_above_it() {
    LAYERS.assert_imports_go_down(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
