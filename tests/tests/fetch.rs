//! `odata_codegen::fetch` against a loopback HTTP/1.1 server that serves the real Graph
//! documents from `../shared/metadata/graph/` and every kind of failure: the output file is
//! replaced only by a complete document that loads as CSDL, and left byte-identical (with no
//! temporary file beside it) otherwise.
//!
//! The server is a few lines on `std::net::TcpListener`: one thread per connection, one request
//! per connection (`Connection: close`). It answers 406 to any request without
//! `Accept: application/xml`, so every success also shows that the header is sent.
//!
//! The `odata-codegen fetch` command itself is tested through `fetch::command_with` (the
//! function `main` calls, with its streams given), not by running the binary: this package does
//! not build the `odata-codegen` binary.

use odata_codegen::fetch::{FetchError, FetchErrorKind, Fetched, command_with, fetch};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

const GRAPH_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/metadata/graph/");

/// From `../shared/metadata/graph/SOURCES.md`.
const SLICE_SHA256: &str = "8883c9bfc5880a42342827c00989122e65f0194c2c1b034a55a3bbe5af81b66f";
const SLICE_BYTES: u64 = 60407;
const V1_PROD_SHA256: &str = "a9d32d3611746c96043229a98867be064fb782c801b3405bce00c224ea3f6a03";
const V1_PROD_BYTES: u64 = 3382384;

fn document(name: &str) -> &'static [u8] {
    static SLICE: OnceLock<Vec<u8>> = OnceLock::new();
    static V1_PROD: OnceLock<Vec<u8>> = OnceLock::new();
    let cell = match name {
        "beta-cloudpki-slice.csdl" => &SLICE,
        "v1.0-Prod.csdl" => &V1_PROD,
        _ => panic!("no document {name}"),
    };
    cell.get_or_init(|| {
        let path = format!("{GRAPH_DIR}{name}");
        std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    })
}

const SIGN_IN_PAGE: &str = r#"<!DOCTYPE html>
<html dir="ltr" lang="en">
<head><title>Sign in to your account</title><meta charset="utf-8"></head>
<body><form method="post" action="/common/login"><input type="email" name="loginfmt" placeholder="Email, phone, or Skype"><input type="submit" value="Next"></form></body>
</html>
"#;

const NOT_FOUND: &str = r#"{"error":{"code":"ResourceNotFound","message":"Resource not found for the segment 'nothing-here'.","innerError":{"date":"2026-08-21T09:00:00","request-id":"00000000-0000-0000-0000-000000000000"}}}"#;

/// The base URL of the loopback server, started on first use.
fn server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    // A client that gave up (the tests do not) only ends this connection.
                    let _ = serve(stream);
                });
            }
        });
        base
    })
}

/// Reads one request and answers it by its path.
fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut accept = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("accept")
        {
            accept = value.trim().to_string();
        }
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_string();
    if !accept.contains("application/xml") {
        let body = format!("expected Accept: application/xml, got {accept:?}");
        return respond(&mut stream, "406 Not Acceptable", "text/plain", body.as_bytes());
    }
    let xml = "application/xml";
    match path.as_str() {
        "/beta-cloudpki-slice.csdl" => respond(&mut stream, "200 OK", xml, document("beta-cloudpki-slice.csdl")),
        "/v1.0-Prod.csdl" => respond(&mut stream, "200 OK", xml, document("v1.0-Prod.csdl")),
        "/not-found" => respond(&mut stream, "404 Not Found", "application/json", NOT_FOUND.as_bytes()),
        "/server-error" => respond(&mut stream, "500 Internal Server Error", "text/plain", b"upstream failed\n"),
        "/sign-in" => respond(&mut stream, "200 OK", "text/html; charset=utf-8", SIGN_IN_PAGE.as_bytes()),
        "/truncated" => {
            // An honest Content-Length for a document cut in the middle.
            let slice = document("beta-cloudpki-slice.csdl");
            respond(&mut stream, "200 OK", xml, &slice[..slice.len() / 2])
        }
        "/dropped" => {
            // Announces the whole document, sends half of it and closes the connection.
            let slice = document("beta-cloudpki-slice.csdl");
            write_head(&mut stream, "200 OK", xml, Some(slice.len()))?;
            stream.write_all(&slice[..slice.len() / 2])?;
            stream.flush()?;
            stream.shutdown(std::net::Shutdown::Both)
        }
        "/redirect" => {
            let head = "HTTP/1.1 302 Found\r\nLocation: /beta-cloudpki-slice.csdl\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            stream.write_all(head.as_bytes())
        }
        "/slow" => {
            // The slice in 16 pieces, 10 ms apart: the client sees the body grow.
            let slice = document("beta-cloudpki-slice.csdl");
            write_head(&mut stream, "200 OK", xml, Some(slice.len()))?;
            for piece in slice.chunks(slice.len().div_ceil(16)) {
                stream.write_all(piece)?;
                stream.flush()?;
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(())
        }
        "/chunked" => {
            // No Content-Length: the total is unknown until the end.
            let slice = document("beta-cloudpki-slice.csdl");
            write_head(&mut stream, "200 OK", xml, None)?;
            for piece in slice.chunks(8192) {
                write!(stream, "{:x}\r\n", piece.len())?;
                stream.write_all(piece)?;
                stream.write_all(b"\r\n")?;
            }
            stream.write_all(b"0\r\n\r\n")
        }
        _ => respond(&mut stream, "404 Not Found", "text/plain", b"no such test path\n"),
    }
}

