//! The semver judge: `diff`'s breaking verdict against cargo-semver-checks', on real history.
//!
//! Replays the selections of `integration_tests::replay` over the 141 versions of Graph's
//! `beta-USNat.csdl`, takes the consecutive pairs whose generated API changed (every pair with a
//! breaking change or a changed type, then additions-only pairs up to `--pairs N`, smallest
//! crates first), writes both crates of each pair to disk, runs
//! `cargo semver-checks --baseline-root OLD --manifest-path NEW/Cargo.toml --release-type minor`
//! and compares, pair by pair:
//!
//! - **agree**: cargo-semver-checks reports exactly the lints `diff`'s breaking changes name
//!   (none: a minor version; some: a major one);
//! - **diff stricter**: `diff` reports breaking changes that cargo-semver-checks has no lint for
//!   (a changed field, parameter or output type: that tool does not compare types), and nothing
//!   else breaks; cargo-semver-checks says minor. Counted apart, never as agreement;
//! - **disagree**: anything else. The judge exits 1.
//!
//! Run by `tests/semver/judge.sh` (which installs the pinned cargo-semver-checks):
//! `cargo run -p integration-tests --example semver_judge -- [--pairs N] [--keep DIR]`.

use integration_tests::history::{History, for_each_in_order};
use integration_tests::replay::{generate_all, selections};
use odata_codegen::diff::{Change, compare};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

/// A consecutive pair whose generated API changed.
struct Pair {
    selection: &'static str,
    dates: (String, String),
    old: BTreeMap<String, String>,
    new: BTreeMap<String, String>,
    changes: Vec<Change>,
}

impl Pair {
    fn breaking(&self) -> bool {
        self.changes.iter().any(|c| c.breaking)
    }

    /// The lints `diff` says cargo-semver-checks will report.
    fn predicted_lints(&self) -> BTreeSet<&'static str> {
        self.changes.iter().filter(|c| c.breaking).flat_map(|c| c.lints.iter().copied()).collect()
    }

    /// Breaking changes cargo-semver-checks has no lint for.
    fn unseen(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking && c.lints.is_empty()).count()
    }

    fn size(&self) -> usize {
        self.old.values().chain(self.new.values()).map(String::len).sum()
    }
}

fn main() -> ExitCode {
    let mut wanted = 12;
    let mut keep: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pairs" => wanted = args.next().and_then(|n| n.parse().ok()).expect("--pairs N"),
            "--keep" => keep = args.next().map(PathBuf::from),
            other => {
                eprintln!("unknown argument `{other}`; usage: semver_judge [--pairs N] [--keep DIR]");
                return ExitCode::from(2);
            }
        }
    }
    let started = Instant::now();
    let pairs = changed_pairs();
    let replayed = started.elapsed();
    let chosen = choose(&pairs, wanted);
    println!(
        "replay: {} pairs with API changes in {replayed:.1?}; judging {} of them ({} breaking, {} with changed types)",
        pairs.len(),
        chosen.len(),
        chosen.iter().filter(|p| p.breaking()).count(),
        chosen.iter().filter(|p| p.unseen() > 0).count()
    );

    let scratch =
        keep.unwrap_or_else(|| std::env::temp_dir().join(format!("odata-codegen-semver-{}", std::process::id())));
    let target = scratch.join("target");
    let mut rows = Vec::new();
    let mut disagreements = 0;
    let mut stricter = 0;
    for (index, pair) in chosen.iter().enumerate() {
        let folder = scratch.join(format!("{index:02}-{}", pair.selection));
        write_crate(&folder.join("old"), &pair.old);
        write_crate(&folder.join("new"), &pair.new);
        let checked = Instant::now();
        let judged = semver_checks(&folder, &target);
        let predicted = pair.predicted_lints();
        let verdict = match &judged {
            Err(message) => {
                disagreements += 1;
                format!("**error**: {message}")
            }
            Ok(reported) => {
                let reported: BTreeSet<&str> = reported.iter().map(String::as_str).collect();
                if reported == predicted {
                    if pair.breaking() && predicted.is_empty() {
                        stricter += 1;
                        format!("diff stricter ({} type change(s) cargo-semver-checks does not see)", pair.unseen())
                    } else {
                        "agree".to_owned()
                    }
                } else {
                    disagreements += 1;
                    let unexpected: Vec<&&str> = reported.difference(&predicted).collect();
                    let missing: Vec<&&str> = predicted.difference(&reported).collect();
                    format!("**disagree** (not predicted: {unexpected:?}; predicted, not reported: {missing:?})")
                }
            }
        };
        let reported = judged.as_ref().map(|r| r.iter().cloned().collect::<Vec<_>>().join(", ")).unwrap_or_default();
        rows.push(format!(
            "| {index} | {} | {} → {} | {} | {} | {} | {} | {} | {verdict} | {:.0?} |",
            pair.selection,
            pair.dates.0,
            pair.dates.1,
            pair.changes.len(),
            if pair.breaking() { "major" } else { "minor" },
            predicted.iter().copied().collect::<Vec<_>>().join(", "),
            if judged.as_ref().is_ok_and(|r| !r.is_empty()) { "major" } else { "minor" },
            reported,
            checked.elapsed()
        ));
    }
    println!();
    println!(
        "| # | selection | versions | changes | diff | diff's lints | cargo-semver-checks | its lints | verdict | time |"
    );
    println!("| ---: | --- | --- | ---: | --- | --- | --- | --- | --- | ---: |");
    for row in &rows {
        println!("{row}");
    }
    let agree = chosen.len() - disagreements - stricter;
    println!(
        "\n{} pairs judged in {:.1?}: {agree} agree, {stricter} where diff is stricter (type changes), {disagreements} disagree",
        chosen.len(),
        started.elapsed()
    );
    if disagreements > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Every consecutive pair of the replay whose generated API changed.
