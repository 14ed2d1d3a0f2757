//! The update loop: read, change, write with `If-Match`; on 412 read again and change again.

use http::Method;
use http::header::{CONTENT_TYPE, HeaderValue, IF_MATCH};
use reqwest::{IntoUrl, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::read::{read_request, required_body, unexpected_412};
use super::response::{self, Answer};
use super::{ClientError, ConditionalClient, Snapshot, Written};

/// A read-change-write loop on one resource, configured by its methods and run by
/// [`apply`](Self::apply). Made by [`ConditionalClient::update`].
#[derive(Debug)]
#[must_use = "an update does nothing until `apply` is awaited"]
pub struct Update<'c, T> {
    client: &'c ConditionalClient,
    url: Result<Url, reqwest::Error>,
    start: Option<Snapshot<T>>,
    method: Method,
    content_type: HeaderValue,
    unconditional: bool,
}

impl ConditionalClient {
    /// An update loop on the JSON resource at `url`: by default it GETs the resource, runs the
    /// change on it, and PUTs the result with `If-Match`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use etag_core::client::{ClientError, ConditionalClient};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize)]
    /// struct Item { sku: String, qty: u32 }
    /// #[derive(Serialize, Deserialize)]
    /// struct Cart { owner: String, items: Vec<Item> }
    ///
    /// let client = ConditionalClient::new(reqwest::Client::new());
    /// let written = client
    ///     .update::<Cart>("http://127.0.0.1:3000/carts/c1")
    ///     .apply(|mut cart| {
    ///         // Runs on the current state: again, on the new state, after every 412.
    ///         let apple = cart.items.iter_mut().find(|item| item.sku == "apple");
    ///         let apple = apple.ok_or("there are no apples in this cart")?;
    ///         apple.qty += 1;
    ///         Ok::<_, &str>(cart)
    ///     })
    ///     .await;
    /// match written {
    ///     Ok(written) => println!("written after {} attempts", written.attempts),
    ///     Err(ClientError::Refused(why)) => println!("not changed: {why}"),
    ///     Err(ClientError::ConflictExhausted { attempts }) => println!("busy: {attempts} tries"),
    ///     Err(other) => return Err(other.to_string().into()),
    /// }
    /// # Ok(()) }
    /// ```
    pub fn update<T>(&self, url: impl IntoUrl) -> Update<'_, T> {
        Update {
            client: self,
            url: url.into_url(),
            start: None,
            method: Method::PUT,
            content_type: HeaderValue::from_static("application/json"),
            unconditional: false,
        }
    }
}

