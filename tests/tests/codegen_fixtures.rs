//! The code generation corpus: every folder in `tests/fixtures/codegen/` holds a small,
//! hand-written CSDL document (`metadata.xml`, whose top comment says which hard cases of the
//! corpus survey it exercises) and a selection config (`config.toml`).
//!
//! For each fixture the generator runs in memory (nothing is written next to the fixture):
//!
//! - every generated file is snapshotted on its own, as
//!   `tests/snapshots/codegen/<fixture>__<path with / replaced by _>.snap`, so a reviewer reads
//!   `keywords__src_models.rs.snap` against `keywords/metadata.xml`;
//! - a second run must produce byte-identical output (no hashing-dependent order).
//!
//! Then `generated_fixture_crates_compile_and_pass_their_tests` writes every generated crate into
//! a scratch workspace under `<workspace target>/codegen-fixtures/`, builds it with
//! `--keep-going` (so one run shows the compiler errors of every crate) and runs `cargo test`
//! there, with `serde-equivalence` (`tests/fixtures/serde-equivalence/`), whose test compares the
//! JSON of `compact_serde` (`serde = "compact"`) with that of `primitives` (serde's derives). It
//! uses its own target directory (`<workspace target>/codegen-fixtures-target`) so it
//! never waits for the lock of the build that runs this test. Warnings are denied: the committed
//! generated crate is checked with `clippy -D warnings`, so generated code must not warn either.
//! The first run downloads and builds the generated crates' dependencies (serde, serde_json,
//! http, chrono, uuid). Set `CODEGEN_FIXTURES_SKIP_BUILD=1` to skip that one test (offline).
//!
//! Review snapshot changes with `cargo insta review`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The runtime modules, identical in every generated crate (the sans-IO runtime and the client).
const RUNTIME: &[&str] = &["src/odata.rs", "src/client.rs"];

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("codegen")
}

fn snapshots_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots").join("codegen")
}

/// Loads a fixture's config and generates its crate in memory.
fn generate(name: &str) -> BTreeMap<String, String> {
    let config_path = fixtures_dir().join(name).join("config.toml");
    let config = odata_codegen::config::Config::load(&config_path)
        .unwrap_or_else(|e| panic!("{}: cannot load the config: {e}", config_path.display()));
    let generated = odata_codegen::generate::generate(&config)
        .unwrap_or_else(|e| panic!("{}: generation failed: {e}", config_path.display()));
    generated.files
}

/// A runtime file without its `model_serde` module (`serde = "compact"`), and that module.
fn split_compact_serde(text: &str) -> (String, Option<String>) {
    const START: &str = "/// Serialization of the models when the crate is generated with `serde = \"compact\"`";
    const NEXT: &str = "/// Typed `$filter` expressions";
    match (text.find(START), text.find(NEXT)) {
        (Some(start), Some(end)) if start < end => {
            (format!("{}{}", &text[..start], &text[end..]), Some(text[start..end].to_owned()))
        }
        _ => (text.to_owned(), None),
    }
}

/// The snapshot name of one generated file: `<fixture>__<path with / replaced by _>`.
fn snapshot_name(fixture: &str, file: &str) -> String {
    format!("{fixture}__{}", file.replace('/', "_"))
}

