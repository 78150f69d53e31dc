//! `models`: a struct per entity and complex type, an open enum per enum type, an alias per
//! type definition.

use super::layout::{Arg, Argument, INDENT, Layout, string_literal, type_text};
use super::naming::{camel, snake, unique};
use super::{Context, deprecated_note, doc_text, ident, needs_doc_alias};
use crate::config::SerdeImpls;
use crate::edm::{EnumType, Primitive, TypeId, TypeKind, TypeTarget};

/// Field names the generator uses itself in every model struct, and the names of methods every
/// model has (derived or blanket traits): a setter of that name would shadow `x.clone()` or
/// `T::default()`, so such a property gets a trailing underscore (`default_`).
const RESERVED_FIELDS: &[&str] = &[
    "odata_type",
    "odata_etag",
    "additional_properties",
    "borrow",
    "borrow_mut",
    "clone",
    "clone_from",
    "clone_into",
    "default",
    "deserialize",
    "eq",
    "fmt",
    "from",
    "into",
    "ne",
    "serialize",
    "to_owned",
    "try_from",
    "try_into",
    "type_id",
];

/// The file's inner documentation.
pub(super) const HEADER: &str = r#"//! Models: one struct per entity and complex type, one enum per enum type.
//!
//! Every property is optional, so responses shaped by `$select` decode. Properties the
//! schema marks nullable are [`crate::odata::Nullable`], so a PATCH body can say "leave
//! unchanged" (absent) and "set to null" apart. Properties this crate does not know are
//! kept in `additional_properties` and written back unchanged.
//!
//! Models are `#[non_exhaustive]`, so a property added by a later schema is not a
//! breaking change: build them with `default()` and the chainable setters, one per
//! property (`Model::default().display_name("x")`), and read them by field. A setter of
//! a nullable property takes a value or [`crate::odata::Nullable::Null`].
"#;

/// The printed item (or items) for one selected type, printed straight from the plan.
pub(super) fn item(context: &Context<'_>, id: TypeId) -> String {
    if context.is_any_json(id) {
        return String::new();
    }
    match &context.model.ty(id).kind {
        TypeKind::Entity(_) | TypeKind::Complex(_) => {
            let mut out = String::new();
            structured(context, id, &mut out);
            if let Some(members) = context.any_members.get(&id) {
                any_enum(context, id, members, &mut out);
            }
            out
        }
        TypeKind::Enum(e) => {
            let mut out = String::new();
            enumeration(context, id, e, &mut out);
            out
        }
        TypeKind::Definition(d) => {
            let ty = context.model.ty(id);
            let mut l = Layout::default();
            l.cbox(0);
            let origin = format!("The type definition `{}` (Edm.{}).", ty.qualified_name, d.underlying_type.name());
            item_docs(&mut l, &ty.annotations, &origin);
            l.type_alias(&context.type_names[&id], &type_text(&super::primitive_type(d.underlying_type)));
            l.end();
            let mut out = String::new();
            l.print(&mut out);
            out
        }
    }
}

