//! Source printed straight from the plan is laid out exactly as prettyplease lays it out.
//!
//! Everything in the full-size beta document is selected (every entity and complex type, every
//! entity set and singleton with its operations, every bound action and function), and each
//! generated Rust file must be a fixed point of prettyplease: parsing it and printing it again
//! gives the same bytes. A difference names the first line that differs.

use odata_codegen::config::Config;
use odata_codegen::edm::TypeKind;
use std::path::Path;

const HEADER_LINES: usize = 3;

#[test]
fn every_file_of_a_crate_with_everything_in_the_beta_document_is_laid_out_as_prettyplease_does() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/metadata/graph/beta-USNat-with-cloudpki.csdl");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let config = everything(&bytes);
    let generated = odata_codegen::generate::generate_from(&config, "beta-USNat-with-cloudpki.csdl", &bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for (name, text) in &generated.files {
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
    assert!(checked > 5_000_000, "the crate is large: {checked} bytes checked");
}

/// A configuration selecting everything in the document.
fn everything(bytes: &[u8]) -> Config {
    let model = odata_codegen::load(bytes).model.expect("the document loads");
    let types: Vec<String> = model
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Entity(_) | TypeKind::Complex(_)))
        .map(|t| format!("{:?}", t.qualified_name))
        .collect();
    let mut text = format!(
        "input = \"beta.csdl\"\noutput = \"out\"\n[crate]\nname = \"graph-beta-everything\"\nversion = \"0.1.0\"\n\
         description = \"Everything\"\n[service]\nversion = \"beta\"\nnamespace = \"microsoft.graph\"\n\
         [select]\ntypes = [{}]\nbound_operations = true\n",
        types.join(", ")
    );
    let container = model.container.as_ref().expect("a container");
    for set in &container.entity_sets {
        text += &format!(
            "[[select.paths]]\npath = {:?}\noperations = [\"list\", \"get\", \"create\", \"update\", \"delete\"]\n",
            set.name
        );
    }
    for singleton in &container.singletons {
        text += &format!("[[select.paths]]\npath = {:?}\noperations = [\"get\", \"update\"]\n", singleton.name);
    }
    Config::parse(Path::new("everything.toml"), &text).expect("the configuration parses")
}
