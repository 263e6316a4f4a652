//! Android's own SMS database, `mmssms.db` (the telephony provider's SQLite file), read by the
//! store because SQLite can only be read from a file. The mapping of each `sms` row is the one
//! every Android importer shares (`yuqi_evidence::import::android`); this file only opens the
//! database without changing it and hands the rows over. docs/import-formats.md §6.3.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use yuqi_evidence::import::android::{SmsRow, import_sms_rows};
use yuqi_evidence::import::{ImportError, Options, Rejected, Summary};
use yuqi_evidence::item::{Item, Position};

/// Columns every `sms` table has had since Android 1.0 (Telephony.TextBasedSmsColumns).
const REQUIRED: [&str; 4] = ["address", "date", "type", "body"];

pub(super) fn import(
    path: &Path,
    opts: &Options,
    sink: &mut dyn FnMut(Item) -> Result<(), String>,
) -> Result<Summary, ImportError> {
    let conn = open(path)?;
    check_schema(&conn)?;
    let mut notes = Vec::new();
    let mms: i64 = conn.query_row("SELECT count(*) FROM pdu", [], |r| r.get(0)).unwrap_or(0);
    if mms > 0 {
        notes.push(format!(
            "数据库中还有 {mms} 条彩信：彩信的图片和文字存放在手机上数据库以外的文件中，未从这个数据库导入（请另用“短信导入导出”或 SMS Backup & Restore 备份彩信）"
        ));
    }
    let mut stmt = conn.prepare("SELECT rowid, * FROM sms").map_err(|_| unreadable(0))?;
    let names: Vec<String> = stmt.column_names().iter().skip(1).map(|s| s.to_string()).collect();
    let mut rows = stmt.query([]).map_err(|_| unreadable(0))?;
    let mut n = 0u64;
    let mut next = || -> Result<Option<SmsRow>, ImportError> {
        let Some(row) = rows.next().map_err(|_| unreadable(n + 1))? else { return Ok(None) };
        n += 1;
        let id: i64 = row.get(0).map_err(|_| unreadable(n))?;
        let mut fields = Vec::with_capacity(names.len());
        for (i, name) in names.iter().enumerate() {
            let text = match row.get_ref(i + 1).map_err(|_| unreadable(n))? {
                ValueRef::Null | ValueRef::Blob(_) => continue,
                ValueRef::Integer(v) => v.to_string(),
                ValueRef::Real(v) => v.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
            };
            fields.push((name.clone(), text));
        }
        Ok(Some((id, fields)))
    };
    import_sms_rows(opts, sink, &mut next, &notes)
}

/// Opens the user's file read-only and immutable: SQLite then takes no lock and writes no
/// journal or WAL file beside it, so the evidence stays byte for byte as it was.
fn open(path: &Path) -> Result<Connection, ImportError> {
    let Some(p) = path.to_str() else {
        return Err(ImportError::Unrecognized("文件路径含有无法识别的字符，无法作为数据库打开".into()));
    };
    let mut uri = String::from("file:");
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?mode=ro&immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(&uri, flags).map_err(|_| not_a_database())?;
    // A hostile file's schema must not run code: no triggers, views or functions it declares.
    let _ = conn.execute_batch("PRAGMA trusted_schema = OFF; PRAGMA query_only = ON;");
    Ok(conn)
}

fn not_a_database() -> ImportError {
    ImportError::Unrecognized("无法作为 SQLite 数据库打开：文件已损坏，或不是数据库".into())
}

/// A read that failed inside the database (a corrupt page). SQLite's own text is English, so it
/// is not passed on.
fn unreadable(record: u64) -> ImportError {
    ImportError::Syntax(Rejected {
        position: Position { record, line: 0, byte: 0 },
        reason: "数据库内容损坏，无法继续读取".into(),
        excerpt: String::new(),
    })
}

/// The file must be an SMS database: a table (not a view) named `sms` with the columns above.
fn check_schema(conn: &Connection) -> Result<(), ImportError> {
    let mut tables: Vec<(String, String)> = Vec::new();
    let mut stmt = conn
        .prepare("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name LIMIT 1000")
        .map_err(|_| not_a_database())?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(|_| not_a_database())?;
    for r in rows {
        tables.push(r.map_err(|_| not_a_database())?);
    }
    let expected = "应有名为 sms 的表，含 address（号码）、date（时间）、type（收发类型）、body（内容）列";
    let refuse = |found: String| {
        ImportError::Unrecognized(format!(
            "这个 SQLite 数据库不是安卓短信数据库（mmssms.db）：{expected}，{found}。如只想原样保存这个文件，请用 --format file 导入"
        ))
    };
    if !tables.iter().any(|(n, t)| n == "sms" && t == "table") {
        let names: Vec<&str> = tables.iter().take(20).map(|(n, _)| n.as_str()).collect();
        let found = if names.is_empty() {
            "但数据库里没有任何表".to_string()
        } else {
            format!("但实际只有这些表：{}", names.join("、"))
        };
        return Err(refuse(found));
    }
    let mut columns = Vec::new();
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('sms')").map_err(|_| not_a_database())?;
    for c in stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|_| not_a_database())? {
        columns.push(c.map_err(|_| not_a_database())?);
    }
    let missing: Vec<&str> = REQUIRED.iter().copied().filter(|c| !columns.iter().any(|k| k == c)).collect();
    if !missing.is_empty() {
        return Err(refuse(format!("但 sms 表缺少这些列：{}", missing.join("、"))));
    }
    Ok(())
}
