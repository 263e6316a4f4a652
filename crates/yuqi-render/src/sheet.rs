//! Spreadsheets a court clerk can open: CSV (UTF-8 with a byte-order mark, so that Excel reads
//! the Chinese; amounts as plain decimals with two places) and XLSX (rust_xlsxwriter; numbers
//! as numbers, dates as `YYYY-MM-DD` text, one sheet per [`Sheet`]).

use rust_xlsxwriter::{Format, Workbook};
use yuqi_docs::exhibit::{Cell, Sheet};
use yuqi_money::{Decimal, format_rate_percent};

use crate::RenderError;

/// The byte-order mark Excel needs to read a CSV file as UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A cell as CSV text.
fn csv_text(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        // A text starting like a formula would be run by a spreadsheet: keep it text.
        Cell::Text(t) if t.starts_with(['=', '+', '-', '@']) => format!("'{t}"),
        Cell::Text(t) => t.clone(),
        Cell::Money(m) => m.to_string(),
        Cell::Int(n) => n.to_string(),
        Cell::Rate(r) => format_rate_percent(*r, 2),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// Every sheet in one CSV file: a line `【name】` before each, an empty line between them.
pub fn csv(sheets: &[Sheet]) -> Vec<u8> {
    let mut out = String::new();
    for (i, s) in sheets.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        out.push_str(&csv_field(&format!("【{}】", s.name)));
        out.push_str("\r\n");
        for row in &s.rows {
            let fields: Vec<String> = row.iter().map(|c| csv_field(&csv_text(c))).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    let mut bytes = BOM.to_vec();
    bytes.extend_from_slice(out.as_bytes());
    bytes
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> RenderError {
    RenderError::Xlsx(e.to_string())
}

/// Display width of a text in a spreadsheet column (a Chinese character takes two).
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The sheets as an XLSX workbook.
pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, RenderError> {
    let mut wb = Workbook::new();
    let money = Format::new().set_num_format("#,##0.00");
    let rate = Format::new().set_num_format("0.00%");
    let int = Format::new().set_num_format("0");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(xlsx_err)?;
        let mut widths: Vec<usize> = Vec::new();
        for (r, row) in s.rows.iter().enumerate() {
            let r = u32::try_from(r).map_err(|_| RenderError::Xlsx("行数过多".into()))?;
            for (c, cell) in row.iter().enumerate() {
                let col = u16::try_from(c).map_err(|_| RenderError::Xlsx("列数过多".into()))?;
                match cell {
                    Cell::Empty => {}
                    Cell::Text(t) => {
                        ws.write_string(r, col, t).map_err(xlsx_err)?;
                    }
                    Cell::Money(m) => {
                        ws.write_with_format(r, col, m.to_yuan(), &money).map_err(xlsx_err)?;
                    }
                    Cell::Int(n) => {
                        ws.write_with_format(r, col, Decimal::from(*n), &int).map_err(xlsx_err)?;
                    }
                    Cell::Rate(x) => {
                        ws.write_with_format(r, col, *x, &rate).map_err(xlsx_err)?;
                    }
                }
                // Long explanations (a basis sentence) wrap instead of widening the column.
                let w = width(&csv_text(cell)).min(40);
                if widths.len() <= c {
                    widths.resize(c + 1, 8);
                }
                widths[c] = widths[c].max(w + 2);
            }
        }
        for (c, w) in widths.iter().enumerate() {
            let col = u16::try_from(c).map_err(|_| RenderError::Xlsx("列数过多".into()))?;
            ws.set_column_width(col, u16::try_from(*w).unwrap_or(40)).map_err(xlsx_err)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yuqi_money::Money;

    fn sheet() -> Sheet {
        Sheet {
            name: "汇总".into(),
            rows: vec![
                vec![Cell::Text("借款".into()), Cell::Text("金额, 元".into()), Cell::Text("=1+1".into())],
                vec![],
                vec![Cell::Text("2024-06-11".into()), Cell::Money(Money::from_fen(123_456)), Cell::Int(30)],
                vec![Cell::Rate(Decimal::new(24, 2)), Cell::Empty, Cell::Text("说\"明\"".into())],
            ],
        }
    }

    #[test]
    fn csv_has_a_bom_plain_amounts_and_quoted_fields() {
        let b = csv(&[sheet()]);
        assert!(b.starts_with(BOM));
        let s = std::str::from_utf8(&b[BOM.len()..]).expect("utf-8");
        assert_eq!(
            s,
            "【汇总】\r\n借款,\"金额, 元\",'=1+1\r\n\r\n2024-06-11,1234.56,30\r\n24.00%,,\"说\"\"明\"\"\"\r\n"
        );
    }

    #[test]
    fn xlsx_is_a_zip_with_the_sheet() {
        let b = xlsx(&[sheet()]).expect("xlsx");
        assert!(b.starts_with(b"PK"));
    }
}
