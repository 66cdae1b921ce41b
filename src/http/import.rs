//! Loading a workspace bundle over HTTP (admins only), and the bundle's JSON Schema.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde_json::json;

use super::auth::Auth;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::domain::Role;
use crate::import::{self, ImportFailure, ImportReport, Staged};

#[utoipa::path(post, path = "/api/import", tag = "import",
    request_body(content = Object, description = "A workspace bundle (see /api/schema/bundle.json)", content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 200, body = ImportReport), (status = 403, body = ErrorBody),
              (status = 422, description = "Problems found; nothing was imported. `error.errors` lists each with its JSON path", body = ErrorBody)))]
pub async fn import_bundle(State(state): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<Json<ImportReport>> {
    auth.require(&[Role::Admin], "import data")?;
    let mut errors = import::validate::Errors::default();
    let mut staged = Staged::default();
    staged.add_bundle_json(None, &body, &mut errors);
    match import::run(&state.store, &auth.0.workspace, staged, errors, state.clock.now()).await {
        Ok(report) => Ok(Json(report)),
        Err(ImportFailure::Invalid { errors, total }) => {
            Err(ApiError::unprocessable("invalid_bundle", format!("{total} problem(s) found; nothing was imported"))
                .with_details(json!({ "errors": errors, "total": total })))
        }
        Err(ImportFailure::Failed(e)) => Err(e.into()),
    }
}

#[utoipa::path(get, path = "/api/schema/bundle.json", tag = "import", security(("bearer" = [])),
    responses((status = 200, description = "JSON Schema of the workspace bundle", body = Object)))]
pub async fn bundle_schema(_auth: Auth) -> Json<serde_json::Value> {
    Json(import::json_schema())
}