/// `AnyX`: a value of type `X` or of one of its selected derived types, told apart by
/// `@odata.type` when decoded, and written with it.
fn any_enum(context: &Context<'_>, base: TypeId, members: &[TypeId], out: &mut String) {
    let model = context.model;
    let ty = model.ty(base);
    let name = &context.any_names[&base];
    let abstract_base = model.structured(base).is_some_and(|s| s.is_abstract);
    let variants: Vec<&str> = members.iter().map(|id| context.type_names[id].as_str()).collect();
    let unknown = if variants.contains(&"Unknown") { "UnknownType" } else { "Unknown" };
    let qualified: Vec<&str> = members.iter().map(|id| model.ty(*id).qualified_name.as_str()).collect();

    let mut l = Layout::default();
    // Items sit in the file's consistent box: each attribute on its own line.
    l.cbox(0);
    l.docs(&[
        format!("A `{}` value of any of the types this crate has for it: decoded by `@odata.type`", ty.qualified_name),
        format!(
            "(none means `{}`{}), written with it.",
            ty.qualified_name,
            if abstract_base { ", which is abstract: `Unknown`" } else { "" }
        ),
        String::new(),
        "A type the crate does not have (a later schema's, or one left out of the selection) is kept".to_owned(),
        format!("as JSON in [`{name}::{unknown}`] and written back unchanged."),
    ]);
    l.attr_list("derive", &[Arg::Word("Debug"), Arg::Word("Clone"), Arg::Word("PartialEq")]);
    l.attr_word("non_exhaustive");
    l.enum_head(name);
    for ((id, variant), qualified) in members.iter().zip(&variants).zip(&qualified) {
        let doc = if *id == base {
            format!("A `{qualified}` itself: no `@odata.type`, or this one.")
        } else {
            format!("A `{qualified}`.")
        };
        l.docs(&[doc]);
        l.tuple_variant(variant, &format!("::std::boxed::Box<{variant}>"));
    }
    l.docs(&[format!(
        "A type derived from `{}` that this crate does not have: its JSON, unchanged.",
        ty.qualified_name
    )]);
    l.tuple_variant(unknown, "::serde_json::Map<::std::string::String, ::serde_json::Value>");
    l.close_block();

    l.impl_head(name);
    l.docs(&["The qualified name of the value's type (for an unknown one, its `@odata.type`).".to_owned()]);
    l.fn_head_with("pub ", "odata_type", receiver, "::std::option::Option<&str>");
    l.tail_with(|l| {
        l.match_head("self");
        for (variant, qualified) in variants.iter().zip(&qualified) {
            l.match_tuple_arm(&format!("Self::{variant}"), "_", |l| {
                l.call("::std::option::Option::Some", |l| l.word_with(|out| string_literal(out, qualified)))
            });
        }
        l.match_tuple_arm(&format!("Self::{unknown}"), "object", |l| {
            l.call("crate::odata::odata_type_of", |l| l.word("object"))
        });
        l.match_end();
    });
    l.close_block();
    l.close_block();

    for variant in &variants {
        l.trait_impl_head(&[], &format!("::std::convert::From<{variant}>"), name);
        let value = |l: &mut Layout| {
            l.word("value: ");
            l.ty(variant);
            l.trailing_comma(true);
        };
        l.fn_head_with("", "from", value, "Self");
        l.tail_with(|l| l.call(&format!("Self::{variant}"), |l| l.call("::std::boxed::Box::new", |l| l.word("value"))));
        l.close_block();
        l.close_block();
    }

    serialize_impl_head(&mut l, name);
    l.tail_with(|l| {
        l.match_head("self");
        for ((id, variant), qualified) in members.iter().zip(&variants).zip(&qualified) {
            if *id == base {
                // At a place typed with the base, its own values need no `@odata.type`.
                l.match_tuple_arm(&format!("Self::{variant}"), "value", |l| l.word("value.serialize(serializer)"));
            } else {
                l.match_tuple_arm(&format!("Self::{variant}"), "value", |l| {
                    l.call("crate::odata::serialize_as", |l| {
                        l.word("value.as_ref()");
                        l.trailing_comma(false);
                        l.word_with(|out| string_literal(out, &format!("#{qualified}")));
                        l.trailing_comma(false);
                        l.word("serializer");
                    })
                });
            }
        }
        l.match_tuple_arm(&format!("Self::{unknown}"), "object", |l| l.word("object.serialize(serializer)"));
        l.match_end();
    });
    l.close_block();
    l.close_block();

    l.trait_impl_head(&["'de"], "::serde::Deserialize<'de>", name);
    // The signature and the first statement as prettyplease lays them out in an impl block at
    // the top of a file (the same for every enum).
    l.cbox(INDENT);
    l.word(
        "fn deserialize<D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self, D::Error> {",
    );
    l.hardbreak_if_nonempty();
    l.word(
        "let object = <::serde_json::Map<
            ::std::string::String,
            ::serde_json::Value,
        > as ::serde::Deserialize>::deserialize(deserializer)?;",
    );
    l.hardbreak();
    l.tail_with(|l| {
        l.match_head("crate::odata::odata_type_of(&object)");
        for (id, variant) in members.iter().zip(&variants) {
            let names = context.wire_type_names(*id);
            // `Some("ns.T" | "alias.T")`, after `None |` for the base: no `@odata.type` is the base.
            let some = |l: &mut Layout| {
                l.word("::std::option::Option::Some");
                l.word("(");
                l.cbox(INDENT);
                l.zerobreak();
                l.ibox(0);
                for (index, wire) in names.iter().enumerate() {
                    if index > 0 {
                        l.space();
                        l.word("| ");
                    }
                    l.word_with(|out| string_literal(out, wire));
                }
                l.end();
                l.trailing_comma(true);
                l.offset(-INDENT);
                l.end();
                l.word(")");
            };
            let pattern = |l: &mut Layout| {
                if *id == base {
                    l.cbox(0);
                    l.word("::std::option::Option::None");
                    l.space();
                    l.word("| ");
                    some(l);
                    l.end();
                } else {
                    some(l);
                }
            };
            // `crate::odata::from_object(object).map(|value| Self::V(::std::boxed::Box::new(value)))`
            let body = |l: &mut Layout| {
                l.cbox(INDENT);
                l.call("crate::odata::from_object", |l| l.word("object"));
                l.zerobreak();
                l.word(".");
                l.word("map");
                l.cbox(0);
                l.word("(");
                l.closure("value", |l| {
                    l.call(&format!("Self::{variant}"), |l| l.call("::std::boxed::Box::new", |l| l.word("value")))
                });
                l.word(")");
                l.end();
                l.end();
            };
            l.match_arm_with(pattern, body);
        }
        l.match_arm("_", |l| {
            l.call("::std::result::Result::Ok", |l| l.call(&format!("Self::{unknown}"), |l| l.word("object")))
        });
        l.match_end();
    });
    l.close_block();
    l.close_block();
    l.end();
    l.print(out);
}