fn changed_pairs() -> Vec<Pair> {
    let history = History::open();
    let selections = selections();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let mut previous: Option<(String, Vec<integration_tests::replay::Generated>)> = None;
    let mut pairs = Vec::new();
    for_each_in_order(
        &history,
        workers,
        |version| (version.date.clone(), generate_all(&version.bytes, &selections)),
        |_, (date, crates)| {
            if let Some((before_date, before)) = previous.take() {
                for ((selection, old), new) in selections.iter().zip(before).zip(&crates) {
                    let changes = compare(&old.surface, &new.surface);
                    if !changes.is_empty() {
                        pairs.push(Pair {
                            selection: selection.name,
                            dates: (before_date.clone(), date.clone()),
                            old: old.files,
                            new: new.files.clone(),
                            changes,
                        });
                    }
                }
            }
            previous = Some((date, crates));
        },
    );
    pairs
}

/// Every pair that breaks or changes a type, then additions-only pairs, smallest first, up to
/// `wanted` pairs in all (never fewer than the breaking ones).
fn choose(pairs: &[Pair], wanted: usize) -> Vec<&Pair> {
    let mut chosen: Vec<&Pair> = pairs.iter().filter(|p| p.breaking()).collect();
    let mut others: Vec<&Pair> = pairs.iter().filter(|p| !p.breaking()).collect();
    others.sort_by_key(|p| p.size());
    let room = wanted.saturating_sub(chosen.len());
    chosen.extend(others.into_iter().take(room));
    chosen
}

fn write_crate(folder: &Path, files: &BTreeMap<String, String>) {
    let _ = std::fs::remove_dir_all(folder);
    for (relative, contents) in files {
        let path = folder.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a scratch folder");
        std::fs::write(&path, contents).expect("a scratch file");
    }
    // A workspace of its own, so no enclosing workspace claims it.
    let manifest = folder.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).expect("Cargo.toml");
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).expect("Cargo.toml");
}

/// The lints cargo-semver-checks reports for the pair (empty: a minor version suffices).
fn semver_checks(folder: &Path, target: &Path) -> Result<BTreeSet<String>, String> {
    let output = Command::new("cargo")
        .args(["semver-checks", "--color", "never", "--release-type", "minor", "--baseline-root"])
        .arg(folder.join("old"))
        .arg("--manifest-path")
        .arg(folder.join("new/Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let lints: BTreeSet<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("--- failure "))
        .map(|rest| rest.split(':').next().unwrap_or(rest).trim().to_owned())
        .collect();
    match output.status.code() {
        // It exits non-zero when the release type is too small for what it found.
        Some(0) if lints.is_empty() => Ok(lints),
        Some(code) if code != 0 && !lints.is_empty() => Ok(lints),
        _ => Err(format!(
            "exit {:?}:\n{}",
            output.status.code(),
            text.lines().rev().take(15).collect::<Vec<_>>().join("\n")
        )),
    }
}
