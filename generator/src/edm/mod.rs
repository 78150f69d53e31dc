//! The `edm` stage: the resolved Entity Data Model.
//!
//! Every type reference is resolved to a [`TypeId`] (or a primitive), aliases are gone, base
//! types are linked, out-of-line annotations are attached to the element they target, and
//! every validation problem has been reported. Later stages read only this model.
//!
//! Items are kept in document order in vectors; the `*_index` maps are ordered by qualified
//! name, so anything that iterates them is independent of the XML's element order.

mod annotations;
mod build;
mod dump;
mod lexical;
mod names;

pub use annotations::{
    Annotation, AnnotationsExt, CORE_DESCRIPTION, CORE_LONG_DESCRIPTION, CORE_OPTIONAL_PARAMETER, CORE_REVISIONS,
    Dynamic, OptionalParameter, Record, Revision, Target, Value,
};
pub use dump::dump;
pub use names::{Primitive, TypeName, TypeNameError, parse_type_name};

pub use crate::csdl::{ConstantKind, OperationKind, PathKind, StructuredKind};
use crate::diagnostics::Span;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A name in the model: a simple identifier, inline when it has at most 23 bytes (nearly all
/// do), so resolving a document allocates once per long name instead of once per name.
pub type Name = smol_str::SmolStr;

/// Index of a named type in [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TypeId(pub u32);

/// Index of an operation overload in [`Model::operations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OperationId(pub u32);

#[derive(Debug, Default)]
pub struct Model {
    /// `edmx:Edmx/@Version`.
    pub version: String,
    pub references: Vec<Reference>,
    pub schemas: Vec<Schema>,
    pub types: Vec<SchemaType>,
    /// Every type a qualified name finds (`namespace.Name`, never the alias form; the first of
    /// a name declared twice), ordered by qualified name: see [`Model::find_type`].
    pub type_index: Vec<TypeId>,
    /// Every overload of every action and function, in document order.
    pub operations: Vec<Operation>,
    /// Qualified name → its overloads, in document order.
    pub operation_index: BTreeMap<String, Vec<OperationId>>,
    pub terms: Vec<Term>,
    pub container: Option<EntityContainer>,
    /// Out-of-line annotations whose target did not resolve (each was reported as a warning);
    /// kept so no data is silently dropped.
    pub unattached_annotations: Vec<(String, Annotation)>,
}

/// An `edmx:Reference`: recorded, never fetched.
#[derive(Debug, Clone)]
pub struct Reference {
    pub uri: String,
    /// (namespace, alias) of each `edmx:Include`.
    pub includes: Vec<(String, Option<String>)>,
    pub annotations: Vec<Annotation>,
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct SchemaType {
    /// Shared by every type and operation of the schema.
    pub namespace: Arc<str>,
    pub name: Name,
    /// `namespace.name`.
    pub qualified_name: String,
    pub kind: TypeKind,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Entity(StructuredType),
    Complex(StructuredType),
    Enum(EnumType),
    Definition(TypeDefinition),
}

impl TypeKind {
    pub fn label(&self) -> &'static str {
        match self {
            TypeKind::Entity(_) => "entity type",
            TypeKind::Complex(_) => "complex type",
            TypeKind::Enum(_) => "enum type",
            TypeKind::Definition(_) => "type definition",
        }
    }
}

/// An entity or complex type: only its own members; walk [`Model::ancestors`] for inherited ones.
#[derive(Debug, Clone, Default)]
pub struct StructuredType {
    pub base_type: Option<TypeId>,
    /// A base type from a namespace of another document (`edmx:Include`): valid, not followed.
    pub external_base_type: Option<String>,
    pub is_abstract: bool,
    pub open_type: bool,
    pub has_stream: bool,
    /// The type's own `Key`; most entity types inherit theirs (see [`Model::key`]).
    pub key: Option<Vec<PropertyRef>>,
    pub properties: Vec<Property>,
    pub navigation_properties: Vec<NavigationProperty>,
    /// Types whose `BaseType` is this one, in qualified-name order.
    pub derived_types: Vec<TypeId>,
}

#[derive(Debug, Clone)]
pub struct PropertyRef {
    /// A property name or a path to a property of a complex property.
    pub name: Name,
    pub alias: Option<String>,
    /// The `Name` attribute value.
    pub span: Span,
}

/// A resolved reference to a type, as used by a property, parameter or return type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    pub target: TypeTarget,
    pub collection: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeTarget {
    Primitive(Primitive),
    Named(TypeId),
    /// A type in a namespace that an `edmx:Reference` includes (or a standard vocabulary):
    /// valid, but its definition is not in this document.
    External(Box<str>),
    /// The reference could not be resolved; an error was reported.
    Unresolved(Box<str>),
}

/// The facets of a property, parameter, return type, type definition or term, read through
/// `Deref` (`property.facets.max_length`). Out of line: few elements have any (Graph's v1.0
/// writes them on a few hundred of its 15,000 properties and parameters), and inline they would
/// make each of those a quarter larger.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets(Option<Box<FacetValues>>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FacetValues {
    pub max_length: Option<MaxLength>,
    pub precision: Option<u32>,
    pub scale: Option<Scale>,
    pub srid: Option<Srid>,
    pub unicode: Option<bool>,
}

