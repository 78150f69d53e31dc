//! Prints a configuration that selects everything in a CSDL document (every entity and complex
//! type, every entity set and singleton with its operations, every bound action and function),
//! for measuring what the largest crate of a document costs to generate and to compile:
//!
//! ```text
//! cargo run --release -p odata-codegen --example everything_config -- DOCUMENT OUTPUT [VERSION]
//! ```
//!
//! `OUTPUT` is the folder the crate is to be written to; `VERSION` is the service version path
//! segment (Graph's `v1.0` or `beta`). `tests/check-cost/measure.sh --everything` uses it.

#[path = "../tests/common/everything.rs"]
mod everything;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (document, output, version) = match &args[..] {
        [document, output] => (document, output, ""),
        [document, output, version] => (document, output, version.as_str()),
        _ => {
            eprintln!("usage: everything_config DOCUMENT OUTPUT [VERSION]");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(document) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("error: cannot read {document}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let loaded = odata_codegen::load(&bytes);
    let Some(model) = loaded.model.as_ref().filter(|_| !loaded.has_errors()) else {
        eprintln!("error: {document} does not load; `odata-codegen inspect {document}` says why");
        return ExitCode::FAILURE;
    };
    let text = everything::everything_toml(model, document, output, "everything", version);
    // A closed pipe (`| head`) ends the output quietly.
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the configuration: {e}");
            ExitCode::FAILURE
        }
    }
}
