//! The small OData runtime shared by every operation of this crate.
//!
//! It is written once and copied verbatim into every generated crate, so it knows nothing about the
//! generated models, ids or operations. It provides:
//!
//! - [`Operation`], the sans-IO contract every generated operation implements: build an
//!   [`http::Request`] with [`Operation::to_request`], send it with any HTTP client, and hand the
//!   [`http::Response`] back to [`Operation::parse_response`];
//! - [`ServiceRoot`], the root URL every request starts from;
//! - [`Error`], with [`ServiceError`] (the service answered with an OData error body) and
//!   [`DecodeError`] (the body could not be understood; its bytes are kept);
//! - the request and response helpers the generated operations call ([`request`],
//!   [`encode_path_segment`], [`QueryOptions`], [`parse_entity`], [`parse_page`], ...);
//! - value types for OData primitives that have no exact Rust counterpart ([`Nullable`], [`Flags`],
//!   [`Double`], [`Single`], [`Binary`], [`Duration`], [`Decimal`]).

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// Clouds and the operation contract
// ---------------------------------------------------------------------------------------------

// @profile graph
/// A deployment of the service: the root that every request URL starts from.
///
/// The four named clouds are the national cloud deployments listed on the API pages; use
/// [`Cloud::Custom`] for anything else, such as a proxy or a local test server.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Cloud {
    /// The global service, `https://graph.microsoft.com`.
    Global,
    /// US Government L4, `https://graph.microsoft.us`.
    UsGovL4,
    /// US Government L5 (DOD), `https://dod-graph.microsoft.us`.
    UsGovL5Dod,
    /// China operated by 21Vianet, `https://microsoftgraph.chinacloudapi.cn`.
    China,
    /// Any other base URL, such as `http://127.0.0.1:8080`: scheme, authority and an optional path
    /// prefix, without the service version. One trailing `/` is ignored.
    Custom(String),
}

impl Cloud {
    /// The base URL of this deployment, without a trailing slash and without the service version.
    pub fn base_url(&self) -> &str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovL4 => "https://graph.microsoft.us",
            Cloud::UsGovL5Dod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
            Cloud::Custom(url) => url.strip_suffix('/').unwrap_or(url),
        }
    }
}

/// The root that every request URL starts from: for Microsoft Graph, one of its deployments.
pub type ServiceRoot = Cloud;
// @end
// @profile odata
/// The service root URL that every request URL starts from, such as
/// `https://host/odata/v4/catalog/`: scheme, authority and the service's path. One trailing `/`
/// is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ServiceRoot(String);

impl ServiceRoot {
    /// The service root at this URL.
    pub fn new(url: impl Into<String>) -> Self {
        ServiceRoot(url.into())
    }

    /// The service root URL without a trailing slash.
    pub fn base_url(&self) -> &str {
        self.0.strip_suffix('/').unwrap_or(&self.0)
    }
}
// @end

/// One call to the service, described without doing any I/O.
///
/// Every generated operation implements this trait. Using one takes three steps, and the middle one
/// is yours, so any HTTP client (blocking or async) and any authentication scheme fit:
///
/// 1. [`to_request`](Operation::to_request) builds the complete [`http::Request`]: method, absolute
///    URL for the given [`ServiceRoot`], `Accept`/`Content-Type` headers and the JSON body. It never
///    fails and never panics. It does **not** add an `Authorization` header: add
///    `Authorization: Bearer {token}` yourself before sending.
/// 2. Send the request and collect the whole response body into a `Vec<u8>`.
/// 3. [`parse_response`](Operation::parse_response) turns the [`http::Response`] into
///    [`Operation::Output`] or an [`Error`]. Any non-2xx status is an error: [`Error::Service`]
///    when the body is an OData error (the usual case), else [`Error::Decode`], which keeps the
///    status, the headers and the raw body.
///
/// ```
/// use __CRATE__::http;
/// use __CRATE__::odata::{Error, Operation, ServiceRoot};
///
/// /// Calls any operation through an HTTP client of your own (`send`).
/// fn call<O: Operation>(
///     op: &O,
///     root: &ServiceRoot,
///     token: &str,
///     send: impl Fn(http::Request<Vec<u8>>) -> http::Response<Vec<u8>>,
/// ) -> Result<O::Output, Error> {
///     let mut request = op.to_request(root);
///     let bearer = http::HeaderValue::try_from(format!("Bearer {token}")).expect("the token is header text");
///     request.headers_mut().insert(http::header::AUTHORIZATION, bearer);
///     op.parse_response(send(request))
/// }
/// ```
///
/// Every operation's documentation has an example that builds its request.
///
/// Both methods take `&self`, so an operation can be retried (for instance after a `429` with a
/// `Retry-After` header, which stays readable through [`Error::headers`]) without rebuilding it.
pub trait Operation {
    /// What a successful response decodes into: a model, `Vec` or [`Page`] of models, a primitive,
    /// or `()` for operations that return nothing.
    type Output;

    /// Builds the HTTP request for this operation against the given service root.
    fn to_request(&self, root: &ServiceRoot) -> http::Request<Vec<u8>>;

    /// Decodes the service's response to the request built by [`to_request`](Operation::to_request).
    fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<Self::Output, Error>;
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why an operation did not produce its output.
///
/// Both variants are boxed so that `Result<T, Error>` stays two words wide on the happy path;
/// fields are still reached directly (`error.status`), and `match` works with `Error::Service(e)`.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-2xx status and an OData error body.
    Service(Box<ServiceError>),
    /// The response could not be understood: a 2xx body that does not decode into the expected
    /// type, or a non-2xx response whose body is not an OData error.
    Decode(Box<DecodeError>),
}

impl Error {
    /// The HTTP status of the response this error came from.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Error::Service(e) => e.status,
            Error::Decode(e) => e.status,
        }
    }

    /// The headers of the response this error came from (for instance `Retry-After`).
    pub fn headers(&self) -> &http::HeaderMap {
        match self {
            Error::Service(e) => &e.headers,
            Error::Decode(e) => &e.headers,
        }
    }

    /// The service's id for this call (the first of [`crate::REQUEST_ID_HEADERS`] the response
    /// has), worth quoting in a support request.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::Decode(e) => request_id_header(&e.headers),
        }
    }

    /// The OData error body, when the service sent one.
    pub fn odata_error(&self) -> Option<&ODataError> {
        match self {
            Error::Service(e) => Some(&e.error),
            Error::Decode(_) => None,
        }
    }

    /// The service's error code (`error.code`, such as `ResourceNotFound`), when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.odata_error().map(|e| e.code.as_str())
    }

    /// The service's error message (`error.message`), when it sent one.
    pub fn message(&self) -> Option<&str> {
        self.odata_error().map(|e| e.message.as_str())
    }

    /// What the error is about (`error.target`, such as a property name), when the service said.
    pub fn target(&self) -> Option<&str> {
        self.odata_error().and_then(|e| e.target.as_deref())
    }

    /// The errors that together caused this one (`error.details`); empty when there are none.
    pub fn details(&self) -> &[ODataErrorDetail] {
        self.odata_error().map_or(&[], |e| &e.details)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Service(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
        }
    }
}

// Display already shows the inner error, so it is not also reported as the source.
impl std::error::Error for Error {}

impl From<ServiceError> for Error {
    fn from(error: ServiceError) -> Self {
        Error::Service(Box::new(error))
    }
}

impl From<DecodeError> for Error {
    fn from(error: DecodeError) -> Self {
        Error::Decode(Box::new(error))
    }
}

/// A non-2xx response whose body is an OData error.
///
/// `Debug` prints the headers with `Authorization`, `Proxy-Authorization`, `Cookie` and
/// `Set-Cookie` values replaced by `<redacted>`; `Display` prints no headers at all.
#[derive(Clone)]
pub struct ServiceError {
    /// The HTTP status of the response.
    pub status: http::StatusCode,
    /// The decoded `error` object of the body.
    pub error: ODataError,
    /// The service's id for the call: the first of [`crate::REQUEST_ID_HEADERS`] the response
    /// has, or else `innerError.request-id` of the body.
    pub request_id: Option<String>,
    /// The `client-request-id` response header, or else `innerError.client-request-id`.
    pub client_request_id: Option<String>,
    /// All response headers.
    pub headers: http::HeaderMap,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.status, self.error.code, self.error.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request-id {id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceError")
            .field("status", &self.status)
            .field("error", &self.error)
            .field("request_id", &self.request_id)
            .field("client_request_id", &self.client_request_id)
            .field("headers", &RedactedHeaders(&self.headers))
            .finish()
    }
}

impl std::error::Error for ServiceError {}

/// The `error` object of an OData error response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ODataError {
    /// A service-defined error code, such as `ResourceNotFound`.
    pub code: String,
    /// A human-readable description of the error.
    #[serde(default)]
    pub message: String,
    /// The target of the error, such as the name of the property in error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Further errors that together caused this one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ODataErrorDetail>,
    /// Service-specific diagnostics (`innerError`; the OData spelling `innererror` is accepted).
    #[serde(rename = "innerError", alias = "innererror", default, skip_serializing_if = "Option::is_none")]
    pub inner_error: Option<InnerError>,
}

/// One entry of [`ODataError::details`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ODataErrorDetail {
    /// A service-defined error code.
    #[serde(default)]
    pub code: String,
    /// A human-readable description of the error.
    #[serde(default)]
    pub message: String,
    /// The target of the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// The `innerError` object of an OData error: diagnostics for a support request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InnerError {
    /// The id the service gave the request (`request-id`).
    #[serde(rename = "request-id", default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The id the client sent in its `client-request-id` header, if any (`client-request-id`).
    #[serde(rename = "client-request-id", default, skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// When the error happened, as the service wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Every other member, such as a nested `innerError`.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// A response that could not be understood. It keeps everything that was received.
///
/// `Display` shows the status, the reason and at most the first 200 bytes of the body; `Debug`
/// shows at most 1 KiB of the body and redacts credential headers like [`ServiceError`] does.
#[derive(Clone)]
pub struct DecodeError {
    /// The HTTP status of the response.
    pub status: http::StatusCode,
    /// All response headers.
    pub headers: http::HeaderMap,
    /// The raw response body.
    pub body: Vec<u8>,
    /// What was wrong with it.
    pub reason: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode the response ({}): {}", self.status, self.reason)?;
        if self.body.is_empty() {
            f.write_str("; the body is empty")
        } else {
            write!(f, "; body ({} bytes): {}", self.body.len(), BodyPreview(&self.body, 200))
        }
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("headers", &RedactedHeaders(&self.headers))
            .field("body_len", &self.body.len())
            .field("body", &format_args!("{:?}", BodyPreview(&self.body, 1024).to_string()))
            .finish()
    }
}

impl std::error::Error for DecodeError {}

/// Prints at most `.1` bytes of a body as lossy UTF-8, followed by `…` when cut.
struct BodyPreview<'a>(&'a [u8], usize);

impl fmt::Display for BodyPreview<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let BodyPreview(body, limit) = *self;
        if body.len() <= limit {
            return f.write_str(&String::from_utf8_lossy(body));
        }
        let mut cut = &body[..limit];
        // Do not show a replacement character for a code point that the cut split in two.
        if let Err(e) = std::str::from_utf8(cut) {
            if e.error_len().is_none() {
                cut = &cut[..e.valid_up_to()];
            }
        }
        write!(f, "{}…", String::from_utf8_lossy(cut))
    }
}

/// Debug view of a header map that hides credentials.
struct RedactedHeaders<'a>(&'a http::HeaderMap);

impl fmt::Debug for RedactedHeaders<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.0 {
            let sensitive = matches!(name.as_str(), "authorization" | "proxy-authorization" | "cookie" | "set-cookie");
            if sensitive {
                map.entry(&name.as_str(), &format_args!("<redacted>"));
            } else {
                map.entry(&name.as_str(), value);
            }
        }
        map.finish()
    }
}

fn header_str<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// The first of the service's request-id headers the response has.
fn request_id_header(headers: &http::HeaderMap) -> Option<&str> {
    crate::REQUEST_ID_HEADERS.iter().find_map(|name| header_str(headers, name))
}

// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

/// A page of a collection, with the links to continue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The items of this page.
    pub value: Vec<T>,
    /// The context URL (`@odata.context`), such as `$metadata#Books`: relative links of the page
    /// are relative to it (OData JSON Format 4.01, §4.6).
    #[serde(rename = "@odata.context", default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The URL of the next page (`@odata.nextLink`); `None` on the last page. It carries the
    /// query options of the first request; it may be relative (to [`Page::context`], else to
    /// the URL of the request).
    #[serde(rename = "@odata.nextLink", default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    /// The URL to ask for later changes (`@odata.deltaLink`), on the last page of a delta query.
    #[serde(rename = "@odata.deltaLink", default, skip_serializing_if = "Option::is_none")]
    pub delta_link: Option<String>,
    /// The total number of items (`@odata.count`), when `$count=true` was asked for.
    #[serde(rename = "@odata.count", default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page { value: Vec::new(), context: None, next_link: None, delta_link: None, count: None }
    }
}

