//! The tower `Layer` and `Service`: tower-http's compression inside, the relabelling around it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use http::{Method, Request, Response, StatusCode};
use pin_project_lite::pin_project;
use tower_http::compression::predicate::{And, DefaultPredicate};
use tower_http::compression::{Compression, CompressionLayer, Predicate};
use tower_layer::Layer;
use tower_service::Service;

use super::request::{Received, rewrite};
use super::response::relabel;

/// Compresses responses with tower-http's [`CompressionLayer`] and gives each content coding
/// its own strong entity tag; put it where you would put `CompressionLayer`. See the
/// [module documentation](crate::coding) for the rule and the suffixes.
#[derive(Debug, Clone)]
pub struct CodingTagsLayer<P = DefaultPredicate> {
    compression: CompressionLayer<And<P, HasBody>>,
}

impl CodingTagsLayer {
    /// gzip, br and zstd with tower-http's defaults: the client's preference decides, and
    /// bodies under 32 bytes, images, gRPC and event streams stay uncompressed.
    pub fn new() -> Self {
        Self::with_compression(CompressionLayer::new(), DefaultPredicate::new())
    }
}

impl Default for CodingTagsLayer {
    fn default() -> Self {
        Self::new()
    }
}

impl<P: Predicate> CodingTagsLayer<P> {
    /// Around `compression` with its codings and quality as you configured them, compressing
    /// the responses `predicate` selects among those [`HasBody`] lets through (its own predicate
    /// is replaced).
    pub fn with_compression(compression: CompressionLayer, predicate: P) -> Self {
        Self {
            compression: compression.compress_when(predicate.and(HasBody)),
        }
    }
}

impl<S, P: Predicate> Layer<S> for CodingTagsLayer<P> {
    type Service = CodingTags<Compression<S, And<P, HasBody>>>;

    fn layer(&self, inner: S) -> Self::Service {
        CodingTags::new(self.compression.layer(inner))
    }
}

/// A compression predicate: only responses that have a body, never a 1xx, 204 or 304.
///
/// A 304's body is empty but may not say so in its size (so that no `Content-Length: 0` is sent
/// for it); tower-http would then compress it, and a gzip header is not nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct HasBody;

impl Predicate for HasBody {
    fn should_compress<B: http_body::Body>(&self, response: &Response<B>) -> bool {
        let status = response.status();
        !(status.is_informational()
            || status == StatusCode::NO_CONTENT
            || status == StatusCode::NOT_MODIFIED)
    }
}

/// The service [`CodingTagsLayer`] makes: it rewrites coded tags in `If-Match` /
/// `If-None-Match` to identity tags before `inner` runs and labels the response's strong `ETag`
/// with the coding of its body. `inner` is the compression; a service that compresses by other
/// means works too, if it sets `Content-Encoding` to `gzip`, `br`, `zstd` or `deflate`.
#[derive(Debug, Clone)]
pub struct CodingTags<S> {
    inner: S,
}

impl<S> CodingTags<S> {
    /// Wraps `inner`, the service that compresses.
    pub fn new(inner: S) -> Self {
        Self { inner }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for CodingTags<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let read = matches!(*request.method(), Method::GET | Method::HEAD);
        let received = rewrite(read, request.headers_mut());
        ResponseFuture {
            inner: self.inner.call(request),
            received,
        }
    }
}

pin_project! {
    /// The response future of [`CodingTags`].
    #[derive(Debug)]
    pub struct ResponseFuture<F> {
        #[pin]
        inner: F,
        received: Received,
    }
}

impl<F, ResBody, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let mut response = ready!(this.inner.poll(cx))?;
        let status = response.status();
        relabel(status, response.headers_mut(), this.received);
        Poll::Ready(Ok(response))
    }
}
