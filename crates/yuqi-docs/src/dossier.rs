//! The case dossier: one document with the whole case — debts and lawful amounts with their
//! traces, the timeline and deadlines, the conduct found with quoted spans, the evidence index,
//! and the plan — for the borrower, a lawyer or a legal-aid worker.

use chrono::{Datelike, Months, NaiveDate};
use yuqi_case::Debt;
use yuqi_law::law;
use yuqi_ledger::caps::LegalDates;
use yuqi_ledger::{DebtAudit, audit_debt};
use yuqi_money::{ROUNDING_POLICY_ZH, format_rate_percent};
use yuqi_plan::OptionKind;

use crate::charts::{self, AmountPoint};
use crate::contacts::{code_counts, heat};
use crate::doc::{Block, Doc, Inline};
use crate::facts::{computed, yuan};
use crate::legal::years;
use crate::letters::{LetterKind, quote};
use crate::{Inputs, inl};

/// Quotes printed in full; the rest are counted and listed in the evidence index.
pub const MAX_QUOTES: usize = 60;
/// Evidence rows printed; a store can hold millions.
pub const MAX_EVIDENCE_ROWS: usize = 500;
/// Points per amount chart.
const MAX_POINTS: u32 = 48;

fn pct(d: Option<yuqi_money::Decimal>) -> String {
    match d {
        None => "—".to_string(),
        Some(d) if d > yuqi_money::Decimal::ONE_HUNDRED => "超过 10,000%".to_string(),
        Some(d) => format_rate_percent(d, 2),
    }
}

fn m(x: yuqi_money::Money) -> String {
    x.to_grouped_string()
}

fn om(x: Option<yuqi_money::Money>) -> String {
    x.map_or_else(|| "—".to_string(), m)
}

fn para(inlines: Vec<Inline>) -> Block {
    Block::Para { inlines }
}

fn h(level: u8, text: impl Into<String>) -> Block {
    Block::Heading { level, text: text.into() }
}

fn note(text: impl Into<String>) -> Block {
    Block::Note { inlines: vec![Inline::text(text)] }
}

