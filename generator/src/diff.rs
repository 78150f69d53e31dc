//! `diff`: what a schema change does to the generated API.
//!
//! Each document is seen through the configured selection: the closure of the configured types,
//! their resource paths and bound operations. Everything else in the documents is ignored, so
//! two different full documents carrying the same selected types diff as empty. Each change
//! says whether it breaks code that uses the generated crate.

use crate::config::Config;
use crate::edm::{AnnotationsExt, Model, OperationKind, TypeKind};
use crate::select::Selection;
use serde::Serialize;
use std::collections::BTreeMap;
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
    pub breaking: bool,
    /// The CSDL qualified name, with `/member` for members (`microsoft.graph.x/prop`), an
    /// operation with its signature (`microsoft.graph.op(microsoft.graph.x, Edm.String)`), or a
    /// configured resource path (`path deviceManagement/x`).
    pub path: String,
    /// What the element is (`property`, `enum member`, `action`, ...).
    pub element: &'static str,
    pub detail: String,
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

/// One element of the generated API, with the facts a change is judged by.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    element: &'static str,
    /// Facts whose change breaks users (type, nullability, base type, signature ...).
    shape: String,
    /// For additions: whether adding the element breaks users (a required parameter does).
    added_breaks: bool,
    /// Facts whose change is informational (descriptions, deprecation, enum values).
    notes: Vec<(&'static str, String)>,
}

/// Compares two documents as the configuration's selection sees them.
pub fn diff(old: &Model, new: &Model, config: &Config) -> Report {
    let before = surface(old, config);
    let after = surface(new, config);
    let mut changes = Vec::new();
    for (path, entry) in &before {
        match after.get(path) {
            None => changes.push(Change {
                change: ChangeKind::Removed,
                breaking: true,
                path: path.clone(),
                element: entry.element,
                detail: format!("{} removed ({})", entry.element, entry.shape),
            }),
            Some(now) => {
                if now.shape != entry.shape {
                    changes.push(Change {
                        change: ChangeKind::Changed,
                        breaking: true,
                        path: path.clone(),
                        element: entry.element,
                        detail: format!("{} changed: {} → {}", entry.element, entry.shape, now.shape),
                    });
                }
                for ((what, was), (_, is)) in entry.notes.iter().zip(&now.notes) {
                    if was != is {
                        changes.push(Change {
                            change: ChangeKind::Changed,
                            breaking: false,
                            path: path.clone(),
                            element: entry.element,
                            detail: format!("{what} changed: {} → {}", shown(was), shown(is)),
                        });
                    }
                }
            }
        }
    }
    for (path, entry) in &after {
        if !before.contains_key(path) {
            changes.push(Change {
                change: ChangeKind::Added,
                breaking: entry.added_breaks,
                path: path.clone(),
                element: entry.element,
                detail: format!("{} added ({})", entry.element, entry.shape),
            });
        }
    }
    // The members of an added or removed type (or operation) come and go with it: one line says it.
    let whole: Vec<(String, ChangeKind)> = changes
        .iter()
        .filter(|c| c.change != ChangeKind::Changed && !c.path.contains('/'))
        .map(|c| (format!("{}/", c.path), c.change))
        .collect();
    changes.retain(|c| !whole.iter().any(|(prefix, kind)| *kind == c.change && c.path.starts_with(prefix.as_str())));
    changes.sort_by(|a, b| (&a.path, a.change, &a.detail).cmp(&(&b.path, b.change, &b.detail)));
    Report { breaking: changes.iter().any(|c| c.breaking), changes, missing_roots: missing_roots(old, new, config) }
}

fn shown(text: &str) -> String {
    if text.is_empty() { "(none)".to_owned() } else { format!("{text:?}") }
}

/// The selection of a configuration that a document can satisfy: configured types and paths the
/// document lacks are left out (they show as removed or added when compared).
fn lenient_selection(model: &Model, config: &Config) -> Selection {
    let mut config = config.clone();
    config.select.types.retain(|name| model.find_type(name).is_some_and(|id| model.structured(id).is_some()));
    let paths = std::mem::take(&mut config.select.paths);
    for path in paths {
        let mut trial = config.clone();
        trial.select.paths = vec![path.clone()];
        if crate::select::select(model, &trial).is_ok() {
            config.select.paths.push(path);
        }
    }
    crate::select::select(model, &config).unwrap_or(Selection {
        types: Vec::new(),
        roots: Vec::new(),
        operations: Vec::new(),
        paths: Vec::new(),
        spans: Vec::new(),
    })
}

