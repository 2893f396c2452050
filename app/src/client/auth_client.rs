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
/// It wraps Leptos' browser `fetch` client to:
/// - attach the stored access token as `Authorization: Bearer <token>`, or
///   for a token bound to this browser's key as `Authorization: DPoP
///   <token>` with a fresh `DPoP` proof, renewing it first if it is about
///   to expire;
/// - make a new key pair before a log-in or sign-up, and send a proof by it
///   so the new login is bound to it;
/// - when the server answers that the token expired (the browser's clock
///   may be off), renew it and send the call once more, once;
/// - when the server refuses the token for any other reason (a bearer
///   `invalid_token` challenge: the token was refused, not the password),
///   end the session: drop the token and go to the login page.
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
        #[cfg(feature = "hydrate")]
        {
            send_wrapper::SendWrapper::new(browser::send::<E, IS, OS>(req))
        }
        // Server builds never call it, but the trait needs a body.
        #[cfg(not(feature = "hydrate"))]
        <BrowserClient as Client<E, IS, OS>>::send(req)
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

#[cfg(feature = "hydrate")]
mod browser {
    use super::super::session::{Renewal, end_session, fresh_token, renew};
    use leptos::server_fn::{
        client::{Client, browser::BrowserClient},
        error::FromServerFnError,
        request::{ClientReq, browser::BrowserRequest},
        response::{ClientRes, browser::BrowserResponse},
    };

    pub async fn send<E, IS, OS>(mut req: BrowserRequest) -> Result<BrowserResponse, E>
    where
        E: FromServerFnError,
        IS: FromServerFnError,
        OS: FromServerFnError,
    {
        if starts_a_login(&req) {
            super::super::dpop::new_key().await;
        }
        let token = fresh_token().await;
        let spare = spare_copy::<E>(&mut req);
        authorize(&req, token.as_deref()).await;
        let response = <BrowserClient as Client<E, IS, OS>>::send(req).await?;
        match refusal::<E>(&response) {
            None => Ok(response),
            Some(Refusal::Expired) => {
                let Some(spare) = spare else {
                    return Ok(response);
                };
                let Renewal::Renewed(fresh) = renew(token).await else {
                    return Ok(response);
                };
                authorize(&spare, Some(&fresh)).await;
                // Once: whatever this answer is, it is the answer.
                let retried = <BrowserClient as Client<E, IS, OS>>::send(spare).await?;
                if refusal::<E>(&retried).is_some() {
                    end_session();
                }
                Ok(retried)
            }
            Some(Refusal::Invalid) => {
                end_session();
                Ok(response)
            }
        }
    }

    /// Presents `token` (and a proof, see `dpop::authorization`).
    async fn authorize(req: &BrowserRequest, token: Option<&str>) {
        let (method, url) = (req.method(), req.url());
        let headers = super::super::dpop::authorization(method.as_str(), &url, token).await;
        for (name, value) in headers {
            req.headers().set(name, &value);
        }
    }

    /// A log-in or sign-up: each starts a new login on this device.
    fn starts_a_login(req: &BrowserRequest) -> bool {
        use crate::api::{Login, Signup};
        use leptos::server_fn::ServerFn;
        let url = req.url();
        let path = url.split('?').next().unwrap_or_default();
        [<Login as ServerFn>::PATH, <Signup as ServerFn>::PATH]
            .iter()
            .any(|login| path.ends_with(login))
    }

    /// A copy of `req` to send again after a renewal.
    ///
    /// A sent request's body is gone, so the copy is made first, with the
    /// Fetch API's `Request.clone()`. `BrowserRequest` can't be cloned or
    /// built from a `fetch` request, so the copy goes into the shell of a
    /// new (unsent) request, whose own contents are dropped.
    fn spare_copy<E: FromServerFnError>(req: &mut BrowserRequest) -> Option<BrowserRequest> {
        use gloo_net::http::Request;
        let placeholder = Request::get("/").build().ok()?;
        let original: web_sys::Request = std::mem::replace(&mut **req, placeholder).into();
        let copy = web_sys::Request::clone(&original);
        **req = original.into();
        let mut spare = <BrowserRequest as ClientReq<E>>::try_new_get("/", "", "", "").ok()?;
        *spare = copy.ok()?.into();
        Some(spare)
    }

    enum Refusal {
        /// Expired: a renewal may help.
        Expired,
        /// Forged, revoked, unknown: the session is over.
        Invalid,
    }

    /// Reads the `WWW-Authenticate` challenge of a 401 (the body stays for
    /// the caller to decode).
    fn refusal<E: FromServerFnError>(response: &BrowserResponse) -> Option<Refusal> {
        if <BrowserResponse as ClientRes<E>>::status(response) != 401 {
            return None;
        }
        let headers = response.generate_headers();
        let challenge = headers.get("www-authenticate")?.to_str().ok()?;
        if !challenge.starts_with("Bearer") && !challenge.starts_with("DPoP") {
            return None;
        }
        Some(if challenge.contains("expired") {
            Refusal::Expired
        } else {
            Refusal::Invalid
        })
    }
}
