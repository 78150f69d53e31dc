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
#[command(
    name = "odata-codegen",
    version,
    about,
    long_about = None,
    after_help = "Typical use, from the project root:\n  odata-codegen generate            regenerate generated/ from metadata/cloudpki.toml\n  odata-codegen check               is generated/ what the generator writes now?\n  odata-codegen inspect FILE        what a CSDL document contains, and what is wrong with it\n\nWhen the schema changes:\n  odata-codegen fetch               download the new $metadata\n  odata-codegen diff OLD NEW        what the change does to the generated API\n  odata-codegen generate --csdl NEW\n\nRun `odata-codegen help COMMAND` for the details of a command."
)]
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
    /// into the configured folder (by default `generated/`).
    ///
    /// It writes only into a folder that does not exist, is empty, or was written by it before
    /// (it holds a `.odata-codegen-manifest`); anything else, a file included, is refused and
    /// left untouched. In its own folder it replaces its files and keeps every file it did not
    /// write; it refuses to overwrite one of its files that was edited by hand. The files are
    /// staged beside the folder and swapped in, so a failure never leaves half a crate.
    ///
    /// When it writes the configured folder it also writes the lock beside the configuration
    /// (the input's sha256, the generator version, the configuration's digest); `--out`
    /// elsewhere leaves the lock alone.
    ///
    /// Problems in parts of the document outside the selection are counted, not fatal; errors
    /// inside the selection stop generation with their file:line:column.
    ///
    /// Exit status: 0 when written, 1 when the document or the selection has errors, 2 when a
    /// file cannot be read or written or the output is refused.
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
    /// Download a `$metadata` document (by default Microsoft Graph beta's) into `metadata/`.
    ///
    /// Writes the body to `.<name>.download` beside OUT and renames it over OUT only when the
    /// download is complete (every byte the server announced) and the document parses as CSDL
    /// without errors; then prints OUT's size and sha256, and the sha256 of the file it
    /// replaced. On any failure (an HTTP error, a dropped connection, an HTML sign-in page,
    /// truncated XML) the temporary file is removed and OUT is left as it was. Progress goes
    /// to stderr.
    ///
    /// Microsoft's schema is not shipped with the project: `metadata/*.csdl` is git-ignored.
    /// Use the file with `generate --csdl OUT`, `check --csdl OUT` or `inspect OUT`.
    ///
    /// Exit status: 0 when OUT was written, 1 when the download or the check failed (OUT is
    /// unchanged), 2 for a wrong command line or a local file error.
    #[command(
        after_help = "Examples:\n  odata-codegen fetch\n  odata-codegen fetch --url 'https://graph.microsoft.com/v1.0/$metadata' \\\n      --out metadata/v1.0-metadata.csdl\n  odata-codegen generate --csdl metadata/beta-metadata.csdl\n\nProxies are taken from HTTPS_PROXY, HTTP_PROXY and NO_PROXY. Timeouts: 30 s to connect, 60 s without data, 15 min in all."
    )]
    Fetch {
        /// The `$metadata` URL to download (redirects are followed; quote the `$` in a shell).
        #[arg(long, value_name = "URL", default_value = odata_codegen::fetch::DEFAULT_URL)]
        url: String,
        /// The file to replace; its folder is created when missing.
        #[arg(long, value_name = "OUT", default_value = "metadata/beta-metadata.csdl")]
        out: PathBuf,
    },
    /// Report what a schema change does to the generated API.
    ///
    /// Reads two CSDL documents and compares them as the configuration's selection sees them:
    /// types, properties and navigation properties (added, removed, type or nullability
    /// changed), enum members, operations with their parameters and return types, resource
    /// paths, and descriptions and deprecations (informational). Changes outside the selection
    /// are not reported. Each change says whether it breaks code that uses the generated crate.
    ///
    /// Exit status: 0 when nothing breaking changed, 1 when something did, 2 when a document or
    /// the configuration cannot be read, or when configured types or paths are in neither
    /// document.
    #[command(after_help = "Examples:
  odata-codegen diff ../shared/metadata/graph/beta-cloudpki-slice.csdl metadata/beta-metadata.csdl
  odata-codegen diff OLD NEW --format markdown > comment.md
  odata-codegen diff OLD NEW --format json | jq '.changes[] | select(.breaking)'")]
    Diff {
        /// The document the crate was generated from.
        old: PathBuf,
        /// The new document.
        new: PathBuf,
        /// The selection configuration.
        #[arg(long, value_name = "FILE", default_value = "metadata/cloudpki.toml")]
        config: PathBuf,
        /// `text` for a terminal, `markdown` for a pull-request comment, `json` for tools.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
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
        Command::Fetch { url, out } => odata_codegen::fetch::command(&url, &out),
        Command::Diff { old, new, config, format } => run_diff(&old, &new, &config, format),
    }
}

