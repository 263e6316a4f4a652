//! The inbox: imported messages with their conduct findings.

use super::*;
// A sender or signature naming a court, the police or a law firm ("【XX法院】", "XX派出所") claims
// that identity, it is not proven by it: the police letter's list, asked in the one place, so the
// inbox and the letters never disagree.
use yuqi_docs::letters::claims_authority;

/// Beside a message offering paid "debt optimisation", 停息挂账 by proxy or credit repair
/// (`debt_relief_scam`, docs/law/conduct.md §9). The triage's advice for tonight says the same
/// before any offer arrives (`triage::debt_relief_advice`). The retention period comes from the
/// law data (征信业管理条例 art. 16), as of today.
pub(crate) fn debt_relief_warning() -> String {
    let years = yuqi_docs::legal::years("credit.negative_record_years", crate::compute::today());
    format!(
        "这条消息像是收费“债务优化”“停息挂账”“征信修复”一类的推销，要先交钱的多是骗局。停息挂账、延期、分期可以自己直接向借钱给你的机构申请，对方不一定同意，但申请不用交钱，也不用找中介；征信上真实的逾期记录谁也不能花钱删掉，还清后满{years}会自动删除；记录有错，可以自己向征信中心或放贷机构提出异议。不要把身份证、银行卡、密码和验证码交给这些人；需要帮助可以打12348找免费的法律援助。"
    )
}

/// Whether the analyzer found a debt-relief or credit-repair offer in the message.
fn is_debt_relief_offer(codes: impl IntoIterator<Item = impl AsRef<str>>) -> bool {
    codes.into_iter().any(|c| c.as_ref() == yuqi_conduct::Code::DebtReliefScam.as_str())
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct Inbox {
    /// Stored messages can be tied to a debt (the case has debts, the page shows stored messages).
    tieable: bool,
    /// Kinds a borrower may mark on a message the analyzer missed: (code, name).
    addable: Vec<(&'static str, &'static str)>,
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    codes: Vec<(String, String, usize)>,
    /// Each sender to filter by: (as stored, as shown — a claimed authority as a claim).
    senders: Vec<(String, String)>,
    code: String,
    sender: String,
    shown: usize,
    items: Vec<InboxItem>,
    message: String,
    message_class: &'static str,
    /// A paste split into messages, shown for the user to check before anything is stored:
    /// (time, sender, text). Empty when there is nothing to confirm.
    preview: Vec<PastedMessage>,
    /// The pasted text, kept in the form for the confirmation (or for correcting it).
    pasted: String,
    /// The day received as the borrower gave it (`YYYY-MM-DD`), kept in the form likewise.
    received: String,
    /// The time received (`HH:MM`), and where the messages came from (a channel code), kept
    /// likewise.
    received_time: String,
    source: String,
    /// The debt the messages are about (a debt id; empty: 不确定), kept likewise, and the
    /// case's debts to choose from: (id, the name the pages use).
    debt: String,
    debts: Vec<(String, String)>,
    /// Who received the messages (a recipient word of [`PASTE_RECIPIENTS`]; empty: 我本人),
    /// kept likewise.
    to: String,
    /// The paste box (`paste_box.html`) posts here.
    paste_action: String,
    skippable: bool,
}

/// One message shown in the inbox.
struct InboxItem {
    /// The quoted message (HTML from `yuqi_render`, its text escaped there).
    quote: String,
    /// The debt-relief warning goes beside it.
    debt_relief: bool,
    /// What the analyzer found, sure findings first, each once.
    findings: Vec<Finding>,
    /// For a message read off a screenshot: the image's address, shown beside it.
    image: Option<String>,
    /// Its entry in the evidence store: the borrower can judge its findings (`judge.rs`). None
    /// for the case file's notes and a messages file's lines.
    seq: Option<u64>,
    /// Kinds the borrower said it does not show: (code, name), each with a button to take it back.
    rejected: Vec<(&'static str, &'static str)>,
    /// The debt it is tied to (a debt id; empty: none), chosen in its 这是哪笔借款的？ (`tie.rs`).
    debt: String,
}

/// One kind of finding on a message, as the borrower reads it: its name, the law it breaks and
/// whether the analyzer is sure. Words, not percentages: a borrower reads "把握约65%" as a
/// verdict.
struct Finding {
    label: &'static str,
    /// The rule's citations for the lenders the message may concern
    /// (`yuqi_docs::scope::conduct_basis`): a text binding none of them, such as the card
    /// measures for an online loan, is left out. Empty when the law data has none.
    basis: String,
    /// Sure findings go into letters; the rest are for the borrower to judge.
    sure: bool,
    /// The code, for the borrower's buttons.
    code: &'static str,
    /// He confirmed it himself (a suspicion, or what the analyzer missed).
    by_user: bool,
    /// What the text alone cannot settle, said beside the finding; empty when nothing.
    caution: &'static str,
}

/// A message claiming a court, a lawyer or a filed case may be a genuine notice: courts and
/// lawyers do send them, and the words alone cannot tell (the analyzer holds back only the ones
/// with a court's own markers, `yuqi_conduct::Analysis::needs_confirmation`). The borrower can
/// check, and his "不是" takes the finding out of the letters.
const COURT_CLAIM_CAUTION: &str =
    "法院和律师也会真的发通知，光看文字分不出真假：有案号的，可以打 12368 向法院核实；核实是真的，请点“不是”。";

/// The findings of a contact: the sure ones, then those only suspected, each kind once. A
/// debt-relief offer is not the collector's violation: it has its own warning instead.
fn findings(case: &yuqi_case::Case, c: &yuqi_docs::Contact) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let relief = yuqi_conduct::Code::DebtReliefScam.as_str();
    let kinds = yuqi_docs::scope::kinds_for(case, c.debt.as_deref());
    for (hits, sure) in [(&c.hits, true), (&c.possible, false)] {
        for h in hits.iter().filter(|h| h.code != relief) {
            if !out.iter().any(|f| f.label == h.label) {
                out.push(Finding {
                    label: h.label,
                    basis: yuqi_docs::scope::conduct_basis(h.code, &kinds),
                    sure,
                    code: h.code,
                    by_user: h.by_user,
                    caution: if !h.by_user
                        && (h.code == yuqi_conduct::Code::ImpersonateAuthority.as_str()
                            || h.code == yuqi_conduct::Code::FakeLegalDocument.as_str())
                    {
                        COURT_CLAIM_CAUTION
                    } else {
                        ""
                    },
                });
            }
        }
    }
    out
}

