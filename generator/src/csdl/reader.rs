//! The streaming quick-xml reader that builds the CSDL syntax tree.
//!
//! Recursive descent over quick-xml events. XML-level problems (invalid UTF-8, a DTD, a
//! mismatched or missing end tag) stop the reader with one fatal diagnostic; CSDL-level
//! problems (a missing attribute, an unknown element) are collected and reading goes on.

use super::*;
use crate::diagnostics::{Diagnostic, Span, codes};
use bumpalo::collections::Vec as ArenaVec;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader as XmlReader;
use std::borrow::Cow;

const EDMX_NS: &str = "http://docs.oasis-open.org/odata/ns/edmx";
const EDM_NS: &str = "http://docs.oasis-open.org/odata/ns/edm";

/// The reader recurses per element; this bounds its stack use on hostile input.
const MAX_DEPTH: u32 = 100;

/// A syntax tree and the non-fatal problems found while reading it.
#[derive(Debug)]
pub struct Parsed<'a> {
    pub document: Document<'a>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads a CSDL XML document. Values that needed unescaping are put in `arena`, so the tree
/// borrows every string from the bytes or the arena. Returns the one fatal diagnostic when the
/// bytes are not a readable CSDL document at all.
pub fn parse<'a>(bytes: &'a [u8], arena: &'a Arena) -> Result<Parsed<'a>, Diagnostic> {
    if bytes.starts_with(&[0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE]) {
        return Err(Diagnostic::error(
            codes::UNSUPPORTED_ENCODING,
            Span::at(0),
            "the document is UTF-16 (it starts with a UTF-16 byte order mark); only UTF-8 is supported",
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Diagnostic::error(
            codes::INVALID_UTF8,
            Span::new(at, at + e.error_len().unwrap_or(1)),
            match e.error_len() {
                Some(_) => format!(
                    "invalid UTF-8: byte 0x{:02X} at offset {at} cannot start or continue a character",
                    bytes[at]
                ),
                None => format!(
                    "invalid UTF-8: the document ends in the middle of a character (byte 0x{:02X} at offset {at})",
                    bytes[at]
                ),
            },
        )
    })?;
    let body_start = if text.starts_with('\u{FEFF}') { 3 } else { 0 };
    let body = &text[body_start..];
    let first = body.len() - body.trim_start().len();
    match body.trim_start().chars().next() {
        None => {
            return Err(Diagnostic::error(
                codes::EMPTY_DOCUMENT,
                Span::at(0),
                "the document is empty; expected a CSDL document starting with <edmx:Edmx>",
            ));
        }
        Some('<') => {}
        Some(c) => {
            let what = if c == '{' || c == '[' { " (this looks like JSON)" } else { "" };
            return Err(Diagnostic::error(
                codes::NOT_CSDL,
                Span::at(body_start + first),
                format!(
                    "the document does not start with an XML element{what}; expected a CSDL document starting with <edmx:Edmx>"
                ),
            ));
        }
    }
    let mut reader = Reader::new(text, body_start, arena);
    let document = reader.document()?;
    Ok(Parsed { document, diagnostics: reader.diagnostics })
}

/// Which XML namespace an element belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ns {
    Edm,
    Edmx,
    Other,
}

struct Attr<'a> {
    name: &'a str,
    value: Text<'a>,
}

/// One element start tag, with its attributes already decoded.
struct Element<'a> {
    ns: Ns,
    /// The name as written, with any prefix (for messages).
    qname: &'a str,
    local: &'a str,
    attrs: Vec<Attr<'a>>,
    /// The start tag, from `<` to `>`.
    span: Span,
    /// `<X/>`: there are no children and no end tag to read.
    empty: bool,
}

impl Element<'_> {
    fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local
    }
}

enum Node<'a> {
    Element(Element<'a>),
    Text(Text<'a>),
}

struct Reader<'a> {
    text: &'a str,
    /// Where unescaped values live.
    arena: &'a Arena,
    /// The span of the raw text of each value in the arena, by its address.
    unescaped: Vec<(usize, Span)>,
    /// Byte offset of the text quick-xml reads (after a byte order mark).
    base: usize,
    xml: XmlReader<&'a [u8]>,
    /// In-scope `xmlns` declarations: (element depth, prefix, namespace); `""` is the default
    /// namespace. Tracked here rather than with quick-xml's `NsReader`, which costs a tenth of
    /// the parse for information only the element names need.
    scopes: Vec<(u32, &'a str, Ns)>,
    /// Emptied attribute vectors, reused so that elements do not allocate one each.
    spare_attrs: Vec<Vec<Attr<'a>>>,
    /// The annotations of every element being read, innermost last: an element's own start at
    /// the length this had when the element began, and move to an exactly sized vector when
    /// it ends (most elements have one or two, which a growing vector would give room for four).
    annotation_stack: Vec<Annotation<'a>>,
    /// Buffers for the members of the element being read, kept between elements.
    spare: Spare<'a>,
    /// Depth of the element whose content is being read.
    depth: u32,
    diagnostics: Vec<Diagnostic>,
}

type Fatal<T> = Result<T, Diagnostic>;

/// Members are gathered in a reused buffer and then moved into an exactly sized slice of the
/// arena: no copies as a list grows, and no spare capacity kept in the tree.
#[derive(Default)]
struct Spare<'a> {
    properties: Vec<Property<'a>>,
    navigation_properties: Vec<NavigationProperty<'a>>,
    members: Vec<EnumMember<'a>>,
    parameters: Vec<Parameter<'a>>,
}

