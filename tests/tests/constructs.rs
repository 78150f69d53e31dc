//! The construct corpus: every file in `tests/fixtures/constructs/` is a small, hand-written,
//! valid CSDL document that exercises one group of constructs (its top comment says which). Each
//! loads without errors, and its resolved model is snapshotted as the readable dump of
//! `odata_codegen::edm::dump`, followed by every diagnostic rendered like rustc, so a reviewer can
//! check base types, overloads, facets, enum values and where each annotation landed.
//!
//! One test per fixture, one snapshot per fixture: `tests/snapshots/constructs/<fixture>.snap`.
//! Only the fixtures listed in `EXPECTED_WARNINGS` may produce diagnostics at all, and then
//! exactly the listed warning codes.

use std::collections::BTreeSet;
use std::path::PathBuf;

use odata_codegen::{Severity, SourceFile};

/// Fixtures that are meant to warn, with the codes of every diagnostic they must produce
/// (sorted, one entry per diagnostic).
const EXPECTED_WARNINGS: &[(&str, &[&str])] =
    &[("unknown_element_and_attribute", &["unknown-attribute", "unknown-element"])];

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("constructs")
}

/// Loads one fixture, snapshots its dump and diagnostics, then checks the diagnostics.
fn check(name: &str) {
    let file_name = format!("{name}.xml");
    let path = fixtures_dir().join(&file_name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let loaded = odata_codegen::load(&bytes);
    let source = SourceFile::new(&file_name, &bytes);

    let mut text = String::new();
    match &loaded.model {
        Some(model) => text.push_str(&odata_codegen::edm::dump(model)),
        None => text.push_str("(no model)\n"),
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("\n--- diagnostics ---\n");
    if loaded.diagnostics.is_empty() {
        text.push_str("(none)\n");
    }
    for diagnostic in &loaded.diagnostics {
        text.push_str(&source.render(diagnostic));
    }

    insta::with_settings!({
        snapshot_path => "../snapshots/constructs",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        input_file => &path,
    }, {
        insta::assert_snapshot!(name, text);
    });

    // Checked after the snapshot so that a failure still leaves a snapshot to review.
    let errors: Vec<String> = loaded.errors().map(|d| source.render(d)).collect();
    assert!(errors.is_empty(), "{file_name} must load without errors:\n{}", errors.join("\n"));
    assert!(loaded.model.is_some(), "{file_name} produced no model");
    let expected: Vec<&str> = EXPECTED_WARNINGS
        .iter()
        .find(|(fixture, _)| *fixture == name)
        .map(|(_, codes)| codes.to_vec())
        .unwrap_or_default();
    let mut found: Vec<&str> = loaded.diagnostics.iter().map(|d| d.code).collect();
    found.sort_unstable();
    assert!(
        loaded.diagnostics.iter().all(|d| d.severity == Severity::Warning),
        "{file_name}: only warnings are allowed"
    );
    assert_eq!(
        found,
        expected,
        "{file_name}: unexpected diagnostics:\n{}",
        loaded.diagnostics.iter().map(|d| source.render(d)).collect::<Vec<_>>().join("\n")
    );
}

macro_rules! constructs {
    ($($name:ident),* $(,)?) => {
        /// Every fixture, by file stem, in sorted order.
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

constructs! {
    annotation_capabilities,
    annotation_revisions,
    annotation_targets_container,
    annotation_targets_elements,
    annotation_targets_overloads,
    annotation_vocabulary_alias,
    complex_types,
    entity_container,
    entity_inheritance,
    entity_keys,
    enum_flags,
    enum_member_names,
    enum_values,
    namespaces_and_aliases,
    navigation_properties,
    operation_overloads,
    operation_shapes,
    primitive_types,
    property_facets,
    type_definitions,
    unknown_element_and_attribute,
    xml_bom_without_declaration,
    xml_text_and_references,
}

#[test]
fn every_fixture_file_has_a_test() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/constructs exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "xml"))
        .map(|path| path.file_stem().and_then(|stem| stem.to_str()).expect("fixture file names are UTF-8").to_string())
        .collect();
    let listed: BTreeSet<String> = FIXTURES.iter().map(|name| name.to_string()).collect();
    assert_eq!(listed.len(), FIXTURES.len(), "a fixture is listed twice");
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(unlisted.is_empty(), "fixtures without a test (add them to `constructs!`): {unlisted:?}");
    assert!(missing.is_empty(), "tests whose fixture file does not exist: {missing:?}");
    let mut sorted = FIXTURES.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, FIXTURES, "keep `constructs!` sorted");
    for (fixture, _) in EXPECTED_WARNINGS {
        assert!(listed.contains(*fixture), "EXPECTED_WARNINGS names an unknown fixture {fixture}");
    }
}

#[test]
fn every_snapshot_belongs_to_a_fixture() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots").join("constructs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // no snapshot accepted yet
    };
    let listed: BTreeSet<&str> = FIXTURES.iter().copied().collect();
    let stale: Vec<String> = entries
        .map(|entry| entry.expect("readable directory entry").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".snap"))
        .filter(|name| !listed.contains(name.trim_end_matches(".snap")))
        .collect();
    assert!(stale.is_empty(), "snapshots without a fixture (delete them): {stale:?}");
}