/// The `【名称】` signature an SMS carries at the start or the end of its text.
fn signature(text: &str) -> Option<&str> {
    let t = text.trim();
    let start = t.strip_prefix('【').and_then(|r| r.split_once('】')).map(|(n, _)| n);
    let end = t.strip_suffix('】').and_then(|r| r.rsplit_once('【')).map(|(_, n)| n);
    start.or(end).map(str::trim).filter(|n| !n.is_empty() && n.chars().count() <= 20 && !n.contains(['【', '】']))
}

/// The quoted message's heading as the inbox shows it: the letters' heading
/// (`yuqi_docs::letters::quote_block`: time, channel, sender, recipient), without the list of
/// findings at its end (the inbox lists them below, with their basis), and with a sender or
/// signature that names a court, the police or a law firm shown as a claim — a collector signing
/// "【XX法院】" is not the court, and the page must not present him as one.
fn inbox_head(c: &yuqi_docs::Contact, head: &str) -> String {
    let mut head = match head.rfind('（') {
        Some(at) if head.ends_with('）') => head[..at].to_string(),
        _ => head.to_string(),
    };
    let from = c.from.as_deref().map(str::trim).filter(|f| !f.is_empty());
    if let Some(from) = from
        && claims_authority(from)
    {
        head = head.replacen(&format!(" 来自 {from}"), &format!(" 来自 自称“{from}”的发送方"), 1);
    }
    if let Some(sig) = signature(&c.text)
        && claims_authority(sig)
        && from.is_none_or(|f| !f.contains(sig))
    {
        head.push_str(&format!("（署名自称“{sig}”）"));
    }
    head
}

#[derive(Deserialize, Default)]
pub(crate) struct InboxQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    sender: String,
}

pub(crate) async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
    Query(q): Query<InboxQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    inbox_page(&state, v, &id, dates, q, String::new(), true).await
}

