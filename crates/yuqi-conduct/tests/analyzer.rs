//! Behaviour of the analyzer on hand-written messages: spans, context rules,
//! log-level and case-level codes.

use std::borrow::Cow;

use yuqi_conduct::case::{CaseContext, analyze as analyze_case};
use yuqi_conduct::{Analyzer, Code, Message, Scratch};

fn analyze(text: &str) -> yuqi_conduct::Analysis {
    Analyzer::shared().analyze_text(text, &mut Scratch::default())
}

fn msg<'a>(text: &'a str, time: &'a str, from: &'a str, channel: &'a str) -> Message<'a> {
    Message {
        text: Cow::Borrowed(text),
        time: Some(Cow::Borrowed(time)),
        from: Some(Cow::Borrowed(from)),
        channel: Some(Cow::Borrowed(channel)),
        ..Message::default()
    }
}

#[test]
fn hits_point_at_the_original_text() {
    let text = "你再不还，就等着坐 牢吧";
    let a = analyze(text);
    // The model may add intimidation (a menacing "等着…吧"); the jail threat is the rule's.
    assert!(a.codes.contains(&Code::ThreatJail), "{:?}", a.hits);
    let h = a.hits.iter().find(|h| h.code == Code::ThreatJail).expect("jail hit");
    assert_ne!(h.rule, "model");
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars[h.start..h.end].iter().collect::<String>(), "坐 牢");
    assert!(h.basis.contains("银行业协会催收指引") || h.basis.contains("《刑法》"), "{}", h.basis);
}

#[test]
fn variants_are_folded() {
    assert!(analyze("債務逾期，再不還就讓你坐牢").codes.contains(&Code::ThreatJail));
    assert!(analyze("法*院*通*知：你的案件已立案").codes.contains(&Code::FakeLegalDocument));
    assert!(analyze("ＳＢ，赶紧还钱").codes.contains(&Code::Insult));
    assert!(analyze("上|门|催|收组已出发").codes.contains(&Code::Intimidation));
}

#[test]
fn negation_and_lawful_wording_are_not_flagged() {
    for lawful in [
        "我们不会上门，也不会联系您的家人，只希望和您协商。",
        "逾期不会坐牢，但会影响征信，请尽快还款。",
        "如逾期未还，我司将依法提起诉讼。",
        "【XX银行】您尾号1234的信用卡本期账单3,280.50元，请按时还款。",
        "我们不会收取停催费、解冻费等任何额外费用。",
        // The model must respect negation too: its heaviest cue (上门) follows 不会.
        "我们不会上门。",
        "他们说不会让你坐牢，我们不会上门。",
    ] {
        let a = analyze(lawful);
        assert!(a.codes.is_empty(), "{lawful}: {:?}", a.hits);
    }
    // A conditional threat is still a threat: bare 不 is not a negation.
    assert!(analyze("不还钱就上门找你").codes.contains(&Code::Intimidation));
}

#[test]
fn the_debtors_own_messages_are_skipped() {
    let m = Message {
        text: Cow::Borrowed("你们说要让我坐牢，这是违法的"),
        from: Some(Cow::Borrowed("self")),
        ..Message::default()
    };
    let a = Analyzer::shared().analyze(&m, &mut Scratch::default());
    assert!(a.codes.is_empty());
    assert!(a.skipped.is_some());
}

#[test]
fn court_notices_are_withheld_for_confirmation() {
    let a = analyze("【12368】您好，（2025）X0105民初1234号案件已立案，承办法官李某。");
    assert!(a.codes.is_empty());
    assert!(a.needs_confirmation);
    // The court's own account and costs borne by a party are what genuine notices say: held.
    let a = analyze(
        "【某某市中级人民法院】本院已受理你的借款合同纠纷一案，执行款请汇入本院账户，户名：某某市中级人民法院，受理费由你负担。",
    );
    assert!(a.codes.is_empty(), "{:?}", a.hits);
    assert!(a.needs_confirmation);
}

#[test]
fn a_court_notice_that_does_what_no_court_does_is_not_held() {
    // A threat of violence or an insult in a message with a court's words makes it a fake: every
    // hit stands, the claim of a case included, and nothing asks the user to confirm it.
    for text in
        ["【某某法院】本院已受理你的欠款案，不还钱就打断你的腿", "本院已对你立案，承办法官通知你这个老赖今天必须还钱"]
    {
        let a = analyze(text);
        assert!(!a.needs_confirmation, "{text}");
        assert!(a.codes.contains(&Code::FakeLegalDocument), "{text}: {:?}", a.hits);
        assert!(a.codes.contains(&Code::ThreatViolence) || a.codes.contains(&Code::Insult), "{text}: {:?}", a.hits);
    }
}

