//! A [`Doc`] as one self-contained HTML page: inline CSS and SVG, no scripts, no external
//! resources, a Content-Security-Policy that forbids loading anything. Every text is escaped.

use std::fmt::Write as _;

use yuqi_docs::doc::{Block, Doc, Inline};
use yuqi_util::escape_markup;

fn inlines(v: &[Inline]) -> String {
    let mut s = String::new();
    for i in v {
        match i {
            Inline::Text { text } => s.push_str(&escape_markup(text)),
            Inline::Fact { text, .. } => {
                let _ = write!(s, "<span class=\"fact\">{}</span>", escape_markup(text));
            }
            Inline::Strong { text } => {
                let _ = write!(s, "<strong>{}</strong>", escape_markup(text));
            }
            Inline::Blank { prompt } => {
                let _ = write!(s, "<span class=\"blank\">＿＿＿＿（{}）</span>", escape_markup(prompt));
            }
            Inline::Mark { text, code } => {
                let _ = write!(s, "<mark data-code=\"{}\">{}</mark>", escape_markup(code), escape_markup(text));
            }
        }
    }
    s
}

const CSS: &str = "body{font-family:'Noto Serif CJK SC','Source Han Serif SC','Songti SC',serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.8;color:#222}\
h1{text-align:center;font-size:1.6em}h2,h3{font-family:'Noto Sans CJK SC','Source Han Sans SC',sans-serif}\
p.para{text-indent:2em}.sig{text-align:right;margin-top:2em}.sub{text-align:center;color:#555}\
table{border-collapse:collapse;width:100%;font-size:.9em;margin:1em 0}td,th{border:1px solid #999;padding:.2em .4em;vertical-align:top}td.num{text-align:right}\
@media (max-width:40em){table:not(.pairs),table:not(.pairs) tbody,table:not(.pairs) tr,table:not(.pairs) td{display:block}table:not(.pairs) thead{display:none}table:not(.pairs) tr{border:1px solid #999;margin:.5em 0}table:not(.pairs) td{border:0;display:flex;justify-content:space-between;gap:.8em}table:not(.pairs) td::before{content:attr(data-label);color:#555;text-align:left}}\
blockquote{background:#f6f6f6;margin:1em 0;padding:.5em 1em;border-left:4px solid #c0392b}blockquote .head{font-size:.85em;color:#555}\
mark{background:#f9d6d5;text-decoration:underline #c0392b}.blank{color:#777}.note{font-size:.9em;color:#555}\
figure{margin:1em 0;text-align:center}figure svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#555}\
.chart-narrow{display:none}@media (max-width:40em){.chart-wide{display:none}.chart-narrow{display:block}}";

pub fn html(doc: &Doc) -> String {
    let mut s = String::from("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">");
    s.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    let _ = write!(s, "<title>{}</title><style>{CSS}</style></head><body>", escape_markup(&doc.title));
    let _ = write!(s, "<h1>{}</h1>", escape_markup(&doc.title));
    if let Some(sub) = &doc.subtitle {
        let _ = write!(s, "<p class=\"sub\">{}</p>", escape_markup(sub));
    }
    s.push_str(&blocks(&doc.blocks));
    s.push_str("</body></html>\n");
    s
}

/// Blocks as an HTML fragment (for embedding in the web app's pages); every text is escaped.
pub fn blocks(blocks: &[Block]) -> String {
    let mut s = String::new();
    for b in blocks {
        match b {
            Block::Heading { level, text } => {
                let l = (*level).clamp(1, 4) + 1;
                let _ = write!(s, "<h{l}>{}</h{l}>", escape_markup(text));
            }
            Block::Para { inlines: v } => {
                let _ = write!(s, "<p class=\"para\">{}</p>", inlines(v));
            }
            Block::Line { inlines: v } => {
                let _ = write!(s, "<p>{}</p>", inlines(v));
            }
            Block::Signature { lines } => {
                s.push_str("<div class=\"sig\">");
                for l in lines {
                    let _ = write!(s, "<div>{}</div>", inlines(l));
                }
                s.push_str("</div>");
            }
            Block::List { ordered, items } => {
                let t = if *ordered { "ol" } else { "ul" };
                let _ = write!(s, "<{t}>");
                for it in items {
                    let _ = write!(s, "<li>{}</li>", inlines(it));
                }
                let _ = write!(s, "</{t}>");
            }
            Block::Table { columns, rows, numeric } => {
                // A two-column table (an item and its amount) fits a phone as it is; made into
                // one card per row it turned ten figures into ten boxes each saying 项目 and
                // 金额（元）. Only wider tables become cards.
                s.push_str(if columns.len() <= 2 {
                    "<table class=\"pairs\"><thead><tr>"
                } else {
                    "<table><thead><tr>"
                });
                for c in columns {
                    let _ = write!(s, "<th>{}</th>", escape_markup(c));
                }
                s.push_str("</tr></thead><tbody>");
                for r in rows {
                    s.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        let cls = if numeric.get(i).copied().unwrap_or(false) { " class=\"num\"" } else { "" };
                        // The column name travels with each cell: on a phone each row becomes a
                        // card of "name: value" lines (CSS), so nothing scrolls sideways.
                        let label = columns.get(i).map_or_else(String::new, |c| escape_markup(c));
                        let _ = write!(s, "<td{cls} data-label=\"{label}\">{}</td>", escape_markup(c));
                    }
                    s.push_str("</tr>");
                }
                s.push_str("</tbody></table>");
            }
            // The SVG is generated by yuqi with every text escaped (yuqi-docs charts).
            Block::Figure { svg, narrow, caption } => {
                let _ = match narrow {
                    Some(n) => write!(
                        s,
                        "<figure><div class=\"chart-wide\">{svg}</div><div class=\"chart-narrow\">{n}</div><figcaption>{}</figcaption></figure>",
                        escape_markup(caption)
                    ),
                    None => write!(s, "<figure>{svg}<figcaption>{}</figcaption></figure>", escape_markup(caption)),
                };
            }
            Block::Quote { head, inlines: v } => {
                let _ = write!(
                    s,
                    "<blockquote><div class=\"head\">{}</div><div>{}</div></blockquote>",
                    escape_markup(head),
                    inlines(v)
                );
            }
            Block::Note { inlines: v } => {
                let _ = write!(s, "<p class=\"note\">{}</p>", inlines(v));
            }
            Block::PageBreak => s.push_str("<hr>"),
        }
    }
    s
}
