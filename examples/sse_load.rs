//! Live-view capacity: many browsers watching one order (used by `bench/run`;
//! not run by CI or tests).
//!
//! Creates an order (or a few) through `/api/orders/create`, opens N concurrent
//! subscribers to `/api/orders/{id}/subscribe` over raw HTTP/1.1 on loopback,
//! reads the server's RSS from `/proc/<pid>/status` idle and with N connected,
//! then pays the order through the sandbox control endpoint and records, per
//! subscriber, the delay from sending the pay call to receiving the event that
//! carries the new state. Everything is bounded by `--timeout-secs`.
//!
//! ```sh
//! cargo run --release --features ssr --example sse_load -- \
//!     --addr 127.0.0.1:3000 --pid "$(pgrep -nx storefront)" --n 10000
//! ```
//!
//! A summary goes to stderr; the last stdout line is `RESULT {json}`.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

const USAGE: &str = "usage: sse_load --addr HOST:PORT [--pid PID] [--n 10000] [--orders 1] \
[--connect-concurrency 256] [--timeout-secs 60] [--threads 1] [--country US] \
[--family amazon] [--amount 25] [--no-wait-done]";

/// Command-line settings.
#[derive(Clone, Debug)]
struct Args {
    addr: String,
    pid: Option<u32>,
    n: usize,
    orders: usize,
    connect_concurrency: usize,
    timeout: Duration,
    threads: usize,
    country: String,
    family: String,
    amount: String,
    wait_done: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addr: String::new(),
        pid: None,
        n: 10_000,
        orders: 1,
        connect_concurrency: 256,
        timeout: Duration::from_secs(60),
        threads: 1,
        country: "US".into(),
        family: "amazon".into(),
        amount: "25".into(),
        wait_done: true,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--no-wait-done" {
            args.wait_done = false;
            continue;
        }
        if flag == "-h" || flag == "--help" {
            return Err(USAGE.into());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let num = |v: &str| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag}: not a positive number: {v}"))
        };
        match flag.as_str() {
            "--addr" => args.addr = value,
            "--pid" => args.pid = Some(num(&value)? as u32),
            "--n" => args.n = num(&value)?,
            "--orders" => args.orders = num(&value)?,
            "--connect-concurrency" => args.connect_concurrency = num(&value)?,
            "--timeout-secs" => args.timeout = Duration::from_secs(num(&value)? as u64),
            "--threads" => args.threads = num(&value)?,
            "--country" => args.country = value,
            "--family" => args.family = value,
            "--amount" => args.amount = value,
            _ => return Err(format!("unknown flag {flag}\n{USAGE}")),
        }
    }
    if args.addr.is_empty() {
        return Err(format!("--addr is required\n{USAGE}"));
    }
    args.orders = args.orders.min(args.n);
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.threads)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sse_load: tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A hard stop a little after the budget, whatever happens.
    let budget = args.timeout + Duration::from_secs(10);
    std::thread::spawn(move || {
        std::thread::sleep(budget);
        println!("RESULT {}", json!({"error": "hard timeout"}));
        std::process::exit(3);
    });
    let result = rt.block_on(run(args));
    let ok = result.get("error").is_none_or(Value::is_null);
    println!("RESULT {result}");
    rt.shutdown_timeout(Duration::from_millis(500));
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// What every subscriber task reports into.
struct Shared {
    base: Instant,
    connected: AtomicUsize,
    ready: AtomicUsize,
    closed: AtomicUsize,
    stopped: AtomicUsize,
    failures: Mutex<BTreeMap<String, usize>>,
    /// Per subscriber: nanoseconds since `base` + 1 when the new state arrived (0 = not yet).
    changed: Vec<AtomicU64>,
    /// Per subscriber: the same for `Done`.
    done: Vec<AtomicU64>,
}

impl Shared {
    fn now_ns(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64 + 1
    }

    fn fail(&self, why: String) {
        *self
            .failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(why)
            .or_default() += 1;
    }

    fn failed(&self) -> usize {
        self.failures
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .sum()
    }

    fn count(v: &[AtomicU64]) -> usize {
        v.iter().filter(|a| a.load(Ordering::Relaxed) != 0).count()
    }
}

