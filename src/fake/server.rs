//! Accepting connections, applying latency, rate limits and faults, and
//! closing connections on purpose (a `Notify` per connection lets a handler
//! drop its socket without answering).

use super::faults::{Endpoint, Fault};
use super::reply::Reply;
use super::state::{
    FakeContact, FakeMessage, Identity, RateStatus, RequestRecord, Settings, State,
};
use super::{graph, intercom, test_api};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited, StreamBody, combinators::BoxBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The largest request body the fake reads.
const MAX_REQUEST: usize = 1_000_000;

#[derive(Debug, Clone, Default)]
pub struct FakeOptions {
    /// 0 picks a free port.
    pub port: u16,
    pub settings: Settings,
    pub identity: Identity,
    /// Graph template objects. Empty means the demo templates.
    pub templates: Vec<Value>,
    /// Start with the demo's existing contacts.
    pub seed_contacts: bool,
}

pub(super) struct Shared {
    state: Mutex<State>,
    origin: String,
}

impl Shared {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere must not take the fake down with a poisoned lock.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A running fake workspace. Stops when dropped.
pub struct FakeServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: CancellationToken,
}

type Body = BoxBody<Bytes, std::io::Error>;

impl FakeServer {
    pub async fn start(opts: FakeOptions) -> std::io::Result<FakeServer> {
        let listener = TcpListener::bind(("127.0.0.1", opts.port)).await?;
        let addr = listener.local_addr()?;
        let templates = if opts.templates.is_empty() {
            super::demo::demo_templates()
        } else {
            opts.templates
        };
        let mut state = State::new(opts.identity, opts.settings, templates);
        if opts.seed_contacts {
            state.contacts = super::demo::demo_contacts();
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            origin: format!("http://{addr}"),
        });
        let shutdown = CancellationToken::new();
        tokio::spawn(accept(listener, shared.clone(), shutdown.clone()));
        Ok(FakeServer {
            addr,
            shared,
            shutdown,
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL for the Intercom client.
    pub fn intercom_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Base URL for the Graph client (the version goes in the path).
    pub fn graph_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn identity(&self) -> Identity {
        self.shared.lock().identity.clone()
    }

    pub fn contacts(&self) -> Vec<FakeContact> {
        self.shared.lock().contacts.clone()
    }

    pub fn messages(&self) -> Vec<FakeMessage> {
        self.shared.lock().messages.clone()
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().requests.clone()
    }

    /// Forgets the requests received so far (to count those of one step).
    pub fn clear_requests(&self) {
        self.shared.lock().requests.clear();
    }

    /// Queues faults for the next requests to `endpoint`.
    pub fn script(&self, endpoint: Endpoint, faults: impl IntoIterator<Item = Fault>) {
        self.shared.lock().scripts.push(endpoint, faults);
    }

    pub fn settings(&self, change: impl FnOnce(&mut Settings)) {
        change(&mut self.shared.lock().settings);
    }

    pub fn set_templates(&self, templates: Vec<Value>) {
        self.shared.lock().templates = templates;
    }

    pub fn add_contact(&self, contact: FakeContact) {
        self.shared.lock().contacts.push(contact);
    }

    pub fn stop(&self) {
        self.shutdown.cancel();
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>, shutdown: CancellationToken) {
    loop {
        let stream = tokio::select! {
            _ = shutdown.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::warn!(error = %e, "fake: accept failed");
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let svc = {
                let kill = kill.clone();
                service_fn(move |req| {
                    let shared = shared.clone();
                    let kill = kill.clone();
                    async move { Ok::<_, Infallible>(handle(shared, kill, req).await) }
                })
            };
            let conn = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = shutdown.cancelled() => {}
            }
        });
    }
}

fn full(reply: Reply, rate: Option<RateStatus>) -> Response<Body> {
    let len = reply.body.len();
    let mut resp = Response::builder()
        .status(reply.status)
        .header("content-type", reply.content_type)
        .header("content-length", len);
    if let Some(r) = rate {
        resp = resp
            .header("x-ratelimit-limit", r.limit)
            .header("x-ratelimit-remaining", r.remaining)
            .header("x-ratelimit-reset", r.reset);
    }
    resp.body(
        Full::new(Bytes::from(reply.body))
            .map_err(|never| match never {})
            .boxed(),
    )
    .unwrap_or_else(|_| Response::new(Full::new(Bytes::new()).map_err(|n| match n {}).boxed()))
}

/// Sleeps until `deadline`, to the microsecond: tokio's timer rounds up to
/// whole milliseconds, which would add about one to every answer and to
/// every figure a bench divides by the latency. The last stretch is waited
/// out by yielding (only when a latency is set).
async fn wait_until(deadline: tokio::time::Instant) {
    if let Some(coarse) = deadline.checked_sub(std::time::Duration::from_millis(2)) {
        tokio::time::sleep_until(coarse).await;
    }
    while tokio::time::Instant::now() < deadline {
        tokio::task::yield_now().await;
    }
}

/// Closes this request's connection without an answer.
async fn hang_up(kill: &Notify) -> Response<Body> {
    kill.notify_one();
    std::future::pending().await
}

async fn handle(shared: Arc<Shared>, kill: Arc<Notify>, req: Request<Incoming>) -> Response<Body> {
    let arrived = tokio::time::Instant::now();
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (authorization, accept, version) = (
        header("authorization"),
        header("accept"),
        header("intercom-version"),
    );
    let body = match Limited::new(req.into_body(), MAX_REQUEST).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return full(
                Reply::intercom_error(413, "request_too_large", "Request body too large"),
                None,
            );
        }
    };

    if let Some(rest) = path.strip_prefix("/_fake/") {
        return full(test_api::handle(&shared, &method, rest, &body), None);
    }

    let is_graph = graph::is_graph_path(&path);
    let endpoint = if is_graph {
        (method == "GET" && path.ends_with("/message_templates")).then_some(Endpoint::Templates)
    } else {
        intercom::endpoint(&method, &path)
    };
    let latency = shared.lock().settings.latency;
    if !latency.is_zero() {
        wait_until(arrived + latency).await;
    }
    let (fault, rate) = {
        let mut st = shared.lock();
        let fault = endpoint.map(|e| st.scripts.next(e)).unwrap_or(Fault::Ok);
        let rate = (!is_graph).then(|| st.take_rate());
        (fault, rate)
    };
    let fault_name = (fault != Fault::Ok).then(|| fault.to_string());
    let log = |status: u16| {
        shared
            .lock()
            .log(&method, &path, endpoint, status, fault_name.clone())
    };

    if rate.is_some_and(|r| r.exceeded) {
        let limit = rate.map(|r| r.limit).unwrap_or(0);
        let window = shared.lock().settings.window.as_secs().max(1);
        log(429);
        return full(
            Reply::intercom_error(
                429,
                "rate_limit_exceeded",
                &format!("Exceeded rate limit of {limit} in {window}_seconds"),
            ),
            rate,
        );
    }

    let waba_id = shared.lock().identity.waba_id.clone();
    let error_reply = |status: u16, code: Option<&str>| {
        if is_graph {
            graph::error_for_status(status, &waba_id)
        } else {
            intercom::error_for_fault(status, code)
        }
    };
    // A 409 on create is a race lost to another create: the contact exists
    // (made now), and the answer names it, as Intercom's does.
    let conflict = match (&fault, endpoint) {
        (Fault::Status(409), Some(Endpoint::Create)) => Some(false),
        (Fault::Code(409, code), Some(Endpoint::Create)) => Some(code == "archived"),
        _ => None,
    };

    match &fault {
        Fault::DropBefore => {
            log(0);
            return hang_up(&kill).await;
        }
        Fault::Status(s) | Fault::Code(s, _) if conflict.is_none() => {
            let code = match &fault {
                Fault::Code(_, c) => Some(c.as_str()),
                _ => None,
            };
            let reply = error_reply(*s, code);
            log(reply.status);
            return full(reply, rate);
        }
        Fault::Html(s) => {
            log(*s);
            return full(Reply::html(*s), rate);
        }
        Fault::RateLimit(_) if is_graph => {
            // Graph says "too many" with a code in a 400, no reset header.
            let reply = graph::rate_limited(&waba_id);
            log(reply.status);
            return full(reply, None);
        }
        Fault::RateLimit(after) => {
            log(429);
            let reset = super::state::unix_now() as u64 + after.as_secs_f64().ceil() as u64;
            let status = RateStatus {
                limit: rate.map(|r| r.limit).unwrap_or(167),
                remaining: 0,
                reset,
                exceeded: true,
            };
            let mut resp = full(error_reply(429, None), Some(status));
            if let Ok(v) = after.as_secs_f64().ceil().to_string().parse() {
                resp.headers_mut().insert("retry-after", v);
            }
            return resp;
        }
        _ => {}
    }

    let mut reply = {
        let mut st = shared.lock();
        if is_graph {
            graph::handle(
                &st,
                &graph::Call {
                    path: &path,
                    query: &query,
                    authorization: authorization.as_deref(),
                    origin: &shared.origin,
                },
            )
        } else {
            intercom::handle(
                &mut st,
                &intercom::Call {
                    method: &method,
                    path: &path,
                    authorization: authorization.as_deref(),
                    accept: accept.as_deref(),
                    version: version.as_deref(),
                    body: &body,
                },
            )
        }
    };
    if let Some(archived) = conflict
        && reply.status == 200
    {
        reply = intercom::conflict_for_created(&reply, archived);
    }
    log(reply.status);
    if let Fault::Delay(d) = fault {
        // Processed at once, answered late: what a client timeout meets.
        tokio::time::sleep(d).await;
    }

    match fault {
        Fault::DropAfter => hang_up(&kill).await,
        Fault::Malformed => full(
            Reply {
                status: 200,
                body: b"{\"type\":\"contact\",\"id\":\"6762f0dd1bb6".to_vec(),
                content_type: "application/json",
            },
            rate,
        ),
        Fault::Truncated => {
            let cut = reply.body.len() / 2;
            let first = Bytes::from(reply.body[..cut].to_vec());
            let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = vec![
                Ok(Frame::data(first)),
                Err(std::io::Error::other("truncated on purpose")),
            ];
            Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .header("content-length", reply.body.len())
                .body(StreamBody::new(futures::stream::iter(frames)).boxed())
                .unwrap_or_else(|_| full(Reply::html(500), None))
        }
        _ => full(reply, rate),
    }
}