/// Generates one fixture, snapshots every file, then checks that a second run is identical.
///
/// Every file is compared even when an earlier one differs, so one run leaves a `.snap.new` for
/// each changed file; the test fails at the end, naming them.
fn check(name: &str) {
    let files = generate(name);
    assert!(!files.is_empty(), "{name}: the generator produced no file");
    let config_path = fixtures_dir().join(name).join("config.toml");
    let config = odata_codegen::config::Config::load(&config_path).expect("the fixture's config");
    let (metadata, graph) = (config.input, config.service.is_graph());
    let mut changed = Vec::new();
    for (path, contents) in &files {
        // The manifest is the list of the other files' digests: check it, do not snapshot it.
        if path == odata_codegen::write::MANIFEST {
            let mut others = files.clone();
            others.remove(path);
            assert_eq!(*contents, odata_codegen::write::manifest(&others), "{name}: the manifest lists every file");
            continue;
        }
        // The runtime is the same in every crate but for the crate's name in its examples:
        // compare it with the committed crate's instead of snapshotting it once per fixture.
        // (The Graph profile's runtime is the Cloud PKI crate's, the OData profile's the CAP
        // client's.)
        if RUNTIME.contains(&path.as_str()) {
            let (committed_crate, committed_name) =
                if graph { ("../generated", "graph_beta_cloudpki") } else { ("cap-client", "cap_library_client") };
            let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join(committed_crate).join(path);
            let committed = std::fs::read_to_string(&committed)
                .unwrap_or_else(|e| panic!("{} is not readable: {e}", committed.display()));
            let own_name = config.krate.name.replace('-', "_");
            let contents = contents.replace(&format!("{own_name}::"), &format!("{committed_name}::"));
            // `serde = "compact"` adds one module to the runtime, the same in every crate (the
            // CAP client has it): compared on its own, and the rest with the rest.
            let (contents, module) = split_compact_serde(&contents);
            let (committed_rest, _) = split_compact_serde(&committed);
            assert!(contents == committed_rest, "{name}: {path} differs from {committed_crate}/{path}");
            let compact = config.krate.serde == odata_codegen::config::SerdeImpls::Compact;
            assert_eq!(module.is_some(), compact && path == "src/odata.rs", "{name}: {path} has `model_serde`");
            if let Some(module) = module {
                let cap = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("cap-client").join(path))
                    .expect("the CAP client's runtime");
                assert_eq!(
                    Some(module),
                    split_compact_serde(&cap).1,
                    "{name}: `model_serde` differs from the CAP client's"
                );
            }
            continue;
        }
        let compared = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            insta::with_settings!({
                snapshot_path => "../snapshots/codegen",
                prepend_module_to_snapshot => false,
                omit_expression => true,
                input_file => &metadata,
                description => format!("{name}: generated file `{path}`"),
            }, {
                insta::assert_snapshot!(snapshot_name(name, path), contents);
            });
        }));
        if compared.is_err() {
            changed.push(path.as_str());
        }
    }

    let again = generate(name);
    let first: Vec<&String> = files.keys().collect();
    let second: Vec<&String> = again.keys().collect();
    assert_eq!(first, second, "{name}: a second run generated a different file set");
    for (path, contents) in &files {
        assert!(again[path] == *contents, "{name}: a second run generated a different `{path}`");
    }
    assert!(changed.is_empty(), "{name}: generated files differ from their snapshots: {changed:?}");
}

macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        /// Every fixture, by folder name, in sorted order.
        const FIXTURES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                check(stringify!($name));
            }
        )*
    };
}

fixtures! {
    compact_serde,
    enum_cases,
    include_all,
    inheritance,
    keywords,
    names,
    namespaces,
    overloads,
    primitives,
    recursion,
}

#[test]
fn every_fixture_folder_has_a_test() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/codegen exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_dir())
        .map(|path| path.file_name().and_then(|name| name.to_str()).expect("fixture names are UTF-8").to_string())
        .collect();
    let listed: BTreeSet<String> = FIXTURES.iter().map(|name| name.to_string()).collect();
    assert_eq!(listed.len(), FIXTURES.len(), "a fixture is listed twice");
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(unlisted.is_empty(), "fixture folders without a test (add them to `fixtures!`): {unlisted:?}");
    assert!(missing.is_empty(), "tests whose fixture folder does not exist: {missing:?}");
    let mut sorted = FIXTURES.to_vec();
    sorted.sort_unstable();
    assert_eq!(sorted, FIXTURES, "keep `fixtures!` sorted");

    let mut crate_names = BTreeSet::new();
    for name in FIXTURES {
        let dir = fixtures_dir().join(name);
        assert!(dir.join("config.toml").is_file(), "fixture `{name}` has no config.toml");
        let input = odata_codegen::config::Config::load(&dir.join("config.toml")).expect("the config loads").input;
        assert!(input.is_file(), "fixture `{name}`: its input {} does not exist", input.display());
        let config = std::fs::read_to_string(dir.join("config.toml")).expect("readable config");
        let crate_name = config
            .lines()
            .find_map(|line| line.trim().strip_prefix("name = \""))
            .and_then(|rest| rest.strip_suffix('"'))
            .unwrap_or_else(|| panic!("fixture `{name}`: config.toml has no `name = \"...\"` line"));
        assert!(crate_names.insert(crate_name.to_string()), "crate name `{crate_name}` is used by two fixtures");
    }
}

/// Every accepted snapshot belongs to a file that some fixture generates today (a file the
/// generator stopped writing leaves a stale snapshot behind otherwise).
#[test]
fn every_snapshot_belongs_to_a_generated_file() {
    let Ok(entries) = std::fs::read_dir(snapshots_dir()) else {
        return; // no snapshot accepted yet
    };
    let mut expected = BTreeSet::new();
    for name in FIXTURES {
        for path in generate(name).keys().filter(|path| !RUNTIME.contains(&path.as_str())) {
            expected.insert(format!("{}.snap", snapshot_name(name, path)));
        }
    }
    let stale: Vec<String> = entries
        .map(|entry| entry.expect("readable directory entry").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".snap") && !expected.contains(name))
        .collect();
    assert!(stale.is_empty(), "snapshots no fixture generates any more (delete them): {stale:?}");
}

