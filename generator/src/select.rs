//! The `select` stage: what of the model a configuration asks for.
//!
//! The closure of the configured types (base types, property types, enums, and the parameter
//! and return types of their bound operations), the resource paths resolved segment by
//! segment, and where each bound operation is invoked. Everything is ordered by qualified
//! name, so the result does not depend on the document's element order.

use crate::config::{Config, CrudOperation};
use crate::diagnostics::Span;
use crate::edm::{AnnotationsExt, Model, OperationId, TypeId, TypeKind, TypeRef, TypeTarget};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Debug, Default)]
pub struct Selection {
    /// Every type to generate, in qualified-name order.
    pub types: Vec<TypeId>,
    /// The configured types, in configuration order.
    pub roots: Vec<TypeId>,
    /// Bound operations to generate, each with the path it is invoked on, in qualified-name
    /// then signature order.
    pub operations: Vec<BoundOperation>,
    /// Configured resource paths, in configuration order.
    pub paths: Vec<ResourcePath>,
    /// Action and function imports to generate, each unbound overload once, in import-name then
    /// signature order.
    pub imports: Vec<ImportedOperation>,
    /// The types used somewhere (a property, a path's result, a parameter or return) that have
    /// selected derived types, each with those derived types in qualified-name order: their
    /// values decode by `@odata.type`.
    pub polymorphic: BTreeMap<TypeId, Vec<TypeId>>,
    /// Start tags of every selected element: diagnostics located inside them concern the
    /// selection.
    pub spans: Vec<Span>,
    /// Navigation properties of selected types that are not generated because their target
    /// type is not selected: `(owner/name, target)`, each declared property once, sorted.
    pub not_generated: Vec<(String, String)>,
}

/// An unbound operation, addressed by the name of the import that exposes it.
#[derive(Debug, Clone)]
pub struct ImportedOperation {
    /// The import's name: the URL segment at the service root.
    pub name: String,
    pub operation: OperationId,
}

#[derive(Debug, Clone)]
pub struct BoundOperation {
    pub operation: OperationId,
    /// Index into [`Selection::paths`] of the path whose target the operation is bound to.
    pub path: usize,
}

/// A configured path such as `deviceManagement/cloudCertificationAuthority`, resolved.
#[derive(Debug, Clone)]
pub struct ResourcePath {
    pub text: String,
    pub segments: Vec<Segment>,
    pub operations: Vec<CrudOperation>,
}

