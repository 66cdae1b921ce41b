//! Customers: search, one customer, and the expansion context (PRD-047 Step 1).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::auth::Auth;
use super::error::{ApiError, ApiResult, ErrorBody};
use super::AppState;
use crate::context::ExpansionContext;
use crate::domain::{Contact, Customer, CustomerId};
use crate::services::{self, Lookup};
use crate::store::{CustomerRecord, CustomerSummary, Workspace};

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// Part of a name or external id; empty lists every customer.
    q: Option<String>,
    /// At most this many (1–500, default 50).
    limit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CustomerList {
    pub customers: Vec<CustomerSummary>,
}

#[utoipa::path(get, path = "/api/customers", tag = "customers", params(SearchParams),
    security(("bearer" = [])),
    responses((status = 200, body = CustomerList), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    Query(params): Query<SearchParams>,
) -> ApiResult<Json<CustomerList>> {
    let limit = match params.limit.as_deref() {
        None | Some("") => 50,
        Some(raw) => raw.parse::<i64>().ok().filter(|n| (1..=500).contains(n)).ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("limit `{raw}` must be a whole number from 1 to 500"),
            )
        })?,
    };
    let customers = state.store.search_customers(&auth.0.workspace, params.q.as_deref().unwrap_or(""), limit).await?;
    Ok(Json(CustomerList { customers }))
}

/// Turns a lookup of `:id` into the thing found, or the API's 404 / 409.
fn found<T>(key: &str, lookup: Lookup<T>, customer: impl Fn(&T) -> &Customer) -> ApiResult<T> {
    match lookup {
        Lookup::Found(c) => Ok(c),
        Lookup::NotFound => Err(ApiError::not_found(&format!("Customer `{key}`"))),
        Lookup::Ambiguous(candidates) => {
            let list: Vec<_> = candidates
                .iter()
                .map(customer)
                .map(|c| json!({"id": c.id, "external_id": c.external_id, "name": c.name}))
                .collect();
            Err(ApiError::new(
                StatusCode::CONFLICT,
                "ambiguous_customer",
                format!("{} customers are named `{key}`: use an id or external id", candidates.len()),
            )
            .with_details(json!({ "candidates": list })))
        }
    }
}

/// Resolves `:id` (internal id, external id or unambiguous name) within the caller's workspace.
pub(super) async fn resolve_record(state: &AppState, ws: &Workspace, key: &str) -> ApiResult<CustomerRecord> {
    found(key, services::find_customer_record(&state.store, ws, key).await?, |r| &r.customer)
}

/// One customer as the API shows it: team members and plan by their keys, with the contacts.
#[derive(Serialize, ToSchema)]
pub struct CustomerView {
    #[schema(value_type = String, example = "cus_1")]
    pub id: CustomerId,
    pub external_id: String,
    pub name: String,
    /// Plan key.
    pub plan: String,
    pub seats_purchased: i64,
    pub arr: i64,
    pub renewal_date: Option<Date>,
    pub health_score: Option<i64>,
    pub industry: Option<String>,
    /// Email of the customer's CSM.
    pub csm: Option<String>,
    /// Email of the customer's Account Executive.
    pub ae: Option<String>,
    /// IANA time zone, for contacts that have none.
    pub time_zone: Option<String>,
    #[schema(value_type = Vec<Object>)]
    pub contacts: Vec<Contact>,
}

impl From<CustomerRecord> for CustomerView {
    fn from(r: CustomerRecord) -> Self {
        let c = r.customer;
        CustomerView {
            id: c.id,
            external_id: c.external_id,
            name: c.name,
            plan: c.plan_key,
            seats_purchased: c.seats_purchased,
            arr: c.arr,
            renewal_date: c.renewal_date,
            health_score: c.health_score,
            industry: c.industry,
            csm: c.csm_email,
            ae: c.ae_email,
            time_zone: c.time_zone,
            contacts: r.contacts,
        }
    }
}

#[utoipa::path(get, path = "/api/customers/{id}", tag = "customers",
    params(("id" = String, Path, description = "Internal id (cus_1), external id, or unambiguous name")),
    security(("bearer" = [])),
    responses((status = 200, body = CustomerView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CustomerView>> {
    Ok(Json(resolve_record(&state, &auth.0.workspace, &id).await?.into()))
}

#[utoipa::path(get, path = "/api/customers/{id}/expansion-context", tag = "customers",
    params(("id" = String, Path, description = "Internal id (cus_1), external id, or unambiguous name")),
    security(("bearer" = [])),
    responses((status = 200, body = ExpansionContext), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn expansion_context(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ExpansionContext>> {
    let ws = &auth.0.workspace;
    let record = resolve_record(&state, ws, &id).await?;
    let catalog = state.catalogs.get(&state.store, ws).await?;
    Ok(Json(services::context_of(&state.store, &catalog, ws, record, state.clock.now()).await?))
}