#[test]
fn messages_to_third_parties_disclosing_a_debt() {
    let m = Message {
        text: Cow::Borrowed("您好，请转告张某尽快处理他的欠款。"),
        to: Some(Cow::Borrowed("relative")),
        ..Message::default()
    };
    let a = Analyzer::shared().analyze(&m, &mut Scratch::default());
    assert!(a.codes.contains(&Code::ContactThirdParty), "{:?}", a.hits);
    let m = Message {
        text: Cow::Borrowed("您好，麻烦让他回个电话，谢谢。"),
        to: Some(Cow::Borrowed("relative")),
        ..Message::default()
    };
    assert!(Analyzer::shared().analyze(&m, &mut Scratch::default()).codes.is_empty());
}

#[test]
fn night_contact_uses_china_time_and_consent() {
    let a = Analyzer::shared();
    let msgs = vec![
        msg("请还款", "2025-06-01T23:30:00+08:00", "95555", "sms"),
        msg("请还款", "2025-06-01T07:59:00+08:00", "95555", "sms"),
        msg("请还款", "2025-06-01T08:00:00+08:00", "95555", "sms"),
        msg("请还款", "2025-06-01T14:30:00+00:00", "95555", "sms"), // 22:30 in China
    ];
    let hits = a.analyze_log(&msgs);
    let night: Vec<bool> = hits.iter().map(|h| h.iter().any(|x| x.code == Code::NightContact)).collect();
    assert_eq!(night, vec![true, true, false, true]);
    let mut consented = msg("请还款", "2025-06-01T23:30:00+08:00", "95555", "sms");
    consented.consent = Some(true);
    assert!(a.analyze_log(&[consented])[0].is_empty());
}

#[test]
fn frequency_limits_are_counted_per_creditor_and_day() {
    let a = Analyzer::shared();
    let mut msgs = Vec::new();
    for h in 9..14 {
        let mut m = msg("", "", "1069000", "call");
        m.time = Some(Cow::Owned(format!("2025-06-02T{h:02}:00:00+08:00")));
        m.connected = Some(true);
        m.creditor = Some(Cow::Borrowed("好借点"));
        msgs.push(m);
    }
    let hits = a.analyze_log(&msgs);
    let frequent: Vec<bool> = hits.iter().map(|h| h.iter().any(|x| x.code == Code::FrequentContact)).collect();
    // Three connected calls a day are allowed; the fourth and fifth are not.
    assert_eq!(frequent, vec![false, false, false, true, true]);
    let mut attempts = Vec::new();
    for k in 0..8 {
        let mut m = msg("", "", "1069000", "call");
        m.time = Some(Cow::Owned(format!("2025-06-02T10:{k:02}:00+08:00")));
        m.connected = Some(false);
        attempts.push(m);
    }
    let hits = a.analyze_log(&attempts);
    assert_eq!(hits.iter().filter(|h| !h.is_empty()).count(), 2, "attempts 7 and 8 exceed 6");
}

#[test]
fn number_rotation_and_stop_requests() {
    let a = Analyzer::shared();
    let mut msgs = Vec::new();
    for k in 0..6 {
        let mut m = msg("请尽快还款", "", "", "sms");
        m.time = Some(Cow::Owned(format!("2025-06-0{}T10:00:00+08:00", k + 1)));
        m.from = Some(Cow::Owned(format!("17000000{k:03}")));
        m.creditor = Some(Cow::Borrowed("好借点"));
        msgs.push(m);
    }
    let hits = a.analyze_log(&msgs);
    let rotated: Vec<bool> = hits.iter().map(|h| h.iter().any(|x| x.code == Code::NumberRotation)).collect();
    assert_eq!(rotated, vec![false, false, false, false, true, true]);

    let msgs = vec![
        msg("今后请只以书面形式与我联系，不要再给我打电话。", "2025-06-01T10:00:00+08:00", "self", "sms"),
        msg("", "2025-06-01T09:00:00+08:00", "1069000", "call"),
        msg("", "2025-06-02T09:00:00+08:00", "1069000", "call"),
        msg("请还款", "2025-06-02T09:05:00+08:00", "1069000", "sms"),
    ];
    let hits = a.analyze_log(&msgs);
    let stop: Vec<bool> = hits.iter().map(|h| h.iter().any(|x| x.code == Code::StopIgnored)).collect();
    assert_eq!(stop, vec![false, false, true, false], "only calls after the written request");
}

/// A stop request sent in reply to one of a creditor's numbers binds the creditor: its next
/// call from another number (or through another agent under the same creditor) still ignores
/// it; another creditor's contacts do not.
#[test]
fn a_stop_request_binds_the_creditor_behind_the_number() {
    let a = Analyzer::shared();
    let with = |mut m: Message<'static>, to: Option<&'static str>, creditor: Option<&'static str>| {
        m.to = to.map(Cow::Borrowed);
        m.creditor = creditor.map(Cow::Borrowed);
        m
    };
    let msgs = vec![
        with(msg("请尽快还款", "2025-06-01T09:00:00+08:00", "17000000001", "sms"), None, Some("好借点")),
        with(
            msg("别再联系我了，有事发书面材料。", "2025-06-01T10:00:00+08:00", "self", "sms"),
            Some("17000000001"),
            None,
        ),
        with(msg("", "2025-06-02T09:00:00+08:00", "17000000002", "call"), None, Some("好借点")),
        with(msg("", "2025-06-02T09:30:00+08:00", "17100000009", "call"), None, Some("快易借")),
    ];
    let hits = a.analyze_log(&msgs);
    let stop: Vec<bool> = hits.iter().map(|h| h.iter().any(|x| x.code == Code::StopIgnored)).collect();
    assert_eq!(stop, vec![false, false, true, false], "the same creditor from a new number, not another creditor");
}

