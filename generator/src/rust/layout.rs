//! Line breaking for source printed straight from the plan, laid out exactly as prettyplease
//! lays out the same syntax, without building tokens and parsing them back.
//!
//! The printer is Oppen's: text, breaks, and boxes that either fit on the line or break
//! (a consistent box breaks all its breaks, an inconsistent one only those whose next chunk
//! does not fit). Margin, indent and minimum space are prettyplease's. Because an item is laid
//! out whole, sizes are computed in one pass over it instead of with a bounded look-ahead; the
//! decisions are the same (a look-ahead only gives up on what is already too long).

const MARGIN: isize = 89;
pub(super) const INDENT: isize = 4;
const MIN_SPACE: isize = 60;
/// The width of a break that must break.
const HARD: usize = 0xffff;

#[derive(Clone, Copy)]
struct Break {
    offset: isize,
    blank: usize,
    /// Printed before the line break when it breaks (a trailing comma).
    pre_break: Option<char>,
    /// Printed after the line break when it breaks (the `}` of a match arm's braces).
    post_break: Option<&'static str>,
    /// Printed when it does not break (the `,` after a match arm); not counted in sizes.
    no_break: Option<char>,
    if_nonempty: bool,
    never: bool,
}

const BREAK: Break =
    Break { offset: 0, blank: 0, pre_break: None, post_break: None, no_break: None, if_nonempty: false, never: false };

#[derive(Clone, Copy)]
enum Token {
    /// A range of `Layout::text`.
    Text(u32, u32),
    Break(Break),
    Begin {
        offset: isize,
        consistent: bool,
    },
    End,
    /// prettyplease's `end_with_max_width`: when the box being closed is wider than this, an
    /// empty text of unbounded size, which breaks the box and every box around it.
    MaxWidth(isize),
}

#[derive(Clone, Copy)]
enum Frame {
    Fits,
    Broken { indent: usize, consistent: bool },
}

/// One item's tokens, then its text.
#[derive(Default)]
pub(super) struct Layout {
    text: String,
    tokens: Vec<Token>,
}

impl Layout {
    pub fn word(&mut self, word: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(word);
        self.tokens.push(Token::Text(start, self.text.len() as u32));
    }

    /// Text built in place: `f` appends to the buffer.
    pub fn word_with(&mut self, f: impl FnOnce(&mut String)) {
        let start = self.text.len() as u32;
        f(&mut self.text);
        self.tokens.push(Token::Text(start, self.text.len() as u32));
    }

    pub fn cbox(&mut self, offset: isize) {
        self.tokens.push(Token::Begin { offset, consistent: true });
    }

    pub fn ibox(&mut self, offset: isize) {
        self.tokens.push(Token::Begin { offset, consistent: false });
    }

    pub fn end(&mut self) {
        // A box that holds only a break is dropped with it, and a break that applies only
        // to a non-empty box goes when the box ends right after it.
        if let Some(Token::Break(b)) = self.tokens.last().copied() {
            if let Some(Token::Begin { .. }) = self.tokens.len().checked_sub(2).map(|i| self.tokens[i]) {
                self.tokens.truncate(self.tokens.len() - 2);
                return;
            }
            if b.if_nonempty {
                self.tokens.pop();
            }
        }
        self.tokens.push(Token::End);
    }

    fn brk(&mut self, b: Break) {
        self.tokens.push(Token::Break(b));
    }

    pub fn space(&mut self) {
        self.brk(Break { blank: 1, ..BREAK });
    }

    pub fn zerobreak(&mut self) {
        self.brk(BREAK);
    }

    pub fn hardbreak(&mut self) {
        self.brk(Break { blank: HARD, ..BREAK });
    }

    pub fn hardbreak_if_nonempty(&mut self) {
        self.brk(Break { blank: HARD, if_nonempty: true, ..BREAK });
    }

    pub fn neverbreak(&mut self) {
        self.brk(Break { never: true, ..BREAK });
    }

    /// A comma between items, or after the last one only when the list breaks.
    pub fn trailing_comma(&mut self, last: bool) {
        if last {
            self.brk(Break { pre_break: Some(','), ..BREAK });
        } else {
            self.word(",");
            self.space();
        }
    }

    /// A space between a brace and what follows, dropped when the box ends right after it.
    pub fn space_if_nonempty(&mut self) {
        self.brk(Break { blank: 1, if_nonempty: true, ..BREAK });
    }

    /// A comma and a space between items; after the last one a space, or a comma when the
    /// list breaks.
    pub fn trailing_comma_or_space(&mut self, last: bool) {
        if last {
            self.brk(Break { blank: 1, pre_break: Some(','), ..BREAK });
        } else {
            self.word(",");
            self.space();
        }
    }

    /// Ends a box that must break when it is wider than `max` (a struct literal's, whatever
    /// room the line has). The boxes it ends are never empty.
    pub fn end_with_max_width(&mut self, max: isize) {
        self.tokens.push(Token::MaxWidth(max));
        self.tokens.push(Token::End);
    }

    /// Shifts the indentation after the last break (used before closing a box).
    pub fn offset(&mut self, offset: isize) {
        if let Some(Token::Break(b)) = self.tokens.last_mut() {
            b.offset += offset;
        }
    }

    /// Lays the tokens out and appends the text to `out`.
    pub fn print(&self, out: &mut String) {
        self.print_at(out, 0);
    }

