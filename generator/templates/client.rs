//! The async HTTP client (cargo feature `client`): sends operations with a bearer token.
//!
//! [`Client`] sends any [`Operation`] of this crate over HTTPS with [reqwest] (rustls, no
//! OpenSSL) and decodes the answer with the operation's own
//! [`parse_response`](Operation::parse_response), so the typed results and errors are exactly those
//! of the sans-IO layer. On top of that it
//!
//! - adds `Authorization: Bearer {token}` from a [`TokenSource`] (a fixed token, or an async
//!   callback such as one backed by `azure_identity`, called before every request) and a fresh
//!   `client-request-id` to every request;
//! - refuses a request whose path has an empty segment (what an empty id produces) before sending;
//! - retries `429`, `503` and `504` honouring `Retry-After`, within a [`RetryPolicy`]: a bounded
//!   number of attempts and a bounded total wait. `POST` and `PATCH` are retried only on `429` and
//!   `503`, where the service says it did not act; idempotent requests also on `504` and on
//!   transport errors;
//! - follows `@odata.nextLink` page by page with [`Client::pages`], never to another host than the
//!   configured cloud's and never twice to the same link;
//! - applies a timeout to the whole request (100 s by default) and to connecting (30 s).
//!
//! The token is never written anywhere: the `Debug` output of [`Client`], [`ClientBuilder`],
//! [`TokenSource`] and [`ClientError`] shows `<redacted>` instead, and the header carrying it is
//! marked sensitive.
//!
//! The client needs a [Tokio](tokio) runtime with the time driver enabled (as `#[tokio::main]`
//! starts it), because reqwest runs on Tokio and retry delays use its timer.
//!
//! ```
//! use __CRATE__::client::{Client, ClientError, TokenSource};
//! use __CRATE__::odata::{Operation, Page};
// @profile graph
//! use __CRATE__::odata::Cloud;
// @end
// @profile odata
//! use __CRATE__::odata::ServiceRoot;
// @end
//!
//! /// Sends any operation, then reads every item of any list, page after page.
//! async fn example<O, L, T>(op: O, list: L) -> Result<(O::Output, Vec<T>), ClientError>
//! where
//!     O: Operation,
//!     L: Operation<Output = Page<T>>,
//!     T: serde::de::DeserializeOwned + Send + 'static,
//! {
// @profile graph
//!     let token = std::env::var("GRAPH_TOKEN").unwrap_or_default();
//!     let client = Client::new(Cloud::Global, TokenSource::fixed(token))?;
// @end
// @profile odata
//!     let root = ServiceRoot::new("https://host/odata/v4/catalog/");
//!     let client = Client::new(root, TokenSource::none())?;
// @end
//!     let output = client.send(&op).await?;
//!     let items = client.pages(&list).collect_all().await?;
//!     Ok((output, items))
//! }
//! ```
//!
//! [`Pages`] is also a `Stream` of pages, and [`Pages::items`] a `Stream` of items.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};
// @profile graph
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
// @end

use futures_core::Stream;
use serde::de::DeserializeOwned;

use crate::odata::{Operation, Page, ServiceRoot};

/// The error type a token callback may return.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The future a token callback returns, boxed.
type TokenFuture = Pin<Box<dyn Future<Output = Result<String, BoxError>> + Send>>;

/// The timeout for a whole request (connecting, sending, receiving the whole body) by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// The timeout for connecting (TCP and TLS) by default.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

/// How every request authenticates: a bearer token (static or from a callback), HTTP basic
/// authentication, a header of the service's own (an API key), or nothing.
///
/// `Debug` prints `<redacted>` instead of a token, password or header value.
#[derive(Clone)]
#[non_exhaustive]
pub enum TokenSource {
    /// A static bearer token, sent as it is (without the `Bearer ` prefix).
    Fixed(String),
    /// An async callback, called before every request (retries included), so it can refresh
    /// tokens; build it with [`TokenSource::callback`].
    Callback(TokenCallback),
    /// `Authorization: Basic base64(user:password)`; build it with [`TokenSource::basic`].
    Basic {
        /// The user name.
        user: String,
        /// The password.
        password: String,
    },
    /// A header of the service's own, such as `x-api-key`; build it with [`TokenSource::header`].
    Header {
        /// The header's name.
        name: String,
        /// Its value.
        value: String,
    },
    /// No authentication: nothing is added to the requests.
    None,
}

impl TokenSource {
    /// A static bearer token (the token itself, without the `Bearer ` prefix).
    pub fn fixed(token: impl Into<String>) -> Self {
        TokenSource::Fixed(token.into())
    }

    /// HTTP basic authentication.
    pub fn basic(user: impl Into<String>, password: impl Into<String>) -> Self {
        TokenSource::Basic { user: user.into(), password: password.into() }
    }

    /// A header sent with every request, such as `x-api-key: <key>`.
    pub fn header(name: impl Into<String>, value: impl Into<String>) -> Self {
        TokenSource::Header { name: name.into(), value: value.into() }
    }

    /// No authentication.
    pub fn none() -> Self {
        TokenSource::None
    }

