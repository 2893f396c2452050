use crate::error::ApiError;
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/health` (and `GET`, for load balancers) → `"ok"`: no token, no
/// database, so an instance is healthy while it accepts requests (a stopping
/// one doesn't) and a database outage is answered by the instances as JSON
/// 503s rather than by the load balancer. Also the floor the other endpoints
/// are measured against.
#[server(prefix = "/api", endpoint = "health", input = Json, output = Json)]
pub async fn health() -> Result<String, ApiError> {
    Ok("ok".to_owned())
}
