//! Internal rate of return for regular periods (IRR) and for dated cash flows
//! (XIRR, with Excel's semantics).
//!
//! Floats are used here and only here: root-finding needs them. Every root is
//! substituted back and accepted only if the net present value is zero to within
//! a tolerance relative to the flows; otherwise the caller gets a typed error
//! saying why, never a silent guess (a silently wrong root is the complaint most often
//! made of XIRR implementations).

use chrono::NaiveDate;
use serde::Serialize;

/// Why no rate could be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IrrError {
    #[error("at least two cash flows are needed")]
    TooFewFlows,
    #[error("{dates} dates but {amounts} amounts")]
    LengthMismatch { dates: usize, amounts: usize },
    #[error("the cash flows need at least one positive and one negative amount")]
    NoSignChange,
    #[error("flow {index} is dated before the first flow (Excel requires the first date to be the earliest)")]
    DateBeforeStart { index: usize },
    #[error("flow {index} is not a finite number")]
    NonFinite { index: usize },
    #[error("no rate makes the present value zero between -99.99% and 1,000,000%")]
    NoRoot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    Newton,
    Brent,
}

/// A checked root.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Root {
    pub rate: f64,
    pub solver: Solver,
    pub iterations: u32,
    /// More than one sign change in the flows: other rates may also solve the
    /// equation; the one returned is the one nearest the starting guess.
    pub multiple_roots_possible: bool,
}

const MAX_NEWTON: u32 = 100;
/// The root is accepted when |NPV| ≤ this × Σ|flows|.
const ACCEPT: f64 = 1e-10;

/// Number of sign changes in a flow sequence (Descartes' bound on positive roots).
pub fn sign_changes(amounts: &[f64]) -> usize {
    let mut changes = 0;
    let mut last = 0.0f64;
    for &a in amounts {
        if a != 0.0 {
            if last != 0.0 && (a > 0.0) != (last > 0.0) {
                changes += 1;
            }
            last = a;
        }
    }
    changes
}

fn validate(amounts: &[f64]) -> Result<f64, IrrError> {
    if amounts.len() < 2 {
        return Err(IrrError::TooFewFlows);
    }
    if let Some(index) = amounts.iter().position(|a| !a.is_finite()) {
        return Err(IrrError::NonFinite { index });
    }
    if !(amounts.iter().any(|a| *a > 0.0) && amounts.iter().any(|a| *a < 0.0)) {
        return Err(IrrError::NoSignChange);
    }
    Ok(amounts.iter().map(|a| a.abs()).sum())
}

/// Periodic IRR: the rate r with Σ amounts[i] / (1+r)^i = 0.
pub fn irr(amounts: &[f64]) -> Result<Root, IrrError> {
    let scale = validate(amounts)?;
    let multiple = sign_changes(amounts) > 1;
    // With v = 1/(1+r) the NPV is a polynomial in v: evaluate it and its
    // derivative by Horner's rule, no powers needed.
    let npv = |r: f64| -> (f64, f64) {
        let v = 1.0 / (1.0 + r);
        let mut p = 0.0;
        let mut dp = 0.0;
        for &a in amounts.iter().rev() {
            dp = dp * v + p;
            p = p * v + a;
        }
        // d/dr P(v(r)) = P'(v) · (−v²)
        (p, -dp * v * v)
    };
    solve(npv, initial_guess_periodic(amounts), scale, multiple)
}

/// Excel XIRR: the rate r with Σ amounts[i] / (1+r)^((dates[i] − dates[0]) / 365) = 0.
/// The first date must be the earliest; other dates may come in any order.
pub fn xirr(dates: &[NaiveDate], amounts: &[f64]) -> Result<Root, IrrError> {
    if dates.len() != amounts.len() {
        return Err(IrrError::LengthMismatch { dates: dates.len(), amounts: amounts.len() });
    }
    let days: Result<Vec<i32>, IrrError> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let n = (*d - dates[0]).num_days();
            if n < 0 { Err(IrrError::DateBeforeStart { index: i }) } else { Ok(n as i32) }
        })
        .collect();
    xirr_days(&days?, amounts)
}

/// XIRR on day offsets from the first flow (`days[0]` is normally 0).
pub fn xirr_days(days: &[i32], amounts: &[f64]) -> Result<Root, IrrError> {
    if days.len() != amounts.len() {
        return Err(IrrError::LengthMismatch { dates: days.len(), amounts: amounts.len() });
    }
    let scale = validate(amounts)?;
    if let Some(index) = days.iter().position(|d| *d < days[0]) {
        return Err(IrrError::DateBeforeStart { index });
    }
    let multiple = sign_changes(amounts) > 1;
    let base = days[0];
    // (1+r)^(−d/365) = z^d with z = (1+r)^(−1/365): one exp per evaluation and
    // integer powers for the flows, which is both fast and accurate to ~1e-14.
    let npv = |r: f64| -> (f64, f64) {
        let z = (-(r.ln_1p()) / 365.0).exp();
        let mut f = 0.0;
        let mut df = 0.0;
        for (&d, &a) in days.iter().zip(amounts) {
            let t = d - base;
            let term = a * z.powi(t);
            f += term;
            df += f64::from(t) * term;
        }
        (f, -df / (365.0 * (1.0 + r)))
    };
    let guess = initial_guess_dated(days, amounts);
    solve(npv, guess, scale, multiple)
}

