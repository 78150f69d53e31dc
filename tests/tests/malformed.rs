//! The malformed-input corpus: every file in `tests/fixtures/malformed/` holds exactly one
//! deliberate problem, and the table below says which diagnostic the reader must report for it
//! and where. Each row is (file, code, severity, 1-based line, 1-based column in characters).
//!
//! Locations follow the reader's conventions: XML-level fatal errors point where the XML parser
//! stops (the first bad byte, the end of input, the `<` of a mismatched end tag or of
//! `<!DOCTYPE`, the `<` of a root element that is not CSDL); attribute problems point at the
//! first character of the attribute value; missing attributes, unknown elements and
//! element-level problems point at the `<` of the element's start tag.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use odata_codegen::Severity::{Error, Warning};
use odata_codegen::{Severity, SourceFile};

#[rustfmt::skip]
const CASES: &[(&str, &str, Severity, usize, usize)] = &[
    ("01-invalid-utf8-in-attribute.xml",           "invalid-utf8",                 Error,    5, 28),
    ("02-utf16-with-bom.xml",                      "unsupported-encoding",         Error,    1,  1),
    ("03-empty-file.xml",                          "empty-document",               Error,    1,  1),
    ("04-whitespace-only.xml",                     "empty-document",               Error,    1,  1),
    ("05-truncated-in-schema.xml",                 "truncated-document",           Error,    7, 64),
    ("06-truncated-in-start-tag.xml",              "truncated-document",           Error,    7, 41),
    ("07-mismatched-end-tag.xml",                  "mismatched-tag",               Error,    8,  7),
    ("08-doctype-entity-expansion.xml",            "dtd-refused",                  Error,    2,  1),
    ("09-html-page-with-doctype.xml",              "dtd-refused",                  Error,    1,  1),
    ("10-html-sign-in-page.xml",                   "not-csdl",                     Error,    2,  3),
    ("11-atom-feed.xml",                           "not-csdl",                     Error,    2,  1),
    ("12-odata-v3-csdl.xml",                       "not-csdl",                     Error,    2,  1),
    ("13-json-error-body.xml",                     "not-csdl",                     Error,    1,  1),
    ("14-undefined-entity-in-attribute.xml",       "xml-syntax",                   Error,    8, 68),
    ("15-unquoted-attribute-value.xml",            "xml-syntax",                   Error,    7, 24),
    ("16-trailing-element.xml",                    "trailing-content",             Error,   12,  1),
    ("17-duplicate-attribute.xml",                 "duplicate-attribute",          Error,    8, 57),
    ("18-version-3.xml",                           "unsupported-version",          Error,    2, 21),
    ("19-entity-type-without-name.xml",            "missing-attribute",            Error,    5,  7),
    ("20-property-without-type.xml",               "missing-attribute",            Error,    8,  9),
    ("21-nullable-maybe.xml",                      "invalid-attribute-value",      Error,    8, 59),
    ("22-missing-data-services.xml",               "missing-data-services",        Error,    2,  1),
    ("23-dangling-type.xml",                       "dangling-type",                Error,   11, 37),
    ("24-undeclared-qualifier.xml",                "undeclared-qualifier",         Error,    8, 37),
    ("25-unqualified-type.xml",                    "unqualified-type",             Error,    8, 37),
    ("26-unknown-primitive.xml",                   "unknown-primitive",            Error,    8, 37),
    ("27-unclosed-collection.xml",                 "malformed-collection",         Error,    8, 37),
    ("28-nested-collection.xml",                   "malformed-collection",         Error,    8, 37),
    ("29-basetype-cycle.xml",                      "basetype-cycle",               Error,    5, 43),
    ("30-basetype-self-cycle.xml",                 "basetype-cycle",               Error,    5, 43),
    ("31-entity-type-derives-from-complex.xml",    "wrong-type-kind",              Error,    8, 41),
    ("32-navigation-to-complex-type.xml",          "wrong-type-kind",              Error,   11, 49),
    ("33-enum-value-not-integer.xml",              "enum-value-not-integer",       Error,    7, 38),
    ("34-enum-value-out-of-range.xml",             "enum-value-out-of-range",      Error,    7, 36),
    ("35-flags-member-without-value.xml",          "enum-value-missing",           Error,    7,  9),
    ("36-enum-underlying-string.xml",              "invalid-underlying-type",      Error,    5, 45),
    ("37-duplicate-enum-member.xml",               "duplicate-enum-member",        Error,    8,  9),
    ("38-duplicate-entity-type.xml",               "duplicate-name",               Error,    9,  7),
    ("39-duplicate-property.xml",                  "duplicate-name",               Error,    9,  9),
    ("40-property-hides-inherited.xml",            "duplicate-name",               Error,   11,  9),
    ("41-duplicate-parameter.xml",                 "duplicate-name",               Error,    7,  9),
    ("42-duplicate-bound-overload.xml",            "duplicate-overload",           Error,   12,  7),
    ("43-duplicate-namespace.xml",                 "duplicate-namespace",          Error,   10, 24),
    ("44-dangling-key-property.xml",               "dangling-key-property",        Error,    6, 33),
    ("45-dangling-partner.xml",                    "dangling-partner",             Error,    8, 82),
    ("46-binding-target-missing.xml",              "dangling-container-reference", Error,   16, 60),
    ("47-entity-set-of-missing-type.xml",          "dangling-type",                Error,   11, 48),
    ("48-function-import-of-missing-function.xml", "dangling-container-reference", Error,   14, 53),
    ("49-bound-action-without-parameters.xml",     "bound-without-parameter",      Error,    9,  7),
    ("50-entity-set-of-enum.xml",                  "wrong-type-kind",              Error,    9, 46),
    ("51-unknown-element-in-schema.xml",           "unknown-element",              Warning,  9,  7),
    ("52-unknown-attribute-on-property.xml",       "unknown-attribute",            Warning,  7, 71),
    ("53-unexpected-text.xml",                     "unexpected-text",              Warning,  5, 32),
    ("54-annotation-target-unresolved.xml",        "bad-annotation-target",        Warning, 12, 28),
    ("55-undeclared-term.xml",                     "undeclared-term",              Warning,  8, 27),
    ("56-duplicate-annotation.xml",                "duplicate-annotation",         Warning, 12,  9),
    ("57-cut-inside-utf8-character.xml",           "invalid-utf8",                 Error,   11, 56),
    ("58-latin1-declaration.xml",                  "unsupported-encoding",         Error,    1, 31),
    ("59-declaration-and-comment-only.xml",        "empty-document",               Error,    1,  1),
    ("60-binding-path-dangling.xml",               "dangling-path",                Error,   16, 44),
    ("61-referential-constraint-dangling.xml",     "dangling-path",                Error,    8,  9),
    ("62-entity-set-path-not-binding-parameter.xml", "dangling-path",              Error,   14, 61),
    ("63-nesting-too-deep.xml",                    "nesting-too-deep",             Error,    6, 1153),
    ("64-flags-member-negative-value.xml",         "enum-value-out-of-range",      Error,    7, 35),
    ("65-enum-values-given-by-some-members.xml",   "enum-value-missing",           Error,    7,  9),
    ("66-enum-value-beyond-int64.xml",             "enum-value-out-of-range",      Error,    6, 36),
    ("67-on-delete-unknown-action.xml",            "invalid-attribute-value",      Error,   13, 29),
    ("68-singleton-of-collection.xml",             "wrong-type-kind",              Error,   10, 40),
    ("69-entity-set-of-abstract-entity-type.xml",  "wrong-type-kind",              Error,    6, 48),
    ("70-singleton-nullable-in-4.0.xml",           "version-mismatch",             Warning, 10, 63),
    ("71-type-definition-of-primitive-type-in-4.0.xml", "version-mismatch",        Warning,  5, 55),
    ("72-nullable-numeric-boolean.xml",            "noncanonical-value",           Warning,  7, 56),
    ("73-duplicate-annotation-for-every-overload.xml", "duplicate-annotation",     Warning, 17,  9),
    // The caret is on the text, not on the line break and indentation before it.
    ("74-unexpected-text-on-its-own-line.xml",     "unexpected-text",              Warning,  7, 11),
    // Empty values have no text of their own: each is still located where it is written.
    ("75-empty-cdata-values.xml",                  "invalid-attribute-value",      Error,    9, 84),
];

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("malformed")
}

