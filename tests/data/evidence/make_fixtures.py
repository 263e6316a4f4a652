#!/usr/bin/env python3
"""Write the evidence-importer fixtures in this directory, with README.md and expected.json.

Standard library only and fully deterministic: every timestamp is fixed, nothing reads the clock
or a random source, and running the script twice gives byte-identical files. After writing, the
script re-reads every file with independent, minimal parsers (expat, csv, wave, hand-written box,
frame and marker walkers) and checks it against the facts it put in expected.json; it exits
non-zero if any check fails.

Usage:  python3 tests/data/evidence/make_fixtures.py [--no-check]

The formats follow docs/import-formats.md. Every value is invented.
"""

import base64
import csv
import hashlib
import io
import json
import os
import re
import struct
import sys
import wave
import xml.parsers.expat
from datetime import datetime, timedelta, timezone

OUT = os.path.dirname(os.path.abspath(__file__))
CST = timezone(timedelta(hours=8))  # Asia/Shanghai: UTC+8 all year, no DST since 1991
UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAC_EPOCH_OFFSET = 2082844800  # seconds from 1904-01-01T00:00:00Z to 1970-01-01T00:00:00Z

ME_NUMBER = "+8613900001111"  # the borrower's own number (MMS "To" address)

WRITTEN = {}  # file name -> bytes, filled by write()
EXPECTED = {}  # file name -> expected facts, goes to expected.json


# --------------------------------------------------------------------------------------------
# time helpers
# --------------------------------------------------------------------------------------------

def ms_at(y, mo, d, h, mi, s, milli=0):
    """Epoch ms of a wall-clock time in Asia/Shanghai."""
    return (datetime(y, mo, d, h, mi, s, tzinfo=CST) - EPOCH) // timedelta(milliseconds=1) + milli


def dt_utc(ms):
    return EPOCH + timedelta(milliseconds=ms)


def iso_local(ms):
    d = dt_utc(ms).astimezone(CST)
    spec = "milliseconds" if ms % 1000 else "seconds"
    return d.isoformat(timespec=spec)


def iso_utc(ms):
    spec = "milliseconds" if ms % 1000 else "seconds"
    return dt_utc(ms).isoformat(timespec=spec).replace("+00:00", "Z")


def wall(ms, fmt="%Y-%m-%d %H:%M:%S"):
    return dt_utc(ms).astimezone(CST).strftime(fmt)


def zh_readable(ms):
    """SB&R readable_date as a zh-CN Android device might print it (display only)."""
    d = dt_utc(ms).astimezone(CST)
    ampm = "上午" if d.hour < 12 else "下午"
    h12 = d.hour % 12 or 12
    return f"{d.year}年{d.month}月{d.day}日 {ampm}{h12}:{d.minute:02d}:{d.second:02d}"


def tfacts(ms):
    return {"epoch_ms": ms, "utc": iso_utc(ms), "local": iso_local(ms)}


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    WRITTEN[name] = data


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def national(number):
    """Digits of a Chinese number without +86/0086, for the README's 'same party' hints."""
    d = re.sub(r"\D", "", number)
    if d.startswith("0086"):
        d = d[4:]
    elif d.startswith("86") and len(d) == 13:
        d = d[2:]
    return d


def codepoints(s):
    return [f"U+{ord(c):04X}" for c in s if ord(c) > 0xFFFF]


