//! Answers to what a collector's threats make a borrower fear most — "will I go to jail?", "does
//! my family have to pay?", "is this court message real?" — put first on the case overview when
//! his messages carry those threats. Each answer is a rule of the law data with its citations;
//! the analyzer's findings decide which apply (only what the collector said, never his own words).

use yuqi_conduct::Code;

use crate::contacts::Contact;

/// One answer: the plain statement and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub text: String,
    /// The rule's citations, grouped by document ("《民法典》第465条").
    pub basis: Vec<String>,
}

fn answer(rule: &str, text: &str) -> Answer {
    answer_of(&[rule], text)
}

/// An answer resting on several rules: their citations, each once, grouped by document.
fn answer_of(rules: &[&str], text: &str) -> Answer {
    let l = yuqi_law::law();
    let mut cites = Vec::new();
    for c in rules.iter().filter_map(|r| l.rule(r).ok()).flat_map(|r| r.cites.iter()) {
        if !cites.contains(c) {
            cites.push(c.clone());
        }
    }
    Answer { text: text.to_string(), basis: l.citation_labels_grouped(&cites) }
}

/// What a borrower can say he fears before any message is read (the web's quick check asks;
/// he may choose several): each is answered by [`fear`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fear {
    /// His family, employer or contacts told, or told they must pay.
    Family,
    /// Being sued.
    Sued,
    /// Collectors coming to his home or workplace.
    Visit,
    /// Threats and insults.
    Abuse,
}

/// The answer to one fear he named, from the law data's rules. (Jail is answered by
/// `yuqi_timeline::risk::default_is_not_a_crime`, as the case's criminal screen opens.)
pub fn fear(f: Fear) -> Answer {
    match f {
        Fear::Family => answer_of(
            &["conduct_contact_third_party", "family_not_liable"],
            "怕催收找你的家人、单位、通讯录里的人：催收不得向和这笔债无关的人催收，也不得把你欠钱的事告诉他们，这样做本身就违规，可以投诉。你的家人、朋友、同事没有在借款合同上签字、也没有另外签担保的，不用替你还。",
        ),
        Fear::Sued => answer_of(
            &["demand_vs_lawful", "shixin_conditions"],
            "怕被起诉：起诉是民事官司，判的是还多少钱；法院只支持依法该还的部分，超过法律上限的利息和费用不支持。真的起诉，法院会正式送达起诉状副本和传票，收到后按传票或应诉通知书上写的期限应诉，不要不理。只有判决生效后有能力还却拒不履行等情形，才会被列入失信名单。",
        ),
        Fear::Visit => answer_of(
            &["conduct_intimidation", "conduct_threat_violence"],
            "怕有人上门：上门时纠缠、滋扰、哄闹、聚众造势让你害怕的，属于“软暴力”，违反治安管理；威胁你和家人人身安全的，更是违法。遇到这种情况就报警（110），能录音录像就录下来。",
        ),
        Fear::Abuse => answer_of(
            &["conduct_insult", "conduct_intimidation"],
            "怕被威胁、辱骂：多次发送侮辱、恐吓信息的，违反治安管理；金融机构和它委托的催收不得用恐吓等手段催收。这些消息本身就是证据：截图、录音保存好，可以投诉，也可以报警。",
        ),
    }
}

/// Words that put the debt on the family ("家人都有连带责任", "父债子还", "让你爸妈替你还").
const FAMILY_LIABILITY: [&str; 12] = [
    "连带责任",
    "父债子还",
    "子债父还",
    "父母也要还",
    "家人也要还",
    "家里人也要还",
    "替你还",
    "替他还",
    "替她还",
    "帮你还",
    "帮他还",
    "一起还",
];

/// The answers the case's incoming messages call for, in the order a frightened reader needs
/// them: jail, family, court.
pub fn answers(contacts: &[Contact]) -> Vec<Answer> {
    let incoming = || contacts.iter().filter(|c| c.incoming);
    let has = |code: Code| incoming().any(|c| c.hits.iter().any(|h| h.code == code.as_str()));
    let mut out = Vec::new();
    if has(Code::ThreatJail) {
        out.push(answer(
            "default_not_crime",
            "说你“不还就坐牢”“涉嫌诈骗”：借了钱还不上，本身不是犯罪。贷款诈骗要求借钱时就用了欺骗手段、打算不还；只是还不上，不构成。",
        ));
    }
    if incoming().any(|c| FAMILY_LIABILITY.iter().any(|w| c.text.contains(w))) {
        out.push(answer(
            "family_not_liable",
            "说你的家人要替你还、有“连带责任”：借款合同只约束签了合同的人。父母、兄弟姐妹、子女、朋友没有在借款合同上签字、也没有另外签担保的，不用替你还，催收也不该找他们要钱。配偶另说：借的钱如果用在了家庭共同生活上，可能算夫妻共同债务，这一点本工具判断不了。",
        ));
    }
    let court_claim = incoming().any(|c| {
        c.text.contains("法院")
            && c.hits
                .iter()
                .any(|h| h.code == Code::ImpersonateAuthority.as_str() || h.code == Code::FakeLegalDocument.as_str())
    });
    if court_claim {
        out.push(answer(
            "conduct_impersonate_authority",
            "自称法院或说“已经立案”的消息：先别慌，也别按消息里的电话、链接或账户办。打 12368（法院的诉讼服务热线）报上你的姓名和身份证号，问有没有以你为被告的案子；真的被起诉，法院会正式送达材料。",
        ));
    }
    out
}
