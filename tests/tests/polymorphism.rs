//! `@odata.type` polymorphism, on Microsoft Graph v1.0 (`../shared/metadata/graph/v1.0-Prod.csdl`):
//! a crate is generated with `deviceConfiguration` and `directoryObject` and, as
//! `select.derived_types`, `windows10GeneralConfiguration`, `iosGeneralDeviceConfiguration`,
//! `user` and `group`, plus the cast path `directoryObjects/microsoft.graph.user`. Then
//! `tests/fixtures/polymorphism/checker.rs`, a program of its own as a user's crate would be,
//! is built beside it with `-D warnings` and run: it decodes realistic pages mixing the types
//! (and one the crate does not have), round-trips them, and writes derived values.

use odata_codegen::config::Config;
use std::path::Path;
use std::process::Command;

const CONFIG: &str = r#"
output = "out"
[crate]
name = "graph-v1-polymorphism"
version = "0.1.0"
description = "Microsoft Graph v1.0 device configurations and directory objects, with derived types"
[service]
profile = "graph"
version = "v1.0"
namespace = "microsoft.graph"
[select]
types = ["microsoft.graph.deviceConfiguration", "microsoft.graph.directoryObject"]
derived_types = [
    "microsoft.graph.windows10GeneralConfiguration",
    "microsoft.graph.iosGeneralDeviceConfiguration",
    "microsoft.graph.user",
    "microsoft.graph.group",
]
bound_operations = false
[[select.paths]]
path = "deviceManagement/deviceConfigurations"
operations = ["list", "get", "create", "update"]
[[select.paths]]
path = "directoryObjects"
operations = ["list", "get"]
[[select.paths]]
path = "directoryObjects/microsoft.graph.user"
operations = ["list", "get"]
"#;

#[test]
fn values_typed_with_a_base_type_decode_by_odata_type_in_a_users_program() {
    let root = integration_tests::project_root();
    let input = root.join("../shared/metadata/graph/v1.0-Prod.csdl");
    assert!(input.is_file(), "{} is missing: the tests read it from ../shared", input.display());
    let text = format!("input = {:?}\n{CONFIG}", input.display().to_string());
    let config = Config::parse(Path::new("polymorphism.toml"), &text).expect("the configuration parses");
    let generated = odata_codegen::generate::generate(&config).unwrap_or_else(|e| panic!("{e}"));
    let models = &generated.files["src/models.rs"];
    for expected in [
        "pub enum AnyDeviceConfiguration",
        "pub enum AnyDirectoryObject",
        // `deviceConfiguration` is abstract: no variant of its own.
        "    Windows10GeneralConfiguration(::std::boxed::Box<Windows10GeneralConfiguration>),",
        "    DirectoryObject(::std::boxed::Box<DirectoryObject>),",
    ] {
        assert!(models.contains(expected), "models.rs lacks `{expected}`");
    }
    assert!(!models.contains("    DeviceConfiguration(::std::boxed::Box<DeviceConfiguration>),"));

    // Built where the other compile tests build, so the dependencies are built once.
    let exe = std::env::current_exe().expect("the test binary has a path");
    let target = exe.ancestors().nth(3).expect("<target>/<profile>/deps/<test>").to_path_buf();
    let scratch = target.join("polymorphism");
    let _ = std::fs::remove_dir_all(&scratch);
    for (path, contents) in &generated.files {
        let file = scratch.join("generated").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, contents).unwrap();
    }
    let checker = scratch.join("checker");
    std::fs::create_dir_all(checker.join("src")).unwrap();
    std::fs::copy(root.join("tests/fixtures/polymorphism/checker.rs"), checker.join("src/main.rs")).unwrap();
    std::fs::write(
        checker.join("Cargo.toml"),
        "[package]\nname = \"checker\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\
         [dependencies]\ngraph-v1-polymorphism = { path = \"../generated\" }\n\
         chrono = { version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }\n\
         http = \"1\"\nserde_json = \"1\"\n",
    )
    .unwrap();
    std::fs::write(
        scratch.join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"generated\", \"checker\"]\n",
    )
    .unwrap();
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&scratch)
        .args(["run", "--quiet", "-p", "checker"])
        .env("CARGO_TARGET_DIR", target.join("codegen-fixtures-target"))
        .env("RUSTFLAGS", "-D warnings")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("polymorphism: all checks passed"),
        "the checker failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
