//! The pasted-text importer (`Format::PastedText`) on texts a borrower copies out of his phone.

#![allow(clippy::unwrap_used)]

use yuqi_evidence::import::{self, Format, ImportError, Options, Summary};
use yuqi_evidence::item::{Direction, Item};

fn paste(text: &str) -> (Vec<Item>, Summary) {
    let mut items = Vec::new();
    let summary = import::import(&Format::PastedText, text.as_bytes(), &Options::default(), &mut |i| {
        items.push(i);
        Ok(())
    })
    .unwrap();
    for i in &items {
        let at = i.position.byte as usize;
        assert!(i.slice);
        assert_eq!(&text.as_bytes()[at..at + i.raw.len()], &i.raw[..], "{}", i.position);
    }
    (items, summary)
}

fn text(i: &Item) -> &str {
    &i.message.as_ref().unwrap().text
}

fn who(i: &Item) -> &str {
    &i.message.as_ref().unwrap().counterpart
}

fn time(i: &Item) -> Option<String> {
    i.message.as_ref().unwrap().time_ms.map(|t| {
        chrono::DateTime::from_timestamp_millis(t)
            .unwrap()
            .with_timezone(&import::china())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    })
}

const A: &str = "【某某花】您的借款已逾期15天，今日18点前不处理将移交法务并联系您的紧急联系人。";
const B: &str = "你涉嫌诈骗，已经立案，等着被拘留吧";
const C: &str = "再不还钱就把你的事发到你单位和通讯录所有人";

#[test]
fn three_messages_separated_by_blank_lines() {
    let input = format!("{A}\n\n{B}\n\n\n{C}\n");
    let (items, summary) = paste(&input);
    assert_eq!(items.len(), 3);
    assert_eq!(summary.records, 3);
    assert_eq!(items.iter().map(text).collect::<Vec<_>>(), [A, B, C]);
    for (n, i) in items.iter().enumerate() {
        let m = i.message.as_ref().unwrap();
        assert_eq!((m.direction, m.channel.as_str(), m.time_ms), (Direction::In, "sms", None));
        assert_eq!(i.position.record, n as u64 + 1);
        assert_eq!(i.raw, text(i).as_bytes(), "the slice is the message, without line ends");
    }
    assert_eq!(who(&items[0]), "某某花");
    assert_eq!(items.iter().map(|i| i.position.line).collect::<Vec<_>>(), [1, 3, 6]);
    // Time unknown: keys still differ per message.
    assert_ne!(items[1].key, items[2].key);
}

#[test]
fn a_message_of_several_lines_stays_whole() {
    let input = format!("{B}\n第二行：明天上门\n\n{C}");
    let (items, _) = paste(&input);
    assert_eq!(items.len(), 2);
    assert_eq!(text(&items[0]), format!("{B}\n第二行：明天上门"));
}

#[test]
fn each_preceded_by_a_timestamp_line() {
    let input = format!(
        "2026-11-20 21:14\n{A}\n2026/11/21 08:05\n{B}\n2026年11月22日 23:59\n\n{C}\n2026-11-23 07:00:05\n第一行\n\n第二段也属于这条？\n"
    );
    let (items, _) = paste(&input);
    let times: Vec<_> = items.iter().map(time).collect();
    assert_eq!(
        times,
        [
            Some("2026-11-20 21:14:00".to_string()),
            Some("2026-11-21 08:05:00".to_string()),
            Some("2026-11-22 23:59:00".to_string()),
            Some("2026-11-23 07:00:05".to_string()),
            None,
        ]
    );
    assert_eq!(text(&items[0]), A);
    assert_eq!(text(&items[2]), C, "a blank line between the stamp and its text");
    assert_eq!(items[0].field("time"), Some("2026-11-20 21:14"));
    assert_eq!(&items[0].raw[..], format!("2026-11-20 21:14\n{A}").as_bytes());
    assert!(items.iter().all(|i| i.message.as_ref().unwrap().zone_assumed || time(i).is_none()));
}

#[test]
fn timestamp_at_line_start() {
    let input = format!("2026-11-20 21:14 {B}\n2026-11-20 21:15 {C}\n");
    let (items, _) = paste(&input);
    assert_eq!(items.len(), 2);
    assert_eq!((text(&items[0]), time(&items[0]).unwrap().as_str()), (B, "2026-11-20 21:14:00"));
    assert_eq!(text(&items[1]), C);
    assert_eq!(&items[1].raw[..], format!("2026-11-20 21:15 {C}").as_bytes());
}

#[test]
fn signature_at_start_or_end_is_the_sender() {
    let input = "【某某花】您的借款已逾期15天\n\n您尾号8888的账单今日到期，请及时还款。【借呗】\n";
    let (items, _) = paste(input);
    assert_eq!(who(&items[0]), "某某花");
    assert_eq!(who(&items[1]), "借呗");
    assert_eq!(items[1].field("signature"), Some("借呗"));
}