/// The workspace's target directory, found from this test binary
/// (`<target>/debug/deps/codegen_fixtures-<hash>`): the nearest ancestor holding `CACHEDIR.TAG`.
fn workspace_target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    exe.ancestors().skip(1).find(|dir| dir.join("CACHEDIR.TAG").is_file()).map(Path::to_path_buf).unwrap_or_else(|| {
        exe.ancestors().nth(3).expect("the test binary lives in <target>/<profile>/deps").to_path_buf()
    })
}

/// Writes one generated crate below `dir`, replacing whatever an earlier run left there.
fn write_crate(dir: &Path, files: &BTreeMap<String, String>) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap_or_else(|e| panic!("cannot clear {}: {e}", dir.display()));
    }
    for (path, contents) in files {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("cannot create {}: {e}", parent.display()));
        }
        std::fs::write(&file, contents).unwrap_or_else(|e| panic!("cannot write {}: {e}", file.display()));
    }
}

/// The scratch workspace manifest. The `[workspace.package]` keys mirror the project's own
/// workspace, so a generated `Cargo.toml` that inherits them (as `generated/Cargo.toml` does)
/// builds here too.
fn workspace_manifest() -> String {
    let members: Vec<String> = FIXTURES.iter().chain(&[EQUIVALENCE]).map(|name| format!("    \"{name}\",\n")).collect();
    format!(
        "# Written by tests/tests/codegen_fixtures.rs; every run overwrites it.\n\
         [workspace]\n\
         resolver = \"3\"\n\
         members = [\n{}]\n\n\
         [workspace.package]\n\
         edition = \"2024\"\n\
         rust-version = \"1.85\"\n\
         license = \"MIT OR Apache-2.0\"\n",
        members.concat()
    )
}

/// A crate of the scratch workspace besides the fixtures (`tests/fixtures/serde-equivalence/`):
/// its test decodes and encodes the same JSON with the `primitives` and `compact_serde` crates.
const EQUIVALENCE: &str = "serde-equivalence";

#[test]
fn generated_fixture_crates_compile_and_pass_their_tests() {
    if std::env::var_os("CODEGEN_FIXTURES_SKIP_BUILD").is_some_and(|v| !v.is_empty() && v != "0") {
        eprintln!("CODEGEN_FIXTURES_SKIP_BUILD is set: not building the generated fixture crates");
        return;
    }
    let target = workspace_target_dir();
    let scratch = target.join("codegen-fixtures");
    std::fs::create_dir_all(&scratch).unwrap_or_else(|e| panic!("cannot create {}: {e}", scratch.display()));
    for name in FIXTURES {
        write_crate(&scratch.join(name), &generate(name));
    }
    // The crate that compares `primitives` (serde's derives) with `compact_serde`.
    let equivalence = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(EQUIVALENCE);
    let files: BTreeMap<String, String> = ["Cargo.toml", "src/lib.rs"]
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(equivalence.join(path))
                .unwrap_or_else(|e| panic!("{}/{path}: {e}", equivalence.display()));
            (path.to_string(), text)
        })
        .collect();
    write_crate(&scratch.join(EQUIVALENCE), &files);
    std::fs::write(scratch.join("Cargo.toml"), workspace_manifest()).expect("write the scratch workspace manifest");
    // Start from the project's lock file so the generated crates build with the dependency
    // versions the project already uses (cargo drops what they do not need, adds what is new).
    let lock = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("Cargo.lock");
    if lock.is_file() && !scratch.join("Cargo.lock").exists() {
        std::fs::copy(&lock, scratch.join("Cargo.lock")).expect("seed the scratch lock file");
    }

    // First build everything with `--keep-going`, so one run shows the compiler errors of every
    // fixture crate (rustc stops a crate at its first failing phase, cargo at the first failing
    // crate), then run the tests.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut rustflags = std::env::var("RUSTFLAGS").unwrap_or_default();
    rustflags.push_str(" -D warnings");
    for args in [
        &["build", "--quiet", "--workspace", "--all-targets", "--keep-going"][..],
        &["test", "--quiet", "--workspace", "--no-fail-fast"][..],
    ] {
        let output = Command::new(&cargo)
            .current_dir(&scratch)
            .args(args)
            .env("CARGO_TARGET_DIR", target.join("codegen-fixtures-target"))
            .env("RUSTFLAGS", rustflags.trim())
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS")
            .output()
            .expect("run cargo in the scratch workspace");
        assert!(
            output.status.success(),
            "`cargo {}` failed in {} ({}):\n--- stderr ---\n{}\n--- stdout ---\n{}",
            args.join(" "),
            scratch.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr),
            String::from_utf8_lossy(&output.stdout),
        );
    }
}
