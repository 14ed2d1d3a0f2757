//! The load driver: an HTTP/1.1 client on hyper that runs a fixed amount of work at a fixed
//! concurrency against a loopback server and records what came back.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http::{HeaderMap, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::compare::MakeRequest;
use super::cpu::process_cpu_time;
use super::stats::{Recorder, Summary};

/// The error type of the load generator: it reports and stops, it never recovers.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// No single exchange may take longer than this; a stuck server fails the run instead of hanging it.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// No single run may take longer than this, whatever its request count.
const RUN_TIMEOUT: Duration = Duration::from_secs(180);

/// How many requests, and how many in flight at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Load {
    pub(crate) requests: usize,
    pub(crate) concurrency: usize,
}

/// One completed request/response exchange, body read to the end.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) latency: Duration,
}

impl Exchange {
    /// The size of the response on the wire as HTTP/1.1 frames it: status line, header lines, the
    /// blank line and the body (which the server sends with Content-Length, not chunked).
    pub(crate) fn wire_bytes(&self) -> u64 {
        let reason = self.status.canonical_reason().unwrap_or("").len();
        let status_line = "HTTP/1.1 200 \r\n".len() + reason;
        let header_lines: usize = self
            .headers
            .iter()
            .map(|(name, value)| name.as_str().len() + ": ".len() + value.len() + "\r\n".len())
            .sum();
        (status_line + header_lines + "\r\n".len() + self.body.len()) as u64
    }

    /// Records this exchange in `recorder`.
    pub(crate) fn record_in(&self, recorder: &mut Recorder) {
        recorder.record(self.latency, self.status.as_u16(), self.wire_bytes());
    }
}

/// A pooled keep-alive HTTP/1.1 client bound to one loopback server.
#[derive(Clone)]
pub(crate) struct HttpClient {
    client: Client<HttpConnector, Full<Bytes>>,
    authority: String,
}

impl HttpClient {
    /// A client for the server at `addr`, keeping up to `connections` idle connections open.
    ///
    /// Refuses anything but a loopback address: the load generator measures a server it started
    /// itself and must never load anyone else's.
    pub(crate) fn new(addr: SocketAddr, connections: usize) -> Result<Self, BoxError> {
        if !addr.ip().is_loopback() {
            return Err(format!("refusing to send load to non-loopback address {addr}").into());
        }
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(connections)
            .build(connector);
        Ok(Self {
            client,
            authority: addr.to_string(),
        })
    }

    /// The absolute URI of `path` on the server (the form the pooled client needs).
    pub(crate) fn uri(&self, path: &str) -> Result<Uri, BoxError> {
        Ok(format!("http://{}{path}", self.authority).parse()?)
    }

    /// Sends one request and reads the whole response body, timing the exchange.
    pub(crate) async fn send(&self, request: Request<Full<Bytes>>) -> Result<Exchange, BoxError> {
        let start = Instant::now();
        let exchange = async {
            let response = self.client.request(request).await?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await?.to_bytes();
            Ok::<_, BoxError>((parts, body))
        };
        let (parts, body) = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .map_err(|_| format!("no response within {REQUEST_TIMEOUT:?}"))??;
        Ok(Exchange {
            status: parts.status,
            headers: parts.headers,
            body,
            latency: start.elapsed(),
        })
    }
}

/// Runs `load.requests` requests, `load.concurrency` at a time; `make(i)` builds the i-th request.
pub(crate) async fn run(
    client: &HttpClient,
    load: Load,
    make: MakeRequest,
) -> Result<Summary, BoxError> {
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = process_cpu_time();
    let (recorders, elapsed) = spawn_workers(load.concurrency, |_| {
        let (client, make, next) = (client.clone(), Arc::clone(&make), Arc::clone(&next));
        async move {
            let mut recorder = Recorder::default();
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= load.requests {
                    return Ok(recorder);
                }
                client.send(make(index)?).await?.record_in(&mut recorder);
            }
        }
    })
    .await?;
    let mut all = Recorder::default();
    recorders
        .into_iter()
        .for_each(|recorder| all.merge(recorder));
    let mut summary = all.summarize(elapsed);
    summary.cpu = process_cpu_time()
        .zip(cpu_before)
        .and_then(|(after, before)| after.checked_sub(before));
    Ok(summary)
}

/// Starts `workers` tasks (`work(i)` is worker i), waits for all of them, and returns their results
/// with the wall-clock time the whole group took. Fails if any worker fails or the run overstays.
pub(crate) async fn spawn_workers<W, Fut, T>(
    workers: usize,
    work: W,
) -> Result<(Vec<T>, Duration), BoxError>
where
    W: Fn(usize) -> Fut,
    Fut: Future<Output = Result<T, BoxError>> + Send + 'static,
    T: Send + 'static,
{
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..workers.max(1) {
        tasks.spawn(work(worker));
    }
    let mut results = Vec::with_capacity(workers);
    let deadline = tokio::time::sleep(RUN_TIMEOUT);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            joined = tasks.join_next() => match joined {
                Some(result) => results.push(result??),
                None => break,
            },
            () = &mut deadline => {
                tasks.abort_all();
                return Err(format!("the run did not finish within {RUN_TIMEOUT:?}").into());
            }
        }
    }
    Ok((results, start.elapsed()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn wire_bytes_count_status_line_headers_and_body() {
        let mut headers = HeaderMap::new();
        headers.insert("etag", HeaderValue::from_static("\"abc\""));
        let exchange = Exchange {
            status: StatusCode::NOT_MODIFIED,
            headers,
            body: Bytes::from_static(b"xy"),
            latency: Duration::ZERO,
        };
        let expected = "HTTP/1.1 304 Not Modified\r\netag: \"abc\"\r\n\r\nxy".len();
        assert_eq!(exchange.wire_bytes(), expected as u64);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_exactly_the_requested_load_and_counts_statuses() {
        use axum::{Router, routing::get};
        use http::StatusCode;

        let router = Router::new().route(
            "/{n}",
            get(
                |axum::extract::Path(n): axum::extract::Path<u32>| async move {
                    if n % 4 == 0 {
                        (StatusCode::NOT_MODIFIED, "")
                    } else {
                        (StatusCode::OK, "body")
                    }
                },
            ),
        );
        let server = super::super::server::RunningServer::start(router).expect("a server");
        let client = HttpClient::new(server.addr(), 3).expect("a loopback client");
        let make: MakeRequest = {
            let client = client.clone();
            Arc::new(move |index| {
                Ok(Request::get(client.uri(&format!("/{index}"))?).body(Full::default())?)
            })
        };
        let load = Load {
            requests: 42,
            concurrency: 3,
        };
        let summary = run(&client, load, make).await.expect("the run completes");

        assert_eq!(summary.requests, 42);
        assert_eq!(summary.count(304), 11);
        assert_eq!(summary.count(200), 31);
        assert!(summary.p50 <= summary.p99);
        drop(client);
    }

    #[test]
    fn refuses_non_loopback_targets() {
        let remote: SocketAddr = "192.0.2.1:80".parse().expect("a valid address");
        assert!(HttpClient::new(remote, 1).is_err());
    }
}
