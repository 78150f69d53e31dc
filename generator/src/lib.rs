//! `odata-codegen`: reads OData v4 CSDL XML metadata and writes a typed Rust client crate.
//!
//! The pipeline runs in one direction, one module per stage:
//!
//! ```text
//! bytes ──csdl──▶ syntax tree ──edm──▶ resolved model ──select──▶ closure ──rust──▶ files ──write──▶ crate
//! ```
//!
//! - [`csdl`] reads the XML into a faithful syntax tree; every element and attribute keeps its
//!   byte span so any later stage can point at file:line:column.
//! - [`edm`] resolves names, base types, operations, the entity container and annotations into a
//!   [`edm::Model`], and validates it, collecting every problem at once.
//! - [`select`] computes what a [`config::Config`] asks for: the closure of its types, its
//!   resource paths, and the operations bound to them.
//! - [`rust`] decides every Rust name and prints the items from that plan, laid out as
//!   prettyplease lays them out, without building tokens and parsing them back.
//! - [`write`](mod@write) puts the crate on disk in one swap, or compares it with what is there.
//! - [`diagnostics`] holds the problems, their stable codes and the rustc-style rendering.

pub mod config;
pub mod csdl;
pub mod diagnostics;
pub mod diff;
pub mod edm;
pub mod fetch;
pub mod generate;
pub mod inspect;
pub mod rust;
pub mod select;
pub mod write;

pub use diagnostics::{Diagnostic, Severity, SourceFile, Span};

/// What reading one document produced: the model (absent only when the XML could not be read
/// at all) and every diagnostic, sorted by position.
#[derive(Debug)]
pub struct Loaded {
    pub model: Option<edm::Model>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == Severity::Warning)
    }
}

/// Parses, resolves and validates one CSDL document. Never panics on any input.
pub fn load(bytes: &[u8]) -> Loaded {
    let arena = csdl::Arena::new();
    let (document, mut diagnostics) = match csdl::parse(bytes, &arena) {
        Ok(parsed) => (parsed.document, parsed.diagnostics),
        Err(fatal) => {
            return Loaded { model: None, diagnostics: vec![fatal] };
        }
    };
    let model = edm::Model::build(&document, &mut diagnostics);
    diagnostics::sort(&mut diagnostics);
    Loaded { model: Some(model), diagnostics }
}