/// Decodes a 2xx response that carries one entity or complex value.
///
/// Both the bare OData v4 form `{"id": ..}` and the wrapped form `{"value": {"id": ..}}` used on
/// Microsoft's API pages are accepted. The body is unwrapped when its only member apart from
/// annotations (names containing `@`, such as `@odata.context`) is `value` and that member is a
/// JSON object; a type whose only property is an object named `value` is therefore ambiguous.
pub fn parse_entity<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<T, Error> {
    let (received, json) = Received::new(response)?.json()?;
    let json = match json {
        Value::Object(map) if single_value_member(&map).is_some_and(Value::is_object) => unwrap_value(map),
        other => other,
    };
    let json = with_etag_header(json, &received.headers);
    received.decode(json)
}

/// The response's `ETag` header as the entity's `@odata.etag` when the body has none (OData
/// JSON Format 4.01 §4.5.8: both name the same version of the entity).
fn with_etag_header(json: Value, headers: &http::HeaderMap) -> Value {
    match (json, headers.get(http::header::ETAG).and_then(|v| v.to_str().ok())) {
        (Value::Object(mut map), Some(etag)) if !map.contains_key("@odata.etag") => {
            map.insert("@odata.etag".to_owned(), Value::String(etag.to_owned()));
            Value::Object(map)
        }
        (json, _) => json,
    }
}

/// Like [`parse_entity`], but a `204 No Content`, an empty body or a JSON `null` (bare or as
/// `{"value": null}`) gives `None`.
pub fn parse_optional_entity<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<Option<T>, Error> {
    let received = Received::new(response)?;
    if received.status == http::StatusCode::NO_CONTENT || received.body_is_empty() {
        return Ok(None);
    }
    let (received, json) = received.json()?;
    let json = match json {
        Value::Object(map) if single_value_member(&map).is_some_and(|v| v.is_object() || v.is_null()) => {
            unwrap_value(map)
        }
        other => other,
    };
    if json.is_null() {
        return Ok(None);
    }
    let json = with_etag_header(json, &received.headers);
    received.decode(json).map(Some)
}

/// Decodes a 2xx response that carries a collection, `{"value": [..]}` or a bare JSON array.
///
/// Paging links are ignored; use [`parse_page`] to follow them.
pub fn parse_collection<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<Vec<T>, Error> {
    let (received, json) = Received::new(response)?.json()?;
    match json {
        Value::Array(_) => received.decode(json),
        Value::Object(mut map) if map.get("value").is_some_and(Value::is_array) => {
            let items = map.remove("value").unwrap_or_default();
            received.decode(items)
        }
        _ => Err(received.fail("expected a JSON array or an object with a `value` array")),
    }
}

/// Decodes a 2xx response that carries one page of a collection with its `@odata.nextLink`,
/// `@odata.deltaLink` and `@odata.count`. A bare JSON array is accepted as a page without links.
pub fn parse_page<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<Page<T>, Error> {
    let received = Received::new(response)?;
    // Pages are the large bodies: decode them straight from the bytes. Only when that fails
    // (a bare array, or a body that needs a precise error) go through a `Value`.
    if let Ok(page) = serde_json::from_slice::<Page<T>>(&received.body) {
        return Ok(page);
    }
    let (received, json) = received.json()?;
    match json {
        Value::Array(_) => received.decode(json).map(|value| Page { value, ..Page::default() }),
        Value::Object(_) => received.decode(json),
        _ => Err(received.fail("expected a JSON object with a `value` array")),
    }
}

/// Accepts any 2xx response (usually `204 No Content`); a body, if any, is ignored.
pub fn parse_empty(response: http::Response<Vec<u8>>) -> Result<(), Error> {
    Received::new(response).map(drop)
}

/// A body returned as bytes: a media stream or a report (`Edm.Stream`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stream {
    /// The `Content-Type` header, when the service sent one.
    pub content_type: Option<String>,
    /// The bytes as received.
    pub body: Vec<u8>,
}

/// Accepts a 2xx response and keeps its body as bytes, whatever the content type (`text/csv`,
/// `application/octet-stream`, ...).
pub fn parse_stream(response: http::Response<Vec<u8>>) -> Result<Stream, Error> {
    let received = Received::new(response)?;
    let content_type = received
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    Ok(Stream { content_type, body: received.body })
}

/// Decodes a 2xx response that carries a primitive or other single value, either wrapped as
/// `{"value": 42}` (with optional annotations beside it) or bare.
pub fn parse_value<T: DeserializeOwned>(response: http::Response<Vec<u8>>) -> Result<T, Error> {
    let (received, json) = Received::new(response)?.json()?;
    let json = match json {
        Value::Object(map) if single_value_member(&map).is_some() => unwrap_value(map),
        other => other,
    };
    received.decode(json)
}

/// `Some(value)` when `map`'s only member apart from annotations is `value`.
fn single_value_member(map: &Map<String, Value>) -> Option<&Value> {
    let only_value = map.keys().all(|k| k == "value" || k.contains('@'));
    if only_value { map.get("value") } else { None }
}

fn unwrap_value(mut map: Map<String, Value>) -> Value {
    map.remove("value").unwrap_or_default()
}

/// A response taken apart, kept whole so that a decode error can hand every byte back.
struct Received {
    status: http::StatusCode,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

impl Received {
    /// Splits the response; a non-2xx status becomes the matching [`Error`].
    fn new(response: http::Response<Vec<u8>>) -> Result<Self, Error> {
        let (parts, body) = response.into_parts();
        let received = Received { status: parts.status, headers: parts.headers, body };
        if received.status.is_success() { Ok(received) } else { Err(received.into_failure()) }
    }

    fn body_is_empty(&self) -> bool {
        self.body.iter().all(u8::is_ascii_whitespace)
    }

    fn json(self) -> Result<(Self, Value), Error> {
        if self.body_is_empty() {
            return Err(self.fail("expected a JSON body"));
        }
        match serde_json::from_slice(&self.body) {
            Ok(json) => Ok((self, json)),
            Err(e) => Err(self.fail(format!("the body is not valid JSON: {e}"))),
        }
    }

    fn decode<T: DeserializeOwned>(self, json: Value) -> Result<T, Error> {
        serde_json::from_value(json)
            .map_err(|e| self.fail(format!("could not decode the body as `{}`: {e}", std::any::type_name::<T>())))
    }

    fn fail(self, reason: impl Into<String>) -> Error {
        DecodeError { status: self.status, headers: self.headers, body: self.body, reason: reason.into() }.into()
    }

    fn into_failure(self) -> Error {
        #[derive(Deserialize)]
        struct Envelope {
            error: ODataError,
        }
        if self.body_is_empty() {
            return self.fail("the status is not successful and there is no error body");
        }
        let envelope = match serde_json::from_slice::<Envelope>(&self.body) {
            Ok(envelope) => envelope,
            Err(e) => {
                return self.fail(format!("the status is not successful and the body is not an OData error: {e}"));
            }
        };
        let inner = envelope.error.inner_error.as_ref();
        let request_id = request_id_header(&self.headers)
            .map(str::to_owned)
            .or_else(|| inner.and_then(|i| i.request_id.clone()));
        let client_request_id = header_str(&self.headers, "client-request-id")
            .map(str::to_owned)
            .or_else(|| inner.and_then(|i| i.client_request_id.clone()));
        ServiceError {
            status: self.status,
            error: envelope.error,
            request_id,
            client_request_id,
            headers: self.headers,
        }
        .into()
    }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// Builds a request to `{service root}/{version}{path}?{query}`.
///
/// - `path` starts with `/`; its segments are expected to be percent-encoded already (see
///   [`encode_path_segment`]). Any byte that cannot stand in a URI path, a `?`, a `#`, and a `%`
///   that does not start a `%XX` escape are percent-encoded here too, so a careless path can
///   neither start the query nor add a fragment. `version` (such as `beta`) is treated the same
///   way; surrounding slashes are ignored and an empty version is left out.
/// - Each query pair becomes `key=value`: keys keep `$` and unreserved characters, values keep only
///   unreserved characters (`A-Z a-z 0-9 - . _ ~`); everything else, including spaces, is
///   percent-encoded as UTF-8 (`%20` for a space).
/// - Headers: `Accept: application/json`, plus `Content-Type: application/json` when there is a
///   body.
///
/// This never panics. A URL that [`http::Uri`] still refuses can only come from a
/// service root URL that is not a valid absolute URL, or from a URL longer than
/// 65,534 bytes; the request then gets the origin form `/{version}{path}?{query}` (or `/` if even
/// that is too long) without scheme and host, which HTTP clients refuse to send, so the mistake
/// surfaces as a send error instead of a panic here.
pub fn request(
    root: &ServiceRoot,
    version: &str,
    method: http::Method,
    path: &str,
    query: &[(&str, String)],
    body: Option<Vec<u8>>,
) -> http::Request<Vec<u8>> {
    let mut path_and_query = String::with_capacity(1 + version.len() + path.len() + 16 * query.len());
    let version = version.trim_matches('/');
    if !version.is_empty() {
        path_and_query.push('/');
        path_and_query.push_str(&encode_path(version));
    }
    if !path.is_empty() && !path.starts_with('/') {
        path_and_query.push('/');
    }
    path_and_query.push_str(&encode_path(path));
    for (i, (key, value)) in query.iter().enumerate() {
        path_and_query.push(if i == 0 { '?' } else { '&' });
        path_and_query.push_str(&percent_encode(key, |b| is_unreserved(b) || b == b'$' || b == b'@'));
        path_and_query.push('=');
        path_and_query.push_str(&percent_encode(value, is_unreserved));
    }
    // Only bytes that can never appear in a URI are encoded in the base, so its own `:/?#@` stay.
    let base = percent_encode(root.base_url(), |b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b));
    let uri = http::Uri::try_from(format!("{base}{path_and_query}"))
        .or_else(|_| http::Uri::try_from(path_and_query))
        .unwrap_or_else(|_| http::Uri::from_static("/"));

    let has_body = body.is_some();
    let mut request = http::Request::new(body.unwrap_or_default());
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    let json = http::HeaderValue::from_static(if crate::IEEE754_COMPATIBLE {
        "application/json;IEEE754Compatible=true"
    } else {
        "application/json"
    });
    request.headers_mut().insert(http::header::ACCEPT, json.clone());
    if has_body {
        request.headers_mut().insert(http::header::CONTENT_TYPE, json);
    }
    request
}

/// Headers an operation adds to its request: `If-Match`, `If-None-Match`, or any other (such as
/// `Prefer`), set with the operation's `if_match`, `if_none_match` and `header` methods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestHeaders(Vec<(http::HeaderName, http::HeaderValue)>);

impl RequestHeaders {
    /// Sets `name` to `value`, replacing an earlier value of the same header. A name or value that
    /// is not valid in HTTP is left out (never a panic); [`RequestHeaders::get`] tells.
    pub fn set(&mut self, name: &str, value: &str) {
        let (Ok(name), Ok(value)) = (http::HeaderName::try_from(name), http::HeaderValue::try_from(value)) else {
            return;
        };
        self.0.retain(|(existing, _)| *existing != name);
        self.0.push((name, value));
    }

    /// The value set for `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n.as_str().eq_ignore_ascii_case(name)).and_then(|(_, v)| v.to_str().ok())
    }

    /// Adds them to a request.
    pub fn apply<B>(&self, request: &mut http::Request<B>) {
        for (name, value) in &self.0 {
            request.headers_mut().insert(name.clone(), value.clone());
        }
    }
}

/// Percent-encodes one path segment, such as an entity key, so that it stays exactly one segment.
///
/// Everything except `A-Z a-z 0-9 - . _ ~` is encoded as UTF-8 `%XX`, so `/`, `?`, `#`, `%`,
/// spaces and non-ASCII text cannot change the URL's structure, and the segments `.` and `..`
/// become `%2E` and `%2E%2E` so they cannot walk up the path. An empty segment stays empty.
pub fn encode_path_segment(segment: &str) -> String {
    match segment {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => percent_encode(segment, is_unreserved),
    }
}

/// Percent-encodes an OData literal for a key predicate (`'a/b'` → `'a%2Fb'`): everything but
/// `A-Z a-z 0-9 - . _ ~`, the quotes that delimit strings and `:` (in dates and times) is
/// encoded, so `/`, `?`, `#`, `%`, `(`, `)`, `,`, `=` and spaces inside a value can never change
/// the URL's structure nor the predicate's.
pub fn encode_key_literal(literal: &str) -> String {
    percent_encode(literal, |b| is_unreserved(b) || b == b'\'' || b == b':')
}

/// A value as JSON (`null` if it cannot be written, which no generated type does).
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// A key value as text, for a key written as a path segment: a string as it is, anything else
/// as its JSON form (`42`, `2024-05-01`, `true`).
pub fn key_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Encodes every byte of `input` for which `keep` is false as `%XX`.
fn percent_encode(input: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut out = String::with_capacity(input.len());
    for &b in input.as_bytes() {
        if keep(b) {
            out.push(char::from(b));
        } else {
            push_escape(&mut out, b);
        }
    }
    out
}

fn push_escape(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.extend(['%', char::from(HEX[usize::from(b >> 4)]), char::from(HEX[usize::from(b & 15)])]);
}

