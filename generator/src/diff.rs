//! `diff`: what a schema change does to the generated crate.
//!
//! Both documents go through the configured selection and the generator; the two crates'
//! public APIs ([`crate::rust::surface`]) are compared item by item. So `diff` reports exactly
//! what the crate gains, loses or changes (never a schema element the crate does not contain),
//! and names each item's CSDL origin. Each change is judged as Rust's semver rules judge it, and
//! names the cargo-semver-checks lints that flag it where that tool has them.

use crate::config::Config;
use crate::edm::Model;
use crate::rust::surface::{ApiItem, ItemKind};
use crate::select::Selection;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub change: ChangeKind,
    /// Whether code using the crate can stop compiling (a major version under semver).
    pub breaking: bool,
    /// The Rust item: `models::User`, `models::User.display_name` (a field),
    /// `models::User::display_name()` (a method), `models::Color::Red` (a variant).
    pub path: String,
    /// What the item is (`struct`, `field`, `method`, `enum`, `variant`, ...).
    pub element: &'static str,
    /// The CSDL element it comes from (`microsoft.graph.user/displayName`).
    pub origin: String,
    pub detail: String,
    /// The cargo-semver-checks lints that report this change (and the members folded into it),
    /// when the tool has them; a breaking change without one (a changed field type) is one that
    /// tool does not see.
    pub lints: Vec<&'static str>,
    /// Items that change with this one and are not listed on their own: the setter of a field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub breaking: bool,
    pub changes: Vec<Change>,
    /// Configured roots (types and paths) that one document or both lack.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing_roots: Vec<MissingRoot>,
}

/// A configured type or path that a document does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingRoot {
    pub root: String,
    /// The configuration key it is listed under: `select.types` or `select.paths`.
    pub key: &'static str,
    /// `old`, `new`, or both.
    pub missing_from: Vec<&'static str>,
}

impl MissingRoot {
    pub fn in_neither(&self) -> bool {
        self.missing_from.len() == 2
    }
}

impl Report {
    /// Roots that neither document has: the configuration does not describe these documents,
    /// and a diff of them would say "no changes" for the wrong reason.
    pub fn roots_in_neither(&self) -> Vec<&MissingRoot> {
        self.missing_roots.iter().filter(|r| r.in_neither()).collect()
    }
}

fn missing_roots(old: &Model, new: &Model, config: &Config) -> Vec<MissingRoot> {
    let has_type = |model: &Model, name: &str| model.find_type(name).is_some_and(|id| model.structured(id).is_some());
    let types = config.select.types.iter().map(|name| (name, "select.types", has_type(old, name), has_type(new, name)));
    let paths = config.select.paths.iter().map(|p| {
        let path = &p.path;
        (path, "select.paths", crate::select::path_resolves(old, path), crate::select::path_resolves(new, path))
    });
    types
        .chain(paths)
        .filter(|(_, _, in_old, in_new)| !(in_old & in_new))
        .map(|(root, key, in_old, in_new)| MissingRoot {
            root: root.clone(),
            key,
            missing_from: [(!in_old).then_some("old"), (!in_new).then_some("new")].into_iter().flatten().collect(),
        })
        .collect()
}

/// Compares the crates the generator makes from two documents with this configuration.
pub fn diff(old: &Model, new: &Model, config: &Config) -> Result<Report, String> {
    let before = api(old, config).map_err(|e| format!("the old document: {e}"))?;
    let after = api(new, config).map_err(|e| format!("the new document: {e}"))?;
    let changes = compare(&before, &after);
    Ok(Report { breaking: changes.iter().any(|c| c.breaking), changes, missing_roots: missing_roots(old, new, config) })
}

/// The public API of the crate generated from `model`.
pub fn api(model: &Model, config: &Config) -> Result<BTreeMap<String, ApiItem>, String> {
    crate::rust::surface::surface(&generated_files(model, config)?)
}

