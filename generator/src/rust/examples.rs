//! The compiled example in every operation's documentation: it builds the operation with sample
//! arguments, turns it into a request for a sample service root, and asserts the method and the
//! URL path, so `cargo test --doc` checks that what the documentation shows is what is sent.

use super::Context;
use crate::config::KeySyntax;
use crate::edm::{Primitive, TypeId, TypeKind, TypeRef, TypeTarget};

/// What the example of one operation needs.
pub(super) struct Example<'a> {
    /// The operation's module below `operations` (empty for an import).
    pub module: Vec<String>,
    /// The operation's type name.
    pub name: &'a str,
    pub method: &'a str,
    /// The path as the documentation shows it, a `{field}` where each key goes.
    pub shown: &'a str,
    /// Each key: its field and the entity type whose id it is.
    pub keys: Vec<(String, TypeId)>,
    /// The constructor's other arguments, in order.
    pub arguments: Vec<Argument<'a>>,
    /// What follows the path: `/ns.action`, or a function call with its required parameters.
    pub call: String,
}

pub(super) enum Argument<'a> {
    /// A value of this type (a parameter).
    Value(&'a TypeRef),
    /// A model (the body of a create or update).
    Model(TypeId),
}

/// The documentation lines of the example, or none when an argument has no simple sample value.
pub(super) fn lines(context: &Context<'_>, example: &Example<'_>) -> Vec<String> {
    let krate = context.config.krate.name.replace('-', "_");
    let mut arguments = Vec::new();
    let mut path = example.shown.to_owned();
    for (field, entity) in &example.keys {
        let Some((code, literal)) = key_sample(context, &krate, *entity) else { return Vec::new() };
        arguments.push(code);
        path = path.replace(&format!("{{{field}}}"), &literal);
    }
    for argument in &example.arguments {
        let sample = match argument {
            Argument::Value(ty) => value_sample(context, &krate, ty),
            Argument::Model(id) => model_sample(context, &krate, *id),
        };
        let Some(sample) = sample else { return Vec::new() };
        arguments.push(sample);
    }
    let graph = context.config.service.is_graph();
    let (root_type, root, prefix) = if graph {
        ("Cloud", "Cloud::Global".to_owned(), String::new())
    } else {
        ("ServiceRoot", "ServiceRoot::new(\"https://host/service/\")".to_owned(), "/service".to_owned())
    };
    let version = super::operations::version_prefix(context);
    // `use …::operations::a::b;` then `b::Get`, or an import at the root by its own name.
    let (imported, used) = match example.module.split_last() {
        None => (format!("use {krate}::operations::{};", example.name), example.name.to_owned()),
        Some((last, parent)) => {
            let parent: String = parent.iter().map(|m| format!("::{m}")).collect();
            (format!("use {krate}::operations{parent}::{last};"), format!("{last}::{}", example.name))
        }
    };
    vec![
        String::new(),
        "# Example".to_owned(),
        String::new(),
        "```".to_owned(),
        format!("use {krate}::odata::{{{root_type}, Operation}};"),
        imported,
        String::new(),
        format!("let op = {used}::new({});", arguments.join(", ")),
        format!("let request = op.to_request(&{root});"),
        format!("assert_eq!(request.method(), \"{}\");", example.method),
        format!("assert_eq!(request.uri().path(), \"{prefix}{version}{path}{}\");", example.call),
        "```".to_owned(),
    ]
}

