//! Every real CSDL document the project has access to loads into a model with the expected
//! number of items, and without errors; the two XSLT test fixtures load too, with errors.
//!
//! The documents are read from `../shared/metadata/` beside the workspace (never copied into the
//! project). Where the expected numbers come from:
//!
//! - The 15 Graph documents of the survey: `../shared/design/csdl-corpus.md`, appendix A1
//!   (element kinds per file: `Schema`, `EntityType`, `ComplexType`, `EnumType`, `Action`,
//!   `Function`, `Term`, `EntitySet`, `Singleton`) and appendix A4 (the same per schema).
//!   `TypeDefinition` never occurs in Graph documents (survey §0).
//! - `beta-cloudpki-slice.csdl` and `beta-USNat-with-cloudpki.csdl` are not in the survey: their
//!   numbers were counted with Python's `xml.etree.ElementTree` (direct children of each `Schema`
//!   and of each `EntityContainer`, by local name; every `Action` / `Function` element is one
//!   overload and counted once). The same script reproduces the survey's numbers for the other
//!   15 files exactly. For the merged document it also checked, by qualified name, that its type
//!   set is the union of beta-USNat's and the slice's, and that its operations and container
//!   children are the concatenation of the two; `merged_document_is_usnat_plus_the_slice` below
//!   repeats that arithmetic through the model.
//! - The OASIS vocabularies and examples: counted the same way.
//! - Properties, navigation properties and enum members: `Property` / `NavigationProperty`
//!   children of `EntityType` / `ComplexType` and `Member` children of `EnumType`; for the Graph
//!   documents these equal appendix A1's `Property`, `NavigationProperty` and `Member` rows.

use odata_codegen::{Diagnostic, Loaded, SourceFile};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const GRAPH_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/graph/");
const OASIS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/oasis/");

/// The numbers of model items a document must produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Expected {
    schemas: usize,
    entity_types: usize,
    complex_types: usize,
    enum_types: usize,
    type_definitions: usize,
    /// `Action` elements: each overload once.
    actions: usize,
    /// `Function` elements: each overload once.
    functions: usize,
    entity_sets: usize,
    singletons: usize,
    terms: usize,
    /// `Property` elements of entity and complex types.
    properties: usize,
    navigation_properties: usize,
    /// `Member` elements of enum types.
    enum_members: usize,
}

impl Expected {
    fn of(model: &odata_codegen::edm::Model) -> Expected {
        let c = model.counts();
        Expected {
            schemas: c.schemas,
            entity_types: c.entity_types,
            complex_types: c.complex_types,
            enum_types: c.enum_types,
            type_definitions: c.type_definitions,
            actions: c.actions,
            functions: c.functions,
            entity_sets: c.entity_sets,
            singletons: c.singletons,
            terms: c.terms,
            properties: c.properties,
            navigation_properties: c.navigation_properties,
            enum_members: c.enum_members,
        }
    }

    /// Adds the member counts to a row of the tables below.
    const fn members(self, properties: usize, navigation_properties: usize, enum_members: usize) -> Expected {
        Expected { properties, navigation_properties, enum_members, ..self }
    }

    /// Every field that differs, as `name: expected E, got A` lines.
    fn differences(&self, actual: &Expected) -> Vec<String> {
        let fields = [
            ("schemas", self.schemas, actual.schemas),
            ("entity_types", self.entity_types, actual.entity_types),
            ("complex_types", self.complex_types, actual.complex_types),
            ("enum_types", self.enum_types, actual.enum_types),
            ("type_definitions", self.type_definitions, actual.type_definitions),
            ("actions", self.actions, actual.actions),
            ("functions", self.functions, actual.functions),
            ("entity_sets", self.entity_sets, actual.entity_sets),
            ("singletons", self.singletons, actual.singletons),
            ("terms", self.terms, actual.terms),
            ("properties", self.properties, actual.properties),
            ("navigation_properties", self.navigation_properties, actual.navigation_properties),
            ("enum_members", self.enum_members, actual.enum_members),
        ];
        fields.iter().filter(|(_, e, a)| e != a).map(|(name, e, a)| format!("{name}: expected {e}, got {a}")).collect()
    }
}

