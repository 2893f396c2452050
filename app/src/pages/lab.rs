use super::signed_in::signed_in_only;
use crate::components::{AccountNav, TamperLab};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/lab`: your own token against the real server. The tamper lab edits
/// and re-signs it; what a thief holding a copy can do with it is on
/// `/lab/steal`. The heaviest code of the site, so a page of its own.
pub struct LabPage;

#[lazy_route]
impl LazyRoute for LabPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let LabPage = this;
        lab_page().into_any()
    }
}

fn lab_page() -> impl IntoView {
    let session = signed_in_only("/lab");
    view! {
        <Title text="Token lab" />
        <h1>"Token lab"</h1>
        <AccountNav />
        {move || session.token().map(|token| view! {
            <TamperLab token />
        })}
    }
}
