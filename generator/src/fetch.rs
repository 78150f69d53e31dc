//! Downloads a `$metadata` document and replaces a local copy only with a complete, readable one.
//!
//! [`fetch`] streams the body into `.<name>.download` next to the output file, checks that it
//! has every byte the server announced and that it [`load`](crate::load)s as CSDL without
//! errors, and only then renames it over the output. On any failure the temporary file is
//! removed and the output file is left exactly as it was. [`command`] is the `fetch`
//! subcommand: progress on stderr, the result on stdout, exit status 0, 1 or 2.

use crate::SourceFile;
use crate::generate::sha256;
use std::fmt;
use std::fs::File;
use std::io::{IsTerminal as _, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Where `odata-codegen fetch` downloads from unless told otherwise.
pub const DEFAULT_URL: &str = "https://graph.microsoft.com/beta/$metadata";

/// How long to wait for the TCP (and TLS) connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one read may wait for the next bytes before the download counts as stalled.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
/// The whole exchange, redirects and body included: generous, an 8 MB document on a slow
/// line still fits.
const TOTAL_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How much of an error response's body is read to explain the error.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// A completed download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The file that now holds the document.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its sha256, lowercase hex.
    pub sha256: String,
    /// The sha256 of the file it replaced, `None` when there was none.
    pub previous_sha256: Option<String>,
}

