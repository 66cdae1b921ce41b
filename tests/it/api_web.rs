//! The web app's server side: sign-in and the session cookie, CSRF, the pages' security headers, the
//! chat over the API (the PRD flow, forgiving names, roles, isolation), and the sandboxed preview.
//! The browser itself is driven in `tests/browser` (chromium + playwright-core).

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use serde_json::{json, Value};

use crate::common::{Response, TestApp};

/// A browser's view of the app: its session cookie and CSRF token.
struct Browser {
    cookie: String,
    csrf: String,
}

async fn sign_in(app: &TestApp, token: &str) -> (Response, HeaderMap) {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "token": token }).to_string()))
        .expect("request");
    app.call(request).await
}

async fn browser(app: &TestApp, token: &str) -> Browser {
    let (r, headers) = sign_in(app, token).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let set = headers.get(header::SET_COOKIE).and_then(|v| v.to_str().ok()).expect("a cookie").to_string();
    let cookie = set.split(';').next().expect("name=value").to_string();
    Browser { cookie, csrf: r.body["csrf_token"].as_str().expect("a CSRF token").to_string() }
}

/// A request as the browser makes it: the cookie, and the CSRF header when `csrf` is given.
async fn as_browser(
    app: &TestApp,
    b: &Browser,
    method: Method,
    path: &str,
    body: Option<Value>,
    csrf: Option<&str>,
) -> (Response, HeaderMap) {
    let mut request = Request::builder().method(method).uri(path).header(header::COOKIE, &b.cookie);
    if let Some(csrf) = csrf {
        request = request.header("X-CSRF-Token", csrf);
    }
    let body = match body {
        Some(v) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    app.call(request.body(body).expect("request")).await
}

async fn chat(app: &TestApp, token: &str, message: &str) -> Response {
    app.post_json("/api/chat", token, &json!({ "message": message })).await
}

/// The answer's text, card types and cards.
fn answer(r: Response) -> (String, Vec<String>, Value) {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let last = r.body["messages"].as_array().and_then(|m| m.last()).cloned().expect("an answer");
    assert_eq!(last["role"], "assistant");
    let types =
        last["cards"].as_array().expect("cards").iter().filter_map(|c| c["type"].as_str().map(String::from)).collect();
    (last["text"].as_str().expect("text").to_string(), types, last["cards"].clone())
}

fn card<'a>(cards: &'a Value, kind: &str) -> &'a Value {
    cards.as_array().and_then(|c| c.iter().find(|c| c["type"] == kind)).unwrap_or_else(|| panic!("no {kind} card"))
}

#[tokio::test]
async fn revoking_a_members_tokens_ends_their_api_access_and_their_web_sessions() {
    let app = TestApp::with_demo().await;
    let (token, other) = (app.csm_token().await, app.csm_token().await);
    let admin = app.admin_token().await;
    let b = browser(&app, &token).await;
    assert_eq!(app.get("/api/customers/acme", &token).await.status, StatusCode::OK);
    let ws = app.workspace("default").await;
    let sarah = app.store().member_by_email(&ws, "sarah@vendor.example").await.unwrap().unwrap();
    assert_eq!(app.store().revoke_tokens(&sarah, crate::common::NOW).await.unwrap(), 2, "both of Sarah's tokens");
    for t in [&token, &other] {
        let r = app.get("/api/customers/acme", t).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let (r, _) = as_browser(&app, &b, Method::GET, "/api/session", None, None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNAUTHORIZED, "session_expired"));
    let (r, _) = sign_in(&app, &token).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a revoked token cannot open a session");
    // Nobody else is touched, and a second revocation finds nothing left.
    assert_eq!(app.get("/api/customers/acme", &admin).await.status, StatusCode::OK);
    assert_eq!(app.store().revoke_tokens(&sarah, crate::common::NOW).await.unwrap(), 0);
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_that_works_until_sign_out() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let (r, headers) = sign_in(&app, &token).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.body["name"], "Sarah Chen");
    assert_eq!(r.body["role"], "csm");
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    for attribute in ["overture_session=", "HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200"] {
        assert!(set.contains(attribute), "{attribute} in {set}");
    }
    assert!(!set.contains("Secure"), "plain http (no https public URL) cannot use Secure cookies");
    assert!(!set.contains(&token), "the cookie is not the API token");

    let b = browser(&app, &token).await;
    let (r, _) = as_browser(&app, &b, Method::GET, "/api/session", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["csrf_token"], b.csrf.as_str());
    let (page, headers) = as_browser(&app, &b, Method::GET, "/", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.as_str().unwrap().contains("<label for=\"message\""));
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));

    // Sign-out is a write: it needs the CSRF token like any other.
    let (r, _) = as_browser(&app, &b, Method::DELETE, "/api/session", None, None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "csrf_token_missing"));
    let (r, _) = as_browser(&app, &b, Method::DELETE, "/api/session", None, Some("0000")).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "csrf_token_invalid"));
    let (r, headers) = as_browser(&app, &b, Method::DELETE, "/api/session", None, Some(&b.csrf)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(headers[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));

    let (r, _) = as_browser(&app, &b, Method::GET, "/api/session", None, None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNAUTHORIZED, "session_expired"));
    let (_, headers) = as_browser(&app, &b, Method::GET, "/", None, None).await;
    assert_eq!(headers[header::LOCATION], "/signin", "a signed-out browser is sent to sign in");
}