/// Shorthand for the tables below; the order is the field order of [`Expected`]; the member
/// counts are added with [`Expected::members`].
#[allow(clippy::too_many_arguments)]
const fn counts(
    schemas: usize,
    entity_types: usize,
    complex_types: usize,
    enum_types: usize,
    type_definitions: usize,
    actions: usize,
    functions: usize,
    entity_sets: usize,
    singletons: usize,
    terms: usize,
) -> Expected {
    Expected {
        schemas,
        entity_types,
        complex_types,
        enum_types,
        type_definitions,
        actions,
        functions,
        entity_sets,
        singletons,
        terms,
        properties: 0,
        navigation_properties: 0,
        enum_members: 0,
    }
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn graph(file: &str) -> PathBuf {
    Path::new(GRAPH_DIR).join(file)
}

/// The diagnostics rendered like rustc (`--> file:line:column`, the line, a caret), for failure
/// messages.
fn render_all<'a>(name: &str, bytes: &[u8], diagnostics: impl Iterator<Item = &'a Diagnostic>) -> String {
    let source = SourceFile::new(name, bytes);
    diagnostics.map(|d| source.render(d)).collect()
}

fn error_codes(loaded: &Loaded) -> BTreeMap<&'static str, usize> {
    let mut codes = BTreeMap::new();
    for d in loaded.errors() {
        *codes.entry(d.code).or_insert(0) += 1;
    }
    codes
}

/// Loads a document that must have no errors and must produce exactly `expected`.
fn assert_clean_document(path: &Path, expected: Expected) {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = read(path);
    let loaded = odata_codegen::load(&bytes);
    let errors: Vec<&Diagnostic> = loaded.errors().collect();
    assert!(
        errors.is_empty(),
        "{name}: expected no errors, got {} ({:?}):\n{}",
        errors.len(),
        error_codes(&loaded),
        render_all(&name, &bytes, errors.iter().copied()),
    );
    let model = loaded.model.as_ref().unwrap_or_else(|| panic!("{name}: no model although no errors"));
    let actual = Expected::of(model);
    let differences = expected.differences(&actual);
    assert!(
        differences.is_empty(),
        "{name}: wrong counts:\n  {}\nexpected {expected:?}\nactual   {actual:?}",
        differences.join("\n  ")
    );
}

// ---------------------------------------------------------------------------------------------
// The Graph documents.
// counts(schemas, entity types, complex types, enum types, type definitions, actions, functions,
//        entity sets, singletons, terms).members(properties, navigation properties, enum members)

const V1_PROD: Expected = counts(11, 1182, 1779, 861, 0, 857, 326, 41, 31, 11).members(10525, 1432, 6347);
const V1_CLEAN: Expected = counts(11, 1182, 1780, 861, 0, 857, 324, 40, 30, 11).members(10528, 1432, 6347);
const V1_FAIRFAX: Expected = counts(6, 832, 1032, 628, 0, 751, 195, 39, 27, 8).members(8038, 1019, 4471);
const V1_BLEU: Expected = counts(3, 596, 743, 442, 0, 275, 113, 35, 20, 8).members(6001, 717, 2407);
const V1_MOONCAKE: Expected = counts(4, 582, 709, 412, 0, 251, 109, 37, 18, 8).members(5732, 735, 2248);
const V1_DELOS: Expected = counts(3, 454, 539, 341, 0, 198, 70, 30, 15, 5).members(4918, 503, 1943);
const V1_USNAT: Expected = counts(4, 538, 758, 373, 0, 655, 148, 36, 19, 8).members(4905, 784, 1997);
const V1_USSEC: Expected = counts(4, 526, 751, 369, 0, 652, 147, 36, 18, 8).members(4785, 765, 1999);
const V1_GOVSG: Expected = counts(1, 91, 97, 22, 0, 30, 12, 22, 6, 0).members(802, 121, 95);
const BETA_USSEC: Expected = counts(6, 732, 1091, 495, 0, 710, 251, 58, 23, 12).members(6765, 1086, 2748);
const BETA_USNAT: Expected = counts(6, 722, 1044, 479, 0, 705, 251, 58, 23, 12).members(6660, 1064, 2683);
const BETA_GOVSG: Expected = counts(1, 112, 145, 30, 0, 34, 13, 25, 8, 0).members(1023, 150, 127);
const BETA_REVIEW: Expected = counts(2, 36, 85, 45, 0, 7, 1, 2, 5, 0).members(358, 30, 211);

