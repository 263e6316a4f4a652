//! What a screenshot's file name tells: when it was taken and in which app. Phones name
//! screenshots by the moment they were taken (`Screenshot_20261120-211400.png`,
//! `Screenshot_2026-11-20-21-14-00-123_com.tencent.mm.jpg`, `截屏2026-11-20 21.14.00.png`) and
//! some append the app in front of the screen; screenshots carry no EXIF, so the name is often
//! the only date there is. Both are hints: a renamed file says nothing, and the borrower is
//! told where a time came from.

use std::sync::LazyLock;

use chrono::{NaiveDate, NaiveDateTime};
use regex::Regex;
use yuqi_case::Channel;

/// What a file name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NameHints {
    /// Local time of the phone that took it.
    pub taken: Option<NaiveDateTime>,
    /// The app on screen, when the name says it.
    pub app: Option<Channel>,
}

// Year, month, day, hour, minute, second with optional separators between them; the digits
// must not continue a longer number (an `mmexport1700000000000` id is not a date).
static STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9])(20[0-9]{2})[-_.]?([01][0-9])[-_.]?([0-3][0-9])[-_ T]?([0-2][0-9])[-_.:]?([0-5][0-9])[-_.:]?([0-5][0-9])(?:[^0-9]|$)")
        .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
});

/// The hints in `name` (a file name, without directories).
pub fn hints(name: &str) -> NameHints {
    let taken = STAMP.captures(name).and_then(|c| {
        let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let date = NaiveDate::from_ymd_opt(i32::try_from(n(1)?).ok()?, n(2)?, n(3)?)?;
        date.and_hms_opt(n(4)?, n(5)?, n(6)?)
    });
    NameHints { taken, app: app(name) }
}

fn app(name: &str) -> Option<Channel> {
    let lower = name.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["com.tencent.mm", "wechat", "微信"]) {
        Some(Channel::Wechat)
    } else if has(&["dialer", "incallui", "contacts", "通话", "电话"]) {
        Some(Channel::Call)
    } else if has(&["com.android.mms", "messaging", "_messages", "短信", "信息"]) {
        Some(Channel::Sms)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").ok()
    }

    #[test]
    fn phone_screenshot_names() {
        let cases = [
            ("Screenshot_20261120-211400.png", Some("2026-11-20 21:14:00"), None),
            (
                "Screenshot_2026-11-20-21-14-00-123_com.tencent.mm.jpg",
                Some("2026-11-20 21:14:00"),
                Some(Channel::Wechat),
            ),
            ("Screenshot_20261120_211400_com.android.mms.jpg", Some("2026-11-20 21:14:00"), Some(Channel::Sms)),
            ("Screenshot_20261120-211400_Messages.jpg", Some("2026-11-20 21:14:00"), Some(Channel::Sms)),
            ("截屏2026-11-20 21.14.00.png", Some("2026-11-20 21:14:00"), None),
            ("Screenshot 2026-11-20 at 21.14.00.png", None, None),
            ("微信图片_20261120211400.jpg", Some("2026-11-20 21:14:00"), Some(Channel::Wechat)),
            ("Screenshot_20261120-211400_Phone_incallui.png", Some("2026-11-20 21:14:00"), Some(Channel::Call)),
            ("IMG_1234.PNG", None, None),
            ("mmexport1700000000000.jpg", None, None),
            // Not a calendar date: no time rather than a wrong one.
            ("Screenshot_20261340-211400.png", None, None),
        ];
        for (name, taken, app) in cases {
            let h = hints(name);
            assert_eq!(h.taken, taken.and_then(at), "{name}");
            assert_eq!(h.app, app, "{name}");
        }
    }
}
