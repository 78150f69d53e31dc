//! The `csdl` stage: a faithful syntax tree of a CSDL XML document.
//!
//! The tree mirrors the XML elements of OData CSDL XML v4.01 one to one. Strings borrow from
//! the source text, or from the parse's arena where unescaping was needed; every element keeps
//! its byte [`Span`], and [`Document::span`] finds any value's. It knows XML and CSDL syntax
//! only: names are not resolved here.

mod reader;

pub use bumpalo::Bump as Arena;
pub use reader::{Parsed, parse};

use crate::diagnostics::Span;

/// An attribute value or text content: a slice of the source, or of the arena when entities or
/// line breaks were decoded. 16 bytes, as the tree holds one for every attribute of the
/// document; [`Document::span`] gives the span of its raw text, which only diagnostics need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    pub value: &'a str,
}

impl<'a> Text<'a> {
    pub fn as_str(&self) -> &'a str {
        self.value
    }
}

#[derive(Debug, Default)]
pub struct Document<'a> {
    /// `edmx:Edmx/@Version`: `4.0` or `4.01`.
    pub version: Option<Text<'a>>,
    pub references: &'a [Reference<'a>],
    pub schemas: &'a [Schema<'a>],
    pub span: Span,
    /// The whole text, which every borrowed value is a slice of.
    pub source: &'a str,
    /// Where the raw text of each value in the arena is: (address of the value, span).
    pub unescaped: &'a [(usize, Span)],
}

impl Document<'_> {
    /// The span of a value's raw text in the source.
    pub fn span(&self, text: &Text<'_>) -> Span {
        locate(self.source, self.unescaped, text)
    }
}

/// A borrowed value's span follows from its address; an unescaped one's was recorded.
fn locate(source: &str, unescaped: &[(usize, Span)], text: &Text<'_>) -> Span {
    let at = text.value.as_ptr() as usize;
    let base = source.as_ptr() as usize;
    if at >= base && at + text.value.len() <= base + source.len() {
        return Span::new(at - base, at - base + text.value.len());
    }
    unescaped.iter().rev().find(|(address, _)| *address == at).map_or(Span::at(0), |(_, span)| *span)
}

/// `edmx:Reference`: another document whose namespaces this one may use. Recorded, never fetched.
#[derive(Debug)]
pub struct Reference<'a> {
    pub uri: Text<'a>,
    pub includes: &'a [Include<'a>],
    pub include_annotations: &'a [IncludeAnnotations<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct Include<'a> {
    pub namespace: Text<'a>,
    pub alias: Option<Text<'a>>,
    pub span: Span,
}

#[derive(Debug)]
pub struct IncludeAnnotations<'a> {
    pub term_namespace: Text<'a>,
    pub qualifier: Option<Text<'a>>,
    pub target_namespace: Option<Text<'a>>,
    pub span: Span,
}

#[derive(Debug)]
pub struct Schema<'a> {
    pub namespace: Text<'a>,
    pub alias: Option<Text<'a>>,
    pub entity_types: &'a [StructuredType<'a>],
    pub complex_types: &'a [StructuredType<'a>],
    pub enum_types: &'a [EnumType<'a>],
    pub type_definitions: &'a [TypeDefinition<'a>],
    pub actions: &'a [Operation<'a>],
    pub functions: &'a [Operation<'a>],
    pub terms: &'a [Term<'a>],
    pub entity_containers: &'a [EntityContainer<'a>],
    /// Out-of-line `<Annotations Target=...>` blocks.
    pub annotation_blocks: &'a [AnnotationBlock<'a>],
    /// Inline annotations of the schema itself.
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

/// `EntityType` or `ComplexType`; the reader records which in `kind`.
#[derive(Debug)]
pub struct StructuredType<'a> {
    pub kind: StructuredKind,
    pub name: Text<'a>,
    pub base_type: Option<Text<'a>>,
    pub is_abstract: Option<Text<'a>>,
    pub open_type: Option<Text<'a>>,
    /// Entity types only.
    pub has_stream: Option<Text<'a>>,
    /// Entity types only.
    pub key: Option<Key<'a>>,
    pub properties: &'a [Property<'a>],
    pub navigation_properties: &'a [NavigationProperty<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StructuredKind {
    Entity,
    Complex,
}

