//! `diff` on real schema changes: the Cloud PKI API as its 2024 pages describe it against
//! today's slice (both directions), full documents that carry the same selection, a real pair
//! of national-cloud documents, and names that do not churn when the schema grows.

use integration_tests::{cloudpki_2024, graph_document, project_root};
use odata_codegen::config::Config;
use odata_codegen::diff::{ChangeKind, diff};
use odata_codegen::edm::Model;

fn config() -> Config {
    Config::load(&project_root().join("metadata/cloudpki.toml")).expect("the configuration loads")
}

fn model(text: &str) -> Model {
    let loaded = odata_codegen::load(text.as_bytes());
    let problems: Vec<String> = loaded.diagnostics.iter().map(|d| format!("{}: {}", d.code, d.message)).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    loaded.model.expect("a model")
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../snapshots/diff", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn the_2024_schema_is_the_slice_without_what_came_later() {
    let old = model(&cloudpki_2024());
    let counts = old.counts();
    assert_eq!((counts.entity_types, counts.complex_types, counts.enum_types, counts.actions), (4, 2, 6, 11));
    assert!(old.find_type("microsoft.graph.cloudCertificationAuthorityVersion").is_none());
}

#[test]
fn from_2024_to_today_everything_is_added_and_nothing_breaks() {
    let report = diff(&model(&cloudpki_2024()), &model(&graph_document("beta-cloudpki-slice.csdl")), &config())
        .expect("both crates generate");
    assert!(!report.breaking, "{}", report.text());
    assert!(report.changes.iter().all(|c| c.change == ChangeKind::Added), "{}", report.text());
    let paths: Vec<&str> = report.changes.iter().map(|c| c.path.as_str()).collect();
    for expected in [
        "models::CloudCertificationAuthority.geographic_region",
        "models::CloudCertificationAuthority.versions",
        "models::CloudCertificationAuthority.active_version",
        "models::CloudCertificationAuthorityLeafCertificate.certification_authority_version_number",
        "models::CloudCertificationAuthorityVersion",
        "ids::CloudCertificationAuthorityVersionId",
        "operations::device_management::cloud_certification_authority::GetCloudCertificationAuthorityVersion",
        "operations::device_management::cloud_certification_authority::GetCloudCertificationAuthorityVersions",
        "operations::device_management::cloud_certification_authority::versions::List",
    ] {
        assert!(paths.contains(&expected), "{expected} missing from:\n{}", report.text());
    }
    // Each added field comes with its setter, on the same line.
    let region = report.changes.iter().find(|c| c.path.ends_with(".geographic_region")).unwrap();
    assert_eq!(region.also, ["models::CloudCertificationAuthority::geographic_region()"]);
    assert_eq!(region.origin, "microsoft.graph.cloudCertificationAuthority/geographicRegion");
    snapshot("cloudpki_2024_to_2026_text", &report.text());
    snapshot("cloudpki_2024_to_2026_markdown", &report.markdown());
}

#[test]
fn from_today_back_to_2024_every_removal_breaks() {
    let report = diff(&model(&graph_document("beta-cloudpki-slice.csdl")), &model(&cloudpki_2024()), &config())
        .expect("both crates generate");
    assert!(report.breaking);
    assert!(report.changes.iter().all(|c| c.change == ChangeKind::Removed && c.breaking), "{}", report.text());
    snapshot("cloudpki_2026_to_2024_json", &report.json());
}

#[test]
fn full_documents_with_the_same_selection_diff_as_empty() {
    let slice = model(&graph_document("beta-cloudpki-slice.csdl"));
    let loaded = odata_codegen::load(graph_document("beta-USNat-with-cloudpki.csdl").as_bytes());
    let full = loaded.model.expect("the full document loads");
    let report = diff(&slice, &full, &config()).expect("both crates generate");
    assert!(report.changes.is_empty(), "{}", report.text());
}

