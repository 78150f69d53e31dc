//! The generated `filter` module: a type per model with a function per comparable property, and
//! enum members written as each profile's services read them (`Namespace.Type'member'` in
//! OData 4.0, `'member'` for Graph). The literal forms themselves are tested in the runtime
//! (`odata::tests::filter_literals_as_the_odata_abnf_test_cases_write_them`) and against the live
//! CAP server (`cap_client.rs`).

use odata_codegen::config::Config;
use std::path::Path;

const DOCUMENT: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="Color"><Member Name="Red"/><Member Name="Blue"/></EnumType>
      <EnumType Name="Rights" IsFlags="true"><Member Name="Read" Value="1"/><Member Name="Write" Value="2"/></EnumType>
      <ComplexType Name="Address"><Property Name="city" Type="Edm.String"/></ComplexType>
      <EntityType Name="thing">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="color" Type="Demo.Color"/>
        <Property Name="rights" Type="Demo.Rights"/>
        <Property Name="address" Type="Demo.Address"/>
        <Property Name="tags" Type="Collection(Edm.String)"/>
        <Property Name="photo" Type="Edm.Stream"/>
        <Property Name="weight" Type="Edm.Double"/>
      </EntityType>
      <EntityContainer Name="Service"><EntitySet Name="things" EntityType="Demo.thing"/></EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;

fn filter_file(service: &str) -> String {
    let text = format!(
        "input = \"demo.xml\"\noutput = \"out\"\n[crate]\nname = \"demo\"\nversion = \"0.1.0\"\ndescription = \"Demo\"\n\
         [service]\n{service}\n[select]\ninclude = [\"/**\"]\n"
    );
    let config = Config::parse(Path::new("demo.toml"), &text).unwrap_or_else(|e| panic!("{e}"));
    let model = odata_codegen::load(DOCUMENT.as_bytes()).model.expect("loads");
    let selection = odata_codegen::select::select(&model, &config).unwrap_or_else(|e| panic!("{e:?}"));
    odata_codegen::rust::generate(&model, &selection, &config).expect("generates")["src/filter.rs"].clone()
}

#[test]
fn comparable_properties_get_a_function_and_enums_their_profiles_literal() {
    let odata = filter_file("");
    for expected in [
        "pub fn id() -> Property<::std::string::String>",
        "pub fn color() -> Property<crate::models::Color>",
        "pub fn weight() -> Property<crate::odata::Double>",
        r#"format!("Demo.Color'{}'", self.as_ref().replace('\'', "''"))"#,
        "pub fn city() -> Property<::std::string::String>",
    ] {
        assert!(odata.contains(expected), "`{expected}` missing:\n{odata}");
    }
    // No literal form (flags, complex, collections, streams): no function.
    for absent in
        ["pub fn rights(", "pub fn address(", "pub fn tags(", "pub fn photo(", "impl Literal for crate::models::Rights"]
    {
        assert!(!odata.contains(absent), "`{absent}` is generated:\n{odata}");
    }
    let graph = filter_file("profile = \"graph\"\nnamespace = \"Demo\"");
    assert!(graph.contains(r#"format!("'{}'", self.as_ref().replace('\'', "''"))"#), "{graph}");
}