/// Plain, spoken phrasings of a stop request are recognised (each decides its kind).
#[test]
fn stop_requests_in_everyday_words() {
    let a = Analyzer::shared();
    for (request, call_flagged, third_party_flagged) in [
        ("不要再打了，我会还的", true, false),
        ("别给我打电话，短信联系我就行", true, false),
        ("请你们别再联系我家人", false, true),
        ("不要联系我的紧急联系人", false, true),
        ("别再联系我了", true, true),
        ("我下个月发工资就还", false, false),
    ] {
        let mut to_relative = msg("请转告他尽快还款", "2025-06-02T09:10:00+08:00", "1069000", "sms");
        to_relative.to = Some(Cow::Borrowed("relative"));
        let msgs = vec![
            msg(request, "2025-06-01T10:00:00+08:00", "self", "sms"),
            msg("", "2025-06-02T09:00:00+08:00", "1069000", "call"),
            to_relative,
        ];
        let hits = a.analyze_log(&msgs);
        let stop: Vec<bool> = hits.iter().map(|h| h.iter().any(|x| x.code == Code::StopIgnored)).collect();
        assert_eq!(stop, vec![false, call_flagged, third_party_flagged], "{request}");
    }
}

#[test]
fn case_level_codes() {
    let ctx = CaseContext {
        supported_total: Some(yuqi_money::Decimal::from(10_000)),
        limitation_expired_on: chrono::NaiveDate::from_ymd_opt(2024, 3, 11),
        notified_creditors: vec!["某保理".into()],
    };
    let text = "你欠款18,600元，三天内不还就起诉你。";
    let a = analyze(text);
    let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1);
    let hits = analyze_case(text, date, Some("某资产"), &a, &ctx);
    let codes: Vec<Code> = hits.iter().map(|h| h.code).collect();
    assert!(codes.contains(&Code::WrongAmount) && codes.contains(&Code::TimeBarredThreat), "{codes:?}");
    let wrong = hits.iter().find(|h| h.code == Code::WrongAmount).expect("wrong amount");
    assert_eq!(text.chars().skip(wrong.start).take(wrong.end - wrong.start).collect::<String>(), "18,600元");
    let hits = analyze_case("您的债权已转让给我司，请向我司还款。", date, Some("某资产"), &a, &ctx);
    assert!(hits.iter().any(|h| h.code == Code::UnnotifiedAssignment));
    let hits = analyze_case("您的债权已转让给我司，请向我司还款。", date, Some("某保理"), &a, &ctx);
    assert!(!hits.iter().any(|h| h.code == Code::UnnotifiedAssignment));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]
    /// Any text: no panic, spans inside the text, codes sorted and consistent with hits.
    #[test]
    fn never_panics_and_spans_are_valid(s in "\\PC{0,120}") {
        let a = analyze(&s);
        let n = s.chars().count();
        for h in &a.hits {
            proptest::prop_assert!(h.start <= h.end && h.end <= n, "{h:?} in {n}");
        }
        let mut codes: Vec<Code> = a.hits.iter().map(|h| h.code).collect();
        codes.sort();
        codes.dedup();
        proptest::prop_assert_eq!(codes, a.codes);
    }

    #[test]
    fn collection_like_text_never_panics(s in "[你您还款逾期坐牢上门法院律师已立案转账个人账户家人通讯录0-9*¥元，。！ ]{0,80}") {
        let a = analyze(&s);
        let n = s.chars().count();
        for h in &a.hits {
            proptest::prop_assert!(h.end <= n);
        }
    }
}

