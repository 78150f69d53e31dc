//! The public API of a generated crate, read back from its source: every public struct, field,
//! method, enum, variant, alias and constant, each with its Rust path, the facts that decide
//! whether a change to it breaks users, and the CSDL element it comes from. `diff` compares
//! two of these, so it reports what the crate does, never what the schema merely says.
//!
//! The runtime modules (`odata`, `client`) are the same for every schema and are not read.

use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};

/// The files read, with the module path their items live under.
const FILES: &[(&str, &str)] = &[
    ("src/lib.rs", ""),
    ("src/models.rs", "models::"),
    ("src/ids.rs", "ids::"),
    ("src/operations.rs", "operations::"),
];

/// One public item. Paths: `models::User` (a type), `models::User.display_name` (a field),
/// `models::User::display_name()` (a method), `models::Color::Red` (a variant).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiItem {
    pub kind: ItemKind,
    /// The CSDL element it comes from (`microsoft.graph.user/displayName`), or its role.
    pub origin: String,
    /// The Rust shape: a field's type, a method's signature, a variant's fields.
    pub signature: String,
    /// Derived and implemented traits of a struct or enum (`Default`, `From<&str>`,
    /// `odata::Operation where Output = X`).
    pub traits: BTreeSet<String>,
    /// Whether a struct or enum can be built or matched exhaustively outside the crate.
    pub exhaustive: bool,
    /// A method's number of parameters, `self` included.
    pub parameters: usize,
    /// Facts whose change does not break code: documentation (with the operation's route) and
    /// wire names.
    pub notes: Vec<(&'static str, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ItemKind {
    Struct,
    Field,
    Method,
    Enum,
    Variant,
    TypeAlias,
    Const,
}

impl ItemKind {
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Struct => "struct",
            ItemKind::Field => "field",
            ItemKind::Method => "method",
            ItemKind::Enum => "enum",
            ItemKind::Variant => "variant",
            ItemKind::TypeAlias => "type alias",
            ItemKind::Const => "constant",
        }
    }

    /// Fields, methods and variants belong to a struct or enum.
    pub fn is_member(self) -> bool {
        matches!(self, ItemKind::Field | ItemKind::Method | ItemKind::Variant)
    }
}

/// The public API of the generated files, by Rust path.
pub fn surface(files: &BTreeMap<String, String>) -> Result<BTreeMap<String, ApiItem>, String> {
    let mut items = BTreeMap::new();
    for (file, module) in FILES {
        let Some(text) = files.get(*file) else { continue };
        let parsed: syn::File = syn::parse_str(text).map_err(|e| format!("{file}: {e}"))?;
        read_module(&mut items, &parsed.items, module);
    }
    Ok(items)
}

