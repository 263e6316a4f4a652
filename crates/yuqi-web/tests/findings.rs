//! What the pages say about the analyzer's findings agrees with itself: an import's summary
//! counts what the timing rules found as well as the words; the inbox shows each finding with
//! its legal basis and how sure the analyzer is, and a sender's claimed authority as a claim;
//! pasted messages without a date say what they cannot be used for.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::*;

/// The number written right before `marker` in `s` (`其中 3 条发现` → 3).
fn count_before(s: &str, marker: &str) -> Option<u64> {
    let at = s.find(marker)?;
    let digits: String = s[..at]
        .trim_end()
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

/// A call log has no words; its night calls are found by the timing rules. The import's line
/// counts them, names the night hours of the law data, and agrees with the evidence table.
#[tokio::test]
async fn a_call_log_summary_counts_the_night_calls_it_lists() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let xml = std::fs::read(fixture("calls.xml")).expect("fixture");
    let (ct, body) = multipart(Some(&token), "calls.xml", &xml);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    let night_rows = page.matches("夜间催收").count() as u64;
    assert!(night_rows > 0, "the fixture has calls in the night: {page}");
    let today = yuqi_util::china_today();
    let start = yuqi_docs::legal::number("conduct.night_start_hour", today).expect("night start");
    let end = yuqi_docs::legal::number("conduct.night_end_hour", today).expect("night end");
    let window = format!("条在夜间（{start}点至次日{end}点）");
    let night = count_before(&page, &window).unwrap_or_else(|| panic!("the night calls are counted: {page}"));
    assert_eq!(night, night_rows, "the summary's night calls are the table's: {page}");
    let flagged = count_before(&page, "条发现违规迹象").expect("flagged count");
    assert!(flagged >= night, "never fewer findings than night calls: {page}");
}

fn paste_form(id: &str, pairs: &[(&str, &str)]) -> axum::http::Request<Body> {
    post(&format!("/cases/{id}/inbox/paste"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form(pairs))
        .expect("req")
}

/// A collector signing as a court or the police is shown as claiming it, never as the sender
/// it pretends to be; each finding shows its name, its legal basis and whether the analyzer is
/// sure, with no internal code in the text a reader sees.
#[tokio::test]
async fn the_inbox_shows_claimed_authority_as_a_claim_and_each_findings_basis() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let pasted = "2026-11-21 09:00\r\n【东城区人民法院】你已被起诉，法院明天派人上门拘传，马上还款\r\n\r\n\
                  2026-11-21 10:00 13800138000\r\n【朝阳公安分局】你涉嫌诈骗，已经立案，等着被拘留吧\r\n";
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", pasted), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    let seen = visible(&page);
    assert!(seen.contains("来自 自称“东城区人民法院”的发送方"), "{seen}");
    // Wherever the page names the fake court (the heading, the sender filter), it is a claim;
    // the message's own words keep their signature.
    for (at, _) in seen.match_indices("东城区人民法院") {
        let before = &seen[..at];
        assert!(before.ends_with("自称“") || before.ends_with('【'), "shown as the sender: {seen}");
    }
    assert!(seen.contains("来自 13800138000（署名自称“朝阳公安分局”）"), "{seen}");
    // Each finding: its name, the law it breaks, and how sure the analyzer is.
    let label = yuqi_conduct::Code::ImpersonateAuthority.label_zh();
    // The basis for the demo's lenders (the pasted messages name none, so all of them).
    let demo = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
    let demo = yuqi_case::parse_case(&demo, "demo.toml").expect("parse");
    let kinds = yuqi_docs::scope::kinds_for(&demo, None);
    let basis = yuqi_docs::scope::conduct_basis(yuqi_conduct::Code::ImpersonateAuthority.as_str(), &kinds);
    assert!(!basis.is_empty(), "the law data cites the rule");
    assert!(seen.contains(&format!("{label}　法律依据：{basis}")), "{seen}");
    assert!(seen.contains("系统有把握"), "{seen}");
    for code in yuqi_conduct::Code::ALL {
        assert!(!seen.contains(code.as_str()), "no internal code ({}) in the text: {seen}", code.as_str());
    }
}

