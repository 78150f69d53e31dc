//! A readable, deterministic text dump of a model, for snapshot tests and `inspect --dump`.

use super::*;
use std::fmt::Write as _;

/// Renders the model: schemas, then types, operations and terms ordered by qualified name,
/// then the container; each element followed by its annotations.
pub fn dump(model: &Model) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "version {}", model.version);
    for r in &model.references {
        let includes: Vec<String> = r
            .includes
            .iter()
            .map(|(ns, alias)| match alias {
                Some(a) => format!("{ns} as {a}"),
                None => ns.clone(),
            })
            .collect();
        let _ = writeln!(w, "reference {} includes [{}]", r.uri, includes.join(", "));
        annotations(w, 1, &r.annotations);
    }
    let mut schemas: Vec<&Schema> = model.schemas.iter().collect();
    schemas.sort_by(|a, b| a.namespace.cmp(&b.namespace));
    for s in schemas {
        match &s.alias {
            Some(alias) => {
                let _ = writeln!(w, "schema {} alias {alias}", s.namespace);
            }
            None => {
                let _ = writeln!(w, "schema {}", s.namespace);
            }
        }
        annotations(w, 1, &s.annotations);
    }
    for id in &model.type_index {
        schema_type(w, model, *id);
    }
    // Duplicates (reported as errors) are not in the index; show them too.
    for (index, ty) in model.types.iter().enumerate() {
        if model.indexed_type(&ty.qualified_name) != Some(TypeId(index as u32)) {
            let _ = writeln!(w, "duplicate declaration:");
            schema_type(w, model, TypeId(index as u32));
        }
    }
    // Overloads in signature order, so the dump does not depend on the XML's element order.
    for ids in model.operation_index.values() {
        let mut overloads: Vec<(String, &Operation)> = ids
            .iter()
            .map(|id| {
                let op = model.operation(*id);
                let types: Vec<String> = op.parameters.iter().map(|p| model.type_ref_name(&p.ty)).collect();
                (format!("{:?} {}", op.kind, types.join(",")), op)
            })
            .collect();
        overloads.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, op) in overloads {
            operation(w, model, op);
        }
    }
    let mut terms: Vec<&Term> = model.terms.iter().collect();
    terms.sort_by(|a, b| a.qualified_name.cmp(&b.qualified_name));
    for t in terms {
        let mut line = format!("term {}: {}{}", t.qualified_name, model.type_ref_name(&t.ty), nullability(t.nullable));
        facets(&mut line, &t.facets);
        if let Some(b) = &t.base_term {
            let _ = write!(line, " base-term={b}");
        }
        if !t.applies_to.is_empty() {
            let _ = write!(line, " applies-to=[{}]", t.applies_to.join(" "));
        }
        if let Some(d) = &t.default_value {
            let _ = write!(line, " default={d:?}");
        }
        let _ = writeln!(w, "{line}");
        annotations(w, 1, &t.annotations);
    }
    if let Some(c) = &model.container {
        let extends = c.extends.as_ref().map(|e| format!(" extends {e}")).unwrap_or_default();
        let _ = writeln!(w, "container {}{extends}", c.qualified_name);
        annotations(w, 1, &c.annotations);
        for s in &c.entity_sets {
            let hidden = if s.include_in_service_document { "" } else { " not-in-service-document" };
            let _ = writeln!(w, "  entity-set {}: {}{hidden}", s.name, model.type_ref_name(&s.entity_type));
            for b in &s.bindings {
                let _ = writeln!(w, "    binding {} -> {}", b.path, b.target);
            }
            annotations(w, 2, &s.annotations);
        }
        for s in &c.singletons {
            let _ = writeln!(
                w,
                "  singleton {}: {}{}",
                s.name,
                model.type_ref_name(&s.ty),
                if s.nullable { " nullable" } else { "" }
            );
            for b in &s.bindings {
                let _ = writeln!(w, "    binding {} -> {}", b.path, b.target);
            }
            annotations(w, 2, &s.annotations);
        }
        for (label, imports) in [("action-import", &c.action_imports), ("function-import", &c.function_imports)] {
            for i in imports {
                let set = i.entity_set.as_ref().map(|e| format!(" entity-set={e}")).unwrap_or_default();
                let _ = writeln!(w, "  {label} {}: {}{set}", i.name, i.operation);
                annotations(w, 2, &i.annotations);
            }
        }
    }
    for (target, a) in &model.unattached_annotations {
        let _ = writeln!(w, "unattached annotation for {target}:");
        annotations(w, 1, std::slice::from_ref(a));
    }
    out
}