#[tokio::test]
async fn no_session_redirects_to_sign_in_and_pages_carry_a_strict_policy() {
    let app = TestApp::with_demo().await;
    let (r, headers) = app.call(Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/signin");
    let forged = Request::get("/").header(header::COOKIE, "overture_session=deadbeef").body(Body::empty()).unwrap();
    let (r, headers) = app.call(forged).await;
    assert_eq!((r.status, &headers[header::LOCATION]), (StatusCode::SEE_OTHER, &"/signin".parse().unwrap()));

    let (r, headers) = app.call(Request::get("/signin").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.body.as_str().unwrap();
    assert!(html.contains("<label for=\"token\">Access token</label>") && html.contains(">Sign in</button>"));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(!html.contains("<script>") && !html.contains("style=\""), "no inline code for the policy to allow");

    let (r, headers) = app.call(Request::get("/assets/app.js").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/javascript"));
    let etag = headers[header::ETAG].clone();
    let again = Request::get("/assets/app.js").header(header::IF_NONE_MATCH, etag).body(Body::empty()).unwrap();
    assert_eq!(app.call(again).await.0.status, StatusCode::NOT_MODIFIED);
    let (r, _) = app.call(Request::get("/assets/../Cargo.toml").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_bad_token_or_a_sign_in_from_another_site_opens_no_session() {
    let app = TestApp::with_demo().await;
    let (r, headers) = sign_in(&app, "ovt_0000").await;
    assert_eq!((r.status, r.error_code()), (StatusCode::UNAUTHORIZED, "invalid_token"));
    assert!(headers.get(header::SET_COOKIE).is_none());
    let (r, _) = sign_in(&app, "").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // The sign-in page's plain form (no JavaScript).
    let token = app.csm_token().await;
    let form = |body: String| {
        Request::post("/api/session")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let (_, headers) = app.call(form("token=nope".into())).await;
    assert_eq!(headers[header::LOCATION], "/signin?error=invalid_token");
    let (r, headers) = app.call(form(format!("token={token}"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/");
    assert!(headers[header::SET_COOKIE].to_str().unwrap().contains("HttpOnly"));

    // Login CSRF: another site cannot sign a browser in.
    for (name, value) in [("Sec-Fetch-Site", "cross-site"), ("Origin", "https://evil.example")] {
        let request = Request::post("/api/session")
            .header(header::HOST, "127.0.0.1:8080")
            .header(name, value)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json!({ "token": token }).to_string()))
            .unwrap();
        let (r, headers) = app.call(request).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "cross_site_request"), "{name}");
        assert!(headers.get(header::SET_COOKIE).is_none());
    }
    let same = Request::post("/api/session")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header("Sec-Fetch-Site", "same-origin")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "token": token }).to_string()))
        .unwrap();
    assert_eq!(app.call(same).await.0.status, StatusCode::CREATED);
}

#[tokio::test]
async fn every_cookie_write_needs_the_csrf_token_and_changes_nothing_without_it() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let draft = app.compose("acme", &token, &json!({})).await;
    let b = browser(&app, &token).await;
    let path = format!("/api/drafts/{draft}");
    let (r, _) = as_browser(&app, &b, Method::PATCH, &path, Some(json!({"subject": "Changed"})), None).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "csrf_token_missing"));
    let (r, _) = as_browser(&app, &b, Method::POST, "/api/chat", Some(json!({"message": "Send"})), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (r, _) = as_browser(&app, &b, Method::POST, &format!("{path}/send"), Some(json!({})), Some("wrong")).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::FORBIDDEN, "csrf_token_invalid"));
    let unchanged = app.get(&path, &token).await;
    assert_eq!((unchanged.body["status"].as_str(), unchanged.body["revision"].as_i64()), (Some("draft"), Some(1)));
    assert_ne!(unchanged.body["subject"], "Changed");

    let (r, _) = as_browser(&app, &b, Method::PATCH, &path, Some(json!({"subject": "Changed"})), Some(&b.csrf)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["subject"], "Changed");
    // Another browser's CSRF token does not fit this session.
    let other = browser(&app, &token).await;
    let (r, _) = as_browser(&app, &b, Method::PATCH, &path, Some(json!({"subject": "X"})), Some(&other.csrf)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_chat_runs_the_prd_flow_introduce_cc_send() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let r = chat(&app, &token, "Introduce upsell to Acme Corp").await;
    let current = r.body["draft_id"].clone();
    let (text, types, cards) = answer(r);
    assert_eq!(types, ["context", "recommendation", "draft"]);
    assert!(text.contains("Acme Corp") && text.contains("problem-solving"), "{text}");
    let context = &card(&cards, "context")["context"];
    assert_eq!(
        (context["usage"]["seats"]["used"].as_i64(), context["usage"]["seats"]["purchased"].as_i64()),
        (Some(98), Some(100))
    );
    assert_eq!(card(&cards, "recommendation")["approach"], "problem_solving");
    let draft = &card(&cards, "draft")["draft"];
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["to"][0]["email"], "jennifer@acme.example");
    assert!(draft.get("html").is_none(), "the card links the preview instead of carrying the HTML");
    let id = draft["id"].as_str().unwrap().to_string();
    assert_eq!(draft["preview_url"], format!("/api/drafts/{id}/preview"));
    assert_eq!(card(&cards, "draft")["ae"]["name"], "Mike Alvarez");
    assert_eq!(current, id.as_str());

    let (text, _, cards) = answer(chat(&app, &token, "CC the AE").await);
    assert_eq!(text, "Mike Alvarez is copied in.");
    assert_eq!(card(&cards, "draft")["draft"]["cc"][0]["email"], "mike@vendor.example");

    let (text, types, cards) = answer(chat(&app, &token, "Send").await);
    assert!(text.contains("introduction to Acme Corp") && text.contains("Cc Mike Alvarez"), "{text}");
    assert_eq!(types, ["sending"]);
    assert_eq!(card(&cards, "sending")["draft"]["status"], "queued");
    let again = chat(&app, &token, "send it").await;
    assert!(answer(again).0.contains("already on its way"), "a second Send queues nothing new");
    let jobs = app.store().job_counts().await.unwrap();
    assert_eq!(jobs.values().sum::<i64>(), 1, "one send job: {jobs:?}");

    // The conversation is kept: six lines, and every draft card shows the draft as it is now.
    let history = app.get("/api/chat", &token).await;
    let lines = history.body["messages"].as_array().unwrap();
    assert_eq!(lines.len(), 8);
    assert_eq!(lines[0]["text"], "Introduce upsell to Acme Corp");
    assert_eq!(lines[1]["cards"][2]["draft"]["status"], "queued", "the first draft card is hydrated");
}