/// The Cloud PKI slice: schemas `microsoft.graph` and `microsoft.graph.identityGovernance` (the
/// latter only holds the 139 annotation blocks); entity types `entity`,
/// `cloudCertificationAuthority`, `cloudCertificationAuthorityLeafCertificate`,
/// `cloudCertificationAuthorityVersion`, `deviceManagement`; 3 complex types; the 7
/// `cloudCertificationAuthority*` enums; the 13 actions bound to `cloudCertificationAuthority`;
/// one container with the `deviceManagement` singleton.
const BETA_CLOUDPKI_SLICE: Expected = counts(2, 5, 3, 7, 0, 13, 0, 0, 1, 0).members(79, 6, 45);

/// beta-USNat plus the slice's new items. The slice's 2 namespaces both exist in beta-USNat, and
/// of its 15 types only `microsoft.graph.entity` does, so:
/// schemas 6 + 0 = 6; entity types 722 + (5 − 1) = 726; complex 1044 + 3 = 1047;
/// enums 479 + 7 = 486; actions 705 + 13 = 718 (no slice overload is in beta-USNat);
/// functions 251 + 0; entity sets 58 + 0; singletons 23 + 1 = 24; terms 12 + 0; properties
/// 6660 + (79 − 1: `entity/id`) = 6738; navigation properties 1064 + 6 = 1070; enum members
/// 2683 + 45 = 2728.
const BETA_USNAT_WITH_CLOUDPKI: Expected = counts(6, 726, 1047, 486, 0, 718, 251, 58, 24, 12).members(6738, 1070, 2728);

macro_rules! clean_document_tests {
    ($($test:ident: $file:literal => $expected:expr;)*) => {
        $(
            #[test]
            fn $test() {
                assert_clean_document(&graph($file), $expected);
            }
        )*

        /// The graph files covered by a clean-document test (the two fixtures have their own).
        const CLEAN_FILES: &[&str] = &[$($file),*];
    };
}

clean_document_tests! {
    v1_0_prod: "v1.0-Prod.csdl" => V1_PROD;
    clean_metadata: "cleanMetadata.xml" => V1_CLEAN;
    v1_0_fairfax: "v1.0-Fairfax.csdl" => V1_FAIRFAX;
    v1_0_bleu: "v1.0-Bleu.csdl" => V1_BLEU;
    v1_0_mooncake: "v1.0-Mooncake.csdl" => V1_MOONCAKE;
    v1_0_delos: "v1.0-Delos.csdl" => V1_DELOS;
    v1_0_usnat: "v1.0-USNat.csdl" => V1_USNAT;
    v1_0_ussec: "v1.0-USSec.csdl" => V1_USSEC;
    v1_0_govsg: "v1.0-GovSG.csdl" => V1_GOVSG;
    beta_ussec: "beta-USSec.csdl" => BETA_USSEC;
    beta_usnat: "beta-USNat.csdl" => BETA_USNAT;
    beta_govsg: "beta-GovSG.csdl" => BETA_GOVSG;
    beta_review: "beta-Review.csdl" => BETA_REVIEW;
    beta_cloudpki_slice: "beta-cloudpki-slice.csdl" => BETA_CLOUDPKI_SLICE;
    beta_usnat_with_cloudpki: "beta-USNat-with-cloudpki.csdl" => BETA_USNAT_WITH_CLOUDPKI;
}

const FIXTURES: &[&str] = &["preprocess_csdl_test_input.xml", "preprocess_csdl_test_output.xml"];

/// A new file in the shared directory must get a test here, not be skipped silently.
#[test]
fn every_graph_document_is_covered() {
    let mut on_disk: Vec<String> = std::fs::read_dir(GRAPH_DIR)
        .unwrap_or_else(|e| panic!("cannot list {GRAPH_DIR}: {e}"))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".csdl") || name.ends_with(".xml"))
        .collect();
    on_disk.sort();
    let mut covered: Vec<String> = CLEAN_FILES.iter().chain(FIXTURES).map(|s| s.to_string()).collect();
    covered.sort();
    assert_eq!(on_disk, covered);
    assert_eq!(on_disk.len(), 17, "15 survey documents + the slice + the merged document");
}