/// A starting point close to the answer for loan-like flows (one inflow then
/// outflows, or the reverse): the simple-interest rate over the average term.
fn initial_guess_periodic(amounts: &[f64]) -> f64 {
    let first = amounts[0];
    let rest: f64 = amounts[1..].iter().sum();
    let weighted: f64 = amounts.iter().enumerate().skip(1).map(|(i, a)| i as f64 * a).sum();
    if first != 0.0 && rest != 0.0 {
        let avg_t = weighted / rest;
        let g = (-rest / first - 1.0) / avg_t.max(1e-9);
        if g.is_finite() && g > -0.9 && g < 10.0 {
            return g;
        }
    }
    0.1
}

fn initial_guess_dated(days: &[i32], amounts: &[f64]) -> f64 {
    let first = amounts[0];
    let rest: f64 = amounts[1..].iter().sum();
    let weighted: f64 = days.iter().zip(amounts).skip(1).map(|(d, a)| f64::from(d - days[0]) * a).sum();
    if first != 0.0 && rest != 0.0 {
        let avg_years = weighted / rest / 365.0;
        let simple = (-rest / first - 1.0) / avg_years.max(1e-9);
        // Convert a simple annual rate to a compound one roughly: good enough
        // to land in Newton's basin for ordinary loans.
        let g = (1.0 + simple * avg_years).powf(1.0 / avg_years.max(1e-9)) - 1.0;
        if g.is_finite() && g > -0.9 && g < 100.0 {
            return g;
        }
    }
    0.1
}

fn solve(npv: impl Fn(f64) -> (f64, f64), guess: f64, scale: f64, multiple: bool) -> Result<Root, IrrError> {
    let accept = |r: f64| r > -1.0 && r.is_finite() && npv(r).0.abs() <= ACCEPT * scale;
    for start in [guess, 0.1] {
        if let Some((r, it)) = newton(&npv, start)
            && accept(r)
        {
            return Ok(Root { rate: r, solver: Solver::Newton, iterations: it, multiple_roots_possible: multiple });
        }
    }
    brent_on_grid(&npv, scale).map(|(r, it)| Root {
        rate: r,
        solver: Solver::Brent,
        iterations: it,
        multiple_roots_possible: multiple,
    })
}

fn newton(npv: &impl Fn(f64) -> (f64, f64), start: f64) -> Option<(f64, u32)> {
    let mut r = start;
    for i in 1..=MAX_NEWTON {
        let (f, df) = npv(r);
        if !f.is_finite() || !df.is_finite() || df == 0.0 {
            return None;
        }
        let mut next = r - f / df;
        if next <= -1.0 {
            // Keep the iterate in the domain instead of giving up at once.
            next = (r - 1.0) / 2.0;
        }
        if (next - r).abs() <= 1e-13 * (1.0 + r.abs()) {
            return Some((next, i));
        }
        r = next;
    }
    None
}

/// Scans a fixed grid for the first sign change (lowest rate first) and refines it
/// with Brent's method.
fn brent_on_grid(npv: &impl Fn(f64) -> (f64, f64), scale: f64) -> Result<(f64, u32), IrrError> {
    const GRID: [f64; 18] =
        [-0.9999, -0.999, -0.99, -0.95, -0.9, -0.75, -0.5, -0.25, 0.0, 0.1, 0.25, 0.5, 1.0, 3.0, 10.0, 100.0, 1e3, 1e6];
    let f = |r: f64| npv(r).0;
    for w in GRID.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (fa, fb) = (f(a), f(b));
        if fa == 0.0 {
            return Ok((a, 0));
        }
        if fa.is_finite() && fb.is_finite() && (fa > 0.0) != (fb > 0.0) {
            let (r, it) = brent(&f, a, b, fa, fb);
            if f(r).abs() <= ACCEPT * scale {
                return Ok((r, it));
            }
        }
    }
    Err(IrrError::NoRoot)
}