#[test]
fn a_real_pair_of_documents_diffs_deterministically() {
    let text = std::fs::read_to_string(project_root().join("metadata/cloudpki.toml")).unwrap();
    let start = text.find("[select]").unwrap();
    let text = format!(
        "{}[select]\ntypes = [\"microsoft.graph.bookingBusiness\", \"microsoft.graph.printer\"]\nbound_operations = true\n\
         [[select.paths]]\npath = \"print/printers\"\noperations = [\"list\", \"get\"]\n",
        &text[..start]
    );
    let config = Config::parse(&project_root().join("metadata/pair.toml"), &text).expect("parses");
    let load = |name: &str| odata_codegen::load(graph_document(name).as_bytes()).model.expect("loads");
    let (prod, fairfax) = (load("v1.0-Prod.csdl"), load("v1.0-Fairfax.csdl"));
    let first = diff(&prod, &fairfax, &config).expect("both crates generate");
    let second = diff(&load("v1.0-Prod.csdl"), &load("v1.0-Fairfax.csdl"), &config).expect("both crates generate");
    assert_eq!(first, second);
    assert!(!first.changes.is_empty(), "the national cloud differs from Prod in these types");
    let json: serde_json::Value = serde_json::from_str(&first.json()).unwrap();
    assert_eq!(json["breaking"], serde_json::Value::Bool(first.breaking));
    for change in json["changes"].as_array().unwrap() {
        for key in ["change", "breaking", "path", "detail"] {
            assert!(change.get(key).is_some(), "{key} missing in {change}");
        }
    }
    // The reverse direction reports the opposite changes.
    let back = diff(&fairfax, &prod, &config).expect("both crates generate");
    assert_eq!(back.changes.len(), first.changes.len());
}

