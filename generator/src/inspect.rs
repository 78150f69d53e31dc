//! `inspect`: a summary of each document and its diagnostics, as text for people or as one
//! JSON object per line for tools.

use crate::Loaded;
use crate::diagnostics::{Diagnostic, Severity, SourceFile};
use crate::edm::Counts;
use serde::Serialize;
use std::fmt::Write as _;

/// One located diagnostic, as `--json` writes it.
#[derive(Debug, Serialize)]
pub struct JsonDiagnostic<'a> {
    pub code: &'a str,
    pub severity: &'a str,
    pub message: &'a str,
    pub line: usize,
    pub column: usize,
}

/// The `--json` object for one file.
#[derive(Debug, Serialize)]
pub struct JsonReport<'a> {
    pub file: &'a str,
    /// `edmx:Edmx/@Version`, absent when the document could not be read.
    pub version: Option<&'a str>,
    #[serde(flatten)]
    pub counts: Counts,
    pub errors: Vec<JsonDiagnostic<'a>>,
    pub warnings: Vec<JsonDiagnostic<'a>>,
}

/// One line of JSON describing a loaded file.
pub fn json(file: &SourceFile<'_>, loaded: &Loaded) -> String {
    fn located<'d>(file: &SourceFile<'_>, d: &'d Diagnostic) -> JsonDiagnostic<'d> {
        let at = file.line_column(d.span.start);
        JsonDiagnostic {
            code: d.code,
            severity: d.severity.as_str(),
            message: &d.message,
            line: at.line,
            column: at.column,
        }
    }
    let report = JsonReport {
        file: file.name,
        version: loaded.model.as_ref().map(|m| m.version.as_str()),
        counts: loaded.model.as_ref().map(|m| m.counts()).unwrap_or_default(),
        errors: loaded.errors().map(|d| located(file, d)).collect(),
        warnings: loaded.warnings().map(|d| located(file, d)).collect(),
    };
    serde_json::to_string(&report).expect("a report of strings and numbers always serializes")
}

/// The human summary of a loaded file, followed by each diagnostic with its source line.
pub fn text(file: &SourceFile<'_>, loaded: &Loaded) -> String {
    let mut out = String::new();
    let errors = loaded.errors().count();
    let warnings = loaded.warnings().count();
    match &loaded.model {
        Some(model) => {
            let c = model.counts();
            let _ = writeln!(
                out,
                "{}: CSDL {}, {} schemas: {} entity types, {} complex types, {} enum types, {} type definitions, \
                 {} actions, {} functions, {} terms; {} entity sets, {} singletons",
                file.name,
                if model.version.is_empty() { "?" } else { &model.version },
                c.schemas,
                c.entity_types,
                c.complex_types,
                c.enum_types,
                c.type_definitions,
                c.actions,
                c.functions,
                c.terms,
                c.entity_sets,
                c.singletons,
            );
        }
        None => {
            let _ = writeln!(out, "{}: not readable as CSDL", file.name);
        }
    }
    let _ = writeln!(out, "{}: {errors} error{}, {warnings} warning{}", file.name, plural(errors), plural(warnings));
    for severity in [Severity::Error, Severity::Warning] {
        for d in loaded.diagnostics.iter().filter(|d| d.severity == severity) {
            out.push('\n');
            out.push_str(&file.render(d));
        }
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