/// What the page shows after a paste: the split to confirm, or nothing.
#[derive(Default)]
struct Pasted {
    preview: Vec<PastedMessage>,
    input: PasteInput,
}

/// What the borrower put into the paste box: the text, the day and time the messages reached
/// him (optional; `YYYY-MM-DD` and `HH:MM` as the date and time inputs send them) and where they
/// came from (短信 unless he says otherwise). All are kept in the form when the page comes back,
/// for the confirmation or a correction.
#[derive(Debug, Default, Clone)]
pub(crate) struct PasteInput {
    pub(crate) text: String,
    pub(crate) received: String,
    pub(crate) received_time: String,
    /// A channel code of [`PASTE_SOURCES`]; empty for 短信.
    pub(crate) source: String,
    /// The debt the borrower says the messages are about (a debt id of the case); empty when
    /// he is not sure. Stored as each message's creditor, so that letters about that debt, and
    /// only those, quote them.
    pub(crate) debt: String,
    /// Who received the messages: a recipient word of [`PASTE_RECIPIENTS`]; empty when he did
    /// himself. Stored as each message's `to`, so the analyzer reads a threat his mother
    /// received as contact with a third party, and letters say it was sent to her.
    pub(crate) to: String,
}

/// Who may have received pasted messages, as the paste box offers it: (the recipient word of
/// the analyzer's input, `yuqi_conduct::Message::to`, what the choice says). 我本人 first, the
/// default; every other word is one of the lexicon's third-party recipients, so the analyzer,
/// not this page, decides what a message to them means.
pub(crate) const PASTE_RECIPIENTS: [(&str, &str); 6] = [
    ("", "我本人"),
    ("relative", "家人或亲戚"),
    ("friend", "朋友"),
    ("colleague", "同事"),
    // A letter says who was told: his employer (领导、人事) is not "本人的同事".
    ("employer", "单位（领导、人事、老板）"),
    ("third_party", "其他人"),
];

/// The choices of the paste box's recipient list: (recipient word, what it says).
pub(crate) fn paste_recipients() -> impl Iterator<Item = (&'static str, &'static str)> {
    PASTE_RECIPIENTS.iter().copied()
}

/// The paste box's list of debts: (id, the name the pages use).
pub(crate) fn paste_debts(case: &yuqi_case::Case) -> Vec<(String, String)> {
    case.debts.iter().map(|d| (d.id.clone(), case.debt_name(&d.id))).collect()
}

/// Where pasted messages may come from, as the paste box offers it: (the channel, what the
/// choice says). 短信 first, the default.
pub(crate) const PASTE_SOURCES: [(yuqi_case::Channel, &str); 4] = [
    (yuqi_case::Channel::Sms, "短信"),
    (yuqi_case::Channel::Wechat, "微信"),
    (yuqi_case::Channel::Call, "电话记录"),
    (yuqi_case::Channel::Other, "其他"),
];

/// The choices of the paste box's source list: (channel code, what it says).
pub(crate) fn paste_sources() -> impl Iterator<Item = (&'static str, &'static str)> {
    PASTE_SOURCES.iter().map(|(c, name)| (c.code(), *name))
}

impl PasteInput {
    /// The form's fields as the paste box posts them.
    pub(crate) fn from_fields(field: impl Fn(&str) -> String) -> PasteInput {
        PasteInput {
            text: field("text"),
            received: field("received"),
            received_time: field("received_time"),
            source: field("source"),
            debt: field("debt"),
            to: field("to"),
        }
    }

    /// Who received the messages, checked: `None` for the borrower himself (also said as
    /// `self`), else a recipient word of [`PASTE_RECIPIENTS`].
    pub(crate) fn recipient(&self) -> Result<Option<String>, WebError> {
        let t = self.to.trim();
        if t.is_empty() || t == "self" {
            return Ok(None);
        }
        PASTE_RECIPIENTS.iter().find(|(code, _)| *code == t).map(|(code, _)| Some(code.to_string())).ok_or_else(|| {
            WebError::BadRequest(
                "“这些消息是谁收到的？”没看懂：请选我本人、家人或亲戚、朋友、同事、单位，或者其他人。".into(),
            )
        })
    }

