//! Create-only: `PUT` with `If-None-Match: *`.

use http::header::{CONTENT_TYPE, HeaderValue, IF_NONE_MATCH};
use reqwest::IntoUrl;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::conditional_client::parse_url;
use super::{ClientError, ConditionalClient, Written};

impl ConditionalClient {
    /// Creates the JSON resource at `url` only if it does not exist yet: a PUT with
    /// `If-None-Match: *`. A 412 is [`ClientError::AlreadyExists`] (nothing was overwritten).
    ///
    /// A 503 is re-sent within the retry bound; that is safe, because if an earlier copy did
    /// create the resource the re-sent one is refused with 412.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use etag_core::client::{ClientError, ConditionalClient};
    /// use serde_json::{Value, json};
    ///
    /// let client = ConditionalClient::new(reqwest::Client::new());
    /// let body = json!({"owner": "ada", "items": []});
    /// match client.create::<_, Value>("http://127.0.0.1:3000/carts/c1", &body).await {
    ///     Ok(created) => println!("created, tag {:?}", created.etag),
    ///     Err(ClientError::AlreadyExists { .. }) => println!("someone was first"),
    ///     Err(other) => return Err(other.into()),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn create<B: Serialize, T: DeserializeOwned>(
        &self,
        url: impl IntoUrl,
        body: &B,
    ) -> Result<Written<T>, ClientError> {
        let url = parse_url(url)?;
        let body = serde_json::to_vec(body).map_err(|source| ClientError::Encode { source })?;
        let request = || {
            self.http
                .put(url.clone())
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .header(IF_NONE_MATCH, HeaderValue::from_static("*"))
                .body(body.clone())
        };
        let (success, attempts) = self
            .retry_unavailable(request, true, |problem| ClientError::AlreadyExists {
                problem,
            })
            .await?;
        Ok(Written {
            status: success.status,
            etag: success.etag()?,
            value: success.decode()?,
            attempts,
        })
    }
}
