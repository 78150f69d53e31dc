//! The generated client for a plain OData v4 service, against the live server: the crate in
//! `tests/cap-client/` (generated from `tests/cap/library.csdl` by `metadata/cap-library.toml`)
//! drives the project's SAP CAP test service (`tests/cap/`, started on 127.0.0.1).
//!
//! Keys are written as OData key predicates (`Books('north%2Fsouth')`, quotes doubled,
//! `Chapters(book_ID='x',number=2)`, unquoted UUIDs and integers), bound operations by their
//! qualified names, and relative next links are followed against the page's context URL.

use cap_library_client::client::{Client, ClientError, TokenSource};
use cap_library_client::ids::{AuthorsId, BooksId, ChaptersKey, LoansId};
use cap_library_client::odata::{Operation, ServiceRoot};
use cap_library_client::operations::{authors, books, chapters, loans};
use integration_tests::cap::CapServer;

fn client(server: &CapServer) -> Client {
    // The service runs with CAP's `dummy` authentication: requests need no credentials.
    Client::new(ServiceRoot::new(server.base_url()), TokenSource::none()).expect("a client")
}

#[test]
fn the_committed_metadata_is_what_the_server_serves() {
    let server = CapServer::shared();
    let committed = std::fs::read_to_string(integration_tests::project_root().join("tests/cap/library.csdl")).unwrap();
    assert_eq!(
        server.metadata(),
        committed,
        "tests/cap/library.csdl is stale: copy the server's $metadata and regenerate"
    );
}

#[tokio::test]
async fn every_book_is_read_back_by_its_key_however_hostile() {
    let server = CapServer::shared();
    let client = client(server);
    for key in integration_tests::cap::BOOK_IDS {
        let op = books::Get::new(BooksId::new(key));
        let book = client.send(&op).await.unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_eq!(book.id.as_deref(), Some(key), "the server saw exactly the key {key:?}");
    }
    let request = books::Get::new(BooksId::new("o'hara-notes")).to_request(&ServiceRoot::new(server.base_url()));
    assert!(request.uri().path().ends_with("/Books('o''hara-notes')"), "{}", request.uri());
    let request = books::Get::new(BooksId::new("north/south")).to_request(&ServiceRoot::new(server.base_url()));
    assert!(request.uri().path().ends_with("/Books('north%2Fsouth')"), "{}", request.uri());
}

#[tokio::test]
async fn uuid_integer_and_composite_keys_address_their_entities() {
    let server = CapServer::shared();
    let client = client(server);
    let authors = client.pages(&authors::List::new()).collect_all().await.expect("the authors");
    let first = authors.first().and_then(|a| a.id).expect("an author with an id");
    let author = client.send(&authors::Get::new(AuthorsId::new(first))).await.expect("by UUID");
    assert_eq!(author.id, Some(first));
    let request = authors::Get::new(AuthorsId::new(first)).to_request(&ServiceRoot::new(server.base_url()));
    assert!(request.uri().path().ends_with(&format!("/Authors({first})")), "unquoted: {}", request.uri());

    let chapter =
        client.send(&chapters::Get::new(ChaptersKey::new("harbor-lights", 2))).await.expect("by composite key");
    assert_eq!(
        (chapter.book_id.as_deref(), chapter.number, chapter.title.as_option().map(String::as_str)),
        (Some("harbor-lights"), Some(2), Some("Tides"))
    );
    let request =
        chapters::Get::new(ChaptersKey::new("harbor-lights", 2)).to_request(&ServiceRoot::new(server.base_url()));
    assert!(request.uri().path().ends_with("/Chapters(book_ID='harbor-lights',number=2)"), "{}", request.uri());

    let loan = client.send(&loans::Get::new(LoansId::new(1))).await.expect("by integer key");
    assert_eq!(loan.id, Some(1));
}

