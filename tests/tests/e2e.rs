//! End-to-end: the generated crate's async client (`graph_beta_cloudpki::client`) against a real
//! HTTP server on 127.0.0.1 that plays Microsoft Graph beta for the Cloud PKI API.
//!
//! Most tests use `wiremock` (it records every request it receives); the cases that need a server
//! misbehaving at the socket level (dropped connections) or the exact request target as sent on
//! the wire (hostile ids: `wiremock` normalizes dot segments) use the small tokio server
//! [`RawServer`] at the bottom of this file.
//!
//! GROUPS
//!
//! Every test that sends asserts the request the server received (method, path, query string,
//! the `Authorization`, `Accept` and `client-request-id` headers, `Content-Type` and the JSON body
//! when there is one) and the typed value or typed error the caller got.
//!
//! - `op_*` (28): one test per operation of the crate: the 5 CRUD operations on
//!   `cloudCertificationAuthority`, the 5 on `cloudCertificationAuthorityLeafCertificate`, the 5
//!   navigation reads (`versions` list/get, `cloudCertificationAuthorityLeafCertificate` list/get,
//!   `activeVersion`) and the 13 bound actions.
//! - `seed_*` (1): the API page's example request and response, through the client.
//! - `form_*` (5): single entities bare, wrapped in `{"value": {...}}` with annotations beside it,
//!   `204 No Content` for PATCH and DELETE, `200` with an entity for PATCH, and a `204` where an
//!   entity is required (a typed error, no panic).
//! - `paging_*` (5): 3 pages joined through `@odata.nextLink` (collected, and page by page with
//!   `ConsistencyLevel` carried onto the next links), a nextLink to itself and one back to the
//!   first page stopped, nextLinks to other origins (other host, other port with a second live
//!   server, userinfo trick, other scheme) refused without the token ever reaching them, and a
//!   page that is not a page.
//! - `retry_*` (11): `429` + `Retry-After: 1` then success (GET and POST), `503` then success
//!   for PATCH, `Retry-After` as an HTTP date, `Retry-After`s beyond the total wait budget (one
//!   attempt, no waiting), `503` three times then `RetriesExhausted`, `504` retried for GET but
//!   not for POST, `500` not retried, a timeout, a dropped connection (GET retried, POST not) and a
//!   refused connection.
//! - `error_*` (3): `400`/`403`/`404`/`500` with an OData error body (status, code, message,
//!   request id from the `request-id` header), the request id from `innerError` when the header is
//!   missing, and a non-OData error body (an HTML `502`).
//! - `decode_*` (2): `200` with a body that is not JSON, truncated JSON, JSON of the wrong shape
//!   and an empty body, for an entity, a collection action and a page: a typed error that keeps
//!   the raw bytes.
//! - `hostile_*` (5): ids `../users`, `a/b`, `?x=1`, `#frag`, `%2F`, spaces, non-ASCII and more
//!   stay one percent-encoded segment inside `/beta/deviceManagement/cloudCertificationAuthority/`
//!   (entity, action and nested navigation paths, query options untouched); `.` and `..` (which
//!   no URL can carry as a segment) are never sent anywhere else; empty ids are refused before
//!   sending.
//! - `unknown_*` (2): unknown properties and unknown enum members of a CA and of a leaf
//!   certificate, fetched and sent back with PATCH, arrive unchanged.
//! - `token_*` (4): the token is absent from the `Debug` (and `Display`) output of the client and
//!   of every `ClientError` variant; a token callback is used per request; a failing callback is a
//!   `ClientError::Token` and nothing is sent; `client-request-id` differs between calls.
//!
//! 66 tests in all.

use integration_tests::{json_after, seed_page};
use std::error::Error as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use graph_beta_cloudpki::client::{Client, ClientError, RetryPolicy, TokenSource};
use graph_beta_cloudpki::models::{
    CloudCertificationAuthority, CloudCertificationAuthorityCertificateKeySize,
    CloudCertificationAuthorityHashingAlgorithm, CloudCertificationAuthorityKeyPlatformType,
    CloudCertificationAuthorityLeafCertificate, CloudCertificationAuthorityLeafCertificateStatus,
    CloudCertificationAuthorityStatus, CloudCertificationAuthorityType, CloudCertificationAuthorityVersionStatus,
    TrustChainCertificate,
};
use graph_beta_cloudpki::odata::{self, Cloud, Nullable, QueryOptions};
use graph_beta_cloudpki::operations::device_management::cloud_certification_authority as ca;
use graph_beta_cloudpki::operations::device_management::cloud_certification_authority_leaf_certificate as leaf;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::matchers::{any, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A token no real output would contain by chance.
const TOKEN: &str = "e2e-S3CRET-tok-qz7Vx9Lw";
const CA_ID: &str = "976c94f8-94f8-976c-f894-6c97f8946c97";
const CA_PATH: &str = "/beta/deviceManagement/cloudCertificationAuthority";
const LEAF_PATH: &str = "/beta/deviceManagement/cloudCertificationAuthorityLeafCertificate";

// =============================================================================================
// Helpers
// =============================================================================================

fn quick_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 3, max_total_wait: Duration::from_secs(3), default_delay: Duration::from_millis(20) }
}

fn no_retry() -> RetryPolicy {
    RetryPolicy { max_attempts: 1, max_total_wait: Duration::from_secs(1), default_delay: Duration::from_millis(10) }
}

fn client_with(base: &str, retry: RetryPolicy, timeout: Duration) -> Client {
    Client::builder(Cloud::Custom(base.to_owned()), TokenSource::fixed(TOKEN))
        .retry(retry)
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("the client builds")
}

fn client_for(base: &str) -> Client {
    client_with(base, quick_retry(), Duration::from_secs(10))
}

/// A server that answers every request with `response`, and a client pointed at it.
async fn serve(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    let client = client_for(&server.uri());
    (server, client)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

async fn only_request(server: &MockServer) -> Request {
    let mut all = requests(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {:?}", describe(&all));
    all.remove(0)
}

fn describe(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|r| format!("{} {}", r.method, r.url)).collect()
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
}

/// The headers every request carries.
fn assert_common_headers(request: &Request) {
    let bearer = format!("Bearer {TOKEN}");
    assert_eq!(header(request, "authorization"), Some(bearer.as_str()), "Authorization");
    assert_eq!(header(request, "accept"), Some("application/json"), "Accept");
    let id = header(request, "client-request-id").expect("a client-request-id header");
    assert!(!id.trim().is_empty(), "client-request-id is empty");
}

/// Method, path, query string, common headers and the JSON body (or its absence).
fn assert_request(request: &Request, verb: &str, expected_path: &str, query: Option<&str>, body: Option<Value>) {
    assert_eq!(request.method.as_str(), verb, "method");
    assert_eq!(request.url.path(), expected_path, "path");
    assert_eq!(request.url.query(), query, "query string");
    assert_common_headers(request);
    match body {
        Some(expected) => {
            assert_eq!(header(request, "content-type"), Some("application/json"), "Content-Type");
            let received: Value = serde_json::from_slice(&request.body).expect("the request body is JSON");
            assert_eq!(received, expected, "request body");
        }
        None => {
            assert!(request.body.is_empty(), "unexpected body: {}", String::from_utf8_lossy(&request.body));
            assert_eq!(header(request, "content-type"), None, "Content-Type without a body");
        }
    }
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The seed page's leaf certificate with another id and serial number.
fn leaf_json(id: &str, serial: &str) -> Value {
    let mut entity = json_after(&seed_page(), "Content-Length: 1142")["value"].take();
    entity["id"] = json!(id);
    entity["serialNumber"] = json!(serial);
    entity
}

fn ca_json(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.cloudCertificationAuthority",
        "id": id,
        "displayName": "Contoso Issuing CA",
        "description": "Issues device certificates",
        "certificationAuthorityStatus": "active",
        "cloudCertificationAuthorityType": "issuingCertificationAuthority",
        "certificateKeySize": "rsa4096",
        "cloudCertificationAuthorityHashingAlgorithm": "sha384",
        "keyPlatform": "hardwareSecurityModule",
        "validityPeriodInYears": 5,
        "versionNumber": 2,
        "commonName": "Contoso CA",
        "roleScopeTagIds": ["0", "7"],
        "extendedKeyUsages": [{"name": "Client Authentication", "objectIdentifier": "1.3.6.1.5.5.7.3.2"}],
        "createdDateTime": "2024-03-01T10:00:00Z",
        "eTag": "W/\"2\""
    })
}

fn version_json(id: &str, number: i32) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.cloudCertificationAuthorityVersion",
        "id": id,
        "versionNumber": number,
        "certificationAuthorityId": CA_ID,
        "certificationAuthorityVersionStatus": "active",
        "keyPlatform": "software",
        "serialNumber": "0A1B2C",
        "usage": {"issuedStagedLeafCertificateCount": 4}
    })
}

fn assert_is_contoso_ca(ca: &CloudCertificationAuthority, id: &str) {
    assert_eq!(ca.id.as_deref(), Some(id));
    assert_eq!(ca.display_name.as_deref(), Some("Contoso Issuing CA"));
    assert_eq!(ca.description, Nullable::Value("Issues device certificates".to_owned()));
    assert_eq!(ca.certification_authority_status, Some(CloudCertificationAuthorityStatus::Active));
    assert_eq!(
        ca.cloud_certification_authority_type,
        Some(CloudCertificationAuthorityType::IssuingCertificationAuthority)
    );
    assert_eq!(ca.certificate_key_size, Some(CloudCertificationAuthorityCertificateKeySize::Rsa4096));
    assert_eq!(
        ca.cloud_certification_authority_hashing_algorithm,
        Some(CloudCertificationAuthorityHashingAlgorithm::Sha384)
    );
    assert_eq!(ca.key_platform, Some(CloudCertificationAuthorityKeyPlatformType::HardwareSecurityModule));
    assert_eq!(ca.validity_period_in_years, Some(5));
    assert_eq!(ca.version_number, Some(2));
    assert_eq!(ca.role_scope_tag_ids, Some(vec!["0".to_owned(), "7".to_owned()]));
    let ekus = ca.extended_key_usages.as_ref().expect("extendedKeyUsages");
    assert_eq!(ekus.len(), 1);
    assert_eq!(ekus[0].object_identifier, Nullable::Value("1.3.6.1.5.5.7.3.2".to_owned()));
    assert_eq!(ca.created_date_time.as_option().map(|t| t.timestamp()), Some(1_709_287_200));
    assert_eq!(ca.e_tag, Nullable::Value("W/\"2\"".to_owned()));
    assert!(ca.additional_properties.is_empty(), "{:?}", ca.additional_properties);
}