    /// The debt the messages are about, checked against the case's debts: `None` for 不确定.
    pub(crate) fn debt_of(&self, case: &yuqi_case::Case) -> Result<Option<String>, WebError> {
        let d = self.debt.trim();
        if d.is_empty() {
            return Ok(None);
        }
        if case.debts.iter().any(|x| x.id == d) {
            return Ok(Some(d.to_string()));
        }
        Err(WebError::BadRequest(format!(
            "“这些消息是哪笔借款的催收”选的借款“{d}”不在这个案例里：请在列表里选一笔，或者选“不确定”。"
        )))
    }

    /// Where the messages came from: one of [`PASTE_SOURCES`], 短信 when not said.
    pub(crate) fn channel(&self) -> Result<yuqi_case::Channel, WebError> {
        let s = self.source.trim();
        if s.is_empty() {
            return Ok(yuqi_case::Channel::Sms);
        }
        PASTE_SOURCES
            .iter()
            .map(|(c, _)| *c)
            .find(|c| c.code() == s)
            .ok_or_else(|| WebError::BadRequest("消息是从哪里来的没看懂：请选短信、微信、电话记录或其他。".into()))
    }

    /// The time of day received, checked: a clock time, and only with the day.
    pub(crate) fn received_at(&self) -> Result<Option<chrono::NaiveTime>, WebError> {
        let r = self.received_time.trim();
        if r.is_empty() {
            return Ok(None);
        }
        let t = chrono::NaiveTime::parse_from_str(r, "%H:%M")
            .or_else(|_| chrono::NaiveTime::parse_from_str(r, "%H:%M:%S"))
            .map_err(|_| {
                WebError::BadRequest(format!("收到时间“{r}”看不懂：请在时间框里选，例如 21:30，或者不填。"))
            })?;
        if self.received.trim().is_empty() {
            return Err(WebError::BadRequest(
                "填了收到的时间，也请填是哪天收到的；只知道时间不知道日子的，把时间清空再识别。".into(),
            ));
        }
        Ok(Some(t))
    }

    /// The importer's options for the paste, every field checked.
    fn options(&self) -> Result<PasteOptions, WebError> {
        Ok(PasteOptions {
            received_on: self.received_on()?,
            received_at: self.received_at()?,
            channel: self.channel()?,
            debt: None,
            to: self.recipient()?,
        })
    }

    /// The day received, checked: a calendar date, not after today.
    pub(crate) fn received_on(&self) -> Result<Option<chrono::NaiveDate>, WebError> {
        let r = self.received.trim();
        if r.is_empty() {
            return Ok(None);
        }
        let day = chrono::NaiveDate::parse_from_str(r, "%Y-%m-%d").map_err(|_| {
            WebError::BadRequest(format!("收到日期“{r}”看不懂：请在日期框里选一天，例如 2026-11-20，或者不填。"))
        })?;
        if day > crate::compute::today() {
            return Err(WebError::BadRequest("收到日期不能晚于今天：请选收到这些消息的那一天，或者不填。".into()));
        }
        Ok(Some(day))
    }
}

/// The paste box's answers as the importer takes them.
#[derive(Debug, Clone)]
struct PasteOptions {
    received_on: Option<chrono::NaiveDate>,
    received_at: Option<chrono::NaiveTime>,
    channel: yuqi_case::Channel,
    /// The debt the messages are about (checked against the case when saving).
    debt: Option<String>,
    /// Who received them when not the borrower (a recipient word).
    to: Option<String>,
}

/// Said wherever messages without a date are shown or saved: what they are kept for and what
/// they cannot do. The limitation period runs from a day, and the night and frequency rules
/// need the time, so an undated message counts for neither (yuqi-app's pipeline takes contacts'
/// days from their times).
fn undated_note(n: usize) -> String {
    format!(
        "其中 {n} 条没有日期（显示为“时间不详”）：它们会作为证据保存，但不会用来计算诉讼时效，也没法判断是不是夜间催收。消息上只写了“今天”“昨天”或只写了月日的，填上收到日期就能算出是哪天；完全没写时间的，可以填上收到的日期和时间，或者在手机上连同时间一起复制，再粘贴一次。"
    )
}

pub(super) async fn inbox_page(
    state: &AppState,
    v: Viewer,
    id: &str,
    dates: CaseDates,
    q: InboxQuery,
    message: String,
    good: bool,
) -> PageResult {
    inbox_with(state, v, id, dates, q, message, good, Pasted::default()).await
}

