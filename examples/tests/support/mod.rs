//! Test support: the real `shop` binary on an ephemeral port, a fresh database for it on either
//! backend, and a small HTTP client.
//!
//! Most tests are written once, as `async fn name(db: TestDb)`, and listed in
//! [`on_both_backends!`], which runs each as `sqlite::name` and `postgres::name`.

#![allow(dead_code, unreachable_pub)] // Each test binary uses a different part of this module.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

mod backends;

use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

/// How long a server may take to start listening.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// One `shop` process, killed when dropped.
pub struct Shop {
    child: Child,
    pub addr: SocketAddr,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Shop {
    /// Starts the binary on 127.0.0.1 port 0 with the given database.
    pub fn start(db: &(impl DbArg + ?Sized)) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
        command
            .arg("--addr")
            .arg("127.0.0.1:0")
            .arg("--db")
            .arg(db.db_arg());
        Self::spawn(command)
    }

    /// Starts the binary as configured by `command` (which must make it listen on 127.0.0.1) and
    /// waits for its "listening" log line.
    pub fn spawn(mut command: Command) -> Self {
        command
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the shop binary starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let (found, listening) = mpsc::channel();
        // Keep draining stderr for the life of the process, so the server never blocks on a full
        // pipe; echo it so a failing test shows the server's log.
        std::thread::spawn(move || {
            let mut found = Some(found);
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                eprintln!("[shop] {line}");
                if let Some(addr) = listening_addr(&line)
                    && let Some(found) = found.take()
                {
                    let _ = found.send(addr);
                }
            }
        });
        let addr = match listening.recv_timeout(STARTUP_TIMEOUT) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("the shop did not report a listening address");
            }
        };
        Self {
            child,
            addr,
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    /// The process id, to send it signals.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit on its own (after a signal), up to `timeout`.
    pub fn wait_for_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Sends a request and reads the whole response.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = Full::new(Bytes::from(body.unwrap_or_default().to_owned()));
        let request = request.body(body).expect("a valid request");
        let response = self
            .client
            .request(request)
            .await
            .expect("the shop answers");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("a complete body").to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(Method::GET, path, headers, None).await
    }

    /// A request with a JSON body (`Content-Type: application/json`).
    pub async fn json(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Reply {
        let mut all = vec![("content-type", "application/json")];
        all.extend_from_slice(headers);
        self.send(method, path, &all, Some(&body.to_string())).await
    }

    /// A PATCH with a merge-patch body.
    pub async fn merge_patch(&self, path: &str, headers: &[(&str, &str)], patch: &Value) -> Reply {
        let mut all = vec![("content-type", "application/merge-patch+json")];
        all.extend_from_slice(headers);
        self.send(Method::PATCH, path, &all, Some(&patch.to_string()))
            .await
    }
}

impl Drop for Shop {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `addr=127.0.0.1:1234` from the "listening" log line.
fn listening_addr(line: &str) -> Option<SocketAddr> {
    if !line.contains("listening") {
        return None;
    }
    line.split_whitespace()
        .find_map(|field| field.strip_prefix("addr="))
        .and_then(|addr| addr.parse().ok())
}

/// A complete response.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("an ASCII header"))
    }

    pub fn etag(&self) -> String {
        self.header("etag").expect("an ETag header").to_owned()
    }

    pub fn last_modified(&self) -> String {
        self.header("last-modified")
            .expect("a Last-Modified header")
            .to_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "a JSON body ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    /// Asserts the status, with the body in the message when it differs.
    #[track_caller]
    pub fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(
            self.status,
            status,
            "unexpected status; body: {}",
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    /// Asserts an RFC 9457 problem with this status.
    #[track_caller]
    pub fn assert_problem(&self, status: StatusCode) -> Value {
        self.assert_status(status);
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "error bodies are problem+json"
        );
        let problem = self.json();
        assert_eq!(problem["status"], status.as_u16(), "problem: {problem}");
        assert!(problem["title"].is_string(), "problem: {problem}");
        assert!(problem["detail"].is_string(), "problem: {problem}");
        problem
    }

    /// Asserts a 304: no body, the validators kept.
    #[track_caller]
    pub fn assert_not_modified(&self, etag: &str) {
        self.assert_status(StatusCode::NOT_MODIFIED);
        assert!(self.body.is_empty(), "a 304 has no body");
        assert_eq!(self.header("etag"), Some(etag));
        assert_eq!(self.header("content-type"), None);
    }
}

/// A temporary directory holding `shop.db`, for tests of SQLite alone.
pub fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("shop.db");
    (dir, path)
}

// Every test file but the client's runs on both backends.
#[allow(unused_imports)]
pub(crate) use backends::on_both_backends;
#[allow(unused_imports)]
pub use backends::{DbArg, PgTestDatabase, TestDb};
