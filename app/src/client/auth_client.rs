use leptos::server_fn::{
    Bytes,
    client::{Client, browser::BrowserClient},
    error::FromServerFnError,
    request::browser::BrowserRequest,
    response::browser::BrowserResponse,
};
use std::future::Future;

/// The server function client every Photo Spots call goes through.
///
/// It wraps Leptos' browser `fetch` client to do two things:
/// - attach the stored token as `Authorization: Bearer <token>` to every call;
/// - when the server answers 401 with a bearer `invalid_token` challenge (the
///   token was refused, not the password), end the session: drop the token
///   and go to the login page.
pub struct AuthClient;

impl<E, IS, OS> Client<E, IS, OS> for AuthClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        if let Some(token) = super::session::stored_token() {
            req.headers()
                .set("Authorization", &format!("Bearer {token}"));
        }
        let sent = <BrowserClient as Client<E, IS, OS>>::send(req);
        async move {
            let response = sent.await?;
            if token_was_refused::<E>(&response) {
                super::session::end_session();
            }
            Ok(response)
        }
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl futures::Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}

fn token_was_refused<E: FromServerFnError>(response: &BrowserResponse) -> bool {
    use leptos::server_fn::response::ClientRes;
    <BrowserResponse as ClientRes<E>>::status(response) == 401
        && response
            .generate_headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|challenge| challenge.starts_with("Bearer"))
}
