//! Hostile case files (issue 19, items 7 and 8): whatever a case file states, the pipeline never
//! panics — it computes, or refuses with a Chinese error at the value's place — and `check`'s
//! validation refuses exactly what the computation cannot do. A usurious rate that a court would
//! still hear about is computed, never refused.

use chrono::NaiveDate;
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn src(contract: &str, principal: &str, rate: &str, method: &str, periods: u32) -> String {
    format!(
        "version = 1\n[[debt]]\nid = \"a\"\nlender = \"某公司\"\nkind = \"microloan\"\ncontract_date = {contract}\nprincipal = {principal}\nrate = \"{rate}\"\nmethod = \"{method}\"\nperiods = {periods}\n"
    )
}

/// How the pipeline answered: computed, refused by the parser or the validation (with the
/// error's text), or refused by the computation after the validation passed (a disagreement).
#[derive(Debug)]
enum Outcome {
    Computed,
    Refused(String),
    Disagreed(String),
}

fn run(src: &str, as_of: &str) -> Outcome {
    let case = match yuqi_case::parse_case(src, "t.toml") {
        Ok(c) => c,
        Err(e) => return Outcome::Refused(e.to_string()),
    };
    let dates = yuqi_app::Dates { as_of: Some(d(as_of)), ..yuqi_app::Dates::today(d("2026-11-24")) };
    let problems = yuqi_app::validate(&case, &dates);
    if !problems.is_empty() {
        return Outcome::Refused(yuqi_ledger::InputErrors(problems).to_string());
    }
    let input = yuqi_app::CaseInput { case, evidence: None, messages: Vec::new() };
    match yuqi_app::compute(input, dates) {
        Ok(_) => Outcome::Computed,
        Err(e) => Outcome::Disagreed(e.to_string()),
    }
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

#[test]
fn an_absurd_rate_is_refused_at_its_place_and_a_usurious_one_is_computed() {
    // 年化100000% over 12 instalments of 等额本息 once overflowed rust_decimal in schedule.rs.
    match run(&src("2024-01-01", "10000", "年化100000%", "等额本息", 12), "2026-11-24") {
        Outcome::Refused(e) => {
            assert!(e.contains("t.toml:8:8"), "{e}");
            assert!(e.contains("超出本工具可计算的范围"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    for rate in ["年化1000%", "年化10000%", "日息1%", "日息27%", "月息800%"] {
        for method in ["等额本息", "等额本金", "先息后本", "等本等息", "bullet"] {
            let out = run(&src("2024-01-01", "10000", rate, method, 12), "2026-11-24");
            assert!(matches!(out, Outcome::Computed), "{rate} {method}: {out:?}");
        }
    }
    for rate in ["日息28%", "月息900%", "年化10000.01%"] {
        let out = run(&src("2024-01-01", "10000", rate, "等额本息", 12), "2026-11-24");
        assert!(matches!(&out, Outcome::Refused(e) if e.contains("超出本工具可计算的范围")), "{rate}: {out:?}");
    }
}

#[test]
fn dates_outside_the_handled_years_are_input_errors_at_their_place() {
    for date in ["0001-01-01", "1799-12-31", "9999-12-31", "2200-01-01"] {
        match run(&src(date, "10000", "年化24%", "等额本息", 12), "2026-11-24") {
            Outcome::Refused(e) => {
                assert!(e.contains("t.toml:6:17"), "{date}: {e}");
                assert!(e.contains("超出本工具可处理的范围"), "{date}: {e}");
            }
            other => panic!("{date}: {other:?}"),
        }
    }
    // An as-of date from a flag or a form, which the parser never saw.
    match run(&src("2024-01-01", "10000", "年化24%", "等额本息", 12), "9999-12-31") {
        Outcome::Refused(e) => assert!(e.contains("计算截止日 9999-12-31 超出本工具可处理的范围"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_absurd_amount_is_refused_at_its_place() {
    match run(&src("2024-01-01", "10000000000000000", "年化24%", "等额本息", 12), "2026-11-24") {
        Outcome::Refused(e) => assert!(e.contains("t.toml:7:13") && e.contains("1000亿元"), "{e}"),
        other => panic!("{other:?}"),
    }
}

fn magnitude() -> impl Strategy<Value = String> {
    // A mantissa and a power of ten from 10⁻⁶ to 10³⁰: ordinary, huge and absurd values.
    (1u32..1000, -6i32..30).prop_map(|(m, e)| {
        if e >= 0 {
            format!("{m}{}", "0".repeat(e as usize))
        } else {
            let s = format!("{m:0>width$}", width = (-e) as usize + 1);
            let (i, f) = s.split_at(s.len() - (-e) as usize);
            format!("{i}.{f}")
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn the_audit_computes_or_refuses_in_chinese_and_never_panics(
        rate in magnitude(),
        per in prop::sample::select(vec!["年化", "月息", "日息"]),
        principal in magnitude(),
        method in prop::sample::select(vec!["等额本息", "等额本金", "先息后本", "等本等息", "bullet"]),
        periods in 1u32..700,
    ) {
        let text = src("2024-01-01", &principal, &format!("{per}{rate}%"), method, periods);
        let out = std::panic::catch_unwind(|| run(&text, "2026-11-24"));
        let out = out.map_err(|_| TestCaseError::fail(format!("panicked on\n{text}")))?;
        match out {
            Outcome::Computed => {}
            Outcome::Refused(e) => prop_assert!(has_chinese(&e), "{e}"),
            Outcome::Disagreed(e) => prop_assert!(false, "validation passed, computation refused: {e}\n{text}"),
        }
    }
}

#[test]
fn the_corners_of_the_bounds_compute() {
    // The largest amount at the highest rate over the longest schedule, audited at the last
    // handled date: every sum stays inside i64 fen and every product inside a Decimal.
    for method in ["等额本息", "等额本金", "先息后本", "等本等息", "bullet"] {
        for rate in ["年化10000%", "日息27.3%", "年化0.0001%"] {
            let text = src("2024-01-01", "100000000000", rate, method, 600);
            for as_of in ["2024-01-02", "2199-12-31"] {
                let out = std::panic::catch_unwind(|| run(&text, as_of));
                assert!(matches!(out, Ok(Outcome::Computed)), "{method} {rate} {as_of}: {out:?}");
            }
        }
    }
}