impl<T: DeserializeOwned> Update<'_, T> {
    /// Starts from a value and tag the caller already holds (from a cache, or an earlier write)
    /// instead of reading first. The first write sends `If-Match` with that tag; if it is stale
    /// the loop reads the current state as usual.
    pub fn starting_from(mut self, snapshot: Snapshot<T>) -> Self {
        self.start = Some(snapshot);
        self
    }

    /// Writes with PATCH and an `application/merge-patch+json` body (RFC 7396): the change
    /// function returns the patch, computed from the current value.
    pub fn merge_patch(self) -> Self {
        self.patch(HeaderValue::from_static("application/merge-patch+json"))
    }

    /// Writes with PATCH and a body of the given media type (JSON-encoded).
    pub fn patch(mut self, content_type: HeaderValue) -> Self {
        self.method = Method::PATCH;
        self.content_type = content_type;
        self
    }

    /// Lets the loop write without `If-Match` when the server sends no `ETag`: the last writer
    /// wins, and concurrent changes can be lost. Without this a read that has no tag ends the
    /// loop with [`ClientError::MissingETag`].
    pub fn allow_unconditional(mut self) -> Self {
        self.unconditional = true;
        self
    }

    /// Runs the loop: `change` gets the current value and returns the body to write (the new
    /// value for PUT, the patch for PATCH), or an error to stop with
    /// [`ClientError::Refused`].
    ///
    /// Each write, and each 503 on a read, uses one attempt of the client's
    /// [`RetryPolicy`](super::RetryPolicy). A 412 waits a jittered backoff, reads again and runs
    /// `change` on the new state (never re-sending the stale body); when the attempts are used
    /// up it ends with [`ClientError::ConflictExhausted`]. A 503 waits as its `Retry-After` says
    /// (capped) and re-sends the same request: the server did not act on it. A 404
    /// ([`NotFound`](ClientError::NotFound)), a 428
    /// ([`PreconditionRequired`](ClientError::PreconditionRequired)), any other error status,
    /// and a transport failure end the loop at once.
    pub async fn apply<B, E, F>(self, mut change: F) -> Result<Written<T>, ClientError<E>>
    where
        F: FnMut(T) -> Result<B, E>,
        B: Serialize,
    {
        let Self {
            client,
            url,
            start,
            method,
            content_type,
            unconditional,
        } = self;
        let url = url.map_err(|source| ClientError::InvalidUrl { source })?;
        let retry = &client.retry;
        let mut attempt = 0;
        let mut current = start.map(|held| (held.value, Some(held.etag)));
        loop {
            let (value, tag) = match current.take() {
                Some(held) => held,
                None => match response::send(read_request(client, &url), false)
                    .await
                    .map_err(ClientError::widen)?
                {
                    Answer::Success(success) => {
                        let tag = success.etag().map_err(ClientError::widen)?;
                        if tag.is_none() && !unconditional {
                            return Err(ClientError::MissingETag);
                        }
                        (required_body(&success).map_err(ClientError::widen)?, tag)
                    }
                    Answer::Conflict(problem) => {
                        return Err(ClientError::widen(unexpected_412(problem)));
                    }
                    Answer::Unavailable {
                        retry_after,
                        problem,
                    } => {
                        attempt += 1;
                        if attempt >= retry.max_attempts() {
                            return Err(ClientError::Unavailable {
                                attempts: attempt,
                                problem,
                            });
                        }
                        tokio::time::sleep(retry.unavailable_delay(attempt, retry_after)).await;
                        continue;
                    }
                },
            };
            if let Some(tag) = tag.as_ref().filter(|tag| tag.is_weak()) {
                return Err(ClientError::WeakETag { tag: tag.clone() });
            }
            let body = change(value).map_err(ClientError::Refused)?;
            let body =
                serde_json::to_vec(&body).map_err(|source| ClientError::Encode { source })?;
            // Send this body until it is answered with anything but 503.
            loop {
                attempt += 1;
                let request = client
                    .http
                    .request(method.clone(), url.clone())
                    .header(CONTENT_TYPE, content_type.clone())
                    .body(body.clone());
                // No tag only when the caller allowed unconditional writes and the server sent none.
                let request = match &tag {
                    Some(tag) => request.header(IF_MATCH, tag.to_header_value()),
                    None => request,
                };
                match response::send(request, true)
                    .await
                    .map_err(ClientError::widen)?
                {
                    Answer::Success(success) => {
                        return Ok(Written {
                            status: success.status,
                            etag: success.etag().map_err(ClientError::widen)?,
                            value: success.decode().map_err(ClientError::widen)?,
                            attempts: attempt,
                        });
                    }
                    Answer::Conflict(_) => {
                        if attempt >= retry.max_attempts() {
                            return Err(ClientError::ConflictExhausted { attempts: attempt });
                        }
                        tokio::time::sleep(retry.delay(attempt)).await;
                        break; // read the new state and change that
                    }
                    Answer::Unavailable {
                        retry_after,
                        problem,
                    } => {
                        if attempt >= retry.max_attempts() {
                            return Err(ClientError::Unavailable {
                                attempts: attempt,
                                problem,
                            });
                        }
                        tokio::time::sleep(retry.unavailable_delay(attempt, retry_after)).await;
                    }
                }
            }
        }
    }
}
