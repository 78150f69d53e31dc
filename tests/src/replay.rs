//! Replaying real schema history through the generator: five selections of Graph's
//! `beta-USNat.csdl` (security alerts, users and groups, applications with their bound
//! operations, sign-ins, two policies) generated for every published version, in process, and
//! the public API of each
//! crate read back two independent ways: `odata_codegen::rust::surface` (what `diff` compares)
//! and [`api_text`] (the public items' tokens with function bodies removed).

use odata_codegen::config::Config;
use odata_codegen::rust::surface::ApiItem;
use quote::ToTokens;
use std::collections::BTreeMap;
use std::path::Path;

/// A named selection of the replayed document.
pub struct Replayed {
    pub name: &'static str,
    pub config: Config,
}

/// The selections, as a user would write them. The last two hold real type and nullability
/// changes (`signIn/conditionalAccessAudiences` in 2025, the app management policy's
/// restrictions in 2024 and 2025, a type renamed by case in 2023).
pub fn selections() -> Vec<Replayed> {
    let config = |name: &'static str, select: &str| {
        let text = format!(
            "input = \"beta-USNat.csdl\"\noutput = \"{name}\"\n\
             [crate]\nname = \"replay-{name}\"\nversion = \"0.1.0\"\ndescription = \"Replayed selection {name}\"\n\
             [service]\nprofile = \"graph\"\nversion = \"beta\"\nnamespace = \"microsoft.graph\"\n{select}"
        );
        let config = Config::parse(Path::new("replay.toml"), &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        Replayed { name, config }
    };
    let crud = r#"operations = ["list", "get", "create", "update", "delete"]"#;
    vec![
        config(
            "security-alerts",
            "[select]\ntypes = [\"microsoft.graph.security.alert\"]\nbound_operations = true\n\
             [[select.paths]]\npath = \"security/alerts_v2\"\noperations = [\"list\", \"get\", \"update\"]\n",
        ),
        config(
            "users-groups",
            &format!(
                "[select]\ntypes = [\"microsoft.graph.user\", \"microsoft.graph.group\"]\n\
                 [[select.paths]]\npath = \"users\"\n{crud}\n[[select.paths]]\npath = \"groups\"\n{crud}\n"
            ),
        ),
        config(
            "applications",
            &format!(
                "[select]\ntypes = [\"microsoft.graph.application\"]\nbound_operations = true\n\
                 [[select.paths]]\npath = \"applications\"\n{crud}\n"
            ),
        ),
        config(
            "sign-ins",
            "[select]\ntypes = [\"microsoft.graph.signIn\"]\n\
             [[select.paths]]\npath = \"auditLogs/signIns\"\noperations = [\"list\", \"get\"]\n",
        ),
        config(
            "policies",
            "[select]\ntypes = [\"microsoft.graph.tenantAppManagementPolicy\", \"microsoft.graph.deviceRegistrationPolicy\"]\n\
             bound_operations = true\n\
             [[select.paths]]\npath = \"policies/defaultAppManagementPolicy\"\noperations = [\"get\", \"update\"]\n\
             [[select.paths]]\npath = \"policies/deviceRegistrationPolicy\"\noperations = [\"get\", \"update\"]\n",
        ),
    ]
}

/// One generated crate, as the replay compares it.
pub struct Generated {
    pub files: BTreeMap<String, String>,
    pub surface: BTreeMap<String, ApiItem>,
    pub api_text: String,
}

/// Generates every selection from one document (loaded once).
pub fn generate_all(bytes: &[u8], selections: &[Replayed]) -> Vec<Generated> {
    let loaded = odata_codegen::load(bytes);
    let model = loaded.model.expect("every version loads (tests/tests/history.rs)");
    selections
        .iter()
        .map(|selection| {
            let files = odata_codegen::diff::generated_files(&model, &selection.config)
                .unwrap_or_else(|e| panic!("{}: {e}", selection.name));
            let surface = odata_codegen::rust::surface::surface(&files).expect("generated files parse");
            let api_text = api_text(&files);
            Generated { files, surface, api_text }
        })
        .collect()
}

/// The public API as tokens: every public item of the schema-dependent files with its
/// attributes and documentation, function bodies emptied, private items left out.
pub fn api_text(files: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for name in ["src/lib.rs", "src/models.rs", "src/ids.rs", "src/operations.rs"] {
        let Some(text) = files.get(name) else { continue };
        let file: syn::File = syn::parse_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        out.push_str(name);
        out.push('\n');
        for item in file.items {
            public_item(&mut out, item);
        }
    }
    out
}

fn public_item(out: &mut String, item: syn::Item) {
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    let keep = match item {
        syn::Item::Struct(s) if public(&s.vis) => {
            let mut s = s;
            if let syn::Fields::Named(fields) = &mut s.fields {
                fields.named = std::mem::take(&mut fields.named).into_iter().filter(|f| public(&f.vis)).collect();
            }
            Some(s.to_token_stream())
        }
        syn::Item::Enum(e) if public(&e.vis) => Some(e.to_token_stream()),
        syn::Item::Type(t) if public(&t.vis) => Some(t.to_token_stream()),
        syn::Item::Const(c) if public(&c.vis) => Some(c.to_token_stream()),
        syn::Item::Impl(mut imp) => {
            let trait_impl = imp.trait_.is_some();
            imp.items.retain(|member| match member {
                syn::ImplItem::Fn(f) => trait_impl || public(&f.vis),
                syn::ImplItem::Type(_) => true,
                _ => false,
            });
            for member in &mut imp.items {
                if let syn::ImplItem::Fn(f) = member {
                    f.block = syn::parse_quote!({});
                }
            }
            Some(imp.to_token_stream())
        }
        syn::Item::Mod(m) if public(&m.vis) => {
            out.push_str(&format!("mod {} {{\n", m.ident));
            for inner in m.content.map(|(_, items)| items).unwrap_or_default() {
                public_item(out, inner);
            }
            out.push_str("}\n");
            None
        }
        _ => None,
    };
    if let Some(tokens) = keep {
        out.push_str(&tokens.to_string());
        out.push('\n');
    }
}
