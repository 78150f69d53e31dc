//! What to generate and from what: the selection configuration (`metadata/cloudpki.toml`).
//!
//! Relative paths in a configuration are relative to the directory of the configuration file,
//! so the same file works from any working directory.

use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The file the configuration was read from (for messages and the lock file).
    pub path: PathBuf,
    /// The CSDL document to read.
    pub input: PathBuf,
    /// Where `input` came from, for messages (`` `input` in metadata/x.toml ``, `--csdl`).
    pub input_origin: String,
    /// The folder the crate is written to.
    pub output: PathBuf,
    pub krate: CrateInfo,
    pub service: Service,
    pub select: Select,
    /// The configuration text, for the lock file's digest.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateInfo {
    pub name: String,
    pub version: String,
    pub description: String,
    /// How the models implement `Serialize` and `Deserialize`: `derive` (the default) or
    /// `compact`.
    #[serde(default)]
    pub serde: SerdeImpls,
}

/// How the models implement `Serialize` and `Deserialize`. Both read and write the same JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SerdeImpls {
    /// serde's derives with `#[serde(...)]` attributes on every field: the code a reader
    /// expects, compiled per struct.
    #[default]
    Derive,
    /// A table of member names and one `match` of setters per struct, over a map loop and a
    /// writer shared by every struct (`odata::model_serde`): a large crate checks in about half
    /// the memory and a third of the time.
    Compact,
}

/// The service the crate talks to, and how it speaks OData. Every key may be left out: the
/// defaults are the OData specifications'.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// `odata` (the default: the OData 4.0/4.01 specifications) or `graph` (Microsoft Graph:
    /// its named deployments, `client-request-id`, `ConsistencyLevel`, key-as-segment, bound
    /// operations by their unqualified name).
    #[serde(default)]
    pub profile: Profile,
    /// The URL path segment after the deployment's host (`beta`, `v1.0`; Graph), empty when the
    /// service root URL already names the service.
    #[serde(default)]
    pub version: String,
    /// Types in this namespace get plain Rust names; types of other namespaces are prefixed
    /// with their last namespace segment (`microsoft.graph.security.alert` → `SecurityAlert`).
    /// By default, the namespace of the entity container.
    #[serde(default)]
    pub namespace: Option<String>,
    /// How keys are written in URLs: `parentheses` (`Books('a')`, `Chapters(book=1,number=2)`)
    /// or `segment` (`Books/a`). By default `segment` for Graph, `parentheses` otherwise.
    #[serde(default)]
    pub keys: Option<KeySyntax>,
    /// Response headers that carry the service's id for a call, first match wins (kept in
    /// errors). By default `request-id` for Graph; `request-id`, `x-request-id` and
    /// `x-correlation-id` otherwise.
    #[serde(default)]
    pub request_id_headers: Option<Vec<String>>,
    /// Send `Edm.Int64` and `Edm.Decimal` values as JSON strings and ask for them so
    /// (`IEEE754Compatible=true` in `Accept` and `Content-Type`, OData JSON Format §3.2), for
    /// services whose JSON numbers are 64-bit floats. Off by default: numbers are sent as numbers
    /// (a Decimal with more digits than a float keeps is always sent as a string). Either way,
    /// responses decode from both.
    #[serde(default)]
    pub ieee754_compatible: bool,
}

impl Default for Service {
    fn default() -> Service {
        Service {
            profile: Profile::OData,
            version: String::new(),
            namespace: None,
            keys: None,
            request_id_headers: None,
            ieee754_compatible: false,
        }
    }
}

impl Service {
    pub fn key_syntax(&self) -> KeySyntax {
        self.keys.unwrap_or(match self.profile {
            Profile::Graph => KeySyntax::Segment,
            Profile::OData => KeySyntax::Parentheses,
        })
    }

    pub fn is_graph(&self) -> bool {
        self.profile == Profile::Graph
    }