/// Reads `VmRSS` and `VmHWM` (kB) of a process.
fn memory_kb(pid: Option<u32>) -> (Option<u64>, Option<u64>) {
    let Some(pid) = pid else { return (None, None) };
    let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) else {
        return (None, None);
    };
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system, ms) of a process, or of this one without a pid.
fn cpu_ms(pid: Option<u32>) -> Option<f64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_string(),
    };
    let stat = std::fs::read_to_string(path).ok()?;
    // Fields after the command name: state is field 3, utime 14, stime 15 (in 1/100 s).
    let rest: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let ticks = rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 * 10.0)
}

async fn run(args: Args) -> Value {
    let start = Instant::now();
    let deadline = start + args.timeout;
    let mut out = serde_json::Map::new();
    out.insert("n".into(), json!(args.n));
    out.insert("orders".into(), json!(args.orders));
    let fail = |mut out: serde_json::Map<String, Value>, e: String| {
        eprintln!("sse_load: {e}");
        out.insert("error".into(), json!(e));
        Value::Object(out)
    };
    let base = format!("http://{}", args.addr);
    let http = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => return fail(out, format!("http client: {e}")),
    };

    // 1. Orders to watch.
    let mut ids = Vec::new();
    let salt = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    for k in 0..args.orders {
        let key = format!("sseload-{salt}-{k}");
        let form = [
            ("country", args.country.as_str()),
            ("family", args.family.as_str()),
            ("amount", args.amount.as_str()),
            ("pay", "USDC|Solana"),
            ("beneficiary", "friend@example.com"),
            ("email", "buyer@example.com"),
            ("coupon", ""),
            ("idempotency_key", key.as_str()),
        ];
        let resp = http
            .post(format!("{base}/api/orders/create"))
            .header("accept", "application/json")
            .form(&form)
            .send()
            .await;
        let body: Value = match resp {
            Ok(r) if r.status().is_success() => r.json().await.unwrap_or(Value::Null),
            Ok(r) => {
                let st = r.status();
                let text = r.text().await.unwrap_or_default();
                return fail(out, format!("creating an order: HTTP {st}: {text}"));
            }
            Err(e) => return fail(out, format!("creating an order: {e}")),
        };
        match body["order_id"].as_str() {
            Some(id) => ids.push(id.to_string()),
            None => return fail(out, format!("creating an order: no order_id in {body}")),
        }
    }
    out.insert("order_ids".into(), json!(ids));
    let streams_before = upstream_streams(&http, &base).await;

    // 2. Idle memory.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rss_idle, _) = memory_kb(args.pid);
    out.insert("rss_idle_kb".into(), json!(rss_idle));
    eprintln!(
        "sse_load: order(s) {}; server RSS idle {} kB",
        ids.join(","),
        rss_idle.map_or("n/a".into(), |v| v.to_string())
    );

    // 3. N subscribers.
    let shared = Arc::new(Shared {
        base: Instant::now(),
        connected: AtomicUsize::new(0),
        ready: AtomicUsize::new(0),
        closed: AtomicUsize::new(0),
        stopped: AtomicUsize::new(0),
        failures: Mutex::new(BTreeMap::new()),
        changed: (0..args.n).map(|_| AtomicU64::new(0)).collect(),
        done: (0..args.n).map(|_| AtomicU64::new(0)).collect(),
    });
    let permits = Arc::new(Semaphore::new(args.connect_concurrency));
    let addr: Arc<str> = args.addr.clone().into();
    let connect_started = Instant::now();
    let mut tasks = Vec::with_capacity(args.n);
    for i in 0..args.n {
        let path = format!("/api/orders/{}/subscribe", ids[i % ids.len()]);
        tasks.push(tokio::spawn(subscriber(
            i,
            shared.clone(),
            addr.clone(),
            path,
            permits.clone(),
        )));
    }
    // Connecting may use at most half the budget.
    let connect_deadline = start + args.timeout / 2;
    loop {
        let settled = shared.connected.load(Ordering::Relaxed) + shared.failed();
        if settled >= args.n || Instant::now() >= connect_deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connect_secs = connect_started.elapsed().as_secs_f64();
    // Every connected subscriber first gets the current state (replay).
    let ready_deadline = (Instant::now() + Duration::from_secs(5)).min(connect_deadline);
    while shared.ready.load(Ordering::Relaxed) < shared.connected.load(Ordering::Relaxed)
        && Instant::now() < ready_deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connected = shared.connected.load(Ordering::Relaxed);
    out.insert("connected".into(), json!(connected));
    out.insert("connect_secs".into(), json!(round(connect_secs, 2)));
    out.insert("ready".into(), json!(shared.ready.load(Ordering::Relaxed)));
    eprintln!(
        "sse_load: {connected}/{} connected in {connect_secs:.1} s, {} with the current state, {} failed",
        args.n,
        shared.ready.load(Ordering::Relaxed),
        shared.failed()
    );

    // 4. Memory with N connected (after a moment to settle).
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rss_connected, _) = memory_kb(args.pid);
    out.insert("rss_connected_kb".into(), json!(rss_connected));
    let streams_after = upstream_streams(&http, &base).await;
    if let (Some(a), Some(b)) = (streams_before, streams_after) {
        out.insert("upstream_streams".into(), json!(b.saturating_sub(a)));
    }
    let open_before_pay = connected.saturating_sub(shared.closed.load(Ordering::Relaxed));
    out.insert("open_before_pay".into(), json!(open_before_pay));

    // 5. The change: pay every order, noting when each call was sent.
    let (server_cpu, tool_cpu) = (cpu_ms(args.pid), cpu_ms(None));
    let mut sent_ns = Vec::new();
    let mut pay_ms = Vec::new();
    for id in &ids {
        let t0 = shared.now_ns();
        let resp = http
            .post(format!("{base}/sandbox/control/orders/{id}/pay"))
            .bearer_auth(control_token())
            .send()
            .await;
        pay_ms.push(round((shared.now_ns() - t0) as f64 / 1e6, 1));
        match resp {
            Ok(r) if r.status().is_success() => sent_ns.push(t0),
            Ok(r) => {
                let st = r.status();
                abort(&tasks);
                return fail(out, format!("paying {id}: HTTP {st}"));
            }
            Err(e) => {
                abort(&tasks);
                return fail(out, format!("paying {id}: {e}"));
            }
        }
    }
    out.insert("pay_call_ms".into(), json!(pay_ms));
    let wait_until = (Instant::now() + Duration::from_secs(20)).min(deadline);
    while Shared::count(&shared.changed) < open_before_pay && Instant::now() < wait_until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let received = Shared::count(&shared.changed);
    let spent = |before: Option<f64>, after: Option<f64>| before.zip(after).map(|(b, a)| a - b);
    out.insert(
        "fanout_server_cpu_ms".into(),
        json!(spent(server_cpu, cpu_ms(args.pid))),
    );
    out.insert(
        "fanout_tool_cpu_ms".into(),
        json!(spent(tool_cpu, cpu_ms(None))),
    );
    if args.wait_done {
        let wait_until = (Instant::now() + Duration::from_secs(20)).min(deadline);
        while Shared::count(&shared.done) < received && Instant::now() < wait_until {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Give `stop` a moment after `Done`.
        tokio::time::sleep(
            Duration::from_millis(300).min(deadline.saturating_duration_since(Instant::now())),
        )
        .await;
    }
    let (rss_after, hwm) = memory_kb(args.pid);
    abort(&tasks);

    // 6. Delays.
    let mut delays: Vec<f64> = shared
        .changed
        .iter()
        .enumerate()
        .filter_map(|(i, at)| {
            let at = at.load(Ordering::Relaxed);
            (at != 0).then(|| at.saturating_sub(sent_ns[i % sent_ns.len()]) as f64 / 1e6)
        })
        .collect();
    delays.sort_by(f64::total_cmp);
    let pct = |p: f64| -> Option<f64> {
        if delays.is_empty() {
            return None;
        }
        let idx = ((p * delays.len() as f64).ceil() as usize).clamp(1, delays.len()) - 1;
        Some(round(delays[idx], 1))
    };
    let mean =
        (!delays.is_empty()).then(|| round(delays.iter().sum::<f64>() / delays.len() as f64, 1));
    out.insert("received".into(), json!(received));
    out.insert(
        "delay_ms".into(),
        json!({"p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0), "mean": mean}),
    );
    out.insert("done".into(), json!(Shared::count(&shared.done)));
    out.insert(
        "stopped".into(),
        json!(shared.stopped.load(Ordering::Relaxed)),
    );
    out.insert("rss_after_kb".into(), json!(rss_after));
    out.insert("hwm_kb".into(), json!(hwm));
    out.insert("failed".into(), json!(shared.failed()));
    out.insert(
        "failures".into(),
        json!(
            shared
                .failures
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        ),
    );
    out.insert(
        "elapsed_secs".into(),
        json!(round(start.elapsed().as_secs_f64(), 1)),
    );
    eprintln!(
        "sse_load: {received}/{open_before_pay} got the new state; delay p50 {:?} p99 {:?} max {:?} ms; \
         Done {}; RSS idle {:?} connected {:?} after {:?} peak {:?} kB",
        pct(0.5),
        pct(0.99),
        pct(1.0),
        Shared::count(&shared.done),
        rss_idle,
        rss_connected,
        rss_after,
        hwm
    );
    Value::Object(out)
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

fn abort(tasks: &[tokio::task::JoinHandle<()>]) {
    for t in tasks {
        t.abort();
    }
}

/// The sandbox control token (`CR_SANDBOX_CONTROL_TOKEN`, as given to the server).
fn control_token() -> String {
    std::env::var("CR_SANDBOX_CONTROL_TOKEN").unwrap_or_default()
}

/// How many upstream event streams the sandbox has served, for all orders (its
/// stats name no order id): callers take the difference around their run.
async fn upstream_streams(http: &reqwest::Client, base: &str) -> Option<u64> {
    let stats: Value = http
        .get(format!("{base}/sandbox/control/stats"))
        .bearer_auth(control_token())
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let requests = stats["requests"].as_object()?;
    Some(
        requests
            .iter()
            .filter(|(k, _)| k.contains("/subscribe"))
            .filter_map(|(_, v)| v.as_u64())
            .sum(),
    )
}

/// One browser: connect, subscribe, then read events until the stream ends.
async fn subscriber(
    i: usize,
    shared: Arc<Shared>,
    addr: Arc<str>,
    path: String,
    permits: Arc<Semaphore>,
) {
    let permit = permits.acquire_owned().await;
    let opened = tokio::time::timeout(Duration::from_secs(10), open(&addr, &path)).await;
    drop(permit);
    let (mut stream, leftover, chunked) = match opened {
        Ok(Ok(x)) => x,
        Ok(Err(why)) => return shared.fail(why),
        Err(_) => return shared.fail("timeout (connect + headers > 10 s)".into()),
    };
    shared.connected.fetch_add(1, Ordering::Relaxed);
    let mut body = Dechunk::new(chunked);
    let mut events = SseParser::default();
    let mut seen_first = false;
    let mut buf = vec![0u8; 8192];
    let mut input = leftover;
    let mut at = shared.now_ns();
    loop {
        let data = body.push(&input);
        for ev in events.push(&data) {
            if ev.event.as_deref() == Some("stop") {
                shared.stopped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
            let Some(state) = order_state(&ev.data) else {
                continue;
            };
            if !seen_first {
                seen_first = true;
                shared.ready.fetch_add(1, Ordering::Relaxed);
            }
            if state != "WaitingForPayment" {
                let _ =
                    shared.changed[i].compare_exchange(0, at, Ordering::Relaxed, Ordering::Relaxed);
            }
            if state == "Done" {
                let _ =
                    shared.done[i].compare_exchange(0, at, Ordering::Relaxed, Ordering::Relaxed);
            }
        }
        if body.ended {
            break;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                at = shared.now_ns();
                input = buf[..n].to_vec();
            }
        }
    }
    shared.closed.fetch_add(1, Ordering::Relaxed);
}

/// Connects, sends the request and reads the response head. Answers the stream,
/// the body bytes already read, and whether the body is chunked.
async fn open(addr: &str, path: &str) -> Result<(TcpStream, Vec<u8>, bool), String> {
    let mut stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {:?}", e.kind()))?;
    let _ = stream.set_nodelay(true);
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\
         Cache-Control: no-cache\r\nUser-Agent: sse_load\r\n\r\n"
    );
    stream
        .write_all(request.as_bytes())
        .await
        .map_err(|e| format!("write: {:?}", e.kind()))?;
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 4096];
    let end = loop {
        let n = stream
            .read(&mut buf)
            .await
            .map_err(|e| format!("read: {:?}", e.kind()))?;
        if n == 0 {
            return Err("closed before the response head".into());
        }
        head.extend_from_slice(&buf[..n]);
        if let Some(p) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        if head.len() > 32 * 1024 {
            return Err("response head too long".into());
        }
    };
    let text = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let status = text.split_whitespace().nth(1).unwrap_or("?").to_string();
    if status != "200" {
        return Err(format!("HTTP {status}"));
    }
    let chunked = text
        .lines()
        .any(|l| l.starts_with("transfer-encoding:") && l.contains("chunked"));
    Ok((stream, head[end..].to_vec(), chunked))
}

/// The `order_state` of an order's JSON, found without parsing all of it.
fn order_state(data: &str) -> Option<&str> {
    let key = "\"order_state\":";
    let rest = data[data.find(key)? + key.len()..].trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

/// An HTTP/1.1 chunked-body decoder (pass-through when the body is not chunked).
struct Dechunk {
    chunked: bool,
    raw: Vec<u8>,
    /// Bytes left in the current chunk; `None` while a size line is expected.
    left: Option<usize>,
    /// The CRLF after a chunk's data is still due.
    crlf_due: bool,
    ended: bool,
}

impl Dechunk {
    fn new(chunked: bool) -> Dechunk {
        Dechunk {
            chunked,
            raw: Vec::new(),
            left: None,
            crlf_due: false,
            ended: false,
        }
    }

    fn push(&mut self, bytes: &[u8]) -> Vec<u8> {
        if !self.chunked {
            return bytes.to_vec();
        }
        self.raw.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut pos = 0;
        while !self.ended {
            if self.crlf_due {
                if self.raw.len() - pos < 2 {
                    break;
                }
                pos += 2;
                self.crlf_due = false;
            }
            match self.left {
                None => {
                    let Some(nl) = self.raw[pos..].windows(2).position(|w| w == b"\r\n") else {
                        break;
                    };
                    let line = String::from_utf8_lossy(&self.raw[pos..pos + nl]).into_owned();
                    pos += nl + 2;
                    let size =
                        usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
                            .unwrap_or(0);
                    if size == 0 {
                        self.ended = true;
                    } else {
                        self.left = Some(size);
                    }
                }
                Some(left) => {
                    let take = left.min(self.raw.len() - pos);
                    if take == 0 {
                        break;
                    }
                    out.extend_from_slice(&self.raw[pos..pos + take]);
                    pos += take;
                    if take == left {
                        self.left = None;
                        self.crlf_due = true;
                    } else {
                        self.left = Some(left - take);
                    }
                }
            }
        }
        self.raw.drain(..pos);
        out
    }
}

/// One server-sent event.
#[derive(Default)]
struct SseEvent {
    event: Option<String>,
    data: String,
}

/// A minimal incremental `text/event-stream` parser.
#[derive(Default)]
struct SseParser {
    buf: Vec<u8>,
    current: SseEvent,
    has_data: bool,
}

impl SseParser {
    fn push(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut start = 0;
        while let Some(nl) = self.buf[start..].iter().position(|b| *b == b'\n') {
            let mut line = &self.buf[start..start + nl];
            start += nl + 1;
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            if line.is_empty() {
                if self.has_data || self.current.event.is_some() {
                    out.push(std::mem::take(&mut self.current));
                }
                self.current = SseEvent::default();
                self.has_data = false;
                continue;
            }
            if line[0] == b':' {
                continue;
            }
            let line = String::from_utf8_lossy(line);
            let (field, value) = match line.split_once(':') {
                Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
                None => (line.as_ref(), ""),
            };
            match field {
                "data" => {
                    if self.has_data {
                        self.current.data.push('\n');
                    }
                    self.current.data.push_str(value);
                    self.has_data = true;
                }
                "event" => self.current.event = Some(value.to_string()),
                _ => {}
            }
        }
        self.buf.drain(..start);
        out
    }
}