/// The navigation properties of a model that are generated: those whose target is too (for
/// `$expand`).
fn generated_navigations<'m>(context: &Context<'m>, id: TypeId) -> Vec<(TypeId, &'m crate::edm::NavigationProperty)> {
    context
        .model
        .all_navigation_properties(id)
        .into_iter()
        .filter(|(_, n)| matches!(n.ty.target, TypeTarget::Named(t) if context.selected.contains(&t)))
        .collect()
}

/// The Rust field name of each property and generated navigation property of a model, by wire
/// name (also the names of the `filter` module's functions).
pub(super) fn field_names(context: &Context<'_>, id: TypeId) -> std::collections::BTreeMap<String, String> {
    let properties = context.model.all_properties(id);
    let navigations = generated_navigations(context, id);
    let wire_names =
        properties.iter().map(|(_, p)| p.name.as_str()).chain(navigations.iter().map(|(_, n)| n.name.as_str()));
    unique(wire_names, snake, RESERVED_FIELDS)
}

/// The struct of an entity or complex type and its setters, printed straight from the plan.
fn structured(context: &Context<'_>, id: TypeId, out: &mut String) {
    let model = context.model;
    let ty = model.ty(id);
    let name = &context.type_names[&id];
    let kind = if matches!(ty.kind, TypeKind::Entity(_)) { "entity type" } else { "complex type" };
    let properties = model.all_properties(id);
    let navigations = generated_navigations(context, id);
    let names = field_names(context, id);
    let entity = matches!(ty.kind, TypeKind::Entity(_));

    let mut l = Layout::default();
    // Items sit in the file's consistent box: each attribute on its own line.
    l.cbox(0);
    item_docs(&mut l, &ty.annotations, &format!("The {kind} `{}`.", ty.qualified_name));
    if needs_doc_alias(name, &ty.name) {
        l.attr_list("doc", &[Arg::Str("alias", &ty.name)]);
    }
    let compact = context.config.krate.serde == SerdeImpls::Compact;
    let mut derives = vec![Arg::Word("Debug"), Arg::Word("Clone"), Arg::Word("PartialEq"), Arg::Word("Default")];
    if !compact {
        derives.extend([Arg::Word("::serde::Serialize"), Arg::Word("::serde::Deserialize")]);
    }
    l.attr_list("derive", &derives);
    l.attr_word("non_exhaustive");
    l.struct_head(name);
    // Each member's field, JSON name and whether it is an Int64 (for the compact impls).
    let mut members: Vec<(&str, &str, bool)> = vec![("odata_type", "@odata.type", false)];
    l.docs(&[
        "The `@odata.type` annotation: the concrete type of the instance, such as".to_owned(),
        "`#microsoft.graph.user`.".to_owned(),
    ]);
    optional_serde(&mut l, compact, "@odata.type", None);
    l.field("odata_type", STRING_OPTION);
    if entity {
        l.docs(&[
            "The entity's ETag (`@odata.etag`, or the response's `ETag` header), for".to_owned(),
            "`if_match` on an update, a delete or a bound operation.".to_owned(),
        ]);
        optional_serde(&mut l, compact, "@odata.etag", None);
        l.field("odata_etag", STRING_OPTION);
        members.push(("odata_etag", "@odata.etag", false));
    }
    // What each setter needs: field, wire name, value type, nullable, deprecation note.
    let mut setters: Vec<(&str, &str, String, bool, Option<String>)> = Vec::new();
    for (owner, p) in &properties {
        let field = names[p.name.as_str()].as_str();
        let wire = p.name.as_str();
        let type_name = model.type_ref_name(&p.ty);
        let inherited = if *owner == id {
            String::new()
        } else {
            format!(", inherited from `{}`", model.ty(*owner).qualified_name)
        };
        item_docs(&mut l, &p.annotations, &format!("The `{wire}` property ({type_name}{inherited})."));
        if needs_doc_alias(field, wire) {
            l.attr_list("doc", &[Arg::Str("alias", wire)]);
        }
        let mut item = type_text(&context.item_type(&p.ty));
        // An `Any…` enum boxes its variants already.
        let polymorphic = matches!(p.ty.target, TypeTarget::Named(t) if context.any_members.contains_key(&t));
        if !p.ty.collection && !polymorphic && recursive(context, &p.ty.target, id) {
            item = format!("::std::boxed::Box<{item}>");
        }
        let value = if p.ty.collection { format!("::std::vec::Vec<{item}>") } else { item };
        // Int64 decodes from numbers and from IEEE754Compatible strings, and is written as the
        // crate's IEEE754_COMPATIBLE says: (deserialize_with, serialize_with).
        let int64 = context.is_int64(&p.ty);
        let nullable = p.nullable && !p.ty.collection;
        let with = |helper: &'static str| int64.then_some((helper, "crate::odata::int64::serialize"));
        if nullable {
            let mut args = vec![
                Arg::Str("rename", wire),
                Arg::Word("default"),
                Arg::Str("skip_serializing_if", NULLABLE_IS_ABSENT),
            ];
            if let Some((de, ser)) = with("crate::odata::int64::nullable") {
                args.extend([Arg::Str("deserialize_with", de), Arg::Str("serialize_with", ser)]);
            }
            if !compact {
                l.attr_list("serde", &args);
            }
            l.field(field, &format!("crate::odata::Nullable<{value}>"));
        } else {
            let helper =
                if p.ty.collection { "crate::odata::int64::option_vec" } else { "crate::odata::int64::option" };
            optional_serde(&mut l, compact, wire, with(helper));
            l.field(field, &format!("::std::option::Option<{value}>"));
        }
        members.push((field, wire, int64));
        setters.push((field, wire, value, nullable, deprecated_note(&p.annotations)));
    }
    for (_, n) in &navigations {
        let field = names[n.name.as_str()].as_str();
        let wire = n.name.as_str();
        item_docs(
            &mut l,
            &n.annotations,
            &format!("The `{wire}` navigation property ({}), present when expanded.", model.type_ref_name(&n.ty)),
        );
        if needs_doc_alias(field, wire) {
            l.attr_list("doc", &[Arg::Str("alias", wire)]);
        }
        let item = type_text(&context.item_type(&n.ty));
        let value =
            if n.ty.collection { format!("::std::vec::Vec<{item}>") } else { format!("::std::boxed::Box<{item}>") };
        optional_serde(&mut l, compact, wire, None);
        l.field(field, &format!("::std::option::Option<{value}>"));
        setters.push((field, wire, value, false, None));
        members.push((field, wire, false));
    }
    l.docs(&[
        "Properties and annotations this crate does not know, kept so that they are".to_owned(),
        "written back unchanged.".to_owned(),
    ]);
    if !compact {
        l.attr_list("serde", &[Arg::Word("flatten")]);
    }
    l.field("additional_properties", "::serde_json::Map<::std::string::String, ::serde_json::Value>");
    l.close_block();

    l.impl_head(name);
    setter(&mut l, "odata_type", "@odata.type", "::std::string::String");
    if entity {
        setter(&mut l, "odata_etag", "@odata.etag", "::std::string::String");
    }
    for (field, wire, value, nullable, deprecation) in &setters {
        if *nullable {
            l.docs(&[format!("Sets `{wire}` to a value, or to `Nullable::Null` to clear it.")]);
            if let Some(note) = deprecation {
                l.attr_list("deprecated", &[Arg::Str("note", note)]);
            }
            l.setter(field, &format!("crate::odata::Nullable<{value}>"), &[field], None);
        } else {
            if let Some(note) = deprecation {
                l.attr_list("deprecated", &[Arg::Str("note", note)]);
            }
            setter(&mut l, field, wire, value);
        }
    }
    l.close_block();
    if compact {
        compact_serde(&mut l, name, &members);
    }
    l.end();
    l.print(out);
}

