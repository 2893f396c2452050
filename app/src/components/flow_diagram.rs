use leptos::prelude::*;

/// Who talks to whom in one step of the flow (the diagram's columns).
#[derive(Clone, Copy)]
enum Lane {
    Browser,
    Server,
    Database,
}

impl Lane {
    fn name(self) -> &'static str {
        match self {
            Self::Browser => "Browser",
            Self::Server => "Server",
            Self::Database => "Database",
        }
    }

    fn column(self) -> u8 {
        match self {
            Self::Browser => 1,
            Self::Server => 2,
            Self::Database => 3,
        }
    }
}

/// The flow, step by step: from, to, and what travels.
const STEPS: [(Lane, Lane, &str); 10] = [
    (
        Lane::Browser,
        Lane::Server,
        "POST /api/login with username and password",
    ),
    (
        Lane::Server,
        Lane::Database,
        "Find the user and their argon2id password hash",
    ),
    (Lane::Database, Lane::Server, "User 120, John, and the hash"),
    (
        Lane::Server,
        Lane::Server,
        "The password matches: sign a token {\"sub\":\"120\",…}",
    ),
    (
        Lane::Server,
        Lane::Browser,
        "The token: header.payload.signature",
    ),
    (
        Lane::Browser,
        Lane::Browser,
        "Keep the token in localStorage",
    ),
    (
        Lane::Browser,
        Lane::Server,
        "POST /api/update_name {\"name\":\"Johnny\"} with Authorization: Bearer <token>",
    ),
    (
        Lane::Server,
        Lane::Server,
        "Verify the signature, exp, iss and aud; the user id is the token's sub",
    ),
    (
        Lane::Server,
        Lane::Database,
        "Set the name of user 120 (the id from the token)",
    ),
    (Lane::Server, Lane::Browser, "200 OK with the new name"),
];

/// A sequence diagram of login → token → localStorage → Bearer → verify →
/// update name, in HTML and CSS (no script, no image: the page's CSP stays
/// strict). The steps are an ordered list whose words say who talks to
/// whom, so a screen reader or a narrow phone gets the same story as the
/// drawing.
#[component]
pub fn FlowDiagram() -> impl IntoView {
    let steps = STEPS
        .into_iter()
        .map(|(from, to, what)| {
            let (start, end) = (
                from.column().min(to.column()),
                from.column().max(to.column()),
            );
            let direction = match from.column().cmp(&to.column()) {
                std::cmp::Ordering::Less => "right",
                std::cmp::Ordering::Greater => "left",
                std::cmp::Ordering::Equal => "self",
            };
            let who = if from.column() == to.column() {
                format!("{}: ", from.name())
            } else {
                format!("{} to {}: ", from.name(), to.name())
            };
            view! {
                // Classes, not a style attribute: the CSP allows no inline styles.
                <li class=format!("step {direction} lanes-{start}{end}")>
                    <span class="visually-hidden">{who}</span>
                    <span class="message">{what}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <figure class="flow" aria-labelledby="flow-caption">
            <figcaption id="flow-caption">"From login to a changed name, step by step"</figcaption>
            <div class="flow-lanes" aria-hidden="true">
                <span>"Browser"</span>
                <span>"Photo Spots server"</span>
                <span>"Database"</span>
            </div>
            <ol class="flow-steps">{steps}</ol>
        </figure>
    }
}
