//! The app's own gauges beside the shared metrics (`service_kit::metrics`):
//! the database pool's connections, sampled every few seconds.

use app::db::Pools;
use std::net::SocketAddr;

/// Serves `GET /metrics` on `addr` (see `service_kit::metrics::serve`) and,
/// with `pools`, samples their connections into it; returns the address.
pub async fn serve(addr: SocketAddr, pools: Option<Pools>) -> std::io::Result<SocketAddr> {
    let bound = service_kit::metrics::serve(addr).await?;
    if let Some(pools) = pools {
        tokio::spawn(sample_pools(pools));
    }
    Ok(bound)
}

/// Connections in use and idle, every few seconds.
async fn sample_pools(pools: Pools) {
    loop {
        let (size, idle) = match &pools {
            Pools::Sqlite { reader, writer } => (
                reader.size() + writer.size(),
                reader.num_idle() + writer.num_idle(),
            ),
            Pools::Postgres(pool) => (pool.size(), pool.num_idle()),
        };
        let idle = u32::try_from(idle).unwrap_or(u32::MAX);
        metrics::gauge!("photo_spots_db_connections", "state" => "in_use")
            .set(f64::from(size.saturating_sub(idle)));
        metrics::gauge!("photo_spots_db_connections", "state" => "idle").set(f64::from(idle));
        tokio::time::sleep(service_kit::metrics::UPKEEP).await;
    }
}
