//! A real OData v4 server for the tests: the SAP CAP service in `tests/cap/` (a small lending
//! library on an in-memory SQLite database), run by Node.js as a child process.
//!
//! [`CapServer::start`] installs the npm packages when needed (`tests/cap/install.sh`), starts
//! `cds-serve` on 127.0.0.1 with a port the OS picks, waits until `$metadata` answers 200 and
//! hands back the service root. Dropping the server kills its process group and reaps it. The
//! server also exits by itself when its stdin closes, which covers a test process that dies
//! without running destructors (and [`CapServer::shared`], which never drops).
//!
//! Node.js 20+ and npm are required: without them the tests fail with a message saying what to
//! install (they never skip). The first install compiles better-sqlite3 (about 75 s on two
//! cores); later ones are restored from a cache in about a second.
//!
//! [`http`] is the small HTTP/1.1 client the harness and the tests use (one request per
//! connection, `Connection: close`).

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The service's path under the server's origin.
pub const SERVICE_PATH: &str = "/odata/v4/catalog/";

/// How long [`CapServer::start`] waits for the server (after the install) before giving up.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The line `tests/cap/server.js` prints once the server listens.
const LISTENING: &str = "CAP_TEST_SERVER_LISTENING ";

/// The CAP project folder (`tests/cap/`).
pub fn cap_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cap")
}

/// Every book key in the seed data: `/`, `'`, spaces, `%`, `+`, `&`, `?`, `#`, `(`, `,`, `;` and
/// non-ASCII letters.
pub const BOOK_IDS: [&str; 14] = [
    "harbor-lights",
    "north/south",
    "o'hara-notes",
    "ferryman's/log",
    "the quiet hour",
    "100% rye",
    "café-münchen",
    "東京の夜",
    "c++&more",
    "why?not#2",
    "shelf (a,b);c",
    "starfall",
    "salt-and-iron",
    "deep-field",
];

/// A running CAP server, killed on drop.
pub struct CapServer {
    child: Child,
    stdin: Option<ChildStdin>,
    origin: String,
    base_url: String,
    log: Arc<Mutex<String>>,
    started_in: Duration,
}

impl CapServer {
    /// Starts a fresh server (with fresh seed data) and waits until it serves `$metadata`.
    /// Panics, with the server's output, when it cannot.
    pub fn start() -> CapServer {
        CapServer::start_with_env(&[])
    }

    /// Like [`CapServer::start`], with extra environment variables for the server process, for
    /// example `("CDS_FEATURES_IEEE754COMPATIBLE", "true")` to have Decimal and Int64 written as
    /// JSON strings.
    pub fn start_with_env(env: &[(&str, &str)]) -> CapServer {
        ensure_installed();
        let node = node_program();
        let started = Instant::now();
        let dir = cap_dir();
        let mut command = Command::new(&node);
        command
            .arg("node_modules/@sap/cds/bin/serve.js")
            .args(["all", "--port", "0"])
            .current_dir(&dir)
            .env("CAP_HOST", "127.0.0.1")
            .env("CAP_EXIT_WITH_STDIN", "1")
            .env("NO_COLOR", "1")
            .env_remove("PORT")
            .env_remove("NODE_ENV")
            .env_remove("CDS_ENV")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group, so Drop can kill whatever it may spawn.
            command.process_group(0);
        }
        let mut child =
            command.spawn().unwrap_or_else(|e| panic!("cannot start {} in {}: {e}", node.display(), dir.display()));
        let stdin = child.stdin.take();
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel::<String>();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        spawn_reader(stdout, Arc::clone(&log), Some(tx));
        spawn_reader(stderr, Arc::clone(&log), None);

        let mut server =
            CapServer { child, stdin, origin: String::new(), base_url: String::new(), log, started_in: Duration::ZERO };
        let deadline = started + START_TIMEOUT;

