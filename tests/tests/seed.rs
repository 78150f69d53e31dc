//! The API reference page the project started from (`../shared/seed/`): its example request
//! and response, through the generated crate, exactly as the page shows them.

use chrono::DateTime;
use graph_beta_cloudpki::ids::CloudCertificationAuthorityId;
use graph_beta_cloudpki::models::{
    CloudCertificationAuthorityLeafCertificate, CloudCertificationAuthorityLeafCertificateStatus,
};
use graph_beta_cloudpki::odata::{Cloud, Nullable, Operation};
use graph_beta_cloudpki::operations::device_management::cloud_certification_authority::RevokeLeafCertificateBySerialNumber;
use integration_tests::{json_after, seed_page};
use serde_json::Value;

const ID: &str = "976c94f8-94f8-976c-f894-6c97f8946c97";

fn operation() -> RevokeLeafCertificateBySerialNumber {
    RevokeLeafCertificateBySerialNumber::new(CloudCertificationAuthorityId::new(ID), "Certificate Serial Number value")
}

#[test]
fn the_request_is_the_pages_request() {
    let page = seed_page();
    let request = operation().to_request(&Cloud::Global);
    assert_eq!(request.method(), http::Method::POST);
    // The page's URL template with the example id put in.
    let template = "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthority/{cloudCertificationAuthorityId}/revokeLeafCertificateBySerialNumber";
    assert!(page.contains(&format!("POST {template}")), "the page shows this URL");
    assert_eq!(request.uri().to_string(), template.replace("{cloudCertificationAuthorityId}", ID));
    assert_eq!(request.headers()["accept"], "application/json");
    assert_eq!(request.headers()["content-type"], "application/json");
    let body: Value = serde_json::from_slice(request.body()).expect("the body is JSON");
    assert_eq!(body, json_after(&page, "Content-length: 68"));
}

#[test]
fn every_national_cloud_of_the_page_has_its_host() {
    let page = seed_page();
    assert!(page.contains("Global service US Government L4 US Government L5 (DOD) China operated by 21Vianet"));
    for (cloud, host) in [
        (Cloud::Global, "https://graph.microsoft.com/beta/"),
        (Cloud::UsGovL4, "https://graph.microsoft.us/beta/"),
        (Cloud::UsGovL5Dod, "https://dod-graph.microsoft.us/beta/"),
        (Cloud::China, "https://microsoftgraph.chinacloudapi.cn/beta/"),
        (Cloud::Custom("http://127.0.0.1:8080".into()), "http://127.0.0.1:8080/beta/"),
    ] {
        let uri = operation().to_request(&cloud).uri().to_string();
        assert!(uri.starts_with(host), "{cloud:?}: {uri}");
    }
}

#[test]
fn the_response_decodes_into_the_leaf_certificate() {
    let page = seed_page();
    let body = json_after(&page, "Content-Length: 1142");
    assert!(body.get("value").is_some(), "the page wraps the entity in `value`");
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(&body).unwrap())
        .unwrap();
    let leaf: CloudCertificationAuthorityLeafCertificate = operation().parse_response(response).expect("decodes");
    let text = |value: &str| Nullable::Value(value.to_owned());
    let time = |value: &str| Nullable::Value(DateTime::parse_from_rfc3339(value).unwrap());
    assert_eq!(leaf.odata_type.as_deref(), Some("#microsoft.graph.cloudCertificationAuthorityLeafCertificate"));
    assert_eq!(leaf.id.as_deref(), Some(ID));
    assert_eq!(leaf.subject_name, text("Subject Name value"));
    assert_eq!(leaf.issuer_id, text("Issuer Id value"));
    assert_eq!(leaf.issuer_name, text("Issuer Name value"));
    assert_eq!(leaf.certificate_status, Some(CloudCertificationAuthorityLeafCertificateStatus::Active));
    assert_eq!(leaf.validity_start_date_time, time("2016-12-31T23:59:36.3292251-08:00"));
    assert_eq!(leaf.validity_end_date_time, time("2016-12-31T23:57:06.8876616-08:00"));
    assert_eq!(leaf.crl_distribution_point_url, text("https://example.com/crlDistributionPointUrl/"));
    assert_eq!(leaf.certification_authority_issuer_uri, text("Certification Authority Issuer Uri value"));
    assert_eq!(leaf.ocsp_responder_uri, text("Ocsp Responder Uri value"));
    assert_eq!(leaf.thumbprint, text("Thumbprint value"));
    assert_eq!(leaf.serial_number.as_deref(), Some("Serial Number value"));
    assert_eq!(leaf.revocation_date_time, time("2017-01-01T00:00:26.0037365-08:00"));
    assert_eq!(leaf.device_name, text("Device Name value"));
    assert_eq!(leaf.user_principal_name, text("User Principal Name value"));
    assert_eq!(leaf.device_id, text("Device Id value"));
    assert_eq!(leaf.user_id, text("User Id value"));
    assert_eq!(leaf.device_platform, text("Device Platform value"));
    assert_eq!(leaf.key_usages, Some(vec!["Key Usages value".to_owned()]));
    assert_eq!(leaf.extended_key_usages, Some(vec!["Extended Key Usages value".to_owned()]));
    // Fields the page does not show stay absent, and nothing unknown was left over.
    assert_eq!(leaf.certification_authority_version_number, None);
    assert!(leaf.additional_properties.is_empty(), "{:?}", leaf.additional_properties);
    // 7 fractional digits and the offset survive a round trip.
    let written = serde_json::to_value(&leaf).unwrap();
    let start = written["validityStartDateTime"].as_str().unwrap();
    assert_eq!(
        DateTime::parse_from_rfc3339(start).unwrap(),
        DateTime::parse_from_rfc3339("2016-12-31T23:59:36.3292251-08:00").unwrap()
    );
    assert!(start.ends_with("-08:00"), "{start}");
}
