//! `cargo bench -p yuqi-ledger`: XIRR/IRR per series and a 10,000-debt audit.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use yuqi_ledger::caps::LegalDates;
use yuqi_ledger::irr;
use yuqi_ledger::synth::{SplitMix64, debt, loan_series};

fn bench_irr(c: &mut Criterion) {
    let mut rng = SplitMix64::new(7);
    let series: Vec<([i32; 13], [f64; 13])> = (0..1024).map(|i| loan_series(&mut rng, i)).collect();
    let mut i = 0usize;
    c.bench_function("xirr 13 flows", |b| {
        b.iter(|| {
            let (days, amounts) = &series[i % series.len()];
            i += 1;
            black_box(irr::xirr_days(black_box(days), black_box(amounts)).map(|r| r.rate))
        });
    });
    let mut j = 0usize;
    c.bench_function("irr 13 flows", |b| {
        b.iter(|| {
            let (_, amounts) = &series[j % series.len()];
            j += 1;
            black_box(irr::irr(black_box(amounts)).map(|r| r.rate))
        });
    });
}

fn bench_audit(c: &mut Criterion) {
    let mut rng = SplitMix64::new(42);
    let debts: Vec<_> = (0..10_000).map(|i| debt(&mut rng, i)).collect();
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 24).expect("date");
    let dates = LegalDates { as_of, filing: as_of, filing_assumed: true };
    let mut group = c.benchmark_group("audit");
    group.sample_size(10);
    group.bench_function("10000 debts", |b| {
        b.iter(|| {
            let mut total = yuqi_money::Money::ZERO;
            for d in &debts {
                total += yuqi_ledger::audit_debt(d, dates).expect("audit").supported_total;
            }
            black_box(total)
        });
    });
    group.finish();
}

criterion_group!(benches, bench_irr, bench_audit);
criterion_main!(benches);