#[test]
fn phone_number_headers() {
    let input = format!(
        "10690123456\n2026-11-20 21:14\n{A}\n\n+86 138 0013 8000 2026-11-21 09:00\n{B}\n\n2026-11-22 10:00 95188\n{C}\n\n王经理 2026-11-23 11:00\n你躲不掉的\n"
    );
    let (items, _) = paste(&input);
    assert_eq!(items.len(), 4);
    assert_eq!(items.iter().map(who).collect::<Vec<_>>(), ["10690123456", "+8613800138000", "95188", "王经理"]);
    let m = items[0].message.as_ref().unwrap();
    assert_eq!(m.contact_name.as_deref(), Some("某某花"), "the signature names the number");
    assert_eq!(time(&items[0]).as_deref(), Some("2026-11-20 21:14:00"));
    assert_eq!(m.counterpart_key, yuqi_evidence::phone::normalize("10690123456"));
    assert_eq!(text(&items[1]), B);
    assert_eq!(items[0].position.line, 1, "the message begins at its first header line");
}

#[test]
fn month_day_takes_the_year_of_an_earlier_full_date() {
    let input =
        format!("11月20日 21:14\n{A}\n\n2026年11月20日 21:20\n{B}\n\n11月21日 08:00\n{C}\n\n11-22 09:30 还钱\n");
    let (items, summary) = paste(&input);
    assert_eq!(
        items.iter().map(time).collect::<Vec<_>>(),
        [
            None,
            Some("2026-11-20 21:20:00".into()),
            Some("2026-11-21 08:00:00".into()),
            Some("2026-11-22 09:30:00".into())
        ]
    );
    assert!(summary.warnings.iter().any(|w| w.contains("没有写年份")), "{:?}", summary.warnings);
}

#[test]
fn yesterday_and_today_are_unknown_without_a_reference_date() {
    let (items, summary) = paste(&format!("昨天 21:14\n{B}\n今天 08:00\n{C}"));
    assert_eq!(items.len(), 2);
    assert!(items.iter().all(|i| time(i).is_none()));
    assert_eq!(items[0].field("time"), Some("昨天 21:14"));
    assert!(summary.warnings.iter().any(|w| w.contains("昨天")));
}

#[test]
fn the_same_threat_pasted_twice_is_two_messages() {
    let (items, _) = paste(&format!("{B}\n\n{B}\n"));
    assert_eq!(items.len(), 2);
    assert_ne!(items[0].key, items[1].key);
}

#[test]
fn crlf_bom_and_a_trailing_stamp_keep_every_byte() {
    let input = format!("\u{feff}2026-11-20 21:14\r\n{A}\r\n\r\n{B}\r\n2026-11-21 10:00\r\n");
    let (items, _) = paste(&input);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].position.byte, 3);
    assert_eq!(text(&items[1]), B);
    assert_eq!(text(&items[2]), "2026-11-21 10:00", "a stamp with no text is kept as the text");
}

#[test]
fn empty_input_is_an_error_in_chinese() {
    for input in ["", "  \n\n\t\n", "\u{feff}"] {
        let r = import::import(&Format::PastedText, input.as_bytes(), &Options::default(), &mut |_| Ok(()));
        assert!(matches!(r, Err(ImportError::Unrecognized(ref m)) if m.contains("空的")), "{r:?}");
    }
    let r = import::import(&Format::PastedText, &b"\xff\xfe"[..], &Options::default(), &mut |_| Ok(()));
    assert!(matches!(r, Err(ImportError::Syntax(_))), "{r:?}");
}

#[test]
fn never_detected_but_named() {
    assert_eq!(Format::parse("pasted-text"), Some(Format::PastedText));
    assert!(Format::NAMES.contains(&"pasted-text"));
    for name in ["粘贴.txt", "x.csv", "x", "x.bin"] {
        assert_ne!(import::detect(name, format!("2026-11-20 21:14\n{A}").as_bytes()), Some(Format::PastedText));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
    #[test]
    fn any_input_keeps_ordered_slices(parts in proptest::collection::vec(
        proptest::prop_oneof![
            proptest::prelude::Just("\n".to_string()),
            proptest::prelude::Just("\r\n".to_string()),
            proptest::prelude::Just("2026-11-20 21:14".to_string()),
            proptest::prelude::Just("11月20日 21:14 ".to_string()),
            proptest::prelude::Just("昨天 09:00".to_string()),
            proptest::prelude::Just("13800138000".to_string()),
            proptest::prelude::Just("【某某花】".to_string()),
            proptest::prelude::Just("王经理 ".to_string()),
            proptest::prelude::Just(" ".to_string()),
            proptest::prelude::Just("\u{feff}".to_string()),
            "\\PC{0,12}",
        ], 0..40)) {
        let input = parts.concat();
        let mut end = 0usize;
        let r = import::import(&Format::PastedText, input.as_bytes(), &Options::default(), &mut |i| {
            let at = i.position.byte as usize;
            assert!(at >= end, "overlap at {}", i.position);
            end = at + i.raw.len();
            assert!(end <= input.len());
            assert_eq!(&input.as_bytes()[at..end], &i.raw[..]);
            assert!(!i.raw.is_empty() && !i.key.is_empty());
            Ok(())
        });
        if input.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}').is_empty() {
            assert!(r.is_err());
        } else {
            proptest::prop_assert!(r.is_ok());
        }
    }
}

