//! HTTP-level tests of the routes a user walks through: every page, the letters and the dossier
//! in each format, editing, the JSON API, evidence upload and input errors.

mod common;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::*;

#[tokio::test]
async fn the_new_user_path_through_every_page() {
    let app = app().await;
    // First visit: triage.
    let r = send(&app, get("/").body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/triage");
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/triage")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", &token),
                ("kind", "online"),
                ("last", "old"),
                ("court", "unsure"),
                ("abuse", "yes"),
                ("spare", "800"),
            ]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    assert!(t.contains("12368") && t.contains("不要答应还款") && t.contains("800.00"), "{t}");
    assert!(r.cookie("yq_seen").is_some());
    // Without a jail threat there is no reassurance about crime at the top.
    assert!(!t.contains("本身不是犯罪"), "{t}");

    let id = new_demo_case(&app).await;
    let dash = send(&app, get(&format!("/cases/{id}")).body(Body::empty()).expect("req")).await;
    assert_eq!(dash.status, StatusCode::OK);
    let t = dash.text();
    assert!(t.contains("要紧日期") && t.contains("22,185.88") && t.contains("1,350.00"), "{t}");
    for (path, want) in [
        (format!("/cases/{id}/edit"), "添加一笔借款"),
        (format!("/cases/{id}/audit"), "计算过程"),
        (format!("/cases/{id}/timeline"), "<svg"),
        (format!("/cases/{id}/inbox"), "已经移交法务"),
        (format!("/cases/{id}/evidence"), "证据库共"),
        (format!("/cases/{id}/letters"), "债务核实函"),
        ("/law?q=诉讼时效+中断".to_string(), "第195条"),
        ("/law/civil_code/195".to_string(), "诉讼时效中断"),
        ("/static/app.css".to_string(), "--accent"),
        ("/static/app.js".to_string(), "X-CSRF-Token"),
        ("/api/openapi.json".to_string(), "openapi"),
    ] {
        let uri = path.replace(' ', "%20");
        let r = send(&app, get(&uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}");
        assert!(r.text().contains(want), "{uri} lacks {want}");
    }
    let home = send(&app, get("/").header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
    assert!(home.text().contains("林晓梅的三笔网贷"));
    // Letters and the dossier in every format.
    for (uri, magic, mime) in [
        (format!("/cases/{id}/letters/verification?debt=hjd&format=pdf"), &b"%PDF"[..], "application/pdf"),
        (format!("/cases/{id}/letters/verification?kind=defence&debt=zr&format=docx"), &b"PK"[..], "wordprocessingml"),
        (format!("/cases/{id}/letters/proposal?debt=xf&format=md"), "# 协商还款申请书".as_bytes(), "text/markdown"),
        (format!("/cases/{id}/report?format=html"), "<!DOCTYPE html>".as_bytes(), "text/html"),
    ] {
        let r = send(&app, get(&uri).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        assert!(r.body.starts_with(magic), "{uri}");
        let ct = r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(ct.contains(mime), "{uri}: {ct}");
        assert!(r.headers.get(header::CONTENT_DISPOSITION).is_some(), "{uri} is a download");
    }
    let r = send(
        &app,
        get(&format!("/cases/{id}/letters/limitation?debt=hjd&format=pdf")).body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a running period cannot be pleaded");
    assert!(r.text().contains("不能提出时效抗辩"));
}

#[tokio::test]
async fn editing_validates_and_never_stores_a_broken_case() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let bad = "version = 1\n[[debt]]\nid = \"x\"\nprincipal = \"很多\"\n";
    let r = send(
        &app,
        post(&format!("/cases/{id}/edit"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("title", "改过"), ("toml", bad)]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("case.toml:"), "line and column: {}", r.text());
    let api = send(&app, get(&format!("/api/v1/cases/{id}")).body(Body::empty()).expect("req")).await.json();
    assert_ne!(api["title"], "改过", "the broken case was not stored");
    // A debt from the form: a bad rate is explained, a good one is added.
    let fields = |rate: &str| {
        form(&[
            ("csrf", token.as_str()),
            ("debt_id", "new1"),
            ("lender", "某某小额贷款有限公司"),
            ("kind", "microloan"),
            ("platform", ""),
            ("contract_date", "2025-03-01"),
            ("principal", "5000"),
            ("received", "4500"),
            ("rate", rate),
            ("method", "等额本息"),
            ("periods", "6"),
        ])
    };
    let r = send(
        &app,
        post(&format!("/cases/{id}/debts"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(fields("很高"))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("看不懂这个利率"), "{}", r.text());
    let r = send(
        &app,
        post(&format!("/cases/{id}/debts"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(fields("年化24%"))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Named as the borrower knows it; the key given through the form is kept in the file.
    assert!(r.text().contains("已添加借款：某某小额贷款有限公司"), "{}", r.text());
    let audit = send(&app, get(&format!("/api/v1/cases/{id}/audit")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(audit["audit"]["debts"].as_array().map(Vec::len), Some(4));
    let after = send(&app, get(&format!("/cases/{id}/audit")).body(Body::empty()).expect("req")).await.text();
    // The page names the new debt by its lender, as the borrower knows it (not by its key).
    assert!(after.contains("某某小额贷款有限公司"), "the cached audit page follows the change");
    // Live validation.
    for (kind, value, ok) in [
        ("money", "9,000.50", true),
        ("money", "很多", false),
        ("rate", "日息万分之五", true),
        ("date", "2024-13-01", false),
    ] {
        let r = send(
            &app,
            post("/api/v1/validate")
                .header("x-csrf-token", &token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::json!({ "kind": kind, "value": value }).to_string()))
                .expect("req"),
        )
        .await;
        assert_eq!(r.json()["ok"], ok, "{kind} {value}: {}", r.text());
        if kind == "rate" {
            // The contract's rate is named as every report names it, never as the annual cost.
            let m = r.json()["message"].as_str().unwrap_or_default().to_string();
            assert!(m.starts_with(&format!("{}折合每年 18.25%", yuqi_ledger::apr::STATED_RATE_ZH)), "{m}");
            assert!(m.contains(yuqi_docs::rates::headline_name()), "{m}");
        }
    }
}

#[tokio::test]
async fn the_json_api_does_every_action() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let toml =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/credit-card.toml"))
            .expect("case");
    let r = send(
        &app,
        post("/api/v1/cases")
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "信用卡", "toml": toml }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().expect("id").to_string();
    for path in ["audit", "timeline", "plan", "messages", "evidence", "letters/verification", "report"] {
        let r = send(&app, get(&format!("/api/v1/cases/{id}/{path}")).body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
        r.json();
    }
    let plan = send(&app, get(&format!("/api/v1/cases/{id}/plan")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(plan["plan"]["debts"][0]["options"][0]["kind"], "card_personalised");
    let r = send(
        &app,
        post("/api/v1/scan")
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"messages":[{"id":"1","text":"我是法院执行局的，马上转到我个人账户"}]}"#))
            .expect("req"),
    )
    .await;
    let codes: Vec<String> = r.json()["results"][0]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| h["code"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(codes.contains(&"impersonate_authority".to_string()), "{codes:?}");
    let q = enc("预先 扣除 本金 利息");
    let r = send(&app, get(&format!("/api/v1/law/search?q={q}")).body(Body::empty()).expect("req")).await;
    let hits = r.json()["hits"].as_array().cloned().expect("hits");
    assert!(hits.iter().take(5).any(|h| h["article"] == "26" && h["doc"] == "private_lending_2020"), "{hits:?}");
    let r = send(
        &app,
        Request::builder()
            .method("PUT")
            .uri(format!("/api/v1/cases/{id}"))
            .header(header::HOST, HOST)
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(serde_json::json!({ "title": "改名", "toml": "version = 1\n[[debt]]" }).to_string()))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a broken case file is refused");
    let r = send(
        &app,
        Request::builder()
            .method("DELETE")
            .uri(format!("/api/v1/cases/{id}"))
            .header(header::HOST, HOST)
            .header("x-csrf-token", &token)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = send(&app, get(&format!("/api/v1/cases/{id}")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The OpenAPI document describes every API route.
    let spec = send(&app, get("/api/openapi.json").body(Body::empty()).expect("req")).await.json();
    for p in [
        "/session",
        "/cases",
        "/cases/{id}",
        "/cases/{id}/audit",
        "/cases/{id}/timeline",
        "/cases/{id}/plan",
        "/cases/{id}/messages",
        "/cases/{id}/messages/{seq}/judgments",
        "/cases/{id}/evidence",
        "/cases/{id}/letters/{kind}",
        "/cases/{id}/report",
        "/cases/{id}/exhibit",
        "/validate",
        "/scan",
        "/law/search",
    ] {
        assert!(spec["paths"].get(p).is_some(), "{p} is not described");
    }
}

#[tokio::test]
async fn evidence_upload_import_inbox_and_verify() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let xml = std::fs::read(fixture("sms-basic.xml")).expect("fixture");
    let (ct, body) = multipart(None, "sms-basic.xml", &xml);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "an upload without a token");
    let (ct, body) = multipart(Some(&token), "sms-basic.xml", &xml);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已导入 sms-basic.xml"), "{}", r.text());
    let status =
        send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    let total = status["evidence"]["total"].as_u64().expect("total");
    assert!(total > 1);
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("明天就把你的"), "imported messages are in the inbox");
    assert!(inbox.contains("<mark data-code=\"contact_third_party\">"), "with their spans marked");
    verified(&app, &id, &token).await;
    // A file that cannot be imported changes nothing.
    let (ct, body) = multipart(Some(&token), "broken.xml", b"<?xml version=\"1.0\"?><smses count=\"1\"><sms address=");
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let after = send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(after["evidence"]["total"].as_u64(), Some(total));
    // Copied SMS text saved as a file is not an export: the page says what can be imported,
    // in Chinese, without the command line's flags.
    let copied = "【某某花】您的借款已逾期，请今日内还款，否则将上门拜访。\n2026-11-20 21:14\n".as_bytes();
    let (ct, body) = multipart(Some(&token), "复制的短信.txt", copied);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let t = r.text();
    assert!(t.contains("证据库没有任何改动") && t.contains("现在可以导入的有"), "{t}");
    assert!(!t.contains("--format"), "{t}");
}

/// The user's mistakes are HTTP 400 with a Chinese message saying what to fix, never a 500:
/// a malformed date in the query, and an as-of date before the contract date.
#[tokio::test]
async fn input_errors_are_400_with_a_chinese_message() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    for (uri, want) in [
        (format!("/api/v1/cases/{id}/audit?as_of=2026-13-01"), "计算截止日"),
        (format!("/api/v1/cases/{id}/plan?filing_date=yesterday"), "起诉日"),
        (format!("/api/v1/cases/{id}/audit?as_of=2020-01-01"), "晚于计算截止日"),
        (format!("/cases/{id}/audit?as_of=2020-01-01"), "编辑案件"),
    ] {
        let r = send(&app, get(&uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}: {}", r.text());
        assert!(r.text().contains(want), "{uri}: {}", r.text());
    }
    // The same dates that are fine give the figures for that day.
    let r =
        send(&app, get(&format!("/api/v1/cases/{id}/audit?as_of=2025-06-30")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["audit"]["as_of"], "2025-06-30");
}

/// When the collector threatens jail, the first thing the borrower reads (before whether the tool
/// fits and before tonight's steps) is that ordinary default is not a crime, with the articles of
/// the Criminal Law it rests on (rule `default_not_crime` in the law data).
#[tokio::test]
async fn a_jail_threat_is_answered_first_with_the_law() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/triage")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", &token),
                ("kind", "online"),
                ("last", "recent"),
                ("court", "no"),
                ("abuse", "jail"),
                ("spare", "500"),
            ]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    let calm = t.find("本身不是犯罪").expect("the reassurance");
    let fit = t.find("这个工具适合你").expect("the fit line");
    let tonight = t.find("今晚就可以做的事").expect("tonight");
    assert!(calm < fit && calm < tonight, "{t}");
    assert!(t.contains("《刑法》第193条"), "the basis names the article: {t}");
    assert!(t.contains("这是恐吓") && t.contains("110"), "{t}");
}

/// The letters page offers only the letters that apply, each with what it is for; one that does
/// not apply says why in place, with no download link.
#[tokio::test]
async fn the_letters_page_offers_what_applies_and_says_why_not() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let r = send(
        &app,
        get(&format!("/cases/{id}/letters")).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let t = r.text();
    // The demo records no credit-report entry: the objection is not offered, and the page says why.
    assert!(t.contains("现在不适用：还没有记录") && t.contains("已上报征信"), "{t}");
    assert!(!t.contains("/letters/credit-objection?debt=hjd&amp;format=pdf"), "{t}");
    // The verification request applies to every debt and links to its download.
    assert!(t.contains("/letters/verification?debt=hjd&amp;format=pdf"), "{t}");
    // Every offered link downloads a document (no error page behind a button).
    for href in t.split("href=\"").skip(1).filter_map(|s| s.split('"').next()).filter(|h| h.contains("/letters/")) {
        let uri = href.replace("&amp;", "&").replace("format=pdf", "format=md");
        let r = send(&app, get(&uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
    }
}

/// A new, empty case is not a dead end: every computing page says what is missing, in plain
/// words, with the case's navigation and the way to its form.
#[tokio::test]
async fn an_empty_case_leads_to_its_form() {
    let app = app().await;
    let token = csrf(&app, None).await;
    let r = send(
        &app,
        post("/cases")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", &token), ("template", "blank"), ("title", "我的案件")]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // A new case opens on the interview's first question.
    assert!(r.location().ends_with("/interview"), "{}", r.location());
    let id = r.location().trim_start_matches("/cases/").trim_end_matches("/interview").to_string();
    for page in ["", "/audit", "/timeline", "/letters"] {
        let uri = format!("/cases/{id}{page}");
        let r = send(&app, get(&uri).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req")).await;
        assert!(r.status.is_client_error(), "{uri}: {}", r.status);
        let t = r.text();
        assert!(t.contains("还没有录入借款") && t.contains(&format!("href=\"/cases/{id}/interview\"")), "{uri}: {t}");
        assert!(!t.contains("case.toml") && !t.contains("[[debt]]"), "{uri}: no file syntax: {t}");
    }
    // The form asks for no key: a debt named in Chinese only is added, and the case computes.
    let token = csrf(&app, Some("yq_seen=1")).await;
    let r = send(
        &app,
        post(&format!("/cases/{id}/debts"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[
                ("csrf", &token),
                ("lender", "某某网络小额贷款有限公司"),
                ("kind", "microloan"),
                ("platform", "网贷1"),
                ("contract_date", "2025-03-01"),
                ("principal", "10000"),
                ("received", "9000"),
                ("rate", "年化23.9%"),
                ("method", "等额本息"),
                ("periods", "12"),
            ]))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("已添加借款：网贷1"), "{}", r.text());
    let r =
        send(&app, get(&format!("/cases/{id}")).header(header::COOKIE, "yq_seen=1").body(Body::empty()).expect("req"))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("网贷1"), "the overview names the debt as entered");
}

/// Collector messages copied from the phone and pasted into the inbox are stored as evidence
/// (the paste kept whole, each message derived from it) and appear in the inbox at once.
#[tokio::test]
async fn pasted_messages_reach_the_inbox_and_the_store() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let inbox = send(&app, get(&format!("/cases/{id}/inbox")).body(Body::empty()).expect("req")).await.text();
    assert!(inbox.contains("粘贴催收短信或聊天文字") && inbox.contains(&format!("action=\"/cases/{id}/inbox/paste\"")));
    let pasted = "【某某花】您的借款已逾期15天，今日18点前不处理将移交法务并联系您的紧急联系人。\r\n\r\n\
                  2026-11-20 21:14 13800138000\r\n你涉嫌诈骗，已经立案，等着被拘留吧\r\n\r\n\
                  11月21日 08:00 再不还钱就把你的事发到你单位和通讯录所有人\r\n";
    // The confirmation button sends `confirm`; without it the split is shown first.
    let paste_with = |csrf: &str, text: &str, confirm: &str| {
        post(&format!("/cases/{id}/inbox/paste"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", csrf), ("text", text), ("confirm", confirm)]))
            .expect("req")
    };
    let paste = |csrf: &str, text: &str| paste_with(csrf, text, "1");
    let r = send(&app, paste("wrong", pasted)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a paste without the token");
    let before =
        send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    let r = send(&app, paste_with(&token, pasted, "")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = r.text();
    assert!(t.contains("识别出 3 条消息") && t.contains("确认保存这 3 条消息"), "the split is shown first: {t}");
    assert!(t.contains("2026-11-20 21:14") && t.contains("13800138000") && t.contains("2026-11-21 08:00"), "{t}");
    let after = send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(before["evidence"]["total"], after["evidence"]["total"], "nothing is stored before the confirmation");
    let r = send(&app, paste(&token, pasted)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let t = r.text();
    assert!(t.contains("已保存 3 条消息，其中") && t.contains("条发现违规迹象"), "{t}");
    assert!(
        t.contains("来自 13800138000") && t.contains("等着被") && t.contains("2026-11-21 08:00 短信"),
        "the messages are in the inbox at once: {t}"
    );
    assert!(t.contains("<mark data-code=\"threat_jail\">"), "with their spans marked: {t}");
    let status =
        send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json();
    assert_eq!(status["evidence"]["total"].as_u64(), Some(4), "the paste and its three messages: {status}");
    // The same paste again adds nothing; an empty paste is explained.
    let r = send(&app, paste(&token, pasted)).await;
    assert!(r.text().contains("之前已经保存过"), "{}", r.text());
    let r = send(&app, paste(&token, " \r\n ")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("没有粘贴任何文字"), "{}", r.text());
    verified(&app, &id, &token).await;
    // The JSON API takes the same text, with the token in the header; it is described.
    let r = send(
        &app,
        post(&format!("/api/v1/cases/{id}/messages"))
            .header("x-csrf-token", &token)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"text":"2026-11-22 09:00\n明天上门找你家人\n"}"#))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["message"].as_str().is_some_and(|m| m.starts_with("已保存 1 条消息")));
    let spec = send(&app, get("/api/openapi.json").body(Body::empty()).expect("req")).await.json();
    assert!(spec["paths"]["/cases/{id}/messages"].get("post").is_some());
}

/// The case's evidence store verifies intact through the page's button.
async fn verified(app: &App, id: &str, token: &str) {
    let r = send(
        app,
        post(&format!("/cases/{id}/evidence/verify"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form(&[("csrf", token)]))
            .expect("req"),
    )
    .await;
    assert!(r.text().contains("核验通过"), "{}", r.text());
}

/// The evidence page offers the package a court or regulator checks; the download is a zip that
/// the package verifier (the same one `yuqi evidence verify-package` runs) accepts whole, with
/// every record of the store. With no package to give, the page says why in Chinese instead.
#[tokio::test]
async fn the_evidence_package_downloads_and_verifies() {
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let uri = format!("/cases/{id}/evidence/package");
    // Nothing imported yet: the page, with the reason and the way forward, not a broken file.
    let r = send(&app, get(&uri).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("证据库还是空的") && r.text().contains("导入"), "{}", r.text());
    assert!(r.headers.get(header::CONTENT_DISPOSITION).is_none());
    // The JSON API answers the same, as JSON.
    let api = format!("/api/v1/cases/{id}/evidence/package");
    let r = send(&app, get(&api).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.json()["error"].as_str().is_some_and(|e| e.contains("证据库还是空的")), "{}", r.text());
    let xml = std::fs::read(fixture("sms-basic.xml")).expect("fixture");
    assert_eq!(upload(&app, &id, &token, multipart(None, "sms-basic.xml", &xml)).await.status, StatusCode::OK);
    let page = send(&app, get(&format!("/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.text();
    assert!(
        page.contains(&format!("href=\"{uri}\"")) && page.contains("下载证据包（交给法院或监管部门核验）"),
        "{page}"
    );
    let total = send(&app, get(&format!("/api/v1/cases/{id}/evidence")).body(Body::empty()).expect("req")).await.json()
        ["evidence"]["total"]
        .as_u64()
        .expect("total");
    let r = send(&app, get(&uri).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/zip"));
    let disposition = r.headers.get(header::CONTENT_DISPOSITION).and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(disposition.starts_with("attachment;") && disposition.contains(".zip"), "{disposition}");
    assert!(r.body.starts_with(b"PK\x03\x04"), "a zip file");
    let rep = yuqi_evidence::package::verify_package(std::io::Cursor::new(&r.body));
    assert!(rep.ok(), "the package verifies: {:?}", rep.problems);
    assert_eq!(rep.entries_checked, total, "every record of the store is in the package");
    // The API gives the same package; the API description lists it.
    let r = send(&app, get(&api).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()), Some("application/zip"));
    let rep = yuqi_evidence::package::verify_package(std::io::Cursor::new(&r.body));
    assert!(rep.ok() && rep.entries_checked == total, "{:?}", rep.problems);
    let spec = send(&app, get("/api/openapi.json").body(Body::empty()).expect("req")).await.json();
    assert!(spec["paths"]["/cases/{id}/evidence/package"].get("get").is_some());
    // The temporary package is gone once downloaded.
    let tmp = app.data_dir().join("tmp");
    assert_eq!(std::fs::read_dir(&tmp).map(|d| d.count()).unwrap_or(0), 0, "nothing left in {}", tmp.display());
    // An encrypted store (made with the command line) cannot be opened here: said, not a panic.
    let other = new_demo_case(&app).await;
    let dir = app.data_dir().join("cases").join(&other).join("evidence");
    std::fs::create_dir_all(&dir).expect("dir");
    yuqi_store::Store::create(&dir, "加密的", Some("一个足够长的口令")).expect("encrypted store");
    let r = send(&app, get(&format!("/cases/{other}/evidence/package")).body(Body::empty()).expect("req")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("设了口令（加密）"), "{}", r.text());
}

/// A screenshot uploaded on a computer without the text reader: the image is kept as evidence,
/// and the page says so as an error (not success), in words a borrower on a phone can act on —
/// no install command — pointing him to the inbox to type or paste the messages. Run in a child
/// process of this test binary with `YUQI_TESSERACT` pointing at nothing: the environment is
/// shared by the tests running beside this one, and changing it in-process needs unsafe code.
#[test]
fn a_screenshot_that_cannot_be_read_here_is_kept_and_said_plainly() {
    let out = tempfile::NamedTempFile::new().expect("tmp");
    let child = std::process::Command::new(std::env::current_exe().expect("exe"))
        .args(["--exact", "screenshot_upload_without_reader", "--include-ignored", "--test-threads=1", "--quiet"])
        .env("YUQI_TESSERACT", "/nonexistent/yuqi-test/tesseract")
        .env("YUQI_TEST_OUT", out.path())
        .output()
        .expect("run the child test");
    let said = String::from_utf8_lossy(&child.stdout).into_owned() + &String::from_utf8_lossy(&child.stderr);
    assert!(child.status.success() && said.contains("1 passed"), "the child test: {said}");
    let got: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path()).expect("child output")).expect("child json");
    assert_eq!(got["status"], 200, "the screenshot was kept: {got}");
    assert_eq!(got["added"], 1, "the image alone is stored: {got}");
    let page = got["page"].as_str().expect("page");
    assert!(
        page.contains("<p class=\"error\">截图 Screenshot_20261120-211400_com.tencent.mm.png 已经原样存入证据库"),
        "shown as an error, saying it is kept: {page}"
    );
    assert!(page.contains("没有读出其中的消息") && page.contains("“催收消息”页"), "{page}");
    for word in ["apt-get", "tesseract", "Tesseract", "chi_sim"] {
        assert!(!page.contains(word), "no command or program name ({word}): {page}");
    }
}

/// The upload of [`a_screenshot_that_cannot_be_read_here_is_kept_and_said_plainly`], in its
/// child process; does nothing when run by itself.
#[tokio::test]
#[ignore = "run by a_screenshot_that_cannot_be_read_here_is_kept_and_said_plainly without a text reader"]
async fn screenshot_upload_without_reader() {
    let Some(out) = std::env::var_os("YUQI_TEST_OUT") else { return };
    let app = app().await;
    let id = new_demo_case(&app).await;
    let token = csrf(&app, None).await;
    let total = |v: serde_json::Value| v["evidence"]["total"].as_u64().unwrap_or(0);
    let status = format!("/api/v1/cases/{id}/evidence");
    let before = total(send(&app, get(&status).body(Body::empty()).expect("req")).await.json());
    let name = "Screenshot_20261120-211400_com.tencent.mm.png";
    let shot = std::fs::read(fixture(name)).expect("fixture");
    let (ct, body) = multipart(Some(&token), name, &shot);
    let r = send(
        &app,
        post(&format!("/cases/{id}/evidence")).header(header::CONTENT_TYPE, &ct).body(Body::from(body)).expect("req"),
    )
    .await;
    let after = total(send(&app, get(&status).body(Body::empty()).expect("req")).await.json());
    let got = serde_json::json!({ "status": r.status.as_u16(), "page": r.text(), "added": after - before });
    std::fs::write(out, got.to_string()).expect("write");
}