/// The crate's files as `generate` writes them from `model`, for the part of the selection the
/// document has (configured types and paths it lacks are left out).
pub fn generated_files(model: &Model, config: &Config) -> Result<BTreeMap<String, String>, String> {
    crate::rust::generate(model, &lenient_selection(model, config), config)
}

/// Every difference between two public APIs, judged.
pub fn compare(before: &BTreeMap<String, ApiItem>, after: &BTreeMap<String, ApiItem>) -> Vec<Change> {
    let mut changes = Vec::new();
    let change = |change, breaking, path: &str, item: &ApiItem, detail: String, lint: Option<&'static str>| Change {
        change,
        breaking,
        path: path.to_owned(),
        element: item.kind.label(),
        origin: item.origin.clone(),
        detail,
        lints: lint.into_iter().collect(),
        also: Vec::new(),
    };
    for (path, old) in before {
        let Some(new) = after.get(path) else {
            let lint = match old.kind {
                ItemKind::Struct => Some("struct_missing"),
                ItemKind::Enum => Some("enum_missing"),
                ItemKind::Field => Some("struct_pub_field_missing"),
                ItemKind::Method => Some("inherent_method_missing"),
                ItemKind::Variant => Some("enum_variant_missing"),
                ItemKind::Const => Some("pub_module_level_const_missing"),
                ItemKind::TypeAlias => None,
            };
            let detail = format!("{} removed ({})", old.kind.label(), old.signature);
            changes.push(change(ChangeKind::Removed, true, path, old, detail, lint));
            continue;
        };
        if old.signature != new.signature {
            let (breaking, what, lint) = match old.kind {
                ItemKind::Field | ItemKind::TypeAlias | ItemKind::Variant => (true, "type", None),
                ItemKind::Method if old.parameters != new.parameters => {
                    (true, "signature", Some("method_parameter_count_changed"))
                }
                ItemKind::Method => (true, "signature", None),
                ItemKind::Struct | ItemKind::Enum => (true, "kind", Some("struct_kind_changed")),
                ItemKind::Const => (false, "value", None),
            };
            let detail = format!("{what} changed: {} → {}", old.signature, new.signature);
            changes.push(change(ChangeKind::Changed, breaking, path, new, detail, lint));
        }
        if old.exhaustive && !new.exhaustive {
            let lint =
                if old.kind == ItemKind::Enum { "enum_marked_non_exhaustive" } else { "struct_marked_non_exhaustive" };
            changes.push(change(ChangeKind::Changed, true, path, new, "is now #[non_exhaustive]".into(), Some(lint)));
        }
        // Traits by name; `Operation where Output = X` with another X is a changed output type.
        let base = |t: &String| t.split(" where ").next().unwrap_or(t).to_owned();
        let new_traits: BTreeMap<String, &String> = new.traits.iter().map(|t| (base(t), t)).collect();
        for old_trait in &old.traits {
            match new_traits.get(&base(old_trait)) {
                None => {
                    let derived = DERIVES.contains(&base(old_trait).as_str());
                    let lint = derived.then_some("derive_trait_impl_removed");
                    let detail = format!("no longer implements {old_trait}");
                    changes.push(change(ChangeKind::Changed, true, path, new, detail, lint));
                }
                Some(now) if *now != old_trait => {
                    let detail = format!("trait changed: {old_trait} → {now}");
                    changes.push(change(ChangeKind::Changed, true, path, new, detail, None));
                }
                Some(_) => {}
            }
        }
        for ((what, was), (_, is)) in old.notes.iter().zip(&new.notes) {
            if was != is {
                let detail = if *what == "documentation" {
                    "documentation changed".to_owned()
                } else {
                    format!("{what} changed: {} → {}", shown(was), shown(is))
                };
                changes.push(change(ChangeKind::Changed, false, path, new, detail, None));
            }
        }
    }
    for (path, new) in after {
        if before.contains_key(path) {
            continue;
        }
        // A new field breaks struct literals, a new variant exhaustive matches, unless the
        // container is `#[non_exhaustive]`.
        let container = after.get(container_path(path)).filter(|_| new.kind.is_member());
        let exhaustive_container = container.is_some_and(|c| c.exhaustive) && before.contains_key(container_path(path));
        let (breaking, lint) = match new.kind {
            ItemKind::Field if exhaustive_container => (true, Some("constructible_struct_adds_field")),
            ItemKind::Variant if exhaustive_container => (true, Some("enum_variant_added")),
            _ => (false, None),
        };
        let detail = format!("{} added ({})", new.kind.label(), new.signature);
        changes.push(change(ChangeKind::Added, breaking, path, new, detail, lint));
    }
    // The members of an added or removed struct or enum come and go with it: one line says it.
    let whole: BTreeSet<(String, ChangeKind)> = changes
        .iter()
        .filter(|c| {
            matches!(c.change, ChangeKind::Added | ChangeKind::Removed) && matches!(c.element, "struct" | "enum")
        })
        .map(|c| (c.path.clone(), c.change))
        .collect();
    changes.retain(|c| !(is_member_path(&c.path) && whole.contains(&(container_path(&c.path).to_owned(), c.change))));
    // A documentation change that follows from a change of the item itself (the schema type in
    // a field's documentation) says nothing more.
    let changed_items: BTreeSet<String> = changes.iter().filter(|c| c.breaking).map(|c| c.path.clone()).collect();
    changes.retain(|c| !(c.detail == "documentation changed" && changed_items.contains(&c.path)));
    fold_setters(&mut changes);
    changes.sort_by(|a, b| (&a.path, a.change, &a.detail).cmp(&(&b.path, b.change, &b.detail)));
    changes
}