fn read_module(out: &mut BTreeMap<String, ApiItem>, items: &[syn::Item], module: &str) {
    let public = |vis: &syn::Visibility| matches!(vis, syn::Visibility::Public(_));
    // Trait impls and inherent methods, by the name of the type they are for.
    let mut traits: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut methods: BTreeMap<String, Vec<&syn::ImplItemFn>> = BTreeMap::new();
    let mut wires: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in items {
        let syn::Item::Impl(imp) = item else { continue };
        let self_name = compact(&imp.self_ty);
        match &imp.trait_ {
            Some((_, path, _)) => {
                let mut name = compact(&path);
                for member in &imp.items {
                    match member {
                        syn::ImplItem::Type(ty) => {
                            name = format!("{name} where {} = {}", ty.ident, compact(&ty.ty));
                        }
                        syn::ImplItem::Fn(f) if f.sig.ident == "from_str" => {
                            wires.insert(self_name.clone(), quoted_strings(&f.block.to_token_stream().to_string()));
                        }
                        _ => {}
                    }
                }
                traits.entry(self_name).or_default().insert(name);
            }
            None => {
                let list = methods.entry(self_name).or_default();
                list.extend(imp.items.iter().filter_map(|m| match m {
                    syn::ImplItem::Fn(f) if public(&f.vis) => Some(f),
                    _ => None,
                }));
            }
        }
    }
    for item in items {
        match item {
            syn::Item::Struct(s) if public(&s.vis) => {
                let name = s.ident.to_string();
                let path = format!("{module}{name}");
                let origin = origin(&s.attrs);
                let mut all_traits = derives(&s.attrs);
                all_traits.extend(traits.get(&name).cloned().unwrap_or_default());
                let kind = match s.fields {
                    syn::Fields::Named(_) => "struct",
                    syn::Fields::Unnamed(_) => "tuple struct",
                    syn::Fields::Unit => "unit struct",
                };
                out.insert(
                    path.clone(),
                    ApiItem {
                        kind: ItemKind::Struct,
                        origin: origin.clone(),
                        signature: kind.to_owned(),
                        traits: all_traits,
                        exhaustive: !non_exhaustive(&s.attrs),
                        parameters: 0,
                        notes: vec![("documentation", doc_text(&s.attrs))],
                    },
                );
                for (index, f) in s.fields.iter().enumerate().filter(|(_, f)| public(&f.vis)) {
                    let field = f.ident.as_ref().map_or_else(|| index.to_string(), ToString::to_string);
                    let wire = serde_rename(&f.attrs);
                    let mut notes = vec![("documentation", doc_text(&f.attrs))];
                    if let Some(wire) = &wire {
                        notes.push(("wire name", wire.clone()));
                    }
                    out.insert(
                        format!("{path}.{field}"),
                        ApiItem {
                            kind: ItemKind::Field,
                            origin: member_origin(&origin, wire.as_deref()),
                            signature: compact(&f.ty),
                            traits: BTreeSet::new(),
                            exhaustive: true,
                            parameters: 0,
                            notes,
                        },
                    );
                }
                read_methods(out, &path, &origin, methods.get(&name));
            }
            syn::Item::Enum(e) if public(&e.vis) => {
                let name = e.ident.to_string();
                let path = format!("{module}{name}");
                let origin = origin(&e.attrs);
                let mut all_traits = derives(&e.attrs);
                all_traits.extend(traits.get(&name).cloned().unwrap_or_default());
                out.insert(
                    path.clone(),
                    ApiItem {
                        kind: ItemKind::Enum,
                        origin: origin.clone(),
                        signature: "enum".to_owned(),
                        traits: all_traits,
                        exhaustive: !non_exhaustive(&e.attrs),
                        parameters: 0,
                        notes: vec![("documentation", doc_text(&e.attrs))],
                    },
                );
                let wire_names = wires.get(&name).cloned().unwrap_or_default();
                for (index, v) in e.variants.iter().enumerate() {
                    let wire = wire_names.get(index).filter(|_| v.fields.is_empty());
                    let mut notes = vec![("documentation", doc_text(&v.attrs))];
                    if let Some(wire) = wire {
                        notes.push(("wire name", wire.clone()));
                    }
                    out.insert(
                        format!("{path}::{}", v.ident),
                        ApiItem {
                            kind: ItemKind::Variant,
                            origin: member_origin(&origin, wire.map(String::as_str)),
                            signature: compact(&v.fields),
                            traits: BTreeSet::new(),
                            exhaustive: true,
                            parameters: 0,
                            notes,
                        },
                    );
                }
                read_methods(out, &path, &origin, methods.get(&name));
            }
            syn::Item::Type(t) if public(&t.vis) => {
                out.insert(
                    format!("{module}{}", t.ident),
                    ApiItem {
                        kind: ItemKind::TypeAlias,
                        origin: origin(&t.attrs),
                        signature: compact(&t.ty),
                        traits: BTreeSet::new(),
                        exhaustive: true,
                        parameters: 0,
                        notes: vec![("documentation", doc_text(&t.attrs))],
                    },
                );
            }
            syn::Item::Const(c) if public(&c.vis) => {
                out.insert(
                    format!("{module}{}", c.ident),
                    ApiItem {
                        kind: ItemKind::Const,
                        origin: String::new(),
                        signature: format!("{} = {}", compact(&c.ty), compact(&c.expr)),
                        traits: BTreeSet::new(),
                        exhaustive: true,
                        parameters: 0,
                        notes: vec![("documentation", doc_text(&c.attrs))],
                    },
                );
            }
            syn::Item::Mod(m) if public(&m.vis) => {
                if let Some((_, inner)) = &m.content {
                    read_module(out, inner, &format!("{module}{}::", m.ident));
                }
            }
            _ => {}
        }
    }
}