fn assert_is_seed_leaf(leaf: &CloudCertificationAuthorityLeafCertificate, id: &str, serial: &str) {
    assert_eq!(leaf.odata_type.as_deref(), Some("#microsoft.graph.cloudCertificationAuthorityLeafCertificate"));
    assert_eq!(leaf.id.as_deref(), Some(id));
    assert_eq!(leaf.serial_number.as_deref(), Some(serial));
    assert_eq!(leaf.certificate_status, Some(CloudCertificationAuthorityLeafCertificateStatus::Active));
    assert_eq!(leaf.subject_name, Nullable::Value("Subject Name value".to_owned()));
    assert_eq!(leaf.key_usages, Some(vec!["Key Usages value".to_owned()]));
    let start = leaf.validity_start_date_time.as_option().expect("validityStartDateTime");
    assert_eq!(start.to_rfc3339(), "2016-12-31T23:59:36.329225100-08:00");
    assert!(leaf.additional_properties.is_empty(), "{:?}", leaf.additional_properties);
}

/// Unwraps a service (OData error) failure.
fn service_error(error: &ClientError) -> &odata::ServiceError {
    match error {
        ClientError::Service(odata::Error::Service(e)) => e,
        other => panic!("expected an OData service error, got {other:?}"),
    }
}

/// Unwraps a decode failure.
fn decode_error(error: &ClientError) -> &odata::DecodeError {
    match error {
        ClientError::Service(odata::Error::Decode(e)) => e,
        other => panic!("expected a decode error, got {other:?}"),
    }
}

fn odata_error_body(code: &str, message: &str) -> Value {
    json!({"error": {"code": code, "message": message, "innerError": {"date": "2026-01-05T10:00:00"}}})
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape in {text}")));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

// =============================================================================================
// op_*: every operation of the crate
// =============================================================================================

#[tokio::test]
async fn op_ca_list() {
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/cloudCertificationAuthority",
        "@odata.count": 7,
        "value": [ca_json("ca-1"), ca_json("ca-2")],
        "@odata.nextLink": "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority?$skiptoken=x"
    });
    let (server, client) = serve(ok_json(body)).await;
    // The operation's setters and a typed filter (Graph writes enum members bare: `'active'`).
    use graph_beta_cloudpki::filter::CloudCertificationAuthority as by;
    let status =
        by::certification_authority_status().eq(graph_beta_cloudpki::models::CloudCertificationAuthorityStatus::Active);
    assert_eq!(status.to_string(), "certificationAuthorityStatus eq 'active'");
    let op = ca::List::new().select(["id", "displayName"]).filter(status).top(2).count(true);
    let same = ca::List::new().with_query(
        QueryOptions::default()
            .select(["id", "displayName"])
            .filter("certificationAuthorityStatus eq 'active'")
            .top(2)
            .count(true),
    );
    assert_eq!(op, same);
    let page = client.send(&op).await.expect("the list succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "GET",
        CA_PATH,
        Some("$select=id%2CdisplayName&$filter=certificationAuthorityStatus%20eq%20%27active%27&$top=2&$count=true"),
        None,
    );
    assert_eq!(header(&request, "consistencylevel"), Some("eventual"));
    assert_eq!(page.value.len(), 2);
    assert_is_contoso_ca(&page.value[0], "ca-1");
    assert_is_contoso_ca(&page.value[1], "ca-2");
    assert_eq!(page.count, Some(7));
    assert_eq!(
        page.next_link.as_deref(),
        Some("https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority?$skiptoken=x")
    );
}

#[tokio::test]
async fn op_ca_get() {
    let mut body = ca_json(CA_ID);
    body["activeVersion"] = version_json("v-2", 2);
    let (server, client) = serve(ok_json(body)).await;
    let op =
        ca::Get::new(CA_ID).with_query(QueryOptions::default().select(["id", "displayName"]).expand(["activeVersion"]));
    let got = client.send(&op).await.expect("the get succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "GET",
        &format!("{CA_PATH}/{CA_ID}"),
        Some("$select=id%2CdisplayName&$expand=activeVersion"),
        None,
    );
    assert_eq!(header(&request, "consistencylevel"), None);
    assert_is_contoso_ca(&got, CA_ID);
    let active = got.active_version.expect("activeVersion was expanded");
    assert_eq!(active.id.as_deref(), Some("v-2"));
    assert_eq!(active.version_number, Some(2));
}

#[tokio::test]
async fn op_ca_create() {
    let (server, client) = serve(ResponseTemplate::new(201).set_body_json(ca_json("new-ca"))).await;
    let body = CloudCertificationAuthority::default()
        .display_name("Contoso Issuing CA")
        .cloud_certification_authority_type(CloudCertificationAuthorityType::RootCertificationAuthority)
        .certificate_key_size(CloudCertificationAuthorityCertificateKeySize::ECp384)
        .validity_period_in_years(10)
        .description(Nullable::Null)
        .role_scope_tag_ids(["0".to_owned()]);
    let got = client.send(&ca::Create::new(body)).await.expect("the create succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "POST",
        CA_PATH,
        None,
        Some(json!({
            "displayName": "Contoso Issuing CA",
            "cloudCertificationAuthorityType": "rootCertificationAuthority",
            "certificateKeySize": "eCP384",
            "validityPeriodInYears": 10,
            "description": null,
            "roleScopeTagIds": ["0"]
        })),
    );
    assert_is_contoso_ca(&got, "new-ca");
}

#[tokio::test]
async fn op_ca_update() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let body = CloudCertificationAuthority::default().description("Rotated").common_name(Nullable::Null);
    let got = client.send(&ca::Update::new(CA_ID, body)).await.expect("the update succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "PATCH",
        &format!("{CA_PATH}/{CA_ID}"),
        None,
        Some(json!({"description": "Rotated", "commonName": null})),
    );
    assert_eq!(got, None);
}

#[tokio::test]
async fn op_ca_delete() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let op = ca::Delete::new(CA_ID).if_match("W/\"2\"");
    let () = client.send(&op).await.expect("the delete succeeds");
    let request = only_request(&server).await;
    assert_request(&request, "DELETE", &format!("{CA_PATH}/{CA_ID}"), None, None);
    assert_eq!(header(&request, "if-match"), Some("W/\"2\""));
}

#[tokio::test]
async fn op_leaf_list() {
    let body = json!({"value": [leaf_json("l-1", "01"), leaf_json("l-2", "02"), leaf_json("l-3", "03")]});
    let (server, client) = serve(ok_json(body)).await;
    let op = leaf::List::new().with_query(
        QueryOptions::default().filter("certificateStatus eq 'active'").orderby(["serialNumber desc"]).skip(3).top(3),
    );
    let page = client.send(&op).await.expect("the list succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "GET",
        LEAF_PATH,
        Some("$filter=certificateStatus%20eq%20%27active%27&$top=3&$skip=3&$orderby=serialNumber%20desc"),
        None,
    );
    assert_eq!(header(&request, "consistencylevel"), None);
    assert_eq!(page.value.len(), 3);
    for (leaf, (id, serial)) in page.value.iter().zip([("l-1", "01"), ("l-2", "02"), ("l-3", "03")]) {
        assert_is_seed_leaf(leaf, id, serial);
    }
    assert_eq!(page.next_link, None);
    assert_eq!(page.count, None);
}

#[tokio::test]
async fn op_leaf_get() {
    let (server, client) =
        serve(ok_json(json!({"id": "l-9", "serialNumber": "99", "certificateStatus": "revoked"}))).await;
    let op =
        leaf::Get::new("l-9").with_query(QueryOptions::default().select(["id", "serialNumber", "certificateStatus"]));
    let got = client.send(&op).await.expect("the get succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "GET",
        &format!("{LEAF_PATH}/l-9"),
        Some("$select=id%2CserialNumber%2CcertificateStatus"),
        None,
    );
    assert_eq!(got.id.as_deref(), Some("l-9"));
    assert_eq!(got.serial_number.as_deref(), Some("99"));
    assert_eq!(got.certificate_status, Some(CloudCertificationAuthorityLeafCertificateStatus::Revoked));
    assert_eq!(got.subject_name, Nullable::Absent, "not selected, so absent");
}

#[tokio::test]
async fn op_leaf_create() {
    let (server, client) = serve(ResponseTemplate::new(201).set_body_json(leaf_json("l-new", "0F"))).await;
    let body = CloudCertificationAuthorityLeafCertificate::default()
        .device_name("kiosk-12")
        .key_usages(vec!["digitalSignature".to_owned()])
        .certificate_status(CloudCertificationAuthorityLeafCertificateStatus::Active);
    let got = client.send(&leaf::Create::new(body)).await.expect("the create succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "POST",
        LEAF_PATH,
        None,
        Some(json!({"deviceName": "kiosk-12", "keyUsages": ["digitalSignature"], "certificateStatus": "active"})),
    );
    assert_is_seed_leaf(&got, "l-new", "0F");
}

#[tokio::test]
async fn op_leaf_update() {
    let (server, client) = serve(ok_json(leaf_json("l-5", "05"))).await;
    let body = CloudCertificationAuthorityLeafCertificate::default()
        .user_principal_name(Nullable::Null)
        .device_platform("iOS");
    let got = client.send(&leaf::Update::new("l-5", body)).await.expect("the update succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "PATCH",
        &format!("{LEAF_PATH}/l-5"),
        None,
        Some(json!({"userPrincipalName": null, "devicePlatform": "iOS"})),
    );
    assert_is_seed_leaf(&got.expect("the service returned the entity"), "l-5", "05");
}

#[tokio::test]
async fn op_leaf_delete() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let () = client.send(&leaf::Delete::new("l-5")).await.expect("the delete succeeds");
    let request = only_request(&server).await;
    assert_request(&request, "DELETE", &format!("{LEAF_PATH}/l-5"), None, None);
    assert_eq!(header(&request, "if-match"), None);
}

#[tokio::test]
async fn op_versions_list() {
    let body = json!({"@odata.count": 2, "value": [version_json("v-1", 1), version_json("v-2", 2)]});
    let (server, client) = serve(ok_json(body)).await;
    let op = ca::versions::List::new(CA_ID).with_query(QueryOptions::default().count(true).search("\"staged\""));
    let page = client.send(&op).await.expect("the list succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "GET",
        &format!("{CA_PATH}/{CA_ID}/versions"),
        Some("$count=true&$search=%22staged%22"),
        None,
    );
    assert_eq!(header(&request, "consistencylevel"), Some("eventual"));
    assert_eq!(page.count, Some(2));
    let numbers: Vec<_> = page.value.iter().map(|v| v.version_number).collect();
    assert_eq!(numbers, [Some(1), Some(2)]);
    assert_eq!(
        page.value[1].certification_authority_version_status,
        Some(CloudCertificationAuthorityVersionStatus::Active)
    );
    assert_eq!(
        page.value[1].usage.as_option().map(|u| u.issued_staged_leaf_certificate_count),
        Some(Nullable::Value(4))
    );
}