/// The day the borrower says the messages arrived dates 今天/昨天 and month-days without a
/// year (never after that day), and is kept with each message it dated; a message with no time
/// written stays undated, and a written full date is never moved.
#[test]
fn the_day_received_dates_relative_and_yearless_stamps_only() {
    let text = "今天 21:14\n明天上门\n\n昨天 08:30 13800138000\n通知你家人\n\n12月20日 09:00\n去年的\n\n\
                没有时间的一条\n\n2026-11-01 10:00\n写全了的\n";
    let on = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let opts = Options { received_on: Some(on), ..Options::default() };
    let mut items = Vec::new();
    import::import(&Format::PastedText, text.as_bytes(), &opts, &mut |i| {
        items.push(i);
        Ok(())
    })
    .unwrap();
    let times: Vec<Option<String>> = items.iter().map(time).collect();
    assert_eq!(
        times,
        vec![
            Some("2026-12-07 21:14:00".to_string()),
            Some("2026-12-06 08:30:00".to_string()),
            Some("2025-12-20 09:00:00".to_string()),
            None,
            Some("2026-11-01 10:00:00".to_string()),
        ]
    );
    let received = |i: &Item| i.fields.iter().find(|(k, _)| k == "received_on").map(|(_, v)| v.clone());
    let marked: Vec<Option<String>> = items.iter().map(received).collect();
    let day = Some("2026-12-07".to_string());
    assert_eq!(marked, vec![day.clone(), day.clone(), day, None, None], "only the messages it dated");
    // Without the day, the same paste leaves the relative and yearless stamps unknown.
    let (items, _) = paste(text);
    assert_eq!(items.iter().filter(|i| time(i).is_none()).count(), 4);
}

fn paste_with(text: &str, opts: &Options) -> Vec<Item> {
    let mut items = Vec::new();
    import::import(&Format::PastedText, text.as_bytes(), opts, &mut |i| {
        items.push(i);
        Ok(())
    })
    .unwrap();
    items
}

/// A paste the borrower says came from WeChat, or is his note of a call, is recorded as that,
/// not as an SMS; without a word from him it stays an SMS.
#[test]
fn the_channel_the_borrower_names_is_recorded() {
    let text = "2026-11-20 21:14\n再不还就去你单位\n";
    for (channel, kind) in [
        (Some(yuqi_case::Channel::Wechat), "chat"),
        (Some(yuqi_case::Channel::Call), "call"),
        (Some(yuqi_case::Channel::Other), "chat"),
        (None, "sms"),
    ] {
        let items = paste_with(text, &Options { pasted_channel: channel, ..Options::default() });
        let m = items[0].message.as_ref().unwrap();
        assert_eq!(m.channel, channel.unwrap_or(yuqi_case::Channel::Sms).code(), "{channel:?}");
        assert_eq!(items[0].kind.as_str(), kind, "{channel:?}");
    }
    // The same message from two channels is two records.
    let sms = paste_with(text, &Options::default());
    let chat = paste_with(text, &Options { pasted_channel: Some(yuqi_case::Channel::Wechat), ..Options::default() });
    assert_ne!(sms[0].key, chat[0].key);
}

/// With the day and the time received, a message with no time written is dated then, and the
/// time is kept as the borrower's word; one with a time of its own keeps it. The day alone
/// dates nothing that has no time written.
#[test]
fn the_day_and_time_received_date_messages_without_a_time() {
    let text = "没有时间的一条\n\n2026-11-01 10:00\n写全了的\n\n又一条没有时间的\n";
    let on = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
    let at = chrono::NaiveTime::from_hms_opt(21, 30, 0).unwrap();
    let items = paste_with(text, &Options { received_on: Some(on), received_at: Some(at), ..Options::default() });
    let times: Vec<Option<String>> = items.iter().map(time).collect();
    let given = Some("2026-12-07 21:30:00".to_string());
    assert_eq!(times, vec![given.clone(), Some("2026-11-01 10:00:00".to_string()), given]);
    let word = |i: &Item| i.fields.iter().find(|(k, _)| k == "received_at").map(|(_, v)| v.clone());
    let marked: Vec<Option<String>> = items.iter().map(word).collect();
    let w = Some("2026-12-07 21:30".to_string());
    assert_eq!(marked, vec![w.clone(), None, w]);
    // Two messages dated by the same word stay two records.
    assert_ne!(items[0].key, items[2].key);
    let day_only = paste_with(text, &Options { received_on: Some(on), ..Options::default() });
    assert_eq!(day_only.iter().filter(|i| time(i).is_none()).count(), 2);
}
