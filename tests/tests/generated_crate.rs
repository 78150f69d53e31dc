//! The committed crate in `generated/` is exactly what the generator writes now, and the
//! selection gives the same files from the slice and from a full-size beta document.

use odata_codegen::config::Config;
use odata_codegen::generate::{generate, generate_from};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config() -> Config {
    Config::load(&root().join("metadata/cloudpki.toml")).expect("the configuration loads")
}

#[test]
fn generated_is_up_to_date() {
    let config = config();
    let generated = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let comparison = odata_codegen::write::compare(&config.output, &generated.files).expect("generated/ is readable");
    let shown: Vec<String> = comparison.differences.iter().map(ToString::to_string).collect();
    assert!(
        comparison.differences.is_empty(),
        "generated/ is stale; run `cargo run -p odata-codegen -- generate` and review the diff:\n{}",
        shown.join("\n")
    );
    assert_eq!(comparison.not_generated, Vec::<String>::new(), "generated/ holds only what the generator writes");
}

#[test]
fn the_full_size_document_gives_byte_identical_files() {
    let config = config();
    let slice = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let full_path = root().join("../shared/metadata/graph/beta-USNat-with-cloudpki.csdl");
    let full = generate_from(&config, "beta-USNat-with-cloudpki.csdl", &std::fs::read(&full_path).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(slice.files.keys().collect::<Vec<_>>(), full.files.keys().collect::<Vec<_>>());
    for (path, contents) in &slice.files {
        assert!(contents == &full.files[path], "{path} differs between the slice and the full document");
    }
    // The lock file is where the input shows: its hash differs, the files do not.
    assert_ne!(slice.lock, full.lock);
}

#[test]
fn generation_is_deterministic() {
    let config = config();
    let first = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let second = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.files, second.files);
}

#[test]
fn generated_files_carry_no_input_path_hash_or_time() {
    let config = config();
    let generated = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let sha = odata_codegen::generate::sha256(&std::fs::read(&config.input).unwrap());
    for (path, contents) in &generated.files {
        assert!(!contents.contains("shared/metadata"), "{path} names the input path");
        assert!(!contents.contains(&sha), "{path} carries the input hash");
    }
    assert!(generated.lock.contains(&sha));
}

#[test]
fn the_closure_is_what_the_issue_lists() {
    let config = config();
    let generated = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let models = &generated.files["src/models.rs"];
    let enums = models.matches("\npub enum ").count();
    let structs = models.matches("\npub struct ").count();
    assert_eq!(enums, 7, "7 enums");
    // 3 complex types and the 3 entity types (with `entity`'s `id` flattened in): `entity`
    // itself is generated too, as the base type.
    assert_eq!(structs, 7, "3 complex + 3 entity types + entity");
    let operations = &generated.files["src/operations.rs"];
    for action in [
        "ChangeCloudCertificationAuthorityStatus",
        "GetAllCloudCertificationAuthority",
        "GetAllCloudCertificationAuthorityLeafCertificates",
        "GetCloudCertificationAuthority",
        "GetCloudCertificationAuthorityVersion",
        "GetCloudCertificationAuthorityVersions",
        "PatchCloudCertificationAuthority",
        "PostCloudCertificationAuthority",
        "RevokeCloudCertificationAuthorityCertificate",
        "RevokeLeafCertificate",
        "RevokeLeafCertificateBySerialNumber",
        "SearchCloudCertificationAuthorityLeafCertificateBySerialNumber",
        "UploadExternallySignedCertificationAuthorityCertificate",
    ] {
        assert!(operations.contains(&format!("pub struct {action} {{")), "action {action}");
    }
}

/// The crate's public API in one compact listing: a schema change reads as a short diff here.
#[test]
fn public_api_listing() {
    let generated = generate(&config()).unwrap_or_else(|e| panic!("{e}"));
    let listing = odata_codegen::rust::listing(&generated.files).expect("the generated files parse");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("cloudpki_public_api", listing);
    });
}

#[test]
fn the_order_of_the_xml_elements_does_not_matter() {
    let config = config();
    let slice = integration_tests::graph_document("beta-cloudpki-slice.csdl");
    let shuffled = integration_tests::reordered(&slice);
    assert_ne!(slice, shuffled);
    let first = generate_from(&config, "slice.csdl", slice.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let second = generate_from(&config, "reordered.csdl", shuffled.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.files.keys().collect::<Vec<_>>(), second.files.keys().collect::<Vec<_>>());
    for (path, contents) in &first.files {
        assert!(contents == &second.files[path], "{path} depends on the element order");
    }
}

/// The second committed crate, for the project's CAP service (a plain OData v4 service):
/// `tests/cap-client/` is exactly what `metadata/cap-library.toml` generates, and its public
/// API is snapshotted like the Cloud PKI crate's.
#[test]
fn the_cap_client_crate_is_up_to_date_and_its_api_is_reviewed() {
    let config = Config::load(&root().join("metadata/cap-library.toml")).expect("the configuration loads");
    let generated = generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let comparison = odata_codegen::write::compare(&config.output, &generated.files).expect("readable");
    let shown: Vec<String> = comparison.differences.iter().map(ToString::to_string).collect();
    assert!(
        comparison.differences.is_empty(),
        "tests/cap-client/ is stale; run `cargo run -p odata-codegen -- generate --config metadata/cap-library.toml`:\n{}",
        shown.join("\n")
    );
    assert_eq!(comparison.not_generated, Vec::<String>::new());
    let lock = std::fs::read_to_string(config.lock_path()).expect("metadata/cap-library.lock");
    assert!(odata_codegen::generate::lock_differences(&lock, &generated.lock).is_empty(), "the lock is current");
    let listing = odata_codegen::rust::listing(&generated.files).expect("the generated files parse");
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("cap_library_public_api", listing);
    });
}