#[derive(Debug)]
pub struct Key<'a> {
    pub property_refs: &'a [PropertyRef<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct PropertyRef<'a> {
    pub name: Text<'a>,
    pub alias: Option<Text<'a>>,
    pub span: Span,
}

/// Type facets, shared by properties, parameters, return types, type definitions and terms.
#[derive(Debug, Default)]
pub struct Facets<'a> {
    pub nullable: Option<Text<'a>>,
    /// The other facets, out of line: real documents write them on few elements (Graph's
    /// v1.0 has a few hundred `Unicode`s among ten thousand properties), and inline they would
    /// double the size of every property and parameter in the tree.
    pub others: Option<&'a OtherFacets<'a>>,
}

/// `MaxLength`, `Precision`, `Scale`, `SRID` and `Unicode`.
#[derive(Debug, Default)]
pub struct OtherFacets<'a> {
    pub max_length: Option<Text<'a>>,
    pub precision: Option<Text<'a>>,
    pub scale: Option<Text<'a>>,
    pub srid: Option<Text<'a>>,
    pub unicode: Option<Text<'a>>,
}

#[derive(Debug)]
pub struct Property<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub facets: Facets<'a>,
    pub default_value: Option<Text<'a>>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct NavigationProperty<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub nullable: Option<Text<'a>>,
    pub partner: Option<Text<'a>>,
    pub contains_target: Option<Text<'a>>,
    pub referential_constraints: &'a [ReferentialConstraint<'a>],
    pub on_delete: Option<Text<'a>>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct ReferentialConstraint<'a> {
    pub property: Text<'a>,
    pub referenced_property: Text<'a>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct EnumType<'a> {
    pub name: Text<'a>,
    pub underlying_type: Option<Text<'a>>,
    pub is_flags: Option<Text<'a>>,
    pub members: &'a [EnumMember<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct EnumMember<'a> {
    pub name: Text<'a>,
    pub value: Option<Text<'a>>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct TypeDefinition<'a> {
    pub name: Text<'a>,
    pub underlying_type: Text<'a>,
    pub facets: Facets<'a>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

/// `Action` or `Function`; the reader records which in `kind`.
#[derive(Debug)]
pub struct Operation<'a> {
    pub kind: OperationKind,
    pub name: Text<'a>,
    pub is_bound: Option<Text<'a>>,
    /// Functions only.
    pub is_composable: Option<Text<'a>>,
    pub entity_set_path: Option<Text<'a>>,
    pub parameters: &'a [Parameter<'a>],
    pub return_type: Option<ReturnType<'a>>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OperationKind {
    Action,
    Function,
}

#[derive(Debug)]
pub struct Parameter<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub facets: Facets<'a>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct ReturnType<'a> {
    pub type_name: Text<'a>,
    pub facets: Facets<'a>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct Term<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub base_term: Option<Text<'a>>,
    pub applies_to: Option<Text<'a>>,
    pub default_value: Option<Text<'a>>,
    pub facets: Facets<'a>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct EntityContainer<'a> {
    pub name: Text<'a>,
    pub extends: Option<Text<'a>>,
    pub entity_sets: &'a [EntitySet<'a>],
    pub singletons: &'a [Singleton<'a>],
    pub action_imports: &'a [OperationImport<'a>],
    pub function_imports: &'a [OperationImport<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct EntitySet<'a> {
    pub name: Text<'a>,
    pub entity_type: Text<'a>,
    pub include_in_service_document: Option<Text<'a>>,
    pub bindings: &'a [NavigationPropertyBinding<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct Singleton<'a> {
    pub name: Text<'a>,
    pub type_name: Text<'a>,
    pub nullable: Option<Text<'a>>,
    pub bindings: &'a [NavigationPropertyBinding<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct NavigationPropertyBinding<'a> {
    pub path: Text<'a>,
    pub target: Text<'a>,
    pub span: Span,
}

/// `ActionImport` (with `Action`) or `FunctionImport` (with `Function`).
#[derive(Debug)]
pub struct OperationImport<'a> {
    pub name: Text<'a>,
    pub operation: Text<'a>,
    pub entity_set: Option<Text<'a>>,
    pub include_in_service_document: Option<Text<'a>>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

/// `<Annotations Target=... Qualifier=...>`.
#[derive(Debug)]
pub struct AnnotationBlock<'a> {
    pub target: Text<'a>,
    pub qualifier: Option<Text<'a>>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct Annotation<'a> {
    pub term: Text<'a>,
    pub qualifier: Option<Text<'a>>,
    /// Absent when the annotation has no value: the term's default applies.
    pub value: Option<Expr<'a>>,
    /// Annotations of the annotation.
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

/// Constant expressions, written as an attribute (`String="..."`) or element (`<String>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConstantKind {
    Binary,
    Bool,
    Date,
    DateTimeOffset,
    Decimal,
    Duration,
    EnumMember,
    Float,
    Guid,
    Int,
    String,
    TimeOfDay,
}

impl ConstantKind {
    pub const ALL: [ConstantKind; 12] = [
        ConstantKind::Binary,
        ConstantKind::Bool,
        ConstantKind::Date,
        ConstantKind::DateTimeOffset,
        ConstantKind::Decimal,
        ConstantKind::Duration,
        ConstantKind::EnumMember,
        ConstantKind::Float,
        ConstantKind::Guid,
        ConstantKind::Int,
        ConstantKind::String,
        ConstantKind::TimeOfDay,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ConstantKind::Binary => "Binary",
            ConstantKind::Bool => "Bool",
            ConstantKind::Date => "Date",
            ConstantKind::DateTimeOffset => "DateTimeOffset",
            ConstantKind::Decimal => "Decimal",
            ConstantKind::Duration => "Duration",
            ConstantKind::EnumMember => "EnumMember",
            ConstantKind::Float => "Float",
            ConstantKind::Guid => "Guid",
            ConstantKind::Int => "Int",
            ConstantKind::String => "String",
            ConstantKind::TimeOfDay => "TimeOfDay",
        }
    }

    pub fn from_name(name: &str) -> Option<ConstantKind> {
        ConstantKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// Path expressions, written as an attribute or element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathKind {
    AnnotationPath,
    ModelElementPath,
    NavigationPropertyPath,
    Path,
    PropertyPath,
}

impl PathKind {
    pub const ALL: [PathKind; 5] = [
        PathKind::AnnotationPath,
        PathKind::ModelElementPath,
        PathKind::NavigationPropertyPath,
        PathKind::Path,
        PathKind::PropertyPath,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PathKind::AnnotationPath => "AnnotationPath",
            PathKind::ModelElementPath => "ModelElementPath",
            PathKind::NavigationPropertyPath => "NavigationPropertyPath",
            PathKind::Path => "Path",
            PathKind::PropertyPath => "PropertyPath",
        }
    }

    pub fn from_name(name: &str) -> Option<PathKind> {
        PathKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// An annotation value expression.
#[derive(Debug)]
pub enum Expr<'a> {
    Constant {
        kind: ConstantKind,
        value: Text<'a>,
    },
    Path {
        kind: PathKind,
        value: Text<'a>,
    },
    /// Out of line, as is `Dynamic`: the common constants and paths then keep every annotation small.
    Record(&'a Record<'a>),
    Collection {
        items: &'a [Expr<'a>],
        span: Span,
    },
    Null {
        span: Span,
    },
    /// Any other expression element (`Apply`, `If`, `Cast`, `Eq`, `LabeledElement`, `UrlRef`,
    /// ...), kept generically: its attributes and operand expressions.
    Dynamic(&'a Dynamic<'a>),
}

#[derive(Debug)]
pub struct Record<'a> {
    pub type_name: Option<Text<'a>>,
    pub properties: &'a [PropertyValue<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct PropertyValue<'a> {
    pub property: Text<'a>,
    pub value: Option<Expr<'a>>,
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}

#[derive(Debug)]
pub struct Dynamic<'a> {
    pub name: &'a str,
    pub attributes: &'a [(&'a str, Text<'a>)],
    pub operands: &'a [Expr<'a>],
    pub annotations: &'a [Annotation<'a>],
    pub span: Span,
}
