//! Store calls that run in groups: a single task takes every call waiting
//! at that moment and runs them as one statement. The user store uses it
//! for its hottest read (and SQLite's renames), the favourites service for
//! its list; the queries themselves stay plain, in the stores.
//!
//! With sqlx's SQLite driver each statement is a round trip to the
//! connection's worker thread, plus a ping when the connection goes back to
//! the pool. On PostgreSQL each statement is a round trip to the database
//! and a turn of its backend process, the one resource every instance
//! shares. On the hot paths those costs, not the row lookups, were most of
//! the work (BENCHMARKS.md). A group pays them once.
//!
//! The task never waits to fill a group: an idle server runs a lone call at
//! once, and groups only form while the previous group is running.

use super::is_outage;
use std::{collections::HashMap, future::Future, hash::Hash};
use tokio::sync::{mpsc, oneshot};

/// Calls waiting beyond this make callers wait to queue (back-pressure).
const QUEUE: usize = 1024;

/// One call and where its answer goes.
pub struct Call<T, A> {
    pub input: T,
    reply: oneshot::Sender<A>,
}

impl<T, A> Call<T, A> {
    /// The caller may have gone (a closed connection); that's fine.
    pub fn answer(self, answer: A) {
        let _ = self.reply.send(answer);
    }
}

/// Hands calls to the task that runs them in groups.
pub struct Groups<T, A> {
    queue: mpsc::Sender<Call<T, A>>,
}

impl<T, A> Clone for Groups<T, A> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
        }
    }
}

impl<T: Send + 'static, A: Send + 'static> Groups<T, A> {
    /// Starts the task on the current tokio runtime; it runs until every
    /// handle is dropped. `run` gets each group (at most `max` calls) and
    /// must answer every call in it. A call that `must_wait` behind the
    /// group so far goes first in the next group instead.
    pub fn start<R, F>(max: usize, must_wait: fn(&[Call<T, A>], &T) -> bool, run: R) -> Self
    where
        R: FnMut(Vec<Call<T, A>>) -> F + Send + 'static,
        F: Future<Output = ()> + Send + 'static,
    {
        let (queue, waiting) = mpsc::channel(QUEUE);
        tokio::spawn(run_forever(waiting, max, must_wait, run));
        Self { queue }
    }

    /// Queues `input` and waits for the answer of the group that holds it.
    pub async fn call(&self, input: T) -> Result<A, sqlx::Error> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Call { input, reply })
            .await
            .map_err(|_| sqlx::Error::PoolClosed)?;
        answer.await.map_err(|_| sqlx::Error::WorkerCrashed)
    }
}

async fn run_forever<T, A, R, F>(
    mut waiting: mpsc::Receiver<Call<T, A>>,
    max: usize,
    must_wait: fn(&[Call<T, A>], &T) -> bool,
    mut run: R,
) where
    R: FnMut(Vec<Call<T, A>>) -> F,
    F: Future<Output = ()> + Send + 'static,
{
    let mut held_back = None;
    loop {
        let first = match held_back.take() {
            Some(call) => call,
            None => match waiting.recv().await {
                Some(call) => call,
                None => return,
            },
        };
        let mut group = vec![first];
        while group.len() < max {
            let Ok(call) = waiting.try_recv() else { break };
            if must_wait(&group, &call.input) {
                held_back = Some(call);
                break;
            }
            group.push(call);
        }
        // Its own task, so a panic fails only this group's callers (their
        // replies drop) and the queue goes on serving everyone else. Measured
        // against running the group inline: within noise for `/api/me`, about
        // 8% fewer renames/s; `catch_unwind` instead cost about 25%.
        if let Err(error) = tokio::spawn(run(group)).await {
            tracing::error!(%error, "a group of store calls panicked");
        }
    }
}

/// What a grouped store call answers: the row it found or changed, if any.
pub type Answer<V> = Result<Option<V>, sqlx::Error>;

/// Answers `group` from one `run` over all its inputs: each caller gets the
/// value `run` returned under its input's `key`, or `None`. If that fails,
/// `run` goes again for each input alone, so one bad input can't fail the
/// others and each caller gets its own error; unless the database is away
/// ([`is_outage`]): then every caller gets the outage at once, rather than
/// each waiting in turn for a connection that won't come.
pub async fn together_or_alone<T, K, V, R, F>(
    group: Vec<Call<T, Answer<V>>>,
    key: fn(&T) -> K,
    run: R,
) where
    T: Clone,
    K: Eq + Hash,
    V: Clone,
    R: Fn(Vec<T>) -> F,
    F: Future<Output = Result<HashMap<K, V>, sqlx::Error>>,
{
    if group.len() > 1 {
        let inputs = group.iter().map(|call| call.input.clone()).collect();
        match run(inputs).await {
            Ok(found) => {
                for call in group {
                    let value = found.get(&key(&call.input)).cloned();
                    call.answer(Ok(value));
                }
                return;
            }
            Err(error) if is_outage(&error) => {
                for call in group {
                    call.answer(Err(same_outage(&error)));
                }
                return;
            }
            Err(error) => {
                tracing::warn!(%error, calls = group.len(), "a grouped statement failed; running each call alone");
            }
        }
    }
    for call in group {
        let answer = run(vec![call.input.clone()])
            .await
            .map(|mut found| found.remove(&key(&call.input)));
        call.answer(answer);
    }
}

