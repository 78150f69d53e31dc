//! Resolving a syntax tree into a [`Model`] and validating it.
//!
//! Four passes over the tree, so every name can be found whatever the element order:
//! 1. schemas and their qualifiers (namespaces and aliases), and `edmx:Include`s;
//! 2. registration of every named type;
//! 3. types, operations, terms and the container, with every type reference resolved;
//! 4. checks that need the whole model (base-type cycles, inherited member clashes, keys,
//!    partners), then out-of-line annotations attached to their targets.

use super::annotations::Target;
use super::lexical;
use super::names::{TypeNameError, parse_type_name};
use super::*;
use crate::csdl::{self, Text};
use crate::diagnostics::{Diagnostic, codes};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

impl Model {
    /// Resolves and validates a syntax tree, appending every problem to `diagnostics`.
    pub fn build(document: &csdl::Document<'_>, diagnostics: &mut Vec<Diagnostic>) -> Model {
        let mut builder = Builder {
            document,
            diagnostics,
            model: Model::default(),
            qualifiers: HashMap::default(),
            included: HashMap::default(),
            base_spans: Vec::new(),
            schema_types: Vec::new(),
            namespaces: document.schemas.iter().map(|s| Arc::from(s.namespace.as_str())).collect(),
            term_names: HashMap::default(),
            seen: HashSet::default(),
            resolved: HashMap::default(),
        };
        builder.model.version = document.version.as_ref().map(|v| v.value.to_string()).unwrap_or_default();
        builder.schemas(document);
        let registered = builder.register_types(document);
        builder.fill_types(&registered);
        builder.operations(document);
        builder.terms(document);
        builder.container(document);
        builder.check_hierarchy();
        builder.attach_annotation_blocks(document);
        builder.finish()
    }
}

struct Builder<'d, 't> {
    /// The syntax tree, which also locates its values.
    document: &'t csdl::Document<'t>,
    diagnostics: &'d mut Vec<Diagnostic>,
    model: Model,
    /// Namespace or alias of a schema in this document → the schema's index.
    qualifiers: HashMap<String, usize>,
    /// Namespace or alias of an `edmx:Include` → the included namespace.
    included: HashMap<String, String>,
    /// The span of each type's `BaseType` attribute, for cycle errors.
    base_spans: Vec<Option<Span>>,
    /// Per schema: simple name → type, for resolving references without building strings.
    schema_types: Vec<HashMap<&'t str, TypeId>>,
    /// Each schema's namespace, shared by its types and operations.
    namespaces: Vec<Arc<str>>,
    /// A term as written → its qualified name.
    term_names: HashMap<String, Arc<str>>,
    /// The member names of the type or operation being resolved, to find repeated ones; one set
    /// for all of them, emptied each time.
    seen: HashSet<&'t str>,
    /// Type references that resolved, by their text: a document names a few thousand types in
    /// tens of thousands of places.
    resolved: HashMap<&'t str, TypeRef>,
}

/// Where a registered type came from in the syntax tree.
enum Source<'d, 'a> {
    Structured(&'d csdl::StructuredType<'a>),
    Enum(&'d csdl::EnumType<'a>),
    Definition(&'d csdl::TypeDefinition<'a>),
}