#[tokio::test]
async fn an_entity_with_a_composite_key_is_created_through_its_parents_navigation() {
    use cap_library_client::models::Chapters;
    // Its own server: a new chapter changes what the shared one's tests count.
    let server = CapServer::start();
    let client = client(&server);
    let book = BooksId::new("harbor-lights");
    let op = books::chapters::Create::new(book.clone(), Chapters::default().number(78).title("Extra"));
    let request = op.to_request(&ServiceRoot::new(server.base_url()));
    assert_eq!(request.method(), "POST");
    assert!(request.uri().path().ends_with("/Books('harbor-lights')/chapters"), "{}", request.uri());
    let created = client.send(&op).await.expect("created");
    assert_eq!(created.book_id.as_deref(), Some("harbor-lights"), "the server links it to the book of the path");
    let read = client.send(&chapters::Get::new(ChaptersKey::new("harbor-lights", 78))).await.expect("read back");
    assert_eq!(read.title.as_option().map(String::as_str), Some("Extra"));
    let listed = client.pages(&books::chapters::List::new(book)).collect_all().await.expect("the book's chapters");
    assert!(listed.iter().any(|c| c.number == Some(78)), "{listed:?}");
}

#[tokio::test]
async fn every_page_is_followed_through_relative_next_links() {
    let server = CapServer::shared();
    let client = client(server);
    let mut pages = client.pages(&loans::List::new());
    let mut sizes = Vec::new();
    let mut ids = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.expect("a page");
        sizes.push(page.value.len());
        ids.extend(page.value.iter().filter_map(|loan| loan.id));
        if let Some(link) = &page.next_link {
            assert!(!link.starts_with("http"), "CAP sends relative next links: {link}");
        }
    }
    assert_eq!(sizes, [50, 50, 30], "three server-side pages");
    let unique: std::collections::BTreeSet<i32> = ids.iter().copied().collect();
    assert_eq!((ids.len(), unique.len()), (130, 130), "every loan exactly once");
}

#[tokio::test]
async fn pages_and_items_are_streams() {
    use futures::{StreamExt, TryStreamExt};
    let server = CapServer::shared();
    let client = client(server);
    let pages: Vec<_> = client.pages(&loans::List::new()).try_collect().await.expect("every page");
    assert_eq!(pages.iter().map(|p| p.value.len()).collect::<Vec<_>>(), [50, 50, 30]);
    // Items across pages, in order, with the stream combinators a Rust user reaches for.
    let ids: Vec<i32> = client
        .pages(&loans::List::new().orderby(["ID"]))
        .items()
        .map_ok(|loan| loan.id.expect("an id"))
        .try_collect()
        .await
        .expect("every item");
    assert_eq!(ids, (1..=130).collect::<Vec<_>>(), "every loan once, across three pages");
    // Taking a few fetches only the first page, and a stream can be spawned (it is Send).
    let first = tokio::spawn(client.pages(&loans::List::new()).items().take(3).try_collect::<Vec<_>>());
    assert_eq!(first.await.unwrap().expect("three items").len(), 3);
    // An error ends the stream after it is returned.
    let mut failing = client.pages(&loans::List::new().filter("nonsense eq"));
    assert!(failing.next().await.expect("one item").is_err());
    assert!(failing.next().await.is_none(), "nothing after the error");
}

#[tokio::test]
async fn a_missing_entity_is_a_typed_404() {
    let server = CapServer::shared();
    let client = client(server);
    let error = client.send(&books::Get::new(BooksId::new("no such book"))).await.expect_err("404");
    assert!(error.is_not_found(), "{error}");
    assert_eq!(error.code(), Some("404"), "CAP's code for it: {error:?}");
    assert!(error.message().is_some_and(|m| !m.is_empty()), "{error:?}");
    // CAP answers with `x-correlation-id`, one of this crate's request-id headers.
    let id = error.request_id().expect("a request id").to_owned();
    // Display says all of it: status, code, message and request id.
    let shown = error.to_string();
    assert!(shown.starts_with("404 Not Found: 404: ") && shown.ends_with(&format!("(request-id {id})")), "{shown}");
    let ClientError::Service(error) = error else { panic!("{error}") };
    assert_eq!(error.status().as_u16(), 404, "{error}");
}

