//! Background jobs: long-running tasks a module runs beside the HTTP server (the notifications
//! runner, for one).
//!
//! A module hands the server named future factories through [`crate::Module::jobs`]. The server
//! starts them when it starts serving and, on a graceful stop, after the HTTP server has finished
//! its in-flight requests, cancels the [`CancellationToken`] each job was given and waits (up to
//! the shutdown timeout) for them to return. A job therefore checks the token between units of
//! work and finishes the unit it is doing: it drains, it is not killed mid-way. This module does
//! not schedule anything itself; each job owns its own timing.

use std::future::Future;
use std::pin::Pin;

pub use tokio_util::sync::CancellationToken;

/// Why a module could not prepare its jobs (a bad setting, usually); the server refuses to start.
pub type JobSetupError = Box<dyn std::error::Error + Send + Sync>;

type JobFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A named background task, not yet started.
pub struct BackgroundJob {
    name: &'static str,
    start: Box<dyn FnOnce(CancellationToken) -> JobFuture + Send>,
}

impl BackgroundJob {
    /// A job from a name (for the logs) and the function that starts it with its shutdown signal.
    /// The future it returns should end soon after the token is cancelled.
    pub fn new<F, Fut>(name: &'static str, start: F) -> Self
    where
        F: FnOnce(CancellationToken) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self {
            name,
            start: Box::new(move |shutdown| Box::pin(start(shutdown))),
        }
    }

    /// The job's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The job's future, bound to a shutdown signal; it does nothing until polled or spawned.
    pub fn start(self, shutdown: CancellationToken) -> impl Future<Output = ()> + Send + 'static {
        (self.start)(shutdown)
    }
}

impl std::fmt::Debug for BackgroundJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackgroundJob")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_job_runs_until_its_token_is_cancelled() {
        let job = BackgroundJob::new("waiter", |shutdown: CancellationToken| async move {
            shutdown.cancelled().await;
        });
        assert_eq!(job.name(), "waiter");
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(job.start(shutdown.clone()));
        tokio::task::yield_now().await;
        assert!(!task.is_finished());
        shutdown.cancel();
        task.await.unwrap();
    }
}