// The inbox page with everything it can show after a request; each argument is one part of it.
#[allow(clippy::too_many_arguments)]
async fn inbox_with(
    state: &AppState,
    v: Viewer,
    id: &str,
    dates: CaseDates,
    q: InboxQuery,
    message: String,
    good: bool,
    pasted: Pasted,
) -> PageResult {
    let (rec, c) = computed(state, &v, id, dates).await?;
    let codes = yuqi_docs::contacts::code_counts(&c.contacts)
        .into_iter()
        .map(|(code, label, n)| (code.to_string(), label.to_string(), n))
        .collect();
    let mut senders: Vec<String> = c.contacts.iter().filter(|x| x.incoming).filter_map(|x| x.from.clone()).collect();
    senders.sort();
    senders.dedup();
    let senders = senders
        .into_iter()
        .map(|s| {
            let shown = if claims_authority(&s) { format!("自称“{s}”") } else { s.clone() };
            (s, shown)
        })
        .collect();
    let shown: Vec<&yuqi_docs::Contact> = c
        .contacts
        .iter()
        .filter(|x| x.incoming)
        .filter(|x| q.code.is_empty() || x.hits.iter().any(|h| h.code == q.code))
        .filter(|x| q.sender.is_empty() || x.from.as_deref() == Some(q.sender.as_str()))
        .collect();
    let items: Vec<InboxItem> = shown
        .iter()
        .map(|x| {
            let block = match yuqi_docs::letters::quote_block(x) {
                Block::Quote { head, inlines } => Block::Quote { head: inbox_head(x, &head), inlines },
                other => other,
            };
            InboxItem {
                quote: yuqi_render::html::blocks(std::slice::from_ref(&block)),
                debt_relief: is_debt_relief_offer(x.codes()),
                findings: findings(&c.case, x),
                image: x.read_from_image.map(|seq| format!("/cases/{id}/evidence/{seq}/image")),
                seq: x.evidence_seq,
                rejected: x
                    .rejected
                    .iter()
                    .map(|c| (*c, yuqi_conduct::Code::parse(c).map_or("", yuqi_conduct::Code::label_zh)))
                    .collect(),
                debt: x.debt.clone().unwrap_or_default(),
            }
        })
        .collect();
    let tieable = !c.case.debts.is_empty() && items.iter().any(|i| i.seq.is_some());
    html(Inbox {
        tieable,
        addable: super::judge::addable_codes(),
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: super::shown_title(rec.title),
        codes,
        senders,
        code: q.code,
        sender: q.sender,
        shown: shown.len(),
        items,
        message,
        message_class: if good { "ok" } else { "error" },
        preview: pasted.preview,
        pasted: pasted.input.text,
        received: pasted.input.received,
        received_time: pasted.input.received_time,
        source: pasted.input.source,
        debt: pasted.input.debt,
        debts: paste_debts(&c.case),
        to: pasted.input.to,
        paste_action: format!("/cases/{id}/inbox/paste"),
        skippable: false,
    })
}

/// One message of a paste as the borrower checks it before storing: when, from whom, the words,
/// and what the analyzer finds in them (so that he sees at once which threats are unlawful).
pub(crate) struct PastedMessage {
    pub(super) time: String,
    /// Where it came from, in Chinese (短信, 微信, 电话).
    pub(super) channel: &'static str,
    pub(super) sender: String,
    pub(super) text: String,
    /// "可能违法：…" with the kinds found, or a note to check a court notice; empty otherwise.
    pub(super) finding: String,
    /// The debt-relief warning goes beside it.
    pub(super) debt_relief: bool,
}

/// [`split_paste`] off the async workers (the analyzer is CPU work).
pub(super) async fn preview_paste(state: &AppState, input: &PasteInput) -> Result<Vec<PastedMessage>, WebError> {
    let opts = input.options()?;
    let text = input.text.clone();
    state.cpu(move || split_paste(&text, opts)).await?
}

