//! Parse + resolve + validate of real Graph documents, against a bare quick-xml event scan of
//! the same bytes (the floor for any quick-xml based reader), the scan with every attribute
//! decoded, and roxmltree's DOM, in one run.
//!
//! Run with `cargo bench -p odata-codegen --bench parse`.

use divan::{Bencher, black_box};

const DOCUMENTS: &[&str] = &["v1.0-Prod.csdl", "beta-USNat-with-cloudpki.csdl"];

fn main() {
    divan::main();
}

fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/../../shared/metadata/graph/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The floor: every quick-xml event of the document, attributes not even decoded.
#[divan::bench(args = DOCUMENTS)]
fn bare_quick_xml_scan(bencher: Bencher, name: &str) {
    let bytes = read(name);
    bencher.counter(divan::counter::BytesCount::of_slice(&bytes)).bench(|| {
        let text = std::str::from_utf8(black_box(&bytes)).expect("UTF-8");
        let mut reader = quick_xml::Reader::from_str(text);
        let mut events = 0usize;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => events += 1,
                Err(e) => panic!("{e}"),
            }
        }
        events
    });
}

/// A baseline: roxmltree's whole DOM of the document (a complete, fast XML parser that builds a
/// tree, as our reader does before resolving).
#[divan::bench(args = DOCUMENTS)]
fn roxmltree_parse(bencher: Bencher, name: &str) {
    let bytes = read(name);
    bencher.counter(divan::counter::BytesCount::of_slice(&bytes)).bench(|| {
        let text = std::str::from_utf8(black_box(&bytes)).expect("UTF-8");
        roxmltree::Document::parse(text).expect("well-formed XML").descendants().count()
    });
}

/// A second floor: the scan plus decoding every attribute, which any CSDL reader must do.
#[divan::bench(args = DOCUMENTS)]
fn quick_xml_scan_with_attributes(bencher: Bencher, name: &str) {
    let bytes = read(name);
    bencher.counter(divan::counter::BytesCount::of_slice(&bytes)).bench(|| {
        let text = std::str::from_utf8(black_box(&bytes)).expect("UTF-8");
        let mut reader = quick_xml::Reader::from_str(text);
        let mut total = 0usize;
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                    for attr in e.attributes() {
                        total += attr
                            .expect("attribute")
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .expect("value")
                            .len();
                    }
                }
                Ok(_) => {}
                Err(e) => panic!("{e}"),
            }
        }
        total
    });
}

/// The `csdl` stage alone: the syntax tree with every attribute decoded and located.
#[divan::bench(args = DOCUMENTS)]
fn csdl_parse(bencher: Bencher, name: &str) {
    let bytes = read(name);
    bencher.counter(divan::counter::BytesCount::of_slice(&bytes)).bench(|| {
        let arena = odata_codegen::csdl::Arena::new();
        let parsed = odata_codegen::csdl::parse(black_box(&bytes), &arena).expect("parses");
        parsed.document.schemas.len()
    });
}

/// What `inspect` does: parse, resolve and validate into the model.
#[divan::bench(args = DOCUMENTS)]
fn parse_resolve_validate(bencher: Bencher, name: &str) {
    let bytes = read(name);
    bencher.counter(divan::counter::BytesCount::of_slice(&bytes)).bench(|| {
        let loaded = odata_codegen::load(black_box(&bytes));
        assert!(!loaded.has_errors());
        loaded
    });
}
