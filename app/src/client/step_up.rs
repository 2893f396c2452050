//! "Confirm it's you" in the browser.
//!
//! A sensitive call the server refuses because the sign-in is too old
//! (RFC 9470's `insufficient_user_authentication`) asks the person to
//! confirm it's them, in the dialog the app shows for it
//! (`components::StepUpDialog`). Once the server has renewed the sign-in
//! (`POST /api/reauth`, which stores the new token), the call goes again,
//! once, with the new token: the page is never left, and nothing typed into
//! it is lost. Cancelled, the call answers with the refusal, which the page
//! shows like any other error.

use futures::channel::oneshot;
use leptos::prelude::*;
use std::cell::RefCell;

thread_local! {
    /// The app's dialog, for calls made outside any component.
    static DIALOG: std::cell::Cell<Option<StepUp>> = const { std::cell::Cell::new(None) };
    /// The calls waiting for the person's answer: every call refused while
    /// the dialog is open waits for the same one.
    static WAITING: RefCell<Vec<oneshot::Sender<bool>>> = const { RefCell::new(Vec::new()) };
}

/// Whether the dialog is open; the app provides it, the dialog reads it.
#[derive(Clone, Copy)]
pub struct StepUp {
    open: RwSignal<bool>,
}

impl StepUp {
    pub fn provide() -> Self {
        let step_up = Self {
            open: RwSignal::new(false),
        };
        provide_context(step_up);
        // Only the browser makes calls; a server keeps nothing per page.
        #[cfg(feature = "hydrate")]
        DIALOG.set(Some(step_up));
        step_up
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    pub fn is_open(&self) -> bool {
        self.open.get()
    }

    /// The person confirmed (the new token is stored) or gave up: every
    /// waiting call is told which, and the dialog closes.
    pub fn answer(&self, confirmed: bool) {
        self.open.set(false);
        for waiting in WAITING.with_borrow_mut(std::mem::take) {
            let _ = waiting.send(confirmed);
        }
    }
}

/// Opens the dialog and waits for the person: `true` once the sign-in is
/// renewed, `false` if they cancelled (or no dialog is there to ask).
pub async fn confirm() -> bool {
    let Some(step_up) = DIALOG.get() else {
        return false;
    };
    let (answer, answered) = oneshot::channel();
    WAITING.with_borrow_mut(|waiting| waiting.push(answer));
    step_up.open.set(true);
    answered.await.unwrap_or(false)
}
