//! The configuration that selects everything in a document: every entity and complex type,
//! every entity set (list, get, create, update, delete) and singleton (get, update), and every
//! action and function bound to them. Shared by the printing test, the generate benchmark and
//! the `everything_config` example, which `tests/check-cost/measure.sh` uses.

use odata_codegen::edm::{Model, TypeKind};

/// The configuration's text: `input` and `output` as written into it, the crate named `name`,
/// for the service version `version` (Graph's `v1.0` or `beta`; empty for a service whose root
/// URL names it). Names get no namespace prefix in the entity container's namespace.
pub fn everything_toml(model: &Model, input: &str, output: &str, name: &str, version: &str) -> String {
    let types: Vec<String> = model
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Entity(_) | TypeKind::Complex(_)))
        .map(|t| format!("{:?}", t.qualified_name))
        .collect();
    let mut text = format!(
        "input = {input:?}\noutput = {output:?}\n[crate]\nname = {name:?}\nversion = \"0.1.0\"\n\
         description = \"Everything in {input}\"\n[service]\nversion = {version:?}\n\
         [select]\ntypes = [{}]\nbound_operations = true\n",
        types.join(", ")
    );
    if let Some(container) = &model.container {
        for set in &container.entity_sets {
            text += &format!(
                "[[select.paths]]\npath = {:?}\noperations = [\"list\", \"get\", \"create\", \"update\", \"delete\"]\n",
                set.name
            );
        }
        for singleton in &container.singletons {
            text += &format!("[[select.paths]]\npath = {:?}\noperations = [\"get\", \"update\"]\n", singleton.name);
        }
    }
    text
}
