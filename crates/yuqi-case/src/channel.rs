//! How a message, a call or a notice reached the debtor: one enum for the case file, the
//! evidence importers, the conduct analyzer, the documents, the web app, the CLI and the batch
//! scan, so a channel has one stable code and one Chinese label everywhere.

/// A contact channel. The stable code ([`Channel::code`]) is what case files, evidence
/// metadata and JSON carry; the label ([`Channel::label_zh`]) is what a borrower reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Sms,
    /// A multimedia message (彩信): kept apart from SMS in imported evidence.
    Mms,
    /// A message inside a lending or collection app (站内信, push notice).
    App,
    Call,
    Wechat,
    IMessage,
    Letter,
    Email,
    Visit,
    Newspaper,
    Court,
    InPerson,
    Other,
}

impl Channel {
    pub const ALL: [Channel; 13] = [
        Channel::Sms,
        Channel::Mms,
        Channel::App,
        Channel::Call,
        Channel::Wechat,
        Channel::IMessage,
        Channel::Letter,
        Channel::Email,
        Channel::Visit,
        Channel::Newspaper,
        Channel::Court,
        Channel::InPerson,
        Channel::Other,
    ];

    /// The stable code (`"sms"`), as written in case files, evidence metadata and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Mms => "mms",
            Channel::App => "app",
            Channel::Call => "call",
            Channel::Wechat => "wechat",
            Channel::IMessage => "imessage",
            Channel::Letter => "letter",
            Channel::Email => "email",
            Channel::Visit => "visit",
            Channel::Newspaper => "newspaper",
            Channel::Court => "court",
            Channel::InPerson => "in_person",
            Channel::Other => "other",
        }
    }

    /// The one Chinese label, as people say it.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::Sms => "短信",
            Channel::Mms => "彩信",
            // "App消息" would put an English word before the borrower; 应用内消息 says the same.
            Channel::App => "应用内消息",
            Channel::Call => "电话",
            Channel::Wechat => "微信",
            // A product name: Apple's own Chinese pages call it iMessage too.
            Channel::IMessage => "iMessage",
            Channel::Letter => "信件",
            Channel::Email => "电子邮件",
            Channel::Visit => "上门",
            Channel::Newspaper => "报纸公告",
            Channel::Court => "法院",
            Channel::InPerson => "当面",
            Channel::Other => "其他",
        }
    }

    /// Exactly a stable code (what importers write).
    pub fn from_code(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.code() == s)
    }

    /// A code, a label or a common way of writing a channel (case files, hand-made CSV and
    /// JSON logs).
    pub fn from_text(s: &str) -> Option<Channel> {
        let s = s.trim();
        Channel::ALL.into_iter().find(|c| c.code() == s || c.label_zh() == s).or(match s {
            // "App消息" was the label once: case files written with it stay valid.
            "App" | "App消息" | "站内信" => Some(Channel::App),
            "voice" | "phone" => Some(Channel::Call),
            "邮件" => Some(Channel::Email),
            "挂号信" | "快递" | "律师函" => Some(Channel::Letter),
            "登报" | "公告" => Some(Channel::Newspaper),
            "面谈" => Some(Channel::InPerson),
            _ => None,
        })
    }

    /// The Chinese label of a channel given as text, or the text itself when it names no
    /// known channel (an importer's custom value is still better shown than hidden).
    pub fn label_of(text: &str) -> &str {
        match Channel::from_text(text) {
            Some(c) => c.label_zh(),
            None => text,
        }
    }

    /// The codes, for "one of …" messages.
    pub fn codes_list() -> String {
        Channel::ALL.map(Channel::code).join(", ")
    }
}

/// Serialised as its stable code (`"sms"`).
impl serde::Serialize for Channel {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Read from a code or anything [`Channel::from_text`] accepts.
impl<'de> serde::Deserialize<'de> for Channel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Channel, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Channel::from_text(&s).ok_or_else(|| {
            serde::de::Error::custom(format!("无法识别的联系渠道“{s}”（可选：{}）", Channel::codes_list()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_are_unique_and_read_back() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
            assert_eq!(Channel::from_text(c.label_zh()), Some(c));
            assert_eq!(Channel::ALL.iter().filter(|o| o.label_zh() == c.label_zh()).count(), 1, "{c:?}");
        }
        assert_eq!(Channel::from_text("App消息"), Some(Channel::App));
        assert_eq!(Channel::from_text("phone"), Some(Channel::Call));
        assert_eq!(Channel::from_code("phone"), None, "importers write codes only");
        assert_eq!(Channel::label_of("wechat"), "微信");
        assert_eq!(Channel::label_of("传真"), "传真");
    }

    #[test]
    fn serde_uses_the_codes() {
        let json = serde_json::to_string(&[Channel::Sms, Channel::InPerson]).unwrap_or_default();
        assert_eq!(json, r#"["sms","in_person"]"#);
        let back: Vec<Channel> = serde_json::from_str(r#"["sms","in_person","电话"]"#).unwrap_or_default();
        assert_eq!(back, [Channel::Sms, Channel::InPerson, Channel::Call]);
        assert!(serde_json::from_str::<Channel>(r#""pigeon""#).is_err());
    }
}
