//! `GET` that keeps the tag with the value.

use http::StatusCode;
use http::header::{ACCEPT, HeaderValue};
use reqwest::IntoUrl;
use serde::de::DeserializeOwned;

use super::conditional_client::parse_url;
use super::response::Success;
use super::{ClientError, ConditionalClient, Snapshot};

impl ConditionalClient {
    /// Reads a JSON resource together with its entity tag, for a later conditional write.
    ///
    /// A 503 is retried within the policy's bound. A 200 without an `ETag` is
    /// [`ClientError::MissingETag`], a malformed one [`ClientError::InvalidETag`].
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use etag_core::client::ConditionalClient;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Cart { owner: String }
    ///
    /// let client = ConditionalClient::new(reqwest::Client::new());
    /// let cart = client.get::<Cart>("http://127.0.0.1:3000/carts/c1").await?;
    /// println!("{} at {}", cart.value.owner, cart.etag);
    /// # Ok(()) }
    /// ```
    pub async fn get<T: DeserializeOwned>(
        &self,
        url: impl IntoUrl,
    ) -> Result<Snapshot<T>, ClientError> {
        let url = parse_url(url)?;
        let (success, _) = self
            .retry_unavailable(|| read_request(self, &url), false, unexpected_412)
            .await?;
        let etag = success.etag()?.ok_or(ClientError::MissingETag)?;
        Ok(Snapshot::new(required_body(&success)?, etag))
    }
}

/// A GET asking for JSON.
pub(crate) fn read_request(
    client: &ConditionalClient,
    url: &reqwest::Url,
) -> reqwest::RequestBuilder {
    client
        .http
        .get(url.clone())
        .header(ACCEPT, HeaderValue::from_static("application/json"))
}

/// A read carries no precondition, so a 412 is just an unexpected status.
pub(crate) fn unexpected_412(problem: Option<super::Problem>) -> ClientError {
    ClientError::Status {
        status: StatusCode::PRECONDITION_FAILED,
        problem,
    }
}

/// A read's body, which must be there.
pub(crate) fn required_body<T: DeserializeOwned>(success: &Success) -> Result<T, ClientError> {
    match success.decode()? {
        Some(value) => Ok(value),
        // An empty body is not JSON: let serde say so, in the same error type as any other.
        None => serde_json::from_slice(b"").map_err(|source| ClientError::Decode { source }),
    }
}