/// The merged document holds exactly beta-USNat's items plus the slice's new ones.
#[test]
fn merged_document_is_usnat_plus_the_slice() {
    let load = |file: &str| {
        let loaded = odata_codegen::load(&read(&graph(file)));
        Expected::of(loaded.model.as_ref().unwrap_or_else(|| panic!("{file}: no model")))
    };
    let usnat = load("beta-USNat.csdl");
    let slice = load("beta-cloudpki-slice.csdl");
    let merged = load("beta-USNat-with-cloudpki.csdl");
    // Shared with beta-USNat: both namespaces of the slice, and the entity type
    // `microsoft.graph.entity` with its one property `id`; nothing else (no other type, no
    // operation, no container child).
    let shared = counts(2, 1, 0, 0, 0, 0, 0, 0, 0, 0).members(1, 0, 0);
    let sum = Expected {
        schemas: usnat.schemas + slice.schemas - shared.schemas,
        entity_types: usnat.entity_types + slice.entity_types - shared.entity_types,
        complex_types: usnat.complex_types + slice.complex_types,
        enum_types: usnat.enum_types + slice.enum_types,
        type_definitions: usnat.type_definitions + slice.type_definitions,
        actions: usnat.actions + slice.actions,
        functions: usnat.functions + slice.functions,
        entity_sets: usnat.entity_sets + slice.entity_sets,
        singletons: usnat.singletons + slice.singletons,
        terms: usnat.terms + slice.terms,
        properties: usnat.properties + slice.properties - shared.properties,
        navigation_properties: usnat.navigation_properties + slice.navigation_properties,
        enum_members: usnat.enum_members + slice.enum_members,
    };
    assert_eq!(merged, sum, "merged {merged:?}\nusnat  {usnat:?}\nslice  {slice:?}");
    assert_eq!(merged, BETA_USNAT_WITH_CLOUDPKI);
}

// ---------------------------------------------------------------------------------------------
// The XSLT fixtures: partial documents, so errors are expected, but the model is still built.

/// Loads a fixture: it must not panic, must report `expected_errors` exactly (per code), and must
/// still produce a model with `expected` counts. Returns the load for spot checks.
fn assert_fixture(file: &str, expected_errors: &[(&str, usize)], expected: Expected) -> (Vec<u8>, Loaded) {
    let bytes = read(&graph(file));
    let loaded =
        std::panic::catch_unwind(|| odata_codegen::load(&bytes)).unwrap_or_else(|_| panic!("{file}: load panicked"));
    assert!(loaded.has_errors(), "{file}: a partial document must report errors");
    let actual: BTreeMap<&str, usize> = error_codes(&loaded);
    let expected_map: BTreeMap<&str, usize> = expected_errors.iter().copied().collect();
    assert_eq!(
        actual,
        expected_map,
        "{file}: error codes differ; all errors:\n{}",
        render_all(file, &bytes, loaded.errors())
    );
    let model = loaded.model.as_ref().unwrap_or_else(|| panic!("{file}: the model must still be built"));
    let actual = Expected::of(model);
    let differences = expected.differences(&actual);
    assert!(differences.is_empty(), "{file}: wrong counts:\n  {}", differences.join("\n  "));
    (bytes, loaded)
}

/// The 1-based lines of the errors with `code`, in document order.
fn lines_of(file: &str, bytes: &[u8], loaded: &Loaded, code: &str) -> Vec<usize> {
    let source = SourceFile::new(file, bytes);
    let mut lines: Vec<usize> =
        loaded.errors().filter(|d| d.code == code).map(|d| source.line_column(d.span.start).line).collect();
    lines.sort();
    lines
}

// Error counts, computed with xml.etree over the fixture (each reference checked once,
// duplicates' references included):
// - dangling-type: every `Type` of Property / NavigationProperty / Parameter / ReturnType /
//   Singleton, `BaseType` of EntityType / ComplexType and `EntitySet/@EntityType` (after
//   stripping `Collection(...)`) whose qualifier is a declared namespace or alias but whose
//   type is not declared: 172 in the input (56 of them `BaseType`), 161 in the output.
// - duplicate-name: `servicePrincipal`, `authentication`, `message` are each declared twice as
//   entity types of `microsoft.graph` (input lines 21/104, 177/210, 171/447).
// - unqualified-type: `<Property Name="dummyProperty" Type="string" />` in the
//   `microsoft.graph.security` schema (input line 730, output line 1903).
// No other error: no undeclared qualifier, no wrong type kind, no duplicate member or overload,
// no navigation property bindings.
//
// The model keeps both declarations of a duplicated type (references resolve to the first; the
// second is still checked), so the counts are those of the elements: 65 entity types.

