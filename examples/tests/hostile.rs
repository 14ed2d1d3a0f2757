//! Careless and hostile clients: half-closed sockets, trickled headers, stalled bodies, too many
//! connections, `Expect: 100-continue` on a body that is too large, and starting on a taken port.
//!
//! Each test runs the real `shop` binary with short limits set through its flags, and talks raw
//! HTTP/1.1 over a socket, because that is where these clients differ from polite ones. Time
//! limits in the tests are generous upper bounds (a loaded machine only makes them slower to
//! pass, never wrong); what they assert is behaviour.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// An upper bound for anything that should happen "soon"; far above what it takes.
const PATIENCE: Duration = Duration::from_secs(30);

/// A `shop` process with its log lines kept for the test to look at; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts `shop` on 127.0.0.1 port 0 with a fresh database and `args`.
    fn start(args: &[&str]) -> Self {
        let mut all = vec!["--addr", "127.0.0.1:0"];
        all.extend_from_slice(args);
        Self::start_exactly(&all)
    }

    /// Starts `shop` with a fresh database and exactly `args` (which must include `--addr`).
    fn start_exactly(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut child = Command::new(env!("CARGO_BIN_EXE_shop"))
            .args(args)
            .arg("--db")
            .arg(dir.path().join("shop.db"))
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the shop binary starts");
        let (log, listening) = keep_log(&mut child);
        let addr = match listening.recv_timeout(PATIENCE) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("the shop did not report a listening address");
            }
        };
        Self {
            child,
            addr,
            log,
            _dir: dir,
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect to the shop");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("set a read timeout");
        stream
    }

    /// Waits until a log line contains `needle`; false if none did within [`PATIENCE`].
    fn logged(&self, needle: &str) -> bool {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if self
                .log
                .lock()
                .expect("log lock")
                .iter()
                .any(|line| line.contains(needle))
            {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Drains the child's stderr into a shared log (echoed, so a failing test shows it), and sends
/// the address of the "listening" line.
fn keep_log(child: &mut Child) -> (Arc<Mutex<Vec<String>>>, mpsc::Receiver<SocketAddr>) {
    let stderr = child.stderr.take().expect("stderr is piped");
    let log = Arc::new(Mutex::new(Vec::new()));
    let (found, listening) = mpsc::channel();
    let kept = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            eprintln!("[shop] {line}");
            if line.contains("listening")
                && let Some(addr) = line
                    .split_whitespace()
                    .find_map(|field| field.strip_prefix("addr="))
                    .and_then(|addr| addr.parse().ok())
            {
                let _ = found.send(addr);
            }
            kept.lock().expect("log lock").push(line);
        }
    });
    (log, listening)
}

/// One parsed HTTP/1.1 response.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (field, value) = line.split_once(':')?;
            field
                .trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim())
        })
    }
}

/// Parses the first response in `bytes`, checking that its whole body (by `Content-Length`) is
/// there; `None` if the bytes hold no complete response.
fn parse_answer(bytes: &[u8]) -> Option<Answer> {
    let end = bytes.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = String::from_utf8(bytes[..end].to_vec()).expect("an ASCII head");
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    let mut answer = Answer {
        status,
        head,
        body: Vec::new(),
    };
    let length: usize = answer
        .header("content-length")
        .map_or(Some(0), |length| length.parse().ok())?;
    let body = bytes.get(end + 4..end + 4 + length)?;
    answer.body = body.to_vec();
    Some(answer)
}

/// Reads until the server closes the connection (or [`PATIENCE`] runs out).
fn read_until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut chunk = [0; 16 * 1024];
    loop {
        match stream.read(&mut chunk) {
            Ok(0) => return bytes,
            Ok(read) => bytes.extend_from_slice(&chunk[..read]),
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) if error.kind() == ErrorKind::ConnectionReset => return bytes,
            Err(error) => panic!("the shop neither answered nor closed: {error}"),
        }
    }
}