fn read_methods(
    out: &mut BTreeMap<String, ApiItem>,
    path: &str,
    origin: &str,
    methods: Option<&Vec<&syn::ImplItemFn>>,
) {
    for f in methods.into_iter().flatten() {
        let docs = doc_text(&f.attrs);
        // A setter says which property or parameter it sets: "Sets `displayName`".
        let wire = docs.split('`').nth(1).filter(|_| docs.starts_with("Sets"));
        out.insert(
            format!("{path}::{}()", f.sig.ident),
            ApiItem {
                kind: ItemKind::Method,
                origin: member_origin(origin, wire),
                signature: compact(&f.sig),
                traits: BTreeSet::new(),
                exhaustive: true,
                parameters: f.sig.inputs.len(),
                notes: vec![("documentation", docs)],
            },
        );
    }
}

fn member_origin(container: &str, wire: Option<&str>) -> String {
    match wire {
        Some(wire) if !container.is_empty() => format!("{container}/{wire}"),
        _ => container.to_owned(),
    }
}

/// The CSDL element the documentation names ("The entity type `microsoft.graph.user`.",
/// "The key of `...`"), or else the operation's route (`` `GET /beta/users` ``).
fn origin(attrs: &[syn::Attribute]) -> String {
    const NAMED: &[&str] =
        &["entity type `", "complex type `", "enum type `", "type definition `", "action `", "function `", "key of `"];
    let docs = doc_text(attrs);
    for line in docs.lines() {
        if let Some(at) = NAMED.iter().filter_map(|n| line.find(n).map(|i| i + n.len())).min() {
            return line[at..].split('`').next().unwrap_or_default().to_owned();
        }
    }
    let route = docs.lines().find_map(|l| l.strip_prefix('`')?.strip_suffix('`').filter(|c| c.contains(' ')));
    route.unwrap_or_default().to_owned()
}

fn doc_text(attrs: &[syn::Attribute]) -> String {
    let lines: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| {
            let syn::Meta::NameValue(nv) = &a.meta else { return None };
            let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value else { return None };
            Some(s.value().trim().to_owned())
        })
        .collect();
    lines.join("\n")
}

fn derives(attrs: &[syn::Attribute]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            found.insert(compact(&meta.path));
            Ok(())
        });
    }
    found
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

fn serde_rename(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("serde")).find_map(|a| {
        let text = a.meta.to_token_stream().to_string();
        let start = text.find("rename = \"")? + "rename = \"".len();
        let end = text[start..].find('"')?;
        Some(text[start..start + end].to_owned())
    })
}

/// The string literals in a token text, in order (an enum's `from_str` arms).
fn quoted_strings(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('"') {
        let Some(end) = rest[start + 1..].find('"') else { break };
        names.push(rest[start + 1..start + 1 + end].to_owned());
        rest = &rest[start + end + 2..];
    }
    names
}