        // 1. The address, from the line server.js prints.
        let origin = loop {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(origin) => break origin,
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                // stdout closed: the process is ending; let try_wait see it.
                Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(Duration::from_millis(100)),
            }
            server.fail_if_exited("before listening");
            if Instant::now() > deadline {
                server.fail(&format!("did not listen within {START_TIMEOUT:?}"));
            }
        };
        server.base_url = format!("{origin}{SERVICE_PATH}");
        server.origin = origin;

        // 2. $metadata answers 200.
        let metadata_url = format!("{}$metadata", server.base_url);
        loop {
            match http::get(&metadata_url) {
                Ok(response) if response.status == 200 => break,
                Ok(_) | Err(_) if Instant::now() < deadline => {}
                Ok(response) => server.fail(&format!("$metadata still answers {}", response.status)),
                Err(e) => server.fail(&format!("$metadata still fails: {e}")),
            }
            server.fail_if_exited("before serving $metadata");
            std::thread::sleep(Duration::from_millis(100));
        }
        server.started_in = started.elapsed();
        server
    }

    /// One server for a whole test binary, started on first use. It is never dropped: it exits
    /// when the test process does (its stdin closes). Tests sharing it must not depend on
    /// state other tests change.
    pub fn shared() -> &'static CapServer {
        static SHARED: OnceLock<CapServer> = OnceLock::new();
        SHARED.get_or_init(CapServer::start)
    }

    /// The service root, with a trailing slash: `http://127.0.0.1:PORT/odata/v4/catalog/`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `http://127.0.0.1:PORT`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.origin.rsplit(':').next().and_then(|p| p.parse().ok()).expect("the origin ends with a port")
    }

    /// The server's process id (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// How long the server took from spawn to answering `$metadata`.
    pub fn started_in(&self) -> Duration {
        self.started_in
    }

    /// The URL of `path` under the service root (`path` without a leading slash).
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The service's CSDL XML, `GET $metadata` (asking for XML: with `Accept: application/json`
    /// CAP answers with CSDL JSON instead).
    pub fn metadata(&self) -> String {
        let url = self.url("$metadata");
        let response = http::request("GET", &url, &[("Accept", "application/xml")], None)
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(response.status, 200, "GET {url}: {}", response.text());
        response.text()
    }

    /// What the server printed so far (stdout and stderr).
    pub fn log(&self) -> String {
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    fn fail_if_exited(&mut self, when: &str) {
        if let Ok(Some(status)) = self.child.try_wait() {
            // Let the readers drain the pipes.
            std::thread::sleep(Duration::from_millis(200));
            self.fail(&format!("exited {when} ({status})"));
        }
    }

    fn fail(&mut self, what: &str) -> ! {
        let log = self.log();
        self.stop();
        panic!("the CAP server in {} {what}. Its output:\n{log}", cap_dir().display());
    }

    fn stop(&mut self) {
        // Closing stdin alone makes server.js exit; the kill makes sure of it.
        drop(self.stdin.take());
        #[cfg(unix)]
        {
            let group = format!("-{}", self.child.id());
            let _ = Command::new("kill")
                .args(["-s", "KILL", "--", &group])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for CapServer {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- the CAP server's output ({}) ---\n{}", self.base_url, self.log());
        }
        self.stop();
    }
}

impl std::fmt::Debug for CapServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CapServer").field("pid", &self.child.id()).field("base_url", &self.base_url).finish()
    }
}

/// Starts a server, fetches its `$metadata` XML and stops it: the document to feed to the
/// generator.
pub fn metadata_xml() -> String {
    CapServer::start().metadata()
}

fn spawn_reader(pipe: impl Read + Send + 'static, log: Arc<Mutex<String>>, tx: Option<mpsc::Sender<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if let (Some(tx), Some(origin)) = (&tx, line.strip_prefix(LISTENING)) {
                let _ = tx.send(origin.trim().to_owned());
            }
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    });
}

/// `node`, checked to be there and new enough (once per process).
fn node_program() -> PathBuf {
    static NODE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    NODE.get_or_init(|| {
        let node = PathBuf::from(std::env::var_os("NODE").unwrap_or_else(|| "node".into()));
        let missing = |why: String| {
            format!(
                "{why}. The CAP server tests need Node.js 20 or newer and npm on PATH: install them \
                 (e.g. `apt-get install nodejs npm`, or from nodejs.org) and run the tests again"
            )
        };
        let output = Command::new(&node)
            .arg("--version")
            .output()
            .map_err(|e| missing(format!("cannot run `{}`: {e}", node.display())))?;
        let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let major: u32 =
            version.trim_start_matches('v').split('.').next().and_then(|m| m.parse().ok()).unwrap_or_default();
        if !output.status.success() || major < 20 {
            return Err(missing(format!("`{} --version` says {version:?}", node.display())));
        }
        Command::new("npm")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .ok_or_else(|| missing("npm is not on PATH".to_owned()))?;
        Ok(node)
    })
    .clone()
    .unwrap_or_else(|message| panic!("{message}"))
}