/// A field's setter (`X::name()` beside `X.name`) changes with it: it is listed under the
/// field's change, in `also`, when both changed the same way.
fn fold_setters(changes: &mut Vec<Change>) {
    let fields: BTreeMap<(String, ChangeKind), usize> = changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.element == "field")
        .map(|(i, c)| ((c.path.clone(), c.change), i))
        .collect();
    let mut folded = BTreeSet::new();
    for (index, c) in changes.iter().enumerate() {
        let Some(setter) = c.path.strip_suffix("()").filter(|_| c.element == "method") else { continue };
        let Some((container, name)) = setter.rsplit_once("::") else { continue };
        if let Some(field) = fields.get(&(format!("{container}.{name}"), c.change)) {
            folded.insert((index, *field));
        }
    }
    for (setter, field) in &folded {
        let setter = changes[*setter].clone();
        let target = &mut changes[*field];
        target.also.push(setter.path);
        target.breaking |= setter.breaking;
        for lint in setter.lints {
            if !target.lints.contains(&lint) {
                target.lints.push(lint);
            }
        }
    }
    let removed: BTreeSet<usize> = folded.iter().map(|(setter, _)| *setter).collect();
    let mut index = 0;
    changes.retain(|_| {
        index += 1;
        !removed.contains(&(index - 1))
    });
}

/// Traits the generator derives (their removal is `derive_trait_impl_removed`).
const DERIVES: &[&str] = &[
    "Debug",
    "Clone",
    "PartialEq",
    "Eq",
    "Hash",
    "PartialOrd",
    "Ord",
    "Default",
    "serde::Serialize",
    "serde::Deserialize",
];

/// `models::User` for `models::User.name`, `models::User::name()` and `models::Color::Red`.
fn container_path(path: &str) -> &str {
    if let Some((container, _)) = path.rsplit_once('.') {
        return container;
    }
    path.rsplit_once("::").map_or(path, |(container, _)| container)
}

