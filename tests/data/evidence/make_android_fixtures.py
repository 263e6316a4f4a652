#!/usr/bin/env python3
"""Write the fixtures of the Android and iPhone exports added in issue 18 (docs/import-formats.md
§4.2 and §6): SMS Import / Export zip and JSON, iMazing CSV, Android's mmssms.db, and Android
backups holding the telephony provider's SMS: a plain adb backup (android-sms.ab) and a Xiaomi
MIUI local backup (miui-sms.bak).

Standard library only, deterministic (fixed timestamps, fixed zip dates; the SQLite files depend
only on the sqlite3 library's page layout). Every value is invented; the people are those of
make_fixtures.py (the borrower 李明 +8613900001111, the collector 王经理 +8613712345678).

The layouts follow the app's own code (tmo1/sms-ie ImportExportMessages.kt, ImportExportCallLog.kt)
and Android's telephony provider schema (MmsSmsDatabaseHelper.java); the backups follow the
layout of AOSP TelephonyBackupAgent.java (members apps/com.android.providers.telephony/d_f/
NNNNNN_sms_backup and _mms_backup, each a zlib-compressed JSON array of string-valued columns):
see docs/import-formats.md §6.4.

Usage:  python3 tests/data/evidence/make_android_fixtures.py
"""

import io
import json
import os
import sqlite3
import tarfile
import zipfile
import zlib

OUT = os.path.dirname(os.path.abspath(__file__))
ME = "+8613900001111"
WANG = "+8613712345678"
ZIP_DATE = (2025, 3, 6, 12, 0, 0)

# The same SMS as record 3 of sms-basic.xml (SMS Backup & Restore): one item across formats.
SHARED_SMS = {"address": WANG, "date": "1740873900000", "type": "2", "body": "求求你们别再打我家人电话了🙏 我会还的"}

# A tiny JPEG-looking payload (only its bytes and hash matter).
PICTURE = b"\xff\xd8\xff\xe0" + bytes(range(64)) + b"\xff\xd9"


def sms_row(_id, address, date, ty, body, read="1", status="-1", date_sent="0"):
    """An `sms` row in the column order of Android's table, every value as text (as the app
    writes Cursor.getString)."""
    return {
        "_id": str(_id), "thread_id": "1", "address": address, "date": date, "date_sent": date_sent,
        "protocol": "0", "read": read, "status": status, "type": ty, "reply_path_present": "0",
        "body": body, "locked": "0", "sub_id": "1", "error_code": "0", "creator": "com.android.mms",
        "seen": "1",
    }


def messages_ndjson():
    rows = []
    r = sms_row(1, WANG, "1740842100000", "1", "还款金额<500元不予受理 & 今晚12点前不还就联系你的\"紧急联系人\"。")
    r["service_center"] = "+8613800755500"
    r["__display_name"] = "王经理"
    rows.append(r)
    r = sms_row(2, SHARED_SMS["address"], SHARED_SMS["date"], SHARED_SMS["type"], SHARED_SMS["body"])
    r["__display_name"] = "王经理"
    rows.append(r)
    rows.append(sms_row(3, "10690000123", "1740889800000", "5", "已经还了500，请查收", status="64"))
    # An incoming picture message: date in seconds, sender (type 137) and recipient (151).
    mms_in = {
        "_id": "7", "thread_id": "1", "date": "1740900000", "date_sent": "1740899990", "msg_box": "1",
        "read": "1", "m_id": "mid-0001", "sub": "催收通知", "ct_t": "application/vnd.wap.multipart.related",
        "m_type": "132", "v": "18", "m_size": "2048", "pri": "129", "tr_id": "T0001", "locked": "0",
        "sub_id": "1", "seen": "1", "text_only": "0",
        "__sender_address": {"_id": "21", "msg_id": "7", "address": WANG, "type": "137", "charset": "106",
                             "__display_name": "王经理"},
        "__recipient_addresses": [{"_id": "22", "msg_id": "7", "address": ME, "type": "151", "charset": "106"}],
        "__parts": [
            {"_id": "31", "mid": "7", "seq": "-1", "ct": "application/smil", "name": "smil.xml", "text": "<smil/>"},
            {"_id": "33", "mid": "7", "seq": "1", "ct": "text/plain", "chset": "106", "cl": "text_0.txt",
             "text": "这是你家门口的照片"},
            {"_id": "32", "mid": "7", "seq": "0", "ct": "image/jpeg", "name": "IMG_0001.jpg", "cl": "IMG_0001.jpg",
             "_data": "/data/user_de/0/com.android.providers.telephony/app_parts/PART_1740900000000"},
        ],
    }
    # An outgoing text-only MMS (msg_box 2): the counterpart is the recipient.
    mms_out = {
        "_id": "8", "thread_id": "1", "date": "1740900600", "msg_box": "2", "read": "1", "m_type": "128",
        "ct_t": "application/vnd.wap.multipart.related", "sub_id": "1", "seen": "1", "text_only": "1",
        "__sender_address": {"_id": "23", "msg_id": "8", "address": "insert-address-token", "type": "137"},
        "__recipient_addresses": [{"_id": "24", "msg_id": "8", "address": WANG, "type": "151",
                                   "__display_name": "王经理"}],
        "__parts": [{"_id": "34", "mid": "8", "seq": "0", "ct": "text/plain", "chset": "106", "text": "请不要再发了"}],
    }
    rows += [mms_in, mms_out]
    # The app writes JSONObject.toString(): compact, "/" escaped as "\/", non-ASCII as is.
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/") + "\n" for r in rows)


