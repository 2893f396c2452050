//! What the browser and every service share, and nothing that needs a
//! server or a browser: the domain's types (valid by construction), the one
//! error type of the API with its wire shape and HTTP status, the JSON
//! shapes of the REST answers, and what a token says.
//!
//! Layers, top to bottom: `wire` and `token`, then `domain`, then `error`
//! (a leaf). The crate compiles to WebAssembly and links no Leptos: the
//! favourites service uses it as it is.

pub mod domain;
pub mod error;
pub mod token;
pub mod wire;
