use leptos::server_fn::{
    Bytes,
    client::{Client, browser::BrowserClient},
    error::{FromServerFnError, IntoAppError, ServerFnErrorErr},
    redirect::REDIRECT_HEADER,
    request::browser::BrowserRequest,
    response::{ClientRes, browser::Response},
};
use send_wrapper::SendWrapper;
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
/// - when it answers that the sign-in is too old for this call (RFC 9470
///   step-up), ask the person to confirm it's them and, if they do, send
///   the call once more with the new token, once;
/// - when the server refuses the token for any other reason (a bearer
///   `invalid_token` challenge: the token was refused, not the password),
///   end the session: drop the token and go to the login page.
pub type AuthClient = CallsWithToken<false>;

/// [`AuthClient`] for a log-in or sign-up: each starts a new login on this
/// device, so a new key pair is made first (the new tokens are bound to it).
pub type LoginClient = CallsWithToken<true>;

/// The server function client, told by its type whether a call starts a
/// new login (the server function declares which it is).
pub struct CallsWithToken<const STARTS_A_LOGIN: bool>;

impl<E, IS, OS, const STARTS_A_LOGIN: bool> Client<E, IS, OS> for CallsWithToken<STARTS_A_LOGIN>
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = AuthResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        {
            SendWrapper::new(browser::send::<E>(req, STARTS_A_LOGIN))
        }
        // Server builds never call it, but the trait needs a body.
        #[cfg(not(feature = "hydrate"))]
        {
            drop(req);
            SendWrapper::new(std::future::ready(Err(failed(
                "server functions are called from the browser",
            ))))
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

/// The answer to one call: the `fetch` response, read without converting
/// its headers into an `http::HeaderMap` (Leptos's own response type does,
/// and the header-name table alone is 12 KB of every page's wasm).
///
/// It keeps the requests it answers until its body is read: each carries
/// the `AbortController` that cancels the call when the caller stops
/// waiting, and aborts on drop, so it may only go once the body is in.
pub struct AuthResponse {
    response: SendWrapper<Response>,
    requests: Vec<BrowserRequest>,
}

impl AuthResponse {
    fn header(&self, name: &str) -> Option<String> {
        self.response.headers().get(name)
    }
}

impl<E: FromServerFnError> ClientRes<E> for AuthResponse {
    fn try_into_string(self) -> impl Future<Output = Result<String, E>> + Send {
        SendWrapper::new(async move {
            let text = self.response.text().await;
            drop(self.requests);
            text.map_err(|_| failed("the answer could not be read"))
        })
    }

    fn try_into_bytes(self) -> impl Future<Output = Result<Bytes, E>> + Send {
        SendWrapper::new(async move {
            let bytes = self.response.binary().await;
            drop(self.requests);
            bytes
                .map(Bytes::from)
                .map_err(|_| failed("the answer could not be read"))
        })
    }

    /// No Photo Spots server function streams its answer.
    fn try_into_stream(
        self,
    ) -> Result<impl futures::Stream<Item = Result<Bytes, Bytes>> + Send + Sync + 'static, E> {
        Err::<futures::stream::Empty<Result<Bytes, Bytes>>, E>(failed(
            "streamed answers are not supported",
        ))
    }

    fn status(&self) -> u16 {
        self.response.status()
    }

    fn status_text(&self) -> String {
        self.response.status_text()
    }

    fn location(&self) -> String {
        self.header("Location")
            .unwrap_or_else(|| self.response.url())
    }

    fn has_redirect(&self) -> bool {
        self.header(REDIRECT_HEADER).is_some()
    }
}

fn failed<E: FromServerFnError>(why: &str) -> E {
    ServerFnErrorErr::Request(why.to_owned()).into_app_error()
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::super::session::{Renewal, end_session, fresh_token, renew};
    use super::{AuthResponse, failed};
    use gloo_net::http::Request;
    use leptos::server_fn::{
        error::FromServerFnError,
        request::{ClientReq, browser::BrowserRequest},
        response::ClientRes,
    };
    use send_wrapper::SendWrapper;

    pub async fn send<E: FromServerFnError>(
        mut req: BrowserRequest,
        starts_a_login: bool,
    ) -> Result<AuthResponse, E> {
        if starts_a_login {
            super::super::dpop::new_key().await;
        }
        let token = fresh_token().await;
        let spare = spare_copy::<E>(&mut req);
        authorize(&req, token.as_deref()).await;
        let response = fetch::<E>(req).await?;
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
                let mut retried = fetch::<E>(spare).await?;
                if refusal::<E>(&retried).is_some() {
                    end_session();
                }
                // The copy follows the first request's abort signal.
                retried.requests.extend(response.requests);
                Ok(retried)
            }
            Some(Refusal::StepUp) => {
                let Some(spare) = spare else {
                    return Ok(response);
                };
                if !super::super::step_up::confirm().await {
                    return Ok(response);
                }
                authorize(&spare, fresh_token().await.as_deref()).await;
                let mut retried = fetch::<E>(spare).await?;
                retried.requests.extend(response.requests);
                Ok(retried)
            }
            Some(Refusal::Invalid) => {
                end_session();
                Ok(response)
            }
        }
    }

    /// Sends `req` with the Fetch API, keeping `req` (and so its abort
    /// controller) with the answer.
    async fn fetch<E: FromServerFnError>(mut req: BrowserRequest) -> Result<AuthResponse, E> {
        let request = take_request(&mut req).ok_or_else(|| failed("the call could not be made"))?;
        let response = request
            .send()
            .await
            .map_err(|_| failed("the server could not be reached"))?;
        Ok(AuthResponse {
            response: SendWrapper::new(response),
            requests: vec![req],
        })
    }

    /// The `fetch` request inside `req`, leaving an unsent placeholder:
    /// `BrowserRequest` only gives its request up by being dropped, which
    /// would abort it.
    fn take_request(req: &mut BrowserRequest) -> Option<Request> {
        let placeholder = Request::get("/").build().ok()?;
        Some(std::mem::replace(&mut **req, placeholder))
    }

    /// Presents `token` (and a proof, see `dpop::authorization`).
    async fn authorize(req: &BrowserRequest, token: Option<&str>) {
        let (method, url) = (req.method(), req.url());
        let headers = super::super::dpop::authorization(method.as_str(), &url, token).await;
        for (name, value) in headers {
            req.headers().set(name, &value);
        }
    }

    /// A copy of `req` to send again after a renewal.
    ///
    /// A sent request's body is gone, so the copy is made first, with the
    /// Fetch API's `Request.clone()`. `BrowserRequest` can't be cloned or
    /// built from a `fetch` request, so the copy goes into the shell of a
    /// new (unsent) request, whose own contents are dropped.
    fn spare_copy<E: FromServerFnError>(req: &mut BrowserRequest) -> Option<BrowserRequest> {
        let original: web_sys::Request = take_request(req)?.into();
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
        /// Good, but signed in too long ago for this call (RFC 9470).
        StepUp,
    }

    /// Reads the `WWW-Authenticate` challenge of a 401 (the body stays for
    /// the caller to decode).
    fn refusal<E: FromServerFnError>(response: &AuthResponse) -> Option<Refusal> {
        if <AuthResponse as ClientRes<E>>::status(response) != 401 {
            return None;
        }
        let challenge = response.header("www-authenticate")?;
        if !challenge.starts_with("Bearer") && !challenge.starts_with("DPoP") {
            return None;
        }
        Some(if challenge.contains("insufficient_user_authentication") {
            Refusal::StepUp
        } else if challenge.contains("expired") {
            Refusal::Expired
        } else {
            Refusal::Invalid
        })
    }
}