/// Paid debt-relief and credit-repair offers (issue 17): found with the rule that fired and a
/// span on the original text, in ads, private messages, call scripts and evasive spellings.
#[test]
fn debt_relief_offers_are_found() {
    for (text, span, rule) in [
        ("专业团队代办停息挂账，网贷信用卡逾期都能办，成功后再收费。", "代办停息挂账", "debt_relief_scam.agent"),
        ("專業 代 辦 停 息 掛 賬，聯繫我", "代 辦 停 息 掛 賬", "debt_relief_scam.agent"),
        ("您好，看到您网贷逾期了，我们可以帮您做债务优化，不成功全额退款。", "债务优化", "debt_relief_scam.offer"),
        ("征信花了？三天内帮你把逾期记录删掉，加V详聊。", "三天内帮你把逾期记录删掉", "debt_relief_scam.erase"),
        ("黑名单、呆账都能洗白，一周见效。", "能洗白", "debt_relief_scam.erase"),
        ("协商还款找我们，前期服务费1999元，办不下来全退。", "前期服务费", "debt_relief_scam.fee"),
        ("网贷信用卡都能谈，2-5折结清，成功后按减免金额收15%。", "按减免金额收", "debt_relief_scam.fee"),
        ("我们是做债务重组的，可以让平台停止催收。", "是做债务重组", "debt_relief_scam.offer"),
        ("我们可以代理您与平台协商，最低2折结清。", "代理您与平台协商", "debt_relief_scam.offer"),
        ("反催收联盟招募，入群99元。", "联盟", "debt_relief_scam.offer"),
    ] {
        let a = analyze(text);
        assert!(a.codes.contains(&Code::DebtReliefScam), "{text}: {:?}", a.hits);
        let chars: Vec<char> = text.chars().collect();
        assert!(
            a.hits.iter().any(|h| h.code == Code::DebtReliefScam
                && h.rule == rule
                && chars[h.start..h.end].iter().collect::<String>() == span),
            "{text}: want {span:?} by {rule}, got {:?}",
            a.hits
                .iter()
                .map(|h| (h.rule.as_str(), chars[h.start..h.end].iter().collect::<String>()))
                .collect::<Vec<_>>()
        );
        let h = a.hits.iter().find(|h| h.code == Code::DebtReliefScam).expect("hit");
        assert!(h.basis.contains("征信业管理条例") && h.basis.contains("《刑法》"), "{}", h.basis);
    }
}

/// What a debt-relief offer is not: the borrower's own request, the lender's own plan or
/// settlement, a regulator's warning, the news, a correct statement that a record stays.
#[test]
fn debt_relief_lookalikes_are_not_flagged() {
    for lawful in [
        "您好，我因失业无力还款，想申请停息挂账，分36期还本金，请帮我提交申请。",
        "【XX银行】如您还款确有困难，可致电我行客服申请个性化分期或停息挂账，我行不收取任何费用，请勿轻信第三方代办。",
        "【XX消费金融】您申请的停息挂账已通过：剩余本金12,000元分36期归还，期间不再计息。",
        "尊敬的客户，您的贷款已逾期，请您尽快与我行联系协商还款。",
        "金融监管总局提示：警惕打着“债务优化”“停息挂账代办”旗号的不法中介，停息挂账可直接向金融机构申请，无需付费。",
        "新闻：多地警方捣毁“征信修复”诈骗团伙，该团伙谎称可删除逾期记录，收取服务费数十万元。",
        "记者调查：部分自称“债务规划师”的中介承诺代办停息挂账，律师提醒停息挂账应由本人向银行申请。",
        "征信中心提醒：不良信息保存期满自动删除，任何机构都不能删除真实的逾期记录。",
        "您的逾期记录不能删除，请按时还款避免产生新的逾期。",
        "如有困难可以在App内申请延期还款或协商分期，我们不收取任何额外费用。",
    ] {
        let a = analyze(lawful);
        assert!(!a.codes.contains(&Code::DebtReliefScam), "{lawful}: {:?}", a.hits);
    }
}

/// A message repeating one threat is analysed in one pass (issue 19: it was quadratic) and keeps
/// at most `MAX_HITS_PER_CODE` hits per code, the first ones.
#[test]
fn a_huge_repeated_threat_is_bounded() {
    let text = "不还钱就让你坐牢，".repeat(50_000);
    let a = analyze(&text);
    assert!(a.codes.contains(&Code::ThreatJail), "{:?}", a.codes);
    for c in &a.codes {
        let n = a.hits.iter().filter(|h| h.code == *c).count();
        assert!(n <= yuqi_conduct::text::MAX_HITS_PER_CODE, "{c:?}: {n} hits");
    }
    let first = a.hits.iter().find(|h| h.code == Code::ThreatJail).expect("jail");
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(chars[first.start..first.end].iter().collect::<String>(), "坐牢");
    assert!(first.start < 10, "the first hit is the first occurrence: {first:?}");
}

/// Issue 17, second round: frames over word classes find threats worded in ways no phrase list
/// names, and each hit still names its rule and points at the words.
#[test]
fn frames_find_who_is_threatened_and_whom_it_is_told() {
    let cases: [(&str, Code, &str); 7] = [
        ("行，你等着，让你爸你妈你姐都过个好年！", Code::Intimidation, "frame.kin_harm"),
        ("不还钱就找家人谈", Code::ContactThirdParty, "frame.kin_harm_told"),
        ("我们已经联系过您的家人，他们也希望您能尽快还清欠款。", Code::ContactThirdParty, "frame.told_already"),
        ("紧急联系人已知晓逾期情况", Code::Intimidation, "frame.told_already_menace"),
        ("我们已经掌握你住址，希望你主动联系", Code::Intimidation, "frame.surveillance"),
        ("我们工作人员明天过去聊聊", Code::Intimidation, "frame.euphemistic_visit"),
        ("您的亲属涉嫌恶意逃废债，请限期回电", Code::ImpersonateAuthority, "impersonate.notice_voice"),
    ];
    for (text, code, rule) in cases {
        let a = analyze(text);
        let h = a
            .hits
            .iter()
            .find(|h| h.code == code && h.rule == rule)
            .unwrap_or_else(|| panic!("{text}: no {rule}: {:?}", a.hits));
        assert!(h.end > h.start, "{text}: empty span");
    }
    // Symbols slipped inside the words do not hide them.
    assert!(analyze("不还就上🙂门催➡收").codes.contains(&Code::Intimidation));
    // A manhunt notice counts in a post to many, not in a news report about one.
    let post =
        Message {
            text: "【若知某某下落者】请留言告知必有赏".into(), to: Some("public".into()), ..Message::default()
        };
    let a = Analyzer::shared().analyze(&post, &mut Scratch::default());
    assert!(a.codes.contains(&Code::ContactThirdParty), "{:?}", a.hits);
}

