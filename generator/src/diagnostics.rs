//! Problems found in an input document, each with a stable code and a location.
//!
//! Every stage reports through [`Diagnostic`]: a byte [`Span`] into the source text, resolved to
//! line and column only when the diagnostic is shown, so the hot paths never count lines.

use std::fmt::Write as _;

/// A byte range in the source text. Offsets are `u32`: CSDL documents are far below 4 GiB and
/// the syntax tree holds one span per element and attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: to_u32(start), end: to_u32(end.max(start)) }
    }

    pub fn at(offset: usize) -> Span {
        Span::new(offset, offset)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem. `code` is stable across releases so tests and tools can match on it; the
/// message names the offending item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    pub span: Span,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, code, message: message.into(), span }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, code, message: message.into(), span }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A 1-based line and column; the column counts characters, not bytes, as editors do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// A named source text with a lazily built index of line starts.
pub struct SourceFile<'a> {
    pub name: &'a str,
    /// The document as bytes: diagnostics about invalid UTF-8 must still be placed.
    pub bytes: &'a [u8],
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> SourceFile<'a> {
    pub fn new(name: &'a str, bytes: &'a [u8]) -> SourceFile<'a> {
        SourceFile { name, bytes, line_starts: std::cell::OnceCell::new() }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// Line and column of a byte offset (clamped to the end of the text).
    pub fn line_column(&self, offset: u32) -> LineColumn {
        let offset = (offset as usize).min(self.bytes.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset) - 1;
        let before = &self.bytes[starts[line]..offset];
        // Count characters: every byte that is not a UTF-8 continuation byte starts one.
        let column = before.iter().filter(|b| (**b & 0xC0) != 0x80).count() + 1;
        LineColumn { line: line + 1, column }
    }

    /// The text of a 1-based line without its line break, lossily decoded.
    fn line_text(&self, line: usize) -> String {
        let starts = self.line_starts();
        let start = starts[line - 1];
        let end = starts.get(line).map_or(self.bytes.len(), |s| s - 1);
        let text = String::from_utf8_lossy(&self.bytes[start..end]);
        text.trim_end_matches('\r').replace('\t', " ")
    }

    /// Renders a diagnostic like rustc: header, location, the source line and a caret line.
    pub fn render(&self, diagnostic: &Diagnostic) -> String {
        let start = self.line_column(diagnostic.span.start);
        let end = self.line_column(diagnostic.span.end);
        let mut out = String::new();
        let _ = writeln!(out, "{}[{}]: {}", diagnostic.severity.as_str(), diagnostic.code, diagnostic.message);
        let gutter = start.line.to_string().len();
        let _ = writeln!(out, "{:gutter$}--> {}:{}:{}", "", self.name, start.line, start.column);
        let text = self.line_text(start.line);
        // Very long lines (minified documents) are cut around the caret.
        let (shown, first_column) = window(&text, start.column);
        let width = if end.line == start.line && end.column > start.column {
            (end.column - start.column).min(shown.chars().count().saturating_sub(start.column - first_column)).max(1)
        } else {
            1
        };
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{} | {}", start.line, shown);
        let _ = writeln!(out, "{:gutter$} | {}{}", "", " ".repeat(start.column - first_column), "^".repeat(width));
        out
    }
}

/// At most 160 characters of `line`, chosen so that `column` is visible; returns the slice and
/// the column its first character has.
fn window(line: &str, column: usize) -> (String, usize) {
    const WIDTH: usize = 160;
    let count = line.chars().count();
    if count <= WIDTH {
        return (line.to_string(), 1);
    }
    let first = column.saturating_sub(WIDTH / 2).max(1).min(count.saturating_sub(WIDTH) + 1);
    (line.chars().skip(first - 1).take(WIDTH).collect(), first)
}

/// Sorts diagnostics by position, then code, so reports do not depend on resolution order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.severity, a.code, &a.message).cmp(&(b.span.start, b.severity, b.code, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\n\u{e9}x\nlast";
        let file = SourceFile::new("f.xml", text.as_bytes());
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(3), LineColumn { line: 2, column: 1 });
        // `x` follows a two-byte character: byte 5, column 2.
        assert_eq!(file.line_column(5), LineColumn { line: 2, column: 2 });
        assert_eq!(file.line_column(999), LineColumn { line: 3, column: 5 });
    }

    #[test]
    fn render_points_at_the_span() {
        let text = "<a>\n  <b Type=\"x\"/>\n</a>";
        let file = SourceFile::new("doc.xml", text.as_bytes());
        let d = Diagnostic::error("dangling-type", Span::new(12, 15), "type `x` is not declared");
        let shown = file.render(&d);
        assert_eq!(
            shown,
            "error[dangling-type]: type `x` is not declared\n --> doc.xml:2:9\n  |\n2 |   <b Type=\"x\"/>\n  |         ^^^\n"
        );
    }
}