#[tokio::test]
async fn names_are_matched_forgivingly_and_ambiguity_or_strangers_get_a_question() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    for typed in ["acme", "Acme corp.", "ACME Corporation", "Acme Crop"] {
        let (_, types, cards) = answer(chat(&app, &token, &format!("Show expansion context for {typed}")).await);
        assert_eq!(types, ["context", "recommendation"], "{typed}");
        assert_eq!(card(&cards, "context")["context"]["customer"]["name"], "Acme Corp", "{typed}");
    }
    let (text, types, cards) = answer(chat(&app, &token, "Introduce upsell to Northwind").await);
    assert_eq!(text, "2 customers match “Northwind”. Which one do you mean?");
    assert_eq!(types, ["choices"]);
    let options = card(&cards, "choices")["options"].as_array().unwrap();
    assert_eq!(options.len(), 2);
    let pick = options[0]["message"].as_str().unwrap();
    assert!(pick.starts_with("Introduce upsell to "), "{pick}");
    let (_, types, cards) = answer(chat(&app, &token, pick).await);
    assert_eq!(types, ["context", "recommendation", "draft"]);
    assert_eq!(card(&cards, "draft")["customer"]["name"], "Northwind");
    // The other Northwind has nothing to expand into: the answer says so, with its context.
    let (text, types, _) = answer(chat(&app, &token, options[1]["message"].as_str().unwrap()).await);
    assert!(text.starts_with("I could not draft the introduction:"), "{text}");
    assert_eq!(types, ["context"]);

    let (text, types, _) = answer(chat(&app, &token, "Introduce upsell to Zorg Industries").await);
    assert!(text.starts_with("I couldn't find a customer called “Zorg Industries”"), "{text}");
    assert!(types.is_empty() || types == ["choices"]);
    let (text, types, _) = answer(chat(&app, &token, "what is the meaning of life").await);
    assert!(text.starts_with("I didn't understand"), "{text}");
    assert_eq!(types, ["help"]);
    let (text, _, _) = answer(chat(&app, &token, "Show expansion context for Acme Corp").await);
    assert!(
        text.starts_with(
            "Acme Corp is on Professional. The opportunity: an upgrade to Enterprise, worth $48,000 a year"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "I recommend the problem-solving approach. Say “Introduce upsell to Acme Corp” to draft the introduction."
        ),
        "{text}"
    );
    let (_, types, _) = answer(chat(&app, &token, "Initech").await);
    assert_eq!(types, ["context", "recommendation"], "a bare customer name shows its context");
}

