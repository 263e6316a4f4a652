//! A deterministic mutation fuzzer over the real-format fixtures, run on every CI build: each
//! importer gets mutated copies of every fixture (bytes flipped, inserted, deleted, duplicated,
//! truncated, surrogate references and quotes spliced in) and must keep the invariants of
//! `yuqi_evidence::fuzzing::check`. `YUQI_FUZZ_ITERS` sets the number of inputs per importer
//! (default 400). The libFuzzer targets in `fuzz/` explore further on nightly.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::path::PathBuf;

use yuqi_evidence::fuzzing::{check, formats};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

const SPLICES: &[&[u8]] = &[
    b"&#55357;",
    b"&#56834;",
    b"&#xD83D;&#xDE02;",
    b"&amp;",
    b"&",
    b"\"",
    b"<",
    b"/>",
    b"<sms date=\"1\" address=\"1\" type=\"9\"/>",
    b"\n",
    b"\r\n",
    b",",
    b"\xff\xfe",
    b"\xEF\xBB\xBF",
    "还款".as_bytes(),
    b"Mar 06, 2025  9:05:00 AM\n",
    b"2025-03-05 09:30:00 ",
    b"\0",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut d = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(d.len() + 1);
        match rng.below(6) {
            0 if !d.is_empty() => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            1 => {
                let s = SPLICES[rng.below(SPLICES.len())];
                d.splice(at..at, s.iter().copied());
            }
            2 if !d.is_empty() => {
                let end = (at + rng.below(64)).min(d.len());
                d.drain(at.min(end)..end);
            }
            3 => d.truncate(at),
            4 if !d.is_empty() => {
                let from = rng.below(d.len());
                let end = (from + rng.below(200)).min(d.len());
                let piece: Vec<u8> = d[from..end].to_vec();
                d.splice(at..at, piece);
            }
            _ => {
                let n = rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                d.splice(at..at, bytes);
            }
        }
    }
    d
}

#[test]
fn importers_keep_their_invariants_on_mutated_exports() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x != "json" && x != "md" && x != "py"))
        .filter(|p| std::fs::metadata(p).unwrap().len() < 200_000)
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    // Exports that are folders: their pages and JSON arrays (the `.html.json` name ends in json).
    for name in ["wechatmsg/王经理.html", "wechatmsg/王经理.html.json"] {
        seeds.push(std::fs::read(dir.join(name)).unwrap());
    }
    seeds.sort();
    assert!(seeds.len() >= 10, "fixtures missing");
    let iters: usize = std::env::var("YUQI_FUZZ_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(400);
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for format in formats() {
        for seed in &seeds {
            check(&format, seed);
        }
        for _ in 0..iters {
            let seed = &seeds[rng.below(seeds.len())];
            let input = mutate(&mut rng, seed);
            check(&format, &input);
        }
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for format in formats() {
        for len in [0usize, 1, 2, 7, 64, 300, 4096] {
            let input: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            check(&format, &input);
        }
    }
}
