/// How a function parameter is written as an OData URL literal.
#[allow(dead_code)]
pub(crate) enum Literal {
    /// `'text'`, quotes doubled inside: strings and enum members.
    Quoted,
    /// As it is: numbers, booleans, dates, times, GUIDs.
    Bare,
    /// `duration'P1D'`.
    Duration,
    /// `binary'AQID'`.
    Binary,
    /// `Namespace.Type'member'`: an enum member with its qualified type.
    Enum(&'static str),
    /// JSON: collections and structured values.
    Json,
}
/// Appends the call of the function `name` to `path`, its parameters passed as aliases
/// (`name(a=@a,b=@b)`, then `?@a=<literal>&@b=<literal>`), and returns the aliases'
/// values. A parameter without a value (an optional one not set) is left out of both.
#[allow(dead_code)]
pub(crate) fn function_call(
    path: &mut ::std::string::String,
    name: &str,
    parameters: impl ::std::iter::IntoIterator<
        Item = (&'static str, ::std::option::Option<::std::string::String>),
    >,
) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
    let aliases: ::std::vec::Vec<(&'static str, ::std::string::String)> = parameters
        .into_iter()
        .filter_map(|(alias, value)| value.map(|value| (alias, value)))
        .collect();
    path.push('/');
    path.push_str(name);
    path.push('(');
    for (i, (alias, _)) in aliases.iter().enumerate() {
        if i > 0 {
            path.push(',');
        }
        path.push_str(&alias[1..]);
        path.push('=');
        path.push_str(alias);
    }
    path.push(')');
    aliases
}
/// Writes a parameter's JSON value as an OData URL literal for a parameter alias.
#[allow(dead_code)]
pub(crate) fn url_literal(
    value: &::serde_json::Value,
    style: Literal,
) -> ::std::string::String {
    match (style, value) {
        (_, ::serde_json::Value::Null) => "null".to_owned(),
        (Literal::Quoted, ::serde_json::Value::String(text)) => {
            format!("'{}'", text.replace('\'', "''"))
        }
        (Literal::Bare, ::serde_json::Value::String(text)) => text.clone(),
        (Literal::Duration, ::serde_json::Value::String(text)) => {
            format!("duration'{text}'")
        }
        (Literal::Binary, ::serde_json::Value::String(text)) => format!("binary'{text}'"),
        (Literal::Enum(ty), ::serde_json::Value::String(text)) => {
            format!("{ty}'{}'", text.replace('\'', "''"))
        }
        (_, other) => other.to_string(),
    }
}
