//! Type facets exactly as CSDL XML 4.0 and 4.01 allow them: every file in `tests/fixtures/facets/`
//! is one small document whose complex type `Facets.thing` has one property `p` carrying one facet
//! form, valid or not. The table says what each resolves to and which diagnostics it produces, all
//! of them (code, severity, 1-based line and column in characters).
//!
//! The grammar (OASIS `edm.xsd` of CSDL 4.0 errata 03 and 4.01, and the CSDL XML 4.01 prose):
//! - `MaxLength`: `xs:nonNegativeInteger` or `max`.
//! - `Precision`: `xs:nonNegativeInteger`.
//! - `Scale`: `xs:nonNegativeInteger` or `variable`, and from 4.01 `floating`; 4.01 §7.2.4 has
//!   clients accept the symbolic values in any case. CSDL 4.0 documents also write `Variable`
//!   (Microsoft Graph v1.0 did), which loads silently; `floating` in a 4.0 document loads with a
//!   `version-mismatch` warning.
//! - `SRID`: `xs:nonNegativeInteger` or `variable`. `Variable`, which Microsoft's OData library
//!   writes (the OData demo service serves it), loads with a `noncanonical-value` warning.
//! - `Unicode`: `xs:boolean`; CSDL writes `true` or `false` (`1` / `0` warn).
//!
//! `xs:nonNegativeInteger` allows a `+` sign, leading zeros and surrounding whitespace. A value
//! outside the grammar is an `invalid-attribute-value` error at the first character of the value,
//! and the facet is then absent from the model.

use std::collections::BTreeSet;
use std::path::PathBuf;

use odata_codegen::Severity::{self, Error, Warning};
use odata_codegen::SourceFile;
use odata_codegen::edm::{FacetValues, Facets, MaxLength, Model, Scale, Srid, TypeKind};

/// What one fixture must resolve `Facets.thing/p`'s facets to, and its diagnostics.
struct Case {
    file: &'static str,
    facets: Facets,
    diagnostics: &'static [(&'static str, Severity, usize, usize)],
}

const INVALID: &str = "invalid-attribute-value";

fn none() -> Facets {
    Facets::default()
}

fn max_length(value: MaxLength) -> Facets {
    Facets::new(FacetValues { max_length: Some(value), ..FacetValues::default() })
}

fn precision(value: u32) -> Facets {
    Facets::new(FacetValues { precision: Some(value), ..FacetValues::default() })
}

fn scale(precision: Option<u32>, value: Scale) -> Facets {
    Facets::new(FacetValues { precision, scale: Some(value), ..FacetValues::default() })
}

fn srid(value: Srid) -> Facets {
    Facets::new(FacetValues { srid: Some(value), ..FacetValues::default() })
}

fn unicode(value: bool) -> Facets {
    Facets::new(FacetValues { unicode: Some(value), ..FacetValues::default() })
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let case = |file, facets, diagnostics| Case { file, facets, diagnostics };
    vec![
        case("maxlength-number.xml",               max_length(MaxLength::Length(256)), &[]),
        case("maxlength-max.xml",                  max_length(MaxLength::Max), &[]),
        case("maxlength-zero.xml",                 max_length(MaxLength::Length(0)), &[]),
        case("maxlength-sign-zeros-space.xml",     max_length(MaxLength::Length(10)), &[]),
        case("maxlength-too-large.xml",            max_length(MaxLength::Length(u64::MAX)), &[("value-too-large", Warning, 7, 57)]),
        case("maxlength-negative.xml",             none(), &[(INVALID, Error, 7, 57)]),
        case("maxlength-capitalised.xml",          none(), &[(INVALID, Error, 7, 57)]),
        case("maxlength-empty.xml",                none(), &[(INVALID, Error, 7, 57)]),
        case("precision-number.xml",               precision(38), &[]),
        case("precision-temporal.xml",             precision(7), &[]),
        case("precision-too-large.xml",            precision(u32::MAX), &[("value-too-large", Warning, 7, 58)]),
        case("precision-fraction.xml",             none(), &[(INVALID, Error, 7, 58)]),
        case("scale-number.xml",                   scale(Some(10), Scale::Value(2)), &[]),
        case("scale-variable.xml",                 scale(None, Scale::Variable), &[]),
        case("scale-variable-capitalised-4.0.xml", scale(None, Scale::Variable), &[]),
        case("scale-variable-upper-case-4.0.xml",  none(), &[(INVALID, Error, 7, 54)]),
        case("scale-any-case-4.01.xml",            scale(None, Scale::Variable), &[]),
        case("scale-floating-4.01.xml",            scale(Some(34), Scale::Floating), &[]),
        case("scale-floating-any-case-4.01.xml",   scale(Some(34), Scale::Floating), &[]),
        case("scale-floating-4.0.xml",             scale(Some(34), Scale::Floating), &[("version-mismatch", Warning, 7, 69)]),
        case("scale-floating-capitalised-4.0.xml", precision(34), &[(INVALID, Error, 7, 69)]),
        case("scale-negative.xml",                 none(), &[(INVALID, Error, 7, 54)]),
        case("scale-word.xml",                     none(), &[(INVALID, Error, 7, 54)]),
        case("srid-number.xml",                    srid(Srid::Value(4326)), &[]),
        case("srid-variable.xml",                  srid(Srid::Variable), &[]),
        case("srid-capitalised.xml",               srid(Srid::Variable), &[("noncanonical-value", Warning, 7, 60)]),
        case("srid-negative.xml",                  none(), &[(INVALID, Error, 7, 60)]),
        case("unicode-false.xml",                  unicode(false), &[]),
        case("unicode-true.xml",                   unicode(true), &[]),
        case("unicode-numeric.xml",                unicode(false), &[("noncanonical-value", Warning, 7, 55)]),
        case("unicode-word.xml",                   none(), &[(INVALID, Error, 7, 55)]),
    ]
}

