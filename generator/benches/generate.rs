//! Code generation, measured against parsing in the same run.
//!
//! - The Cloud PKI crate from the full-size beta document, against parse + resolve + validate
//!   of that document (generation should add at most half of that).
//! - Scale: every entity and complex type of `v1.0-Prod.csdl`, every entity set and singleton,
//!   and every action and function bound to them, written into a temporary folder.
//!
//! Run with `cargo bench -p odata-codegen --bench generate`.

#[path = "../tests/common/everything.rs"]
mod everything;

use divan::{Bencher, black_box};
use odata_codegen::config::Config;
use std::path::{Path, PathBuf};

fn main() {
    divan::main();
}

fn graph(name: &str) -> Vec<u8> {
    let path = format!("{}/../../shared/metadata/graph/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn cloudpki_config() -> Config {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../metadata/cloudpki.toml");
    Config::load(&path).expect("the Cloud PKI configuration loads")
}

#[divan::bench(sample_count = 100)]
fn parse_resolve_validate_full_beta(bencher: Bencher) {
    let bytes = graph("beta-USNat-with-cloudpki.csdl");
    bencher.bench(|| odata_codegen::load(black_box(&bytes)));
}

#[divan::bench(sample_count = 100)]
fn generate_cloudpki_from_full_beta(bencher: Bencher) {
    let bytes = graph("beta-USNat-with-cloudpki.csdl");
    let config = cloudpki_config();
    bencher.bench(|| {
        odata_codegen::generate::generate_from(&config, "beta-USNat-with-cloudpki.csdl", black_box(&bytes))
            .expect("generates")
    });
}

/// A configuration selecting everything in `v1.0-Prod.csdl`.
fn everything_config(bytes: &[u8], out: &Path) -> Config {
    let model = odata_codegen::load(bytes).model.expect("v1.0-Prod.csdl loads");
    let output = out.display().to_string();
    let text = everything::everything_toml(&model, "v1.0-Prod.csdl", &output, "graph-v1-everything", "v1.0");
    Config::parse(&out.join("everything.toml"), &text).expect("the generated configuration parses")
}

#[divan::bench(sample_count = 5)]
fn generate_everything_from_v1_prod_into_a_folder(bencher: Bencher) {
    let bytes = graph("v1.0-Prod.csdl");
    let scratch: PathBuf = std::env::temp_dir().join(format!("odata-codegen-bench-{}", std::process::id()));
    let config = everything_config(&bytes, &scratch);
    bencher.bench(|| {
        let generated = odata_codegen::generate::generate_from(&config, "v1.0-Prod.csdl", black_box(&bytes))
            .unwrap_or_else(|e| panic!("{e}"));
        odata_codegen::write::write_crate(&scratch.join("out"), &generated.files).expect("writes");
    });
    let _ = std::fs::remove_dir_all(&scratch);
}
