//! The CAP test service (`tests/cap/`) against plain HTTP: what a generated client will meet.
//!
//! Most tests share one server ([`CapServer::shared`]) and touch rows no other test reads; the
//! paging test starts its own so its counts and sums are exact, and checks that dropping the
//! server leaves no process behind.

use std::collections::BTreeSet;

use integration_tests::cap::{CapServer, http};
use serde_json::Value;

const LOANS: usize = 130;
const OPEN_LOANS: usize = 20;

/// Percent-encodes everything but unreserved characters and those in `keep`.
fn pct(text: &str, keep: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) || keep.as_bytes().contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// An OData string literal for a URL path: quotes doubled, the rest percent-encoded.
fn lit(text: &str) -> String {
    format!("'{}'", pct(&text.replace('\'', "''"), "'"))
}

/// A query option value (`$filter=...`): spaces and the like encoded, OData punctuation kept.
fn q(text: &str) -> String {
    pct(text, "'(),:/$=@")
}

fn get(server: &CapServer, path: &str) -> http::Response {
    let url = server.url(path);
    http::get(&url).unwrap_or_else(|e| panic!("GET {url}: {e}"))
}

fn get_json(server: &CapServer, path: &str) -> Value {
    let response = get(server, path);
    assert_eq!(response.status, 200, "GET {path}: {}", response.text());
    response.json()
}

fn send(server: &CapServer, method: &str, path: &str, headers: &[(&str, &str)], body: &Value) -> http::Response {
    let url = server.url(path);
    let body = body.to_string();
    http::request(method, &url, headers, Some(body.as_bytes())).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

fn rows(page: &Value) -> &Vec<Value> {
    page["value"].as_array().unwrap_or_else(|| panic!("no `value` array in {page}"))
}

/// `link` resolved against `base` (RFC 3986 §5.2, enough for what OData servers send).
fn resolve(base: &str, link: &str) -> String {
    if link.starts_with("http://") || link.starts_with("https://") {
        return link.to_owned();
    }
    let scheme_end = base.find("://").expect("an absolute base") + 3;
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let origin = &base[..path_start];
    if link.starts_with('/') {
        return format!("{origin}{link}");
    }
    let base_path = &base[path_start..];
    let base_path = &base_path[..base_path.find(['?', '#']).unwrap_or(base_path.len())];
    let (link_path, link_query) = match link.find('?') {
        Some(i) => (&link[..i], &link[i..]),
        None => (link, ""),
    };
    let mut segments: Vec<&str> = base_path.split('/').collect();
    segments.pop(); // the last segment is replaced
    for segment in link_path.split('/') {
        match segment {
            "." => {}
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
            }
            s => segments.push(s),
        }
    }
    format!("{origin}{}{link_query}", segments.join("/"))
}

/// Follows `@odata.nextLink` from `path` to the end: each page's rows, and the links seen.
fn all_pages(server: &CapServer, path: &str) -> (Vec<Vec<Value>>, Vec<String>) {
    let mut url = server.url(path);
    let mut pages = Vec::new();
    let mut links = Vec::new();
    loop {
        let response = http::get(&url).unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(response.status, 200, "GET {url}: {}", response.text());
        let page = response.json();
        pages.push(rows(&page).clone());
        match page.get("@odata.nextLink").and_then(Value::as_str) {
            Some(link) => {
                links.push(link.to_owned());
                url = resolve(&url, link);
            }
            None => break,
        }
        assert!(pages.len() <= 10, "more pages than the data can fill: {links:?}");
    }
    (pages, links)
}

fn cents(value: &Value) -> i64 {
    let number = match value {
        Value::Number(n) => n.as_f64().expect("a number"),
        Value::String(s) => s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}")),
        Value::Null => 0.0,
        other => panic!("not a decimal: {other}"),
    };
    (number * 100.0).round() as i64
}

/// The OData error body CAP sends: `{"error": {"code", "message", "target"?, "details"?}}`.
fn error_of(response: &http::Response) -> Value {
    let body = response.json();
    let error = body.get("error").unwrap_or_else(|| panic!("no `error` in {body}")).clone();
    assert!(error["message"].is_string(), "{body}");
    assert!(error["code"].is_string(), "CAP's codes are strings: {body}");
    error
}