/// Every element of the generated API, keyed by its CSDL path.
fn surface(model: &Model, config: &Config) -> BTreeMap<String, Entry> {
    let selection = lenient_selection(model, config);
    let mut entries = BTreeMap::new();
    let mut add = |path: String, element: &'static str, shape: String, notes: Vec<(&'static str, String)>| {
        entries.insert(path, Entry { element, shape, added_breaks: false, notes });
    };
    let text_notes = |annotations: &[crate::edm::Annotation]| {
        vec![
            ("description", annotations.description().unwrap_or_default().to_owned()),
            (
                "deprecation",
                annotations
                    .revisions()
                    .iter()
                    .filter(|r| r.kind == "Deprecated")
                    .map(|r| r.description.clone().unwrap_or_else(|| "deprecated".to_owned()))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ]
    };
    for id in &selection.types {
        let ty = model.ty(*id);
        match &ty.kind {
            TypeKind::Entity(s) | TypeKind::Complex(s) => {
                let kind = if matches!(ty.kind, TypeKind::Entity(_)) { "entity type" } else { "complex type" };
                let base = s.base_type.map(|b| model.ty(b).qualified_name.clone());
                let shape = format!(
                    "{kind}{}{}{}",
                    base.map(|b| format!(" : {b}")).unwrap_or_default(),
                    if s.is_abstract { ", abstract" } else { "" },
                    if s.open_type { ", open" } else { "" }
                );
                add(ty.qualified_name.clone(), kind, shape, text_notes(&ty.annotations));
                for p in &s.properties {
                    let shape = format!("{}{}", model.type_ref_name(&p.ty), if p.nullable { "" } else { ", not null" });
                    add(format!("{}/{}", ty.qualified_name, p.name), "property", shape, text_notes(&p.annotations));
                }
                for n in &s.navigation_properties {
                    let shape = format!("{}{}", model.type_ref_name(&n.ty), if n.nullable { "" } else { ", not null" });
                    add(
                        format!("{}/{}", ty.qualified_name, n.name),
                        "navigation property",
                        shape,
                        text_notes(&n.annotations),
                    );
                }
            }
            TypeKind::Enum(e) => {
                let shape =
                    format!("enum type, Edm.{}{}", e.underlying_type.name(), if e.is_flags { ", flags" } else { "" });
                add(ty.qualified_name.clone(), "enum type", shape, text_notes(&ty.annotations));
                for m in &e.members {
                    let mut notes = text_notes(&m.annotations);
                    notes.push(("value", m.value.to_string()));
                    add(format!("{}/{}", ty.qualified_name, m.name), "enum member", "member".to_owned(), notes);
                }
            }
            TypeKind::Definition(d) => {
                add(
                    ty.qualified_name.clone(),
                    "type definition",
                    format!("Edm.{}", d.underlying_type.name()),
                    text_notes(&ty.annotations),
                );
            }
        }
    }
    for bound in &selection.operations {
        let op = model.operation(bound.operation);
        let signature: Vec<String> = op.parameters.iter().map(|p| model.type_ref_name(&p.ty)).collect();
        let binding = signature.first().cloned().unwrap_or_default();
        let key = format!("{}({binding})", op.qualified_name);
        let element = if op.kind == OperationKind::Action { "action" } else { "function" };
        let returns = op
            .return_type
            .as_ref()
            .map(|r| format!("returns {}{}", model.type_ref_name(&r.ty), if r.nullable { "" } else { ", not null" }))
            .unwrap_or_else(|| "returns nothing".to_owned());
        entries.insert(
            key.clone(),
            Entry {
                element,
                shape: format!("{element} {returns}"),
                added_breaks: false,
                notes: text_notes(&op.annotations),
            },
        );
        for p in op.non_binding_parameters() {
            let optional = p.annotations.optional_parameter().is_some();
            let shape = format!(
                "{}{}{}",
                model.type_ref_name(&p.ty),
                if p.nullable { "" } else { ", not null" },
                if optional { ", optional" } else { ", required" }
            );
            // A new required parameter changes the operation's constructor.
            entries.insert(
                format!("{key}/{}", p.name),
                Entry { element: "parameter", shape, added_breaks: !optional, notes: text_notes(&p.annotations) },
            );
        }
    }
    for path in &selection.paths {
        for op in &path.operations {
            entries.insert(
                format!("path {}/{}", path.text, format!("{op:?}").to_lowercase()),
                Entry {
                    element: "resource operation",
                    shape: model.ty(path.last().entity_type).qualified_name.clone(),
                    added_breaks: false,
                    notes: Vec::new(),
                },
            );
        }
    }
    entries
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
            out.push_str("no changes to the selected API\n");
            return out;
        }
        for c in &self.changes {
            let mark = if c.breaking { "BREAKING" } else { "        " };
            let change = format!("{:?}", c.change).to_lowercase();
            let _ = writeln!(out, "{mark} {change:<7} {}: {}", c.path, c.detail);
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
            out.push_str("No changes to the selected API.\n");
            return out;
        }
        let verdict = if breaking > 0 { "**breaking**: release a new major version" } else { "no breaking change" };
        let _ = writeln!(out, "{} change(s), {breaking} breaking ({verdict}).\n", self.changes.len());
        out.push_str("| | change | element | path | detail |\n| --- | --- | --- | --- | --- |\n");
        for c in &self.changes {
            let mark = if c.breaking { "**breaking**" } else { "" };
            let detail = c.detail.replace('|', "\\|");
            let change = format!("{:?}", c.change).to_lowercase();
            let _ = writeln!(out, "| {mark} | {change} | {} | `{}` | {detail} |", c.element, c.path);
        }
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report of strings and booleans always serializes")
    }
}
