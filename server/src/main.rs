use axum::serve::ListenerExt;
use server::{Config, StartError, build_state, router};
use std::{net::SocketAddr, process::ExitCode};
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("Photo Spots could not run: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), StartError> {
    let config = Config::from_env()?;
    let state = build_state(&config).await?;
    let users = state.users.clone();
    let addr = config.leptos_options.site_addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Listen { addr, source })?
        // Without it a response written in two parts (headers, then a file's
        // body) waits out the client's delayed ACK: ~40 ms per static file.
        .tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!("could not set TCP_NODELAY: {error}");
            }
        });
    tracing::info!("Photo Spots is listening on http://{addr}");
    // Connection info gives the client address that login throttling keys on.
    let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartError::Serve)?;
    // In-flight requests are done: close the pool so SQLite checkpoints the WAL.
    users.close().await;
    tracing::info!("Photo Spots stopped");
    Ok(())
}

/// Ctrl-C or SIGTERM (what `kill`, systemd and containers send).
async fn shutdown_signal() {
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
