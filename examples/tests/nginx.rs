//! The shop behind nginx with `gzip on` for JSON: a client that echoes the tag it received can
//! write. nginx weakens the strong tag of every response it compresses itself; the shop
//! compresses first, with a strong tag per coding, and nginx passes such responses on untouched.
//!
//! Needs `nginx` (Debian package `nginx`; `.ci/run` installs it). Without it the test says so
//! loudly and passes, except under `CI=true`, where it fails. It runs its own nginx as a child
//! process (`daemon off`, one process) with every path in a temporary directory, on a free
//! loopback port, and kills it by its process id; a system nginx is never touched.

mod support;

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use support::{Reply, Shop, temp_db};

/// How long nginx may take to start listening.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The nginx binary, if installed (root's PATH has /usr/sbin; other users' may not).
fn nginx_binary() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>());
    on_path
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join("nginx"))
        .find(|candidate| candidate.is_file())
}

/// An nginx of our own in front of `upstream`, killed when dropped.
struct Nginx {
    child: Child,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Nginx {
    fn start(binary: &Path, upstream: SocketAddr) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let addr = free_port();
        let root = dir.path().display();
        let config = format!(
            "daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 64; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/client_body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    gzip on;
    gzip_types application/json;
    server {{
        listen {addr};
        location / {{
            proxy_pass http://{upstream};
            proxy_http_version 1.1;
        }}
    }}
}}
"
        );
        let config_path = dir.path().join("nginx.conf");
        std::fs::write(&config_path, config).expect("the nginx config is written");
        let child = Command::new(binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("nginx starts");
        let mut nginx = Self {
            child,
            addr,
            _dir: dir,
        };
        nginx.wait_until_listening();
        nginx
    }

    fn wait_until_listening(&mut self) {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        while Instant::now() < deadline {
            if TcpStream::connect(self.addr).is_ok() {
                return;
            }
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                let mut stderr = String::new();
                if let Some(mut pipe) = self.child.stderr.take() {
                    let _ = pipe.read_to_string(&mut stderr);
                }
                panic!("nginx exited with {status}: {stderr}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("nginx did not listen on {} in time", self.addr);
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.addr));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let body = Full::new(Bytes::from(body.map(Value::to_string).unwrap_or_default()));
        let client = Client::builder(TokioExecutor::new()).build_http();
        let response = client
            .request(request.body(body).expect("a valid request"))
            .await
            .expect("nginx answers");
        let (parts, body) = response.into_parts();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.expect("a complete body").to_bytes(),
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback address nobody listens on right now.
fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("a local address")
}

/// The GET a browser sends, then the PUT it sends with the tag it was given.
async fn read_then_write(nginx: &Nginx, path: &str, changed: &Value) {
    let read = nginx
        .send(Method::GET, path, &[("accept-encoding", "gzip")], None)
        .await;
    read.assert_status(StatusCode::OK);
    assert_eq!(read.header("content-encoding"), Some("gzip"), "{path}");
    let tag = read.etag();
    assert!(
        tag.starts_with('"') && tag.ends_with(".gz\""),
        "{path}: a strong gzip tag reaches the client, got {tag}"
    );
    let written = nginx
        .send(
            Method::PUT,
            path,
            &[("if-match", &tag), ("accept-encoding", "gzip")],
            Some(changed),
        )
        .await;
    written.assert_status(StatusCode::OK);
    // And again with the tag of the write's own response.
    let next_tag = written.etag();
    assert_ne!(next_tag, tag, "{path}");
    nginx
        .send(Method::PUT, path, &[("if-match", &next_tag)], Some(changed))
        .await
        .assert_status(StatusCode::OK);
    // The tag of the state before is stale, whichever coding it names.
    nginx
        .send(Method::PUT, path, &[("if-match", &tag)], Some(changed))
        .await
        .assert_problem(StatusCode::PRECONDITION_FAILED);
}

#[tokio::test]
async fn a_client_behind_gzipping_nginx_writes_with_the_tag_it_received() {
    let Some(binary) = nginx_binary() else {
        if std::env::var("CI").is_ok_and(|value| value == "true") {
            panic!("nginx is not installed, and CI=true requires this test to run");
        }
        eprintln!("\n!!! SKIPPED: nginx is not installed (apt-get install nginx) !!!\n");
        return;
    };
    let (_dir, db) = temp_db();
    let shop = Shop::start(&db);
    let nginx = Nginx::start(&binary, shop.addr);

    // A cart: its tag is a version, it has no Last-Modified to fall back on. Created empty,
    // its body is smaller than tower-http's default threshold, which nginx would compress.
    let cart = nginx
        .send(
            Method::POST,
            "/carts",
            &[],
            Some(&json!({"owner": "ada", "items": []})),
        )
        .await;
    cart.assert_status(StatusCode::CREATED);
    let cart_path = cart.header("location").expect("a Location").to_owned();
    let items = json!({"owner": "ada", "items": [{"sku": "apple", "qty": 2}]});
    read_then_write(&nginx, &cart_path, &items).await;

    let order = nginx
        .send(
            Method::POST,
            "/orders",
            &[],
            Some(&json!({"customer": "ada", "items": [{"sku": "pear", "qty": 1}]})),
        )
        .await;
    order.assert_status(StatusCode::CREATED);
    let order_path = order.header("location").expect("a Location").to_owned();
    let changed = json!({"customer": "ada", "items": [{"sku": "plum", "qty": 3}]});
    read_then_write(&nginx, &order_path, &changed).await;
}