#[tokio::test]
async fn a_customer_imported_after_the_first_question_is_found_by_its_typo_too() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let (text, _, _) = answer(chat(&app, &token, "Show expansion context for Zenith Widgets").await);
    assert!(text.starts_with("I couldn't find"), "{text}");
    let bundle = json!({"customers": [{"external_id": "zen", "name": "Zenith Widgets GmbH", "plan": "starter",
        "seats_purchased": 5, "csm": "sarah@vendor.example"}]});
    let admin = app.admin_token().await;
    assert_eq!(app.post_json("/api/import", &admin, &bundle).await.status, StatusCode::OK);
    let (_, types, cards) = answer(chat(&app, &token, "Show expansion context for zenith widget").await);
    assert_eq!(types, ["context", "recommendation"]);
    assert_eq!(card(&cards, "context")["context"]["customer"]["name"], "Zenith Widgets GmbH");
}

#[tokio::test]
async fn approach_tone_who_is_ready_and_what_happened() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let (text, _, _) = answer(chat(&app, &token, "Use the value-add approach").await);
    assert!(text.starts_with("There is no draft in this conversation yet"), "{text}");
    answer(chat(&app, &token, "Introduce upsell to Acme Corp").await);
    let (text, _, cards) = answer(chat(&app, &token, "Use the value-add approach").await);
    assert_eq!(text, "Rewritten with the value-add approach.");
    assert_eq!(card(&cards, "draft")["draft"]["approach"], "value_add");
    let (text, _, cards) = answer(chat(&app, &token, "Make it more direct").await);
    assert_eq!(text, "Made it more direct.");
    assert_eq!(
        (card(&cards, "draft")["draft"]["tone"].as_str(), card(&cards, "draft")["draft"]["revision"].as_i64()),
        (Some("direct"), Some(3))
    );

    let (_, types, cards) = answer(chat(&app, &token, "Who is ready for expansion?").await);
    assert_eq!(types, ["opportunities"]);
    let items = card(&cards, "opportunities")["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let values: Vec<i64> = items.iter().map(|i| i["annual_value"].as_i64().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "the most valuable first: {values:?}");
    assert!(items.iter().all(|i| i["main_signal"].is_string()));

    let (text, types, cards) = answer(chat(&app, &token, "What happened with Acme Corp?").await);
    assert_eq!(types, ["timeline"]);
    assert!(text.contains("no introduction has been sent yet"), "{text}");
    let events: Vec<&str> =
        card(&cards, "timeline")["events"].as_array().unwrap().iter().filter_map(|e| e["event"].as_str()).collect();
    assert!(events.contains(&"drafted") && events.contains(&"edited"), "{events:?}");
}