/// Makes an already-encoded path safe: keeps `/`, the characters a path segment may hold and
/// valid `%XX` escapes, and encodes every other byte.
fn encode_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    for (i, &b) in bytes.iter().enumerate() {
        let escape = b == b'%' && bytes.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit));
        if escape || is_unreserved(b) || b"!$&'()*+,;=:@/".contains(&b) {
            out.push(char::from(b));
        } else {
            push_escape(&mut out, b);
        }
    }
    out
}

/// The OData system query options of a read: `$select`, `$filter`, `$top`, `$skip`, `$orderby`,
/// `$expand`, `$count` and `$search`.
///
/// Values are sent as given (only percent-encoded), so they use OData syntax: `filter` is an
/// expression such as `status eq 'active'`, `orderby` items are `name` or `name desc`, and Microsoft
/// Graph wants `search` in double quotes, such as `"displayName:contoso"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct QueryOptions {
    /// Properties to return (`$select`).
    pub select: Vec<String>,
    /// A filter expression (`$filter`).
    pub filter: Option<String>,
    /// The page size to ask for (`$top`).
    pub top: Option<u32>,
    /// How many items to skip (`$skip`).
    pub skip: Option<u32>,
    /// Sort keys, each `property` or `property desc` (`$orderby`).
    pub orderby: Vec<String>,
    /// Navigation properties to include (`$expand`).
    pub expand: Vec<String>,
    /// Whether to ask for the total count (`$count=true`).
    pub count: bool,
    /// A search expression (`$search`).
    pub search: Option<String>,
}

impl QueryOptions {
    /// Sets the properties to return (`$select`).
    pub fn select(mut self, properties: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.select = properties.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the filter expression (`$filter`).
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
        self
    }

    /// Sets the page size (`$top`).
    pub fn top(mut self, top: u32) -> Self {
        self.top = Some(top);
        self
    }

    /// Sets how many items to skip (`$skip`).
    pub fn skip(mut self, skip: u32) -> Self {
        self.skip = Some(skip);
        self
    }

    /// Sets the sort keys, each `property` or `property desc` (`$orderby`).
    pub fn orderby(mut self, keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.orderby = keys.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the navigation properties to include (`$expand`).
    pub fn expand(mut self, properties: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.expand = properties.into_iter().map(Into::into).collect();
        self
    }

    /// Sets whether to ask for the total count (`$count=true`).
    pub fn count(mut self, count: bool) -> Self {
        self.count = count;
        self
    }

    /// Sets the search expression (`$search`).
    pub fn search(mut self, expression: impl Into<String>) -> Self {
        self.search = Some(expression.into());
        self
    }

    /// The options as query pairs for [`request`], in the fixed order `$select`, `$filter`, `$top`,
    /// `$skip`, `$orderby`, `$expand`, `$count`, `$search`. Unset options are left out; lists are
    /// joined with `,`. Values are not encoded yet: [`request`] does that.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if !self.select.is_empty() {
            query.push(("$select", self.select.join(",")));
        }
        if let Some(filter) = &self.filter {
            query.push(("$filter", filter.clone()));
        }
        if let Some(top) = self.top {
            query.push(("$top", top.to_string()));
        }
        if let Some(skip) = self.skip {
            query.push(("$skip", skip.to_string()));
        }
        if !self.orderby.is_empty() {
            query.push(("$orderby", self.orderby.join(",")));
        }
        if !self.expand.is_empty() {
            query.push(("$expand", self.expand.join(",")));
        }
        if self.count {
            query.push(("$count", "true".to_owned()));
        }
        if let Some(search) = &self.search {
            query.push(("$search", search.clone()));
        }
        query
    }

    /// Whether the request needs the header `ConsistencyLevel: eventual`, which Microsoft Graph
    /// requires for `$count` and `$search` on directory objects.
    pub fn needs_eventual_consistency(&self) -> bool {
        self.count || self.search.is_some()
    }
}

// ---------------------------------------------------------------------------------------------
// Value types
// ---------------------------------------------------------------------------------------------

/// A property of a request body that can be left out, set to `null`, or set to a value.
///
/// `Option` cannot tell "leave unchanged" from "clear it" in a PATCH body; this can. Generated
/// models declare such fields as
/// `#[serde(default, skip_serializing_if = "Nullable::is_absent")] field: Nullable<T>`: both
/// attributes matter, since without `default` a missing member deserializes as [`Nullable::Null`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Nullable<T> {
    /// Not sent: the service leaves the property unchanged.
    #[default]
    Absent,
    /// Sent as `null`: the service clears the property.
    Null,
    /// Sent with this value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether this is [`Nullable::Absent`] (for `skip_serializing_if`).
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether this is [`Nullable::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value, if there is one.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

/// So that a setter of a nullable text property takes a `&str`.
impl From<&str> for Nullable<String> {
    fn from(value: &str) -> Self {
        Nullable::Value(value.to_owned())
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` becomes [`Nullable::Null`].
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    /// [`Nullable::Absent`] is normally skipped; if it is serialized anyway it is written as `null`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => serializer.serialize_some(value),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// The type an instance says it has: its `@odata.type` without the `#`
/// (`#microsoft.graph.user` → `microsoft.graph.user`), also when written as a URL ending in
/// `#Namespace.Type`.
pub fn odata_type_of(object: &Map<String, Value>) -> Option<&str> {
    let value = object.get("@odata.type")?.as_str()?;
    Some(value.rsplit_once('#').map_or(value, |(_, name)| name))
}

/// Decodes a JSON object as `T`: a variant of a generated `Any…` enum.
pub fn from_object<T: DeserializeOwned, E: de::Error>(object: Map<String, Value>) -> Result<T, E> {
    serde_json::from_value(Value::Object(object)).map_err(E::custom)
}

/// Writes `value` with `@odata.type` set to `type_tag` (`#Namespace.Type`) unless it already
/// says its type: a derived type's value where its base type is expected.
pub fn serialize_as<T: Serialize, S: Serializer>(value: &T, type_tag: &str, serializer: S) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let Value::Object(object) = &mut json {
        object.entry("@odata.type").or_insert_with(|| Value::String(type_tag.to_owned()));
    }
    json.serialize(serializer)
}

/// `Edm.Int64` properties as services write them: JSON numbers, or strings from a service that
/// answers with `IEEE754Compatible=true` (OData JSON Format 4.01 §3.2), so no digit is lost to
/// a reader with 53-bit numbers. Generated models decode every Int64 property through these, and
/// write it through [`int64::serialize`]: a number, or a string when the crate is generated with
/// [`crate::IEEE754_COMPATIBLE`].
pub mod int64 {
    use super::{Deserialize, Deserializer, Nullable, Serialize, Serializer, Value, de};

    /// Writes an Int64 field (`i64`, `Option`, `Nullable` or `Vec` of them): numbers, or strings
    /// when [`crate::IEEE754_COMPATIBLE`].
    pub fn serialize<T: Int64Values, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.write(serializer)
    }

    /// The shapes of Int64 fields [`serialize`] writes.
    pub trait Int64Values {
        /// Writes the value(s).
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    }

    impl Int64Values for i64 {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            if crate::IEEE754_COMPATIBLE {
                serializer.serialize_str(&self.to_string())
            } else {
                serializer.serialize_i64(*self)
            }
        }
    }

    impl<T: Int64Values> Int64Values for Option<T> {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Some(value) => value.write(serializer),
                None => serializer.serialize_none(),
            }
        }
    }

    impl<T: Int64Values> Int64Values for Nullable<T> {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match self {
                Nullable::Value(value) => value.write(serializer),
                Nullable::Null | Nullable::Absent => serializer.serialize_none(),
            }
        }
    }

    impl<T: Int64Values> Int64Values for Vec<T> {
        fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            struct Item<'a, T>(&'a T);
            impl<T: Int64Values> Serialize for Item<'_, T> {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    self.0.write(serializer)
                }
            }
            serializer.collect_seq(self.iter().map(Item))
        }
    }

    /// One Int64, from a number or a string.
    struct Either(i64);

    impl<'de> Deserialize<'de> for Either {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            match Value::deserialize(deserializer)? {
                Value::Number(number) => number.as_i64().map(Either).ok_or_else(|| de::Error::custom("not an Int64")),
                Value::String(text) => text.trim().parse().map(Either).map_err(de::Error::custom),
                _ => Err(de::Error::custom("expected an Int64 as a number or a string")),
            }
        }
    }

    /// An optional Int64.
    pub fn option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
        Ok(Option::<Either>::deserialize(deserializer)?.map(|value| value.0))
    }

    /// A nullable Int64 (present: a value or `null`).
    pub fn nullable<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Nullable<i64>, D::Error> {
        option(deserializer).map(Nullable::from)
    }

    /// An optional collection of Int64.
    pub fn option_vec<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Vec<i64>>, D::Error> {
        Ok(Option::<Vec<Either>>::deserialize(deserializer)?.map(|values| values.into_iter().map(|v| v.0).collect()))
    }
}

/// A set of members of a flags enumeration, written by the service as `"a,b,c"`.
///
/// `T` is a generated enum, which implements `FromStr<Err = Infallible>` (unknown names become its
/// open variant) and `AsRef<str>` (the wire name). Deserializing splits on `,` and trims spaces
/// around each name; an empty string gives no members. Serializing joins the names with `,`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Flags<T>(pub Vec<T>);

impl<T> Default for Flags<T> {
    fn default() -> Self {
        Flags(Vec::new())
    }
}

impl<T> From<Vec<T>> for Flags<T> {
    fn from(members: Vec<T>) -> Self {
        Flags(members)
    }
}

impl<T> FromIterator<T> for Flags<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Flags(iter.into_iter().collect())
    }
}

impl<T: AsRef<str>> Serialize for Flags<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let names: Vec<&str> = self.0.iter().map(AsRef::as_ref).collect();
        serializer.serialize_str(&names.join(","))
    }
}

impl<'de, T: FromStr<Err = Infallible>> Deserialize<'de> for Flags<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let names = text.split(',').map(str::trim).filter(|name| !name.is_empty());
        Ok(Flags(names.map(|name| T::from_str(name).unwrap_or_else(|never| match never {})).collect()))
    }
}

// @serde compact
/// Serialization of the models when the crate is generated with `serde = "compact"`: the same
/// JSON as serde's derives (missing members default, unknown members are kept in
/// `additional_properties`, absent values are not written, Int64 reads numbers and strings, a
/// repeated member is an error), from one shared map loop and writer instead of code derived
/// for each struct, so a large crate compiles in far less memory and time.
#[doc(hidden)]
pub mod model_serde {
    use std::borrow::Cow;
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use serde_json::{Map, Value};

    use super::Nullable;
    use super::int64::{self, Int64Values};

