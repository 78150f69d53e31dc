//! The code the README shows under "Using the generated crate", compiled and run here against a
//! mock Microsoft Graph (the README block must be the region between the `README` markers, byte
//! for byte): the seed's revoke, a typed filter with query setters, items streamed across two
//! pages, a read then an update with `If-Match` and a null, and a 404 asked through the error's
//! accessors.

// README:start
use futures::TryStreamExt;
use graph_beta_cloudpki::client::{Client, ClientError, TokenSource};
use graph_beta_cloudpki::filter;
use graph_beta_cloudpki::models::{CloudCertificationAuthority, CloudCertificationAuthorityStatus as Status};
use graph_beta_cloudpki::odata::{Cloud, Nullable, Operation};
use graph_beta_cloudpki::operations::device_management::cloud_certification_authority as ca;

fn client() -> Result<Client, ClientError> {
    let token = std::env::var("GRAPH_TOKEN").unwrap_or_default();
    Client::new(Cloud::Global, TokenSource::fixed(token))
}

async fn run(client: &Client, ca_id: &str) -> Result<(Option<String>, Vec<String>), ClientError> {
    // The API page's example: revoke a leaf certificate by its serial number.
    let revoke = ca::RevokeLeafCertificateBySerialNumber::new(ca_id, "Certificate Serial Number value");
    let leaf = client.send(&revoke).await?;

    // A filtered list, streamed item by item across pages.
    let active = filter::CloudCertificationAuthority::certification_authority_status().eq(Status::Active);
    let list = ca::List::new().filter(active).select(["id", "displayName"]).top(50);
    let names: Vec<String> =
        client.pages(&list).items().map_ok(|ca| ca.display_name.unwrap_or_default()).try_collect().await?;

    // Read, then update that version only (If-Match), clearing one property.
    let current = client.send(&ca::Get::new(ca_id)).await?;
    let patch = CloudCertificationAuthority::default().description("Rotated").common_name(Nullable::Null);
    let update = ca::Update::new(ca_id, patch).if_match(current.odata_etag.as_deref().unwrap_or("*"));
    client.send(&update).await?;

    // Errors answer what a caller asks: status, code, message, request id, throttling.
    match client.send(&ca::Get::new("no-such-id")).await {
        Err(error) if error.is_not_found() => println!("{error}"), // 404 Not Found: code: message (request-id …)
        Err(error) => return Err(error),
        Ok(found) => println!("found {:?}", found.id),
    }
    Ok((leaf.serial_number, names))
}

/// Without the client: build the request, send it with any HTTP client, parse the answer.
fn request_only(ca_id: &str) -> graph_beta_cloudpki::http::Request<Vec<u8>> {
    ca::RevokeLeafCertificateBySerialNumber::new(ca_id, "Certificate Serial Number value").to_request(&Cloud::Global)
}
// README:end

use graph_beta_cloudpki::client::RetryPolicy;
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CAS: &str = "/beta/deviceManagement/cloudCertificationAuthority";

#[tokio::test]
async fn the_readme_code_runs() {
    let server = MockServer::start().await;
    let ok = |body: serde_json::Value| ResponseTemplate::new(200).set_body_json(body);
    Mock::given(method("POST"))
        .and(path(format!("{CAS}/ca-1/revokeLeafCertificateBySerialNumber")))
        .respond_with(ok(json!({"id": "leaf-1", "serialNumber": "Certificate Serial Number value"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CAS))
        .and(query_param("$filter", "certificationAuthorityStatus eq 'active'"))
        .and(query_param("$top", "50"))
        .respond_with(ok(json!({
            "value": [{"id": "ca-1", "displayName": "Contoso Root"}],
            "@odata.nextLink": format!("{}{CAS}?$skiptoken=2", server.uri())
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CAS))
        .and(query_param("$skiptoken", "2"))
        .respond_with(ok(json!({"value": [{"id": "ca-2", "displayName": "Contoso Issuing"}]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{CAS}/ca-1")))
        .respond_with(ok(json!({"id": "ca-1", "@odata.etag": "W/\"7\""})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{CAS}/ca-1")))
        .and(header("if-match", "W/\"7\""))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{CAS}/no-such-id")))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("request-id", "rid-404")
                .set_body_json(json!({"error": {"code": "ResourceNotFound", "message": "No such authority"}})),
        )
        .mount(&server)
        .await;

    let retry = RetryPolicy { max_attempts: 1, max_total_wait: Duration::from_secs(1), default_delay: Duration::ZERO };
    let mock = Client::builder(Cloud::Custom(server.uri()), TokenSource::fixed("t")).retry(retry).build().unwrap();
    let (serial, names) = run(&mock, "ca-1").await.expect("every step succeeds");
    assert_eq!(serial.as_deref(), Some("Certificate Serial Number value"));
    assert_eq!(names, ["Contoso Root", "Contoso Issuing"]);
    let patch = server.received_requests().await.unwrap().into_iter().find(|r| r.method.as_str() == "PATCH").unwrap();
    let body: serde_json::Value = serde_json::from_slice(&patch.body).unwrap();
    assert_eq!(body, json!({"description": "Rotated", "commonName": null}));

    // The other two functions of the README build what they say.
    assert!(client().is_ok());
    let request = request_only("ca-1");
    assert_eq!(request.method(), "POST");
    assert_eq!(
        request.uri(),
        "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority/ca-1/revokeLeafCertificateBySerialNumber"
    );
}

#[test]
fn the_readme_shows_this_code() {
    let this = include_str!("readme_usage.rs");
    let region = this.split("// README:start\n").nth(1).and_then(|rest| rest.split("// README:end").next()).unwrap();
    let readme = std::fs::read_to_string(integration_tests::project_root().join("README.md")).unwrap();
    let section = readme.split("## Using the generated crate").nth(1).expect("the README has the section");
    let block = section.split("```rust\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
    assert_eq!(
        block, region,
        "the README's first code block under \"Using the generated crate\" is this file's region"
    );
}