#[tokio::test]
async fn op_versions_get() {
    let (server, client) = serve(ok_json(version_json("v-3", 3))).await;
    let op = ca::versions::Get::new(CA_ID, "v-3").with_query(QueryOptions::default().select(["versionNumber"]));
    let got = client.send(&op).await.expect("the get succeeds");
    let request = only_request(&server).await;
    assert_request(&request, "GET", &format!("{CA_PATH}/{CA_ID}/versions/v-3"), Some("$select=versionNumber"), None);
    assert_eq!(got.id.as_deref(), Some("v-3"));
    assert_eq!(got.version_number, Some(3));
    assert_eq!(got.key_platform, Some(CloudCertificationAuthorityKeyPlatformType::Software));
    assert_eq!(got.certification_authority_id.as_deref(), Some(CA_ID));
}

#[tokio::test]
async fn op_ca_leaf_certificates_list() {
    let body = json!({"value": [leaf_json("l-1", "01"), leaf_json("l-2", "02")]});
    let (server, client) = serve(ok_json(body)).await;
    let op = ca::cloud_certification_authority_leaf_certificate::List::new(CA_ID)
        .with_query(QueryOptions::default().top(50).expand(["cloudCertificationAuthorityVersion"]));
    let page = client.send(&op).await.expect("the list succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "GET",
        &format!("{CA_PATH}/{CA_ID}/cloudCertificationAuthorityLeafCertificate"),
        Some("$top=50&$expand=cloudCertificationAuthorityVersion"),
        None,
    );
    assert_eq!(page.value.len(), 2);
    assert_is_seed_leaf(&page.value[0], "l-1", "01");
    assert_is_seed_leaf(&page.value[1], "l-2", "02");
}

#[tokio::test]
async fn op_ca_leaf_certificates_get() {
    let (server, client) = serve(ok_json(leaf_json("l-7", "07"))).await;
    let op = ca::cloud_certification_authority_leaf_certificate::Get::new(CA_ID, "l-7");
    let got = client.send(&op).await.expect("the get succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "GET",
        &format!("{CA_PATH}/{CA_ID}/cloudCertificationAuthorityLeafCertificate/l-7"),
        None,
        None,
    );
    assert_is_seed_leaf(&got, "l-7", "07");
}

#[tokio::test]
async fn op_active_version_get() {
    let (server, client) = serve(ok_json(version_json("v-4", 4))).await;
    let got = client.send(&ca::active_version::Get::new(CA_ID)).await.expect("the get succeeds");
    let request = only_request(&server).await;
    assert_request(&request, "GET", &format!("{CA_PATH}/{CA_ID}/activeVersion"), None, None);
    assert_eq!(got.id.as_deref(), Some("v-4"));
    assert_eq!(got.version_number, Some(4));
    assert_eq!(got.serial_number, Nullable::Value("0A1B2C".to_owned()));
}

#[tokio::test]
async fn op_action_change_status() {
    let mut answer = ca_json(CA_ID);
    answer["certificationAuthorityStatus"] = json!("paused");
    let (server, client) = serve(ok_json(answer)).await;
    let op = ca::ChangeCloudCertificationAuthorityStatus::new(CA_ID, CloudCertificationAuthorityStatus::Paused, 2);
    let got = client.send(&op).await.expect("the action succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "POST",
        &format!("{CA_PATH}/{CA_ID}/changeCloudCertificationAuthorityStatus"),
        None,
        Some(json!({"certificationAuthorityStatus": "paused", "certificationAuthorityVersion": 2})),
    );
    assert_eq!(got.certification_authority_status, Some(CloudCertificationAuthorityStatus::Paused));
    assert_eq!(got.id.as_deref(), Some(CA_ID));
}

/// The parameterless actions are POSTs without a body.
fn assert_bodyless_action(request: &Request, action: &str) {
    assert_request(request, "POST", &format!("{CA_PATH}/{CA_ID}/{action}"), None, None);
}

#[tokio::test]
async fn op_action_get_all_cloud_certification_authority() {
    let (server, client) = serve(ok_json(json!({"value": [ca_json("ca-1"), ca_json("ca-2"), ca_json("ca-3")]}))).await;
    let got = client.send(&ca::GetAllCloudCertificationAuthority::new(CA_ID)).await.expect("the action succeeds");
    assert_bodyless_action(&only_request(&server).await, "getAllCloudCertificationAuthority");
    assert_eq!(got.len(), 3);
    for (ca, id) in got.iter().zip(["ca-1", "ca-2", "ca-3"]) {
        assert_is_contoso_ca(ca, id);
    }
}

#[tokio::test]
async fn op_action_get_all_leaf_certificates() {
    let (server, client) = serve(ok_json(json!({"value": [leaf_json("l-1", "01"), leaf_json("l-2", "02")]}))).await;
    let op = ca::GetAllCloudCertificationAuthorityLeafCertificates::new(CA_ID);
    let got = client.send(&op).await.expect("the action succeeds");
    assert_bodyless_action(&only_request(&server).await, "getAllCloudCertificationAuthorityLeafCertificates");
    assert_eq!(got.len(), 2);
    assert_is_seed_leaf(&got[0], "l-1", "01");
    assert_is_seed_leaf(&got[1], "l-2", "02");
}

#[tokio::test]
async fn op_action_get_cloud_certification_authority() {
    let (server, client) = serve(ok_json(json!({"value": ca_json(CA_ID)}))).await;
    let got = client.send(&ca::GetCloudCertificationAuthority::new(CA_ID)).await.expect("the action succeeds");
    assert_bodyless_action(&only_request(&server).await, "getCloudCertificationAuthority");
    assert_is_contoso_ca(&got, CA_ID);
}

#[tokio::test]
async fn op_action_get_version() {
    let (server, client) = serve(ok_json(version_json("v-2", 2))).await;
    let got = client.send(&ca::GetCloudCertificationAuthorityVersion::new(CA_ID)).await.expect("the action succeeds");
    assert_bodyless_action(&only_request(&server).await, "getCloudCertificationAuthorityVersion");
    assert_eq!(got.id.as_deref(), Some("v-2"));
    assert_eq!(got.certification_authority_version_status, Some(CloudCertificationAuthorityVersionStatus::Active));
}

#[tokio::test]
async fn op_action_get_versions() {
    let (server, client) = serve(ok_json(json!([version_json("v-1", 1), version_json("v-2", 2)]))).await;
    let got = client.send(&ca::GetCloudCertificationAuthorityVersions::new(CA_ID)).await.expect("the action succeeds");
    assert_bodyless_action(&only_request(&server).await, "getCloudCertificationAuthorityVersions");
    let numbers: Vec<_> = got.iter().map(|v| v.version_number).collect();
    assert_eq!(numbers, [Some(1), Some(2)], "a bare JSON array is a collection too");
}

#[tokio::test]
async fn op_action_patch_cloud_certification_authority() {
    let (server, client) = serve(ok_json(ca_json(CA_ID))).await;
    let got = client.send(&ca::PatchCloudCertificationAuthority::new(CA_ID)).await.expect("the action succeeds");
    assert_bodyless_action(&only_request(&server).await, "patchCloudCertificationAuthority");
    assert_is_contoso_ca(&got, CA_ID);
}

#[tokio::test]
async fn op_action_post_cloud_certification_authority() {
    let (server, client) = serve(ok_json(json!({"value": [ca_json("ca-9")]}))).await;
    let got = client.send(&ca::PostCloudCertificationAuthority::new(CA_ID)).await.expect("the action succeeds");
    assert_bodyless_action(&only_request(&server).await, "postCloudCertificationAuthority");
    assert_eq!(got.len(), 1);
    assert_is_contoso_ca(&got[0], "ca-9");
}

#[tokio::test]
async fn op_action_revoke_ca_certificate() {
    let mut answer = ca_json(CA_ID);
    answer["certificationAuthorityStatus"] = json!("revoked");
    let (server, client) = serve(ok_json(answer)).await;
    let got = client
        .send(&ca::RevokeCloudCertificationAuthorityCertificate::new(CA_ID, 3))
        .await
        .expect("the action succeeds");
    assert_request(
        &only_request(&server).await,
        "POST",
        &format!("{CA_PATH}/{CA_ID}/revokeCloudCertificationAuthorityCertificate"),
        None,
        Some(json!({"certificationAuthorityVersion": 3})),
    );
    assert_eq!(got.certification_authority_status, Some(CloudCertificationAuthorityStatus::Revoked));
}

#[tokio::test]
async fn op_action_revoke_leaf_certificate() {
    let mut answer = leaf_json("l-3", "03");
    answer["certificateStatus"] = json!("revoked");
    let (server, client) = serve(ok_json(answer)).await;
    let got = client.send(&ca::RevokeLeafCertificate::new(CA_ID, "l-3")).await.expect("the action succeeds");
    assert_request(
        &only_request(&server).await,
        "POST",
        &format!("{CA_PATH}/{CA_ID}/revokeLeafCertificate"),
        None,
        Some(json!({"leafCertificateId": "l-3"})),
    );
    assert_eq!(got.id.as_deref(), Some("l-3"));
    assert_eq!(got.certificate_status, Some(CloudCertificationAuthorityLeafCertificateStatus::Revoked));
}

#[tokio::test]
async fn op_action_revoke_leaf_certificate_by_serial_number() {
    let (server, client) = serve(ok_json(json!({"value": leaf_json("l-4", "7F00")}))).await;
    let got =
        client.send(&ca::RevokeLeafCertificateBySerialNumber::new(CA_ID, "7F00")).await.expect("the action succeeds");
    assert_request(
        &only_request(&server).await,
        "POST",
        &format!("{CA_PATH}/{CA_ID}/revokeLeafCertificateBySerialNumber"),
        None,
        Some(json!({"certificateSerialNumber": "7F00"})),
    );
    assert_is_seed_leaf(&got, "l-4", "7F00");
}

#[tokio::test]
async fn op_action_search_leaf_certificate_by_serial_number() {
    let (server, client) = serve(ok_json(leaf_json("l-6", "AB12"))).await;
    let op = ca::SearchCloudCertificationAuthorityLeafCertificateBySerialNumber::new(CA_ID, "AB12");
    let got = client.send(&op).await.expect("the action succeeds");
    assert_request(
        &only_request(&server).await,
        "POST",
        &format!("{CA_PATH}/{CA_ID}/searchCloudCertificationAuthorityLeafCertificateBySerialNumber"),
        None,
        Some(json!({"certificateSerialNumber": "AB12"})),
    );
    assert_is_seed_leaf(&got, "l-6", "AB12");
}

