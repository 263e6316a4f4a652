//! Time to produce the whole dossier (issue target: under 1 s after start-up) for the largest
//! examples: computing the case, building the document, and writing the PDF; font loading
//! (start-up) is measured apart.

use std::path::PathBuf;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use yuqi_docs::Inputs;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A computed case, through the same pipeline as the CLI and the web app.
struct World(yuqi_app::Computed);

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
}

fn world(case_file: &str, messages: &str) -> World {
    let src = std::fs::read_to_string(root().join(case_file)).expect("case");
    let case = yuqi_case::parse_case(&src, case_file).expect("parse");
    let messages = messages
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<yuqi_conduct::Message<'_>>(l).expect("msg").into_owned())
        .collect();
    let input = yuqi_app::CaseInput { case, evidence: None, messages };
    let dates = yuqi_app::Dates { written: Some(today()), ..yuqi_app::Dates::today(today()) };
    World(yuqi_app::compute(input, dates).expect("pipeline"))
}

fn inputs(w: &World) -> Inputs<'_> {
    w.0.inputs()
}

fn bench(c: &mut Criterion) {
    let messages = std::fs::read_to_string(root().join("examples/demo-messages.jsonl")).expect("messages");
    let mut g = c.benchmark_group("dossier");
    g.sample_size(10);
    g.bench_function("startup_fonts", |b| b.iter(|| yuqi_render::Renderer::new().expect("fonts")));
    let r = yuqi_render::Renderer::new().expect("fonts");
    for (name, file, msgs) in [
        ("demo_with_messages", "examples/demo.toml", messages.as_str()),
        ("stacking_4_debts", "examples/stacking.toml", ""),
    ] {
        g.bench_function(format!("{name}/compute"), |b| b.iter(|| world(file, msgs)));
        let w = world(file, msgs);
        g.bench_function(format!("{name}/build_document"), |b| b.iter(|| yuqi_docs::dossier::dossier(&inputs(&w))));
        let doc = yuqi_docs::dossier::dossier(&inputs(&w));
        g.bench_function(format!("{name}/pdf"), |b| b.iter(|| r.doc_pdf(&doc, (2026, 11, 24)).expect("pdf")));
        g.bench_function(format!("{name}/total_after_startup"), |b| {
            b.iter(|| {
                let w = world(file, msgs);
                let doc = yuqi_docs::dossier::dossier(&inputs(&w));
                r.doc_pdf(&doc, (2026, 11, 24)).expect("pdf")
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