    /// An async callback that returns a bearer token, called before every request, such as one
    /// that asks `azure_identity` (which caches and refreshes tokens itself):
    ///
    /// ```
    /// use __CRATE__::client::TokenSource;
    ///
    /// let tokens = TokenSource::callback(|| async {
    ///     // Ask your identity library here; with azure_identity:
    ///     // `credential.get_token(&["https://graph.microsoft.com/.default"], None).await?`.
    ///     Ok(std::env::var("GRAPH_TOKEN")?)
    /// });
    /// ```
    ///
    /// An error it returns stops the request with [`ClientError::Token`], which keeps the error's
    /// message: make sure that message holds no secret.
    pub fn callback<F, Fut>(f: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<String, Box<dyn std::error::Error + Send + Sync>>> + Send + 'static,
    {
        TokenSource::Callback(TokenCallback(Arc::new(move || -> TokenFuture { Box::pin(f()) })))
    }

    /// The header to send now, marked sensitive, if any.
    async fn header_now(&self) -> Result<Option<(http::HeaderName, http::HeaderValue)>, ClientError> {
        let invalid = |what: &str| ClientError::Token(format!("the {what} is not a valid HTTP header value"));
        let (name, text) = match self {
            TokenSource::Fixed(token) => (http::header::AUTHORIZATION, format!("Bearer {token}")),
            TokenSource::Callback(callback) => {
                let token = (callback.0)().await.map_err(|e| ClientError::Token(e.to_string()))?;
                (http::header::AUTHORIZATION, format!("Bearer {token}"))
            }
            TokenSource::Basic { user, password } => {
                (http::header::AUTHORIZATION, format!("Basic {}", base64(format!("{user}:{password}").as_bytes())))
            }
            TokenSource::Header { name, value } => {
                let name = http::HeaderName::try_from(name.as_str())
                    .map_err(|_| ClientError::Token(format!("`{name}` is not a valid HTTP header name")))?;
                (name, value.clone())
            }
            TokenSource::None => return Ok(None),
        };
        let what = if matches!(self, TokenSource::Header { .. }) { "header" } else { "token" };
        let mut value = http::HeaderValue::try_from(text).map_err(|_| invalid(what))?;
        value.set_sensitive(true);
        Ok(Some((name, value)))
    }
}

/// Standard base64 with padding (RFC 4648 §4), for basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenSource::Fixed(_) => f.write_str("Fixed(<redacted>)"),
            TokenSource::Callback(callback) => f.debug_tuple("Callback").field(callback).finish(),
            TokenSource::Basic { user, .. } => write!(f, "Basic {{ user: {user:?}, password: <redacted> }}"),
            TokenSource::Header { name, .. } => write!(f, "Header {{ name: {name:?}, value: <redacted> }}"),
            TokenSource::None => f.write_str("None"),
        }
    }
}

/// An async function that returns a bearer token; see [`TokenSource::callback`].
#[derive(Clone)]
pub struct TokenCallback(Arc<dyn Fn() -> TokenFuture + Send + Sync>);

impl fmt::Debug for TokenCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<callback returning a <redacted> token>")
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/// When and how long to wait before sending a request again.
///
/// Retried are `429 Too Many Requests` and `503 Service Unavailable` for every method (the service
/// did not act on the request), and `504 Gateway Timeout` and transport errors (connection refused
/// or reset, ...) only for idempotent methods (`GET`, `HEAD`, `PUT`, `DELETE`, `OPTIONS`), since a
/// `POST` or `PATCH` may have been carried out. Timeouts are not retried: the timeout bounds the
/// whole call.
///
/// Each wait is the response's `Retry-After` (seconds or an HTTP date) when it has one, else
/// `default_delay` doubled for every retry already made (1 s, 2 s, 4 s, ... by default). The client
/// gives up with [`ClientError::RetriesExhausted`] after `max_attempts` attempts, or as soon as the
/// next wait would bring the total waited above `max_total_wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RetryPolicy {
    /// How many times a request is sent at most, the first time included (`1` disables retries;
    /// `0` counts as `1`).
    pub max_attempts: u32,
    /// The most time spent waiting between attempts, added up over one call.
    pub max_total_wait: Duration,
    /// The first wait when the response has no usable `Retry-After`; it doubles with each retry.
    pub default_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 60 s of waiting in total, 1 s (then 2 s, 4 s) when `Retry-After` is absent.
    fn default() -> Self {
        RetryPolicy { max_attempts: 4, max_total_wait: Duration::from_secs(60), default_delay: Duration::from_secs(1) }
    }
}

/// Configures a [`Client`]; start with [`Client::builder`].
///
/// `Debug` prints `<redacted>` instead of the token.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    root: ServiceRoot,
    token: TokenSource,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    /// The user's own reqwest client, used as it is configured.
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// Sets the retry policy ([`RetryPolicy::default`] unless set).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the timeout of one whole request, from connecting to the end of the response body
    /// (100 s unless set). A request that takes longer fails with [`ClientError::Timeout`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets the timeout for connecting to the service, TLS handshake included (30 s unless set).
    /// Not used with [`ClientBuilder::http_client`], whose own settings apply.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends with this reqwest client, as it is configured (proxies, TLS roots, connection pool,
    /// connect timeout, default headers) instead of one of the crate's own. The
    /// [`ClientBuilder::timeout`] still bounds every request.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`ClientError::InvalidRequest`] when the cloud's base URL is not an absolute
    /// `http` or `https` URL with a host, and with [`ClientError::Transport`] when the HTTP client
    /// cannot be set up.
    pub fn build(self) -> Result<Client, ClientError> {
        let base_url = self.root.base_url();
        let origin = reqwest::Url::parse(base_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
            .map(|url| Origin::of(&url))
            .ok_or_else(|| {
                ClientError::InvalidRequest(format!(
                    "the base URL `{base_url}` is not an absolute http or https URL with a host"
                ))
            })?;
        let http = match &self.http {
            Some(http) => http.clone(),
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                .user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(|e| ClientError::Transport { message: error_chain(&e) })?,
        };
        Ok(Client { inner: Arc::new(Inner { http, origin, config: self }) })
    }
}

// ---------------------------------------------------------------------------------------------
// The client
// ---------------------------------------------------------------------------------------------

/// Sends operations to the service. Cloning it is cheap and shares the connection pool.
///
/// `Debug` prints `<redacted>` instead of the token.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Scheme, host and port of the cloud's base URL: the only place next links may lead.
    origin: Origin,
    config: ClientBuilder,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.inner.config;
        f.debug_struct("Client")
            .field("root", &config.root)
            .field("token", &config.token)
            .field("retry", &config.retry)
            .field("timeout", &config.timeout)
            .field("connect_timeout", &config.connect_timeout)
            .finish()
    }
}

impl Client {
    /// A client for `cloud` with the default retry policy and timeouts; see [`ClientBuilder::build`]
    /// for the errors.
    pub fn new(root: ServiceRoot, token: TokenSource) -> Result<Client, ClientError> {
        Client::builder(root, token).build()
    }

    /// A builder to set the retry policy and timeouts.
    pub fn builder(root: ServiceRoot, token: TokenSource) -> ClientBuilder {
        ClientBuilder {
            root,
            token,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            http: None,
        }
    }