/// The `serde = "compact"` impls of a model struct: `Deserialize` through the shared map loop,
/// `Fields` (the members' JSON names and a setter by position), and `Serialize` through the
/// shared writer. One plain call per member and no `?`: the code rustc holds per struct stays
/// small.
fn compact_serde(l: &mut Layout, name: &str, members: &[(&str, &str, bool)]) {
    l.trait_impl_head(&["'de"], "::serde::Deserialize<'de>", name);
    l.word(
        "fn deserialize<D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self, D::Error> {
        crate::odata::model_serde::deserialize(deserializer)
    }",
    );
    l.hardbreak();
    l.close_block();

    l.trait_impl_head(&[], "crate::odata::model_serde::Fields", name);
    // The Rust name, as in the derives' "expected struct Name".
    l.assoc_const("NAME", "&'static str", |l| l.word_with(|out| string_literal(out, name)));
    let wires: Vec<String> = members.iter().map(|(_, wire, _)| (*wire).to_owned()).collect();
    l.assoc_const("FIELDS", "&'static [&'static str]", |l| {
        l.word("&");
        l.array(&wires);
    });
    let int64 = members.iter().any(|(_, _, int64)| *int64);
    // The signature as prettyplease lays it out in an impl block at the top of a file.
    l.cbox(INDENT);
    l.word(
        "fn set<'de, A: ::serde::de::MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> ::std::result::Result<(), A::Error> {",
    );
    l.hardbreak();
    l.word(if int64 {
        "use crate::odata::model_serde::{put, put_int64};"
    } else {
        "use crate::odata::model_serde::put;"
    });
    l.hardbreak();
    l.tail_with(|l| {
        l.match_head("index");
        for (index, (field, _, int64)) in members.iter().enumerate() {
            l.match_arm(&index.to_string(), |l| {
                l.call(if *int64 { "put_int64" } else { "put" }, |l| {
                    l.self_field_ref("&mut ", field);
                    l.trailing_comma(false);
                    l.word("map");
                })
            });
        }
        l.match_arm("_", |l| l.word("::std::result::Result::Ok(())"));
        l.match_end();
    });
    l.close_block();
    l.word(
        "fn additional_properties(
        &mut self,
    ) -> &mut ::serde_json::Map<::std::string::String, ::serde_json::Value> {
        &mut self.additional_properties
    }",
    );
    l.hardbreak();
    l.close_block();

    serialize_impl_head(l, name);
    l.word("let mut writer = crate::odata::model_serde::writer(serializer);");
    l.hardbreak();
    for (field, wire, int64) in members {
        let key = {
            let mut key = String::new();
            string_literal(&mut key, wire);
            key
        };
        l.call_statement(
            &["writer"],
            if *int64 { "int64" } else { "field" },
            &[Argument::Word(&key), Argument::SelfFieldRef(field)],
        );
    }
    l.tail_with(|l| {
        l.method_call(&["writer"], "end", false, &[Argument::Word("&self.additional_properties")]);
    });
    l.close_block();
    l.close_block();
}

