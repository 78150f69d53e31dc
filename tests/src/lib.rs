//! Helpers shared by the workspace-level tests in `tests/tests/`.

pub mod cap;
pub mod history;
pub mod replay;
use std::path::{Path, PathBuf};

/// The project root (the folder with `metadata/`, `generated/`, ...).
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The API reference page the project started from (`../shared/seed/`).
pub fn seed_page() -> String {
    let path = project_root().join("../shared/seed/revokeLeafCertificateBySerialNumber.txt");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The first JSON value after `marker` on a page (the seed page's request and response bodies).
pub fn json_after(page: &str, marker: &str) -> serde_json::Value {
    let at = page.find(marker).unwrap_or_else(|| panic!("the page has no `{marker}`")) + marker.len();
    let start = at + page[at..].find('{').expect("a JSON body follows");
    let mut values = serde_json::Deserializer::from_str(&page[start..]).into_iter::<serde_json::Value>();
    values.next().expect("a value").expect("valid JSON")
}

/// A document of `../shared/metadata/graph/`, as text.
pub fn graph_document(name: &str) -> String {
    let path = project_root().join("../shared/metadata/graph").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The Cloud PKI schema as Microsoft's API pages describe it (2024), built from today's slice by
/// taking out what arrived later: the `cloudCertificationAuthorityVersion` entity with its enum
/// and usage type, the CA's `versions` / `activeVersion` and `geographicRegion`, the leaf
/// certificate's version number and version link, and the two
/// `getCloudCertificationAuthorityVersion*` actions, with their annotations.
pub fn cloudpki_2024() -> String {
    let slice = graph_document("beta-cloudpki-slice.csdl");
    let removed_types = [
        "cloudCertificationAuthorityVersion",
        "cloudCertificationAuthorityVersionStatus",
        "cloudCertificationAuthorityVersionUsage",
    ];
    let removed_members = [
        "cloudCertificationAuthority/geographicRegion",
        "cloudCertificationAuthority/activeVersion",
        "cloudCertificationAuthority/versions",
        "cloudCertificationAuthorityLeafCertificate/certificationAuthorityVersionNumber",
        "cloudCertificationAuthorityLeafCertificate/cloudCertificationAuthorityVersion",
    ];
    let removed_actions = ["getCloudCertificationAuthorityVersion", "getCloudCertificationAuthorityVersions"];

    let mut out = String::new();
    let mut lines = slice.lines().peekable();
    let mut owner = String::new();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let name = attribute(trimmed, "Name");
        let starts_block = |tag: &str| trimmed.starts_with(&format!("<{tag} ")) && !trimmed.ends_with("/>");
        // Whole type and action declarations.
        let dropped_declaration = match name.as_deref() {
            Some(n) if ["<EntityType ", "<ComplexType ", "<EnumType "].iter().any(|t| trimmed.starts_with(t)) => {
                owner = n.to_owned();
                removed_types.contains(&n)
            }
            Some(n) if trimmed.starts_with("<Action ") => removed_actions.contains(&n),
            _ => false,
        };
        // Annotation blocks that target a removed element.
        let dropped_annotations = attribute(trimmed, "Target").is_some_and(|target| {
            let target = target.trim_start_matches("microsoft.graph.");
            let target_type = target.split(['/', '(']).next().unwrap_or_default();
            removed_types.contains(&target_type)
                || removed_members.contains(&target)
                || removed_actions.contains(&target_type)
        });
        if dropped_declaration || dropped_annotations {
            let tag = trimmed[1..].split([' ', '>']).next().unwrap_or_default().to_owned();
            if starts_block(&tag) {
                let end = format!("</{tag}>");
                for inner in lines.by_ref() {
                    if inner.trim() == end {
                        break;
                    }
                }
            }
            continue;
        }
        // Single members of kept types.
        if (trimmed.starts_with("<Property ") || trimmed.starts_with("<NavigationProperty "))
            && name.is_some_and(|n| removed_members.contains(&format!("{owner}/{n}").as_str()))
        {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The value of `name="..."` in a start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')?;
    Some(tag[start..start + end].to_owned())
}

/// The same document with the children of every schema in reverse order and the two schemas
/// swapped: what it declares is unchanged, only the element order differs. Works on documents
/// indented like Graph's (schema children at six spaces).
pub fn reordered(document: &str) -> String {
    let mut head = String::new();
    let mut schemas: Vec<(String, Vec<String>, String)> = Vec::new();
    let mut tail = String::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in document.lines() {
        if line.starts_with("    <Schema ") {
            current = Some((format!("{line}\n"), Vec::new()));
        } else if line.starts_with("    </Schema>") {
            let (open, children) = current.take().expect("a schema is open");
            schemas.push((open, children, format!("{line}\n")));
        } else if let Some((_, children)) = current.as_mut() {
            // A child starts at six spaces; its inner lines are indented deeper.
            if line.starts_with("      <") && !line.starts_with("      </") {
                children.push(String::new());
            }
            if let Some(last) = children.last_mut() {
                last.push_str(line);
                last.push('\n');
            }
        } else if schemas.is_empty() {
            head.push_str(line);
            head.push('\n');
        } else {
            tail.push_str(line);
            tail.push('\n');
        }
    }
    let mut out = head;
    for (open, mut children, close) in schemas.into_iter().rev() {
        children.reverse();
        out.push_str(&open);
        out.extend(children);
        out.push_str(&close);
    }
    out + &tail
}
