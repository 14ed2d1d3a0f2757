//! Careless and hostile clients: half-closed sockets, trickled headers, stalled bodies, too many
//! connections, pipelined answers nobody reads, `Expect: 100-continue` on a body that is too
//! large, and starting on a taken port.
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

/// Orders in the collection the pipelining clients ask for, and the note that makes each large:
/// a page of all of them is about 1 MB.
const LARGE_ORDERS: usize = 300;
const LARGE_NOTE: usize = 3_000;

/// Requests each pipelining client sends before reading anything: their answers are several
/// times what loopback's socket buffers hold unread (a few MB), so the server has to wait.
const PIPELINED: usize = 16;

/// Clients that pipeline large GETs and then read nothing.
const STALLED_CLIENTS: usize = 40;

#[test]
#[cfg(target_os = "linux")] // the resident memory comes from /proc
fn unread_pipelined_answers_are_cut_off_and_their_memory_bounded() {
    let server = Server::start(&["--idle-timeout", "1", "--header-read-timeout", "60"]);
    let mut seeding = server.connect();
    let note = "n".repeat(LARGE_NOTE);
    for index in 0..LARGE_ORDERS {
        let body =
            format!(r#"{{"customer":"ada","items":[{{"sku":"apple","qty":1}}],"note":"{note}"}}"#);
        let request = format!(
            "PUT /orders/big{index:04} HTTP/1.1\r\nHost: shop\r\nContent-Type: application/json\r\n\
             If-None-Match: *\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        seeding.write_all(request.as_bytes()).expect("send");
        assert_eq!(read_answer(&mut seeding).status, 201);
    }
    let page = get(&format!("/orders?limit={LARGE_ORDERS}"));
    seeding.write_all(page.as_bytes()).expect("send");
    let page_bytes = read_answer(&mut seeding).body.len();
    assert!(page_bytes > 800_000, "a page is large: {page_bytes} bytes");
    drop(seeding);
    let before = resident_bytes(server.child.id());
    let first = stall_and_cut_off(&server, &page);
    let second = stall_and_cut_off(&server, &page);
    eprintln!(
        "resident memory: {} MiB before; {} MiB at most with {STALLED_CLIENTS} stalled clients \
         and {} MiB after they were cut off; a second wave {} MiB and {} MiB ({page_bytes} bytes \
         a page)",
        before >> 20,
        first.peak >> 20,
        first.after >> 20,
        second.peak >> 20,
        second.after >> 20,
    );
    // hyper serves a connection's requests one at a time, so a stalled client pins the one
    // answer it is being sent; while it waits, the rows and buffers that built that answer are
    // freed to the allocator, which keeps some for reuse.
    let bound = before + 4 * STALLED_CLIENTS * page_bytes;
    assert!(
        first.peak <= bound,
        "memory is bounded by the answers in flight: {} bytes against {bound}",
        first.peak
    );
    // And nothing accumulates: the same clients again reuse what the first wave left.
    assert!(
        second.peak <= first.peak + first.peak / 4,
        "a second wave of stalled clients needs no more memory than the first: {} against {}",
        second.peak,
        first.peak
    );
    // Everyone else is still served.
    let mut polite = server.connect();
    polite
        .write_all(get("/orders?limit=1").as_bytes())
        .expect("send");
    assert_eq!(read_answer(&mut polite).status, 200);
}

/// Resident memory of the shop during and after one wave of stalled clients.
struct Wave {
    peak: usize,
    after: usize,
}

/// Opens [`STALLED_CLIENTS`] connections that each send `request` [`PIPELINED`] times and read
/// nothing until the server has closed its side of every one; then checks that none got every
/// answer.
fn stall_and_cut_off(server: &Server, request: &str) -> Wave {
    // Once the socket buffers are full, the server can only hold the answer it is sending.
    let mut stalled: Vec<TcpStream> = (0..STALLED_CLIENTS)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(request.repeat(PIPELINED).as_bytes())
                .expect("send the pipelined requests");
            stream
        })
        .collect();
    // The server's side of every stalled connection closes once nothing has moved on it for
    // the idle timeout; the memory is sampled while they are open.
    let mut peak = resident_bytes(server.child.id());
    // Each connection is served until its socket is full, a few pages: slow in a debug build on
    // a busy machine, hence twice the usual patience.
    let deadline = Instant::now() + 2 * PATIENCE;
    while established_connections_to(server.addr) > 0 {
        assert!(
            Instant::now() < deadline,
            "the server should close connections whose answers nobody reads, yet {} are open",
            established_connections_to(server.addr)
        );
        peak = peak.max(resident_bytes(server.child.id()));
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(server.logged("idle timeout"), "the limit hit is logged");
    // Only now read: what the kernel had buffered, then the end of a connection the server
    // closed. Served in full, each client would get every answer and then wait for more.
    for stream in &mut stalled {
        let bytes = read_until_closed(stream);
        let complete = complete_answers(&bytes);
        assert!(
            complete < PIPELINED,
            "the server should give up on a client that reads nothing, yet {complete} of \
             {PIPELINED} answers arrived"
        );
    }
    Wave {
        peak,
        after: resident_bytes(server.child.id()),
    }
}

/// How many complete responses `bytes` starts with.
fn complete_answers(mut bytes: &[u8]) -> usize {
    let mut count = 0;
    while let Some(answer) = parse_answer(bytes) {
        count += 1;
        let head_end = bytes
            .windows(4)
            .position(|window| window == b"\r\n\r\n")
            .map_or(bytes.len(), |end| end + 4);
        bytes = &bytes[(head_end + answer.body.len()).min(bytes.len())..];
    }
    count
}

/// How many of the server's accepted connections at `addr` (an IPv4 address) are open in both
/// directions, from `/proc/net/tcp`: once the server closes its side, it leaves `ESTABLISHED`.
#[cfg(target_os = "linux")]
fn established_connections_to(addr: SocketAddr) -> usize {
    const ESTABLISHED: &str = "01";
    let table = std::fs::read_to_string("/proc/net/tcp").expect("/proc/net/tcp");
    let local = format!(":{:04X}", addr.port());
    table
        .lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields
                .get(1)
                .is_some_and(|address| address.ends_with(&local))
                && fields.get(3) == Some(&ESTABLISHED)
        })
        .count()
}

/// The resident memory of process `pid`, from `/proc/PID/status`.
#[cfg(target_os = "linux")]
fn resident_bytes(pid: u32) -> usize {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse::<usize>().ok())
        .map(|kib| kib * 1024)
        .expect("a VmRSS line in kB")
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
