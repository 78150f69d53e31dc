//! Four years of real schema changes through the generator and `diff`: three selections of
//! Graph's `beta-USNat.csdl` (see `integration_tests::replay`) generated for each of its 141
//! published versions, and every pair of consecutive crates checked:
//!
//! - `diff` reports a change exactly when the public API differs, as read independently
//!   ([`integration_tests::replay::api_text`]: the public items' tokens, bodies removed);
//! - every Rust item of the older crate is in the newer one unless `diff` reports its removal,
//!   and every item of the newer one is in the older one unless it reports its addition;
//! - no name churns: no item is removed while an item of the same kind and the same CSDL origin
//!   is added under another name.
//!
//! Generation runs in process from the parsed documents; nothing is compiled here (the semver
//! judge, `tests/semver/judge.sh`, compiles the pairs that changed).

use integration_tests::history::{History, VERSIONS, for_each_in_order};
use integration_tests::replay::{Generated, generate_all, selections};
use odata_codegen::diff::{Change, ChangeKind, compare};
use odata_codegen::rust::surface::ApiItem;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

/// The paths a list of changes accounts for, of one kind, with folded members spelled out.
fn accounted(changes: &[Change], kind: ChangeKind, side: &BTreeMap<String, ApiItem>) -> BTreeSet<String> {
    let mut paths = BTreeSet::new();
    for change in changes.iter().filter(|c| c.change == kind) {
        paths.insert(change.path.clone());
        paths.extend(change.also.iter().cloned());
        if matches!(change.element, "struct" | "enum") {
            let members = [format!("{}.", change.path), format!("{}::", change.path)];
            paths.extend(side.keys().filter(|p| members.iter().any(|m| p.starts_with(m.as_str()))).cloned());
        }
    }
    paths
}

#[derive(Default)]
struct Tally {
    pairs: usize,
    changed_pairs: usize,
    added: usize,
    removed: usize,
    changed: usize,
    breaking_pairs: usize,
    type_changes: usize,
}

#[test]
fn every_consecutive_pair_of_real_versions_diffs_exactly_and_names_never_churn() {
    let started = Instant::now();
    let history = History::open();
    assert_eq!(history.commits.len(), VERSIONS);
    let selections = selections();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 8);
    let mut previous: Option<(String, Vec<Generated>)> = None;
    let mut tallies: Vec<Tally> = selections.iter().map(|_| Tally::default()).collect();
    let mut problems: Vec<String> = Vec::new();
    let mut churned: Vec<String> = Vec::new();
    for_each_in_order(
        &history,
        workers,
        |version| (version.date.clone(), generate_all(&version.bytes, &selections)),
        |_, (date, crates)| {
            if let Some((before_date, before)) = &previous {
                for (index, selection) in selections.iter().enumerate() {
                    let (old, new) = (&before[index], &crates[index]);
                    let pair = format!("{} {before_date} → {date}", selection.name);
                    let changes = compare(&old.surface, &new.surface);
                    let tally = &mut tallies[index];
                    tally.pairs += 1;
                    let api_differs = old.api_text != new.api_text;
                    if api_differs == changes.is_empty() {
                        problems.push(format!(
                            "{pair}: the public API {} but diff reports {} change(s)",
                            if api_differs { "differs" } else { "is the same" },
                            changes.len()
                        ));
                    }
                    if changes.is_empty() {
                        continue;
                    }
                    tally.changed_pairs += 1;
                    tally.added += changes.iter().filter(|c| c.change == ChangeKind::Added).count();
                    tally.removed += changes.iter().filter(|c| c.change == ChangeKind::Removed).count();
                    tally.changed += changes.iter().filter(|c| c.change == ChangeKind::Changed).count();
                    tally.breaking_pairs += usize::from(changes.iter().any(|c| c.breaking));
                    tally.type_changes += changes
                        .iter()
                        .filter(|c| c.change == ChangeKind::Changed && c.breaking && c.lints.is_empty())
                        .count();

                    let old_paths: BTreeSet<&String> = old.surface.keys().collect();
                    let new_paths: BTreeSet<&String> = new.surface.keys().collect();
                    let gone: BTreeSet<String> = old_paths.difference(&new_paths).map(|p| (*p).clone()).collect();
                    let came: BTreeSet<String> = new_paths.difference(&old_paths).map(|p| (*p).clone()).collect();
                    let reported_gone = accounted(&changes, ChangeKind::Removed, &old.surface);
                    let reported_came = accounted(&changes, ChangeKind::Added, &new.surface);
                    if gone != reported_gone {
                        problems.push(format!(
                            "{pair}: items gone without a reported removal: {:?}; removals of items still there: {:?}",
                            gone.difference(&reported_gone).collect::<Vec<_>>(),
                            reported_gone.difference(&gone).collect::<Vec<_>>()
                        ));
                    }
                    if came != reported_came {
                        problems.push(format!(
                            "{pair}: items new without a reported addition: {:?}; additions of items already there: {:?}",
                            came.difference(&reported_came).collect::<Vec<_>>(),
                            reported_came.difference(&came).collect::<Vec<_>>()
                        ));
                    }
                    // A churned name: the same schema element, the same kind of item, another path.
                    let added_by_origin: BTreeMap<(&str, &str), &str> = came
                        .iter()
                        .map(|p| (p.as_str(), &new.surface[p]))
                        .filter(|(_, item)| !item.origin.is_empty())
                        .map(|(p, item)| ((item.origin.as_str(), item.kind.label()), p))
                        .collect();
                    for path in &gone {
                        let item = &old.surface[path];
                        if let Some(now) = added_by_origin.get(&(item.origin.as_str(), item.kind.label())) {
                            churned.push(format!("{pair}: {path} is now {now} (both from {})", item.origin));
                        }
                    }
                }
            }
            previous = Some((date, crates));
        },
    );
    println!("replayed {VERSIONS} versions × {} selections in {:.1?}:", selections.len(), started.elapsed());
    println!(
        "| selection | pairs | pairs with API changes | added | removed | changed | breaking pairs | type changes |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (selection, t) in selections.iter().zip(&tallies) {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            selection.name, t.pairs, t.changed_pairs, t.added, t.removed, t.changed, t.breaking_pairs, t.type_changes
        );
    }
    println!("names churned: {}", churned.len());
    assert!(churned.is_empty(), "names churned:\n{}", churned.join("\n"));
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    let total: usize = tallies.iter().map(|t| t.changed_pairs).sum();
    assert!(total >= 10, "the replay found {total} pairs with API changes; the history has more");
    assert!(tallies.iter().all(|t| t.pairs == VERSIONS - 1));
}