const STRING_OPTION: &str = "::std::option::Option<::std::string::String>";
const NULLABLE_IS_ABSENT: &str = "crate::odata::Nullable::is_absent";

/// The documentation of an item: its lines, then `#[deprecated]` when the service deprecates it.
fn item_docs(l: &mut Layout, annotations: &[crate::edm::Annotation], origin: &str) {
    l.docs(&doc_text(annotations, origin));
    if let Some(note) = deprecated_note(annotations) {
        l.attr_list("deprecated", &[Arg::Str("note", &note)]);
    }
}

/// `#[serde(rename = …, default, skip_serializing_if = "::std::option::Option::is_none")]`,
/// with `(deserialize_with, serialize_with)` helpers when given; nothing for `compact`.
fn optional_serde(l: &mut Layout, compact: bool, wire: &str, with: Option<(&str, &str)>) {
    if compact {
        return;
    }
    let mut args = vec![
        Arg::Str("rename", wire),
        Arg::Word("default"),
        Arg::Str("skip_serializing_if", "::std::option::Option::is_none"),
    ];
    if let Some((de, ser)) = with {
        args.extend([Arg::Str("deserialize_with", de), Arg::Str("serialize_with", ser)]);
    }
    l.attr_list("serde", &args);
}

/// The setter of an optional (not nullable) field.
fn setter(l: &mut Layout, field: &str, wire: &str, value: &str) {
    l.docs(&[format!("Sets `{wire}`.")]);
    l.setter(field, value, &[field], Some("::std::option::Option::Some"));
}