    /// Sends one operation and decodes the response with its
    /// [`parse_response`](Operation::parse_response), retrying as the [`RetryPolicy`] says.
    ///
    /// The request is [`to_request`](Operation::to_request) for the configured cloud, with
    /// `Authorization: Bearer {token}` and a fresh `client-request-id` (a random UUID) added to
    /// each attempt. A request whose path has an empty segment (an empty id) is refused with
    /// [`ClientError::InvalidRequest`] before anything is sent.
    pub async fn send<O: Operation>(&self, operation: &O) -> Result<O::Output, ClientError> {
        let request = Prepared::new(operation.to_request(&self.inner.config.root))?;
        self.execute(&request, |response| operation.parse_response(response)).await
    }

    /// The pages of a collection: the first from `operation`, then each `@odata.nextLink`.
    ///
    /// Nothing is sent until the first page is asked for ([`Pages`] is a [`Stream`]; or
    /// [`Pages::next_page`], [`Pages::collect_all`], [`Pages::items`]). Next pages
    /// are fetched with `GET` and the headers of the first request (such as
    /// `ConsistencyLevel: eventual`), each with a fresh `client-request-id`, and decoded with
    /// [`parse_page`](crate::odata::parse_page). A next link to another scheme, host or port than
    /// the cloud's base URL is refused with [`ClientError::ForeignNextLink`] (the token is never
    /// sent there), and a link already followed stops with [`ClientError::NextLinkLoop`].
    pub fn pages<O, T>(&self, operation: &O) -> Pages<T>
    where
        O: Operation<Output = Page<T>>,
        T: DeserializeOwned + Send + 'static,
    {
        let next = match Prepared::new(operation.to_request(&self.inner.config.root)) {
            Ok(request) => Next::First(request),
            Err(error) => Next::Failed(error),
        };
        let cursor =
            Cursor { client: self.clone(), next, seen: HashSet::new(), headers: http::HeaderMap::new(), base: None };
        Pages { cursor: Some(cursor), fetching: None }
    }

    /// Sends `request` until it succeeds, fails for good, or the retry budget is spent.
    async fn execute<R>(
        &self,
        request: &Prepared,
        parse: impl Fn(http::Response<Vec<u8>>) -> Result<R, crate::odata::Error>,
    ) -> Result<R, ClientError> {
        let policy = &self.inner.config.retry;
        let idempotent = is_idempotent(&request.method);
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        loop {
            let sent = self.attempt(request, &parse);
            // A span per attempt: method, path (no query: it may hold filter values), attempt,
            // and the status once the answer is in.
            #[cfg(feature = "tracing")]
            let sent = tracing::Instrument::instrument(
                sent,
                tracing::info_span!(
                    "odata_request",
                    method = %request.method,
                    path = request.url.path(),
                    attempt,
                    status = tracing::field::Empty,
                ),
            );
            let error = match sent.await {
                Ok(output) => return Ok(output),
                Err(error) => error,
            };
            match plan_retry(&error, idempotent, attempt, waited, policy, SystemTime::now()) {
                Plan::GiveUp => return Err(error),
                Plan::Exhausted => {
                    return Err(ClientError::RetriesExhausted { attempts: attempt, last: Box::new(error) });
                }
                Plan::Wait(delay) => {
                    #[cfg(feature = "tracing")]
                    tracing::info!(attempt, ?delay, error = %error, "retrying");
                    if !delay.is_zero() {
                        tokio::time::sleep(delay).await;
                    }
                    waited += delay;
                    attempt += 1;
                }
            }
        }
    }

    /// Sends `request` once.
    async fn attempt<R>(
        &self,
        request: &Prepared,
        parse: &impl Fn(http::Response<Vec<u8>>) -> Result<R, crate::odata::Error>,
    ) -> Result<R, ClientError> {
        let authentication = self.inner.config.token.header_now().await?;

        let mut outgoing = reqwest::Request::new(request.method.clone(), request.url.clone());
        // Per request, so that it holds with the user's own reqwest client too.
        *outgoing.timeout_mut() = Some(self.inner.config.timeout);
        let headers = outgoing.headers_mut();
        headers.clone_from(&request.headers);
        if let Some((name, value)) = authentication {
            headers.insert(name, value);
        }
        // @profile graph
        if let Ok(id) = http::HeaderValue::try_from(new_request_id()) {
            headers.insert("client-request-id", id);
        }
        // @end
        // Methods that carry a body get one even when it is empty, so `Content-Length: 0` is sent.
        if !request.body.is_empty()
            || matches!(request.method, http::Method::POST | http::Method::PUT | http::Method::PATCH)
        {
            *outgoing.body_mut() = Some(request.body.clone().into());
        }

        let response = self.inner.http.execute(outgoing).await.map_err(ClientError::from_reqwest)?;
        let status = response.status();
        #[cfg(feature = "tracing")]
        tracing::Span::current().record("status", status.as_u16());
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(ClientError::from_reqwest)?;
        let mut received = http::Response::new(body.to_vec());
        *received.status_mut() = status;
        *received.version_mut() = version;
        *received.headers_mut() = headers;
        parse(received).map_err(ClientError::Service)
    }
}

