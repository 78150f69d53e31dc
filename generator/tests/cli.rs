//! The `odata-codegen` binary as a user runs it: every command that writes is checked for its
//! exit status, its message and the state of the disk afterwards. Nothing the generator did not
//! write is ever deleted, moved or rewritten; every message after a refusal or a failure is true.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/graph/");

fn shared(name: &str) -> PathBuf {
    let path = PathBuf::from(SHARED).join(name);
    assert!(path.is_file(), "{} is missing: the tests read the real documents from ../shared", path.display());
    path
}

/// A scratch project: `metadata/demo.toml` (the Cloud PKI selection, reading the real slice
/// from ../shared by absolute path) and no crate yet.
struct Project {
    root: PathBuf,
}

struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

impl Project {
    fn new(name: &str) -> Project {
        let root = std::env::temp_dir().join(format!("odata-codegen-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("metadata")).unwrap();
        let project = Project { root };
        project.write_config(&[]);
        project
    }

    /// The project's Cloud PKI configuration with some lines replaced.
    fn write_config(&self, replace: &[(&str, &str)]) {
        let real = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../metadata/cloudpki.toml")).unwrap();
        let mut text = real.replace(
            "input = \"../../shared/metadata/graph/beta-cloudpki-slice.csdl\"",
            &format!("input = {:?}", shared("beta-cloudpki-slice.csdl").display().to_string()),
        );
        assert_ne!(text, real, "the configuration names its input as expected");
        for (from, to) in replace {
            assert!(text.contains(from), "the configuration has `{from}`");
            text = text.replace(from, to);
        }
        std::fs::write(self.root.join("metadata/demo.toml"), text).unwrap();
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_odata-codegen"))
            .args(args)
            .current_dir(&self.root)
            .output()
            .expect("the binary runs");
        Run {
            status: output.status.code().expect("exited"),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        }
    }

    fn generate(&self, extra: &[&str]) -> Run {
        let mut args = vec!["generate", "--config", "metadata/demo.toml"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Every entry under `relative` (folders too, so an emptied folder shows), with the contents
    /// of files.
    fn tree(&self, relative: &str) -> BTreeMap<String, String> {
        fn walk(dir: &Path, prefix: &str, into: &mut BTreeMap<String, String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let entry = entry.unwrap();
                let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
                if entry.file_type().unwrap().is_dir() {
                    into.insert(format!("{name}/"), String::new());
                    walk(&entry.path(), &format!("{name}/"), into);
                } else {
                    into.insert(name, std::fs::read_to_string(entry.path()).unwrap_or_else(|_| "(binary)".into()));
                }
            }
        }
        let mut tree = BTreeMap::new();
        walk(&self.path(relative), "", &mut tree);
        tree
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn assert_status(run: &Run, status: i32) {
    assert_eq!(run.status, status, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
}

#[test]
fn a_folder_the_generator_did_not_write_is_refused_untouched() {
    let project = Project::new("foreign");
    std::fs::create_dir_all(project.path("mine/.git")).unwrap();
    std::fs::create_dir_all(project.path("mine/src")).unwrap();
    std::fs::write(project.path("mine/.git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(project.path("mine/NOTES.md"), "my notes\n").unwrap();
    std::fs::write(project.path("mine/src/main.rs"), "fn main() {}\n").unwrap();
    let before = project.tree("");

    let run = project.generate(&["--out", "mine"]);
    assert_status(&run, 2);
    assert!(run.stderr.contains("error: cannot write the crate to mine: mine is not empty and was not written by odata-codegen (it holds `.git`, `NOTES.md`, `src` and no .odata-codegen-manifest); nothing was changed"), "{}", run.stderr);
    assert_eq!(project.tree(""), before, "nothing on disk changed, and no lock was written");
}

#[test]
fn a_file_as_the_output_is_refused_untouched() {
    let project = Project::new("file");
    let before = project.tree("");
    let run = project.generate(&["--out", "metadata/demo.toml"]);
    assert_status(&run, 2);
    assert!(
        run.stderr.contains("metadata/demo.toml exists and is not a folder; it was left untouched"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("unchanged") || run.stderr.contains("untouched"));
    assert_eq!(project.tree(""), before, "the file is where it was, with no folder or backup beside it");
}

#[test]
fn the_lock_sits_with_the_configured_crate_and_its_paths_are_relative() {
    let project = Project::new("lock");
    // An absolute configuration path: the lock still records relative paths.
    let config = project.path("metadata/demo.toml").display().to_string();
    let run = project.run(&["generate", "--config", &config]);
    assert_status(&run, 0);
    let lock = std::fs::read_to_string(project.path("metadata/demo.lock")).unwrap();
    let input = pathdiff_like(&project.path("metadata"), &shared("beta-cloudpki-slice.csdl"));
    assert!(lock.contains(&format!("path = {input:?}")), "{lock}");
    assert!(lock.contains("[output]\npath = \"../generated\"\n"), "{lock}");
    assert!(!lock.contains(&project.root.display().to_string()), "no absolute path in the lock:\n{lock}");
    assert_status(&project.run(&["check", "--config", "metadata/demo.toml"]), 0);

    // `--out` elsewhere writes that crate and leaves the project's lock byte-identical, even
    // from another document.
    let run = project.generate(&[
        "--csdl",
        &shared("beta-USNat-with-cloudpki.csdl").display().to_string(),
        "--out",
        "elsewhere",
    ]);
    assert_status(&run, 0);
    assert!(run.stdout.contains("note: elsewhere is not the configured output (metadata/../generated), so metadata/demo.lock was left as it is"), "{}", run.stdout);
    assert_eq!(std::fs::read_to_string(project.path("metadata/demo.lock")).unwrap(), lock);
    assert!(project.path("elsewhere/.odata-codegen-manifest").is_file());
    assert!(!project.path("elsewhere.lock").exists() && !project.path("elsewhere/demo.lock").exists());
    let check = project.run(&["check", "--config", "metadata/demo.toml"]);
    assert_status(&check, 0);

    // `--out` naming the configured folder another way is the configured crate: the lock
    // follows the document it was generated from.
    let run = project.generate(&[
        "--csdl",
        &shared("beta-USNat-with-cloudpki.csdl").display().to_string(),
        "--out",
        "./metadata/../generated/",
    ]);
    assert_status(&run, 0);
    let relocked = std::fs::read_to_string(project.path("metadata/demo.lock")).unwrap();
    let full = pathdiff_like(&project.path("metadata"), &shared("beta-USNat-with-cloudpki.csdl"));
    assert!(relocked.contains(&format!("path = {full:?}")), "{relocked}");
    let check = project.run(&["check", "--config", "metadata/demo.toml"]);
    assert_status(&check, 1);
    assert!(check.stdout.contains("the input document is another file"), "{}", check.stdout);
}

/// `target` relative to `from`, both absolute, by components (no links on these paths).
fn pathdiff_like(from: &Path, target: &Path) -> String {
    let normal = |p: &Path| -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    parts.pop();
                }
                std::path::Component::CurDir => {}
                other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
            }
        }
        parts
    };
    let (from, target) = (normal(from), normal(target));
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts = vec!["..".to_owned(); from.len() - common];
    parts.extend(target[common..].iter().cloned());
    parts.join("/")
}

#[test]
fn files_of_the_user_in_a_generated_folder_are_kept_and_edits_are_never_overwritten() {
    let project = Project::new("keep");
    assert_status(&project.generate(&[]), 0);
    std::fs::create_dir_all(project.path("generated/.git")).unwrap();
    std::fs::write(project.path("generated/.git/HEAD"), "ref\n").unwrap();
    std::fs::write(project.path("generated/NOTES.md"), "mine\n").unwrap();
    std::fs::write(project.path("generated/src/extra.rs"), "// mine\n").unwrap();

    // A selection with fewer paths: some generated files change, the user's stay.
    project.write_config(&[("bound_operations = true", "bound_operations = false")]);
    let run = project.generate(&[]);
    assert_status(&run, 0);
    assert_eq!(std::fs::read_to_string(project.path("generated/.git/HEAD")).unwrap(), "ref\n");
    assert_eq!(std::fs::read_to_string(project.path("generated/NOTES.md")).unwrap(), "mine\n");
    assert_eq!(std::fs::read_to_string(project.path("generated/src/extra.rs")).unwrap(), "// mine\n");
    let check = project.run(&["check", "--config", "metadata/demo.toml"]);
    assert_status(&check, 0);
    assert!(
        check
            .stdout
            .contains("note: metadata/../generated/NOTES.md is not written by the generator (generate keeps it)"),
        "{}",
        check.stdout
    );

    // An edited generated file stops the next generate, which changes nothing.
    let lib = project.path("generated/src/lib.rs");
    let edited = std::fs::read_to_string(&lib).unwrap() + "\n// my change\n";
    std::fs::write(&lib, &edited).unwrap();
    project.write_config(&[]);
    let before = project.tree("");
    let run = project.generate(&[]);
    assert_status(&run, 2);
    assert!(run.stderr.contains("holds work that generating would overwrite; nothing was changed:\n  - src/lib.rs: edited since it was generated (restore or delete it to regenerate)"), "{}", run.stderr);
    assert_eq!(project.tree(""), before);
    // Deleting it lets generate write it again.
    std::fs::remove_file(&lib).unwrap();
    assert_status(&project.generate(&[]), 0);
    assert!(!std::fs::read_to_string(&lib).unwrap().contains("my change"));
}

#[test]
fn a_missing_input_names_where_it_came_from() {
    let project = Project::new("input");
    project.write_config(&[("beta-cloudpki-slice.csdl\"", "beta-cloudpki-slise.csdl\"")]);
    let run = project.generate(&[]);
    assert_status(&run, 2);
    assert!(
        run.stderr.contains("beta-cloudpki-slise.csdl (from `input` in metadata/demo.toml): No such file"),
        "{}",
        run.stderr
    );
    let run = project.generate(&["--csdl", "nowhere.csdl"]);
    assert_status(&run, 2);
    assert!(
        run.stderr.contains("cannot read the input document nowhere.csdl (from --csdl): No such file"),
        "{}",
        run.stderr
    );
    assert!(!project.path("generated").exists() && !project.path("metadata/demo.lock").exists());
}

#[test]
fn unknown_names_in_the_configuration_suggest_the_nearest() {
    let project = Project::new("names");
    project.write_config(&[
        (
            "\"microsoft.graph.cloudCertificationAuthorityVersion\"",
            "\"microsoft.graph.cloudCertificationAuthorityVersoin\"",
        ),
        (
            "path = \"deviceManagement/cloudCertificationAuthority/versions\"",
            "path = \"deviceManagement/cloudCertificationAuthority/verisons\"",
        ),
        (
            "path = \"deviceManagement/cloudCertificationAuthority\"",
            "path = \"devicemanagement/cloudCertificationAuthority\"",
        ),
    ]);
    let run = project.generate(&[]);
    assert_status(&run, 1);
    for expected in [
        "`microsoft.graph.cloudCertificationAuthorityVersoin` in select.types is not declared in the document; did you mean `microsoft.graph.cloudCertificationAuthorityVersion`?",
        "path `deviceManagement/cloudCertificationAuthority/verisons` in select.paths: `microsoft.graph.cloudCertificationAuthority` has no navigation property `verisons`; did you mean `versions`?",
        "path `devicemanagement/cloudCertificationAuthority` in select.paths: `devicemanagement` is neither an entity set nor a singleton of the container; did you mean `deviceManagement`?",
    ] {
        assert!(run.stderr.contains(expected), "{expected}\n{}", run.stderr);
    }
    project.write_config(&[("[select]", "[select]\nbound_operation = true")]);
    let run = project.generate(&[]);
    assert_status(&run, 2);
    assert!(run.stderr.contains("unknown field `bound_operation`"), "{}", run.stderr);
    assert!(run.stderr.contains("(did you mean `bound_operations`?)"), "{}", run.stderr);
    assert!(!project.path("generated").exists());
}

#[test]
fn diff_refuses_roots_that_neither_document_has() {
    let project = Project::new("diff");
    let slice = shared("beta-cloudpki-slice.csdl").display().to_string();
    let v1 = shared("v1.0-Prod.csdl").display().to_string();
    // v1.0 has no Cloud PKI at all: the selection is in neither document.
    let run = project.run(&["diff", &v1, &v1, "--config", "metadata/demo.toml"]);
    assert_status(&run, 2);
    assert!(run.stderr.contains("names roots that are in neither"), "{}", run.stderr);
    for root in [
        "  - `microsoft.graph.cloudCertificationAuthority` (select.types)",
        "  - `deviceManagement/cloudCertificationAuthority/activeVersion` (select.paths)",
    ] {
        assert!(run.stderr.contains(root), "{root}\n{}", run.stderr);
    }
    assert_eq!(run.stdout, "", "no report for a configuration that does not fit");

    // Present on one side only: reported as removed, and the note says which side lacks them.
    let run = project.run(&["diff", &slice, &v1, "--config", "metadata/demo.toml"]);
    assert_status(&run, 1);
    assert!(
        run.stdout
            .contains("note: `microsoft.graph.cloudCertificationAuthority` (select.types) is not in the new document"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("BREAKING removed models::CloudCertificationAuthority: struct removed (struct) [microsoft.graph.cloudCertificationAuthority]"),
        "{}",
        run.stdout
    );
}

#[test]
fn inspect_prints_each_diagnostic_once_and_counts_what_it_prints() {
    let project = Project::new("inspect");
    for name in ["v1.0-Prod.csdl", "beta-USNat-with-cloudpki.csdl"] {
        let run = project.run(&["inspect", &shared(name).display().to_string()]);
        assert_status(&run, 0);
        let blocks: Vec<&str> =
            run.stdout.split("\n\n").filter(|b| b.starts_with("warning[") || b.starts_with("error[")).collect();
        let unique: std::collections::BTreeSet<&str> = blocks.iter().copied().collect();
        assert_eq!(unique.len(), blocks.len(), "a diagnostic is printed twice:\n{}", run.stdout);
        let warnings = blocks.iter().filter(|b| b.starts_with("warning[")).count();
        assert!(
            run.stdout.contains(&format!(": 0 errors, {warnings} warnings\n")),
            "{name}: {warnings} printed\n{}",
            run.stdout
        );
    }
}

#[test]
fn every_facet_form_of_the_specification_loads_and_others_are_located() {
    let project = Project::new("facets");
    let document = |property: &str| {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="thing">
        {property}
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#
        )
    };
    for facets in [
        r#"Type="Edm.Decimal" Scale="Variable""#,
        r#"Type="Edm.Decimal" Scale="variable""#,
        r#"Type="Edm.Decimal" Precision="38" Scale="floating""#,
        r#"Type="Edm.Decimal" Precision="10" Scale="2""#,
        r#"Type="Edm.String" MaxLength="max" Unicode="false""#,
        r#"Type="Edm.String" MaxLength="4000""#,
        r#"Type="Edm.GeographyPoint" SRID="variable""#,
        r#"Type="Edm.GeometryPoint" SRID="0""#,
    ] {
        std::fs::write(project.path("doc.xml"), document(&format!("<Property Name=\"p\" {facets}/>"))).unwrap();
        let run = project.run(&["inspect", "doc.xml"]);
        assert_status(&run, 0);
        assert!(run.stdout.contains("doc.xml: 0 errors"), "{facets}\n{}", run.stdout);
    }
    for (facets, column) in [
        (r#"Type="Edm.Decimal" Scale="-1""#, 54),
        (r#"Type="Edm.Decimal" Scale="VARIABLE""#, 54),
        (r#"Type="Edm.String" MaxLength="Max""#, 57),
        (r#"Type="Edm.GeographyPoint" SRID="VARIABLE""#, 60),
    ] {
        std::fs::write(project.path("doc.xml"), document(&format!("<Property Name=\"p\" {facets}/>"))).unwrap();
        let run = project.run(&["inspect", "doc.xml"]);
        assert_status(&run, 1);
        assert!(run.stdout.contains("error[invalid-attribute-value]"), "{facets}\n{}", run.stdout);
        assert!(run.stdout.contains(&format!("--> doc.xml:6:{column}")), "{facets}\n{}", run.stdout);
    }
    // Microsoft's OData library writes `SRID="Variable"`: read, with a warning.
    let facets = r#"Type="Edm.GeographyPoint" SRID="Variable""#;
    std::fs::write(project.path("doc.xml"), document(&format!("<Property Name=\"p\" {facets}/>"))).unwrap();
    let run = project.run(&["inspect", "doc.xml"]);
    assert_status(&run, 0);
    assert!(
        run.stdout.contains("warning[noncanonical-value]") && run.stdout.contains("--> doc.xml:6:60"),
        "{}",
        run.stdout
    );
}

#[test]
fn relative_paths_in_the_lock_are_computed_by_components() {
    use odata_codegen::generate::relative_path;
    assert_eq!(relative_path(Path::new("/a/b/metadata"), Path::new("/a/shared/x.csdl")), "../../shared/x.csdl");
    assert_eq!(relative_path(Path::new("/a/b/metadata"), Path::new("/a/b/metadata/../generated")), "../generated");
    assert_eq!(relative_path(Path::new("/a/b"), Path::new("/a/b/")), ".");
    assert_eq!(relative_path(Path::new("/a/./b"), Path::new("/a/b/c")), "c");
}