/// Whether a single-valued property of type `target` in `owner` makes the struct infinitely
/// large: `target` reaches `owner` through single-valued structural properties.
fn recursive(context: &Context<'_>, target: &TypeTarget, owner: TypeId) -> bool {
    let TypeTarget::Named(start) = target else { return false };
    let mut stack = vec![*start];
    let mut seen = std::collections::BTreeSet::new();
    while let Some(current) = stack.pop() {
        if current == owner {
            return true;
        }
        if !seen.insert(current) || !context.selected.contains(&current) {
            continue;
        }
        for (_, p) in context.model.all_properties(current) {
            if let (TypeTarget::Named(next), false) = (&p.ty.target, p.ty.collection) {
                stack.push(*next);
            }
        }
    }
    false
}

fn enumeration(context: &Context<'_>, id: TypeId, e: &EnumType, out: &mut String) {
    let ty = context.model.ty(id);
    let name = &context.type_names[&id];
    let flags = if e.is_flags { " Flags: properties hold several members, written comma-separated." } else { "" };
    let names = unique(e.members.iter().map(|m| m.name.as_str()), camel, &["Unrecognized"]);
    let variants: Vec<String> = e.members.iter().map(|m| ident(&names[m.name.as_str()]).to_string()).collect();
    let underlying = match e.underlying_type {
        Primitive::Byte | Primitive::SByte | Primitive::Int16 | Primitive::Int32 | Primitive::Int64 => {
            e.underlying_type.name()
        }
        _ => "Int32",
    };

    let mut l = Layout::default();
    // Items sit in the file's consistent box: each attribute on its own line.
    l.cbox(0);
    item_docs(&mut l, &ty.annotations, &format!("The enum type `{}`.{flags}", ty.qualified_name));
    l.docs(&[
        String::new(),
        "The enum is open: a member the service adds later decodes into `Unrecognized` with".to_owned(),
        "its name and is written back unchanged. It is `#[non_exhaustive]`, so a member added".to_owned(),
        "by a later schema is not a breaking change.".to_owned(),
    ]);
    let derives = ["Debug", "Clone", "PartialEq", "Eq", "Hash", "PartialOrd", "Ord"];
    l.attr_list("derive", &derives.map(Arg::Word));
    l.attr_word("non_exhaustive");
    l.enum_head(name);
    for (member, variant) in e.members.iter().zip(&variants) {
        item_docs(&mut l, &member.annotations, &format!("`{}` (value {}).", member.name, member.value));
        l.word(variant);
        l.word(",");
        l.hardbreak();
    }
    l.docs(&["A member this crate does not know yet, kept exactly as the service sent it.".to_owned()]);
    l.tuple_variant("Unrecognized", "::std::string::String");
    l.close_block();

    l.impl_head(name);
    l.docs(&["The member's name as the service writes it.".to_owned()]);
    l.fn_head_with("pub ", "as_str", receiver, "&str");
    l.tail_with(|l| {
        l.match_head("self");
        for (member, variant) in e.members.iter().zip(&variants) {
            l.match_arm(&format!("Self::{variant}"), |l| l.word_with(|out| string_literal(out, &member.name)));
        }
        l.match_arm("Self::Unrecognized(name)", |l| l.word("name"));
        l.match_end();
    });
    l.close_block();
    l.docs(&[format!(
        "The member's numeric value (Edm.{underlying}), or `None` for a member this crate does not know."
    )]);
    l.fn_head_with("pub ", "value", receiver, "::std::option::Option<i64>");
    l.tail_with(|l| {
        l.match_head("self");
        for (member, variant) in e.members.iter().zip(&variants) {
            l.match_arm(&format!("Self::{variant}"), |l| {
                l.call("::std::option::Option::Some", |l| l.word(&format!("{}i64", member.value)))
            });
        }
        l.match_arm("Self::Unrecognized(_)", |l| l.word("::std::option::Option::None"));
        l.match_end();
    });
    l.close_block();
    l.close_block();

    // Not `Self::Err` in `from_str`: an enum member named `Err` would make it ambiguous.
    l.trait_impl_head(&[], "::std::str::FromStr", name);
    l.associated_type("Err", "::std::convert::Infallible");
    let name_parameter = |l: &mut Layout| {
        l.word("name: &str");
        l.trailing_comma(true);
    };
    l.fn_head_with("", "from_str", name_parameter, "::std::result::Result<Self, ::std::convert::Infallible>");
    l.tail_with(|l| {
        l.call("::std::result::Result::Ok", |l| {
            l.match_head("name");
            for (member, variant) in e.members.iter().zip(&variants) {
                let mut pattern = String::new();
                string_literal(&mut pattern, &member.name);
                l.match_arm(&pattern, |l| l.word(&format!("Self::{variant}")));
            }
            l.match_arm("other", |l| l.word("Self::Unrecognized(other.to_owned())"));
            l.match_end();
        })
    });
    l.close_block();
    l.close_block();

    // The rest does not depend on the members.
    for (generics, trait_path, members) in ENUM_TRAIT_IMPLS {
        l.trait_impl_head(generics, trait_path, name);
        l.word(members.trim_end_matches('\n'));
        l.hardbreak();
        l.close_block();
    }
    l.end();
    l.print(out);
}

