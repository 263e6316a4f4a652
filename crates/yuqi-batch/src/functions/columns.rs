//! Reading Arrow columns the way the functions need them (any string type, integers of any
//! width, all-null literals) and the per-thread caches, so each function body is only its rule.

use std::cell::RefCell;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, PrimitiveArray};
use arrow::datatypes::{ArrowPrimitiveType, DataType};
use chrono::{DateTime, FixedOffset};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::ScalarFunctionArgs;
use yuqi_conduct::message::china;
use yuqi_conduct::{Analyzer, Scratch};

/// Any string column (Utf8, LargeUtf8, Utf8View) or an all-null literal.
pub(super) enum Strs<'a> {
    Utf8(&'a arrow::array::StringArray),
    Large(&'a arrow::array::LargeStringArray),
    View(&'a arrow::array::StringViewArray),
    Null,
}

impl<'a> Strs<'a> {
    pub(super) fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strs::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Null => None,
        }
    }
}

pub(super) fn strs<'a>(a: &'a ArrayRef, what: &str) -> Result<Strs<'a>> {
    Ok(match a.data_type() {
        DataType::Utf8 => Strs::Utf8(a.as_string::<i32>()),
        DataType::LargeUtf8 => Strs::Large(a.as_string::<i64>()),
        DataType::Utf8View => Strs::View(a.as_string_view()),
        DataType::Null => Strs::Null,
        other => return exec_err!("{what}: expected a string column, got {other}"),
    })
}

pub(super) fn bools(a: &ArrayRef, what: &str) -> Result<BooleanArray> {
    match a.data_type() {
        DataType::Boolean => Ok(a.as_boolean().clone()),
        DataType::Null => Ok(BooleanArray::new_null(a.len())),
        other => exec_err!("{what}: expected a boolean column, got {other}"),
    }
}

pub(super) fn int64s(a: &ArrayRef, what: &str) -> Result<Int64Array> {
    match a.data_type() {
        DataType::Null => Ok(Int64Array::new_null(a.len())),
        t if t.is_integer() => Ok(arrow::compute::cast(a, &DataType::Int64)?.as_primitive().clone()),
        other => exec_err!("{what}: expected an integer column, got {other}"),
    }
}

/// A column of the functions' own masks and bits (or dates) of exactly type `T`, read in
/// place, or an all-null literal.
pub(super) struct Prims<'a, T: ArrowPrimitiveType>(Option<&'a PrimitiveArray<T>>);

impl<T: ArrowPrimitiveType> Prims<'_, T> {
    pub(super) fn get(&self, i: usize) -> Option<T::Native> {
        self.0.filter(|a| a.is_valid(i)).map(|a| a.value(i))
    }

    /// A mask or bits: null is none set.
    pub(super) fn bits(&self, i: usize) -> T::Native {
        self.get(i).unwrap_or_default()
    }
}

pub(super) fn prims<'a, T: ArrowPrimitiveType>(a: &'a ArrayRef, what: &str) -> Result<Prims<'a, T>> {
    match a.data_type() {
        t if *t == T::DATA_TYPE => Ok(Prims(Some(a.as_primitive::<T>()))),
        DataType::Null => Ok(Prims(None)),
        other => exec_err!("{what}: expected {}, got {other}", T::DATA_TYPE),
    }
}

pub(super) fn arrays(args: &ScalarFunctionArgs) -> Result<Vec<ArrayRef>> {
    args.args.iter().map(|a| a.to_array(args.number_rows)).collect()
}

pub(super) fn local(ms: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&china()))
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with the shared analyzer and the calling thread's scratch space.
pub(super) fn with_analyzer<R>(f: impl FnOnce(&Analyzer, &mut Scratch) -> R) -> R {
    SCRATCH.with(|s| f(Analyzer::shared(), &mut s.borrow_mut()))
}

pub(super) const EPOCH_DAYS_CE: i32 = 719_163; // NaiveDate::from_ymd(1970,1,1).num_days_from_ce()
