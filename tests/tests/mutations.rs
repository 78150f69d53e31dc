//! Damaged real documents never make `odata_codegen::load` panic or hang.
//!
//! Each case takes a real CSDL document, applies one to three random mutations (truncation,
//! deleted / duplicated elements and lines, flipped bytes including invalid UTF-8, renamed type
//! references, base-type cycles, swapped lines, inserted garbage and nesting) and loads the
//! result in a separate thread under `catch_unwind`, with a generous deadline that only detects
//! a hang (it is not a speed test). Then it checks the diagnostics: every span lies inside the
//! document, a missing model comes with an error, and every diagnostic renders.
//!
//! Thousands of nesting levels are tested separately, in child processes
//! (`deep_nesting_does_not_overflow_the_stack`), because a stack overflow aborts the process.
//!
//! The RNG seed is fixed so CI runs the same cases every time; set `PROPTEST_RNG_SEED` (any u64)
//! to explore other cases, and `MUTATION_SMALL_CASES` / `MUTATION_LARGE_CASES` to change the
//! number of cases of the two CI tests. Failing inputs are
//! written to `$CARGO_TARGET_TMPDIR/mutations/` and their path is printed. For longer local
//! fuzzing: `cargo test --release -p integration-tests --test mutations -- --ignored --nocapture`
//! (`MUTATION_FUZZ_CASES` sets the number of cases, default 20000; the seed is random unless
//! `PROPTEST_RNG_SEED` is set).
//!
//! A stack overflow aborts the test process without a report; the input that caused it is then
//! left in `$CARGO_TARGET_TMPDIR/mutations/in-flight-<test>.xml` (normally `target/tmp/...`),
//! with the document name and the mutations beside it in `in-flight-<test>.txt`.

use odata_codegen::SourceFile;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestError, TestRunner};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

const GRAPH_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/graph/");
const OASIS_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/oasis/");

/// Only to detect a hang: a debug build loads the largest document in well under this.
const DEADLINE: Duration = Duration::from_secs(20);
/// The fixed seed of the CI runs.
const SEED: u64 = 0x0da7_a5ee_d000_0001;
/// Cases per CI run; chosen so the whole file stays well under two minutes in a debug build on
/// two cores (see the numbers in the tests).
const SMALL_CASES: u32 = 5000;
const LARGE_CASES: u32 = 32;

/// Small documents (tens of kB): most cases run on these.
const SMALL: &[&str] = &[
    "graph/beta-cloudpki-slice.csdl",
    "graph/preprocess_csdl_test_input.xml",
    "graph/preprocess_csdl_test_output.xml",
    "graph/beta-Review.csdl",
    "graph/v1.0-GovSG.csdl",
    "oasis/vocabularies/Org.OData.Core.V1.xml",
    "oasis/examples/Org.OData.Aggregation.V1.SalesModel-sample.xml",
];
/// A large document (3.4 MB): a few cases.
const LARGE: &[&str] = &["graph/v1.0-Prod.csdl"];

struct Document {
    name: &'static str,
    bytes: Arc<Vec<u8>>,
}

