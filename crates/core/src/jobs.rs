//! Background jobs: long-running tasks a module runs beside the HTTP server (the notifications
//! runner, for one).
//!
//! A module hands the server named future factories through [`crate::Module::jobs`]. The server
//! starts them when it starts serving and, on a graceful stop, after the HTTP server has finished
//! its in-flight requests, cancels the [`CancellationToken`] each job was given and waits (up to
//! the shutdown timeout) for them to return. A job therefore checks the token between units of
//! work and finishes the unit it is doing: it drains, it is not killed mid-way. Most jobs are
//! [`BackgroundJob::polling`]: a pass, again at once while passes come back full, else a pause.

use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

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

    /// A job that runs `pass` until shutdown: again at once while a pass reports it was full
    /// (`Ok(true)`: more work is waiting), else after `interval`. A failed pass is logged and
    /// tried again after `interval`. A pass in progress is finished before the job stops.
    pub fn polling<F, Fut, E>(name: &'static str, interval: Duration, mut pass: F) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = Result<bool, E>> + Send + 'static,
        E: Display + Send + 'static,
    {
        Self::new(name, move |shutdown: CancellationToken| async move {
            while !shutdown.is_cancelled() {
                let full = match pass().await {
                    Ok(full) => full,
                    Err(error) => {
                        tracing::error!(job = name, %error, "a pass of a background job failed");
                        false
                    }
                };
                if full || shutdown.is_cancelled() {
                    continue;
                }
                tokio::select! {
                    () = shutdown.cancelled() => {}
                    () = tokio::time::sleep(interval) => {}
                }
            }
        })
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

    #[tokio::test]
    async fn a_polling_job_goes_on_at_once_while_full_and_stops_when_cancelled() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU32, Ordering};

        let passes = Arc::new(AtomicU32::new(0));
        let counter = passes.clone();
        // Two full passes go on at once; the third fails, and a failure pauses like an empty pass.
        let job = BackgroundJob::polling("poller", Duration::from_secs(3600), move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            async move {
                if n < 3 {
                    Ok(true)
                } else {
                    Err("the database is away")
                }
            }
        });
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(job.start(shutdown.clone()));
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert_eq!(passes.load(Ordering::SeqCst), 3);
        assert!(!task.is_finished(), "the job pauses, it does not end");
        shutdown.cancel();
        task.await.unwrap();
        assert_eq!(passes.load(Ordering::SeqCst), 3);
    }
}