/// `impl ::serde::Serialize for Name {` and the head of its `serialize`, as prettyplease lays
/// them out in an impl block at the top of a file; the body follows, then two `close_block`s.
fn serialize_impl_head(l: &mut Layout, name: &str) {
    l.trait_impl_head(&[], "::serde::Serialize", name);
    l.cbox(INDENT);
    l.word(
        "fn serialize<S: ::serde::Serializer>(
        &self,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {",
    );
    l.hardbreak_if_nonempty();
}

/// `&self` as the only parameter of a method.
fn receiver(l: &mut Layout) {
    l.word("&self");
    l.trailing_comma(true);
}

/// The trait impls of every enum type that do not depend on its members: generics, trait, and
/// the impl's members as prettyplease lays them out in an impl block at the top of a file.
const ENUM_TRAIT_IMPLS: [(&[&str], &str, &str); 4] = [
    (
        &[],
        "::std::convert::AsRef<str>",
        "fn as_ref(&self) -> &str {
        self.as_str()
    }",
    ),
    (
        &[],
        "::std::fmt::Display",
        "fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        f.write_str(self.as_str())
    }",
    ),
    (
        &[],
        "::serde::Serialize",
        "fn serialize<S: ::serde::Serializer>(
        &self,
        serializer: S,
    ) -> ::std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }",
    ),
    (
        &["'de"],
        "::serde::Deserialize<'de>",
        "fn deserialize<D: ::serde::Deserializer<'de>>(
        deserializer: D,
    ) -> ::std::result::Result<Self, D::Error> {
        let name = <::std::borrow::Cow<
            'de,
            str,
        > as ::serde::Deserialize>::deserialize(deserializer)?;
        ::std::result::Result::Ok(
            match name.parse() {
                ::std::result::Result::Ok(member) => member,
                ::std::result::Result::Err(never) => match never {}
            },
        )
    }",
    ),
];