/// Messages pasted without a date are kept and said to count for nothing that needs a day; the
/// day received, when given, dates 昨天 and is checked.
#[tokio::test]
async fn undated_pastes_say_what_they_cannot_do_and_the_day_received_dates_them() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("type=\"date\" name=\"received\""), "the paste box asks for the day: {inbox}");
    let undated = "你再不还钱我们就去你单位找你领导\r\n";
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", undated)])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&r.text());
    assert!(t.contains("时间不详") && t.contains("其中 1 条没有日期"), "{t}");
    assert!(t.contains("会作为证据保存，但不会用来计算诉讼时效"), "{t}");
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", undated), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&r.text());
    assert!(t.contains("已保存 1 条消息") && t.contains("其中 1 条没有日期"), "{t}");
    // 昨天, with the day received, is the day before it.
    let yesterday = "昨天 21:14 13800138000\r\n明天去你家找你父母\r\n";
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", yesterday), ("received", "2026-11-20")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&r.text());
    assert!(t.contains("2026-11-19 21:14") && !t.contains("条没有日期"), "{t}");
    assert!(r.text().contains("name=\"received\" value=\"2026-11-20\""), "the day stays for the confirmation");
    let r = send(
        &app,
        paste_form(&id, &[("csrf", &token), ("text", yesterday), ("received", "2026-11-20"), ("confirm", "1")]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&r.text());
    assert!(t.contains("已保存 1 条消息") && !t.contains("条没有日期"), "{t}");
    assert!(t.contains("2026-11-19 21:14"), "the inbox shows it dated: {t}");
    // A day in the future is refused, with the text kept.
    let r = send(&app, paste_form(&id, &[("csrf", &token), ("text", yesterday), ("received", "2999-01-01")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("收到日期不能晚于今天") && r.text().contains("明天去你家找你父母"), "{}", r.text());
}

/// A case from an example file, created through the API.
async fn case_from_example(app: &App, token: &str, example: &str) -> String {
    let toml =
        std::fs::read_to_string(format!("{}/../../examples/{example}", env!("CARGO_MANIFEST_DIR"))).expect("case");
    let r = send(
        app,
        post("/api/v1/cases")
            .header("x-csrf-token", token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": example, "toml": toml }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().expect("id").to_string()
}

/// The legal basis of contact with third parties fits the lender: the credit-card measures
/// (商业银行信用卡业务监督管理办法 第68条) bind card issuers, so the inbox of an online microloan
/// cites the personal-information law and the civil code, not the card rule, while a card
/// debt's inbox still cites it.
#[tokio::test]
async fn the_basis_for_contacting_third_parties_fits_the_lender() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let threat = "2026-11-21 10:00 13800138000\r\n今天不还钱，我们就把你的欠款情况发到你通讯录里的每一个人\r\n";
    let label = yuqi_conduct::Code::ContactThirdParty.label_zh();
    let basis_of = |seen: &str| -> String {
        let at = seen.find(&format!("{label}　法律依据：")).unwrap_or_else(|| panic!("{label}: {seen}"));
        seen[at..].lines().next().unwrap_or("").split("系统").next().unwrap_or("").to_string()
    };
    let micro = case_from_example(&app, &token, "microloan-kantouxi.toml").await;
    let r = send(&app, paste_form(&micro, &[("csrf", &token), ("text", threat), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = send(&app, get(&format!("/cases/{micro}/inbox")).body(Body::empty()).expect("req")).await.text();
    let basis = basis_of(&visible(&page));
    assert!(basis.contains("《个人信息保护法》第10条、第13条"), "{basis}");
    assert!(basis.contains("《民法典》第1032条、第1033条"), "{basis}");
    assert!(!basis.contains("信用卡"), "the card measure cited for a microloan: {basis}");

    let card = case_from_example(&app, &token, "credit-card.toml").await;
    let r = send(&app, paste_form(&card, &[("csrf", &token), ("text", threat), ("confirm", "1")])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = send(&app, get(&format!("/cases/{card}/inbox")).body(Body::empty()).expect("req")).await.text();
    let basis = basis_of(&visible(&page));
    assert!(basis.contains("商业银行信用卡业务监督管理办法"), "{basis}");
    assert!(basis.contains("《个人信息保护法》"), "{basis}");
}

/// A paste says where it came from (短信 by default, or 微信, 电话记录, 其他) and, optionally, when
/// it arrived: a message with no time of its own is then dated by the day and time given, the
/// inbox labels it by its channel, and a malformed time or source is refused in Chinese with
/// everything typed kept in the form.
#[tokio::test]
async fn a_paste_keeps_its_channel_and_the_time_it_was_received() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("<option value=\"sms\" selected>短信</option>"), "短信 is the default: {inbox}");
    for (code, name) in [("wechat", "微信"), ("call", "电话记录"), ("other", "其他")] {
        assert!(inbox.contains(&format!("<option value=\"{code}\">{name}</option>")), "{code}: {inbox}");
    }
    assert!(inbox.contains("type=\"time\" name=\"received_time\""), "{inbox}");
    let text = "你再不还钱我们就去你单位找你领导\r\n";
    let fields = [
        ("csrf", token.as_str()),
        ("text", text),
        ("source", "wechat"),
        ("received", "2026-11-20"),
        ("received_time", "21:30"),
    ];
    let r = send(&app, paste_form(&id, &fields)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&r.text());
    assert!(t.contains("2026-11-20 21:30　微信"), "the split shows the time and channel given: {t}");
    assert!(!t.contains("条没有日期"), "{t}");
    let kept = r.text();
    for hidden in ["name=\"source\" value=\"wechat\"", "name=\"received_time\" value=\"21:30\""] {
        assert!(kept.contains(hidden), "the confirmation carries {hidden}");
    }
    let mut confirmed = fields.to_vec();
    confirmed.push(("confirm", "1"));
    let r = send(&app, paste_form(&id, &confirmed)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = visible(&r.text());
    assert!(t.contains("已保存 1 条消息") && !t.contains("条没有日期"), "{t}");
    assert!(t.contains("2026-11-20 21:30 微信"), "the inbox labels it as WeChat, dated: {t}");
    assert!(!t.contains("2026-11-20 21:30 短信"), "{t}");
    // The evidence store keeps the channel too.
    let list = send(&app, get(&format!("/api/v1/cases/{id}/messages")).body(Body::empty()).expect("req")).await;
    let pasted = list.json()["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .find(|m| m["text"].as_str().is_some_and(|t| t.contains("找你领导")))
        .cloned()
        .expect("the pasted message");
    assert_eq!(pasted["channel"], "微信", "{pasted}");

    // Refused in Chinese, with everything typed kept: a malformed time, a time without a day,
    // an unknown source.
    let other = "明天去你家找你父母\r\n";
    for (pairs, why) in [
        (vec![("source", "call"), ("received", "2026-11-20"), ("received_time", "25:99")], "收到时间“25:99”看不懂"),
        (vec![("source", "call"), ("received", ""), ("received_time", "08:15")], "也请填是哪天收到的"),
        (vec![("source", "fax"), ("received", "2026-11-20"), ("received_time", "08:15")], "消息是从哪里来的没看懂"),
    ] {
        let mut all = vec![("csrf", token.as_str()), ("text", other)];
        all.extend(pairs.iter().copied());
        let r = send(&app, paste_form(&id, &all)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let page = r.text();
        assert!(page.contains(why), "{why}: {page}");
        assert!(page.contains("明天去你家找你父母"), "the text is kept");
        for (k, v) in pairs.iter().filter(|(k, v)| *k != "source" && !v.is_empty()) {
            assert!(page.contains(&format!("name=\"{k}\" value=\"{v}\"")), "{k} is kept: {page}");
        }
        if pairs[0].1 == "call" {
            assert!(page.contains("<option value=\"call\" selected>电话记录</option>"), "the source is kept: {page}");
        }
    }
}