def write_zip(name, members):
    path = os.path.join(OUT, name)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for member, data in members:
            info = zipfile.ZipInfo(member, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


def calls_json():
    calls = [
        {"date": "1740842400000", "duration": "95", "number": WANG, "type": "1", "presentation": "1",
         "name": "王经理", "new": "0", "features": "0", "subscription_id": "1", "display_name": "王经理"},
        {"date": "1740846000000", "duration": "0", "number": "13700001234", "type": "3", "presentation": "1",
         "new": "1", "features": "0"},
        {"date": "1740849600123", "duration": "0", "number": WANG, "type": "2", "presentation": "1",
         "name": "王经理", "display_name": "王经理"},
        {"date": "1740853200000", "duration": "0", "number": "", "type": "5", "presentation": "2"},
    ]
    # android.util.JsonWriter with setIndent("  "): two-space indent, "name": value.
    return json.dumps(calls, ensure_ascii=False, indent=2)


def messages_v1_json():
    """The layout before 2.0.0: one JSON array; the app's own keys without "__"; MMS parts carry
    their data in base64 (`binary_data`); addresses in one `addresses` array."""
    import base64
    sms = sms_row(1, WANG, "1740842100000", "1", "今天必须还款")
    sms["display_name"] = "王经理"
    mms = {
        "_id": "5", "thread_id": "1", "date": "1740900000", "msg_box": "1", "m_type": "132",
        "addresses": [{"address": WANG, "type": "137", "charset": "106", "display_name": "王经理"},
                      {"address": ME, "type": "151", "charset": "106"}],
        "parts": [{"seq": "0", "ct": "image/jpeg", "name": "IMG_0001.jpg",
                   "_data": "/data/app_parts/PART_1740900000000",
                   "binary_data": base64.b64encode(PICTURE).decode()},
                  {"seq": "1", "ct": "text/plain", "text": "这是你家门口的照片"}],
    }
    return json.dumps([sms, mms], ensure_ascii=False, indent=2)


def imazing_csv():
    head = ("Chat Session,Message Date,Delivered Date,Read Date,Service,Type,Sender ID,Sender Name,"
            "Status,Replying to,Subject,Text,Attachment,Attachment type")
    rows = [
        "王经理,2025-03-01 23:15:00,,,SMS,Incoming,+8613712345678,王经理,Read,,,今晚12点前不还就联系你的紧急联系人,,",
        "王经理,2025-03-01 23:20:30,2025-03-01 23:20:31,,SMS,Outgoing,,,Delivered,,,下周一还,,",
        "王经理,2025-03-02 08:05:00,,,iMessage,Incoming,+8613712345678,王经理,Read,,,\"第一行\n第二行，\"\"引号\"\"\",,",
        "王经理,2025-03-02 08:06:00,,,iMessage,Notification,,,,,,王经理 命名了对话,,",
        "王经理,2025-03-02 09:00:00,,,iMessage,Incoming,+8613712345678,王经理,Read,,,,IMG_0002.jpeg,Image",
    ]
    return "\ufeff" + head + "\r\n" + "\r\n".join(rows) + "\r\n"


# The sms table as Android's MmsSmsDatabaseHelper creates it (the columns this fixture needs).
SMS_TABLE = """CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER,
date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1,
type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT, locked INTEGER DEFAULT 0,
sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT 0, creator TEXT, seen INTEGER DEFAULT 0)"""


def write_db(name, statements):
    path = os.path.join(OUT, name)
    if os.path.exists(path):
        os.remove(path)
    con = sqlite3.connect(path)
    for s, args in statements:
        con.execute(s, args)
    con.commit()
    con.execute("VACUUM")
    con.close()


def backup_sms(address, date, ty, body, date_sent="0", read="1"):
    """One SMS as TelephonyBackupAgent writes it: the row's columns as strings (no _id; thread_id
    replaced by the thread's recipients), the SIM's own number as self_phone."""
    return {"self_phone": ME, "recipients": [address], "address": address, "date": date,
            "date_sent": date_sent, "protocol": "0", "read": read, "status": "-1", "type": ty,
            "body": body, "locked": "0", "error_code": "0", "seen": "1"}


def backup_tar(tar_format):
    """The tar inside the backups: the provider's manifest, two SMS files, one text-MMS file and
    another app's file with a name longer than 100 bytes (a GNU long name or a pax path)."""
    sms0 = [
        backup_sms(WANG, "1740842100000", "1", "还款金额<500元不予受理 & 今晚12点前不还就联系你的\"紧急联系人\"。"),
        backup_sms("1069012345678", "1740880800000", "1", "【速借宝】李明，你已被列入催收名单，今日18点前不处理将上门核实。",
                   date_sent="1740880799000"),
        backup_sms(SHARED_SMS["address"], SHARED_SMS["date"], SHARED_SMS["type"], SHARED_SMS["body"]),
    ]
    sms1 = [backup_sms(WANG, "1740889800000", "3", "我下周一先还500")]
    mms0 = [{
        "self_phone": ME, "recipients": [WANG], "date": "1740900600", "date_sent": "1740900598", "msg_box": "1",
        "read": "1", "m_type": "132", "sub": "催收通知", "ct_t": "application/vnd.wap.multipart.related",
        "m_size": "512", "locked": "0", "seen": "1", "text_only": "1",
        "mms_addresses": [{"type": "137", "address": WANG, "charset": "106"},
                          {"type": "151", "address": ME, "charset": "106"}],
        "mms_body": "最后通牒：明天上午10点前还款，否则通知你单位", "mms_charset": "106",
    }]

    def deflated(rows):
        # JsonWriter output: compact, non-ASCII as is; DeflaterOutputStream = a zlib stream.
        return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(), 9)

    d = "apps/com.android.providers.telephony/"
    members = [
        (d + "_manifest", b"1\ncom.android.providers.telephony\n29\n10\n0\n"),
        (d + "d_f/000000_sms_backup", deflated(sms0)),
        (d + "d_f/000001_sms_backup", deflated(sms1)),
        (d + "d_f/000000_mms_backup", deflated(mms0)),
        ("apps/com.miui.notes/f/" + "备忘录" * 12 + ".txt", "三月五日 催收员又打了单位电话".encode()),
    ]
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tar_format) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1741248000, 0o600
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def main():
    ndjson = messages_ndjson()
    write_zip("smsie-messages.zip", [("messages.ndjson", ndjson), ("data/PART_1740900000000", PICTURE)])
    # A bare messages.ndjson (the zip unpacked by hand) whose second line is cut short.
    lines = ndjson.splitlines(keepends=True)
    broken = lines[0] + lines[1][:60] + "\n" + lines[2]
    with open(os.path.join(OUT, "smsie-broken.ndjson"), "w", encoding="utf-8") as f:
        f.write(broken)
    with open(os.path.join(OUT, "smsie-calls.json"), "w", encoding="utf-8") as f:
        f.write(calls_json())
    with open(os.path.join(OUT, "smsie-messages-v1.json"), "w", encoding="utf-8") as f:
        f.write(messages_v1_json())
    with open(os.path.join(OUT, "imazing.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(imazing_csv())
    insert = "INSERT INTO sms (_id, thread_id, address, date, date_sent, protocol, read, status, type, body, seen) " \
             "VALUES (?,?,?,?,?,?,?,?,?,?,?)"
    write_db("mmssms.db", [
        ("CREATE TABLE android_metadata (locale TEXT)", ()),
        ("INSERT INTO android_metadata VALUES ('zh_CN')", ()),
        (SMS_TABLE, ()),
        ("CREATE TABLE pdu (_id INTEGER PRIMARY KEY, thread_id INTEGER, date INTEGER, msg_box INTEGER)", ()),
        ("CREATE TABLE part (_id INTEGER PRIMARY KEY, mid INTEGER, seq INTEGER, ct TEXT, _data TEXT, text TEXT)", ()),
        ("CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, address TEXT, type INTEGER)", ()),
        (insert, (1, 1, WANG, 1740842100000, 1740842099000, 0, 1, -1, 1, "逾期三天，今天必须处理", 1)),
        (insert, (2, 1, SHARED_SMS["address"], int(SHARED_SMS["date"]), 0, 0, 1, -1, 2, SHARED_SMS["body"], 1)),
        (insert, (3, 2, "10690000123", 1740889800000, 0, 0, 1, 64, 5, "已经还了500，请查收", 1)),
        (insert, (4, 3, "95555", 1740900000000, 0, 0, 0, -1, 1, None, 1)),
    ])
    # adb backup: header, then zlib(tar) (pax names); MIUI: its five-line header in front of the
    # same (GNU long names), as miui.rs reads it.
    ab_header = b"ANDROID BACKUP\n5\n1\nnone\n"
    with open(os.path.join(OUT, "android-sms.ab"), "wb") as f:
        f.write(ab_header + zlib.compress(backup_tar(tarfile.PAX_FORMAT), 9))
    miui_header = "MIUI BACKUP\n2\ncom.android.providers.telephony 短信\n-1\n0\n".encode()
    with open(os.path.join(OUT, "miui-sms.bak"), "wb") as f:
        f.write(miui_header + ab_header + zlib.compress(backup_tar(tarfile.GNU_FORMAT), 9))
    write_db("not-sms.db", [
        ("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT, phone TEXT)", ()),
        ("INSERT INTO contacts VALUES (1, '王经理', '13712345678')", ()),
    ])


if __name__ == "__main__":
    main()