/// Reads one complete response from a connection that stays open.
fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut bytes = Vec::new();
    let mut chunk = [0; 16 * 1024];
    loop {
        if let Some(answer) = parse_answer(&bytes) {
            return answer;
        }
        match stream.read(&mut chunk) {
            Ok(0) => panic!(
                "the connection closed before a complete response: {:?}",
                String::from_utf8_lossy(&bytes)
            ),
            Ok(read) => bytes.extend_from_slice(&chunk[..read]),
            Err(error) => panic!("no complete response: {error}"),
        }
    }
}

fn put_order(path: &str, precondition: &str, qty: u32) -> String {
    let body = format!(r#"{{"customer":"ada","items":[{{"sku":"apple","qty":{qty}}}]}}"#);
    format!(
        "PUT {path} HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n{precondition}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn get(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: shop\r\n\r\n")
}

/// Sends `request`, shuts down the sending side at once, and reads the answer.
fn half_closed(server: &Server, request: &str) -> Answer {
    let mut stream = server.connect();
    stream.write_all(request.as_bytes()).expect("send");
    stream.shutdown(Shutdown::Write).expect("shut down writing");
    let bytes = read_until_closed(&mut stream);
    parse_answer(&bytes).unwrap_or_else(|| {
        panic!(
            "a half-closed request got no complete answer: {:?}",
            String::from_utf8_lossy(&bytes)
        )
    })
}

#[test]
fn half_closed_requests_get_every_answer() {
    let server = Server::start(&[]);
    let created = half_closed(&server, &put_order("/orders/hc", "If-None-Match: *", 1));
    assert_eq!(created.status, 201, "{}", created.head);
    let mut etag = created.header("etag").expect("an ETag").to_owned();
    for round in 0..40 {
        if round % 2 == 0 {
            // A committed write must be answered, or the client cannot know it happened.
            let request = put_order("/orders/hc", &format!("If-Match: {etag}"), round + 2);
            let answer = half_closed(&server, &request);
            assert_eq!(answer.status, 200, "round {round}: {}", answer.head);
            etag = answer.header("etag").expect("an ETag").to_owned();
        } else {
            let answer = half_closed(&server, &get("/orders/hc"));
            assert_eq!(answer.status, 200, "round {round}: {}", answer.head);
            assert_eq!(answer.header("etag"), Some(etag.as_str()));
            let order: serde_json::Value =
                serde_json::from_slice(&answer.body).expect("the whole JSON body");
            assert_eq!(order["items"][0]["qty"], round + 1);
        }
    }
}

#[test]
fn trickled_headers_are_cut_at_the_header_read_timeout() {
    let server = Server::start(&["--header-read-timeout", "1", "--idle-timeout", "60"]);
    let mut stream = server.connect();
    stream
        .write_all(b"GET /orders HTTP/1.1\r\nHost: shop\r\n")
        .expect("send the start of a head");
    // One byte every 100 ms: always some progress (so the idle timeout never applies), never a
    // complete head. The server must close the connection long before the loop runs out.
    let started = Instant::now();
    let mut closed = false;
    while started.elapsed() < PATIENCE {
        if stream.write_all(b"X").is_err() {
            closed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        closed,
        "a connection trickling its head stayed open for {PATIENCE:?}"
    );
    assert!(
        server.logged("header read timeout"),
        "the limit hit is logged"
    );
    // The server still serves everyone else.
    let mut polite = server.connect();
    polite.write_all(get("/orders").as_bytes()).expect("send");
    assert_eq!(read_answer(&mut polite).status, 200);
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let server = Server::start(&["--idle-timeout", "1", "--header-read-timeout", "60"]);
    let mut stream = server.connect();
    stream.write_all(get("/orders").as_bytes()).expect("send");
    assert_eq!(read_answer(&mut stream).status, 200);
    // Now say nothing: the server closes the keep-alive connection (EOF), well before PATIENCE.
    let rest = read_until_closed(&mut stream);
    assert!(rest.is_empty(), "nothing more was sent: {rest:?}");
    assert!(server.logged("idle timeout"), "the limit hit is logged");
}

#[test]
fn a_body_that_does_not_arrive_is_408_and_nothing_is_written() {
    let server = Server::start(&["--body-read-timeout", "1"]);
    let mut stream = server.connect();
    stream
        .write_all(
            b"PUT /orders/slow HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n\
              If-None-Match: *\r\nContent-Length: 60\r\n\r\n{\"customer\":",
        )
        .expect("send part of a request");
    let bytes = read_until_closed(&mut stream);
    let answer = parse_answer(&bytes).expect("a complete answer");
    assert_eq!(answer.status, 408, "{}", answer.head);
    assert_eq!(answer.header("connection"), Some("close"));
    assert_eq!(
        answer.header("content-type"),
        Some("application/problem+json")
    );
    assert!(
        server.logged("body read timeout"),
        "the limit hit is logged"
    );
    let after = half_closed(&server, &get("/orders/slow"));
    assert_eq!(after.status, 404, "the timed-out request wrote nothing");
}

#[test]
fn connections_beyond_the_cap_wait_for_a_free_slot_and_are_logged() {
    let server = Server::start(&[
        "--max-connections",
        "2",
        "--idle-timeout",
        "120",
        "--header-read-timeout",
        "120",
    ]);
    // Two keep-alive connections that have each been served hold both slots.
    let mut held: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = server.connect();
            stream.write_all(get("/orders").as_bytes()).expect("send");
            assert_eq!(read_answer(&mut stream).status, 200);
            stream
        })
        .collect();
    // A third client connects (the kernel queues it) and asks: no answer while both are held.
    let mut third = server.connect();
    third.write_all(get("/orders").as_bytes()).expect("send");
    third
        .set_read_timeout(Some(Duration::from_millis(500)))
        .expect("set a read timeout");
    let mut byte = [0; 1];
    match third.read(&mut byte) {
        Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
        other => panic!("a connection beyond the cap was served at once: {other:?}"),
    }
    assert!(
        server.logged("connection limit reached"),
        "the limit hit is logged"
    );
    // One held connection leaves: the waiting client is served.
    drop(held.pop());
    third
        .set_read_timeout(Some(PATIENCE))
        .expect("set a read timeout");
    assert_eq!(read_answer(&mut third).status, 200);
}

