//! The rider of issue 15 (`tests/interview/rider.toml`): his answers, screen by screen, and three
//! collector messages he copied from his SMS app. One script for the HTTP test, the
//! plain-language walk and the browser journey (and yuqi-app's interview test).

/// (screen, fields as the form posts them), in the order the interview asks.
pub(crate) fn rider() -> Vec<(String, Vec<(String, String)>)> {
    script(include_str!("../../../../tests/interview/rider.toml"))
}

/// A script of answers in the form of `tests/interview/*.toml`, screen by screen.
pub(crate) fn script(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let doc: toml::Table = toml::from_str(text).expect("the script parses");
    doc["screen"]
        .as_array()
        .expect("screens")
        .iter()
        .map(|s| {
            let slug = s["slug"].as_str().expect("slug").to_string();
            let fields = s["fields"]
                .as_table()
                .expect("fields")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("a text field").to_string()))
                .collect();
            (slug, fields)
        })
        .collect()
}

/// Three collector messages as an Android SMS app copies them (number, time, text).
pub(crate) const MESSAGES: &str = "\
10690000123
2026-11-20 21:14
【闪电借】你已严重逾期，涉嫌诈骗，今天不处理明天就上报公安，你就等着被拘留吧

13800138000
2026-11-21 23:40
你不还钱我们就去你村委会，把你欠钱不还的事告诉你妈和全村的人

13800138000
2026-11-22 08:05
今天下午三点前把5000元转到这个个人账户 6222 0000 1111 2222，否则后果自负
";