/// Regenerating after the 2024 → 2026 change keeps every Rust name of the 2024 crate.
#[test]
fn names_do_not_churn_when_the_schema_grows() {
    let today = config();
    let mut then = today.clone();
    then.select.types.retain(|t| !t.ends_with("cloudCertificationAuthorityVersion"));
    then.select.paths.retain(|p| !p.path.ends_with("versions") && !p.path.ends_with("activeVersion"));
    let old = odata_codegen::generate::generate_from(&then, "2024.csdl", cloudpki_2024().as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let new = odata_codegen::generate::generate_from(
        &today,
        "2026.csdl",
        graph_document("beta-cloudpki-slice.csdl").as_bytes(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let old_api = odata_codegen::rust::listing(&old.files).unwrap();
    let new_api = odata_codegen::rust::listing(&new.files).unwrap();
    let new_lines: std::collections::BTreeSet<&str> = new_api.lines().collect();
    let missing: Vec<&str> = old_api.lines().filter(|line| !new_lines.contains(line)).collect();
    assert!(missing.is_empty(), "items of the 2024 crate renamed or changed in 2026:\n{}", missing.join("\n"));
    assert!(new_api.lines().count() > old_api.lines().count());
}

/// Every kind of change, judged: one small document before and after.
#[test]
fn each_kind_of_change_is_judged() {
    let document = |body: &str| {
        format!(
            r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
{body}
<EntityContainer Name="Service"><EntitySet Name="things" EntityType="Demo.thing"/></EntityContainer>
</Schema></edmx:DataServices></edmx:Edmx>"#
        )
    };
    let before = document(
        r#"<EntityType Name="thing"><Key><PropertyRef Name="id"/></Key>
  <Property Name="id" Type="Edm.String" Nullable="false"/>
  <Property Name="size" Type="Edm.Int32"/>
  <Property Name="label" Type="Edm.String"/>
  <Property Name="state" Type="Demo.state"/>
  <Property Name="gone" Type="Edm.String"/>
</EntityType>
<EnumType Name="state"><Member Name="on" Value="0"/><Member Name="off" Value="1"/></EnumType>
<Action Name="act" IsBound="true"><Parameter Name="bindingParameter" Type="Demo.thing"/><Parameter Name="a" Type="Edm.String"/><ReturnType Type="Demo.thing"/></Action>
<Annotations Target="Demo.thing/label"><Annotation Term="Org.OData.Core.V1.Description" String="The label."/></Annotations>"#,
    );
    let after = document(
        r#"<EntityType Name="thing"><Key><PropertyRef Name="id"/></Key>
  <Property Name="id" Type="Edm.String" Nullable="false"/>
  <Property Name="size" Type="Edm.Int64"/>
  <Property Name="label" Type="Edm.String" Nullable="false"/>
  <Property Name="state" Type="Demo.state"/>
  <Property Name="added" Type="Edm.String"/>
</EntityType>
<EnumType Name="state"><Member Name="on" Value="0"/><Member Name="off" Value="1"/><Member Name="paused" Value="2"/></EnumType>
<Action Name="act" IsBound="true"><Parameter Name="bindingParameter" Type="Demo.thing"/><Parameter Name="a" Type="Edm.String"/>
  <Parameter Name="required" Type="Edm.String"/>
  <Parameter Name="optional" Type="Edm.String"><Annotation Term="Org.OData.Core.V1.OptionalParameter"/></Parameter>
  <ReturnType Type="Collection(Demo.thing)"/></Action>
<Annotations Target="Demo.thing/label"><Annotation Term="Org.OData.Core.V1.Description" String="The label, now required."/></Annotations>"#,
    );
    let text = "input = \"demo.xml\"\noutput = \"out\"\n[crate]\nname = \"demo\"\nversion = \"0.1.0\"\ndescription = \"Demo\"\n\
                [service]\nversion = \"v1.0\"\nnamespace = \"Demo\"\n[select]\ntypes = [\"Demo.thing\"]\nbound_operations = true\n\
                [[select.paths]]\npath = \"things\"\noperations = [\"list\", \"get\"]\n";
    let config = Config::parse(std::path::Path::new("demo.toml"), text).expect("parses");
    let report = diff(&model(&before), &model(&after), &config).expect("both crates generate");
    let judged: Vec<(String, ChangeKind, bool)> =
        report.changes.iter().map(|c| (c.path.clone(), c.change, c.breaking)).collect();
    let expect = |path: &str, change: ChangeKind, breaking: bool| {
        assert!(
            judged.contains(&(path.to_owned(), change, breaking)),
            "expected {path} {change:?} breaking={breaking} in:\n{}",
            report.text()
        );
    };
    expect("models::Thing.size", ChangeKind::Changed, true); // Int32 -> Int64
    expect("models::Thing.label", ChangeKind::Changed, true); // nullable -> not null
    expect("models::Thing.gone", ChangeKind::Removed, true);
    expect("models::Thing.added", ChangeKind::Added, false);
    expect("models::State::Paused", ChangeKind::Added, false); // the enum is #[non_exhaustive]
    expect("operations::things::Act", ChangeKind::Changed, true); // its output type
    expect("operations::things::Act::new()", ChangeKind::Changed, true); // a new required parameter
    expect("operations::things::Act::optional()", ChangeKind::Added, false);
    expect("operations::things::ActBody.optional", ChangeKind::Added, false); // the body is #[non_exhaustive]
    expect("operations::things::ActBody.required", ChangeKind::Added, false);
    assert_eq!(report.changes.len(), 10, "{}", report.text());
    let lints = |path: &str| report.changes.iter().find(|c| c.path == path).map(|c| c.lints.clone()).unwrap();
    assert_eq!(lints("models::Thing.gone"), ["struct_pub_field_missing", "inherent_method_missing"], "with its setter");
    assert_eq!(lints("operations::things::Act::new()"), ["method_parameter_count_changed"]);
    assert_eq!(lints("models::Thing.size"), Vec::<&str>::new(), "cargo-semver-checks does not compare field types");
    assert!(report.breaking);
}
