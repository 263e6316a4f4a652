//! Which share of the work a debtor's messages belong to, so that a cluster can run the scan
//! as several jobs that each judge and write the messages of some debtors (every window over
//! a debtor still sees all of that debtor's messages).

use std::sync::Arc;

use arrow::array::{Array, UInt32Builder};
use arrow::datatypes::DataType;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

use super::columns::{arrays, int64s, strs};

// ---- yuqi_bucket(key, n) ---------------------------------------------------------

udf_struct!(Bucket, 2);

/// FNV-1a over the key's UTF-8 bytes, modulo `n`: the same on every machine and every run
/// (not the engine's hash, which may change between versions). A missing key is bucket 0.
pub fn bucket(key: Option<&str>, n: u32) -> u32 {
    let Some(key) = key else { return 0 };
    let h = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    (h % u64::from(n.max(1))) as u32
}

impl ScalarUDFImpl for Bucket {
    udf_common!("yuqi_bucket");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt32)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let key = strs(&a[0], "key")?;
        let n = int64s(&a[1], "n")?;
        let mut out = UInt32Builder::with_capacity(args.number_rows);
        for i in 0..args.number_rows {
            let n = match n.is_valid(i).then(|| n.value(i)).map(u32::try_from) {
                Some(Ok(n)) if n > 0 => n,
                _ => return exec_err!("yuqi_bucket: n must be a positive number of buckets"),
            };
            out.append_value(bucket(key.get(i), n));
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_lands_in_one_bucket_below_n_and_the_split_is_even() {
        let mut counts = [0u32; 4];
        for i in 0..10_000 {
            let key = format!("D{i:07}");
            let b = bucket(Some(&key), 4);
            assert!(b < 4);
            assert_eq!(b, bucket(Some(&key), 4), "the same key, the same bucket");
            counts[b as usize] += 1;
        }
        // 2,500 expected in each; FNV-1a on these keys is within a few per cent.
        assert!(counts.iter().all(|&c| (2_200..2_800).contains(&c)), "{counts:?}");
        assert_eq!(bucket(None, 4), 0);
        assert_eq!(bucket(Some("x"), 1), 0);
    }
}