#[test]
fn preprocess_csdl_test_input() {
    let file = "preprocess_csdl_test_input.xml";
    let (bytes, loaded) = assert_fixture(
        file,
        &[("dangling-type", 172), ("duplicate-name", 3), ("unqualified-type", 1)],
        counts(5, 65, 9, 2, 0, 13, 16, 6, 1, 0).members(121, 80, 10),
    );
    assert_eq!(lines_of(file, &bytes, &loaded, "unqualified-type"), [730]);
    assert_eq!(lines_of(file, &bytes, &loaded, "duplicate-name"), [104, 210, 447]);
    // `<EntityType Name="approval" BaseType="graph.entity">`: `graph.entity` is not declared.
    assert!(lines_of(file, &bytes, &loaded, "dangling-type").contains(&6));
}

#[test]
fn preprocess_csdl_test_output() {
    let file = "preprocess_csdl_test_output.xml";
    let (bytes, loaded) = assert_fixture(
        file,
        &[("dangling-type", 161), ("duplicate-name", 3), ("unqualified-type", 1)],
        counts(5, 65, 9, 2, 0, 13, 12, 5, 0, 0).members(119, 79, 10),
    );
    assert_eq!(lines_of(file, &bytes, &loaded, "unqualified-type"), [1903]);
    assert_eq!(lines_of(file, &bytes, &loaded, "duplicate-name"), [371, 832, 1142]);
}

// ---------------------------------------------------------------------------------------------
// The OASIS vocabularies and their examples: `edmx:Reference`/`Include`, `TypeDefinition`,
// `Term`, annotation expressions. A type or term of an included namespace is external, not
// dangling, so every one of them loads without errors.

const OASIS: &[(&str, Expected)] = &[
    ("vocabularies/Org.OData.Aggregation.V1.xml", counts(1, 0, 7, 1, 3, 0, 7, 0, 0, 10).members(17, 0, 3)),
    ("vocabularies/Org.OData.Authorization.V1.xml", counts(1, 0, 11, 1, 1, 0, 0, 0, 0, 2).members(19, 0, 3)),
    ("vocabularies/Org.OData.Capabilities.V1.xml", counts(1, 0, 40, 5, 1, 0, 0, 0, 0, 40).members(171, 0, 20)),
    ("vocabularies/Org.OData.Core.V1.xml", counts(1, 0, 18, 3, 8, 0, 0, 0, 0, 44).members(28, 1, 15)),
    ("vocabularies/Org.OData.JSON.V1.xml", counts(1, 0, 0, 0, 1, 0, 0, 0, 0, 1).members(0, 0, 0)),
    ("vocabularies/Org.OData.Measures.V1.xml", counts(1, 0, 0, 0, 1, 0, 0, 0, 0, 5).members(0, 0, 0)),
    ("vocabularies/Org.OData.Repeatability.V1.xml", counts(1, 0, 0, 0, 0, 0, 0, 0, 0, 3).members(0, 0, 0)),
    ("vocabularies/Org.OData.Temporal.V1.xml", counts(1, 0, 8, 0, 0, 3, 0, 0, 0, 1).members(10, 1, 0)),
    ("vocabularies/Org.OData.Validation.V1.xml", counts(1, 0, 3, 0, 1, 0, 0, 0, 0, 14).members(5, 0, 0)),
    (
        "examples/Org.OData.Aggregation.V1.SalesModel-sample.xml",
        counts(1, 9, 0, 0, 0, 0, 0, 6, 0, 0).members(21, 11, 0),
    ),
    (
        "examples/Org.OData.Capabilities.V1.FilterRestrictions-sample.xml",
        counts(1, 0, 0, 0, 0, 0, 0, 0, 0, 0).members(0, 0, 0),
    ),
    (
        "examples/Org.OData.Capabilities.V1.permissions-sample.xml",
        counts(1, 0, 0, 0, 0, 0, 0, 0, 0, 0).members(0, 0, 0),
    ),
    ("examples/Org.OData.Core.V1.GeometryFeature-sample.xml", counts(1, 1, 0, 0, 0, 0, 0, 0, 0, 0).members(3, 0, 0)),
    ("examples/Org.OData.Core.V1.Revisions-sample.xml", counts(1, 1, 0, 0, 0, 0, 0, 0, 0, 0).members(4, 0, 0)),
    ("examples/Org.OData.JSON.V1.Schema-sample.xml", counts(1, 0, 1, 0, 0, 0, 0, 0, 0, 0).members(1, 0, 0)),
    ("examples/Org.OData.Temporal.V1.objectkey-sample.xml", counts(1, 1, 0, 0, 0, 0, 0, 1, 0, 0).members(7, 0, 0)),
    ("examples/Org.OData.Temporal.V1.snapshot-sample.xml", counts(1, 2, 0, 0, 0, 0, 0, 2, 0, 0).members(5, 2, 0)),
    ("examples/Org.OData.Temporal.V1.timeline-sample.xml", counts(1, 4, 0, 0, 0, 0, 0, 2, 0, 0).members(10, 4, 0)),
    (
        "examples/Org.OData.Validation.V1.AllowedValues-sample.xml",
        counts(1, 1, 0, 0, 1, 0, 0, 0, 0, 0).members(1, 0, 0),
    ),
    ("examples/Org.OData.Validation.V1.Constraint-sample.xml", counts(1, 1, 0, 0, 0, 0, 0, 0, 0, 0).members(1, 0, 0)),
    ("examples/overload.tst.xml", counts(1, 0, 0, 0, 0, 0, 2, 0, 0, 0).members(0, 0, 0)),
];

