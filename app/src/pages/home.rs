use crate::spots::SPOTS;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="The best photo spots in the world" />
        <section class="hero">
            <h1>"The best photo spots in the world"</h1>
            <p>"Where to stand, when the light is right, and what to bring."</p>
            <p><a class="button" href="/login">"Log in"</a></p>
        </section>
        <ul class="spots">
            {SPOTS
                .iter()
                .map(|spot| view! {
                    <li class="card spot">
                        <h2>{spot.name}</h2>
                        <p class="place">{spot.place}</p>
                        <p><strong>"Best light: "</strong>{spot.best_light}</p>
                        <p>{spot.note}</p>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}