/// The lawful messages issue 17 saw flagged: a bank's own repayment confirmation naming the card,
/// a product's own name, a lender's warning about fraudulent applications, an explainer quoting
/// what collectors say. A paid credit-repair advertisement is an offer of debt relief, not a
/// collector's fee.
#[test]
fn lawful_lookalikes_of_issue_17_are_not_flagged() {
    for lawful in [
        "【XX银行】您尾号1234的信用卡于12月5日还款3,280.50元成功，当前已还清本期账单。",
        "【XX银行】您尾号6222的借记卡12月05日转账支出2,000.00元，还款至信用卡，余额18,000.00元。",
        "【美团借钱】您在美团借钱的借款将于明日到期，请确保还款账户余额充足。",
        "如提供虚假资料骗取贷款，将依法追究刑事责任。",
        "请勿冒用他人身份申请贷款，骗取贷款属于违法犯罪行为，一经发现将移交公安机关。",
        "“不还钱就上门抓人”“直接起诉冻结资产”……这些话术一听就不合法，正规催收严禁威胁。",
    ] {
        let a = analyze(lawful);
        assert!(a.codes.is_empty(), "{lawful}: {:?}", a.hits);
    }
    let ad = analyze("征信修复，收费3000元，不成功全额退款，加微信详询。");
    assert!(ad.codes.contains(&Code::DebtReliefScam), "{:?}", ad.hits);
    assert!(!ad.codes.contains(&Code::ExtraFee), "{:?}", ad.hits);
}

/// A fee is a fee: "一切不良影响将由您承担" (a bank's overdue notice in the real corpus) names no
/// fee, and a card bill names the contract's own fees (年费, 分期手续费). Neither is a fee charged
/// in the name of collection; a collector's invented fee still is, whoever is to bear it.
#[test]
fn contract_fees_and_borne_consequences_are_not_extra_fees() {
    for lawful in [
        "您的信用卡尾数XXXX未按时还款，如欠款未清偿，一切不良影响将由您承担。",
        "【XX银行】您尾号1234的信用卡本期账单3,280.50元，含年费300元，到期还款日12月25日。",
        "【XX银行】您申请的账单分期已成功，每期收取分期手续费52.30元，共12期。",
    ] {
        let a = analyze(lawful);
        assert!(!a.codes.contains(&Code::ExtraFee), "{lawful}: {:?}", a.hits);
    }
    for fee in ["外访人员差旅费800元由你承担，请和欠款一起转入。", "你这单已经委外，委外费用2400元需要你额外承担。"]
    {
        let a = analyze(fee);
        assert!(a.codes.contains(&Code::ExtraFee), "{fee}: {:?}", a.hits);
    }
}

/// Issue 17, third round: reports of what collectors said or did (a third-person subject and a
/// verb of saying or doing; the register of news and explainers) are mentions, and a slogan that
/// is only a name and "还钱", posted to many, discloses the debt.
#[test]
fn reports_are_mentions_and_slogans_disclose() {
    for report in [
        "李女士介绍，催收员多次打电话，称不还钱就上门找她父母。",
        "王先生称，对方还扬言要把欠款的事告诉他单位的领导。",
        "她收到短信称其已被立案，要求当天还清。",
        "据了解，涉案团伙通过恐吓、上门骚扰等方式催讨债务。",
        // A judgment recounting a collector's conduct (fifth round: the register of a judgment).
        "一审法院经审理认为，该公司未经核实即向黄某的紧急联系人发送催收短信，称其涉嫌恶意拖欠。",
    ] {
        let a = analyze(report);
        assert!(a.codes.is_empty(), "{report}: {:?}", a.hits);
    }
    // The collector addressing the debtor is not reporting anything.
    let a = analyze("张先生，提醒您今天不还款我们就上门找你家人。");
    assert!(a.codes.contains(&Code::Intimidation), "{:?}", a.hits);
    let post = |t: &'static str| Message { text: t.into(), to: Some("public".into()), ..Message::default() };
    let a = Analyzer::shared().analyze(&post("刘某某还钱！"), &mut Scratch::default());
    assert!(a.codes.contains(&Code::ContactThirdParty) && a.codes.contains(&Code::Intimidation), "{:?}", a.hits);
    assert!(a.hits.iter().any(|h| h.rule == "frame.public_slogan" && h.end > h.start));
    // The same words in a sentence that says more are not a slogan.
    let a = Analyzer::shared().analyze(&post("逾期了应该先跟平台协商怎么还钱"), &mut Scratch::default());
    assert!(!a.hits.iter().any(|h| h.rule.starts_with("frame.public_slogan")), "{:?}", a.hits);
}