#[test]
fn metadata_is_csdl_4_that_the_generator_loads() {
    let server = CapServer::shared();
    eprintln!("CAP server on {} (pid {}), up in {:?}", server.base_url(), server.pid(), server.started_in());
    let url = server.url("$metadata");
    let response = http::request("GET", &url, &[("Accept", "application/xml")], None).unwrap();
    assert_eq!(response.status, 200);
    assert!(response.header("Content-Type").is_some_and(|t| t.starts_with("application/xml")), "{response:?}");
    // Asked for JSON, CAP answers with CSDL JSON.
    let json = get(server, "$metadata");
    assert!(json.header("Content-Type").is_some_and(|t| t.starts_with("application/json")), "{json:?}");
    assert_eq!(json.json()["$Version"], "4.0");
    let xml = server.metadata();
    assert_eq!(xml, response.text());
    assert!(xml.contains(r#"<edmx:Edmx Version="4.0""#), "{xml}");
    for set in ["Authors", "Books", "Chapters", "Members", "Loans"] {
        assert!(xml.contains(&format!(r#"<EntitySet Name="{set}""#)), "no entity set {set}");
    }
    let loaded = odata_codegen::load(xml.as_bytes());
    let errors: Vec<_> = loaded.errors().map(|d| format!("{}: {}", d.code, d.message)).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(loaded.model.is_some());
    for warning in loaded.warnings() {
        eprintln!("warning[{}]: {}", warning.code, warning.message);
    }
    // The service document lists the sets too.
    let root = get_json(server, "");
    let names: Vec<_> = rows(&root).iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["Authors", "Books", "Chapters", "Loans", "Members"]);
}

#[test]
fn loans_are_paged_by_the_server_and_add_up() {
    let server = CapServer::start();
    let pid = server.pid();

    // Everything: 50 + 50 + 30, the links relative, every row exactly once.
    let (pages, links) = all_pages(&server, "Loans");
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [50, 50, 30], "{links:?}");
    for link in &links {
        assert!(link.starts_with("Loans?"), "a relative link: {link}");
    }
    let loans: Vec<Value> = pages.concat();
    let ids: Vec<u64> = loans.iter().map(|l| l["ID"].as_u64().expect("an integer ID")).collect();
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(ids.len(), LOANS);
    assert_eq!(unique, (1..=LOANS as u64).collect(), "every row exactly once");
    // Resolving against the service root gives the same URL (OData resolves against the
    // context URL, `$metadata#Loans`).
    assert_eq!(resolve(&server.url("Loans"), &links[0]), resolve(&server.url("$metadata"), &links[0]));

    // The options travel in the links: $filter, $select, $orderby, $count.
    let (pages, links) = all_pages(
        &server,
        &format!("Loans?$filter={}&$select=ID,fee,returnedAt&$orderby=ID&$count=true", q("status eq 2")),
    );
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [50, 50, 10], "{links:?}");
    let first = get_json(
        &server,
        &format!("Loans?$filter={}&$select=ID,fee,returnedAt&$orderby=ID&$count=true", q("status eq 2")),
    );
    assert_eq!(first["@odata.count"], 110);
    let returned: Vec<Value> = pages.concat();
    assert!(returned.iter().all(|l| l.get("status").is_none() && l["returnedAt"].is_string()));

    // $top above the page size: paged too, and it stops at $top.
    let (pages, _) = all_pages(&server, "Loans?$top=70&$select=ID");
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [50, 20]);
    let count = get(&server, "Loans/$count");
    assert_eq!(count.text(), LOANS.to_string());

    // Unbound function returning a primitive: agrees with the rows.
    let fees: i64 = loans.iter().map(|l| cents(&l["fee"])).sum();
    let total = get_json(&server, "totalFees(from=2025-01-01,to=2025-12-31)");
    assert_eq!(total["@odata.context"], "$metadata#Edm.Decimal");
    assert_eq!(cents(&total["value"]), fees);
    let january: i64 = loans
        .iter()
        .filter(|l| l["loanedAt"].as_str().is_some_and(|t| t.starts_with("2025-01")))
        .map(|l| cents(&l["fee"]))
        .sum();
    assert_eq!(cents(&get_json(&server, "totalFees(from=2025-01-01,to=2025-01-31)")["value"]), january);
    let refused = get(&server, "totalFees(from=2025-02-01,to=2025-01-01)");
    assert_eq!(refused.status, 400);
    assert_eq!(error_of(&refused)["target"], "from");

    // Unbound function without parameters returning a complex type.
    let stats = get_json(&server, "libraryStats()");
    assert_eq!(stats["@odata.context"], "$metadata#CatalogService.Stats");
    assert_eq!(stats["books"], integration_tests::cap::BOOK_IDS.len());
    assert_eq!(stats["authors"], 8);
    assert_eq!(stats["loans"], LOANS);
    assert_eq!(stats["openLoans"], OPEN_LOANS);
    assert_eq!(cents(&stats["totalFees"]), fees);

    // Unbound action returning a primitive: deletes what the rows say it should.
    let before = "2025-03-01";
    let expected = returned.iter().filter(|l| l["returnedAt"].as_str().is_some_and(|t| t < before)).count();
    assert!(expected > 0);
    let purged = send(&server, "POST", "purgeReturned", &[], &serde_json::json!({ "before": before }));
    assert_eq!(purged.status, 200, "{}", purged.text());
    assert_eq!(purged.json()["value"], expected);
    assert_eq!(get(&server, "Loans/$count").text(), (LOANS - expected).to_string());

    // Dropping the server ends its process (and its group).
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    drop(server);
    assert!(!std::path::Path::new(&format!("/proc/{pid}")).exists(), "pid {pid} is still there");
    let group = std::process::Command::new("ps").args(["-o", "pid=", "-g", &pid.to_string()]).output().expect("ps");
    assert!(String::from_utf8_lossy(&group.stdout).trim().is_empty(), "left behind: {group:?}");
}

#[test]
fn every_key_kind_reads_back() {
    let server = CapServer::shared();
    // String keys: `''` doubling, the rest percent-encoded (`/` as %2F).
    for id in integration_tests::cap::BOOK_IDS {
        let book = get_json(server, &format!("Books({})", lit(id)));
        assert_eq!(book["ID"], id, "Books({})", lit(id));
    }
    assert_eq!(lit("ferryman's/log"), "'ferryman''s%2Flog'");
    // The one-key shorthand `Books(ID='...')` works too.
    assert_eq!(get_json(server, &format!("Books(ID={})", lit("north/south")))["title"], "North by South");
    let missing = get(server, &format!("Books({})", lit("no such book")));
    assert_eq!(missing.status, 404);
    assert_eq!(error_of(&missing)["code"], "404");

    // UUID key, written bare.
    let author = get_json(server, "Authors(2f0c6d1e-4a5b-4c7d-8e9f-0a1b2c3d4e04)");
    assert_eq!(author["name"], "Declan O'Rourke");
    assert_eq!(author["@odata.context"], "$metadata#Authors/$entity");

    // Composite key, with a hostile string part.
    let chapter = get_json(server, &format!("Chapters(book_ID={},number=2)", lit("ferryman's/log")));
    assert_eq!(chapter["book_ID"], "ferryman's/log");
    assert_eq!(chapter["number"], 2);
    assert!(chapter["readingTime"].as_str().is_some_and(|t| t.len() == 8), "Edm.TimeOfDay: {chapter}");
    let swapped = get_json(server, &format!("Chapters(number=2,book_ID={})", lit("ferryman's/log")));
    assert_eq!(swapped["title"], chapter["title"]);

    // Containment: the chapters under their book.
    let chapters = get_json(server, &format!("Books({})/chapters", lit("north/south")));
    assert_eq!(chapters["@odata.context"], "../$metadata#Chapters");
    assert_eq!(rows(&chapters).len(), 3);
}

#[test]
fn query_options_work() {
    let server = CapServer::shared();
    let page = get_json(
        server,
        &format!(
            "Books?$filter={}&$orderby={}&$select=ID,title,price&$count=true",
            q("genre eq 'Fiction' and price lt 19"),
            q("price desc")
        ),
    );
    assert_eq!(page["@odata.count"], 2);
    let books = rows(&page);
    let ids: Vec<_> = books.iter().map(|b| b["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["100% rye", "harbor-lights"]);
    for book in books {
        // $select keeps the key and, for ETag entities, the ETag property.
        let mut keys: Vec<_> = book.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["@odata.etag", "ID", "modifiedAt", "price", "title"], "{book}");
    }
    assert_eq!(books[0]["price"], 17.8, "Decimal is a JSON number by default");

    // $expand, to one and to many, with nested options.
    let book = get_json(
        server,
        &format!(
            "Books({})?$select=ID&$expand=author($select=name),chapters($orderby={};$select=number)",
            lit("ferryman's/log"),
            q("number desc")
        ),
    );
    assert_eq!(book["author"]["name"], "Declan O'Rourke");
    let numbers: Vec<_> = book["chapters"].as_array().unwrap().iter().map(|c| c["number"].clone()).collect();
    assert_eq!(numbers, [5, 4, 3, 2, 1]);

    // Lambda operators, $search, and $count as a path segment.
    let with_long = get_json(server, &format!("Books?$select=ID&$filter={}", q("chapters/any(c:c/wordCount gt 5500)")));
    assert!(rows(&with_long).iter().any(|b| b["ID"] == "north/south"));
    let found = get_json(server, "Books?$select=ID&$search=rye");
    assert_eq!(rows(&found).len(), 1);
    assert_eq!(get(server, "Authors/$count").text(), "8");

    // A bad option: 400 with CAP's error body.
    let bad = get(server, &format!("Books?$filter={}", q("nosuch eq 1")));
    assert_eq!(bad.status, 400);
    assert_eq!(error_of(&bad)["code"], "400");
}

#[test]
fn the_etag_guards_writes() {
    let server = CapServer::shared();
    let path = format!("Books({})", lit("deep-field"));
    let read = get(server, &path);
    let etag = read.header("ETag").expect("an ETag header").to_owned();
    assert!(etag.starts_with("W/\""), "a weak ETag: {etag}");
    assert_eq!(read.json()["@odata.etag"], etag.as_str());

    let change = serde_json::json!({ "stock": 42 });
    let refused = send(server, "PATCH", &path, &[], &change);
    assert_eq!(refused.status, 428, "{}", refused.text());
    assert_eq!(error_of(&refused)["code"], "428");
    let stale = send(server, "PATCH", &path, &[("If-Match", "W/\"2000-01-01T00:00:00.000Z\"")], &change);
    assert_eq!(stale.status, 412, "{}", stale.text());

    let done = send(server, "PATCH", &path, &[("If-Match", &etag)], &change);
    assert_eq!(done.status, 200, "{}", done.text());
    let new_etag = done.header("ETag").expect("a new ETag").to_owned();
    assert_ne!(new_etag, etag);
    assert_eq!(done.json()["stock"], 42);
    assert_eq!(get_json(server, &path)["stock"], 42);
    // The old ETag is stale now.
    let again = send(server, "PATCH", &path, &[("If-Match", &etag)], &change);
    assert_eq!(again.status, 412);
    // A bad value: 400 naming the property.
    let bad = send(server, "PATCH", &path, &[("If-Match", "*")], &serde_json::json!({ "genre": "Jazz" }));
    assert_eq!(bad.status, 400);
    let error = error_of(&bad);
    assert_eq!((error["code"].as_str(), error["target"].as_str()), (Some("ASSERT_ENUM"), Some("genre")));
}

#[test]
fn bound_operations_answer() {
    let server = CapServer::shared();
    // Bound action on the ETag entity: it wants If-Match too.
    let path = format!("Books({})", lit("salt-and-iron"));
    let read = get(server, &path);
    let etag = read.header("ETag").unwrap().to_owned();
    let stock = read.json()["stock"].as_i64().unwrap();
    let action = format!("{path}/CatalogService.addStock");
    let refused = send(server, "POST", &action, &[], &serde_json::json!({ "quantity": 3 }));
    assert_eq!(refused.status, 428, "{}", refused.text());
    let done = send(server, "POST", &action, &[("If-Match", &etag)], &serde_json::json!({ "quantity": 3 }));
    assert_eq!(done.status, 200, "{}", done.text());
    let book = done.json();
    assert_eq!(book["stock"], stock + 3);
    assert_eq!(book["@odata.context"], "../$metadata#Books/$entity");
    assert_ne!(done.header("ETag"), Some(etag.as_str()));
    let missing = send(server, "POST", &action, &[("If-Match", "*")], &serde_json::json!({}));
    assert_eq!(missing.status, 400);
    assert_eq!(error_of(&missing)["code"], "ASSERT_MANDATORY");

    // Bound function returning a primitive (the namespace may be left out).
    let value = get_json(server, &format!("Books({})/CatalogService.stockValue()", lit("harbor-lights")));
    assert_eq!(value["@odata.context"], "../$metadata#Edm.Decimal");
    assert_eq!(cents(&value["value"]), 1490 * 5);
    let short = get_json(server, &format!("Books({})/stockValue()", lit("harbor-lights")));
    assert_eq!(short["value"], value["value"]);

    // Bound function returning a collection: agrees with $filter.
    let loans = get_json(server, &format!("Books({})/CatalogService.openLoans()", lit("o'hara-notes")));
    let ids: Vec<_> = rows(&loans).iter().map(|l| l["ID"].as_u64().unwrap()).collect();
    let filter = q("book_ID eq 'o''hara-notes' and status ne 2");
    let filtered = get_json(server, &format!("Loans?$filter={filter}&$orderby=ID"));
    let expected: Vec<_> = rows(&filtered).iter().map(|l| l["ID"].as_u64().unwrap()).collect();
    assert_eq!(ids, expected);
    assert_eq!(ids, [112, 115, 117, 130]);

    // Bound action on an entity without an ETag.
    let action = "Loans(119)/CatalogService.markReturned";
    let at = serde_json::json!({ "at": "2025-12-20T10:30:00Z" });
    let loan = send(server, "POST", action, &[], &at);
    assert_eq!(loan.status, 200, "{}", loan.text());
    let loan = loan.json();
    assert_eq!((loan["status"].as_i64(), loan["returnedAt"].as_str()), (Some(2), Some("2025-12-20T10:30:00Z")));
    let twice = send(server, "POST", action, &[], &at);
    assert_eq!(twice.status, 409);
    assert_eq!(error_of(&twice)["message"], "loan 119 is already returned");
}

#[test]
fn unbound_operations_answer() {
    let server = CapServer::shared();
    // Action import returning an entity.
    let lent = send(
        server,
        "POST",
        "lend",
        &[],
        &serde_json::json!({ "book": "starfall", "member": "7d3e9a10-0000-4000-9000-000000000003", "days": 7 }),
    );
    assert_eq!(lent.status, 200, "{}", lent.text());
    let loan = lent.json();
    assert_eq!(loan["@odata.context"], "$metadata#Loans/$entity");
    assert_eq!((loan["book_ID"].as_str(), loan["status"].as_i64()), (Some("starfall"), Some(1)));
    assert!(loan["ID"].as_u64().unwrap() > LOANS as u64);
    assert!(loan["ledgerSeq"].as_u64().unwrap() > u64::from(u32::MAX), "Int64 above 2^32: {loan}");
    // Errors: one with a target, several in `details`.
    let unknown = send(
        server,
        "POST",
        "lend",
        &[],
        &serde_json::json!({ "book": "no such book", "member": "7d3e9a10-0000-4000-9000-000000000003" }),
    );
    assert_eq!(unknown.status, 404);
    assert_eq!(error_of(&unknown)["target"], "book");
    let invalid = send(server, "POST", "lend", &[], &serde_json::json!({ "days": "x" }));
    assert_eq!(invalid.status, 400);
    let error = error_of(&invalid);
    assert_eq!(error["code"], "MULTIPLE_ERRORS");
    let targets: Vec<_> = error["details"].as_array().unwrap().iter().map(|d| d["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["book", "member", "days"]);

    // Function import with parameters returning a collection, inline or with aliases.
    let fantasy = get_json(server, "booksByGenre(genre='Fantasy',maxPrice=20)");
    assert_eq!(fantasy["@odata.context"], "$metadata#Books");
    let ids: Vec<_> = rows(&fantasy).iter().map(|b| b["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["starfall"]);
    let aliased = get_json(server, "booksByGenre(genre=@g)?@g='Fantasy'");
    let ids: Vec<_> = rows(&aliased).iter().map(|b| b["ID"].as_str().unwrap()).collect();
    assert_eq!(ids, ["salt-and-iron", "starfall"]);
    let missing = get(server, "booksByGenre()");
    assert_eq!(missing.status, 400, "{}", missing.text());
}

#[test]
fn ieee754_compatible_is_a_server_switch() {
    // CAP ignores `IEEE754Compatible=true` in Accept; the server-wide switch makes entity
    // properties strings, but not what action handlers compute.
    let server = CapServer::start_with_env(&[("CDS_FEATURES_IEEE754COMPATIBLE", "true")]);
    let loan = get_json(&server, "Loans(5)");
    assert_eq!(loan["fee"], "0.00");
    assert_eq!(loan["ledgerSeq"], "4295006891");
    let computed = get_json(&server, &format!("Books({})/stockValue()", lit("harbor-lights")));
    assert!(computed["value"].is_number(), "{computed}");

    let plain = CapServer::shared();
    let url = plain.url("Loans(5)");
    let asked = http::request("GET", &url, &[("Accept", "application/json;IEEE754Compatible=true")], None).unwrap();
    let loan = asked.json();
    assert!(loan["fee"].is_number() && loan["ledgerSeq"].is_number(), "{loan}");
}
