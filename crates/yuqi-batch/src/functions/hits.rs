//! The `hits` column: its Arrow type, a builder that writes one list of hits per row, and the
//! readers that take hits back out, so every function agrees on one layout.
//!
//! Two layouts: the full one of the output (`code, start, end, rule, basis`) and a compact one
//! without `basis` for hits still travelling through the plan (the text analysis's hits, which
//! are sorted, shuffled and buffered by the window): the basis is a function of the code
//! (`yuqi_conduct::code::basis`), a long legal citation that would otherwise be carried by
//! every hit through every sort and shuffle. `yuqi_message_hits` writes the full layout.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Int32Builder, ListArray, StringBuilder, StructArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::Int32Type;
use arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{Result, exec_err};
use yuqi_conduct::code::basis;
use yuqi_conduct::{Code, Hit};

use super::columns::strs;

/// The struct of one hit, as stored in the `hits` column.
pub fn hit_fields() -> Fields {
    let mut f = compact_hit_fields().to_vec();
    f.push(Arc::new(Field::new("basis", DataType::Utf8, false)));
    Fields::from(f)
}

/// One hit without its basis, inside the plan.
pub(super) fn compact_hit_fields() -> Fields {
    Fields::from(vec![
        Field::new("code", DataType::Utf8, false),
        Field::new("start", DataType::Int32, false),
        Field::new("end", DataType::Int32, false),
        Field::new("rule", DataType::Utf8, false),
    ])
}

pub fn hits_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Struct(hit_fields()), true)))
}

pub(super) fn compact_hits_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Struct(compact_hit_fields()), true)))
}

pub fn codes_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

/// Builds a `list<struct<hit>>` column, one list per row.
#[derive(Default)]
pub(super) struct HitsBuilder {
    offsets: Vec<i32>,
    hits: usize,
    code: StringBuilder,
    start: Int32Builder,
    end: Int32Builder,
    rule: StringBuilder,
    /// `None` for the compact layout.
    basis: Option<StringBuilder>,
}

impl HitsBuilder {
    /// The full layout, with each hit's basis.
    pub(super) fn new() -> HitsBuilder {
        HitsBuilder { offsets: vec![0], basis: Some(StringBuilder::new()), ..HitsBuilder::default() }
    }

    /// The compact layout, without the basis.
    pub(super) fn compact() -> HitsBuilder {
        HitsBuilder { offsets: vec![0], ..HitsBuilder::default() }
    }

    pub(super) fn push_hit(&mut self, code: &str, start: usize, end: usize, rule: &str, basis: &str) {
        self.hits += 1;
        self.code.append_value(code);
        self.start.append_value(i32::try_from(start).unwrap_or(i32::MAX));
        self.end.append_value(i32::try_from(end).unwrap_or(i32::MAX));
        self.rule.append_value(rule);
        if let Some(b) = &mut self.basis {
            b.append_value(basis);
        }
    }

    pub(super) fn push(&mut self, h: &Hit) {
        self.push_hit(h.code.as_str(), h.start, h.end, &h.rule, h.basis);
    }

    pub(super) fn end_row(&mut self) {
        self.offsets.push(i32::try_from(self.hits).unwrap_or(i32::MAX));
    }

    pub(super) fn finish(mut self) -> Result<ArrayRef> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.code.finish()),
            Arc::new(self.start.finish()),
            Arc::new(self.end.finish()),
            Arc::new(self.rule.finish()),
        ];
        let fields = match &mut self.basis {
            Some(b) => {
                columns.push(Arc::new(b.finish()));
                hit_fields()
            }
            None => compact_hit_fields(),
        };
        let values = StructArray::try_new(fields.clone(), columns, None)?;
        let field = Arc::new(Field::new_list_field(DataType::Struct(fields), true));
        Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::new(self.offsets.into()), Arc::new(values), None)?))
    }
}

/// One hit read back from Arrow, borrowing its strings: (code, start, end, rule, basis).
pub(super) type HitRef<'a> = (Code, usize, usize, &'a str, &'a str);

/// Appends row `i` of a hits column (either layout) to `out`. Hits with a code this build does
/// not know are skipped: they cannot be ordered against the others.
pub(super) fn hits_ref<'a>(list: &'a ListArray, i: usize, out: &mut Vec<HitRef<'a>>) -> Result<()> {
    if list.is_null(i) {
        return Ok(());
    }
    let (from, to) = (list.value_offsets()[i] as usize, list.value_offsets()[i + 1] as usize);
    let s = list.values().as_struct();
    let (code, rule) = (strs(s.column(0), "code")?, strs(s.column(3), "rule")?);
    let stored_basis = s.columns().get(4).map(|c| strs(c, "basis")).transpose()?;
    let (start, end) = (s.column(1).as_primitive::<Int32Type>(), s.column(2).as_primitive::<Int32Type>());
    for j in from..to {
        if let Some(c) = code.get(j).and_then(Code::parse) {
            let (b, e) = (start.value(j).max(0) as usize, end.value(j).max(0) as usize);
            let why = stored_basis.as_ref().and_then(|s| s.get(j)).unwrap_or(basis(c));
            out.push((c, b, e, rule.get(j).unwrap_or_default(), why));
        }
    }
    Ok(())
}

/// A hits column of either layout, or none (an all-null literal).
pub(super) fn hits_list<'a>(a: &'a ArrayRef, what: &str) -> Result<Option<&'a ListArray>> {
    match a.data_type() {
        DataType::Null => Ok(None),
        DataType::List(f)
            if f.data_type() == &DataType::Struct(hit_fields())
                || f.data_type() == &DataType::Struct(compact_hit_fields()) =>
        {
            Ok(Some(a.as_list::<i32>()))
        }
        other => exec_err!("{what}: expected a hits column, got {other}"),
    }
}
