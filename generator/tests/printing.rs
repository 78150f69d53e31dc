//! Source printed straight from the plan is laid out exactly as prettyplease lays it out.
//!
//! Everything in the full-size beta document is selected (every entity and complex type, every
//! entity set and singleton with its operations, every bound action and function), and each
//! generated Rust file must be a fixed point of prettyplease: parsing it and printing it again
//! gives the same bytes. A difference names the first line that differs.

#[path = "common/everything.rs"]
mod everything;

use odata_codegen::config::Config;
use std::path::Path;

const HEADER_LINES: usize = 3;

#[test]
fn every_file_of_a_crate_with_everything_in_the_beta_document_is_laid_out_as_prettyplease_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/metadata/graph/beta-USNat-with-cloudpki.csdl");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let config = everything(&bytes);
    let generated = odata_codegen::generate::generate_from(&config, "beta-USNat-with-cloudpki.csdl", &bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    let checked = assert_laid_out_as_prettyplease(&generated.files);
    assert!(checked > 5_000_000, "the crate is large: {checked} bytes checked");
}

/// The same crate with `serde = "compact"`: its models' hand-printed serde impls (long member
/// tables, Int64 members, long field names) are laid out as prettyplease does too.
#[test]
fn every_file_of_a_compact_crate_with_everything_in_the_beta_document_is_laid_out_as_prettyplease_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/metadata/graph/beta-USNat-with-cloudpki.csdl");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut config = everything(&bytes);
    config.krate.serde = odata_codegen::config::SerdeImpls::Compact;
    let generated = odata_codegen::generate::generate_from(&config, "beta-USNat-with-cloudpki.csdl", &bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    let models = &generated.files["src/models.rs"];
    assert!(models.contains("impl crate::odata::model_serde::Fields for"), "the models are compact");
    assert!(models.contains("put_int64(&mut self."), "some member is an Int64");
    assert!(!models.contains("::serde::Serialize,"), "no model derives serde");
    let checked = assert_laid_out_as_prettyplease(&generated.files);
    assert!(checked > 5_000_000, "the crate is large: {checked} bytes checked");
}

/// Keys of every shape a key type is printed in: a string key whose type's name is long enough
/// to break every line that can break, keys of an enum type in a long namespace (an OData enum
/// literal names its type), of a type definition, of numbers, dates, durations and GUIDs, and
/// composite keys, one of them with a decimal (no total order) and long property names.
#[test]
fn keys_of_every_shape_are_laid_out_as_prettyplease_does() {
    const DOCUMENT: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="ColourOfTheThingThatIsAddressedByItsColour"><Member Name="Red" Value="0"/></EnumType>
      <TypeDefinition Name="Serial" UnderlyingType="Edm.Int32"/>
      <EntityType Name="ThisEntityTypeHasANameSoLongThatEveryLineOfItsKeyTypeThatCanBreakBreaks">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="painted">
        <Key><PropertyRef Name="colour"/></Key>
        <Property Name="colour" Type="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.ColourOfTheThingThatIsAddressedByItsColour" Nullable="false"/>
      </EntityType>
      <EntityType Name="serialised">
        <Key><PropertyRef Name="serial"/></Key>
        <Property Name="serial" Type="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.Serial" Nullable="false"/>
      </EntityType>
      <EntityType Name="counted"><Key><PropertyRef Name="n"/></Key><Property Name="n" Type="Edm.Int64" Nullable="false"/></EntityType>
      <EntityType Name="dated"><Key><PropertyRef Name="on"/></Key><Property Name="on" Type="Edm.Date" Nullable="false"/></EntityType>
      <EntityType Name="timed"><Key><PropertyRef Name="took"/></Key><Property Name="took" Type="Edm.Duration" Nullable="false"/></EntityType>
      <EntityType Name="identified"><Key><PropertyRef Name="guid"/></Key><Property Name="guid" Type="Edm.Guid" Nullable="false"/></EntityType>
      <EntityType Name="measured">
        <Key><PropertyRef Name="widthOfTheMeasuredThingInMillimetres"/><PropertyRef Name="heightOfTheMeasuredThingInMillimetres"/><PropertyRef Name="measuredOn"/></Key>
        <Property Name="widthOfTheMeasuredThingInMillimetres" Type="Edm.Decimal" Nullable="false"/>
        <Property Name="heightOfTheMeasuredThingInMillimetres" Type="Edm.Int32" Nullable="false"/>
        <Property Name="measuredOn" Type="Edm.DateTimeOffset" Nullable="false"/>
      </EntityType>
      <EntityType Name="ThisEntityTypeHasACompositeKeyAndANameSoLongThatItsLinesBreakToo">
        <Key><PropertyRef Name="a"/><PropertyRef Name="colour"/></Key>
        <Property Name="a" Type="Edm.Boolean" Nullable="false"/>
        <Property Name="colour" Type="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.ColourOfTheThingThatIsAddressedByItsColour" Nullable="false"/>
      </EntityType>
      <EntityContainer Name="Service">
        <EntitySet Name="long" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.ThisEntityTypeHasANameSoLongThatEveryLineOfItsKeyTypeThatCanBreakBreaks"/>
        <EntitySet Name="painted" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.painted"/>
        <EntitySet Name="serialised" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.serialised"/>
        <EntitySet Name="counted" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.counted"/>
        <EntitySet Name="dated" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.dated"/>
        <EntitySet Name="timed" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.timed"/>
        <EntitySet Name="identified" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.identified"/>
        <EntitySet Name="measured" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.measured"/>
        <EntitySet Name="longComposite" EntityType="An.Unusually.Long.Namespace.For.Every.Kind.Of.Key.ThisEntityTypeHasACompositeKeyAndANameSoLongThatItsLinesBreakToo"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;
    let generated = generate_inline("keys", DOCUMENT, "include = [\"/**\"]\n");
    assert_contains(
        &generated.files,
        "src/ids.rs",
        &[
            "pub struct ThisEntityTypeHasANameSoLongThatEveryLineOfItsKeyTypeThatCanBreakBreaksId(\n",
            "crate::operations::Literal::Enum(\n",
            "pub struct MeasuredKey {",
            "#[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]\npub struct MeasuredKey",
            "pub struct SerialisedId(pub crate::models::Serial);",
        ],
    );
    assert_laid_out_as_prettyplease(&generated.files);
}