/// Every diagnostic of one file, one per line, for failure messages.
fn describe(file: &SourceFile<'_>, loaded: &odata_codegen::Loaded) -> String {
    if loaded.diagnostics.is_empty() {
        return "    (no diagnostics)\n".to_string();
    }
    let mut out = String::new();
    for d in &loaded.diagnostics {
        let at = file.line_column(d.span.start);
        out.push_str(&format!("    {} {} at {}:{}: {}\n", d.severity.as_str(), d.code, at.line, at.column, d.message));
    }
    out
}

#[test]
fn every_malformed_fixture_reports_its_diagnostic_at_its_location() {
    let dir = fixtures_dir();
    let mut failures = Vec::new();
    for &(name, code, severity, line, column) in CASES {
        let bytes = match std::fs::read(dir.join(name)) {
            Ok(bytes) => bytes,
            Err(e) => {
                failures.push(format!("{name}: cannot read the fixture: {e}"));
                continue;
            }
        };
        let loaded = match catch_unwind(AssertUnwindSafe(|| odata_codegen::load(&bytes))) {
            Ok(loaded) => loaded,
            Err(_) => {
                failures.push(format!("{name}: odata_codegen::load panicked"));
                continue;
            }
        };
        let file = SourceFile::new(name, &bytes);
        let mut problems = Vec::new();
        let found = loaded.diagnostics.iter().any(|d| {
            let at = file.line_column(d.span.start);
            d.code == code && d.severity == severity && at.line == line && at.column == column
        });
        if !found {
            problems.push(format!("expected {} {code} at {line}:{column}", severity.as_str()));
        }
        match severity {
            Error if !loaded.has_errors() => {
                problems.push("expected has_errors() to be true".to_string());
            }
            // A warning fixture is otherwise valid: the warning must be its only problem.
            Warning if loaded.has_errors() => {
                problems.push("a warning-only fixture must load without errors".to_string());
            }
            _ => {}
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}\n  diagnostics:\n{}", problems.join("; "), describe(&file, &loaded)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} malformed fixtures failed:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// Each problem is reported once: no fixture produces the same diagnostic (code, place, message)
/// twice, even where one element is checked for several targets (an `Annotations` block naming
/// every overload of a function).
#[test]
fn every_problem_is_reported_once() {
    let dir = fixtures_dir();
    let mut failures = Vec::new();
    for &(name, ..) in CASES {
        let Ok(bytes) = std::fs::read(dir.join(name)) else { continue };
        let Ok(loaded) = catch_unwind(AssertUnwindSafe(|| odata_codegen::load(&bytes))) else { continue };
        let file = SourceFile::new(name, &bytes);
        let mut seen = BTreeSet::new();
        for d in &loaded.diagnostics {
            if !seen.insert((d.span, d.code, d.message.as_str())) {
                failures.push(format!("{name}: reported twice:\n{}", file.render(d)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_file_is_in_the_table() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/malformed exists")
        .map(|entry| entry.expect("readable directory entry").file_name())
        .map(|name| name.into_string().expect("fixture file names are UTF-8"))
        .collect();
    let listed: BTreeSet<String> = CASES.iter().map(|case| case.0.to_string()).collect();
    assert_eq!(listed.len(), CASES.len(), "a fixture is listed twice in CASES");
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(unlisted.is_empty(), "fixtures not listed in CASES (add a row for each): {unlisted:?}");
    assert!(missing.is_empty(), "CASES rows whose fixture file does not exist: {missing:?}");
}

#[test]
fn the_corpus_is_large_enough() {
    assert!(CASES.len() >= 35, "the malformed corpus has only {} cases", CASES.len());
}