def xattr(s, astral="utf8"):
    """Escape a string for an XML attribute the way SB&R output looks.

    astral: how characters outside the BMP are written: 'utf8' (directly), 'dec' (two decimal
    surrogate references, &#55357;&#56834;) or 'hex' (&#xD83D;&#xDE02;)."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == "&":
            out.append("&amp;")
        elif ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == '"':
            out.append("&quot;")
        elif ch == "\n":
            out.append("&#10;")
        elif ch == "\r":
            out.append("&#13;")
        elif ch == "\t":
            out.append("&#9;")
        elif o > 0xFFFF and astral != "utf8":
            v = o - 0x10000
            hi, lo = 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)
            out.append(f"&#{hi};&#{lo};" if astral == "dec" else f"&#x{hi:X};&#x{lo:X};")
        else:
            out.append(ch)
    return "".join(out)


def attrs(pairs):
    """pairs: list of (name, raw_xml_value or None). None means the attribute is absent."""
    return " ".join(f'{k}="{v}"' for k, v in pairs if v is not None)


# --------------------------------------------------------------------------------------------
# JPEG: a minimal baseline encoder for flat 8x8 blocks (DC only, exact integer arithmetic)
# --------------------------------------------------------------------------------------------

ZIGZAG = [0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34,
          27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44,
          51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63]
QT_LUMA = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57,
           69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64,
           81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99]
DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]
DC_VALS = list(range(12))
AC_BITS = [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7D]
AC_VALS = [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52, 0xD1, 0xF0,
    0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0A, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x25, 0x26, 0x27, 0x28,
    0x29, 0x2A, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
    0x4A, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
    0x6A, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
    0x8A, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7,
    0xA8, 0xA9, 0xAA, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xC2, 0xC3, 0xC4, 0xC5,
    0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xE1, 0xE2,
    0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8,
    0xF9, 0xFA]
assert sum(AC_BITS) == len(AC_VALS) == 162
assert sorted(AC_VALS) == sorted([0x00, 0xF0] + [(r << 4) | s for r in range(16) for s in range(1, 11)])


def huff_codes(bits, vals):
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(bits[length - 1]):
            codes[vals[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


def segment(marker, payload):
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def jpeg_flat_gray(width, height, levels, app_segments):
    """Baseline grayscale JPEG of flat 8x8 blocks. levels: one gray value per block, raster order.
    The DC coefficient of a flat block is 8*(v-128), quantised by 16, so v must be even: the
    encoding is then exact and a decoder gives back exactly v."""
    bw, bh = width // 8, height // 8
    assert width % 8 == 0 and height % 8 == 0 and len(levels) == bw * bh
    dc = huff_codes(DC_BITS, DC_VALS)
    ac = huff_codes(AC_BITS, AC_VALS)
    acc, nbits, out = 0, 0, bytearray()

    def put(code, length):
        nonlocal acc, nbits
        acc = (acc << length) | code
        nbits += length
        while nbits >= 8:
            nbits -= 8
            byte = (acc >> nbits) & 0xFF
            out.append(byte)
            if byte == 0xFF:
                out.append(0x00)  # byte stuffing
        acc &= (1 << nbits) - 1

    pred = 0
    for v in levels:
        assert v % 2 == 0 and 0 <= v <= 254
        q = (8 * (v - 128)) // QT_LUMA[0]
        diff, pred = q - pred, q
        size = abs(diff).bit_length()
        put(*dc[size])
        if size:
            put(diff if diff > 0 else diff + (1 << size) - 1, size)
        put(*ac[0x00])  # EOB: all 63 AC coefficients are zero
    if nbits:
        put((1 << (8 - nbits)) - 1, 8 - nbits)  # pad with 1-bits

    dqt = bytes([0x00]) + bytes(QT_LUMA[z] for z in ZIGZAG)
    sof = struct.pack(">BHHB", 8, height, width, 1) + bytes([1, 0x11, 0])
    dht = (bytes([0x00]) + bytes(DC_BITS) + bytes(DC_VALS)
           + bytes([0x10]) + bytes(AC_BITS) + bytes(AC_VALS))
    sos = bytes([1, 1, 0x00, 0, 63, 0])
    return (b"\xFF\xD8" + b"".join(app_segments) + segment(0xDB, dqt) + segment(0xC0, sof)
            + segment(0xC4, dht) + segment(0xDA, sos) + bytes(out) + b"\xFF\xD9")


def jfif_app0():
    return segment(0xE0, b"JFIF\x00" + bytes([1, 1, 0]) + struct.pack(">HH", 1, 1) + b"\x00\x00")


def tiff_ifd(entries, start):
    """Little-endian IFD at offset `start` (from the TIFF header). entries: (tag, type, count,
    value bytes) with value already little-endian. Returns the IFD bytes + its data area."""
    entries = sorted(entries)
    n = len(entries)
    data_off = start + 2 + 12 * n + 4
    head, data = struct.pack("<H", n), bytearray()
    for tag, typ, count, value in entries:
        if len(value) <= 4:
            head += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\x00")
        else:
            head += struct.pack("<HHII", tag, typ, count, data_off + len(data))
            data += value
            if len(data) % 2:
                data += b"\x00"
    head += struct.pack("<I", 0)  # no next IFD
    return head + bytes(data)


def ascii_tag(tag, text):
    b = text.encode("ascii") + b"\x00"
    return (tag, 2, len(b), b)


def exif_app1(dto, offset):
    """APP1 'Exif' with IFD0 (Make, Model, Orientation, DateTime, ExifIFD pointer) and an Exif
    sub-IFD (ExifVersion, DateTimeOriginal, DateTimeDigitized, OffsetTime*)."""
    ifd0_entries = [ascii_tag(0x010F, "yuqi-fixture"), ascii_tag(0x0110, "FakeCam 1"),
                    (0x0112, 3, 1, struct.pack("<H", 1)), ascii_tag(0x0132, dto),
                    (0x8769, 4, 1, b"\x00\x00\x00\x00")]
    size0 = len(tiff_ifd(ifd0_entries, 8))
    exif_start = 8 + size0
    ifd0_entries[-1] = (0x8769, 4, 1, struct.pack("<I", exif_start))
    ifd0 = tiff_ifd(ifd0_entries, 8)
    assert len(ifd0) == size0
    exif = tiff_ifd([(0x9000, 7, 4, b"0232"), ascii_tag(0x9003, dto), ascii_tag(0x9004, dto),
                     ascii_tag(0x9010, offset), ascii_tag(0x9011, offset),
                     ascii_tag(0x9012, offset)], exif_start)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd0 + exif
    return segment(0xE1, b"Exif\x00\x00" + tiff)


# --------------------------------------------------------------------------------------------
# SB&R XML
# --------------------------------------------------------------------------------------------

SBR_HEAD = [
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
    "<!--File Created By SMS Backup & Restore v10.20.001 on 06/03/2025 20:00:00-->",
    '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>',
]
BACKUP_DATE = ms_at(2025, 3, 6, 20, 0, 0)


def sms_line(r):
    """r: dict describing one <sms>. Returns the element as one line."""
    body_xml = r.get("body_xml") or xattr(r["body"], r.get("astral", "utf8"))
    opt = r.get("optional", True)
    pairs = [
        ("protocol", "0"), ("address", xattr(r["address"]) if r["address"] is not None else None),
        ("date", r.get("date_raw", str(r["date"]))), ("type", str(r["type"])),
        ("subject", "null"), ("body", body_xml), ("toa", "null"), ("sc_toa", "null"),
        ("service_center", r.get("service_center", "null")), ("read", str(r.get("read", 1))),
        ("status", str(r.get("status", -1))), ("locked", "0"),
        ("date_sent", str(r.get("date_sent", 0))),
        ("sub_id", "1" if opt else None),
        ("readable_date", zh_readable(r["date"]) if opt and isinstance(r["date"], int) else
         (r.get("readable_date") if opt else None)),
        ("contact_name", xattr(r.get("contact_name", "(Unknown)")) if opt else None),
    ]
    return "  <sms " + attrs(pairs) + " />"


def sms_expect(r, index, line):
    direction = {1: "in", 2: "out", 3: "out", 4: "out", 5: "out", 6: "out"}[r["type"]]
    cn = r.get("contact_name", "(Unknown)") if r.get("optional", True) else None
    e = {"index": index, "line": line, "kind": "sms", "address": r["address"],
         "address_national": national(r["address"]),
         "type": r["type"], "direction": direction, "not_delivered": r["type"] >= 3,
         "time": tfacts(r["date"]), "body": r["body"],
         "contact_name": None if cn in (None, "(Unknown)") else cn,
         "service_center": None if r.get("service_center", "null") == "null" else r["service_center"],
         "date_sent_ms": r.get("date_sent", 0) or None,
         "astral_code_points": codepoints(r["body"]),
         "astral_written_as": r.get("astral", "utf8") if codepoints(r["body"]) else None}
    if not r.get("optional", True):
        e["absent_optional_attributes"] = ["sub_id", "readable_date", "contact_name"]
    return e


def smses_open(count):
    return (f'<smses count="{count}" backup_set="4b7e0c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b" '
            f'backup_date="{BACKUP_DATE}" type="full">')


COLLECTOR = "+8613712345678"  # "王经理", an ordinary mobile used by a collector

JPEG_NOTICE = jpeg_flat_gray(8, 8, [64], [jfif_app0()])
JPEG_RECEIPT = jpeg_flat_gray(8, 8, [192], [jfif_app0()])


def build_sms_basic():
    S = []  # (record dict) in file order; mms handled separately
    S.append(dict(address="1069012345678", date=ms_at(2025, 3, 1, 9, 0, 5, 123), type=1,
                  body="【速借宝】尊敬的李明，您的借款已逾期3天，应还1,234.56元，请于今日内还款。\n回T退订",
                  service_center="+8613800755500", date_sent=ms_at(2025, 3, 1, 9, 0, 3)))
    S.append(dict(address="95730", date=ms_at(2025, 3, 1, 10, 15, 0), type=1,
                  body="【某某消费金融】您尾号6789的账户已逾期，逾期金额3,000.00元 & 罚息120.00元，详询95730。",
                  service_center="+8613800210500", contact_name="某某消费金融"))
    S.append(dict(address=COLLECTOR, date=ms_at(2025, 3, 1, 23, 15, 0), type=1,
                  body='还款金额<500元不予受理 & 今晚12点前不还就联系你的"紧急联系人"。',
                  service_center="+8613800755500", contact_name="王经理"))
    S.append(dict(address=COLLECTOR, date=ms_at(2025, 3, 1, 23, 20, 30, 456), type=2,
                  body="下周一还 \U0001F602", astral="dec", contact_name="王经理"))
    S.append(dict(address=COLLECTOR, date=ms_at(2025, 3, 2, 8, 5, 0), type=2,
                  body="求求你们别再打我家人电话了\U0001F64F 我会还的", contact_name="王经理"))
    S.append(dict(address="17098765432", date=ms_at(2025, 3, 2, 2, 13, 44, 789), type=1,
                  body="你不还钱，明天就把你的通讯录全部打一遍。\n\n——法务部",
                  service_center="+8613010888500"))
    S.append(dict(address="+86 139 1234 5678", date=ms_at(2025, 3, 2, 9, 40, 0), type=1,
                  body="李明你好，我是你同事张华，催收的人打电话到我们公司了，你赶紧处理一下。",
                  service_center="+8613800755500", contact_name="张华"))
    S.append(dict(address="10690000888", date=ms_at(2025, 3, 2, 12, 0, 0), type=1,
                  body="【速借宝】您的案件已移交法务部门，将于3个工作日内上门核实。",
                  service_center="+8613800755500", optional=False))
    S.append(dict(address="13712345678", date=ms_at(2025, 3, 2, 12, 30, 0), type=5,
                  body="已经还了500，请查收", status=64, contact_name="王经理"))
    S.append(dict(address="1069012345678", date=ms_at(2025, 3, 3, 21, 45, 10, 999), type=1,
                  body="【速借宝】点击 https://example.com/pay?uid=123&t=9 立即还款，逾期将影响征信>_<",
                  service_center="+8613800755500", date_sent=ms_at(2025, 3, 3, 21, 45, 9)))
    S.append(dict(address=COLLECTOR, date=ms_at(2025, 3, 4, 10, 20, 0), type=1,
                  body="律师函已发出，请注意查收\U0001F4E8", astral="hex",
                  service_center="+8613800755500", contact_name="王经理"))
    S.append(dict(S[2]))  # record 12: exact duplicate of record 3 (same element, same line text)

    lines = SBR_HEAD + [smses_open(len(S) + 2)]
    recs = []
    for i, r in enumerate(S, 1):
        lines.append(sms_line(r))
        recs.append(sms_expect(r, i, len(lines)))
    recs[11]["duplicate_of"] = 3
    assert lines[-1] == lines[4 + 2]  # byte-identical to record 3

    # ---- MMS 13: incoming lawyer's letter with a picture
    mms13_ms = ms_at(2025, 3, 4, 10, 16, 0)
    smil = ('<smil><head><layout><root-layout/><region id="Image" top="0" left="0" height="80%" '
            'width="100%"/><region id="Text" top="80%" left="0" height="20%" width="100%"/>'
            '</layout></head><body><par dur="5000ms"><img src="notice.jpg" region="Image"/>'
            '<text src="text_0.txt" region="Text"/></par></body></smil>')
    text13 = "律师函，请查收。逾期不处理将依法起诉。"
    start13 = len(lines) + 1
    lines += [
        "  <mms " + attrs([
            ("date", str(mms13_ms)), ("rr", "129"), ("sub", "null"), ("ct_t", "application/vnd.wap.multipart.related"),
            ("read_status", "null"), ("seen", "1"), ("msg_box", "1"), ("address", COLLECTOR),
            ("sub_cs", "null"), ("resp_st", "null"), ("retr_st", "null"), ("d_tm", "null"),
            ("text_only", "0"), ("exp", "null"), ("locked", "0"), ("m_id", "mavodi-1-8d-2a5-1-a00-1a2b3c4d5e6f"),
            ("st", "null"), ("retr_txt_cs", "null"), ("retr_txt", "null"), ("creator", "com.android.mms"),
            ("date_sent", str(mms13_ms - 2000)), ("read", "1"), ("m_size", str(len(JPEG_NOTICE) + 200)),
            ("rpt_a", "null"), ("ct_cls", "null"), ("pri", "129"), ("sub_id", "1"), ("tr_id", "T19a2b3c4d5e"),
            ("resp_txt", "null"), ("ct_l", "null"), ("m_cls", "personal"), ("d_rpt", "129"), ("v", "18"),
            ("m_type", "132"), ("readable_date", zh_readable(mms13_ms)), ("contact_name", "王经理")]) + ">",
        "    <parts>",
        "      <part " + attrs([("seq", "-1"), ("ct", "application/smil"), ("name", "null"), ("chset", "null"),
                                ("cd", "null"), ("fn", "null"), ("cid", "&lt;smil&gt;"), ("cl", "smil.xml"),
                                ("ctt_s", "null"), ("ctt_t", "null"), ("text", xattr(smil))]) + " />",
        "      <part " + attrs([("seq", "0"), ("ct", "image/jpeg"), ("name", "notice.jpg"), ("chset", "null"),
                                ("cd", "null"), ("fn", "null"), ("cid", "&lt;notice&gt;"), ("cl", "notice.jpg"),
                                ("ctt_s", "null"), ("ctt_t", "null"), ("text", "null"),
                                ("data", base64.b64encode(JPEG_NOTICE).decode())]) + " />",
        "      <part " + attrs([("seq", "1"), ("ct", "text/plain"), ("name", "null"), ("chset", "106"),
                                ("cd", "null"), ("fn", "null"), ("cid", "&lt;text_0&gt;"), ("cl", "text_0.txt"),
                                ("ctt_s", "null"), ("ctt_t", "null"), ("text", xattr(text13))]) + " />",
        "    </parts>",
        "    <addrs>",
        f'      <addr address="{COLLECTOR}" type="137" charset="106" />',
        f'      <addr address="{ME_NUMBER}" type="151" charset="106" />',
        "    </addrs>",
        "  </mms>",
    ]
    # ---- MMS 14: outgoing reply with a receipt picture; date written as 10-digit epoch SECONDS
    mms14_ms = ms_at(2025, 3, 4, 12, 0, 0)
    text14 = "收到，我会尽快联系你们协商分期。附转账截图。"
    start14 = len(lines) + 1
    lines += [
        "  <mms " + attrs([
            ("date", str(mms14_ms // 1000)), ("rr", "129"), ("sub", "null"),
            ("ct_t", "application/vnd.wap.multipart.related"), ("read_status", "null"), ("seen", "1"),
            ("msg_box", "2"), ("address", COLLECTOR), ("sub_cs", "null"), ("resp_st", "128"),
            ("retr_st", "null"), ("d_tm", "null"), ("text_only", "0"), ("exp", "604800"), ("locked", "0"),
            ("m_id", "null"), ("st", "null"), ("retr_txt_cs", "null"), ("retr_txt", "null"),
            ("creator", "com.android.mms"), ("date_sent", "0"), ("read", "1"),
            ("m_size", str(len(JPEG_RECEIPT) + 150)), ("rpt_a", "null"), ("ct_cls", "null"), ("pri", "129"),
            ("sub_id", "1"), ("tr_id", "T19a2b3c4d60"), ("resp_txt", "null"), ("ct_l", "null"),
            ("m_cls", "personal"), ("d_rpt", "129"), ("v", "18"), ("m_type", "128"),
            ("readable_date", zh_readable(mms14_ms)), ("contact_name", "王经理")]) + ">",
        "    <parts>",
        "      <part " + attrs([("seq", "0"), ("ct", "text/plain"), ("name", "null"), ("chset", "106"),
                                ("cd", "null"), ("fn", "null"), ("cid", "&lt;text_0&gt;"), ("cl", "text_0.txt"),
                                ("ctt_s", "null"), ("ctt_t", "null"), ("text", xattr(text14))]) + " />",
        "      <part " + attrs([("seq", "1"), ("ct", "image/jpeg"), ("name", "null"), ("chset", "null"),
                                ("cd", "null"), ("fn", "null"), ("cid", "&lt;receipt&gt;"), ("cl", "receipt.jpg"),
                                ("ctt_s", "null"), ("ctt_t", "null"), ("text", "null"),
                                ("data", base64.b64encode(JPEG_RECEIPT).decode())]) + " />",
        "    </parts>",
        "    <addrs>",
        '      <addr address="insert-address-token" type="137" charset="106" />',
        f'      <addr address="{COLLECTOR}" type="151" charset="106" />',
        "    </addrs>",
        "  </mms>",
        "</smses>",
    ]
    recs.append({"index": 13, "line": start13, "kind": "mms", "msg_box": 1, "m_type": 132,
                 "direction": "in", "address": COLLECTOR, "from": COLLECTOR, "to": [ME_NUMBER],
                 "time": tfacts(mms13_ms), "date_written_as": "epoch_ms", "contact_name": "王经理",
                 "text": text13, "skipped_smil_parts": 1,
                 "attachments": [{"seq": 0, "ct": "image/jpeg", "name": "notice.jpg", "bytes": len(JPEG_NOTICE),
                                  "sha256": sha256(JPEG_NOTICE), "jpeg": "8x8 grayscale, flat gray 64"}]})
    recs.append({"index": 14, "line": start14, "kind": "mms", "msg_box": 2, "m_type": 128,
                 "direction": "out", "address": COLLECTOR, "from": "insert-address-token (me)",
                 "to": [COLLECTOR], "time": tfacts(mms14_ms),
                 "date_written_as": "epoch_s (10 digits: %d)" % (mms14_ms // 1000),
                 "contact_name": "王经理", "text": text14, "skipped_smil_parts": 0,
                 "attachments": [{"seq": 1, "ct": "image/jpeg", "name": "receipt.jpg (from cl; name is null)",
                                  "bytes": len(JPEG_RECEIPT), "sha256": sha256(JPEG_RECEIPT),
                                  "jpeg": "8x8 grayscale, flat gray 192"}]})
    write("sms-basic.xml", "\n".join(lines) + "\n")
    EXPECTED["sms-basic.xml"] = {
        "format": "sbr_sms_xml",
        "strict_xml_parse_of_raw_bytes": "fails (surrogate character references); must pass after rewriting them",
        "count_attribute": 14,
        "records": {"sms": 12, "mms": 2, "total": 14},
        "unique_records": 13,
        "duplicates": [{"index": 12, "line": recs[11]["line"], "duplicate_of_index": 3,
                        "duplicate_of_line": recs[2]["line"],
                        "key": "(date, address, type, body) all equal; the two lines are byte-identical"}],
        "malformed": [],
        "surrogate_references": [
            {"index": 4, "line": recs[3]["line"], "written": "&#55357;&#56834;", "code_point": "U+1F602"},
            {"index": 11, "line": recs[10]["line"], "written": "&#xD83D;&#xDCE8;", "code_point": "U+1F4E8"}],
        "direct_utf8_astral": [{"index": 5, "line": recs[4]["line"], "code_point": "U+1F64F"}],
        "messages": recs,
    }


def build_sms_huge():
    unit = "【催收通知】您的借款已严重逾期，请立即还款，否则后果自负。"
    assert all(len(c.encode()) == 3 for c in unit)
    n = 300_000
    huge = (unit * (n // len(unit) + 1))[:n]
    R = [dict(address="1069012345678", date=ms_at(2025, 3, 5, 8, 0, 0), type=1,
              body="【速借宝】今日为最后还款日。", service_center="+8613800755500"),
         dict(address="1069012345678", date=ms_at(2025, 3, 5, 8, 0, 1), type=1, body=huge,
              service_center="+8613800755500"),
         dict(address=COLLECTOR, date=ms_at(2025, 3, 5, 8, 30, 0), type=2, body="收到",
              contact_name="王经理")]
    lines = SBR_HEAD + [smses_open(3)]
    recs = []
    for i, r in enumerate(R, 1):
        lines.append(sms_line(r))
        e = sms_expect(r, i, len(lines))
        if i == 2:
            e["body"] = None
            e["body_chars"] = n
            e["body_utf8_bytes"] = len(huge.encode())
            e["body_sha256"] = sha256(huge.encode())
            e["body_starts_with"] = huge[:30]
        recs.append(e)
    lines.append("</smses>")
    write("sms-huge-body.xml", "\n".join(lines) + "\n")
    EXPECTED["sms-huge-body.xml"] = {
        "format": "sbr_sms_xml", "count_attribute": 3, "records": {"sms": 3, "mms": 0, "total": 3},
        "unique_records": 3, "duplicates": [], "malformed": [],
        "longest_attribute_bytes": len(huge.encode()), "messages": recs}


def five_records():
    return [
        dict(address="1069012345678", date=ms_at(2025, 3, 6, 9, 0, 0), type=1,
             body="【速借宝】您已逾期5天。", service_center="+8613800755500"),
        dict(address=COLLECTOR, date=ms_at(2025, 3, 6, 9, 5, 0), type=1,
             body="今天不还就上门。", service_center="+8613800755500", contact_name="王经理"),
        dict(address=COLLECTOR, date=ms_at(2025, 3, 6, 9, 6, 0), type=2,
             body="别上门，我周五还。", contact_name="王经理"),
        dict(address="95730", date=ms_at(2025, 3, 6, 9, 30, 0), type=1,
             body="【某某消费金融】请于3月10日前还款。", service_center="+8613800210500",
             contact_name="某某消费金融"),
        dict(address="17098765432", date=ms_at(2025, 3, 6, 23, 50, 0), type=1,
             body="最后通牒：明早九点前不还，后果自负！联系你全部通讯录，说到做到。",
             service_center="+8613010888500"),
    ]


def build_sms_broken():
    R = five_records()
    bad = dict(R[2])
    bad["date_raw"] = "abc"
    R[2] = bad
    lines = SBR_HEAD + [smses_open(5)]
    recs = []
    for i, r in enumerate(R, 1):
        lines.append(sms_line(r))
        e = sms_expect(r, i, len(lines))
        if i == 3:
            e = {"index": 3, "line": len(lines), "kind": "sms", "malformed": True,
                 "reason": 'date="abc" is not a number', "address": r["address"],
                 "body": r["body"], "readable_date_still_present": zh_readable(r["date"])}
        recs.append(e)
    lines.append("</smses>")
    write("sms-broken-record.xml", "\n".join(lines) + "\n")
    EXPECTED["sms-broken-record.xml"] = {
        "format": "sbr_sms_xml", "well_formed_xml": True, "count_attribute": 5,
        "records": {"sms": 5, "mms": 0, "total": 5}, "valid_records": 4,
        "unique_records": 4, "duplicates": [],
        "malformed": [{"index": 3, "line": recs[2]["line"], "attribute": "date", "value": "abc"}],
        "messages": recs}


def build_sms_truncated():
    R = five_records()
    lines = SBR_HEAD + [smses_open(5)]
    recs = []
    for i, r in enumerate(R, 1):
        lines.append(sms_line(r))
        recs.append(sms_expect(r, i, len(lines)))
    text = "\n".join(lines) + "\n"
    full = text.encode()
    last_line = lines[-1]
    cut_in_line = last_line.index("后果自负")  # character position inside record 5's body
    rec5_start = len(("\n".join(lines[:-1]) + "\n").encode())
    cut = rec5_start + len(last_line[:cut_in_line].encode())
    data = full[:cut]
    data.decode("utf-8")  # the cut is on a character boundary: the damage is XML-level only
    write("sms-truncated.xml", data)
    rec4_end = rec5_start - 1  # offset of the '\n' after record 4
    try:
        xml.parsers.expat.ParserCreate().Parse(data, True)
        expat_error = None
    except xml.parsers.expat.ExpatError as err:
        expat_error = str(err)
    EXPECTED["sms-truncated.xml"] = {
        "format": "sbr_sms_xml", "well_formed_xml": False, "count_attribute": 5,
        "complete_records": 4, "records": {"sms": 4, "mms": 0, "total": 4},
        "unique_records": 4, "duplicates": [], "malformed": [],
        "truncation": {"file_bytes": len(data), "eof_offset": len(data),
                       "last_complete_record_index": 4, "last_complete_record_line": recs[3]["line"],
                       "last_complete_record_end_offset": rec4_end,
                       "partial_record_index": 5, "partial_record_line": recs[4]["line"],
                       "partial_record_start_offset": rec5_start,
                       "cut_inside": "body attribute value of record 5, after '%s'" % last_line[:cut_in_line][-12:],
                       "cut_on_utf8_boundary": True, "closing_tag_present": False,
                       "last_line_number": data.count(b"\n") + 1, "expat_error": expat_error},
        "messages": recs[:4]}


def build_calls():
    C = [
        dict(number=COLLECTOR, duration=65, date=ms_at(2025, 3, 1, 10, 2, 11), type=1, presentation=1, name="王经理"),
        dict(number="13712345678", duration=12, date=ms_at(2025, 3, 1, 10, 30, 0), type=2, presentation=1, name="王经理"),
        dict(number="02161234567", duration=0, date=ms_at(2025, 3, 1, 22, 47, 3, 250), type=3, presentation=1, name="(Unknown)"),
        dict(number="17098765432", duration=0, date=ms_at(2025, 3, 2, 2, 14, 30), type=3, presentation=1, name="null"),
        dict(number="17098765432", duration=0, date=ms_at(2025, 3, 2, 2, 15, 10), type=5, presentation=1, name="(Unknown)"),
        dict(number="4008123456", duration=0, date=ms_at(2025, 3, 2, 7, 0, 0), type=6, presentation=1, name="null"),
        dict(number="", duration=40, date=ms_at(2025, 3, 2, 13, 1, 2), type=1, presentation=2, name="null"),
        dict(number=COLLECTOR, duration=1830, date=ms_at(2025, 3, 3, 19, 0, 0), type=2, presentation=1, name="王经理"),
        dict(number="95730", duration=95, date=ms_at(2025, 3, 4, 9, 0, 0), type=10, presentation=1, name="某某消费金融"),
    ]
    dirmap = {1: "in", 2: "out", 3: "missed", 5: "rejected", 6: "blocked"}
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
             "<!--File Created By SMS Backup & Restore v10.20.001 on 06/03/2025 20:00:00-->",
             '<?xml-stylesheet type="text/xsl" href="calls.xsl"?>',
             f'<calls count="{len(C)}" backup_set="9a8b7c6d-1e2f-4a3b-9c4d-5e6f7a8b9c0d" '
             f'backup_date="{BACKUP_DATE}" type="full">']
    recs = []
    for i, c in enumerate(C, 1):
        lines.append("  <call " + attrs([
            ("number", xattr(c["number"])), ("duration", str(c["duration"])), ("date", str(c["date"])),
            ("type", str(c["type"])), ("presentation", str(c["presentation"])), ("subscription_id", "1"),
            ("post_dial_digits", ""), ("subscription_component_name",
                                       "com.android.phone/com.android.services.telephony.TelephonyConnectionService"),
            ("readable_date", zh_readable(c["date"])), ("contact_name", xattr(c["name"]))]) + " />")
        recs.append({"index": i, "line": len(lines), "number": c["number"] or None,
                     "number_national": national(c["number"]) or None,
                     "type": c["type"], "direction": dirmap.get(c["type"], "other"),
                     "duration_s": c["duration"], "duration_ms": c["duration"] * 1000,
                     "presentation": c["presentation"], "hidden_caller": c["presentation"] != 1,
                     "contact_name": None if c["name"] in ("null", "(Unknown)") else c["name"],
                     "time": tfacts(c["date"])})
    lines.append("</calls>")
    write("calls.xml", "\n".join(lines) + "\n")
    EXPECTED["calls.xml"] = {
        "format": "sbr_calls_xml", "count_attribute": len(C), "records": {"call": len(C), "total": len(C)},
        "unique_records": len(C), "duplicates": [], "malformed": [],
        "by_direction": {d: sum(1 for r in recs if r["direction"] == d)
                         for d in ["in", "out", "missed", "rejected", "blocked", "other"]},
        "total_duration_s": sum(c["duration"] for c in C),
        "durations_ms": [c["duration"] * 1000 for c in C], "calls": recs}


# --------------------------------------------------------------------------------------------
# CSV exports
# --------------------------------------------------------------------------------------------

def csv_text(rows, lineterminator="\r\n"):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerows(rows)
    return buf.getvalue()


def build_calllog():
    # (number, name, type cell, time cell, duration cell) + expected facts
    t = ms_at
    rows = [
        ("13712345678", "王经理", "呼入", "2025-03-01 10:02:11", "65", t(2025, 3, 1, 10, 2, 11), "in", 65, None),
        ("13712345678", "王经理", "呼出", "2025/3/1 10:30", "12", t(2025, 3, 1, 10, 30, 0), "out", 12, None),
        ("021-61234567", "", "未接", "2025-03-01 22:47:03", "0", t(2025, 3, 1, 22, 47, 3), "missed", 0, None),
        ("17098765432", "", "未接", "2025年3月2日 02:14:30", "N/A", t(2025, 3, 2, 2, 14, 30), "missed", 0,
         "duration N/A -> 0 with a warning"),
        ("17098765432", "", "拒接", str(t(2025, 3, 2, 2, 15, 10)), "0", t(2025, 3, 2, 2, 15, 10), "rejected", 0,
         "time is epoch ms (13 digits)"),
        ("4008123456", "催收,勿接", "拦截", str(t(2025, 3, 2, 7, 0, 0) // 1000), "0", t(2025, 3, 2, 7, 0, 0),
         "blocked", 0, "time is epoch s (10 digits); name contains a comma (quoted)"),
        ("+86 137 1234 5678", "王经理", "呼入", "2025-03-03 18:20:05", "1分05秒", t(2025, 3, 3, 18, 20, 5), "in", 65, None),
        ("13712345678", "王经理", "呼出", "2025-03-03 19:00:00", "0:30:30", t(2025, 3, 3, 19, 0, 0), "out", 1830,
         "H:MM:SS"),
        ("95730", "某某消费金融", "来电", "2025-03-04 09:00:00", "02:03", t(2025, 3, 4, 9, 0, 0), "in", 123, "MM:SS"),
        ("13712345678", "王经理", "去电", "2025-03-04 20:00:00", "1小时2分3秒", t(2025, 3, 4, 20, 0, 0), "out", 3723, None),
    ]
    zh_head = ["号码", "姓名", "类型", "时间", "时长"]
    en_head = ["number", "name", "type", "date", "duration"]
    body = [list(r[:5]) for r in rows]
    write("calllog.csv", "\ufeff" + csv_text([zh_head] + body))
    gb = csv_text([en_head] + body).encode("gb18030")
    write("calllog-gb18030.csv", gb)
    recs = []
    for i, r in enumerate(rows, 1):
        recs.append({"row": i, "line": i + 1, "number": r[0], "number_national": national(r[0]),
                     "name": r[1] or None, "type_cell": r[2], "direction": r[6], "time_cell": r[3],
                     "time": tfacts(r[5]), "duration_cell": r[4], "duration_s": r[7],
                     "warnings": ["duration N/A"] if r[4] == "N/A" else [], "note": r[8]})
    common = {"records": {"call": len(rows), "total": len(rows)}, "unique_records": len(rows),
              "duplicates": [], "malformed": [], "delimiter": ",",
              "line_ending": "CRLF after each row (no quoted field spans lines here)",
              "durations_ms": [r[7] * 1000 for r in rows],
              "column_map": None, "calls": recs}
    EXPECTED["calllog.csv"] = dict(common, format="call_log_csv", encoding="utf-8 with BOM",
                                   header=zh_head,
                                   column_map={"号码": "number", "姓名": "name", "类型": "direction",
                                               "时间": "time", "时长": "duration_s"})
    EXPECTED["calllog-gb18030.csv"] = dict(common, format="call_log_csv",
                                           encoding="gb18030 (no BOM; strict UTF-8 decoding fails)",
                                           header=en_head,
                                           column_map={"number": "number", "name": "name", "type": "direction",
                                                       "date": "time", "duration": "duration_s"},
                                           same_records_as="calllog.csv")


# The WeChat conversation shared by the three WeChat fixtures.
WX_COLLECTOR = "wxid_w4ngjl9k2x"
WX_ME = "wxid_lm2025a"
TRANSFER_TS = ms_at(2025, 3, 5, 9, 35, 12) // 1000
WX_MSGS = [
    # (create_time_s, is_sender, kind, text)
    (ms_at(2025, 3, 5, 9, 29, 30) // 1000, 0, "system", "你已添加了王经理，现在可以开始聊天了。"),
    (ms_at(2025, 3, 5, 9, 30, 0) // 1000, 0, "text", "李明，今天下午五点前必须还款，否则后果自负。"),
    (ms_at(2025, 3, 5, 9, 31, 20) // 1000, 1, "text", '工资还没发，"下周一"一定还,\n先还一部分行吗？'),
    (TRANSFER_TS, 1, "transfer", None),
    (ms_at(2025, 3, 5, 9, 40, 0) // 1000, 0, "text", "收到500，剩余1,234.56元明天必须结清。"),
    (ms_at(2025, 3, 5, 23, 5, 0) // 1000, 0, "text", "不还钱明天就去你单位找你领导。"),
]
WX_SVRID = [7012345678901234501 + i for i in range(len(WX_MSGS))]
TRANSFER_XML = (
    '<msg><appmsg appid="" sdkver=""><title><![CDATA[微信转账]]></title>'
    '<des><![CDATA[收到转账500.00元。如需收钱，请点此升级至最新版本]]></des><action /><type>2000</type>'
    '<content><![CDATA[]]></content><wcpayinfo><paysubtype>1</paysubtype>'
    '<feedesc><![CDATA[¥500.00]]></feedesc>'
    '<transcationid><![CDATA[53010000000000000000000000000001]]></transcationid>'
    '<transferid><![CDATA[1000050000000000000000000000001]]></transferid>'
    f'<invalidtime><![CDATA[{TRANSFER_TS + 86400}]]></invalidtime>'
    f'<begintransfertime><![CDATA[{TRANSFER_TS}]]></begintransfertime>'
    '<effectivedate><![CDATA[1]]></effectivedate><pay_memo><![CDATA[先还一部分]]></pay_memo>'
    '<receiver_username><![CDATA[%s]]></receiver_username></wcpayinfo></appmsg></msg>' % WX_COLLECTOR)


def csv_lines_of(text):
    """Physical line number (1-based) on which each CSV record starts."""
    starts, prev = [], 0
    reader = csv.reader(io.StringIO(text, newline=""))
    for _ in reader:  # line_num = physical lines consumed so far
        starts.append(prev + 1)
        prev = reader.line_num
    return starts


def wx_expect_common(i, m):
    ts, snd, kind, text = m
    ms = ts * 1000
    e = {"index": i + 1, "kind": kind, "direction": "system" if kind == "system" else ("out" if snd else "in"),
         "create_time_s": ts, "time": tfacts(ms), "local_string": wall(ms)}
    if kind == "transfer":
        e["transfer"] = {"amount": "500.00", "currency": "CNY", "fee_desc": "¥500.00",
                         "memo": "先还一部分", "paysubtype": 1, "state": "sent",
                         "begintransfertime_s": TRANSFER_TS, "payer": "me"}
    return e


def build_wechat():
    # ---- 留痕 v1: 12-column English header, private chat rows have 9 fields
    head = ["localId", "TalkerId", "Type", "SubType", "IsSender", "CreateTime", "Status", "StrContent",
            "StrTime", "Remark", "NickName", "Sender"]
    rows, recs = [head], []
    for i, m in enumerate(WX_MSGS):
        ts, snd, kind, text = m
        typ, sub = {"system": (10000, 0), "text": (1, 0), "transfer": (49, 2000)}[kind]
        content = TRANSFER_XML if kind == "transfer" else text
        rows.append([str(201 + i), "7", str(typ), str(sub), str(snd), str(ts), "2", content, wall(ts * 1000)])
        e = wx_expect_common(i, m)
        e.update({"type": typ, "subtype": sub, "content": content, "fields": 9})
        recs.append(e)
    text = "\ufeff" + csv_text(rows)
    write("wechatmsg-v1.csv", text)
    starts = csv_lines_of(text[1:])
    for e, ln in zip(recs, starts[1:]):
        e["line"] = ln
    EXPECTED["wechatmsg-v1.csv"] = {
        "format": "wechatmsg_v1_csv", "encoding": "utf-8 with BOM", "header": head,
        "talker_wxid": WX_COLLECTOR, "chat": "private (TalkerId 7 = 王经理)",
        "records": {"message": len(recs), "text": 4, "transfer": 1, "system": 1, "total": len(recs)},
        "unique_records": len(recs), "duplicates": [], "malformed": [],
        "ragged_rows": "every data row has 9 fields under the 12-column header (pad Remark, NickName, Sender)",
        "direction_from": "IsSender", "time_from": "CreateTime (epoch s); StrTime is the same instant in UTC+8",
        "messages": recs}

    # ---- 留痕 v2: 8 Chinese columns, no IsSender
    head2 = ["消息ID", "类型", "发送人", "时间", "内容", "备注", "昵称", "更多信息"]
    rows2, recs2 = [head2], []
    for i, m in enumerate(WX_MSGS):
        ts, snd, kind, text = m
        tname = {"system": "系统消息", "text": "文本", "transfer": "转账"}[kind]
        if kind == "transfer":
            content = "【发起转账】:¥500.00\n备注: 先还一部分\n"
        else:
            content = text
        if kind == "system":
            sender, remark, nick = "", "", ""
        elif snd:
            sender, remark, nick = "李明", "李明", "李明"
        else:
            sender, remark, nick = "王经理", "王经理", "金融专员小王"
        rows2.append([str(WX_SVRID[i]), tname, sender, wall(ts * 1000), content, remark, nick, "more"])
        e = wx_expect_common(i, m)
        e.update({"type_name": tname, "sender": sender or None, "content": content})
        recs2.append(e)
    text2 = "\ufeff" + csv_text(rows2)
    write("wechatmsg-v2.csv", text2)
    for e, ln in zip(recs2, csv_lines_of(text2[1:])[1:]):
        e["line"] = ln
    EXPECTED["wechatmsg-v2.csv"] = {
        "format": "wechatmsg_v2_csv", "encoding": "utf-8 with BOM", "header": head2,
        "my_display_name": "李明", "their_display_name": "王经理",
        "records": {"message": len(recs2), "text": 4, "transfer": 1, "system": 1, "total": len(recs2)},
        "unique_records": len(recs2), "duplicates": [], "malformed": [],
        "direction_from": "发送人 compared with the user-supplied own name '李明'; empty 发送人 on the system row",
        "time_from": "时间 (local string, assume Asia/Shanghai)", "messages": recs2}

    # ---- PyWxDump: 9 columns, local time string, no BOM
    head3 = ["id", "MsgSvrID", "type_name", "is_sender", "talker", "room_name", "msg", "src", "CreateTime"]
    rows3, recs3 = [head3], []
    for i, m in enumerate(WX_MSGS):
        ts, snd, kind, text = m
        tname = {"system": "系统通知", "text": "文本", "transfer": "转账"}[kind]
        if kind == "transfer":
            msg = f"转账：¥500.00\n转账说明：先还一部分\n转账时间：{wall(TRANSFER_TS * 1000)}\n"
        else:
            msg = text
        talker = "我" if snd else WX_COLLECTOR
        rows3.append([str(i + 1), str(WX_SVRID[i]), tname, str(snd), talker, WX_COLLECTOR, msg, "",
                      wall(ts * 1000)])
        e = wx_expect_common(i, m)
        e.update({"type_name": tname, "talker": talker, "msg": msg})
        recs3.append(e)
    text3 = csv_text(rows3)
    write("pywxdump.csv", text3)
    for e, ln in zip(recs3, csv_lines_of(text3)[1:]):
        e["line"] = ln
    EXPECTED["pywxdump.csv"] = {
        "format": "pywxdump_csv", "encoding": "utf-8 without BOM", "header": head3,
        "records": {"message": len(recs3), "text": 4, "transfer": 1, "system": 1, "total": len(recs3)},
        "unique_records": len(recs3), "duplicates": [], "malformed": [],
        "direction_from": "is_sender (talker '我' when 1)",
        "time_from": "CreateTime local string, assume Asia/Shanghai", "messages": recs3}


def build_imessage():
    M = [
        (ms_at(2025, 3, 6, 9, 5, 0), "+8613800138000", " (Read by you after 2 minutes, 10 seconds)",
         ["【某某银行信用卡中心】您的账单已逾期，请尽快处理，详询95730。"]),
        (ms_at(2025, 3, 6, 9, 7, 45), "Me", " (Read by them after 1 minute, 3 seconds)",
         ["本周五前先还最低还款额", "attachments/12/IMG_0042.png"]),
        (ms_at(2025, 3, 6, 22, 15, 30), "+8613800138000", "", ["今晚不处理，明天直接上门。"]),
        (ms_at(2025, 3, 7, 0, 0, 1), "+8613800138000", "", ["人呢？"]),
        (ms_at(2025, 3, 7, 12, 30, 0), "Me", "", ["已还款1,000元，请查收。"]),
    ]
    out, recs, line = [], [], 1
    for i, (ms, who, suffix, parts) in enumerate(M, 1):
        d = dt_utc(ms).astimezone(CST)
        h12 = d.hour % 12 or 12
        mon = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()[d.month - 1]  # not locale-dependent
        stamp = f"{mon} {d.day:02d}, {d.year} {h12:>2}:{d.minute:02d}:{d.second:02d} {'AM' if d.hour < 12 else 'PM'}"
        block = [stamp + suffix, who] + parts + [""]
        recs.append({"index": i, "line": line, "timestamp_line": stamp + suffix, "timestamp": stamp,
                     "sender": who, "direction": "out" if who == "Me" else "in",
                     "time": tfacts(ms), "lines": parts,
                     "text": "\n".join(p for p in parts if not p.startswith("attachments/")),
                     "attachments": [p for p in parts if p.startswith("attachments/")],
                     "read_receipt": suffix.strip(" ()") or None})
        out += block
        line += len(block)
    write("imessage.txt", "\n".join(out) + "\n")
    EXPECTED["imessage.txt"] = {
        "format": "imessage_exporter_txt", "encoding": "utf-8",
        "time_zone_assumed": "Asia/Shanghai (the exporting Mac's zone is not in the file)",
        "records": {"message": len(M), "total": len(M)}, "unique_records": len(M), "duplicates": [],
        "malformed": [], "messages": recs,
        "notes": ["messages 1 and 2 have a single-digit hour, written with two spaces",
                  "message 4 is 12:00:01 AM = 00:00:01 local; message 5 is 12:30:00 PM",
                  "the attachment file of message 2 is not shipped: report it as missing"]}


def build_generic():
    G = [
        (ms_at(2025, 3, 1, 23, 15, 0), "13712345678", "接收", "今晚12点前不还就联系你的紧急联系人"),
        (ms_at(2025, 3, 1, 23, 20, 30), "13712345678", "发送", "下周一还"),
        (ms_at(2025, 3, 2, 2, 13, 44), "17098765432", "接收", "你不还钱，明天就把你的通讯录全部打一遍,说到做到"),
        (ms_at(2025, 3, 2, 8, 5, 0), "13712345678", "发送", "求求你们别再打我家人电话了\U0001F64F"),
        (ms_at(2025, 3, 3, 21, 45, 10), "1069012345678", "接收", "【速借宝】点击链接立即还款"),
        (ms_at(2025, 3, 4, 10, 20, 0), "13712345678", "接收", '律师函已发出。\n"不处理就起诉"'),
    ]
    head = ["发送时间", "对方号码", "方向", "内容"]
    rows = [head] + [[wall(ms), num, d, txt] for ms, num, d, txt in G]
    text = csv_text(rows, lineterminator="\n")
    write("generic.csv", text)
    starts = csv_lines_of(text)[1:]
    recs = [{"row": i + 1, "line": starts[i], "number": num, "direction": {"接收": "in", "发送": "out"}[d],
             "direction_cell": d, "time": tfacts(ms), "time_cell": wall(ms), "text": txt,
             "astral_code_points": codepoints(txt)} for i, (ms, num, d, txt) in enumerate(G)]
    EXPECTED["generic.csv"] = {
        "format": "generic_csv (column mapping)", "encoding": "utf-8 without BOM", "line_ending": "LF",
        "header": head,
        "column_map": {"发送时间": "time", "对方号码": "number", "方向": "direction", "内容": "text"},
        "direction_values": {"接收": "in", "发送": "out"},
        "records": {"message": len(G), "total": len(G)}, "unique_records": len(G), "duplicates": [],
        "malformed": [], "messages": recs}


# --------------------------------------------------------------------------------------------
# media
# --------------------------------------------------------------------------------------------

PHOTO_DTO = "2025:03:02 23:41:05"


def build_photo():
    data = jpeg_flat_gray(16, 16, [96, 160, 224, 32], [exif_app1(PHOTO_DTO, "+08:00")])
    write("photo.jpg", data)
    ms = ms_at(2025, 3, 2, 23, 41, 5)
    EXPECTED["photo.jpg"] = {
        "format": "jpeg", "width": 16, "height": 16, "components": 1, "tiff_byte_order": "II (little-endian)",
        "exif": {"DateTimeOriginal_0x9003": PHOTO_DTO, "OffsetTimeOriginal_0x9011": "+08:00",
                 "DateTimeDigitized_0x9004": PHOTO_DTO, "OffsetTime_0x9010": "+08:00",
                 "OffsetTimeDigitized_0x9012": "+08:00", "DateTime_0x0132": PHOTO_DTO,
                 "Make": "yuqi-fixture", "Model": "FakeCam 1"},
        "captured_at": iso_local(ms), "captured_at_utc": iso_utc(ms), "captured_at_epoch_ms": ms,
        "time_source": "EXIF DateTimeOriginal + OffsetTimeOriginal (no zone assumption needed)",
        "durations_ms": None, "records": None, "duplicates": [], "malformed": [],
        "pixels": "four flat 8x8 blocks, gray 96, 160 (top), 224, 32 (bottom)"}


def build_wav():
    rate, secs = 8000, 1.5
    pcm = bytes(int(rate * secs) * 2)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    isft = b"yuqi-fixture\x00"  # 13 bytes: odd, so a pad byte follows
    info = b"INFO" + b"ISFT" + struct.pack("<I", len(isft)) + isft + b"\x00"
    chunks = (b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"LIST" + struct.pack("<I", len(info)) + info
              + b"data" + struct.pack("<I", len(pcm)) + pcm)
    data = b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks
    write("call.wav", data)
    EXPECTED["call.wav"] = {
        "format": "wav", "format_tag": 1, "channels": 1, "sample_rate": rate, "bits_per_sample": 16,
        "byte_rate": rate * 2, "data_bytes": len(pcm), "data_offset": data.index(b"data") + 8,
        "chunks": ["fmt ", "LIST", "data"], "durations_ms": 1500, "captured_at": None,
        "records": None, "duplicates": [], "malformed": [],
        "note": "a LIST/INFO chunk sits between fmt and data, so data does not start at offset 36"}


AMR_NB_BYTES = {0: 12, 1: 13, 2: 15, 3: 17, 4: 19, 5: 20, 6: 26, 7: 31, 8: 5, 15: 0}


def amr_frame(ft, fill=0):
    return bytes([(ft << 3) | 0x04]) + bytes([fill]) * AMR_NB_BYTES[ft]


def build_amr():
    frames = [amr_frame(7) for _ in range(100)]
    data = b"#!AMR\n" + b"".join(frames)
    write("call.amr", data)
    EXPECTED["call.amr"] = {
        "format": "amr-nb", "frames": 100, "frame_types": {"7 (12.2 kbit/s, 31+1 bytes)": 100},
        "durations_ms": 2000, "captured_at": None, "records": None, "duplicates": [], "malformed": [],
        "file_bytes": len(data)}
    # DTX variant: speech frames, then SID + NO_DATA frames. Dividing the size by 32 is wrong here.
    frames = [amr_frame(7) for _ in range(60)]
    for _ in range(5):
        frames.append(amr_frame(8))
        frames += [amr_frame(15)] * 7
    data = b"#!AMR\n" + b"".join(frames)
    write("call-dtx.amr", data)
    EXPECTED["call-dtx.amr"] = {
        "format": "amr-nb", "frames": 100,
        "frame_types": {"7 (12.2 kbit/s, 31+1 bytes)": 60, "8 (SID, 5+1 bytes)": 5, "15 (NO_DATA, 0+1 bytes)": 35},
        "durations_ms": 2000, "wrong_estimate_size_div_32_ms": (len(data) - 6) * 20 // 32,
        "captured_at": None, "records": None, "duplicates": [], "malformed": [], "file_bytes": len(data)}


def box(typ, payload):
    return struct.pack(">I", 8 + len(payload)) + typ + payload


def build_m4a():
    created = datetime(2025, 3, 3, 10, 0, 0, tzinfo=UTC)
    epoch_s = int((created - EPOCH).total_seconds())
    mac = epoch_s + MAC_EPOCH_OFFSET
    timescale, duration = 1000, 3000
    matrix = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
    mvhd = box(b"mvhd", struct.pack(">B3sIIII", 0, b"\x00\x00\x00", mac, mac, timescale, duration)
               + struct.pack(">IH", 0x00010000, 0x0100) + bytes(10) + matrix + bytes(24) + struct.pack(">I", 2))
    assert len(mvhd) == 108
    ftyp = box(b"ftyp", b"M4A " + struct.pack(">I", 0x200) + b"M4A isomiso2")
    mdat = box(b"mdat", b"")
    data = ftyp + mdat + box(b"moov", mvhd)
    write("recording.m4a", data)
    EXPECTED["recording.m4a"] = {
        "format": "iso-bmff (m4a)", "top_level_boxes": ["ftyp", "mdat", "moov"],
        "mvhd": {"version": 0, "timescale": timescale, "duration": duration, "creation_time_1904": mac,
                 "modification_time_1904": mac},
        "durations_ms": 3000, "captured_at": created.isoformat().replace("+00:00", "Z"),
        "captured_at_local": iso_local(epoch_s * 1000), "captured_at_epoch_ms": epoch_s * 1000,
        "time_source": "mvhd creation_time (1904 epoch, UTC)",
        "records": None, "duplicates": [], "malformed": [],
        "note": "moov comes after an empty mdat; no trak (header-only fixture, not playable audio)"}


def build_pdf():
    content = b"BT /F1 18 Tf 72 770 Td (NOTICE OF OVERDUE DEBT - yuqi test fixture) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title (Lawyer letter - test fixture) /Producer (yuqi make_fixtures.py) "
        b"/CreationDate (D:20250304101500+08'00') /ModDate (D:20250304101500+08'00') >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objs) + 1) + b"0000000000 65535 f \n"
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    write("notice.pdf", bytes(out))
    ms = ms_at(2025, 3, 4, 10, 15, 0)
    EXPECTED["notice.pdf"] = {
        "format": "pdf", "version": "1.4", "pages": 1,
        "info": {"CreationDate": "D:20250304101500+08'00'", "ModDate": "D:20250304101500+08'00'",
                 "Title": "Lawyer letter - test fixture", "Producer": "yuqi make_fixtures.py"},
        "captured_at": iso_local(ms), "captured_at_utc": iso_utc(ms), "captured_at_epoch_ms": ms,
        "time_source": "/Info /CreationDate", "offset_present": True,
        "durations_ms": None, "records": None, "duplicates": [], "malformed": []}


def build_mp3():
    """MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, joint stereo; silent frames (all-zero side info
    and main data). An ID3v2.3 tag precedes the first frame, whose payload is a Xing header
    (flags 0x3: frames + bytes); an ID3v1 tag ends the file."""
    n_audio = 38
    frames, acc = [], 0
    for _ in range(n_audio + 1):
        acc += (144 * 128000) % 44100
        pad = 1 if acc >= 44100 else 0
        if pad:
            acc -= 44100
        size = 144 * 128000 // 44100 + pad
        hdr = bytes([0xFF, 0xFB, 0x90 | (pad << 1), 0x44])
        frames.append(bytearray(hdr + bytes(size - 4)))
    total = sum(len(f) for f in frames)
    xing = b"Xing" + struct.pack(">III", 0x3, n_audio, total)
    frames[0][36:36 + len(xing)] = xing  # 4-byte header + 32 bytes side info (MPEG-1, not mono)
    title = b"\x00" + b"yuqi fixture"
    tit2 = b"TIT2" + struct.pack(">I", len(title)) + b"\x00\x00" + title
    body = tit2 + bytes(10)  # 10 bytes of padding
    n = len(body)
    syncsafe = bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
    id3v2 = b"ID3\x03\x00\x00" + syncsafe + body
    id3v1 = (b"TAG" + b"yuqi fixture".ljust(30, b"\x00") + bytes(30) + bytes(30) + b"2025"
             + bytes(30) + bytes([255]))
    assert len(id3v1) == 128
    data = id3v2 + b"".join(bytes(f) for f in frames) + id3v1
    write("recording.mp3", data)
    spf, sr = 1152, 44100
    EXPECTED["recording.mp3"] = {
        "format": "mp3 (MPEG-1 Layer III, 128 kbit/s CBR, 44100 Hz, joint stereo)",
        "id3v2_bytes": len(id3v2), "first_frame_offset": len(id3v2), "id3v1": True,
        "frames_total": n_audio + 1, "xing": {"tag": "Xing", "offset_in_frame": 36, "flags": 3,
                                              "frames": n_audio, "bytes": total},
        "durations_ms": round(n_audio * spf * 1000 / sr),
        "duration_ms_exact": n_audio * spf * 1000 / sr,
        "duration_ms_if_xing_frame_counted": round((n_audio + 1) * spf * 1000 / sr),
        "duration_tolerance_ms": 27,
        "cbr_estimate_ms": round(total * 8 * 1000 / 128000),
        "captured_at": None, "records": None, "duplicates": [], "malformed": [],
        "note": "LAME writes 'Info' rather than 'Xing' for CBR files; this fixture uses 'Xing'"}


# --------------------------------------------------------------------------------------------
# checks: re-read everything with independent minimal parsers
# --------------------------------------------------------------------------------------------

REF = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")


def fix_surrogates(data):
    """Rewrite surrogate reference pairs to UTF-8, as docs/import-formats.md §1.5 asks."""
    out, pos, ms = bytearray(), 0, list(REF.finditer(data))
    vals = [int(m.group(1), 16) if m.group(1) else int(m.group(2)) for m in ms]
    i = 0
    while i < len(ms):
        m, v = ms[i], vals[i]
        if 0xD800 <= v <= 0xDBFF and i + 1 < len(ms) and ms[i + 1].start() == m.end() \
                and 0xDC00 <= vals[i + 1] <= 0xDFFF:
            cp = 0x10000 + ((v - 0xD800) << 10) + (vals[i + 1] - 0xDC00)
            out += data[pos:m.start()] + chr(cp).encode()
            pos = ms[i + 1].end()
            i += 2
            continue
        if 0xD800 <= v <= 0xDFFF:
            out += data[pos:m.start()] + "\uFFFD".encode()
            pos = m.end()
        i += 1
    return bytes(out + data[pos:])


def parse_sbr(data):
    """Streaming expat parse. Returns list of records (dicts with 'kind', attrs, line, parts)."""
    recs, cur = [], [None]
    p = xml.parsers.expat.ParserCreate()

    def start(name, a):
        if name in ("sms", "mms", "call"):
            r = {"kind": name, "a": dict(a), "line": p.CurrentLineNumber, "parts": [], "addrs": []}
            recs.append(r)
            if name == "mms":
                cur[0] = r
        elif name == "part":
            cur[0]["parts"].append(dict(a))
        elif name == "addr":
            cur[0]["addrs"].append(dict(a))

    p.StartElementHandler = start
    p.Parse(data, True)
    return recs


class Check:
    def __init__(self):
        self.n, self.fail = 0, []

    def eq(self, what, got, want):
        self.n += 1
        if got != want:
            self.fail.append(f"{what}: got {got!r}, want {want!r}")


def check_all():
    c = Check()
    # ---- SB&R files
    raw = WRITTEN["sms-basic.xml"]
    try:
        parse_sbr(raw)
        c.eq("sms-basic strict parse of raw bytes fails", "parsed", "error")
    except xml.parsers.expat.ExpatError as e:
        c.eq("sms-basic raw error is a bad char ref", "reference to invalid character number" in str(e), True)
    for name in ["sms-basic.xml", "sms-huge-body.xml", "sms-broken-record.xml", "calls.xml"]:
        exp = EXPECTED[name]
        recs = parse_sbr(fix_surrogates(WRITTEN[name]))
        c.eq(f"{name} record count", len(recs), exp["records"]["total"])
        root = re.search(rb'<(?:smses|calls) count="(\d+)"', WRITTEN[name]).group(1)
        c.eq(f"{name} count attribute", int(root), exp["count_attribute"])
        items = exp.get("messages") or exp.get("calls")
        for r, e in zip(recs, items):
            c.eq(f"{name} #{e['index']} line", r["line"], e["line"])
            a = r["a"]
            if e.get("malformed"):
                c.eq(f"{name} #{e['index']} bad date", a["date"], "abc")
                continue
            if r["kind"] == "sms":
                d = int(a["date"])
                c.eq(f"{name} #{e['index']} date", d, e["time"]["epoch_ms"])
                if e["body"] is not None:
                    c.eq(f"{name} #{e['index']} body", a["body"], e["body"])
                else:
                    c.eq(f"{name} #{e['index']} huge body", (len(a["body"]), sha256(a["body"].encode())),
                         (e["body_chars"], e["body_sha256"]))
                c.eq(f"{name} #{e['index']} address", a["address"], e["address"])
            elif r["kind"] == "mms":
                d = int(a["date"])
                d = d * 1000 if len(a["date"]) == 10 else d
                c.eq(f"mms #{e['index']} date", d, e["time"]["epoch_ms"])
                texts = [pt["text"] for pt in sorted(r["parts"], key=lambda x: int(x["seq"]))
                         if pt["ct"] == "text/plain"]
                c.eq(f"mms #{e['index']} text", "".join(texts), e["text"])
                blobs = [base64.b64decode(pt["data"]) for pt in r["parts"] if pt.get("data")]
                c.eq(f"mms #{e['index']} attachment sha", [sha256(b) for b in blobs],
                     [x["sha256"] for x in e["attachments"]])
                frm = [x["address"] for x in r["addrs"] if x["type"] == "137"]
                c.eq(f"mms #{e['index']} from", frm[0].replace("insert-address-token", "insert-address-token (me)"),
                     e["from"])
            else:
                c.eq(f"call #{e['index']}", (int(a["date"]), int(a["duration"]), int(a["type"]), a["number"] or None),
                     (e["time"]["epoch_ms"], e["duration_s"], e["type"], e["number"]))
    # duplicate
    recs = parse_sbr(fix_surrogates(raw))
    c.eq("duplicate attrs identical", recs[11]["a"], recs[2]["a"])
    keys = [(r["a"].get("date"), r["a"].get("address"), r["a"].get("type"), r["a"].get("body")) for r in recs]
    c.eq("unique records", len(set(keys)), EXPECTED["sms-basic.xml"]["unique_records"])
    # truncated
    t = EXPECTED["sms-truncated.xml"]["truncation"]
    got = []
    p = xml.parsers.expat.ParserCreate()
    p.StartElementHandler = lambda n, a: got.append(n) if n == "sms" else None
    try:
        p.Parse(WRITTEN["sms-truncated.xml"], True)
        c.eq("truncated file fails", "parsed", "error")
    except xml.parsers.expat.ExpatError as e:
        c.eq("truncated: expat error", str(e), t["expat_error"])
        c.eq("truncated: complete records seen before error", len(got), 4)
    c.eq("truncated size", len(WRITTEN["sms-truncated.xml"]), t["file_bytes"])
    c.eq("truncated record 5 start", WRITTEN["sms-truncated.xml"][t["partial_record_start_offset"]:][:6], b"  <sms")

    # ---- CSV files
    for name, enc in [("calllog.csv", "utf-8-sig"), ("calllog-gb18030.csv", "gb18030"),
                      ("wechatmsg-v1.csv", "utf-8-sig"), ("wechatmsg-v2.csv", "utf-8-sig"),
                      ("pywxdump.csv", "utf-8"), ("generic.csv", "utf-8")]:
        exp = EXPECTED[name]
        rows = list(csv.reader(io.StringIO(WRITTEN[name].decode(enc), newline="")))
        c.eq(f"{name} header", rows[0], exp["header"])
        c.eq(f"{name} rows", len(rows) - 1, exp["records"]["total"])
    try:
        WRITTEN["calllog-gb18030.csv"].decode("utf-8")
        c.eq("gb18030 file is not valid UTF-8", "valid", "invalid")
    except UnicodeDecodeError:
        pass
    c.eq("calllog bom", WRITTEN["calllog.csv"][:3], b"\xef\xbb\xbf")
    c.eq("pywxdump no bom", WRITTEN["pywxdump.csv"][:2], b"id")
    v1 = list(csv.reader(io.StringIO(WRITTEN["wechatmsg-v1.csv"].decode("utf-8-sig"), newline="")))
    c.eq("v1 ragged rows", {len(r) for r in v1[1:]}, {9})
    c.eq("v1 comma/quote/newline", v1[3][7], '工资还没发，"下周一"一定还,\n先还一部分行吗？')
    c.eq("v1 CreateTime = StrTime", all(wall(int(r[5]) * 1000) == r[8] for r in v1[1:]), True)

    # ---- iMessage
    hdr = re.compile(r"^[A-Z][a-z]{2} \d{2}, \d{4} +\d{1,2}:\d{2}:\d{2} [AP]M( \(.*\))?$")
    lines = WRITTEN["imessage.txt"].decode().split("\n")
    hits = [i + 1 for i, ln in enumerate(lines) if hdr.match(ln)]
    c.eq("imessage header lines", hits, [m["line"] for m in EXPECTED["imessage.txt"]["messages"]])
    for m in EXPECTED["imessage.txt"]["messages"]:
        ts = datetime.strptime(m["timestamp"].replace("  ", " "), "%b %d, %Y %I:%M:%S %p").replace(tzinfo=CST)
        c.eq(f"imessage #{m['index']} time", (ts - EPOCH) // timedelta(milliseconds=1), m["time"]["epoch_ms"])

    # ---- JPEG: walk markers, parse EXIF
    for name in ["photo.jpg"]:
        b = WRITTEN[name]
        c.eq("jpeg soi/eoi", (b[:2], b[-2:]), (b"\xff\xd8", b"\xff\xd9"))
        pos, seen, exif = 2, [], None
        while True:
            assert b[pos] == 0xFF
            mk = b[pos + 1]
            ln = struct.unpack(">H", b[pos + 2:pos + 4])[0]
            seen.append(mk)
            if mk == 0xE1:
                exif = b[pos + 4:pos + 2 + ln]
            if mk == 0xDA:
                break
            pos += 2 + ln
        c.eq("jpeg markers", seen, [0xE1, 0xDB, 0xC0, 0xC4, 0xDA])
        tiff = exif[6:]
        c.eq("exif header", (exif[:6], tiff[:4]), (b"Exif\x00\x00", b"II*\x00"))

        def ifd(off):
            n = struct.unpack("<H", tiff[off:off + 2])[0]
            res = {}
            for k in range(n):
                tag, typ, cnt, val = struct.unpack("<HHII", tiff[off + 2 + 12 * k: off + 14 + 12 * k])
                raw_v = tiff[off + 10 + 12 * k: off + 14 + 12 * k]
                if typ == 2:
                    s = raw_v[:cnt] if cnt <= 4 else tiff[val:val + cnt]
                    res[tag] = s.rstrip(b"\x00").decode()
                else:
                    res[tag] = val
            return res
        i0 = ifd(struct.unpack("<I", tiff[4:8])[0])
        ex = ifd(i0[0x8769])
        c.eq("exif 0x9003", ex[0x9003], PHOTO_DTO)
        c.eq("exif 0x9011", ex[0x9011], "+08:00")
        sof = b.index(b"\xff\xc0")
        c.eq("jpeg size", struct.unpack(">HH", b[sof + 5:sof + 9]), (16, 16))

    # ---- WAV via the wave module
    with wave.open(io.BytesIO(WRITTEN["call.wav"])) as w:
        c.eq("wav params", (w.getnchannels(), w.getsampwidth(), w.getframerate()), (1, 2, 8000))
        c.eq("wav duration ms", w.getnframes() * 1000 // w.getframerate(), 1500)

    # ---- AMR: walk frames
    for name in ["call.amr", "call-dtx.amr"]:
        b = WRITTEN[name]
        c.eq(f"{name} magic", b[:6], b"#!AMR\n")
        pos, n = 6, 0
        while pos < len(b):
            ft = (b[pos] >> 3) & 0x0F
            pos += 1 + AMR_NB_BYTES[ft]
            n += 1
        c.eq(f"{name} ends on frame boundary", pos, len(b))
        c.eq(f"{name} duration", n * 20, EXPECTED[name]["durations_ms"])

    # ---- M4A: walk boxes
    b = WRITTEN["recording.m4a"]
    pos, top = 0, {}
    while pos < len(b):
        size, typ = struct.unpack(">I4s", b[pos:pos + 8])
        top[typ] = (pos, size)
        pos += size
    mp, _ = top[b"moov"]
    mv = b[mp + 8:]
    assert mv[4:8] == b"mvhd"
    ver = mv[8]
    ct, mt, ts_, du = struct.unpack(">IIII", mv[12:28])
    c.eq("mvhd", (ver, ts_, du), (0, 1000, 3000))
    c.eq("mvhd creation", datetime.fromtimestamp(ct - MAC_EPOCH_OFFSET, UTC).isoformat().replace("+00:00", "Z"),
         EXPECTED["recording.m4a"]["captured_at"])

    # ---- PDF: xref offsets point at objects
    b = WRITTEN["notice.pdf"]
    sx = int(b[b.rindex(b"startxref") + 10:].split(b"\n")[0])
    c.eq("pdf startxref", b[sx:sx + 4], b"xref")
    entries = b[sx:].split(b"\n")[2:9]
    for k, ent in enumerate(entries[1:], 1):
        off = int(ent[:10])
        c.eq(f"pdf obj {k} offset", b[off:off + len(b"%d 0 obj" % k)], b"%d 0 obj" % k)
    c.eq("pdf xref entry width", {len(e) + 1 for e in entries}, {20})
    c.eq("pdf creation date", b"/CreationDate (D:20250304101500+08'00')" in b, True)

    # ---- MP3: skip ID3v2, walk frames, read Xing
    b = WRITTEN["recording.mp3"]
    ss = b[6:10]
    pos = 10 + ((ss[0] << 21) | (ss[1] << 14) | (ss[2] << 7) | ss[3])
    first, n = pos, 0
    while b[pos:pos + 3] != b"TAG":
        h = b[pos:pos + 4]
        assert h[0] == 0xFF and (h[1] & 0xE0) == 0xE0
        pos += 144 * 128000 // 44100 + ((h[2] >> 1) & 1)
        n += 1
    c.eq("mp3 frames", n, EXPECTED["recording.mp3"]["frames_total"])
    c.eq("mp3 id3v1 at end", len(b) - pos, 128)
    c.eq("mp3 xing", b[first + 36:first + 40], b"Xing")
    flags, frames = struct.unpack(">II", b[first + 40:first + 48])
    c.eq("mp3 xing frames", frames, 38)
    return c


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------

def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        out.append("| " + " | ".join(str(x).replace("|", "\\|").replace("\n", "⏎") for x in r) + " |")
    return "\n".join(out)


def short(s, n=40):
    s = s.replace("\n", "⏎")
    return s if len(s) <= n else s[:n] + "…"


def build_readme():
    E = EXPECTED
    L = []
    a = L.append
    a("# Evidence-import fixtures\n")
    a("Test inputs for the evidence importers described in `docs/import-formats.md`. All files are written by "
      "`make_fixtures.py` in this directory (Python 3, standard library only, deterministic: fixed "
      "timestamps, no clock, no randomness) and **every value is invented**. Regenerate with\n")
    a("```sh\npython3 tests/data/evidence/make_fixtures.py\n```\n")
    a("The script re-reads every file with independent minimal parsers (expat, csv, wave, and small "
      "box/frame/marker walkers) and exits non-zero if a fact below does not hold. `expected.json` holds the "
      "same facts in machine-readable form; it is the reference for tests, this README explains it.\n")
    a("Conventions: all wall-clock strings in the fixtures are Asia/Shanghai (UTC+8, no DST). \"epoch ms\" is "
      "milliseconds since 1970-01-01T00:00:00Z. Record indexes are 1-based in document order "
      "(`<sms>` and `<mms>` together); line numbers are 1-based physical lines. The borrower (\"me\") is 李明, "
      f"`{ME_NUMBER}`; the main collector is 王经理, `{COLLECTOR}` (also written `13712345678` and "
      "`+86 137 1234 5678`).\n")
    a("## Files\n")
    rows = []
    for name in sorted(WRITTEN):
        if name in ("README.md", "expected.json"):
            continue
        rows.append([f"`{name}`", len(WRITTEN[name]), f"`{sha256(WRITTEN[name])[:16]}…`"])
    a(md_table(["file", "bytes", "sha256 (prefix; full value in expected.json)"], rows) + "\n")

    # ---- sms-basic
    e = E["sms-basic.xml"]
    a("## `sms-basic.xml` — SMS Backup & Restore, SMS + MMS\n")
    a("XML declaration, the \"File Created By\" comment, the `sms.xsl` stylesheet PI, then "
      "`<smses count=\"14\" …>` with 12 `<sms>` (one per line) and 2 multi-line `<mms>`. Optional attributes "
      "use the literal `null` (`subject`, `toa`, `sc_toa`, `service_center` on sent messages, part "
      "`name`/`chset`/`text`…). `readable_date` is a zh-CN display string (`2025年3月1日 下午11:15:00`) that must "
      "not be parsed for the instant.\n")
    a("**Expected:** 14 records (12 sms, 2 mms); 13 after dedup. **A strict XML parser rejects the raw file** "
      "(`reference to invalid character number` at the surrogate references of records 4 and 11); after "
      "rewriting surrogate pairs as in doc §1.5 the file parses.\n")
    rows = []
    for m in e["messages"]:
        if m["kind"] == "sms":
            rows.append([m["index"], m["line"], "sms", m["type"], m["direction"] + (" (not delivered)" if m["not_delivered"] else ""),
                         f"`{m['address']}`", m["time"]["epoch_ms"], m["time"]["local"], m["contact_name"] or "—",
                         short(m["body"])])
        else:
            rows.append([m["index"], m["line"], f"mms (msg_box {m['msg_box']}, m_type {m['m_type']})", "—",
                         m["direction"], f"`{m['address']}`", m["time"]["epoch_ms"], m["time"]["local"],
                         m["contact_name"], short(m["text"])])
    a(md_table(["#", "line", "kind", "type", "direction", "address", "epoch ms", "local (+08:00)", "contact",
                "body / text"], rows) + "\n")
    a("Points to assert:\n")
    a(f"- **Duplicate:** record 12 (line {e['duplicates'][0]['line']}) is byte-identical to record 3 "
      f"(line {e['duplicates'][0]['duplicate_of_line']}): same address, date {e['messages'][2]['time']['epoch_ms']} "
      f"({e['messages'][2]['time']['local']}), type 1, body. "
      "Dedup keeps one.")
    a("- **Emoji:** record 4 body `下周一还 &#55357;&#56834;` → `下周一还 😂` (U+1F602, decimal surrogate "
      "references); record 11 body ends `&#xD83D;&#xDCE8;` → 📨 U+1F4E8 (hex form); record 5 has 🙏 U+1F64F "
      "written directly as UTF-8 (`F0 9F 99 8F`).")
    a("- **Escapes:** record 1 and 6 contain `&#10;` newlines (record 6 has a blank line inside: `。\\n\\n——法务部`); "
      "record 2 `&amp;`; record 3 `&lt;`, `&amp;`, `&quot;`; record 10 `&amp;` inside a URL and `&gt;`.")
    a("- **Contacts:** `(Unknown)` (records 1, 6, 10) and the missing attribute (record 8) both mean no name. "
      "Record 8 has no `sub_id`, `readable_date` or `contact_name` at all.")
    a("- **Numbers:** `+8613712345678`, `13712345678` (record 9) are the same party; record 7 is "
      "`+86 139 1234 5678` (with spaces; national 13912345678) — keep the raw string.")
    a("- **Record 9** is type 5 (failed, status 64): outgoing, not delivered; keep and flag it.")
    a("- **Milliseconds:** records 1, 4, 6, 10 have non-zero ms (…123, …456, …789, …999).")
    a("- **MMS 13** (incoming, `m_type` 132): sender = `addr type=137` `+8613712345678`, to = `+8613900001111` "
      "(151). Skip the `seq=-1` SMIL part; text part `律师函，请查收。逾期不处理将依法起诉。`; image part "
      f"`notice.jpg`, {e['messages'][12]['attachments'][0]['bytes']} bytes, sha256 "
      f"`{e['messages'][12]['attachments'][0]['sha256']}` (8×8 gray JPEG).")
    a("- **MMS 14** (outgoing, `m_type` 128, `msg_box` 2): `date=\"%d\"` is **10 digits = epoch seconds** → "
      "%d ms (%s). From = `insert-address-token` (me), to = collector. Text `%s`; image part has `name=\"null\"`, "
      "file name in `cl`: `receipt.jpg`, %d bytes, sha256 `%s`." % (
          e["messages"][13]["time"]["epoch_ms"] // 1000, e["messages"][13]["time"]["epoch_ms"],
          e["messages"][13]["time"]["local"], e["messages"][13]["text"],
          e["messages"][13]["attachments"][0]["bytes"], e["messages"][13]["attachments"][0]["sha256"]))
    a("- Night contacts (22:00–08:00 local) for later rules: records 3, 4, 6, 12.\n")

    e = E["sms-huge-body.xml"]
    h = e["messages"][1]
    a("## `sms-huge-body.xml` — one 300,000-character body\n")
    a(f"3 `<sms>` records (lines 5, 6, 7), well-formed, no surrogate references. Record 2 (line 6) has a body "
      f"of exactly **{h['body_chars']:,} characters** ({h['body_utf8_bytes']:,} UTF-8 bytes; every character is "
      f"3 bytes), the phrase `【催收通知】您的借款已严重逾期，请立即还款，否则后果自负。` repeated and cut at "
      f"300,000 characters; sha256 of the UTF-8 body `{h['body_sha256']}`. Records 1 and 3 are normal "
      f"({e['messages'][0]['time']['epoch_ms']} and {e['messages'][2]['time']['epoch_ms']} ms). "
      "Expected: 3 records, nothing truncated or dropped.\n")

    e = E["sms-broken-record.xml"]
    bad = e["malformed"][0]
    a("## `sms-broken-record.xml` — one semantically malformed record\n")
    a(f"Well-formed XML (a strict parser accepts it), `count=\"5\"`, 5 `<sms>` on lines 5–9. **Record "
      f"{bad['index']} (line {bad['line']}) has `date=\"abc\"`**; everything else in it is normal. Expected: "
      "4 valid records (1, 2, 4, 5) imported, 1 malformed record reported with index 3 and line 7, and the "
      "import goes on past it.\n")
    rows = [[m["index"], m["line"], m.get("time", {}).get("epoch_ms", "**abc**"), short(m["body"])]
            for m in e["messages"]]
    a(md_table(["#", "line", "epoch ms", "body"], rows) + "\n")

    e = E["sms-truncated.xml"]
    t = e["truncation"]
    a("## `sms-truncated.xml` — cut off mid-record\n")
    a(f"The same five records as `sms-broken-record.xml` (but record 3 has a valid date), cut inside the "
      f"`body` attribute of record 5. The file is **{t['file_bytes']} bytes** and ends at byte offset "
      f"{t['eof_offset']} (EOF), on a UTF-8 character boundary, with no closing quote, no `/>`, no `</smses>` "
      f"and no final newline. Records 1–4 (lines 5–8) are complete; record 4 ends at offset "
      f"{t['last_complete_record_end_offset']} (its newline). Record 5 starts on **line {t['partial_record_line']}** "
      f"at byte offset **{t['partial_record_start_offset']}**; the file's last line is line {t['last_line_number']}. "
      f"The root says `count=\"5\"`. Expat reports `{t.get('expat_error', '?')}`.\n")
    a("Expected: a streaming importer yields records 1–4 (or none, if it is all-or-nothing; "
      "decide and assert), then reports a truncated/ill-formed file at line 9; it never emits record 5.\n")

    e = E["calls.xml"]
    a("## `calls.xml` — SB&R call log\n")
    a(f"`<calls count=\"{e['count_attribute']}\">`, one `<call>` per line from line 5. `duration` is seconds. "
      "Types 1, 2, 3, 5, 6 and a vendor code 10 (map to \"other\", keep raw 10). `contact_name` is a name, "
      "`(Unknown)` or the literal `null`; both mean no name. Record 7 has `number=\"\"` and "
      "`presentation=\"2\"` (restricted): hidden caller.\n")
    rows = [[m["index"], m["line"], m["type"], m["direction"], f"`{m['number']}`" if m["number"] else "(empty)",
             m["duration_s"], m["presentation"], m["time"]["epoch_ms"], m["time"]["local"], m["contact_name"] or "—"]
            for m in e["calls"]]
    a(md_table(["#", "line", "type", "direction", "number", "duration s", "presentation", "epoch ms",
                "local", "contact"], rows) + "\n")
    a(f"Totals: {e['by_direction']}; total duration {e['total_duration_s']} s.\n")

    e = E["calllog.csv"]
    a("## `calllog.csv` and `calllog-gb18030.csv` — Android-style call-log CSV\n")
    a("Same 10 data rows in both files, CRLF line endings, comma separator, RFC 4180 quoting.\n")
    a("- `calllog.csv`: UTF-8 **with BOM**, header `号码,姓名,类型,时间,时长` → number, name, direction, time, "
      "duration_s.")
    a("- `calllog-gb18030.csv`: **GB18030, no BOM** (strict UTF-8 decoding fails), header "
      "`number,name,type,date,duration` → number, name, direction, time, duration_s.\n")
    a("Type values used: `呼入`, `来电` → in; `呼出`, `去电` → out; `未接` → missed; `拒接` → rejected; "
      "`拦截` → blocked. Time forms used: `YYYY-MM-DD HH:MM:SS`, `YYYY/M/D H:MM` (seconds 0), "
      "`YYYY年M月D日 HH:MM:SS`, 13-digit epoch ms, 10-digit epoch s. Duration forms used: integer seconds, "
      "`N/A` (→ 0 with a warning), `1分05秒`, `H:MM:SS`, `MM:SS`, `1小时2分3秒`.\n")
    rows = [[m["row"], m["line"], f"`{m['number']}`", m["name"] or "—", m["type_cell"], m["direction"],
             f"`{m['time_cell']}`", m["time"]["epoch_ms"], m["time"]["local"], f"`{m['duration_cell']}`", m["duration_s"]]
            for m in e["calls"]]
    a(md_table(["row", "line", "number", "name", "type", "→", "time cell", "epoch ms", "local", "duration cell",
                "→ s"], rows) + "\n")
    a("Row 6's name `催收,勿接` contains a comma and is quoted. Row 7's number has `+86` and spaces.\n")

    a("## WeChat: `wechatmsg-v1.csv`, `wechatmsg-v2.csv`, `pywxdump.csv`\n")
    a(f"The same six-message private chat in all three (me = 李明 `{WX_ME}`, collector = 王经理 "
      f"`{WX_COLLECTOR}`): a system notice, four texts and one transfer of ¥500.00 from me (memo 先还一部分). "
      "Message 3 contains a comma, a double quote and a newline inside one CSV field "
      "(`工资还没发，\"下周一\"一定还,⏎先还一部分行吗？`), so it is quoted and spans two physical lines. "
      "Times are Asia/Shanghai.\n")
    e1, e2, e3 = E["wechatmsg-v1.csv"], E["wechatmsg-v2.csv"], E["pywxdump.csv"]
    rows = []
    for m1, m2, m3 in zip(e1["messages"], e2["messages"], e3["messages"]):
        rows.append([m1["index"], m1["kind"], m1["direction"], m1["create_time_s"], m1["time"]["epoch_ms"],
                     m1["local_string"], f"{m1['line']}/{m2['line']}/{m3['line']}",
                     f"{m1['type']},{m1['subtype']}", m2["type_name"], m3["type_name"]])
    a(md_table(["#", "kind", "direction", "CreateTime s", "epoch ms", "local", "line v1/v2/py",
                "v1 Type,SubType", "v2 类型", "PyWxDump type_name"], rows) + "\n")
    a("- **v1** (`wechatmsg-v1.csv`): UTF-8 with BOM; header "
      "`localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender`; "
      "**every data row has 9 fields** (private chat). Direction from `IsSender`; time from `CreateTime` "
      "(epoch s). The transfer row (Type 49, SubType 2000) has the raw XML in `StrContent` with "
      "`<feedesc>¥500.00</feedesc>`, `<paysubtype>1</paysubtype>`, `<pay_memo>先还一部分</pay_memo>`, "
      f"`<begintransfertime>{TRANSFER_TS}</begintransfertime>` (CDATA-wrapped; contains `\"\"` escaped quotes).")
    a("- **v2** (`wechatmsg-v2.csv`): UTF-8 with BOM; header `消息ID,类型,发送人,时间,内容,备注,昵称,更多信息`; no "
      "IsSender: direction from 发送人 = `李明` (the user's own name, supplied) → out, `王经理` → in; the system "
      "row has an empty 发送人. Transfer 内容 is `【发起转账】:¥500.00⏎备注: 先还一部分⏎`. 更多信息 is `more`.")
    a("- **PyWxDump** (`pywxdump.csv`): UTF-8 without BOM; header "
      "`id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`; `talker` is `我` for me, "
      f"otherwise `{WX_COLLECTOR}`; `CreateTime` is a local string. Transfer msg is "
      f"`转账：¥500.00⏎转账说明：先还一部分⏎转账时间：{wall(TRANSFER_TS * 1000)}⏎`.")
    a("- Candidate payment for the ledger (to be confirmed by the user): **500.00 CNY, paid by me, "
      f"{iso_local(TRANSFER_TS * 1000)}**.")
    a("- Night contact: message 6 at 23:05 local.\n")

    e = E["imessage.txt"]
    a("## `imessage.txt` — imessage-exporter TXT\n")
    a("Five messages; each is a timestamp line, a sender line (`Me` or a handle), body lines, and a blank line. "
      "Hours are `%l`-style: a single-digit hour has **two spaces** before it. Times are local to the exporting "
      "Mac; assume Asia/Shanghai.\n")
    rows = [[m["index"], m["line"], f"`{m['timestamp_line']}`", m["sender"], m["direction"], m["time"]["epoch_ms"],
             m["time"]["local"], short(m["text"], 30), ", ".join(m["attachments"]) or "—"] for m in e["messages"]]
    a(md_table(["#", "line", "timestamp line", "sender", "direction", "epoch ms", "local", "text", "attachments"],
               rows) + "\n")
    a("Message 4 is `12:00:01 AM` = 00:00:01; message 5 `12:30:00 PM` = 12:30:00. Message 2's attachment file "
      "is not shipped (report it missing).\n")

    e = E["generic.csv"]
    a("## `generic.csv` — generic export for the column-mapping importer\n")
    a("UTF-8 without BOM, LF line endings, header `发送时间,对方号码,方向,内容` → time, number, direction, text. "
      "Direction values: `接收` → in, `发送` → out. Times `YYYY-MM-DD HH:MM:SS`, Asia/Shanghai.\n")
    rows = [[m["row"], m["line"], f"`{m['time_cell']}`", m["time"]["epoch_ms"], f"`{m['number']}`", m["direction"],
             short(m["text"], 34)] for m in e["messages"]]
    a(md_table(["row", "line", "time cell", "epoch ms", "number", "direction", "text"], rows) + "\n")
    a("Row 3 contains a comma (quoted); row 4 has 🙏 U+1F64F; row 6 spans two physical lines (newline and "
      "quotes inside the field).\n")

    a("CSV line endings: rows end with CRLF in the call-log and WeChat files (Python's csv writer, as the "
      "exporting tools use it) and with LF in `generic.csv`; a newline *inside* a quoted field is a bare LF in "
      "every file, so the WeChat files mix CRLF and LF.\n")
    a("## Media\n")
    p, w, am, ad, m4, pdf, mp3 = (E["photo.jpg"], E["call.wav"], E["call.amr"], E["call-dtx.amr"],
                                  E["recording.m4a"], E["notice.pdf"], E["recording.mp3"])
    rows = [
        ["`photo.jpg`", "—", f"{p['captured_at']} ({p['captured_at_utc']}, {p['captured_at_epoch_ms']} ms)",
         "EXIF DateTimeOriginal `2025:03:02 23:41:05` + OffsetTimeOriginal `+08:00`"],
        ["`call.wav`", w["durations_ms"], "—", "24000 data bytes ÷ 16000 byte/s"],
        ["`call.amr`", am["durations_ms"], "—", "100 frames × 20 ms"],
        ["`call-dtx.amr`", ad["durations_ms"], "—", "100 frames × 20 ms (60 speech, 5 SID, 35 NO_DATA)"],
        ["`recording.m4a`", m4["durations_ms"], f"{m4['captured_at']} ({m4['captured_at_local']}, "
                                                f"{m4['captured_at_epoch_ms']} ms)", "mvhd v0: 3000 ÷ 1000; creation_time "
                                                                                     f"{m4['mvhd']['creation_time_1904']} (1904 epoch)"],
        ["`notice.pdf`", "—", f"{pdf['captured_at']} ({pdf['captured_at_utc']}, {pdf['captured_at_epoch_ms']} ms)",
         "/Info /CreationDate `(D:20250304101500+08'00')`"],
        ["`recording.mp3`", f"{mp3['durations_ms']} (±{mp3['duration_tolerance_ms']})", "—",
         f"Xing frames {mp3['xing']['frames']} × 1152 ÷ 44100 = {mp3['duration_ms_exact']:.3f} ms"],
    ]
    a(md_table(["file", "duration ms", "captured at", "from"], rows) + "\n")
    a(f"- `photo.jpg`: {len(WRITTEN['photo.jpg'])} bytes, baseline JPEG 16×16, 1 component (four flat gray "
      "8×8 blocks). APP1 `Exif` comes right after SOI (no JFIF APP0), TIFF little-endian (`II`). IFD0: Make "
      "`yuqi-fixture`, Model `FakeCam 1`, Orientation 1, DateTime (0x0132), ExifIFD pointer (0x8769). Exif IFD: "
      "ExifVersion `0232`, DateTimeOriginal 0x9003 and DateTimeDigitized 0x9004 (ASCII, count 20), OffsetTime "
      "0x9010, OffsetTimeOriginal 0x9011, OffsetTimeDigitized 0x9012 (ASCII, count 7, `+08:00`).")
    a(f"- `call.wav`: RIFF/WAVE, PCM, 1 channel, 8000 Hz, 16 bit, byte rate 16000. Chunks `fmt `, `LIST` "
      f"(INFO/ISFT `yuqi-fixture`, odd length 13 + pad byte), `data` (24000 zero bytes at offset "
      f"{w['data_offset']}). Duration 1500 ms. No internal time.")
    a(f"- `call.amr`: `#!AMR\\n` + 100 frames of FT 7 (header byte `0x3C`, 31 speech bytes) = {am['file_bytes']} "
      "bytes. 2000 ms.")
    a(f"- `call-dtx.amr` (extra): 60 × FT 7, then 5 × (SID FT 8 `0x44` + 5 bytes, then 7 × NO_DATA FT 15 "
      f"`0x7C`) = 100 frames, {ad['file_bytes']} bytes, 2000 ms. Dividing the payload by 32 bytes would give "
      f"{ad['wrong_estimate_size_div_32_ms']} ms: wrong. The file follows RFC 4867; FFmpeg 5.1's native AMR-NB "
      "decoder nevertheless logs errors on the SID (\"not yet implemented\") and NO_DATA (\"corrupt bitstream\") "
      "frames and decodes only the 60 speech frames (a decoder limitation, not a fixture defect).")
    a(f"- `recording.m4a`: {len(WRITTEN['recording.m4a'])} bytes: `ftyp` (M4A , isom, iso2), empty `mdat` "
      "(8 bytes), then `moov` holding only `mvhd` version 0: timescale 1000, duration 3000 → 3000 ms; "
      f"creation/modification time {m4['mvhd']['creation_time_1904']} s since 1904 = 2025-03-03T10:00:00Z "
      "(18:00 in Shanghai). Header-only, not playable.")
    a(f"- `notice.pdf`: {len(WRITTEN['notice.pdf'])} bytes, PDF 1.4, 1 page (A4, Helvetica text), correct xref; "
      "`/Info` has `/CreationDate (D:20250304101500+08'00')` and the same `/ModDate` → "
      f"{pdf['captured_at']} = {pdf['captured_at_epoch_ms']} ms.")
    a(f"- `recording.mp3`: ID3v2.3 tag ({mp3['id3v2_bytes']} bytes, TIT2 `yuqi fixture`, syncsafe size), then "
      f"{mp3['frames_total']} MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz, joint stereo, 417/418 bytes with "
      "padding, silent: zero side info and main data), then a 128-byte ID3v1 `TAG`. The first frame carries a "
      f"`Xing` header 36 bytes after the frame start (4 header + 32 side info): flags 0x3, frames "
      f"{mp3['xing']['frames']} (audio frames after the Xing frame), bytes {mp3['xing']['bytes']} (all frames). "
      f"Duration {mp3['xing']['frames']} × 1152 ÷ 44100 = {mp3['duration_ms_exact']:.3f} ms → "
      f"**{mp3['durations_ms']} ms**; counting the Xing frame too gives {mp3['duration_ms_if_xing_frame_counted']} ms "
      f"(hence ±27). The CBR estimate without Xing would be {mp3['cbr_estimate_ms']} ms (flag as estimate). "
      "LAME writes `Info` instead of `Xing` for CBR; this file uses `Xing`.")
    a("- WAV and AMR carry no time of their own: `captured_at` is null; an importer may only fall back to "
      "file name or mtime, flagged. The fixtures' mtimes are whatever the checkout gives and must not be "
      "asserted.\n")
    a("Besides the script's own checks, the media were opened once with independent tools when they were made: "
      "`file`; Pillow (both MMS JPEGs decode to flat 64 and 192, photo.jpg to its four blocks, EXIF tags as above); "
      "ffprobe/ffmpeg 5.1 (call.wav 1.500 s, call.amr decodes to 16,000 samples = 2.000 s, recording.m4a "
      "3.000 s with creation_time 2025-03-03T10:00:00Z, recording.mp3 0.992653 s and decodes to 38 × 1152 "
      "samples); mutagen (mp3 0.99265 s, m4a 3.0 s); pypdf in strict mode (1 page, CreationDate "
      "2025-03-04 10:15:00+08:00). None of these is needed to regenerate the files.\n")
    a("## Not covered\n")
    a("Lone surrogate references (→ U+FFFD with a warning), UTF-16 re-saved XML, 留痕 TXT/HTML, PyWxDump's old "
      "JSON `content` variant, iMazing CSV, AMR-WB, mvhd version 1 and MP3 VBRI headers have no fixture yet.\n")
    a("## Benchmark input\n")
    a("Large SB&R files are not stored. `bench/gen_sms_backup.py SIZE_BYTES -o FILE [--seed N]` writes one "
      "deterministically (same seed and size → same bytes).\n")
    # ---- files in this directory that other generators (or a test) write
    a("## Fixtures not written by this script\n")
    a("* `make_android_fixtures.py` writes the Android and iPhone exports of issue 18 (SMS Import / Export "
      "`smsie-*`, `imazing.csv`, `mmssms.db`, `not-sms.db`, the adb backup `android-sms.ab` and the Xiaomi "
      "backup `miui-sms.bak`); `make_wechatmsg.py` writes the 留痕 / WeChatMsg "
      "(WeChat 4.x) export folder `wechatmsg/` and `wechatmsg.zip`. Each script's header describes its files.\n")
    a("* `Screenshot_20261120-211400_com.tencent.mm.png` — a WeChat-style chat screen (light mode, 1170 × 2532, "
      "status bar, avatars, timestamp separators) rendered with headless Chromium from known text by "
      "`crates/yuqi-ocr/tests/rendered.rs` (screen 0, kept with `YUQI_OCR_KEEP=dir`). Its four messages: a "
      "customer-service line (received, 昨天 22:45), 好的 (sent, 2026年2月7日 05:49), 再不还钱，我们明天就去你家贴大字报！ "
      "(received, 06:33), 发个还款账号给我 (sent, 9月22日 05:47). The name is the one an Android phone gives a "
      "screenshot of WeChat taken on 2026-11-20 at 21:14:00; the store's, CLI's and web app's screenshot tests read "
      "it back through Tesseract.\n")
    return "\n".join(L) + "\n"


def main():
    check = "--no-check" not in sys.argv[1:]
    build_sms_basic()
    build_sms_huge()
    build_sms_broken()
    build_sms_truncated()
    build_calls()
    build_calllog()
    build_wechat()
    build_imessage()
    build_generic()
    build_photo()
    build_wav()
    build_amr()
    build_m4a()
    build_pdf()
    build_mp3()
    result = check_all() if check else None
    for name, data in WRITTEN.items():
        EXPECTED[name]["file"] = {"bytes": len(data), "sha256": sha256(data)}
        for key in ("records", "duplicates", "malformed", "durations_ms", "captured_at"):
            EXPECTED[name].setdefault(key, None)
    doc = {"generator": "tests/data/evidence/make_fixtures.py",
           "time_zone": "Asia/Shanghai (+08:00) for every local string in these fixtures",
           "conventions": {"index": "1-based record index in document order", "line": "1-based physical line",
                           "epoch_ms": "milliseconds since 1970-01-01T00:00:00Z",
                           "captured_at": "RFC 3339", "durations_ms": "integer milliseconds"},
           "files": {k: EXPECTED[k] for k in sorted(EXPECTED)}}
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1, sort_keys=False)
        f.write("\n")
    readme = build_readme()
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme)
    if result is not None:
        print(f"{len(WRITTEN)} fixtures written; {result.n} checks, {len(result.fail)} failed")
        for msg in result.fail:
            print("FAIL", msg)
        return 1 if result.fail else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