#[tokio::test]
async fn op_action_upload_externally_signed_certificate() {
    let mut answer = ca_json(CA_ID);
    answer["certificationAuthorityStatus"] = json!("signingPending");
    let (server, client) = serve(ok_json(answer)).await;
    let chain = vec![
        TrustChainCertificate::default().certificate("MIIBroot").display_name("Root"),
        TrustChainCertificate::default().certificate("MIIBintermediate"),
    ];
    let op = ca::UploadExternallySignedCertificationAuthorityCertificate::new(CA_ID, "MIIBsigned", chain, 2);
    let got = client.send(&op).await.expect("the action succeeds");
    assert_request(
        &only_request(&server).await,
        "POST",
        &format!("{CA_PATH}/{CA_ID}/uploadExternallySignedCertificationAuthorityCertificate"),
        None,
        Some(json!({
            "signedCertificate": "MIIBsigned",
            "trustChainCertificates": [
                {"certificate": "MIIBroot", "displayName": "Root"},
                {"certificate": "MIIBintermediate"}
            ],
            "certificationAuthorityVersion": 2
        })),
    );
    assert_eq!(got.certification_authority_status, Some(CloudCertificationAuthorityStatus::SigningPending));
}

// =============================================================================================
// seed_*: the API page's example
// =============================================================================================

#[tokio::test]
async fn seed_page_example_through_the_client() {
    let page = seed_page();
    let request_body = json_after(&page, "Content-length: 68");
    let response_body = json_after(&page, "Content-Length: 1142");
    let server = MockServer::start().await;
    // The server only answers the page's exact request.
    Mock::given(method("POST"))
        .and(path(format!("{CA_PATH}/{CA_ID}/revokeLeafCertificateBySerialNumber")))
        .and(wiremock::matchers::header("content-type", "application/json"))
        .and(wiremock::matchers::body_json(&request_body))
        .respond_with(ok_json(response_body))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let op = ca::RevokeLeafCertificateBySerialNumber::new(CA_ID, "Certificate Serial Number value");
    let got = client.send(&op).await.expect("the page's example succeeds");
    let request = only_request(&server).await;
    assert_request(
        &request,
        "POST",
        &format!("{CA_PATH}/{CA_ID}/revokeLeafCertificateBySerialNumber"),
        None,
        Some(request_body),
    );
    assert_is_seed_leaf(&got, CA_ID, "Serial Number value");
    let text = |value: &str| Nullable::Value(value.to_owned());
    assert_eq!(got.issuer_id, text("Issuer Id value"));
    assert_eq!(got.issuer_name, text("Issuer Name value"));
    assert_eq!(got.crl_distribution_point_url, text("https://example.com/crlDistributionPointUrl/"));
    assert_eq!(got.certification_authority_issuer_uri, text("Certification Authority Issuer Uri value"));
    assert_eq!(got.ocsp_responder_uri, text("Ocsp Responder Uri value"));
    assert_eq!(got.thumbprint, text("Thumbprint value"));
    assert_eq!(got.device_name, text("Device Name value"));
    assert_eq!(got.user_principal_name, text("User Principal Name value"));
    assert_eq!(got.device_id, text("Device Id value"));
    assert_eq!(got.user_id, text("User Id value"));
    assert_eq!(got.device_platform, text("Device Platform value"));
    assert_eq!(got.extended_key_usages, Some(vec!["Extended Key Usages value".to_owned()]));
    let revoked = got.revocation_date_time.as_option().expect("revocationDateTime");
    assert_eq!(revoked.to_rfc3339(), "2017-01-01T00:00:26.003736500-08:00");
}

// =============================================================================================
// form_*: single-entity response forms
// =============================================================================================

#[tokio::test]
async fn form_entity_bare() {
    let mut body = ca_json(CA_ID);
    body["@odata.context"] =
        json!("https://graph.microsoft.com/beta/$metadata#deviceManagement/cloudCertificationAuthority/$entity");
    let (server, client) = serve(ok_json(body)).await;
    let got = client.send(&ca::Get::new(CA_ID)).await.expect("a bare entity decodes");
    assert_request(&only_request(&server).await, "GET", &format!("{CA_PATH}/{CA_ID}"), None, None);
    assert_eq!(got.id.as_deref(), Some(CA_ID));
    assert_eq!(got.certification_authority_status, Some(CloudCertificationAuthorityStatus::Active));
}

#[tokio::test]
async fn form_entity_wrapped_in_value() {
    let body = json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#microsoft.graph.cloudCertificationAuthority",
        "value": ca_json(CA_ID)
    });
    let (server, client) = serve(ok_json(body)).await;
    let got = client.send(&ca::Get::new(CA_ID)).await.expect("a wrapped entity decodes");
    assert_request(&only_request(&server).await, "GET", &format!("{CA_PATH}/{CA_ID}"), None, None);
    assert_is_contoso_ca(&got, CA_ID);
}

#[tokio::test]
async fn form_update_and_delete_204() {
    let (server, client) = serve(ResponseTemplate::new(204)).await;
    let update = leaf::Update::new("l-1", CloudCertificationAuthorityLeafCertificate::default());
    assert_eq!(client.send(&update).await.expect("204 for PATCH"), None);
    let delete = ca::Delete::new(CA_ID);
    client.send(&delete).await.expect("204 for DELETE");
    let all = requests(&server).await;
    assert_eq!(all.len(), 2, "{:?}", describe(&all));
    assert_request(&all[0], "PATCH", &format!("{LEAF_PATH}/l-1"), None, Some(json!({})));
    assert_request(&all[1], "DELETE", &format!("{CA_PATH}/{CA_ID}"), None, None);
}

#[tokio::test]
async fn form_update_200_with_wrapped_entity() {
    let (server, client) = serve(ok_json(json!({"value": ca_json(CA_ID)}))).await;
    let update = ca::Update::new(CA_ID, CloudCertificationAuthority::default().version_number(3));
    let got = client.send(&update).await.expect("200 for PATCH").expect("an entity");
    assert_request(
        &only_request(&server).await,
        "PATCH",
        &format!("{CA_PATH}/{CA_ID}"),
        None,
        Some(json!({"versionNumber": 3})),
    );
    assert_is_contoso_ca(&got, CA_ID);
}

#[tokio::test]
async fn form_204_where_an_entity_is_required() {
    let (server, client) = serve(ResponseTemplate::new(204).insert_header("request-id", "rid-204")).await;
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("no entity to decode");
    assert_eq!(only_request(&server).await.method.as_str(), "GET");
    let decode = decode_error(&error);
    assert_eq!(decode.status, 204);
    assert!(decode.body.is_empty());
    assert_eq!(error.request_id(), Some("rid-204"));
}

// =============================================================================================
// paging_*: @odata.nextLink
// =============================================================================================