/// Every diagnostic code, with what it means. Codes are stable: tests and tools match on them.
pub mod codes {
    // Reading the bytes and the XML (fatal: reading stops at the first one).
    /// The bytes are not valid UTF-8 (the span points at the first bad byte).
    pub const INVALID_UTF8: &str = "invalid-utf8";
    /// The document declares or starts with an encoding other than UTF-8 (UTF-16, Latin-1, ...).
    pub const UNSUPPORTED_ENCODING: &str = "unsupported-encoding";
    /// The file is empty or holds only whitespace, comments and processing instructions.
    pub const EMPTY_DOCUMENT: &str = "empty-document";
    /// The text is not well-formed XML (bad attribute syntax, unknown entity, stray `<`, ...).
    pub const XML_SYNTAX: &str = "xml-syntax";
    /// An end tag does not match the element it closes.
    pub const MISMATCHED_TAG: &str = "mismatched-tag";
    /// The document ends before every element is closed (a cut-off download).
    pub const TRUNCATED_DOCUMENT: &str = "truncated-document";
    /// The document has a `<!DOCTYPE>`; DTDs and entity declarations are refused, never expanded.
    pub const DTD_REFUSED: &str = "dtd-refused";
    /// The root element is not `edmx:Edmx` in the OData v4 EDMX namespace (an HTML page, Atom, v2/v3 CSDL, ...).
    pub const NOT_CSDL: &str = "not-csdl";
    /// Elements nest deeper than the reader's limit (real CSDL nests about a dozen levels).
    pub const NESTING_TOO_DEEP: &str = "nesting-too-deep";
    /// Content after the root element.
    pub const TRAILING_CONTENT: &str = "trailing-content";

    // CSDL syntax (the reader keeps going).
    /// `edmx:Edmx/@Version` is not 4.0 or 4.01.
    pub const UNSUPPORTED_VERSION: &str = "unsupported-version";
    /// A required attribute (such as `Name` or `Type`) is absent; the element is left out.
    pub const MISSING_ATTRIBUTE: &str = "missing-attribute";
    /// An attribute value is outside the grammar of CSDL 4.0 and 4.01 (`Nullable="maybe"`,
    /// `MaxLength="-1"`, `Scale="fixed"`, `OnDelete Action="Delete"`, ...).
    pub const INVALID_ATTRIBUTE_VALUE: &str = "invalid-attribute-value";
    /// Warning: a boolean written `1` or `0`: valid for the XML schema (`xs:boolean`), but CSDL
    /// writes booleans as `true` or `false`; it is read as `true` or `false`.
    pub const NONCANONICAL_VALUE: &str = "noncanonical-value";
    /// Warning: a value the specification allows that this tool cannot represent (a `MaxLength`
    /// above 2^64−1, a `Precision`, `Scale` or `SRID` above 2^32−1); the largest representable
    /// value is used instead.
    pub const VALUE_TOO_LARGE: &str = "value-too-large";
    /// Warning: a construct of CSDL 4.01 that a document declaring `Version="4.0"` must not use
    /// (`Scale="floating"`, `Nullable` on a singleton, `Edm.PrimitiveType` as the underlying type
    /// of a type definition); it is read with its 4.01 meaning.
    pub const VERSION_MISMATCH: &str = "version-mismatch";
    /// The same attribute appears twice on one element.
    pub const DUPLICATE_ATTRIBUTE: &str = "duplicate-attribute";
    /// Warning: an element the reader does not know; it is skipped with its content.
    pub const UNKNOWN_ELEMENT: &str = "unknown-element";
    /// Warning: an attribute the reader does not know; it is ignored.
    pub const UNKNOWN_ATTRIBUTE: &str = "unknown-attribute";
    /// Warning: non-whitespace text where CSDL allows none; it is ignored.
    pub const UNEXPECTED_TEXT: &str = "unexpected-text";
    /// `edmx:DataServices` is missing or appears twice, or no schema is declared.
    pub const MISSING_DATA_SERVICES: &str = "missing-data-services";

