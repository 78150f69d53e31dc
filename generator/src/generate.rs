//! From a configuration to the generated crate's files: read, resolve, select, emit.

use crate::config::Config;
use crate::diagnostics::{Diagnostic, SourceFile};
use crate::select::SelectError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path};

/// The generated crate, in memory.
#[derive(Debug)]
pub struct Generated {
    /// Path relative to the crate root → contents.
    pub files: BTreeMap<String, String>,
    /// Rendered warnings about the selected part of the document.
    pub warnings: Vec<String>,
    /// Problems in parts of the document outside the selection (not shown one by one).
    pub problems_elsewhere: usize,
    /// What the selection leaves out of the crate, and why, one line each.
    pub not_generated: Vec<String>,
    /// What the crate holds, such as `10 types, 52 operations (40 list/get/... on 12 paths, 10
    /// bound, 2 imports)`.
    pub summary: String,
    /// The lock file text recording what the crate was generated from.
    pub lock: String,
    /// The resolved model the crate was generated from. Freeing it is the caller's: the CLI
    /// exits without freeing it (as after `inspect`), and the benchmark frees it outside its
    /// timing, as it does the model of a load it compares with.
    pub model: crate::edm::Model,
}

#[derive(Debug)]
pub enum GenerateError {
    /// The input document cannot be read.
    Input { path: String, origin: String, message: String },
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
            GenerateError::Input { path, origin, message } => {
                write!(f, "cannot read the input document {path} (from {origin}): {message}")
            }
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
    let bytes = std::fs::read(path).map_err(|e| GenerateError::Input {
        path: path.display().to_string(),
        origin: config.input_origin.clone(),
        message: e.to_string(),
    })?;
    generate_from(config, &path.display().to_string(), &bytes)
}

/// Generates the crate from a document already in memory (`name` is used in messages).
pub fn generate_from(config: &Config, name: &str, bytes: &[u8]) -> Result<Generated, GenerateError> {
    // The lock's hash of the input is computed on the other core while the document is read.
    let (loaded, input_sha256) = std::thread::scope(|scope| {
        let hash = scope.spawn(|| sha256(bytes));
        let loaded = crate::load(bytes);
        (loaded, hash.join().unwrap_or_else(|_| sha256(bytes)))
    });
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
    let mut files = crate::rust::generate(&model, &selection, config).map_err(GenerateError::Unsupported)?;
    let manifest = crate::write::manifest(&files);
    files.insert(crate::write::MANIFEST.to_owned(), manifest);
    let lock = lock_text(config, &config.input, bytes.len(), &input_sha256);
    let not_generated = selection
        .not_generated
        .iter()
        .map(|(navigation, target)| {
            format!("navigation property {navigation} ({target}): not generated (target outside the selection)")
        })
        .collect();
    let crud: usize = selection.paths.iter().map(|p| p.operations.len()).sum();
    let summary = format!(
        "{} types, {} operations ({} list/get/create/update/delete on {} paths, {} bound, {} imports)",
        selection.types.len(),
        crud + selection.operations.len() + selection.imports.len(),
        crud,
        selection.paths.len(),
        selection.operations.len(),
        selection.imports.len()
    );
    let problems_elsewhere = elsewhere.len();
    drop(selection);
    Ok(Generated { files, warnings, problems_elsewhere, not_generated, summary, lock, model })
}

/// The lock file: what the crate was generated from, by which generator. Generated files carry
/// none of this, so that the same selection from another document gives the same files. Its
/// paths are relative to the lock's folder, so the project can move.
fn lock_text(config: &Config, input: &Path, size: usize, sha256_of_input: &str) -> String {
    let lock_dir = config.lock_path().parent().map(Path::to_owned).unwrap_or_default();
    format!(
        "# Written by `odata-codegen generate`: what the crate in {output} was generated from.\n\
         # `odata-codegen check` compares against it. Do not edit.\n\
         \n\
         [input]\n\
         path = {input:?}\n\
         sha256 = {sha:?}\n\
         size = {size}\n\
         \n\
         [output]\n\
         path = {output:?}\n\
         \n\
         [generator]\n\
         version = {version:?}\n\
         \n\
         [config]\n\
         sha256 = {config_sha:?}\n",
        input = relative_path(&lock_dir, input),
        output = relative_path(&lock_dir, &config.output),
        sha = sha256_of_input,
        version = env!("CARGO_PKG_VERSION"),
        config_sha = sha256(config.text.as_bytes()),
    )
}

/// `path` as seen from the folder `from`, with `/` separators (`../../shared/x.csdl`). Both are
/// made absolute and normalised by their components, not by following links.
pub fn relative_path(from: &Path, path: &Path) -> String {
    let absolute = |p: &Path| -> Vec<String> {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
        let mut parts: Vec<String> = Vec::new();
        for component in p.components() {
            match component {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::CurDir => {}
                Component::RootDir => parts.push(String::new()),
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (from, to) = (absolute(from), absolute(path));
    if from.first() != to.first() {
        // Another drive: no relative path exists.
        return to.join("/");
    }
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(to[common..].iter().map(String::as_str));
    if parts.is_empty() { ".".to_owned() } else { parts.join("/") }
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
        "output.path" => "the crate is in another folder",
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
