//! The client value: a reqwest client and a retry policy.

use reqwest::{IntoUrl, RequestBuilder, Url};

use super::response::{self, Answer, Success};
use super::{ClientError, Problem, RetryPolicy};

/// Conditional requests over a [`reqwest::Client`]: reads that keep the tag, update loops that
/// write with `If-Match` and re-apply on 412, create-only and delete-if-unchanged.
///
/// Cheap to clone (reqwest's client is a handle to a shared pool); share one per service.
///
/// ```
/// use etag_core::client::{ConditionalClient, RetryPolicy};
///
/// let client = ConditionalClient::new(reqwest::Client::new())
///     .with_retry(RetryPolicy::default().with_max_attempts(20));
/// assert_eq!(client.retry_policy().max_attempts(), 20);
/// ```
#[derive(Debug, Clone)]
pub struct ConditionalClient {
    pub(crate) http: reqwest::Client,
    pub(crate) retry: RetryPolicy,
}

impl ConditionalClient {
    /// Wraps `http`, with the default [`RetryPolicy`].
    pub fn new(http: reqwest::Client) -> Self {
        Self {
            http,
            retry: RetryPolicy::default(),
        }
    }

    /// Replaces the retry policy.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The reqwest client underneath, for requests that need no help.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Sends the request `build` makes, again after each 503 (waiting as `Retry-After` asks)
    /// within the policy's bound; `on_conflict` says what a 412 means to this request.
    pub(crate) async fn retry_unavailable(
        &self,
        build: impl Fn() -> RequestBuilder,
        is_write: bool,
        on_conflict: impl FnOnce(Option<Problem>) -> ClientError,
    ) -> Result<(Success, u32), ClientError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match response::send(build(), is_write).await? {
                Answer::Success(success) => return Ok((success, attempt)),
                Answer::Conflict(problem) => return Err(on_conflict(problem)),
                Answer::Unavailable {
                    retry_after,
                    problem,
                } => {
                    if attempt >= self.retry.max_attempts() {
                        return Err(ClientError::Unavailable {
                            attempts: attempt,
                            problem,
                        });
                    }
                    tokio::time::sleep(self.retry.unavailable_delay(attempt, retry_after)).await;
                }
            }
        }
    }
}

/// The URL, or the typed error for a bad one.
pub(crate) fn parse_url<E>(url: impl IntoUrl) -> Result<Url, ClientError<E>> {
    url.into_url()
        .map_err(|source| ClientError::InvalidUrl { source })
}