/// Mounts a leaf-certificate collection over three pages on `server`: page 1 at the plain URL
/// (with `$top=2`), pages 2 and 3 at the nextLinks it hands out.
async fn mount_three_pages(server: &MockServer) {
    let next = |token: &str| format!("{}{LEAF_PATH}?$top=2&$skiptoken={token}", server.uri());
    Mock::given(method("GET"))
        .and(path(LEAF_PATH))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ok_json(json!({
            "@odata.count": 5,
            "value": [leaf_json("l-1", "01"), leaf_json("l-2", "02")],
            "@odata.nextLink": next("page2")
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(LEAF_PATH))
        .and(query_param("$skiptoken", "page2"))
        .respond_with(ok_json(json!({
            "value": [leaf_json("l-3", "03"), leaf_json("l-4", "04")],
            "@odata.nextLink": next("page3")
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(LEAF_PATH))
        .and(query_param("$skiptoken", "page3"))
        .respond_with(ok_json(json!({"value": [leaf_json("l-5", "05")]})))
        .mount(server)
        .await;
}

/// The three requests: the first with `first_query`, then the nextLinks as given; the
/// `ConsistencyLevel` header of the first request (if any) is sent with every next one.
fn assert_three_page_requests(all: &[Request], first_query: &str, consistency: Option<&str>) {
    assert_eq!(all.len(), 3, "{:?}", describe(all));
    let queries: Vec<_> = all.iter().map(|r| r.url.query().unwrap_or_default().to_owned()).collect();
    assert_eq!(queries, [first_query, "$top=2&$skiptoken=page2", "$top=2&$skiptoken=page3"]);
    for request in all {
        assert_request(request, "GET", LEAF_PATH, request.url.query(), None);
        assert_eq!(header(request, "consistencylevel"), consistency, "{}", request.url);
    }
}

#[tokio::test]
async fn paging_three_pages_collected() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let client = client_for(&server.uri());
    let op = leaf::List::new().with_query(QueryOptions::default().top(2));
    let all = client.pages(&op).collect_all().await.expect("three pages");
    let ids: Vec<_> = all.iter().map(|l| l.id.as_deref().unwrap_or_default()).collect();
    assert_eq!(ids, ["l-1", "l-2", "l-3", "l-4", "l-5"]);
    for (leaf, n) in all.iter().zip(1..) {
        assert_is_seed_leaf(leaf, &format!("l-{n}"), &format!("0{n}"));
    }
    assert_three_page_requests(&requests(&server).await, "$top=2", None);
}

#[tokio::test]
async fn paging_three_pages_one_by_one() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let client = client_for(&server.uri());
    let op = leaf::List::new().with_query(QueryOptions::default().top(2).count(true));
    let mut pages = client.pages(&op);
    let mut sizes = Vec::new();
    let mut counts = Vec::new();
    let mut links = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.expect("each page succeeds");
        sizes.push(page.value.len());
        counts.push(page.count);
        links.push(page.next_link.is_some());
        assert!(sizes.len() <= 3, "more pages than the server has");
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(counts, [Some(5), None, None]);
    assert_eq!(links, [true, true, false]);
    assert!(pages.next_page().await.is_none(), "the stream stays finished");
    assert_three_page_requests(&requests(&server).await, "$top=2&$count=true", Some("eventual"));
}

#[tokio::test]
async fn paging_next_link_loop_is_stopped() {
    // Page 2 links to itself.
    let server = MockServer::start().await;
    let page2 = format!("{}{LEAF_PATH}?$skiptoken=page2", server.uri());
    Mock::given(query_param_is_missing("$skiptoken"))
        .respond_with(ok_json(json!({"value": [leaf_json("l-1", "01")], "@odata.nextLink": page2})))
        .mount(&server)
        .await;
    Mock::given(query_param("$skiptoken", "page2"))
        .respond_with(ok_json(json!({"value": [leaf_json("l-2", "02")], "@odata.nextLink": page2})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let error = client.pages(&leaf::List::new()).collect_all().await.expect_err("a loop never ends by itself");
    assert!(matches!(error, ClientError::NextLinkLoop(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let all = requests(&server).await;
    assert_eq!(all.len(), 2, "the repeated link is not fetched again: {:?}", describe(&all));

    // Page 2 links back to the first page's URL: stopped too, after at most one more request.
    let server = MockServer::start().await;
    let first = format!("{}{LEAF_PATH}", server.uri());
    let page2 = format!("{first}?$skiptoken=page2");
    Mock::given(query_param_is_missing("$skiptoken"))
        .respond_with(ok_json(json!({"value": [leaf_json("l-1", "01")], "@odata.nextLink": page2})))
        .mount(&server)
        .await;
    Mock::given(query_param("$skiptoken", "page2"))
        .respond_with(ok_json(json!({"value": [leaf_json("l-2", "02")], "@odata.nextLink": first})))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let mut pages = client.pages(&leaf::List::new());
    let mut outcomes = Vec::new();
    while let Some(page) = pages.next_page().await {
        outcomes.push(page.map(|p| p.value.len()));
        assert!(outcomes.len() <= 4, "the loop was not stopped: {outcomes:?}");
    }
    let last = outcomes.pop().expect("at least one outcome");
    assert!(matches!(last, Err(ClientError::NextLinkLoop(_))), "{last:?}");
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    let all = requests(&server).await;
    assert!(all.len() <= 3, "{:?}", describe(&all));
}

#[tokio::test]
async fn paging_foreign_next_link_is_refused() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(any()).respond_with(ok_json(json!({"value": []}))).mount(&elsewhere).await;
    let other_port = format!("{}{LEAF_PATH}?$skiptoken=2", elsewhere.uri());
    let port = server.address().port();
    let foreign = [
        format!("http://graph.invalid{LEAF_PATH}?$skiptoken=2"),
        other_port,
        format!("http://127.0.0.1:{port}@graph.invalid{LEAF_PATH}?$skiptoken=2"),
        format!("https://127.0.0.1:{port}{LEAF_PATH}?$skiptoken=2"),
    ];
    for link in foreign {
        let answer = json!({"value": [leaf_json("l-1", "01")], "@odata.nextLink": link});
        let guard = Mock::given(any()).respond_with(ok_json(answer)).mount_as_scoped(&server).await;
        let client = client_for(&server.uri());
        let error = client.pages(&leaf::List::new()).collect_all().await.expect_err("a foreign nextLink");
        assert!(matches!(error, ClientError::ForeignNextLink(_)), "{link}: {error:?}");
        assert_eq!(guard.received_requests().await.len(), 1, "{link}: only the first page is fetched");
        drop(guard);

        // Page by page, the first page still arrives before the refusal.
        let guard = Mock::given(any())
            .respond_with(ok_json(json!({"value": [leaf_json("l-1", "01")], "@odata.nextLink": link})))
            .mount_as_scoped(&server)
            .await;
        let mut pages = client.pages(&leaf::List::new());
        let first = pages.next_page().await.expect("a first page").expect("the first page succeeds");
        assert_eq!(first.value.len(), 1);
        let second = pages.next_page().await.expect("the refusal");
        assert!(matches!(second, Err(ClientError::ForeignNextLink(_))), "{link}: {second:?}");
        assert_eq!(guard.received_requests().await.len(), 1, "{link}");
        drop(guard);
    }
    let leaked = requests(&elsewhere).await;
    assert!(leaked.is_empty(), "the other server was called (with the token): {:?}", describe(&leaked));
}

#[tokio::test]
async fn paging_a_page_that_is_not_a_page() {
    let (server, client) = serve(ok_json(json!({"value": 5}))).await;
    let error = client.pages(&ca::List::new()).collect_all().await.expect_err("not a page");
    let decode = decode_error(&error);
    assert_eq!(decode.status, 200);
    assert_eq!(decode.body, br#"{"value":5}"#);
    assert_request(&only_request(&server).await, "GET", CA_PATH, None, None);
}

// =============================================================================================
// retry_*: retries, timeouts, broken connections
// =============================================================================================

#[tokio::test]
async fn retry_429_with_retry_after_then_success() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_json(odata_error_body("TooManyRequests", "Slow down")),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(ok_json(ca_json(CA_ID))).mount(&server).await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let got = client.send(&ca::Get::new(CA_ID)).await.expect("the retry succeeds");
    let waited = started.elapsed();
    assert_is_contoso_ca(&got, CA_ID);
    assert!(waited >= Duration::from_millis(950), "Retry-After: 1 was not honoured ({waited:?})");
    assert!(waited < Duration::from_secs(3), "{waited:?}");
    let all = requests(&server).await;
    assert_eq!(all.len(), 2, "{:?}", describe(&all));
    for request in &all {
        assert_request(request, "GET", &format!("{CA_PATH}/{CA_ID}"), None, None);
    }
}

#[tokio::test]
async fn retry_429_on_post_then_success() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(ok_json(leaf_json("l-1", "01"))).mount(&server).await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let got = client.send(&ca::RevokeLeafCertificate::new(CA_ID, "l-1")).await.expect("429 means not acted on");
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_is_seed_leaf(&got, "l-1", "01");
    let all = requests(&server).await;
    assert_eq!(all.len(), 2, "{:?}", describe(&all));
    for request in &all {
        let expected = Some(json!({"leafCertificateId": "l-1"}));
        assert_request(request, "POST", &format!("{CA_PATH}/{CA_ID}/revokeLeafCertificate"), None, expected);
    }
}

#[tokio::test]
async fn retry_after_as_http_date() {
    let server = MockServer::start().await;
    let soon = chrono::DateTime::<chrono::Utc>::from(SystemTime::now() + Duration::from_secs(1));
    let date = soon.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", date.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(ok_json(version_json("v-1", 1))).mount(&server).await;
    let client = client_for(&server.uri());
    let started = Instant::now();
    let got = client.send(&ca::active_version::Get::new(CA_ID)).await.expect("the retry succeeds");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?} for Retry-After: {date}", started.elapsed());
    assert_eq!(got.version_number, Some(1));
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retry_after_beyond_the_total_wait_budget() {
    for retry_after in ["3600", "99999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let (server, client) = serve(
            ResponseTemplate::new(429)
                .insert_header("retry-after", retry_after)
                .insert_header("request-id", "rid-429")
                .set_body_json(odata_error_body("TooManyRequests", "Come back much later")),
        )
        .await;
        let started = Instant::now();
        let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("beyond the budget");
        assert!(started.elapsed() < Duration::from_secs(2), "{retry_after}: waited {:?}", started.elapsed());
        assert!(matches!(error, ClientError::RetriesExhausted { attempts: 1, .. }), "{retry_after}: {error:?}");
        assert_eq!(error.status(), Some(http::StatusCode::TOO_MANY_REQUESTS), "{error:?}");
        assert_eq!(error.request_id(), Some("rid-429"));
        assert_eq!(service_error(error_last(&error)).error.code, "TooManyRequests");
        // The accessors reach through `RetriesExhausted`.
        assert!(error.is_throttled() && !error.is_not_found(), "{error:?}");
        assert_eq!((error.code(), error.message()), (Some("TooManyRequests"), Some("Come back much later")));
        let wait = error.retry_after().expect("the Retry-After of the last answer");
        assert!(wait > Duration::from_secs(3000), "{retry_after}: {wait:?}");
        let cause = std::error::Error::source(&error).expect("the last attempt is the cause");
        assert_eq!(cause.to_string(), error_last(&error).to_string());
        assert_eq!(requests(&server).await.len(), 1, "{retry_after}: no second attempt");
    }
}

/// The error of the last attempt, inside `RetriesExhausted` or as it is.
fn error_last(error: &ClientError) -> &ClientError {
    match error {
        ClientError::RetriesExhausted { last, .. } => last,
        other => other,
    }
}

#[tokio::test]
async fn retry_503_on_patch_then_success() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = client_for(&server.uri());
    let body = CloudCertificationAuthority::default().description("x");
    let got = client.send(&ca::Update::new(CA_ID, body)).await.expect("503 means not acted on: retried");
    assert_eq!(got, None);
    let all = requests(&server).await;
    assert_eq!(all.len(), 2, "{:?}", describe(&all));
    for request in &all {
        assert_request(request, "PATCH", &format!("{CA_PATH}/{CA_ID}"), None, Some(json!({"description": "x"})));
    }
    let ids: Vec<_> = all.iter().map(|r| header(r, "client-request-id")).collect();
    assert!(ids.iter().all(Option::is_some));
}

#[tokio::test]
async fn retry_503_three_times_then_typed_error() {
    let (server, client) = serve(
        ResponseTemplate::new(503)
            .insert_header("request-id", "rid-503")
            .set_body_json(odata_error_body("ServiceUnavailable", "Try later")),
    )
    .await;
    let started = Instant::now();
    let error = client.send(&ca::List::new()).await.expect_err("503 every time");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    match &error {
        ClientError::RetriesExhausted { attempts, last } => {
            assert_eq!(*attempts, 3);
            let service = service_error(last);
            assert_eq!(service.status, 503);
            assert_eq!(service.error.code, "ServiceUnavailable");
            assert_eq!(service.error.message, "Try later");
            assert_eq!(service.request_id.as_deref(), Some("rid-503"));
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(error.request_id(), Some("rid-503"));
    // A 503 without Retry-After is an outage, not throttling.
    assert!(!error.is_throttled() && error.retry_after().is_none(), "{error:?}");
    assert_eq!(error.code(), Some("ServiceUnavailable"));
    let all = requests(&server).await;
    assert_eq!(all.len(), 3, "max_attempts is 3: {:?}", describe(&all));
    for request in &all {
        assert_request(request, "GET", CA_PATH, None, None);
    }
}

#[tokio::test]
async fn retry_504_for_get_but_not_for_post() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(504)).up_to_n_times(1).mount(&server).await;
    Mock::given(method("GET")).respond_with(ok_json(leaf_json("l-1", "01"))).mount(&server).await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(504).set_body_json(odata_error_body("GatewayTimeout", "Upstream")))
        .mount(&server)
        .await;
    let client = client_for(&server.uri());
    let got = client.send(&leaf::Get::new("l-1")).await.expect("GET is retried after 504");
    assert_is_seed_leaf(&got, "l-1", "01");
    let error = client.send(&ca::RevokeLeafCertificateBySerialNumber::new(CA_ID, "01")).await.expect_err("504 on POST");
    assert!(matches!(error, ClientError::Service(_)), "a POST may have been acted on: not retried: {error:?}");
    let innermost = error_last(&error);
    assert_eq!(service_error(innermost).status, 504);
    assert_eq!(service_error(innermost).error.code, "GatewayTimeout");
    let all = requests(&server).await;
    let verbs: Vec<_> = all.iter().map(|r| r.method.as_str().to_owned()).collect();
    assert_eq!(verbs, ["GET", "GET", "POST"], "the POST was sent once");
}

#[tokio::test]
async fn retry_500_is_not_retried() {
    let (server, client) =
        serve(ResponseTemplate::new(500).set_body_json(odata_error_body("InternalError", "Boom"))).await;
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("500");
    assert_eq!(service_error(&error).status, 500);
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn retry_timeout() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok_json(ca_json(CA_ID)).set_delay(Duration::from_secs(5))).mount(&server).await;
    let client = client_with(&server.uri(), no_retry(), Duration::from_millis(300));
    let started = Instant::now();
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("the server is too slow");
    let waited = started.elapsed();
    assert!(matches!(error, ClientError::Timeout), "{error:?}");
    assert!(waited >= Duration::from_millis(250) && waited < Duration::from_secs(3), "{waited:?}");
    assert_eq!(error.status(), None);
    assert_request(&only_request(&server).await, "GET", &format!("{CA_PATH}/{CA_ID}"), None, None);
}

#[tokio::test]
async fn bring_your_own_reqwest_client() {
    use graph_beta_cloudpki::reqwest;
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok_json(ca_json(CA_ID)).set_delay(Duration::from_secs(5))).mount(&server).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-corporate-proxy-tag", reqwest::header::HeaderValue::from_static("team-a"));
    let own = reqwest::Client::builder().default_headers(defaults).user_agent("my-app/1.0").build().unwrap();
    let client = Client::builder(Cloud::Custom(server.uri()), TokenSource::fixed(TOKEN))
        .http_client(own)
        .retry(no_retry())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("the client builds");
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("the server is too slow");
    assert!(matches!(error, ClientError::Timeout), "the crate's timeout holds on the user's client: {error:?}");
    let request = only_request(&server).await;
    assert_eq!(header(&request, "x-corporate-proxy-tag"), Some("team-a"), "the user's client sent it");
    assert_eq!(header(&request, "user-agent"), Some("my-app/1.0"));
    assert_common_headers(&request);
}

#[tokio::test]
async fn retry_dropped_connection() {
    let server = RawServer::start(|_| RawReply::Hangup).await;
    let client = client_for(&server.base);
    // A GET is retried after a transport error, up to max_attempts.
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("the connection was dropped");
    match &error {
        ClientError::RetriesExhausted { attempts: 3, last } => {
            assert!(matches!(**last, ClientError::Transport { .. }), "{last:?}");
        }
        other => panic!("expected 3 attempts ending in a transport error, got {other:?}"),
    }
    assert_eq!(error.status(), None);
    let seen = server.requests();
    assert_eq!(seen.len(), 3);
    for request in &seen {
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, format!("{CA_PATH}/{CA_ID}"));
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(request.header("accept"), Some("application/json"));
    }
    // A POST may have been carried out: not retried, the transport error as it is.
    let error = client.send(&ca::RevokeLeafCertificate::new(CA_ID, "l-1")).await.expect_err("dropped again");
    assert!(matches!(error, ClientError::Transport { .. }), "{error:?}");
    let seen = server.requests();
    assert_eq!(seen.len(), 4, "the POST was sent once");
    assert_eq!(seen[3].method, "POST");
    assert_eq!(seen[3].body, br#"{"leafCertificateId":"l-1"}"#);
}

#[tokio::test]
async fn retry_connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let client = client_with(&format!("http://127.0.0.1:{port}"), no_retry(), Duration::from_secs(5));
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("nothing listens");
    // With retries off, the one attempt is reported as the whole budget.
    match &error {
        ClientError::RetriesExhausted { attempts: 1, last } => {
            assert!(matches!(**last, ClientError::Transport { .. }), "{last:?}");
        }
        other => panic!("expected a transport error after 1 attempt, got {other:?}"),
    }
    let error = client.send(&leaf::Delete::new("l-1")).await.expect_err("nothing listens");
    assert!(matches!(error, ClientError::RetriesExhausted { attempts: 1, .. }), "{error:?}");
    let error = client.send(&leaf::Create::new(Default::default())).await.expect_err("nothing listens");
    assert!(matches!(error, ClientError::Transport { .. }), "POST: {error:?}");
}

