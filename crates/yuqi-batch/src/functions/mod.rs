//! The conduct analyzer registered as DataFusion functions.
//!
//! Scalar functions decide what one row can decide (text-level codes with their
//! spans, the local day, the parameters in force on a day); the window function
//! `yuqi_log_rules` decides what needs a debtor's contacts in time order (night
//! contact, daily frequency, number rotation, contact after a stop request) as a
//! stream, so the plan sorts once and holds no debtor's history (see `scan.rs`);
//! `yuqi_report_marks`, over the same order, marks what the report counts once per
//! debtor where it first appears.
//!
//! Every function delegates to `yuqi-conduct`, the same code the CLI and the web
//! app run, so a batch result can be checked message by message against it.
//! Functions are looked up by name on the scheduler and executors of a Ballista
//! cluster; [`scalar_functions`] and [`window_functions`] are the one list all
//! three register.
//!
//! Layout: `columns` reads Arrow columns and caches the parameters per day, `hits` writes and
//! reads the hits column; the functions themselves are grouped by what they decide
//! (`analyze`, `codes`, `time`, `contact`, `log`, `marks`).

// The macros come before the `mod` lines so that every function file can use them.
macro_rules! udf_common {
    ($name:literal) => {
        fn name(&self) -> &str {
            $name
        }
        fn signature(&self) -> &Signature {
            &self.signature
        }
    };
}

