//! How `generate` treats problems: errors inside the selection stop it with their location,
//! problems elsewhere in the document do not, and a configuration that does not fit the
//! document says what is missing.

use odata_codegen::config::Config;
use odata_codegen::generate::{GenerateError, generate_from};
use std::path::Path;

const DOCUMENT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="thing">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="size" Type="SIZE_TYPE"/>
      </EntityType>
      <EntityType Name="unrelated">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="broken" Type="Demo.doesNotExist"/>
      </EntityType>
      <EntityContainer Name="Service">
        <EntitySet Name="things" EntityType="Demo.thing"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

fn config(types: &str, path: &str) -> Config {
    let text = format!(
        "input = \"demo.xml\"\noutput = \"out\"\n[crate]\nname = \"demo\"\nversion = \"0.1.0\"\ndescription = \"Demo\"\n\
         [service]\nversion = \"v1.0\"\nnamespace = \"Demo\"\n[select]\ntypes = [{types}]\n\
         [[select.paths]]\npath = \"{path}\"\noperations = [\"list\", \"get\"]\n"
    );
    Config::parse(Path::new("demo.toml"), &text).expect("the configuration parses")
}

#[test]
fn an_error_outside_the_selection_is_counted_not_fatal() {
    let document = DOCUMENT.replace("SIZE_TYPE", "Edm.Int32");
    let generated = generate_from(&config("\"Demo.thing\"", "things"), "demo.xml", document.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.problems_elsewhere, 1, "the dangling type in `unrelated`");
    assert!(generated.files["src/models.rs"].contains("pub struct Thing"));
    assert!(!generated.files["src/models.rs"].contains("Unrelated"));
}

#[test]
fn an_error_inside_the_selection_stops_generation_with_its_location() {
    let document = DOCUMENT.replace("SIZE_TYPE", "Demo.sizeType");
    let error = generate_from(&config("\"Demo.thing\"", "things"), "demo.xml", document.as_bytes()).unwrap_err();
    let GenerateError::Model { rendered } = &error else { panic!("{error}") };
    assert_eq!(rendered.len(), 1, "only the selected type's error: {rendered:?}");
    assert!(rendered[0].contains("error[dangling-type]"), "{}", rendered[0]);
    assert!(rendered[0].contains("--> demo.xml:8:37"), "{}", rendered[0]);
}

#[test]
fn a_configuration_that_does_not_fit_names_what_is_missing() {
    let document = DOCUMENT.replace("SIZE_TYPE", "Edm.Int32");
    let error = generate_from(&config("\"Demo.thin\"", "things"), "demo.xml", document.as_bytes()).unwrap_err();
    assert!(error.to_string().contains("`Demo.thin` in select.types is not declared"), "{error}");
    let error = generate_from(&config("\"Demo.thing\"", "thingz"), "demo.xml", document.as_bytes()).unwrap_err();
    assert!(error.to_string().contains("`thingz` is neither an entity set nor a singleton"), "{error}");
}

#[test]
fn navigation_properties_to_types_outside_the_selection_are_listed_once_as_not_generated() {
    let document = DOCUMENT.replace("SIZE_TYPE", "Edm.Int32").replace(
        r#"<Property Name="size" Type="Edm.Int32"/>"#,
        r#"<Property Name="size" Type="Edm.Int32"/>
        <NavigationProperty Name="related" Type="Collection(Demo.unrelated)"/>
        <NavigationProperty Name="self" Type="Demo.thing"/>"#,
    );
    let generated = generate_from(&config("\"Demo.thing\"", "things"), "demo.xml", document.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        generated.not_generated,
        [
            "navigation property Demo.thing/related (Collection(Demo.unrelated)): not generated (target outside the selection)"
        ]
    );
    let models = &generated.files["src/models.rs"];
    assert!(!models.contains("\"related\""), "the dropped navigation property is not in the crate");
    assert!(models.contains("rename = \"self\""), "a navigation property to a selected type is");
    // The API diff sees only what is generated: the dropped property changing is no change.
    let retargeted = document.replace("Collection(Demo.unrelated)", "Demo.unrelated");
    let load = |text: &str| odata_codegen::load(text.as_bytes()).model.unwrap();
    let config = config("\"Demo.thing\"", "things");
    let report = odata_codegen::diff::diff(&load(&document), &load(&retargeted), &config).unwrap();
    assert!(report.changes.is_empty(), "{}", report.text());
}
