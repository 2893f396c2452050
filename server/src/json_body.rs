//! `Json<T>` whose refusals are our JSON errors with a message a person
//! understands, instead of axum's plain-text ones, and which takes only a
//! JSON object (serde would also fill a struct from an array, by position).

use app::error::ApiError;
use axum::{
    Json,
    extract::{FromRequest, Request, rejection::JsonRejection},
};

pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let Json(value) = Json::<serde_json::Value>::from_request(request, state)
            .await
            .map_err(refused)?;
        if !value.is_object() {
            return Err(ApiError::BadRequest(
                "The request body must be a JSON object.".into(),
            ));
        }
        serde_json::from_value(value).map(Self).map_err(|error| {
            ApiError::BadRequest(format!(
                "The request body is not valid JSON for this endpoint: {error}"
            ))
        })
    }
}

fn refused(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::BadRequest(
            "Send the body as JSON, with Content-Type: application/json.".into(),
        ),
        // serde's own words: which field, what was expected ("unknown field
        // `hiden`", "missing field `name`"). They quote only the request.
        JsonRejection::JsonDataError(error) => ApiError::BadRequest(format!(
            "The request body is not valid JSON for this endpoint: {}",
            error
                .body_text()
                .trim_start_matches("Failed to deserialize the JSON body into the target type: ")
        )),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::BadRequest("The request body is not valid JSON.".into())
        }
        JsonRejection::BytesRejection(_) => ApiError::TooLarge,
        _ => ApiError::BadRequest("The request body could not be read.".into()),
    }
}
