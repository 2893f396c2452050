//! The server's modules form layers too (see app/tests/layers.rs): the
//! command-line tools use the start-up, the start-up wires the router, the
//! router the handlers, the handlers the helpers below them; nothing
//! imports upward.

#[path = "../../../app/tests/support/imports.rs"]
mod imports;

use imports::Layers;
use std::path::Path;

/// Top to bottom. A module may use modules of the layers below its own.
const LAYERS: Layers = Layers {
    layers: &[
        &["cli"],
        &["lost_devices"],
        &["admins", "keys", "config_check"],
        &["startup"],
        &["demo"],
        &["router"],
        &[
            "dev_origin",
            "metrics",
            "openapi",
            "probes",
            "api_middleware",
            "jwks",
            "refresh",
            "passkeys",
            "sessions",
            "account",
            "spots",
            "assets",
        ],
        &["json_body", "security_events"],
        &["config"],
    ],
    reexports: &[
        ("Config", "config"),
        ("StartError", "startup"),
        ("build_state", "startup"),
    ],
    other_crates: &["main", "bin"],
};

#[test]
fn no_module_imports_its_own_layer_or_one_above_it() {
    LAYERS.assert_imports_go_down(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
}