/// The argument for a key and how it is written in the path: `"id"` → `('id')`.
fn key_sample(context: &Context<'_>, krate: &str, entity: TypeId) -> Option<(String, String)> {
    let model = context.model;
    let key = model.key(entity)?;
    let mut codes = Vec::new();
    let mut literals = Vec::new();
    for property_ref in key {
        let property = model.all_properties(entity).into_iter().find(|(_, p)| p.name == property_ref.name)?.1;
        let primitive = match &property.ty.target {
            TypeTarget::Primitive(p) => *p,
            TypeTarget::Named(id) => match &model.ty(*id).kind {
                TypeKind::Definition(d) => d.underlying_type,
                _ => return None,
            },
            _ => return None,
        };
        let (code, literal) = match primitive {
            Primitive::String => ("\"id\"".to_owned(), "'id'".to_owned()),
            Primitive::Guid => {
                (format!("{krate}::uuid::Uuid::nil()"), "00000000-0000-0000-0000-000000000000".to_owned())
            }
            Primitive::Boolean => ("true".to_owned(), "true".to_owned()),
            p => (integer(p)?, "1".to_owned()),
        };
        let wire = property_ref.alias.as_deref().unwrap_or(&property_ref.name);
        codes.push(code);
        literals.push((wire.to_owned(), literal));
    }
    // A string id converts from `&str`; others are built with their constructor.
    let code = if codes == ["\"id\""] {
        codes[0].clone()
    } else {
        let id_type = super::operations::id_type_name(context, entity);
        format!("{krate}::ids::{id_type}::new({})", codes.join(", "))
    };
    let literal = match (context.config.service.key_syntax(), literals.as_slice()) {
        (KeySyntax::Segment, [(_, literal)]) => literal.trim_matches('\'').to_owned(),
        (KeySyntax::Parentheses, [(_, literal)]) => literal.clone(),
        (KeySyntax::Parentheses, parts) => {
            parts.iter().map(|(wire, literal)| format!("{wire}={literal}")).collect::<Vec<_>>().join(",")
        }
        (KeySyntax::Segment, _) => return None,
    };
    Some((code, literal))
}

/// An integer literal of exactly this type (`1i64`), so `impl Into<i64>` infers.
fn integer(p: Primitive) -> Option<String> {
    let suffix = match p {
        Primitive::Byte => "u8",
        Primitive::SByte => "i8",
        Primitive::Int16 => "i16",
        Primitive::Int32 => "i32",
        Primitive::Int64 => "i64",
        _ => return None,
    };
    Some(format!("1{suffix}"))
}

/// A value of a parameter's type.
fn value_sample(context: &Context<'_>, krate: &str, ty: &TypeRef) -> Option<String> {
    if ty.collection {
        return Some("Vec::new()".to_owned());
    }
    let primitive = |p: Primitive| -> Option<String> {
        Some(match p {
            Primitive::String => "\"x\"".to_owned(),
            Primitive::Boolean => "true".to_owned(),
            Primitive::Guid => format!("{krate}::uuid::Uuid::nil()"),
            Primitive::Decimal => format!("{krate}::odata::Decimal(\"1.5\".into())"),
            Primitive::Double => format!("{krate}::odata::Double(1.5)"),
            Primitive::Single => format!("{krate}::odata::Single(1.5)"),
            Primitive::Date => format!("{krate}::chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap()"),
            Primitive::DateTimeOffset => {
                format!("{krate}::chrono::DateTime::parse_from_rfc3339(\"2024-01-31T12:00:00Z\").unwrap()")
            }
            Primitive::TimeOfDay => format!("{krate}::chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap()"),
            Primitive::Binary => format!("{krate}::odata::Binary(vec![1, 2, 3])"),
            Primitive::Duration => format!("{krate}::odata::Duration(\"P1D\".into())"),
            // Untyped, spatial and the abstract types are any JSON.
            p => integer(p).unwrap_or_else(|| format!("{krate}::serde_json::Value::Null")),
        })
    };
    match &ty.target {
        TypeTarget::Primitive(p) => primitive(*p),
        TypeTarget::Named(id) if context.is_any_json(*id) || !context.selected.contains(id) => {
            Some(format!("{krate}::serde_json::Value::Null"))
        }
        TypeTarget::Named(id) => match &context.model.ty(*id).kind {
            TypeKind::Definition(d) => primitive(d.underlying_type),
            TypeKind::Enum(e) => {
                let member = e.members.first()?;
                let name = &context.type_names[id];
                let value = format!("\"{}\".parse::<{krate}::models::{name}>().unwrap()", member.name);
                Some(if e.is_flags { format!("{krate}::odata::Flags(vec![{value}])") } else { value })
            }
            TypeKind::Entity(_) | TypeKind::Complex(_) => model_sample(context, krate, *id),
        },
        _ => Some(format!("{krate}::serde_json::Value::Null")),
    }
}

/// `X::default()` of the model, or of its first concrete selected derived type when it is
/// abstract (the argument takes `impl Into<AnyX>`).
fn model_sample(context: &Context<'_>, krate: &str, id: TypeId) -> Option<String> {
    let concrete = |t: &TypeId| context.model.structured(*t).is_some_and(|s| !s.is_abstract);
    let chosen = if concrete(&id) { id } else { *context.any_members.get(&id)?.first()? };
    Some(format!("{krate}::models::{}::default()", context.type_names[&chosen].trim_start_matches("r#")))
}