/// A request checked and taken apart, ready to be sent any number of times (without the
/// `Authorization` header, which each attempt adds).
#[derive(Debug)]
struct Prepared {
    method: http::Method,
    url: reqwest::Url,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Prepared {
    /// Checks a request built by an operation: an absolute URL whose path has neither empty nor
    /// dot segments, so that it reaches the resource it names.
    fn new(request: http::Request<Vec<u8>>) -> Result<Self, ClientError> {
        let (parts, body) = request.into_parts();
        let uri = parts.uri.to_string();
        let path = parts.uri.path();
        if has_empty_segment(path) {
            return Err(ClientError::InvalidRequest(format!(
                "the request path `{path}` has an empty segment (is an id empty?)"
            )));
        }
        // `%2E` is `.` to URL parsers (the `url` crate included), so `.` and `..` as ids, even
        // percent-encoded, would be dropped or walk up the path: no encoding keeps them one segment.
        if path.split('/').any(is_dot_segment) {
            return Err(ClientError::InvalidRequest(format!(
                "the request path `{path}` has a `.` or `..` segment (is an id `.` or `..`?), which URL \
                 normalization would remove"
            )));
        }
        let url = reqwest::Url::parse(&uri)
            .map_err(|e| ClientError::InvalidRequest(format!("the request URL `{uri}` is not absolute: {e}")))?;
        if url.path() != path || url.query() != parts.uri.query() {
            return Err(ClientError::InvalidRequest(format!(
                "the request URL `{uri}` would be sent as `{url}`, which may name another resource"
            )));
        }
        Ok(Prepared { method: parts.method, url, headers: parts.headers, body })
    }
}

/// Whether a URL path such as `/beta/x//y` or `/beta/x/` has an empty segment.
fn has_empty_segment(path: &str) -> bool {
    path.strip_prefix('/').unwrap_or(path).split('/').any(str::is_empty)
}

/// Whether a path segment means `.` or `..` to a URL parser: `.`, `..`, or either with any dot
/// written as `%2E` or `%2e`.
fn is_dot_segment(segment: &str) -> bool {
    matches!(segment.to_ascii_lowercase().replace("%2e", ".").as_str(), "." | "..")
}

fn is_idempotent(method: &http::Method) -> bool {
    matches!(
        *method,
        http::Method::GET | http::Method::HEAD | http::Method::PUT | http::Method::DELETE | http::Method::OPTIONS
    )
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// The error is final: return it as it is.
    GiveUp,
    /// The error could be retried but the budget is spent: return it in `RetriesExhausted`.
    Exhausted,
    /// Wait this long, then send again.
    Wait(Duration),
}

/// Decides what follows failed attempt number `attempt` (from 1), `waited` having been spent
/// waiting so far.
fn plan_retry(
    error: &ClientError,
    idempotent: bool,
    attempt: u32,
    waited: Duration,
    policy: &RetryPolicy,
    now: SystemTime,
) -> Plan {
    let retry_after = match error {
        ClientError::Service(e) => match e.status().as_u16() {
            429 | 503 => retry_after(e.headers(), now),
            504 if idempotent => retry_after(e.headers(), now),
            _ => return Plan::GiveUp,
        },
        ClientError::Transport { .. } if idempotent => None,
        _ => return Plan::GiveUp,
    };
    if attempt >= policy.max_attempts.max(1) {
        return Plan::Exhausted;
    }
    let delay = retry_after.unwrap_or_else(|| backoff(policy.default_delay, attempt));
    match waited.checked_add(delay) {
        Some(total) if total <= policy.max_total_wait => Plan::Wait(delay),
        _ => Plan::Exhausted,
    }
}

/// `default_delay` doubled for each retry before this one: the wait after attempt `attempt`.
fn backoff(default_delay: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    default_delay.checked_mul(1 << doublings).unwrap_or(Duration::MAX)
}

/// The wait a `Retry-After` header asks for: delay-seconds, or an HTTP date (a date in the past
/// means now). `None` when the header is absent or unreadable.
fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Too many digits for a u64 is still a wait longer than any budget.
        return Some(value.parse().map(Duration::from_secs).unwrap_or(Duration::MAX));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

// @profile graph
/// A random UUID (version 4) as text, for `client-request-id`.
///
/// The bits come from the standard library's randomly keyed SipHash (a new random key for every
/// `RandomState`) over a process-wide counter and the clock: unique and unpredictable enough to
/// correlate requests, not meant as a secret.
fn new_request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let mut bytes = [0u8; 16];
    for (half, chunk) in bytes.chunks_mut(8).enumerate() {
        chunk.copy_from_slice(&RandomState::new().hash_one((count, nanos, half)).to_le_bytes());
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}
// @end

/// Scheme, host and port of a URL (the port filled in from the scheme when absent).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: Option<String>,
    port: Option<u16>,
}

impl Origin {
    fn of(url: &reqwest::Url) -> Self {
        Origin {
            scheme: url.scheme().to_owned(),
            host: url.host_str().map(str::to_owned),
            port: url.port_or_known_default(),
        }
    }
}

/// `error`'s message followed by those of its sources, joined with `: `.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

// ---------------------------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------------------------

/// The pages of a collection, fetched one by one; see [`Client::pages`].
///
/// A [`Stream`] of pages (with `futures::TryStreamExt`: `pages.try_collect::<Vec<_>>()`), or
/// one page at a time with [`Pages::next_page`]; [`Pages::items`] streams the items across
/// pages. After an error, or after the page without `@odata.nextLink`, the stream ends.
pub struct Pages<T> {
    /// Where paging stands; `None` while a page is being fetched.
    cursor: Option<Cursor>,
    /// The page being fetched, and the cursor it moves on.
    fetching: Option<Fetch<T>>,
}

/// The fetch of one page: it hands the cursor back with the page.
type Fetch<T> = Pin<Box<dyn Future<Output = (Cursor, Option<Result<Page<T>, ClientError>>)> + Send>>;

/// What the next page is fetched from.
struct Cursor {
    client: Client,
    next: Next,
    /// The URLs already requested, as the `url` crate writes them.
    seen: HashSet<String>,
    /// The headers of the first request, sent again with every next link.
    headers: http::HeaderMap,
    /// What a relative next link of the last page is relative to: its context URL, resolved
    /// against the URL of the request that returned it, or else that URL.
    base: Option<reqwest::Url>,
}

enum Next {
    First(Prepared),
    Link(String),
    Failed(ClientError),
    Done,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(cursor) = &self.cursor else {
            return f.debug_struct("Pages").field("next", &"fetching a page").finish();
        };
        let next = match &cursor.next {
            Next::First(request) => format!("first page {}", request.url),
            Next::Link(link) => format!("next link {link}"),
            Next::Failed(error) => format!("failed: {error}"),
            Next::Done => "done".to_owned(),
        };
        f.debug_struct("Pages").field("client", &cursor.client).field("next", &next).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>, ClientError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.fetching.is_none() {
            let Some(mut cursor) = this.cursor.take() else { return Poll::Ready(None) };
            if matches!(cursor.next, Next::Done) {
                this.cursor = Some(cursor);
                return Poll::Ready(None);
            }
            this.fetching = Some(Box::pin(async move {
                let page = cursor.next_page::<T>().await;
                (cursor, page)
            }));
        }
        let fetching = this.fetching.as_mut().expect("a fetch was just started");
        match fetching.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((cursor, page)) => {
                this.fetching = None;
                this.cursor = Some(cursor);
                Poll::Ready(page)
            }
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    /// Fetches the next page: `None` when the last page (the one without `@odata.nextLink`) has
    /// been returned, or after an error.
    pub async fn next_page(&mut self) -> Option<Result<Page<T>, ClientError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Fetches every remaining page and returns their items in order.
    pub async fn collect_all(mut self) -> Result<Vec<T>, ClientError> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?.value);
        }
        Ok(items)
    }

    /// The items of every remaining page, in order, as a [`Stream`]; the next page is fetched
    /// when the items of the last one have been taken.
    pub fn items(self) -> Items<T> {
        Items { pages: self, buffered: VecDeque::new() }
    }
}

