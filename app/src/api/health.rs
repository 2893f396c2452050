use super::ApiError;
use leptos::{prelude::*, server_fn::codec::Json};

/// `POST /api/health` → `"ok"`: no token, no database. For load balancers,
/// and as the floor the other endpoints are measured against.
#[server(prefix = "/api", endpoint = "health", input = Json, output = Json)]
pub async fn health() -> Result<String, ApiError> {
    Ok("ok".to_owned())
}
