//! Plain language in what a borrower takes away: every letter that can be written for each
//! example case (with the demo's collector messages) and the whole dossier, as plain text, carry
//! no English words, internal codes or ids — only a short allow-list of abbreviations that
//! everyone in China uses or that the text explains beside them.

use std::path::PathBuf;

use chrono::NaiveDate;
use yuqi_docs::{LetterKind, LetterOptions};

/// What may appear: abbreviations in daily use (App, PDF), the rate names the law itself uses
/// (LPR), the program's own name where the document says who produced it, and file formats the
/// dossier offers.
/// The national-standard prefix `GB/T` is part of a standard's public name.
const ALLOWED: &[&str] = &["App", "APP", "app", "PDF", "LPR", "IRR", "HTML", "DOCX", "yuqi", "GB", "T"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn foreign_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if word.chars().any(|c| c.is_ascii_alphabetic()) && !ALLOWED.contains(&word.as_str()) {
            out.push(word.clone());
        }
        word.clear();
    }
    out
}

#[test]
fn letters_and_the_dossier_speak_plain_chinese() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let messages: Vec<yuqi_conduct::Message<'static>> =
        std::fs::read_to_string(root().join("examples/demo-messages.jsonl"))
            .expect("messages")
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<yuqi_conduct::Message<'_>>(l).expect("message").into_owned())
            .collect();
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    examples.sort();
    let mut found = Vec::new();
    let mut documents = 0;
    for path in &examples {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        let src = std::fs::read_to_string(path).expect("case file");
        let case = yuqi_case::parse_case(&src, &name).unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<String> = case.debts.iter().map(|d| d.id.clone()).collect();
        // The borrower's own words (names of apps, lenders, people) are theirs to write.
        let own: Vec<String> = case
            .debts
            .iter()
            .flat_map(|d| [Some(d.lender.clone()), d.platform.clone()])
            .flatten()
            .chain([case.person.name.clone(), case.title.clone()])
            .collect();
        let msgs = if name == "demo.toml" { messages.clone() } else { Vec::new() };
        let input = yuqi_app::CaseInput { case, evidence: None, messages: msgs };
        let c = yuqi_app::compute(input, yuqi_app::Dates::today(today)).expect("pipeline");
        let inputs = c.inputs();
        let mut docs = vec![
            ("dossier".to_string(), yuqi_docs::dossier::dossier(&inputs)),
            ("exhibit".to_string(), yuqi_docs::exhibit::exhibit_doc(&inputs)),
        ];
        for kind in LetterKind::ALL {
            let debts: Vec<Option<String>> =
                if kind.per_debt() { ids.iter().cloned().map(Some).collect() } else { vec![None] };
            for debt in debts {
                let opts = LetterOptions { debt: debt.clone(), accept_limitation_effect: true };
                // A letter that does not apply to this debt is refused with a reason; not a text.
                if let Ok(doc) = yuqi_docs::letter(kind, &inputs, &opts) {
                    docs.push((format!("{} {}", kind.id(), debt.unwrap_or_default()), doc));
                }
            }
        }
        for (label, doc) in docs {
            documents += 1;
            let text = yuqi_render::text::text(&doc);
            for w in foreign_words(&text).into_iter().filter(|w| !own.iter().any(|o| o.contains(w.as_str()))) {
                found.push(format!("{name} {label}: {w}"));
            }
        }
    }
    assert!(documents > 30, "only {documents} documents were read");
    found.sort();
    found.dedup();
    assert!(found.is_empty(), "{} foreign words:\n{}", found.len(), found.join("\n"));
}
