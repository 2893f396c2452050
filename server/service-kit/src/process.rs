//! What both binaries (the main app and the favourites service) do the
//! same way as processes: logging and stopping.

use crate::settings::{LogFormat, SharedSettings};
use tracing_subscriber::EnvFilter;

/// Logs to stdout, filtered by `RUST_LOG` (`--log`), in the format
/// `LOG_FORMAT` names.
pub fn init_tracing(settings: &SharedSettings) -> Result<(), String> {
    let filter = EnvFilter::try_new(&settings.log_filter)
        .map_err(|error| format!("RUST_LOG (--log) is not a log filter: {error}"))?;
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    match settings.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
    Ok(())
}

/// Ctrl-C or SIGTERM (what `kill`, systemd and containers send).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
