//! A compact listing of a generated crate's public API, read back from the generated source:
//! every model with its fields (wire name and Rust type), every enum with its members, every
//! id, and every operation with its method, path, inputs and output. A schema change reads as
//! a short diff of this listing.

use quote::ToTokens;
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub fn listing(files: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::new();
    for (file, title) in [("src/models.rs", "models"), ("src/ids.rs", "ids"), ("src/operations.rs", "operations")] {
        let text = files.get(file).ok_or_else(|| format!("{file} was not generated"))?;
        let parsed: syn::File = syn::parse_str(text).map_err(|e| format!("{file}: {e}"))?;
        let _ = writeln!(out, "# {title}");
        list_items(&mut out, &parsed.items, "");
    }
    Ok(out)
}

fn list_items(out: &mut String, items: &[syn::Item], module: &str) {
    // Operation outputs, by type name.
    let mut outputs: BTreeMap<String, String> = BTreeMap::new();
    let mut wires: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // The JSON names of the members of a model with `serde = "compact"`, in field order.
    let mut member_wires: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items {
        if let syn::Item::Impl(imp) = item {
            let self_name = compact(&imp.self_ty.to_token_stream().to_string());
            let trait_name = imp.trait_.as_ref().map(|(_, path, _)| compact(&path.to_token_stream().to_string()));
            for member in &imp.items {
                match member {
                    syn::ImplItem::Type(ty) if trait_name.as_deref() == Some("odata::Operation") => {
                        outputs.insert(self_name.clone(), compact(&ty.ty.to_token_stream().to_string()));
                    }
                    syn::ImplItem::Fn(f) if f.sig.ident == "from_str" => {
                        wires.insert(self_name.clone(), string_literals(&f.block.to_token_stream().to_string()));
                    }
                    syn::ImplItem::Const(c)
                        if c.ident == "FIELDS" && trait_name.as_deref() == Some("odata::model_serde::Fields") =>
                    {
                        member_wires.insert(self_name.clone(), string_literals(&c.expr.to_token_stream().to_string()));
                    }
                    _ => {}
                }
            }
        }
    }
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    for item in items {
        match item {
            syn::Item::Struct(s) if public(&s.vis) => {
                let name = s.ident.to_string();
                let mut compact_wires = member_wires.get(&name).map(|wires| wires.iter());
                let fields: Vec<String> = s
                    .fields
                    .iter()
                    .map(|f| match &mut compact_wires {
                        // The same lines as the derives' attributes give.
                        Some(wires) if f.ident.as_ref().is_some_and(|i| i != "additional_properties") => {
                            field(f, wires.next().map(String::as_str))
                        }
                        Some(_) => format!("{} (flattened: unknown properties)", field(f, None)),
                        None => field(f, serde_rename(f).as_deref()),
                    })
                    .collect();
                match (outputs.get(&name), doc_code(&s.attrs)) {
                    (Some(output), Some(route)) => {
                        let _ = writeln!(out, "operation {module}{name}: {route} -> {output}");
                    }
                    _ => {
                        let _ = writeln!(out, "struct {module}{name}");
                    }
                }
                for f in fields {
                    let _ = writeln!(out, "  {f}");
                }
            }
            syn::Item::Enum(e) if public(&e.vis) => {
                let name = e.ident.to_string();
                let members = wires.get(&name).cloned().unwrap_or_default();
                let _ = writeln!(out, "enum {module}{name}: {}", members.join(" | "));
            }
            syn::Item::Type(t) if public(&t.vis) => {
                let _ = writeln!(out, "type {module}{} = {}", t.ident, compact(&t.ty.to_token_stream().to_string()));
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    list_items(out, inner, &format!("{module}{}::", m.ident));
                }
            }
            _ => {}
        }
    }
}

/// `name: Type = "wire"` for a struct field with a wire name, `name: Type` otherwise, and
/// `name: Type (flattened: unknown properties)` for `#[serde(flatten)]`.
fn field(f: &syn::Field, wire: Option<&str>) -> String {
    let name = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_else(|| "0".to_owned());
    let ty = compact(&f.ty.to_token_stream().to_string());
    match wire {
        Some(wire) => format!("{name}: {ty} = {wire:?}"),
        None if text_has_flatten(f) => format!("{name}: {ty} (flattened: unknown properties)"),
        None => format!("{name}: {ty}"),
    }
}

/// The wire name in a field's `#[serde(rename = "…")]`.
fn serde_rename(f: &syn::Field) -> Option<String> {
    f.attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let text = a.meta.to_token_stream().to_string();
        let start = text.find("rename = \"")? + "rename = \"".len();
        let end = text[start..].find('"')?;
        Some(text[start..start + end].to_owned())
    })
}

fn text_has_flatten(f: &syn::Field) -> bool {
    f.attrs.iter().any(|a| a.meta.to_token_stream().to_string().contains("flatten"))
}

/// The string literals in token text, in order: the wire names an enum's `from_str` matches,
/// or a compact model's `FIELDS`.
fn string_literals(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let Some(end) = rest[start + 1..].find('"') else { break };
        names.push(rest[start + 1..start + 1 + end].to_owned());
        rest = &rest[start + end + 2..];
    }
    names
}

/// The first doc line that is a code span (the operation's `METHOD /path`).
fn doc_code(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("doc")).find_map(|a| {
        let syn::Meta::NameValue(nv) = &a.meta else { return None };
        let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value else { return None };
        let text = s.value();
        let text = text.trim();
        let code = text.strip_prefix('`')?.strip_suffix('`')?;
        code.contains(' ').then(|| code.to_owned())
    })
}

/// Token text without absolute prefixes and spaces: `::std::option::Option<crate::models::X>`
/// becomes `Option<models::X>`.
fn compact(tokens: &str) -> String {
    let text = tokens.replace(' ', "");
    let mut text = text.as_str().to_owned();
    for prefix in ["::std::option::", "::std::vec::", "::std::string::", "::std::boxed::", "crate::"] {
        text = text.replace(prefix, "");
    }
    // prettyplease leaves a trailing comma in wrapped generic lists.
    text.replace(",>", ">")
        .replace("::serde_json::", "serde_json::")
        .replace("::chrono::", "chrono::")
        .replace(',', ", ")
}