#[tokio::test]
async fn a_bound_function_is_called_by_its_qualified_name() {
    let server = CapServer::shared();
    let op = books::StockValue::new(BooksId::new("harbor-lights"));
    let request = op.to_request(&ServiceRoot::new(server.base_url()));
    assert!(request.uri().path().ends_with("/Books('harbor-lights')/CatalogService.stockValue()"), "{}", request.uri());
    let value = client(server).send(&op).await.expect("the function answers");
    // 5 in stock at 14.90.
    assert_eq!(serde_json::to_value(&value).unwrap().to_string().trim_matches('"').parse::<f64>().unwrap(), 74.5);
}

/// The status of a service error, however the client wrapped it.
fn status(error: &ClientError) -> u16 {
    match error {
        ClientError::Service(e) => e.status().as_u16(),
        ClientError::RetriesExhausted { last, .. } => status(last),
        other => panic!("not a service error: {other}"),
    }
}

#[tokio::test]
async fn updates_need_the_entitys_etag_and_a_null_clears_a_property() {
    use cap_library_client::models::Books;
    use cap_library_client::odata::Nullable;
    let server = CapServer::shared();
    let client = client(server);
    let key = || BooksId::new("the quiet hour");
    let book = client.send(&books::Get::new(key())).await.expect("the book");
    let etag = book.odata_etag.clone().expect("the ETag of an entity with @odata.etag");
    assert!(etag.starts_with("W/\""), "{etag}");

    let patch = || Books::default().currency(Nullable::Null).stock(7);
    let refused = client.send(&books::Update::new(key(), patch())).await.expect_err("no If-Match");
    assert_eq!(status(&refused), 428, "{refused}");
    let stale = client.send(&books::Update::new(key(), patch()).if_match("W/\"2000-01-01T00:00:00.000Z\"")).await;
    assert_eq!(status(&stale.expect_err("a stale ETag")), 412);

    client.send(&books::Update::new(key(), patch()).if_match(&etag)).await.expect("the update with the ETag");
    let after = client.send(&books::Get::new(key())).await.expect("the book again");
    assert!(after.currency.is_null(), "the null was sent: {:?}", after.currency);
    assert_eq!(after.stock.as_option(), Some(&7));
    assert_ne!(after.odata_etag.as_deref(), Some(etag.as_str()), "a new version");
    assert_eq!(after.title, book.title, "what the patch did not name is unchanged");
}

#[tokio::test]
async fn a_bound_action_and_a_delete_take_if_match() {
    use cap_library_client::models::Books;
    let server = CapServer::shared();
    let client = client(server);
    let created = client
        .send(&books::Create::new(Books::default().id("etag/delete's test").title("To be deleted").stock(1)))
        .await
        .expect("created");
    let key = || BooksId::new("etag/delete's test");
    let etag = created.odata_etag.clone().expect("an ETag on the created entity");

    let refused = client.send(&books::AddStock::new(key(), 2)).await.expect_err("no If-Match");
    assert_eq!(status(&refused), 428, "{refused}");
    client.send(&books::AddStock::new(key(), 2).if_match(&etag)).await.expect("the action with the ETag");
    let book = client.send(&books::Get::new(key())).await.expect("the book");
    assert_eq!(book.stock.as_option(), Some(&3));

    let refused = client.send(&books::Delete::new(key())).await.expect_err("no If-Match");
    assert_eq!(status(&refused), 428);
    client.send(&books::Delete::new(key()).if_match(book.odata_etag.as_deref().unwrap())).await.expect("deleted");
    let gone = client.send(&books::Get::new(key())).await.expect_err("gone");
    assert_eq!(status(&gone), 404);
}