fn read(name: &'static str) -> Document {
    let path = match name.strip_prefix("graph/") {
        Some(file) => Path::new(GRAPH_DIR).join(file),
        None => Path::new(OASIS_DIR).join(name.strip_prefix("oasis/").unwrap()),
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Document { name, bytes: Arc::new(bytes) }
}

fn documents(names: &'static [&'static str], cell: &'static OnceLock<Vec<Document>>) -> &'static [Document] {
    cell.get_or_init(|| names.iter().map(|n| read(n)).collect())
}

static SMALL_DOCS: OnceLock<Vec<Document>> = OnceLock::new();
static LARGE_DOCS: OnceLock<Vec<Document>> = OnceLock::new();

// ---------------------------------------------------------------------------------------------
// Mutations. Positions are `Index`es, scaled to whatever the document holds when the mutation
// is applied, so one mutation value fits any document and shrinks well.

#[derive(Debug, Clone)]
enum Mutation {
    /// Cut the document at a byte offset (a partial download).
    Truncate(Index),
    /// Remove an element: `<` to `/>` for a self-closing tag, else the whole line of its tag.
    DeleteElement(Index),
    /// Insert a copy of an element (same extent as `DeleteElement`) right after it.
    DuplicateElement(Index),
    /// Insert a copy of a line right after it.
    DuplicateLine(Index),
    /// XOR bytes with non-zero masks: any byte value, sometimes invalid UTF-8.
    FlipBytes(Vec<(Index, u8)>),
    /// Replace a `...Type="..."` value (`Type`, `BaseType`, `EntityType`, `UnderlyingType`).
    RenameReference(Index, NewName),
    /// Make a structured type its own base (`self_only`) or build a two-type base cycle.
    BaseTypeCycle(Index, bool),
    /// Exchange two lines.
    SwapLines(Index, Index),
    /// Insert bytes at an offset.
    InsertGarbage(Index, Garbage),
}

/// What a renamed reference becomes.
#[derive(Debug, Clone)]
enum NewName {
    /// A random name (may be unqualified, empty, or full of dots and parentheses).
    Random(String),
    /// The value of another reference in the document: a type of a possibly wrong kind.
    Other(Index),
    /// A damaged form of the original value.
    Mangled(Mangle),
}

#[derive(Debug, Clone, Copy)]
enum Mangle {
    AppendX,
    DropQualifier,
    Uppercase,
    WrapInCollection,
    UnclosedCollection,
    NestedCollection,
    TrailingAfterCollection,
    Empty,
    UnknownPrimitive,
    DotOnly,
    TrailingDot,
    LeadingDot,
    Whitespace,
    Entity,
}

#[derive(Debug, Clone)]
enum Garbage {
    /// Random bytes.
    Bytes(Vec<u8>),
    /// A piece of XML / CSDL syntax out of place.
    Snippet(usize),
    /// `depth` nested open tags, closed or not: unclosed elements and moderate nesting. Deep
    /// nesting (thousands of levels) has its own test, [`deep_nesting_does_not_overflow_the_stack`],
    /// because a stack overflow aborts the whole test process.
    Nesting { tag: usize, depth: usize, close: bool },
}

const SNIPPETS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "&",
    "&amp",
    "&nosuch;",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&#99999999999999999999;",
    "<!DOCTYPE Edmx [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>",
    "<![CDATA[ text ",
    "]]>",
    "<!-- ",
    " -->",
    "<?pi ",
    "?>",
    "\"",
    "'",
    "=",
    "\0",
    "\u{feff}",
    "\r",
    "\r\n",
    "<Schema>",
    "</Schema>",
    "<Schema Namespace=\"microsoft.graph\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\"/>",
    "<Schema Namespace=\"graph\" Alias=\"microsoft.graph\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\"/>",
    "<EntityType Name=\"x\">",
    "<EntityType Name=\"entity\"/>",
    "<EntityType Name=\"\" BaseType=\"\"/>",
    "<ComplexType Name=\"a\" BaseType=\"microsoft.graph.a\"/>",
    "<EnumType Name=\"e\" UnderlyingType=\"Edm.Byte\" IsFlags=\"maybe\"><Member Name=\"m\" Value=\"300\"/><Member Name=\"m\" Value=\"-x\"/></EnumType>",
    "<Property Name=\"p\" Type=\"Collection(Collection(Edm.String))\" Nullable=\"sometimes\" MaxLength=\"-1\" Precision=\"99999999999999999999\"/>",
    "<NavigationProperty Name=\"n\" Type=\"graph.entity\" Partner=\"nope\"/>",
    "<Action Name=\"a\" IsBound=\"true\"/>",
    "<Function Name=\"f\" IsBound=\"true\"><Parameter Name=\"p\" Type=\"graph.entity\"/><Parameter Name=\"p\" Type=\"graph.entity\"/></Function>",
    "<Key><PropertyRef Name=\"nope\"/></Key>",
    "<EntitySet Name=\"s\" EntityType=\"graph.nope\"><NavigationPropertyBinding Path=\"a/b/c\" Target=\"nope/x\"/></EntitySet>",
    "<Annotations Target=\"microsoft.graph.nope/x(\"><Annotation Term=\"Org.OData.Core.V1.Description\"/></Annotations>",
    "<Annotation Term=\"\" Qualifier=\"\"><Record><PropertyValue/></Record></Annotation>",
    "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">",
    "</edmx:DataServices>",
    "<edmx:DataServices>",
    "</edmx:Edmx>",
    "<edmx:Reference Uri=\"\"><edmx:Include Namespace=\"microsoft.graph\" Alias=\"graph\"/></edmx:Reference>",
    " xmlns=\"urn:other\"",
    " xmlns:edmx=\"urn:other\"",
    " Name=\"dup\" Name=\"dup\"",
    " a:b:c=\"x\"",
    " Type=",
    " Type=\"unterminated",
    "\u{200b}\u{2019}\u{10ffff}",
];

const NEST_TAGS: &[&str] = &[
    "<Collection>",
    "<Record><PropertyValue Property=\"p\">",
    "<Annotation Term=\"Org.OData.Core.V1.Description\">",
    "<EntityType Name=\"n\">",
    "<Schema Namespace=\"n\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">",
    "<x>",
    "<If><Path>a</Path>",
    "<Apply Function=\"odata.concat\">",
];

/// A position in whatever collection it is applied to: the same fixed-point scaling as
/// `proptest::sample::Index`, which cannot be built from a number (needed by the unit test).
#[derive(Clone, Copy)]
struct Index(usize);

