//! The lexical forms of CSDL attribute values, as the OASIS EDM XML schemas (`edm.xsd` of
//! CSDL 4.0 errata 03 and of CSDL 4.01) and the CSDL XML prose define them.
//!
//! - Booleans (`Nullable`, `Abstract`, `IsFlags`, ...) are `xs:boolean`: after the XML Schema
//!   whitespace collapse, `true`, `false`, `1` or `0`. The prose says "one of the Boolean
//!   literals `true` or `false`", so `1` and `0` are told apart as [`Boolean::Numeric`].
//! - `MaxLength`, `Precision`, `Scale` and `SRID` numbers are `xs:nonNegativeInteger`: an
//!   optional `+` (or `-` before a zero), decimal digits, surrounding whitespace collapsed.
//! - Enum member values are `xs:long`: an optional sign and decimal digits.
//! - Symbolic facet values (`max`, `variable`, `floating`) are enumerations of `xs:string`: no
//!   whitespace, lower case; only `Scale` has exceptions ([`scale_keyword`]).

/// XML whitespace, which the XML Schema `whiteSpace="collapse"` facet strips around a value.
const XML_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

/// An `xs:boolean` attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boolean {
    /// `true` or `false`.
    Literal(bool),
    /// `1` or `0`: valid XML Schema, but not how CSDL writes a boolean.
    Numeric(bool),
    Invalid,
}

pub fn boolean(text: &str) -> Boolean {
    match text.trim_matches(XML_WHITESPACE) {
        "true" => Boolean::Literal(true),
        "false" => Boolean::Literal(false),
        "1" => Boolean::Numeric(true),
        "0" => Boolean::Numeric(false),
        _ => Boolean::Invalid,
    }
}

/// An `xs:nonNegativeInteger` or `xs:long` attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integer<T> {
    Value(T),
    /// A valid integer that does not fit the type (`u64` or `i64`).
    OutOfRange,
    Invalid,
}

/// An `xs:nonNegativeInteger`: `+5`, `007`, `-0` and ` 12 ` are valid; `-1`, `1.0`, `1e3` and
/// the empty string are not.
pub fn non_negative_integer(text: &str) -> Integer<u64> {
    let text = text.trim_matches(XML_WHITESPACE);
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'+') => (false, &text[1..]),
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Integer::Invalid;
    }
    if negative {
        // Only zero may carry a minus sign.
        return if digits.bytes().all(|b| b == b'0') { Integer::Value(0) } else { Integer::Invalid };
    }
    match digits.parse::<u64>() {
        Ok(n) => Integer::Value(n),
        Err(_) => Integer::OutOfRange,
    }
}

/// An `xs:long`: an optional `+` or `-` and decimal digits.
pub fn long(text: &str) -> Integer<i64> {
    let text = text.trim_matches(XML_WHITESPACE);
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Integer::Invalid;
    }
    match text.parse::<i64>() {
        Ok(n) => Integer::Value(n),
        Err(_) => Integer::OutOfRange,
    }
}

/// A symbolic `Scale` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleKeyword {
    Variable,
    Floating,
}

/// The symbolic `Scale` values. CSDL 4.01 §7.2.4: "Services SHOULD use lower-case values;
/// clients SHOULD accept values in a case-insensitive manner", so a 4.01 document may spell them
/// in any case. The grammar of CSDL 4.0 (`edm.xsd` 4.0, `TScaleFacet`) has only `variable`;
/// `Variable` is accepted too, because CSDL 4.0 documents write it so (it is the spelling of the
/// TC's ODATA-288 and of Microsoft's OData library, which Microsoft Graph used). `floating` is
/// returned for a 4.0 document as well, for the caller to report as a 4.01 value.
pub fn scale_keyword(text: &str, csdl_40: bool) -> Option<ScaleKeyword> {
    if csdl_40 {
        match text {
            "variable" | "Variable" => Some(ScaleKeyword::Variable),
            "floating" => Some(ScaleKeyword::Floating),
            _ => None,
        }
    } else if text.eq_ignore_ascii_case("variable") {
        Some(ScaleKeyword::Variable)
    } else if text.eq_ignore_ascii_case("floating") {
        Some(ScaleKeyword::Floating)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        assert_eq!(boolean("true"), Boolean::Literal(true));
        assert_eq!(boolean("false"), Boolean::Literal(false));
        assert_eq!(boolean(" false "), Boolean::Literal(false));
        assert_eq!(boolean("1"), Boolean::Numeric(true));
        assert_eq!(boolean("0"), Boolean::Numeric(false));
        for invalid in ["True", "FALSE", "yes", "", "maybe", "01"] {
            assert_eq!(boolean(invalid), Boolean::Invalid, "{invalid:?}");
        }
    }

    #[test]
    fn non_negative_integers() {
        assert_eq!(non_negative_integer("0"), Integer::Value(0));
        assert_eq!(non_negative_integer("4326"), Integer::Value(4326));
        assert_eq!(non_negative_integer("+5"), Integer::Value(5));
        assert_eq!(non_negative_integer("007"), Integer::Value(7));
        assert_eq!(non_negative_integer("-0"), Integer::Value(0));
        assert_eq!(non_negative_integer(" 12 "), Integer::Value(12));
        assert_eq!(non_negative_integer("18446744073709551615"), Integer::Value(u64::MAX));
        assert_eq!(non_negative_integer("18446744073709551616"), Integer::OutOfRange);
        for invalid in ["", "-1", "+", "-", "1.0", "1e3", "0x10", "max", "1 2", "+-1", "١"] {
            assert_eq!(non_negative_integer(invalid), Integer::Invalid, "{invalid:?}");
        }
    }

    #[test]
    fn longs() {
        assert_eq!(long("-1"), Integer::Value(-1));
        assert_eq!(long("+8"), Integer::Value(8));
        assert_eq!(long(" 3 "), Integer::Value(3));
        assert_eq!(long("-9223372036854775808"), Integer::Value(i64::MIN));
        assert_eq!(long("9223372036854775808"), Integer::OutOfRange);
        assert_eq!(long("-99999999999999999999999"), Integer::OutOfRange);
        for invalid in ["", "-", "1.5", "one", "0x1", "--1"] {
            assert_eq!(long(invalid), Integer::Invalid, "{invalid:?}");
        }
    }

    #[test]
    fn scale_keywords() {
        use ScaleKeyword::*;
        for (text, in_40, in_401) in [
            ("variable", Some(Variable), Some(Variable)),
            ("Variable", Some(Variable), Some(Variable)),
            ("VARIABLE", None, Some(Variable)),
            ("floating", Some(Floating), Some(Floating)),
            ("Floating", None, Some(Floating)),
            (" variable", None, None),
            ("var", None, None),
            ("2", None, None),
        ] {
            assert_eq!(scale_keyword(text, true), in_40, "{text:?} in 4.0");
            assert_eq!(scale_keyword(text, false), in_401, "{text:?} in 4.01");
        }
    }
}
