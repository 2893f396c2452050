use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/goodbye`: where a deleted account's last page goes.
pub struct GoodbyePage;

#[lazy_route]
impl LazyRoute for GoodbyePage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let GoodbyePage = this;
        view! {
            <Title text="Goodbye" />
            <h1>"Your account is deleted"</h1>
            <p>
                "You are signed out everywhere, and everything of yours is gone from Photo "
                "Spots. Thank you for the photos."
            </p>
            <p><a href="/">"Back to the photo spots"</a></p>
        }
        .into_any()
    }
}