    /// The request-id headers, lower case, as configured or by the profile's default.
    pub fn request_id_headers(&self) -> Vec<String> {
        match &self.request_id_headers {
            Some(names) => names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            None if self.is_graph() => vec!["request-id".to_owned()],
            None => ["request-id", "x-request-id", "x-correlation-id"].map(str::to_owned).to_vec(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    #[default]
    #[serde(rename = "odata")]
    OData,
    Graph,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeySyntax {
    Parentheses,
    Segment,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// Qualified names of the entity and complex types to generate; everything they need
    /// (base types, property types, enums) comes with them.
    #[serde(default)]
    pub types: Vec<String>,
    /// Resource paths to generate, as patterns in the style of Kiota's include paths: `/**`
    /// (everything), `/Books/**` (a subtree), `/Books/*` (one level), `/lend` (an import). Key
    /// segments (`{id}`) may be written and are ignored. Their entity types are selected, and
    /// their operations follow from the kind of resource and its Capabilities annotations.
    #[serde(default)]
    pub include: Vec<String>,
    /// Patterns of paths to leave out of `include`.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Also generate every action and function bound to a selected type or a collection of it.
    #[serde(default)]
    pub bound_operations: Option<bool>,
    /// Resource paths to generate operations for.
    #[serde(default)]
    pub paths: Vec<PathConfig>,
    /// Action and function imports of the entity container to generate: `true` for all, or
    /// their names (`["lend", "booksByGenre"]`).
    #[serde(default)]
    pub imports: AllOrNamed,
    /// Types derived from the selected ones to generate as well, so that a value typed with a
    /// base type decodes into its concrete type (dispatched on `@odata.type`): `true` for every
    /// type derived from a type the selection uses, or their qualified names. Derived types
    /// listed in `types` are in either way.
    #[serde(default)]
    pub derived_types: AllOrNamed,
}

impl Select {
    /// Whether to generate the bound operations: as configured, and by default when `include`
    /// patterns select the paths.
    pub fn bound_operations(&self) -> bool {
        self.bound_operations.unwrap_or(!self.include.is_empty())
    }

    /// Whether a resource path (`Books/chapters`, or an import's name) matches an `include`
    /// pattern and no `exclude` pattern.
    pub fn included(&self, path: &str) -> bool {
        let matches = |pattern: &String| path_matches(pattern, path);
        self.include.iter().any(matches) && !self.exclude.iter().any(matches)
    }
}

/// Whether `path` (`Books/chapters`) matches a pattern such as `/Books/**`: `**` stands for any
/// number of segments, `*` for one; key segments (`{id}`) in the pattern are ignored.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    fn matches(pattern: &[&str], path: &[&str]) -> bool {
        match pattern.split_first() {
            None => path.is_empty(),
            Some((&"**", rest)) => (0..=path.len()).any(|skip| matches(rest, &path[skip..])),
            Some((&"*", rest)) => !path.is_empty() && matches(rest, &path[1..]),
            Some((first, rest)) => path.first() == Some(first) && matches(rest, &path[1..]),
        }
    }
    let pattern: Vec<&str> =
        pattern.split('/').filter(|s| !(s.is_empty() || s.starts_with('{') && s.ends_with('}'))).collect();
    let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    matches(&pattern, &path)
}

/// `true` (all), `false` (none, the default), or a list of names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AllOrNamed {
    All(bool),
    Named(Vec<String>),
}

impl Default for AllOrNamed {
    fn default() -> AllOrNamed {
        AllOrNamed::All(false)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PathConfig {
    /// An entity set or singleton, then navigation properties, separated by `/`
    /// (`deviceManagement/cloudCertificationAuthority`).
    pub path: String,
    /// Which of `list`, `get`, `create`, `update`, `delete` to generate for it.
    pub operations: Vec<CrudOperation>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrudOperation {
    List,
    Get,
    Create,
    Update,
    Delete,
}

/// The file as written, before paths are resolved.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    input: PathBuf,
    output: PathBuf,
    #[serde(rename = "crate")]
    krate: CrateInfo,
    #[serde(default)]
    service: Service,
    select: Select,
}

/// A configuration that cannot be read, with the file and, for syntax errors, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// Line and column (1-based) of a syntax or type error.
    pub location: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.location {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.path.display(), self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The lock file beside the configuration (`metadata/cloudpki.lock`).
    pub fn lock_path(&self) -> PathBuf {
        self.path.with_extension("lock")
    }

    /// Reads another document than the configured one.
    pub fn override_input(&mut self, input: PathBuf, origin: &str) {
        self.input = input;
        self.input_origin = origin.to_owned();
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_owned(),
            location: None,
            message: format!("cannot read the configuration: {e}"),
        })?;
        Config::parse(path, &text)
    }

    /// Parses configuration text as if read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let error = |message: String| ConfigError { path: path.to_owned(), location: None, message };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let location = e.span().map(|span| {
                let before = &text[..span.start.min(text.len())];
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().unwrap_or_default().chars().count() + 1;
                (line, column)
            });
            ConfigError { path: path.to_owned(), location, message: with_suggestion(e.message().trim()) }
        })?;
        if raw.select.types.is_empty() && raw.select.include.is_empty() {
            return Err(error(
                "`[select]` selects nothing: give `include` path patterns (`include = [\"/**\"]`) or `types`".into(),
            ));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Config {
            path: path.to_owned(),
            input: base.join(raw.input),
            input_origin: format!("`input` in {}", path.display()),
            output: base.join(raw.output),
            krate: raw.krate,
            service: raw.service,
            select: raw.select,
            text: text.to_owned(),
        })
    }
}