/// Brent's method (inverse quadratic interpolation with bisection safeguard).
// Exact float comparisons here only guard the interpolation formula against a
// zero denominator; they are not tolerance tests.
#[allow(clippy::float_cmp)]
fn brent(f: &impl Fn(f64) -> f64, mut a: f64, mut b: f64, mut fa: f64, mut fb: f64) -> (f64, u32) {
    if fa.abs() < fb.abs() {
        std::mem::swap(&mut a, &mut b);
        std::mem::swap(&mut fa, &mut fb);
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut bisected = true;
    for i in 1..=200u32 {
        if fb == 0.0 || (b - a).abs() <= 1e-15 * (1.0 + b.abs()) {
            return (b, i);
        }
        let mut s = if fa != fc && fb != fc {
            a * fb * fc / ((fa - fb) * (fa - fc))
                + b * fa * fc / ((fb - fa) * (fb - fc))
                + c * fa * fb / ((fc - fa) * (fc - fb))
        } else {
            b - fb * (b - a) / (fb - fa)
        };
        let lo = (3.0 * a + b) / 4.0;
        let outside = !((s > lo.min(b)) && (s < lo.max(b)));
        let slow = if bisected { (s - b).abs() >= (b - c).abs() / 2.0 } else { (s - b).abs() >= (c - d).abs() / 2.0 };
        if outside || slow {
            s = (a + b) / 2.0;
            bisected = true;
        } else {
            bisected = false;
        }
        let fs = f(s);
        d = c;
        c = b;
        fc = fb;
        if (fa > 0.0) != (fs > 0.0) {
            b = s;
            fb = fs;
        } else {
            a = s;
            fa = fs;
        }
        if fa.abs() < fb.abs() {
            std::mem::swap(&mut a, &mut b);
            std::mem::swap(&mut fa, &mut fb);
        }
    }
    (b, 200)
}

/// Annualisations of a periodic rate.
pub fn nominal_annual(periodic: f64, periods_per_year: f64) -> f64 {
    periodic * periods_per_year
}

pub fn effective_annual(periodic: f64, periods_per_year: f64) -> f64 {
    (1.0 + periodic).powf(periods_per_year) - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn pboc_example_100k_with_1k_fee() {
        // docs/law/apr.md §2: 100,000 less a 1,000 fee, 12 × 8,833.3 → 12.80% nominal, 13.58% effective.
        let mut flows = vec![99_000.0];
        flows.extend(std::iter::repeat_n(-8_833.3, 12));
        let r = irr(&flows).expect("root").rate;
        assert!(close(nominal_annual(r, 12.0), 0.1280, 0.00005), "{}", nominal_annual(r, 12.0));
        assert!(close(effective_annual(r, 12.0), 0.1358, 0.00005), "{}", effective_annual(r, 12.0));
    }

    #[test]
    fn kantouxi_example_10k_receive_9k() {
        // docs/law/apr.md §2: receive 9,000, repay 12 × 1,000 → 4.7296%/month, 56.75% / 74.11%.
        let mut flows = vec![9_000.0];
        flows.extend(std::iter::repeat_n(-1_000.0, 12));
        let r = irr(&flows).expect("root").rate;
        assert!(close(r, 0.047_296, 0.000_001), "{r}");
        assert!(close(nominal_annual(r, 12.0), 0.5675, 0.00005));
        assert!(close(effective_annual(r, 12.0), 0.7411, 0.00005));
    }

    #[test]
    fn excel_documentation_example() {
        // Microsoft's XIRR example: result 0.373362535; Excel itself only iterates
        // to within 0.000001 % (1e-8), so that is the tolerance of the comparison.
        let dates = [d(2008, 1, 1), d(2008, 3, 1), d(2008, 10, 30), d(2009, 2, 15), d(2009, 4, 1)];
        let amounts = [-10_000.0, 2_750.0, 4_250.0, 3_250.0, 2_750.0];
        let r = xirr(&dates, &amounts).expect("root").rate;
        assert!(close(r, 0.373_362_535, 1e-8), "{r}");
    }

    #[test]
    fn typed_errors_instead_of_silence() {
        assert_eq!(irr(&[1.0]).unwrap_err(), IrrError::TooFewFlows);
        assert_eq!(irr(&[1.0, 2.0]).unwrap_err(), IrrError::NoSignChange);
        assert_eq!(irr(&[1.0, f64::NAN]).unwrap_err(), IrrError::NonFinite { index: 1 });
        assert_eq!(
            xirr(&[d(2024, 1, 2), d(2024, 1, 1)], &[-1.0, 2.0]).unwrap_err(),
            IrrError::DateBeforeStart { index: 1 }
        );
        assert_eq!(
            xirr(&[d(2024, 1, 1)], &[-1.0, 2.0]).unwrap_err(),
            IrrError::LengthMismatch { dates: 1, amounts: 2 }
        );
    }

    #[test]
    fn falls_back_to_brent_when_newton_cannot_start() {
        // A near-total loss: rate close to −100%, where Newton from 0.1 diverges.
        let amounts = [-1_000_000.0, 1.0];
        let root = irr(&amounts).expect("root");
        assert!(close(root.rate, -0.999_999, 1e-9), "{root:?}");
        let (f, _) = (amounts[0] + amounts[1] / (1.0 + root.rate), 0.0);
        assert!(f.abs() < 1e-3);
    }

    #[test]
    fn flags_possible_multiple_roots() {
        // −100, +230, −132 has roots at 10% and 20%.
        let root = irr(&[-100.0, 230.0, -132.0]).expect("root");
        assert!(root.multiple_roots_possible);
        assert!(close(root.rate, 0.1, 1e-12) || close(root.rate, 0.2, 1e-12), "{root:?}");
    }

    #[test]
    fn zero_rate_is_found() {
        let root = irr(&[-300.0, 100.0, 100.0, 100.0]).expect("root");
        assert!(root.rate.abs() < 1e-12);
    }
}