#[test]
fn expect_continue_with_an_oversized_length_is_413_without_100() {
    let server = Server::start(&[]);
    let mut stream = server.connect();
    stream
        .write_all(
            b"PUT /orders/big HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n\
              If-None-Match: *\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n",
        )
        .expect("send a head only");
    // The client sends no body: the only thing it may receive is the refusal.
    let answer = read_answer(&mut stream);
    assert_eq!(
        answer.status, 413,
        "expected 413 and no 100 Continue: {}",
        answer.head
    );
    assert_eq!(answer.header("connection"), Some("close"));
}

#[test]
fn a_host_name_is_accepted_as_the_address() {
    let server = Server::start_exactly(&["--addr", "localhost:0"]);
    assert!(server.addr.ip().is_loopback(), "{}", server.addr);
    let answer = half_closed(&server, &get("/orders"));
    assert_eq!(answer.status, 200);
}

#[test]
fn a_taken_port_is_reported_with_its_address_and_creates_no_database() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let addr = taken.local_addr().expect("its address").to_string();
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("shop.db");
    let output = Command::new(env!("CARGO_BIN_EXE_shop"))
        .args(["--addr", &addr, "--db"])
        .arg(&db)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .output()
        .expect("the shop binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "the error names the address: {stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read the directory")
        .collect();
    assert!(left.is_empty(), "no database file is left behind: {left:?}");
}

#[test]
fn help_is_a_plain_description() {
    let output = Command::new(env!("CARGO_BIN_EXE_shop"))
        .arg("--help")
        .output()
        .expect("the shop binary runs");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("example shop"), "{help}");
    assert!(help.contains("--max-connections"), "{help}");
    assert!(
        !help.contains("```") && !help.contains("try_parse_from"),
        "{help}"
    );
}