fn nullability(nullable: bool) -> &'static str {
    if nullable { "" } else { " not-null" }
}

fn facets(line: &mut String, f: &Facets) {
    if let Some(m) = f.max_length {
        let _ = match m {
            MaxLength::Max => write!(line, " max-length=max"),
            MaxLength::Length(n) => write!(line, " max-length={n}"),
        };
    }
    if let Some(p) = f.precision {
        let _ = write!(line, " precision={p}");
    }
    if let Some(s) = f.scale {
        let _ = match s {
            Scale::Value(n) => write!(line, " scale={n}"),
            Scale::Variable => write!(line, " scale=variable"),
            Scale::Floating => write!(line, " scale=floating"),
        };
    }
    if let Some(s) = f.srid {
        let _ = match s {
            Srid::Value(n) => write!(line, " srid={n}"),
            Srid::Variable => write!(line, " srid=variable"),
        };
    }
    if let Some(u) = f.unicode {
        let _ = write!(line, " unicode={u}");
    }
}

fn schema_type(w: &mut String, model: &Model, id: TypeId) {
    let ty = model.ty(id);
    match &ty.kind {
        TypeKind::Entity(s) | TypeKind::Complex(s) => {
            let kind = if matches!(ty.kind, TypeKind::Entity(_)) { "entity" } else { "complex" };
            let mut line = format!("{kind} {}", ty.qualified_name);
            if let Some(base) = s.base_type {
                let _ = write!(line, " : {}", model.ty(base).qualified_name);
            }
            if let Some(base) = &s.external_base_type {
                let _ = write!(line, " : {base} (external)");
            }
            for (flag, name) in [(s.is_abstract, "abstract"), (s.open_type, "open"), (s.has_stream, "has-stream")] {
                if flag {
                    let _ = write!(line, " {name}");
                }
            }
            let _ = writeln!(w, "{line}");
            annotations(w, 1, &ty.annotations);
            if let Some(key) = &s.key {
                let refs: Vec<String> = key
                    .iter()
                    .map(|r| match &r.alias {
                        Some(a) => format!("{} as {a}", r.name),
                        None => r.name.to_string(),
                    })
                    .collect();
                let _ = writeln!(w, "  key ({})", refs.join(", "));
            } else if let Some(key) = model.key(id) {
                let refs: Vec<&str> = key.iter().map(|r| r.name.as_str()).collect();
                let _ = writeln!(w, "  inherited key ({})", refs.join(", "));
            }
            for p in &s.properties {
                let mut line =
                    format!("  property {}: {}{}", p.name, model.type_ref_name(&p.ty), nullability(p.nullable));
                facets(&mut line, &p.facets);
                if let Some(d) = &p.default_value {
                    let _ = write!(line, " default={d:?}");
                }
                let _ = writeln!(w, "{line}");
                annotations(w, 2, &p.annotations);
            }
            for n in &s.navigation_properties {
                let mut line =
                    format!("  navigation {}: {}{}", n.name, model.type_ref_name(&n.ty), nullability(n.nullable));
                if n.contains_target {
                    line.push_str(" contains-target");
                }
                if let Some(p) = &n.partner {
                    let _ = write!(line, " partner={p}");
                }
                for (from, to) in &n.referential_constraints {
                    let _ = write!(line, " constraint({from}->{to})");
                }
                if let Some(d) = &n.on_delete {
                    let _ = write!(line, " on-delete={d}");
                }
                let _ = writeln!(w, "{line}");
                annotations(w, 2, &n.annotations);
            }
            if !s.derived_types.is_empty() {
                let names: Vec<&str> = s.derived_types.iter().map(|d| model.ty(*d).qualified_name.as_str()).collect();
                let _ = writeln!(w, "  derived [{}]", names.join(", "));
            }
        }
        TypeKind::Enum(e) => {
            let flags = if e.is_flags { " flags" } else { "" };
            let _ = writeln!(w, "enum {}: Edm.{}{flags}", ty.qualified_name, e.underlying_type.name());
            annotations(w, 1, &ty.annotations);
            for m in &e.members {
                let _ = writeln!(w, "  member {} = {}", m.name, m.value);
                annotations(w, 2, &m.annotations);
            }
        }
        TypeKind::Definition(d) => {
            let mut line = format!("type-definition {}: Edm.{}", ty.qualified_name, d.underlying_type.name());
            facets(&mut line, &d.facets);
            let _ = writeln!(w, "{line}");
            annotations(w, 1, &ty.annotations);
        }
    }
}