impl Facets {
    /// Kept out of line only when some facet is given, so equal facets compare equal.
    pub fn new(values: FacetValues) -> Facets {
        Facets((values != FacetValues::default()).then(|| Box::new(values)))
    }
}

impl std::ops::Deref for Facets {
    type Target = FacetValues;

    fn deref(&self) -> &FacetValues {
        const NONE: FacetValues =
            FacetValues { max_length: None, precision: None, scale: None, srid: None, unicode: None };
        self.0.as_deref().unwrap_or(&NONE)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxLength {
    Max,
    Length(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    Value(u32),
    Variable,
    Floating,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Srid {
    Value(u32),
    Variable,
}

#[derive(Debug, Clone)]
pub struct Property {
    pub name: Name,
    pub ty: TypeRef,
    /// CSDL default: `true`.
    pub nullable: bool,
    pub facets: Facets,
    pub default_value: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct NavigationProperty {
    pub name: Name,
    pub ty: TypeRef,
    pub nullable: bool,
    pub partner: Option<String>,
    /// The `Partner` attribute value, when there is one.
    pub partner_span: Option<Span>,
    pub contains_target: bool,
    /// (property, referenced property) pairs.
    pub referential_constraints: Vec<(String, String)>,
    pub on_delete: Option<String>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnumType {
    /// `Edm.Int32` unless `UnderlyingType` says otherwise.
    pub underlying_type: Primitive,
    pub is_flags: bool,
    pub members: Vec<EnumMember>,
}

#[derive(Debug, Clone)]
pub struct EnumMember {
    pub name: Name,
    /// The declared value, or the member's position when the enum declares none.
    pub value: i64,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct TypeDefinition {
    pub underlying_type: Primitive,
    pub facets: Facets,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub kind: OperationKind,
    /// Shared by every type and operation of the schema.
    pub namespace: Arc<str>,
    pub name: Name,
    pub qualified_name: String,
    pub is_bound: bool,
    pub is_composable: bool,
    pub entity_set_path: Option<String>,
    /// For a bound operation the first parameter is the binding parameter, whatever its name.
    pub parameters: Vec<Parameter>,
    pub return_type: Option<ReturnType>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

impl Operation {
    pub fn binding_parameter(&self) -> Option<&Parameter> {
        if self.is_bound { self.parameters.first() } else { None }
    }

    /// The parameters callers supply: all but the binding parameter.
    pub fn non_binding_parameters(&self) -> &[Parameter] {
        if self.is_bound && !self.parameters.is_empty() { &self.parameters[1..] } else { &self.parameters }
    }
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: Name,
    pub ty: TypeRef,
    pub nullable: bool,
    pub facets: Facets,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ReturnType {
    pub ty: TypeRef,
    pub nullable: bool,
    pub facets: Facets,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub namespace: String,
    pub name: String,
    pub qualified_name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    pub base_term: Option<String>,
    /// The `AppliesTo` list, split on whitespace.
    pub applies_to: Vec<String>,
    pub default_value: Option<String>,
    pub facets: Facets,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EntityContainer {
    pub namespace: String,
    pub name: String,
    pub qualified_name: String,
    pub extends: Option<String>,
    pub entity_sets: Vec<EntitySet>,
    pub singletons: Vec<Singleton>,
    pub action_imports: Vec<OperationImport>,
    pub function_imports: Vec<OperationImport>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EntitySet {
    pub name: Name,
    pub entity_type: TypeRef,
    pub include_in_service_document: bool,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Singleton {
    pub name: Name,
    pub ty: TypeRef,
    pub nullable: bool,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct NavigationPropertyBinding {
    pub path: String,
    pub target: String,
}

#[derive(Debug, Clone)]
pub struct OperationImport {
    pub name: Name,
    /// Qualified name of the imported action or function.
    pub operation: String,
    pub entity_set: Option<String>,
    pub include_in_service_document: bool,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

/// Element counts, as `inspect` reports them. Each operation overload counts once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub schemas: usize,
    pub entity_types: usize,
    pub complex_types: usize,
    pub enum_types: usize,
    pub type_definitions: usize,
    pub actions: usize,
    pub functions: usize,
    pub terms: usize,
    pub entity_sets: usize,
    pub singletons: usize,
    pub action_imports: usize,
    pub function_imports: usize,
    pub properties: usize,
    pub navigation_properties: usize,
    pub enum_members: usize,
    pub annotations: usize,
}

impl Model {
    pub fn ty(&self, id: TypeId) -> &SchemaType {
        &self.types[id.0 as usize]
    }

    pub fn operation(&self, id: OperationId) -> &Operation {
        &self.operations[id.0 as usize]
    }

    /// The type with this qualified name, written with its namespace or its schema's alias.
    pub fn find_type(&self, qualified_name: &str) -> Option<TypeId> {
        if let Some(id) = self.indexed_type(qualified_name) {
            return Some(id);
        }
        let (qualifier, name) = qualified_name.rsplit_once('.')?;
        let schema = self.schemas.iter().find(|s| s.alias.as_deref() == Some(qualifier))?;
        self.indexed_type(&format!("{}.{name}", schema.namespace))
    }

    /// The type with this qualified name (with its namespace) in [`Model::type_index`].
    pub fn indexed_type(&self, qualified_name: &str) -> Option<TypeId> {
        let position =
            self.type_index.binary_search_by(|id| self.ty(*id).qualified_name.as_str().cmp(qualified_name)).ok()?;
        Some(self.type_index[position])
    }

    /// The structured type behind an id, if it is an entity or complex type.
    pub fn structured(&self, id: TypeId) -> Option<&StructuredType> {
        match &self.ty(id).kind {
            TypeKind::Entity(s) | TypeKind::Complex(s) => Some(s),
            _ => None,
        }
    }

    /// The type and its base types, the type itself first, the root last. Stops at a cycle
    /// (which was reported as an error).
    pub fn ancestors(&self, id: TypeId) -> Vec<TypeId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(base) = self.structured(current).and_then(|s| s.base_type) {
            if chain.contains(&base) {
                break;
            }
            chain.push(base);
            current = base;
        }
        chain
    }

    /// All structural properties, inherited ones first (root type first), then the type's own.
    pub fn all_properties(&self, id: TypeId) -> Vec<(TypeId, &Property)> {
        let mut result = Vec::new();
        for ancestor in self.ancestors(id).into_iter().rev() {
            if let Some(s) = self.structured(ancestor) {
                result.extend(s.properties.iter().map(|p| (ancestor, p)));
            }
        }
        result
    }

    /// All navigation properties, inherited ones first.
    pub fn all_navigation_properties(&self, id: TypeId) -> Vec<(TypeId, &NavigationProperty)> {
        let mut result = Vec::new();
        for ancestor in self.ancestors(id).into_iter().rev() {
            if let Some(s) = self.structured(ancestor) {
                result.extend(s.navigation_properties.iter().map(|p| (ancestor, p)));
            }
        }
        result
    }

    /// The key of an entity type: its own or the nearest ancestor's.
    pub fn key(&self, id: TypeId) -> Option<&[PropertyRef]> {
        self.ancestors(id).into_iter().find_map(|t| self.structured(t).and_then(|s| s.key.as_deref()))
    }

    /// Overloads of an operation by qualified name.
    pub fn overloads(&self, qualified_name: &str) -> impl Iterator<Item = &Operation> {
        self.operation_index.get(qualified_name).into_iter().flatten().map(|id| self.operation(*id))
    }

    /// The written form of a type reference, with full namespaces.
    pub fn type_ref_name(&self, ty: &TypeRef) -> String {
        let name = match &ty.target {
            TypeTarget::Primitive(p) => format!("Edm.{}", p.name()),
            TypeTarget::Named(id) => self.ty(*id).qualified_name.clone(),
            TypeTarget::External(name) | TypeTarget::Unresolved(name) => name.to_string(),
        };
        if ty.collection { format!("Collection({name})") } else { name }
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts { schemas: self.schemas.len(), terms: self.terms.len(), ..Counts::default() };
        let mut annotations = self.schemas.iter().map(|s| s.annotations.len()).sum::<usize>();
        for ty in &self.types {
            annotations += ty.annotations.len();
            match &ty.kind {
                TypeKind::Entity(s) | TypeKind::Complex(s) => {
                    if matches!(ty.kind, TypeKind::Entity(_)) {
                        counts.entity_types += 1;
                    } else {
                        counts.complex_types += 1;
                    }
                    counts.properties += s.properties.len();
                    counts.navigation_properties += s.navigation_properties.len();
                    annotations += s.properties.iter().map(|p| p.annotations.len()).sum::<usize>();
                    annotations += s.navigation_properties.iter().map(|p| p.annotations.len()).sum::<usize>();
                }
                TypeKind::Enum(e) => {
                    counts.enum_types += 1;
                    counts.enum_members += e.members.len();
                    annotations += e.members.iter().map(|m| m.annotations.len()).sum::<usize>();
                }
                TypeKind::Definition(_) => counts.type_definitions += 1,
            }
        }
        for op in &self.operations {
            match op.kind {
                OperationKind::Action => counts.actions += 1,
                OperationKind::Function => counts.functions += 1,
            }
            annotations += op.annotations.len();
            annotations += op.parameters.iter().map(|p| p.annotations.len()).sum::<usize>();
            annotations += op.return_type.as_ref().map_or(0, |r| r.annotations.len());
        }
        annotations += self.terms.iter().map(|t| t.annotations.len()).sum::<usize>();
        if let Some(c) = &self.container {
            counts.entity_sets = c.entity_sets.len();
            counts.singletons = c.singletons.len();
            counts.action_imports = c.action_imports.len();
            counts.function_imports = c.function_imports.len();
            annotations += c.annotations.len();
            annotations += c.entity_sets.iter().map(|s| s.annotations.len()).sum::<usize>();
            annotations += c.singletons.iter().map(|s| s.annotations.len()).sum::<usize>();
            annotations +=
                c.action_imports.iter().chain(&c.function_imports).map(|s| s.annotations.len()).sum::<usize>();
        }
        counts.annotations = annotations + self.unattached_annotations.len();
        counts
    }
}
