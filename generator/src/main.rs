//! The `odata-codegen` command line.

use clap::{Parser, Subcommand};
use odata_codegen::{SourceFile, inspect, load};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Reads OData v4 CSDL metadata (such as Microsoft Graph's `$metadata`) and writes a typed
/// Rust client crate.
#[derive(Parser)]
#[command(name = "odata-codegen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, resolve and validate CSDL documents and report what they contain.
    ///
    /// For each FILE: a one-line summary (schemas, types, operations, container), then every
    /// error and warning with its file:line:column and the source line, like rustc.
    ///
    /// Exit status: 0 when no file has errors (warnings are fine), 1 when any file has
    /// errors, 2 when a file cannot be read or the command line is wrong.
    #[command(
        after_help = "Examples:\n  odata-codegen inspect ../shared/metadata/graph/v1.0-Prod.csdl\n  odata-codegen inspect --json metadata/*.csdl | jq .errors"
    )]
    Inspect {
        /// Write one JSON object per file, one per line, instead of text. Keys: file, version,
        /// the element counts (schemas, entity_types, complex_types, enum_types, actions,
        /// functions, entity_sets, singletons, ...), errors and warnings (arrays of objects
        /// with code, severity, message, line, column).
        #[arg(long)]
        json: bool,
        /// Also print the whole resolved model (types, operations, container, annotations).
        #[arg(long, conflicts_with = "json")]
        dump: bool,
        /// CSDL XML documents to read.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect { json, dump, files } => run_inspect(json, dump, &files),
    }
}

fn run_inspect(json: bool, dump: bool, files: &[PathBuf]) -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    let mut unreadable = false;
    let mut stdout = std::io::stdout().lock();
    for path in files {
        let name = path.display().to_string();
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("error: cannot read {name}: {e}");
                unreadable = true;
                continue;
            }
        };
        let loaded = load(&bytes);
        let file = SourceFile::new(&name, &bytes);
        let output = if json {
            inspect::json(&file, &loaded) + "\n"
        } else {
            let mut text = inspect::text(&file, &loaded);
            if let (true, Some(model)) = (dump, &loaded.model) {
                text.push('\n');
                text.push_str(&odata_codegen::edm::dump(model));
            }
            text
        };
        if stdout.write_all(output.as_bytes()).is_err() {
            // The reader went away (`| head`): stop quietly.
            return ExitCode::from(2);
        }
        if loaded.has_errors() {
            status = ExitCode::from(1);
        }
    }
    if unreadable { ExitCode::from(2) } else { status }
}
