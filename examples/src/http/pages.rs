//! Collection pages over HTTP: the `?limit=N&after=<id>` query, and the `Link` to the next page.

use axum::extract::FromRequestParts;
use etag_core::{CollectionRevision, ResourceState, Tagged};
use http::request::Parts;
use http::{HeaderValue, header};
use serde::Serialize;

use crate::db::DbError;
use crate::error::ApiError;
use crate::model::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, Page, PageBounds};

/// The page a collection request asks for, parsed from its query string before any other work.
///
/// `limit` (1 to [`MAX_PAGE_LIMIT`], default [`DEFAULT_PAGE_LIMIT`]) and `after` (the id the page
/// starts after). Anything else, or a limit out of range, is a 400: a client that misspells
/// `limit` would otherwise be served a page it did not ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageQuery(pub PageBounds);

impl PageQuery {
    /// Parses a query string (without the `?`).
    pub fn parse(query: Option<&str>) -> Result<Self, ApiError> {
        let mut bounds = PageBounds::default();
        let Some(query) = query.filter(|query| !query.is_empty()) else {
            return Ok(Self(bounds));
        };
        bounds.explicit = true;
        let mut seen_limit = false;
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "limit" if !seen_limit => {
                    seen_limit = true;
                    bounds.limit = value
                        .parse::<usize>()
                        .ok()
                        .filter(|limit| (1..=MAX_PAGE_LIMIT).contains(limit))
                        .ok_or_else(|| ApiError::Query {
                            detail: format!(
                                "`limit` must be a whole number from 1 to {MAX_PAGE_LIMIT} \
                                 (default {DEFAULT_PAGE_LIMIT}), not `{value}`."
                            ),
                        })?;
                }
                "after" if bounds.after.is_none() => bounds.after = Some(value.into_owned()),
                "limit" | "after" => {
                    return Err(ApiError::Query {
                        detail: format!("`{name}` may appear only once in the query."),
                    });
                }
                other => {
                    return Err(ApiError::Query {
                        detail: format!(
                            "Unknown query parameter `{other}`: a collection takes `limit` and \
                             `after`."
                        ),
                    });
                }
            }
        }
        Ok(Self(bounds))
    }

    /// The page's state at `revision`, for a precheck that answers 304 from the revision alone.
    pub fn state(&self, revision: &CollectionRevision) -> ResourceState {
        self.0.state(revision)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageQuery {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::parse(parts.uri.query())
    }
}

/// The precheck of a page: its state at the revision just read (or why it could not be read).
pub(crate) fn page_state(
    revision: Result<CollectionRevision, DbError>,
    query: &PageQuery,
) -> Result<ResourceState, ApiError> {
    Ok(query.state(&revision?))
}

/// A page as a response: its tag, and `Link: <…>; rel="next"` when more entries follow.
pub(crate) fn listing<T: Serialize>(page: Page<T>, path: &str) -> Tagged<Page<T>> {
    let next = page.next_after().map(|after| {
        let after: String = form_urlencoded::byte_serialize(after.as_bytes()).collect();
        format!(
            "<{path}?limit={}&after={after}>; rel=\"next\"",
            page.bounds.limit
        )
    });
    let tagged = Tagged::new(page);
    match next.and_then(|link| HeaderValue::from_str(&link).ok()) {
        Some(link) => tagged.with_header(header::LINK, link),
        None => tagged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(query: &str) -> Result<PageBounds, ApiError> {
        PageQuery::parse(Some(query)).map(|PageQuery(bounds)| bounds)
    }

    #[test]
    fn queries_parse_into_bounds() {
        assert_eq!(
            PageQuery::parse(None).ok(),
            Some(PageQuery(PageBounds::default()))
        );
        let parsed = bounds("limit=5&after=a%20b").expect("valid");
        assert_eq!(parsed.limit, 5);
        assert_eq!(parsed.after.as_deref(), Some("a b"));
        assert!(parsed.explicit);
        assert_eq!(bounds("after=x").expect("valid").limit, DEFAULT_PAGE_LIMIT);
    }

    #[test]
    fn bad_queries_are_400() {
        for query in [
            "limit=0",
            "limit=-1",
            "limit=x",
            "limit=1001",
            "lmit=5",
            "limit=1&limit=2",
        ] {
            let error = bounds(query).expect_err(query);
            assert_eq!(error.status(), http::StatusCode::BAD_REQUEST, "{query}");
        }
    }
}