// =============================================================================================
// error_*: non-2xx responses
// =============================================================================================

#[tokio::test]
async fn error_odata_bodies() {
    for (status, code, message) in [
        (400, "BadRequest", "Invalid filter clause"),
        (403, "Forbidden", "Insufficient privileges to complete the operation."),
        (404, "ResourceNotFound", "cloudCertificationAuthority 'x' was not found"),
        (500, "InternalServerError", "An internal server error occurred"),
    ] {
        let request_id = format!("rid-{status}-7f3a");
        let (server, client) = serve(
            ResponseTemplate::new(status)
                .insert_header("request-id", request_id.as_str())
                .insert_header("client-request-id", "echo-1")
                .set_body_json(odata_error_body(code, message)),
        )
        .await;
        let op = ca::Get::new("x").with_query(QueryOptions::default().filter("bad eq"));
        let error = client.send(&op).await.expect_err("an error status");
        let service = service_error(&error);
        assert_eq!(service.status, status, "{status}");
        assert_eq!(service.error.code, code);
        assert_eq!(service.error.message, message);
        assert_eq!(service.request_id.as_deref(), Some(request_id.as_str()));
        assert_eq!(service.error.inner_error.as_ref().and_then(|i| i.date.as_deref()), Some("2026-01-05T10:00:00"));
        assert_eq!(error.status(), Some(http::StatusCode::from_u16(status).unwrap()));
        assert_eq!(error.request_id(), Some(request_id.as_str()));
        assert!(error.to_string().contains(code), "{error}");
        let all = requests(&server).await;
        assert_eq!(all.len(), 1, "{status} is not retried: {:?}", describe(&all));
        assert_request(&all[0], "GET", &format!("{CA_PATH}/x"), Some("$filter=bad%20eq"), None);
    }
}

#[tokio::test]
async fn error_request_id_from_inner_error() {
    let body = json!({"error": {
        "code": "ResourceNotFound",
        "message": "Not found",
        "innerError": {"request-id": "rid-inner", "client-request-id": "cid-inner", "date": "2026-01-05T10:00:00"}
    }});
    let (server, client) = serve(ResponseTemplate::new(404).set_body_json(body)).await;
    let error = client.send(&leaf::Delete::new("gone")).await.expect_err("404");
    assert_eq!(service_error(&error).request_id.as_deref(), Some("rid-inner"));
    assert_eq!(error.request_id(), Some("rid-inner"));
    assert_request(&only_request(&server).await, "DELETE", &format!("{LEAF_PATH}/gone"), None, None);
}

#[tokio::test]
async fn error_non_odata_body() {
    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let (server, client) =
        serve(ResponseTemplate::new(502).insert_header("request-id", "rid-502").set_body_raw(html, "text/html")).await;
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("502");
    let decode = decode_error(&error);
    assert_eq!(decode.status, 502);
    assert_eq!(decode.body, html.as_bytes());
    assert_eq!(error.request_id(), Some("rid-502"));
    assert_eq!(requests(&server).await.len(), 1);
}

// =============================================================================================
// decode_*: 2xx bodies that do not decode
// =============================================================================================

