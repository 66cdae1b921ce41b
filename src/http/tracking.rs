//! The open pixel and click redirects (no sign-in: the signed token is the credential). A forged,
//! altered or unknown token is a 404 and never a redirect; nothing here is cached by browsers or proxies.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use time::OffsetDateTime;

use super::error::ApiError;
use super::AppState;
use crate::domain::DraftId;
use crate::engagement::tracking::{machine_reason, Claim, EventKind};
use crate::engagement::Tracker;
use crate::store::TrackingEvent;

/// The smallest transparent GIF (43 bytes).
const PIXEL: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
    0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02,
    0x02, 0x44, 0x01, 0x00, 0x3b,
];

const NO_STORE: &str = "no-store, no-cache, must-revalidate, private";

fn uncached(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

fn unknown() -> Response {
    uncached(ApiError::new(StatusCode::NOT_FOUND, "not_found", "No such tracking link").into_response())
}

fn event(
    tracker: &Tracker,
    state: &AppState,
    claim: &Claim,
    kind: EventKind,
    method: &Method,
    headers: &HeaderMap,
) -> TrackingEvent {
    let user_agent: Option<String> =
        headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(|ua| ua.chars().take(400).collect());
    let since = OffsetDateTime::now_utc().unix_timestamp() - claim.issued;
    let machine = machine_reason(user_agent.as_deref(), method == Method::HEAD, since, tracker.scanner_window);
    TrackingEvent {
        workspace_id: claim.workspace_id,
        draft_id: DraftId(claim.draft_id),
        kind: kind.as_str(),
        link: claim.link,
        at: state.clock.now(),
        user_agent,
        machine,
    }
}

/// The open pixel: a 1×1 transparent GIF.
#[utoipa::path(get, path = "/t/o/{token}", tag = "tracking",
    params(("token" = String, Path, description = "Signed open token from a sent message")),
    responses((status = 200, description = "A 1×1 GIF; the open is recorded", content_type = "image/gif"),
              (status = 404, description = "Forged, altered or unknown token"),
              (status = 429, description = "Too many events for this message"),
              (status = 503, description = "The event could not be stored; try again")))]
pub async fn open(
    State(state): State<AppState>,
    Path(token): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let Some(tracker) = state.tracker.clone() else {
        return unknown();
    };
    let Some(claim) = tracker.keys.verify(&token).filter(|c| c.link.is_none()) else {
        metrics::counter!("overture_tracking_refused_total", "kind" => "open").increment(1);
        return unknown();
    };
    if !tracker.limiter.allow(&claim) {
        metrics::counter!("overture_tracking_rate_limited_total", "kind" => "open").increment(1);
        return uncached((StatusCode::TOO_MANY_REQUESTS, "").into_response());
    }
    if !tracker.record(event(&tracker, &state, &claim, EventKind::Open, &method, &headers)).await {
        return uncached(StatusCode::SERVICE_UNAVAILABLE.into_response());
    }
    uncached(([(header::CONTENT_TYPE, "image/gif")], PIXEL).into_response())
}

/// A tracked link: records the click and redirects to the link stored for that position of that message.
#[utoipa::path(get, path = "/t/c/{token}", tag = "tracking",
    params(("token" = String, Path, description = "Signed click token from a sent message")),
    responses((status = 302, description = "Redirect to the original link"),
              (status = 404, description = "Forged, altered or unknown token: never a redirect")))]
pub async fn click(
    State(state): State<AppState>,
    Path(token): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> Response {
    let Some(tracker) = state.tracker.clone() else {
        return unknown();
    };
    let Some((claim, idx)) = tracker.keys.verify(&token).and_then(|c| c.link.map(|idx| (c, idx))) else {
        metrics::counter!("overture_tracking_refused_total", "kind" => "click").increment(1);
        return unknown();
    };
    let url = match tracker.link(&claim, idx).await {
        Ok(Some(url)) => url,
        Ok(None) => return unknown(),
        Err(e) => return uncached(ApiError::from(e).into_response()),
    };
    let Ok(location) = HeaderValue::from_str(&url) else {
        return unknown();
    };
    // A person following a link always gets there: over the limit, or if storing fails, the click is
    // counted in the metrics but not recorded.
    if tracker.limiter.allow(&claim) {
        if !tracker.record(event(&tracker, &state, &claim, EventKind::Click, &method, &headers)).await {
            metrics::counter!("overture_tracking_dropped_total").increment(1);
        }
    } else {
        metrics::counter!("overture_tracking_rate_limited_total", "kind" => "click").increment(1);
    }
    uncached((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
}