    /// A model struct: its members' JSON names, and the setter of each by its position.
    pub trait Fields: Default {
        /// The name in "invalid type: …, expected struct NAME".
        const NAME: &'static str;
        /// The JSON names of the known members, in field order.
        const FIELDS: &'static [&'static str];
        /// Sets the member `FIELDS[index]` from the map's next value.
        fn set<'de, A: MapAccess<'de>>(&mut self, index: usize, map: &mut A) -> Result<(), A::Error>;
        /// Where unknown members go.
        fn additional_properties(&mut self) -> &mut Map<String, Value>;
    }

    /// `Deserialize::deserialize` of every model struct.
    pub fn deserialize<'de, T: Fields, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_map(ModelVisitor(PhantomData))
    }

    struct ModelVisitor<T>(PhantomData<T>);

    impl<'de, T: Fields> Visitor<'de> for ModelVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "struct {}", T::NAME)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut value = T::default();
            // One bit per known member, to refuse a repeated one as the derives do.
            let mut seen = vec![0u64; T::FIELDS.len().div_ceil(64)];
            while let Some(key) = map.next_key_seed(KeySeed)? {
                match T::FIELDS.iter().position(|name| *name == key) {
                    Some(index) => {
                        let (word, bit) = (index / 64, 1u64 << (index % 64));
                        if seen[word] & bit != 0 {
                            return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                        }
                        seen[word] |= bit;
                        value.set(index, &mut map)?;
                    }
                    None => {
                        let other: Value = map.next_value()?;
                        value.additional_properties().insert(key.into_owned(), other);
                    }
                }
            }
            Ok(value)
        }
    }

    /// A member name, borrowed from the input when it can be.
    struct KeySeed;

    impl<'de> DeserializeSeed<'de> for KeySeed {
        type Value = Cow<'de, str>;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_str(KeySeed)
        }
    }

    impl<'de> Visitor<'de> for KeySeed {
        type Value = Cow<'de, str>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a member name")
        }

        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }

    /// Sets a member from the map's next value.
    pub fn put<'de, T: Deserialize<'de>, A: MapAccess<'de>>(slot: &mut T, map: &mut A) -> Result<(), A::Error> {
        *slot = map.next_value()?;
        Ok(())
    }

    /// Sets an Int64 member from the map's next value, a number or a string.
    pub fn put_int64<'de, T: Int64Field, A: MapAccess<'de>>(slot: &mut T, map: &mut A) -> Result<(), A::Error> {
        *slot = map.next_value_seed(Int64Seed(PhantomData))?;
        Ok(())
    }

    /// The Int64 members' types, read by the `int64` helpers.
    pub trait Int64Field: Int64Values + Sized {
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
    }

    impl Int64Field for Option<i64> {
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            int64::option(deserializer)
        }
    }

    impl Int64Field for Nullable<i64> {
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            int64::nullable(deserializer)
        }
    }

    impl Int64Field for Option<Vec<i64>> {
        fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            int64::option_vec(deserializer)
        }
    }

    struct Int64Seed<T>(PhantomData<T>);

    impl<'de, T: Int64Field> DeserializeSeed<'de> for Int64Seed<T> {
        type Value = T;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
            T::read(deserializer)
        }
    }

    /// Whether a member is written: `Some`, and a `Nullable` value or null (not absent).
    pub trait Present {
        fn present(&self) -> bool;
    }

    impl<T> Present for Option<T> {
        fn present(&self) -> bool {
            self.is_some()
        }
    }

    impl<T> Present for Nullable<T> {
        fn present(&self) -> bool {
            !self.is_absent()
        }
    }

    /// A model being written as a map, keeping the first error: one plain call per member.
    pub struct Writer<M: SerializeMap>(Result<M, M::Error>);

    /// Starts writing a model.
    pub fn writer<S: Serializer>(serializer: S) -> Writer<S::SerializeMap> {
        Writer(serializer.serialize_map(None))
    }

    impl<M: SerializeMap> Writer<M> {
        /// Writes `key: value` unless the value is absent.
        pub fn field<T: Present + Serialize>(&mut self, key: &'static str, value: &T) {
            if value.present() {
                self.entry(key, value);
            }
        }

        /// Writes an Int64 member as the crate's `IEEE754_COMPATIBLE` says, unless it is absent.
        pub fn int64<T: Present + Int64Values>(&mut self, key: &'static str, value: &T) {
            struct Int64<'a, T>(&'a T);
            impl<T: Int64Values> Serialize for Int64<'_, T> {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    int64::serialize(self.0, serializer)
                }
            }
            if value.present() {
                self.entry(key, &Int64(value));
            }
        }

        fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
            if let Ok(map) = &mut self.0 {
                if let Err(error) = map.serialize_entry(key, value) {
                    self.0 = Err(error);
                }
            }
        }

        /// Writes the unknown members and ends the object, or returns the first error.
        pub fn end(mut self, additional_properties: &Map<String, Value>) -> Result<M::Ok, M::Error> {
            for (key, value) in additional_properties {
                self.entry(key, value);
            }
            self.0?.end()
        }
    }
}

// @end
/// Typed `$filter` expressions (OData URL Conventions §5.1.1). The crate's `filter` module has a
/// type per model with a function per property, such as `filter::Books::title()`; compare a
/// property with a value of its type, combine with [`filter::Expr::and`], [`filter::Expr::or`] and
/// [`filter::Expr::not`], and pass the expression to an operation's `filter` (it converts into
/// the `String` it takes).
/// Values are written as OData literals: strings quoted with `'` doubled inside, numbers,
/// booleans, dates and GUIDs bare, durations as `duration'…'`, enum members with their type.
pub mod filter {
    use std::fmt;
    use std::marker::PhantomData;

    /// A boolean `$filter` expression. `Display` writes it in OData syntax, with the parentheses
    /// that precedence needs (`not` before `and` before `or`).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Expr {
        text: String,
        precedence: Precedence,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Precedence {
        Or,
        And,
        Comparison,
        /// A function call, `not`, or a parenthesized expression.
        Primary,
    }

    impl Expr {
        /// An expression written by hand, used as it is (parenthesized when combined).
        pub fn raw(text: impl Into<String>) -> Expr {
            Expr { text: text.into(), precedence: Precedence::Or }
        }

        /// Both hold: `a and b`.
        pub fn and(self, other: Expr) -> Expr {
            let text = format!("{} and {}", self.operand(Precedence::And), other.operand(Precedence::And));
            Expr { text, precedence: Precedence::And }
        }

        /// Either holds: `a or b`.
        pub fn or(self, other: Expr) -> Expr {
            Expr { text: format!("{} or {}", self.text, other.text), precedence: Precedence::Or }
        }

        /// The expression does not hold: `not (a)`.
        #[allow(clippy::should_implement_trait)]
        pub fn not(self) -> Expr {
            Expr { text: format!("not {}", self.operand(Precedence::Primary)), precedence: Precedence::Primary }
        }

        /// The text, in parentheses when it binds less tightly than `context`.
        fn operand(&self, context: Precedence) -> String {
            if self.precedence < context { format!("({})", self.text) } else { self.text.clone() }
        }
    }

    impl fmt::Display for Expr {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&self.text)
        }
    }

    impl From<Expr> for String {
        fn from(expr: Expr) -> String {
            expr.text
        }
    }

    /// A value written as an OData literal in a `$filter` expression.
    pub trait Literal {
        /// The literal, such as `'O''Neil'`, `2012-12-03` or `Sales.Pattern'Yellow'`.
        fn literal(&self) -> String;
    }

    impl Literal for String {
        fn literal(&self) -> String {
            format!("'{}'", self.replace('\'', "''"))
        }
    }

    impl Literal for bool {
        fn literal(&self) -> String {
            self.to_string()
        }
    }

    macro_rules! bare_literals {
        ($($ty:ty),*) => {
            $(impl Literal for $ty {
                fn literal(&self) -> String {
                    self.to_string()
                }
            })*
        };
    }
    bare_literals!(u8, i8, i16, i32, i64, chrono::NaiveDate, chrono::NaiveTime);

    impl Literal for chrono::DateTime<chrono::FixedOffset> {
        fn literal(&self) -> String {
            self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
        }
    }

    impl Literal for super::Decimal {
        fn literal(&self) -> String {
            self.0.clone()
        }
    }

    impl Literal for super::Double {
        fn literal(&self) -> String {
            float_literal(self.0)
        }
    }

    impl Literal for super::Single {
        fn literal(&self) -> String {
            float_literal(f64::from(self.0))
        }
    }

    fn float_literal(value: f64) -> String {
        match value {
            v if v.is_nan() => "NaN".to_owned(),
            v if v == f64::INFINITY => "INF".to_owned(),
            v if v == f64::NEG_INFINITY => "-INF".to_owned(),
            v => v.to_string(),
        }
    }

    impl Literal for super::Duration {
        fn literal(&self) -> String {
            format!("duration'{}'", self.0)
        }
    }

    /// A property of a model in a `$filter` expression, compared with values of type `T`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Property<T> {
        path: String,
        values: PhantomData<fn(T)>,
    }

    impl<T: Literal> Property<T> {
        /// The property at this path (`title`, or `address/city` through a complex property).
        pub fn new(path: impl Into<String>) -> Self {
            Property { path: path.into(), values: PhantomData }
        }

        fn compare(self, operator: &str, value: impl Into<T>) -> Expr {
            let text = format!("{} {operator} {}", self.path, value.into().literal());
            Expr { text, precedence: Precedence::Comparison }
        }

        /// Equals: `path eq value`.
        pub fn eq(self, value: impl Into<T>) -> Expr {
            self.compare("eq", value)
        }

        /// Does not equal: `path ne value`.
        pub fn ne(self, value: impl Into<T>) -> Expr {
            self.compare("ne", value)
        }

        /// Greater than: `path gt value`.
        pub fn gt(self, value: impl Into<T>) -> Expr {
            self.compare("gt", value)
        }

        /// Greater than or equal: `path ge value`.
        pub fn ge(self, value: impl Into<T>) -> Expr {
            self.compare("ge", value)
        }

        /// Less than: `path lt value`.
        pub fn lt(self, value: impl Into<T>) -> Expr {
            self.compare("lt", value)
        }

        /// Less than or equal: `path le value`.
        pub fn le(self, value: impl Into<T>) -> Expr {
            self.compare("le", value)
        }

        /// One of the values: `path in (a,b)` (OData 4.01).
        pub fn is_in(self, values: impl IntoIterator<Item = impl Into<T>>) -> Expr {
            let values: Vec<String> = values.into_iter().map(|v| v.into().literal()).collect();
            Expr { text: format!("{} in ({})", self.path, values.join(",")), precedence: Precedence::Comparison }
        }

        /// Has no value: `path eq null`.
        pub fn is_null(self) -> Expr {
            Expr { text: format!("{} eq null", self.path), precedence: Precedence::Comparison }
        }

        /// Has a value: `path ne null`.
        pub fn is_not_null(self) -> Expr {
            Expr { text: format!("{} ne null", self.path), precedence: Precedence::Comparison }
        }
    }

    impl Property<String> {
        fn call(self, function: &str, text: impl Into<String>) -> Expr {
            let text = format!("{function}({},{})", self.path, text.into().literal());
            Expr { text, precedence: Precedence::Primary }
        }

        /// Contains the text: `contains(path,'text')`.
        pub fn contains(self, text: impl Into<String>) -> Expr {
            self.call("contains", text)
        }

        /// Starts with the text: `startswith(path,'text')`.
        pub fn starts_with(self, text: impl Into<String>) -> Expr {
            self.call("startswith", text)
        }

        /// Ends with the text: `endswith(path,'text')`.
        pub fn ends_with(self, text: impl Into<String>) -> Expr {
            self.call("endswith", text)
        }
    }
}

macro_rules! ieee_float {
    ($(#[$doc:meta])* $name:ident($float:ty), $expecting:literal, $serialize:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
        pub struct $name(pub $float);

        impl From<$float> for $name {
            fn from(value: $float) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $float {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.0 {
                    v if v.is_nan() => serializer.serialize_str("NaN"),
                    v if v == <$float>::INFINITY => serializer.serialize_str("INF"),
                    v if v == <$float>::NEG_INFINITY => serializer.serialize_str("-INF"),
                    v => serializer.$serialize(v),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl de::Visitor<'_> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        Ok($name(v as $float))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        Ok($name(v as $float))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        Ok($name(v as $float))
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        match v {
                            "INF" => Ok($name(<$float>::INFINITY)),
                            "-INF" => Ok($name(<$float>::NEG_INFINITY)),
                            "NaN" => Ok($name(<$float>::NAN)),
                            _ => v.trim().parse().map($name).map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self)),
                        }
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    };
}

ieee_float! {
    /// An OData `Edm.Double`: a JSON number, or one of the strings `"INF"`, `"-INF"` and `"NaN"`
    /// that JSON numbers cannot express.
    ///
    /// Deserializing also accepts a number written as a string, such as `"1.5"`. Serializing writes
    /// finite values as numbers and the others as those three strings.
    Double(f64), "a number or one of the strings \"INF\", \"-INF\", \"NaN\"", serialize_f64
}

ieee_float! {
    /// An OData `Edm.Single`: like [`Double`], in single precision.
    Single(f32), "a number or one of the strings \"INF\", \"-INF\", \"NaN\"", serialize_f32
}

/// An OData `Edm.Binary`: bytes written as a base64 string.
///
/// Deserializing accepts the standard (`+/`) and URL-safe (`-_`) alphabets, with or without `=`
/// padding. Serializing writes the standard alphabet with padding.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Binary(pub Vec<u8>);

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(bytes)
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&base64_encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        base64_decode(&text)
            .map(Binary)
            .ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(&text), &"a base64 string"))
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let data = text.trim_end_matches('=');
    let padding = text.len() - data.len();
    // Padding, when present, must complete the last group of four; one leftover character is
    // never valid.
    if padding > 2 || (padding > 0 && text.len() % 4 != 0) || data.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in data.bytes() {
        let sextet = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(sextet);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// An OData `Edm.Duration`: an ISO 8601 duration such as `P1DT2H3M4.5S` or `-PT1S`, kept as text.
///
/// Accepted forms: an optional `-`, then `P`, then any of `nY nM nW nD` in that order, then
/// optionally `T` and any of `nH nM nS` (only seconds may have a fraction, `n.nnnS`); at least one
/// component must be present, and `T` must be followed by one. Deserializing rejects anything else.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Duration(pub String);

/// The components of a valid duration, as digit strings.
struct DurationParts<'a> {
    negative: bool,
    /// Years, months, weeks, days, hours, minutes, whole seconds.
    values: [Option<&'a str>; 7],
    /// The digits after the decimal point of the seconds.
    fraction: &'a str,
}

impl Duration {
    /// Checks that `text` is a valid duration and wraps it.
    pub fn parse(text: &str) -> Option<Self> {
        DurationParts::parse(text).map(|_| Duration(text.to_owned()))
    }

    /// The duration as a [`std::time::Duration`]. `None` when it is not valid, negative (other
    /// than zero), has a non-zero year or month component (which have no fixed length), or does
    /// not fit. A week is 7 days and a day is 24 hours.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        let parts = DurationParts::parse(&self.0)?;
        let [years, months, weeks, days, hours, minutes, seconds] = parts.values.map(|v| v.unwrap_or("0"));
        let is_zero = |digits: &str| digits.bytes().all(|b| b == b'0');
        if !is_zero(years) || !is_zero(months) {
            return None;
        }
        let mut total: u64 = 0;
        for (digits, unit) in [(weeks, 604_800), (days, 86_400), (hours, 3_600), (minutes, 60), (seconds, 1)] {
            let digits = digits.trim_start_matches('0');
            let value: u64 = if digits.is_empty() { 0 } else { digits.parse().ok()? };
            total = total.checked_add(value.checked_mul(unit)?)?;
        }
        let nanos = parts
            .fraction
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(9)
            .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
        if parts.negative && (total != 0 || nanos != 0) {
            return None;
        }
        Some(std::time::Duration::new(total, nanos))
    }

    /// Writes a [`std::time::Duration`] as days, hours, minutes and seconds, such as
    /// `P1DT2H0.5S`; zero is `PT0S`.
    pub fn from_std(duration: std::time::Duration) -> Self {
        use std::fmt::Write as _;
        let secs = duration.as_secs();
        let nanos = duration.subsec_nanos();
        let (days, hours, minutes, seconds) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
        let mut text = String::from("P");
        if days > 0 {
            let _ = write!(text, "{days}D");
        }
        if hours > 0 || minutes > 0 || seconds > 0 || nanos > 0 || days == 0 {
            text.push('T');
            if hours > 0 {
                let _ = write!(text, "{hours}H");
            }
            if minutes > 0 {
                let _ = write!(text, "{minutes}M");
            }
            if seconds > 0 || nanos > 0 || (hours == 0 && minutes == 0) {
                let _ = write!(text, "{seconds}");
                if nanos > 0 {
                    let _ = write!(text, ".{}", format!("{nanos:09}").trim_end_matches('0'));
                }
                text.push('S');
            }
        }
        Duration(text)
    }
}

