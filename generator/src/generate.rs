//! From a configuration to the generated crate's files: read, resolve, select, emit.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::select::SelectError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The generated crate, in memory.
#[derive(Debug)]
pub struct Generated {
    /// Path relative to the crate root → contents.
    pub files: BTreeMap<String, String>,
    /// Rendered warnings about the selected part of the document.
    pub warnings: Vec<String>,
    /// Problems in parts of the document outside the selection (not shown one by one).
    pub problems_elsewhere: usize,
    /// The lock file text recording what the crate was generated from.
    pub lock: String,
}

#[derive(Debug)]
pub enum GenerateError {
    /// The input document cannot be read.
    Input { path: String, message: String },
    /// The document has errors inside the selection (rendered with source lines), or cannot
    /// be read as CSDL at all.
    Model { rendered: Vec<String> },
    /// The configuration names something the document does not have.
    Select(Vec<SelectError>),
    /// The selection uses something the generator cannot express yet.
    Unsupported(String),
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::Input { path, message } => write!(f, "cannot read {path}: {message}"),
            GenerateError::Model { rendered } => {
                writeln!(f, "the selected part of the document has errors:")?;
                for r in rendered {
                    writeln!(f, "\n{r}")?;
                }
                Ok(())
            }
            GenerateError::Select(errors) => {
                writeln!(f, "the configuration does not fit the document:")?;
                for e in errors {
                    writeln!(f, "  - {e}")?;
                }
                Ok(())
            }
            GenerateError::Unsupported(message) => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Reads the configured input document and generates the crate.
pub fn generate(config: &Config) -> Result<Generated, GenerateError> {
    let path = &config.input;
    let bytes = std::fs::read(path)
        .map_err(|e| GenerateError::Input { path: path.display().to_string(), message: e.to_string() })?;
    generate_from(config, &path.display().to_string(), &bytes)
}

/// Generates the crate from a document already in memory (`name` is used in messages).
pub fn generate_from(config: &Config, name: &str, bytes: &[u8]) -> Result<Generated, GenerateError> {
    let loaded = crate::load(bytes);
    let source = SourceFile::new(name, bytes);
    let Some(model) = loaded.model else {
        return Err(GenerateError::Model { rendered: loaded.diagnostics.iter().map(|d| source.render(d)).collect() });
    };
    let selection = crate::select::select(&model, config).map_err(GenerateError::Select)?;
    // Problems inside the selected elements stop generation; problems elsewhere are counted.
    let inside = |d: &Diagnostic| {
        selection.spans.iter().any(|s| s.start <= d.span.start && d.span.start < s.end.max(s.start + 1))
    };
    let (selected, elsewhere): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        loaded.diagnostics.iter().partition(|d| inside(d));
    let errors: Vec<String> = selected.iter().filter(|d| d.is_error()).map(|d| source.render(d)).collect();
    if !errors.is_empty() {
        return Err(GenerateError::Model { rendered: errors });
    }
    let warnings = selected.iter().filter(|d| !d.is_error()).map(|d| source.render(d)).collect();
    let files = crate::rust::generate(&model, &selection, config).map_err(GenerateError::Unsupported)?;
    let lock = lock_text(config, name, bytes);
    Ok(Generated { files, warnings, problems_elsewhere: elsewhere.len(), lock })
}

/// The lock file: what the crate was generated from, by which generator. Generated files carry
/// none of this, so that the same selection from another document gives the same files.
fn lock_text(config: &Config, input: &str, bytes: &[u8]) -> String {
    let base = config.path.parent().unwrap_or(Path::new("."));
    let input =
        Path::new(input).strip_prefix(base).map(|p| p.display().to_string()).unwrap_or_else(|_| input.to_owned());
    format!(
        "# Written by `odata-codegen generate`: what the crate in {output} was generated from.\n\
         # `odata-codegen check` compares against it. Do not edit.\n\
         \n\
         [input]\n\
         path = {input:?}\n\
         sha256 = {sha:?}\n\
         size = {size}\n\
         \n\
         [generator]\n\
         version = {version:?}\n\
         \n\
         [config]\n\
         sha256 = {config_sha:?}\n",
        output = config.output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        sha = sha256(bytes),
        size = bytes.len(),
        version = env!("CARGO_PKG_VERSION"),
        config_sha = sha256(config.text.as_bytes()),
    )
}

/// What changed between the lock on disk and the lock for the current input and configuration,
/// one readable line per changed entry (empty when they agree).
pub fn lock_differences(on_disk: &str, now: &str) -> Vec<String> {
    if on_disk.trim().is_empty() {
        return vec!["there is no lock file: the crate was never generated from this configuration".to_owned()];
    }
    let entries = |text: &str| -> Vec<(String, String)> {
        let mut section = String::new();
        let mut result = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.to_owned();
            } else if let Some((key, value)) = line.split_once('=') {
                result.push((format!("{section}.{}", key.trim()), value.trim().to_owned()));
            }
        }
        result
    };
    let (old, new) = (entries(on_disk), entries(now));
    let what = |key: &str| match key {
        "input.sha256" | "input.size" => "the input document changed",
        "input.path" => "the input document is another file",
        "config.sha256" => "the configuration changed",
        "generator.version" => "the generator version changed",
        _ => "an entry changed",
    };
    new.iter()
        .filter(|entry| !old.contains(entry))
        .map(|(key, value)| {
            let before = old.iter().find(|(k, _)| k == key).map_or("(absent)", |(_, v)| v.as_str());
            format!("{}: `{key}` was {before}, is now {value}", what(key))
        })
        .collect()
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::lock_differences;

    const LOCK: &str = "# comment\n[input]\npath = \"a.csdl\"\nsha256 = \"aaa\"\nsize = 10\n\n[generator]\nversion = \"0.1.0\"\n\n[config]\nsha256 = \"ccc\"\n";

    #[test]
    fn the_lock_says_what_changed() {
        assert!(lock_differences(LOCK, LOCK).is_empty());
        let input = LOCK.replace("\"aaa\"", "\"bbb\"").replace("size = 10", "size = 11");
        let found = lock_differences(LOCK, &input);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("the input document changed: `input.sha256` was \"aaa\", is now \"bbb\""),
            "{found:?}"
        );
        let config = LOCK.replace("\"ccc\"", "\"ddd\"");
        assert_eq!(
            lock_differences(LOCK, &config),
            vec!["the configuration changed: `config.sha256` was \"ccc\", is now \"ddd\"".to_owned()]
        );
        assert!(lock_differences("", LOCK)[0].contains("no lock file"));
    }
}
