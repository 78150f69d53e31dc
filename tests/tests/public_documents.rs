//! Public OData v4 documents other than Graph's, generated with nothing configured but
//! `include = ["/**"]` (and every import), and compiled with `-D warnings`: the OASIS TC's sample
//! services in `../shared/metadata/oasis/examples/` (every one with an entity container), and
//! TripPin and the OData demo service in `tests/fixtures/public/` (see its README for sources and
//! licences).

use odata_codegen::config::Config;
use std::path::{Path, PathBuf};
use std::process::Command;

const SAMPLES: &[&str] = &[
    "Org.OData.Aggregation.V1.SalesModel-sample.xml",
    "Org.OData.Temporal.V1.objectkey-sample.xml",
    "Org.OData.Temporal.V1.snapshot-sample.xml",
    "Org.OData.Temporal.V1.timeline-sample.xml",
];

/// Copies kept in this repository: file, and the entity type one of its paths must yield.
const PUBLIC: &[(&str, &str)] = &[("TripPin.xml", "pub struct Person"), ("ODataDemo.xml", "pub struct Product")];

fn crate_name(sample: &str) -> String {
    sample.trim_end_matches(".xml").trim_end_matches("-sample").to_lowercase().replace('.', "-")
}

#[test]
fn every_public_document_generates_from_one_pattern_and_compiles() {
    let examples = integration_tests::project_root().join("../shared/metadata/oasis/examples");
    // The build directory the other compile test uses, so the dependencies are built once.
    let exe = std::env::current_exe().expect("the test binary has a path");
    let target = exe.ancestors().nth(3).expect("<target>/<profile>/deps/<test>").to_path_buf();
    let scratch = target.join("public-documents");
    let _ = std::fs::remove_dir_all(&scratch);
    let public = integration_tests::project_root().join("tests/fixtures/public");
    let documents = SAMPLES.iter().map(|s| (*s, examples.join(s), "pub struct "));
    let documents = documents.chain(PUBLIC.iter().map(|(file, model)| (*file, public.join(file), *model)));
    let mut members = Vec::new();
    for (sample, input, expected) in documents {
        let name = crate_name(sample);
        assert!(input.is_file(), "{} is missing", input.display());
        let text = format!(
            "input = {:?}\noutput = \"out\"\n[crate]\nname = \"{name}\"\nversion = \"0.1.0\"\n\
             description = \"The public document {sample}\"\n[select]\ninclude = [\"/**\"]\nimports = true\n",
            input.display().to_string()
        );
        let config = Config::parse(Path::new("sample.toml"), &text).expect("the configuration parses");
        let generated = odata_codegen::generate::generate(&config).unwrap_or_else(|e| panic!("{sample}: {e}"));
        assert!(
            generated.files["src/operations.rs"].contains("pub struct List"),
            "{sample}: its entity sets give operations"
        );
        assert!(generated.files["src/models.rs"].contains(expected), "{sample}: `{expected}` is generated");
        let dir = scratch.join(&name);
        for (path, contents) in &generated.files {
            let file: PathBuf = dir.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, contents).unwrap();
        }
        members.push(format!("\"{name}\""));
    }
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n[workspace.package]\nedition = \"2024\"\n\
             rust-version = \"1.85\"\nlicense = \"MIT OR Apache-2.0\"\n",
            members.join(", ")
        ),
    )
    .unwrap();
    std::fs::copy(integration_tests::project_root().join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&scratch)
        .args(["build", "--quiet", "--workspace", "--all-targets", "--keep-going"])
        .env("CARGO_TARGET_DIR", target.join("codegen-fixtures-target"))
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the generated crates do not compile:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