/// The line above a paste's split: how many messages, what to check, and what the undated ones
/// are (not) used for.
pub(super) fn preview_line(preview: &[PastedMessage]) -> String {
    let n = preview.len();
    let mut line = format!(
        "识别出 {n} 条消息，请核对下面的时间、发送方和内容；没有问题就点“确认保存”，有问题可以在输入框里修改后重新识别。"
    );
    let undated = preview.iter().filter(|p| p.time == UNKNOWN_TIME).count();
    if undated > 0 {
        line.push_str(&undated_note(undated));
    }
    line
}

const UNKNOWN_TIME: &str = "时间不详";

/// The paste split as it would be stored, without storing anything (the importer is pure).
fn split_paste(text: &str, p: PasteOptions) -> Result<Vec<PastedMessage>, WebError> {
    let mut out = Vec::new();
    let opts = yuqi_evidence::import::Options {
        received_on: p.received_on,
        received_at: p.received_at,
        pasted_channel: Some(p.channel),
        pasted_to: p.to.clone(),
        ..Default::default()
    };
    let offset = opts.zone;
    let analyzer = yuqi_conduct::Analyzer::shared();
    let mut scratch = yuqi_conduct::Scratch::default();
    yuqi_evidence::import::import(&yuqi_evidence::Format::PastedText, text.as_bytes(), &opts, &mut |item| {
        if let Some(m) = item.message {
            let time = m.time_ms.and_then(chrono::DateTime::from_timestamp_millis).map_or_else(
                || UNKNOWN_TIME.to_string(),
                |t| t.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string(),
            );
            let sender = m.contact_name.clone().filter(|n| !n.is_empty()).unwrap_or(m.counterpart.clone());
            // Read as stored: sent to whoever received it (a relative: a third party).
            let msg = yuqi_conduct::Message {
                text: m.text.as_str().into(),
                to: m.to.as_deref().map(Into::into),
                ..Default::default()
            };
            let a = analyzer.analyze(&msg, &mut scratch);
            // The sure findings name the kinds; the rest is only mentioned.
            let mut sure: Vec<yuqi_conduct::Code> = a.hits.iter().filter(|h| h.is_sure()).map(|h| h.code).collect();
            sure.sort();
            sure.dedup();
            // A debt-relief offer is a seller's warning sign, not the collector's violation.
            let offer = sure.contains(&yuqi_conduct::Code::DebtReliefScam);
            sure.retain(|c| *c != yuqi_conduct::Code::DebtReliefScam);
            let finding = if !sure.is_empty() {
                let kinds: Vec<&str> = sure.iter().map(|c| c.label_zh()).collect();
                format!("可能违法：{}", kinds.join("、"))
            } else if offer {
                "可能是收费代办骗局".to_string()
            } else if !a.codes.is_empty() {
                "也许有问题（系统把握不大），保存后可在消息列表里查看".to_string()
            } else if a.needs_confirmation {
                "像是法院的通知：请打 12368 向法院核实是真是假".to_string()
            } else {
                String::new()
            };
            out.push(PastedMessage {
                time,
                channel: p.channel.label_zh(),
                sender: if sender.is_empty() { "发送方不详".to_string() } else { sender },
                text: m.text,
                finding,
                debt_relief: offer,
            });
        }
        Ok(())
    })
    .map_err(|e| WebError::BadRequest(format!("没能分出消息：{e}")))?;
    Ok(out)
}

#[derive(Deserialize)]
pub(crate) struct PasteForm {
    csrf: String,
    #[serde(default)]
    text: String,
    /// Set by the confirmation button: store the paste. Without it the split is shown first.
    #[serde(default)]
    confirm: String,
    /// The day the messages were received, optional (`YYYY-MM-DD`).
    #[serde(default)]
    received: String,
    /// The time received, optional (`HH:MM`), with the day.
    #[serde(default)]
    received_time: String,
    /// Where the messages came from: a channel code of `PASTE_SOURCES` (短信 when empty).
    #[serde(default)]
    source: String,
    /// The debt the messages are about: a debt id of the case (不确定 when empty).
    #[serde(default)]
    debt: String,
    /// Who received them: a recipient word of `PASTE_RECIPIENTS` (我本人 when empty).
    #[serde(default)]
    to: String,
}

