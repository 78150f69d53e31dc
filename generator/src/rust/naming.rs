//! Every Rust name, decided once.
//!
//! One keyword policy: keywords that can be raw identifiers become `r#type`; `self`, `Self`,
//! `super` and `crate`, which cannot, get a trailing underscore. Names that collide inside one
//! scope after case conversion are told apart by a numeric suffix given in the order of their
//! wire names, so a name depends only on the names it collides with, never on what else the
//! document contains.

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeMap;

/// Strict and reserved keywords of Rust 2024.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// A field, variable or module name: `snake_case`, escaped.
pub fn snake(name: &str) -> String {
    escape(fallback(name.to_snake_case(), "field"))
}

/// A type or variant name: `UpperCamelCase`, escaped.
pub fn camel(name: &str) -> String {
    escape(fallback(name.to_upper_camel_case(), "Unnamed"))
}

fn fallback(converted: String, empty: &str) -> String {
    if converted.is_empty() {
        return empty.to_owned();
    }
    // Identifiers cannot start with a digit (`2fa`, enum members like `1080p`).
    if converted.starts_with(|c: char| c.is_ascii_digit()) { format!("_{converted}") } else { converted }
}

/// Escapes a keyword: `r#type` where a raw identifier is allowed, `self_` where it is not.
pub fn escape(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Gives each wire name in one scope a distinct Rust name. `reserved` names are taken by the
/// generator itself (such as `additional_properties`); a wire name converting to one of them
/// gets a trailing underscore.
///
/// Wire names that collide after conversion keep the plain name in this order: the one whose
/// conversion is exact (`type` before `Type`, `eTag` before `ETag`), then by wire name; the
/// others get `2`, `3`, ... on the unescaped name (`type2`, not `r#type2`).
pub fn unique<'w>(
    wire_names: impl IntoIterator<Item = &'w str>,
    convert: impl Fn(&str) -> String,
    reserved: &[&str],
) -> BTreeMap<String, String> {
    let mut by_rust: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for wire in wire_names {
        let mut rust = convert(wire);
        while reserved.contains(&rust.as_str()) {
            rust.push('_');
        }
        by_rust.entry(rust).or_default().push(wire);
    }
    let mut result = BTreeMap::new();
    for (rust, mut wires) in by_rust {
        let bare = rust.trim_start_matches("r#").trim_end_matches('_').to_owned();
        let exact = |wire: &str| wire.to_lower_camel_case() == wire && bare.to_lower_camel_case() == wire;
        wires.sort_unstable_by(|a, b| (!exact(a), *a).cmp(&(!exact(b), *b)));
        wires.dedup();
        for (i, wire) in wires.into_iter().enumerate() {
            let name = if i == 0 { rust.clone() } else { escape(format!("{bare}{}", i + 1)) };
            result.insert(wire.to_owned(), name);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped_once() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("match"), "r#match");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("hasMFA"), "has_mfa");
        assert_eq!(snake("v4_0_3"), "v4_0_3");
        assert_eq!(snake("request-id"), "request_id");
        assert_eq!(camel("none"), "None");
        assert_eq!(camel("1080p"), "_1080p");
        assert_eq!(snake(""), "field");
    }

    #[test]
    fn collisions_are_numbered_by_wire_name_only() {
        let names = unique(["remote_Control_Software", "remoteControlSoftware", "other"], camel, &[]);
        let fields = unique(["Type", "type", "ETag", "eTag", "self", "Self"], snake, &[]);
        assert_eq!(fields["type"], "r#type");
        assert_eq!(fields["Type"], "type2");
        assert_eq!(fields["eTag"], "e_tag");
        assert_eq!(fields["ETag"], "e_tag2");
        assert_eq!(fields["self"], "self_");
        assert_eq!(fields["Self"], "self2");
        assert_eq!(names["remoteControlSoftware"], "RemoteControlSoftware");
        assert_eq!(names["remote_Control_Software"], "RemoteControlSoftware2");
        assert_eq!(names["other"], "Other");
        // Adding an unrelated name changes nothing.
        let more = unique(["remote_Control_Software", "zeta", "remoteControlSoftware", "other"], camel, &[]);
        assert_eq!(more["remote_Control_Software"], "RemoteControlSoftware2");
        let reserved = unique(["additionalProperties"], snake, &["additional_properties"]);
        assert_eq!(reserved["additionalProperties"], "additional_properties_");
    }
}