impl ResourcePath {
    pub fn last(&self) -> &Segment {
        self.segments.last().expect("a resolved path has at least one segment")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The name as it appears in the URL.
    pub name: String,
    pub kind: SegmentKind,
    /// The entity type the segment yields.
    pub entity_type: TypeId,
    /// A collection: a key follows when the path goes deeper, `list`/`create` apply to it.
    pub collection: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentKind {
    EntitySet,
    Singleton,
    Navigation,
    /// A type cast (`directoryObjects/microsoft.graph.user`): the previous segment's entities of
    /// a derived type. Its name is the derived type's qualified name.
    Cast,
}

/// Why a configuration does not fit the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectError {
    pub message: String,
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

pub fn select(model: &Model, config: &Config) -> Result<Selection, Vec<SelectError>> {
    let mut errors = Vec::new();
    let mut roots = Vec::new();
    for name in &config.select.types {
        match model.find_type(name) {
            Some(id) if model.structured(id).is_some() => roots.push(id),
            Some(id) => errors.push(SelectError {
                message: format!(
                    "`{name}` in select.types is {}, not an entity or complex type",
                    model.ty(id).kind.label()
                ),
            }),
            None => errors.push(not_declared(model, name, "select.types")),
        }
    }
    let mut paths = Vec::new();
    for path in &config.select.paths {
        match resolve_path(model, &path.path) {
            Ok(segments) => {
                let last = segments.last().expect("non-empty");
                for op in &path.operations {
                    let collection_only = matches!(op, CrudOperation::List | CrudOperation::Create);
                    if collection_only && !last.collection {
                        errors.push(SelectError {
                            message: format!(
                                "path `{}`: `{op:?}` needs a collection, but `{}` is single-valued",
                                path.path, last.name
                            ),
                        });
                    }
                }
                let named_derived = match &config.select.derived_types {
                    crate::config::AllOrNamed::Named(names) => {
                        names.iter().any(|n| model.find_type(n) == Some(last.entity_type))
                    }
                    crate::config::AllOrNamed::All(_) => false,
                };
                if !roots.contains(&last.entity_type) && !named_derived {
                    errors.push(SelectError {
                        message: format!(
                            "path `{}` yields `{}`, which is not in select.types or select.derived_types",
                            path.path,
                            model.ty(last.entity_type).qualified_name
                        ),
                    });
                }
                paths.push(ResourcePath { text: path.path.clone(), segments, operations: path.operations.clone() });
            }
            Err(message) => errors.push(SelectError { message }),
        }
    }
    if !config.select.include.is_empty() {
        for (text, segments) in discover_paths(model) {
            if !config.select.included(&text) || paths.iter().any(|p: &ResourcePath| p.text == text) {
                continue;
            }
            let last = segments.last().expect("non-empty");
            if !roots.contains(&last.entity_type) {
                roots.push(last.entity_type);
            }
            let operations = crud_operations(model, &segments);
            paths.push(ResourcePath { text, segments, operations });
        }
        if roots.is_empty() {
            errors.push(SelectError {
                message: format!(
                    "no resource path of the container matches select.include {:?}",
                    config.select.include
                ),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut closure = Closure { model, types: BTreeSet::new(), spans: Vec::new() };
    for root in &roots {
        closure.add(*root);
    }
    for derived in select_derived_types(model, config, &paths, &mut closure).map_err(|e| vec![e])? {
        if !roots.contains(&derived) {
            roots.push(derived);
        }
    }
    // A path that goes on past a collection addresses one of its entities by key, and the key's
    // type is named after the entity type. A path found by `include` brings that type along, as
    // it brings the type it yields; a configured path must name it, as it names that one.
    let configured = config.select.paths.len();
    for (index, path) in paths.iter().enumerate() {
        for segment in path.segments.iter().filter(|s| s.collection && s.kind != SegmentKind::Cast) {
            if index >= configured {
                closure.add(segment.entity_type);
            } else if !closure.types.contains(&segment.entity_type) {
                errors.push(SelectError {
                    message: format!(
                        "path `{}` addresses `{}` by key, so its entity type `{}` must be selected too: \
                         add it to select.types",
                        path.text,
                        segment.name,
                        model.ty(segment.entity_type).qualified_name
                    ),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut operations = Vec::new();
    if config.select.bound_operations() {
        for ids in model.operation_index.values() {
            let mut overloads: Vec<(String, BoundOperation)> = Vec::new();
            for id in ids {
                let op = model.operation(*id);
                let Some(binding) = op.binding_parameter() else { continue };
                let TypeTarget::Named(bound_to) = binding.ty.target else { continue };
                if !roots.contains(&bound_to) {
                    continue;
                }
                // Invoke it on a configured path that yields the binding type.
                // (A collection-bound operation needs a collection; an entity-bound one takes a
                // single-valued path or a collection path plus a key.)
                // The shortest such path, the first of equal ones: `Books` before `Authors/books`.
                // Without one, a path that yields a base type, cast to the binding type:
                // `directoryObjects/{id}/microsoft.graph.user/...`.
                let fits = |p: &ResourcePath, ty: TypeId| {
                    p.last().entity_type == ty && (p.last().collection || !binding.ty.collection)
                };
                let shortest = |paths: &[ResourcePath], ty: TypeId| {
                    paths
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| fits(p, ty))
                        .min_by_key(|(_, p)| p.segments.len())
                        .map(|(index, _)| index)
                };
                let path = match shortest(&paths, bound_to) {
                    Some(path) => path,
                    None => {
                        let base = model.ancestors(bound_to).into_iter().skip(1).find_map(|b| shortest(&paths, b));
                        let Some(base) = base else { continue };
                        let cast = cast_path(model, &paths[base], bound_to);
                        match paths.iter().position(|p| p.text == cast.text) {
                            Some(existing) => existing,
                            None => {
                                paths.push(cast);
                                paths.len() - 1
                            }
                        }
                    }
                };
                closure.add_operation(op);
                let signature: Vec<String> = op.parameters.iter().map(|p| model.type_ref_name(&p.ty)).collect();
                overloads.push((signature.join(","), BoundOperation { operation: *id, path }));
            }
            overloads.sort_by(|a, b| a.0.cmp(&b.0));
            operations.extend(overloads.into_iter().map(|(_, op)| op));
        }
    }
    let imports = select_imports(model, config, &mut closure).map_err(|e| vec![e])?;
    let Closure { types, spans, .. } = closure;
    let mut types: Vec<TypeId> = types.into_iter().collect();
    types.sort_by(|a, b| model.ty(*a).qualified_name.cmp(&model.ty(*b).qualified_name));
    let selected: BTreeSet<TypeId> = types.iter().copied().collect();
    let mut not_generated = Vec::new();
    for id in &types {
        for n in model.structured(*id).map_or(&[][..], |s| &s.navigation_properties[..]) {
            if !matches!(n.ty.target, TypeTarget::Named(target) if selected.contains(&target)) {
                let owner = &model.ty(*id).qualified_name;
                not_generated.push((format!("{owner}/{}", n.name), model.type_ref_name(&n.ty)));
            }
        }
    }
    not_generated.sort();
    let used = used_types(model, &selected, &paths, &operations, &imports);
    let polymorphic = used
        .into_iter()
        .filter(|id| selected.contains(id))
        .filter_map(|id| {
            let mut derived: Vec<TypeId> =
                descendants(model, id).into_iter().filter(|d| selected.contains(d)).collect();
            derived.sort_by(|a, b| model.ty(*a).qualified_name.cmp(&model.ty(*b).qualified_name));
            (!derived.is_empty()).then_some((id, derived))
        })
        .collect();
    Ok(Selection { types, roots, operations, paths, imports, polymorphic, spans, not_generated })
}

/// `path` cast to `derived`, one of the types derived from its target, with no operations of its
/// own: the path of bound operations of the derived type.
fn cast_path(model: &Model, path: &ResourcePath, derived: TypeId) -> ResourcePath {
    let name = model.ty(derived).qualified_name.clone();
    let mut segments = path.segments.clone();
    let collection = path.last().collection;
    segments.push(Segment { name: name.clone(), kind: SegmentKind::Cast, entity_type: derived, collection });
    ResourcePath { text: format!("{}/{name}", path.text), segments, operations: Vec::new() }
}

/// Every resource path of the container: each entity set and singleton, then its navigation
/// properties, deeper until a type on the path comes again (or 6 levels), in container order.
fn discover_paths(model: &Model) -> Vec<(String, Vec<Segment>)> {
    let Some(container) = &model.container else { return Vec::new() };
    let mut found = Vec::new();
    let mut stack: Vec<Vec<Segment>> = Vec::new();
    let roots = container
        .entity_sets
        .iter()
        .map(|s| (&s.name, &s.entity_type, SegmentKind::EntitySet, true))
        .chain(container.singletons.iter().map(|s| (&s.name, &s.ty, SegmentKind::Singleton, false)));
    for (name, ty, kind, collection) in roots {
        if let TypeTarget::Named(entity_type) = ty.target {
            stack.push(vec![Segment { name: name.to_string(), kind, entity_type, collection }]);
        }
    }
    stack.reverse();
    while let Some(segments) = stack.pop() {
        let last = segments.last().expect("non-empty");
        let mut children = Vec::new();
        if segments.len() < 6 {
            for (_, navigation) in model.all_navigation_properties(last.entity_type) {
                let TypeTarget::Named(target) = navigation.ty.target else { continue };
                if segments.iter().any(|s| s.entity_type == target) {
                    continue;
                }
                let mut deeper = segments.clone();
                deeper.push(Segment {
                    name: navigation.name.to_string(),
                    kind: SegmentKind::Navigation,
                    entity_type: target,
                    collection: navigation.ty.collection,
                });
                children.push(deeper);
            }
        }
        let text = segments.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join("/");
        found.push((text, segments));
        stack.extend(children.into_iter().rev());
    }
    found
}

/// What a resource path supports: an entity set lists, reads, creates, updates and deletes, a
/// singleton reads and updates, a navigation property lists and reads (and writes when it
/// contains its targets), minus what the entity set's or singleton's
/// `Org.OData.Capabilities.V1` Read/Insert/Update/DeleteRestrictions rule out.
fn crud_operations(model: &Model, segments: &[Segment]) -> Vec<CrudOperation> {
    let last = segments.last().expect("non-empty");
    let contained = last.kind == SegmentKind::Navigation
        && segments.len() >= 2
        && model
            .all_navigation_properties(segments[segments.len() - 2].entity_type)
            .into_iter()
            .any(|(_, n)| n.name == last.name && n.contains_target);
    let mut operations = match (last.kind, last.collection) {
        (SegmentKind::EntitySet, _) => {
            vec![
                CrudOperation::List,
                CrudOperation::Get,
                CrudOperation::Create,
                CrudOperation::Update,
                CrudOperation::Delete,
            ]
        }
        (SegmentKind::Singleton, _) => vec![CrudOperation::Get, CrudOperation::Update],
        (SegmentKind::Navigation, true) if contained => {
            vec![
                CrudOperation::List,
                CrudOperation::Get,
                CrudOperation::Create,
                CrudOperation::Update,
                CrudOperation::Delete,
            ]
        }
        (SegmentKind::Navigation, true) => vec![CrudOperation::List, CrudOperation::Get],
        (SegmentKind::Navigation, false) if contained => vec![CrudOperation::Get, CrudOperation::Update],
        (SegmentKind::Navigation, false) => vec![CrudOperation::Get],
        // Discovery writes no casts; a configured cast path lists its operations.
        (SegmentKind::Cast, true) => vec![CrudOperation::List, CrudOperation::Get],
        (SegmentKind::Cast, false) => vec![CrudOperation::Get],
    };
    if segments.len() == 1 {
        let container = model.container.as_ref().expect("paths come from the container");
        let annotations = container
            .entity_sets
            .iter()
            .find(|s| s.name == last.name)
            .map(|s| &s.annotations)
            .or_else(|| container.singletons.iter().find(|s| s.name == last.name).map(|s| &s.annotations));
        let allowed = |term: &str, property: &str| {
            let value = annotations.and_then(|a| a.find_term(&format!("Org.OData.Capabilities.V1.{term}")));
            let flag =
                value.and_then(|a| a.value.as_ref()).and_then(|v| v.field(property)).and_then(|v| v.as_constant());
            flag != Some("false")
        };
        let (read, insert) = (allowed("ReadRestrictions", "Readable"), allowed("InsertRestrictions", "Insertable"));
        let (update, delete) = (allowed("UpdateRestrictions", "Updatable"), allowed("DeleteRestrictions", "Deletable"));
        operations.retain(|op| match op {
            CrudOperation::List | CrudOperation::Get => read,
            CrudOperation::Create => insert,
            CrudOperation::Update => update,
            CrudOperation::Delete => delete,
        });
    }
    operations
}

/// The configured action and function imports, with the types they take and return.
fn select_imports(
    model: &Model,
    config: &Config,
    closure: &mut Closure<'_>,
) -> Result<Vec<ImportedOperation>, SelectError> {
    let Some(container) = &model.container else { return Ok(Vec::new()) };
    let all: Vec<&crate::edm::OperationImport> =
        container.action_imports.iter().chain(&container.function_imports).collect();
    let by_pattern = |import: &&&crate::edm::OperationImport| config.select.included(&import.name);
    let wanted: Vec<&crate::edm::OperationImport> = match &config.select.imports {
        crate::config::AllOrNamed::All(false) => all.iter().filter(by_pattern).copied().collect(),
        crate::config::AllOrNamed::All(true) => all.clone(),
        crate::config::AllOrNamed::Named(names) => {
            let mut wanted = Vec::new();
            for name in names {
                let Some(import) = all.iter().find(|i| i.name == name) else {
                    let hint = crate::config::did_you_mean(name, all.iter().map(|i| i.name.as_str()));
                    return Err(SelectError {
                        message: format!(
                            "`{name}` in select.imports is not an action or function import of the container{}",
                            hint.map(|h| format!("; {h}")).unwrap_or_default()
                        ),
                    });
                };
                wanted.push(*import);
            }
            wanted
        }
    };
    let mut imports = Vec::new();
    for import in wanted {
        let mut overloads: Vec<(String, OperationId)> = Vec::new();
        for id in model.operation_index.get(&import.operation).into_iter().flatten() {
            let op = model.operation(*id);
            if op.binding_parameter().is_some() {
                continue;
            }
            closure.add_operation(op);
            closure.spans.push(import.span);
            let signature: Vec<String> = op.parameters.iter().map(|p| model.type_ref_name(&p.ty)).collect();
            overloads.push((signature.join(","), *id));
        }
        overloads.sort();
        imports.extend(
            overloads.into_iter().map(|(_, operation)| ImportedOperation { name: import.name.to_string(), operation }),
        );
    }
    imports.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(imports)
}

/// Every type derived from `id`, directly or not, in the whole document.
fn descendants(model: &Model, id: TypeId) -> Vec<TypeId> {
    let mut found = Vec::new();
    let mut stack = vec![id];
    while let Some(current) = stack.pop() {
        for derived in model.structured(current).map_or(&[][..], |s| &s.derived_types[..]) {
            if !found.contains(derived) && *derived != id {
                found.push(*derived);
                stack.push(*derived);
            }
        }
    }
    found
}

/// The structured types values are typed with: the selected types' properties (and their
/// navigation properties' targets), the paths' results, and the operations' parameters and
/// returns.
fn used_types(
    model: &Model,
    selected: &BTreeSet<TypeId>,
    paths: &[ResourcePath],
    operations: &[BoundOperation],
    imports: &[ImportedOperation],
) -> BTreeSet<TypeId> {
    let mut used = BTreeSet::new();
    let mut add = |ty: &TypeRef| {
        if let TypeTarget::Named(id) = ty.target
            && model.structured(id).is_some()
        {
            used.insert(id);
        }
    };
    for id in selected {
        if let Some(s) = model.structured(*id) {
            s.properties.iter().for_each(|p| add(&p.ty));
            s.navigation_properties.iter().for_each(|n| add(&n.ty));
        }
    }
    let operations = operations.iter().map(|b| b.operation).chain(imports.iter().map(|i| i.operation));
    for op in operations.map(|id| model.operation(id)) {
        op.parameters.iter().for_each(|p| add(&p.ty));
        if let Some(r) = &op.return_type {
            add(&r.ty);
        }
    }
    used.extend(paths.iter().map(|p| p.last().entity_type));
    used
}

/// The derived types `[select] derived_types` asks for, added to the closure: every type
/// derived from a used type (until no more come), or the named ones, each of which must derive
/// from a selected type.
fn select_derived_types(
    model: &Model,
    config: &Config,
    paths: &[ResourcePath],
    closure: &mut Closure<'_>,
) -> Result<Vec<TypeId>, SelectError> {
    let mut added = Vec::new();
    match &config.select.derived_types {
        crate::config::AllOrNamed::All(false) => {}
        crate::config::AllOrNamed::All(true) => loop {
            let used = used_types(model, &closure.types, paths, &[], &[]);
            let new: Vec<TypeId> =
                used.into_iter().flat_map(|id| descendants(model, id)).filter(|d| !closure.types.contains(d)).collect();
            if new.is_empty() {
                break;
            }
            for id in new {
                closure.add(id);
                added.push(id);
            }
        },
        crate::config::AllOrNamed::Named(names) => {
            for name in names {
                let derives = |id: TypeId| model.ancestors(id).iter().skip(1).any(|a| closure.types.contains(a));
                match model.find_type(name) {
                    Some(id) if model.structured(id).is_some() && derives(id) => {
                        closure.add(id);
                        added.push(id);
                    }
                    Some(_) => {
                        return Err(SelectError {
                            message: format!(
                                "`{name}` in select.derived_types does not derive from any selected entity or complex type"
                            ),
                        });
                    }
                    None => return Err(not_declared(model, name, "select.derived_types")),
                }
            }
        }
    }
    Ok(added)
}

/// `name` (in the configuration's `key`) is no type of the document: the nearest entity or
/// complex type's name as a suggestion.
fn not_declared(model: &Model, name: &str, key: &str) -> SelectError {
    let structured = model
        .types
        .iter()
        .filter(|t| matches!(t.kind, TypeKind::Entity(_) | TypeKind::Complex(_)))
        .map(|t| t.qualified_name.as_str());
    SelectError {
        message: format!(
            "`{name}` in {key} is not declared in the document{}",
            hint(crate::config::did_you_mean(name, structured))
        ),
    }
}

struct Closure<'m> {
    model: &'m Model,
    types: BTreeSet<TypeId>,
    spans: Vec<Span>,
}

impl Closure<'_> {
    /// The types an operation takes and returns, and its elements' spans.
    fn add_operation(&mut self, op: &crate::edm::Operation) {
        for p in &op.parameters {
            self.add_ref(&p.ty);
        }
        if let Some(r) = &op.return_type {
            self.add_ref(&r.ty);
            self.spans.push(r.span);
        }
        self.spans.push(op.span);
        self.spans.extend(op.parameters.iter().map(|p| p.span));
    }

    fn add_ref(&mut self, ty: &TypeRef) {
        if let TypeTarget::Named(id) = ty.target {
            self.add(id);
        }
    }

    fn add(&mut self, id: TypeId) {
        if !self.types.insert(id) {
            return;
        }
        let ty = self.model.ty(id);
        self.spans.push(ty.span);
        match &ty.kind {
            TypeKind::Entity(s) | TypeKind::Complex(s) => {
                if let Some(base) = s.base_type {
                    self.add(base);
                }
                for p in &s.properties {
                    self.spans.push(p.span);
                    self.add_ref(&p.ty);
                }
                // Navigation targets come only with their own selection; record the spans.
                self.spans.extend(s.navigation_properties.iter().map(|n| n.span));
            }
            TypeKind::Enum(e) => self.spans.extend(e.members.iter().map(|m| m.span)),
            TypeKind::Definition(_) => {}
        }
    }
}

/// Whether a configured path (`set/navigation/...`) exists in the document.
pub fn path_resolves(model: &Model, text: &str) -> bool {
    resolve_path(model, text).is_ok()
}

fn hint(suggestion: Option<String>) -> String {
    suggestion.map(|s| format!("; {s}")).unwrap_or_default()
}

/// Resolves `set/navigation/navigation` against the entity container.
fn resolve_path(model: &Model, text: &str) -> Result<Vec<Segment>, String> {
    let container =
        model.container.as_ref().ok_or_else(|| format!("path `{text}`: the document has no entity container"))?;
    let mut segments: Vec<Segment> = Vec::new();
    for name in text.trim_matches('/').split('/') {
        let segment = match segments.last() {
            None => {
                let set = container
                    .entity_sets
                    .iter()
                    .find(|s| s.name == name)
                    .map(|s| (&s.entity_type, SegmentKind::EntitySet, true));
                let singleton = container
                    .singletons
                    .iter()
                    .find(|s| s.name == name)
                    .map(|s| (&s.ty, SegmentKind::Singleton, false));
                let Some((ty, kind, collection)) = set.or(singleton) else {
                    let names = container.entity_sets.iter().map(|s| s.name.as_str());
                    let names = names.chain(container.singletons.iter().map(|s| s.name.as_str()));
                    return Err(format!(
                        "path `{text}` in select.paths: `{name}` is neither an entity set nor a singleton of the container{}",
                        hint(crate::config::did_you_mean(name, names))
                    ));
                };
                let TypeTarget::Named(entity_type) = ty.target else {
                    return Err(format!("path `{text}`: the type of `{name}` does not resolve"));
                };
                Segment { name: name.to_owned(), kind, entity_type, collection }
            }
            // A qualified name (navigation property names hold no dot) is a cast to a type
            // derived from the previous segment's.
            Some(previous) if name.contains('.') => {
                let Some(derived) = model.find_type(name) else {
                    return Err(format!(
                        "path `{text}` in select.paths: `{name}` is not a type declared in the document"
                    ));
                };
                if !matches!(model.ty(derived).kind, TypeKind::Entity(_))
                    || !model.ancestors(derived).contains(&previous.entity_type)
                {
                    return Err(format!(
                        "path `{text}` in select.paths: `{name}` is not an entity type derived from `{}`, so it cannot cast it",
                        model.ty(previous.entity_type).qualified_name
                    ));
                }
                Segment {
                    name: model.ty(derived).qualified_name.clone(),
                    kind: SegmentKind::Cast,
                    entity_type: derived,
                    collection: previous.collection,
                }
            }
            Some(previous) => {
                let navigation =
                    model.all_navigation_properties(previous.entity_type).into_iter().find(|(_, n)| n.name == name);
                let Some((_, navigation)) = navigation else {
                    let all = model.all_navigation_properties(previous.entity_type);
                    return Err(format!(
                        "path `{text}` in select.paths: `{}` has no navigation property `{name}`{}",
                        model.ty(previous.entity_type).qualified_name,
                        hint(crate::config::did_you_mean(name, all.iter().map(|(_, n)| n.name.as_str())))
                    ));
                };
                let TypeTarget::Named(entity_type) = navigation.ty.target else {
                    return Err(format!("path `{text}`: the type of `{name}` does not resolve"));
                };
                Segment {
                    name: name.to_owned(),
                    kind: SegmentKind::Navigation,
                    entity_type,
                    collection: navigation.ty.collection,
                }
            }
        };
        segments.push(segment);
    }
    Ok(segments)
}