/// What a qualifier names.
enum Qualifier<'m> {
    Schema(&'m str),
    External(&'m str),
    Undeclared,
}

impl<'d, 't> Builder<'d, 't> {
    fn error(&mut self, code: &'static str, span: Span, message: String) {
        self.diagnostics.push(Diagnostic::error(code, span, message));
    }

    /// The span of a value's raw text.
    fn span(&self, text: &Text<'_>) -> Span {
        self.document.span(text)
    }

    fn warning(&mut self, code: &'static str, span: Span, message: String) {
        self.diagnostics.push(Diagnostic::warning(code, span, message));
    }

    // ---- pass 1: schemas ----

    fn schemas(&mut self, document: &csdl::Document<'_>) {
        for reference in document.references {
            for include in reference.includes {
                let namespace = include.namespace.value.to_string();
                if let Some(alias) = &include.alias {
                    self.included.insert(alias.value.to_string(), namespace.clone());
                }
                self.included.insert(namespace.clone(), namespace);
            }
            let annotations = self.annotations(reference.annotations, None);
            self.model.references.push(Reference {
                uri: reference.uri.value.to_string(),
                includes: reference
                    .includes
                    .iter()
                    .map(|i| (i.namespace.value.to_string(), i.alias.as_ref().map(|a| a.value.to_string())))
                    .collect(),
                annotations,
            });
        }
        for (index, schema) in document.schemas.iter().enumerate() {
            let namespace = schema.namespace.as_str();
            for (qualifier, text) in
                std::iter::once((namespace, &schema.namespace)).chain(schema.alias.as_ref().map(|a| (a.as_str(), a)))
            {
                if let Some(&other) = self.qualifiers.get(qualifier) {
                    let other_namespace = document.schemas[other].namespace.as_str();
                    self.error(
                        codes::DUPLICATE_NAMESPACE,
                        self.span(text),
                        format!(
                            "`{qualifier}` is already declared as the namespace or alias of schema `{other_namespace}`"
                        ),
                    );
                } else {
                    self.qualifiers.insert(qualifier.to_owned(), index);
                }
            }
            self.model.schemas.push(Schema {
                namespace: namespace.to_owned(),
                alias: schema.alias.as_ref().map(|a| a.value.to_string()),
                annotations: Vec::new(),
                span: schema.span,
            });
        }
        // Inline schema annotations need the qualifiers above to resolve their terms.
        for (index, schema) in document.schemas.iter().enumerate() {
            let annotations = self.annotations(schema.annotations, None);
            self.model.schemas[index].annotations = annotations;
        }
    }

    fn qualifier<'s>(&'s self, qualifier: &'s str) -> Qualifier<'s> {
        if let Some(&index) = self.qualifiers.get(qualifier) {
            return Qualifier::Schema(&self.model.schemas[index].namespace);
        }
        if let Some(namespace) = self.included.get(qualifier) {
            return Qualifier::External(namespace);
        }
        // The OASIS vocabularies are used everywhere without an edmx:Reference (Graph does).
        if qualifier.starts_with("Org.OData.") {
            return Qualifier::External(qualifier);
        }
        Qualifier::Undeclared
    }

    // ---- pass 2: registration ----

    fn register_types<'a>(&mut self, document: &'t csdl::Document<'a>) -> Vec<(TypeId, Source<'t, 'a>)> {
        let count: usize = document
            .schemas
            .iter()
            .map(|s| s.entity_types.len() + s.complex_types.len() + s.enum_types.len() + s.type_definitions.len())
            .sum();
        let mut registered = Vec::with_capacity(count);
        self.model.types.reserve(count);
        self.model.type_index.reserve(count);
        self.base_spans.reserve(count);
        // Terms and entity containers share the names of their schema with its types.
        let mut others: HashSet<(usize, &str)> = HashSet::default();
        self.schema_types = vec![HashMap::default(); document.schemas.len()];
        for (index, schema) in document.schemas.iter().enumerate() {
            let namespace = schema.namespace.as_str();
            // A repeated namespace (reported) shares the first schema's names.
            let schema_index = self.qualifiers.get(namespace).copied().unwrap_or(index);
            self.schema_types[schema_index].reserve(
                schema.entity_types.len()
                    + schema.complex_types.len()
                    + schema.enum_types.len()
                    + schema.type_definitions.len(),
            );
            let sources = schema
                .entity_types
                .iter()
                .chain(schema.complex_types)
                .map(|t| (&t.name, t.span, Source::Structured(t)))
                .chain(schema.enum_types.iter().map(|t| (&t.name, t.span, Source::Enum(t))))
                .chain(schema.type_definitions.iter().map(|t| (&t.name, t.span, Source::Definition(t))));
            let others_here = schema
                .terms
                .iter()
                .map(|t| (&t.name, t.span, "term"))
                .chain(schema.entity_containers.iter().map(|c| (&c.name, c.span, "entity container")));
            for (name, span, source) in sources {
                let qualified_name = qualify(namespace, name.as_str());
                let id = TypeId(self.model.types.len() as u32);
                let names = &mut self.schema_types[schema_index];
                if names.contains_key(name.as_str()) || others.contains(&(schema_index, name.as_str())) {
                    self.error(
                        codes::DUPLICATE_NAME,
                        span,
                        format!("`{qualified_name}` is declared twice; references resolve to the first declaration"),
                    );
                } else {
                    names.insert(name.as_str(), id);
                    self.model.type_index.push(id);
                }
                let kind = match source {
                    Source::Structured(t) if t.kind == StructuredKind::Entity => {
                        TypeKind::Entity(StructuredType::default())
                    }
                    Source::Structured(_) => TypeKind::Complex(StructuredType::default()),
                    Source::Enum(_) => TypeKind::Enum(EnumType {
                        underlying_type: Primitive::Int32,
                        is_flags: false,
                        members: Vec::new(),
                    }),
                    Source::Definition(_) => TypeKind::Definition(TypeDefinition {
                        underlying_type: Primitive::String,
                        facets: Facets::default(),
                    }),
                };
                self.model.types.push(SchemaType {
                    namespace: self.namespaces[index].clone(),
                    name: Name::new(name.value),
                    qualified_name,
                    kind,
                    annotations: Vec::new(),
                    span,
                });
                self.base_spans.push(None);
                registered.push((id, source));
            }
            for (name, span, what) in others_here {
                if self.schema_types[schema_index].contains_key(name.as_str())
                    || !others.insert((schema_index, name.as_str()))
                {
                    let qualified_name = qualify(namespace, name.as_str());
                    self.error(
                        codes::DUPLICATE_NAME,
                        span,
                        format!("{what} `{qualified_name}` has the name of another item of schema `{namespace}`"),
                    );
                }
            }
        }
        registered
    }

    // ---- name resolution ----

    /// Resolves a type reference, reporting why it does not resolve.
    fn resolve(&mut self, text: &Text<'t>) -> TypeRef {
        if let Some(ty) = self.resolved.get(text.value) {
            return ty.clone();
        }
        match self.try_resolve(text.as_str()) {
            Ok(ty) => {
                self.resolved.insert(text.value, ty.clone());
                ty
            }
            Err((code, message, offset, len)) => {
                let start = self.span(text).start as usize + offset;
                let span = Span::new(start, start + len);
                self.error(code, span, message);
                TypeRef {
                    target: TypeTarget::Unresolved(text.value.into()),
                    collection: text.value.starts_with("Collection("),
                }
            }
        }
    }

    /// Resolves a type reference; on failure returns (code, message, offset, length) of the problem.
    fn try_resolve(&mut self, text: &str) -> Result<TypeRef, (&'static str, String, usize, usize)> {
        let name = match parse_type_name(text) {
            Ok(name) => name,
            Err(TypeNameError::MalformedCollection(why)) => {
                return Err((codes::MALFORMED_COLLECTION, format!("malformed type `{text}`: {why}"), 0, text.len()));
            }
            Err(TypeNameError::Unqualified) => {
                let inner = text.trim_start_matches("Collection(").trim_end_matches(')');
                let hint = Primitive::ALL
                    .into_iter()
                    .find(|p| p.name().eq_ignore_ascii_case(inner))
                    .map(|p| format!(" (did you mean `Edm.{}`?)", p.name()))
                    .unwrap_or_default();
                return Err((
                    codes::UNQUALIFIED_TYPE,
                    format!("type `{inner}` has no namespace qualifier{hint}"),
                    0,
                    text.len(),
                ));
            }
        };
        let span_len = name.qualifier.len() + 1 + name.name.len();
        let target = if name.qualifier == "Edm" {
            match Primitive::from_name(name.name) {
                Some(p) => TypeTarget::Primitive(p),
                None => {
                    let hint = Primitive::ALL
                        .into_iter()
                        .find(|p| p.name().eq_ignore_ascii_case(name.name) || p.name().starts_with(name.name))
                        .map(|p| format!(" (did you mean `Edm.{}`?)", p.name()))
                        .unwrap_or_default();
                    return Err((
                        codes::UNKNOWN_PRIMITIVE,
                        format!("`Edm.{}` is not a primitive type{hint}", name.name),
                        name.offset,
                        span_len,
                    ));
                }
            }
        } else {
            match self.qualifier(name.qualifier) {
                Qualifier::Schema(namespace) => {
                    // By schema and simple name: no string is built for the hot path.
                    let schema = self.qualifiers[name.qualifier];
                    match self.schema_types[schema].get(name.name) {
                        Some(id) => TypeTarget::Named(*id),
                        None => {
                            return Err((
                                codes::DANGLING_TYPE,
                                format!("type `{namespace}.{}` is not declared in namespace `{namespace}`", name.name),
                                name.offset,
                                span_len,
                            ));
                        }
                    }
                }
                Qualifier::External(namespace) => TypeTarget::External(qualify(namespace, name.name).into()),
                Qualifier::Undeclared => {
                    return Err((
                        codes::UNDECLARED_QUALIFIER,
                        format!(
                            "`{}` in type `{}.{}` is neither a namespace nor an alias declared by this document or its references",
                            name.qualifier, name.qualifier, name.name
                        ),
                        name.offset,
                        name.qualifier.len(),
                    ));
                }
            }
        };
        Ok(TypeRef { target, collection: name.collection })
    }

    /// The canonical spelling (`ns.Type`, `Collection(ns.Type)`) of a type name, without
    /// reporting anything; for matching overload signatures in annotation targets.
    fn canonical_type(&mut self, text: &str) -> Option<String> {
        let ty = self.try_resolve(text.trim()).ok()?;
        Some(self.model.type_ref_name(&ty))
    }

    /// Resolves a qualified name of a schema child (`graph.x` → `microsoft.graph.x`).
    fn canonical_name(&self, text: &str) -> Option<String> {
        let (qualifier, name) = text.rsplit_once('.')?;
        match self.qualifier(qualifier) {
            Qualifier::Schema(namespace) => Some(qualify(namespace, name)),
            _ => None,
        }
    }

    fn structured_kind(&self, ty: &TypeRef) -> Option<StructuredKind> {
        match ty.target {
            TypeTarget::Named(id) => match self.model.types[id.0 as usize].kind {
                TypeKind::Entity(_) => Some(StructuredKind::Entity),
                TypeKind::Complex(_) => Some(StructuredKind::Complex),
                _ => None,
            },
            _ => None,
        }
    }

    /// Reports a reference that must name an entity type but names something else. The abstract
    /// `Edm.EntityType` is allowed only where `abstract_allowed` (a navigation property's type;
    /// never an entity set's or singleton's, CSDL 4.01 §3.4).
    /// `owner` is (kind, name) of the element whose type this is, for the message.
    fn expect_entity_type(&mut self, ty: &TypeRef, text: &Text<'_>, owner: (&str, &str), abstract_allowed: bool) {
        let what = || format!("the type of {} `{}`", owner.0, owner.1);
        if !abstract_allowed && ty.target == TypeTarget::Primitive(Primitive::EntityType) {
            self.error(
                codes::WRONG_TYPE_KIND,
                self.span(text),
                format!("{} must be an entity type of the model, not the abstract `Edm.EntityType`", what()),
            );
            return;
        }
        let is_entity = match ty.target {
            TypeTarget::Named(_) => self.structured_kind(ty) == Some(StructuredKind::Entity),
            TypeTarget::Primitive(p) => p == Primitive::EntityType,
            TypeTarget::External(_) | TypeTarget::Unresolved(_) => true,
        };
        if !is_entity {
            let found = match ty.target {
                TypeTarget::Named(id) => self.model.types[id.0 as usize].kind.label(),
                _ => "primitive type",
            };
            let name = self.model.type_ref_name(ty);
            self.error(
                codes::WRONG_TYPE_KIND,
                self.span(text),
                format!("{} must be an entity type, but `{name}` is {}", what(), with_article(found)),
            );
        }
    }

    // ---- attribute values ----

    /// Whether the document declares CSDL 4.0, whose grammar lacks the 4.01 additions.
    fn is_csdl_40(&self) -> bool {
        self.model.version == "4.0"
    }

    /// A boolean attribute, or `default` when it is absent or invalid (reported).
    fn boolean(&mut self, text: Option<&Text<'_>>, default: bool) -> bool {
        text.and_then(|t| self.boolean_value(t)).unwrap_or(default)
    }

    /// A boolean attribute value (`xs:boolean`; CSDL writes `true` or `false`); `None` when invalid.
    fn boolean_value(&mut self, t: &Text<'_>) -> Option<bool> {
        match lexical::boolean(t.as_str()) {
            lexical::Boolean::Literal(value) => Some(value),
            lexical::Boolean::Numeric(value) => {
                self.warning(
                    codes::NONCANONICAL_VALUE,
                    self.span(t),
                    format!(
                        "`{}` is an XML Schema boolean, but CSDL writes booleans as `true` or `false`; read as `{value}`",
                        t.as_str()
                    ),
                );
                Some(value)
            }
            lexical::Boolean::Invalid => {
                self.error(
                    codes::INVALID_ATTRIBUTE_VALUE,
                    self.span(t),
                    format!("`{}` is not a boolean; expected `true` or `false`", t.as_str()),
                );
                None
            }
        }
    }

    /// A non-negative integer facet; `expected` describes the whole grammar for the message.
    fn non_negative(&mut self, text: &Text<'_>, facet: &str, expected: &str, max: u64) -> Option<u64> {
        match lexical::non_negative_integer(text.as_str()) {
            lexical::Integer::Value(n) if n <= max => Some(n),
            lexical::Integer::Value(_) | lexical::Integer::OutOfRange => {
                self.warning(
                    codes::VALUE_TOO_LARGE,
                    self.span(text),
                    format!("{facet} `{}` is larger than this tool can represent; read as {max}", text.as_str().trim()),
                );
                Some(max)
            }
            lexical::Integer::Invalid => {
                self.error(
                    codes::INVALID_ATTRIBUTE_VALUE,
                    self.span(text),
                    format!("`{}` is not a valid {facet}; expected {expected}", text.as_str()),
                );
                None
            }
        }
    }

    fn number_u32(&mut self, text: &Text<'_>, facet: &str, expected: &str) -> Option<u32> {
        self.non_negative(text, facet, expected, u32::MAX.into()).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// The type facets, by the grammar of CSDL XML 4.0 and 4.01 (see [`lexical`]). Symbolic
    /// values are lower case (`max`, `variable`, `floating`), except for `Scale`.
    fn facets(&mut self, facets: &csdl::Facets<'_>) -> Facets {
        let Some(facets) = facets.others else {
            return Facets::default();
        };
        let max_length = facets.max_length.as_ref().and_then(|t| match t.as_str() {
            "max" => Some(MaxLength::Max),
            _ => self.non_negative(t, "MaxLength", "a non-negative integer or `max`", u64::MAX).map(MaxLength::Length),
        });
        let precision =
            facets.precision.as_ref().and_then(|t| self.number_u32(t, "Precision", "a non-negative integer"));
        let csdl_40 = self.is_csdl_40();
        let scale = facets.scale.as_ref().and_then(|t| match lexical::scale_keyword(t.as_str(), csdl_40) {
            Some(lexical::ScaleKeyword::Variable) => Some(Scale::Variable),
            Some(lexical::ScaleKeyword::Floating) => {
                if csdl_40 {
                    self.warning(
                        codes::VERSION_MISMATCH,
                        self.span(t),
                        "Scale `floating` is CSDL 4.01; a document declaring Version 4.0 must not use it; read as `floating`"
                            .into(),
                    );
                }
                Some(Scale::Floating)
            }
            None => {
                let expected = if csdl_40 {
                    "a non-negative integer or `variable` (`floating` is CSDL 4.01)"
                } else {
                    "a non-negative integer, `variable` or `floating`"
                };
                self.number_u32(t, "Scale", expected).map(Scale::Value)
            }
        });
        let srid = facets.srid.as_ref().and_then(|t| match t.as_str() {
            "variable" => Some(Srid::Variable),
            // Microsoft's OData library writes `Variable` (the OData demo service does).
            "Variable" => {
                self.warning(
                    codes::NONCANONICAL_VALUE,
                    self.span(t),
                    "SRID `Variable` is written `variable` in CSDL; read as `variable`".into(),
                );
                Some(Srid::Variable)
            }
            _ => self.number_u32(t, "SRID", "a non-negative integer or `variable`").map(Srid::Value),
        });
        let unicode = facets.unicode.as_ref().and_then(|t| self.boolean_value(t));
        Facets::new(FacetValues { max_length, precision, scale, srid, unicode })
    }

    // ---- pass 3: types ----

    fn fill_types(&mut self, registered: &[(TypeId, Source<'_, 't>)]) {
        for (id, source) in registered {
            let annotations;
            let kind = match source {
                Source::Structured(t) => {
                    annotations = self.annotations(t.annotations, None);
                    let structured = self.structured_type(*id, t);
                    if t.kind == StructuredKind::Entity {
                        TypeKind::Entity(structured)
                    } else {
                        TypeKind::Complex(structured)
                    }
                }
                Source::Enum(t) => {
                    annotations = self.annotations(t.annotations, None);
                    TypeKind::Enum(self.enum_type(*id, t))
                }
                Source::Definition(t) => {
                    annotations = self.annotations(t.annotations, None);
                    TypeKind::Definition(self.type_definition(t))
                }
            };
            let ty = &mut self.model.types[id.0 as usize];
            ty.kind = kind;
            ty.annotations = annotations;
        }
    }

    fn structured_type(&mut self, id: TypeId, t: &csdl::StructuredType<'t>) -> StructuredType {
        let mut external_base_type = None;
        let base_type = t.base_type.as_ref().and_then(|text| {
            self.base_spans[id.0 as usize] = Some(self.span(text));
            let base = self.resolve(text);
            let kind = self.structured_kind(&base);
            match (base.target, base.collection) {
                (TypeTarget::Named(base_id), false) if kind == Some(t.kind) => Some(base_id),
                (TypeTarget::Unresolved(_), _) => None,
                (TypeTarget::External(name), false) => {
                    external_base_type = Some(name);
                    None
                }
                (target, collection) => {
                    let what = if t.kind == StructuredKind::Entity { "entity type" } else { "complex type" };
                    let found = match target {
                        _ if collection => "collection",
                        TypeTarget::Named(other) => self.model.types[other.0 as usize].kind.label(),
                        TypeTarget::Primitive(_) => "primitive type",
                        TypeTarget::External(_) | TypeTarget::Unresolved(_) => "collection",
                    };
                    self.error(
                        codes::WRONG_TYPE_KIND,
                        self.span(text),
                        format!(
                            "the base type of {what} `{}` must be {} of this document, but `{}` is {}",
                            t.name.as_str(),
                            with_article(what),
                            text.as_str(),
                            with_article(found),
                        ),
                    );
                    None
                }
            }
        });
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        let mut properties = Vec::with_capacity(t.properties.len());
        for p in t.properties {
            self.unique_member(&mut seen, &p.name, p.span, id);
            let ty = self.resolve(&p.type_name);
            let nullable = self.boolean(p.facets.nullable.as_ref(), true);
            let facets = self.facets(&p.facets);
            let annotations = self.annotations(p.annotations, None);
            properties.push(Property {
                name: Name::new(p.name.value),
                ty,
                nullable,
                facets,
                default_value: p.default_value.as_ref().map(|d| d.value.to_string()),
                annotations,
                span: p.span,
            });
        }
        let mut navigation_properties = Vec::with_capacity(t.navigation_properties.len());
        for n in t.navigation_properties {
            self.unique_member(&mut seen, &n.name, n.span, id);
            let ty = self.resolve(&n.type_name);
            self.expect_entity_type(&ty, &n.type_name, ("navigation property", n.name.as_str()), true);
            let nullable = self.boolean(n.nullable.as_ref(), true);
            let contains_target = self.boolean(n.contains_target.as_ref(), false);
            if let Some(action) = &n.on_delete
                && !matches!(action.as_str(), "Cascade" | "None" | "SetNull" | "SetDefault")
            {
                self.error(
                    codes::INVALID_ATTRIBUTE_VALUE,
                    self.span(action),
                    format!(
                        "`{}` is not an on-delete action; expected `Cascade`, `None`, `SetNull` or `SetDefault`",
                        action.as_str()
                    ),
                );
            }
            let annotations = self.annotations(n.annotations, None);
            navigation_properties.push(NavigationProperty {
                name: Name::new(n.name.value),
                ty,
                nullable,
                partner: n.partner.as_ref().map(|p| p.value.to_string()),
                partner_span: n.partner.as_ref().map(|p| self.span(p)),
                contains_target,
                referential_constraints: n
                    .referential_constraints
                    .iter()
                    .map(|c| (c.property.value.to_string(), c.referenced_property.value.to_string()))
                    .collect(),
                on_delete: n.on_delete.as_ref().map(|a| a.value.to_string()),
                annotations,
                span: n.span,
            });
        }
        self.seen = seen;
        StructuredType {
            base_type,
            external_base_type: external_base_type.map(String::from),
            is_abstract: self.boolean(t.is_abstract.as_ref(), false),
            open_type: self.boolean(t.open_type.as_ref(), false),
            has_stream: self.boolean(t.has_stream.as_ref(), false),
            key: t.key.as_ref().map(|k| {
                k.property_refs
                    .iter()
                    .map(|r| PropertyRef {
                        name: Name::new(r.name.value),
                        alias: r.alias.as_ref().map(|a| a.value.to_string()),
                        span: self.span(&r.name),
                    })
                    .collect()
            }),
            properties,
            navigation_properties,
            derived_types: Vec::new(),
        }
    }

    fn unique_member(&mut self, seen: &mut HashSet<&'t str>, name: &Text<'t>, span: Span, owner: TypeId) {
        if !seen.insert(name.as_str()) {
            let owner = &self.model.types[owner.0 as usize].qualified_name;
            let message = format!("`{owner}` declares a member named `{}` twice", name.as_str());
            self.error(codes::DUPLICATE_NAME, span, message);
        }
    }

    fn enum_type(&mut self, id: TypeId, t: &csdl::EnumType<'t>) -> EnumType {
        let qualified_name = self.model.types[id.0 as usize].qualified_name.clone();
        let underlying_type = match &t.underlying_type {
            None => Primitive::Int32,
            Some(text) => match self.try_resolve(text.as_str()) {
                Ok(TypeRef { target: TypeTarget::Primitive(p), collection: false }) if p.integer_range().is_some() => p,
                _ => {
                    self.error(
                        codes::INVALID_UNDERLYING_TYPE,
                        self.span(text),
                        format!("the underlying type of enum `{qualified_name}` must be Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 or Edm.Int64, not `{}`", text.as_str()),
                    );
                    Primitive::Int32
                }
            },
        };
        let is_flags = self.boolean(t.is_flags.as_ref(), false);
        let (min, max) = underlying_type.integer_range().unwrap_or((i64::MIN, i64::MAX));
        // CSDL 4.01 §10.3: members of a flags enum give non-negative values;
        // members of any other enum give values either all or not at all.
        let some_have_values = t.members.iter().any(|m| m.value.is_some());
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        let mut members = Vec::with_capacity(t.members.len());
        for (position, m) in t.members.iter().enumerate() {
            if !seen.insert(m.name.as_str()) {
                self.error(
                    codes::DUPLICATE_ENUM_MEMBER,
                    m.span,
                    format!("enum `{qualified_name}` has two members named `{}`", m.name.as_str()),
                );
            }
            let value = match &m.value {
                None => {
                    if is_flags {
                        self.error(
                            codes::ENUM_VALUE_MISSING,
                            m.span,
                            format!("member `{}` of flags enum `{qualified_name}` has no Value; flags members must give their bit value", m.name.as_str()),
                        );
                    } else if some_have_values {
                        self.error(
                            codes::ENUM_VALUE_MISSING,
                            m.span,
                            format!("member `{}` of enum `{qualified_name}` has no Value, but other members have one; either every member gives a value or none does", m.name.as_str()),
                        );
                    }
                    position as i64
                }
                Some(text) => match lexical::long(text.as_str()) {
                    lexical::Integer::Value(v) if v < min || v > max => {
                        self.error(
                            codes::ENUM_VALUE_OUT_OF_RANGE,
                            self.span(text),
                            format!(
                                "value {v} of member `{}` does not fit the underlying type Edm.{} ({min}..={max})",
                                m.name.as_str(),
                                underlying_type.name()
                            ),
                        );
                        v
                    }
                    lexical::Integer::Value(v) if v < 0 && is_flags => {
                        self.error(
                            codes::ENUM_VALUE_OUT_OF_RANGE,
                            self.span(text),
                            format!(
                                "value {v} of member `{}` of flags enum `{qualified_name}` is negative; flags members have non-negative values",
                                m.name.as_str()
                            ),
                        );
                        v
                    }
                    lexical::Integer::Value(v) => v,
                    lexical::Integer::OutOfRange => {
                        self.error(
                            codes::ENUM_VALUE_OUT_OF_RANGE,
                            self.span(text),
                            format!(
                                "value `{}` of member `{}` does not fit the underlying type Edm.{} ({min}..={max})",
                                text.as_str().trim(),
                                m.name.as_str(),
                                underlying_type.name()
                            ),
                        );
                        position as i64
                    }
                    lexical::Integer::Invalid => {
                        self.error(
                            codes::ENUM_VALUE_NOT_INTEGER,
                            self.span(text),
                            format!("value `{}` of member `{}` is not an integer", text.as_str(), m.name.as_str()),
                        );
                        position as i64
                    }
                },
            };
            let annotations = self.annotations(m.annotations, None);
            members.push(EnumMember { name: Name::new(m.name.value), value, annotations, span: m.span });
        }
        self.seen = seen;
        EnumType { underlying_type, is_flags, members }
    }

    fn type_definition(&mut self, t: &csdl::TypeDefinition<'t>) -> TypeDefinition {
        let ty = self.resolve(&t.underlying_type);
        let underlying_type = match (ty.target, ty.collection) {
            (TypeTarget::Primitive(p), false) if !p.is_abstract() => p,
            // CSDL 4.01 §3.4: allowed from 4.01 on, not in a 4.0 document.
            (TypeTarget::Primitive(Primitive::PrimitiveType), false) => {
                if self.is_csdl_40() {
                    self.warning(
                        codes::VERSION_MISMATCH,
                        self.span(&t.underlying_type),
                        format!(
                            "type definition `{}` is based on `Edm.PrimitiveType`, which only CSDL 4.01 documents may do; this document declares Version 4.0",
                            t.name.as_str()
                        ),
                    );
                }
                Primitive::PrimitiveType
            }
            (TypeTarget::Unresolved(_), _) => Primitive::String,
            _ => {
                self.error(
                    codes::INVALID_UNDERLYING_TYPE,
                    self.span(&t.underlying_type),
                    format!(
                        "the underlying type of type definition `{}` must be a primitive type, not `{}`",
                        t.name.as_str(),
                        t.underlying_type.as_str()
                    ),
                );
                Primitive::String
            }
        };
        TypeDefinition { underlying_type, facets: self.facets(&t.facets) }
    }

    // ---- pass 3: operations, terms, container ----

    fn operations(&mut self, document: &csdl::Document<'t>) {
        for (index, schema) in document.schemas.iter().enumerate() {
            for op in schema.actions.iter().chain(schema.functions) {
                let operation = self.operation(index, op);
                let id = OperationId(self.model.operations.len() as u32);
                self.model.operation_index.entry(operation.qualified_name.clone()).or_default().push(id);
                self.model.operations.push(operation);
            }
        }
        self.check_overloads();
    }

    /// An operation of the document's schema `schema`.
    fn operation(&mut self, schema: usize, op: &csdl::Operation<'t>) -> Operation {
        let namespace = self.namespaces[schema].clone();
        let qualified_name = qualify(&namespace, op.name.as_str());
        let is_bound = self.boolean(op.is_bound.as_ref(), false);
        if is_bound && op.parameters.is_empty() {
            self.error(
                codes::BOUND_WITHOUT_PARAMETER,
                op.span,
                format!(
                    "bound operation `{qualified_name}` has no parameter; its first parameter is the binding parameter"
                ),
            );
        }
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        let mut parameters = Vec::with_capacity(op.parameters.len());
        for p in op.parameters {
            if !seen.insert(p.name.as_str()) {
                self.error(
                    codes::DUPLICATE_NAME,
                    p.span,
                    format!("operation `{qualified_name}` has two parameters named `{}`", p.name.as_str()),
                );
            }
            let ty = self.resolve(&p.type_name);
            let nullable = self.boolean(p.facets.nullable.as_ref(), true);
            let facets = self.facets(&p.facets);
            let annotations = self.annotations(p.annotations, None);
            parameters.push(Parameter {
                name: Name::new(p.name.value),
                ty,
                nullable,
                facets,
                annotations,
                span: p.span,
            });
        }
        self.seen = seen;
        let return_type = op.return_type.as_ref().map(|r| {
            let ty = self.resolve(&r.type_name);
            let nullable = self.boolean(r.facets.nullable.as_ref(), true);
            let facets = self.facets(&r.facets);
            let annotations = self.annotations(r.annotations, None);
            ReturnType { ty, nullable, facets, annotations, span: r.span }
        });
        let is_composable = self.boolean(op.is_composable.as_ref(), false);
        if let (Some(path), Some(binding)) = (&op.entity_set_path, op.parameters.first().filter(|_| is_bound))
            && path.as_str().split('/').next() != Some(binding.name.as_str())
        {
            self.error(
                codes::DANGLING_PATH,
                self.span(path),
                format!(
                    "EntitySetPath `{}` of `{qualified_name}` must start with the binding parameter `{}`",
                    path.as_str(),
                    binding.name.as_str()
                ),
            );
        }
        let annotations = self.annotations(op.annotations, None);
        Operation {
            kind: op.kind,
            namespace,
            name: Name::new(op.name.value),
            qualified_name,
            is_bound,
            is_composable,
            entity_set_path: op.entity_set_path.as_ref().map(|p| p.value.to_string()),
            parameters,
            return_type,
            annotations,
            span: op.span,
        }
    }

    /// Overload rules of CSDL 4.01 §12: bound actions differ by binding type; bound functions by
    /// binding type and the set of other parameter names; unbound actions cannot overload;
    /// unbound functions differ by the set of parameter names.
    fn check_overloads(&mut self) {
        let mut problems = Vec::new();
        // Only a name with several overloads can repeat a signature.
        for ids in self.model.operation_index.values().filter(|ids| ids.len() > 1) {
            let mut seen: HashMap<(OperationKind, String), OperationId> = HashMap::default();
            for &id in ids {
                let op = &self.model.operations[id.0 as usize];
                let mut names: Vec<&str> = op.non_binding_parameters().iter().map(|p| p.name.as_str()).collect();
                names.sort_unstable();
                let binding = op.binding_parameter().map(|p| self.model.type_ref_name(&p.ty));
                let signature = match (op.kind, &binding) {
                    (OperationKind::Action, Some(binding)) => format!("bound to {binding}"),
                    (OperationKind::Action, None) => "unbound".to_owned(),
                    (OperationKind::Function, Some(binding)) => {
                        format!("bound to {binding} with parameters ({})", names.join(", "))
                    }
                    (OperationKind::Function, None) => format!("unbound with parameters ({})", names.join(", ")),
                };
                if let Some(first) = seen.get(&(op.kind, signature.clone())) {
                    let first = &self.model.operations[first.0 as usize];
                    let kind = if op.kind == OperationKind::Action { "action" } else { "function" };
                    problems.push(Diagnostic::error(
                        codes::DUPLICATE_OVERLOAD,
                        op.span,
                        format!("{kind} `{}` {signature} is declared twice (first at byte {}); the overloads cannot be told apart", op.qualified_name, first.span.start),
                    ));
                } else {
                    seen.insert((op.kind, signature), id);
                }
            }
        }
        self.diagnostics.extend(problems);
    }

    fn terms(&mut self, document: &csdl::Document<'t>) {
        for schema in document.schemas {
            let namespace = schema.namespace.as_str();
            for t in schema.terms {
                let ty = self.resolve(&t.type_name);
                let nullable = self.boolean(t.facets.nullable.as_ref(), true);
                let facets = self.facets(&t.facets);
                let annotations = self.annotations(t.annotations, None);
                self.model.terms.push(Term {
                    namespace: namespace.to_owned(),
                    name: t.name.value.to_string(),
                    qualified_name: qualify(namespace, t.name.as_str()),
                    ty,
                    nullable,
                    base_term: t.base_term.as_ref().map(|b| b.value.to_string()),
                    applies_to: t
                        .applies_to
                        .as_ref()
                        .map(|a| a.value.split_whitespace().map(str::to_owned).collect())
                        .unwrap_or_default(),
                    default_value: t.default_value.as_ref().map(|d| d.value.to_string()),
                    facets,
                    annotations,
                    span: t.span,
                });
            }
        }
    }

    fn container(&mut self, document: &csdl::Document<'t>) {
        let mut containers = document.schemas.iter().flat_map(|s| s.entity_containers.iter().map(move |c| (s, c)));
        let Some((schema, c)) = containers.next() else { return };
        for (_, extra) in containers {
            self.error(
                codes::DUPLICATE_NAME,
                extra.span,
                format!("a second entity container `{}`; a document has at most one", extra.name.as_str()),
            );
        }
        let namespace = schema.namespace.as_str();
        let mut names: HashSet<String> = HashSet::default();
        let mut unique = |builder: &mut Self, name: &Text<'_>, span: Span| {
            if !names.insert(name.as_str().to_owned()) {
                builder.error(
                    codes::DUPLICATE_NAME,
                    span,
                    format!("the entity container has two children named `{}`", name.as_str()),
                );
            }
        };
        let mut entity_sets = Vec::new();
        for set in c.entity_sets {
            unique(self, &set.name, set.span);
            let entity_type = self.resolve(&set.entity_type);
            if entity_type.collection {
                self.error(
                    codes::WRONG_TYPE_KIND,
                    self.span(&set.entity_type),
                    "an entity set's type is an entity type, not a collection".into(),
                );
            }
            self.expect_entity_type(&entity_type, &set.entity_type, ("entity set", set.name.as_str()), false);
            let include_in_service_document = self.boolean(set.include_in_service_document.as_ref(), true);
            let annotations = self.annotations(set.annotations, None);
            entity_sets.push(EntitySet {
                name: Name::new(set.name.value),
                entity_type,
                include_in_service_document,
                bindings: bindings(set.bindings),
                annotations,
                span: set.span,
            });
        }
        let mut singletons = Vec::new();
        for s in c.singletons {
            unique(self, &s.name, s.span);
            let ty = self.resolve(&s.type_name);
            if ty.collection {
                self.error(
                    codes::WRONG_TYPE_KIND,
                    self.span(&s.type_name),
                    "a singleton's type is an entity type, not a collection".into(),
                );
            }
            self.expect_entity_type(&ty, &s.type_name, ("singleton", s.name.as_str()), false);
            if let Some(nullable) = s.nullable.as_ref().filter(|_| self.is_csdl_40()) {
                self.warning(
                    codes::VERSION_MISMATCH,
                    self.span(nullable),
                    format!(
                        "`Nullable` on singleton `{}` is CSDL 4.01; a document declaring Version 4.0 must not specify it",
                        s.name.as_str()
                    ),
                );
            }
            let nullable = self.boolean(s.nullable.as_ref(), false);
            let annotations = self.annotations(s.annotations, None);
            singletons.push(Singleton {
                name: Name::new(s.name.value),
                ty,
                nullable,
                bindings: bindings(s.bindings),
                annotations,
                span: s.span,
            });
        }
        let mut imports = [Vec::new(), Vec::new()];
        for (kind, list) in [(OperationKind::Action, c.action_imports), (OperationKind::Function, c.function_imports)] {
            for import in list {
                unique(self, &import.name, import.span);
                let operation = self.canonical_name(import.operation.as_str());
                let exists = operation
                    .as_ref()
                    .is_some_and(|name| self.model.overloads(name).any(|op| op.kind == kind && !op.is_bound));
                if !exists {
                    let what = if kind == OperationKind::Action { "unbound action" } else { "unbound function" };
                    self.error(
                        codes::DANGLING_CONTAINER_REFERENCE,
                        self.span(&import.operation),
                        format!(
                            "import `{}` names {what} `{}`, which is not declared",
                            import.name.as_str(),
                            import.operation.as_str()
                        ),
                    );
                }
                let include = self.boolean(import.include_in_service_document.as_ref(), false);
                let annotations = self.annotations(import.annotations, None);
                imports[(kind == OperationKind::Function) as usize].push(OperationImport {
                    name: Name::new(import.name.value),
                    operation: operation.unwrap_or_else(|| import.operation.value.to_string()),
                    entity_set: import.entity_set.as_ref().map(|e| e.value.to_string()),
                    include_in_service_document: include,
                    annotations,
                    span: import.span,
                });
            }
        }
        let [action_imports, function_imports] = imports;
        let annotations = self.annotations(c.annotations, None);
        let container = EntityContainer {
            namespace: namespace.to_owned(),
            name: c.name.value.to_string(),
            qualified_name: qualify(namespace, c.name.as_str()),
            extends: c.extends.as_ref().map(|e| e.value.to_string()),
            entity_sets,
            singletons,
            action_imports,
            function_imports,
            annotations,
            span: c.span,
        };
        // Binding targets and import entity sets name container children.
        let children: HashSet<&str> = container
            .entity_sets
            .iter()
            .map(|s| s.name.as_str())
            .chain(container.singletons.iter().map(|s| s.name.as_str()))
            .collect();
        let mut problems = Vec::new();
        let check = |target: &str, span: Span, what: String, problems: &mut Vec<Diagnostic>| {
            let mut segments = target.split('/');
            let first = segments.next().unwrap_or_default();
            // `Namespace.Container/set` names a set of a (possibly other) container.
            let child = if first.contains('.') { segments.next().unwrap_or_default() } else { first };
            let qualified_here = !first.contains('.')
                || first == container.qualified_name
                || first.ends_with(&format!(".{}", container.name));
            if qualified_here && !children.contains(child) {
                problems.push(Diagnostic::error(
                    codes::DANGLING_CONTAINER_REFERENCE,
                    span,
                    format!("{what} `{target}`, but the container has no entity set or singleton `{child}`"),
                ));
            }
        };
        for (set_bindings, owner) in c
            .entity_sets
            .iter()
            .map(|s| (s.bindings, &s.name))
            .chain(c.singletons.iter().map(|s| (s.bindings, &s.name)))
        {
            for b in set_bindings {
                check(
                    b.target.as_str(),
                    self.span(&b.target),
                    format!("navigation property binding `{}` of `{}` targets", b.path.as_str(), owner.as_str()),
                    &mut problems,
                );
            }
        }
        for import in c.action_imports.iter().chain(c.function_imports) {
            if let Some(set) = &import.entity_set {
                check(
                    set.as_str(),
                    self.span(set),
                    format!("import `{}` returns entities of", import.name.as_str()),
                    &mut problems,
                );
            }
        }
        self.diagnostics.extend(problems);
        let starts: Vec<TypeRef> = container
            .entity_sets
            .iter()
            .map(|s| s.entity_type.clone())
            .chain(container.singletons.iter().map(|s| s.ty.clone()))
            .collect();
        self.model.container = Some(container);
        let bindings = c.entity_sets.iter().map(|s| s.bindings).chain(c.singletons.iter().map(|s| s.bindings));
        for (start, list) in starts.iter().zip(bindings) {
            for b in list {
                self.check_binding_path(start, &b.path);
            }
        }
    }

    /// A binding path walks navigation properties, complex properties and type casts from the
    /// set's entity type; every segment must exist where the path reaches it.
    fn check_binding_path(&mut self, start: &TypeRef, path: &Text<'_>) {
        let TypeTarget::Named(mut current) = start.target else {
            return;
        };
        for segment in path.as_str().split('/') {
            let next = if segment.contains('.') {
                match self.try_resolve(segment) {
                    Ok(TypeRef { target: TypeTarget::Named(id), collection: false })
                        if self.model.structured(id).is_some() =>
                    {
                        Some(id)
                    }
                    Ok(TypeRef { target: TypeTarget::External(_), .. }) => return,
                    _ => None,
                }
            } else {
                let navigation = self
                    .model
                    .all_navigation_properties(current)
                    .into_iter()
                    .find(|(_, n)| n.name == segment)
                    .map(|(_, n)| n.ty.target.clone());
                let property = || {
                    self.model
                        .all_properties(current)
                        .into_iter()
                        .find(|(_, p)| p.name == segment)
                        .map(|(_, p)| p.ty.target.clone())
                };
                match navigation.or_else(property) {
                    Some(TypeTarget::Named(id)) if self.model.structured(id).is_some() => Some(id),
                    Some(TypeTarget::External(_) | TypeTarget::Unresolved(_)) => return,
                    _ => None,
                }
            };
            match next {
                Some(id) => current = id,
                None => {
                    let owner = self.model.ty(current).qualified_name.clone();
                    self.error(
                        codes::DANGLING_PATH,
                        self.span(path),
                        format!("binding path `{}`: `{owner}` has no navigation or complex property, and no derived type, `{segment}`", path.as_str()),
                    );
                    return;
                }
            }
        }
    }

    // ---- pass 4: checks over the whole hierarchy ----

    fn check_hierarchy(&mut self) {
        let count = self.model.types.len();
        // Base-type cycles: report each cycle once, at the type declared first in it.
        let mut in_cycle = vec![false; count];
        let mut path = Vec::new();
        for start in 0..count {
            path.clear();
            path.push(TypeId(start as u32));
            let mut current = TypeId(start as u32);
            while let Some(base) = self.model.structured(current).and_then(|s| s.base_type) {
                if let Some(position) = path.iter().position(|t| *t == base) {
                    let cycle = &path[position..];
                    if cycle.iter().any(|t| in_cycle[t.0 as usize]) {
                        break;
                    }
                    for t in cycle {
                        in_cycle[t.0 as usize] = true;
                    }
                    let first = *cycle.iter().min_by_key(|t| self.model.ty(**t).span.start).unwrap_or(&base);
                    let names: Vec<&str> = cycle.iter().map(|t| self.model.ty(*t).qualified_name.as_str()).collect();
                    let span = self.base_spans[first.0 as usize].unwrap_or(self.model.ty(first).span);
                    let message = format!("base type cycle: {} → {}", names.join(" → "), names[0]);
                    self.error(codes::BASETYPE_CYCLE, span, message);
                    break;
                }
                path.push(base);
                current = base;
            }
        }
        // Break cycles so that every later walk up the hierarchy terminates.
        for (index, cyclic) in in_cycle.iter().enumerate() {
            if *cyclic && let TypeKind::Entity(s) | TypeKind::Complex(s) = &mut self.model.types[index].kind {
                s.base_type = None;
            }
        }
        let mut problems = Vec::new();
        let mut derived: Vec<(TypeId, TypeId)> = Vec::new();
        let model = &self.model;
        let has_property = |owner: TypeId, name: &str| {
            lineage(model, owner)
                .any(|t| model.structured(t).is_some_and(|s| s.properties.iter().any(|p| p.name == name)))
        };
        // Member name → the ancestor declaring it; one map, emptied for each derived type.
        let mut inherited: HashMap<&str, &str> = HashMap::default();
        for index in 0..count {
            let id = TypeId(index as u32);
            let Some(s) = model.structured(id) else { continue };
            let ty = model.ty(id);
            if let Some(base) = s.base_type {
                derived.push((base, id));
                // Members may not repeat an inherited member's name.
                inherited.clear();
                for a in lineage(model, base) {
                    let owner = model.ty(a).qualified_name.as_str();
                    if let Some(s) = model.structured(a) {
                        let names = s.properties.iter().map(|p| p.name.as_str());
                        let names = names.chain(s.navigation_properties.iter().map(|n| n.name.as_str()));
                        for name in names {
                            inherited.insert(name, owner);
                        }
                    }
                }
                for (name, span) in s
                    .properties
                    .iter()
                    .map(|p| (&p.name, p.span))
                    .chain(s.navigation_properties.iter().map(|n| (&n.name, n.span)))
                {
                    if let Some(owner) = inherited.get(name.as_str()) {
                        problems.push(Diagnostic::error(
                            codes::DUPLICATE_NAME,
                            span,
                            format!(
                                "`{}` declares `{name}`, which it already inherits from `{owner}`",
                                ty.qualified_name
                            ),
                        ));
                    }
                }
            }
            if let Some(key) = &s.key {
                for r in key {
                    let first = r.name.split('/').next().unwrap_or_default();
                    if !has_property(id, first) {
                        problems.push(Diagnostic::error(
                            codes::DANGLING_KEY_PROPERTY,
                            r.span,
                            format!(
                                "the key of `{}` names `{}`, which is not a property of the type",
                                ty.qualified_name, r.name
                            ),
                        ));
                    }
                }
            }
            for n in &s.navigation_properties {
                if let TypeTarget::Named(target) = n.ty.target {
                    for (property, referenced) in &n.referential_constraints {
                        for (owner, name) in [(id, property), (target, referenced)] {
                            if !has_property(owner, name.split('/').next().unwrap_or_default()) {
                                problems.push(Diagnostic::error(
                                    codes::DANGLING_PATH,
                                    n.span,
                                    format!("a referential constraint of navigation property `{}` names `{name}`, which is not a property of `{}`", n.name, model.ty(owner).qualified_name),
                                ));
                            }
                        }
                    }
                }
                let (Some(partner), TypeTarget::Named(target)) = (&n.partner, &n.ty.target) else {
                    continue;
                };
                let has_partner = lineage(model, *target).any(|t| {
                    model.structured(t).is_some_and(|s| s.navigation_properties.iter().any(|p| p.name == partner))
                });
                if !has_partner {
                    problems.push(Diagnostic::error(
                        codes::DANGLING_PARTNER,
                        n.partner_span.unwrap_or(n.span),
                        format!(
                            "navigation property `{}` of `{}` names partner `{partner}`, which `{}` does not have",
                            n.name,
                            ty.qualified_name,
                            model.ty(*target).qualified_name
                        ),
                    ));
                }
            }
        }
        self.diagnostics.extend(problems);
        derived.sort_by(|a, b| self.model.ty(a.1).qualified_name.cmp(&self.model.ty(b.1).qualified_name));
        for (base, id) in derived {
            if let TypeKind::Entity(s) | TypeKind::Complex(s) = &mut self.model.types[base.0 as usize].kind {
                s.derived_types.push(id);
            }
        }
    }

    // ---- annotations ----

    /// Converts annotations, resolving term names; `qualifier` is an enclosing block's.
    fn annotations(&mut self, annotations: &[csdl::Annotation<'_>], qualifier: Option<&str>) -> Vec<Annotation> {
        let mut result: Vec<Annotation> = Vec::with_capacity(annotations.len());
        for a in annotations {
            let converted = self.annotation(a, qualifier);
            push_annotation(&mut result, converted, self.diagnostics);
        }
        result
    }

    fn annotation(&mut self, a: &csdl::Annotation<'_>, qualifier: Option<&str>) -> Annotation {
        let term = self.term_name(&a.term);
        let nested = self.annotations(a.annotations, None);
        Annotation {
            term,
            qualifier: a.qualifier.as_ref().map(|q| q.value.to_string()).or_else(|| qualifier.map(str::to_owned)),
            value: a.value.as_ref().map(|v| self.value(v)),
            annotations: nested,
            span: a.span,
        }
    }

    /// The term's qualified name with its namespace: `Core.Description` → `Org.OData.Core.V1.Description`.
    /// Each spelling that resolves is resolved once; one that does not is reported every time.
    fn term_name(&mut self, term: &Text<'_>) -> Arc<str> {
        let written = term.as_str();
        if let Some(name) = self.term_names.get(written) {
            return name.clone();
        }
        let Some((qualifier, name)) = written.rsplit_once('.') else {
            self.warning(
                codes::UNDECLARED_TERM,
                self.span(term),
                format!("term `{written}` has no namespace qualifier"),
            );
            return written.into();
        };
        match self.qualifier(qualifier) {
            Qualifier::Schema(namespace) | Qualifier::External(namespace) => {
                let resolved: Arc<str> = qualify(namespace, name).into();
                self.term_names.insert(written.to_owned(), resolved.clone());
                resolved
            }
            Qualifier::Undeclared => {
                self.warning(
                    codes::UNDECLARED_TERM,
                    self.span(term),
                    format!("term `{written}`: `{qualifier}` is neither a namespace nor an alias of this document or its references"),
                );
                written.into()
            }
        }
    }

    fn value(&mut self, expr: &csdl::Expr<'_>) -> Value {
        match expr {
            csdl::Expr::Constant { kind: ConstantKind::EnumMember, value } => {
                Value::Constant { kind: ConstantKind::EnumMember, value: self.enum_member_value(value.as_str()) }
            }
            csdl::Expr::Constant { kind, value } => Value::Constant { kind: *kind, value: value.value.to_string() },
            csdl::Expr::Path { kind, value } => Value::Path { kind: *kind, value: value.value.to_string() },
            csdl::Expr::Record(r) => Value::Record(Box::new(Record {
                type_name: r.type_name.as_ref().map(|t| t.value.to_string()),
                properties: r
                    .properties
                    .iter()
                    .map(|p| (p.property.value.to_string(), p.value.as_ref().map(|v| self.value(v))))
                    .collect(),
                annotations: self.annotations(r.annotations, None),
            })),
            csdl::Expr::Collection { items, .. } => Value::Collection(items.iter().map(|i| self.value(i)).collect()),
            csdl::Expr::Null { .. } => Value::Null,
            csdl::Expr::Dynamic(d) => Value::Dynamic(Box::new(Dynamic {
                name: d.name.to_owned(),
                attributes: d.attributes.iter().map(|(k, v)| ((*k).to_owned(), v.value.to_string())).collect(),
                operands: d.operands.iter().map(|o| self.value(o)).collect(),
            })),
        }
    }

    /// `Core.RevisionKind/Deprecated` → `Org.OData.Core.V1.RevisionKind/Deprecated`, for each
    /// space-separated member path.
    fn enum_member_value(&self, text: &str) -> String {
        let expand = |item: &str| -> String {
            let Some((ty, member)) = item.split_once('/') else {
                return item.to_owned();
            };
            let Some((qualifier, name)) = ty.rsplit_once('.') else {
                return item.to_owned();
            };
            match self.qualifier(qualifier) {
                Qualifier::Schema(namespace) => format!("{namespace}.{name}/{member}"),
                Qualifier::External(namespace) => format!("{namespace}.{name}/{member}"),
                Qualifier::Undeclared => item.to_owned(),
            }
        };
        text.split_whitespace().map(expand).collect::<Vec<_>>().join(" ")
    }

    fn attach_annotation_blocks(&mut self, document: &csdl::Document<'_>) {
        for schema in document.schemas {
            for block in schema.annotation_blocks {
                let qualifier = block.qualifier.as_ref().map(|q| q.as_str());
                // Converted without the duplicate check: each annotation is checked once, when it
                // is added to its target's list (which also holds the element's inline annotations
                // and those of earlier blocks), so a repeated term is reported once, at its second
                // occurrence.
                let mut found = Vec::new();
                let targets = self.resolve_target(block.target.as_str());
                if let [only] = targets[..] {
                    // The common case: converted straight into the target's list.
                    self.annotations_mut(only).reserve_exact(block.annotations.len());
                    for a in block.annotations {
                        let converted = self.annotation(a, qualifier);
                        push_annotation(self.annotations_mut(only), converted, &mut found);
                    }
                    self.diagnostics.extend(found);
                    continue;
                }
                let annotations: Vec<Annotation> =
                    block.annotations.iter().map(|a| self.annotation(a, qualifier)).collect();
                if targets.is_empty() {
                    if let Some(why) = self.unresolved_target_reason(block.target.as_str()) {
                        self.warning(
                            codes::BAD_ANNOTATION_TARGET,
                            self.span(&block.target),
                            format!(
                                "annotation target `{}` {why}; its annotations are kept unattached",
                                block.target.as_str()
                            ),
                        );
                    }
                    // Not attached anywhere, but a term repeated inside the block is still one.
                    let mut checked = Vec::with_capacity(annotations.len());
                    for annotation in annotations {
                        push_annotation(&mut checked, annotation, &mut found);
                    }
                    self.diagnostics.extend(found);
                    let target = block.target.value.to_string();
                    self.model.unattached_annotations.extend(checked.into_iter().map(|a| (target.clone(), a)));
                    continue;
                }
                let (last, others) = targets.split_last().expect("not empty");
                for target in others {
                    for annotation in &annotations {
                        push_annotation(self.annotations_mut(*target), annotation.clone(), &mut found);
                    }
                }
                for annotation in annotations {
                    push_annotation(self.annotations_mut(*last), annotation, &mut found);
                }
                // A block naming an operation without a signature targets every overload: the
                // same repeated annotation is found once per overload, and reported once.
                let mut reported: HashSet<Span> = HashSet::default();
                found.retain(|d| reported.insert(d.span));
                self.diagnostics.extend(found);
            }
        }
    }

    /// The elements an `<Annotations Target>` path names: one, or every overload of an
    /// operation named without a signature; none when it does not resolve.
    fn resolve_target(&mut self, target: &str) -> Vec<Target> {
        if let Some(found) = self.type_member_path(target) {
            return found.into_iter().collect();
        }
        let target = target.trim();
        // Split after the first segment, which may end in an overload signature `(...)`
        // whose type names may themselves hold parentheses (`Collection(...)`).
        let head_end = match target.find('(') {
            Some(open) => matching_paren(target, open).map_or(target.len(), |close| close + 1),
            None => target.find('/').unwrap_or(target.len()),
        };
        let (head, rest) = target.split_at(head_end);
        let mut segments = rest.split('/').filter(|s| !s.is_empty());
        let member = segments.next();
        if segments.next().is_some() {
            return Vec::new();
        }
        let (name, signature) = match head.split_once('(') {
            Some((name, sig)) => match sig.strip_suffix(')') {
                Some(sig) => (name, Some(sig)),
                None => return Vec::new(),
            },
            None => (head, None),
        };
        // Types first, found by schema and simple name without building the qualified name.
        if signature.is_none()
            && let Some((qualifier, simple)) = name.rsplit_once('.')
            && let Some(&schema) = self.qualifiers.get(qualifier)
            && let Some(&id) = self.schema_types[schema].get(simple)
        {
            return self.type_member_target(id, member).into_iter().collect();
        }
        let Some(qualified) = self.canonical_name(name) else {
            return self.schema_target(name, signature, member);
        };
        // A type of a schema whose namespace repeats an earlier one's (reported) is registered
        // under the first schema: an alias of the repeating schema finds it by its namespace.
        if signature.is_none()
            && let Some((namespace, simple)) = qualified.rsplit_once('.')
            && let Some(&schema) = self.qualifiers.get(namespace)
            && let Some(&id) = self.schema_types[schema].get(simple)
        {
            return self.type_member_target(id, member).into_iter().collect();
        }
        if let Some(ids) = self.model.operation_index.get(&qualified).cloned() {
            let wanted: Option<Vec<String>> = match signature {
                Some(sig) if !sig.trim().is_empty() => {
                    let resolved: Option<Vec<String>> = sig.split(',').map(|t| self.canonical_type(t)).collect();
                    match resolved {
                        Some(list) => Some(list),
                        None => return Vec::new(),
                    }
                }
                Some(_) => Some(Vec::new()),
                None => None,
            };
            let mut found = Vec::new();
            for id in ids {
                let op = self.model.operation(id);
                if let Some(wanted) = &wanted {
                    let all: Vec<String> = op.parameters.iter().map(|p| self.model.type_ref_name(&p.ty)).collect();
                    let binding_only = op.is_bound
                        && !all.is_empty()
                        && wanted.len() == 1
                        && wanted[0] == all[0]
                        && op.kind == OperationKind::Action;
                    if &all != wanted && !binding_only {
                        continue;
                    }
                }
                match member {
                    None => found.push(Target::Operation(id)),
                    Some("$ReturnType") if op.return_type.is_some() => found.push(Target::ReturnType(id)),
                    Some(m) => {
                        if let Some(i) = op.parameters.iter().position(|p| p.name == m) {
                            found.push(Target::Parameter(id, i));
                        }
                    }
                }
            }
            return found;
        }
        if signature.is_some() {
            return Vec::new();
        }
        if let Some(index) = self.model.terms.iter().position(|t| t.qualified_name == qualified) {
            return if member.is_none() { vec![Target::Term(index)] } else { Vec::new() };
        }
        if let Some(c) = &self.model.container
            && c.qualified_name == qualified
        {
            let Some(m) = member else {
                return vec![Target::Container];
            };
            let found = c
                .entity_sets
                .iter()
                .position(|s| s.name == m)
                .map(Target::EntitySet)
                .or_else(|| c.singletons.iter().position(|s| s.name == m).map(Target::Singleton))
                .or_else(|| c.action_imports.iter().position(|s| s.name == m).map(Target::ActionImport))
                .or_else(|| c.function_imports.iter().position(|s| s.name == m).map(Target::FunctionImport));
            return found.into_iter().collect();
        }
        self.schema_target(name, signature, member)
    }

    /// The common target `Qualifier.Type` or `Qualifier.Type/member`, read in one pass over
    /// the bytes; `None` when the target has another shape or names no type of this document,
    /// and [`Builder::resolve_target`] reads it in full.
    fn type_member_path(&self, target: &str) -> Option<Option<Target>> {
        let bytes = target.as_bytes();
        let (mut last_dot, mut slash) = (None, None);
        for (at, byte) in bytes.iter().enumerate() {
            match byte {
                b'.' if slash.is_none() => last_dot = Some(at),
                b'/' if slash.is_none() => slash = Some(at),
                b'/' | b'(' | b')' | b' ' | b'\t' | b'\r' | b'\n' => return None,
                _ => {}
            }
        }
        let head_end = slash.unwrap_or(bytes.len());
        let member = slash.map(|at| &target[at + 1..]);
        if member == Some("") {
            return None;
        }
        let dot = last_dot?;
        let schema = *self.qualifiers.get(&target[..dot])?;
        let id = *self.schema_types[schema].get(&target[dot + 1..head_end])?;
        Some(self.type_member_target(id, member))
    }

    /// A schema's own namespace or alias as a target; tried last, since a type may have the
    /// same qualified name as a namespace (Graph's entity type `microsoft.graph.security`).
    fn schema_target(&self, name: &str, signature: Option<&str>, member: Option<&str>) -> Vec<Target> {
        match (signature, member, self.qualifiers.get(name)) {
            (None, None, Some(&index)) => vec![Target::Schema(index)],
            _ => Vec::new(),
        }
    }

    /// Why a target did not resolve, or `None` when it lies in another document's namespace
    /// (an `edmx:Include`d or standard vocabulary namespace): valid, just not ours to attach.
    fn unresolved_target_reason(&self, target: &str) -> Option<String> {
        let head = target.split(['/', '(']).next().unwrap_or_default();
        let qualifier = head.rsplit_once('.').map_or(head, |(q, _)| q);
        match self.qualifier(qualifier) {
            Qualifier::External(_) => None,
            Qualifier::Undeclared => {
                Some(format!("is in namespace `{qualifier}`, which this document neither declares nor includes"))
            }
            Qualifier::Schema(_) if target.split('/').count() > 2 && !target.contains('(') => {
                Some("is a path below a member; only `Element` and `Element/member` targets are resolved".to_owned())
            }
            Qualifier::Schema(_) => Some("does not resolve to an element of the model".to_owned()),
        }
    }

    /// `Type` or `Type/member`; a member may be inherited, and is then annotated where declared.
    fn type_member_target(&self, id: TypeId, member: Option<&str>) -> Option<Target> {
        let Some(member) = member else {
            return Some(Target::Type(id));
        };
        match &self.model.ty(id).kind {
            TypeKind::Enum(e) => e.members.iter().position(|m| m.name == member).map(|i| Target::EnumMember(id, i)),
            TypeKind::Entity(_) | TypeKind::Complex(_) => lineage(&self.model, id).find_map(|owner| {
                let s = self.model.structured(owner)?;
                s.properties.iter().position(|p| p.name == member).map(|i| Target::Property(owner, i)).or_else(|| {
                    s.navigation_properties
                        .iter()
                        .position(|n| n.name == member)
                        .map(|i| Target::NavigationProperty(owner, i))
                })
            }),
            TypeKind::Definition(_) => None,
        }
    }

    fn annotations_mut(&mut self, target: Target) -> &mut Vec<Annotation> {
        let model = &mut self.model;
        match target {
            Target::Schema(i) => &mut model.schemas[i].annotations,
            Target::Type(id) => &mut model.types[id.0 as usize].annotations,
            Target::Property(id, i) => match &mut model.types[id.0 as usize].kind {
                TypeKind::Entity(s) | TypeKind::Complex(s) => &mut s.properties[i].annotations,
                _ => unreachable!("property targets are only made for structured types"),
            },
            Target::NavigationProperty(id, i) => match &mut model.types[id.0 as usize].kind {
                TypeKind::Entity(s) | TypeKind::Complex(s) => &mut s.navigation_properties[i].annotations,
                _ => unreachable!("navigation property targets are only made for structured types"),
            },
            Target::EnumMember(id, i) => match &mut model.types[id.0 as usize].kind {
                TypeKind::Enum(e) => &mut e.members[i].annotations,
                _ => unreachable!("enum member targets are only made for enum types"),
            },
            Target::Operation(id) => &mut model.operations[id.0 as usize].annotations,
            Target::Parameter(id, i) => &mut model.operations[id.0 as usize].parameters[i].annotations,
            Target::ReturnType(id) => match &mut model.operations[id.0 as usize].return_type {
                Some(r) => &mut r.annotations,
                None => unreachable!("return type targets are only made for operations with one"),
            },
            Target::Term(i) => &mut model.terms[i].annotations,
            Target::Container => {
                &mut model.container.as_mut().expect("container target implies a container").annotations
            }
            Target::EntitySet(i) => {
                &mut model.container.as_mut().expect("container target implies a container").entity_sets[i].annotations
            }
            Target::Singleton(i) => {
                &mut model.container.as_mut().expect("container target implies a container").singletons[i].annotations
            }
            Target::ActionImport(i) => {
                &mut model.container.as_mut().expect("container target implies a container").action_imports[i]
                    .annotations
            }
            Target::FunctionImport(i) => {
                &mut model.container.as_mut().expect("container target implies a container").function_imports[i]
                    .annotations
            }
        }
    }

    fn finish(mut self) -> Model {
        // Registered in document order, and stably sorted: documents usually list each kind of
        // type in name order, and such runs merge cheaply.
        let types = &self.model.types;
        self.model
            .type_index
            .sort_by(|a, b| types[a.0 as usize].qualified_name.cmp(&types[b.0 as usize].qualified_name));
        self.model
    }
}

/// The type and its base types, nearest first, without allocating; base-type cycles are
/// broken by the time anything walks up a hierarchy, and the walk is bounded all the same.
fn lineage(model: &Model, id: TypeId) -> impl Iterator<Item = TypeId> + '_ {
    let mut next = Some(id);
    let mut left = model.types.len();
    std::iter::from_fn(move || {
        let current = next?;
        left = left.checked_sub(1)?;
        next = model.structured(current).and_then(|s| s.base_type);
        Some(current)
    })
}

