//! The OpenAPI document every binary serves at `/api/v1/openapi.json`: the modules' operations,
//! completed with the failures the shared extractors and layers give every operation of a kind
//! — so a handler documents its own answers (its 403, 409, 429…) and none can forget a 415.

use serde_json::{Map, Value, json};

/// What an operation's shape lets the shared parts answer, whatever its handler does.
const BODY: [(&str, &str); 4] = [
    ("400", "The body is not valid JSON (code malformed_json)"),
    ("413", "The body is larger than allowed (code payload_too_large)"),
    ("415", "The body is not application/json (code unsupported_media_type)"),
    ("422", "Invalid fields, one entry per field in errors (code validation_failed)"),
];
const QUERY: (&str, &str) = ("400", "The query string cannot be read (code bad_request)");
const SIGNED_IN: (&str, &str) = ("401", "No valid access token (code unauthorized)");
const PATH: (&str, &str) = ("404", "No such resource, or not yours (code not_found)");
const UNAVAILABLE: (&str, &str) = ("503", "A dependency (the database) is unavailable or saturated; try again shortly (code unavailable)");

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Adds to each operation of `doc` (an OpenAPI 3.1 document as JSON) the responses its shape
/// implies and it does not document yet: a JSON body → 400, 413, 415 and 422; query parameters
/// → 400; a bearer requirement → 401; path parameters → 404; every operation → 503. Each is a
/// problem+json `Problem`. Responses a handler documents itself are left as they are.
pub fn complete(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        let shared: Vec<Value> = item.get("parameters").and_then(Value::as_array).cloned().unwrap_or_default();
        for method in METHODS {
            if let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) {
                complete_operation(operation, &shared);
            }
        }
    }
}

fn complete_operation(operation: &mut Map<String, Value>, shared_parameters: &[Value]) {
    let parameters: Vec<Value> = operation
        .get("parameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .chain(shared_parameters.iter().cloned())
        .collect();
    let located = |place: &str| parameters.iter().any(|p| p.get("in").and_then(Value::as_str) == Some(place));
    let mut implied: Vec<(&str, &str)> = Vec::new();
    if operation.get("requestBody").is_some_and(|body| body["content"].get("application/json").is_some()) {
        implied.extend(BODY);
    }
    if located("query") {
        implied.push(QUERY);
    }
    let signed_in = operation
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|requirements| requirements.iter().any(|r| r.get("bearer").is_some()));
    if signed_in {
        implied.push(SIGNED_IN);
    }
    if located("path") {
        implied.push(PATH);
    }
    implied.push(UNAVAILABLE);

    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else { return };
    for (status, description) in implied {
        responses.entry(status).or_insert_with(|| problem(description));
    }
}

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": { "application/problem+json": { "schema": { "$ref": "#/components/schemas/Problem" } } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(operation: Value) -> Value {
        json!({ "paths": { "/things/{id}": { "post": operation } } })
    }

    #[test]
    fn an_operation_gets_the_failures_its_shape_implies() {
        let mut d = doc(json!({
            "parameters": [{ "name": "id", "in": "path" }, { "name": "q", "in": "query" }],
            "requestBody": { "content": { "application/json": {} } },
            "security": [{ "bearer": [] }],
            "responses": { "200": { "description": "ok" } }
        }));
        complete(&mut d);
        let responses = d["paths"]["/things/{id}"]["post"]["responses"].as_object().unwrap();
        let mut statuses: Vec<&str> = responses.keys().map(String::as_str).collect();
        statuses.sort_unstable();
        assert_eq!(statuses, ["200", "400", "401", "404", "413", "415", "422", "503"]);
        assert_eq!(responses["415"]["content"]["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem");
    }

    #[test]
    fn what_a_handler_documents_stays_and_a_public_bodyless_operation_gets_only_503() {
        let mut d = doc(json!({ "responses": { "503": { "description": "mine" } } }));
        complete(&mut d);
        let responses = d["paths"]["/things/{id}"]["post"]["responses"].as_object().unwrap();
        assert_eq!(responses.len(), 1);
        assert_eq!(responses["503"]["description"], "mine");
    }
}
