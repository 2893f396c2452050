//! The Photo Spots server. `server` serves the app; `server keys …` manages
//! the signing keys (see `keys`), `server users …` the admins (see `admins`).

use server::{Config, StartError, admins, build_state, keys, process, router};
use std::process::ExitCode;

/// Why a command failed, for the one log line before exiting.
type Failure = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    if let Err(problem) = process::init_tracing() {
        eprintln!("{problem}");
        return ExitCode::from(2);
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] => run().await.map_err(Failure::from),
        ["config", "check"] => return server::config_check::run(),
        ["keys", "rotate"] => keys::rotate().await.map_err(Failure::from),
        ["keys", "list"] => keys::list().await.map_err(Failure::from),
        ["keys", "new-kek"] => keys::new_kek().map_err(Failure::from),
        ["users", "grant-admin", username] => admins::set_admin(username, true)
            .await
            .map_err(Failure::from),
        ["users", "revoke-admin", username] => admins::set_admin(username, false)
            .await
            .map_err(Failure::from),
        _ => {
            eprintln!(
                "usage: server                 serve Photo Spots\n       server keys rotate     add a new signing key; the previous one keeps verifying until its tokens expire\n       server keys list       show the signing keys and the published ones\n       server keys new-kek    print a fresh key-encryption key for JWT_KEY_ENCRYPTION_KEY\n       server users grant-admin USERNAME    let USERNAME use the admin area (from their next login)\n       server users revoke-admin USERNAME   take it away; their current tokens stop working at once\n       server config check    print the effective configuration (secrets redacted), or the first problem"
            );
            return ExitCode::from(2);
        }
    };
    match result {
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
    let listener =
        server::serve::bind(addr).map_err(|source| StartError::Listen { addr, source })?;
    tracing::info!("Photo Spots is listening on http://{addr}");
    if let Some(addr) = config.metrics_addr {
        let pools = Some(state.users.pools().clone());
        server::metrics::serve(addr, pools)
            .await
            .map_err(|source| StartError::Listen { addr, source })?;
    }
    // Photo files no spot shows (replaced, deleted, or left by a crash) go
    // at start and every hour, besides right after each admin photo change.
    server::spots::sweep_photos_every(&state, std::time::Duration::from_secs(3600));
    // Ended logins' rows, likewise at start and every hour.
    state
        .refresh
        .prune_every(std::time::Duration::from_secs(3600));
    // Handlers see the client's address (login throttling keys on it).
    server::serve::serve(
        listener,
        router(state),
        config.serve,
        process::shutdown_signal(),
    )
    .await;
    // In-flight requests are done: close the pool so SQLite checkpoints the WAL.
    users.close().await;
    tracing::info!("Photo Spots stopped");
    Ok(())
}
