//! `yuqi law`: statute texts, parameters, LPR and rules.

use std::process::ExitCode;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Subcommand;
use yuqi_law::{Document, law};
use yuqi_money::format_rate_percent;

#[derive(Subcommand, Debug)]
pub(crate) enum LawCommand {
    /// 显示法条原文，例如：yuqi law show 民法典 670
    Show {
        /// 法律或文件名称（民法典、民间借贷规定、法释〔2020〕17号……）
        document: String,
        /// 条文编号（670、第六百七十条、293-1）；省略则列出全部条文
        articles: Vec<String>,
    },
    /// 列出随附的全部法律文件
    List,
    /// 查询一年期/五年期LPR；省略日期则列出全表
    Lpr {
        /// 查询哪一天适用的LPR（如 2024-03-15）
        #[arg(value_parser = crate::parse_date)]
        date: Option<NaiveDate>,
    },
    /// 列出全部法律参数及出处
    Params {
        /// 只显示该日有效的值
        #[arg(long, value_parser = crate::parse_date)]
        on: Option<NaiveDate>,
    },
    /// 列出计算所用的全部规则
    Rules,
}

fn print_header(d: &Document) {
    println!(
        "《{}》{}",
        d.title,
        if d.doc_number.is_empty() { String::new() } else { format!("（{}）", d.doc_number) }
    );
    let date = |x: Option<NaiveDate>| x.map_or_else(|| "未知".to_string(), |d| d.to_string());
    println!(
        "发布机关：{}；通过/发布：{}；施行：{}",
        if d.issuer.is_empty() { "未知" } else { d.issuer },
        date(d.adopted),
        date(d.in_force)
    );
    println!("文本来源：{}", d.source);
}

pub(crate) fn run(cmd: &LawCommand) -> Result<ExitCode> {
    let l = law();
    match cmd {
        LawCommand::Show { document, articles } => {
            let Some(doc) = l.document(document) else {
                bail!("找不到法律文件“{document}”。用 yuqi law list 查看可用的名称");
            };
            print_header(doc);
            println!();
            let wanted: Vec<&yuqi_law::Article> = if articles.is_empty() {
                doc.articles.iter().collect()
            } else {
                let mut v = Vec::new();
                for a in articles {
                    match doc.article(a) {
                        Some(x) => v.push(x),
                        None => {
                            let have: Vec<&str> = doc.articles.iter().map(|a| a.number).collect();
                            bail!("《{}》中没有收录第 {a} 条。已收录：{}", doc.short, have.join("、"));
                        }
                    }
                }
                v
            };
            for a in wanted {
                let kind = match a.text_kind {
                    "verbatim" => "原文",
                    "excerpt" => "节选",
                    _ => "摘要（非原文）",
                };
                println!("{}（{}，{}：{}）", a.label, kind, a.confidence.mark(), a.confidence.label_zh());
                println!("{}", a.text);
                if !a.note.is_empty() {
                    println!("注：{}", a.note);
                }
                println!();
            }
        }
        LawCommand::List => {
            for d in l.documents() {
                let numbers: Vec<&str> = d.articles.iter().map(|a| a.number).collect();
                println!(
                    "{}  《{}》{}  条文：{}",
                    d.short,
                    d.title,
                    if d.doc_number.is_empty() { String::new() } else { format!("（{}）", d.doc_number) },
                    numbers.join(" ")
                );
            }
        }
        LawCommand::Lpr { date } => match date {
            Some(d) => {
                let v = l.lpr(*d)?;
                println!(
                    "{d}：一年期LPR {}，五年期以上LPR {}（{} 公布）{}",
                    format_rate_percent(v.one_year, 2),
                    format_rate_percent(v.five_year, 2),
                    v.published,
                    if v.unverified {
                        format!("；数据核实至 {}，此后按最近一次公布值推定", v.last_verified)
                    } else {
                        String::new()
                    }
                );
                // The private-lending cap's multiple in force that day (none before 2020-08-20).
                if let Ok(m) = l.param("private_lending.lpr_multiple", *d) {
                    println!(
                        "{}倍一年期LPR（民间借贷利率上限）：{}",
                        m.prose(),
                        format_rate_percent(v.one_year * m.decimal(), 2)
                    );
                }
            }
            None => {
                // The multiple of the private-lending cap, from the law data for each row's date.
                println!("公布日        一年期   五年期以上   民间借贷上限（一年期的倍数）");
                for (d, y1, y5) in l.lpr_rows() {
                    let cap = l.param("private_lending.lpr_multiple", d).map_or_else(
                        |_| "—".to_string(),
                        |m| format!("{}（{}倍）", format_rate_percent(y1 * m.decimal(), 2), m.prose()),
                    );
                    println!("{d}   {:>6}   {:>8}   {cap}", format_rate_percent(y1, 2), format_rate_percent(y5, 2));
                }
                println!("出处：{}", l.lpr_citation());
            }
        },
        LawCommand::Params { on } => {
            for id in l.param_ids() {
                let values = match on {
                    Some(d) => l.param(id, *d).map(|p| vec![p]).unwrap_or_default(),
                    None => l.param_history(id)?,
                };
                for p in values {
                    let until = p.until.map_or_else(|| "至今".to_string(), |u| u.to_string());
                    println!("{id} = {}  [{} – {}]  {}", p.value, p.from, until, p.label);
                    println!(
                        "    出处：{}{}",
                        p.citation,
                        if p.note.is_empty() { String::new() } else { format!("；{}", p.note) }
                    );
                }
            }
        }
        LawCommand::Rules => {
            for r in l.rules() {
                let cites: Vec<String> = r.cites.iter().map(ToString::to_string).collect();
                println!("{}  {}  [{:?}]", r.id, r.title, r.kind);
                println!("    {}", r.summary);
                if !cites.is_empty() {
                    println!("    依据：{}", cites.join("；"));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