#[tokio::test]
async fn the_conversation_belongs_to_its_member_and_workspace() {
    let app = TestApp::with_demo().await;
    let sarah = app.csm_token().await;
    let admin = app.admin_token().await;
    let r = chat(&app, &sarah, "Introduce upsell to Acme Corp").await;
    let draft = r.body["draft_id"].as_str().unwrap().to_string();
    let theirs = app.get("/api/chat", &admin).await;
    assert_eq!(theirs.body["messages"], json!([]), "another member sees none of Sarah's conversation");
    let (text, _, _) = answer(chat(&app, &admin, "Send").await);
    assert!(text.starts_with("There is no draft"), "Send acts on one's own conversation: {text}");

    app.load_demo("other").await;
    let stranger = app.token("other", "sarah@vendor.example").await;
    let r = app.post_json("/api/chat", &stranger, &json!({"message": "Send", "draft_id": draft})).await;
    let (text, _, _) = answer(r);
    assert!(text.contains("not found in this workspace"), "{text}");
    assert_eq!(app.get(&format!("/api/drafts/{draft}"), &sarah).await.body["status"], "draft");

    let viewer = app.token("default", "tom@vendor.example").await;
    let (text, types, _) = answer(chat(&app, &viewer, "Introduce upsell to Acme Corp").await);
    assert!(text.contains("only CSMs and admins compose"), "{text}");
    assert!(types.is_empty());
    let (_, types, _) = answer(chat(&app, &viewer, "Show expansion context for Acme Corp").await);
    assert_eq!(types, ["context", "recommendation"], "a viewer may look");

    let cleared = app.raw(Method::DELETE, "/api/chat", Some(&sarah), Body::empty(), None).await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/chat", &sarah).await.body["messages"], json!([]));
    assert_eq!(app.get(&format!("/api/drafts/{draft}"), &sarah).await.status, StatusCode::OK, "drafts stay");
}

#[tokio::test]
async fn chat_input_is_checked_and_bad_input_changes_nothing() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    for body in [json!({"message": "  "}), json!({"message": "x".repeat(2001)})] {
        let r = app.post_json("/api/chat", &token, &body).await;
        assert_eq!((r.status, r.error_code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_message"));
    }
    let r = app.post_json("/api/chat", &token, &json!({"message": "help", "colour": "red"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.raw(Method::POST, "/api/chat", Some(&token), Body::from("{"), Some("application/json")).await;
    assert_eq!((r.status, r.error_code()), (StatusCode::BAD_REQUEST, "malformed_json"));
    let r = app.post_json("/api/chat", &token, &json!({"message": "Send", "draft_id": "nope"})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/chat", &token).await.body["messages"], json!([]), "nothing was kept");
    let r = app.raw(Method::POST, "/api/chat", None, Body::from("{}"), Some("application/json")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_preview_is_the_draft_html_sandboxed() {
    let app = TestApp::with_demo().await;
    let token = app.csm_token().await;
    let draft = app.compose("acme", &token, &json!({})).await;
    let request = Request::get(format!("/api/drafts/{draft}/preview"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let (r, headers) = app.call(request).await;
    assert_eq!(r.status, StatusCode::OK);
    let stored = app.get(&format!("/api/drafts/{draft}"), &token).await;
    assert_eq!(r.body.as_str().unwrap(), stored.body["html"].as_str().unwrap());
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("sandbox") && csp.contains("default-src 'none'") && !csp.contains("script-src"), "{csp}");
    app.load_demo("other").await;
    let stranger = app.token("other", "sarah@vendor.example").await;
    let r = app.get(&format!("/api/drafts/{draft}/preview"), &stranger).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
