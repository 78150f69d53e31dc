//! Annotations in the model: resolved term names, owned values, and the well-known Core terms
//! later stages read (descriptions, deprecations, optional parameters).

use super::{ConstantKind, OperationId, PathKind, TypeId};
use crate::diagnostics::Span;
use std::sync::Arc;

pub const CORE_DESCRIPTION: &str = "Org.OData.Core.V1.Description";
pub const CORE_LONG_DESCRIPTION: &str = "Org.OData.Core.V1.LongDescription";
pub const CORE_REVISIONS: &str = "Org.OData.Core.V1.Revisions";
pub const CORE_OPTIONAL_PARAMETER: &str = "Org.OData.Core.V1.OptionalParameter";

/// One annotation. `term` is the term's qualified name with its namespace (aliases such as
/// `Core.` are resolved), so lookups compare one spelling; each term's name is one shared
/// string, as a document uses a few dozen terms thousands of times.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub term: Arc<str>,
    pub qualifier: Option<String>,
    /// `None` when the annotation has no value: the term's default applies.
    pub value: Option<Value>,
    pub annotations: Vec<Annotation>,
    pub span: Span,
}

/// An annotation value expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Constant {
        kind: ConstantKind,
        value: String,
    },
    Path {
        kind: PathKind,
        value: String,
    },
    /// Out of line, as is `Dynamic`: every annotation then holds a value of 32 bytes.
    Record(Box<Record>),
    Collection(Vec<Value>),
    Null,
    /// A dynamic expression (`Apply`, `If`, ...), kept with its attributes and operands.
    Dynamic(Box<Dynamic>),
}

/// A record value: its type, when written, and its property values.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub type_name: Option<String>,
    pub properties: Vec<(String, Option<Value>)>,
    pub annotations: Vec<Annotation>,
}

/// A dynamic expression element with its attributes and operands.
#[derive(Debug, Clone, PartialEq)]
pub struct Dynamic {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub operands: Vec<Value>,
}

impl Value {
    /// The text of a string constant.
    pub fn as_string(&self) -> Option<&str> {
        match self {
            Value::Constant { kind: ConstantKind::String, value } => Some(value),
            _ => None,
        }
    }

    /// A record's property value.
    pub fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Record(record) => record.properties.iter().find(|(n, _)| n == name).and_then(|(_, v)| v.as_ref()),
            _ => None,
        }
    }

    /// The constant text of any constant kind (dates, enum members, numbers, ...).
    pub fn as_constant(&self) -> Option<&str> {
        match self {
            Value::Constant { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// A `Core.Revisions` entry: a deprecation or other change notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// `Added`, `Modified` or `Deprecated` (the member name of `Core.RevisionKind`).
    pub kind: String,
    pub version: Option<String>,
    pub description: Option<String>,
    pub date: Option<String>,
    pub removal_date: Option<String>,
}

/// `Core.OptionalParameter`: the parameter may be omitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionalParameter {
    pub default_value: Option<String>,
}

/// Reading the well-known terms from an element's annotations.
pub trait AnnotationsExt {
    fn find_term(&self, term: &str) -> Option<&Annotation>;
    /// `Core.Description` without a qualifier.
    fn description(&self) -> Option<&str>;
    fn long_description(&self) -> Option<&str>;
    fn revisions(&self) -> Vec<Revision>;
    fn is_deprecated(&self) -> bool;
    fn optional_parameter(&self) -> Option<OptionalParameter>;
}

impl AnnotationsExt for [Annotation] {
    fn find_term(&self, term: &str) -> Option<&Annotation> {
        self.iter().find(|a| &*a.term == term && a.qualifier.is_none())
    }

    fn description(&self) -> Option<&str> {
        self.find_term(CORE_DESCRIPTION)?.value.as_ref()?.as_string()
    }

    fn long_description(&self) -> Option<&str> {
        self.find_term(CORE_LONG_DESCRIPTION)?.value.as_ref()?.as_string()
    }

    fn revisions(&self) -> Vec<Revision> {
        let Some(Value::Collection(items)) = self.find_term(CORE_REVISIONS).and_then(|a| a.value.as_ref()) else {
            return Vec::new();
        };
        let text = |record: &Value, field: &str| record.field(field).and_then(Value::as_constant).map(str::to_owned);
        items
            .iter()
            .map(|record| Revision {
                // `Org.OData.Core.V1.RevisionKind/Deprecated` or `Core.RevisionKind/Deprecated`.
                kind: text(record, "Kind")
                    .map(|k| k.rsplit('/').next().unwrap_or_default().to_owned())
                    .unwrap_or_default(),
                version: text(record, "Version"),
                description: text(record, "Description"),
                date: text(record, "Date"),
                removal_date: text(record, "RemovalDate"),
            })
            .collect()
    }

    fn is_deprecated(&self) -> bool {
        self.revisions().iter().any(|r| r.kind == "Deprecated")
    }

    fn optional_parameter(&self) -> Option<OptionalParameter> {
        let annotation = self.find_term(CORE_OPTIONAL_PARAMETER)?;
        let default_value = annotation
            .value
            .as_ref()
            .and_then(|v| v.field("DefaultValue"))
            .and_then(Value::as_constant)
            .map(str::to_owned);
        Some(OptionalParameter { default_value })
    }
}

/// A model element that annotations can be attached to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Schema(usize),
    Type(TypeId),
    Property(TypeId, usize),
    NavigationProperty(TypeId, usize),
    EnumMember(TypeId, usize),
    Operation(OperationId),
    Parameter(OperationId, usize),
    ReturnType(OperationId),
    Term(usize),
    Container,
    EntitySet(usize),
    Singleton(usize),
    ActionImport(usize),
    FunctionImport(usize),
}
