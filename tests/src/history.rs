//! The real published history of a Microsoft Graph document: `../shared/metadata/history/`
//! holds a git bundle with the 141 versions of `beta-USNat.csdl` (2022-06-13 to 2026-08-04, one
//! commit each, oldest first; see its README.md).
//!
//! The bundle is cloned (bare) into a temporary folder with `git` as a child process, and the
//! versions are streamed through one `git cat-file --batch`. Everything fails, never skips, when
//! the bundle or git is missing.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

pub const BUNDLE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/history/beta-USNat-history.bundle");
/// The file each commit holds.
pub const FILE: &str = "beta-USNat.csdl";
/// How many versions the bundle holds (its README says so).
pub const VERSIONS: usize = 141;

/// One published version.
pub struct Version {
    /// 0 for the oldest.
    pub index: usize,
    /// The publication date, `2022-06-13`.
    pub date: String,
    pub commit: String,
    pub bytes: Vec<u8>,
}

/// The cloned history: its commits, oldest first. The clone is removed when dropped.
pub struct History {
    folder: PathBuf,
    /// (commit, date) of every version, oldest first.
    pub commits: Vec<(String, String)>,
}

impl History {
    pub fn open() -> History {
        let bundle = Path::new(BUNDLE);
        assert!(
            bundle.is_file(),
            "the history bundle {} is missing: the tests read the real history of {FILE} from ../shared",
            bundle.display()
        );
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
        let folder = std::env::temp_dir().join(format!("odata-codegen-history-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("cannot create {}: {e}", folder.display()));
        let mut history = History { folder, commits: Vec::new() };
        let repository = history.repository().display().to_string();
        git(&["clone", "--quiet", "--bare", &bundle.display().to_string(), &repository]);
        history.commits = git(&["-C", &repository, "log", "--reverse", "--format=%H %cs"])
            .lines()
            .map(|line| {
                let (commit, date) = line.split_once(' ').expect("`%H %cs` lines");
                (commit.to_owned(), date.to_owned())
            })
            .collect();
        history
    }

    fn repository(&self) -> PathBuf {
        self.folder.join("history.git")
    }

    /// Every version, oldest first, read through one `git cat-file --batch`.
    pub fn versions(&self) -> Versions {
        let mut process = Command::new("git")
            .args(["-C", &self.repository().display().to_string(), "cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run `git cat-file` ({e}); the history tests need git on PATH"));
        let mut requests = process.stdin.take().expect("piped stdin");
        let wanted: Vec<String> = self.commits.iter().map(|(commit, _)| format!("{commit}:{FILE}\n")).collect();
        // A writer thread, so that neither pipe fills up while the other waits.
        std::thread::spawn(move || {
            for line in wanted {
                requests.write_all(line.as_bytes()).expect("git cat-file reads its requests");
            }
        });
        let answers = BufReader::new(process.stdout.take().expect("piped stdout"));
        Versions { process, answers, commits: self.commits.clone(), next: 0 }
    }
}

impl Drop for History {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// The versions as `git cat-file` answers them.
pub struct Versions {
    process: Child,
    answers: BufReader<ChildStdout>,
    commits: Vec<(String, String)>,
    next: usize,
}

impl Iterator for Versions {
    type Item = Version;

    fn next(&mut self) -> Option<Version> {
        let (commit, date) = self.commits.get(self.next)?.clone();
        let mut header = String::new();
        self.answers.read_line(&mut header).expect("git cat-file answers");
        let fields: Vec<&str> = header.split_whitespace().collect();
        let size = match fields.as_slice() {
            [_, "blob", size] => size.parse::<usize>().expect("a blob size"),
            _ => panic!("{commit} ({date}) has no {FILE}: git cat-file answered `{}`", header.trim_end()),
        };
        let mut bytes = vec![0; size];
        self.answers.read_exact(&mut bytes).expect("the whole blob");
        let mut newline = [0u8; 1];
        self.answers.read_exact(&mut newline).expect("the newline after a blob");
        let index = self.next;
        self.next += 1;
        if self.next == self.commits.len() {
            let status = self.process.wait().expect("git cat-file exits");
            assert!(status.success(), "git cat-file --batch failed: {status}");
        }
        Some(Version { index, date, commit, bytes })
    }
}

/// `git` with the given arguments; panics with its stderr if it cannot run or fails.
fn git(args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run `git` ({e}); the history tests need git on PATH"));
    assert!(
        output.status.success(),
        "`git {}` failed ({}):\n{}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("git prints UTF-8 here")
}

/// Runs `produce` on every version on `workers` threads and hands the results to `consume` in
/// version order, keeping only a few versions in memory at a time.
pub fn for_each_in_order<T: Send>(
    history: &History,
    workers: usize,
    produce: impl Fn(Version) -> T + Sync,
    mut consume: impl FnMut(usize, T),
) {
    let (to_workers, work) = std::sync::mpsc::sync_channel::<Version>(workers);
    let work = std::sync::Mutex::new(work);
    let (to_main, results) = std::sync::mpsc::sync_channel::<(usize, T)>(workers);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (work, to_main, produce) = (&work, to_main.clone(), &produce);
            scope.spawn(move || {
                loop {
                    let next = work.lock().expect("no worker panics holding the lock").recv();
                    let Ok(version) = next else { break };
                    let index = version.index;
                    if to_main.send((index, produce(version))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(to_main);
        let versions = history.versions();
        scope.spawn(move || {
            for version in versions {
                if to_workers.send(version).is_err() {
                    break;
                }
            }
        });
        let mut pending = std::collections::BTreeMap::new();
        let mut next = 0;
        for (index, result) in results {
            pending.insert(index, result);
            while let Some(result) = pending.remove(&next) {
                consume(next, result);
                next += 1;
            }
        }
        assert_eq!(next, history.commits.len(), "every version was produced (a worker panicked?)");
    });
}
