//! Store calls that run in groups: a single task takes every call waiting
//! at that moment and runs them as one statement.
//!
//! With sqlx's SQLite driver each statement is a round trip to the
//! connection's worker thread, plus a ping when the connection goes back to
//! the pool. On the hot paths those hand-offs, not SQLite, were most of the
//! cost (BENCHMARKS.md). A group pays them once.
//!
//! The task never waits to fill a group: an idle server runs a lone call at
//! once, and groups only form while the previous group is running.

use std::future::Future;
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
    F: Future<Output = ()>,
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
        run(group).await;
    }
}