/// Contract arithmetic against the lawful amount for one debt, month by month up to `as_of`.
pub fn amount_series(debt: &Debt, audit: &DebtAudit, dates: LegalDates) -> Vec<AmountPoint> {
    let start = debt.contract_date;
    let end = dates.as_of;
    if end <= start {
        return Vec::new();
    }
    let months = ((end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32).max(1) as u32;
    let step = months.div_ceil(MAX_POINTS).max(1);
    let mut out = Vec::new();
    let mut k = step;
    while k < months {
        if let Some(d) = start.checked_add_months(Months::new(k)) {
            let on = LegalDates { as_of: d, filing: if dates.filing_assumed { d } else { dates.filing }, ..dates };
            if let Ok(a) = audit_debt(debt, on) {
                out.push(AmountPoint { date: d, contract: a.contract_balance, lawful: a.supported_total });
            }
        }
        k += step;
    }
    out.insert(0, AmountPoint { date: start, contract: debt.principal, lawful: audit.principal_initial });
    out.push(AmountPoint { date: end, contract: audit.contract_balance, lawful: audit.supported_total });
    out
}

/// Builds the dossier.
pub fn dossier(inputs: &Inputs<'_>) -> Doc {
    let a = inputs.audit;
    let t = inputs.timeline;
    let p = inputs.plan;
    let case = inputs.case;
    let title = if case.title.is_empty() {
        "案件材料汇编".to_string()
    } else {
        format!("案件材料汇编：{}", case.title)
    };
    let mut doc = Doc::new("dossier", title);
    doc.subtitle = Some(format!("计算截止日 {}　生成日 {}", a.as_of, inputs.today));
    doc.blocks.push(note(format!(
        "本材料由 yuqi 根据案例文件{}自动生成，不是律师意见；标注“有争议”的结论各地法院可能不同。{}",
        if inputs.evidence.is_some() { "和证据库" } else { "" },
        ROUNDING_POLICY_ZH
    )));

    // 1. Summary.
    doc.blocks.push(h(1, "一、概要"));
    let tt = &a.totals;
    let mut rows = vec![
        vec!["借款笔数".to_string(), a.debts.len().to_string()],
        vec!["已还合计".to_string(), m(tt.paid_total)],
        vec!["按合同计算现欠".to_string(), m(tt.contract_balance)],
        vec!["依法最多支持".to_string(), m(tt.supported_total)],
    ];
    if tt.supported_total_low < tt.supported_total {
        rows.push(vec!["对借款人更有利的算法".to_string(), m(tt.supported_total_low)]);
    }
    if tt.demanded_total.is_positive() {
        rows.push(vec!["对方主张合计".to_string(), m(tt.demanded_total)]);
        rows.push(vec!["超出依法金额".to_string(), m(tt.excess)]);
    }
    if let Some(f) = p.budget.for_debts {
        rows.push(vec!["每月可用于还款".to_string(), m(f)]);
    }
    doc.blocks.push(Block::Table {
        columns: vec!["项目".into(), "金额（元）".into()],
        rows,
        numeric: vec![false, true],
    });
    if let Some(d) = t.deadlines.iter().find(|d| d.days_from_now >= 0) {
        doc.blocks.push(para(inl![
            Inline::strong("最近的要紧日期："),
            computed(format!("{}（{}）{}", d.date, d.debt, d.label), d.rule)
        ]));
    }

    // 2. Deadlines.
    doc.blocks.push(h(1, "二、要紧日期"));
    if t.deadlines.is_empty() {
        doc.blocks.push(para(inl!["没有计算出需要注意的日期。"]));
    } else {
        doc.blocks.push(Block::Table {
            columns: vec!["日期".into(), "借款".into(), "事项".into(), "距今".into()],
            rows: t
                .deadlines
                .iter()
                .map(|d| {
                    vec![
                        d.date.to_string(),
                        d.debt.clone(),
                        format!("{}{}", d.label, if d.disputed { "（有争议）" } else { "" }),
                        if d.days_from_now >= 0 {
                            format!("{} 天后", d.days_from_now)
                        } else {
                            format!("{} 天前", -d.days_from_now)
                        },
                    ]
                })
                .collect(),
            numeric: vec![false, false, false, true],
        });
    }

    // 3. Amounts.
    doc.blocks.push(h(1, "三、欠款核算"));
    doc.blocks.push(Block::Table {
        columns: ["借款", "出借人", "合同本金", "实际到账", "真实年化", "法定上限", "依法应还", "对方主张", "超出"]
            .map(String::from)
            .to_vec(),
        rows: a
            .debts
            .iter()
            .map(|d| {
                vec![
                    d.id.clone(),
                    d.lender.clone(),
                    m(d.contract_principal),
                    m(d.received),
                    pct(d.apr_xirr.or(d.apr_effective)),
                    pct(d.cap_rate),
                    m(d.supported_total),
                    om(d.demanded_total),
                    om(d.excess),
                ]
            })
            .collect(),
        numeric: vec![false, false, true, true, true, true, true, true, true],
    });
    let dates = LegalDates { as_of: a.as_of, filing: a.filing_date, filing_assumed: a.filing_assumed };
    for (debt, da) in case.debts.iter().zip(&a.debts) {
        doc.blocks.push(h(2, format!("{}　{}", da.id, da.lender)));
        doc.blocks.push(para(inl![
            "依法认定的本金 ",
            computed(yuan(da.principal_initial), "kantouxi"),
            "；依法应还 ",
            computed(yuan(da.supported_total), "lawful_ledger"),
            "（本金 ",
            computed(yuan(da.principal_lawful), "lawful_ledger"),
            "，利息 ",
            computed(yuan(da.interest_lawful), "lawful_ledger"),
            "，逾期利息及违约金 ",
            computed(yuan(da.overdue_lawful), "lawful_ledger"),
            "，费用 ",
            computed(yuan(da.fees_lawful), "lawful_ledger"),
            "）。上限依据：",
            computed(da.cap_basis.clone(), "lawful_ledger"),
            if da.supported_disputed { "（有争议，见下方其他算法）" } else { "" }
        ]));
        let series = amount_series(debt, da, dates);
        let demands: Vec<(NaiveDate, yuqi_money::Money)> =
            debt.demand.as_ref().and_then(|x| Some((x.date?, x.amount))).into_iter().collect();
        doc.blocks.push(Block::Figure {
            svg: charts::amounts(&series, &demands),
            caption: format!("图：{} 按合同计算与依法最多支持的金额（对方主张标为橙点）", da.id),
        });
        if !da.alternatives.is_empty() {
            doc.blocks.push(Block::List {
                ordered: false,
                items: da
                    .alternatives
                    .iter()
                    .map(|s| inl![format!("其他算法：{}——{} 元。{}", s.label, m(s.supported_total), s.why)])
                    .collect(),
            });
        }
        if !da.findings.is_empty() {
            doc.blocks.push(para(inl![Inline::strong("发现：")]));
            doc.blocks.push(Block::List {
                ordered: false,
                items: da
                    .findings
                    .iter()
                    .map(|f| {
                        let mut v = inl![
                            Inline::strong(format!("【{}】{}：", f.severity.label_zh(), f.title)),
                            computed(f.detail.clone(), f.rule)
                        ];
                        if !f.basis.is_empty() {
                            v.push(Inline::text(format!("（{}）", f.basis.join("、"))));
                        }
                        v
                    })
                    .collect(),
            });
        }
        doc.blocks.push(para(inl![Inline::strong("计算过程：")]));
        doc.blocks.push(Block::Table {
            columns: vec!["规则".into(), "日期".into(), "计算".into(), "依据".into()],
            rows: da
                .trace
                .iter()
                .map(|s| {
                    let mut detail = s.detail.clone();
                    for prm in &s.params {
                        detail.push_str(&format!("；{} = {}", prm.name, prm.value));
                        if let Some(c) = &prm.citation_label {
                            detail.push_str(&format!("（{c}）"));
                        }
                    }
                    vec![
                        s.rule_title.to_string(),
                        s.date.map_or_else(String::new, |d| d.to_string()),
                        detail,
                        s.citations.join("、"),
                    ]
                })
                .collect(),
            numeric: vec![false, false, false, false],
        });
    }
    if !a.stacking.is_empty() {
        doc.blocks.push(para(inl![
            Inline::strong("以贷养贷："),
            format!("发现 {} 处新借款用于偿还旧借款的迹象。", a.stacking.len())
        ]));
    }

    // 4. Timeline.
    doc.blocks.push(h(1, "四、诉讼时效、债权转让和征信"));
    doc.blocks.push(Block::Figure {
        svg: yuqi_timeline::svg::render(t),
        caption: "图：时间线（每行一笔借款：事件、时效起止和届满日）".to_string(),
    });
    for d in &t.debts {
        doc.blocks.push(h(2, format!("{}　{}", d.id, d.lender)));
        let lim = &d.limitation;
        doc.blocks.push(para(inl![
            Inline::strong("诉讼时效："),
            computed(lim.status.label_zh(), lim.start_rule),
            if lim.disputed { "（有争议）" } else { "" }
        ]));
        if !lim.steps.is_empty() {
            doc.blocks.push(Block::Table {
                columns: vec!["日期".into(), "事件".into(), "效果".into(), "此后届满".into()],
                rows: lim
                    .steps
                    .iter()
                    .map(|s| {
                        vec![
                            s.date.to_string(),
                            s.label.clone(),
                            s.effect_label.to_string(),
                            s.expires_after.map_or_else(String::new, |x| x.to_string()),
                        ]
                    })
                    .collect(),
                numeric: vec![false, false, false, false],
            });
        }
        for alt in &d.limitation_alternatives {
            doc.blocks.push(para(inl![format!("其他算法（{}）：{}", alt.label, alt.status.label_zh())]));
        }
        for w in &lim.warnings {
            doc.blocks.push(note(w.clone()));
        }
        if let Some(asg) = &d.assignment {
            let chain: Vec<String> =
                asg.chain.iter().map(|l| format!("{} {} → {}：{}", l.date, l.from, l.to, l.binding_label)).collect();
            doc.blocks.push(para(inl![
                Inline::strong("债权转让："),
                chain.join("；"),
                "。目前对你有效的债权人：",
                computed(asg.creditor_for_debtor.clone(), "assignment_notice"),
                "。"
            ]));
        }
        let c = &d.credit;
        let mut credit = inl![Inline::strong("征信：")];
        credit.push(Inline::text(match (c.reported, c.record_expires) {
            (_, Some(x)) => {
                format!("不良记录预计 {x} 后删除（结清后满{}）。", years("credit.negative_record_years", inputs.today))
            }
            (Some(true), None) => format!(
                "已上报且尚未结清：不良记录会持续报送，{}保存期从结清之日起算。",
                years("credit.negative_record_years", inputs.today)
            ),
            _ => format!(
                "案例文件未记录是否已上报征信；若已上报，{}保存期从结清之日起算。",
                years("credit.negative_record_years", inputs.today)
            ),
        }));
        doc.blocks.push(para(credit));
        if !d.risk.is_empty() {
            doc.blocks.push(Block::List {
                ordered: false,
                items: d.risk.iter().map(|s| inl![format!("{}（{}）", s.text, s.basis.join("、"))]).collect(),
            });
        }
        for r in &d.why_now {
            doc.blocks
                .push(para(inl![Inline::strong(format!("为什么现在来催？{}：", r.title)), r.what_it_means.clone()]));
        }
    }
    for w in crate::contacts::unrecorded_demands(case, t, inputs.contacts, None) {
        doc.blocks.push(para(inl![Inline::strong("注意："), w]));
    }
    if !t.criminal.is_empty() {
        doc.blocks.push(h(2, "刑事风险（借款人一方）"));
        doc.blocks.push(Block::List {
            ordered: false,
            items: t.criminal.iter().map(|s| inl![format!("{}（{}）", s.text, s.basis.join("、"))]).collect(),
        });
    }

    // 5. Conduct.
    doc.blocks.push(h(1, "五、催收行为"));
    let flagged: Vec<_> = inputs.contacts.iter().filter(|c| c.incoming && !c.hits.is_empty()).collect();
    let counts = code_counts(inputs.contacts);
    doc.blocks.push(para(inl![format!(
        "共收集催收记录 {} 条（案例文件中的催收事件和导入的消息），其中 {} 条发现违规迹象。",
        inputs.contacts.iter().filter(|c| c.incoming).count(),
        flagged.len()
    )]));
    if !counts.is_empty() {
        doc.blocks.push(Block::Table {
            columns: vec!["类型".into(), "代码".into(), "条数".into(), "依据".into()],
            rows: counts
                .iter()
                .map(|(code, label, n)| {
                    vec![
                        label.to_string(),
                        code.to_string(),
                        n.to_string(),
                        yuqi_conduct::Code::parse(code).map(yuqi_conduct::code::basis).unwrap_or("").to_string(),
                    ]
                })
                .collect(),
            numeric: vec![false, false, true, false],
        });
    }
    for c in flagged.iter().take(MAX_QUOTES) {
        doc.blocks.push(quote(c));
    }
    if flagged.len() > MAX_QUOTES {
        doc.blocks
            .push(note(format!("另有 {} 条有违规迹象的记录未逐条摘录，见证据索引。", flagged.len() - MAX_QUOTES)));
    }
    let hm = heat(inputs.contacts);
    if hm.iter().flatten().any(|&n| n > 0) {
        let night = (
            law()
                .param("conduct.night_start_hour", a.as_of)
                .ok()
                .and_then(|p| p.decimal().trunc().to_string().parse().ok())
                .unwrap_or(22),
            law()
                .param("conduct.night_end_hour", a.as_of)
                .ok()
                .and_then(|p| p.decimal().trunc().to_string().parse().ok())
                .unwrap_or(8),
        );
        doc.blocks.push(Block::Figure {
            svg: charts::heatmap(&hm, night),
            caption: "图：催收来电、来信按星期和小时分布".to_string(),
        });
    } else {
        doc.blocks.push(note(
            "没有带时间的催收记录，无法画出时段分布图。导入短信和通话记录（yuqi evidence import）后再生成。",
        ));
    }

    // 6. Evidence index.
    doc.blocks.push(h(1, "六、证据索引"));
    match inputs.evidence {
        None => doc.blocks.push(para(inl![
            "本材料没有使用证据库。导入手机导出文件后，用 --evidence 证据库目录 重新生成，可附上每条证据的哈希和防篡改链。"
        ])),
        Some(ev) => {
            let mut s = format!("证据库共 {} 条记录", ev.total);
            if let Some(hd) = &ev.chain_head {
                s.push_str(&format!("，链头哈希 {hd}"));
            }
            match ev.verified {
                Some(true) => s.push_str("；生成本材料前已核验，全部哈希和链接完好"),
                Some(false) => s.push_str("；生成前核验发现问题，请运行 yuqi evidence verify 查看"),
                None => {}
            }
            s.push('。');
            doc.blocks.push(para(inl![s]));
            doc.blocks.push(Block::Table {
                columns: vec!["序号".into(), "类型".into(), "时间".into(), "对方".into(), "发现".into(), "SHA-256（前16位）".into()],
                rows: ev
                    .rows
                    .iter()
                    .take(MAX_EVIDENCE_ROWS)
                    .map(|r| {
                        vec![
                            r.seq.to_string(),
                            r.kind.clone(),
                            r.time.clone().unwrap_or_default(),
                            r.counterpart.clone().unwrap_or_default(),
                            r.codes
                                .iter()
                                .map(|c| yuqi_conduct::Code::parse(c).map_or_else(|| c.clone(), |k| k.label_zh().to_string()))
                                .collect::<Vec<_>>()
                                .join("、"),
                            r.sha256.chars().take(16).collect(),
                        ]
                    })
                    .collect(),
                numeric: vec![true, false, false, false, false, false],
            });
            if ev.rows.len() > MAX_EVIDENCE_ROWS || (ev.rows.len() as u64) < ev.total {
                doc.blocks.push(note(format!(
                    "只列出前 {} 条；完整索引见证据包（yuqi evidence export）。",
                    ev.rows.len().min(MAX_EVIDENCE_ROWS)
                )));
            }
        }
    }

    // 7. Plan.
    doc.blocks.push(h(1, "七、下一步"));
    let b = &p.budget;
    let mut budget = inl![Inline::strong("每月预算：")];
    match (b.monthly_income, b.for_debts) {
        (Some(i), Some(f)) => budget.extend(inl![
            format!(
                "月收入 {} 元，必要开支 {} 元，预留 {} 元应急，每月可用于还款 ",
                m(i),
                om(b.essential_expenses),
                m(b.reserve)
            ),
            computed(yuan(f), "plan_budget"),
            if b.contract_monthly_due.is_positive() {
                format!("（合同要求每月 {} 元）。", m(b.contract_monthly_due))
            } else {
                "。".to_string()
            }
        ]),
        _ => budget.push(Inline::text("案例文件没有填写月收入和必要开支，无法计算每月能还多少。")),
    }
    doc.blocks.push(para(budget));
    doc.blocks.push(Block::List {
        ordered: true,
        items: p.steps.iter().map(|s| inl![Inline::strong(format!("{}：", s.title)), s.detail.clone()]).collect(),
    });
    doc.blocks.push(Block::Table {
        columns: vec!["顺序".into(), "借款".into(), "现状".into(), "依法应还".into(), "建议".into()],
        rows: p
            .debts
            .iter()
            .map(|d| {
                let rec = d.options.iter().find(|o| o.recommended).map_or_else(String::new, |o| o.title.clone());
                let order = if d.standing.barred() { "—".to_string() } else { d.priority.to_string() };
                vec![order, d.id.clone(), d.standing.label_zh().to_string(), m(d.lawful_total), rec]
            })
            .collect(),
        numeric: vec![true, false, false, true, false],
    });
    for d in &p.debts {
        let head = if d.standing.barred() {
            format!("不主动处理：{}（{}）", d.id, d.creditor)
        } else {
            format!("第 {} 优先：{}（{}）", d.priority, d.id, d.creditor)
        };
        doc.blocks.push(h(2, head));
        doc.blocks
            .push(Block::List { ordered: false, items: d.priority_reasons.iter().map(|r| inl![r.clone()]).collect() });
        let items = d
            .options
            .iter()
            .map(|o| {
                let mut v = inl![Inline::strong(format!(
                    "{}{}：",
                    if o.recommended { "【建议】" } else { "" },
                    o.kind.label_zh()
                ))];
                v.push(Inline::text(o.title.clone()));
                if !o.detail.is_empty() {
                    v.push(Inline::text(format!("。{}", o.detail)));
                }
                if let Some(e) = &o.limitation_effect
                    && o.kind != OptionKind::PleadLimitation
                {
                    v.push(Inline::text(" "));
                    v.push(Inline::strong(format!("时效提醒：{e}")));
                }
                v
            })
            .collect();
        doc.blocks.push(Block::List { ordered: false, items });
        for w in &d.warnings {
            doc.blocks.push(note(w.clone()));
        }
    }
    for w in &p.warnings {
        doc.blocks.push(para(inl![Inline::strong("注意："), w.clone()]));
    }
    doc.blocks.push(para(inl![Inline::strong("可以生成的信函：")]));
    doc.blocks.push(Block::List {
        ordered: false,
        items: LetterKind::ALL
            .iter()
            .map(|k| inl![format!("{}（yuqi letter {}）：{}", k.title_zh(), k.id(), k.purpose_zh())])
            .collect(),
    });

    // 8. Limits.
    doc.blocks.push(h(1, "八、本工具不能判断的事项"));
    let mut limits: Vec<Vec<Inline>> = p.assumptions.iter().map(|s| inl![s.clone()]).collect();
    limits.push(inl![
        "某条催收是否“应当到达”你、对方的录音是否真实完整、合同条款是否经过充分提示，需要结合原始证据由法院判断。"
    ]);
    limits.push(inl!["违规催收的判断基于文字规则，可能漏报或误报；每条摘录都应回到原始记录核对。"]);
    doc.blocks.push(Block::List { ordered: false, items: limits });
    doc
}
