//! The favourites service: `cargo run -p server --bin favorites`.
//! Configuration in `server::favorites::config` and the README.

use server::{
    favorites::{FavoritesConfig, FavoritesStartError, build_state, router},
    process,
    serve::ServeLimits,
};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(problem) = process::init_tracing() {
        eprintln!("{problem}");
        return ExitCode::from(2);
    }
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
    let listener =
        server::serve::bind(addr).map_err(|source| FavoritesStartError::Listen { addr, source })?;
    tracing::info!("the favourites service is listening on http://{addr}");
    if let Some(addr) = config.metrics_addr {
        server::metrics::serve(addr, None)
            .await
            .map_err(|source| FavoritesStartError::Listen { addr, source })?;
    }
    server::serve::serve(
        listener,
        router(state, &config.allowed_origins),
        ServeLimits::default(),
        process::shutdown_signal(),
    )
    .await;
    store.close().await;
    tracing::info!("the favourites service stopped");
    Ok(())
}