#[tokio::test]
async fn function_imports_take_their_parameters_in_the_url() {
    use cap_library_client::odata::Decimal;
    use cap_library_client::operations::{BooksByGenre, LibraryStats, TotalFees};
    let server = CapServer::shared();
    let client = client(server);
    let root = ServiceRoot::new(server.base_url());

    let op = BooksByGenre::new("Mystery");
    let request = op.to_request(&root);
    // `maxPrice` is a Core.OptionalParameter: not set, it is left out of the call (not sent as null).
    assert!(request.uri().path().ends_with("/booksByGenre(genre=@genre)"), "{}", request.uri());
    assert_eq!(request.uri().query(), Some("@genre=%27Mystery%27"), "{}", request.uri());
    let mysteries = client.pages(&op).collect_all().await.expect("a collection");
    assert!(
        !mysteries.is_empty() && mysteries.iter().all(|b| b.genre.as_option().map(String::as_str) == Some("Mystery"))
    );
    let op = BooksByGenre::new("Mystery").max_price(Decimal("10".into()));
    let request = op.to_request(&root);
    assert!(request.uri().path().ends_with("/booksByGenre(genre=@genre,maxPrice=@maxPrice)"), "{}", request.uri());
    assert_eq!(request.uri().query(), Some("@genre=%27Mystery%27&@maxPrice=10"), "{}", request.uri());
    let cheap = client.pages(&op).collect_all().await.unwrap();
    // A function returning a collection takes query options after its parameter aliases.
    // CAP takes the options and leaves a custom function's result as its handler made it (what
    // they do to a function's result is the service's to say): the request is accepted.
    let op = BooksByGenre::new("Mystery").orderby(["price desc"]).top(1).select(["ID", "price"]);
    let request = op.to_request(&root);
    assert_eq!(request.uri().query(), Some("@genre=%27Mystery%27&$select=ID%2Cprice&$top=1&$orderby=price%20desc"));
    let answered = client.send(&op).await.expect("a page");
    assert_eq!(answered.value.len(), mysteries.len());
    assert!(cheap.len() < mysteries.len(), "the optional parameter filters: {} of {}", cheap.len(), mysteries.len());

    let from = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let to = chrono::NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
    let fees = client.send(&TotalFees::new(from, to)).await.expect("a primitive");
    assert!(fees.0.parse::<f64>().expect("a decimal") > 0.0, "{fees:?}");

    let stats = client.send(&LibraryStats::new()).await.expect("a complex value");
    let stats = serde_json::to_value(&stats).unwrap();
    assert!(stats.as_object().is_some_and(|o| !o.is_empty()), "{stats}");
}

#[tokio::test]
async fn action_imports_create_and_count() {
    use cap_library_client::operations::{Lend, PurgeReturned, members};
    // Its own server: lending adds a loan, which the paging test counts on the shared one.
    let server = CapServer::start();
    let client = client(&server);
    let member = client.pages(&members::List::new()).collect_all().await.unwrap()[0].id.expect("a member id");
    let loan = client.send(&Lend::new("harbor-lights", member, 14)).await.expect("an entity");
    assert_eq!(
        (loan.book_id.as_option().map(String::as_str), loan.member_id.as_option()),
        (Some("harbor-lights"), Some(&member))
    );
    let loans = client.pages(&loans::List::new()).collect_all().await.unwrap();
    assert_eq!(loans.len(), 131, "one more loan");

    let purged = client.send(&PurgeReturned::new(chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap())).await;
    assert_eq!(purged.expect("a primitive"), 0, "nothing was returned before 1900");
}

#[tokio::test]
async fn query_options_filter_order_select_expand_and_count() {
    use cap_library_client::odata::QueryOptions;
    let server = CapServer::shared();
    let client = client(server);
    let query = QueryOptions::default()
        .filter("genre eq 'Mystery'")
        .orderby(["price desc"])
        .select(["ID", "title", "price"])
        .expand(["author"])
        .count(true);
    // The operation's own setters build the same request as `with_query`.
    let op = books::List::new()
        .filter("genre eq 'Mystery'")
        .orderby(["price desc"])
        .select(["ID", "title", "price"])
        .expand(["author"])
        .count(true);
    let root = ServiceRoot::new(server.base_url());
    assert_eq!(op.to_request(&root).uri(), books::List::new().with_query(query).to_request(&root).uri());
    let page = client.pages(&op).next_page().await.expect("a page").expect("no error");
    assert!(page.count.is_some_and(|n| n as usize == page.value.len() && n > 1), "{:?}", page.count);
    let prices: Vec<f64> =
        page.value.iter().map(|b| b.price.as_option().expect("selected").0.parse::<f64>().unwrap()).collect();
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "ordered by price, highest first: {prices:?}");
    for book in &page.value {
        assert!(book.title.is_some() && book.author.as_ref().and_then(|a| a.name.clone()).is_some(), "{book:?}");
        assert!(book.stock.is_absent(), "not selected: {book:?}");
    }
}