/// Runs `tests/cap/install.sh` (it returns at once when node_modules is up to date), once per
/// process.
pub fn ensure_installed() {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            node_program();
            let script = cap_dir().join("install.sh");
            let output = Command::new("bash")
                .arg(&script)
                .stdin(Stdio::null())
                .output()
                .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
            if output.status.success() {
                Ok(())
            } else {
                Err(format!(
                    "{} failed ({}):\n{}{}",
                    script.display(),
                    output.status,
                    String::from_utf8_lossy(&output.stdout),
                    String::from_utf8_lossy(&output.stderr)
                ))
            }
        })
        .clone()
        .unwrap_or_else(|message| panic!("{message}"));
}

/// A minimal HTTP/1.1 client over `std::net::TcpStream`: `http://` only, one request per
/// connection, `Content-Length` and chunked bodies.
pub mod http {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::Duration;

    /// An answer: status, headers in order (names as sent), body bytes.
    #[derive(Clone)]
    pub struct Response {
        pub status: u16,
        pub headers: Vec<(String, String)>,
        pub body: Vec<u8>,
    }

    impl std::fmt::Debug for Response {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let text = self.text();
            let shown: String = text.chars().take(2000).collect();
            f.debug_struct("Response")
                .field("status", &self.status)
                .field("headers", &self.headers)
                .field("body", &format_args!("{shown:?}{}", if shown.len() < text.len() { " …" } else { "" }))
                .finish()
        }
    }

    impl Response {
        /// The first header of that name (case-insensitive).
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
        }

        pub fn text(&self) -> String {
            String::from_utf8_lossy(&self.body).into_owned()
        }

        /// The body as JSON; panics with the body when it is not.
        pub fn json(&self) -> serde_json::Value {
            serde_json::from_slice(&self.body)
                .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text()))
        }
    }

    pub fn get(url: &str) -> Result<Response, String> {
        request("GET", url, &[], None)
    }

    /// Sends one request. `url` must be `http://host:port/path?query`, already percent-encoded
    /// as it should go on the wire. A body is sent with `Content-Type: application/json` unless
    /// `headers` names another.
    pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Result<Response, String> {
        let rest = url.strip_prefix("http://").ok_or_else(|| format!("not an http:// URL: {url}"))?;
        let (authority, target) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let mut stream = TcpStream::connect(authority).map_err(|e| format!("connect {authority}: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
        stream.set_write_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
        let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
        if !has("Accept") {
            head.push_str("Accept: application/json\r\n");
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(body) = body {
            if !has("Content-Type") {
                head.push_str("Content-Type: application/json\r\n");
            }
            head.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body.unwrap_or_default());
        stream.write_all(&bytes).map_err(|e| format!("send to {authority}: {e}"))?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).map_err(|e| format!("read from {authority}: {e}"))?;
        parse(&raw)
    }

    fn parse(raw: &[u8]) -> Result<Response, String> {
        let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no end of headers in the answer")?;
        let head = std::str::from_utf8(&raw[..end]).map_err(|e| format!("headers are not UTF-8: {e}"))?;
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {status_line:?}"))?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let rest = &raw[end + 4..];
        let chunked = headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked"));
        let body = if chunked {
            dechunk(rest)?
        } else {
            let length = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length"));
            match length.and_then(|(_, v)| v.parse::<usize>().ok()) {
                Some(n) if n <= rest.len() => rest[..n].to_vec(),
                Some(n) => return Err(format!("body is {} bytes, Content-Length says {n}", rest.len())),
                None => rest.to_vec(),
            }
        };
        Ok(Response { status, headers, body })
    }

    fn dechunk(mut rest: &[u8]) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        loop {
            let eol = rest.windows(2).position(|w| w == b"\r\n").ok_or("truncated chunk size")?;
            let size_text = std::str::from_utf8(&rest[..eol]).map_err(|e| e.to_string())?;
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or_default().trim(), 16)
                .map_err(|e| format!("bad chunk size {size_text:?}: {e}"))?;
            rest = &rest[eol + 2..];
            if size == 0 {
                return Ok(body);
            }
            if rest.len() < size + 2 {
                return Err("truncated chunk".to_owned());
            }
            body.extend_from_slice(&rest[..size]);
            rest = &rest[size + 2..];
        }
    }
}