impl Cursor {
    async fn next_page<T: DeserializeOwned>(&mut self) -> Option<Result<Page<T>, ClientError>> {
        let request = match std::mem::replace(&mut self.next, Next::Done) {
            Next::Done => return None,
            Next::Failed(error) => return Some(Err(error)),
            Next::First(request) => {
                self.headers = request.headers.clone();
                self.headers.remove(http::header::CONTENT_TYPE);
                self.headers.remove(http::header::CONTENT_LENGTH);
                request
            }
            Next::Link(link) => match self.follow(&link) {
                Ok(request) => request,
                Err(error) => return Some(Err(error)),
            },
        };
        self.seen.insert(request.url.as_str().to_owned());
        match self.client.execute(&request, crate::odata::parse_page::<T>).await {
            Ok(page) => {
                let context = page.context.as_deref().and_then(|c| request.url.join(c).ok());
                self.base = Some(context.unwrap_or_else(|| request.url.clone()));
                if let Some(link) = &page.next_link {
                    self.next = Next::Link(link.clone());
                }
                Some(Ok(page))
            }
            Err(error) => Some(Err(error)),
        }
    }

    /// The `GET` request for a next link, or why it is not followed.
    fn follow(&self, link: &str) -> Result<Prepared, ClientError> {
        // A relative link is relative to the page's context URL, else to the request's URL
        // (OData JSON Format 4.01, §4.6); Graph sends absolute ones.
        let joined = match &self.base {
            Some(base) => base.join(link),
            None => reqwest::Url::parse(self.client.inner.config.root.base_url()).and_then(|root| root.join(link)),
        };
        let url =
            joined.map_err(|e| ClientError::InvalidRequest(format!("the next link `{link}` is not a URL: {e}")))?;
        if Origin::of(&url) != self.client.inner.origin {
            return Err(ClientError::ForeignNextLink(link.to_owned()));
        }
        if self.seen.contains(url.as_str()) {
            return Err(ClientError::NextLinkLoop(link.to_owned()));
        }
        Ok(Prepared { method: http::Method::GET, url, headers: self.headers.clone(), body: Vec::new() })
    }
}

/// The items of a collection across its pages, as a [`Stream`]; see [`Pages::items`].
pub struct Items<T> {
    pages: Pages<T>,
    /// The items of the last page not taken yet.
    buffered: VecDeque<T>,
}

// The items are only moved out, never pinned.
impl<T> Unpin for Items<T> {}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items").field("pages", &self.pages).field("buffered", &self.buffered.len()).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for Items<T> {
    type Item = Result<T, ClientError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => this.buffered.extend(page.value),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why the client did not return an operation's output.
///
/// Neither `Debug` nor `Display` ever shows the token.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientError {
    /// The service answered, and [`parse_response`](Operation::parse_response) said no: an OData
    /// error body ([`crate::odata::Error::Service`]) or a body that could not be decoded
    /// ([`crate::odata::Error::Decode`], which keeps the raw bytes). Status, headers and the
    /// service's request id are kept.
    Service(crate::odata::Error),
    /// The request could not be sent or its response not received: connection refused or reset,
    /// DNS, TLS, a body cut short, ...
    Transport {
        /// What went wrong, with its causes.
        message: String,
    },
    /// The request took longer than the configured timeout.
    Timeout,
    /// The token callback failed; its message (never a token).
    Token(String),
    /// The request was refused before sending, such as a path with an empty segment (an empty id)
    /// or an unusable base URL.
    InvalidRequest(String),
    /// The service sent a `@odata.nextLink` that was already followed; paging stopped.
    NextLinkLoop(String),
    /// The service sent a `@odata.nextLink` to another scheme, host or port than the configured
    /// cloud's base URL; it was not followed, so the token was not sent there.
    ForeignNextLink(String),
    /// The request failed with a retryable error as often, or for as long, as the [`RetryPolicy`]
    /// allows.
    RetriesExhausted {
        /// How many times the request was sent.
        attempts: u32,
        /// The error of the last attempt.
        last: Box<ClientError>,
    },
}

impl ClientError {
    /// The HTTP status of the service's response, when there was one (also inside
    /// [`ClientError::RetriesExhausted`]).
    pub fn status(&self) -> Option<http::StatusCode> {
        match self {
            ClientError::Service(e) => Some(e.status()),
            ClientError::RetriesExhausted { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The service's `request-id` for the failed call, worth quoting in a support request (also
    /// inside [`ClientError::RetriesExhausted`]).
    pub fn request_id(&self) -> Option<&str> {
        self.service_error().and_then(crate::odata::Error::request_id)
    }

    /// The service's answer, when the error is one (also inside
    /// [`ClientError::RetriesExhausted`]): its status, headers and OData error body.
    pub fn service_error(&self) -> Option<&crate::odata::Error> {
        match self {
            ClientError::Service(e) => Some(e),
            ClientError::RetriesExhausted { last, .. } => last.service_error(),
            _ => None,
        }
    }

    /// The service's error code (`error.code`, such as `ResourceNotFound`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.service_error().and_then(crate::odata::Error::code)
    }

    /// The service's error message (`error.message`), when it sent one.
    pub fn message(&self) -> Option<&str> {
        self.service_error().and_then(crate::odata::Error::message)
    }

    /// What the error is about (`error.target`, such as a property name), when the service said.
    pub fn target(&self) -> Option<&str> {
        self.service_error().and_then(crate::odata::Error::target)
    }

    /// The errors that together caused this one (`error.details`); empty when there are none.
    pub fn details(&self) -> &[crate::odata::ODataErrorDetail] {
        self.service_error().map_or(&[], crate::odata::Error::details)
    }

    /// Whether the service answered `404 Not Found`.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(http::StatusCode::NOT_FOUND)
    }

    /// Whether the service asked the client to slow down: `429 Too Many Requests`, or
    /// `503 Service Unavailable` with a `Retry-After` header.
    pub fn is_throttled(&self) -> bool {
        match self.service_error() {
            Some(e) => {
                e.status() == http::StatusCode::TOO_MANY_REQUESTS
                    || (e.status() == http::StatusCode::SERVICE_UNAVAILABLE
                        && e.headers().contains_key(http::header::RETRY_AFTER))
            }
            None => false,
        }
    }

    /// How long the service asked to wait before trying again (its `Retry-After` header, in
    /// seconds or as an HTTP date, counted from now), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.service_error().and_then(|e| retry_after(e.headers(), SystemTime::now()))
    }

