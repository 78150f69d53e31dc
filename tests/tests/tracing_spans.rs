//! The `tracing` feature of a generated crate: a span per attempt the client sends, named
//! `odata_request`, with the method, the path (not the query, which may hold filter values), the
//! attempt number and the response status, and a `retrying` event between attempts. A
//! subscriber of the test's own records them.

use graph_beta_cloudpki::client::{Client, RetryPolicy, TokenSource};
use graph_beta_cloudpki::odata::Cloud;
use graph_beta_cloudpki::operations::device_management::cloud_certification_authority as ca;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A span's name and its fields, as `name=value`.
type Recorded = (String, Vec<String>);

/// Every span and event message, in order.
#[derive(Default, Clone)]
struct Recorder {
    spans: Arc<Mutex<Vec<Recorded>>>,
    events: Arc<Mutex<Vec<String>>>,
    /// Each span's metadata, and the spans entered now (for `Span::current()`).
    metadata: Arc<Mutex<Vec<&'static Metadata<'static>>>>,
    entered: Arc<Mutex<Vec<u64>>>,
}

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut spans = self.spans.lock().unwrap();
        let mut fields = Vec::new();
        span.record(&mut Fields(&mut fields));
        spans.push((span.metadata().name().to_owned(), fields));
        self.metadata.lock().unwrap().push(span.metadata());
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let index = span.into_u64() as usize - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut fields = Vec::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(fields.join(" "));
    }
    fn enter(&self, span: &Id) {
        self.entered.lock().unwrap().push(span.into_u64());
    }
    fn exit(&self, span: &Id) {
        let mut entered = self.entered.lock().unwrap();
        if let Some(at) = entered.iter().rposition(|id| *id == span.into_u64()) {
            entered.remove(at);
        }
    }
    fn current_span(&self) -> tracing_core::span::Current {
        match self.entered.lock().unwrap().last() {
            Some(id) => {
                let metadata = self.metadata.lock().unwrap()[*id as usize - 1];
                tracing_core::span::Current::new(Id::from_u64(*id), metadata)
            }
            None => tracing_core::span::Current::none(),
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn each_attempt_is_a_span_with_method_path_attempt_and_status() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id":"ca-1"}"#))
        .mount(&server)
        .await;
    let retry = RetryPolicy { max_attempts: 2, max_total_wait: Duration::from_secs(1), default_delay: Duration::ZERO };
    let client =
        Client::builder(Cloud::Custom(server.uri()), TokenSource::fixed("s3cr3t")).retry(retry).build().unwrap();

    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    client.send(&ca::Get::new("ca-1")).await.expect("the retry succeeds");

    let spans = recorder.spans.lock().unwrap().clone();
    let requests: Vec<&Vec<String>> =
        spans.iter().filter(|(name, _)| name == "odata_request").map(|(_, f)| f).collect();
    let path = "path=/beta/deviceManagement/cloudCertificationAuthority/ca-1";
    assert_eq!(requests.len(), 2, "{spans:?}");
    for (attempt, status, fields) in [(1, 429, requests[0]), (2, 200, requests[1])] {
        for expected in
            ["method=GET".to_owned(), path.to_owned(), format!("attempt={attempt}"), format!("status={status}")]
        {
            assert!(fields.contains(&expected), "{expected} not in {fields:?}");
        }
    }
    let events = recorder.events.lock().unwrap().clone();
    assert!(events.iter().any(|e| e.contains("message=retrying") && e.contains("attempt=1")), "{events:?}");
    let everything = format!("{spans:?}{events:?}");
    assert!(!everything.contains("s3cr3t"), "the token is never traced");
}
