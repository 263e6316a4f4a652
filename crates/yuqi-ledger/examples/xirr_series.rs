//! Companion of `bench/pyxirr_compare.sh`: writes the deterministic 13-flow loan
//! series to a file both languages read, and times our XIRR over all of them.
//!
//!   xirr_series generate FILE N   — N series: 13 × i32 days since 1970-01-01, then 13 × f64
//!   xirr_series run FILE OUT      — XIRR of every series (one thread), results as f64 to OUT

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use yuqi_ledger::irr;
use yuqi_ledger::synth::{SplitMix64, loan_series};

const RECORD: usize = 13 * 4 + 13 * 8;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            let n: u64 = args[3].parse().expect("N");
            let mut w = BufWriter::new(std::fs::File::create(&args[2])?);
            let mut rng = SplitMix64::new(7);
            for i in 0..n {
                let (days, amounts) = loan_series(&mut rng, i);
                for d in days {
                    w.write_all(&d.to_le_bytes())?;
                }
                for a in amounts {
                    w.write_all(&a.to_le_bytes())?;
                }
            }
            w.flush()?;
            eprintln!("wrote {n} series to {}", args[2]);
        }
        Some("run") => {
            let mut bytes = Vec::new();
            std::fs::File::open(&args[2])?.read_to_end(&mut bytes)?;
            let series: Vec<([i32; 13], [f64; 13])> = bytes
                .chunks_exact(RECORD)
                .map(|r| {
                    let mut days = [0i32; 13];
                    let mut amounts = [0f64; 13];
                    for k in 0..13 {
                        days[k] = i32::from_le_bytes(r[k * 4..k * 4 + 4].try_into().expect("4 bytes"));
                        amounts[k] = f64::from_le_bytes(r[52 + k * 8..52 + k * 8 + 8].try_into().expect("8 bytes"));
                    }
                    (days, amounts)
                })
                .collect();
            let mut results = vec![f64::NAN; series.len()];
            let t = Instant::now();
            for (out, (days, amounts)) in results.iter_mut().zip(&series) {
                *out = irr::xirr_days(days, amounts).map_or(f64::NAN, |r| r.rate);
            }
            let secs = t.elapsed().as_secs_f64();
            let failed = results.iter().filter(|r| r.is_nan()).count();
            println!(
                "yuqi xirr: {} series x 13 flows: {secs:.3}s total, {:.3} us/series, {failed} without a root",
                series.len(),
                secs / series.len() as f64 * 1e6
            );
            let mut w = BufWriter::new(std::fs::File::create(&args[3])?);
            for r in &results {
                w.write_all(&r.to_le_bytes())?;
            }
            w.flush()?;
        }
        _ => eprintln!("usage: xirr_series generate FILE N | run FILE OUT"),
    }
    Ok(())
}