    /// Lays the tokens out as items `base` columns deep (inside modules or an impl block)
    /// and appends the text to `out`.
    pub fn print_at(&self, out: &mut String, base: usize) {
        let sizes = self.sizes();
        let mut indent = base;
        // As after the line break before the item.
        let mut space = (MARGIN - base as isize).max(MIN_SPACE);
        let mut pending: usize = base;
        let mut frames: Vec<Frame> = Vec::new();
        for (token, size) in self.tokens.iter().zip(sizes) {
            match *token {
                Token::Text(start, end) => {
                    let text = &self.text[start as usize..end as usize];
                    push_spaces(out, pending);
                    pending = 0;
                    out.push_str(text);
                    space -= text.len() as isize;
                }
                Token::Begin { offset, consistent } => {
                    if size > space {
                        frames.push(Frame::Broken { indent, consistent });
                        indent = (indent as isize + offset).max(0) as usize;
                    } else {
                        frames.push(Frame::Fits);
                    }
                }
                Token::End => {
                    if let Some(Frame::Broken { indent: outer, .. }) = frames.pop() {
                        indent = outer;
                    }
                }
                // Printed as the empty text it is, when it was put in.
                Token::MaxWidth(_) if size > 0 => {
                    push_spaces(out, pending);
                    pending = 0;
                }
                Token::MaxWidth(_) => {}
                Token::Break(b) => {
                    let top = frames.last().copied().unwrap_or(Frame::Broken { indent: base, consistent: false });
                    let fits = b.never
                        || match top {
                            Frame::Fits => true,
                            Frame::Broken { consistent: true, .. } => false,
                            Frame::Broken { consistent: false, .. } => size <= space,
                        };
                    if fits {
                        pending += b.blank;
                        space -= b.blank as isize;
                        if let Some(c) = b.no_break {
                            out.push(c);
                            space -= 1;
                        }
                    } else {
                        if let Some(c) = b.pre_break {
                            push_spaces(out, pending);
                            out.push(c);
                        }
                        out.push('\n');
                        let line_indent = indent as isize + b.offset;
                        pending = line_indent.max(0) as usize;
                        space = (MARGIN - line_indent).max(MIN_SPACE);
                        if let Some(text) = b.post_break {
                            push_spaces(out, pending);
                            pending = 0;
                            out.push_str(text);
                            space -= text.len() as isize;
                        }
                    }
                }
            }
        }
    }

    /// The size of each token: a text's length; a break's width plus what follows it up to the
    /// next break of its box or an outer one; a box's length up to the first break after it.
    fn sizes(&self) -> Vec<isize> {
        let mut sizes = vec![0isize; self.tokens.len()];
        let mut total: isize = 0;
        // Open boxes, and the last break of each box not yet measured.
        let mut stack: Vec<usize> = Vec::new();
        // Where each open box began, for `MaxWidth`.
        let mut begins: Vec<isize> = Vec::new();
        let resolve = |stack: &mut Vec<usize>, sizes: &mut Vec<isize>, total: isize, tokens: &[Token]| {
            let mut depth = 0usize;
            while let Some(&index) = stack.last() {
                match tokens[index] {
                    Token::Begin { .. } => {
                        if depth == 0 {
                            break;
                        }
                        stack.pop();
                        sizes[index] += total;
                        depth -= 1;
                    }
                    Token::End => {
                        stack.pop();
                        sizes[index] = 1;
                        depth += 1;
                    }
                    _ => {
                        stack.pop();
                        sizes[index] += total;
                        if depth == 0 {
                            break;
                        }
                    }
                }
            }
        };
        for (index, token) in self.tokens.iter().enumerate() {
            match *token {
                Token::Text(start, end) => {
                    sizes[index] = (end - start) as isize;
                    total += (end - start) as isize;
                }
                Token::Begin { .. } => {
                    sizes[index] = -total;
                    stack.push(index);
                    begins.push(total);
                }
                Token::End => {
                    sizes[index] = -1;
                    stack.push(index);
                    begins.pop();
                }
                Token::MaxWidth(max) => {
                    if begins.last().is_some_and(|begin| total - begin > max) {
                        sizes[index] = HARD as isize;
                        total += HARD as isize;
                    }
                }
                Token::Break(b) => {
                    resolve(&mut stack, &mut sizes, total, &self.tokens);
                    sizes[index] = -total;
                    stack.push(index);
                    total += b.blank as isize;
                }
            }
        }
        // The end of the item measures what is still open, as a last break would.
        while !stack.is_empty() {
            resolve(&mut stack, &mut sizes, total, &self.tokens);
            if let Some(&index) = stack.last() {
                if matches!(self.tokens[index], Token::Begin { .. }) {
                    stack.pop();
                    sizes[index] += total;
                }
            }
        }
        sizes
    }
}

/// Appends `count` spaces (an indent, or blanks held back until text follows them).
pub(super) fn push_spaces(out: &mut String, count: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = count;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        left -= n;
    }
}

/// Whether prettyplease counts a word as a keyword between macro tokens.
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "yield"
    )
}

/// A Rust string literal for `text`, escaped as `proc_macro2` writes one.
pub(super) fn string_literal(out: &mut String, text: &str) {
    out.push('"');
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\0' if chars.as_str().starts_with(|next: char| next.is_ascii_digit() && next <= '7') => {
                out.push_str("\\x00")
            }
            '\0' => out.push_str("\\0"),
            '\'' => out.push('\''),
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('"');
}