impl Index {
    fn index(self, len: usize) -> usize {
        assert!(len > 0, "Index into an empty collection");
        ((len as u128 * self.0 as u128) >> usize::BITS) as usize
    }

    fn get<T>(self, items: &[T]) -> &T {
        &items[self.index(items.len())]
    }
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // As a fraction of the collection: easier to read than a 64-bit number.
        write!(f, "@{:.6}", self.0 as f64 / usize::MAX as f64)
    }
}

impl From<usize> for Index {
    fn from(n: usize) -> Index {
        Index(n)
    }
}

fn index() -> impl Strategy<Value = Index> {
    any::<usize>().prop_map(Index)
}

fn mangle() -> impl Strategy<Value = Mangle> {
    prop_oneof![
        Just(Mangle::AppendX),
        Just(Mangle::DropQualifier),
        Just(Mangle::Uppercase),
        Just(Mangle::WrapInCollection),
        Just(Mangle::UnclosedCollection),
        Just(Mangle::NestedCollection),
        Just(Mangle::TrailingAfterCollection),
        Just(Mangle::Empty),
        Just(Mangle::UnknownPrimitive),
        Just(Mangle::DotOnly),
        Just(Mangle::TrailingDot),
        Just(Mangle::LeadingDot),
        Just(Mangle::Whitespace),
        Just(Mangle::Entity),
    ]
}

fn new_name() -> impl Strategy<Value = NewName> {
    prop_oneof![
        "[a-zA-Z.()_ ]{0,24}".prop_map(NewName::Random),
        "(graph|microsoft\\.graph|self|Edm|Collection\\(graph)\\.[a-zA-Z]{0,12}\\)?".prop_map(NewName::Random),
        index().prop_map(NewName::Other),
        mangle().prop_map(NewName::Mangled),
    ]
}

fn garbage() -> impl Strategy<Value = Garbage> {
    prop_oneof![
        4 => prop::collection::vec(any::<u8>(), 1..48).prop_map(Garbage::Bytes),
        6 => (0..SNIPPETS.len()).prop_map(Garbage::Snippet),
        1 => (0..NEST_TAGS.len(), prop_oneof![1usize..64, 64usize..=300], any::<bool>())
            .prop_map(|(tag, depth, close)| Garbage::Nesting { tag, depth, close }),
    ]
}

/// Mostly masks below 0x80, which keep ASCII text ASCII (invalid UTF-8 stops the reader at
/// once, so it should not be most of the cases); sometimes any byte.
fn flip_mask() -> impl Strategy<Value = u8> {
    prop_oneof![2 => 1u8..=0x7f, 1 => 1u8..=0xff]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        2 => index().prop_map(Mutation::Truncate),
        2 => index().prop_map(Mutation::DeleteElement),
        1 => index().prop_map(Mutation::DuplicateElement),
        1 => index().prop_map(Mutation::DuplicateLine),
        2 => prop::collection::vec((index(), flip_mask()), 1..8).prop_map(Mutation::FlipBytes),
        3 => (index(), new_name()).prop_map(|(i, n)| Mutation::RenameReference(i, n)),
        1 => (index(), any::<bool>()).prop_map(|(i, s)| Mutation::BaseTypeCycle(i, s)),
        1 => (index(), index()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (index(), garbage()).prop_map(|(i, g)| Mutation::InsertGarbage(i, g)),
    ]
}

/// A document index and one to three mutations, applied in order.
fn case(documents: usize) -> impl Strategy<Value = (usize, Vec<Mutation>)> {
    (0..documents, prop::collection::vec(mutation(), 1..=3))
}

// ---------------------------------------------------------------------------------------------
// Applying mutations.

