//! The rider of issue 15, as he answers the interview: a 网络小贷 loan of 10,000 with 1,000
//! deducted (945.08 a month for 12 months, two paid), a consumer-finance loan he remembers little
//! of, and a 7-day "714" loan of 3,000 with 2,100 received; then three collector messages he
//! copied from his SMS app. One script for the HTTP test, the plain-language walk and the
//! browser journey.

/// (screen, fields as the form posts them). `unknown` is the "不记得" button.
pub(crate) const RIDER: &[(&str, &[(&str, &str)])] = &[
    ("d0-app", &[("value", "极速贷")]),
    ("d0-kind", &[("value", "app")]),
    ("d0-lender", &[("unknown", "1")]),
    ("d0-date", &[("value", "2025-06-10")]),
    ("d0-principal", &[("value", "10000")]),
    ("d0-received", &[("value", "9000")]),
    ("d0-repay", &[("value", "installments")]),
    ("d0-installments", &[("amount", "945.08"), ("count", "12")]),
    ("d0-paid", &[("value", "2")]),
    ("d0-stopped", &[("value", "2025-09-10")]),
    ("d0-demand", &[("value", "15000")]),
    ("more", &[("value", "yes")]),
    ("d1-app", &[("value", "安心花")]),
    ("d1-kind", &[("value", "cf")]),
    ("d1-lender", &[("value", "某某消费金融有限公司")]),
    ("d1-date", &[("value", "2025-03")]),
    ("d1-principal", &[("value", "6000")]),
    ("d1-received", &[("value", "6000")]),
    ("d1-repay", &[("value", "installments")]),
    ("d1-installments", &[("count", "12")]),
    ("d1-rate", &[("unknown", "1")]),
    ("d1-paid", &[("unknown", "1")]),
    ("d1-stopped", &[("unknown", "1")]),
    ("d1-demand", &[("unknown", "1")]),
    ("more", &[("value", "yes")]),
    ("d2-app", &[("value", "闪电借")]),
    ("d2-kind", &[("value", "short")]),
    ("d2-lender", &[("unknown", "1")]),
    ("d2-date", &[("value", "2026-08-01")]),
    ("d2-principal", &[("value", "3000")]),
    ("d2-received", &[("value", "2100")]),
    ("d2-repay", &[("value", "once")]),
    ("d2-once", &[("days", "7"), ("due_amount", "3000")]),
    ("d2-paid", &[("value", "2400")]),
    ("d2-stopped", &[("value", "2026-08-22")]),
    ("d2-demand", &[("value", "5000")]),
    ("more", &[("value", "no")]),
    ("income", &[("value", "4500")]),
    ("expenses", &[("value", "3800")]),
    ("available", &[("value", "500")]),
    ("court", &[("value", "no")]),
];

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