/// Syntax laid out as prettyplease lays it out (its `attr`, `path`, `item_struct`, `signature`
/// and `stmt`), for the shapes the printed items use.
impl Layout {
    /// `/// line` for each line of the documentation, split at its line breaks.
    pub fn docs(&mut self, lines: &[String]) {
        for line in lines.iter().flat_map(|l| l.split('\n')) {
            self.word("///");
            let line = line.trim_end().trim_end_matches(' ');
            if !line.is_empty() {
                self.word_with(|out| {
                    out.push(' ');
                    out.push_str(line);
                });
            }
            self.hardbreak();
        }
    }

    /// `#[name]`.
    pub fn attr_word(&mut self, name: &str) {
        self.word("#[");
        self.word(name);
        self.word("]");
        self.space();
    }

    /// `#[name(arg, key = "value", …)]`: one line when it fits, else one argument per line.
    pub fn attr_list(&mut self, name: &str, args: &[Arg<'_>]) {
        self.word("#[");
        self.word(name);
        self.word("(");
        self.cbox(INDENT);
        self.zerobreak();
        for (i, arg) in args.iter().enumerate() {
            match arg {
                Arg::Word(word) => self.word(word),
                Arg::Str(key, value) => {
                    self.word(key);
                    self.word(" = ");
                    self.word_with(|out| string_literal(out, value));
                }
            }
            if i + 1 < args.len() {
                self.word(",");
                self.space();
            }
        }
        self.zerobreak();
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.word("]");
        self.space();
    }

    /// A type path such as `crate::odata::Nullable<::std::vec::Vec<crate::models::X>>`, whose
    /// generic arguments break inside their angle brackets.
    pub fn ty(&mut self, ty: &str) {
        let mut rest = ty;
        while let Some(at) = rest.find(['<', '>', ',']) {
            if at > 0 {
                self.word(&rest[..at]);
            }
            match rest.as_bytes()[at] {
                b'<' => {
                    self.word("<");
                    self.cbox(INDENT);
                    self.zerobreak();
                }
                b'>' => {
                    self.trailing_comma(true);
                    self.offset(-INDENT);
                    self.end();
                    self.word(">");
                }
                _ => self.trailing_comma(false),
            }
            rest = rest[at + 1..].trim_start();
        }
        if !rest.is_empty() {
            self.word(rest);
        }
    }

    /// The head of an inherent impl block, `impl Name {`; close it with [`Layout::close_block`].
    pub fn impl_head(&mut self, name: &str) {
        self.cbox(INDENT);
        self.ibox(-INDENT);
        self.cbox(INDENT);
        self.word("impl");
        self.end();
        self.word(" ");
        self.word(name);
        self.end();
        self.word(" ");
        self.word("{");
        self.hardbreak_if_nonempty();
    }

    /// The head of a trait impl block, `impl<generics> path::Trait for Name {`; close it with
    /// [`Layout::close_block`].
    pub fn trait_impl_head(&mut self, generics: &[&str], trait_path: &str, name: &str) {
        self.cbox(INDENT);
        self.ibox(-INDENT);
        self.cbox(INDENT);
        self.word("impl");
        if !generics.is_empty() {
            self.word("<");
            self.cbox(0);
            self.zerobreak();
            for (i, generic) in generics.iter().enumerate() {
                self.word(generic);
                self.trailing_comma(i + 1 == generics.len());
            }
            self.offset(-INDENT);
            self.end();
            self.word(">");
        }
        self.end();
        self.word(" ");
        self.ty(trait_path);
        self.space();
        self.word("for ");
        self.word(name);
        self.end();
        self.word(" ");
        self.word("{");
        self.hardbreak_if_nonempty();
    }

    /// `pub struct Name {`; close it with [`Layout::close_block`].
    pub fn struct_head(&mut self, name: &str) {
        self.cbox(INDENT);
        self.word("pub ");
        self.word("struct ");
        self.word(name);
        self.word(" ");
        self.word("{");
        self.hardbreak_if_nonempty();
    }

    /// `pub enum Name {`; close it with [`Layout::close_block`].
    pub fn enum_head(&mut self, name: &str) {
        self.cbox(INDENT);
        self.word("pub ");
        self.word("enum ");
        self.word(name);
        self.word(" ");
        self.word("{");
        self.hardbreak_if_nonempty();
    }

    /// `Name(Type),` in an enum.
    pub fn tuple_variant(&mut self, name: &str, ty: &str) {
        self.word(name);
        self.cbox(INDENT);
        self.word("(");
        self.zerobreak();
        self.ty(ty);
        self.trailing_comma(true);
        self.offset(-INDENT);
        self.word(")");
        self.end();
        self.word(",");
        self.hardbreak();
    }

    /// `pub struct Name(pub Type);`.
    pub fn tuple_struct(&mut self, name: &str, ty: &str) {
        self.cbox(INDENT);
        self.word("pub ");
        self.word("struct ");
        self.word(name);
        self.word("(");
        self.zerobreak();
        self.word("pub ");
        self.ty(ty);
        self.trailing_comma(true);
        self.offset(-INDENT);
        self.word(")");
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `pub const NAME: Type = value;`, the value written by `value`.
    pub fn const_item(&mut self, name: &str, ty: &str, value: impl FnOnce(&mut Self)) {
        self.const_with("pub ", name, ty, value);
    }

    /// `const NAME: Type = value;` in a trait impl, the value written by `value`.
    pub fn assoc_const(&mut self, name: &str, ty: &str, value: impl FnOnce(&mut Self)) {
        self.const_with("", name, ty, value);
    }

    fn const_with(&mut self, vis: &str, name: &str, ty: &str, value: impl FnOnce(&mut Self)) {
        self.cbox(0);
        if !vis.is_empty() {
            self.word(vis);
        }
        self.word("const ");
        self.word(name);
        self.word(": ");
        self.word(ty);
        self.word(" = ");
        self.neverbreak();
        value(self);
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `&self.field` or `&mut self.field` (`prefix`): a field access, which breaks before the
    /// `.` when it does not fit.
    pub fn self_field_ref(&mut self, prefix: &str, field: &str) {
        self.word(prefix);
        self.cbox(INDENT);
        self.word("self");
        self.zerobreak();
        self.word(".");
        self.word(field);
        self.end();
    }

    /// `["a", "b"]`: an array of string literals, one per line when it does not fit.
    pub fn array(&mut self, strings: &[String]) {
        if strings.is_empty() {
            self.word("[]");
            return;
        }
        self.word("[");
        self.cbox(INDENT);
        self.zerobreak();
        for (index, text) in strings.iter().enumerate() {
            self.word_with(|out| string_literal(out, text));
            self.trailing_comma(index + 1 == strings.len());
        }
        self.offset(-INDENT);
        self.end();
        self.word("]");
    }

    /// `pub type Name = Type;`.
    pub fn type_alias(&mut self, name: &str, ty: &str) {
        self.cbox(INDENT);
        self.word("pub ");
        self.word("type ");
        self.word(name);
        self.word(" ");
        self.word("= ");
        self.neverbreak();
        self.ibox(-INDENT);
        self.ty(ty);
        self.end();
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `pub struct Name;`.
    pub fn unit_struct(&mut self, name: &str) {
        self.cbox(INDENT);
        self.word("pub ");
        self.word("struct ");
        self.word(name);
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `pub fn name() -> Property<T> { Property::new("wire") }`.
    pub fn property_fn(&mut self, name: &str, ty: &str, wire: &str) {
        self.fn_head(name, |_| {}, ty);
        self.ibox(0);
        self.word("Property::new");
        self.word("(");
        self.cbox(INDENT);
        self.zerobreak();
        self.word_with(|out| string_literal(out, wire));
        self.trailing_comma(true);
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.end();
        self.hardbreak();
        self.close_block();
    }

    /// `pub fn name(parameters) -> returns {`, the parameters written by `parameters` (each
    /// followed by `trailing_comma`); close it with [`Layout::close_block`].
    fn fn_head(&mut self, name: &str, parameters: impl FnOnce(&mut Self), returns: &str) {
        self.fn_head_with("pub ", name, parameters, returns);
    }

    /// [`Layout::fn_head`] with the visibility `vis` (`""` in a trait impl).
    pub fn fn_head_with(&mut self, vis: &str, name: &str, parameters: impl FnOnce(&mut Self), returns: &str) {
        self.cbox(INDENT);
        if !vis.is_empty() {
            self.word(vis);
        }
        self.word("fn ");
        self.word(name);
        self.word("(");
        self.neverbreak();
        self.cbox(0);
        self.zerobreak();
        parameters(self);
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.cbox(-INDENT);
        self.word(" -> ");
        self.ty(returns);
        self.end();
        self.word(" ");
        self.word("{");
        self.hardbreak_if_nonempty();
    }

    /// `type Name = Type;` in a trait impl.
    pub fn associated_type(&mut self, name: &str, ty: &str) {
        self.cbox(INDENT);
        self.word("type ");
        self.word(name);
        self.word(" = ");
        self.neverbreak();
        self.ibox(-INDENT);
        self.ty(ty);
        self.end();
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `pub name: Type,` in a struct.
    pub fn field(&mut self, name: &str, ty: &str) {
        self.word("pub ");
        self.word(name);
        self.word(": ");
        self.ty(ty);
        self.word(",");
        self.hardbreak();
    }

    /// `}` of a struct, an impl block or a function.
    pub fn close_block(&mut self) {
        self.offset(-INDENT);
        self.end();
        self.word("}");
        self.hardbreak();
    }

    /// `pub fn name(mut self, value: impl Into<T>) -> Self { self.place = …; self }`: a chainable
    /// setter of the field at `place` (see [`Layout::assign_value_into`]).
    pub fn setter(&mut self, name: &str, value: &str, place: &[&str], wrap: Option<&str>) {
        let value = format!("impl ::std::convert::Into<{value}>");
        self.chainable(name, &[("value", &value)], |l| l.assign_value_into(place, wrap));
    }

    /// `self.field = value.into();` (`self.a.b = …` for the fields `["a", "b"]`), or with the
    /// value wrapped in `wrap` (a path such as `::std::option::Option::Some`).
    pub fn assign_value_into(&mut self, fields: &[&str], wrap: Option<&str>) {
        self.assign_to_self(fields, |l| match wrap {
            Some(wrap) => l.call(wrap, |l| l.method_into("value")),
            None => l.method_into("value"),
        });
    }

    /// `self.a.b = …;` for the fields `["a", "b"]`, the value written by `value`.
    pub fn assign_to_self(&mut self, fields: &[&str], value: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.ibox(0);
        self.cbox(INDENT);
        self.word("self");
        for field in fields {
            self.zerobreak();
            self.word(".");
            self.word(field);
        }
        self.end();
        self.word(" = ");
        self.neverbreak();
        value(self);
        self.end();
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `receiver.into()`, a method call.
    fn method_into(&mut self, receiver: &str) {
        self.method_call(&[receiver], "into", false, &[]);
    }

    /// `a.b.method(arguments)`: a method call on the field chain `receiver` (`["self", "query"]`)
    /// with arguments that are words (paths, literals) or, for `x.as_ref()`, [`Argument`]s.
    /// At the start of a statement (`beginning_of_line`) prettyplease keeps a name of up to
    /// four letters joined to what follows it.
    pub fn method_call(&mut self, receiver: &[&str], method: &str, beginning_of_line: bool, arguments: &[Argument]) {
        let short = |name: &str| name.len() <= INDENT as usize;
        self.cbox(INDENT);
        self.word(receiver[0]);
        for (index, field) in receiver[1..].iter().enumerate() {
            if !(beginning_of_line && index == 0 && short(receiver[0])) {
                self.zerobreak();
            }
            self.word(".");
            self.word(field);
        }
        let short_receiver = receiver.len() == 1 && short(receiver[0]);
        if !(beginning_of_line && short_receiver) {
            self.zerobreak();
        }
        self.word(".");
        self.word(method);
        self.cbox(if beginning_of_line && short_receiver { -INDENT } else { 0 });
        self.word("(");
        self.cbox(INDENT);
        self.zerobreak();
        for (index, argument) in arguments.iter().enumerate() {
            match argument {
                Argument::Word(word) => self.word(word),
                Argument::AsRef(name) => self.method_call(&[name], "as_ref", false, &[]),
                Argument::SelfFieldRef(field) => self.self_field_ref("&", field),
            }
            self.trailing_comma(index + 1 == arguments.len());
        }
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.end();
        self.end();
    }

    /// `pub fn name(mut self, parameters) -> Self { statements self }`: a chainable method. Each
    /// parameter is `(name, type)`.
    pub fn chainable(&mut self, name: &str, parameters: &[(&str, &str)], statements: impl FnOnce(&mut Self)) {
        let parameters = |l: &mut Self| {
            l.word("mut ");
            l.word("self");
            for (name, ty) in parameters {
                l.trailing_comma(false);
                l.word(name);
                l.word(": ");
                l.ty(ty);
            }
            l.trailing_comma(true);
        };
        self.fn_head(name, parameters, "Self");
        statements(self);
        self.tail("self");
        self.close_block();
    }

    /// A statement that is a method call on a field chain of `self` (see [`Layout::method_call`]).
    pub fn call_statement(&mut self, receiver: &[&str], method: &str, arguments: &[Argument]) {
        self.ibox(0);
        self.method_call(receiver, method, true, arguments);
        self.word(";");
        self.end();
        self.hardbreak();
    }

    /// `match scrutinee {` (a path); each arm follows with [`Layout::match_arm`], then
    /// [`Layout::match_end`].
    pub fn match_head(&mut self, scrutinee: &str) {
        self.ibox(0);
        self.word("match ");
        self.cbox(0);
        self.word(scrutinee);
        self.word(" ");
        self.end();
        self.word("{");
        self.neverbreak();
        self.cbox(INDENT);
        self.hardbreak_if_nonempty();
    }

    /// `pattern => body,`: the body (an expression that is not a block) written by `body`,
    /// put in braces on its own line when the arm does not fit. The pattern does not break.
    pub fn match_arm(&mut self, pattern: &str, body: impl FnOnce(&mut Self)) {
        self.match_arm_with(|l| l.word(pattern), body);
    }

    /// `Path(binding) => body,`: [`Layout::match_arm`] with a tuple struct pattern, which
    /// breaks inside its parentheses when it does not fit.
    pub fn match_tuple_arm(&mut self, path: &str, binding: &str, body: impl FnOnce(&mut Self)) {
        let pattern = |l: &mut Self| {
            l.word(path);
            l.word("(");
            l.cbox(INDENT);
            l.zerobreak();
            l.word(binding);
            l.trailing_comma(true);
            l.offset(-INDENT);
            l.end();
            l.word(")");
        };
        self.match_arm_with(pattern, body);
    }

    /// [`Layout::match_arm`] with the pattern written by `pattern`.
    pub fn match_arm_with(&mut self, pattern: impl FnOnce(&mut Self), body: impl FnOnce(&mut Self)) {
        self.ibox(0);
        pattern(self);
        self.word(" => ");
        self.neverbreak();
        self.cbox(INDENT);
        self.brk(Break { pre_break: Some('{'), ..BREAK });
        body(self);
        self.brk(Break { offset: -INDENT, post_break: Some("}"), no_break: Some(','), ..BREAK });
        self.end();
        self.end();
        self.hardbreak();
    }

    /// `|parameter| body`: a closure of one parameter whose body (a call, not a block) is
    /// written by `body`.
    pub fn closure(&mut self, parameter: &str, body: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.cbox(INDENT);
        self.word("|");
        self.zerobreak();
        self.word(parameter);
        self.word("|");
        self.space();
        self.offset(-INDENT);
        self.end();
        self.neverbreak();
        body(self);
        self.end();
    }

    /// The `}` of a `match`.
    pub fn match_end(&mut self) {
        self.offset(-INDENT);
        self.end();
        self.word("}");
        self.end();
    }

    /// `path(arguments)`: a call whose arguments are written by `arguments`, each but the last
    /// followed by `trailing_comma(false)`.
    pub fn call(&mut self, path: &str, arguments: impl FnOnce(&mut Self)) {
        self.word(path);
        self.word("(");
        self.cbox(INDENT);
        self.zerobreak();
        arguments(self);
        self.trailing_comma(true);
        self.offset(-INDENT);
        self.end();
        self.word(")");
    }

    /// `path!(tokens)`: a macro prettyplease does not parse (it formats `format!` only with its
    /// `verbatim` feature), printed token by token as its `mac` prints one.
    pub fn macro_call(&mut self, path: &str, tokens: proc_macro2::TokenStream) {
        self.word(path);
        self.word("!(");
        if !tokens.is_empty() {
            self.cbox(INDENT);
            self.zerobreak();
            self.ibox(0);
            self.macro_tokens(tokens);
            self.end();
            self.zerobreak();
            self.offset(-INDENT);
            self.end();
        }
        self.word(")");
    }

    /// Tokens with prettyplease's spacing between them (its `macro_rules_tokens` outside a
    /// matcher): a space where two words would run together, a break before each `.`.
    fn macro_tokens(&mut self, tokens: proc_macro2::TokenStream) {
        use proc_macro2::{Delimiter, Spacing, TokenTree};
        #[derive(PartialEq)]
        enum State {
            Start,
            Dollar,
            DollarCrate,
            DollarParen,
            DollarParenSep,
            Pound,
            PoundBang,
            Dot,
            Colon,
            Colon2,
            Ident,
            IdentBang,
            Delim,
            Other,
        }
        use State::*;
        let mut state = Start;
        let mut previous_is_joint = true;
        for tree in tokens {
            let (needs_space, next) = match (&state, &tree) {
                (Dollar, TokenTree::Ident(ident)) if ident == "crate" => (false, DollarCrate),
                (Dollar, TokenTree::Ident(_)) => (false, Other),
                (DollarParen, TokenTree::Punct(p))
                    if matches!(p.as_char(), '+' | '*' | '?') && p.spacing() == Spacing::Alone =>
                {
                    (false, Other)
                }
                (DollarParen, TokenTree::Ident(_) | TokenTree::Literal(_)) => (false, DollarParenSep),
                (DollarParen, TokenTree::Punct(p)) if p.spacing() == Spacing::Joint => (false, DollarParen),
                (DollarParen, TokenTree::Punct(_)) => (false, DollarParenSep),
                (DollarParenSep, TokenTree::Punct(p)) if matches!(p.as_char(), '+' | '*') => (false, Other),
                (Pound, TokenTree::Punct(p)) if p.as_char() == '!' => (false, PoundBang),
                (Dollar, TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => (false, DollarParen),
                (Pound | PoundBang, TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => (false, Other),
                (Ident, TokenTree::Group(g))
                    if matches!(g.delimiter(), Delimiter::Parenthesis | Delimiter::Bracket) =>
                {
                    (false, Delim)
                }
                (Ident, TokenTree::Punct(p)) if p.as_char() == '!' && p.spacing() == Spacing::Alone => {
                    (false, IdentBang)
                }
                (IdentBang, TokenTree::Group(g))
                    if matches!(g.delimiter(), Delimiter::Parenthesis | Delimiter::Bracket) =>
                {
                    (false, Other)
                }
                (Colon, TokenTree::Punct(p)) if p.as_char() == ':' => (false, Colon2),
                (_, TokenTree::Group(g)) if matches!(g.delimiter(), Delimiter::Parenthesis | Delimiter::Bracket) => {
                    (true, Delim)
                }
                (_, TokenTree::Group(_)) => (true, Other),
                (_, TokenTree::Ident(ident)) if !is_keyword(&ident.to_string()) => {
                    (state != Dot && state != Colon2, Ident)
                }
                (_, TokenTree::Literal(literal)) if literal.to_string().ends_with('.') => (state != Dot, Other),
                (_, TokenTree::Literal(_)) => (state != Dot, Ident),
                (_, TokenTree::Punct(p)) if matches!(p.as_char(), ',' | ';') => (false, Other),
                (_, TokenTree::Punct(p)) if p.as_char() == '.' => (state != Ident && state != Delim, Dot),
                (_, TokenTree::Punct(p)) if p.as_char() == ':' && p.spacing() == Spacing::Joint => {
                    (state != Ident && state != DollarCrate, Colon)
                }
                (_, TokenTree::Punct(p)) if p.as_char() == '$' => (true, Dollar),
                (_, TokenTree::Punct(p)) if p.as_char() == '#' => (true, Pound),
                (_, _) => (true, Other),
            };
            if !previous_is_joint {
                if needs_space {
                    self.space();
                } else if matches!(&tree, TokenTree::Punct(p) if p.as_char() == '.') {
                    self.zerobreak();
                }
            }
            previous_is_joint =
                matches!(&tree, TokenTree::Punct(p) if p.spacing() == Spacing::Joint || p.as_char() == '$');
            match tree {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    self.word(open);
                    let stream = group.stream();
                    if !stream.is_empty() {
                        let brace = group.delimiter() == Delimiter::Brace;
                        if brace {
                            self.space();
                        }
                        self.macro_tokens(stream);
                        if brace {
                            self.space();
                        }
                    }
                    self.word(close);
                }
                TokenTree::Punct(punct) => self.word(punct.as_char().encode_utf8(&mut [0; 4])),
                other => self.word(&other.to_string()),
            }
            state = next;
        }
    }

    /// `pub fn new(parameters) -> Self { Self { fields } }`, documented by `doc`: an operation's
    /// constructor.
    pub fn constructor(&mut self, doc: &str, parameters: &[Parameter], fields: &[(String, Init)]) {
        self.docs(&[doc.to_owned()]);
        let parameters = |l: &mut Self| {
            for (index, parameter) in parameters.iter().enumerate() {
                l.word(&parameter.name);
                l.word(": ");
                if parameter.into {
                    l.word("impl ");
                    l.ty(&format!("::std::convert::Into<{}>", parameter.ty));
                } else {
                    l.ty(&parameter.ty);
                }
                l.trailing_comma(index + 1 == parameters.len());
            }
        };
        self.fn_head("new", parameters, "Self");
        self.tail_with(|l| l.struct_literal("Self", fields));
        self.close_block();
    }

    /// `path { field: value, … }`, as prettyplease's `expr_struct`.
    fn struct_literal(&mut self, path: &str, fields: &[(String, Init)]) {
        self.cbox(INDENT);
        self.ibox(-INDENT);
        self.word(path);
        self.end();
        self.word(" {");
        self.space_if_nonempty();
        for (index, (name, init)) in fields.iter().enumerate() {
            self.word(name);
            if !matches!(init, Init::Shorthand) {
                self.word(": ");
                self.ibox(0);
                self.init(init);
                self.end();
            }
            self.trailing_comma_or_space(index + 1 == fields.len());
        }
        self.offset(-INDENT);
        self.end_with_max_width(34);
        self.word("}");
    }

    fn init(&mut self, init: &Init) {
        match init {
            Init::Shorthand => {}
            Init::Into(receiver) => self.method_into(receiver),
            Init::Call(path) => {
                self.word(path);
                self.word("()");
            }
            Init::Path(path) => self.word(path),
            Init::Wrapped(path, receiver) => self.call(path, |l| l.method_into(receiver)),
            Init::Struct(path, fields) => self.struct_literal(path, fields),
        }
    }

    /// `let name = value;`, the value written by `value`.
    pub fn let_statement(&mut self, name: &str, value: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.word("let ");
        self.word(name);
        self.word(" = ");
        self.neverbreak();
        value(self);
        self.end();
        self.word(";");
        self.hardbreak();
    }

    /// `{ statements }` as a value (prettyplease's `expr_block`), the statements written by
    /// `statements`, each ending in a line break.
    pub fn block(&mut self, statements: impl FnOnce(&mut Self)) {
        self.cbox(INDENT);
        self.word("{");
        self.space();
        statements(self);
        self.offset(-INDENT);
        self.word("}");
        self.end();
    }

    /// `{ expr }` as a value: a block of one expression, written by `expr`.
    pub fn block_of_expr(&mut self, expr: impl FnOnce(&mut Self)) {
        self.cbox(INDENT);
        self.word("{");
        self.space();
        self.ibox(0);
        expr(self);
        self.end();
        self.space();
        self.offset(-INDENT);
        self.word("}");
        self.end();
    }

    /// `if condition { statements }`, the condition a method call on a field chain (a word
    /// that never needs to break) and the statements written by `statements`, each ending in a
    /// line break.
    pub fn if_statement(&mut self, condition: &str, statements: impl FnOnce(&mut Self)) {
        self.ibox(0);
        self.cbox(INDENT);
        self.word("if ");
        self.cbox(-INDENT);
        self.cbox(0);
        self.word(condition);
        self.space();
        self.end();
        self.end();
        self.word("{");
        self.hardbreak();
        statements(self);
        self.offset(-INDENT);
        self.word("}");
        self.end();
        self.end();
        self.hardbreak();
    }

    /// `.field` on the receiver before it, in the box of a field or method call chain.
    pub fn field_on_chain(&mut self, field: &str) {
        self.zerobreak();
        self.word(".");
        self.word(field);
    }

    /// `.method(arguments)` on the receiver before it, in the box of a method call chain: the
    /// chain breaks before each `.` when it does not fit. The arguments are words.
    pub fn method_on_chain(&mut self, method: &str, arguments: &[&str]) {
        self.zerobreak();
        self.word(".");
        self.word(method);
        self.cbox(0);
        self.word("(");
        self.cbox(INDENT);
        self.zerobreak();
        for (index, argument) in arguments.iter().enumerate() {
            self.word(argument);
            self.trailing_comma(index + 1 == arguments.len());
        }
        self.offset(-INDENT);
        self.end();
        self.word(")");
        self.end();
    }

    /// A block's last expression, written by `expr`.
    pub fn tail_with(&mut self, expr: impl FnOnce(&mut Self)) {
        self.ibox(0);
        expr(self);
        self.end();
        self.hardbreak();
    }

    /// A block's last expression, a path such as `self`.
    pub fn tail(&mut self, expr: &str) {
        self.tail_with(|l| l.word(expr));
    }
}

/// A parameter of a constructor: `name: impl ::std::convert::Into<ty>`, or `name: ty`.
pub(super) struct Parameter {
    pub name: String,
    pub ty: String,
    pub into: bool,
}

/// An argument of [`Layout::method_call`].
pub(super) enum Argument<'a> {
    /// A path or a literal, written as it is.
    Word(&'a str),
    /// `name.as_ref()`.
    AsRef(&'a str),
    /// `&self.field`.
    SelfFieldRef(&'a str),
}

/// The value of a field in a struct literal.
pub(super) enum Init {
    /// The field's name alone: a variable of that name.
    Shorthand,
    /// `receiver.into()`.
    Into(String),
    /// A call without arguments: `crate::odata::QueryOptions::default()`.
    Call(String),
    /// A path: `::std::option::Option::None`.
    Path(String),
    /// `path(receiver.into())`: `::std::option::Option::Some(x.into())`.
    Wrapped(String, String),
    /// A struct literal: its path and fields.
    Struct(String, Vec<(String, Init)>),
}

/// An argument of an attribute list.
pub(super) enum Arg<'a> {
    /// `default`, `flatten`.
    Word(&'a str),
    /// `key = "value"`.
    Str(&'a str, &'a str),
}

/// The text of a type built as tokens (`crate::odata::Nullable<::std::string::String>`).
pub(super) fn type_text(tokens: &proc_macro2::TokenStream) -> String {
    use proc_macro2::TokenTree;
    let mut out = String::new();
    let mut after_word = false;
    for tree in tokens.clone() {
        match tree {
            TokenTree::Ident(ident) => {
                if after_word {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
                after_word = true;
            }
            TokenTree::Punct(punct) => {
                out.push(punct.as_char());
                if punct.as_char() == ',' {
                    out.push(' ');
                }
                after_word = false;
            }
            other => {
                out.push_str(&other.to_string());
                after_word = true;
            }
        }
    }
    out
}

#[cfg(test)]
/// `member`, printed as a member of an impl block `depth` modules deep, is a fixed point of
/// prettyplease: wrapped in its modules and impl block, parsed and printed again, it is the
/// same text.
pub(super) fn assert_laid_out_as_prettyplease(depth: usize, member: &str) {
    let mut file = String::new();
    for level in 0..depth {
        file.push_str(&" ".repeat(level * INDENT as usize));
        file.push_str("mod m {\n");
    }
    file.push_str(&" ".repeat(depth * INDENT as usize));
    file.push_str("impl M {\n");
    file.push_str(member);
    file.push_str(&" ".repeat(depth * INDENT as usize));
    file.push_str("}\n");
    for level in (0..depth).rev() {
        file.push_str(&" ".repeat(level * INDENT as usize));
        file.push_str("}\n");
    }
    let again = prettyplease::unparse(&syn::parse_file(&file).expect("the printed text parses"));
    assert_eq!(again, file, "laid out otherwise than prettyplease lays it out");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constructor(depth: usize, parameters: &[(&str, &str, bool)], fields: Vec<(String, Init)>) -> String {
        let parameters: Vec<Parameter> = parameters
            .iter()
            .map(|(name, ty, into)| Parameter { name: (*name).to_owned(), ty: (*ty).to_owned(), into: *into })
            .collect();
        let mut l = Layout::default();
        l.cbox(0);
        l.constructor("The operation.", &parameters, &fields);
        l.end();
        let mut out = String::new();
        l.print_at(&mut out, (depth + 1) * INDENT as usize);
        out
    }

    fn field(name: &str, init: Init) -> (String, Init) {
        (name.to_owned(), init)
    }

    #[test]
    fn macros_are_laid_out_as_prettyplease_lays_them_out() {
        let long = "microsoft.graph.cloudCertificationAuthorityCertificateKeySize'{}'";
        let calls = [
            quote::quote!("'{}'", self.as_ref().replace('\'', "''")),
            quote::quote!(#long, self.as_ref().replace('\'', "''")),
            quote::quote!("({key})"),
            quote::quote!("(a={},b={})", key0, key1),
            quote::quote!("{}", crate::odata::key_text(&self.0), x as u8, [1, 2], { y }),
            quote::quote!(),
        ];
        for depth in [0, 1, 5, 9, 14] {
            for tokens in &calls {
                let mut l = Layout::default();
                l.cbox(0);
                l.fn_head("f", |_| {}, "String");
                l.tail_with(|l| l.macro_call("format", tokens.clone()));
                l.close_block();
                l.end();
                let mut out = String::new();
                l.print_at(&mut out, (depth + 1) * INDENT as usize);
                assert!(out.contains("format!("), "{out}");
                assert_laid_out_as_prettyplease(depth, &out);
            }
        }
    }

    #[test]
    fn constructors_are_laid_out_as_prettyplease_lays_them_out() {
        let headers = || field("headers", Init::Call("::std::default::Default::default".to_owned()));
        let short = |depth| {
            constructor(
                depth,
                &[("a", "A", true), ("b", "B", false)],
                vec![field("a", Init::Into("a".to_owned())), field("b", Init::Shorthand)],
            )
        };
        for depth in [0, 1, 4, 12] {
            // Narrower than 34 columns: stays on one line.
            let printed = short(depth);
            assert!(printed.contains("Self { a: a.into(), b }"), "{printed}");
            assert_laid_out_as_prettyplease(depth, &printed);
            assert_laid_out_as_prettyplease(depth, &constructor(depth, &[], vec![headers()]));
            let long = "cloud_certification_authority_leaf_certificate_id";
            let nested = Init::Struct(
                "RevokeLeafCertificateBySerialNumberParameters".to_owned(),
                vec![
                    field(long, Init::Wrapped("::std::option::Option::Some".to_owned(), long.to_owned())),
                    field("x", Init::Path("::std::option::Option::None".to_owned())),
                ],
            );
            let printed = constructor(
                depth,
                &[(long, "crate::ids::CloudCertificationAuthorityLeafCertificateId", true)],
                vec![
                    field(long, Init::Into(long.to_owned())),
                    field("body", nested),
                    field("small", Init::Struct("S".to_owned(), vec![field("x", Init::Into("x".to_owned()))])),
                    field("query", Init::Call("crate::odata::QueryOptions::default".to_owned())),
                    headers(),
                ],
            );
            assert_laid_out_as_prettyplease(depth, &printed);
        }
    }
}
