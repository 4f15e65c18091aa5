//! SIGTERM and Ctrl-C as a future, for `run`'s graceful shutdown.

use std::future::Future;

/// Resolves on SIGTERM or Ctrl-C. The handlers are in place when this returns, so a signal that
/// arrives before the future is first awaited is caught rather than fatal.
pub fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{Signal, SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let interrupt = signal(SignalKind::interrupt());
        async fn received(handler: std::io::Result<Signal>) {
            match handler {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        }
        async move {
            tokio::select! {
                () = received(term) => {}
                () = received(interrupt) => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
