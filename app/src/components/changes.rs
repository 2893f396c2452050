use crate::error::ApiError;
use leptos::{prelude::*, task::spawn_local};
use std::{future::Future, pin::Pin};

/// A change a panel makes: its outcome is what the person is told (an API
/// call's error, by default, or any error a person can read).
pub type Change<E = ApiError> = Pin<Box<dyn Future<Output = Result<String, E>>>>;

/// The changes a panel of the account makes, one at a time: its buttons
/// are off while one runs, and its outcome is shown, success or not.
#[derive(Clone, Copy)]
pub struct Changes {
    busy: RwSignal<bool>,
    outcome: RwSignal<Option<Result<String, String>>>,
}

impl Changes {
    pub fn new() -> Self {
        Self {
            busy: RwSignal::new(false),
            outcome: RwSignal::new(None),
        }
    }

    pub fn busy(self) -> bool {
        self.busy.get()
    }

    /// Shows `outcome` as the last change's.
    pub fn report<E: std::fmt::Display>(self, outcome: Result<String, E>) {
        self.outcome
            .set(Some(outcome.map_err(|error| error.to_string())));
    }

    /// Runs `change`, shows its outcome, then calls `after` (to read the
    /// list again).
    pub fn run<E: std::fmt::Display + 'static>(
        self,
        change: Change<E>,
        after: impl Fn() + 'static,
    ) {
        self.busy.set(true);
        self.outcome.set(None);
        spawn_local(async move {
            let outcome = change.await;
            self.busy.set(false);
            self.report(outcome);
            after();
        });
    }

    /// The last outcome: a status on success, an alert otherwise.
    pub fn view(self) -> impl IntoView {
        move || {
            self.outcome.get().map(|outcome| match outcome {
                Ok(done) => view! { <p role="status" class="success">{done}</p> }.into_any(),
                Err(problem) => view! { <p role="alert" class="error">{problem}</p> }.into_any(),
            })
        }
    }
}