/// `namespace.name`, built without the formatting machinery (it runs for every named element).
fn qualify(namespace: &str, name: &str) -> String {
    let mut qualified = String::with_capacity(namespace.len() + 1 + name.len());
    qualified.push_str(namespace);
    qualified.push('.');
    qualified.push_str(name);
    qualified
}

/// "an entity type", "a complex type", ...
fn with_article(noun: &str) -> String {
    let article = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {noun}")
}

/// The index of the `)` that closes the `(` at `open`.
fn matching_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

fn bindings(bindings: &[csdl::NavigationPropertyBinding<'_>]) -> Vec<NavigationPropertyBinding> {
    bindings
        .iter()
        .map(|b| NavigationPropertyBinding { path: b.path.value.to_string(), target: b.target.value.to_string() })
        .collect()
}

/// Appends an annotation, warning when the element already has one with the same term and qualifier.
fn push_annotation(list: &mut Vec<Annotation>, annotation: Annotation, diagnostics: &mut Vec<Diagnostic>) {
    if list.iter().any(|a| a.term == annotation.term && a.qualifier == annotation.qualifier) {
        let qualifier = annotation.qualifier.as_deref().map(|q| format!(" with qualifier `{q}`")).unwrap_or_default();
        diagnostics.push(Diagnostic::warning(
            codes::DUPLICATE_ANNOTATION,
            annotation.span,
            format!(
                "`{}`{qualifier} annotates the same element twice; both are kept, readers use the first",
                annotation.term
            ),
        ));
    }
    list.push(annotation);
}