/// Fields, methods and variants (whose container is a type, named in UpperCamelCase, where
/// modules are snake_case).
fn is_member_path(path: &str) -> bool {
    if path.contains('.') || path.ends_with("()") {
        return true;
    }
    path.contains("::") && container_path(path).rsplit("::").next().is_some_and(|c| c.starts_with(char::is_uppercase))
}

fn shown(text: &str) -> String {
    if text.is_empty() { "(none)".to_owned() } else { format!("{text:?}") }
}

/// The selection of a configuration that a document can satisfy: configured types and paths the
/// document lacks are left out (their items show as removed or added when compared).
fn lenient_selection(model: &Model, config: &Config) -> Selection {
    let mut config = config.clone();
    config.select.types.retain(|name| model.find_type(name).is_some_and(|id| model.structured(id).is_some()));
    if let crate::config::AllOrNamed::Named(names) = &mut config.select.imports {
        let container = model.container.as_ref();
        let imports = container.into_iter().flat_map(|c| c.action_imports.iter().chain(&c.function_imports));
        let present: Vec<&str> = imports.map(|i| i.name.as_str()).collect();
        names.retain(|name| present.contains(&name.as_str()));
    }
    let paths = std::mem::take(&mut config.select.paths);
    for path in paths {
        let mut trial = config.clone();
        trial.select.paths = vec![path.clone()];
        if crate::select::select(model, &trial).is_ok() {
            config.select.paths.push(path);
        }
    }
    crate::select::select(model, &config).unwrap_or_default()
}

impl Report {
    pub fn text(&self) -> String {
        let mut out = String::new();
        for root in &self.missing_roots {
            let _ = writeln!(
                out,
                "note: `{}` ({}) is not in the {} document",
                root.root,
                root.key,
                root.missing_from.join(" or the ")
            );
        }
        if self.changes.is_empty() {
            out.push_str("no changes to the generated API\n");
            return out;
        }
        for c in &self.changes {
            let mark = if c.breaking { "BREAKING" } else { "        " };
            let change = format!("{:?}", c.change).to_lowercase();
            let origin = if c.origin.is_empty() { String::new() } else { format!(" [{}]", c.origin) };
            let also = if c.also.is_empty() { String::new() } else { format!(" (with {})", c.also.join(", ")) };
            let _ = writeln!(out, "{mark} {change:<7} {}{also}: {}{origin}", c.path, c.detail);
        }
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        let _ = writeln!(out, "\n{} change(s), {breaking} breaking", self.changes.len());
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let breaking = self.changes.iter().filter(|c| c.breaking).count();
        let _ = writeln!(out, "### Changes to the generated API\n");
        for root in &self.missing_roots {
            let _ = writeln!(
                out,
                "- `{}` (`{}`) is not in the {} document.",
                root.root,
                root.key,
                root.missing_from.join(" or the ")
            );
        }
        if !self.missing_roots.is_empty() {
            out.push('\n');
        }
        if self.changes.is_empty() {
            out.push_str("No changes to the generated API.\n");
            return out;
        }
        let verdict = if breaking > 0 { "**breaking**: release a new major version" } else { "no breaking change" };
        let _ = writeln!(out, "{} change(s), {breaking} breaking ({verdict}).\n", self.changes.len());
        out.push_str("| | change | item | detail | from the schema |\n| --- | --- | --- | --- | --- |\n");
        for c in &self.changes {
            let mark = if c.breaking { "**breaking**" } else { "" };
            let detail = c.detail.replace('|', "\\|").replace('<', "&lt;");
            let change = format!("{:?}", c.change).to_lowercase();
            let origin = if c.origin.is_empty() { String::new() } else { format!("`{}`", c.origin) };
            let also: String = c.also.iter().map(|a| format!(" (with `{a}`)")).collect();
            let _ = writeln!(out, "| {mark} | {change} | {} `{}`{also} | {detail} | {origin} |", c.element, c.path);
        }
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report of strings and booleans always serializes")
    }
}