#[tokio::test]
async fn typed_filters_reach_the_server_as_odata_literals() {
    use cap_library_client::filter;
    use cap_library_client::odata::Decimal;
    let server = CapServer::shared();
    let client = client(server);
    let titles = |books: &[cap_library_client::models::Books]| {
        let mut titles: Vec<String> = books.iter().filter_map(|b| b.title.clone()).collect();
        titles.sort();
        titles
    };
    // A quote in a value is doubled, so the server compares with exactly that text.
    let quoted = client
        .pages(&books::List::new().filter(filter::Books::title().contains("'")))
        .collect_all()
        .await
        .expect("a filtered list");
    assert_eq!(titles(&quoted), ["The Ferryman's Log", "The O'Hara Notes"]);
    // Keys with `/`, `'` and `#` in an `in` list, combined with a Decimal comparison.
    let expr = filter::Books::id()
        .is_in(["north/south", "o'hara-notes", "ferryman's/log"])
        .and(filter::Books::price().lt(Decimal("25".into())).or(filter::Books::genre().eq("History")));
    assert_eq!(
        expr.to_string(),
        "ID in ('north/south','o''hara-notes','ferryman''s/log') and (price lt 25 or genre eq 'History')"
    );
    let chosen = client.pages(&books::List::new().filter(expr)).collect_all().await.expect("a filtered list");
    assert_eq!(titles(&chosen), ["North by South", "The Ferryman's Log", "The O'Hara Notes"]);
    let none = filter::Books::price().ge(Decimal("25".into())).and(filter::Books::genre().eq("Biography"));
    assert!(client.pages(&books::List::new().filter(none)).collect_all().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_refused_write_is_a_typed_400_with_its_target_and_details() {
    use cap_library_client::models::Books;
    let server = CapServer::shared();
    let client = client(server);
    let body = |error: ClientError| match error {
        ClientError::Service(cap_library_client::odata::Error::Service(service)) => {
            assert_eq!(service.status.as_u16(), 400, "{service}");
            service.error
        }
        other => panic!("an OData error body: {other}"),
    };
    let enum_error = body(
        client.send(&books::Create::new(Books::default().id("bad genre").title("x").genre("Jazz"))).await.unwrap_err(),
    );
    assert_eq!(
        (enum_error.code.as_str(), enum_error.target.as_deref()),
        ("ASSERT_ENUM", Some("genre")),
        "{enum_error:?}"
    );
    // Two problems at once (no title, which is @mandatory, and no such genre): one error with a
    // detail each, each detail with its code, message and target.
    let error = client.send(&books::Create::new(Books::default().id("two problems").genre("Jazz"))).await.unwrap_err();
    // The same through the accessors of the client's error.
    assert_eq!((error.status().map(|s| s.as_u16()), error.code()), (Some(400), Some("MULTIPLE_ERRORS")));
    assert_eq!(error.details().len(), 2, "{error}");
    assert!(!error.is_not_found() && !error.is_throttled() && error.retry_after().is_none());
    let several = body(error);
    assert_eq!(several.code, "MULTIPLE_ERRORS", "{several:?}");
    let details: Vec<(&str, Option<&str>)> =
        several.details.iter().map(|d| (d.code.as_str(), d.target.as_deref())).collect();
    assert_eq!(details, [("ASSERT_MANDATORY", Some("title")), ("ASSERT_ENUM", Some("genre"))]);
    assert!(several.details.iter().all(|d| !d.message.is_empty()));
}

#[tokio::test]
async fn int64_and_decimal_decode_from_ieee754_compatible_strings() {
    // A server that writes Int64 and Decimal values as JSON strings (IEEE754Compatible).
    let server = CapServer::start_with_env(&[("CDS_FEATURES_IEEE754COMPATIBLE", "true")]);
    let raw = integration_tests::cap::http::get(&server.url("Loans(1)?$select=ID,ledgerSeq,fee")).expect("a response");
    assert!(raw.text().contains("\"ledgerSeq\":\""), "the server sends Int64 as a string: {}", raw.text());
    let client = client(&server);
    let loan = client.send(&loans::Get::new(LoansId::new(1))).await.expect("decodes");
    let seq = *loan.ledger_seq.as_option().expect("a ledger sequence number");
    assert_eq!(seq.to_string(), raw.json()["ledgerSeq"].as_str().unwrap(), "every digit kept");
    assert!(loan.fee.as_option().is_some(), "the Decimal too");
}

#[tokio::test]
async fn int64_and_decimal_are_sent_as_ieee754_compatible_strings() {
    use cap_library_client::odata::Decimal;
    // The crate is generated with `[service] ieee754_compatible = true` (metadata/cap-library.toml).
    const { assert!(cap_library_client::IEEE754_COMPATIBLE) };
    let server = CapServer::start_with_env(&[("CDS_FEATURES_IEEE754COMPATIBLE", "true")]);
    let client = client(&server);
    // 2^53 - 1: the largest Int64 a JavaScript number holds exactly.
    let patch =
        cap_library_client::models::Loans::default().ledger_seq(9_007_199_254_740_991_i64).fee(Decimal("12.34".into()));
    let op = loans::Update::new(LoansId::new(2), patch);
    let request = op.to_request(&ServiceRoot::new(server.base_url()));
    for header in ["accept", "content-type"] {
        assert_eq!(request.headers()[header], "application/json;IEEE754Compatible=true", "{header}");
    }
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(body, serde_json::json!({"ledgerSeq": "9007199254740991", "fee": "12.34"}));
    client.send(&op).await.expect("the server reads the strings");

    let raw = integration_tests::cap::http::get(&server.url("Loans(2)?$select=ID,ledgerSeq,fee")).expect("a response");
    assert_eq!(raw.json()["ledgerSeq"], "9007199254740991", "{}", raw.text());
    assert_eq!(raw.json()["fee"], "12.34", "{}", raw.text());
    let loan = client.send(&loans::Get::new(LoansId::new(2))).await.expect("decodes");
    assert_eq!(loan.ledger_seq.as_option(), Some(&9_007_199_254_740_991));
    assert_eq!(loan.fee.as_option(), Some(&Decimal("12.34".into())));
}

#[tokio::test]
async fn the_other_bound_operations_answer_on_their_paths() {
    // Its own server: returning a loan changes what the shared one's tests count.
    let server = CapServer::start();
    let client = client(&server);
    let open = client.pages(&books::OpenLoans::new(BooksId::new("harbor-lights"))).collect_all().await;
    let open = open.expect("a bound function returning a collection");
    assert!(!open.is_empty(), "harbor-lights has open loans");
    let loan = open[0].id.expect("a loan id");
    assert!(open.iter().all(|l| l.book_id.as_option().map(String::as_str) == Some("harbor-lights")));

    let at = chrono::DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z").unwrap();
    let returned = client.send(&loans::MarkReturned::new(LoansId::new(loan), at)).await.expect("a bound action");
    assert_eq!(returned.id, Some(loan));
    assert!(returned.returned_at.as_option().is_some(), "{returned:?}");
    let still_open = client.pages(&books::OpenLoans::new(BooksId::new("harbor-lights"))).collect_all().await.unwrap();
    assert_eq!(still_open.len(), open.len() - 1, "one fewer open loan");
}