fn run_diff(old: &Path, new: &Path, config: &Path, format: DiffFormat) -> ExitCode {
    let config = match Config::load(config) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let read = |path: &Path| -> Result<odata_codegen::edm::Model, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let loaded = load(&bytes);
        match loaded.model {
            Some(model) => Ok(model),
            None => {
                let name = path.display().to_string();
                let file = SourceFile::new(&name, &bytes);
                Err(loaded.diagnostics.iter().map(|d| file.render(d)).collect::<Vec<_>>().join("\n"))
            }
        }
    };
    let (before, after) = match (read(old), read(new)) {
        (Ok(before), Ok(after)) => (before, after),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let report = match odata_codegen::diff::diff(&before, &after, &config) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: cannot generate the crate from {e}");
            return ExitCode::from(2);
        }
    };
    let absent = report.roots_in_neither();
    if !absent.is_empty() {
        eprintln!(
            "error: {} names roots that are in neither {} nor {}, so there is nothing to compare:",
            config.path.display(),
            old.display(),
            new.display()
        );
        for root in absent {
            eprintln!("  - `{}` ({})", root.root, root.key);
        }
        return ExitCode::from(2);
    }
    let output = match format {
        DiffFormat::Text => report.text(),
        DiffFormat::Markdown => report.markdown(),
        DiffFormat::Json => report.json() + "\n",
    };
    print!("{output}");
    if report.breaking { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Loads the configuration and generates in memory; prints what went wrong on failure.
fn generate(source: &SourceArgs) -> Result<(Config, Generated), ExitCode> {
    let mut config = Config::load(&source.config).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    if let Some(csdl) = &source.csdl {
        config.override_input(csdl.clone(), "--csdl");
    }
    let mut generated = odata_codegen::generate::generate(&config).map_err(|e| {
        eprintln!("error: {e}");
        match e {
            GenerateError::Input { .. } => ExitCode::from(2),
            _ => ExitCode::from(1),
        }
    })?;
    // The process ends after this command: freeing the model would only delay the exit.
    std::mem::forget(std::mem::take(&mut generated.model));
    for warning in &generated.warnings {
        eprintln!("{warning}");
    }
    if !generated.not_generated.is_empty() {
        eprintln!("note: {} item(s) of the selected types are not generated:", generated.not_generated.len());
        for line in &generated.not_generated {
            eprintln!("  - {line}");
        }
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

fn run_generate(source: &SourceArgs, out: Option<&Path>) -> ExitCode {
    let (config, generated) = match generate(source) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let configured = out.is_none_or(|out| same_path(out, &config.output));
    let out = out.unwrap_or(&config.output);
    if let Err(e) = odata_codegen::write::write_crate(out, &generated.files) {
        eprintln!("error: cannot write the crate to {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!("wrote {} files to {}: {}", generated.files.len(), out.display(), generated.summary);
    if !configured {
        // The lock describes the configured crate, which this run did not touch.
        println!(
            "note: {} is not the configured output ({}), so {} was left as it is",
            out.display(),
            config.output.display(),
            config.lock_path().display()
        );
        return ExitCode::SUCCESS;
    }
    let lock = config.lock_path();
    if let Err(e) = write_atomically(&lock, generated.lock.as_bytes()) {
        eprintln!("error: the crate was written, but its lock {} could not be: {e}", lock.display());
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// Whether two paths name the same place, existing or not.
fn same_path(a: &Path, b: &Path) -> bool {
    odata_codegen::generate::relative_path(a, b) == "."
}

/// Writes a sibling temporary file and renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.odata-codegen-new"));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

fn run_check(source: &SourceArgs) -> ExitCode {
    let (config, generated) = match generate(source) {
        Ok(result) => result,
        Err(code) => return code,
    };
    let comparison = match odata_codegen::write::compare(&config.output, &generated.files) {
        Ok(comparison) => comparison,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", config.output.display());
            return ExitCode::from(2);
        }
    };
    let lock = config.lock_path();
    let locked = std::fs::read_to_string(&lock).unwrap_or_default();
    let lock_problems = odata_codegen::generate::lock_differences(&locked, &generated.lock);
    for problem in &lock_problems {
        println!("{}: {problem}", lock.display());
    }
    for path in &comparison.not_generated {
        println!("note: {}/{path} is not written by the generator (generate keeps it)", config.output.display());
    }
    let differences = &comparison.differences;
    if differences.is_empty() && lock_problems.is_empty() {
        println!("{} is up to date", config.output.display());
        return ExitCode::SUCCESS;
    }
    for difference in differences {
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
    for (index, path) in files.iter().enumerate() {
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
        if index + 1 == files.len() {
            // The process ends next: freeing the last model would only delay the exit
            // (a tenth of a large document's load).
            std::mem::forget(loaded);
        }
    }
    if unreadable { ExitCode::from(2) } else { status }
}
