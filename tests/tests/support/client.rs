//! Sending requests through the real `Router` with `tower::ServiceExt::oneshot`.

use axum::Router;
use axum::body::Body;
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A response, read whole.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("test headers are ASCII"))
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the body is JSON")
    }

    /// The header names, sorted, to compare a response's header set exactly.
    pub(crate) fn header_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.headers.keys().map(|n| n.as_str().to_owned()).collect();
        names.sort();
        names.dedup();
        names
    }
}

/// Sends `method uri` with the headers (repeated names become several field lines) and body.
pub(crate) async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(body.map_or_else(Body::empty, |body| Body::from(body.to_owned())))
        .expect("a valid test request");
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let (parts, body) = response.into_parts();
    let body = body
        .collect()
        .await
        .expect("the body reads")
        .to_bytes()
        .to_vec();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

pub(crate) async fn get(app: &Router, uri: &str, headers: &[(&str, &str)]) -> Reply {
    send(app, Method::GET, uri, headers, None).await
}

pub(crate) async fn put(app: &Router, uri: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    send(app, Method::PUT, uri, headers, Some(body)).await
}