/// Moves the gathered items into an exactly sized slice of the arena, and keeps `gathered`'s
/// buffer as the spare one.
fn exact<'a, T>(arena: &'a Arena, spare: &mut Vec<T>, mut gathered: Vec<T>) -> &'a [T] {
    let items = arena.alloc_slice_fill_iter(gathered.drain(..));
    *spare = gathered;
    items
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, base: usize, arena: &'a Arena) -> Reader<'a> {
        let mut xml = XmlReader::from_str(&text[base..]);
        let config = xml.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Reader {
            text,
            arena,
            unescaped: Vec::new(),
            base,
            xml,
            scopes: Vec::new(),
            spare_attrs: Vec::new(),
            annotation_stack: Vec::new(),
            spare: Spare::default(),
            depth: 0,
            diagnostics: Vec::new(),
        }
    }

    /// A value that borrows from the source as it is, or its unescaped copy in the arena.
    fn keep(&mut self, value: Cow<'a, str>, span: Span) -> Text<'a> {
        match value {
            Cow::Borrowed(value) => Text { value },
            Cow::Owned(value) => self.unescaped(&value, span),
        }
    }

    /// An unescaped value, copied into the arena with the span of its raw text.
    fn unescaped(&mut self, value: &str, span: Span) -> Text<'a> {
        if value.is_empty() {
            // An empty value (`<![CDATA[]]>`) is located by an empty slice of the source where
            // its raw text starts: the arena promises nothing about where empty values are.
            let at = span.start as usize;
            return Text { value: self.text.get(at..at).unwrap_or_default() };
        }
        let value: &'a str = self.arena.alloc_str(value);
        self.unescaped.push((value.as_ptr() as usize, span));
        Text { value }
    }

    /// The span of a value's raw text.
    fn span_of(&self, text: &Text<'a>) -> Span {
        locate(self.text, &self.unescaped, text)
    }

    /// Offset in the whole text of a slice that quick-xml borrowed from it.
    fn offset_of(&self, slice: &str) -> usize {
        (slice.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize).min(self.text.len())
    }

    fn position(&self) -> usize {
        self.base + self.xml.buffer_position() as usize
    }

    fn warn(&mut self, code: &'static str, span: Span, message: String) {
        self.diagnostics.push(Diagnostic::warning(code, span, message));
    }

    fn error(&mut self, code: &'static str, span: Span, message: String) {
        self.diagnostics.push(Diagnostic::error(code, span, message));
    }

    /// Turns a quick-xml error into a located fatal diagnostic.
    fn xml_error(&self, error: quick_xml::Error) -> Diagnostic {
        use quick_xml::errors::{IllFormedError, SyntaxError};
        let at = self.base + self.xml.error_position() as usize;
        let span = Span::at(at);
        match error {
            quick_xml::Error::Syntax(
                e @ (SyntaxError::UnclosedPI
                | SyntaxError::UnclosedXmlDecl
                | SyntaxError::UnclosedComment
                | SyntaxError::UnclosedDoctype
                | SyntaxError::UnclosedCData
                | SyntaxError::UnclosedTag
                | SyntaxError::UnclosedSingleQuotedAttributeValue
                | SyntaxError::UnclosedDoubleQuotedAttributeValue),
            ) => Diagnostic::error(
                codes::TRUNCATED_DOCUMENT,
                Span::at(self.text.len()),
                format!("the document ends inside markup that starts at byte {at} ({e}); was the download cut off?"),
            ),
            quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => Diagnostic::error(
                codes::MISMATCHED_TAG,
                span,
                format!("end tag </{found}> does not match the open element <{expected}>"),
            ),
            quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(name)) => {
                Diagnostic::error(codes::MISMATCHED_TAG, span, format!("end tag </{name}> closes no open element"))
            }
            other => Diagnostic::error(codes::XML_SYNTAX, span, format!("malformed XML: {other}")),
        }
    }

    /// The next element start or text node inside the current element; `None` at its end tag.
    /// Comments and processing instructions are skipped.
    /// Whitespace-only text is returned only when `keep_whitespace` (inside text-valued elements);
    /// otherwise quick-xml skips leading whitespace, so the indentation between elements never
    /// becomes an event, and other text starts at its first visible character.
    fn next_node(&mut self, parent: &Element<'a>, keep_whitespace: bool) -> Fatal<Option<Node<'a>>> {
        if parent.empty {
            return Ok(None);
        }
        self.xml.config_mut().trim_text_start = !keep_whitespace;
        loop {
            let event = match self.xml.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.xml_error(e)),
            };
            match event {
                Event::Start(start) => return self.element(&start, false).map(|e| Some(Node::Element(e))),
                Event::Empty(start) => return self.element(&start, true).map(|e| Some(Node::Element(e))),
                Event::End(_) => {
                    self.leave();
                    return Ok(None);
                }
                // Indentation between elements: the common case, skipped without building a node.
                Event::Text(text) if !keep_whitespace && text.bytes().all(|b| b.is_ascii_whitespace()) => {}
                Event::Text(text) => {
                    let at = self.offset_of(&text);
                    let span = Span::new(at, at + text.len());
                    return Ok(Some(Node::Text(self.keep(text.xml10_content(), span))));
                }
                Event::CData(data) => {
                    let at = self.offset_of(&data);
                    let span = Span::new(at, at + data.len());
                    return Ok(Some(Node::Text(self.unescaped(&data, span))));
                }
                Event::GeneralRef(reference) => {
                    let at = self.offset_of(&reference);
                    let span = Span::new(at.saturating_sub(1), at + reference.len() + 1);
                    let value = match reference.resolve_char_ref() {
                        Ok(Some(c)) => self.unescaped(c.encode_utf8(&mut [0; 4]), span),
                        Ok(None) => match quick_xml::escape::resolve_predefined_entity(&reference) {
                            Some(s) => self.unescaped(s, span),
                            None => {
                                return Err(Diagnostic::error(
                                    codes::XML_SYNTAX,
                                    span,
                                    format!(
                                        "unknown entity `&{};`: only the five XML entities and character references are allowed",
                                        &*reference
                                    ),
                                ));
                            }
                        },
                        Err(e) => {
                            return Err(Diagnostic::error(
                                codes::XML_SYNTAX,
                                span,
                                format!("malformed character reference: {e}"),
                            ));
                        }
                    };
                    return Ok(Some(Node::Text(value)));
                }
                Event::DocType(doctype) => return Err(self.doctype(&doctype)),
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
                Event::Eof => {
                    return Err(Diagnostic::error(
                        codes::TRUNCATED_DOCUMENT,
                        Span::at(self.text.len()),
                        format!("the document ends before <{}> is closed; was the download cut off?", parent.qname),
                    ));
                }
            }
        }
    }

    /// The next child element; text between elements must be whitespace.
    fn next_child(&mut self, parent: &Element<'a>) -> Fatal<Option<Element<'a>>> {
        loop {
            match self.next_node(parent, false)? {
                None => return Ok(None),
                Some(Node::Element(e)) => return Ok(Some(e)),
                Some(Node::Text(text)) => {
                    if !text.value.trim().is_empty() {
                        self.warn(
                            codes::UNEXPECTED_TEXT,
                            self.span_of(&text),
                            format!("text is not allowed inside <{}>; ignored", parent.qname),
                        );
                    }
                }
            }
        }
    }

    /// The text content of an element that holds only text (`<String>`, `<PropertyPath>`, ...).
    fn text_content(&mut self, element: &Element<'a>) -> Fatal<Text<'a>> {
        let mut result: Option<(Text<'a>, Span)> = None;
        // The pieces so far when there are several (text around an entity reference).
        let mut joined: Option<String> = None;
        while let Some(node) = self.next_node(element, true)? {
            match node {
                Node::Text(text) => {
                    let span = self.span_of(&text);
                    match &mut result {
                        None => result = Some((text, span)),
                        Some((acc, acc_span)) => {
                            joined.get_or_insert_with(|| acc.value.to_owned()).push_str(text.value);
                            acc_span.end = span.end;
                        }
                    }
                }
                Node::Element(child) => {
                    self.unknown(&child, element)?;
                }
            }
        }
        match (result, joined) {
            (Some((_, span)), Some(joined)) => Ok(self.unescaped(&joined, span)),
            (Some((text, _)), None) => Ok(text),
            // Empty: a slice of the source where the content would be, so it has a place.
            (None, _) => {
                let at = element.span.end as usize;
                Ok(Text { value: &self.text[at..at] })
            }
        }
    }

    fn doctype(&self, doctype: &str) -> Diagnostic {
        let at = self.offset_of(doctype);
        let start = self.text[..at].rfind("<!").unwrap_or(at);
        Diagnostic::error(
            codes::DTD_REFUSED,
            Span::new(start, at),
            "the document has a <!DOCTYPE>: DTDs and entity declarations are refused, never expanded",
        )
    }

    /// Decodes a start tag: its namespace, name, span and attributes.
    /// Closes the scope of the element whose end tag was just read.
    fn leave(&mut self) {
        while self.scopes.last().is_some_and(|(depth, _, _)| *depth == self.depth) {
            self.scopes.pop();
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// The namespace an element name's prefix is bound to in the current scope.
    fn namespace_of(&self, prefix: &str) -> Ns {
        // Nearly every element has no prefix: skip the string comparison for those.
        let same = |p: &str| p.len() == prefix.len() && (prefix.is_empty() || p == prefix);
        self.scopes.iter().rev().find(|(_, p, _)| same(p)).map_or(Ns::Other, |(_, _, ns)| *ns)
    }

    fn element(&mut self, start: &BytesStart<'a>, empty: bool) -> Fatal<Element<'a>> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let at = self.position();
            return Err(Diagnostic::error(
                codes::NESTING_TOO_DEEP,
                Span::at(self.text[..at].rfind('<').unwrap_or(at)),
                format!("elements nest more than {MAX_DEPTH} levels deep; CSDL documents nest about a dozen"),
            ));
        }
        let name_bytes = start.name().into_inner();
        let name_at = self.offset_of(name_bytes);
        let qname = &self.text[name_at..name_at + name_bytes.len()];
        // One scan for the prefix: names are short, and a byte loop beats a memchr call.
        let colon = qname.bytes().rposition(|b| b == b':');
        let (prefix, local) = colon.map_or(("", qname), |at| (&qname[..at], &qname[at + 1..]));
        let span = Span::new(name_at.saturating_sub(1), self.position());
        let mut attrs = self.spare_attrs.pop().unwrap_or_default();
        // The tag's content, from the name to before `>` or `/>`; the cursor's offsets count
        // from its start, as quick-xml's do.
        let tag = &self.text[name_at..name_at + start.len()];
        let mut cursor = AttributeCursor { at: name_bytes.len(), end: tag.len() };
        loop {
            let (key, raw_start, raw_end) = match cursor.next(tag.as_bytes()) {
                Ok(Some(attribute)) => attribute,
                Ok(None) => break,
                Err(e) => {
                    let at = match e {
                        AttrError::ExpectedEq(at)
                        | AttrError::ExpectedValue(at)
                        | AttrError::UnquotedValue(at)
                        | AttrError::ExpectedQuote(at, _)
                        | AttrError::Duplicated(at, _) => name_at + at,
                    };
                    return Err(Diagnostic::error(
                        codes::XML_SYNTAX,
                        Span::at(at),
                        format!("malformed attribute in <{qname}>: {e}"),
                    ));
                }
            };
            let key = &tag[key];
            let raw = &tag[raw_start..raw_end];
            let (raw_at, raw_end) = (name_at + raw_start, name_at + raw_end);
            if key == "xmlns" || key.starts_with("xmlns:") {
                let prefix = key.strip_prefix("xmlns").unwrap_or_default().trim_start_matches(':');
                let ns = match raw {
                    EDM_NS => Ns::Edm,
                    EDMX_NS => Ns::Edmx,
                    _ => Ns::Other,
                };
                self.scopes.push((self.depth, prefix, ns));
                continue;
            }
            if attrs.iter().any(|a: &Attr<'a>| same_name(a.name, key)) {
                self.error(
                    codes::DUPLICATE_ATTRIBUTE,
                    Span::at(raw_at),
                    format!("an attribute appears twice on <{qname}>; the second one is ignored"),
                );
                continue;
            }
            let value = match normalize_attribute(raw) {
                // Nearly every value: borrowed as it is.
                Ok(Cow::Borrowed(value)) => Text { value },
                Ok(Cow::Owned(value)) => self.unescaped(&value, Span::new(raw_at, raw_end)),
                Err(e) => {
                    use quick_xml::escape::EscapeError;
                    // Ranges cover the entity name after `&`; point at the `&`.
                    let at = match &e {
                        EscapeError::UnrecognizedEntity(range, _) | EscapeError::UnterminatedEntity(range) => {
                            raw_at + range.start.saturating_sub(1)
                        }
                        _ => raw_at,
                    };
                    let message = format!("malformed attribute value of `{key}`: {e}");
                    return Err(Diagnostic::error(codes::XML_SYNTAX, Span::at(at), message));
                }
            };
            attrs.push(Attr { name: key, value });
        }
        let ns = self.namespace_of(prefix);
        if empty {
            // No end tag follows: the element's scope closes now.
            self.leave();
        }
        Ok(Element { ns, qname, local, attrs, span, empty })
    }

    /// Skips an element the reader does not know, with a warning.
    fn unknown(&mut self, element: &Element<'a>, parent: &Element<'a>) -> Fatal<()> {
        self.warn(
            codes::UNKNOWN_ELEMENT,
            element.span,
            format!("<{}> is not a known child of <{}>; skipped", element.qname, parent.qname),
        );
        self.skip(element)
    }

    /// Reads past the end of an element and everything in it.
    fn skip(&mut self, element: &Element<'a>) -> Fatal<()> {
        while let Some(node) = self.next_node(element, false)? {
            if let Node::Element(child) = node {
                self.skip(&child)?;
            }
        }
        Ok(())
    }

    /// Warns about the attributes left after a parser took the ones it knows.
    fn unknown_attributes(&mut self, element: &Element<'a>, mut rest: Vec<Attr<'a>>) {
        for attr in rest.drain(..) {
            self.warn(
                codes::UNKNOWN_ATTRIBUTE,
                self.span_of(&attr.value),
                format!("attribute `{}` is not known on <{}>; ignored", attr.name, element.qname),
            );
        }
        // Every element's attribute vector ends here: keep it for the next element.
        self.spare_attrs.push(rest);
    }

    /// A required attribute; `None` (with an error) when absent, and the caller drops the element.
    fn required(&mut self, element: &Element<'a>, name: &str, value: Option<Text<'a>>) -> Option<Text<'a>> {
        if value.is_none() {
            self.error(
                codes::MISSING_ATTRIBUTE,
                element.span,
                format!("<{}> has no `{name}` attribute; the element is left out", element.qname),
            );
        }
        value
    }

    // ---- the document structure ----

    fn document(&mut self) -> Fatal<Document<'a>> {
        let root = self.root()?;
        if !root.is(Ns::Edmx, "Edmx") {
            return Err(not_csdl(&root));
        }
        let (root, mut attrs) = split(root);
        let version = take(&mut attrs, "Version");
        self.unknown_attributes(&root, attrs);
        match &version {
            Some(v) if v.as_str() == "4.0" || v.as_str() == "4.01" => {}
            Some(v) => {
                let message = format!("CSDL version `{}` is not supported; expected 4.0 or 4.01", v.as_str());
                self.error(codes::UNSUPPORTED_VERSION, self.span_of(v), message);
            }
            None => {
                self.required(&root, "Version", None);
            }
        }
        let mut references = ArenaVec::new_in(self.arena);
        let mut schemas = ArenaVec::new_in(self.arena);
        let mut data_services = 0;
        while let Some(child) = self.next_child(&root)? {
            if child.is(Ns::Edmx, "Reference") {
                if let Some(reference) = self.reference(child)? {
                    references.push(reference);
                }
            } else if child.is(Ns::Edmx, "DataServices") {
                data_services += 1;
                if data_services > 1 {
                    self.error(
                        codes::MISSING_DATA_SERVICES,
                        child.span,
                        "a second <edmx:DataServices>; a document has exactly one".into(),
                    );
                }
                self.data_services(child, &mut schemas)?;
            } else {
                self.unknown(&child, &root)?;
            }
        }
        if data_services == 0 {
            self.error(
                codes::MISSING_DATA_SERVICES,
                root.span,
                "<edmx:Edmx> has no <edmx:DataServices> element, so it declares no schema".into(),
            );
        }
        self.trailing()?;
        Ok(Document {
            version,
            references: references.into_bump_slice(),
            schemas: schemas.into_bump_slice(),
            span: root.span,
            source: self.text,
            unescaped: self.arena.alloc_slice_copy(&self.unescaped),
        })
    }

    /// The root element, after the prolog.
    fn root(&mut self) -> Fatal<Element<'a>> {
        loop {
            let event = match self.xml.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.xml_error(e)),
            };
            match event {
                Event::Start(start) => return self.element(&start, false),
                Event::Empty(start) => return self.element(&start, true),
                Event::DocType(doctype) => return Err(self.doctype(&doctype)),
                Event::Decl(decl) => {
                    if let Some(Ok(encoding)) = decl.encoding() {
                        let name = encoding.to_ascii_lowercase();
                        if name != "utf-8" && name != "utf8" {
                            let at = self.offset_of(&encoding);
                            return Err(Diagnostic::error(
                                codes::UNSUPPORTED_ENCODING,
                                Span::new(at, at + encoding.len()),
                                format!("the document declares encoding `{}`; only UTF-8 is supported", encoding),
                            ));
                        }
                    }
                }
                Event::Text(text) if text.trim().is_empty() => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    return Err(Diagnostic::error(
                        codes::EMPTY_DOCUMENT,
                        Span::at(0),
                        "the document has no root element; expected <edmx:Edmx>",
                    ));
                }
                _ => {
                    let at = self.base + self.xml.buffer_position() as usize;
                    return Err(Diagnostic::error(
                        codes::NOT_CSDL,
                        Span::at(at),
                        "content before the root element; expected <edmx:Edmx>",
                    ));
                }
            }
        }
    }

    /// After the root element: only whitespace, comments and processing instructions.
    fn trailing(&mut self) -> Fatal<()> {
        loop {
            let before = self.position();
            match self.xml.read_event() {
                Ok(Event::Eof) => return Ok(()),
                Ok(Event::Comment(_) | Event::PI(_)) => {}
                Ok(Event::Text(text)) if text.trim().is_empty() => {}
                Ok(Event::DocType(doctype)) => return Err(self.doctype(&doctype)),
                Ok(_) => {
                    let skipped = self.text[before..].len() - self.text[before..].trim_start().len();
                    self.error(
                        codes::TRAILING_CONTENT,
                        Span::at(before + skipped),
                        "content after the end of <edmx:Edmx>".into(),
                    );
                    return Ok(());
                }
                Err(e) => return Err(self.xml_error(e)),
            }
        }
    }

    fn reference(&mut self, element: Element<'a>) -> Fatal<Option<Reference<'a>>> {
        let (element, mut attrs) = split(element);
        let uri = take(&mut attrs, "Uri");
        self.unknown_attributes(&element, attrs);
        let mut includes = ArenaVec::new_in(self.arena);
        let mut include_annotations = ArenaVec::new_in(self.arena);
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            if child.is(Ns::Edmx, "Include") {
                let (child, mut attrs) = split(child);
                let namespace = take(&mut attrs, "Namespace");
                let alias = take(&mut attrs, "Alias");
                self.unknown_attributes(&child, attrs);
                self.skip_children(&child)?;
                if let Some(namespace) = self.required(&child, "Namespace", namespace) {
                    includes.push(Include { namespace, alias, span: child.span });
                }
            } else if child.is(Ns::Edmx, "IncludeAnnotations") {
                let (child, mut attrs) = split(child);
                let term_namespace = take(&mut attrs, "TermNamespace");
                let qualifier = take(&mut attrs, "Qualifier");
                let target_namespace = take(&mut attrs, "TargetNamespace");
                self.unknown_attributes(&child, attrs);
                self.skip_children(&child)?;
                if let Some(term_namespace) = self.required(&child, "TermNamespace", term_namespace) {
                    include_annotations.push(IncludeAnnotations {
                        term_namespace,
                        qualifier,
                        target_namespace,
                        span: child.span,
                    });
                }
            } else if child.is(Ns::Edm, "Annotation") {
                self.gather_annotation(child)?;
            } else {
                self.unknown(&child, &element)?;
            }
        }
        let annotations = self.annotations_since(annotations_at);
        Ok(self.required(&element, "Uri", uri).map(|uri| Reference {
            uri,
            includes: includes.into_bump_slice(),
            include_annotations: include_annotations.into_bump_slice(),
            annotations,
            span: element.span,
        }))
    }

    /// Reads the children of an element that has none in CSDL, warning about each.
    fn skip_children(&mut self, element: &Element<'a>) -> Fatal<()> {
        while let Some(child) = self.next_child(element)? {
            self.unknown(&child, element)?;
        }
        Ok(())
    }

    fn data_services(&mut self, element: Element<'a>, schemas: &mut ArenaVec<'a, Schema<'a>>) -> Fatal<()> {
        let (element, attrs) = split(element);
        self.unknown_attributes(&element, attrs);
        while let Some(child) = self.next_child(&element)? {
            if child.is(Ns::Edm, "Schema") {
                if let Some(schema) = self.schema(child)? {
                    schemas.push(schema);
                }
            } else {
                self.unknown(&child, &element)?;
            }
        }
        Ok(())
    }

    fn schema(&mut self, element: Element<'a>) -> Fatal<Option<Schema<'a>>> {
        let (element, mut attrs) = split(element);
        let namespace = take(&mut attrs, "Namespace");
        let alias = take(&mut attrs, "Alias");
        self.unknown_attributes(&element, attrs);
        let mut entity_types = Vec::new();
        let mut complex_types = Vec::new();
        let mut enum_types = Vec::new();
        let mut type_definitions = Vec::new();
        let mut actions = Vec::new();
        let mut functions = Vec::new();
        let mut terms = Vec::new();
        let mut entity_containers = Vec::new();
        let mut annotation_blocks = Vec::new();
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            if child.ns != Ns::Edm {
                self.unknown(&child, &element)?;
                continue;
            }
            match child.local {
                "EntityType" => entity_types.extend(self.structured_type(child, StructuredKind::Entity)?),
                "ComplexType" => complex_types.extend(self.structured_type(child, StructuredKind::Complex)?),
                "EnumType" => enum_types.extend(self.enum_type(child)?),
                "TypeDefinition" => type_definitions.extend(self.type_definition(child)?),
                "Action" => actions.extend(self.operation(child, OperationKind::Action)?),
                "Function" => functions.extend(self.operation(child, OperationKind::Function)?),
                "Term" => terms.extend(self.term(child)?),
                "EntityContainer" => entity_containers.extend(self.entity_container(child)?),
                "Annotations" => annotation_blocks.extend(self.annotation_block(child)?),
                "Annotation" => self.gather_annotation(child)?,
                _ => self.unknown(&child, &element)?,
            }
        }
        let annotations = self.annotations_since(annotations_at);
        Ok(self.required(&element, "Namespace", namespace).map(|namespace| Schema {
            namespace,
            alias,
            entity_types: self.arena.alloc_slice_fill_iter(entity_types),
            complex_types: self.arena.alloc_slice_fill_iter(complex_types),
            enum_types: self.arena.alloc_slice_fill_iter(enum_types),
            type_definitions: self.arena.alloc_slice_fill_iter(type_definitions),
            actions: self.arena.alloc_slice_fill_iter(actions),
            functions: self.arena.alloc_slice_fill_iter(functions),
            terms: self.arena.alloc_slice_fill_iter(terms),
            entity_containers: self.arena.alloc_slice_fill_iter(entity_containers),
            annotation_blocks: self.arena.alloc_slice_fill_iter(annotation_blocks),
            annotations,
            span: element.span,
        }))
    }

    fn structured_type(&mut self, element: Element<'a>, kind: StructuredKind) -> Fatal<Option<StructuredType<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let base_type = take(&mut attrs, "BaseType");
        let is_abstract = take(&mut attrs, "Abstract");
        let open_type = take(&mut attrs, "OpenType");
        let has_stream = if kind == StructuredKind::Entity { take(&mut attrs, "HasStream") } else { None };
        self.unknown_attributes(&element, attrs);
        let mut key = None;
        let mut properties = std::mem::take(&mut self.spare.properties);
        let mut navigation_properties = std::mem::take(&mut self.spare.navigation_properties);
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            match (child.ns, child.local) {
                (Ns::Edm, "Property") => properties.extend(self.property(child)?),
                (Ns::Edm, "NavigationProperty") => navigation_properties.extend(self.navigation_property(child)?),
                (Ns::Edm, "Annotation") => self.gather_annotation(child)?,
                (Ns::Edm, "Key") if kind == StructuredKind::Entity => {
                    let parsed = self.key(child)?;
                    if key.is_some() {
                        self.error(codes::DUPLICATE_NAME, parsed.span, "a second <Key> in one entity type".into());
                    } else {
                        key = Some(parsed);
                    }
                }
                _ => self.unknown(&child, &element)?,
            }
        }
        let annotations = self.annotations_since(annotations_at);
        let properties = exact(self.arena, &mut self.spare.properties, properties);
        let navigation_properties = exact(self.arena, &mut self.spare.navigation_properties, navigation_properties);
        Ok(self.required(&element, "Name", name).map(|name| StructuredType {
            kind,
            name,
            base_type,
            is_abstract,
            open_type,
            has_stream,
            key,
            properties,
            navigation_properties,
            annotations,
            span: element.span,
        }))
    }

    fn key(&mut self, element: Element<'a>) -> Fatal<Key<'a>> {
        let (element, attrs) = split(element);
        self.unknown_attributes(&element, attrs);
        let mut property_refs = ArenaVec::new_in(self.arena);
        while let Some(child) = self.next_child(&element)? {
            if child.is(Ns::Edm, "PropertyRef") {
                let (child, mut attrs) = split(child);
                let name = take(&mut attrs, "Name");
                let alias = take(&mut attrs, "Alias");
                self.unknown_attributes(&child, attrs);
                self.skip_children(&child)?;
                if let Some(name) = self.required(&child, "Name", name) {
                    property_refs.push(PropertyRef { name, alias, span: child.span });
                }
            } else {
                self.unknown(&child, &element)?;
            }
        }
        Ok(Key { property_refs: property_refs.into_bump_slice(), span: element.span })
    }

    fn facets(&self, attrs: &mut Vec<Attr<'a>>) -> Facets<'a> {
        let nullable = take(attrs, "Nullable");
        if attrs.is_empty() {
            return Facets { nullable, others: None };
        }
        let others = OtherFacets {
            max_length: take(attrs, "MaxLength"),
            precision: take(attrs, "Precision"),
            scale: take(attrs, "Scale"),
            srid: take(attrs, "SRID"),
            unicode: take(attrs, "Unicode"),
        };
        let any = [&others.max_length, &others.precision, &others.scale, &others.srid, &others.unicode]
            .iter()
            .any(|facet| facet.is_some());
        Facets { nullable, others: any.then(|| &*self.arena.alloc(others)) }
    }

    /// Reads an `<Annotation>` child onto the annotation stack.
    fn gather_annotation(&mut self, element: Element<'a>) -> Fatal<()> {
        if let Some(annotation) = self.annotation(element)? {
            self.annotation_stack.push(annotation);
        }
        Ok(())
    }

    /// The annotations gathered since the stack was `start` long.
    fn annotations_since(&mut self, start: usize) -> &'a [Annotation<'a>] {
        self.arena.alloc_slice_fill_iter(self.annotation_stack.drain(start..))
    }

    /// Reads children that may only be annotations.
    fn annotations_only(&mut self, element: &Element<'a>) -> Fatal<&'a [Annotation<'a>]> {
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(element)? {
            if child.is(Ns::Edm, "Annotation") {
                self.gather_annotation(child)?;
            } else {
                self.unknown(&child, element)?;
            }
        }
        Ok(self.annotations_since(annotations_at))
    }

    fn property(&mut self, element: Element<'a>) -> Fatal<Option<Property<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let type_name = take(&mut attrs, "Type");
        let facets = self.facets(&mut attrs);
        let default_value = take(&mut attrs, "DefaultValue");
        self.unknown_attributes(&element, attrs);
        let annotations = self.annotations_only(&element)?;
        let name = self.required(&element, "Name", name);
        let type_name = self.required(&element, "Type", type_name);
        Ok(name.zip(type_name).map(|(name, type_name)| Property {
            name,
            type_name,
            facets,
            default_value,
            annotations,
            span: element.span,
        }))
    }

    fn navigation_property(&mut self, element: Element<'a>) -> Fatal<Option<NavigationProperty<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let type_name = take(&mut attrs, "Type");
        let nullable = take(&mut attrs, "Nullable");
        let partner = take(&mut attrs, "Partner");
        let contains_target = take(&mut attrs, "ContainsTarget");
        self.unknown_attributes(&element, attrs);
        let mut referential_constraints = ArenaVec::new_in(self.arena);
        let mut on_delete = None;
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            match (child.ns, child.local) {
                (Ns::Edm, "Annotation") => self.gather_annotation(child)?,
                (Ns::Edm, "ReferentialConstraint") => {
                    let (child, mut attrs) = split(child);
                    let property = take(&mut attrs, "Property");
                    let referenced = take(&mut attrs, "ReferencedProperty");
                    self.unknown_attributes(&child, attrs);
                    let child_annotations = self.annotations_only(&child)?;
                    let property = self.required(&child, "Property", property);
                    let referenced = self.required(&child, "ReferencedProperty", referenced);
                    if let Some((property, referenced_property)) = property.zip(referenced) {
                        referential_constraints.push(ReferentialConstraint {
                            property,
                            referenced_property,
                            annotations: child_annotations,
                            span: child.span,
                        });
                    }
                }
                (Ns::Edm, "OnDelete") => {
                    let (child, mut attrs) = split(child);
                    let action = take(&mut attrs, "Action");
                    self.unknown_attributes(&child, attrs);
                    self.annotations_only(&child)?;
                    on_delete = self.required(&child, "Action", action);
                }
                _ => self.unknown(&child, &element)?,
            }
        }
        let annotations = self.annotations_since(annotations_at);
        let name = self.required(&element, "Name", name);
        let type_name = self.required(&element, "Type", type_name);
        Ok(name.zip(type_name).map(|(name, type_name)| NavigationProperty {
            name,
            type_name,
            nullable,
            partner,
            contains_target,
            referential_constraints: referential_constraints.into_bump_slice(),
            on_delete,
            annotations,
            span: element.span,
        }))
    }

    fn enum_type(&mut self, element: Element<'a>) -> Fatal<Option<EnumType<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let underlying_type = take(&mut attrs, "UnderlyingType");
        let is_flags = take(&mut attrs, "IsFlags");
        self.unknown_attributes(&element, attrs);
        let mut members = std::mem::take(&mut self.spare.members);
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            match (child.ns, child.local) {
                (Ns::Edm, "Member") => {
                    let (child, mut attrs) = split(child);
                    let name = take(&mut attrs, "Name");
                    let value = take(&mut attrs, "Value");
                    self.unknown_attributes(&child, attrs);
                    let member_annotations = self.annotations_only(&child)?;
                    if let Some(name) = self.required(&child, "Name", name) {
                        members.push(EnumMember { name, value, annotations: member_annotations, span: child.span });
                    }
                }
                (Ns::Edm, "Annotation") => self.gather_annotation(child)?,
                _ => self.unknown(&child, &element)?,
            }
        }
        let annotations = self.annotations_since(annotations_at);
        let members = exact(self.arena, &mut self.spare.members, members);
        Ok(self.required(&element, "Name", name).map(|name| EnumType {
            name,
            underlying_type,
            is_flags,
            members,
            annotations,
            span: element.span,
        }))
    }

    fn type_definition(&mut self, element: Element<'a>) -> Fatal<Option<TypeDefinition<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let underlying_type = take(&mut attrs, "UnderlyingType");
        let facets = self.facets(&mut attrs);
        self.unknown_attributes(&element, attrs);
        let annotations = self.annotations_only(&element)?;
        let name = self.required(&element, "Name", name);
        let underlying_type = self.required(&element, "UnderlyingType", underlying_type);
        Ok(name.zip(underlying_type).map(|(name, underlying_type)| TypeDefinition {
            name,
            underlying_type,
            facets,
            annotations,
            span: element.span,
        }))
    }

    fn operation(&mut self, element: Element<'a>, kind: OperationKind) -> Fatal<Option<Operation<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let is_bound = take(&mut attrs, "IsBound");
        let is_composable = if kind == OperationKind::Function { take(&mut attrs, "IsComposable") } else { None };
        let entity_set_path = take(&mut attrs, "EntitySetPath");
        self.unknown_attributes(&element, attrs);
        let mut parameters = std::mem::take(&mut self.spare.parameters);
        let mut return_type: Option<ReturnType<'a>> = None;
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            match (child.ns, child.local) {
                (Ns::Edm, "Parameter") => {
                    let (child, mut attrs) = split(child);
                    let name = take(&mut attrs, "Name");
                    let type_name = take(&mut attrs, "Type");
                    let facets = self.facets(&mut attrs);
                    self.unknown_attributes(&child, attrs);
                    let parameter_annotations = self.annotations_only(&child)?;
                    let name = self.required(&child, "Name", name);
                    let type_name = self.required(&child, "Type", type_name);
                    if let Some((name, type_name)) = name.zip(type_name) {
                        parameters.push(Parameter {
                            name,
                            type_name,
                            facets,
                            annotations: parameter_annotations,
                            span: child.span,
                        });
                    }
                }
                (Ns::Edm, "ReturnType") => {
                    let (child, mut attrs) = split(child);
                    let type_name = take(&mut attrs, "Type");
                    let facets = self.facets(&mut attrs);
                    self.unknown_attributes(&child, attrs);
                    let return_annotations = self.annotations_only(&child)?;
                    if return_type.is_some() {
                        self.error(codes::DUPLICATE_NAME, child.span, "a second <ReturnType> in one operation".into());
                    } else if let Some(type_name) = self.required(&child, "Type", type_name) {
                        return_type =
                            Some(ReturnType { type_name, facets, annotations: return_annotations, span: child.span });
                    }
                }
                (Ns::Edm, "Annotation") => self.gather_annotation(child)?,
                _ => self.unknown(&child, &element)?,
            }
        }
        let annotations = self.annotations_since(annotations_at);
        let parameters = exact(self.arena, &mut self.spare.parameters, parameters);
        Ok(self.required(&element, "Name", name).map(|name| Operation {
            kind,
            name,
            is_bound,
            is_composable,
            entity_set_path,
            parameters,
            return_type,
            annotations,
            span: element.span,
        }))
    }

    fn term(&mut self, element: Element<'a>) -> Fatal<Option<Term<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let type_name = take(&mut attrs, "Type");
        let base_term = take(&mut attrs, "BaseTerm");
        let applies_to = take(&mut attrs, "AppliesTo");
        let default_value = take(&mut attrs, "DefaultValue");
        let facets = self.facets(&mut attrs);
        self.unknown_attributes(&element, attrs);
        let annotations = self.annotations_only(&element)?;
        let name = self.required(&element, "Name", name);
        let type_name = self.required(&element, "Type", type_name);
        Ok(name.zip(type_name).map(|(name, type_name)| Term {
            name,
            type_name,
            base_term,
            applies_to,
            default_value,
            facets,
            annotations,
            span: element.span,
        }))
    }

    fn entity_container(&mut self, element: Element<'a>) -> Fatal<Option<EntityContainer<'a>>> {
        let (element, mut attrs) = split(element);
        let name = take(&mut attrs, "Name");
        let extends = take(&mut attrs, "Extends");
        self.unknown_attributes(&element, attrs);
        let mut entity_sets = ArenaVec::new_in(self.arena);
        let mut singletons = ArenaVec::new_in(self.arena);
        let mut action_imports = ArenaVec::new_in(self.arena);
        let mut function_imports = ArenaVec::new_in(self.arena);
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            match (child.ns, child.local) {
                (Ns::Edm, "EntitySet") => {
                    let (child, mut attrs) = split(child);
                    let name = take(&mut attrs, "Name");
                    let entity_type = take(&mut attrs, "EntityType");
                    let include = take(&mut attrs, "IncludeInServiceDocument");
                    self.unknown_attributes(&child, attrs);
                    let (bindings, set_annotations) = self.bindings_and_annotations(&child)?;
                    let name = self.required(&child, "Name", name);
                    let entity_type = self.required(&child, "EntityType", entity_type);
                    if let Some((name, entity_type)) = name.zip(entity_type) {
                        entity_sets.push(EntitySet {
                            name,
                            entity_type,
                            include_in_service_document: include,
                            bindings,
                            annotations: set_annotations,
                            span: child.span,
                        });
                    }
                }
                (Ns::Edm, "Singleton") => {
                    let (child, mut attrs) = split(child);
                    let name = take(&mut attrs, "Name");
                    let type_name = take(&mut attrs, "Type");
                    let nullable = take(&mut attrs, "Nullable");
                    self.unknown_attributes(&child, attrs);
                    let (bindings, singleton_annotations) = self.bindings_and_annotations(&child)?;
                    let name = self.required(&child, "Name", name);
                    let type_name = self.required(&child, "Type", type_name);
                    if let Some((name, type_name)) = name.zip(type_name) {
                        singletons.push(Singleton {
                            name,
                            type_name,
                            nullable,
                            bindings,
                            annotations: singleton_annotations,
                            span: child.span,
                        });
                    }
                }
                (Ns::Edm, local @ ("ActionImport" | "FunctionImport")) => {
                    let is_action = local == "ActionImport";
                    let (child, mut attrs) = split(child);
                    let name = take(&mut attrs, "Name");
                    let operation_attr = if is_action { "Action" } else { "Function" };
                    let operation = take(&mut attrs, operation_attr);
                    let entity_set = take(&mut attrs, "EntitySet");
                    let include = if is_action { None } else { take(&mut attrs, "IncludeInServiceDocument") };
                    self.unknown_attributes(&child, attrs);
                    let import_annotations = self.annotations_only(&child)?;
                    let name = self.required(&child, "Name", name);
                    let operation = self.required(&child, operation_attr, operation);
                    if let Some((name, operation)) = name.zip(operation) {
                        let import = OperationImport {
                            name,
                            operation,
                            entity_set,
                            include_in_service_document: include,
                            annotations: import_annotations,
                            span: child.span,
                        };
                        if is_action { action_imports.push(import) } else { function_imports.push(import) }
                    }
                }
                (Ns::Edm, "Annotation") => self.gather_annotation(child)?,
                _ => self.unknown(&child, &element)?,
            }
        }
        let annotations = self.annotations_since(annotations_at);
        Ok(self.required(&element, "Name", name).map(|name| EntityContainer {
            name,
            extends,
            entity_sets: entity_sets.into_bump_slice(),
            singletons: singletons.into_bump_slice(),
            action_imports: action_imports.into_bump_slice(),
            function_imports: function_imports.into_bump_slice(),
            annotations,
            span: element.span,
        }))
    }

    fn bindings_and_annotations(
        &mut self,
        element: &Element<'a>,
    ) -> Fatal<(&'a [NavigationPropertyBinding<'a>], &'a [Annotation<'a>])> {
        let mut bindings = ArenaVec::new_in(self.arena);
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(element)? {
            match (child.ns, child.local) {
                (Ns::Edm, "NavigationPropertyBinding") => {
                    let (child, mut attrs) = split(child);
                    let path = take(&mut attrs, "Path");
                    let target = take(&mut attrs, "Target");
                    self.unknown_attributes(&child, attrs);
                    self.skip_children(&child)?;
                    let path = self.required(&child, "Path", path);
                    let target = self.required(&child, "Target", target);
                    if let Some((path, target)) = path.zip(target) {
                        bindings.push(NavigationPropertyBinding { path, target, span: child.span });
                    }
                }
                (Ns::Edm, "Annotation") => self.gather_annotation(child)?,
                _ => self.unknown(&child, element)?,
            }
        }
        let annotations = self.annotations_since(annotations_at);
        Ok((bindings.into_bump_slice(), annotations))
    }

    fn annotation_block(&mut self, element: Element<'a>) -> Fatal<Option<AnnotationBlock<'a>>> {
        let (element, mut attrs) = split(element);
        let target = take(&mut attrs, "Target");
        let qualifier = take(&mut attrs, "Qualifier");
        self.unknown_attributes(&element, attrs);
        let annotations = self.annotations_only(&element)?;
        Ok(self.required(&element, "Target", target).map(|target| AnnotationBlock {
            target,
            qualifier,
            annotations,
            span: element.span,
        }))
    }

    // ---- annotations and expressions ----

    /// An expression written as an attribute (`String="..."`, `Path="..."`), if any.
    fn attribute_expression(attrs: &mut Vec<Attr<'a>>) -> Option<Expr<'a>> {
        let index = attrs
            .iter()
            .position(|a| ConstantKind::from_name(a.name).is_some() || PathKind::from_name(a.name).is_some())?;
        let attr = attrs.swap_remove(index);
        Some(match ConstantKind::from_name(attr.name) {
            Some(kind) => Expr::Constant { kind, value: attr.value },
            None => Expr::Path { kind: PathKind::from_name(attr.name).unwrap_or(PathKind::Path), value: attr.value },
        })
    }

    fn annotation(&mut self, element: Element<'a>) -> Fatal<Option<Annotation<'a>>> {
        let (element, mut attrs) = split(element);
        let term = take(&mut attrs, "Term");
        let qualifier = take(&mut attrs, "Qualifier");
        let mut value = Self::attribute_expression(&mut attrs);
        self.unknown_attributes(&element, attrs);
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            if child.is(Ns::Edm, "Annotation") {
                self.gather_annotation(child)?;
            } else if let Some(expr) = self.expression(child, &element)? {
                self.set_value(&element, &mut value, expr);
            }
        }
        let annotations = self.annotations_since(annotations_at);
        Ok(self.required(&element, "Term", term).map(|term| Annotation {
            term,
            qualifier,
            value,
            annotations,
            span: element.span,
        }))
    }

    fn expr_span(&self, expr: &Expr<'a>) -> Span {
        match expr {
            Expr::Constant { value, .. } | Expr::Path { value, .. } => self.span_of(value),
            Expr::Record(record) => record.span,
            Expr::Collection { span, .. } | Expr::Null { span } => *span,
            Expr::Dynamic(dynamic) => dynamic.span,
        }
    }

    /// Stores an expression as the single value of an annotation or property value.
    fn set_value(&mut self, owner: &Element<'a>, value: &mut Option<Expr<'a>>, expr: Expr<'a>) {
        if value.is_some() {
            self.error(
                codes::INVALID_ATTRIBUTE_VALUE,
                self.expr_span(&expr),
                format!("<{}> has more than one value expression; the first one is kept", owner.qname),
            );
        } else {
            *value = Some(expr);
        }
    }

    /// An expression element; `None` (with a warning) for an element that is not one.
    fn expression(&mut self, element: Element<'a>, parent: &Element<'a>) -> Fatal<Option<Expr<'a>>> {
        if element.ns != Ns::Edm {
            self.unknown(&element, parent)?;
            return Ok(None);
        }
        if let Some(kind) = ConstantKind::from_name(element.local) {
            let value = self.text_content(&element)?;
            return Ok(Some(Expr::Constant { kind, value }));
        }
        if let Some(kind) = PathKind::from_name(element.local) {
            let value = self.text_content(&element)?;
            return Ok(Some(Expr::Path { kind, value }));
        }
        match element.local {
            "Record" => {
                let (element, mut attrs) = split(element);
                let type_name = take(&mut attrs, "Type");
                self.unknown_attributes(&element, attrs);
                let mut properties = ArenaVec::new_in(self.arena);
                let annotations_at = self.annotation_stack.len();
                while let Some(child) = self.next_child(&element)? {
                    match (child.ns, child.local) {
                        (Ns::Edm, "PropertyValue") => properties.extend(self.property_value(child)?),
                        (Ns::Edm, "Annotation") => self.gather_annotation(child)?,
                        _ => self.unknown(&child, &element)?,
                    }
                }
                let annotations = self.annotations_since(annotations_at);
                Ok(Some(Expr::Record(self.arena.alloc(Record {
                    type_name,
                    properties: properties.into_bump_slice(),
                    annotations,
                    span: element.span,
                }))))
            }
            "Collection" => {
                let (element, attrs) = split(element);
                self.unknown_attributes(&element, attrs);
                let mut items = ArenaVec::new_in(self.arena);
                while let Some(child) = self.next_child(&element)? {
                    items.extend(self.expression(child, &element)?);
                }
                Ok(Some(Expr::Collection { items: items.into_bump_slice(), span: element.span }))
            }
            "Null" => {
                let (element, attrs) = split(element);
                self.unknown_attributes(&element, attrs);
                self.annotations_only(&element)?;
                Ok(Some(Expr::Null { span: element.span }))
            }
            "Apply"
            | "Cast"
            | "If"
            | "IsOf"
            | "LabeledElement"
            | "LabeledElementReference"
            | "UrlRef"
            | "Not"
            | "And"
            | "Or"
            | "Eq"
            | "Ne"
            | "Gt"
            | "Ge"
            | "Lt"
            | "Le"
            | "Has"
            | "In"
            | "Add"
            | "Sub"
            | "Neg"
            | "Mul"
            | "Div"
            | "DivBy"
            | "Mod" => {
                let (element, attrs) = split(element);
                let attributes = self.arena.alloc_slice_fill_iter(attrs.into_iter().map(|a| (a.name, a.value)));
                let mut operands = ArenaVec::new_in(self.arena);
                let mut annotations = ArenaVec::new_in(self.arena);
                // Text as written, leading whitespace included (it names a label).
                while let Some(node) = self.next_node(&element, true)? {
                    match node {
                        Node::Element(child) if child.is(Ns::Edm, "Annotation") => {
                            annotations.extend(self.annotation(child)?);
                        }
                        Node::Element(child) => operands.extend(self.expression(child, &element)?),
                        // `<LabeledElementReference>Model.Name</...>` names its label as text.
                        Node::Text(text) if !text.value.trim().is_empty() => {
                            operands.push(Expr::Constant { kind: ConstantKind::String, value: text });
                        }
                        Node::Text(_) => {}
                    }
                }
                let dynamic = self.arena.alloc(Dynamic {
                    name: element.local,
                    attributes,
                    operands: operands.into_bump_slice(),
                    annotations: annotations.into_bump_slice(),
                    span: element.span,
                });
                Ok(Some(Expr::Dynamic(dynamic)))
            }
            _ => {
                self.unknown(&element, parent)?;
                Ok(None)
            }
        }
    }

    fn property_value(&mut self, element: Element<'a>) -> Fatal<Option<PropertyValue<'a>>> {
        let (element, mut attrs) = split(element);
        let property = take(&mut attrs, "Property");
        let mut value = Self::attribute_expression(&mut attrs);
        self.unknown_attributes(&element, attrs);
        let annotations_at = self.annotation_stack.len();
        while let Some(child) = self.next_child(&element)? {
            if child.is(Ns::Edm, "Annotation") {
                self.gather_annotation(child)?;
            } else if let Some(expr) = self.expression(child, &element)? {
                self.set_value(&element, &mut value, expr);
            }
        }
        let annotations = self.annotations_since(annotations_at);
        Ok(self.required(&element, "Property", property).map(|property| PropertyValue {
            property,
            value,
            annotations,
            span: element.span,
        }))
    }
}

/// The error for a root element that is not `edmx:Edmx` in the OData v4 namespace.
fn not_csdl(root: &Element<'_>) -> Diagnostic {
    let hint = match root.local.to_ascii_lowercase().as_str() {
        "html" => " (this is an HTML page, perhaps a sign-in or error page served instead of $metadata)",
        "edmx" => " (it is in an older EDMX namespace: OData v2/v3 metadata; only OData v4 CSDL is supported)",
        "feed" | "service" => " (this is an OData service document or Atom feed, not $metadata)",
        _ => "",
    };
    Diagnostic::error(
        codes::NOT_CSDL,
        root.span,
        format!(
            "the root element is <{}>; expected <edmx:Edmx> in namespace http://docs.oasis-open.org/odata/ns/edmx{hint}",
            root.qname
        ),
    )
}

/// Separates an element's attributes from the element, so parsers can take them one by one.
fn split(element: Element<'_>) -> (Element<'_>, Vec<Attr<'_>>) {
    let mut element = element;
    let attrs = std::mem::take(&mut element.attrs);
    (element, attrs)
}

/// Reads the attributes of a start tag as XML 1.0 writes them (`name = "value"` or with single
/// quotes, whitespace around `=`), by bytes: the same results and errors as quick-xml's
/// attribute iterator, which a reader that stops at the first error can do without.
struct AttributeCursor {
    /// Offset in the tag of the next byte to read.
    at: usize,
    /// Where the tag's content ends (before `/>` or `>`).
    end: usize,
}

impl AttributeCursor {
    /// The next attribute as the range of its name and the start and end of its raw value, all
    /// offsets in `tag`, as are the offsets errors carry.
    fn next(&mut self, tag: &[u8]) -> Result<Option<(std::ops::Range<usize>, usize, usize)>, AttrError> {
        let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let end = self.end;
        let skip_space = |mut at: usize| {
            while at < end && is_space(tag[at]) {
                at += 1;
            }
            at
        };
        let key_start = skip_space(self.at);
        if key_start == end {
            self.at = end;
            return Ok(None);
        }
        // The first byte belongs to the name whatever it is, as in quick-xml.
        let mut at = key_start + 1;
        while at < end && tag[at] != b'=' && !is_space(tag[at]) {
            at += 1;
        }
        let key = key_start..at;
        let at = skip_space(at);
        if at == end {
            return Err(AttrError::ExpectedEq(end));
        }
        if tag[at] != b'=' {
            return Err(AttrError::ExpectedEq(at));
        }
        let at = skip_space(at + 1);
        if at == end {
            return Err(AttrError::ExpectedValue(end));
        }
        let quote = tag[at];
        if quote != b'"' && quote != b'\'' {
            return Err(AttrError::UnquotedValue(at));
        }
        let value_start = at + 1;
        let Some(length) = memchr::memchr(quote, &tag[value_start..end]) else {
            return Err(AttrError::ExpectedQuote(end, quote));
        };
        let value_end = value_start + length;
        self.at = value_end + 1;
        Ok(Some((key, value_start, value_end)))
    }
}

/// Removes and returns the attribute with this name.
fn take<'a>(attrs: &mut Vec<Attr<'a>>, name: &str) -> Option<Text<'a>> {
    let index = attrs.iter().position(|a| same_name(a.name, name))?;
    Some(attrs.swap_remove(index).value)
}

