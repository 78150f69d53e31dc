//! Selection by path patterns (`[select] include` / `exclude`): the resource paths of the
//! container are discovered, matched, and each gets the operations its kind of resource and its
//! Capabilities annotations allow; nothing else needs configuring.

use odata_codegen::config::{Config, CrudOperation};
use std::path::Path;

const DOCUMENT: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="thing">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <NavigationProperty Name="parts" Type="Collection(Demo.part)" ContainsTarget="true"/>
        <NavigationProperty Name="related" Type="Collection(Demo.other)"/>
        <NavigationProperty Name="owner" Type="Demo.other"/>
      </EntityType>
      <EntityType Name="part">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Int32" Nullable="false"/>
        <NavigationProperty Name="thing" Type="Demo.thing"/>
      </EntityType>
      <EntityType Name="other">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.Guid" Nullable="false"/>
      </EntityType>
      <Action Name="reset"/>
      <Function Name="count"><ReturnType Type="Edm.Int32"/></Function>
      <EntityContainer Name="Service">
        <EntitySet Name="things" EntityType="Demo.thing">
          <Annotation Term="Org.OData.Capabilities.V1.InsertRestrictions"><Record><PropertyValue Property="Insertable" Bool="false"/></Record></Annotation>
          <Annotation Term="Org.OData.Capabilities.V1.DeleteRestrictions"><Record><PropertyValue Property="Deletable" Bool="false"/></Record></Annotation>
        </EntitySet>
        <EntitySet Name="others" EntityType="Demo.other"/>
        <Singleton Name="me" Type="Demo.thing"/>
        <ActionImport Name="reset" Action="Demo.reset"/>
        <FunctionImport Name="count" Function="Demo.count"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn config(select: &str) -> Config {
    let text = format!(
        "input = \"demo.xml\"\noutput = \"out\"\n[crate]\nname = \"demo\"\nversion = \"0.1.0\"\ndescription = \"Demo\"\n[select]\n{select}"
    );
    Config::parse(Path::new("demo.toml"), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn paths(select: &str) -> Vec<(String, Vec<CrudOperation>)> {
    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.expect("loads");
    let selection = odata_codegen::select::select(&model, &config(select)).unwrap_or_else(|e| panic!("{e:?}"));
    selection.paths.iter().map(|p| (p.text.clone(), p.operations.clone())).collect()
}

#[test]
fn everything_is_one_pattern_and_operations_follow_the_resource_and_its_capabilities() {
    use CrudOperation::*;
    let found = paths("include = [\"/**\"]");
    let expected: Vec<(String, Vec<CrudOperation>)> = vec![
        ("things".into(), vec![List, Get, Update]), // Insertable and Deletable are false
        ("things/parts".into(), vec![List, Get, Create, Update, Delete]), // contained
        ("things/related".into(), vec![List, Get]), // not contained
        ("things/owner".into(), vec![Get]),
        ("others".into(), vec![List, Get, Create, Update, Delete]),
        ("me".into(), vec![Get, Update]),
        ("me/parts".into(), vec![List, Get, Create, Update, Delete]),
        ("me/related".into(), vec![List, Get]),
        ("me/owner".into(), vec![Get]),
    ];
    assert_eq!(found, expected, "`parts/thing` leads back to a type on the path and stops");

    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.unwrap();
    let selection = odata_codegen::select::select(&model, &config("include = [\"/**\"]")).unwrap();
    let imports: Vec<&str> = selection.imports.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(imports, ["count", "reset"], "imports are paths at the root");
    let generated =
        odata_codegen::generate::generate_from(&config("include = [\"/**\"]"), "demo.xml", DOCUMENT.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    let operations = &generated.files["src/operations.rs"];
    for item in ["pub struct Count", "pub struct Reset", "pub mod things", "pub mod parts", "pub mod me"] {
        assert!(operations.contains(item), "{item}");
    }
}

#[test]
fn exclude_removes_paths_and_a_pattern_can_pick_one_subtree() {
    let found: Vec<String> =
        paths("include = [\"/**\"]\nexclude = [\"/me/**\", \"/things/related\"]").into_iter().map(|(p, _)| p).collect();
    assert_eq!(found, ["things", "things/parts", "things/owner", "others"]);
    let found: Vec<String> = paths("include = [\"/things/{id}/parts\"]").into_iter().map(|(p, _)| p).collect();
    assert_eq!(found, ["things/parts"]);
    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.unwrap();
    let error = odata_codegen::select::select(&model, &config("include = [\"/nothing/**\"]")).unwrap_err();
    assert!(error[0].message.contains("no resource path of the container matches"), "{error:?}");
    let error = Config::parse(
        Path::new("x.toml"),
        "input = \"a\"\noutput = \"b\"\n[crate]\nname = \"x\"\nversion = \"0.1.0\"\ndescription = \"x\"\n[select]\n",
    )
    .unwrap_err();
    assert!(error.to_string().contains("selects nothing"), "{error}");
}

/// A path below a keyed collection addresses one entity of it by key, so the key's type is
/// generated even when the collection itself is not selected: with its entity type, which names
/// it, and nothing bound to that type.
#[test]
fn a_pattern_below_a_keyed_collection_generates_that_collection_s_key() {
    let included = config("include = [\"/things/*\"]");
    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.unwrap();
    let selection = odata_codegen::select::select(&model, &included).unwrap();
    let found: Vec<&str> = selection.paths.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(found, ["things/parts", "things/related", "things/owner"]);
    let generated = odata_codegen::generate::generate_from(&included, "demo.xml", DOCUMENT.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let ids = &generated.files["src/ids.rs"];
    assert!(ids.contains("pub struct ThingId(pub ::std::string::String);"), "{ids}");
    let operations = &generated.files["src/operations.rs"];
    assert!(operations.contains("pub thing_id: crate::ids::ThingId,"), "{operations}");
    assert!(generated.files["src/models.rs"].contains("pub struct Thing {"));
    // A configured path names every type it needs, as it names the type it yields.
    let configured =
        config("types = [\"Demo.part\"]\n[[select.paths]]\npath = \"things/parts\"\noperations = [\"list\"]\n");
    let error = odata_codegen::select::select(&model, &configured).unwrap_err();
    assert_eq!(error.len(), 1, "{error:?}");
    assert_eq!(
        error[0].message,
        "path `things/parts` addresses `things` by key, so its entity type `Demo.thing` must be selected too: \
         add it to select.types"
    );
}
