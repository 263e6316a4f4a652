//! The stable conduct codes (docs/law/conduct.md §7).

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    // Text level.
    ThreatViolence,
    Intimidation,
    Insult,
    ContactThirdParty,
    ImpersonateAuthority,
    FakeLegalDocument,
    ThreatJail,
    PersonalAccountPayment,
    FalseConsequence,
    ExtraFee,
    InduceBorrowing,
    DebtReliefScam,
    // Log level.
    NightContact,
    FrequentContact,
    NumberRotation,
    StopIgnored,
    // Case level.
    WrongAmount,
    UnnotifiedAssignment,
    TimeBarredThreat,
}

impl Code {
    pub const TEXT: [Code; 12] = [
        Code::ThreatViolence,
        Code::Intimidation,
        Code::Insult,
        Code::ContactThirdParty,
        Code::ImpersonateAuthority,
        Code::FakeLegalDocument,
        Code::ThreatJail,
        Code::PersonalAccountPayment,
        Code::FalseConsequence,
        Code::ExtraFee,
        Code::InduceBorrowing,
        Code::DebtReliefScam,
    ];

    pub const ALL: [Code; 19] = [
        Code::ThreatViolence,
        Code::Intimidation,
        Code::Insult,
        Code::ContactThirdParty,
        Code::ImpersonateAuthority,
        Code::FakeLegalDocument,
        Code::ThreatJail,
        Code::PersonalAccountPayment,
        Code::FalseConsequence,
        Code::ExtraFee,
        Code::InduceBorrowing,
        Code::DebtReliefScam,
        Code::NightContact,
        Code::FrequentContact,
        Code::NumberRotation,
        Code::StopIgnored,
        Code::WrongAmount,
        Code::UnnotifiedAssignment,
        Code::TimeBarredThreat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::ThreatViolence => "threat_violence",
            Code::Intimidation => "intimidation",
            Code::Insult => "insult",
            Code::ContactThirdParty => "contact_third_party",
            Code::ImpersonateAuthority => "impersonate_authority",
            Code::FakeLegalDocument => "fake_legal_document",
            Code::ThreatJail => "threat_jail",
            Code::PersonalAccountPayment => "personal_account_payment",
            Code::FalseConsequence => "false_consequence",
            Code::ExtraFee => "extra_fee",
            Code::InduceBorrowing => "induce_borrowing",
            Code::DebtReliefScam => "debt_relief_scam",
            Code::NightContact => "night_contact",
            Code::FrequentContact => "frequent_contact",
            Code::NumberRotation => "number_rotation",
            Code::StopIgnored => "stop_ignored",
            Code::WrongAmount => "wrong_amount",
            Code::UnnotifiedAssignment => "unnotified_assignment",
            Code::TimeBarredThreat => "time_barred_threat",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Code::ThreatViolence => "暴力威胁",
            Code::Intimidation => "恐吓/软暴力",
            Code::Insult => "侮辱辱骂",
            Code::ContactThirdParty => "联系第三人/爆通讯录",
            Code::ImpersonateAuthority => "冒充公检法/律师",
            Code::FakeLegalDocument => "伪造法律文书",
            Code::ThreatJail => "以刑责恐吓",
            Code::PersonalAccountPayment => "要求转入个人账户",
            Code::FalseConsequence => "夸大后果",
            Code::ExtraFee => "额外收费",
            Code::InduceBorrowing => "诱导借新还旧",
            Code::DebtReliefScam => "债务优化/征信修复骗局",
            Code::NightContact => "夜间催收",
            Code::FrequentContact => "频繁催收",
            Code::NumberRotation => "频繁换号",
            Code::StopIgnored => "要求停止后仍联系",
            Code::WrongAmount => "催收金额超过依法金额",
            Code::UnnotifiedAssignment => "未通知的债权转让",
            Code::TimeBarredThreat => "对已过时效的债务威胁起诉",
        }
    }

    /// The law-data rule that gives the code its legal basis.
    pub fn rule(self) -> &'static str {
        match self {
            Code::ThreatViolence => "conduct_threat_violence",
            Code::Intimidation => "conduct_intimidation",
            Code::Insult => "conduct_insult",
            Code::ContactThirdParty => "conduct_contact_third_party",
            Code::ImpersonateAuthority => "conduct_impersonate_authority",
            Code::FakeLegalDocument => "conduct_fake_legal_document",
            Code::ThreatJail => "conduct_threat_jail",
            Code::PersonalAccountPayment => "conduct_personal_account_payment",
            Code::FalseConsequence => "conduct_false_consequence",
            Code::ExtraFee => "conduct_extra_fee",
            Code::InduceBorrowing => "conduct_induce_borrowing",
            Code::DebtReliefScam => "conduct_debt_relief_scam",
            Code::NightContact => "conduct_night_contact",
            Code::FrequentContact => "conduct_frequent_contact",
            Code::NumberRotation => "conduct_number_rotation",
            Code::StopIgnored => "conduct_stop_ignored",
            Code::WrongAmount => "demand_vs_lawful",
            Code::UnnotifiedAssignment => "assignment_notice",
            Code::TimeBarredThreat => "limitation_expired_effect",
        }
    }

    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn is_text_level(self) -> bool {
        Code::TEXT.contains(&self)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The legal basis of a code as one display string, computed once per code.
pub fn basis(code: Code) -> &'static str {
    static BASIS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let all = BASIS.get_or_init(|| {
        Code::ALL
            .iter()
            .map(|c| {
                let l = yuqi_law::law();
                l.rule(c.rule()).map(|r| l.citation_labels_grouped(&r.cites).join("；")).unwrap_or_default()
            })
            .collect()
    });
    let idx = Code::ALL.iter().position(|c| *c == code).unwrap_or(0);
    &all[idx]
}
