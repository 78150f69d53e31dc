//! The real history of one Microsoft Graph document: `../shared/metadata/history/` holds a git
//! bundle with the 141 published versions of `beta-USNat.csdl` (2022-06-13 to 2026-08-04, one
//! commit each, oldest first; see its README.md). Every version must load without errors.
//!
//! The bundle is cloned (bare) into a temporary folder with `git` as a child process, and the
//! versions are streamed through one `git cat-file --batch`. The test fails, never skips, when
//! the bundle or git is missing.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, mpsc};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use odata_codegen::SourceFile;

const BUNDLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/history/beta-USNat-history.bundle");
const FILE: &str = "beta-USNat.csdl";
const VERSIONS: usize = 141;

/// A folder under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
        let path = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `git` with the given arguments; panics with its stderr if it cannot run or fails.
fn git(args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `git` ({e}); the history test needs git on PATH"));
    assert!(
        output.status.success(),
        "`git {}` failed ({}):\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("git prints UTF-8 here")
}

/// Clones the bundle and returns the repository and its commits, oldest first, with their dates.
fn clone_history(into: &Path) -> Vec<(String, String)> {
    let bundle = Path::new(BUNDLE);
    assert!(
        bundle.is_file(),
        "the history bundle {} is missing: this test reads the real history of {FILE} from ../shared",
        bundle.display()
    );
    let repository = into.join("history.git");
    git(&["clone", "--quiet", "--bare", &bundle.display().to_string(), &repository.display().to_string()]);
    git(&["-C", &repository.display().to_string(), "log", "--reverse", "--format=%H %cs"])
        .lines()
        .map(|line| {
            let (commit, date) = line.split_once(' ').expect("`%H %cs` lines");
            (commit.to_owned(), date.to_owned())
        })
        .collect()
}

/// One version's load, reduced to what the test reports.
struct Outcome {
    index: usize,
    date: String,
    commit: String,
    warnings: usize,
    /// The errors, rendered; empty when the version loads cleanly.
    errors: Vec<String>,
    has_model: bool,
}

fn load(index: usize, date: String, commit: String, bytes: &[u8]) -> Outcome {
    let loaded = odata_codegen::load(bytes);
    let name = format!("{FILE}@{date}");
    let source = SourceFile::new(&name, bytes);
    Outcome {
        index,
        date,
        commit,
        warnings: loaded.warnings().count(),
        errors: loaded.errors().map(|d| source.render(d)).collect(),
        has_model: loaded.model.is_some(),
    }
}

#[test]
fn every_published_version_of_beta_usnat_loads_without_errors() {
    let started = Instant::now();
    let scratch = TempDir::new("odata-codegen-history");
    let commits = clone_history(&scratch.0);
    assert_eq!(commits.len(), VERSIONS, "the bundle holds {VERSIONS} versions (see its README.md)");

    // One `git cat-file --batch` streams every version: a writer thread asks for all of them, this
    // thread reads the answers and hands each document to the workers that load it.
    let repository = scratch.0.join("history.git");
    let mut cat_file = Command::new("git")
        .args(["-C", &repository.display().to_string(), "cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run `git cat-file` ({e}); the history test needs git on PATH"));
    let mut requests = cat_file.stdin.take().expect("piped stdin");
    let mut answers = BufReader::new(cat_file.stdout.take().expect("piped stdout"));
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);

    let (to_workers, work) = mpsc::sync_channel::<(usize, String, String, Vec<u8>)>(workers);
    let work = Mutex::new(work);
    let mut outcomes: Vec<Outcome> = std::thread::scope(|scope| {
        let wanted: Vec<String> = commits.iter().map(|(commit, _)| format!("{commit}:{FILE}\n")).collect();
        scope.spawn(move || {
            for line in wanted {
                requests.write_all(line.as_bytes()).expect("git cat-file reads its requests");
            }
            // Dropping stdin ends the batch.
        });

        let (to_main, results) = mpsc::channel::<Outcome>();
        for _ in 0..workers {
            let work = &work;
            let to_main = to_main.clone();
            scope.spawn(move || {
                loop {
                    let next = work.lock().expect("no worker panics holding the lock").recv();
                    let Ok((index, date, commit, bytes)) = next else { break };
                    to_main.send(load(index, date, commit, &bytes)).expect("the main thread collects");
                }
            });
        }
        drop(to_main);

        for (index, (commit, date)) in commits.iter().enumerate() {
            let mut header = String::new();
            answers.read_line(&mut header).expect("git cat-file answers");
            let fields: Vec<&str> = header.split_whitespace().collect();
            let size = match fields.as_slice() {
                [_, "blob", size] => size.parse::<usize>().expect("a blob size"),
                _ => panic!("{commit} ({date}) has no {FILE}: git cat-file answered `{}`", header.trim_end()),
            };
            let mut bytes = vec![0; size];
            answers.read_exact(&mut bytes).expect("the whole blob");
            let mut newline = [0u8; 1];
            answers.read_exact(&mut newline).expect("the newline after a blob");
            to_workers.send((index, date.clone(), commit.clone(), bytes)).expect("a worker is waiting");
        }
        drop(to_workers);
        results.iter().collect()
    });
    let status = cat_file.wait().expect("git cat-file exits");
    assert!(status.success(), "git cat-file --batch failed: {status}");

    outcomes.sort_by_key(|o| o.index);
    assert_eq!(outcomes.len(), VERSIONS, "every version was loaded");
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.errors.is_empty() || !o.has_model)
        .map(|o| {
            let shown: Vec<&str> = o.errors.iter().take(3).map(String::as_str).collect();
            format!(
                "version {} of {VERSIONS} ({}, commit {}): {} errors{}\n{}",
                o.index + 1,
                o.date,
                o.commit,
                o.errors.len(),
                if o.has_model { "" } else { ", no model" },
                shown.join("\n")
            )
        })
        .collect();
    let warnings: usize = outcomes.iter().map(|o| o.warnings).sum();
    println!(
        "{} versions of {FILE} ({} to {}) loaded in {:.1?} with {} threads: {} with errors, {warnings} warnings in all",
        outcomes.len(),
        outcomes.first().map_or("", |o| o.date.as_str()),
        outcomes.last().map_or("", |o| o.date.as_str()),
        started.elapsed(),
        workers,
        failed.len(),
    );
    assert!(
        failed.is_empty(),
        "{} of {VERSIONS} versions do not load cleanly:\n\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}