fn operation(w: &mut String, model: &Model, op: &Operation) {
    let kind = match op.kind {
        OperationKind::Action => "action",
        OperationKind::Function => "function",
    };
    let mut line = format!("{kind} {}", op.qualified_name);
    line.push_str(if op.is_bound { " bound" } else { " unbound" });
    if op.is_composable {
        line.push_str(" composable");
    }
    if let Some(p) = &op.entity_set_path {
        let _ = write!(line, " entity-set-path={p}");
    }
    let _ = writeln!(w, "{line}");
    annotations(w, 1, &op.annotations);
    for p in &op.parameters {
        let mut line = format!("  parameter {}: {}{}", p.name, model.type_ref_name(&p.ty), nullability(p.nullable));
        facets(&mut line, &p.facets);
        let _ = writeln!(w, "{line}");
        annotations(w, 2, &p.annotations);
    }
    if let Some(r) = &op.return_type {
        let mut line = format!("  returns {}{}", model.type_ref_name(&r.ty), nullability(r.nullable));
        facets(&mut line, &r.facets);
        let _ = writeln!(w, "{line}");
        annotations(w, 2, &r.annotations);
    }
}

fn annotations(w: &mut String, depth: usize, list: &[Annotation]) {
    for a in list {
        let indent = "  ".repeat(depth);
        let qualifier = a.qualifier.as_ref().map(|q| format!("#{q}")).unwrap_or_default();
        let value = a.value.as_ref().map(|v| format!(" = {}", value(v))).unwrap_or_default();
        let _ = writeln!(w, "{indent}@{}{qualifier}{value}", a.term);
        annotations(w, depth + 1, &a.annotations);
    }
}

fn value(v: &Value) -> String {
    match v {
        Value::Constant { kind: ConstantKind::String, value } => format!("{value:?}"),
        Value::Constant { kind, value } => format!("{}({value})", kind.name()),
        Value::Path { kind, value } => format!("{}({value})", kind.name()),
        Value::Record(record) => {
            let Record { type_name, properties, annotations } = &**record;
            let ty = type_name.as_ref().map(|t| format!("{t} ")).unwrap_or_default();
            let fields: Vec<String> = properties
                .iter()
                .map(|(n, v)| match v {
                    Some(v) => format!("{n}: {}", value(v)),
                    None => n.clone(),
                })
                .collect();
            let notes = if annotations.is_empty() {
                String::new()
            } else {
                let terms: Vec<&str> = annotations.iter().map(|a| &*a.term).collect();
                format!(" annotated [{}]", terms.join(", "))
            };
            format!("{ty}{{{}}}{notes}", fields.join(", "))
        }
        Value::Collection(items) => format!("[{}]", items.iter().map(value).collect::<Vec<_>>().join(", ")),
        Value::Null => "null".to_owned(),
        Value::Dynamic(dynamic) => {
            let Dynamic { name, attributes, operands } = &**dynamic;
            let attrs: Vec<String> = attributes.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
            let ops: Vec<String> = operands.iter().map(value).collect();
            format!("{name}[{}]({})", attrs.join(" "), ops.join(", "))
        }
    }
}
