//! The guided interview over HTTP: a new case opens on its first question with what the triage
//! learnt, every answer is saved and leads to the next screen, a wrong answer is refused on its
//! screen in Chinese, the pasted messages are split for confirmation before they are stored,
//! and the results say what the unknown answers kept them from computing.

mod common;

use axum::body::Body;
use axum::http::{StatusCode, header};
use common::rider;
use common::*;

const FORM: &str = "application/x-www-form-urlencoded";

async fn post_form(app: &App, uri: &str, pairs: &[(&str, &str)]) -> Res {
    send(app, post(uri).header(header::CONTENT_TYPE, FORM).body(form(pairs)).expect("req")).await
}

async fn page(app: &App, uri: &str) -> Res {
    send(app, get(uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await
}

/// A new case from the triage's result page, with the triage's cookie.
async fn new_case(app: &App, triage_cookie: &str) -> String {
    let token = csrf(app, None).await;
    let r = send(
        app,
        post("/cases")
            .header(header::CONTENT_TYPE, FORM)
            .header(header::COOKIE, format!("yq_triage={triage_cookie}"))
            .body(form(&[("csrf", &token), ("template", "blank"), ("title", "我的网贷")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let loc = r.location();
    assert!(loc.ends_with("/interview"), "a new case opens on the interview: {loc}");
    loc.trim_start_matches("/cases/").trim_end_matches("/interview").to_string()
}

#[tokio::test]
async fn the_rider_builds_his_case_by_answering_questions() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let id = new_case(&app, "no.jail.500").await;
    let r = page(&app, &format!("/cases/{id}/interview")).await;
    assert_eq!(r.location(), format!("/cases/{id}/interview/d0-app"), "the first question");
    let first = page(&app, &format!("/cases/{id}/interview/d0-app")).await.text();
    assert!(first.contains("第1笔借款") && first.contains("第 1 题，共 12 题"), "a progress indicator");
    assert!(first.contains("不是犯罪"), "he said they threaten jail: the calm line comes first");
    let mut screens = 0;
    let mut last: Option<(String, f64)> = None;
    for (slug, fields) in rider::rider() {
        let uri = format!("/cases/{id}/interview/{slug}");
        let shown = page(&app, &uri).await;
        assert_eq!(shown.status, StatusCode::OK, "{uri}");
        screens += 1;
        // Within a part of the interview the bar only moves forward.
        let (stage, done) = progress(&shown.text());
        if let Some((s, d)) = &last
            && *s == stage
        {
            assert!(done > *d, "{uri}: progress went from {d} to {done} in {stage}");
        }
        last = Some((stage, done));
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = post_form(&app, &uri, &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}: {}", r.text());
    }
    // The budget question offered the triage's answer.
    let avail = page(&app, &format!("/cases/{id}/interview/available")).await.text();
    assert!(avail.contains("value=\"500\""), "the triage's 500 is offered");
    // Messages: first the split, then stored on confirmation.
    let uri = format!("/cases/{id}/interview/messages");
    let r = post_form(&app, &uri, &[("csrf", &token), ("text", rider::MESSAGES)]).await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    assert!(t.contains("认出 3 条消息") && t.contains("2026-11-20 21:14") && t.contains("13800138000"), "{t}");
    assert!(
        t.contains("可能违法：") && t.matches("可能违法：").count() == 3,
        "each threat is marked on the check screen: {t}"
    );
    let r = post_form(&app, &uri, &[("csrf", &token), ("text", rider::MESSAGES), ("confirm", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.location(), format!("/cases/{id}/interview/review"));
    let review = page(&app, &r.location()).await.text();
    for want in ["极速贷", "安心花", "闪电借", "10000 元", "不记得", "没法算的部分", "看结果"] {
        assert!(review.contains(want), "review shows {want}");
    }
    let r = post_form(&app, &format!("/cases/{id}/interview/review"), &[("csrf", &token), ("action", "done")]).await;
    assert_eq!(r.location(), format!("/cases/{id}"));
    let dash = page(&app, &format!("/cases/{id}")).await;
    assert_eq!(dash.status, StatusCode::OK);
    let t = dash.text();
    assert!(t.contains("现在先做这几件事"), "the overview starts with what to do next");
    assert!(t.find("现在先做这几件事") < t.find("要紧日期"));
    assert!(t.contains("因为有些问题答了“不记得”") && t.contains("安心花"), "the unknowns are said");
    assert!(t.contains("500.00"), "the borrower's own monthly figure is the budget");
    // The messages reached the inbox and its analysis.
    let inbox = page(&app, &format!("/cases/{id}/inbox")).await.text();
    for code in ["threat_jail", "contact_third_party", "personal_account_payment"] {
        assert!(inbox.contains(&format!("data-code=\"{code}\"")), "the pasted messages are analysed: {code}");
    }
    eprintln!("interview screens answered: {screens} (+ messages and review)");
}

/// The part of the interview and how far into it a screen is (k / n).
fn progress(html: &str) -> (String, f64) {
    let stage = html.split("<span class=\"stage\">").nth(1).and_then(|s| s.split('<').next()).unwrap_or("").to_string();
    let nums: Vec<f64> = html
        .split("</progress>")
        .nth(1)
        .map(|s| {
            s.split(|c: char| !c.is_ascii_digit())
                .filter(|x| !x.is_empty())
                .take(2)
                .filter_map(|x| x.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(nums.len(), 2, "a progress line: {stage}");
    (stage, nums[0] / nums[1])
}

#[tokio::test]
async fn a_wrong_answer_stays_on_its_screen_with_a_chinese_reason() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let id = new_case(&app, "").await;
    for (slug, fields) in rider::rider().iter().take(5) {
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        post_form(&app, &format!("/cases/{id}/interview/{slug}"), &pairs).await;
    }
    let uri = format!("/cases/{id}/interview/d0-received");
    let r = post_form(&app, &uri, &[("csrf", &token), ("value", "12000")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("比合同金额（10,000.00 元）还多"), "{}", r.text());
    // Nothing was stored: the interview continues at the same screen.
    let r = page(&app, &format!("/cases/{id}/interview")).await;
    assert_eq!(r.location(), uri);
    // Without the CSRF token nothing is saved either.
    let r = post_form(&app, &uri, &[("value", "9000")]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    // The overview of the unfinished case leads back to the interview, not to an error.
    let dash = page(&app, &format!("/cases/{id}")).await;
    assert!(dash.text().contains(&format!("/cases/{id}/interview")), "{}", dash.text());
}

/// A slip in one field of a screen with several (期数 typed as "十二") is refused, and the
/// screen comes back with everything he typed still in its fields, not emptied.
#[tokio::test]
async fn a_refused_answer_comes_back_with_what_was_typed() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let id = new_case(&app, "").await;
    for (slug, fields) in rider::rider().iter().take(7) {
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        post_form(&app, &format!("/cases/{id}/interview/{slug}"), &pairs).await;
    }
    let uri = format!("/cases/{id}/interview/d0-installments");
    let r =
        post_form(&app, &uri, &[("csrf", &token), ("amount", "945.08"), ("count", "十二"), ("period", "week")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let shown = r.text();
    assert!(shown.contains("期数："), "the reason is shown: {shown}");
    assert!(shown.contains("value=\"945.08\""), "the amount he typed is kept: {shown}");
    assert!(shown.contains("value=\"十二\""), "the count he typed is kept, to correct: {shown}");
    assert!(shown.contains("<option value=\"week\" selected>"), "the period he chose is kept: {shown}");
    // Nothing was stored, and a fresh visit shows the empty screen again.
    let fresh = page(&app, &uri).await.text();
    assert!(!fresh.contains("value=\"945.08\""), "{fresh}");
}

#[tokio::test]
async fn saving_the_case_file_directly_detaches_the_interview() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let id = new_case(&app, "").await;
    for (slug, fields) in rider::rider().iter().take(11) {
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        post_form(&app, &format!("/cases/{id}/interview/{slug}"), &pairs).await;
    }
    let toml = app
        .state
        .db
        .get_case(&yuqi_db_user(&app).await, &yuqi_db::CaseId::parse(&id).expect("id"))
        .await
        .expect("case")
        .toml;
    assert!(toml.contains("platform = \"极速贷\""), "{toml}");
    let r = post_form(&app, &format!("/cases/{id}/edit"), &[("csrf", &token), ("title", "我的网贷"), ("toml", &toml)])
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Now the case file is the source: the interview's address leads to the editor, and an
    // answer posted to it does not rebuild (and so replace) the file.
    let r = page(&app, &format!("/cases/{id}/interview")).await;
    assert_eq!(r.location(), format!("/cases/{id}/edit"));
    let r = post_form(&app, &format!("/cases/{id}/interview/d0-app"), &[("csrf", &token), ("value", "别的App")]).await;
    assert_eq!(r.location(), format!("/cases/{id}/edit"));
    let after = app
        .state
        .db
        .get_case(&yuqi_db_user(&app).await, &yuqi_db::CaseId::parse(&id).expect("id"))
        .await
        .expect("case");
    assert_eq!((after.toml, after.interview), (toml, None), "the file is unchanged");
}

#[tokio::test]
async fn a_rate_worked_out_by_the_interview_keeps_its_source_through_the_editor() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let id = new_case(&app, "").await;
    for (slug, fields) in rider::rider().iter().take(11) {
        let mut pairs = vec![("csrf", token.as_str())];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        post_form(&app, &format!("/cases/{id}/interview/{slug}"), &pairs).await;
    }
    let stored = || async {
        let user = yuqi_db_user(&app).await;
        app.state.db.get_case(&user, &yuqi_db::CaseId::parse(&id).expect("id")).await.expect("case").toml
    };
    let source = |toml: &str| yuqi_case::parse_case(toml, "case.toml").expect("parses").debts[0].rate_source;
    let toml = stored().await;
    assert_eq!(source(&toml), yuqi_case::RateSource::Instalments, "the interview marks its rate: {toml}");
    // Written back through the editor, then a debt added through the form: read back, the
    // first debt's rate is still the one worked out from the instalments.
    let r = post_form(&app, &format!("/cases/{id}/edit"), &[("csrf", &token), ("title", "我的网贷"), ("toml", &toml)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("rate_source = "), "the editor shows the field back: {}", r.text());
    let r = post_form(
        &app,
        &format!("/cases/{id}/debts"),
        &[
            ("csrf", &token),
            ("lender", "某某银行"),
            ("kind", "bank"),
            ("contract_date", "2025-03-01"),
            ("principal", "5000"),
            ("rate", "年化12%"),
            ("method", "等额本息"),
            ("periods", "6"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let after = stored().await;
    let case = yuqi_case::parse_case(&after, "case.toml").expect("parses");
    assert_eq!(case.debts[0].rate_source, yuqi_case::RateSource::Instalments, "{after}");
    let added = case.debts.last().expect("the added debt");
    assert_eq!((added.lender.as_str(), added.rate_source), ("某某银行", yuqi_case::RateSource::Contract));
}

async fn yuqi_db_user(app: &App) -> yuqi_db::UserId {
    app.state.db.ensure_local_user().await.expect("user").id
}

/// How many loans the review screen lists (one removal button each).
fn loans_on(review: &str) -> usize {
    review.matches("name=\"action\" value=\"remove\"").count()
}

/// Removing a loan on the review screen throws away every answer about it: the first post
/// only asks (in a plain form, no script), the second removes; a confirmation that names
/// another loan than the one now at that place removes nothing.
#[tokio::test]
async fn removing_a_loan_asks_first_and_removes_only_on_confirmation() {
    let app = app().await;
    let (id, _) = interview_case(&app).await;
    let token = csrf(&app, None).await;
    let review_uri = format!("/cases/{id}/interview/review");
    let before = page(&app, &review_uri).await.text();
    let n = loans_on(&before);
    assert!(n >= 2, "the rider has several loans: {before}");
    assert!(!before.contains("确定要删除"), "no question before one is asked");
    // The first post asks, and removes nothing.
    let r = post_form(&app, &review_uri, &[("csrf", &token), ("action", "remove"), ("debt", "1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let asked = r.text();
    assert!(asked.contains("确定要删除“第2笔借款（安心花）”吗？"), "{asked}");
    assert!(asked.contains("value=\"remove_confirmed\"") && asked.contains("不删，返回"), "{asked}");
    assert!(asked.contains("name=\"label\" value=\"第2笔借款（安心花）\""), "{asked}");
    assert_eq!(loans_on(&page(&app, &review_uri).await.text()), n, "asking removed nothing");
    // A confirmation naming a loan that is not (or no longer) at that place removes nothing.
    let r = post_form(
        &app,
        &review_uri,
        &[("csrf", &token), ("action", "remove_confirmed"), ("debt", "1"), ("label", "第2笔借款（极速贷）")],
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("没有删除任何借款"), "{}", r.text());
    assert_eq!(loans_on(&page(&app, &review_uri).await.text()), n);
    // Without the CSRF token, nothing either.
    let r = post_form(
        &app,
        &review_uri,
        &[("action", "remove_confirmed"), ("debt", "1"), ("label", "第2笔借款（安心花）")],
    )
    .await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(loans_on(&page(&app, &review_uri).await.text()), n);
    // Confirmed: that loan, and only it, is gone.
    let r = post_form(
        &app,
        &review_uri,
        &[("csrf", &token), ("action", "remove_confirmed"), ("debt", "1"), ("label", "第2笔借款（安心花）")],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let after = page(&app, &review_uri).await.text();
    assert_eq!(loans_on(&after), n - 1, "{after}");
    assert!(!after.contains("安心花") && after.contains("极速贷") && after.contains("闪电借"), "{after}");
}

/// Answers `script` over HTTP, then skips the messages and closes the review: the case's id.
async fn answer_all(app: &App, token: &str, script: &[(String, Vec<(String, String)>)]) -> String {
    let id = new_case(app, "").await;
    for (slug, fields) in script {
        let uri = format!("/cases/{id}/interview/{slug}");
        let mut pairs = vec![("csrf", token)];
        pairs.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let r = post_form(app, &uri, &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{uri}: {}", r.text());
    }
    let r = post_form(app, &format!("/cases/{id}/interview/messages"), &[("csrf", token), ("value", "skipped")]).await;
    assert_eq!(r.location(), format!("/cases/{id}/interview/review"));
    let r = post_form(app, &format!("/cases/{id}/interview/review"), &[("csrf", token), ("action", "done")]).await;
    assert_eq!(r.location(), format!("/cases/{id}"));
    id
}

/// The borrower of `tests/interview/cardholder.toml`: his credit card (15,000 owed, minimum
/// payments missed since 2026-09) is asked the balance and the missed due date, not the loan
/// questions, and is in what he owes with a limitation period from the missed due date; with
/// 不记得 for the balance it stays on his list with a note of what to look up.
#[tokio::test]
async fn a_credit_card_is_asked_its_balance_and_counted() {
    let app = app().await;
    let token = csrf(&app, None).await;
    // The rider's three loans and a credit card (15,000 owed, minimum payments missed since
    // 2026-09), screen by screen.
    let script = rider::script(include_str!("../../../tests/interview/cardholder.toml"));
    let id = answer_all(&app, &token, &script).await;
    // The card's screens ask what a cardholder knows.
    let mut card_pages = String::new();
    for slug in ["d3-lender", "d3-balance", "d3-stopped", "d3-last-paid"] {
        let r = page(&app, &format!("/cases/{id}/interview/{slug}")).await;
        assert_eq!(r.status, StatusCode::OK, "{slug}");
        card_pages.push_str(&r.text());
    }
    for want in ["哪家银行的信用卡", "现在一共欠多少", "账单", "没还上这张卡", "还过钱吗"] {
        assert!(card_pages.contains(want), "a card screen asks {want}");
    }
    // A loan's screen is not one of the card's: its address leads elsewhere.
    let r = page(&app, &format!("/cases/{id}/interview/d3-date")).await.text();
    assert!(!r.contains("/interview/d3-date\""), "the card is not asked when it was borrowed");
    let review = page(&app, &format!("/cases/{id}/interview/review")).await.text();
    assert!(!review.contains("砍头息") && review.contains("15000 元"), "{review}");
    // In what he owes, from the balance he gave; the period runs to 2029, not 2027.
    let dash = page(&app, &format!("/cases/{id}")).await.text();
    assert!(dash.contains("招商银行") && dash.contains("15,000.00"), "{dash}");
    assert!(!dash.contains("22,585.62") && !dash.contains("2027-04-01"), "{dash}");
    let timeline = page(&app, &format!("/cases/{id}/timeline")).await.text();
    assert!(timeline.contains("自到期日 2026-09-30 起算"), "{timeline}");

    // 不记得 the balance: kept, and said.
    let mut unknown = script.clone();
    let at = unknown.iter().position(|(s, _)| s == "d3-balance").expect("the balance screen");
    unknown[at].1 = vec![("unknown".into(), "1".into())];
    let id = answer_all(&app, &token, &unknown).await;
    let review = page(&app, &format!("/cases/{id}/interview/review")).await.text();
    assert!(review.contains("第4笔借款（招商银行）"), "the card stays on his list: {review}");
    let dash = page(&app, &format!("/cases/{id}")).await.text();
    assert!(dash.contains("第4笔借款（招商银行）：这张信用卡不知道现在欠多少"), "{dash}");
    // In the case itself, not only in the interview's note: the overview's summary and its plan
    // both list the card as a debt whose balance is unknown.
    assert!(dash.matches("还不知道欠多少的 1 笔：").count() >= 2, "{dash}");
    assert!(dash.contains("招商银行的信用卡。没有算进欠款合计和还款方案"), "{dash}");
    assert!(dash.contains("极速贷"), "the other debts are computed: {dash}");
}
