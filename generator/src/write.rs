//! The `write` stage: put a generated crate on disk without ever leaving half of one, or
//! compare it with what is there.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `files` into `out` as a whole: into a fresh sibling folder first, which then
/// replaces `out`. A failure leaves `out` as it was.
pub fn write_crate(out: &Path, files: &BTreeMap<String, String>) -> io::Result<()> {
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "crate".to_owned());
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let staging = parent.join(format!(".{name}.odata-codegen-new"));
    let previous = parent.join(format!(".{name}.odata-codegen-old"));
    for leftover in [&staging, &previous] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover)?;
        }
    }
    let written = (|| {
        for (relative, contents) in files {
            let path = staging.join(relative);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, contents)?;
        }
        Ok::<(), io::Error>(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        std::fs::rename(out, &previous)?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        // Put the old crate back before reporting.
        if previous.exists() {
            let _ = std::fs::rename(&previous, out);
        }
        return Err(e);
    }
    if previous.exists() {
        std::fs::remove_dir_all(&previous)?;
    }
    Ok(())
}

/// One difference between the generated files and a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    Missing(String),
    Extra(String),
    Changed { path: String, diff: String },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Missing(path) => write!(f, "{path}: would be created"),
            Difference::Extra(path) => write!(f, "{path}: is not generated and would be removed"),
            Difference::Changed { path, diff } => {
                write!(f, "{path}: differs from what the generator writes now:\n{diff}")
            }
        }
    }
}

/// Compares the generated files with the folder, file by file, with a unified diff for each
/// changed file. Build output (`target/`) is ignored.
pub fn compare(out: &Path, files: &BTreeMap<String, String>) -> io::Result<Vec<Difference>> {
    let mut differences = Vec::new();
    for (relative, contents) in files {
        match std::fs::read_to_string(out.join(relative)) {
            Ok(existing) if &existing == contents => {}
            Ok(existing) => {
                let diff = similar::TextDiff::from_lines(&existing, contents)
                    .unified_diff()
                    .context_radius(2)
                    .header(&format!("{relative} (on disk)"), &format!("{relative} (generated now)"))
                    .to_string();
                differences.push(Difference::Changed { path: relative.clone(), diff });
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => differences.push(Difference::Missing(relative.clone())),
            Err(e) => return Err(e),
        }
    }
    for existing in list_files(out)? {
        if !files.contains_key(&existing) {
            differences.push(Difference::Extra(existing));
        }
    }
    Ok(differences)
}

/// Files under `root`, relative and with `/` separators, skipping `target/`.
fn list_files(root: &Path) -> io::Result<Vec<String>> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let path = entry?.path();
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative: Vec<String> =
                relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            if relative.first().map(String::as_str) == Some("target") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(relative.join("/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("odata-codegen-write-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn writes_replace_the_whole_folder_and_compare_finds_every_change() {
        let root = scratch("swap");
        let out = root.join("crate");
        let mut files = BTreeMap::new();
        files.insert("Cargo.toml".to_owned(), "a\n".to_owned());
        files.insert("src/lib.rs".to_owned(), "b\n".to_owned());
        std::fs::create_dir_all(out.join("src")).unwrap();
        std::fs::write(out.join("src/stale.rs"), "old").unwrap();
        write_crate(&out, &files).unwrap();
        assert_eq!(compare(&out, &files).unwrap(), vec![]);
        assert!(!out.join("src/stale.rs").exists());
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1, "no staging folder is left behind");

        std::fs::write(out.join("src/lib.rs"), "changed\n").unwrap();
        std::fs::write(out.join("extra.rs"), "x").unwrap();
        std::fs::remove_file(out.join("Cargo.toml")).unwrap();
        let differences = compare(&out, &files).unwrap();
        assert_eq!(differences.len(), 3, "{differences:?}");
        assert!(differences.contains(&Difference::Missing("Cargo.toml".into())));
        assert!(differences.contains(&Difference::Extra("extra.rs".into())));
        assert!(differences.iter().any(|d| matches!(d, Difference::Changed { path, diff } if path == "src/lib.rs" && diff.contains("-changed") && diff.contains("+b"))));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn a_failed_write_leaves_the_old_folder() {
        let root = scratch("fail");
        let out = root.join("crate");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("keep.rs"), "keep").unwrap();
        let mut files = BTreeMap::new();
        // A file path that cannot be created: its parent is a file.
        files.insert("a".to_owned(), "file".to_owned());
        files.insert("a/b".to_owned(), "under a file".to_owned());
        assert!(write_crate(&out, &files).is_err());
        assert_eq!(std::fs::read_to_string(out.join("keep.rs")).unwrap(), "keep");
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 1);
        let _ = std::fs::remove_dir_all(&root);
    }
}