/// Tokens as a reader writes them, without absolute prefixes:
/// `::std::option::Option<crate::models::X>` becomes `Option<models::X>`.
fn compact(tokens: &impl ToTokens) -> String {
    let mut text = String::new();
    render(&mut text, tokens.to_token_stream());
    for prefix in ["::std::option::", "::std::vec::", "::std::string::", "::std::boxed::", "::std::convert::"] {
        text = text.replace(prefix, "");
    }
    text = text.replace("::std::", "std::").replace("::serde", "serde").replace("::chrono::", "chrono::");
    text.replace("::http::", "http::").replace("crate::", "")
}

/// Keywords after which `::` starts a path instead of continuing one.
const BEFORE_PATH: &[&str] = &["impl", "dyn", "mut", "as", "in", "for", "where", "ref", "const", "pub", "return"];

fn render(out: &mut String, tokens: proc_macro2::TokenStream) {
    use proc_macro2::{Delimiter, Spacing, TokenTree};
    let word_end = |out: &String| out.chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '"');
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Ident(ident) => {
                if word_end(out) || out.ends_with(':') && !out.ends_with("::") {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
            }
            TokenTree::Literal(literal) => {
                if word_end(out) {
                    out.push(' ');
                }
                out.push_str(&literal.to_string());
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                let joint = punct.spacing() == Spacing::Joint;
                let next = match trees.peek() {
                    Some(TokenTree::Punct(p)) => Some(p.as_char()),
                    _ => None,
                };
                let next_is = |n: char| next == Some(n);
                if c == ':' && joint && next_is(':') {
                    trees.next();
                    let after_keyword = BEFORE_PATH.iter().any(|k| {
                        out.ends_with(k)
                            && !out[..out.len() - k.len()].ends_with(|ch: char| ch.is_alphanumeric() || ch == '_')
                    });
                    if after_keyword || out.ends_with([',', '=']) {
                        out.push(' ');
                    }
                    out.push_str("::");
                } else if c == '-' && next_is('>') {
                    trees.next();
                    out.push_str(" -> ");
                } else if c == ',' {
                    // A trailing comma before a closing delimiter is dropped.
                    if trees.peek().is_some() && !next_is('>') {
                        out.push_str(", ");
                    }
                } else if c == '=' && !joint {
                    out.push_str(" = ");
                } else if c == '\'' {
                    if word_end(out) {
                        out.push(' ');
                    }
                    out.push(c);
                    if let Some(TokenTree::Ident(lifetime)) = trees.next() {
                        out.push_str(&lifetime.to_string());
                    }
                } else {
                    if c == '&' && word_end(out) {
                        out.push(' ');
                    }
                    out.push(c);
                    if c == ':' && !joint {
                        out.push(' ');
                    }
                }
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => (" { ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                render(out, group.stream());
                out.push_str(close);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_reads_like_rust() {
        let tokens = |t: &str| compact(&t.parse::<proc_macro2::TokenStream>().unwrap());
        assert_eq!(tokens("::std::option::Option<crate::models::X>"), "Option<models::X>");
        assert_eq!(
            tokens("pub fn display_name(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self"),
            "pub fn display_name(mut self, value: impl Into<String>) -> Self"
        );
        assert_eq!(
            tokens("::serde_json::Map<::std::string::String, ::serde_json::Value>"),
            "serde_json::Map<String, serde_json::Value>"
        );
        assert_eq!(tokens("(pub ::std::string::String)"), "(pub String)");
        assert_eq!(tokens("&'static str = \"beta\""), "&'static str = \"beta\"");
        assert_eq!(tokens("fn value(&self) -> ::std::option::Option<i64>"), "fn value(&self) -> Option<i64>");
        assert_eq!(
            tokens("fn f(a: i32, b: ::http::Request<::std::vec::Vec<u8>>,)"),
            "fn f(a: i32, b: http::Request<Vec<u8>>)"
        );
        assert_eq!(tokens("::serde::Deserialize<'de>"), "serde::Deserialize<'de>");
        assert_eq!(
            tokens("std::str::FromStr<Err = ::std::convert::Infallible>"),
            "std::str::FromStr<Err = Infallible>"
        );
    }
}