    // The model (all collected, then reported together).
    /// Two schemas declare the same namespace, or an alias is used twice.
    pub const DUPLICATE_NAMESPACE: &str = "duplicate-namespace";
    /// Two items share a name where names must be unique (types in a schema, members of a type,
    /// parameters, container children).
    pub const DUPLICATE_NAME: &str = "duplicate-name";
    /// Two enum members share a name.
    pub const DUPLICATE_ENUM_MEMBER: &str = "duplicate-enum-member";
    /// Two overloads of an operation cannot be told apart by their parameter types.
    pub const DUPLICATE_OVERLOAD: &str = "duplicate-overload";
    /// A type reference names a type its namespace does not declare.
    pub const DANGLING_TYPE: &str = "dangling-type";
    /// A qualified name's qualifier is neither a namespace nor an alias of the document or of
    /// an `edmx:Include`.
    pub const UNDECLARED_QUALIFIER: &str = "undeclared-qualifier";
    /// A type reference has no qualifier (`Type="string"`).
    pub const UNQUALIFIED_TYPE: &str = "unqualified-type";
    /// `Edm.X` where X is not a primitive or built-in abstract type.
    pub const UNKNOWN_PRIMITIVE: &str = "unknown-primitive";
    /// `Collection(` without `)`, an empty or nested collection, or text after `)`.
    pub const MALFORMED_COLLECTION: &str = "malformed-collection";
    /// A type is its own ancestor through `BaseType`.
    pub const BASETYPE_CYCLE: &str = "basetype-cycle";
    /// A reference names a type of the wrong kind (an entity type deriving from a complex type,
    /// a navigation property to a complex type, an entity set of an enum, a singleton of a
    /// collection, an entity set or singleton of the abstract `Edm.EntityType`, ...).
    pub const WRONG_TYPE_KIND: &str = "wrong-type-kind";
    /// An enum member value is not an integer.
    pub const ENUM_VALUE_NOT_INTEGER: &str = "enum-value-not-integer";
    /// An enum member value does not fit the enum's underlying type, or a member of a flags
    /// enum has a negative value.
    pub const ENUM_VALUE_OUT_OF_RANGE: &str = "enum-value-out-of-range";
    /// A member of a flags enum has no `Value`, or a member of another enum has none while other
    /// members of the enum have one (either all members give a value or none does).
    pub const ENUM_VALUE_MISSING: &str = "enum-value-missing";
    /// An enum's `UnderlyingType` is not one of `Edm.Byte`, `Edm.SByte`, `Edm.Int16`, `Edm.Int32`,
    /// `Edm.Int64`, or a type definition's is not a concrete primitive type (nor, from CSDL 4.01,
    /// `Edm.PrimitiveType`).
    pub const INVALID_UNDERLYING_TYPE: &str = "invalid-underlying-type";
    /// A key `PropertyRef` names no property of the type.
    pub const DANGLING_KEY_PROPERTY: &str = "dangling-key-property";
    /// A navigation property's `Partner` names no navigation property of the target type.
    pub const DANGLING_PARTNER: &str = "dangling-partner";
    /// A navigation property binding, entity set or import names a container child that does
    /// not exist, or an import names an operation that does not exist.
    pub const DANGLING_CONTAINER_REFERENCE: &str = "dangling-container-reference";
    /// A path names a member or type that does not exist where it points: a navigation property
    /// binding `Path`, a `ReferentialConstraint` property, an `EntitySetPath` that does not start
    /// at the binding parameter.
    pub const DANGLING_PATH: &str = "dangling-path";
    /// A bound operation has no parameters.
    pub const BOUND_WITHOUT_PARAMETER: &str = "bound-without-parameter";
    /// Warning: an annotation target that does not resolve to a model element.
    pub const BAD_ANNOTATION_TARGET: &str = "bad-annotation-target";
    /// Warning: an annotation term whose namespace is not declared, included or standard.
    pub const UNDECLARED_TERM: &str = "undeclared-term";
    /// Warning: the same term and qualifier annotate one element twice.
    pub const DUPLICATE_ANNOTATION: &str = "duplicate-annotation";
}