    fn from_reqwest(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            ClientError::Timeout
        } else if error.is_builder() {
            ClientError::InvalidRequest(error_chain(&error))
        } else {
            ClientError::Transport { message: error_chain(&error) }
        }
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Service(e) => e.fmt(f),
            ClientError::Transport { message } => write!(f, "could not reach the service: {message}"),
            ClientError::Timeout => f.write_str("the request timed out"),
            ClientError::Token(message) => write!(f, "could not get a bearer token: {message}"),
            ClientError::InvalidRequest(message) => write!(f, "refused to send the request: {message}"),
            ClientError::NextLinkLoop(link) => {
                write!(f, "stopped paging: the service sent the next link `{link}` a second time")
            }
            ClientError::ForeignNextLink(link) => {
                write!(f, "refused to follow the next link `{link}`: it leads away from the configured service")
            }
            ClientError::RetriesExhausted { attempts, last } => {
                let s = if *attempts == 1 { "" } else { "s" };
                write!(f, "gave up after {attempts} attempt{s}: {last}")
            }
        }
    }
}

// `Service` is transparent (its Display is the service error's), so it has no source of its
// own; the last attempt is the cause of `RetriesExhausted`.
impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ClientError::RetriesExhausted { last, .. } => Some(last.as_ref()),
            _ => None,
        }
    }
}

impl From<crate::odata::Error> for ClientError {
    fn from(error: crate::odata::Error) -> Self {
        ClientError::Service(error)
    }
}

// @profile graph
#[cfg(test)]
mod tests {
    use super::*;
    use crate::odata::Cloud;
    use std::task::{Context, Poll, Wake, Waker};

    const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.s3cr3t-payload.signature";

