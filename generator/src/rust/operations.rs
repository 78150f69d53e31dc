//! `ids` and `operations`: typed keys, and one type per operation implementing the sans-IO
//! `crate::odata::Operation`.
//!
//! Operations live in modules that mirror their URL path (`device_management::
//! cloud_certification_authority::List`), so list/get/create/update/delete never collide with
//! an action of the same spelling, and a name never depends on operations elsewhere.

use super::layout::{Arg, Argument, INDENT, Init, Layout, Parameter, push_spaces, string_literal, type_text};
use super::naming::{camel, escape, snake, unique};
use super::{Context, deprecated_note, doc_text as doc_text_of, ident, needs_doc_alias};
use crate::config::{CrudOperation, KeySyntax};
use crate::edm::{AnnotationsExt, OperationKind, Primitive, TypeId, TypeTarget};
use crate::select::{ResourcePath, Segment, SegmentKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Entity types addressed by key somewhere in the selection's paths.
fn keyed_types(context: &Context<'_>) -> Vec<TypeId> {
    let mut keyed: Vec<TypeId> = Vec::new();
    for path in &context.selection.paths {
        for segment in &path.segments {
            // A cast takes the key of the segment it casts.
            if segment.collection && segment.kind != SegmentKind::Cast && !keyed.contains(&segment.entity_type) {
                keyed.push(segment.entity_type);
            }
        }
    }
    keyed.sort_by_key(|id| context.type_names[id].clone());
    keyed
}

/// The Rust type of an entity type's key: `BooksId` for a single key property, `ChaptersKey`
/// for a composite key.
fn id_ident(context: &Context<'_>, id: TypeId) -> syn::Ident {
    let composite = context.model.key(id).is_some_and(|key| key.len() > 1);
    format_ident!("{}{}", context.type_names[&id], if composite { "Key" } else { "Id" })
}

/// One property of a key, resolved.
struct KeyPart {
    /// The name the key predicate uses: the property's, or its alias for a path.
    wire: String,
    field: syn::Ident,
    value: TokenStream,
    style: LiteralStyle,
    /// Whether the value type has a total order (no floating-point numbers).
    ordered: bool,
}

fn key_parts(context: &Context<'_>, id: TypeId) -> Result<Vec<KeyPart>, String> {
    let model = context.model;
    let ty = model.ty(id);
    let key = model.key(id).ok_or_else(|| format!("`{}` is addressed by key but has no key", ty.qualified_name))?;
    let wires: Vec<String> = key.iter().map(|k| k.alias.clone().unwrap_or_else(|| k.name.to_string())).collect();
    let names = unique(wires.iter().map(String::as_str), snake, &[]);
    let mut parts = Vec::new();
    for (property_ref, wire) in key.iter().zip(&wires) {
        // A key property, or a path to one through complex properties (`address/city`).
        let mut owner = id;
        let mut found = None;
        for step in property_ref.name.split('/') {
            let property = model.all_properties(owner).into_iter().find(|(_, p)| p.name == step).map(|(_, p)| p);
            let Some(property) = property else { break };
            if let TypeTarget::Named(next) = property.ty.target {
                owner = next;
            }
            found = Some(property);
        }
        let property = found
            .ok_or_else(|| format!("the key `{}` of `{}` is not a property", property_ref.name, ty.qualified_name))?;
        let supported = match &property.ty.target {
            TypeTarget::Primitive(p) => key_primitive(*p),
            TypeTarget::Named(target) => match &model.ty(*target).kind {
                crate::edm::TypeKind::Enum(_) => true,
                crate::edm::TypeKind::Definition(d) => key_primitive(d.underlying_type),
                _ => false,
            },
            _ => false,
        };
        if !supported || property.ty.collection {
            return Err(format!(
                "the key `{}` of `{}` has type {}, which OData does not allow in a key",
                property_ref.name,
                ty.qualified_name,
                model.type_ref_name(&property.ty)
            ));
        }
        let ordered = !matches!(
            property.ty.target,
            TypeTarget::Primitive(Primitive::Single | Primitive::Double | Primitive::Decimal)
        );
        parts.push(KeyPart {
            wire: wire.clone(),
            field: ident(&names[wire.as_str()]),
            value: context.value_type(&property.ty),
            style: literal_style(context, &property.ty),
            ordered,
        });
    }
    Ok(parts)
}

/// Primitive types OData allows as key properties (CSDL 4.01 §8.2).
fn key_primitive(p: Primitive) -> bool {
    use Primitive::*;
    matches!(
        p,
        Boolean
            | Byte
            | SByte
            | Int16
            | Int32
            | Int64
            | Decimal
            | Date
            | DateTimeOffset
            | TimeOfDay
            | Duration
            | Guid
            | String
    )
}

pub(super) fn ids_file(context: &Context<'_>) -> Result<String, String> {
    let mut l = Layout::default();
    // Items sit in the file's consistent box: each attribute on its own line.
    l.cbox(0);
    for id in keyed_types(context) {
        let ty = context.model.ty(id);
        let name = id_ident(context, id).to_string();
        let parts = key_parts(context, id)?;
        if parts.len() > 1 && context.config.service.key_syntax() == KeySyntax::Segment {
            return Err(format!(
                "`{}` has a composite key, which cannot be written as a path segment; \
                 set `keys = \"parentheses\"` in [service]",
                ty.qualified_name
            ));
        }
        let mut derives = vec![Arg::Word("Debug"), Arg::Word("Clone"), Arg::Word("PartialEq")];
        if parts.iter().all(|p| p.ordered) {
            derives.extend([Arg::Word("Eq"), Arg::Word("Hash"), Arg::Word("PartialOrd"), Arg::Word("Ord")]);
        }
        derives.extend([Arg::Word("::serde::Serialize"), Arg::Word("::serde::Deserialize")]);
        let receiver = |l: &mut Layout| {
            l.word("&self");
            l.trailing_comma(true);
        };
        if let [part] = parts.as_slice() {
            let inner = type_text(&part.value);
            let is_string = inner == "::std::string::String";
            l.docs(&[
                format!("The key of `{}` (its `{}` property), as it is put into URLs.", ty.qualified_name, part.wire),
                String::new(),
                "It is percent-encoded, so no key can leave the resource it names.".to_owned(),
            ]);
            l.attr_list("derive", &derives);
            l.attr_word("serde(transparent)");
            l.tuple_struct(&name, &inner);

            l.impl_head(&name);
            l.docs(&["Wraps a key value.".to_owned()]);
            let key = |l: &mut Layout| {
                l.word("key: ");
                l.word("impl ");
                l.ty(&format!("::std::convert::Into<{inner}>"));
                l.trailing_comma(true);
            };
            l.fn_head_with("pub ", "new", key, "Self");
            l.tail_with(|l| l.call("Self", |l| l.method_call(&["key"], "into", false, &[])));
            l.close_block();
            l.docs(&["The key as one percent-encoded URL path segment (`/Books/a%2Fb`).".to_owned()]);
            l.fn_head_with("pub ", "to_path_segment", receiver, "::std::string::String");
            l.tail_with(|l| {
                l.call("crate::odata::encode_path_segment", |l| {
                    if is_string {
                        l.word("&self.0");
                    } else {
                        l.word("&");
                        l.call("crate::odata::key_text", |l| l.word("&self.0"));
                    }
                })
            });
            l.close_block();
            l.docs(&[
                "The key predicate that follows the entity set or navigation property in a".to_owned(),
                "URL, as an OData literal (`('a%2Fb')`, quotes doubled inside strings).".to_owned(),
            ]);
            l.fn_head_with("pub ", "to_key_predicate", receiver, "::std::string::String");
            key_literal(&mut l, part, "key", "&self.0");
            l.macro_call("format", quote!("({key})"));
            l.hardbreak();
            l.close_block();
            l.close_block();

            // `From<&str>` copies the text; `From<T>` wraps the value.
            let conversions: &[(&str, bool)] =
                if is_string { &[("&str", true), (&inner, false)] } else { &[(&inner, false)] };
            for (from, copies) in conversions {
                l.trait_impl_head(&[], &format!("::std::convert::From<{from}>"), &name);
                let key = |l: &mut Layout| {
                    l.word("key: ");
                    l.ty(from);
                    l.trailing_comma(true);
                };
                l.fn_head_with("", "from", key, "Self");
                l.tail_with(|l| {
                    l.call("Self", |l| {
                        if *copies {
                            l.method_call(&["key"], "to_owned", false, &[]);
                        } else {
                            l.word("key");
                        }
                    })
                });
                l.close_block();
                l.close_block();
            }
            display_impl(&mut l, &name, |l| {
                if is_string {
                    l.call("::std::fmt::Display::fmt", |l| {
                        l.word("&self.0");
                        l.trailing_comma(false);
                        l.word("f");
                    });
                } else {
                    l.method_call(&["f"], "write_str", true, &[Argument::Word("&crate::odata::key_text(&self.0)")]);
                }
            });
        } else {
            let wires = parts.iter().map(|p| format!("`{}`", p.wire)).collect::<Vec<_>>().join(", ");
            l.docs(&[format!("The composite key of `{}` ({wires}), as it is put into URLs.", ty.qualified_name)]);
            l.attr_list("derive", &derives);
            l.struct_head(&name);
            let values: Vec<String> = parts.iter().map(|p| type_text(&p.value)).collect();
            for (part, value) in parts.iter().zip(&values) {
                l.docs(&[format!("The `{}` key property.", part.wire)]);
                l.attr_list("serde", &[Arg::Str("rename", &part.wire)]);
                l.field(&part.field.to_string(), value);
            }
            l.close_block();

            l.impl_head(&name);
            let parameters: Vec<Parameter> = parts
                .iter()
                .zip(&values)
                .map(|(part, value)| Parameter { name: part.field.to_string(), ty: value.clone(), into: true })
                .collect();
            let fields: Vec<(String, Init)> =
                parts.iter().map(|p| (p.field.to_string(), Init::Into(p.field.to_string()))).collect();
            l.constructor("The key from its properties, in key order.", &parameters, &fields);
            l.docs(&[
                "The key predicate that follows the entity set or navigation property in a".to_owned(),
                "URL: every key property as an OData literal (`(book_ID='a',number=2)`).".to_owned(),
            ]);
            l.fn_head_with("pub ", "to_key_predicate", receiver, "::std::string::String");
            let names: Vec<syn::Ident> = (0..parts.len()).map(|i| format_ident!("key{i}")).collect();
            for (part, name) in parts.iter().zip(&names) {
                key_literal(&mut l, part, &name.to_string(), &format!("&self.{}", part.field));
            }
            let format = parts.iter().map(|p| format!("{}={{}}", p.wire)).collect::<Vec<_>>().join(",");
            let format = format!("({format})");
            l.macro_call("format", quote!(#format, #(#names),*));
            l.hardbreak();
            l.close_block();
            l.close_block();
            display_impl(&mut l, &name, |l| {
                l.method_call(&["f"], "write_str", true, &[Argument::Word("&self.to_key_predicate()")])
            });
        }
    }
    l.end();
    let mut out = format!("{}//! Typed keys: one per entity type that is addressed by key in a path.\n", super::HEADER);
    l.print(&mut out);
    Ok(out)
}

/// `let name = crate::odata::to_json(value);`, then `name` as a percent-encoded OData literal.
fn key_literal(l: &mut Layout, part: &KeyPart, name: &str, value: &str) {
    l.let_statement(name, |l| l.call("crate::odata::to_json", |l| l.word(value)));
    l.let_statement(name, |l| {
        l.call("crate::odata::encode_key_literal", |l| {
            l.word("&");
            l.call("crate::operations::url_literal", |l| {
                l.word("&");
                l.word(name);
                l.trailing_comma(false);
                part.style.print(l);
            })
        })
    });
}

/// `impl ::std::fmt::Display for name { fn fmt(&self, f) -> ::std::fmt::Result { body } }`.
fn display_impl(l: &mut Layout, name: &str, body: impl FnOnce(&mut Layout)) {
    l.trait_impl_head(&[], "::std::fmt::Display", name);
    let parameters = |l: &mut Layout| {
        l.word("&self");
        l.trailing_comma(false);
        l.word("f: ");
        l.ty("&mut ::std::fmt::Formatter<'_>");
        l.trailing_comma(true);
    };
    l.fn_head_with("", "fmt", parameters, "::std::fmt::Result");
    l.tail_with(body);
    l.close_block();
    l.close_block();
}

/// A module of the operations tree.
#[derive(Default)]
struct Module {
    items: Vec<Item>,
    children: BTreeMap<String, Module>,
    doc: String,
}

/// An operation in the plan of the `operations` file, decided and printed by the job that
/// prints it.
pub(super) enum Item {
    Crud { path: usize, crud: CrudOperation },
    Bound { index: usize, name: String },
    Import { index: usize, name: String },
}

impl Module {
    fn at(&mut self, path: &[String]) -> &mut Module {
        match path.split_first() {
            None => self,
            Some((first, rest)) => self.children.entry(first.clone()).or_default().at(rest),
        }
    }

    /// The module's items, then its child modules, in print order (`depth` modules deep).
    fn units(self, depth: usize, units: &mut Vec<Unit>) {
        units.extend(self.items.into_iter().map(|item| Unit::Item { depth, item }));
        for (name, mut child) in self.children {
            units.push(Unit::Open { depth, name, doc: std::mem::take(&mut child.doc) });
            child.units(depth + 1, units);
            units.push(Unit::Close { depth });
        }
    }
}

/// A piece of the `operations` file, printed by one job: the start of a module, an operation
/// (its items), or the end of a module.
pub(super) enum Unit {
    Open { depth: usize, name: String, doc: String },
    Item { depth: usize, item: Item },
    Close { depth: usize },
}

fn decide(context: &Context<'_>, item: &Item) -> Result<Decided, String> {
    match item {
        Item::Crud { path, crud } => Ok(crud_operation(context, &context.selection.paths[*path], *crud)),
        Item::Bound { index, name } => bound_operation(context, *index, name),
        Item::Import { index, name } => imported_operation(context, *index, name),
    }
}

/// The plan of the `operations` file: its pieces in print order, in modules that mirror the URL
/// paths, every name decided. Each operation is built and printed by its own job.
pub(super) struct Plan {
    pub units: Vec<Unit>,
    /// The members every operation shares, printed once for each depth of module.
    shared: Vec<Shared>,
}

/// Impl items that are the same in every operation of a module depth, printed by the first job
/// that needs them.
#[derive(Default)]
struct Shared {
    headers: OnceLock<String>,
    /// `with_query` and the query setters: of a single entity, of a collection.
    query: [OnceLock<String>; 2],
    /// `parse_response`, by [`Parse`].
    parse: [OnceLock<String>; Parse::COUNT],
}

/// How an operation decodes its response: the `crate::odata` function it calls.
#[derive(Clone, Copy)]
enum Parse {
    Page,
    Entity,
    OptionalEntity,
    Empty,
    Collection,
    Stream,
    Value,
}

impl Parse {
    const COUNT: usize = 7;

    fn function(self) -> &'static str {
        match self {
            Parse::Page => "parse_page",
            Parse::Entity => "parse_entity",
            Parse::OptionalEntity => "parse_optional_entity",
            Parse::Empty => "parse_empty",
            Parse::Collection => "parse_collection",
            Parse::Stream => "parse_stream",
            Parse::Value => "parse_value",
        }
    }
}

/// An operation with every name and type decided: its struct, its parameters' struct, and the
/// members of its impl blocks, printed straight from this.
struct Decided {
    name: String,
    docs: Vec<String>,
    alias: Option<String>,
    deprecated: Option<String>,
    /// Whether the struct derives `Default` (its constructor takes nothing).
    default: bool,
    fields: Vec<Field>,
    /// The parameters' struct: its name, documentation and fields.
    body: Option<(String, Vec<String>, Vec<Field>)>,
    new: Constructor,
    /// The setters of optional parameters: field and value type.
    setters: Vec<(String, String, String)>,
    /// Query option setters: of a collection (`true`) or a single entity.
    query: Option<bool>,
    output: String,
    /// `to_request`'s path expression, and how it builds the request.
    path: PathExpression,
    request: Request,
    parse: Parse,
}

/// How `to_request` builds the request once it has the path: a call of `crate::odata::request`
/// with this HTTP method.
struct Request {
    method: &'static str,
    sent: Sent,
}

/// What a [`Request`] sends besides its path.
enum Sent {
    /// The query options; with Graph's `ConsistencyLevel: eventual` header when they need it.
    Query { eventual_consistency: bool },
    /// The body serialized to JSON, `expect`ing what cannot fail.
    Body { expect: &'static str },
    /// Nothing more.
    Nothing,
    /// A function's call appended to the path, its parameters passed as aliases, then the
    /// query options when it returns a page.
    Function { name: String, aliases: Vec<Alias>, paged: bool },
}

/// A function parameter passed as an alias: `("@name", the value as a URL literal)`.
struct Alias {
    alias: String,
    /// The field of the parameters' struct that holds the value.
    field: String,
    /// An optional parameter's value is left out when it is not set.
    optional: bool,
    style: LiteralStyle,
}

impl Request {
    /// `to_request`'s statements after the path, `depth` modules deep.
    fn print(&self, depth: usize, out: &mut String) {
        let Request { method, sent } = self;
        let method = format!("::http::Method::{method}");
        let call = |l: &mut Layout, query: &str, body: &str| {
            l.call("crate::odata::request", |l| {
                for (index, argument) in
                    ["root", "crate::SERVICE_VERSION", &method, "&path", query, body].iter().enumerate()
                {
                    if index > 0 {
                        l.trailing_comma(false);
                    }
                    l.word(argument);
                }
            })
        };
        let none = "::std::option::Option::None";
        let mut l = Layout::default();
        l.cbox(0);
        l.let_statement("mut request", |l| match sent {
            Sent::Query { eventual_consistency: true } => l.block(|l| {
                l.let_statement("mut request", |l| call(l, "&self.query.to_query()", none));
                l.if_statement("self.query.needs_eventual_consistency()", |l| {
                    l.ibox(0);
                    l.cbox(INDENT);
                    l.word("request");
                    l.method_on_chain("headers_mut", &[]);
                    l.method_on_chain(
                        "insert",
                        &["\"consistencylevel\"", "::http::HeaderValue::from_static(\"eventual\")"],
                    );
                    l.end();
                    l.word(";");
                    l.end();
                    l.hardbreak();
                });
                l.tail("request");
            }),
            Sent::Query { eventual_consistency: false } => l.block_of_expr(|l| call(l, "&self.query.to_query()", none)),
            Sent::Body { expect } => l.block(|l| {
                l.let_statement("body", |l| {
                    l.cbox(INDENT);
                    l.call("::serde_json::to_vec", |l| l.word("&self.body"));
                    l.method_on_chain(
                        "expect",
                        &[&{
                            let mut literal = String::new();
                            string_literal(&mut literal, expect);
                            literal
                        }],
                    );
                    l.end();
                });
                l.tail_with(|l| call(l, "&[]", "::std::option::Option::Some(body)"));
            }),
            Sent::Nothing => l.block_of_expr(|l| call(l, "&[]", none)),
            Sent::Function { name, aliases, paged } => l.block(|l| {
                l.let_statement("mut path", |l| l.word("path"));
                l.let_statement(if *paged { "mut query" } else { "query" }, |l| {
                    l.call("crate::operations::function_call", |l| {
                        l.word("&mut path");
                        l.trailing_comma(false);
                        l.word_with(|out| string_literal(out, name));
                        l.trailing_comma(false);
                        alias_array(l, aliases);
                    })
                });
                if *paged {
                    l.call_statement(&["query"], "extend", &[Argument::Word("self.query.to_query()")]);
                }
                l.tail_with(|l| call(l, "&query", none));
            }),
        });
        l.call_statement(&["self", "headers"], "apply", &[Argument::Word("&mut request")]);
        l.tail("request");
        l.end();
        l.print_at(out, (depth + 2) * INDENT as usize);
    }
}

/// `[("@a", value), …]`: each alias with its value as an optional URL literal.
fn alias_array(l: &mut Layout, aliases: &[Alias]) {
    if aliases.is_empty() {
        l.word("[]");
        return;
    }
    // `url_literal(&to_json(value), style)`, the value written by `value`.
    let literal = |l: &mut Layout, value: &dyn Fn(&mut Layout), style: &LiteralStyle| {
        l.call("crate::operations::url_literal", |l| {
            l.word("&");
            l.call("crate::odata::to_json", value);
            l.trailing_comma(false);
            style.print(l);
        })
    };
    l.word("[");
    l.cbox(INDENT);
    l.zerobreak();
    for (index, alias) in aliases.iter().enumerate() {
        l.word("(");
        l.cbox(INDENT);
        l.zerobreak();
        l.word_with(|out| string_literal(out, &alias.alias));
        l.trailing_comma(false);
        if alias.optional {
            // `self.body.x.as_ref().map(|value| …)`
            l.cbox(INDENT);
            l.word("self");
            l.field_on_chain("body");
            l.field_on_chain(&alias.field);
            l.method_on_chain("as_ref", &[]);
            l.zerobreak();
            l.word(".");
            l.word("map");
            l.cbox(0);
            l.word("(");
            l.closure("value", |l| literal(l, &|l| l.word("value"), &alias.style));
            l.word(")");
            l.end();
            l.end();
        } else {
            l.call("::std::option::Option::Some", |l| {
                let field = |l: &mut Layout| {
                    l.word("&");
                    l.cbox(INDENT);
                    l.word("self");
                    l.field_on_chain("body");
                    l.field_on_chain(&alias.field);
                    l.end();
                };
                literal(l, &field, &alias.style)
            });
        }
        l.trailing_comma(true);
        l.offset(-INDENT);
        l.end();
        l.word(")");
        l.trailing_comma(index + 1 == aliases.len());
    }
    l.offset(-INDENT);
    l.end();
    l.word("]");
}

/// `new`: its documentation, its parameters and the fields of the `Self` it returns.
struct Constructor {
    doc: &'static str,
    parameters: Vec<Parameter>,
    fields: Vec<(String, Init)>,
}

impl Constructor {
    /// Starts with the keys, which every constructor takes first.
    fn with_keys(doc: &'static str, keys: &[Key]) -> Constructor {
        let parameters = keys
            .iter()
            .map(|k| Parameter { name: k.field.to_string(), ty: format!("crate::ids::{}", k.ty), into: true })
            .collect();
        let fields = keys.iter().map(|k| (k.field.to_string(), Init::Into(k.field.to_string()))).collect();
        Constructor { doc, parameters, fields }
    }

    fn print(&self, depth: usize, out: &mut String) {
        let mut l = Layout::default();
        l.cbox(0);
        l.constructor(self.doc, &self.parameters, &self.fields);
        l.end();
        l.print_at(out, (depth + 1) * INDENT as usize);
    }
}

/// A field of an operation's struct or of its parameters' struct.
struct Field {
    docs: Vec<String>,
    deprecated: Option<String>,
    /// The `#[serde(…)]` arguments, if any.
    serde: Vec<(&'static str, String)>,
    name: String,
    ty: String,
}

impl Field {
    fn plain(doc: &str, name: &str, ty: String) -> Field {
        Field { docs: vec![doc.to_owned()], deprecated: None, serde: Vec::new(), name: name.to_owned(), ty }
    }

    fn print(&self, l: &mut Layout) {
        l.docs(&self.docs);
        if let Some(note) = &self.deprecated {
            l.attr_list("deprecated", &[Arg::Str("note", note)]);
        }
        if !self.serde.is_empty() {
            let args: Vec<Arg<'_>> = self.serde.iter().map(|(key, value)| Arg::Str(key, value)).collect();
            l.attr_list("serde", &args);
        }
        l.field(&self.name, &self.ty);
    }
}

/// A struct's documentation, attributes and head, `derive` taking `derives`.
fn struct_head(l: &mut Layout, name: &str, docs: &[String], derives: &[&str]) {
    l.docs(docs);
    let derives: Vec<Arg<'_>> = derives.iter().map(|d| Arg::Word(d)).collect();
    l.attr_list("derive", &derives);
    l.attr_word("non_exhaustive");
    l.struct_head(name);
}

impl Decided {
    /// The operation's items, `depth` modules deep: its structs, its impl block and its
    /// `impl Operation`.
    fn print(self, depth: usize, shared: &Shared) -> String {
        let mut out = String::new();
        self.structs_and_impl_head(depth, &mut out);
        self.new.print(depth, &mut out);
        self.inherent_members(depth, shared, &mut out);
        self.operation_impl(depth, shared, &mut out);
        out
    }

    /// The operation's struct, its parameters' struct, and the head of its impl block.
    fn structs_and_impl_head(&self, depth: usize, out: &mut String) {
        let mut l = Layout::default();
        // Items sit in a consistent box: each attribute on its own line.
        l.cbox(0);
        l.docs(&self.docs);
        if let Some(alias) = &self.alias {
            l.attr_list("doc", &[Arg::Str("alias", alias)]);
        }
        if let Some(note) = &self.deprecated {
            l.attr_list("deprecated", &[Arg::Str("note", note)]);
        }
        let derives: &[&str] =
            if self.default { &["Debug", "Clone", "PartialEq", "Default"] } else { &["Debug", "Clone", "PartialEq"] };
        struct_head(&mut l, &self.name, &[], derives);
        for field in &self.fields {
            field.print(&mut l);
        }
        l.close_block();
        if let Some((name, docs, fields)) = &self.body {
            struct_head(
                &mut l,
                name,
                docs,
                &["Debug", "Clone", "PartialEq", "::serde::Serialize", "::serde::Deserialize"],
            );
            for field in fields {
                field.print(&mut l);
            }
            l.close_block();
        }
        l.impl_head(&self.name);
        l.print_at(out, depth * INDENT as usize);
    }

    /// The members of the impl block after `new`, and its end.
    fn inherent_members(&self, depth: usize, shared: &Shared, out: &mut String) {
        let indent = depth * INDENT as usize;
        for (wire, field, value) in &self.setters {
            let mut l = Layout::default();
            l.cbox(0);
            l.docs(&[format!("Sets the optional `{wire}` parameter.")]);
            l.setter(field, value, &["body", field], Some("::std::option::Option::Some"));
            l.end();
            l.print_at(out, indent + INDENT as usize);
        }
        if let Some(collection) = self.query {
            let query = shared.query[usize::from(collection)]
                .get_or_init(|| printed_members(depth, |l| query_members(l, collection)));
            out.push_str(query);
        }
        let headers = shared.headers.get_or_init(|| printed_members(depth, header_methods));
        out.push_str(headers);
        push_spaces(out, indent);
        out.push_str("}\n");
    }

    /// `impl Operation`: the output type, `to_request` (the path, then the request's block)
    /// and `parse_response`.
    fn operation_impl(&self, depth: usize, shared: &Shared, out: &mut String) {
        let indent = depth * INDENT as usize;
        let mut l = Layout::default();
        l.cbox(0);
        l.trait_impl_head(&[], "crate::odata::Operation", &self.name);
        l.associated_type("Output", &self.output);
        l.print_at(out, indent);
        let mut l = Layout::default();
        l.cbox(0);
        let parameters = |l: &mut Layout| {
            l.word("&self");
            l.trailing_comma(false);
            l.word("root: ");
            l.ty("&crate::odata::ServiceRoot");
            l.trailing_comma(true);
        };
        l.fn_head_with("", "to_request", parameters, "::http::Request<::std::vec::Vec<u8>>");
        l.print_at(out, indent + INDENT as usize);
        self.path.print(depth, out);
        self.request.print(depth, out);
        push_spaces(out, indent + INDENT as usize);
        out.push_str("}\n");
        let parse = self.parse;
        let parse = shared.parse[parse as usize].get_or_init(|| printed_members(depth, |l| parse_response(l, parse)));
        out.push_str(parse);
        push_spaces(out, indent);
        out.push_str("}\n");
    }
}

/// `parse_response`: the response decoded by `parse`.
fn parse_response(l: &mut Layout, parse: Parse) {
    let parameters = |l: &mut Layout| {
        l.word("&self");
        l.trailing_comma(false);
        l.word("response: ");
        l.ty("::http::Response<::std::vec::Vec<u8>>");
        l.trailing_comma(true);
    };
    l.fn_head_with("", "parse_response", parameters, "::std::result::Result<Self::Output, crate::odata::Error>");
    l.tail_with(|l| l.call(&format!("crate::odata::{}", parse.function()), |l| l.word("response")));
    l.close_block();
}

/// One key in a path: the struct field that holds it and how the path uses it.
struct Key {
    field: syn::Ident,
    ty: syn::Ident,
    /// The path segment the key follows.
    segment: String,
    /// The entity type the key identifies.
    entity: TypeId,
}

/// The name of the id type of an entity type (`BooksId`, `ChaptersKey`).
pub(super) fn id_type_name(context: &Context<'_>, id: TypeId) -> String {
    id_ident(context, id).to_string()
}

/// The keys of an example: each key's field and entity type.
fn example_keys(keys: &[Key]) -> Vec<(String, TypeId)> {
    keys.iter().map(|k| (k.field.to_string(), k.entity)).collect()
}

/// The fields of an operation's keys.
fn key_fields_of(keys: &[Key]) -> Vec<Field> {
    keys.iter()
        .map(|k| {
            let doc = format!("The key that follows `{}` in the path.", k.segment);
            Field::plain(&doc, &k.field.to_string(), format!("crate::ids::{}", k.ty))
        })
        .collect()
}

/// The field every operation has for its request headers.
fn headers_field() -> Field {
    Field::plain(
        "Headers added to the request (`If-Match`, `If-None-Match`, `Prefer`, ...).",
        "headers",
        "crate::odata::RequestHeaders".to_owned(),
    )
}

/// `/beta` before the paths shown in documentation, or nothing when the version is empty.
pub(super) fn version_prefix(context: &Context<'_>) -> String {
    let version = context.config.service.version.trim_matches('/');
    if version.is_empty() { String::new() } else { format!("/{version}") }
}

/// The URL path of a resource and the keys it needs: `(format string, keys)`.
fn path_template(context: &Context<'_>, path: &ResourcePath, key_last: bool) -> (String, String, Vec<Key>) {
    let mut format = String::new();
    let mut shown = String::new();
    let mut keys: Vec<Key> = Vec::new();
    let last = path.segments.len() - 1;
    for (i, segment) in path.segments.iter().enumerate() {
        format.push('/');
        format.push_str(&segment.name.replace('{', "{{").replace('}', "}}"));
        shown.push('/');
        shown.push_str(&segment.name);
        // A collection is keyed when the path goes on past it, or ends at one entity; before a
        // cast, the key addresses the entity that is cast (`directoryObjects('x')/ns.user`).
        let casts = path.segments[i + 1..].iter().take_while(|s| s.kind == SegmentKind::Cast).count();
        let end = i + casts;
        if segment.collection && segment.kind != SegmentKind::Cast && (end < last || key_last) {
            let ty = id_ident(context, segment.entity_type);
            let suffix = if ty.to_string().ends_with("Key") { "key" } else { "id" };
            let base =
                format!("{}_{suffix}", snake(&context.type_names[&segment.entity_type]).trim_start_matches("r#"));
            let count = keys.iter().filter(|k| k.field.to_string().starts_with(&base)).count();
            let field = if count == 0 { base.clone() } else { format!("{base}{}", count + 1) };
            match context.config.service.key_syntax() {
                KeySyntax::Segment => {
                    format.push_str("/{}");
                    shown.push_str(&format!("/{{{field}}}"));
                }
                KeySyntax::Parentheses => {
                    format.push_str("{}");
                    shown.push_str(&format!("({{{field}}})"));
                }
            }
            keys.push(Key {
                field: format_ident!("{}", field),
                ty,
                segment: segment.name.clone(),
                entity: segment.entity_type,
            });
        }
    }
    (format, shown, keys)
}

/// `format!(template, self.key.to_key_predicate(), ...)` (or `to_path_segment()` with keys as
/// segments), or the literal path without keys.
fn path_expression(context: &Context<'_>, template: &str, keys: &[Key]) -> PathExpression {
    if keys.is_empty() {
        return PathExpression::Fixed(template.replace("{{", "{").replace("}}", "}"));
    }
    let fields = keys.iter().map(|k| &k.field);
    let method = match context.config.service.key_syntax() {
        KeySyntax::Segment => format_ident!("to_path_segment"),
        KeySyntax::Parentheses => format_ident!("to_key_predicate"),
    };
    PathExpression::Format(quote!(#template, #(self.#fields.#method()),*))
}

/// The path an operation's request goes to.
enum PathExpression {
    /// A path without keys, `::std::string::String::from("/me")`.
    Fixed(String),
    /// `format!(…)` with the keys: the macro's arguments.
    Format(TokenStream),
}

impl PathExpression {
    /// `let path = …;` in `to_request`, `depth` modules deep.
    fn print(&self, depth: usize, out: &mut String) {
        let mut l = Layout::default();
        l.cbox(0);
        l.let_statement("path", |l| match self {
            PathExpression::Format(arguments) => l.macro_call("format", arguments.clone()),
            PathExpression::Fixed(path) if path.is_empty() => l.word("::std::string::String::new()"),
            PathExpression::Fixed(path) => {
                l.call("::std::string::String::from", |l| l.word_with(|out| string_literal(out, path)))
            }
        });
        l.end();
        l.print_at(out, (depth + 2) * INDENT as usize);
    }
}

/// Names every operation type uses for its own members; a parameter setter of such a name gets
/// a trailing underscore.
const OPERATION_MEMBERS: &[&str] =
    &["new", "body", "query", "with_query", "headers", "header", "if_match", "if_none_match"];

/// The query option setters of operations that take query options.
const QUERY_MEMBERS: &[&str] = &["select", "expand", "filter", "orderby", "top", "skip", "count", "search"];

/// Members of an operation's impl block, `depth` modules deep, laid out by `members`.
fn printed_members(depth: usize, members: impl FnOnce(&mut Layout)) -> String {
    let mut l = Layout::default();
    l.cbox(0);
    members(&mut l);
    l.end();
    let mut out = String::new();
    l.print_at(&mut out, (depth + 1) * INDENT as usize);
    out
}

/// The setters of the `headers` field every operation has.
fn header_methods(l: &mut Layout) {
    let etag = [("etag", "impl ::std::convert::AsRef<str>")];
    let set = |l: &mut Layout, arguments: &[Argument]| l.call_statement(&["self", "headers"], "set", arguments);
    // One string per doc comment, its lines as they are printed.
    l.docs(&["Sends `If-Match: {etag}`: the service acts only if the entity still has this ETag\n\
              (the `@odata.etag` or `ETag` header of an earlier response), and answers\n\
              `412 Precondition Failed` otherwise."
        .to_owned()]);
    l.chainable("if_match", &etag, |l| set(l, &[Argument::Word("\"if-match\""), Argument::AsRef("etag")]));
    l.docs(&["Sends `If-None-Match: {etag}` (`*`: only if the entity does not exist).".to_owned()]);
    l.chainable("if_none_match", &etag, |l| set(l, &[Argument::Word("\"if-none-match\""), Argument::AsRef("etag")]));
    l.docs(&["Adds any other request header, such as `Prefer: return=representation`. A name or\n\
              value that is not valid in HTTP is left out."
        .to_owned()]);
    let name_and_value = [("name", "impl ::std::convert::AsRef<str>"), ("value", "impl ::std::convert::AsRef<str>")];
    l.chainable("header", &name_and_value, |l| set(l, &[Argument::AsRef("name"), Argument::AsRef("value")]));
}

/// `with_query` and one setter per query option the operation accepts, each setting that field
/// of its `QueryOptions`: a collection takes all eight, a single entity `$select` and `$expand`.
fn query_members(l: &mut Layout, collection: bool) {
    l.docs(&["Sets all query options at once.".to_owned()]);
    l.chainable("with_query", &[("query", "crate::odata::QueryOptions")], |l| {
        l.assign_to_self(&["query"], |l| l.word("query"))
    });
    let texts = "impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>";
    let text = "impl ::std::convert::Into<::std::string::String>";
    let mut options = vec![
        ("select", "Sets the properties to return (`$select`).", texts),
        ("expand", "Sets the navigation properties to include (`$expand`).", texts),
    ];
    if collection {
        options.extend([
            ("filter", "Sets the filter expression (`$filter`), such as `status eq 'active'`.", text),
            ("orderby", "Sets the sort keys, each `property` or `property desc` (`$orderby`).", texts),
            ("top", "Sets the page size to ask for (`$top`).", "u32"),
            ("skip", "Sets how many items to skip (`$skip`).", "u32"),
            ("count", "Sets whether to ask for the total count (`$count=true`).", "bool"),
            ("search", "Sets the search expression (`$search`).", text),
        ]);
    }
    for (name, doc, ty) in options {
        l.docs(&[doc.to_owned()]);
        l.chainable(name, &[("value", ty)], |l| {
            l.assign_to_self(&["query"], |l| l.method_call(&["self", "query"], name, false, &[Argument::Word("value")]))
        });
    }
}

/// The module of a path's operations: a module per segment, `as_<type>` for a cast
/// (`directory_objects::as_user`).
fn module_path(context: &Context<'_>, path: &ResourcePath) -> Vec<String> {
    let module = |segment: &Segment| match segment.kind {
        SegmentKind::Cast => {
            format!("as_{}", snake(&context.type_names[&segment.entity_type]).trim_start_matches("r#"))
        }
        _ => snake(&segment.name),
    };
    path.segments.iter().map(module).collect()
}

pub(super) fn plan(context: &Context<'_>) -> Plan {
    let mut root = Module::default();
    for (path_index, path) in context.selection.paths.iter().enumerate() {
        let module_path = module_path(context, path);
        for depth in 0..module_path.len() {
            let module = root.at(&module_path[..=depth]);
            if module.doc.is_empty() {
                let shown: Vec<&str> = path.segments[..=depth].iter().map(|s| s.name.as_str()).collect();
                module.doc = format!("Operations on `/{}`.", shown.join("/"));
            }
        }
        for crud in &path.operations {
            root.at(&module_path).items.push(Item::Crud { path: path_index, crud: *crud });
        }
    }
    // Bound operations live in the module of the path they are invoked on.
    let mut by_module: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
    for (index, bound) in context.selection.operations.iter().enumerate() {
        let module_path = module_path(context, &context.selection.paths[bound.path]);
        by_module.entry(module_path).or_default().push(index);
    }
    for (module_path, indices) in by_module {
        // Operations whose names meet in one module (overloads, an action and a function of the
        // same name) are told apart by what they are: `…Function`/`…Action` when the kinds
        // differ, `…Collection` when bound to the collection, `…With<Parameters>` when they take
        // parameters; a number only if that still does not separate them.
        let crud_names = ["List", "Get", "Create", "Update", "Delete"];
        let base = |i: usize| {
            let op = context.model.operation(context.selection.operations[i].operation);
            let name = camel(&op.name).trim_start_matches("r#").trim_end_matches('_').to_owned();
            // An operation spelled like a CRUD operation gets a suffix.
            if crud_names.contains(&name.as_str()) { format!("{name}Operation") } else { name }
        };
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for i in &indices {
            groups.entry(base(*i)).or_default().push(*i);
        }
        let mut keys: Vec<String> = Vec::new();
        let mut wanted: BTreeMap<String, String> = BTreeMap::new();
        for (name, members) in &groups {
            let ops: Vec<_> =
                members.iter().map(|i| context.model.operation(context.selection.operations[*i].operation)).collect();
            let kinds_differ = ops.iter().any(|op| op.kind != ops[0].kind);
            let bindings_differ = ops.iter().any(|op| {
                op.binding_parameter().map(|b| b.ty.collection) != ops[0].binding_parameter().map(|b| b.ty.collection)
            });
            for (i, op) in members.iter().zip(&ops) {
                let params: Vec<String> = op.parameters.iter().map(|p| context.model.type_ref_name(&p.ty)).collect();
                let key = format!("{}({})#{i}", op.name, params.join(","));
                let mut rust = name.clone();
                if members.len() > 1 {
                    if kinds_differ {
                        rust.push_str(if op.kind == OperationKind::Action { "Action" } else { "Function" });
                    }
                    if bindings_differ && op.binding_parameter().is_some_and(|b| b.ty.collection) {
                        rust.push_str("Collection");
                    }
                    let own: Vec<String> = op
                        .non_binding_parameters()
                        .iter()
                        .map(|p| camel(&p.name).trim_start_matches("r#").trim_end_matches('_').to_owned())
                        .collect();
                    if !own.is_empty() {
                        rust.push_str("With");
                        rust.push_str(&own.join(""));
                    }
                }
                wanted.insert(key.clone(), rust);
                keys.push(key);
            }
        }
        let names = unique(keys.iter().map(String::as_str), |key| escape(wanted[key].clone()), &[]);
        let keys: Vec<String> = indices
            .iter()
            .map(|i| keys.iter().find(|k| k.ends_with(&format!("#{i}"))).cloned().unwrap_or_default())
            .collect();
        for (i, key) in indices.iter().zip(&keys) {
            root.at(&module_path).items.push(Item::Bound { index: *i, name: names[key].clone() });
        }
    }
    // Action and function imports live at the root, as they are addressed at the service root;
    // overloads of one function import are told apart by their parameters.
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (index, imported) in context.selection.imports.iter().enumerate() {
        by_name.entry(imported.name.clone()).or_default().push(index);
    }
    let mut wanted: BTreeMap<String, String> = BTreeMap::new();
    for (name, indices) in &by_name {
        for index in indices {
            let op = context.model.operation(context.selection.imports[*index].operation);
            let mut rust = camel(name).trim_start_matches("r#").trim_end_matches('_').to_owned();
            let own: Vec<String> = op
                .parameters
                .iter()
                .map(|p| camel(&p.name).trim_start_matches("r#").trim_end_matches('_').to_owned())
                .collect();
            if indices.len() > 1 && !own.is_empty() {
                rust.push_str("With");
                rust.push_str(&own.join(""));
            }
            wanted.insert(format!("{name}#{index}"), rust);
        }
    }
    // `Literal` is the module's own helper type.
    let names = unique(wanted.keys().map(String::as_str), |key| escape(wanted[key].clone()), &["Literal"]);
    for (key, rust_name) in &names {
        let index: usize = key.rsplit('#').next().and_then(|i| i.parse().ok()).unwrap_or_default();
        root.items.push(Item::Import { index, name: rust_name.clone() });
    }
    let mut units = Vec::new();
    root.units(0, &mut units);
    let depths = units.iter().map(|unit| if let Unit::Item { depth, .. } = unit { depth + 1 } else { 0 }).max();
    let shared = (0..depths.unwrap_or_default()).map(|_| Shared::default()).collect();
    Plan { units, shared }
}

/// The head of the `operations` file: its documentation.
pub(super) const HEAD: &str = "\
//! Operations: one type per operation, in modules that mirror the URL path.
//!
//! Build an operation, turn it into an `http::Request` with
//! [`crate::odata::Operation::to_request`], send it with any HTTP client, and decode the
//! response with [`crate::odata::Operation::parse_response`].
";

/// The piece of the file at `index`, printed. A module's head and end are printed directly;
/// an operation is decided, then printed by [`Decided::print`].
pub(super) fn unit(context: &Context<'_>, plan: &Plan, index: usize) -> Result<String, String> {
    let indent = |depth: usize| depth * INDENT as usize;
    match &plan.units[index] {
        Unit::Open { depth, name, doc } => {
            let mut out = String::new();
            let mut l = Layout::default();
            l.docs(std::slice::from_ref(doc));
            l.print_at(&mut out, indent(*depth));
            push_spaces(&mut out, indent(*depth));
            out.push_str(&format!("pub mod {} {{\n", ident(name)));
            Ok(out)
        }
        Unit::Close { depth } => Ok(format!("{}}}\n", " ".repeat(indent(*depth)))),
        Unit::Item { depth, item } => Ok(decide(context, item)?.print(*depth, &plan.shared[*depth])),
    }
}

/// The end of the `operations` file: the helpers that the operations share, the same in every
/// crate (laid out as prettyplease lays it out, like every other generated file).
pub(super) const TAIL: &str = include_str!("../../templates/operations_tail.rs");

fn crud_operation(context: &Context<'_>, path: &ResourcePath, crud: CrudOperation) -> Decided {
    let target = path.last().entity_type;
    let model_type = context.model_type(target);
    let polymorphic = context.any_members.contains_key(&target);
    let key_last =
        matches!(crud, CrudOperation::Get | CrudOperation::Update | CrudOperation::Delete) && path.last().collection;
    let (template, shown, keys) = path_template(context, path, key_last);
    let (method, verb) = match crud {
        CrudOperation::List => ("GET", "Lists"),
        CrudOperation::Get => ("GET", "Reads"),
        CrudOperation::Create => ("POST", "Creates"),
        CrudOperation::Update => ("PATCH", "Updates"),
        CrudOperation::Delete => ("DELETE", "Deletes"),
    };
    let name = format_ident!("{crud:?}");
    let qualified = &context.model.ty(target).qualified_name;
    let what = match crud {
        CrudOperation::List => {
            // A cast names the path it casts: "of `directoryObjects/microsoft.graph.device`".
            let of = if path.last().kind == SegmentKind::Cast {
                path.segments.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join("/")
            } else {
                path.last().name.clone()
            };
            format!("{verb} the `{qualified}` entities of `{of}`, one page at a time.")
        }
        _ => format!("{verb} a `{qualified}`."),
    };
    let mut doc_text = vec![what, String::new(), format!("`{method} {}{shown}`", version_prefix(context))];
    if let Some(description) = context.model.ty(target).annotations.description() {
        doc_text.push(String::new());
        doc_text.push(description.trim().to_owned());
    }
    let name_text = format!("{crud:?}");
    let example = super::examples::Example {
        module: module_path(context, path),
        name: &name_text,
        method,
        shown: &shown,
        keys: example_keys(&keys),
        arguments: match crud {
            CrudOperation::Create | CrudOperation::Update => vec![super::examples::Argument::Model(target)],
            _ => Vec::new(),
        },
        call: String::new(),
    };
    doc_text.extend(super::examples::lines(context, &example));
    let path_expr = path_expression(context, &template, &keys);
    let model_type_text = type_text(&model_type);
    let (extra_field, extra_init, extra_args, output, request, parse) = match crud {
        CrudOperation::List | CrudOperation::Get => (
            Some(Field::plain(
                "Query options (`$select`, `$filter`, `$expand`, ...).",
                "query",
                "crate::odata::QueryOptions".to_owned(),
            )),
            vec![("query".to_owned(), Init::Call("crate::odata::QueryOptions::default".to_owned()))],
            None,
            if crud == CrudOperation::List {
                format!("crate::odata::Page<{model_type_text}>")
            } else {
                model_type_text
            },
            // Graph needs `ConsistencyLevel: eventual` for `$count` and `$search`.
            Request { method, sent: Sent::Query { eventual_consistency: context.config.service.is_graph() } },
            if crud == CrudOperation::List { Parse::Page } else { Parse::Entity },
        ),
        CrudOperation::Create | CrudOperation::Update => (
            Some(Field::plain(
                "The entity to send; only the properties that are set are written.",
                "body",
                model_type_text.clone(),
            )),
            // A base type's value may be any of its types: `AnyX` from any of them.
            vec![("body".to_owned(), if polymorphic { Init::Into("body".to_owned()) } else { Init::Shorthand })],
            Some(Parameter { name: "body".to_owned(), ty: model_type_text.clone(), into: polymorphic }),
            if crud == CrudOperation::Create {
                model_type_text
            } else {
                format!("::std::option::Option<{model_type_text}>")
            },
            Request { method, sent: Sent::Body { expect: "generated models always serialize" } },
            if crud == CrudOperation::Create { Parse::Entity } else { Parse::OptionalEntity },
        ),
        CrudOperation::Delete => {
            (None, Vec::new(), None, "()".to_owned(), Request { method: "DELETE", sent: Sent::Nothing }, Parse::Empty)
        }
    };
    let default = keys.is_empty() && extra_args.is_none();
    let mut new = Constructor::with_keys("The operation for these keys.", &keys);
    new.parameters.extend(extra_args);
    new.fields.extend(extra_init);
    new.fields.push(("headers".to_owned(), Init::Call("::std::default::Default::default".to_owned())));
    let mut fields = key_fields_of(&keys);
    fields.extend(extra_field);
    fields.push(headers_field());
    Decided {
        name: name.to_string(),
        docs: doc_text,
        alias: None,
        deprecated: None,
        default,
        fields,
        body: None,
        new,
        setters: Vec::new(),
        query: matches!(crud, CrudOperation::List | CrudOperation::Get).then_some(crud == CrudOperation::List),
        output,
        path: path_expr,
        request,
        parse,
    }
}

fn bound_operation(context: &Context<'_>, index: usize, rust_name: &str) -> Result<Decided, String> {
    let model = context.model;
    let bound = &context.selection.operations[index];
    let op = model.operation(bound.operation);
    let path = &context.selection.paths[bound.path];
    let binding = op.binding_parameter().ok_or_else(|| format!("`{}` is not bound", op.qualified_name))?;
    let (template, shown, keys) = path_template(context, path, !binding.ty.collection && path.last().collection);
    // OData 4.0 addresses a bound operation by its namespace-qualified name; Graph also takes
    // the bare name, which its documentation uses.
    let segment = if context.config.service.is_graph() { op.name.as_str() } else { &op.qualified_name };
    operation_type(context, op, rust_name, (template, shown, keys), segment, module_path(context, path))
}

/// An action or function import: an unbound operation addressed at the service root by the
/// import's name.
fn imported_operation(context: &Context<'_>, index: usize, rust_name: &str) -> Result<Decided, String> {
    let imported = &context.selection.imports[index];
    let op = context.model.operation(imported.operation);
    operation_type(context, op, rust_name, (String::new(), String::new(), Vec::new()), &imported.name, Vec::new())
}

/// The type of one bound or imported operation, invoked at `path` (a format string, the path as
/// documentation shows it, and its keys) by the URL segment `segment`.
fn operation_type(
    context: &Context<'_>,
    op: &crate::edm::Operation,
    rust_name: &str,
    path: (String, String, Vec<Key>),
    segment: &str,
    module: Vec<String>,
) -> Result<Decided, String> {
    let model = context.model;
    let (template, shown, keys) = path;
    let name = ident(rust_name);
    let body_name = format_ident!("{}Body", rust_name.trim_start_matches("r#").trim_end_matches('_'));
    let is_action = op.kind == OperationKind::Action;
    let parameters = op.non_binding_parameters();
    // A function returning a collection of entities or complex values takes query options, so
    // its parameters' setters keep clear of theirs.
    let paged = !is_action
        && op.return_type.as_ref().is_some_and(|r| {
            r.ty.collection && matches!(r.ty.target, TypeTarget::Named(id) if model.structured(id).is_some())
        });
    let reserved: Vec<&str> =
        OPERATION_MEMBERS.iter().copied().chain(if paged { QUERY_MEMBERS } else { &[] }.iter().copied()).collect();
    let names = unique(parameters.iter().map(|p| p.name.as_str()), snake, &reserved);
    let key_names: Vec<String> = keys.iter().map(|k| k.field.to_string()).collect();
    let field_ident = |wire: &str| {
        let name = &names[wire];
        // A parameter named like a key field keeps its own, distinct field.
        if key_names.contains(name) {
            format_ident!("{}_parameter", name.trim_start_matches("r#"))
        } else {
            ident(name)
        }
    };
    let method = if is_action { "POST" } else { "GET" };
    // A function's call `segment(a=@a,...)` is written when the request is built: an optional
    // parameter that is not set is left out of it.
    let call = if is_action {
        segment.to_owned()
    } else {
        let aliases: Vec<String> = parameters.iter().map(|p| format!("{0}=@{0}", p.name)).collect();
        format!("{segment}({})", aliases.join(","))
    };
    let mut doc_text = vec![
        docs_text(
            &op.annotations,
            &format!("The {} `{}`.", if is_action { "action" } else { "function" }, op.qualified_name),
        ),
        String::new(),
        format!("`{method} {}{shown}/{call}`", version_prefix(context)),
    ];
    if op.annotations.is_deprecated() {
        doc_text.push(String::new());
        doc_text.push("**Deprecated** by the service.".to_owned());
    }
    // The example passes the required parameters; an optional one is left out of the call.
    let required_parameters: Vec<&crate::edm::Parameter> =
        parameters.iter().filter(|p| p.annotations.optional_parameter().is_none()).collect();
    let example_call = if is_action {
        format!("/{segment}")
    } else {
        let aliases: Vec<String> = required_parameters.iter().map(|p| format!("{0}=@{0}", p.name)).collect();
        format!("/{segment}({})", aliases.join(","))
    };
    let example = super::examples::Example {
        module,
        name: rust_name,
        method,
        shown: &shown,
        keys: example_keys(&keys),
        arguments: required_parameters.iter().map(|p| super::examples::Argument::Value(&p.ty)).collect(),
        call: example_call,
    };
    doc_text.extend(super::examples::lines(context, &example));
    let mut required = Vec::new();
    let mut body_fields = Vec::new();
    let mut setters = Vec::new();
    for p in parameters {
        let field = field_ident(&p.name);
        let wire = &p.name;
        let value = context.value_type(&p.ty);
        let value_text = type_text(&value);
        let optional = p.annotations.optional_parameter().is_some();
        let mut serde = vec![("rename", wire.to_string())];
        if optional {
            serde.push(("skip_serializing_if", "::std::option::Option::is_none".to_owned()));
        }
        if context.is_int64(&p.ty) {
            serde.push(("serialize_with", "crate::odata::int64::serialize".to_owned()));
        }
        // A required, non-nullable parameter is always sent: no `Option`.
        let plain = !optional && !p.nullable;
        body_fields.push(Field {
            docs: doc_text_of(&p.annotations, &format!("The `{wire}` parameter ({}).", model.type_ref_name(&p.ty))),
            deprecated: deprecated_note(&p.annotations),
            serde,
            name: field.to_string(),
            ty: if plain { value_text.clone() } else { format!("::std::option::Option<{value_text}>") },
        });
        if optional {
            setters.push((wire.to_string(), field.to_string(), value_text));
        } else {
            required.push((field, value, plain));
        }
    }
    let body_doc = vec![format!(
        "The parameters of the {} `{}`: the body of [`{rust_name}`].",
        if is_action { "action" } else { "function" },
        op.qualified_name,
        rust_name = rust_name.trim_start_matches("r#")
    )];
    let path_expr = if is_action {
        let call_template = format!("/{}", call.replace('{', "{{").replace('}', "}}"));
        path_expression(context, &(template + &call_template), &keys)
    } else {
        path_expression(context, &template, &keys)
    };
    let request = if is_action {
        if parameters.is_empty() {
            Request { method: "POST", sent: Sent::Nothing }
        } else {
            Request { method: "POST", sent: Sent::Body { expect: "generated parameter bodies always serialize" } }
        }
    } else {
        let aliases = parameters
            .iter()
            .map(|p| Alias {
                alias: format!("@{}", p.name),
                field: field_ident(&p.name).to_string(),
                optional: p.annotations.optional_parameter().is_some(),
                style: literal_style(context, &p.ty),
            })
            .collect();
        // `$filter`, `$top`, ... after the parameter aliases of a function that returns a page.
        Request { method: "GET", sent: Sent::Function { name: segment.to_owned(), aliases, paged } }
    };
    let (output, parse) = match &op.return_type {
        None => ("()".to_owned(), Parse::Empty),
        Some(r) => {
            let item = type_text(&context.item_type(&r.ty));
            let structured = matches!(r.ty.target, TypeTarget::Named(id) if model.structured(id).is_some() && context.selected.contains(&id));
            match (r.ty.collection, is_action, structured) {
                (true, true, _) => (format!("::std::vec::Vec<{item}>"), Parse::Collection),
                (true, false, _) => (format!("crate::odata::Page<{item}>"), Parse::Page),
                (false, _, _) if r.ty.target == TypeTarget::Primitive(Primitive::Stream) => {
                    ("crate::odata::Stream".to_owned(), Parse::Stream)
                }
                (false, _, true) => (item, Parse::Entity),
                (false, _, false) => (item, Parse::Value),
            }
        }
    };
    let mut new = Constructor::with_keys("The operation for these keys, with its required parameters.", &keys);
    new.parameters.extend(required.iter().map(|(field, ty, _)| Parameter {
        name: field.to_string(),
        ty: type_text(ty),
        into: true,
    }));
    let mut fields = key_fields_of(&keys);
    // Operations without parameters have no body.
    let body = if parameters.is_empty() {
        None
    } else {
        fields.push(Field::plain("The parameters.", "body", body_name.to_string()));
        // Required parameters first, then the optional ones, which start unset.
        let required = required.iter().map(|(field, _, plain)| {
            let field = field.to_string();
            let value = if *plain {
                Init::Into(field.clone())
            } else {
                Init::Wrapped("::std::option::Option::Some".to_owned(), field.clone())
            };
            (field, value)
        });
        let optional = parameters
            .iter()
            .filter(|p| p.annotations.optional_parameter().is_some())
            .map(|p| (field_ident(&p.name).to_string(), Init::Path("::std::option::Option::None".to_owned())));
        new.fields.push(("body".to_owned(), Init::Struct(body_name.to_string(), required.chain(optional).collect())));
        Some((body_name.to_string(), body_doc, body_fields))
    };
    if paged {
        fields.push(Field::plain(
            "Query options for the returned collection (`$filter`, `$top`, `$select`, ...).",
            "query",
            "crate::odata::QueryOptions".to_owned(),
        ));
        new.fields.push(("query".to_owned(), Init::Call("::std::default::Default::default".to_owned())));
    }
    new.fields.push(("headers".to_owned(), Init::Call("::std::default::Default::default".to_owned())));
    fields.push(headers_field());
    Ok(Decided {
        name: name.to_string(),
        docs: doc_text,
        alias: needs_doc_alias(rust_name, &op.name).then(|| op.name.to_string()),
        deprecated: deprecated_note(&op.annotations),
        default: keys.is_empty() && required.is_empty(),
        fields,
        body,
        new,
        setters,
        query: paged.then_some(true),
        output,
        path: path_expr,
        request,
        parse,
    })
}

/// How a value is written in a URL: a variant of `Literal` in the generated code.
enum LiteralStyle {
    Quoted,
    Bare,
    Duration,
    Binary,
    Json,
    /// An enum member with its type's qualified name.
    Enum(String),
}

impl LiteralStyle {
    fn name(&self) -> &'static str {
        match self {
            LiteralStyle::Quoted => "Quoted",
            LiteralStyle::Bare => "Bare",
            LiteralStyle::Duration => "Duration",
            LiteralStyle::Binary => "Binary",
            LiteralStyle::Json => "Json",
            LiteralStyle::Enum(_) => "Enum",
        }
    }

    fn print(&self, l: &mut Layout) {
        let path = format!("crate::operations::Literal::{}", self.name());
        match self {
            LiteralStyle::Enum(qualified) => l.call(&path, |l| l.word_with(|out| string_literal(out, qualified))),
            _ => l.word(&path),
        }
    }
}

/// How a parameter of this type is written in a URL.
fn literal_style(context: &Context<'_>, ty: &crate::edm::TypeRef) -> LiteralStyle {
    if ty.collection {
        return LiteralStyle::Json;
    }
    match &ty.target {
        TypeTarget::Primitive(p) => primitive_style(*p),
        TypeTarget::Named(id) => match &context.model.ty(*id).kind {
            // OData 4.0 writes an enum member with its type (`ns.Color'Red'`); Graph takes `'Red'`.
            crate::edm::TypeKind::Enum(_) if !context.config.service.is_graph() => {
                LiteralStyle::Enum(context.model.ty(*id).qualified_name.clone())
            }
            crate::edm::TypeKind::Enum(_) => LiteralStyle::Quoted,
            crate::edm::TypeKind::Definition(d) => primitive_style(d.underlying_type),
            _ => LiteralStyle::Json,
        },
        _ => LiteralStyle::Json,
    }
}

fn primitive_style(p: Primitive) -> LiteralStyle {
    use Primitive::*;
    match p {
        String | AnnotationPath | PropertyPath | NavigationPropertyPath | AnyPropertyPath | ModelElementPath => {
            LiteralStyle::Quoted
        }
        Boolean | Byte | SByte | Int16 | Int32 | Int64 | Single | Double | Decimal | Date | DateTimeOffset
        | TimeOfDay | Guid => LiteralStyle::Bare,
        Duration => LiteralStyle::Duration,
        Binary => LiteralStyle::Binary,
        _ => LiteralStyle::Json,
    }
}

/// The description, then what the item is in the schema (as [`super::docs`]).
fn docs_text(annotations: &[crate::edm::Annotation], origin: &str) -> String {
    match annotations.description() {
        Some(description) => format!("{}\n\n{origin}", super::markdown_text(description)),
        None => origin.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rust::layout::assert_laid_out_as_prettyplease;

    #[test]
    fn shared_members_are_laid_out_as_prettyplease_lays_them_out_at_any_depth() {
        for depth in [0, 1, 3, 8, 14] {
            assert_laid_out_as_prettyplease(depth, &printed_members(depth, header_methods));
            for collection in [false, true] {
                assert_laid_out_as_prettyplease(depth, &printed_members(depth, |l| query_members(l, collection)));
            }
            for parse in [Parse::Page, Parse::OptionalEntity, Parse::Collection] {
                assert_laid_out_as_prettyplease(depth, &printed_members(depth, |l| parse_response(l, parse)));
            }
        }
    }

    /// `fn f() { … }` in an impl block `depth` modules deep, its statements printed by `body`.
    fn in_function(depth: usize, body: impl FnOnce(&mut String)) -> String {
        let indent = " ".repeat((depth + 1) * INDENT as usize);
        let mut member = format!("{indent}fn f() {{\n");
        body(&mut member);
        member.push_str(&format!("{indent}}}\n"));
        member
    }

    #[test]
    fn requests_are_laid_out_as_prettyplease_lays_them_out_at_any_depth() {
        let requests = [
            Request { method: "GET", sent: Sent::Query { eventual_consistency: true } },
            Request { method: "GET", sent: Sent::Query { eventual_consistency: false } },
            Request { method: "PATCH", sent: Sent::Body { expect: "generated models always serialize" } },
            Request { method: "POST", sent: Sent::Body { expect: "generated parameter bodies always serialize" } },
            Request { method: "DELETE", sent: Sent::Nothing },
            Request { method: "GET", sent: Sent::Function { name: "delta".into(), aliases: Vec::new(), paged: true } },
        ];
        let alias = |name: &str, optional: bool, style: LiteralStyle| Alias {
            alias: format!("@{name}"),
            field: snake(name),
            optional,
            style,
        };
        let requests = requests.into_iter().chain([false, true].map(|paged| Request {
            method: "GET",
            sent: Sent::Function {
                name: "getAnExceptionallyLongFunctionNameThatMakesTheCallBreak".into(),
                aliases: vec![
                    alias("date", false, LiteralStyle::Bare),
                    alias("reportType", true, LiteralStyle::Quoted),
                    alias("aParameterWhoseNameIsLongEnoughToBreakItsOwnFieldChain", false, LiteralStyle::Json),
                    alias("colour", true, LiteralStyle::Enum("Some.Namespace.ColourOfTheThing".into())),
                ],
                paged,
            },
        }));
        let requests: Vec<Request> = requests.collect();
        for depth in [0, 1, 2, 3, 8, 9, 14] {
            for request in &requests {
                let member = in_function(depth, |out| request.print(depth, out));
                assert!(member.contains("self.headers.apply(&mut request);"), "{member}");
                assert_laid_out_as_prettyplease(depth, &member);
            }
        }
    }

    #[test]
    fn paths_are_laid_out_as_prettyplease_lays_them_out_at_any_depth() {
        let keyed = |template: &str, fields: &[&str]| {
            let fields = fields.iter().map(|f| format_ident!("{f}"));
            PathExpression::Format(quote!(#template, #(self.#fields.to_path_segment()),*))
        };
        let long = "/deviceManagement/cloudCertificationAuthority/{}/cloudCertificationAuthorityLeafCertificate/{}";
        let paths = [
            PathExpression::Fixed(String::new()),
            PathExpression::Fixed("/me".to_owned()),
            PathExpression::Fixed(long.replace("{}", "x")),
            keyed("/books/{}", &["book_id"]),
            keyed("/deviceManagement/cloudCertificationAuthority/{}", &["cloud_certification_authority_id"]),
            keyed(long, &["cloud_certification_authority_id", "cloud_certification_authority_leaf_certificate_id"]),
            keyed("/a/{}/b/{}/c/{}", &["a", "b", "c"]),
        ];
        // From 9 modules deep the statement starts past column 29, where prettyplease still
        // leaves 60 columns.
        for depth in [0, 1, 3, 8, 9, 14] {
            for path in &paths {
                let member = in_function(depth, |out| path.print(depth, out));
                assert!(member.contains("let path = "), "{member}");
                assert_laid_out_as_prettyplease(depth, &member);
            }
        }
    }
}
