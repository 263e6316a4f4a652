//! The OpenAPI 3.1 description of `/api/v1`, served at `/api/openapi.json`. Written by hand next
//! to the router; `tests/http.rs` checks that every API route is described and every described
//! path answers.

use axum::Json;
use serde_json::{Value, json};

fn op(summary: &str, tag: &str, params: &[(&str, &str, bool)], body: Option<&str>, ok: &str) -> Value {
    let mut o = json!({
        "summary": summary,
        "tags": [tag],
        "responses": {
            ok: { "description": "成功" },
            "401": { "description": "未登录（多用户模式）" },
            "403": { "description": "CSRF 令牌无效、来源不被接受或无权限" },
            "404": { "description": "案件不存在或无权查看" },
            "422": { "description": "输入有误（中文说明在 error 字段）" }
        }
    });
    if !params.is_empty() {
        o["parameters"] = params
            .iter()
            .map(|(name, place, required)| json!({ "name": name, "in": place, "required": required, "schema": { "type": "string" } }))
            .collect();
    }
    if let Some(schema) = body {
        o["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    }
    o
}

fn with_csrf(mut o: Value) -> Value {
    let mut params = o["parameters"].as_array().cloned().unwrap_or_default();
    params.push(json!({ "name": "X-CSRF-Token", "in": "header", "required": true, "schema": { "type": "string" }, "description": "GET /api/v1/session 返回的 csrf_token" }));
    o["parameters"] = Value::Array(params);
    o
}

/// The audit route, with what its annual-rate fields are (the names every report uses).
fn audit_op(id: (&str, &str, bool)) -> Value {
    use yuqi_ledger::apr::{RateMeasure, stated_rate_name_zh};
    let mut o = op("核算：依法应还多少，每个数字的计算过程", "compute", &[id], None, "200");
    let field = |m: RateMeasure| match m {
        RateMeasure::Nominal => "apr_nominal",
        RateMeasure::Effective => "apr_effective",
        RateMeasure::Xirr => "apr_xirr",
    };
    let rates: Vec<String> = RateMeasure::ALL
        .iter()
        .map(|m| {
            let role = if *m == RateMeasure::HEADLINE { "，和法律上限比较的就是这个数" } else { "" };
            format!("{}（同 apr.{}）是“{}”：{}{role}", field(*m), &field(*m)[4..], m.name_zh(), m.how_zh())
        })
        .collect();
    // stated_annual is named by the debt's rate_source, as the reports name it.
    let sources: Vec<String> = yuqi_case::RateSource::ALL
        .iter()
        .map(|s| format!("rate_source 为 {} 时是“{}”", s.code(), stated_rate_name_zh(*s)))
        .collect();
    o["description"] = Value::String(format!(
        "每笔借款（debts）的年化利率字段均为小数（0.2400 即 24.00%）：{}。stated_annual 是这笔借款自己的利率（{}）折合每年的利率，不含费用，不是实际成本。",
        rates.join("；"),
        sources.join("，")
    ));
    o
}

pub(crate) fn spec() -> Value {
    let id = ("id", "path", true);
    let kind = ("kind", "path", true);
    let debt = ("debt", "query", false);
    let format = ("format", "query", false);
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "yuqi（逾期）JSON API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "核算、时效、还款计划、信函、催收行为检查和证据导入。本工具不是律师，结果不构成法律意见。修改数据的请求需要 X-CSRF-Token 请求头。"
        },
        "servers": [{ "url": "/api/v1" }],
        "paths": {
            "/session": { "get": op("当前用户和 CSRF 令牌", "session", &[], None, "200") },
            "/cases": {
                "get": op("我能看到的案件", "cases", &[], None, "200"),
                "post": with_csrf(op("新建案件（案例文件 TOML）", "cases", &[], Some("CaseBody"), "201"))
            },
            "/cases/{id}": {
                "get": op("读取案件", "cases", &[id], None, "200"),
                "put": with_csrf(op("修改案件（保存前检查格式）", "cases", &[id], Some("CaseBody"), "204")),
                "delete": with_csrf(op("删除案件（只有所有者可以）", "cases", &[id], None, "204"))
            },
            "/cases/{id}/shares": { "post": with_csrf(op("把案件分享给本机构的另一位用户（只有所有者可以；多用户模式）", "cases", &[id], Some("ShareBody"), "204")) },
            "/cases/{id}/audit": { "get": audit_op(id) },
            "/cases/{id}/timeline": { "get": op("诉讼时效、债权转让、征信、风险和时间线图", "compute", &[id], None, "200") },
            "/cases/{id}/plan": { "get": op("还款协商计划", "compute", &[id], None, "200") },
            "/cases/{id}/messages": {
                "get": op("催收消息及其违规标注", "evidence", &[id, ("code", "query", false), ("sender", "query", false)], None, "200"),
                "post": with_csrf(op("保存粘贴的催收短信或聊天文字（一条或多条；原文整体保存，每条消息单独保存）", "evidence", &[id], Some("PasteBody"), "200"))
            },
            "/cases/{id}/messages/{seq}/judgments": { "post": with_csrf(op("对一条已保存消息的某类问题作判断：确认、否认或撤回（与收件箱的按钮相同，记入证据库的哈希链）", "evidence", &[id, ("seq", "path", true)], Some("JudgmentBody"), "200")) },
            "/cases/{id}/evidence": {
                "get": op("证据库状态和索引", "evidence", &[id], None, "200"),
                "post": with_csrf(json!({
                    "summary": "上传手机导出文件并导入证据库（multipart，字段 file）",
                    "tags": ["evidence"],
                    "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                    "requestBody": { "required": true, "content": { "multipart/form-data": { "schema": { "type": "object", "properties": { "file": { "type": "string", "format": "binary" } } } } } },
                    "responses": { "200": { "description": "导入结果" }, "413": { "description": "文件超过上传上限" }, "422": { "description": "文件无法导入，证据库没有改动" } }
                }))
            },
            "/cases/{id}/evidence/package": { "get": op("下载证据包（zip：原件、清单、哈希链、证据目录、核验说明）；证据库是空的或设了口令时返回 409 和原因", "evidence", &[id], None, "200") },
            "/cases/{id}/letters/{kind}": { "get": op("信函：不带 format 返回文档 JSON；format=pdf|docx|md|html 返回文件", "documents", &[id, kind, debt, format, ("accept_limitation_effect", "query", false)], None, "200") },
            "/cases/{id}/report": { "get": op("案件材料汇编", "documents", &[id, format], None, "200") },
            "/cases/{id}/exhibit": { "get": op("计算明细表：不带 format 返回 JSON；format=pdf|docx|md|html|csv|xlsx 返回文件", "documents", &[id, format], None, "200") },
            "/validate": { "post": with_csrf(op("检查一个字段（money、rate、date、count）或整个案例文件（case）", "tools", &[], Some("ValidateBody"), "200")) },
            "/scan": { "post": with_csrf(op("检查催收消息是否违规（消息格式同 yuqi scan）", "tools", &[], Some("ScanBody"), "200")) },
            "/law/search": { "get": op("法条全文检索（中文分词）", "law", &[("q", "query", true)], None, "200") }
        },
        "components": {
            "schemas": {
                "CaseBody": { "type": "object", "required": ["title", "toml"], "properties": { "title": { "type": "string" }, "toml": { "type": "string", "description": "案例文件，格式见 docs/case-file.md" } } },
                "ShareBody": { "type": "object", "required": ["user", "role"], "properties": { "user": { "type": "string" }, "role": { "type": "string", "enum": ["editor", "viewer"] } } },
                "ValidateBody": { "type": "object", "required": ["kind", "value"], "properties": { "kind": { "type": "string", "enum": ["money", "rate", "date", "count", "case"] }, "value": { "type": "string" } } },
                "PasteBody": { "type": "object", "required": ["text"], "properties": { "text": { "type": "string", "description": "从手机短信或微信复制的文字" }, "received_on": { "type": "string", "format": "date", "description": "收到这些消息的日期（可选）：只写了今天、昨天或没写年份的时间按它算出日期" }, "received_at": { "type": "string", "description": "收到这些消息的时间（可选，例如 21:30，须同时给出日期）：完全没写时间的消息按日期和这个时间记" }, "channel": { "type": "string", "enum": ["sms", "wechat", "call", "other"], "description": "消息从哪里来：短信（默认）、微信、电话记录或其他" }, "debt": { "type": "string", "description": "这些消息是哪笔借款的催收（可选）：案例文件里借款的 id；不填为不确定" }, "to": { "type": "string", "enum": ["self", "relative", "friend", "colleague", "employer", "third_party"], "description": "这些消息是谁收到的（可选）：本人（默认）、家人或亲戚、朋友、同事、单位（领导、人事、老板）、其他人；别人收到的催收消息按联系第三人分析" } } },
                "JudgmentBody": { "type": "object", "required": ["code", "verdict"], "properties": { "code": { "type": "string", "description": "问题类型（消息列表里 hits[].code 的值）" }, "verdict": { "type": "string", "enum": ["confirmed", "rejected", "cleared"], "description": "确认有这个问题、没有这个问题，或撤回之前的判断" } } },
                "ScanBody": { "type": "object", "required": ["messages"], "properties": { "messages": { "type": "array", "items": { "type": "object", "required": ["text"], "properties": { "id": { "type": "string" }, "text": { "type": "string" }, "time": { "type": "string" }, "from": { "type": "string" }, "to": { "type": "string" }, "channel": { "type": "string" } } } } } }
            }
        }
    })
}

pub(crate) async fn document() -> Json<Value> {
    Json(spec())
}