const BAD_BODIES: [(&str, &str); 5] = [
    ("not JSON", "<!DOCTYPE html><p>Sign in</p>"),
    ("truncated JSON", r#"{"id": "976c94f8", "displayName": "Cont"#),
    ("wrong shape: types", r#"{"id": 42, "displayName": ["x"]}"#),
    ("wrong shape: a string", r#""just a string""#),
    ("empty", ""),
];

#[tokio::test]
async fn decode_entity_bodies_keep_their_bytes() {
    for (what, body) in BAD_BODIES {
        let (server, client) = serve(
            ResponseTemplate::new(200).insert_header("request-id", "rid-decode").set_body_raw(body, "application/json"),
        )
        .await;
        let error = client.send(&ca::Get::new(CA_ID)).await.expect_err(what);
        let decode = decode_error(&error);
        assert_eq!(decode.status, 200, "{what}");
        assert_eq!(decode.body, body.as_bytes(), "{what}: the raw bytes are kept");
        assert!(!decode.reason.is_empty(), "{what}");
        assert_eq!(error.request_id(), Some("rid-decode"), "{what}");
        assert_eq!(requests(&server).await.len(), 1, "{what}: a decode error is not retried");
    }
}

#[tokio::test]
async fn decode_collection_and_page_bodies_keep_their_bytes() {
    for (what, body) in BAD_BODIES.into_iter().chain([("an object", r#"{"id": "x"}"#)]) {
        let (server, client) = serve(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
        let error = client.send(&ca::GetAllCloudCertificationAuthority::new(CA_ID)).await.expect_err(what);
        assert_eq!(decode_error(&error).body, body.as_bytes(), "collection, {what}");
        let error = client.send(&leaf::List::new()).await.expect_err(what);
        assert_eq!(decode_error(&error).body, body.as_bytes(), "page, {what}");
        let error = client.pages(&leaf::List::new()).collect_all().await.expect_err(what);
        assert_eq!(decode_error(&error).body, body.as_bytes(), "pages, {what}");
        assert_eq!(requests(&server).await.len(), 3, "{what}");
    }
}

// =============================================================================================
// hostile_*: ids that try to leave their path segment
// =============================================================================================

const HOSTILE_IDS: [&str; 10] =
    ["../users", "a/b", "?x=1", "#frag", "%2F", "with space", "é日", "../../../../me?$top=1#x", "a\\b", "..%2F.."];

/// Whether `target` is `{prefix}{one segment}{suffix}` with a segment that decodes to `id`.
fn one_segment(target: &str, prefix: &str, id: &str, suffix: &str) -> Result<(), String> {
    let fail = |why: &str| Err(format!("{id:?}: {target}: {why}"));
    if target.contains('#') || target.contains('?') {
        return fail("a query or fragment was added");
    }
    let Some(rest) = target.strip_prefix(prefix) else { return fail(&format!("left {prefix}")) };
    let Some(segment) = rest.strip_suffix(suffix) else { return fail(&format!("does not end with {suffix}")) };
    if segment.is_empty() || segment.contains('/') {
        return fail("the id is not exactly one segment");
    }
    if percent_decode(segment) != id.as_bytes() {
        return fail("the segment does not decode to the id");
    }
    Ok(())
}

fn assert_one_segment(target: &str, prefix: &str, id: &str, suffix: &str) {
    if let Err(problem) = one_segment(target, prefix, id, suffix) {
        panic!("{problem}");
    }
}

async fn hostile_server() -> RawServer {
    RawServer::start(|_| RawReply::Json(200, json!({"id": "ok", "versionNumber": 1}))).await
}

/// The ids that no URL can carry as a path segment, since `%2E` is a dot to URL parsers (WHATWG):
/// the client may refuse them (`InvalidRequest`) instead of sending them, but never send them
/// anywhere else.
const DOT_IDS: [&str; 4] = [".", "..", "%2E", "%2e%2E"];

/// Sends `op` (built with the hostile `id`) and returns the request target the server saw, or
/// `None` when the client refused a dot id before sending.
async fn sent_target<O: graph_beta_cloudpki::odata::Operation>(
    client: &Client,
    server: &RawServer,
    op: &O,
    id: &str,
) -> Option<String> {
    let before = server.requests().len();
    let result = client.send(op).await;
    let seen = server.requests();
    if seen.len() == before {
        let error = result.err().unwrap_or_else(|| panic!("{id:?}: Ok without a request"));
        assert!(DOT_IDS.contains(&id), "{id:?} fits in one segment but was refused: {error:?}");
        assert!(matches!(error, ClientError::InvalidRequest(_)), "{id:?}: {error:?}");
        return None;
    }
    assert_eq!(seen.len(), before + 1, "{id:?}: one request");
    let target = seen[before].target.clone();
    assert_eq!(seen[before].header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    if let Err(error) = result {
        panic!("{id:?}: sent to {target}, then {error:?}");
    }
    Some(target)
}

#[tokio::test]
async fn hostile_ids_stay_one_segment_of_the_entity_path() {
    let server = hostile_server().await;
    let client = client_for(&server.base);
    let prefix = format!("{CA_PATH}/");
    for id in HOSTILE_IDS {
        if let Some(target) = sent_target(&client, &server, &ca::Get::new(id), id).await {
            assert_one_segment(&target, &prefix, id, "");
        }
        if let Some(target) = sent_target(&client, &server, &ca::Delete::new(id), id).await {
            assert_one_segment(&target, &prefix, id, "");
        }
        let update = ca::Update::new(id, CloudCertificationAuthority::default());
        if let Some(target) = sent_target(&client, &server, &update, id).await {
            assert_one_segment(&target, &prefix, id, "");
        }
    }
    assert_eq!(server.requests().len(), 3 * HOSTILE_IDS.len());
}

#[tokio::test]
async fn hostile_ids_in_action_and_navigation_paths() {
    check_every_path_shape(&HOSTILE_IDS).await;
}

#[tokio::test]
async fn hostile_dot_ids_never_leave_the_collection() {
    let server = hostile_server().await;
    let client = client_for(&server.base);
    let prefix = format!("{CA_PATH}/");
    for id in DOT_IDS {
        if let Some(target) = sent_target(&client, &server, &ca::Get::new(id), id).await {
            assert_one_segment(&target, &prefix, id, "");
        }
    }
    check_every_path_shape(&DOT_IDS).await;
}

/// An entity-set action, a POST action with a body, nested navigation keys in both positions and
/// the leaf certificate entity set, each with the hostile `ids`.
async fn check_every_path_shape(ids: &[&str]) {
    let server = hostile_server().await;
    let client = client_for(&server.base);
    let ca_prefix = format!("{CA_PATH}/");
    let mut problems = Vec::new();
    let mut check = |target: Option<String>, prefix: &str, id: &str, suffix: &str| {
        if let Some(target) = target {
            problems.extend(one_segment(&target, prefix, id, suffix).err());
        }
    };
    for &id in ids {
        let op = ca::GetCloudCertificationAuthority::new(id);
        check(sent_target(&client, &server, &op, id).await, &ca_prefix, id, "/getCloudCertificationAuthority");
        let op = ca::RevokeLeafCertificateBySerialNumber::new(id, "01");
        check(sent_target(&client, &server, &op, id).await, &ca_prefix, id, "/revokeLeafCertificateBySerialNumber");
        let op = ca::versions::Get::new(id, "v-1");
        check(sent_target(&client, &server, &op, id).await, &ca_prefix, id, "/versions/v-1");
        let op = ca::versions::Get::new(CA_ID, id);
        check(sent_target(&client, &server, &op, id).await, &format!("{ca_prefix}{CA_ID}/versions/"), id, "");
        let op = ca::cloud_certification_authority_leaf_certificate::Get::new(id, "l-1");
        let suffix = "/cloudCertificationAuthorityLeafCertificate/l-1";
        check(sent_target(&client, &server, &op, id).await, &ca_prefix, id, suffix);
        let op = ca::active_version::Get::new(id);
        check(sent_target(&client, &server, &op, id).await, &ca_prefix, id, "/activeVersion");
        let op = leaf::Get::new(id);
        check(sent_target(&client, &server, &op, id).await, &format!("{LEAF_PATH}/"), id, "");
    }
    // Both keys of one path hostile at once.
    for &id in ids {
        let op = ca::versions::Get::new(id, id);
        if let Some(target) = sent_target(&client, &server, &op, id).await {
            let keys = target.strip_prefix(&ca_prefix).and_then(|rest| rest.split_once("/versions/"));
            match keys {
                Some((first, second)) => {
                    problems.extend(one_segment(&format!("/{first}"), "/", id, "").err());
                    problems.extend(one_segment(&format!("/{second}"), "/", id, "").err());
                }
                None => problems.push(format!("{id:?}: {target}: left {ca_prefix}{{id}}/versions/")),
            }
        }
    }
    assert!(problems.is_empty(), "{} request(s) left their path:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn hostile_ids_with_query_options() {
    let server = hostile_server().await;
    let client = client_for(&server.base);
    let op = ca::Get::new("?$select=secret#").with_query(QueryOptions::default().select(["id"]));
    client.send(&op).await.expect("sent");
    let seen = server.requests();
    let (target_path, query) = seen[0].target.split_once('?').expect("a query");
    assert_eq!(query, "$select=id", "only the real query options");
    assert_one_segment(target_path, &format!("{CA_PATH}/"), "?$select=secret#", "");
}

#[tokio::test]
async fn hostile_empty_ids_are_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ok_json(json!({"id": "x"}))).mount(&server).await;
    let client = client_for(&server.uri());
    let results = [
        ("ca Get", client.send(&ca::Get::new("")).await.err()),
        ("ca Update", client.send(&ca::Update::new("", CloudCertificationAuthority::default())).await.err()),
        ("ca Delete", client.send(&ca::Delete::new("")).await.err()),
        ("action", client.send(&ca::RevokeLeafCertificateBySerialNumber::new("", "01")).await.err()),
        ("versions Get (inner)", client.send(&ca::versions::Get::new(CA_ID, "")).await.err()),
        ("versions Get (outer)", client.send(&ca::versions::Get::new("", "v-1")).await.err()),
        ("versions List", client.send(&ca::versions::List::new("")).await.err()),
        ("active version", client.send(&ca::active_version::Get::new("")).await.err()),
        ("leaf Get", client.send(&leaf::Get::new("")).await.err()),
        ("leaf Delete", client.send(&leaf::Delete::new("")).await.err()),
    ];
    let pages = client.pages(&ca::cloud_certification_authority_leaf_certificate::List::new("")).collect_all().await;
    for (what, error) in results.into_iter().chain([("nav List pages", pages.err())]) {
        let error = error.unwrap_or_else(|| panic!("{what}: the empty id was sent"));
        assert!(matches!(error, ClientError::InvalidRequest(_)), "{what}: {error:?}");
    }
    let sent = requests(&server).await;
    assert!(sent.is_empty(), "the server saw {:?}", describe(&sent));
}

// =============================================================================================
// unknown_*: forward compatibility through a read-modify-write
// =============================================================================================

#[tokio::test]
async fn unknown_properties_and_members_survive_a_patch_of_a_ca() {
    let fetched = json!({
        "@odata.type": "#microsoft.graph.cloudCertificationAuthority",
        "id": CA_ID,
        "displayName": "Contoso Issuing CA",
        "certificationAuthorityStatus": "quarantined",
        "cloudCertificationAuthorityType": "crossSignedCertificationAuthority",
        "keyPlatform": "cloudHsmV2",
        "certificateKeySize": "mlDsa87",
        "validityPeriodInYears": 5,
        "extendedKeyUsages": [
            {"name": "Server Authentication", "objectIdentifier": "1.3.6.1.5.5.7.3.1", "criticality": "high"}
        ],
        "futureScalar": "x",
        "futureObject": {"a": [1, {"b": null}], "c": true, "d": 1.5},
        "futureNumber": 12_345_678_901_234_i64,
        "futureNull": null,
        "futureList": ["p", "q"]
    });
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok_json(fetched.clone())).mount(&server).await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = client_for(&server.uri());

    let mut entity = client.send(&ca::Get::new(CA_ID)).await.expect("the get succeeds");
    assert_eq!(
        entity.certification_authority_status,
        Some(CloudCertificationAuthorityStatus::Unrecognized("quarantined".to_owned()))
    );
    assert_eq!(
        entity.cloud_certification_authority_type,
        Some(CloudCertificationAuthorityType::Unrecognized("crossSignedCertificationAuthority".to_owned()))
    );
    assert_eq!(
        entity.key_platform,
        Some(CloudCertificationAuthorityKeyPlatformType::Unrecognized("cloudHsmV2".to_owned()))
    );
    let keys: Vec<_> = entity.additional_properties.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{keys:?}");
    assert_eq!(entity.additional_properties["futureObject"], fetched["futureObject"]);
    assert_eq!(entity.additional_properties["futureNull"], Value::Null);
    let ekus = entity.extended_key_usages.as_ref().expect("extendedKeyUsages");
    assert_eq!(ekus[0].additional_properties["criticality"], "high");

    entity.display_name = Some("Contoso Issuing CA (renamed)".to_owned());
    let got = client.send(&ca::Update::new(CA_ID, entity)).await.expect("the patch succeeds");
    assert_eq!(got, None);
    let all = requests(&server).await;
    assert_eq!(all.len(), 2, "{:?}", describe(&all));
    let mut expected = fetched;
    expected["displayName"] = json!("Contoso Issuing CA (renamed)");
    assert_request(&all[1], "PATCH", &format!("{CA_PATH}/{CA_ID}"), None, Some(expected));
}

#[tokio::test]
async fn unknown_properties_and_members_survive_a_patch_of_a_leaf_certificate() {
    let mut fetched = leaf_json("l-1", "01");
    fetched["certificateStatus"] = json!("onHold");
    fetched["revocationReason"] = json!({"code": 6, "text": "certificateHold"});
    fetched["issuedVia"] = json!("acme");
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok_json(json!({"value": fetched}))).mount(&server).await;
    Mock::given(method("PATCH")).respond_with(ok_json(fetched.clone())).mount(&server).await;
    let client = client_for(&server.uri());
    let entity = client.send(&leaf::Get::new("l-1")).await.expect("the get succeeds");
    assert_eq!(
        entity.certificate_status,
        Some(CloudCertificationAuthorityLeafCertificateStatus::Unrecognized("onHold".to_owned()))
    );
    assert_eq!(entity.additional_properties.len(), 2);
    let echoed = client.send(&leaf::Update::new("l-1", entity.clone())).await.expect("the patch succeeds");
    assert_eq!(echoed.as_ref(), Some(&entity), "the service's echo decodes to the same entity");
    let all = requests(&server).await;
    let sent: Value = serde_json::from_slice(&all[1].body).expect("JSON");
    assert_eq!(sent["certificateStatus"], "onHold");
    assert_eq!(sent["revocationReason"], fetched["revocationReason"]);
    assert_eq!(sent["issuedVia"], "acme");
    // Every member that was fetched is sent back, with the same value (date-times compared as
    // instants: their text may be written with another number of fractional digits).
    let (Value::Object(sent), Value::Object(fetched)) = (sent, fetched) else { unreachable!() };
    let sorted = |map: &serde_json::Map<String, Value>| {
        let mut keys: Vec<_> = map.keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(sorted(&sent), sorted(&fetched));
    for (key, value) in &fetched {
        if key.ends_with("DateTime") {
            let instant = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
            assert_eq!(instant(&sent[key]), instant(value), "{key}");
        } else {
            assert_eq!(&sent[key], value, "{key}");
        }
    }
}

// =============================================================================================
// token_*: the token stays secret
// =============================================================================================

fn assert_no_token(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
    assert!(!text.contains("qz7Vx9Lw"), "{what} shows part of the token: {text}");
}

fn assert_error_hides_token(what: &str, error: &ClientError) {
    assert_no_token(what, &format!("{error:?}"));
    assert_no_token(what, &format!("{error:#?}"));
    assert_no_token(what, &error.to_string());
    let mut source = error.source();
    while let Some(inner) = source {
        assert_no_token(what, &format!("{inner:?}"));
        assert_no_token(what, &inner.to_string());
        source = inner.source();
    }
}

#[tokio::test]
async fn token_absent_from_debug_of_client_and_every_error() {
    let server = MockServer::start().await;
    // A misbehaving proxy that echoes the credentials back in its response headers.
    let echo = |status: u16| {
        ResponseTemplate::new(status)
            .insert_header("authorization", format!("Bearer {TOKEN}").as_str())
            .insert_header("www-authenticate", "Bearer realm=\"graph\"")
    };
    Mock::given(path(format!("{CA_PATH}/denied")))
        .respond_with(
            echo(401).set_body_json(odata_error_body("InvalidAuthenticationToken", "Access token has expired")),
        )
        .mount(&server)
        .await;
    Mock::given(path(format!("{CA_PATH}/garbled")))
        .respond_with(echo(200).set_body_raw("not json", "application/json"))
        .mount(&server)
        .await;
    Mock::given(path(format!("{CA_PATH}/busy"))).respond_with(echo(503)).mount(&server).await;
    Mock::given(path(format!("{CA_PATH}/slow")))
        .respond_with(ok_json(json!({})).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let self_link = format!("{}{LEAF_PATH}?$skiptoken=loop", server.uri());
    Mock::given(path(LEAF_PATH))
        .and(query_param("$skiptoken", "loop"))
        .respond_with(ok_json(json!({"value": [], "@odata.nextLink": self_link})))
        .mount(&server)
        .await;
    Mock::given(path(LEAF_PATH))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ok_json(json!({"value": [], "@odata.nextLink": format!("http://graph.invalid{LEAF_PATH}")})))
        .mount(&server)
        .await;
    Mock::given(path(format!("{CA_PATH}/{CA_ID}/versions")))
        .respond_with(ok_json(json!({"value": [], "@odata.nextLink": self_link})))
        .mount(&server)
        .await;

    let builder = Client::builder(Cloud::Custom(server.uri()), TokenSource::fixed(TOKEN)).retry(quick_retry());
    assert_no_token("ClientBuilder", &format!("{builder:?}"));
    assert_no_token("TokenSource", &format!("{:?}", TokenSource::fixed(TOKEN)));
    let client = builder.build().expect("client");
    assert_no_token("Client", &format!("{client:?}"));
    assert_no_token("Client", &format!("{client:#?}"));
    let mut pages = client.pages(&ca::versions::List::new(CA_ID));
    assert_no_token("Pages", &format!("{pages:?}"));
    pages.next_page().await.expect("a first page").expect("it succeeds");
    assert_no_token("Pages", &format!("{pages:#?}"));
    let quick = client_with(&server.uri(), no_retry(), Duration::from_millis(200));
    let dropped = RawServer::start(|_| RawReply::Hangup).await;
    let broken = client_with(&dropped.base, no_retry(), Duration::from_secs(5));
    let failing_token = Client::new(
        Cloud::Custom(server.uri()),
        TokenSource::callback(|| async {
            Err::<String, Box<dyn std::error::Error + Send + Sync>>("vault is sealed".into())
        }),
    )
    .expect("client");

    let errors = vec![
        ("service", client.send(&ca::Get::new("denied")).await.expect_err("401")),
        ("decode", client.send(&ca::Get::new("garbled")).await.expect_err("not json")),
        ("retries exhausted", client.send(&ca::Get::new("busy")).await.expect_err("503")),
        ("timeout", quick.send(&ca::Get::new("slow")).await.expect_err("slow")),
        ("transport", broken.send(&ca::RevokeLeafCertificate::new("x", "y")).await.expect_err("dropped")),
        ("token", failing_token.send(&ca::Get::new("x")).await.expect_err("no token")),
        ("invalid request", client.send(&ca::Get::new("")).await.expect_err("empty id")),
        ("foreign next link", client.pages(&leaf::List::new()).collect_all().await.expect_err("foreign")),
        ("next link loop", client.pages(&ca::versions::List::new(CA_ID)).collect_all().await.expect_err("loop")),
    ];
    let kinds: Vec<_> = errors
        .iter()
        .map(|(_, e)| match e {
            ClientError::Service(odata::Error::Service(_)) => "service",
            ClientError::Service(odata::Error::Decode(_)) => "decode",
            ClientError::RetriesExhausted { .. } => "retries exhausted",
            ClientError::Timeout => "timeout",
            ClientError::Transport { .. } => "transport",
            ClientError::Token(_) => "token",
            ClientError::InvalidRequest(_) => "invalid request",
            ClientError::ForeignNextLink(_) => "foreign next link",
            ClientError::NextLinkLoop(_) => "next link loop",
            _ => "other",
        })
        .collect();
    let expected: Vec<_> = errors.iter().map(|(what, _)| *what).collect();
    assert_eq!(kinds, expected, "each variant was produced");
    // The OData errors inside, on their own.
    if let ClientError::Service(inner) = &errors[0].1 {
        assert_no_token("odata::Error", &format!("{inner:?}"));
    }
    for (what, error) in &errors {
        assert_error_hides_token(what, error);
    }
}

#[tokio::test]
async fn token_callback_is_used_per_request() {
    let (server, _) = serve(ok_json(ca_json(CA_ID))).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let source = TokenSource::callback(move || {
        let counter = Arc::clone(&counter);
        async move {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(format!("cb-token-{n}"))
        }
    });
    let client = Client::new(Cloud::Custom(server.uri()), source).expect("client");
    for _ in 0..2 {
        assert_is_contoso_ca(&client.send(&ca::Get::new(CA_ID)).await.expect("sent"), CA_ID);
    }
    let made = calls.load(Ordering::SeqCst);
    assert!(made >= 1, "the callback was never called");
    let all = requests(&server).await;
    assert_eq!(all.len(), 2);
    for request in &all {
        let bearer = header(request, "authorization").expect("Authorization");
        let n: usize = bearer.strip_prefix("Bearer cb-token-").and_then(|n| n.parse().ok()).expect(bearer);
        assert!((1..=made).contains(&n), "{bearer}");
        assert_eq!(header(request, "accept"), Some("application/json"));
    }
}

#[tokio::test]
async fn token_callback_failure_sends_nothing() {
    let (server, _) = serve(ok_json(ca_json(CA_ID))).await;
    let source = TokenSource::callback(|| async {
        Err::<String, Box<dyn std::error::Error + Send + Sync>>("the vault is sealed".into())
    });
    let client = Client::new(Cloud::Custom(server.uri()), source).expect("client");
    let error = client.send(&ca::Get::new(CA_ID)).await.expect_err("no token");
    match &error {
        ClientError::Token(message) => assert!(message.contains("the vault is sealed"), "{message}"),
        other => panic!("expected a token error, got {other:?}"),
    }
    assert!(requests(&server).await.is_empty(), "nothing may be sent without a token");
}

#[tokio::test]
async fn token_client_request_ids_differ_between_calls() {
    let (server, client) = serve(ok_json(ca_json(CA_ID))).await;
    for _ in 0..3 {
        client.send(&ca::Get::new(CA_ID)).await.expect("sent");
    }
    let all = requests(&server).await;
    let mut ids: Vec<_> = all.iter().map(|r| header(r, "client-request-id").expect("an id").to_owned()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "{ids:?}");
}

// =============================================================================================
// RawServer: a hand-written HTTP/1.1 server that records the request target as sent
// =============================================================================================

#[derive(Debug, Clone)]
struct RawRequest {
    method: String,
    /// The request target exactly as it was on the request line.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

enum RawReply {
    Json(u16, Value),
    /// Close the connection without answering.
    Hangup,
}

type Reply = Arc<dyn Fn(&RawRequest) -> RawReply + Send + Sync>;

struct RawServer {
    base: String,
    seen: Arc<Mutex<Vec<RawRequest>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl RawServer {
    async fn start(reply: impl Fn(&RawRequest) -> RawReply + Send + Sync + 'static) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let reply: Reply = Arc::new(reply);
        let task = tokio::spawn({
            let seen = Arc::clone(&seen);
            async move {
                while let Ok((socket, _)) = listener.accept().await {
                    tokio::spawn(serve_connection(socket, Arc::clone(&reply), Arc::clone(&seen)));
                }
            }
        });
        RawServer { base, seen, task }
    }

    fn requests(&self) -> Vec<RawRequest> {
        self.seen.lock().expect("lock").clone()
    }
}

async fn serve_connection(mut socket: TcpStream, reply: Reply, seen: Arc<Mutex<Vec<RawRequest>>>) {
    while let Some(request) = read_request(&mut socket).await {
        seen.lock().expect("lock").push(request.clone());
        match reply(&request) {
            RawReply::Hangup => return,
            RawReply::Json(status, body) => {
                let body = serde_json::to_vec(&body).expect("JSON");
                let head = format!(
                    "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if socket.write_all(head.as_bytes()).await.is_err() || socket.write_all(&body).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn read_request(socket: &mut TcpStream) -> Option<RawRequest> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(RawRequest { method, target, headers, body })
}
