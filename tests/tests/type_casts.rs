//! Derived types reached through an entity set of their base type (OData URL Conventions §4.11,
//! "Addressing Derived Types"): a configured path may end in a cast segment
//! (`items/Demo.book`), and a bound operation of a derived type without a path of its own is
//! invoked through the base set, cast (`items('x')/Demo.dvd/Demo.lend`).

use odata_codegen::config::Config;
use std::path::Path;

const DOCUMENT: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Demo" Alias="D" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="item">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="book" BaseType="Demo.item">
        <Property Name="pages" Type="Edm.Int32"/>
      </EntityType>
      <EntityType Name="dvd" BaseType="Demo.item">
        <Property Name="minutes" Type="Edm.Int32"/>
      </EntityType>
      <EntityType Name="other">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <ComplexType Name="note"/>
      <Action Name="lend" IsBound="true">
        <Parameter Name="it" Type="Demo.dvd"/>
        <Parameter Name="days" Type="Edm.Int32" Nullable="false"/>
      </Action>
      <Function Name="longest" IsBound="true">
        <Parameter Name="them" Type="Collection(Demo.book)"/>
        <ReturnType Type="Demo.book"/>
      </Function>
      <EntityContainer Name="Service">
        <EntitySet Name="items" EntityType="Demo.item"/>
        <EntitySet Name="others" EntityType="Demo.other"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn config(service: &str, select: &str) -> Config {
    let text = format!(
        "input = \"demo.xml\"\noutput = \"out\"\n[crate]\nname = \"demo\"\nversion = \"0.1.0\"\ndescription = \"Demo\"\n[service]\n{service}\n[select]\n{select}"
    );
    Config::parse(Path::new("demo.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

const SELECT: &str = r#"types = ["Demo.item", "Demo.book", "Demo.dvd"]
bound_operations = true
[[select.paths]]
path = "items"
operations = ["list", "get"]
[[select.paths]]
path = "items/D.book"
operations = ["list", "get"]"#;

/// The generated `src/operations.rs`.
fn operations(service: &str, select: &str) -> String {
    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.expect("loads");
    let config = config(service, select);
    let selection = odata_codegen::select::select(&model, &config).unwrap_or_else(|e| panic!("{e:?}"));
    let files = odata_codegen::rust::generate(&model, &selection, &config).expect("generates");
    files["src/operations.rs"].clone()
}

fn select_error(select: &str) -> String {
    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.expect("loads");
    let errors = odata_codegen::select::select(&model, &config("", select)).expect_err("refused");
    errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_cast_path_lists_and_reads_the_derived_entities_with_the_key_before_the_cast() {
    let code = operations("", SELECT);
    // The cast segment is written with the namespace (the alias in the configuration is resolved).
    assert!(code.contains(r#""/items/Demo.book""#), "list of the cast collection:\n{code}");
    assert!(code.contains(r#""/items{}/Demo.book""#), "get: the key addresses the entity that is cast");
    assert!(code.contains("pub mod as_book"), "the cast's module is named after the type");
    assert!(code.contains("type Output = crate::odata::Page<crate::models::Book>;"), "typed as the derived type");
    // A function bound to the derived collection is invoked on the cast path.
    assert!(code.contains("/// `GET /items/Demo.book/Demo.longest()`"), "{code}");
    assert!(code.contains(r#""Demo.longest","#), "{code}");
}

#[test]
fn an_operation_bound_to_a_derived_type_is_invoked_through_the_base_set_cast() {
    let code = operations("", SELECT);
    // `dvd` has no path of its own: the generator casts `items` for its bound action.
    assert!(code.contains("pub mod as_dvd"), "{code}");
    assert!(code.contains(r#""/items{}/Demo.dvd/Demo.lend""#), "{code}");
    // With keys as segments, the same path.
    let code = operations("keys = \"segment\"", SELECT);
    assert!(code.contains(r#""/items/{}/Demo.dvd/Demo.lend""#), "{code}");
}

#[test]
fn a_cast_to_a_type_that_is_not_derived_is_refused_with_what_was_expected() {
    let select = |path: &str| {
        format!("types = [\"Demo.item\", \"Demo.other\"]\n[[select.paths]]\npath = \"{path}\"\noperations = [\"list\"]")
    };
    let message = select_error(&select("items/Demo.other"));
    assert!(message.contains("`Demo.other` is not an entity type derived from `Demo.item`"), "{message}");
    let message = select_error(&select("items/Demo.note"));
    assert!(message.contains("`Demo.note` is not an entity type derived from `Demo.item`"), "{message}");
    let message = select_error(&select("items/Demo.nothing"));
    assert!(message.contains("`Demo.nothing` is not a type declared in the document"), "{message}");
}

#[test]
fn derived_types_true_brings_every_type_derived_from_a_used_one_and_values_decode_by_type() {
    let select = "types = [\"Demo.item\"]\nderived_types = true\n[[select.paths]]\npath = \"items\"\noperations = [\"list\", \"get\"]";
    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.expect("loads");
    let config = config("", select);
    let selection = odata_codegen::select::select(&model, &config).unwrap_or_else(|e| panic!("{e:?}"));
    let names: Vec<&str> = selection.types.iter().map(|id| model.ty(*id).qualified_name.as_str()).collect();
    assert_eq!(names, ["Demo.book", "Demo.dvd", "Demo.item"]);
    let files = odata_codegen::rust::generate(&model, &selection, &config).expect("generates");
    let models = &files["src/models.rs"];
    assert!(models.contains("pub enum AnyItem"), "{models}");
    // `@odata.type` with the namespace or the alias, with or without `#` and a context URL.
    assert!(models.contains(r#"::std::option::Option::Some("Demo.book" | "D.book")"#), "{models}");
    assert!(files["src/operations.rs"].contains("type Output = crate::odata::Page<crate::models::AnyItem>;"));
}

#[test]
fn named_derived_types_must_exist_and_derive_from_a_selected_type() {
    let select = |names: &str| {
        format!(
            "types = [\"Demo.item\"]\nderived_types = {names}\n[[select.paths]]\npath = \"items\"\noperations = [\"list\"]"
        )
    };
    let message = select_error(&select("[\"Demo.other\"]"));
    assert!(message.contains("`Demo.other` in select.derived_types does not derive from any selected"), "{message}");
    let message = select_error(&select("[\"Demo.bok\"]"));
    assert!(
        message
            .contains("`Demo.bok` in select.derived_types is not declared in the document; did you mean `Demo.book`?"),
        "{message}"
    );
}
