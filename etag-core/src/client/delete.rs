//! Delete-if-unchanged: `DELETE` with `If-Match`.

use http::header::IF_MATCH;
use reqwest::IntoUrl;

use super::conditional_client::parse_url;
use super::{ClientError, ConditionalClient};
use crate::EntityTag;

impl ConditionalClient {
    /// Deletes the resource at `url` only if its current tag is still `tag`. A 412 is
    /// [`ClientError::Changed`]: someone changed it since, and deleting their change is a
    /// decision for the caller, so it is not retried.
    ///
    /// A 503 is re-sent within the retry bound. Returns how many attempts it took.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use etag_core::client::ConditionalClient;
    ///
    /// let client = ConditionalClient::new(reqwest::Client::new());
    /// let url = "http://127.0.0.1:3000/carts/c1";
    /// let cart = client.get::<serde_json::Value>(url).await?;
    /// client.delete_if_unchanged(url, &cart.etag).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete_if_unchanged(
        &self,
        url: impl IntoUrl,
        tag: &EntityTag,
    ) -> Result<u32, ClientError> {
        let url = parse_url(url)?;
        let request = || {
            self.http
                .delete(url.clone())
                .header(IF_MATCH, tag.to_header_value())
        };
        let (_, attempts) = self
            .retry_unavailable(request, true, |problem| ClientError::Changed { problem })
            .await?;
        Ok(attempts)
    }
}