/// Labelling convention 2 (tests/data/conduct/README.md): telling the debtor that others will be
/// told is pressure through them — intimidation as well as contacting a third party, with the
/// same span; a message sent to the relative itself is judged by what it says to them.
#[test]
fn a_threat_to_tell_others_is_intimidation_too() {
    let a = analyze("你的家人朋友明天将收到催收通知函。");
    assert!(a.codes.contains(&Code::ContactThirdParty), "{:?}", a.hits);
    // Intimidation is found: by the frame (on the third-party hit's span), or by the model
    // itself (its class features weigh the family together with what they will receive).
    let menace = a.hits.iter().find(|h| h.code == Code::Intimidation).expect("intimidation");
    assert!(menace.end > menace.start, "{:?}", a.hits);
    if menace.rule == "frame.threat_to_tell_others" {
        let told = a.hits.iter().find(|h| h.code == Code::ContactThirdParty).expect("third party");
        assert_eq!((menace.start, menace.end), (told.start, told.end), "{:?}", a.hits);
    }
    let to_relative =
        Message { text: "请转告张三尽快还款。".into(), to: Some("relative".into()), ..Message::default() };
    let a = Analyzer::shared().analyze(&to_relative, &mut Scratch::default());
    assert!(a.codes.contains(&Code::ContactThirdParty), "{:?}", a.hits);
    assert!(!a.hits.iter().any(|h| h.rule == "frame.threat_to_tell_others"), "{:?}", a.hits);
}

/// Fraud words warn when a notice speaks of fraudsters, and accuse when a collector says the
/// reader is one: "你这是典型的诈骗" is a jail threat, "凡是说你涉嫌洗钱的都是诈骗分子" stays a
/// warning (it reports what others say).
#[test]
fn calling_a_default_fraud_is_not_an_anti_fraud_warning() {
    for text in ["你这是恶意骗贷，属于典型的诈骗，等着坐牢吧", "你这是网络贷款类诈骗，我们已经报警"]
    {
        let a = analyze(text);
        assert!(a.codes.contains(&Code::ThreatJail), "{text}: {:?}", a.hits);
    }
    for text in [
        "凡是说你涉嫌洗钱、要你转账到安全账户的，都是诈骗分子",
        "警惕！如果有人说你已涉嫌犯罪，这就是诈骗陷阱",
        "谨防诈骗：冒充公检法称你涉嫌犯罪的电话都是骗局",
    ] {
        assert!(analyze(text).codes.is_empty(), "{text}: {:?}", analyze(text).hits);
    }
}

/// A fake police notice borrows a report's register ("犯罪嫌疑人", "民警") and names nobody as 你;
/// its request to the reader ("请其家属督促其……") shows it speaks to someone. A news sentence in
/// the same words, asking nothing, still describes.
#[test]
fn a_police_voice_notice_that_asks_something_is_not_a_report() {
    let a = analyze("【公安】犯罪嫌疑人张三涉嫌信用卡诈骗，请其家属督促其尽快到案说明");
    assert!(a.codes.contains(&Code::ImpersonateAuthority), "{:?}", a.hits);
    assert!(analyze("据悉，犯罪嫌疑人张三涉嫌诈骗已被立案").codes.is_empty());
}

/// Issue 17's seventh round, one case per new frame (docs/law/conduct.md §7 defines the codes):
/// each message shows its code, and the lawful look-alike beside it does not.
#[test]
fn seventh_round_frames_find_their_code_and_spare_lookalikes() {
    let shows: [(&str, Code); 12] = [
        ("不还钱就冻结你名下所有银行卡", Code::FalseConsequence),
        ("你这笔逾期会影响你孩子以后考公", Code::FalseConsequence),
        ("再不还，我们让你儿子上不了学", Code::Intimidation),
        ("【某某县法院】张某，你拖欠的借款已逾期", Code::ImpersonateAuthority),
        ("某某法院通知你按时应诉", Code::FakeLegalDocument),
        ("没钱还就去坐台", Code::Insult),
        ("我们帮你跟各大网贷平台协商，延期3年再还", Code::DebtReliefScam),
        ("3万元化解20万网贷债务", Code::DebtReliefScam),
        ("3萬元化解20萬", Code::DebtReliefScam),
        ("你已涉嫌恶意拖欠，我们将上报公安", Code::ThreatJail),
        ("不成功不收费，征信问题找我们", Code::DebtReliefScam),
        ("揾人搞你", Code::Intimidation),
    ];
    for (text, code) in shows {
        let a = analyze(text);
        assert!(a.codes.contains(&code), "{text}: {:?}", a.hits);
    }
    // Saying a debt affects the children is a false consequence, not a threat to act against them.
    assert!(!analyze("你这笔逾期会影响你孩子以后考公").codes.contains(&Code::Intimidation));
    // Wiping a blacklist for good is a promise (a debt-relief pitch), not a threatened consequence.
    let a = analyze("永久消除黑名单，独家渠道");
    assert!(a.codes.contains(&Code::DebtReliefScam) && !a.codes.contains(&Code::FalseConsequence), "{:?}", a.hits);
    for text in [
        "我行可为您办理延期还款，详询客服",
        "张先生昨天收到一个贷款逾期的短信，称他已涉嫌恶意拖欠",
        "要求转入个人账户的，100%是骗子",
    ] {
        assert!(analyze(text).codes.is_empty(), "{text}: {:?}", analyze(text).hits);
    }
}