/// The fixture that is not in the table: `Variable` on every element that takes facets.
const GRAPH_FORM: &str = "scale-variable-everywhere-graph-v1.0.xml";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("facets")
}

fn read(file: &str) -> Vec<u8> {
    let path = fixtures_dir().join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The facets of property `p` of complex type `Facets.thing`.
fn facets_of_p(model: &Model) -> Option<&Facets> {
    let id = model.find_type("Facets.thing")?;
    let structured = model.structured(id)?;
    structured.properties.iter().find(|p| p.name == "p").map(|p| &p.facets)
}

/// Every diagnostic, one per line, for failure messages.
fn describe(file: &SourceFile<'_>, loaded: &odata_codegen::Loaded) -> String {
    let mut out = String::new();
    for d in &loaded.diagnostics {
        out.push_str(&file.render(d));
    }
    if out.is_empty() { "    (no diagnostics)\n".to_owned() } else { out }
}

#[test]
fn every_facet_fixture_resolves_to_its_value_or_reports_where_it_is_wrong() {
    let mut failures = Vec::new();
    for case in cases() {
        let bytes = read(case.file);
        let loaded = odata_codegen::load(&bytes);
        let source = SourceFile::new(case.file, &bytes);
        let found: Vec<(&str, Severity, usize, usize)> = loaded
            .diagnostics
            .iter()
            .map(|d| {
                let at = source.line_column(d.span.start);
                (d.code, d.severity, at.line, at.column)
            })
            .collect();
        let mut problems = Vec::new();
        if found != case.diagnostics {
            problems.push(format!("diagnostics: expected {:?}, found {found:?}", case.diagnostics));
        }
        match loaded.model.as_ref().and_then(facets_of_p) {
            Some(facets) if *facets == case.facets => {}
            Some(facets) => problems.push(format!("facets: expected {:?}, found {facets:?}", case.facets)),
            None => problems.push("the model has no property Facets.thing/p".to_owned()),
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}\n{}", case.file, problems.join("; "), describe(&source, &loaded)));
        }
    }
    assert!(failures.is_empty(), "{} facet fixtures failed:\n\n{}", failures.len(), failures.join("\n"));
}

/// Microsoft Graph v1.0's `Scale="Variable"` loads with no diagnostic at all, wherever facets are
/// allowed: property, type definition, parameter, return type, term.
#[test]
fn the_graph_v1_form_of_variable_scale_loads_silently_everywhere() {
    let bytes = read(GRAPH_FORM);
    let loaded = odata_codegen::load(&bytes);
    let source = SourceFile::new(GRAPH_FORM, &bytes);
    assert!(loaded.diagnostics.is_empty(), "expected no diagnostics:\n{}", describe(&source, &loaded));
    let model = loaded.model.as_ref().expect("a model");
    let variable = Some(Scale::Variable);
    let ty = |name: &str| model.ty(model.find_type(name).unwrap_or_else(|| panic!("{name} is declared")));
    let TypeKind::Definition(money) = &ty("microsoft.graph.money").kind else { panic!("money is a type definition") };
    assert_eq!(money.facets.scale, variable, "type definition");
    for (owner, property) in [("microsoft.graph.thing", "p"), ("microsoft.graph.invoice", "total")] {
        let structured = model.structured(model.find_type(owner).unwrap()).unwrap();
        let p = structured.properties.iter().find(|p| p.name == property).unwrap();
        assert_eq!(p.facets.scale, variable, "{owner}/{property}");
    }
    let convert = model.overloads("microsoft.graph.convert").next().expect("the function");
    assert_eq!(convert.parameters[0].facets.scale, variable, "parameter");
    assert_eq!(convert.return_type.as_ref().expect("a return type").facets.scale, variable, "return type");
    let term = model.terms.iter().find(|t| t.name == "limit").expect("the term");
    assert_eq!(term.facets.scale, variable, "term");
}

/// `Edm.PrimitiveType` may be the underlying type of a type definition from CSDL 4.01 on
/// (CSDL 4.01 §3.4); a 4.0 document doing so loads with a `version-mismatch` warning
/// (`tests/fixtures/malformed/71-...`).
#[test]
fn a_type_definition_of_edm_primitive_type_is_valid_in_4_01() {
    let document = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.01" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <TypeDefinition Name="anything" UnderlyingType="Edm.PrimitiveType" />
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;
    let loaded = odata_codegen::load(document.as_bytes());
    let source = SourceFile::new("doc.xml", document.as_bytes());
    assert!(loaded.diagnostics.is_empty(), "{}", describe(&source, &loaded));
    let model = loaded.model.as_ref().unwrap();
    let TypeKind::Definition(d) = &model.ty(model.find_type("Demo.anything").unwrap()).kind else {
        panic!("a type definition")
    };
    assert_eq!(d.underlying_type, odata_codegen::edm::Primitive::PrimitiveType);
}

#[test]
fn every_fixture_file_is_in_the_table() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/facets exists")
        .map(|entry| entry.expect("readable directory entry").file_name().into_string().expect("UTF-8 names"))
        .collect();
    let mut listed: BTreeSet<String> = cases().iter().map(|c| c.file.to_owned()).collect();
    assert_eq!(listed.len(), cases().len(), "a fixture is listed twice");
    listed.insert(GRAPH_FORM.to_owned());
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(unlisted.is_empty(), "fixtures not in the table (add a row for each): {unlisted:?}");
    assert!(missing.is_empty(), "rows whose fixture file does not exist: {missing:?}");
}