    /// Runs a future that needs no I/O driver (such as one that fails before sending).
    fn block_on<F: Future>(future: F) -> F::Output {
        struct ThreadWaker(std::thread::Thread);
        impl Wake for ThreadWaker {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
        let mut context = Context::from_waker(&waker);
        let mut future = std::pin::pin!(future);
        loop {
            match future.as_mut().poll(&mut context) {
                Poll::Ready(output) => return output,
                Poll::Pending => std::thread::park(),
            }
        }
    }

    /// An operation with a given path, standing in for a generated one.
    struct Probe {
        method: http::Method,
        path: String,
    }

    impl Operation for Probe {
        type Output = Page<serde_json::Value>;
        fn to_request(&self, cloud: &Cloud) -> http::Request<Vec<u8>> {
            crate::odata::request(cloud, "beta", self.method.clone(), &self.path, &[], None)
        }
        fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<Self::Output, crate::odata::Error> {
            crate::odata::parse_page(response)
        }
    }

    fn service_error(status: u16, retry_after: Option<&str>) -> ClientError {
        let mut response = http::Response::new(br#"{"error":{"code":"tooMany","message":"slow down"}}"#.to_vec());
        *response.status_mut() = http::StatusCode::from_u16(status).unwrap();
        response.headers_mut().insert("request-id", http::HeaderValue::from_static("req-1"));
        if let Some(value) = retry_after {
            response.headers_mut().insert(http::header::RETRY_AFTER, http::HeaderValue::from_str(value).unwrap());
        }
        ClientError::Service(crate::odata::parse_empty(response).unwrap_err())
    }

    fn transport() -> ClientError {
        ClientError::Transport { message: "connection refused".to_owned() }
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let fixed = TokenSource::fixed(TOKEN);
        let callback = TokenSource::callback(|| async { Ok(TOKEN.to_owned()) });
        for source in [fixed, callback] {
            let builder = Client::builder(Cloud::Global, source.clone());
            let client = builder.clone().build().unwrap();
            for text in [
                format!("{source:?}"),
                format!("{source:#?}"),
                format!("{builder:?}"),
                format!("{client:?}"),
                format!("{client:#?}"),
                format!("{:?}", client.pages(&Probe { method: http::Method::GET, path: "/x".into() })),
            ] {
                assert!(!text.contains("s3cr3t"), "{text}");
                assert!(text.contains("<redacted>"), "{text}");
            }
        }
        assert_eq!(format!("{:?}", TokenSource::fixed(TOKEN)), "Fixed(<redacted>)");
    }

    #[test]
    fn errors_never_show_the_token() {
        let failing = TokenSource::callback(|| async { Err::<String, BoxError>("the vault is locked".into()) });
        let client = Client::new(Cloud::Custom("http://127.0.0.1:9".into()), failing).unwrap();
        let probe = Probe { method: http::Method::GET, path: "/x".into() };
        let error = block_on(client.send(&probe)).unwrap_err();
        assert!(matches!(&error, ClientError::Token(m) if m == "the vault is locked"), "{error:?}");
        assert_eq!(error.to_string(), "could not get a bearer token: the vault is locked");

        let bad = Client::new(Cloud::Global, TokenSource::fixed(format!("{TOKEN}\n"))).unwrap();
        let error = block_on(bad.send(&probe)).unwrap_err();
        assert!(matches!(error, ClientError::Token(_)), "{error:?}");

        for error in [
            error,
            service_error(503, Some("1")),
            transport(),
            ClientError::Timeout,
            ClientError::RetriesExhausted { attempts: 4, last: Box::new(service_error(429, None)) },
        ] {
            for text in [format!("{error:?}"), format!("{error:#?}"), error.to_string()] {
                assert!(!text.contains("s3cr3t"), "{text}");
            }
        }
    }

    #[test]
    fn the_token_callback_is_called_for_every_request() {
        let calls = Arc::new(AtomicU64::new(0));
        let counter = calls.clone();
        let source = TokenSource::callback(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move { Ok(format!("token-{n}")) }
        });
        let sent = |source: &TokenSource| {
            block_on(source.header_now()).unwrap().map(|(name, value)| format!("{name}: {}", value.to_str().unwrap()))
        };
        assert_eq!(sent(&source).as_deref(), Some("authorization: Bearer token-0"));
        assert_eq!(sent(&source).as_deref(), Some("authorization: Bearer token-1"));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert_eq!(sent(&TokenSource::fixed("t")).as_deref(), Some("authorization: Bearer t"));
        assert_eq!(sent(&TokenSource::basic("u", "p")).as_deref(), Some("authorization: Basic dTpw"));
        assert_eq!(sent(&TokenSource::header("x-api-key", "k")).as_deref(), Some("x-api-key: k"));
        assert_eq!(sent(&TokenSource::none()), None);
        assert!(block_on(TokenSource::header("bad name", "k").header_now()).is_err());
    }

    #[test]
    fn empty_and_dot_segments_are_refused_before_sending() {
        // The token callback fails loudly if it is ever reached.
        let source = TokenSource::callback(|| async { Err::<String, BoxError>("must not be called".into()) });
        let client = Client::new(Cloud::Custom("http://127.0.0.1:9/".into()), source).unwrap();
        for path in ["/cas//versions", "/cas/", "//cas"] {
            let probe = Probe { method: http::Method::DELETE, path: path.into() };
            let error = block_on(client.send(&probe)).unwrap_err();
            assert!(matches!(&error, ClientError::InvalidRequest(m) if m.contains("empty segment")), "{path}: {error}");
            let error = block_on(client.pages(&probe).next_page()).unwrap().unwrap_err();
            assert!(matches!(&error, ClientError::InvalidRequest(_)), "{path}: {error}");
        }
        for path in ["/cas/%2E", "/cas/%2e%2E/x", "/cas/./x", "/cas/../x", "/cas/.%2e"] {
            let probe = Probe { method: http::Method::GET, path: path.into() };
            let error = block_on(client.send(&probe)).unwrap_err();
            assert!(matches!(&error, ClientError::InvalidRequest(m) if m.contains("`..`")), "{path}: {error}");
        }
        for segment in [".", "..", "%2E", "%2e", ".%2E", "%2E.", "%2e%2E"] {
            assert!(is_dot_segment(segment), "{segment}");
        }
        for segment in ["", "...", "%252E", "%2E%2E%2E", "a.", ".a", "%2F", "x"] {
            assert!(!is_dot_segment(segment), "{segment}");
        }
        assert!(has_empty_segment("/beta/a//b"));
        assert!(has_empty_segment("/beta/a/"));
        assert!(!has_empty_segment("/beta/a/b"));
        assert!(!has_empty_segment("/beta/a%2F%2Fb"));
    }

    #[test]
    fn unusable_base_urls_are_refused() {
        for base in ["", "graph.microsoft.com", "ftp://graph.microsoft.com", "http://", "mailto:x@y"] {
            let error = Client::new(Cloud::Custom(base.into()), TokenSource::fixed("t")).unwrap_err();
            assert!(matches!(error, ClientError::InvalidRequest(_)), "{base:?}: {error:?}");
        }
        for cloud in [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5Dod, Cloud::China] {
            Client::new(cloud, TokenSource::fixed("t")).unwrap();
        }
        Client::new(Cloud::Custom("http://127.0.0.1:8080/prefix/".into()), TokenSource::fixed("t")).unwrap();
    }

    #[test]
    fn request_ids_are_uuid_v4() {
        let ids: HashSet<String> = (0..2000).map(|_| new_request_id()).collect();
        assert_eq!(ids.len(), 2000);
        for id in &ids {
            let groups: Vec<&str> = id.split('-').collect();
            assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{id}");
            assert!(id.bytes().all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{id}");
            assert!(groups[2].starts_with('4'), "{id}");
            assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'), "{id}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let header = |value: &str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::RETRY_AFTER, http::HeaderValue::from_str(value).unwrap());
            retry_after(&headers, now)
        };
        assert_eq!(header("1"), Some(Duration::from_secs(1)));
        assert_eq!(header(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(header("0"), Some(Duration::ZERO));
        assert_eq!(header("99999999999999999999999"), Some(Duration::MAX));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(header(&later), Some(Duration::from_secs(30)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(header(&earlier), Some(Duration::ZERO));
        // The obsolete forms HTTP recipients must accept.
        assert_eq!(header("Tuesday, 14-Nov-23 22:13:50 GMT"), Some(Duration::from_secs(30)));
        assert_eq!(header("Tue Nov 14 22:13:50 2023"), Some(Duration::from_secs(30)));
        for bad in ["", "-1", "1.5", "soon", "Tue, 14 Nov 2023 25:00:00 GMT"] {
            assert_eq!(header(bad), None, "{bad:?}");
        }
        assert_eq!(retry_after(&http::HeaderMap::new(), now), None);
    }

    #[test]
    fn retry_plans() {
        let now = SystemTime::now();
        let policy = RetryPolicy::default();
        let plan = |error: &ClientError, idempotent: bool, attempt: u32, waited: u64| {
            plan_retry(error, idempotent, attempt, Duration::from_secs(waited), &policy, now)
        };
        let wait = |secs: u64| Plan::Wait(Duration::from_secs(secs));

        // 429 and 503 for every method, honouring Retry-After.
        for idempotent in [true, false] {
            assert_eq!(plan(&service_error(429, Some("7")), idempotent, 1, 0), wait(7));
            assert_eq!(plan(&service_error(503, None), idempotent, 1, 0), wait(1));
        }
        // 504 and transport errors for idempotent methods only.
        assert_eq!(plan(&service_error(504, Some("2")), true, 1, 0), wait(2));
        assert_eq!(plan(&service_error(504, Some("2")), false, 1, 0), Plan::GiveUp);
        assert_eq!(plan(&transport(), true, 1, 0), wait(1));
        assert_eq!(plan(&transport(), false, 1, 0), Plan::GiveUp);
        // Never: other statuses, timeouts, token and request errors.
        for error in [
            service_error(400, None),
            service_error(404, Some("1")),
            service_error(500, Some("1")),
            service_error(502, None),
            ClientError::Timeout,
            ClientError::Token("x".into()),
            ClientError::InvalidRequest("x".into()),
        ] {
            assert_eq!(plan(&error, true, 1, 0), Plan::GiveUp, "{error}");
        }
        // Exponential growth without Retry-After, then the attempt budget.
        let unavailable = service_error(503, None);
        assert_eq!(plan(&unavailable, true, 2, 1), wait(2));
        assert_eq!(plan(&unavailable, true, 3, 3), wait(4));
        assert_eq!(plan(&unavailable, true, 4, 7), Plan::Exhausted);
        // The wait budget: a wait that would pass 60 s in total stops.
        assert_eq!(plan(&service_error(429, Some("60")), true, 1, 0), wait(60));
        assert_eq!(plan(&service_error(429, Some("61")), true, 1, 0), Plan::Exhausted);
        assert_eq!(plan(&service_error(429, Some("30")), true, 2, 31), Plan::Exhausted);
        assert_eq!(plan(&service_error(429, Some("99999999999999999999")), true, 1, 0), Plan::Exhausted);
        // One attempt (or zero, read as one) disables retries.
        let once = RetryPolicy { max_attempts: 0, ..RetryPolicy::default() };
        assert_eq!(plan_retry(&unavailable, true, 1, Duration::ZERO, &once, now), Plan::Exhausted);
        assert_eq!(backoff(Duration::from_secs(1), 40), Duration::from_secs(1 << 31));
        assert_eq!(backoff(Duration::MAX, 3), Duration::MAX);
        assert_eq!(backoff(Duration::from_millis(100), 1), Duration::from_millis(100));
    }

    #[test]
    fn basic_authentication_is_rfc_4648_base64() {
        for (input, expected) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg==")] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let shown = format!("{:?}", TokenSource::basic("user", "secret"));
        assert!(!shown.contains("secret"), "{shown}");
        assert!(!format!("{:?}", TokenSource::header("x-api-key", "k3y")).contains("k3y"));
    }

    #[test]
    fn next_links_stay_on_the_configured_origin_and_never_repeat() {
        let client = Client::new(Cloud::Global, TokenSource::fixed("t")).unwrap();
        let mut pages = client.pages(&Probe { method: http::Method::GET, path: "/x".into() });
        pages.cursor.as_mut().unwrap().headers.insert("consistencylevel", http::HeaderValue::from_static("eventual"));
        let follow = |pages: &Pages<serde_json::Value>, link: &str| pages.cursor.as_ref().unwrap().follow(link);
        for link in [
            "https://graph.microsoft.com/beta/x?$skiptoken=1",
            "https://GRAPH.microsoft.com:443/beta/x?$skiptoken=1",
            "/beta/x?$skiptoken=2",
        ] {
            let request = follow(&pages, link).unwrap();
            assert_eq!(request.method, http::Method::GET);
            assert_eq!(request.url.host_str(), Some("graph.microsoft.com"));
            assert_eq!(request.headers.get("consistencylevel").unwrap(), "eventual");
        }
        // A relative link is relative to the page's context URL (OData JSON Format §4.6).
        let mut after_a_page = client.pages(&Probe { method: http::Method::GET, path: "/x".into() });
        after_a_page.cursor.as_mut().unwrap().base = Some(reqwest::Url::parse("https://graph.microsoft.com/beta/$metadata#x").unwrap());
        let request = follow(&after_a_page, "x?$skiptoken=3").unwrap();
        assert_eq!(request.url.as_str(), "https://graph.microsoft.com/beta/x?$skiptoken=3");
        for link in [
            "http://graph.microsoft.com/beta/x",
            "https://graph.microsoft.com:8443/beta/x",
            "https://evil.example/beta/x",
            "https://graph.microsoft.com.evil.example/beta/x",
            "//evil.example/beta/x",
        ] {
            let error = follow(&pages, link).unwrap_err();
            assert!(matches!(&error, ClientError::ForeignNextLink(l) if l == link), "{link}: {error:?}");
        }
        pages.cursor.as_mut().unwrap().seen.insert("https://graph.microsoft.com/beta/x?$skiptoken=1".into());
        let error = follow(&pages, "https://graph.microsoft.com/beta/x?$skiptoken=1").unwrap_err();
        assert!(matches!(error, ClientError::NextLinkLoop(_)), "{error:?}");
        let error = follow(&pages, "https://graph.microsoft.com:443/beta/x?$skiptoken=1").unwrap_err();
        assert!(matches!(error, ClientError::NextLinkLoop(_)), "{error:?}");
    }

    #[test]
    fn status_request_id_and_display() {
        let throttled = service_error(429, Some("1"));
        assert_eq!(throttled.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(throttled.request_id(), Some("req-1"));
        let exhausted = ClientError::RetriesExhausted { attempts: 4, last: Box::new(throttled) };
        assert_eq!(exhausted.status(), Some(http::StatusCode::TOO_MANY_REQUESTS));
        assert_eq!(exhausted.request_id(), Some("req-1"));
        assert_eq!(
            exhausted.to_string(),
            "gave up after 4 attempts: 429 Too Many Requests: tooMany: slow down (request-id req-1)"
        );
        assert_eq!(transport().status(), None);
        assert_eq!(ClientError::Timeout.request_id(), None);
        assert_eq!(ClientError::Timeout.to_string(), "the request timed out");
        assert_eq!(transport().to_string(), "could not reach the service: connection refused");
        let once = ClientError::RetriesExhausted { attempts: 1, last: Box::new(ClientError::Timeout) };
        assert_eq!(once.to_string(), "gave up after 1 attempt: the request timed out");
    }

    #[test]
    fn clones_share_one_client() {
        let client = Client::new(Cloud::Global, TokenSource::fixed("t")).unwrap();
        let clone = client.clone();
        assert!(Arc::ptr_eq(&client.inner, &clone.inner));
        let builder = Client::builder(Cloud::Global, TokenSource::fixed("t"))
            .retry(RetryPolicy { max_attempts: 2, ..RetryPolicy::default() })
            .timeout(Duration::from_secs(5))
            .connect_timeout(Duration::from_secs(1));
        let client = builder.build().unwrap();
        assert_eq!(client.inner.config.retry.max_attempts, 2);
        assert_eq!(client.inner.config.timeout, Duration::from_secs(5));
        assert_eq!(client.inner.config.connect_timeout, Duration::from_secs(1));
    }
}
// @end