/// Cantonese 搵 folds to 找, so a Cantonese "搵你" reads as Mandarin "找你", which a service
/// message uses for any call-back: alone it is no menace (it flagged every such notice as sure
/// intimidation); the Cantonese threats built on it still are.
#[test]
fn a_call_back_is_not_cantonese_menace() {
    for text in ["客服稍后会找你确认还款计划", "有问题随时找你的专属客服"] {
        assert!(analyze(text).codes.is_empty(), "{text}: {:?}", analyze(text).hits);
    }
    assert!(analyze("搵人搞你").codes.contains(&Code::Intimidation));
}

/// The threat a frightened newcomer quotes first (the mission's own words: "tell your employer,
/// your family"): going to the workplace to make trouble and telling the whole family are contact
/// with third parties as well as intimidation (tests/data/conduct/README.md, contact_third_party);
/// a bank inviting the borrower to a branch near his company is neither.
#[test]
fn the_newcomers_threat_names_workplace_and_family() {
    let a = analyze("再不还钱就去你单位闹，通知你全家");
    assert!(a.codes.contains(&Code::ContactThirdParty) && a.codes.contains(&Code::Intimidation), "{:?}", a.hits);
    for rule in ["third_party.workplace_visit", "third_party.tell_whole_family"] {
        assert!(a.hits.iter().any(|h| h.rule == rule && h.end > h.start), "{rule}: {:?}", a.hits);
    }
    let a = analyze("请告诉你家里人，我们明天上门");
    assert!(a.codes.contains(&Code::ContactThirdParty), "{:?}", a.hits);
    for lawful in ["欢迎到您公司附近的网点办理还款", "您好，请问是张先生本人吗？"] {
        let a = analyze(lawful);
        assert!(a.codes.is_empty(), "{lawful}: {:?}", a.hits);
    }
}

/// Ninth round (docs/conduct.md), written from the codes' definitions (docs/law/conduct.md §7):
/// a debt said to reach a criminal filing threshold presents default as a crime; a shared
/// blacklist is invented, a platform's own refusal list is not; a threat to post about the debtor
/// online shames him and tells everyone; and a bank's own steps — its legal department, papers
/// being prepared, a suit it will bring — are lawful warnings, as is advice that messages of a
/// kind are fake.
#[test]
fn ninth_round_frames_and_a_banks_own_steps() {
    let shows: [(&str, Code); 6] = [
        ("你的欠款已经达到刑事立案标准", Code::ThreatJail),
        ("逾期不还将被列入征信黑名单", Code::FalseConsequence),
        ("我行即刻对您上报黑名单", Code::FalseConsequence),
        ("不还钱迟早出事", Code::Intimidation),
        ("再不还我就在网上到处发帖曝光你", Code::Intimidation),
        ("再不还我就在网上到处发帖曝光你", Code::ContactThirdParty),
    ];
    for (text, code) in shows {
        let a = analyze(text);
        assert!(a.codes.contains(&code), "{text}: {:?}", a.hits);
    }
    // A newcomer's message (a trial at phone size): his mother's number held and a call to her
    // announced is a threat to reach his family, and 你妈的 before 电话 is a possessive, not a curse.
    let a = analyze("你妈的电话我们已经有了，今晚就打给她");
    assert!(a.codes.contains(&Code::ContactThirdParty) && !a.codes.contains(&Code::Insult), "{:?}", a.hits);
    assert!(analyze("你妈的，还不还钱").codes.contains(&Code::Insult));
    assert!(!analyze("您妈妈的电话是多少").codes.contains(&Code::Insult));
    // A criminal threshold is no claim that a case was filed.
    assert!(!analyze("你的欠款已经达到刑事立案标准").codes.contains(&Code::FakeLegalDocument));
    // Filed papers are a claim; prepared ones, and the lender's own legal department, are not.
    assert!(analyze("已向户籍地法院提交诉讼材料").codes.contains(&Code::FakeLegalDocument));
    for text in [
        "您的欠款已转交我行法务部门处理，我行正在准备诉讼材料，如仍不还款，我行将依法提起诉讼。",
        "因您逾期未还，您已被本平台列入黑名单，暂时无法再次借款。",
        "凡是短信里说要抓人、要坐牢的，基本都是假的，请不要慌。",
    ] {
        let a = analyze(text);
        assert!(
            !a.codes.iter().any(|c| matches!(
                c,
                Code::FakeLegalDocument | Code::FalseConsequence | Code::ThreatJail | Code::Intimidation
            )),
            "{text}: {:?}",
            a.hits
        );
    }
}

