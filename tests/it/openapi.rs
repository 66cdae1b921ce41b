//! The published API description changes only on purpose: review the snapshot diff.

#[test]
fn openapi_document_is_stable() {
    let doc = serde_json::to_value(overture::http::openapi()).unwrap();
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    for path in [
        "/api/customers",
        "/api/customers/{id}",
        "/api/customers/{id}/expansion-context",
        "/api/opportunities",
        "/api/import",
    ] {
        assert!(paths.iter().any(|p| p.as_str() == path), "{path} missing from {paths:?}");
    }
    insta::assert_json_snapshot!("openapi", doc);
}