impl<'a> DurationParts<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let rest = rest.strip_prefix('P')?;
        let (date, time) = match rest.split_once('T') {
            Some((date, time)) if !time.is_empty() => (date, Some(time)),
            Some(_) => return None,
            None => (rest, None),
        };
        let mut parts = DurationParts { negative, values: [None; 7], fraction: "" };
        Self::components(date, b"YMWD", &mut parts.values[..4])?;
        if let Some(time) = time {
            parts.fraction = Self::components(time, b"HMS", &mut parts.values[4..])?;
        }
        parts.values.iter().any(Option::is_some).then_some(parts)
    }

    /// Reads `digits designator` pairs whose designators appear in `designators` order, and
    /// returns the digits after the decimal point of the seconds (only `S` may have a fraction).
    fn components(mut text: &'a str, designators: &[u8], values: &mut [Option<&'a str>]) -> Option<&'a str> {
        fn split_digits(text: &str) -> (&str, &str) {
            text.split_at(text.bytes().take_while(u8::is_ascii_digit).count())
        }
        let mut next = 0;
        let mut fraction = "";
        while !text.is_empty() {
            let (digits, rest) = split_digits(text);
            let (decimals, rest) = match rest.strip_prefix('.') {
                Some(after) => {
                    let (decimals, rest) = split_digits(after);
                    (Some(decimals), rest)
                }
                None => (None, rest),
            };
            let designator = *rest.as_bytes().first()?;
            let index = next + designators[next..].iter().position(|&d| d == designator)?;
            if digits.is_empty() {
                return None;
            }
            if let Some(decimals) = decimals {
                if decimals.is_empty() || designator != b'S' {
                    return None;
                }
                fraction = decimals;
            }
            values[index] = Some(digits);
            next = index + 1;
            text = &rest[1..];
        }
        Some(fraction)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<std::time::Duration> for Duration {
    fn from(duration: std::time::Duration) -> Self {
        Duration::from_std(duration)
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Duration::parse(&text)
            .ok_or_else(|| de::Error::invalid_value(de::Unexpected::Str(&text), &"an ISO 8601 duration such as PT1H"))
    }
}

/// An OData `Edm.Decimal`, kept as its decimal text so no precision is lost in Rust.
///
/// Deserializing accepts a JSON number or a JSON string and keeps the text as is. A JSON number is
/// read through `f64` (so `0.10000000000000000001` becomes `0.1`) unless the final binary enables
/// serde_json's `arbitrary_precision` feature, which keeps the exact digits.
///
/// Serializing writes a JSON number when the text is a valid JSON number that survives the trip
/// through serde_json unchanged in value (an integer that fits 64 bits, or at most 15 significant
/// digits, or any number with `arbitrary_precision`), and a JSON string otherwise, which OData
/// services accept for decimals (`IEEE754Compatible`) and which loses nothing. A crate generated
/// with [`crate::IEEE754_COMPATIBLE`] always writes a string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(pub String);

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = self.0.as_str();
        if !crate::IEEE754_COMPATIBLE && is_json_number(text) {
            if let Ok(number) = serde_json::Number::from_str(text) {
                // With `arbitrary_precision` the number keeps the exact text; without it, an
                // integer that fits 64 bits or a short mantissa keeps its value through f64.
                let exact = number.to_string() == text || number.is_i64() || number.is_u64();
                if exact || significant_digits(text) <= 15 {
                    return number.serialize(serializer);
                }
            }
        }
        serializer.serialize_str(text)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::Number(number) => Ok(Decimal(number.to_string())),
            Value::String(text) => Ok(Decimal(text)),
            other => Err(de::Error::invalid_type(unexpected(&other), &"a decimal number or string")),
        }
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
        Value::Number(_) | Value::String(_) => de::Unexpected::Other("a decimal"),
    }
}

/// Whether `text` matches the JSON number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    fn digits(s: &[u8]) -> usize {
        s.iter().take_while(|b| b.is_ascii_digit()).count()
    }
    let mut s = text.as_bytes();
    if let [b'-', rest @ ..] = s {
        s = rest;
    }
    let int = digits(s);
    if int == 0 || (int > 1 && s[0] == b'0') {
        return false;
    }
    s = &s[int..];
    if let [b'.', rest @ ..] = s {
        let frac = digits(rest);
        if frac == 0 {
            return false;
        }
        s = &rest[frac..];
    }
    if let [b'e' | b'E', rest @ ..] = s {
        let rest = match rest {
            [b'+' | b'-', rest @ ..] => rest,
            _ => rest,
        };
        let exp = digits(rest);
        if exp == 0 {
            return false;
        }
        s = &rest[exp..];
    }
    s.is_empty()
}

/// The number of significant digits of the mantissa of a valid JSON number.
fn significant_digits(text: &str) -> usize {
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    digits.trim_start_matches('0').trim_end_matches('0').len()
}

