//! Official complaint and report channels (data/channels.toml), each with its source and
//! confidence. Letters and plans name a channel only through this table.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub id: String,
    pub name: String,
    pub handles: String,
    pub how: String,
    pub phone: Option<String>,
    pub web: Option<String>,
    pub reply_days: Option<u32>,
    pub reply_basis: Option<String>,
    pub source: String,
    pub confidence: String,
    pub note: Option<String>,
}

#[derive(Deserialize)]
struct File {
    channel: Vec<Channel>,
}

const DATA: &str = include_str!("../data/channels.toml");

/// Every channel; the table is checked by this crate's tests (ids unique, sources present).
pub fn all() -> &'static [Channel] {
    static ALL: OnceLock<Vec<Channel>> = OnceLock::new();
    ALL.get_or_init(|| match toml::from_str::<File>(DATA) {
        Ok(f) => f.channel,
        // The file is compiled in and tested; an error here is a build defect, reported as an
        // empty table rather than a crash in front of the user.
        Err(_) => Vec::new(),
    })
}

pub fn get(id: &str) -> Option<&'static Channel> {
    all().iter().find(|c| c.id == id)
}

/// "国家金融监督管理总局12378…（电话 12378，www.nfra.gov.cn）".
pub fn describe(c: &Channel) -> String {
    let mut extra = Vec::new();
    if let Some(p) = &c.phone {
        extra.push(format!("电话 {p}"));
    }
    if let Some(w) = &c.web {
        extra.push(w.clone());
    }
    if extra.is_empty() { c.name.clone() } else { format!("{}（{}）", c.name, extra.join("，")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_parses_and_every_entry_is_sourced() {
        let parsed: File = toml::from_str(DATA).expect("channels.toml parses");
        assert!(parsed.channel.len() >= 8);
        let mut ids: Vec<&str> = parsed.channel.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), parsed.channel.len(), "ids are unique");
        for c in &parsed.channel {
            assert!(!c.source.trim().is_empty(), "{} names a source", c.id);
            assert!(matches!(c.confidence.as_str(), "V" | "S" | "M"), "{} confidence", c.id);
            assert_eq!(c.reply_days.is_some(), c.reply_basis.is_some(), "{}: a deadline needs its basis", c.id);
        }
        for needed in [
            "nfra_12378",
            "local_finance_regulator",
            "pboc_12363",
            "credit_objection",
            "nifa_report",
            "police_110",
            "court_12368",
        ] {
            assert!(get(needed).is_some(), "{needed} is in the table");
        }
    }
}