/// Tenth round (docs/conduct.md 第十轮), written from the codes' definitions after part k's blind
/// test: a self-styled law enforcer, violence and lifelong menace in euphemism; warnings that
/// describe others' pitch as a lure or a script, a rights explainer, and a collection agency's
/// own advertisement to property companies are not the sender's conduct.
#[test]
fn tenth_round_warnings_and_menace() {
    let shows: [(&str, Code); 4] = [
        ("我是执法人员，今天必须把钱还上", Code::ImpersonateAuthority),
        ("再拖下去，我们找人教训一下你", Code::ThreatViolence),
        ("再拖下去，我们找人教训一下你", Code::Intimidation),
        ("不还钱我会让你这辈子都还不清", Code::Intimidation),
    ];
    for (text, code) in shows {
        let a = analyze(text);
        assert!(a.codes.contains(&code), "{text}: {:?}", a.hits);
    }
    for text in [
        "中介以“全额减免、征信修复”为诱饵收取前期费用",
        "有人借助“债务优化”“征信修复”等话术制造虚假承诺，骗取服务费。",
        "目前市场上存在以“债务优化”名义收费的个人，请通过官方渠道协商。",
        "债权人无权采取任何私力救济，上门骚扰、威胁家人都是违法的。",
        "我们为物业企业提供合规的欠费催收服务",
    ] {
        let a = analyze(text);
        assert!(a.codes.is_empty(), "{text}: {:?}", a.hits);
    }
    // The property company of the debtor is still a third party.
    assert!(analyze("再不还钱就去找你们小区物业").codes.contains(&Code::ContactThirdParty));
    // A collector calls the debtor's promises false too: that is no warning.
    assert!(analyze("你一再虚假承诺，再不还我们就找你爸妈").codes.contains(&Code::ContactThirdParty));
}

/// Eleventh round, written from the definition of `threat_violence` (harm to property) before
/// part l existed: a fire that may "happen" to the debtor's home is a threat of arson; a
/// fire-safety reminder that names nobody is not.
#[test]
fn a_fire_that_may_happen_to_his_home_is_a_threat() {
    for text in ["欠钱不还，小心你家房子哪天着火", "你家店铺说不定哪天就烧起来了"] {
        let a = analyze(text);
        assert!(a.codes.contains(&Code::ThreatViolence), "{text}: {:?}", a.hits);
    }
    assert!(analyze("冬季请注意用火安全，防止家中起火").codes.is_empty());
}

/// Eleventh round (docs/conduct.md 第十一轮), written from the codes' definitions after part l's
/// blind test: the news media as a channel of shaming, a phone he cannot escape, contemptuous
/// orders; enforcement after a lawsuit, a debtor's own prospects, a contract's late-fee terms and
/// advice against paid agents are lawful.
#[test]
fn eleventh_round_media_no_escape_and_lawful_terms() {
    let shows: [(&str, Code); 4] = [
        ("再不还款，我们就在新闻媒体上公开催收，让你单位都知道", Code::Intimidation),
        ("再不还款就登报催收，依法追究你的刑事责任", Code::ThreatJail),
        ("你换号也没用，我们照样找得到你", Code::Intimidation),
        ("少废话，闭嘴，今天必须还", Code::Insult),
    ];
    for (text, code) in shows {
        let a = analyze(text);
        assert!(a.codes.contains(&code), "{text}: {:?}", a.hits);
    }
    for text in [
        "如您长期不还款，我司可能依法起诉，法院判决后可申请强制执行。",
        "我明年就要考公了，先把网贷还清再说。",
        "借款到期后次日起计收逾期服务费，每日按未还本金的0.05%计算。",
        "本行已将对您的债权转让给某资产管理公司，特此登报公告催收。",
        "万一你家着火，家财险最高赔50万",
    ] {
        let a = analyze(text);
        assert!(a.codes.is_empty(), "{text}: {:?}", a.hits);
    }
    // Enforcement presented as imminent, with no judgment, is still a false consequence; the
    // children's prospects still are; a bare 计收 does not make a fee a contract's.
    let more: [(&str, Code); 6] = [
        ("明天就对你名下财产强制执行", Code::FalseConsequence),
        ("明天起诉你，后天就强制执行你的房子", Code::FalseConsequence),
        ("你儿子以后当兵政审都过不了", Code::FalseConsequence),
        ("我们在新闻上曝光你", Code::Intimidation),
        ("另付保全费2000元，按日计收", Code::ExtraFee),
        ("小心你家房子哪天着火", Code::ThreatViolence),
    ];
    for (text, code) in more {
        let a = analyze(text);
        assert!(a.codes.contains(&code), "{text}: {:?}", a.hits);
    }
}
