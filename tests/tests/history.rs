//! The real history of one Microsoft Graph document (see `integration_tests::history`): every
//! one of the 141 published versions of `beta-USNat.csdl` must load without errors.

use integration_tests::history::{FILE, History, VERSIONS, Version, for_each_in_order};
use odata_codegen::SourceFile;
use std::time::Instant;

/// One version's load, reduced to what the test reports.
struct Outcome {
    date: String,
    commit: String,
    warnings: usize,
    /// The errors, rendered; empty when the version loads cleanly.
    errors: Vec<String>,
    has_model: bool,
}

fn load(version: Version) -> Outcome {
    let loaded = odata_codegen::load(&version.bytes);
    let name = format!("{FILE}@{}", version.date);
    let source = SourceFile::new(&name, &version.bytes);
    Outcome {
        warnings: loaded.warnings().count(),
        errors: loaded.errors().map(|d| source.render(d)).collect(),
        has_model: loaded.model.is_some(),
        date: version.date,
        commit: version.commit,
    }
}

#[test]
fn every_published_version_of_beta_usnat_loads_without_errors() {
    let started = Instant::now();
    let history = History::open();
    assert_eq!(history.commits.len(), VERSIONS, "the bundle holds {VERSIONS} versions (see its README.md)");
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let mut outcomes = Vec::new();
    for_each_in_order(&history, workers, load, |_, outcome| outcomes.push(outcome));

    let failed: Vec<String> = outcomes
        .iter()
        .enumerate()
        .filter(|(_, o)| !o.errors.is_empty() || !o.has_model)
        .map(|(index, o)| {
            let shown: Vec<&str> = o.errors.iter().take(3).map(String::as_str).collect();
            format!(
                "version {} of {VERSIONS} ({}, commit {}): {} errors{}\n{}",
                index + 1,
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
        "{} versions of {FILE} ({} to {}) loaded in {:.1?} with {workers} threads: {} with errors, {warnings} warnings in all",
        outcomes.len(),
        outcomes.first().map_or("", |o| o.date.as_str()),
        outcomes.last().map_or("", |o| o.date.as_str()),
        started.elapsed(),
        failed.len(),
    );
    assert_eq!(outcomes.len(), VERSIONS, "every version was loaded");
    assert!(
        failed.is_empty(),
        "{} of {VERSIONS} versions do not load cleanly:\n\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}