/// Pasted collector messages: written to a temporary file and imported like an upload, with
/// the format `pasted-text` (the paste is kept whole as the original, each message derived
/// from it), then the inbox is shown with what was saved.
pub(crate) async fn paste_messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<PasteForm>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    let q = InboxQuery::default();
    let input = PasteInput {
        text: f.text,
        received: f.received,
        received_time: f.received_time,
        source: f.source,
        debt: f.debt,
        to: f.to,
    };
    if f.confirm.is_empty() && !input.text.trim().is_empty() {
        // First the split, for the user to check; nothing is stored until they confirm.
        return match preview_paste(&state, &input).await {
            Ok(preview) if preview.is_empty() => {
                let msg = "没有识别出消息。请把短信或聊天记录原样粘贴进来，每条消息前面最好带上时间，例如“2026-11-20 21:14 13800138000”，下一行是内容。".to_string();
                let pasted = Pasted { preview, input };
                let mut res = inbox_with(&state, v, &id, CaseDates::default(), q, msg, false, pasted).await?;
                *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(res)
            }
            Ok(preview) => {
                let msg = preview_line(&preview);
                inbox_with(&state, v, &id, CaseDates::default(), q, msg, true, Pasted { preview, input }).await
            }
            Err(e) => {
                let pasted = Pasted { preview: Vec::new(), input };
                let mut res = inbox_with(&state, v, &id, CaseDates::default(), q, e.to_string(), false, pasted).await?;
                *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(res)
            }
        };
    }
    match paste_text(&state, &v, &id, &input).await {
        Ok(msg) => inbox_page(&state, v, &id, CaseDates::default(), q, msg, true).await,
        Err(e @ (WebError::Csrf | WebError::NotFound | WebError::Forbidden)) => Err(PageError(e)),
        Err(e) => {
            // The text and the day stay in the form, to correct rather than retype.
            let pasted = Pasted { preview: Vec::new(), input };
            let mut res = inbox_with(&state, v, &id, CaseDates::default(), q, e.to_string(), false, pasted).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

/// Stores pasted text in the case's evidence store (the page's form and the JSON API); the
/// caller has checked the CSRF token. Returns what was saved, in Chinese.
pub(crate) async fn paste_text(state: &AppState, v: &Viewer, id: &str, input: &PasteInput) -> Result<String, WebError> {
    let text = input.text.as_str();
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    if rec.role == yuqi_db::Role::Viewer {
        return Err(WebError::Forbidden);
    }
    if text.trim().is_empty() {
        return Err(WebError::BadRequest("没有粘贴任何文字：请把催收短信或聊天文字粘贴到输入框里再保存。".into()));
    }
    let mut opts = input.options()?;
    // The debt chosen must be one of the case's (an unreadable case file has none to choose).
    let case = yuqi_case::parse_case(&rec.toml, "case.toml").ok();
    opts.debt = match &case {
        Some(case) => input.debt_of(case)?,
        None if input.debt.trim().is_empty() => None,
        None => {
            return Err(WebError::BadRequest(
                "案例文件现在读不了，没法把消息归到某笔借款：请选“不确定”，或先修好案例文件。".into(),
            ));
        }
    };
    let super::evidence::Imported { report: r, found } = save_paste(state, &rec, text, opts).await?;
    Ok(if r.already_imported {
        "这段文字之前已经保存过（内容完全相同），没有新增消息。".to_string()
    } else {
        let mut line = format!("已保存 {} 条消息，{}。", r.new_items, found.line());
        if found.undated > 0 {
            line.push_str(&undated_note(found.undated as usize));
        }
        line
    })
}

async fn save_paste(
    state: &AppState,
    rec: &yuqi_db::CaseRecord,
    text: &str,
    p: PasteOptions,
) -> Result<super::evidence::Imported, WebError> {
    let tmp = super::evidence::TempFile::new(&state.cfg.data_dir)?;
    tokio::fs::write(&tmp.0, text.as_bytes()).await?;
    let opts = yuqi_store::ImportOptions {
        format: Some(yuqi_evidence::import::Format::PastedText),
        received_on: p.received_on,
        received_at: p.received_at,
        pasted_channel: Some(p.channel),
        pasted_debt: p.debt,
        pasted_to: p.to,
        ..Default::default()
    };
    let name = "粘贴的文字.txt".to_string();
    super::evidence::import_file(state, state.evidence_dir(&rec.id), rec.title.clone(), tmp, name, opts).await
}