fn write_head(stream: &mut TcpStream, status: &str, content_type: &str, length: Option<usize>) -> std::io::Result<()> {
    let length = match length {
        Some(n) => format!("Content-Length: {n}\r\n"),
        None => "Transfer-Encoding: chunked\r\n".to_string(),
    };
    let head = format!("HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{length}Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    write_head(stream, status, content_type, Some(body.len()))?;
    stream.write_all(body)?;
    stream.flush()
}

/// A fresh, empty folder for one test.
fn folder(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fetch").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The names in a folder, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn url(path: &str) -> String {
    format!("{}{path}", server())
}

fn fetch_quietly(url: &str, out: &Path) -> Result<Fetched, FetchError> {
    fetch(url, out, &mut |_, _| {})
}

/// Fetching `path` fails, with an existing output file and without one: the file is unchanged
/// (or still absent) and the folder holds nothing else. Returns the error (with the file).
fn assert_fails(test: &str, path: &str) -> FetchError {
    let dir = folder(test);
    let out = dir.join("beta-metadata.csdl");
    let fresh = fetch_quietly(&url(path), &out).expect_err("the download must fail");
    assert!(!fresh.out_existed);
    assert!(fresh.to_string().contains("nothing was written to"), "{fresh}");
    assert_eq!(listing(&dir), Vec::<String>::new(), "{fresh}");

    let previous = b"<previous document, kept on failure>\n".repeat(100);
    std::fs::write(&out, &previous).unwrap();
    let error = fetch_quietly(&url(path), &out).expect_err("the download must fail");
    assert!(error.out_existed);
    assert_eq!(std::fs::read(&out).unwrap(), previous, "{error}");
    assert_eq!(listing(&dir), ["beta-metadata.csdl"], "{error}");
    assert!(!error.is_local(), "{error}");
    assert!(error.to_string().contains(&format!("{} is unchanged", out.display())), "{error}");
    error
}

#[test]
fn fetch_writes_the_document_with_its_sha256() {
    let dir = folder("success");
    let out = dir.join("beta-metadata.csdl");
    let fetched = fetch_quietly(&url("/beta-cloudpki-slice.csdl"), &out).unwrap();
    assert_eq!(
        fetched,
        Fetched { path: out.clone(), bytes: SLICE_BYTES, sha256: SLICE_SHA256.to_string(), previous_sha256: None }
    );
    assert_eq!(std::fs::read(&out).unwrap(), document("beta-cloudpki-slice.csdl"));
    assert_eq!(listing(&dir), ["beta-metadata.csdl"]);
}

#[test]
fn a_second_fetch_reports_the_previous_sha256() {
    let dir = folder("second");
    let out = dir.join("beta-metadata.csdl");
    fetch_quietly(&url("/beta-cloudpki-slice.csdl"), &out).unwrap();
    let fetched = fetch_quietly(&url("/v1.0-Prod.csdl"), &out).unwrap();
    assert_eq!(fetched.bytes, V1_PROD_BYTES);
    assert_eq!(fetched.sha256, V1_PROD_SHA256);
    assert_eq!(fetched.previous_sha256.as_deref(), Some(SLICE_SHA256));
    assert_eq!(std::fs::read(&out).unwrap(), document("v1.0-Prod.csdl"));
    assert_eq!(listing(&dir), ["beta-metadata.csdl"]);
}

#[test]
fn the_output_folder_is_created() {
    let dir = folder("new-folder");
    let out = dir.join("metadata").join("beta-metadata.csdl");
    let fetched = fetch_quietly(&url("/beta-cloudpki-slice.csdl"), &out).unwrap();
    assert_eq!(fetched.sha256, SLICE_SHA256);
    assert_eq!(listing(&dir.join("metadata")), ["beta-metadata.csdl"]);

    // A failed request creates no folder.
    let out = dir.join("other").join("beta-metadata.csdl");
    fetch_quietly(&url("/not-found"), &out).unwrap_err();
    assert_eq!(listing(&dir), ["metadata"]);
}

#[test]
fn redirects_are_followed() {
    let dir = folder("redirect");
    let out = dir.join("beta-metadata.csdl");
    let fetched = fetch_quietly(&url("/redirect"), &out).unwrap();
    assert_eq!(fetched.sha256, SLICE_SHA256);
    assert_eq!(listing(&dir), ["beta-metadata.csdl"]);
}

#[test]
fn progress_is_reported_with_increasing_counts() {
    let dir = folder("progress");
    let out = dir.join("beta-metadata.csdl");
    let mut calls = Vec::new();
    let fetched = fetch(&url("/slow"), &out, &mut |received, total| calls.push((received, total))).unwrap();
    assert_eq!(fetched.sha256, SLICE_SHA256);
    assert!(calls.len() >= 4, "{calls:?}");
    assert_eq!(calls.first(), Some(&(0, Some(SLICE_BYTES))));
    assert_eq!(calls.last(), Some(&(SLICE_BYTES, Some(SLICE_BYTES))));
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
}

#[test]
fn progress_without_content_length_has_no_total() {
    let dir = folder("chunked");
    let out = dir.join("beta-metadata.csdl");
    let mut calls = Vec::new();
    let fetched = fetch(&url("/chunked"), &out, &mut |received, total| calls.push((received, total))).unwrap();
    assert_eq!(fetched.sha256, SLICE_SHA256);
    assert!(calls.iter().all(|(_, total)| total.is_none()), "{calls:?}");
    assert_eq!(calls.last(), Some(&(SLICE_BYTES, None)));
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
}

#[test]
fn http_404_fails_with_the_odata_error() {
    let error = assert_fails("not-found", "/not-found");
    match &error.kind {
        FetchErrorKind::Status { status: 404, detail, .. } => {
            assert_eq!(detail, "ResourceNotFound: Resource not found for the segment 'nothing-here'.")
        }
        other => panic!("expected HTTP 404, got {other:?}"),
    }
    assert!(error.to_string().contains("answered HTTP 404 Not Found: ResourceNotFound"), "{error}");
}

#[test]
fn http_500_fails() {
    let error = assert_fails("server-error", "/server-error");
    match &error.kind {
        FetchErrorKind::Status { status: 500, detail, .. } => assert_eq!(detail, "upstream failed"),
        other => panic!("expected HTTP 500, got {other:?}"),
    }
}

#[test]
fn an_html_sign_in_page_is_refused() {
    let error = assert_fails("sign-in", "/sign-in");
    match &error.kind {
        FetchErrorKind::NotCsdl { content_type, rendered, .. } => {
            assert_eq!(content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert!(rendered.starts_with("error["), "{rendered}");
            assert!(rendered.contains(&format!("--> {}:", url("/sign-in"))), "{rendered}");
        }
        other => panic!("expected a CSDL error, got {other:?}"),
    }
}

#[test]
fn truncated_xml_is_refused() {
    let error = assert_fails("truncated", "/truncated");
    match &error.kind {
        FetchErrorKind::NotCsdl { rendered, .. } => {
            assert!(rendered.contains(&format!("--> {}:", url("/truncated"))), "{rendered}");
        }
        other => panic!("expected a CSDL error, got {other:?}"),
    }
}

#[test]
fn a_dropped_connection_fails() {
    let error = assert_fails("dropped", "/dropped");
    match &error.kind {
        FetchErrorKind::Incomplete { received, expected, .. } => {
            assert!(*received < SLICE_BYTES, "{error}");
            assert_eq!(*expected, Some(SLICE_BYTES));
        }
        other => panic!("expected an incomplete download, got {other:?}"),
    }
}

#[test]
fn a_refused_connection_fails() {
    // A port that was free a moment ago and has no listener now.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = folder("refused");
    let out = dir.join("beta-metadata.csdl");
    std::fs::write(&out, "previous").unwrap();
    let error = fetch_quietly(&format!("http://127.0.0.1:{port}/$metadata"), &out).unwrap_err();
    assert!(matches!(error.kind, FetchErrorKind::Request { .. }), "{error:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
    assert_eq!(listing(&dir), ["beta-metadata.csdl"]);
}

#[test]
fn an_unreadable_output_is_a_local_error() {
    // The output path is a folder: nothing is downloaded, the folder is untouched.
    let dir = folder("local");
    let out = dir.join("beta-metadata.csdl");
    std::fs::create_dir(&out).unwrap();
    let error = fetch_quietly(&url("/beta-cloudpki-slice.csdl"), &out).unwrap_err();
    assert!(error.is_local(), "{error}");
    assert_eq!(listing(&dir), ["beta-metadata.csdl"]);
    assert!(out.is_dir());
}

#[test]
fn the_command_reports_the_new_file_and_then_the_previous_sha256() {
    let dir = folder("command");
    let out = dir.join("beta-metadata.csdl");
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = command_with(&url("/beta-cloudpki-slice.csdl"), &out, &mut stdout, &mut stderr, false);
    let stdout = String::from_utf8(stdout).unwrap();
    assert_eq!(status, 0, "{}", String::from_utf8_lossy(&stderr));
    assert_eq!(stdout, format!("wrote {}: 60,407 bytes, sha256 {SLICE_SHA256} (new file)\n", out.display()));
    // A small download to a pipe shows no progress.
    assert_eq!(String::from_utf8(stderr).unwrap(), "");

    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = command_with(&url("/v1.0-Prod.csdl"), &out, &mut stdout, &mut stderr, false);
    let (stdout, stderr) = (String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap());
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        stdout,
        format!("wrote {}: 3,382,384 bytes, sha256 {V1_PROD_SHA256} (was {SLICE_SHA256})\n", out.display())
    );
    // A large one does: a line every 10%, then the final line.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.first(), Some(&"downloading 0.0 MB of 3.4 MB (0%)"), "{stderr}");
    assert!(lines.contains(&"downloading 3.4 MB of 3.4 MB (100%)"), "{stderr}");
    assert!(lines.last().unwrap().starts_with("downloaded 3.4 MB in "), "{stderr}");
    assert!(lines.len() <= 12, "{stderr}");
}

#[test]
fn the_command_on_a_terminal_rewrites_one_line() {
    let dir = folder("command-terminal");
    let out = dir.join("beta-metadata.csdl");
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = command_with(&url("/slow"), &out, &mut stdout, &mut stderr, true);
    let stderr = String::from_utf8(stderr).unwrap();
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.starts_with("\rdownloading 0 kB of 60 kB (0%)"), "{stderr:?}");
    assert!(stderr.contains("\rdownloaded 60 kB in "), "{stderr:?}");
    assert_eq!(stderr.matches('\n').count(), 1, "{stderr:?}");
    assert!(stderr.ends_with('\n'));
}

#[test]
fn the_command_fails_with_status_1_and_keeps_the_file() {
    let dir = folder("command-failure");
    let out = dir.join("beta-metadata.csdl");
    std::fs::write(&out, "previous").unwrap();
    for path in ["/not-found", "/sign-in", "/dropped"] {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let status = command_with(&url(path), &out, &mut stdout, &mut stderr, true);
        let stderr = String::from_utf8(stderr).unwrap();
        assert_eq!(status, 1, "{path}: {stderr}");
        assert!(stdout.is_empty(), "{path}");
        let error = stderr.lines().find(|line| line.starts_with("error: ")).unwrap_or_else(|| panic!("{stderr}"));
        assert!(error.contains(&format!("{} is unchanged", out.display())), "{path}: {stderr}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous");
        assert_eq!(listing(&dir), ["beta-metadata.csdl"]);
    }
}

#[test]
fn the_command_fails_with_status_2_on_a_local_error() {
    let dir = folder("command-local");
    let out = dir.join("beta-metadata.csdl");
    std::fs::create_dir(&out).unwrap();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let status = command_with(&url("/beta-cloudpki-slice.csdl"), &out, &mut stdout, &mut stderr, false);
    assert_eq!(status, 2, "{}", String::from_utf8_lossy(&stderr));
}