/// serde's "unknown field `versoin`, expected `version` or `namespace`", with the nearest
/// expected name added.
fn with_suggestion(message: &str) -> String {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let unknown = message.starts_with("unknown field") || message.starts_with("unknown variant");
    match quoted.split_first() {
        Some((word, expected)) if unknown => match did_you_mean(word, expected.iter().copied()) {
            Some(hint) => format!("{message} ({hint})"),
            None => message.to_owned(),
        },
        _ => message.to_owned(),
    }
}

/// "did you mean `x`?" for the candidates closest to `word` (ignoring case; at most a third of
/// its letters off), or `None` when nothing is close.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let word_lower = word.to_lowercase();
    let limit = (word.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| (edit_distance(&word_lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= limit && *c != word)
        .collect();
    scored.sort();
    scored.dedup();
    let best = scored.first()?.0;
    let names: Vec<String> =
        scored.iter().take_while(|(d, _)| *d == best).take(3).map(|(_, c)| format!("`{c}`")).collect();
    Some(format!("did you mean {}?", names.join(" or ")))
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
input = "doc.xml"
output = "../out"
[crate]
name = "demo"
version = "0.1.0"
description = "Demo"
[service]
version = "v1.0"
namespace = "Demo"
[select]
types = ["Demo.Thing"]
[[select.paths]]
path = "things"
operations = ["list", "get"]
"#;

    #[test]
    fn paths_are_relative_to_the_configuration_file() {
        let config = Config::parse(Path::new("meta/x.toml"), MINIMAL).unwrap();
        assert_eq!(config.input, Path::new("meta/doc.xml"));
        assert_eq!(config.output, Path::new("meta/../out"));
        assert_eq!(config.select.paths[0].operations, vec![CrudOperation::List, CrudOperation::Get]);
        assert!(!config.select.bound_operations());
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let text = MINIMAL.replace(r#"operations = ["list", "get"]"#, r#"operations = ["list", "fetch"]"#);
        let error = Config::parse(Path::new("x.toml"), &text).unwrap_err();
        let shown = error.to_string();
        assert!(shown.starts_with("x.toml:15:23: unknown variant `fetch`"), "{shown}");
        assert!(shown.contains("fetch"), "{shown}");
        let unknown = MINIMAL.replace("[service]", "[service]\nversoin = 1");
        let shown = Config::parse(Path::new("x.toml"), &unknown).unwrap_err().to_string();
        assert!(shown.contains("unknown field `versoin`"), "{shown}");
        assert!(shown.ends_with("(did you mean `version`?)"), "{shown}");
        let variant = MINIMAL.replace(r#""get"]"#, r#""gett"]"#);
        let shown = Config::parse(Path::new("x.toml"), &variant).unwrap_err().to_string();
        assert!(shown.contains("(did you mean `get`?)"), "{shown}");
    }

    #[test]
    fn path_patterns_match_like_kiotas() {
        for (pattern, path, expected) in [
            ("/**", "Books", true),
            ("/**", "Books/chapters/book", true),
            ("/Books/**", "Books", true),
            ("/Books/**", "Books/chapters", true),
            ("/Books/**", "Authors/books", false),
            ("/Books/*", "Books/chapters", true),
            ("/Books/*", "Books", false),
            ("/Books/*", "Books/chapters/book", false),
            ("/Books/{id}/chapters", "Books/chapters", true),
            ("/**/chapters", "Authors/books/chapters", true),
            ("/**/chapters", "Books/loans", false),
            ("/lend", "lend", true),
            ("/Books", "Books/chapters", false),
        ] {
            assert_eq!(path_matches(pattern, path), expected, "{pattern} ~ {path}");
        }
    }

    #[test]
    fn suggestions_are_the_nearest_names_only() {
        let names = ["versions", "activeVersion", "cloudCertificationAuthorityLeafCertificate"];
        assert_eq!(did_you_mean("verisons", names).as_deref(), Some("did you mean `versions`?"));
        assert_eq!(did_you_mean("ActiveVersion", names).as_deref(), Some("did you mean `activeVersion`?"));
        assert_eq!(did_you_mean("owners", names), None);
        assert_eq!(did_you_mean("ab", ["ac", "ad", "xy"]).as_deref(), Some("did you mean `ac` or `ad`?"));
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