/// Byte ranges of the lines, each including its `\n`.
fn lines(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

/// Offsets of `<` that open a start tag.
fn element_starts(bytes: &[u8]) -> Vec<usize> {
    bytes.windows(2).enumerate().filter(|(_, w)| w[0] == b'<' && w[1].is_ascii_alphabetic()).map(|(i, _)| i).collect()
}

/// Value ranges of every `...Type="..."` attribute.
fn references(bytes: &[u8]) -> Vec<Range<usize>> {
    const NEEDLE: &[u8] = b"Type=\"";
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = find(&bytes[i..], NEEDLE) {
        let start = i + found + NEEDLE.len();
        let end = bytes[start..].iter().position(|b| *b == b'"').map_or(bytes.len(), |p| start + p);
        out.push(start..end);
        i = end.min(bytes.len());
        if i >= bytes.len() {
            break;
        }
    }
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    // Jump between occurrences of the first byte: fast enough in a debug build.
    let first = needle[0];
    let mut from = 0;
    while let Some(p) = haystack[from..].iter().position(|b| *b == first) {
        let at = from + p;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// The extent of the element whose start tag begins at `start`.
fn element_extent(bytes: &[u8], start: usize) -> Range<usize> {
    let end = bytes[start..].iter().position(|b| *b == b'>').map_or(bytes.len(), |p| start + p + 1);
    if end >= 2 && bytes[end - 2] == b'/' {
        return start..end;
    }
    let line_start = bytes[..start].iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    let line_end = bytes[start..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |p| start + p + 1);
    line_start..line_end
}

fn splice(bytes: &mut Vec<u8>, range: Range<usize>, with: &[u8]) {
    bytes.splice(range, with.iter().copied());
}

fn mangled(original: &str, how: Mangle) -> String {
    let simple = original.rsplit('.').next().unwrap_or(original);
    match how {
        Mangle::AppendX => format!("{original}X"),
        Mangle::DropQualifier => simple.to_string(),
        Mangle::Uppercase => original.to_uppercase(),
        Mangle::WrapInCollection => format!("Collection({original})"),
        Mangle::UnclosedCollection => format!("Collection({original}"),
        Mangle::NestedCollection => format!("Collection(Collection({original}))"),
        Mangle::TrailingAfterCollection => format!("Collection({original})x"),
        Mangle::Empty => String::new(),
        Mangle::UnknownPrimitive => format!("Edm.{simple}"),
        Mangle::DotOnly => ".".to_string(),
        Mangle::TrailingDot => format!("{original}."),
        Mangle::LeadingDot => format!(".{original}"),
        Mangle::Whitespace => format!(" {original} "),
        Mangle::Entity => "graph.entity".to_string(),
    }
}

/// The value of attribute `name` inside the start tag `tag`, with its range in `tag`.
fn attribute(tag: &[u8], name: &str) -> Option<Range<usize>> {
    let needle = format!(" {name}=\"");
    let start = find(tag, needle.as_bytes())? + needle.len();
    let end = start + tag[start..].iter().position(|b| *b == b'"')?;
    Some(start..end)
}

/// Structured-type start tags: (tag range, qualified name) for a base-type cycle.
fn structured_types(bytes: &[u8]) -> Vec<(Range<usize>, String)> {
    // Where each `Namespace="..."` value starts, in document order (one linear scan).
    const NAMESPACE: &[u8] = b"Namespace=\"";
    let mut namespaces = Vec::new();
    let mut from = 0;
    while let Some(p) = find(&bytes[from..], NAMESPACE) {
        let start = from + p + NAMESPACE.len();
        let Some(len) = bytes[start..].iter().position(|b| *b == b'"') else {
            break;
        };
        namespaces.push((start, String::from_utf8_lossy(&bytes[start..start + len]).into_owned()));
        from = start + len;
    }
    let mut out = Vec::new();
    for start in element_starts(bytes) {
        let rest = &bytes[start..];
        if !(rest.starts_with(b"<EntityType ") || rest.starts_with(b"<ComplexType ")) {
            continue;
        }
        let end = rest.iter().position(|b| *b == b'>').map_or(bytes.len(), |p| start + p + 1);
        let tag = &bytes[start..end];
        let Some(name) = attribute(tag, "Name") else { continue };
        // The closest namespace before the tag: the enclosing schema's, in a sound document.
        let before = namespaces.partition_point(|(p, _)| *p < start);
        let Some((_, namespace)) = before.checked_sub(1).map(|i| &namespaces[i]) else {
            continue;
        };
        let name = String::from_utf8_lossy(&tag[name]).into_owned();
        out.push((start..end, format!("{namespace}.{name}")));
    }
    out
}

/// Sets (or adds) `BaseType="base"` on the start tag at `tag`.
fn set_base_type(bytes: &mut Vec<u8>, tag: Range<usize>, base: &str) {
    match attribute(&bytes[tag.clone()], "BaseType") {
        Some(value) => splice(bytes, tag.start + value.start..tag.start + value.end, base.as_bytes()),
        None => {
            // After the element name: `<EntityType` is followed by a space.
            let at = tag.start + bytes[tag.clone()].iter().position(|b| *b == b' ').unwrap_or(1);
            splice(bytes, at..at, format!(" BaseType=\"{base}\"").as_bytes());
        }
    }
}

fn garbage_bytes(g: &Garbage) -> Vec<u8> {
    match g {
        Garbage::Bytes(b) => b.clone(),
        Garbage::Snippet(i) => SNIPPETS[*i].as_bytes().to_vec(),
        Garbage::Nesting { tag, depth, close } => {
            let open = NEST_TAGS[*tag];
            let mut out = open.repeat(*depth).into_bytes();
            if *close {
                // Close with the element names of the open tags, innermost first.
                let names: Vec<&str> =
                    open.split('<').filter(|s| !s.is_empty()).map(|s| s.split([' ', '>']).next().unwrap()).collect();
                for _ in 0..*depth {
                    for name in names.iter().rev() {
                        // `<Path>a</Path>` is already closed.
                        if *name != "Path" && !name.starts_with('/') {
                            out.extend_from_slice(format!("</{name}>").as_bytes());
                        }
                    }
                }
            }
            out
        }
    }
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let len = bytes.len();
    match mutation {
        Mutation::Truncate(at) => bytes.truncate(at.index(len + 1)),
        Mutation::DeleteElement(i) | Mutation::DuplicateElement(i) => {
            let starts = element_starts(bytes);
            if starts.is_empty() {
                return;
            }
            let extent = element_extent(bytes, *i.get(&starts));
            if matches!(mutation, Mutation::DeleteElement(_)) {
                splice(bytes, extent, b"");
            } else {
                let copy = bytes[extent.clone()].to_vec();
                splice(bytes, extent.end..extent.end, &copy);
            }
        }
        Mutation::DuplicateLine(i) => {
            let lines = lines(bytes);
            if lines.is_empty() {
                return;
            }
            let line = i.get(&lines).clone();
            let mut copy = bytes[line.clone()].to_vec();
            if copy.last() != Some(&b'\n') {
                copy.insert(0, b'\n');
            }
            splice(bytes, line.end..line.end, &copy);
        }
        Mutation::FlipBytes(flips) => {
            if len == 0 {
                return;
            }
            for (at, mask) in flips {
                bytes[at.index(len)] ^= mask;
            }
        }
        Mutation::RenameReference(i, name) => {
            let refs = references(bytes);
            if refs.is_empty() {
                return;
            }
            let target = i.get(&refs).clone();
            let original = String::from_utf8_lossy(&bytes[target.clone()]).into_owned();
            let replacement = match name {
                NewName::Random(s) => s.clone(),
                NewName::Other(j) => String::from_utf8_lossy(&bytes[j.get(&refs).clone()]).into_owned(),
                NewName::Mangled(how) => mangled(&original, *how),
            };
            splice(bytes, target, replacement.as_bytes());
        }
        Mutation::BaseTypeCycle(i, self_only) => {
            let types = structured_types(bytes);
            if types.is_empty() {
                return;
            }
            let (tag, name) = i.get(&types).clone();
            let base = attribute(&bytes[tag.clone()], "BaseType")
                .map(|r| String::from_utf8_lossy(&bytes[tag.start + r.start..tag.start + r.end]).into_owned());
            let base_simple = base.as_deref().map(|b| b.rsplit('.').next().unwrap_or(b).to_string());
            // Two-type cycle: the base (found by simple name) gets this type as its base.
            let base_tag = base_simple.and_then(|simple| {
                types.iter().find(|(_, n)| n.rsplit('.').next() == Some(simple.as_str()) && *n != name).cloned()
            });
            match (self_only, base_tag) {
                (false, Some((base_tag, _))) => set_base_type(bytes, base_tag, &name),
                _ => set_base_type(bytes, tag, &name),
            }
        }
        Mutation::SwapLines(a, b) => {
            let lines = lines(bytes);
            if lines.is_empty() {
                return;
            }
            let (mut a, mut b) = (a.get(&lines).clone(), b.get(&lines).clone());
            if a.start > b.start {
                std::mem::swap(&mut a, &mut b);
            }
            if a == b {
                return;
            }
            let mut out = Vec::with_capacity(len);
            out.extend_from_slice(&bytes[..a.start]);
            out.extend_from_slice(&bytes[b.clone()]);
            out.extend_from_slice(&bytes[a.end..b.start]);
            out.extend_from_slice(&bytes[a.clone()]);
            out.extend_from_slice(&bytes[b.end..]);
            *bytes = out;
        }
        Mutation::InsertGarbage(at, g) => {
            let at = at.index(len + 1);
            let insert = garbage_bytes(g);
            splice(bytes, at..at, &insert);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running one case.

/// After a hang the loader thread keeps running; later cases (shrinking) are skipped so the
/// hanging input is reported as found instead of burning another deadline per shrink step.
static HANG_SEEN: AtomicBool = AtomicBool::new(false);

enum Outcome {
    /// Loaded; the distinct error codes reported (for the statistics printed at the end).
    Ok(Vec<&'static str>),
    /// An invariant of the result does not hold.
    Invalid(String),
    Panicked(String),
}

/// Loads the bytes and checks the invariants of the result.
fn load_and_check(bytes: &[u8]) -> Result<Vec<&'static str>, String> {
    let loaded = odata_codegen::load(bytes);
    let len = bytes.len();
    let mut problems = Vec::new();
    for d in &loaded.diagnostics {
        if d.span.start as usize > len || d.span.end as usize > len || d.span.start > d.span.end {
            problems.push(format!(
                "{} [{}] span {}..{} outside the document (len {len}): {}",
                d.severity.as_str(),
                d.code,
                d.span.start,
                d.span.end,
                d.message
            ));
        }
    }
    if loaded.model.is_none() && !loaded.has_errors() {
        problems.push("no model, but no error either".to_string());
    }
    // Rendering must not panic either (on invalid UTF-8, at the end of the text, ...).
    let source = SourceFile::new("mutated.csdl", bytes);
    for d in loaded.diagnostics.iter().take(200) {
        let _ = source.render(d);
    }
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let mut codes: Vec<&'static str> = loaded.errors().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    Ok(codes)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_string()
    }
}

/// Loads `bytes` in a thread; `None` if it did not finish before the deadline.
fn run_with_deadline(bytes: Arc<Vec<u8>>) -> Option<Outcome> {
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("load".into())
        // The size of a main thread's stack: what a CLI user of the library gets.
        .stack_size(8 << 20)
        .spawn(move || {
            let result = std::panic::catch_unwind(|| load_and_check(&bytes));
            let outcome = match result {
                Ok(Ok(codes)) => Outcome::Ok(codes),
                Ok(Err(problems)) => Outcome::Invalid(problems),
                Err(payload) => Outcome::Panicked(panic_message(&*payload)),
            };
            let _ = sender.send(outcome);
        })
        .expect("spawn the loader thread");
    receiver.recv_timeout(DEADLINE).ok()
}

fn failure_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mutations");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// Writes a failing input (overwritten while shrinking, so the last one is the minimal one).
fn save(label: &str, document: &Document, bytes: &[u8]) -> PathBuf {
    let file = document.name.rsplit('/').next().unwrap();
    let path = failure_dir().join(format!("{label}-{file}"));
    let _ = std::fs::write(&path, bytes);
    path
}

/// Where the input of a running case is kept (`in-flight-<label>.xml`, with a `.txt` naming the
/// document and the mutations).
fn in_flight_path(label: &str) -> PathBuf {
    let slug: String = label.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '-' }).collect();
    failure_dir().join(format!("in-flight-{slug}.xml"))
}

fn check_case(
    label: &str,
    docs: &[Document],
    (doc, mutations): &(usize, Vec<Mutation>),
    cases_run: &AtomicUsize,
    stats: &Mutex<BTreeMap<&'static str, usize>>,
) -> Result<(), TestCaseError> {
    if HANG_SEEN.load(Ordering::SeqCst) {
        return Ok(());
    }
    cases_run.fetch_add(1, Ordering::Relaxed);
    let document = &docs[*doc];
    let mut bytes = document.bytes.as_ref().clone();
    for m in mutations {
        apply(&mut bytes, m);
    }
    let bytes = Arc::new(bytes);
    // A stack overflow aborts the whole process before any report: the input being loaded is
    // kept on disk until the load returns.
    let in_flight = in_flight_path(label);
    let _ = std::fs::write(&in_flight, bytes.as_slice());
    let _ = std::fs::write(
        in_flight.with_extension("txt"),
        format!(
            "document: {}
mutations: {mutations:#?}
",
            document.name
        ),
    );
    let outcome = run_with_deadline(bytes.clone());
    if outcome.is_some() {
        let _ = std::fs::remove_file(&in_flight);
        let _ = std::fs::remove_file(in_flight.with_extension("txt"));
    }
    match outcome {
        Some(Outcome::Ok(codes)) => {
            let mut stats = stats.lock().unwrap();
            if codes.is_empty() {
                *stats.entry("(no error)").or_insert(0) += 1;
            }
            for code in codes {
                *stats.entry(code).or_insert(0) += 1;
            }
            Ok(())
        }
        Some(Outcome::Invalid(problems)) => {
            let path = save("invalid", document, &bytes);
            Err(TestCaseError::fail(format!("{}: {problems}\ninput saved to {}", document.name, path.display())))
        }
        Some(Outcome::Panicked(message)) => {
            let path = save("panic", document, &bytes);
            Err(TestCaseError::fail(format!(
                "{}: load panicked: {message}\ninput saved to {}",
                document.name,
                path.display()
            )))
        }
        None => {
            HANG_SEEN.store(true, Ordering::SeqCst);
            let path = save("hang", document, &bytes);
            Err(TestCaseError::fail(format!(
                "{}: load did not return within {DEADLINE:?}\ninput saved to {}",
                document.name,
                path.display()
            )))
        }
    }
}

fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher
        .write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish()
}

/// `cases` unless the environment variable `cases_env` holds a number.
fn config(cases: u32, cases_env: &str, fixed_seed: bool) -> Config {
    let mut config = Config::default();
    let cases_from_env = std::env::var(cases_env).ok().and_then(|v| v.parse().ok());
    config.cases = cases_from_env.unwrap_or(cases);
    if config.rng_seed == RngSeed::Random {
        // A random seed is still drawn here, so that it can be printed and the run repeated
        // with `PROPTEST_RNG_SEED`.
        config.rng_seed = RngSeed::Fixed(if fixed_seed { SEED } else { random_seed() });
    }
    // Failing inputs are saved as files (see `save`); no regression files in the source tree.
    config.failure_persistence = None;
    config.max_shrink_iters = 512;
    config.max_shrink_time = 120_000;
    config
}

fn run(label: &str, docs: &'static [Document], config: Config) {
    let mut runner = TestRunner::new(config.clone());
    let cases_run = AtomicUsize::new(0);
    let stats = Mutex::new(BTreeMap::new());
    let started = Instant::now();
    let result = runner.run(&case(docs.len()), |input| check_case(label, docs, &input, &cases_run, &stats));
    let ran = cases_run.load(Ordering::Relaxed);
    println!(
        "{label}: {ran} cases run ({} configured, seed {}) on {} document(s) in {:.1?}",
        config.cases,
        config.rng_seed,
        docs.len(),
        started.elapsed()
    );
    let mut stats: Vec<(&str, usize)> = stats.into_inner().unwrap().into_iter().collect();
    stats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let stats: Vec<String> = stats.iter().map(|(code, n)| format!("{code} {n}")).collect();
    println!("{label}: cases per error code: {}", stats.join(", "));
    match result {
        Ok(()) => {}
        Err(TestError::Abort(reason)) => panic!("{label}: aborted: {reason}"),
        Err(TestError::Fail(reason, (doc, mutations))) => {
            panic!("{label}: {reason}\ndocument: {}\nmutations: {mutations:#?}", docs[doc].name)
        }
    }
}

#[test]
fn small_documents_survive_mutations() {
    run("small documents", documents(SMALL, &SMALL_DOCS), config(SMALL_CASES, "MUTATION_SMALL_CASES", true));
}

#[test]
fn large_document_survives_mutations() {
    run("v1.0-Prod.csdl", documents(LARGE, &LARGE_DOCS), config(LARGE_CASES, "MUTATION_LARGE_CASES", true));
}

/// Many more cases with a random seed, for local fuzzing (see the module documentation).
#[test]
#[ignore = "long-running fuzzing; run with --ignored, preferably with --release"]
fn fuzz_many_mutations() {
    static ALL_DOCS: OnceLock<Vec<Document>> = OnceLock::new();
    const ALL: &[&str] = &[
        "graph/beta-cloudpki-slice.csdl",
        "graph/preprocess_csdl_test_input.xml",
        "graph/preprocess_csdl_test_output.xml",
        "graph/beta-Review.csdl",
        "graph/v1.0-GovSG.csdl",
        "graph/beta-GovSG.csdl",
        "oasis/vocabularies/Org.OData.Core.V1.xml",
        "oasis/vocabularies/Org.OData.Capabilities.V1.xml",
        "oasis/examples/Org.OData.Aggregation.V1.SalesModel-sample.xml",
        "oasis/examples/overload.tst.xml",
    ];
    run("fuzzing", documents(ALL, &ALL_DOCS), config(20_000, "MUTATION_FUZZ_CASES", false));
}

// ---------------------------------------------------------------------------------------------
// Deep nesting. A reader that recurses once per element level overflows the stack on a document
// nested deeply enough, which aborts the process (no panic, nothing to catch). So the loads run
// in a child process (this test binary, running only `deep_nesting_child`), and the parent
// reports which input killed it.

/// Set in the child's environment to the index of a case in [`DEEP_CASES`]; without it
/// `deep_nesting_child` does nothing.
const CHILD_ENV: &str = "MUTATIONS_DEEP_NESTING_CHILD";

/// (what, nesting depth): every element kind is nested inside an entity type of a valid document.
const DEEP_CASES: &[(&str, usize)] = &[
    ("x", 1_000),
    ("x", 10_000),
    ("x", 100_000),
    ("Annotation", 1_000),
    ("Annotation", 10_000),
    ("Annotation", 100_000),
    ("Collection", 10_000),
    ("Record", 10_000),
    ("x-unclosed", 100_000),
];

fn deep_document(what: &str, depth: usize) -> Vec<u8> {
    let (open, close) = match what {
        "x" | "x-unclosed" => ("<x>", "</x>"),
        "Annotation" => ("<Annotation Term=\"Org.OData.Core.V1.Description\">", "</Annotation>"),
        "Collection" => ("<Collection>", "</Collection>"),
        "Record" => ("<Record><PropertyValue Property=\"p\">", "</PropertyValue></Record>"),
        _ => unreachable!("{what}"),
    };
    let mut doc = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.0\" \
         xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>\
         <Schema Namespace=\"n\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\"><EntityType Name=\"t\">",
    );
    doc.push_str(&open.repeat(depth));
    if what != "x-unclosed" {
        doc.push_str(&close.repeat(depth));
        doc.push_str("</EntityType></Schema></edmx:DataServices></edmx:Edmx>\n");
    }
    doc.into_bytes()
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let started = Instant::now();
    let mut failures = Vec::new();
    for (i, &(what, depth)) in DEEP_CASES.iter().enumerate() {
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["deep_nesting_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, i.to_string())
            .output()
            .expect("run the child test process");
        let stdout = String::from_utf8_lossy(&output.stdout);
        if output.status.success() && stdout.contains("loaded ") {
            continue;
        }
        let path = failure_dir().join(format!("deep-nesting-{what}-{depth}.xml"));
        let _ = std::fs::write(&path, deep_document(what, depth));
        let stderr = String::from_utf8_lossy(&output.stderr);
        let why = stderr
            .lines()
            .find(|l| l.contains("overflowed its stack") || l.contains("nested"))
            .unwrap_or("(see the child's stderr)");
        failures.push(format!(
            "{what} nested {depth} deep: child {}: {why}\n  input: {}",
            output.status,
            path.display()
        ));
    }
    println!(
        "deep nesting: {} of {} inputs loaded in {:.1?}",
        DEEP_CASES.len() - failures.len(),
        DEEP_CASES.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} deeply nested input(s) crashed the loader:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs in a child process of [`deep_nesting_does_not_overflow_the_stack`]: loads the case whose
/// index is in `MUTATIONS_DEEP_NESTING_CHILD` in an 8 MiB thread, like the other tests.
#[test]
#[ignore = "runs only as the child process of deep_nesting_does_not_overflow_the_stack"]
fn deep_nesting_child() {
    let Some(i) = std::env::var(CHILD_ENV).ok().and_then(|v| v.parse::<usize>().ok()) else {
        return;
    };
    let (what, depth) = DEEP_CASES[i];
    let bytes = Arc::new(deep_document(what, depth));
    match run_with_deadline(bytes) {
        Some(Outcome::Ok(codes)) => println!("loaded {what} nested {depth} deep: errors {codes:?}"),
        Some(Outcome::Invalid(problems)) => panic!("{what} nested {depth} deep: {problems}"),
        Some(Outcome::Panicked(message)) => panic!("{what} nested {depth} deep: load panicked: {message}"),
        None => panic!("{what} nested {depth} deep: load did not return within {DEADLINE:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The mutation helpers themselves.

#[test]
fn mutations_do_what_they_say() {
    let doc = b"<a>\n  <b Type=\"graph.x\"/>\n  <c BaseType=\"graph.y\">\n  </c>\n</a>\n".to_vec();
    assert_eq!(element_starts(&doc), [0, 6, 28]);
    assert_eq!(element_extent(&doc, 6), 6..25);
    assert_eq!(element_extent(&doc, 28), 26..51);
    let refs: Vec<&[u8]> = references(&doc).into_iter().map(|r| &doc[r]).collect();
    assert_eq!(refs, [&b"graph.x"[..], b"graph.y"]);

    let mut d = doc.clone();
    apply(&mut d, &Mutation::RenameReference(Index::from(0usize), NewName::Mangled(Mangle::UnclosedCollection)));
    assert!(String::from_utf8(d).unwrap().contains("Type=\"Collection(graph.x\""));

    let mut d = doc.clone();
    apply(&mut d, &Mutation::DeleteElement(Index::from(usize::MAX / 2)));
    assert_eq!(String::from_utf8(d).unwrap(), "<a>\n  \n  <c BaseType=\"graph.y\">\n  </c>\n</a>\n");

    let types =
        b"<Schema Namespace=\"n\">\n<EntityType Name=\"a\" BaseType=\"n.b\"/>\n<EntityType Name=\"b\"/>\n".to_vec();
    let mut d = types.clone();
    apply(&mut d, &Mutation::BaseTypeCycle(Index::from(0usize), false));
    assert!(String::from_utf8(d).unwrap().contains("<EntityType BaseType=\"n.a\" Name=\"b\"/>"));
    let mut d = types.clone();
    apply(&mut d, &Mutation::BaseTypeCycle(Index::from(0usize), true));
    assert!(String::from_utf8(d).unwrap().contains("<EntityType Name=\"a\" BaseType=\"n.a\"/>"));

    let mut d = b"one\ntwo\nthree\n".to_vec();
    apply(&mut d, &Mutation::SwapLines(Index::from(0usize), Index::from(usize::MAX)));
    assert_eq!(d, b"three\ntwo\none\n");

    let nested = garbage_bytes(&Garbage::Nesting { tag: 1, depth: 2, close: true });
    assert_eq!(
        String::from_utf8(nested).unwrap(),
        "<Record><PropertyValue Property=\"p\"><Record><PropertyValue Property=\"p\"></PropertyValue></Record></PropertyValue></Record>"
    );
}