/// A download that did not replace the output file. The output file is unchanged (or still
/// absent) and no temporary file is left behind.
#[derive(Debug)]
pub struct FetchError {
    /// The URL that was asked for.
    pub url: String,
    /// The output file that was left alone.
    pub out: PathBuf,
    /// Whether the output file existed before the download.
    pub out_existed: bool,
    pub kind: FetchErrorKind,
}

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum FetchErrorKind {
    /// No response: bad URL, name resolution, connection refused, TLS, timeout, too many
    /// redirects.
    Request { error: String },
    /// The server answered with a status other than 2xx. `detail` is the OData error's code
    /// and message, or the start of the body.
    Status { status: u16, reason: String, detail: String },
    /// The body stopped before its end: the connection dropped or timed out, or fewer bytes
    /// arrived than `Content-Length` announced.
    Incomplete { received: u64, expected: Option<u64>, error: String },
    /// The body arrived but is not a CSDL document that loads without errors (an HTML sign-in
    /// page, truncated XML, ...). `rendered` is the loader's first error with its location.
    NotCsdl { content_type: Option<String>, errors: usize, rendered: String },
    /// A local file operation failed (creating the folder, writing the temporary file,
    /// reading the previous file, renaming).
    Local { path: PathBuf, action: &'static str, error: std::io::Error },
}

impl FetchError {
    /// `true` when the failure is on this machine (exit status 2) rather than in the download
    /// or the document (exit status 1).
    pub fn is_local(&self) -> bool {
        matches!(self.kind, FetchErrorKind::Local { .. })
    }

    fn unchanged(&self) -> String {
        if self.out_existed {
            format!("{} is unchanged", self.out.display())
        } else {
            format!("nothing was written to {}", self.out.display())
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.url;
        let unchanged = self.unchanged();
        match &self.kind {
            FetchErrorKind::Request { error } => write!(f, "cannot download {url}: {error}; {unchanged}"),
            FetchErrorKind::Status { status, reason, detail } => {
                write!(f, "{url} answered HTTP {status}")?;
                if !reason.is_empty() {
                    write!(f, " {reason}")?;
                }
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                write!(f, "; {unchanged}")
            }
            FetchErrorKind::Incomplete { received, expected, error } => {
                write!(f, "the download of {url} broke off after {} bytes", thousands(*received))?;
                if let Some(expected) = expected {
                    write!(f, " of {}", thousands(*expected))?;
                }
                write!(f, ": {error}; {unchanged}")
            }
            FetchErrorKind::NotCsdl { content_type, errors, rendered } => {
                write!(f, "{url} did not send a readable CSDL document")?;
                if let Some(content_type) = content_type {
                    write!(f, " (Content-Type: {content_type})")?;
                }
                match errors {
                    1 => write!(f, "; {unchanged}. The error:")?,
                    _ => write!(f, "; {unchanged}. The first of its {errors} errors:")?,
                }
                write!(f, "\n\n{}", rendered.trim_end())
            }
            FetchErrorKind::Local { path, action, error } => {
                write!(f, "cannot {action} {}: {error}; {unchanged}", path.display())
            }
        }
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            FetchErrorKind::Local { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Removes the temporary file unless the download was moved into place (also on a panic in
/// the progress callback).
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Downloads `url` and, when the body is complete and loads as CSDL without errors, atomically
/// replaces `out` with it.
///
/// `progress` is called with the bytes received so far and the announced total
/// (`Content-Length`, `None` when the server does not send one): once with 0 before the body,
/// then after every block. Redirects are followed; `Accept: application/xml` is sent; proxies
/// come from the usual `HTTP(S)_PROXY` / `NO_PROXY` variables. The folder of `out` is created
/// when missing, once a successful response arrives. On any error `out` is untouched and
/// `.<name>.download` is removed.
pub fn fetch(url: &str, out: &Path, progress: &mut dyn FnMut(u64, Option<u64>)) -> Result<Fetched, FetchError> {
    let previous = match std::fs::read(out) {
        Ok(bytes) => Some(sha256(&bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(FetchError {
                url: url.to_string(),
                out: out.to_path_buf(),
                out_existed: true,
                kind: FetchErrorKind::Local { path: out.to_path_buf(), action: "read", error },
            });
        }
    };
    let fail =
        |kind| FetchError { url: url.to_string(), out: out.to_path_buf(), out_existed: previous.is_some(), kind };
    let local = |path: &Path, action, error| fail(FetchErrorKind::Local { path: path.to_path_buf(), action, error });

    let Some(name) = out.file_name() else {
        let error = std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name");
        return Err(local(out, "write", error));
    };
    let folder = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(".download");
    let temp_path = folder.join(temp_name);

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_per_read(Some(READ_TIMEOUT))
        .timeout_global(Some(TOTAL_TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!("odata-codegen/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .header("Accept", "application/xml")
        .call()
        .map_err(|e| fail(FetchErrorKind::Request { error: e.to_string() }))?;

    let status = response.status();
    if !status.is_success() {
        let mut body = Vec::new();
        let _ = response.body_mut().as_reader().take(ERROR_BODY_LIMIT).read_to_end(&mut body);
        return Err(fail(FetchErrorKind::Status {
            status: status.as_u16(),
            reason: status.canonical_reason().unwrap_or_default().to_string(),
            detail: error_detail(&body),
        }));
    }
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
    let total = response.body().content_length();

    std::fs::create_dir_all(folder).map_err(|e| local(folder, "create the folder", e))?;
    let mut temp = TempFile { path: temp_path, keep: false };
    let mut file = File::create(&temp.path).map_err(|e| local(&temp.path, "create", e))?;
    let mut bytes = Vec::with_capacity(total.unwrap_or(0).min(64 << 20) as usize);
    let mut reader = response.body_mut().as_reader();
    let mut block = vec![0; 64 * 1024];
    progress(0, total);
    loop {
        let n = match reader.read(&mut block) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let error = e.to_string();
                return Err(fail(FetchErrorKind::Incomplete { received: bytes.len() as u64, expected: total, error }));
            }
        };
        file.write_all(&block[..n]).map_err(|e| local(&temp.path, "write", e))?;
        bytes.extend_from_slice(&block[..n]);
        progress(bytes.len() as u64, total);
    }
    let received = bytes.len() as u64;
    if let Some(expected) = total.filter(|&expected| expected != received) {
        let error = "the length differs from Content-Length".to_string();
        return Err(fail(FetchErrorKind::Incomplete { received, expected: Some(expected), error }));
    }
    file.sync_all().map_err(|e| local(&temp.path, "write", e))?;
    drop(file);

    let loaded = crate::load(&bytes);
    let mut errors = loaded.errors();
    if let Some(first) = errors.next() {
        let rendered = SourceFile::new(url, &bytes).render(first);
        return Err(fail(FetchErrorKind::NotCsdl { content_type, errors: 1 + errors.count(), rendered }));
    }
    if loaded.model.is_none() {
        // `load` gives no model only with its fatal error, which is handled above; refuse anyway.
        let rendered = "error: the document could not be read as CSDL".to_string();
        return Err(fail(FetchErrorKind::NotCsdl { content_type, errors: 1, rendered }));
    }

    std::fs::rename(&temp.path, out).map_err(|e| local(out, "replace", e))?;
    temp.keep = true;
    Ok(Fetched { path: out.to_path_buf(), bytes: received, sha256: sha256(&bytes), previous_sha256: previous })
}

/// The code and message of an OData error body (`{"error": {"code", "message"}}`), or the start
/// of the body's text on one line (without tags, for an HTML or XML body).
fn error_detail(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        let error = &json["error"];
        let code = error["code"].as_str().unwrap_or_default();
        let message = error["message"].as_str().unwrap_or_default();
        match (code.is_empty(), message.is_empty()) {
            (false, false) => return format!("{code}: {message}"),
            (true, false) => return message.to_string(),
            (false, true) => return code.to_string(),
            (true, true) => {}
        }
    }
    let mut text = String::from_utf8_lossy(body).into_owned();
    if text.trim_start().starts_with('<') {
        let mut in_tag = false;
        text.retain(|c| match c {
            '<' => {
                in_tag = true;
                false
            }
            '>' if in_tag => {
                in_tag = false;
                false
            }
            _ => !in_tag,
        });
    }
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    }
}

/// `odata-codegen fetch`: downloads with progress on stderr, reports on stdout.
pub fn command(url: &str, out: &Path) -> ExitCode {
    let stderr = std::io::stderr();
    let terminal = stderr.is_terminal();
    let status = command_with(url, out, &mut std::io::stdout().lock(), &mut stderr.lock(), terminal);
    ExitCode::from(status)
}

/// [`command`] with its streams given: returns the exit status (0 written, 1 the download or
/// the check failed, 2 a local I/O error). `terminal` says whether `stderr` is a terminal: the
/// progress is then one line rewritten in place, otherwise a line every 10% and only for
/// downloads over 1 MB.
pub fn command_with(url: &str, out: &Path, stdout: &mut dyn Write, stderr: &mut dyn Write, terminal: bool) -> u8 {
    let mut shown = Progress { stderr, terminal, line: String::new(), step: None, received: 0, start: Instant::now() };
    let result = fetch(url, out, &mut |received, total| shown.update(received, total));
    shown.finish(result.is_ok());
    let stderr = shown.stderr;
    match result {
        Ok(fetched) => {
            let was = match &fetched.previous_sha256 {
                None => "new file".to_string(),
                Some(previous) if *previous == fetched.sha256 => "unchanged".to_string(),
                Some(previous) => format!("was {previous}"),
            };
            let _ = writeln!(
                stdout,
                "wrote {}: {} bytes, sha256 {} ({was})",
                fetched.path.display(),
                thousands(fetched.bytes),
                fetched.sha256
            );
            0
        }
        Err(e) => {
            let _ = writeln!(stderr, "error: {e}");
            if e.is_local() { 2 } else { 1 }
        }
    }
}

/// Above this size a download shows progress even when stderr is not a terminal.
const LARGE: u64 = 1_000_000;

struct Progress<'a> {
    stderr: &'a mut dyn Write,
    terminal: bool,
    /// The line currently shown (terminal) or the last line printed.
    line: String,
    /// Non-terminal: the last 10% step (or whole MB when the size is unknown) printed.
    step: Option<u64>,
    received: u64,
    start: Instant,
}

impl Progress<'_> {
    fn update(&mut self, received: u64, total: Option<u64>) {
        self.received = received;
        let text = match total {
            Some(total) if total > 0 => {
                format!("downloading {} of {} ({}%)", size(received, total), size(total, total), received * 100 / total)
            }
            _ => format!("downloading {}", size(received, received)),
        };
        if self.terminal {
            if text != self.line {
                let pad = self.line.len().saturating_sub(text.len());
                let _ = write!(self.stderr, "\r{text}{:pad$}", "");
                let _ = self.stderr.flush();
                self.line = text;
            }
            return;
        }
        if total.unwrap_or(received) <= LARGE {
            return;
        }
        let step = match total {
            Some(total) if total > 0 => received * 10 / total,
            _ => received / LARGE,
        };
        if self.step != Some(step) {
            self.step = Some(step);
            let _ = writeln!(self.stderr, "{text}");
            self.line = text;
        }
    }

    /// Ends the progress display: a final line on success, a line break before an error.
    fn finish(&mut self, ok: bool) {
        if self.line.is_empty() {
            return;
        }
        if ok {
            let seconds = self.start.elapsed().as_secs_f64();
            let done = format!("downloaded {} in {seconds:.1} s", size(self.received, self.received));
            if self.terminal {
                let pad = self.line.len().saturating_sub(done.len());
                let _ = writeln!(self.stderr, "\r{done}{:pad$}", "");
            } else {
                let _ = writeln!(self.stderr, "{done}");
            }
        } else if self.terminal {
            let _ = writeln!(self.stderr);
        }
        let _ = self.stderr.flush();
    }
}

/// `3.2 MB` (decimal megabytes, one decimal); `59 kB` or `420 B` when `scale` is below 1 MB or
/// 1 kB (`scale` is the total, so that both numbers of a line share the unit).
fn size(bytes: u64, scale: u64) -> String {
    if scale < 1000 {
        format!("{bytes} B")
    } else if scale < 1_000_000 {
        format!("{} kB", bytes / 1000)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

/// `8,330,296`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(8_330_296), "8,330,296");
    }

    #[test]
    fn odata_error_detail() {
        let body = br#"{"error":{"code":"ResourceNotFound","message":"Resource not found."}}"#;
        assert_eq!(error_detail(body), "ResourceNotFound: Resource not found.");
        assert_eq!(error_detail(b"<html>\n  <body><h1>Bad   gateway</h1></body></html>"), "Bad gateway");
        assert_eq!(error_detail(b"<error><code>X</code>\n<message>Y</message></error>"), "X Y");
        assert_eq!(error_detail(b"upstream failed\n"), "upstream failed");
        assert_eq!(error_detail(&[b'x'; 300]).len(), 203);
    }
}