/// The enums of polymorphic values: a base type that is abstract and one that is not, derived
/// types with short names and with names long enough to break every line of their arms, and a
/// schema alias, which gives every type a second `@odata.type` spelling.
#[test]
fn polymorphic_values_of_every_shape_are_laid_out_as_prettyplease_does() {
    const DOCUMENT: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="An.Unusually.Long.Namespace.For.Polymorphic.Values" Alias="Poly" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="shape" Abstract="true">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
      </EntityType>
      <EntityType Name="circle" BaseType="Poly.shape"/>
      <EntityType Name="aShapeWhoseNameIsSoLongThatTheArmThatDecodesItBreaksOnEveryLineItCan" BaseType="Poly.shape"/>
      <ComplexType Name="place">
        <Property Name="name" Type="Edm.String"/>
      </ComplexType>
      <ComplexType Name="town" BaseType="Poly.place"/>
      <ComplexType Name="aPlaceWhoseNameIsLongerStillSoThatEvenItsPatternHasToBreakSomewhereInside" BaseType="Poly.place"/>
      <EntityType Name="map">
        <Key><PropertyRef Name="id"/></Key>
        <Property Name="id" Type="Edm.String" Nullable="false"/>
        <Property Name="where" Type="Poly.place"/>
        <NavigationProperty Name="shapes" Type="Collection(Poly.shape)" ContainsTarget="true"/>
      </EntityType>
      <EntityContainer Name="Service">
        <EntitySet Name="maps" EntityType="Poly.map"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>"#;
    let generated = generate_inline("poly", DOCUMENT, "include = [\"/**\"]\nderived_types = true\n");
    assert_contains(
        &generated.files,
        "src/models.rs",
        &[
            "impl<'de> ::serde::Deserialize<'de> for AnyShape {",
            "impl<'de> ::serde::Deserialize<'de> for AnyPlace {",
            "| \"Poly.circle\"",
            "::std::option::Option::None\n",
        ],
    );
    assert_laid_out_as_prettyplease(&generated.files);
}

/// The crate generated from a document given inline, with this `[select]` table.
fn generate_inline(name: &str, document: &str, select: &str) -> odata_codegen::generate::Generated {
    let text = format!(
        "input = \"{name}.xml\"\noutput = \"out\"\n[crate]\nname = \"{name}\"\nversion = \"0.1.0\"\n\
         description = \"{name}\"\n[select]\n{select}"
    );
    let config = Config::parse(Path::new(&format!("{name}.toml")), &text).expect("the configuration parses");
    odata_codegen::generate::generate_from(&config, &format!("{name}.xml"), document.as_bytes())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Asserts that the generated `file` holds each of the `expected` texts.
fn assert_contains(files: &std::collections::BTreeMap<String, String>, file: &str, expected: &[&str]) {
    let text = &files[file];
    for expected in expected {
        assert!(text.contains(expected), "{file} has no {expected:?}:\n{text}");
    }
}

/// Checks that each generated Rust file but the runtime is a fixed point of prettyplease, and
/// returns how many bytes were checked.
fn assert_laid_out_as_prettyplease(files: &std::collections::BTreeMap<String, String>) -> usize {
    let mut checked = 0;
    for (name, text) in files {
        // The runtime is copied from templates, formatted by rustfmt.
        if !name.ends_with(".rs") || name == "src/odata.rs" || name == "src/client.rs" {
            continue;
        }
        let body: String = text.split_inclusive('\n').skip(HEADER_LINES).collect();
        let file = syn::parse_file(&body).unwrap_or_else(|e| panic!("{name} does not parse: {e}"));
        let again = prettyplease::unparse(&file);
        if again != body {
            let line = body.lines().zip(again.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "{name} is not laid out as prettyplease lays it out, from line {}:\n  printed:     {:?}\n  prettyplease: {:?}",
                line + HEADER_LINES + 1,
                body.lines().nth(line),
                again.lines().nth(line)
            );
        }
        checked += body.len();
    }
    checked
}

/// A configuration selecting everything in the document.
fn everything(bytes: &[u8]) -> Config {
    let model = odata_codegen::load(bytes).model.expect("the document loads");
    let text = everything::everything_toml(&model, "beta.csdl", "out", "graph-beta-everything", "beta");
    Config::parse(Path::new("everything.toml"), &text).expect("the configuration parses")
}