/// An outage like `error`, for one more caller (`sqlx::Error` can't be
/// cloned); each maps to the same answer, 503.
fn same_outage(error: &sqlx::Error) -> sqlx::Error {
    match error {
        sqlx::Error::Io(error) => sqlx::Error::Io(error.kind().into()),
        sqlx::Error::PoolClosed => sqlx::Error::PoolClosed,
        sqlx::Error::WorkerCrashed => sqlx::Error::WorkerCrashed,
        _ => sqlx::Error::PoolTimedOut,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD: u32 = 13;

    /// Doubles each input, and refuses any batch that holds `BAD`.
    async fn double(inputs: Vec<u32>) -> Result<HashMap<u32, u32>, sqlx::Error> {
        if inputs.contains(&BAD) {
            return Err(sqlx::Error::RowNotFound);
        }
        Ok(inputs.into_iter().map(|n| (n, n * 2)).collect())
    }

    async fn answers(inputs: &[u32]) -> Vec<Answer<u32>> {
        let (group, answers): (Vec<_>, Vec<_>) = inputs
            .iter()
            .map(|&input| {
                let (reply, answer) = oneshot::channel();
                (Call { input, reply }, answer)
            })
            .unzip();
        together_or_alone(group, |n| *n, double).await;
        let mut out = Vec::new();
        for answer in answers {
            out.push(answer.await.expect("every call is answered"));
        }
        out
    }

    #[tokio::test]
    async fn each_caller_gets_the_value_for_their_own_input() {
        let answers = answers(&[1, 2, 3]).await;
        let values: Vec<_> = answers.into_iter().map(Result::unwrap).collect();
        assert_eq!(values, [Some(2), Some(4), Some(6)]);
    }

    #[tokio::test]
    async fn a_failing_input_fails_only_its_own_caller() {
        let answers = answers(&[1, BAD, 3]).await;
        assert_eq!(answers[0].as_ref().ok(), Some(&Some(2)));
        assert!(matches!(answers[1], Err(sqlx::Error::RowNotFound)));
        assert_eq!(answers[2].as_ref().ok(), Some(&Some(6)));
    }

    #[tokio::test]
    async fn an_outage_answers_every_caller_at_once_without_running_each_alone() {
        let statements = std::sync::atomic::AtomicUsize::new(0);
        let (group, answers): (Vec<_>, Vec<_>) = (0..50)
            .map(|input| {
                let (reply, answer) = oneshot::channel();
                (Call { input, reply }, answer)
            })
            .unzip();
        // The database is away: a statement waits for a connection, then
        // fails as sqlx's pool does when none comes.
        together_or_alone(
            group,
            |n: &u32| *n,
            |_inputs| {
                statements.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async { Err::<HashMap<u32, u32>, _>(sqlx::Error::PoolTimedOut) }
            },
        )
        .await;

        assert_eq!(
            statements.into_inner(),
            1,
            "one statement for the whole group"
        );
        for answer in answers {
            let answer = answer.await.expect("every call is answered");
            assert!(answer.is_err_and(|error| is_outage(&error)));
        }
    }

    #[tokio::test]
    async fn a_panic_fails_only_its_own_group_and_the_queue_goes_on() {
        let groups: Groups<u32, Answer<u32>> = Groups::start(
            8,
            |_, _| false,
            |group| async move {
                assert!(group.iter().all(|call| call.input != BAD), "bad input");
                together_or_alone(group, |n| *n, double).await;
            },
        );

        let crashed = groups.call(BAD).await;
        assert!(matches!(crashed, Err(sqlx::Error::WorkerCrashed)));
        assert_eq!(groups.call(21).await.unwrap().unwrap(), Some(42));
    }

    #[tokio::test]
    async fn a_call_that_must_wait_goes_in_the_next_group() {
        let (sizes, seen) = std::sync::mpsc::channel();
        // Equal inputs may not share a group.
        let groups: Groups<u32, Answer<u32>> = Groups::start(
            8,
            |group, next| group.iter().any(|call| call.input == *next),
            move |group| {
                let _ = sizes.send(group.iter().map(|call| call.input).collect::<Vec<_>>());
                together_or_alone(group, |n| *n, double)
            },
        );
        let calls = [1, 2, 1, 3].map(|n| groups.call(n));
        let answers = futures::future::join_all(calls).await;

        for (answer, n) in answers.into_iter().zip([1, 2, 1, 3]) {
            assert_eq!(answer.unwrap().unwrap(), Some(n * 2));
        }
        let groups: Vec<Vec<u32>> = seen.try_iter().collect();
        assert_eq!(groups, [vec![1, 2], vec![1, 3]]);
    }
}
