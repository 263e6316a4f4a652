//! The log analysis runs as a stream (`LogState`, one contact at a time, the daily counts
//! kept for one day only, the latest use of each number); these properties check it against
//! counts made naively over the whole conversation, on random conversations spanning several days, creditors and numbers.

use std::borrow::Cow;

use chrono::{Duration, TimeZone};
use proptest::prelude::*;
use yuqi_conduct::message::china;
use yuqi_conduct::{Analyzer, Code, LogRule, LogRules, Message};

#[derive(Debug, Clone)]
struct Contact {
    minutes: i64,
    creditor: usize,
    number: usize,
    call: bool,
    connected: bool,
    to_relative: bool,
}

fn contact() -> impl Strategy<Value = Contact> {
    (0i64..(10 * 24 * 60), 0usize..3, 0usize..8, any::<bool>(), any::<bool>(), prop::bool::weighted(0.2)).prop_map(
        |(minutes, creditor, number, call, connected, to_relative)| Contact {
            minutes,
            creditor,
            number,
            call,
            connected,
            to_relative,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Frequency: the n-th connected call of a creditor's day, or the n-th unanswered attempt on
    /// one number, breaks the limit in force that day exactly when n exceeds it.
    #[test]
    fn daily_counts_match_naive_counts(contacts in prop::collection::vec(contact(), 1..200)) {
        let start = china().with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        let msgs: Vec<Message<'static>> = contacts
            .iter()
            .map(|c| Message {
                text: Cow::Borrowed(""),
                time: Some(Cow::Owned((start + Duration::minutes(c.minutes)).to_rfc3339())),
                from: Some(Cow::Owned(format!("1700000000{}", c.number))),
                to: Some(Cow::Borrowed(if c.to_relative { "relative" } else { "self" })),
                channel: Some(Cow::Borrowed(if c.call { "call" } else { "sms" })),
                connected: c.call.then_some(c.connected),
                creditor: Some(Cow::Owned(format!("平台{}", c.creditor))),
                ..Message::default()
            })
            .collect();
        let hits = Analyzer::shared().analyze_log(&msgs);

        // Input order breaks ties in time, as analyze_log documents.
        let mut order: Vec<usize> = (0..contacts.len()).collect();
        order.sort_by_key(|&i| (contacts[i].minutes, i));
        for (pos, &i) in order.iter().enumerate() {
            let c = &contacts[i];
            let day = c.minutes / (24 * 60);
            let p = yuqi_conduct::log::params((start + Duration::minutes(c.minutes)).date_naive()).unwrap();
            let expected = c.call && {
                let n = order[..=pos]
                    .iter()
                    .map(|&j| &contacts[j])
                    .filter(|d| d.call && d.minutes / (24 * 60) == day && d.creditor == c.creditor && d.connected == c.connected)
                    // Attempts are counted per called number (the recipient), connected calls per creditor.
                    .filter(|d| c.connected || d.to_relative == c.to_relative)
                    .count();
                if c.connected { n > p.max_connected } else { n > p.max_attempts }
            };
            let got = hits[i].iter().any(|h| h.code == Code::FrequentContact);
            prop_assert_eq!(got, expected, "contact {} ({:?})", i, c);

            // Rotation: a number not used by this creditor in the window, making it the
            // creditor's n-th distinct number in the window.
            let window: std::collections::BTreeSet<usize> = order[..pos]
                .iter()
                .map(|&j| &contacts[j])
                .filter(|d| d.creditor == c.creditor && c.minutes - d.minutes <= p.rotation_days * 24 * 60)
                .map(|d| d.number)
                .collect();
            let rotated = !window.contains(&c.number) && window.len() + 1 >= p.rotation_numbers;
            let got = hits[i].iter().any(|h| h.code == Code::NumberRotation);
            prop_assert_eq!(got, rotated, "rotation at contact {} ({:?})", i, c);
        }
    }

    #[test]
    fn rule_bits_round_trip(bits in any::<u16>()) {
        let rules = LogRules::from_bits(bits);
        prop_assert_eq!(LogRules::from_bits(rules.bits()), rules);
        prop_assert_eq!(rules.iter().count() as u32, rules.bits().count_ones());
        for r in LogRule::ALL {
            prop_assert_eq!(rules.contains(r), bits & (1 << (r as u16)) != 0);
        }
    }
}
