use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The rounding policy, printed in every report that shows money.
pub const ROUNDING_POLICY_ZH: &str = "金额以“分”为最小单位精确计算；按日计提的利息、罚息等在累计时保留全部小数位，\
仅在入账、冲抵还款和出具报告时按四舍五入（0.5 分进位）保留到分。";
/// English version of [`ROUNDING_POLICY_ZH`].
pub const ROUNDING_POLICY_EN: &str = "Amounts are exact in fen; daily accruals keep full precision and are \
rounded half away from zero to the fen only when posted, when a payment is applied and when reported.";

/// An exact amount of money in fen (1/100 yuan). May be negative (a credit).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i64);

/// Why a piece of text is not an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("“{0}”不是金额（示例：9000、9000.00、1.2万）")]
    NotANumber(String),
    #[error("“{0}”的精度超过了分（最多两位小数）")]
    TooPrecise(String),
    #[error("“{0}”超出了可处理的金额范围")]
    OutOfRange(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn from_yuan(yuan: i64) -> Money {
        Money(yuan * 100)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// The exact value in yuan as a decimal with two places.
    pub fn to_yuan(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// Exact conversion; fails if `yuan` has digits below the fen.
    pub fn try_from_yuan(yuan: Decimal) -> Result<Money, MoneyError> {
        let scaled = yuan * Decimal::ONE_HUNDRED;
        if scaled.fract() != Decimal::ZERO {
            return Err(MoneyError::TooPrecise(yuan.normalize().to_string()));
        }
        i64::try_from(scaled).map(Money).map_err(|_| MoneyError::OutOfRange(yuan.to_string()))
    }

    /// The rounding policy of [`ROUNDING_POLICY_ZH`]: half away from zero to the fen.
    pub fn round_from_yuan(yuan: Decimal) -> Money {
        // `checked_mul`: a decimal beyond 7.9e26 yuan cannot be scaled to fen; it saturates below.
        let scaled = yuan.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(if yuan.is_sign_negative() {
            Decimal::MIN
        } else {
            Decimal::MAX
        });
        let rounded = scaled.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        // Saturate rather than panic: amounts beyond i64 fen (9.2e16 yuan) are not
        // meaningful inputs, and case-file parsing rejects them earlier.
        Money(i64::try_from(rounded).unwrap_or(if rounded.is_sign_negative() { i64::MIN } else { i64::MAX }))
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn abs(self) -> Money {
        Money(self.0.abs())
    }

    pub fn max(self, other: Money) -> Money {
        Money(self.0.max(other.0))
    }

    pub fn min(self, other: Money) -> Money {
        Money(self.0.min(other.0))
    }

    /// `self − other`, but never below zero.
    pub fn saturating_sub_to_zero(self, other: Money) -> Money {
        Money((self.0 - other.0).max(0))
    }

    /// Amount as a float, for root-finding only (never for stored or legal amounts).
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// Formats with thousands separators: `12,345.60`.
    pub fn to_grouped_string(self) -> String {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        format!("{}{}.{:02}", if neg { "-" } else { "" }, grouped, abs % 100)
    }
}

impl fmt::Display for Money {
    /// Plain form without grouping, always two decimals: `12345.60`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let neg = self.0 < 0;
        let abs = self.0.unsigned_abs();
        write!(f, "{}{}.{:02}", if neg { "-" } else { "" }, abs / 100, abs % 100)
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Accepts the forms people type: `9000`, `9,000.00`, `¥9000`, `9000元`, `1.2万`, `-50`.
    fn from_str(s: &str) -> Result<Money, MoneyError> {
        let original = s;
        let mut t: String = s.trim().chars().filter(|c| *c != ',' && *c != '，' && !c.is_whitespace()).collect();
        for prefix in ["¥", "￥", "RMB", "CNY"] {
            if let Some(rest) = t.strip_prefix(prefix) {
                t = rest.to_string();
            }
        }
        for suffix in ["元", "块"] {
            if let Some(rest) = t.strip_suffix(suffix) {
                t = rest.to_string();
            }
        }
        let (number, factor) = if let Some(rest) = t.strip_suffix('万') {
            (rest.to_string(), Decimal::from(10_000))
        } else {
            (t, Decimal::ONE)
        };
        if number.is_empty() || number.contains(['e', 'E']) {
            return Err(MoneyError::NotANumber(original.to_string()));
        }
        let value = Decimal::from_str(&number).map_err(|_| MoneyError::NotANumber(original.to_string()))?;
        let yuan = value.checked_mul(factor).ok_or_else(|| MoneyError::OutOfRange(original.to_string()))?;
        Money::try_from_yuan(yuan).map_err(|e| match e {
            MoneyError::TooPrecise(_) => MoneyError::TooPrecise(original.to_string()),
            other => other,
        })
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

/// Serialised as a decimal string in yuan (`"9000.00"`) so that no JSON reader
/// turns it into a float.
impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Money, D::Error> {
        let s = String::deserialize(deserializer)?;
        Money::from_str(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!("9000".parse::<Money>(), Ok(Money::from_yuan(9000)));
        assert_eq!("9,000.50".parse::<Money>(), Ok(Money::from_fen(900_050)));
        assert_eq!("¥9000元".parse::<Money>(), Ok(Money::from_yuan(9000)));
        assert_eq!("1.2万".parse::<Money>(), Ok(Money::from_yuan(12_000)));
        assert_eq!("-0.01".parse::<Money>(), Ok(Money::from_fen(-1)));
        assert_eq!("0.001".parse::<Money>(), Err(MoneyError::TooPrecise("0.001".into())));
        assert!(matches!("abc".parse::<Money>(), Err(MoneyError::NotANumber(_))));
        assert!(matches!("1e5".parse::<Money>(), Err(MoneyError::NotANumber(_))));
        assert!(matches!("".parse::<Money>(), Err(MoneyError::NotANumber(_))));
    }

    #[test]
    fn displays_with_two_decimals() {
        assert_eq!(Money::from_fen(-5).to_string(), "-0.05");
        assert_eq!(Money::from_fen(123_456_789).to_grouped_string(), "1,234,567.89");
        assert_eq!(Money::from_fen(100).to_grouped_string(), "1.00");
        assert_eq!(Money::from_fen(-100_000).to_grouped_string(), "-1,000.00");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(Money::round_from_yuan(Decimal::new(12_345, 3)), Money::from_fen(1235));
        assert_eq!(Money::round_from_yuan(Decimal::new(12_344, 3)), Money::from_fen(1234));
        assert_eq!(Money::round_from_yuan(Decimal::new(-12_345, 3)), Money::from_fen(-1235));
    }

    proptest::proptest! {
        #[test]
        fn display_parse_round_trip(fen in -10_000_000_000i64..10_000_000_000i64) {
            let m = Money::from_fen(fen);
            proptest::prop_assert_eq!(m.to_string().parse::<Money>(), Ok(m));
            proptest::prop_assert_eq!(m.to_grouped_string().parse::<Money>(), Ok(m));
        }
    }
}
