use leptos::{prelude::Action, server_fn::ServerFn};

/// An action that calls the server function `S`.
///
/// Leptos's `ServerAction` does the same and also reads an error carried
/// back in the URL after a form was posted without JavaScript. Our forms
/// stay disabled until the page is live, so that never happens, and reading
/// it costs every page a base64 decoder and a URL-error parser per server
/// function (BENCHMARKS.md).
pub fn server_action<S>() -> Action<S, Result<S::Output, S::Error>>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
    S::Error: Send + Sync + 'static,
{
    Action::new(|input: &S| S::run_on_client(input.clone()))
}
