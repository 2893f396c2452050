//! The favourites service: `cargo run -p server --bin favorites`.
//! Configuration in `server::favorites::config` and the README.

use axum::serve::ListenerExt;
use server::{
    favorites::{FavoritesConfig, FavoritesStartError, build_state, router},
    process,
};
use std::process::ExitCode;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> ExitCode {
    process::init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("the favourites service could not run: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), FavoritesStartError> {
    let config = FavoritesConfig::from_env()?;
    let state = build_state(&config).await?;
    let store = state.store.clone();
    let addr = config.addr;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| FavoritesStartError::Listen { addr, source })?
        .tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!("could not set TCP_NODELAY: {error}");
            }
        });
    tracing::info!("the favourites service is listening on http://{addr}");
    axum::serve(listener, router(state, &config.allowed_origins))
        .with_graceful_shutdown(process::shutdown_signal())
        .await
        .map_err(FavoritesStartError::Serve)?;
    store.close().await;
    tracing::info!("the favourites service stopped");
    Ok(())
}
