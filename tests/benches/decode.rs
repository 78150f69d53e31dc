//! Decoding a 1,000-item page of leaf certificates: typed models versus `serde_json::Value`.
//!
//! The page is built from the seed page's example entity (`../shared/seed/`), with a different
//! id, serial number, thumbprint, status, device and dates for every item, wrapped as Graph sends
//! it: `{"@odata.context": ..., "value": [...], "@odata.nextLink": ...}`. The same bytes are decoded
//!
//! - `typed`: `serde_json::from_slice::<odata::Page<models::CloudCertificationAuthorityLeafCertificate>>`;
//! - `untyped`: `serde_json::from_slice::<serde_json::Value>`, the baseline;
//! - `typed_via_parse_response`: what `client.send(&List)` does after the bytes arrive, the
//!   operation's `parse_response` (the runtime's `parse_page`).
//!
//! Run with `cargo bench -p integration-tests --bench decode`. The goal (issue 4): `typed` at most
//! 1.0x `untyped`.

use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use graph_beta_cloudpki::models::CloudCertificationAuthorityLeafCertificate;
use graph_beta_cloudpki::odata::{Operation, Page};
use graph_beta_cloudpki::operations::device_management::cloud_certification_authority_leaf_certificate::List;
use serde_json::{Value, json};

const ITEMS: usize = 1_000;

fn main() {
    let page = &*PAGE;
    let typed: Page<CloudCertificationAuthorityLeafCertificate> =
        serde_json::from_slice(page).expect("the page decodes");
    assert_eq!(typed.value.len(), ITEMS);
    assert!(typed.next_link.is_some());
    assert!(typed.value.iter().all(|leaf| leaf.additional_properties.is_empty()), "every property is known");
    println!("page: {ITEMS} leaf certificates, {} bytes", page.len());
    divan::main();
}

/// The seed page's leaf certificate (the `value` of its example response).
fn seed_entity() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/seed/revokeLeafCertificateBySerialNumber.txt");
    let page = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let marker = "Content-Length: 1142";
    let at = page.find(marker).expect("the example response") + marker.len();
    let start = at + page[at..].find('{').expect("a JSON body");
    let response: Value =
        serde_json::Deserializer::from_str(&page[start..]).into_iter().next().expect("a value").expect("JSON");
    response["value"].clone()
}

static PAGE: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let entity = seed_entity();
    let statuses = ["active", "revoked", "expired", "active"];
    let platforms = ["Windows", "iOS", "Android", "macOS"];
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            let mut item = entity.clone();
            item["id"] =
                json!(format!("{:08x}-94f8-976c-f894-{:012x}", 0x976c_94f8_u32.wrapping_add(i as u32), i * 7919));
            item["serialNumber"] = json!(format!("{:032X}", (i as u128 + 1) * 0x9E37_79B9_7F4A_7C15));
            item["thumbprint"] = json!(format!("{:040X}", (i as u128 + 17) * 0xC2B2_AE3D_27D4_EB4F));
            item["certificateStatus"] = json!(statuses[i % statuses.len()]);
            item["deviceName"] = json!(format!("DESKTOP-{i:05}"));
            item["devicePlatform"] = json!(platforms[i % platforms.len()]);
            item["userPrincipalName"] = json!(format!("user{i}@contoso.example"));
            item["validityStartDateTime"] =
                json!(format!("2025-{:02}-{:02}T08:{:02}:36.3292251-08:00", i % 12 + 1, i % 28 + 1, i % 60));
            item["validityEndDateTime"] =
                json!(format!("2026-{:02}-{:02}T08:{:02}:36.3292251-08:00", i % 12 + 1, i % 28 + 1, i % 60));
            item["certificationAuthorityVersionNumber"] = json!(i % 3 + 1);
            item
        })
        .collect();
    serde_json::to_vec(&json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/cloudCertificationAuthorityLeafCertificate",
        "value": items,
        "@odata.nextLink": "https://graph.microsoft.com/beta/deviceManagement/cloudCertificationAuthorityLeafCertificate?$top=1000&$skiptoken=RFNwdAIAAQAAAA"
    }))
    .expect("JSON")
});

#[divan::bench]
fn typed(bencher: Bencher) {
    let page = &*PAGE;
    bencher.counter(BytesCount::of_slice(page)).bench(|| {
        serde_json::from_slice::<Page<CloudCertificationAuthorityLeafCertificate>>(black_box(page)).expect("decodes")
    });
}

#[divan::bench]
fn untyped(bencher: Bencher) {
    let page = &*PAGE;
    bencher
        .counter(BytesCount::of_slice(page))
        .bench(|| serde_json::from_slice::<Value>(black_box(page)).expect("parses"));
}

#[divan::bench]
fn typed_via_parse_response(bencher: Bencher) {
    let page = &*PAGE;
    let operation = List::new();
    bencher
        .counter(BytesCount::of_slice(page))
        .with_inputs(|| http::Response::builder().status(200).body(page.clone()).expect("a response"))
        .bench_values(|response| operation.parse_response(response).expect("decodes"));
}
