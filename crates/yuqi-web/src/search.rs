//! Full-text search over the law data (every stored article of every document), with a Chinese
//! word segmenter (jieba, dictionary built in) and BM25 ranking. The index is built once at
//! start-up in memory: the law data is a few hundred articles.

use std::collections::HashMap;

use jieba_rs::Jieba;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Hit {
    pub(crate) doc: &'static str,
    pub(crate) doc_title: &'static str,
    pub(crate) article: &'static str,
    pub(crate) label: String,
    pub(crate) snippet: String,
    pub(crate) confidence: &'static str,
    pub(crate) score: f64,
}

struct Entry {
    doc: &'static str,
    doc_title: &'static str,
    article: &'static str,
    label: String,
    text: &'static str,
    confidence: &'static str,
    len: usize,
}

pub(crate) struct LawIndex {
    jieba: Jieba,
    entries: Vec<Entry>,
    postings: HashMap<String, Vec<(usize, u32)>>,
    avg_len: f64,
}

impl std::fmt::Debug for LawIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LawIndex").field("entries", &self.entries.len()).field("terms", &self.postings.len()).finish()
    }
}

fn keep(t: &str) -> bool {
    t.chars().any(|c| c.is_alphanumeric())
}

impl LawIndex {
    pub(crate) fn build() -> LawIndex {
        let jieba = Jieba::new();
        let mut entries = Vec::new();
        let mut postings: HashMap<String, Vec<(usize, u32)>> = HashMap::new();
        for d in yuqi_law::law().documents() {
            for a in &d.articles {
                let idx = entries.len();
                let body = format!("{} {} {} {}", d.title, d.short, a.label, a.text);
                let mut tf: HashMap<String, u32> = HashMap::new();
                let mut len = 0;
                for t in jieba.cut_for_search(&body, true) {
                    if keep(t.word) {
                        *tf.entry(t.word.to_lowercase()).or_default() += 1;
                        len += 1;
                    }
                }
                for (t, n) in tf {
                    postings.entry(t).or_default().push((idx, n));
                }
                entries.push(Entry {
                    doc: d.id,
                    doc_title: d.title,
                    article: a.number,
                    label: yuqi_law::law().citation_label(d.id, a.number),
                    text: a.text,
                    confidence: a.confidence.label_zh(),
                    len,
                });
            }
        }
        let avg_len = entries.iter().map(|e| e.len as f64).sum::<f64>() / entries.len().max(1) as f64;
        LawIndex { jieba, entries, postings, avg_len }
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The best matches for a query, at most `limit`.
    pub(crate) fn search(&self, query: &str, limit: usize) -> Vec<Hit> {
        let terms: Vec<String> = self
            .jieba
            .cut_for_search(query, true)
            .into_iter()
            .filter(|t| keep(t.word))
            .map(|t| t.word.to_lowercase())
            .collect();
        if terms.is_empty() {
            return Vec::new();
        }
        let n = self.entries.len() as f64;
        let (k1, b) = (1.2, 0.75);
        let mut scores: HashMap<usize, f64> = HashMap::new();
        for t in &terms {
            let Some(list) = self.postings.get(t) else { continue };
            let idf = ((n - list.len() as f64 + 0.5) / (list.len() as f64 + 0.5) + 1.0).ln();
            for &(i, tf) in list {
                let tf = f64::from(tf);
                let len = self.entries[i].len as f64;
                *scores.entry(i).or_default() += idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / self.avg_len));
            }
        }
        let mut ranked: Vec<(usize, f64)> = scores.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked
            .into_iter()
            .take(limit)
            .map(|(i, score)| {
                let e = &self.entries[i];
                Hit {
                    doc: e.doc,
                    doc_title: e.doc_title,
                    article: e.article,
                    label: e.label.clone(),
                    snippet: snippet(e.text, &terms),
                    confidence: e.confidence,
                    score,
                }
            })
            .collect()
    }
}

/// About 80 characters of the text around the first query term found.
fn snippet(text: &str, terms: &[String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let lower = text.to_lowercase();
    let at = terms
        .iter()
        .filter_map(|t| lower.find(t.as_str()))
        .min()
        .map(|byte| lower[..byte].chars().count())
        .unwrap_or(0);
    let start = at.saturating_sub(20);
    let end = (start + 80).min(chars.len());
    let mut s: String = chars[start..end].iter().collect();
    if start > 0 {
        s.insert(0, '…');
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}
