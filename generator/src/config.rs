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
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// The URL path segment after the host (`beta`, `v1.0`).
    pub version: String,
    /// Types in this namespace get plain Rust names; types of other namespaces are prefixed
    /// with their last namespace segment (`microsoft.graph.security.alert` → `SecurityAlert`).
    pub namespace: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Select {
    /// Qualified names of the entity and complex types to generate; everything they need
    /// (base types, property types, enums) comes with them.
    pub types: Vec<String>,
    /// Also generate every action and function bound to a selected type or a collection of it.
    #[serde(default)]
    pub bound_operations: bool,
    /// Resource paths to generate operations for.
    #[serde(default)]
    pub paths: Vec<PathConfig>,
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
            ConfigError { path: path.to_owned(), location, message: e.message().trim().to_owned() }
        })?;
        if raw.select.types.is_empty() {
            return Err(error("`select.types` is empty: name at least one entity or complex type".into()));
        }
        let base = path.parent().unwrap_or(Path::new("."));
        Ok(Config {
            path: path.to_owned(),
            input: base.join(raw.input),
            output: base.join(raw.output),
            krate: raw.krate,
            service: raw.service,
            select: raw.select,
            text: text.to_owned(),
        })
    }
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
        assert!(!config.select.bound_operations);
    }

    #[test]
    fn errors_name_the_file_line_and_column() {
        let text = MINIMAL.replace(r#"operations = ["list", "get"]"#, r#"operations = ["list", "fetch"]"#);
        let error = Config::parse(Path::new("x.toml"), &text).unwrap_err();
        let shown = error.to_string();
        assert!(shown.starts_with("x.toml:15:23: unknown variant `fetch`"), "{shown}");
        assert!(shown.contains("fetch"), "{shown}");
        let unknown = MINIMAL.replace("[service]", "[service]\nversoin = 1");
        assert!(Config::parse(Path::new("x.toml"), &unknown).unwrap_err().to_string().contains("versoin"));
    }
}