macro_rules! udf_struct {
    ($(#[$doc:meta])* $ty:ident, $n:expr) => {
        $(#[$doc])*
        #[derive(Debug, PartialEq, Eq, Hash)]
        pub struct $ty {
            signature: Signature,
        }
        impl $ty {
            pub fn new() -> $ty {
                $ty { signature: Signature::any($n, Volatility::Immutable) }
            }
        }
        impl Default for $ty {
            fn default() -> $ty {
                $ty::new()
            }
        }
    };
}

mod analyze;
mod codes;
mod columns;
mod contact;
mod hits;
mod log;
mod marks;
mod time;

use datafusion::logical_expr::{ScalarUDF, WindowUDF};

pub use analyze::{MessageHits, TextAnalysis, TextHits, text_analysis_type};
pub use codes::{BeforeStandard, CodeMask, Codes, CodesInForce, code_bit};
pub use contact::{BoolValue, ContactKind, parse_bool};
pub use hits::{codes_type, hit_fields, hits_type};
pub use log::LogRulesWindow;
pub use marks::{FIRST_BREACH_OF_DAY, FIRST_CONTACT, FIRST_ROW, ReportMarksWindow};
pub use time::{Limit, LocalDay, NightRule, TimeMs};

/// One function, as `yuqi-batch functions` and docs/batch.md list it.
#[derive(Debug, Clone, Copy)]
pub struct FunctionDoc {
    pub name: &'static str,
    pub signature: &'static str,
    pub zh: &'static str,
}

pub const FUNCTION_DOCS: &[FunctionDoc] = &[
    FunctionDoc {
        name: "yuqi_text_hits",
        signature: "yuqi_text_hits(text, from, to) -> list<struct<code, start, end, rule, basis>>",
        zh: "单条消息的文本违规命中：代码、原文字符位置、触发规则、法律依据（与命令行 scan 相同的分析器）",
    },
    FunctionDoc {
        name: "yuqi_text_analysis",
        signature: "yuqi_text_analysis(text, from, to) -> struct<hits: list<struct<…>>, needs_confirmation: boolean, codes: uint32>",
        zh: "同一次分析得到文本命中、是否因疑似真实法院通知而暂不标记（留待向法院 12368 核实），以及命中代码的位掩码",
    },
    FunctionDoc {
        name: "yuqi_log_rules",
        signature: "yuqi_log_rules(ms, kind, from, to, creditor, consent, own_text) OVER (PARTITION BY debtor ORDER BY ms, id) -> uint16",
        zh: "窗口函数（流式）：夜间催收、每日频次、轮换号码、收到书面停止请求后继续联系；结果是规则的位掩码（own_text 只需债务人本人消息的文字）",
    },
    FunctionDoc {
        name: "yuqi_report_marks",
        signature: "yuqi_report_marks(kind, creditor, agency, sender, day, text_codes, log_rules) OVER (PARTITION BY debtor ORDER BY ms, id) -> uint8",
        zh: "窗口函数（流式）：在报告只计一次的事情第一次出现的那一行做标记——债务人第一次被某债权人、催收机构、号码联系（第 0–2 位），当天第一次超频（第 3–5 位），债务人的第一行（第 6 位）；报告只需把标记相加",
    },
    FunctionDoc {
        name: "yuqi_message_hits",
        signature: "yuqi_message_hits(text_hits, log_rules, text_len) -> list<struct<…>>",
        zh: "合并文本命中和记录级规则（整条消息的命中），按位置排序并去重（与 yuqi scan --log 相同）",
    },
    FunctionDoc {
        name: "yuqi_codes",
        signature: "yuqi_codes(text_codes, log_rules) -> list<utf8>",
        zh: "文本代码掩码和记录级规则合成的代码，排序去重",
    },
    FunctionDoc {
        name: "yuqi_codes_in_force",
        signature: "yuqi_codes_in_force(text_codes, log_rules) -> list<utf8>",
        zh: "只取按当时已生效标准判断的代码（去掉相应标准生效之前的夜间、频次命中）；报告的比例用它",
    },
    FunctionDoc {
        name: "yuqi_code_mask",
        signature: "yuqi_code_mask(codes) -> uint32",
        zh: "把代码列表读成位掩码（第 k 位是第 k 个代码），报告按位统计各代码，不必逐个在列表里查找",
    },
    FunctionDoc {
        name: "yuqi_before_standard",
        signature: "yuqi_before_standard(log_rules) -> boolean",
        zh: "是否有命中发生在相应标准生效之前（规则名以 before_standard 结尾）：这类命中只供参考，不计入比例",
    },
    FunctionDoc {
        name: "yuqi_bool",
        signature: "yuqi_bool(x) -> boolean",
        zh: "把 true/false、1/0、yes/no、是/否、接通/未接通 读作布尔值",
    },
    FunctionDoc {
        name: "yuqi_time_ms",
        signature: "yuqi_time_ms(time) -> int64",
        zh: "解析时间（RFC 3339、无时区按北京时间、秒或毫秒时间戳、Timestamp 列）为 UTC 毫秒；整数小于 10^11 视为秒",
    },
    FunctionDoc { name: "yuqi_local_day", signature: "yuqi_local_day(ms) -> date32", zh: "北京时间的日期" },
    FunctionDoc {
        name: "yuqi_night_rule",
        signature: "yuqi_night_rule(ms) -> utf8",
        zh: "若在当日有效的禁止催收时段内，返回规则名（night_contact.window / before_standard），否则为空（不计是否同意）",
    },
    FunctionDoc {
        name: "yuqi_limit",
        signature: "yuqi_limit(name, ms) -> int64",
        zh: "当日有效的频次上限：'connected'（每日接通次数）或 'attempts'（每日每号码呼叫次数）",
    },
    FunctionDoc {
        name: "yuqi_contact_kind",
        signature: "yuqi_contact_kind(from, channel, connected, duration) -> utf8",
        zh: "self（债务人本人）、connected_call、attempt 或 message",
    },
];

/// Every scalar function, for sessions, schedulers and executors alike.
pub fn scalar_functions() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::new_from_impl(TextHits::new()),
        ScalarUDF::new_from_impl(TextAnalysis::new()),
        ScalarUDF::new_from_impl(Codes::new()),
        ScalarUDF::new_from_impl(CodesInForce::new()),
        ScalarUDF::new_from_impl(MessageHits::new()),
        ScalarUDF::new_from_impl(BeforeStandard::new()),
        ScalarUDF::new_from_impl(CodeMask::new()),
        ScalarUDF::new_from_impl(BoolValue::new()),
        ScalarUDF::new_from_impl(TimeMs::new()),
        ScalarUDF::new_from_impl(LocalDay::new()),
        ScalarUDF::new_from_impl(NightRule::new()),
        ScalarUDF::new_from_impl(Limit::new()),
        ScalarUDF::new_from_impl(ContactKind::new()),
    ]
}

pub fn window_functions() -> Vec<WindowUDF> {
    vec![WindowUDF::new_from_impl(LogRulesWindow::new()), WindowUDF::new_from_impl(ReportMarksWindow::new())]
}