/// Name equality for the short names of CSDL: length and first byte decide nearly every
/// comparison without a call to `memcmp`.
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().first() == b.as_bytes().first() && a == b
}

/// Attribute-value normalisation (XML 1.0 §3.3.3): literal tabs and line breaks become spaces,
/// then character and predefined entity references are decoded.
fn normalize_attribute(raw: &str) -> Result<Cow<'_, str>, quick_xml::escape::EscapeError> {
    let bytes = raw.as_bytes();
    // Names and short values byte by byte; descriptions (hundreds of bytes) with memchr.
    let special = if bytes.len() < 64 {
        bytes.iter().any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    } else {
        memchr::memchr3(b'&', b'\n', b'\r', bytes).is_some() || memchr::memchr(b'\t', bytes).is_some()
    };
    if !special {
        return Ok(Cow::Borrowed(raw));
    }
    let spaced = raw.replace("\r\n", " ").replace(['\t', '\n', '\r'], " ");
    Ok(Cow::Owned(quick_xml::escape::unescape(&spaced)?.into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What quick-xml's attribute iterator reads from a tag's content: each attribute as offsets
    /// into the content, up to and including the first error.
    fn quick_xml_attributes(content: &[u8], name_len: usize) -> Vec<Result<(usize, usize, usize, usize), String>> {
        let start = BytesStart::from_content(String::from_utf8_lossy(content).into_owned(), name_len);
        let base = start.as_ref().as_ptr() as usize;
        let mut found = Vec::new();
        for attribute in start.attributes().with_checks(false) {
            match attribute {
                Ok(attribute) => {
                    let key = attribute.key.into_inner();
                    let key_at = key.as_ptr() as usize - base;
                    let value_at = attribute.value.as_ptr() as usize - base;
                    found.push(Ok((key_at, key_at + key.len(), value_at, value_at + attribute.value.len())));
                }
                Err(e) => {
                    found.push(Err(e.to_string()));
                    break;
                }
            }
        }
        found
    }

    fn cursor_attributes(content: &[u8], name_len: usize) -> Vec<Result<(usize, usize, usize, usize), String>> {
        let mut cursor = AttributeCursor { at: name_len, end: content.len() };
        let mut found = Vec::new();
        loop {
            match cursor.next(content) {
                Ok(Some((key, value_start, value_end))) => found.push(Ok((key.start, key.end, value_start, value_end))),
                Ok(None) => break,
                Err(e) => {
                    found.push(Err(e.to_string()));
                    break;
                }
            }
        }
        found
    }

    #[test]
    fn attributes_are_read_as_quick_xml_reads_them() {
        let samples: &[&[u8]] = &[
            b"Property Name=\"id\" Type=\"Edm.String\" Nullable=\"false\"",
            b"Property Name = 'a'\tType\n=\r\n\"b\"  ",
            b"Property Name=\"a\"Type=\"b\"",
            b"Property Name",
            b"Property Name  ",
            b"Property Name x=\"1\"",
            b"Property Name=",
            b"Property Name=  ",
            b"Property Name=x",
            b"Property Name=\"open",
            b"Property Name='open\"",
            b"Property =\"1\"",
            b"Property ==\"1\" x",
            b"Property Name=\"a\" Name=\"b\"",
            b"Property Name=\"\xC3\xA9\" D=\"&amp;\"",
        ];
        for sample in samples {
            let name_len = sample.iter().position(|b| *b == b' ').unwrap_or(sample.len());
            assert_eq!(
                cursor_attributes(sample, name_len),
                quick_xml_attributes(sample, name_len),
                "{}",
                String::from_utf8_lossy(sample)
            );
        }
        // Every tag content of up to six bytes after the name, over the bytes that matter.
        let alphabet = b"a= \t\"'";
        let mut content = b"P".to_vec();
        let mut counters = Vec::new();
        loop {
            assert_eq!(
                cursor_attributes(&content, 1),
                quick_xml_attributes(&content, 1),
                "{:?}",
                String::from_utf8_lossy(&content)
            );
            // The next content, like counting in base 6.
            let mut digit = 0;
            loop {
                if digit == counters.len() {
                    if digit == 6 {
                        return;
                    }
                    counters.push(0);
                    content.push(alphabet[0]);
                    break;
                }
                counters[digit] += 1;
                if counters[digit] < alphabet.len() {
                    content[1 + digit] = alphabet[counters[digit]];
                    break;
                }
                counters[digit] = 0;
                content[1 + digit] = alphabet[0];
                digit += 1;
            }
        }
    }

    #[test]
    fn long_attribute_lists_are_read_as_quick_xml_reads_them() {
        // Longer tags than the exhaustive test reaches, over more bytes (control characters
        // that are not XML whitespace included), from a fixed-seed xorshift generator.
        let alphabet = b"aN=  \t\r\n\"'&\x01\x0b/x";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let length = (next() % 48) as usize;
            let mut content = b"Property ".to_vec();
            content.extend((0..length).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]));
            assert_eq!(
                cursor_attributes(&content, 8),
                quick_xml_attributes(&content, 8),
                "{:?}",
                String::from_utf8_lossy(&content)
            );
        }
        // Well-formed lists of many attributes, with long names and values.
        for count in 0..40 {
            let mut content = b"Annotation".to_vec();
            for i in 0..count {
                content.extend(
                    format!(
                        " {}Attribute{i}{}=\"{}\"",
                        "Long".repeat(i % 5),
                        if i % 3 == 0 { " " } else { "" },
                        "v".repeat(i * 7)
                    )
                    .bytes(),
                );
            }
            assert_eq!(cursor_attributes(&content, 10), quick_xml_attributes(&content, 10));
        }
    }
}