// @profile graph
#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Vec<u8>> {
        let mut builder = http::Response::builder().status(status);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(body.as_bytes().to_vec()).unwrap()
    }

    fn ok(body: &str) -> http::Response<Vec<u8>> {
        response(200, &[("content-type", "application/json")], body)
    }

    #[test]
    fn parameter_aliases_keep_their_at_sign() {
        let query = [("@token", "'a b'".to_owned())];
        let request = request(&Cloud::Global, "v1.0", http::Method::GET, "/items/delta(token=@token)", &query, None);
        assert_eq!(request.uri().to_string(), "https://graph.microsoft.com/v1.0/items/delta(token=@token)?@token=%27a%20b%27");
    }

    #[test]
    fn streams_keep_bytes_and_content_type() {
        let csv = response(200, &[("content-type", "text/csv")], "a,b\n1,2\n");
        let stream = parse_stream(csv).unwrap();
        assert_eq!(stream.content_type.as_deref(), Some("text/csv"));
        assert_eq!(stream.body, b"a,b\n1,2\n");
        let missing = response(404, &[], r#"{"error":{"code":"NotFound","message":"no report"}}"#);
        assert!(matches!(parse_stream(missing), Err(Error::Service(_))));
    }

    fn decode_error(error: Error) -> DecodeError {
        match error {
            Error::Decode(e) => *e,
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    fn service_error(error: Error) -> ServiceError {
        match error {
            Error::Service(e) => *e,
            other => panic!("expected a service error, got {other:?}"),
        }
    }

    /// Inverse of the percent-encoding, for round-trip checks.
    fn percent_decode(text: &str) -> Vec<u8> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        out
    }

    /// A small deterministic generator of hostile strings (xorshift).
    fn random_strings(count: usize) -> Vec<String> {
        const PIECES: &[&str] = &[
            "/", "..", ".", "%", "%2F", "%zz", "?", "#", "&", "=", "$", " ", "+", "'", "\"", "\\", "{", "}", "|", "^",
            "`", "<", ">", "\u{0}", "\n", "\r", "\t", "é", "日本", "🦀", "a", "Z", "9", "-", "_", "~", "@", ":", "[",
            "]",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let len = (next() % 12) as usize;
                (0..len).map(|_| PIECES[(next() % PIECES.len() as u64) as usize]).collect()
            })
            .collect()
    }

    // --- Cloud ---------------------------------------------------------------------------------

    #[test]
    fn cloud_base_urls() {
        assert_eq!(Cloud::Global.base_url(), "https://graph.microsoft.com");
        assert_eq!(Cloud::UsGovL4.base_url(), "https://graph.microsoft.us");
        assert_eq!(Cloud::UsGovL5Dod.base_url(), "https://dod-graph.microsoft.us");
        assert_eq!(Cloud::China.base_url(), "https://microsoftgraph.chinacloudapi.cn");
        assert_eq!(Cloud::Custom("http://127.0.0.1:8080".into()).base_url(), "http://127.0.0.1:8080");
        assert_eq!(Cloud::Custom("http://127.0.0.1:8080/".into()).base_url(), "http://127.0.0.1:8080");
        assert_eq!(Cloud::Custom("http://proxy/graph//".into()).base_url(), "http://proxy/graph/");
    }

    // --- Operation -----------------------------------------------------------------------------

    struct GetThing(String);

    #[derive(Debug, PartialEq, Deserialize)]
    struct Thing {
        id: String,
    }

    impl Operation for GetThing {
        type Output = Thing;
        fn to_request(&self, cloud: &Cloud) -> http::Request<Vec<u8>> {
            let path = format!("/things/{}", encode_path_segment(&self.0));
            request(cloud, "beta", http::Method::GET, &path, &[], None)
        }
        fn parse_response(&self, response: http::Response<Vec<u8>>) -> Result<Thing, Error> {
            parse_entity(response)
        }
    }

    #[test]
    fn operation_round_trip() {
        let op = GetThing("a/b".into());
        let request = op.to_request(&Cloud::Custom("http://127.0.0.1:9/".into()));
        assert_eq!(request.uri(), "http://127.0.0.1:9/beta/things/a%2Fb");
        let thing = op.parse_response(ok(r#"{"id":"a/b"}"#)).unwrap();
        assert_eq!(thing, Thing { id: "a/b".into() });
    }

    // --- Responses -----------------------------------------------------------------------------

    const SEED_RESPONSE: &str = r##"{
  "value": {
    "@odata.type": "#microsoft.graph.cloudCertificationAuthorityLeafCertificate",
    "id": "976c94f8-94f8-976c-f894-6c97f8946c97",
    "subjectName": "Subject Name value",
    "issuerId": "Issuer Id value",
    "issuerName": "Issuer Name value",
    "certificateStatus": "active",
    "validityStartDateTime": "2016-12-31T23:59:36.3292251-08:00",
    "validityEndDateTime": "2016-12-31T23:57:06.8876616-08:00",
    "crlDistributionPointUrl": "https://example.com/crlDistributionPointUrl/",
    "certificationAuthorityIssuerUri": "Certification Authority Issuer Uri value",
    "ocspResponderUri": "Ocsp Responder Uri value",
    "thumbprint": "Thumbprint value",
    "serialNumber": "Serial Number value",
    "revocationDateTime": "2017-01-01T00:00:26.0037365-08:00",
    "deviceName": "Device Name value",
    "userPrincipalName": "User Principal Name value",
    "deviceId": "Device Id value",
    "userId": "User Id value",
    "devicePlatform": "Device Platform value",
    "keyUsages": [
      "Key Usages value"
    ],
    "extendedKeyUsages": [
      "Extended Key Usages value"
    ]
  }
}"##;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct LeafCertificate {
        id: String,
        subject_name: Option<String>,
        certificate_status: Option<String>,
        validity_start_date_time: Option<chrono::DateTime<chrono::FixedOffset>>,
        revocation_date_time: Option<chrono::DateTime<chrono::FixedOffset>>,
        #[serde(default)]
        key_usages: Vec<String>,
    }

    #[test]
    fn seed_response_decodes_through_parse_entity() {
        let leaf: LeafCertificate = parse_entity(ok(SEED_RESPONSE)).unwrap();
        assert_eq!(leaf.id, "976c94f8-94f8-976c-f894-6c97f8946c97");
        assert_eq!(leaf.subject_name.as_deref(), Some("Subject Name value"));
        assert_eq!(leaf.certificate_status.as_deref(), Some("active"));
        assert_eq!(leaf.key_usages, ["Key Usages value"]);
        let start = leaf.validity_start_date_time.unwrap();
        assert_eq!(start.to_rfc3339(), "2016-12-31T23:59:36.329225100-08:00");
        assert!(leaf.revocation_date_time.is_some());
    }

    #[test]
    fn parse_entity_bare_and_wrapped() {
        let bare: Thing = parse_entity(ok(r#"{"@odata.context":"x","id":"1"}"#)).unwrap();
        assert_eq!(bare.id, "1");
        let wrapped: Thing = parse_entity(ok(r#"{"value":{"id":"2"}}"#)).unwrap();
        assert_eq!(wrapped.id, "2");
        let annotated: Thing = parse_entity(ok(
            r##"{"@odata.context":"$metadata#x/$entity","value":{"id":"3"},"value@odata.type":"#t"}"##,
        ))
        .unwrap();
        assert_eq!(annotated.id, "3");
        // Response headers do not matter, and 201 is a success.
        let created: Thing = parse_entity(response(201, &[], r#"{"id":"4"}"#)).unwrap();
        assert_eq!(created.id, "4");
    }

    #[test]
    fn parse_entity_does_not_unwrap_a_real_value_property() {
        #[derive(Debug, Deserialize)]
        struct Setting {
            id: String,
            value: Value,
        }
        // `value` next to another property is the entity's own property.
        let setting: Setting = parse_entity(ok(r#"{"id":"s","value":{"a":1}}"#)).unwrap();
        assert_eq!(setting.id, "s");
        assert_eq!(setting.value, json!({"a": 1}));
        // A primitive `value` alone is not a wrapper either.
        #[derive(Debug, Deserialize)]
        struct OnlyValue {
            value: i32,
        }
        let only: OnlyValue = parse_entity(ok(r#"{"value":7}"#)).unwrap();
        assert_eq!(only.value, 7);
    }

    #[test]
    fn parse_entity_rejects_undecodable_bodies_and_keeps_bytes() {
        for (body, reason) in [
            ("<html>oops</html>", "not valid JSON"),
            (r#"{"id": "trunc"#, "not valid JSON"),
            (r#"{"name":"no id"}"#, "missing field `id`"),
            (r#"{"id": 5}"#, "invalid type"),
            ("[]", "could not decode"),
            ("", "expected a JSON body"),
            ("  \n", "expected a JSON body"),
        ] {
            let error = decode_error(parse_entity::<Thing>(ok(body)).unwrap_err());
            assert_eq!(error.status, http::StatusCode::OK);
            assert_eq!(error.body, body.as_bytes());
            assert_eq!(error.headers["content-type"], "application/json");
            assert!(error.reason.contains(reason), "{body:?}: {}", error.reason);
        }
    }

    #[test]
    fn parse_optional_entity_cases() {
        assert_eq!(parse_optional_entity::<Thing>(response(204, &[], "")).unwrap(), None);
        assert_eq!(parse_optional_entity::<Thing>(ok("")).unwrap(), None);
        assert_eq!(parse_optional_entity::<Thing>(ok("null")).unwrap(), None);
        assert_eq!(parse_optional_entity::<Thing>(ok(r#"{"value":null}"#)).unwrap(), None);
        assert_eq!(parse_optional_entity::<Thing>(ok(r#"{"id":"1"}"#)).unwrap(), Some(Thing { id: "1".into() }));
        assert_eq!(
            parse_optional_entity::<Thing>(ok(r#"{"value":{"id":"2"}}"#)).unwrap(),
            Some(Thing { id: "2".into() })
        );
        decode_error(parse_optional_entity::<Thing>(ok("{oops")).unwrap_err());
        service_error(
            parse_optional_entity::<Thing>(response(404, &[], r#"{"error":{"code":"NotFound","message":"m"}}"#))
                .unwrap_err(),
        );
    }

    #[test]
    fn parse_collection_cases() {
        let body = r#"{"@odata.context":"c","@odata.nextLink":"n","value":[{"id":"1"},{"id":"2"}]}"#;
        let items: Vec<Thing> = parse_collection(ok(body)).unwrap();
        assert_eq!(items, [Thing { id: "1".into() }, Thing { id: "2".into() }]);
        let bare: Vec<Thing> = parse_collection(ok(r#"[{"id":"3"}]"#)).unwrap();
        assert_eq!(bare, [Thing { id: "3".into() }]);
        let empty: Vec<Thing> = parse_collection(ok(r#"{"value":[]}"#)).unwrap();
        assert!(empty.is_empty());
        for body in [r#"{"id":"1"}"#, r#"{"value":{"id":"1"}}"#, "42", r#"{"value":[{"name":"x"}]}"#] {
            let error = decode_error(parse_collection::<Thing>(ok(body)).unwrap_err());
            assert_eq!(error.body, body.as_bytes());
        }
    }

    #[test]
    fn parse_page_cases() {
        let body = r#"{"@odata.context":"c","@odata.count":42,"@odata.nextLink":"https://graph.microsoft.com/beta/x?$skiptoken=abc","value":[{"id":"1"}]}"#;
        let page: Page<Thing> = parse_page(ok(body)).unwrap();
        assert_eq!(page.value, [Thing { id: "1".into() }]);
        assert_eq!(page.next_link.as_deref(), Some("https://graph.microsoft.com/beta/x?$skiptoken=abc"));
        assert_eq!(page.delta_link, None);
        assert_eq!(page.count, Some(42));

        let last: Page<Thing> = parse_page(ok(r#"{"value":[],"@odata.deltaLink":"d"}"#)).unwrap();
        assert!(last.value.is_empty());
        assert_eq!((last.next_link, last.delta_link.as_deref()), (None, Some("d")));

        let bare: Page<Thing> = parse_page(ok(r#"[{"id":"1"}]"#)).unwrap();
        assert_eq!(bare, Page { value: vec![Thing { id: "1".into() }], ..Page::default() });

        for body in [r#"{"@odata.context":"c"}"#, "true", r#"{"value":[1]}"#] {
            decode_error(parse_page::<Thing>(ok(body)).unwrap_err());
        }
    }

    #[test]
    fn page_serializes_with_wire_names() {
        let page = Page { value: vec![1], context: None, next_link: Some("n".into()), delta_link: None, count: Some(1) };
        assert_eq!(
            serde_json::to_value(&page).unwrap(),
            json!({"value": [1], "@odata.nextLink": "n", "@odata.count": 1})
        );
    }

    #[test]
    fn parse_empty_cases() {
        parse_empty(response(204, &[], "")).unwrap();
        parse_empty(ok(r#"{"ignored": true}"#)).unwrap();
        parse_empty(ok("not even json")).unwrap();
        let error = service_error(
            parse_empty(response(403, &[], r#"{"error":{"code":"Forbidden","message":"no"}}"#)).unwrap_err(),
        );
        assert_eq!(error.status, http::StatusCode::FORBIDDEN);
        decode_error(parse_empty(response(500, &[], "")).unwrap_err());
    }

    #[test]
    fn parse_value_cases() {
        assert_eq!(parse_value::<i64>(ok(r#"{"@odata.context":"c","value":42}"#)).unwrap(), 42);
        assert_eq!(parse_value::<i64>(ok("42")).unwrap(), 42);
        assert_eq!(parse_value::<String>(ok(r#"{"value":"text"}"#)).unwrap(), "text");
        assert_eq!(parse_value::<String>(ok(r#""bare""#)).unwrap(), "bare");
        assert!(parse_value::<bool>(ok(r#"{"value":true}"#)).unwrap());
        assert_eq!(parse_value::<Vec<i32>>(ok(r#"{"value":[1,2]}"#)).unwrap(), [1, 2]);
        assert_eq!(parse_value::<Option<i32>>(ok(r#"{"value":null}"#)).unwrap(), None);
        assert_eq!(parse_value::<Double>(ok(r#"{"value":"INF"}"#)).unwrap(), Double(f64::INFINITY));
        let error = decode_error(parse_value::<i64>(ok(r#"{"value":"x"}"#)).unwrap_err());
        assert!(error.reason.contains("i64"), "{}", error.reason);
        decode_error(parse_value::<i64>(ok(r#"{"value":1,"other":2}"#)).unwrap_err());
    }

    const ERROR_BODY: &str = r#"{
        "error": {
            "code": "ResourceNotFound",
            "message": "The resource was not found",
            "details": [{"code": "Inner", "message": "detail", "target": "id"}],
            "innerError": {
                "request-id": "body-request-id",
                "client-request-id": "body-client-id",
                "date": "2024-01-01T00:00:00",
                "innerError": {"code": "deeper"}
            }
        }
    }"#;

    #[test]
    fn odata_error_with_request_id_from_header() {
        let headers = [("request-id", "header-request-id"), ("client-request-id", "header-client-id")];
        let error = parse_entity::<Thing>(response(404, &headers, ERROR_BODY)).unwrap_err();
        assert_eq!(error.status(), http::StatusCode::NOT_FOUND);
        assert_eq!(error.request_id(), Some("header-request-id"));
        assert_eq!(
            error.to_string(),
            "404 Not Found: ResourceNotFound: The resource was not found (request-id header-request-id)"
        );
        let error = service_error(error);
        assert_eq!(error.client_request_id.as_deref(), Some("header-client-id"));
        assert_eq!(error.error.code, "ResourceNotFound");
        assert_eq!(error.error.details[0].target.as_deref(), Some("id"));
        let inner = error.error.inner_error.as_ref().unwrap();
        assert_eq!(inner.request_id.as_deref(), Some("body-request-id"));
        assert_eq!(inner.date.as_deref(), Some("2024-01-01T00:00:00"));
        assert_eq!(inner.other["innerError"], json!({"code": "deeper"}));
    }

    #[test]
    fn odata_error_with_request_id_from_body() {
        let error = service_error(parse_collection::<Thing>(response(404, &[], ERROR_BODY)).unwrap_err());
        assert_eq!(error.request_id.as_deref(), Some("body-request-id"));
        assert_eq!(error.client_request_id.as_deref(), Some("body-client-id"));
        assert!(error.to_string().ends_with("(request-id body-request-id)"));
    }

    #[test]
    fn odata_error_minimal_and_spec_spelling() {
        let body = r#"{"error":{"code":"BadRequest","message":"Bad","innererror":{"request-id":"r"}}}"#;
        let error = service_error(parse_value::<i32>(response(400, &[], body)).unwrap_err());
        assert_eq!(error.request_id.as_deref(), Some("r"));
        assert_eq!(error.to_string(), "400 Bad Request: BadRequest: Bad (request-id r)");
        let body = r#"{"error":{"code":"TooMany","message":"slow down"}}"#;
        let error = parse_page::<Thing>(response(429, &[("retry-after", "7")], body)).unwrap_err();
        assert_eq!(error.headers()["retry-after"], "7");
        assert_eq!(error.to_string(), "429 Too Many Requests: TooMany: slow down");
    }

    #[test]
    fn odata_error_round_trips_through_serde() {
        let error: ODataError = serde_json::from_value(json!({
            "code": "c", "message": "m", "target": "t",
            "innerError": {"request-id": "r", "client-request-id": "cr", "date": "d", "extra": 1}
        }))
        .unwrap();
        let back: ODataError = serde_json::from_value(serde_json::to_value(&error).unwrap()).unwrap();
        assert_eq!(back, error);
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"code": "c", "message": "m", "target": "t",
                   "innerError": {"request-id": "r", "client-request-id": "cr", "date": "d", "extra": 1}})
        );
    }

    #[test]
    fn non_odata_error_bodies_are_decode_errors() {
        for body in ["<html>Bad Gateway</html>", "", r#"{"error":"invalid_grant"}"#, r#"{"message":"x"}"#, "{"] {
            let error = parse_entity::<Thing>(response(502, &[("request-id", "rid")], body)).unwrap_err();
            assert_eq!(error.request_id(), Some("rid"));
            let error = decode_error(error);
            assert_eq!(error.status, http::StatusCode::BAD_GATEWAY);
            assert_eq!(error.body, body.as_bytes());
            assert!(error.reason.contains("not successful"), "{}", error.reason);
        }
        // Redirects are not followed here: they are not successes either.
        decode_error(parse_empty(response(302, &[("location", "/x")], "")).unwrap_err());
    }

    #[test]
    fn decode_error_display_truncates_the_body() {
        let body = format!("{}{}", "x".repeat(199), "é and much more text after it");
        let error = decode_error(parse_entity::<Thing>(ok(&body)).unwrap_err());
        let text = error.to_string();
        assert!(text.starts_with("could not decode the response (200 OK): the body is not valid JSON"), "{text}");
        assert!(text.contains(&format!("body ({} bytes)", body.len())), "{text}");
        // The cut falls inside `é`, which is dropped rather than shown as a replacement character.
        assert!(text.ends_with(&format!("{}…", "x".repeat(199))), "{text}");
        assert!(!text.contains("much more"));

        let invalid_utf8 = decode_error(
            parse_entity::<Thing>(http::Response::builder().status(500).body(vec![0xff, b'a']).unwrap()).unwrap_err(),
        );
        assert!(invalid_utf8.to_string().ends_with("\u{fffd}a"), "{invalid_utf8}");
        let empty = decode_error(parse_entity::<Thing>(response(500, &[], "")).unwrap_err());
        assert!(empty.to_string().ends_with("the body is empty"), "{empty}");
    }

    #[test]
    fn debug_output_redacts_credentials() {
        let headers = [
            ("authorization", "Bearer secret-token"),
            ("proxy-authorization", "Basic c2VjcmV0"),
            ("set-cookie", "session=secret"),
            ("request-id", "visible-id"),
        ];
        let service = parse_empty(response(401, &headers, ERROR_BODY)).unwrap_err();
        let decode = parse_empty(response(401, &headers, "nope")).unwrap_err();
        for error in [service, decode] {
            for text in [format!("{error:?}"), format!("{error:#?}"), error.to_string()] {
                assert!(!text.contains("secret"), "{text}");
            }
            let debug = format!("{error:?}");
            assert!(debug.contains("\"authorization\": <redacted>"), "{debug}");
            assert!(debug.contains("visible-id"), "{debug}");
        }
    }

    #[test]
    fn error_stays_small() {
        assert!(std::mem::size_of::<Error>() <= 2 * std::mem::size_of::<usize>());
    }

    #[test]
    fn error_conversions() {
        let decode = DecodeError {
            status: http::StatusCode::OK,
            headers: http::HeaderMap::new(),
            body: Vec::new(),
            reason: "r".into(),
        };
        let error: Error = decode.into();
        assert_eq!(error.status(), http::StatusCode::OK);
        assert_eq!(error.request_id(), None);
        let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
        assert!(boxed.to_string().contains(": r; the body is empty"));
    }

    // --- Requests ------------------------------------------------------------------------------

    #[test]
    fn request_for_the_seed_action() {
        let id = encode_path_segment("976c94f8-94f8-976c-f894-6c97f8946c97");
        let path = format!("/deviceManagement/cloudCertificationAuthority/{id}/revokeLeafCertificateBySerialNumber");
        let body = serde_json::to_vec(&json!({"certificateSerialNumber": "Certificate Serial Number value"})).unwrap();
        let request = request(&Cloud::Global, "beta", http::Method::POST, &path, &[], Some(body.clone()));
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(
            request.uri(),
            "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority/976c94f8-94f8-976c-f894-6c97f8946c97/revokeLeafCertificateBySerialNumber"
        );
        assert_eq!(request.headers()["accept"], "application/json");
        assert_eq!(request.headers()["content-type"], "application/json");
        assert!(request.headers().get("authorization").is_none());
        assert_eq!(request.body(), &body);
    }

    #[test]
    fn request_without_body_and_on_every_cloud() {
        for (cloud, url) in [
            (Cloud::Global, "https://graph.microsoft.com/v1.0/me"),
            (Cloud::UsGovL4, "https://graph.microsoft.us/v1.0/me"),
            (Cloud::UsGovL5Dod, "https://dod-graph.microsoft.us/v1.0/me"),
            (Cloud::China, "https://microsoftgraph.chinacloudapi.cn/v1.0/me"),
            (Cloud::Custom("http://127.0.0.1:1234/".into()), "http://127.0.0.1:1234/v1.0/me"),
        ] {
            let request = request(&cloud, "v1.0", http::Method::GET, "/me", &[], None);
            assert_eq!(request.uri(), url);
            assert!(request.body().is_empty());
            assert!(request.headers().get("content-type").is_none());
        }
        let no_slash = request(&Cloud::Global, "beta", http::Method::GET, "me", &[], None);
        assert_eq!(no_slash.uri(), "https://graph.microsoft.com/beta/me");
        let empty = request(&Cloud::Global, "beta", http::Method::GET, "", &[], None);
        assert_eq!(empty.uri(), "https://graph.microsoft.com/beta");
        let no_version = request(&Cloud::Global, "", http::Method::GET, "/me", &[], None);
        assert_eq!(no_version.uri(), "https://graph.microsoft.com/me");
        let slashed_version = request(&Cloud::Global, "/v1.0/", http::Method::GET, "/me", &[], None);
        assert_eq!(slashed_version.uri(), "https://graph.microsoft.com/v1.0/me");
    }

    #[test]
    fn request_encodes_query_pairs() {
        let query = [("$filter", "status eq 'active' & x=1".to_owned()), ("$select", "id,name".to_owned())];
        let request = request(&Cloud::Global, "beta", http::Method::GET, "/things", &query, None);
        assert_eq!(
            request.uri(),
            "https://graph.microsoft.com/beta/things?$filter=status%20eq%20%27active%27%20%26%20x%3D1&$select=id%2Cname"
        );
        let weird = [("a b&c", "é/?#+".to_owned())];
        let request = super::request(&Cloud::Global, "beta", http::Method::GET, "/t", &weird, None);
        assert_eq!(request.uri().query(), Some("a%20b%26c=%C3%A9%2F%3F%23%2B"));
    }

    #[test]
    fn request_sanitizes_careless_paths() {
        let request = request(&Cloud::Global, "beta", http::Method::GET, "/a b/c?d#e/%zz/%2F/é", &[], None);
        assert_eq!(request.uri().path(), "/beta/a%20b/c%3Fd%23e/%25zz/%2F/%C3%A9");
        assert_eq!(request.uri().query(), None);
    }

    #[test]
    fn request_never_panics() {
        let strings = random_strings(400);
        let mut clouds: Vec<Cloud> = strings.iter().take(40).map(|s| Cloud::Custom(s.clone())).collect();
        clouds.push(Cloud::Custom("http://[::1".into()));
        clouds.push(Cloud::Custom("http://host:99999999".into()));
        clouds.push(Cloud::Global);
        for (i, text) in strings.iter().enumerate() {
            let cloud = &clouds[i % clouds.len()];
            let query = [(text.as_str(), text.clone())];
            let request = request(cloud, text, http::Method::PATCH, text, &query, Some(text.clone().into_bytes()));
            assert!(!request.uri().to_string().contains(' '));
        }
        // A relative or broken custom base URL falls back to the origin form.
        let request = request(&Cloud::Custom("not a url".into()), "beta", http::Method::GET, "/x", &[], None);
        assert_eq!(request.uri(), "/beta/x");
        // Too long for `http::Uri`: falls back to `/` instead of panicking.
        let huge = [("$filter", "x".repeat(70_000))];
        let request = super::request(&Cloud::Global, "beta", http::Method::GET, "/x", &huge, None);
        assert_eq!(request.uri(), "/");
    }

    #[test]
    fn encode_path_segment_keeps_one_segment() {
        for (input, expected) in [
            ("plain-id_1.2~3", "plain-id_1.2~3"),
            ("../users", "..%2Fusers"),
            ("a/b", "a%2Fb"),
            ("?x=1", "%3Fx%3D1"),
            ("#frag", "%23frag"),
            ("%2F", "%252F"),
            ("with space", "with%20space"),
            ("é日", "%C3%A9%E6%97%A5"),
            ("'quoted'", "%27quoted%27"),
            (".", "%2E"),
            ("..", "%2E%2E"),
            ("...", "..."),
            ("", ""),
        ] {
            assert_eq!(encode_path_segment(input), expected, "{input:?}");
        }
        for text in random_strings(500) {
            let encoded = encode_path_segment(&text);
            assert!(encoded.bytes().all(|b| is_unreserved(b) || b == b'%'), "{encoded}");
            assert_ne!(encoded, ".");
            assert_ne!(encoded, "..");
            if text != "." && text != ".." {
                assert_eq!(percent_decode(&encoded), text.as_bytes());
            }
            let path = format!("/users/{encoded}/manager");
            let request = request(&Cloud::Global, "beta", http::Method::GET, &path, &[], None);
            assert_eq!(request.uri().path(), format!("/beta/users/{encoded}/manager"));
        }
    }

    #[test]
    fn query_options_order_and_encoding() {
        let options = QueryOptions::default()
            .search("\"displayName:ca\"")
            .count(true)
            .expand(["issuer"])
            .orderby(["name desc", "id"])
            .skip(5)
            .top(10)
            .filter("status eq 'active'")
            .select(["id", "name"]);
        assert_eq!(
            options.to_query(),
            [
                ("$select", "id,name".to_owned()),
                ("$filter", "status eq 'active'".to_owned()),
                ("$top", "10".to_owned()),
                ("$skip", "5".to_owned()),
                ("$orderby", "name desc,id".to_owned()),
                ("$expand", "issuer".to_owned()),
                ("$count", "true".to_owned()),
                ("$search", "\"displayName:ca\"".to_owned()),
            ]
        );
        assert!(options.needs_eventual_consistency());
        let request = request(&Cloud::Global, "beta", http::Method::GET, "/x", &options.to_query(), None);
        assert_eq!(
            request.uri().query(),
            Some(
                "$select=id%2Cname&$filter=status%20eq%20%27active%27&$top=10&$skip=5&$orderby=name%20desc%2Cid\
                 &$expand=issuer&$count=true&$search=%22displayName%3Aca%22"
            )
        );
    }

    #[test]
    fn query_options_defaults_and_consistency() {
        assert!(QueryOptions::default().to_query().is_empty());
        assert!(!QueryOptions::default().needs_eventual_consistency());
        assert!(!QueryOptions::default().top(1).filter("x").needs_eventual_consistency());
        assert!(QueryOptions::default().count(true).needs_eventual_consistency());
        assert!(QueryOptions::default().search("\"x\"").needs_eventual_consistency());
        assert!(QueryOptions::default().count(false).to_query().is_empty());
        let select = QueryOptions::default().select(vec![String::from("a")]).select(Vec::<String>::new());
        assert_eq!(select, QueryOptions::default());
    }

    // --- Value types ---------------------------------------------------------------------------

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        name: Nullable<String>,
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        size: Nullable<i32>,
    }

    #[test]
    fn nullable_three_states_round_trip() {
        for (patch, text) in [
            (Patch { name: Nullable::Absent, size: Nullable::Absent }, "{}"),
            (Patch { name: Nullable::Null, size: Nullable::Absent }, r#"{"name":null}"#),
            (Patch { name: "x".to_owned().into(), size: Nullable::Value(3) }, r#"{"name":"x","size":3}"#),
            (Patch { name: Nullable::Absent, size: Nullable::from(None) }, r#"{"size":null}"#),
        ] {
            assert_eq!(serde_json::to_string(&patch).unwrap(), text);
            assert_eq!(serde_json::from_str::<Patch>(text).unwrap(), patch);
        }
        assert_eq!(serde_json::to_string(&Nullable::<i32>::Absent).unwrap(), "null");
        assert!(serde_json::from_str::<Patch>(r#"{"size":"x"}"#).is_err());
    }

    #[test]
    fn nullable_accessors() {
        let value: Nullable<i32> = 5.into();
        assert_eq!(value.as_option(), Some(&5));
        assert_eq!(value.into_option(), Some(5));
        assert!(!value.is_absent() && !value.is_null());
        assert_eq!(Nullable::<i32>::default(), Nullable::Absent);
        assert!(Nullable::<i32>::Absent.is_absent());
        assert!(Nullable::<i32>::Null.is_null());
        assert_eq!(Nullable::<i32>::Null.as_option(), None);
        assert_eq!(Nullable::<i32>::Absent.into_option(), None);
        assert_eq!(Nullable::from(Some(1)), Nullable::Value(1));
        assert_eq!(Nullable::<i32>::from(None), Nullable::Null);
        // No `T: Default` bound: generated models need not implement `Default`.
        struct NoDefault;
        assert!(Nullable::<NoDefault>::default().is_absent());
    }

    /// Stands in for a generated open enum.
    #[derive(Debug, Clone, PartialEq, Eq, Hash)]
    enum KeyUsage {
        DigitalSignature,
        KeyEncipherment,
        Other(String),
    }

    impl FromStr for KeyUsage {
        type Err = Infallible;
        fn from_str(s: &str) -> Result<Self, Infallible> {
            Ok(match s {
                "digitalSignature" => KeyUsage::DigitalSignature,
                "keyEncipherment" => KeyUsage::KeyEncipherment,
                other => KeyUsage::Other(other.to_owned()),
            })
        }
    }

    impl AsRef<str> for KeyUsage {
        fn as_ref(&self) -> &str {
            match self {
                KeyUsage::DigitalSignature => "digitalSignature",
                KeyUsage::KeyEncipherment => "keyEncipherment",
                KeyUsage::Other(other) => other,
            }
        }
    }

    #[test]
    fn flags_round_trip() {
        let flags: Flags<KeyUsage> = serde_json::from_str(r#""digitalSignature, keyEncipherment,newThing""#).unwrap();
        assert_eq!(
            flags.0,
            [KeyUsage::DigitalSignature, KeyUsage::KeyEncipherment, KeyUsage::Other("newThing".into())]
        );
        assert_eq!(serde_json::to_string(&flags).unwrap(), r#""digitalSignature,keyEncipherment,newThing""#);
        let empty: Flags<KeyUsage> = serde_json::from_str(r#""""#).unwrap();
        assert_eq!(empty, Flags::default());
        assert_eq!(serde_json::to_string(&empty).unwrap(), r#""""#);
        let single: Flags<KeyUsage> = serde_json::from_str(r#""keyEncipherment""#).unwrap();
        assert_eq!(single, Flags(vec![KeyUsage::KeyEncipherment]));
        let gaps: Flags<KeyUsage> = serde_json::from_str(r#"" ,digitalSignature,, ""#).unwrap();
        assert_eq!(gaps, [KeyUsage::DigitalSignature].into_iter().collect());
        assert!(serde_json::from_str::<Flags<KeyUsage>>("1").is_err());
        // Also through a borrowed-or-owned string (escapes force an owned one).
        let escaped: Flags<KeyUsage> = serde_json::from_str(r#""digital\u0053ignature""#).unwrap();
        assert_eq!(escaped, Flags::from(vec![KeyUsage::DigitalSignature]));
    }

    #[test]
    fn double_and_single() {
        for (text, expected) in [("1.5", 1.5), ("-2", -2.0), ("7", 7.0), (r#""1.5""#, 1.5), (r#""-3e2""#, -300.0)] {
            assert_eq!(serde_json::from_str::<Double>(text).unwrap(), Double(expected), "{text}");
            assert_eq!(serde_json::from_str::<Single>(text).unwrap(), Single(expected as f32), "{text}");
        }
        assert_eq!(serde_json::from_str::<Double>(r#""INF""#).unwrap().0, f64::INFINITY);
        assert_eq!(serde_json::from_str::<Double>(r#""-INF""#).unwrap().0, f64::NEG_INFINITY);
        assert!(serde_json::from_str::<Double>(r#""NaN""#).unwrap().0.is_nan());
        assert_eq!(serde_json::from_str::<Single>(r#""-INF""#).unwrap().0, f32::NEG_INFINITY);
        assert!(serde_json::from_str::<Single>(r#""NaN""#).unwrap().0.is_nan());
        for bad in [r#""""#, r#""abc""#, "true", "null", "[]"] {
            assert!(serde_json::from_str::<Double>(bad).is_err(), "{bad}");
        }

        assert_eq!(serde_json::to_string(&Double(1.5)).unwrap(), "1.5");
        assert_eq!(serde_json::to_string(&Double(f64::INFINITY)).unwrap(), r#""INF""#);
        assert_eq!(serde_json::to_string(&Double(f64::NEG_INFINITY)).unwrap(), r#""-INF""#);
        assert_eq!(serde_json::to_string(&Double(f64::NAN)).unwrap(), r#""NaN""#);
        assert_eq!(serde_json::to_string(&Single(1.1)).unwrap(), "1.1");
        assert_eq!(serde_json::to_string(&Single(f32::INFINITY)).unwrap(), r#""INF""#);
        assert_eq!(f64::from(Double::from(2.5)), 2.5);
        assert_eq!(f32::from(Single::from(2.5)), 2.5);
    }

    #[test]
    fn binary_both_alphabets() {
        let bytes = vec![0xfb, 0xff, 0xbf, 0x00, 0x10];
        assert_eq!(serde_json::to_string(&Binary(bytes.clone())).unwrap(), r#""+/+/ABA=""#);
        for text in [r#""+/+/ABA=""#, r#""+/+/ABA""#, r#""-_-_ABA=""#, r#""-_-_ABA""#] {
            assert_eq!(serde_json::from_str::<Binary>(text).unwrap(), Binary(bytes.clone()), "{text}");
        }
        for (input, encoded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg==")] {
            assert_eq!(base64_encode(input.as_bytes()), encoded);
            assert_eq!(base64_decode(encoded).unwrap(), input.as_bytes());
            assert_eq!(base64_decode(encoded.trim_end_matches('=')).unwrap(), input.as_bytes());
        }
        for bad in ["Z", "Zg=", "Zg===", "Z===", "Zm9v!", "Zm 9v", "=Zm9", "Zm=9v"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
        assert!(serde_json::from_str::<Binary>(r#""not base64!""#).is_err());
        assert!(serde_json::from_str::<Binary>("[1,2]").is_err());
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            assert_eq!(base64_decode(&base64_encode(&all[..len])).unwrap(), &all[..len]);
        }
    }

    #[test]
    fn duration_forms() {
        let cases: &[(&str, Option<(u64, u32)>)] = &[
            ("P1DT2H3M4.5S", Some((93_784, 500_000_000))),
            ("PT1S", Some((1, 0))),
            ("PT0S", Some((0, 0))),
            ("-PT0S", Some((0, 0))),
            ("-PT1S", None),
            ("P1Y", None),
            ("P2M", None),
            ("P0Y0M1D", Some((86_400, 0))),
            ("P2W", Some((1_209_600, 0))),
            ("PT1M", Some((60, 0))),
            ("PT36H", Some((129_600, 0))),
            ("PT0.000000001S", Some((0, 1))),
            ("PT1.1234567891S", Some((1, 123_456_789))),
            ("P1Y2M3W4DT5H6M7.8S", None),
            ("P99999999999999999999D", None),
        ];
        for (text, std) in cases {
            let duration: Duration = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(duration.to_std(), std.map(|(s, n)| std::time::Duration::new(s, n)), "{text}");
            assert_eq!(serde_json::to_value(&duration).unwrap(), json!(text));
            assert_eq!(duration.to_string(), *text);
        }
        for bad in [
            "", "P", "PT", "P1DT", "1D", "P1", "PD", "P1H", "PT1D", "P1M1Y", "PT1S1M", "P1.5D", "PT1.S", "PT.5S",
            "PT1.5M", "P1D1D", "+P1D", "--P1D", "P-1D", "p1d", "P1DX", "P 1D", "PT1H ", "garbage", "P1DTT1H",
        ] {
            assert!(Duration::parse(bad).is_none(), "{bad:?}");
            assert!(serde_json::from_value::<Duration>(json!(bad)).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_value::<Duration>(json!(5)).is_err());
    }

    #[test]
    fn duration_from_std() {
        for (secs, nanos, text) in [
            (0, 0, "PT0S"),
            (1, 0, "PT1S"),
            (60, 0, "PT1M"),
            (3_600, 0, "PT1H"),
            (86_400, 0, "P1D"),
            (93_784, 500_000_000, "P1DT2H3M4.5S"),
            (90_000, 0, "P1DT1H"),
            (0, 1, "PT0.000000001S"),
            (3_601, 0, "PT1H1S"),
        ] {
            let std = std::time::Duration::new(secs, nanos);
            let duration = Duration::from_std(std);
            assert_eq!(duration.0, text);
            assert_eq!(duration.to_std(), Some(std), "{text}");
            assert_eq!(Duration::from(std), duration);
        }
        let max = Duration::from_std(std::time::Duration::MAX);
        assert_eq!(max.to_std(), Some(std::time::Duration::MAX));
    }

    #[test]
    fn decimal_text_kept() {
        for (json_text, text) in [
            ("1.5", "1.5"),
            ("-2", "-2"),
            ("18446744073709551615", "18446744073709551615"),
            (r#""123456789012345678901234.5""#, "123456789012345678901234.5"),
            (r#""1.50""#, "1.50"),
            (r#""not a number""#, "not a number"),
        ] {
            assert_eq!(serde_json::from_str::<Decimal>(json_text).unwrap(), Decimal(text.into()), "{json_text}");
        }
        for bad in ["true", "null", "[1]", "{}"] {
            assert!(serde_json::from_str::<Decimal>(bad).is_err(), "{bad}");
        }
        assert_eq!(Decimal("1.5".into()).to_string(), "1.5");
    }

    #[test]
    fn decimal_serialization() {
        for (text, json_text) in [
            ("1.5", "1.5"),
            ("-2", "-2"),
            ("0", "0"),
            ("18446744073709551615", "18446744073709551615"),
            ("-9223372036854775808", "-9223372036854775808"),
            ("0.000123", "0.000123"),
            ("1.50", "1.5"),
            ("1e3", "1000.0"),
            ("123456789012345678901234.5", r#""123456789012345678901234.5""#),
            ("0.10000000000000000001", r#""0.10000000000000000001""#),
            ("1e400", r#""1e400""#),
            ("01", r#""01""#),
            ("1.", r#""1.""#),
            ("abc", r#""abc""#),
            ("", r#""""#),
        ] {
            assert_eq!(serde_json::to_string(&Decimal(text.into())).unwrap(), json_text, "{text}");
        }
    }

    #[test]
    fn filter_literals_as_the_odata_abnf_test_cases_write_them() {
        use super::filter::{Expr, Property};
        let date = chrono::NaiveDate::from_ymd_opt(2012, 12, 3).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2012-12-03T07:16:23Z").unwrap();
        let time = chrono::NaiveTime::from_hms_milli_opt(7, 59, 59, 999).unwrap();
        for (expr, expected) in [
            (Property::<String>::new("StringValue").eq("Say Hello,then go"), "StringValue eq 'Say Hello,then go'"),
            (Property::<String>::new("Name").eq("O'Neil"), "Name eq 'O''Neil'"),
            (Property::<Decimal>::new("DecimalValue").eq(Decimal("34.95".into())), "DecimalValue eq 34.95"),
            (Property::<Double>::new("A").eq(f64::INFINITY), "A eq INF"),
            (Property::<Double>::new("Price").lt(2.55), "Price lt 2.55"),
            (Property::<i64>::new("Int64Value").eq(0i64), "Int64Value eq 0"),
            (Property::<bool>::new("BoolValue").eq(false), "BoolValue eq false"),
            (
                Property::<Duration>::new("DurationValue").eq(Duration("P12DT23H59M59.999999999999S".into())),
                "DurationValue eq duration'P12DT23H59M59.999999999999S'",
            ),
            (Property::<chrono::NaiveDate>::new("DateValue").eq(date), "DateValue eq 2012-12-03"),
            (
                Property::<chrono::DateTime<chrono::FixedOffset>>::new("DateTimeOffsetValue").eq(at),
                "DateTimeOffsetValue eq 2012-12-03T07:16:23Z",
            ),
            (Property::<chrono::NaiveTime>::new("TimeOfDayValue").eq(time), "TimeOfDayValue eq 07:59:59.999"),
            (Property::<String>::new("NullValue").is_null(), "NullValue eq null"),
            (Property::<String>::new("Name").is_in(["Milk", "Cheese"]), "Name in ('Milk','Cheese')"),
            (Property::<String>::new("CompanyName").contains("Alfreds"), "contains(CompanyName,'Alfreds')"),
            (Property::<String>::new("Name").starts_with("O'N"), "startswith(Name,'O''N')"),
        ] {
            assert_eq!(expr.to_string(), expected);
        }
        // Precedence: `not` before `and` before `or`, parentheses only where needed.
        let a = || Property::<i32>::new("A").eq(1);
        let b = || Property::<i32>::new("B").eq(2);
        let c = || Property::<i32>::new("C").eq(3);
        assert_eq!(a().and(b()).and(c()).to_string(), "A eq 1 and B eq 2 and C eq 3");
        assert_eq!(a().or(b()).and(c()).to_string(), "(A eq 1 or B eq 2) and C eq 3");
        assert_eq!(a().and(b()).or(c()).to_string(), "A eq 1 and B eq 2 or C eq 3");
        assert_eq!(a().and(b().or(c())).to_string(), "A eq 1 and (B eq 2 or C eq 3)");
        assert_eq!(a().not().to_string(), "not (A eq 1)");
        assert_eq!(Property::<String>::new("N").contains("x").not().to_string(), "not contains(N,'x')");
        assert_eq!(Expr::raw("x eq 1 or y eq 2").and(a()).to_string(), "(x eq 1 or y eq 2) and A eq 1");
        assert_eq!(String::from(a()), "A eq 1");
    }

    #[test]
    fn int64_fields_written_as_numbers_read_from_both() {
        // This crate is not generated with `ieee754_compatible`: Int64 values are JSON numbers.
        const { assert!(!crate::IEEE754_COMPATIBLE) };
        #[derive(Serialize, Deserialize, Debug, PartialEq)]
        struct Fields {
            #[serde(default, deserialize_with = "int64::option", serialize_with = "int64::serialize")]
            one: Option<i64>,
            #[serde(default, deserialize_with = "int64::nullable", serialize_with = "int64::serialize")]
            nullable: Nullable<i64>,
            #[serde(default, deserialize_with = "int64::option_vec", serialize_with = "int64::serialize")]
            many: Option<Vec<i64>>,
        }
        let fields = Fields { one: Some(i64::MAX), nullable: Nullable::Null, many: Some(vec![-1, i64::MIN]) };
        let written = serde_json::to_string(&fields).unwrap();
        assert_eq!(written, r#"{"one":9223372036854775807,"nullable":null,"many":[-1,-9223372036854775808]}"#);
        assert_eq!(serde_json::from_str::<Fields>(&written).unwrap(), fields);
        let strings = r#"{"one":"9223372036854775807","nullable":null,"many":["-1","-9223372036854775808"]}"#;
        assert_eq!(serde_json::from_str::<Fields>(strings).unwrap(), fields);
    }

    #[test]
    fn json_number_grammar() {
        for good in ["0", "-0", "1", "10", "1.5", "-1.5e10", "1E+2", "1e-2", "0.0"] {
            assert!(is_json_number(good), "{good}");
        }
        for bad in ["", "-", "01", "1.", ".5", "1e", "1e+", "+1", "1.5.5", "0x1", "NaN", "1 "] {
            assert!(!is_json_number(bad), "{bad}");
        }
        assert_eq!(significant_digits("-0.00120e5"), 2);
        assert_eq!(significant_digits("100"), 1);
    }
}
// @end
