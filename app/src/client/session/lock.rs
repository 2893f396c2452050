//! One tab at a time: the Web Locks API.
//!
//! Renewing spends the refresh token every tab shares (one cookie per
//! browser). Two tabs renewing at once would present the same token twice,
//! which the server must take for theft and answer by ending the login.
//! So renewals queue on one lock for the whole origin, and whoever gets it
//! second finds the token already renewed. Browser only.

use std::{cell::RefCell, future::Future, pin::Pin, rc::Rc};

/// The lock's name, shared by every tab of the site.
pub const RENEW_LOCK: &str = "photo-spots.renew";

type Work<T> = Pin<Box<dyn Future<Output = T>>>;

/// Runs `work` while holding the origin-wide lock `name`. Where there is no
/// Web Locks API (pages served over plain http, except on localhost), it
/// runs at once: the page still works, only tabs may then race.
pub async fn exclusively<T: 'static>(name: &str, work: impl Future<Output = T> + 'static) -> T {
    use wasm_bindgen::{JsCast, JsValue, closure::Closure};

    let pending: Rc<RefCell<Option<Work<T>>>> = Rc::new(RefCell::new(Some(Box::pin(work))));
    let result: Rc<RefCell<Option<T>>> = Rc::new(RefCell::new(None));
    if let Some((locks, request)) = lock_manager() {
        let (pending, slot) = (pending.clone(), result.clone());
        // `navigator.locks.request(name, callback)`: the lock is held until
        // the promise the callback returns settles.
        let callback = Closure::once_into_js(move |_lock: JsValue| {
            wasm_bindgen_futures::future_to_promise(async move {
                let work = pending.borrow_mut().take();
                if let Some(work) = work {
                    let value = work.await;
                    *slot.borrow_mut() = Some(value);
                }
                Ok(JsValue::UNDEFINED)
            })
        });
        let promise = request
            .call2(&locks, &JsValue::from_str(name), &callback)
            .ok()
            .and_then(|promise| promise.dyn_into::<js_sys::Promise>().ok());
        if let Some(promise) = promise {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        }
    }
    if let Some(value) = result.borrow_mut().take() {
        return value;
    }
    // No lock manager, or it refused the request: the work is still here.
    let work = pending.borrow_mut().take();
    match work {
        Some(work) => work.await,
        // Unreachable in practice: the callback took the work and always
        // stores its value before the lock's promise settles.
        None => std::future::pending().await,
    }
}

/// `navigator.locks` and its `request` method, if this context has them
/// (secure contexts only).
fn lock_manager() -> Option<(wasm_bindgen::JsValue, js_sys::Function)> {
    use js_sys::Reflect;
    use wasm_bindgen::JsCast;
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let locks = Reflect::get(&navigator, &"locks".into()).ok()?;
    if locks.is_undefined() || locks.is_null() {
        return None;
    }
    let request = Reflect::get(&locks, &"request".into()).ok()?;
    Some((locks, request.dyn_into().ok()?))
}