#[test]
fn oasis_documents_load_without_errors() {
    // Every file on disk is in the table.
    let mut on_disk = Vec::new();
    for dir in ["vocabularies", "examples"] {
        for entry in std::fs::read_dir(Path::new(OASIS_DIR).join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".xml") {
                on_disk.push(format!("{dir}/{name}"));
            }
        }
    }
    on_disk.sort();
    let mut listed: Vec<String> = OASIS.iter().map(|(f, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every OASIS document needs an entry in OASIS");

    let mut failures = Vec::new();
    for (file, expected) in OASIS {
        let bytes = read(&Path::new(OASIS_DIR).join(file));
        let loaded = odata_codegen::load(&bytes);
        if loaded.has_errors() {
            failures.push(format!("{file}: {:?}\n{}", error_codes(&loaded), render_all(file, &bytes, loaded.errors())));
            continue;
        }
        let Some(model) = loaded.model.as_ref() else {
            failures.push(format!("{file}: no model although no errors"));
            continue;
        };
        let differences = expected.differences(&Expected::of(model));
        if !differences.is_empty() {
            failures.push(format!("{file}: wrong counts: {}", differences.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} OASIS documents failed:\n{}",
        failures.len(),
        OASIS.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// What `inspect` prints for every Graph document: each diagnostic once, and a summary that
// counts exactly what is printed.

#[test]
fn inspect_prints_each_diagnostic_of_every_graph_document_once_and_counts_what_it_prints() {
    let mut failures = Vec::new();
    let mut files: Vec<&str> = CLEAN_FILES.iter().chain(FIXTURES).copied().collect();
    files.sort_unstable();
    for file in files {
        let bytes = read(&graph(file));
        let loaded = odata_codegen::load(&bytes);
        let source = SourceFile::new(file, &bytes);
        let text = odata_codegen::inspect::text(&source, &loaded);
        let blocks: Vec<&str> =
            text.split("\n\n").filter(|b| b.starts_with("warning[") || b.starts_with("error[")).collect();
        let mut seen = std::collections::BTreeSet::new();
        let repeated: Vec<&str> = blocks.iter().copied().filter(|b| !seen.insert(*b)).collect();
        if !repeated.is_empty() {
            failures.push(format!(
                "{file}: {} diagnostics printed more than once:\n{}",
                repeated.len(),
                repeated.join("\n")
            ));
        }
        // The same diagnostic (code, place, message) must not be in the load twice either.
        let mut keys = std::collections::BTreeSet::new();
        for d in &loaded.diagnostics {
            if !keys.insert((d.span, d.code, d.message.as_str())) {
                failures.push(format!("{file}: reported twice: {}", source.render(d)));
            }
        }
        let errors = blocks.iter().filter(|b| b.starts_with("error[")).count();
        let warnings = blocks.iter().filter(|b| b.starts_with("warning[")).count();
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let summary = format!("{file}: {errors} error{}, {warnings} warning{}\n", plural(errors), plural(warnings));
        if !text.contains(&summary) || errors + warnings != loaded.diagnostics.len() {
            failures.push(format!(
                "{file}: printed {errors} errors and {warnings} warnings ({} diagnostics loaded), but the summary says:\n{}",
                loaded.diagnostics.len(),
                text.lines().nth(1).unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
