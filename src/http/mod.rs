//! The HTTP API (CONTRACT §3): one file per resource. The router and the OpenAPI document are built
//! together from the same route list, so the published spec cannot drift from what is served.

mod audit;
pub mod auth;
mod chat;
mod customers;
mod drafts;
mod engagement;
pub mod error;
mod gmail;
mod import;
mod json;
mod learning;
mod meta;
mod opportunities;
mod session;
mod templates;
mod tracking;
mod web;

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::sync::Notify;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::clock::Clock;
use crate::compose::Composer;
use crate::delivery::GmailConfig;
use crate::services::CatalogCache;
use crate::store::Store;
use error::ApiError;
pub use json::ApiJson;

/// Largest accepted request body (bundles are the big ones; use CSV files for bulk usage).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Clock,
    pub catalogs: Arc<CatalogCache>,
    pub composer: Arc<Composer>,
    pub metrics: PrometheusHandle,
    /// Wakes this process's outbox worker when a draft is approved.
    pub outbox: Arc<Notify>,
    pub gmail: Option<Arc<GmailConfig>>,
    pub http: reqwest::Client,
    /// Open and click tracking (none: the tracking routes answer 404).
    pub tracker: Option<Arc<crate::engagement::Tracker>>,
    pub responses: Arc<crate::engagement::Responses>,
    /// `OVERTURE_INBOUND_SECRET` (none: the inbound webhook answers 503).
    pub inbound_secret: Option<Arc<[u8]>>,
    /// Customer names for the chat's forgiving matching.
    pub names: Arc<crate::chat::NameCache>,
    /// Mark the session cookie `Secure` (the app is served over https).
    pub secure_cookies: bool,
    openapi: Arc<String>,
}

/// What `serve` wires in beside the store and clock.
#[derive(Clone, Default)]
pub struct Options {
    /// The outbox worker's waker (none: approvals wait for the worker's next poll).
    pub outbox: Option<Arc<Notify>>,
    /// Set when Gmail is configured (connect and callback answer 409/400 otherwise).
    pub gmail: Option<GmailConfig>,
    /// Signing keys and the public base URL of tracking links.
    pub tracker: Option<Arc<crate::engagement::Tracker>>,
    /// The key of `POST /api/inbound/email`.
    pub inbound_secret: Option<String>,
    /// Whether the CRM webhook is configured (positive responses then queue a call to it).
    pub webhook: bool,
    /// Mark the session cookie `Secure` (set when `OVERTURE_PUBLIC_URL` is https).
    pub secure_cookies: bool,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Overture", description = "Introduce expansions in a way that feels helpful, not salesy."),
    modifiers(&BearerAuth),
    components(schemas(error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("Overture API token").build(),
            ),
        );
    }
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(customers::search))
        .routes(routes!(customers::get_one))
        .routes(routes!(customers::expansion_context))
        .routes(routes!(drafts::upsell_intro))
        .routes(routes!(drafts::get_one, drafts::patch))
        .routes(routes!(drafts::send))
        .routes(routes!(drafts::discard))
        .routes(routes!(drafts::revisions))
        .routes(routes!(web::preview))
        .routes(routes!(session::sign_in, session::current, session::sign_out))
        .routes(routes!(chat::post, chat::history, chat::clear))
        .routes(routes!(audit::list))
        .routes(routes!(gmail::connect))
        .routes(routes!(gmail::callback))
        .routes(routes!(templates::get_one, templates::put, templates::reset))
        .routes(routes!(opportunities::list))
        .routes(routes!(opportunities::get_opportunity))
        .routes(routes!(opportunities::record_response))
        .routes(routes!(opportunities::timeline))
        .routes(routes!(learning::record_outcome))
        .routes(routes!(learning::approaches))
        .routes(routes!(learning::timing))
        .routes(routes!(learning::styles))
        .routes(routes!(learning::send_time))
        .routes(routes!(learning::patch_contact))
        .routes(routes!(engagement::inbound_email))
        .routes(routes!(engagement::replies))
        .routes(routes!(engagement::review_queue))
        .routes(routes!(engagement::correct_label))
        .routes(routes!(engagement::get_settings, engagement::patch_settings))
        .routes(routes!(import::import_bundle))
        .routes(routes!(import::bundle_schema))
        .routes(routes!(tracking::open))
        .routes(routes!(tracking::click))
        .routes(routes!(meta::healthz))
        .routes(routes!(meta::metrics))
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_router().split_for_parts().1
}

/// The process-wide Prometheus recorder (a recorder can only be installed once).
fn prometheus() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Fails only when another recorder is installed, in which case ours renders empty.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

async fn record_metrics(matched: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let route = matched.map_or_else(|| "unmatched".to_string(), |m| m.as_str().to_string());
    let method = request.method().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("overture_http_requests_total", &labels).increment(1);
    metrics::histogram!("overture_http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such endpoint; see /api/openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This endpoint does not accept that method; see /api/openapi.json",
    )
}

/// The whole application: API, spec, metrics. Fails only if the built-in templates do not compile.
pub fn app(store: Arc<dyn Store>, clock: Clock) -> anyhow::Result<Router> {
    app_with(store, clock, Options::default())
}

/// The application with the outbox waker and Gmail settings of `serve`.
pub fn app_with(store: Arc<dyn Store>, clock: Clock, options: Options) -> anyhow::Result<Router> {
    let (router, spec) = api_router().split_for_parts();
    let openapi = Arc::new(spec.to_pretty_json()?);
    let composer = Arc::new(Composer::new()?);
    let responses = Arc::new(crate::engagement::Responses::new(store.clone(), clock, options.webhook)?);
    let inbound_secret = options.inbound_secret.filter(|s| !s.is_empty()).map(|s| Arc::<[u8]>::from(s.into_bytes()));
    let state = AppState {
        store,
        clock,
        catalogs: Arc::default(),
        composer,
        metrics: prometheus(),
        outbox: options.outbox.unwrap_or_default(),
        gmail: options.gmail.map(Arc::new),
        http: crate::delivery::gmail::http_client(),
        tracker: options.tracker,
        responses,
        inbound_secret,
        names: Arc::default(),
        secure_cookies: options.secure_cookies,
        openapi,
    };
    Ok(router
        .route("/api/openapi.json", axum::routing::get(meta::openapi))
        .route("/", axum::routing::get(web::app))
        .route("/signin", axum::routing::get(web::signin))
        .route("/assets/{name}", axum::routing::get(web::static_file))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn(record_metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state))
}
