//! The `odata-codegen` command line.

use clap::{Args, Parser, Subcommand};
use odata_codegen::config::Config;
use odata_codegen::generate::{GenerateError, Generated};
use odata_codegen::{SourceFile, inspect, load};
use std::io::Write as _;
use std::path::{Path, PathBuf};
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
    /// Generate the client crate that a configuration describes.
    ///
    /// Reads the configuration (by default `metadata/cloudpki.toml`), the CSDL document it
    /// names, selects the configured types, paths and bound operations, and writes the crate
    /// into the configured folder (by default `generated/`). The crate is written to a fresh
    /// folder first and swapped in, so a failure never leaves half a crate. A lock file next to
    /// the configuration records the input's sha256, the generator version and the
    /// configuration's digest.
    ///
    /// Problems in parts of the document outside the selection are counted, not fatal; errors
    /// inside the selection stop generation with their file:line:column.
    Generate {
        #[command(flatten)]
        source: SourceArgs,
        /// Write the crate here instead of the configured folder.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Check that the generated crate is what the generator writes now.
    ///
    /// Regenerates in memory and compares with the configured folder. Exit status 0 when they
    /// are the same, 1 with a diff of every file that differs, 2 when the configuration or
    /// the document cannot be read.
    Check {
        #[command(flatten)]
        source: SourceArgs,
    },
}

#[derive(Args)]
struct SourceArgs {
    /// The selection configuration.
    #[arg(long, value_name = "FILE", default_value = "metadata/cloudpki.toml")]
    config: PathBuf,
    /// Read this CSDL document instead of the configured input (for example a full-size
    /// `$metadata`: the selected part gives the same crate).
    #[arg(long, value_name = "FILE")]
    csdl: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect { json, dump, files } => run_inspect(json, dump, &files),
        Command::Generate { source, out } => run_generate(&source, out.as_deref()),
        Command::Check { source } => run_check(&source),
    }
}

/// Loads the configuration and generates in memory; prints what went wrong on failure.
fn generate(source: &SourceArgs) -> Result<(Config, Generated), ExitCode> {
    let mut config = Config::load(&source.config).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    if let Some(csdl) = &source.csdl {
        config.input = csdl.clone();
    }
    let generated = odata_codegen::generate::generate(&config).map_err(|e| {
        eprintln!("error: {e}");
        match e {
            GenerateError::Input { .. } => ExitCode::from(2),
            _ => ExitCode::from(1),
        }
    })?;
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    if generated.problems_elsewhere > 0 {
        eprintln!(
            "note: {} problem(s) in parts of {} outside the selection were ignored; run `odata-codegen inspect` to see them",
            generated.problems_elsewhere,
            config.input.display()
        );
    }
    Ok((config, generated))
}

fn lock_path(config: &Config) -> PathBuf {
    config.path.with_extension("lock")
}

fn run_generate(source: &SourceArgs, out: Option<&Path>) -> ExitCode {
    let (config, generated) = match generate(source) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let out = out.unwrap_or(&config.output);
    if let Err(e) = odata_codegen::write::write_crate(out, &generated.files) {
        eprintln!("error: cannot write {}: {e} (the previous contents are unchanged)", out.display());
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::write(lock_path(&config), &generated.lock) {
        eprintln!("error: cannot write {}: {e}", lock_path(&config).display());
        return ExitCode::from(2);
    }
    println!("wrote {} files to {}", generated.files.len(), out.display());
    ExitCode::SUCCESS
}

fn run_check(source: &SourceArgs) -> ExitCode {
    let (config, generated) = match generate(source) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let differences = match odata_codegen::write::compare(&config.output, &generated.files) {
        Ok(differences) => differences,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", config.output.display());
            return ExitCode::from(2);
        }
    };
    let lock = lock_path(&config);
    let locked = std::fs::read_to_string(&lock).unwrap_or_default();
    let lock_problems = odata_codegen::generate::lock_differences(&locked, &generated.lock);
    for problem in &lock_problems {
        println!("{}: {problem}", lock.display());
    }
    if differences.is_empty() && lock_problems.is_empty() {
        println!("{} is up to date", config.output.display());
        return ExitCode::SUCCESS;
    }
    for difference in &differences {
        println!("{difference}");
    }
    println!(
        "{} is out of date ({} file(s) differ, {} lock entries): run `odata-codegen generate --config {}`",
        config.output.display(),
        differences.len(),
        lock_problems.len(),
        config.path.display()
    );
    ExitCode::from(1)
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
