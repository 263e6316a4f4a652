#!/usr/bin/env python3
"""Write a large, realistic SMS Backup & Restore XML file for importer benchmarks.

    python3 bench/gen_sms_backup.py SIZE_BYTES -o FILE [--seed N] [--mms-every N]

The file is exactly SIZE_BYTES long and has the layout of docs/import-formats.md §1: XML
declaration, the "File Created By" comment, the sms.xsl stylesheet PI, then <smses count=...>
holding one <sms> per line (Chinese collection messages from 1069/95xxx/mobile numbers, ordinary
messages, varied lengths up to a few KB, &#10; newlines, &amp;/&lt;/&quot; escapes, a few emoji
written as surrogate-pair references such as &#55357;&#56834; and a few as plain UTF-8) and, on
average every --mms-every records, a multi-line <mms> with a SMIL part, a text part and a small
base64 image/jpeg part.

Standard library only. Deterministic: the same seed and size give the same bytes (no clock, no
system randomness). Writes are streamed in large chunks; the root's count and backup_date are
fixed-width fields patched at the end, so FILE must be a seekable regular file. Prints the record
counts on stdout.

Because of the surrogate references, a strict XML parser rejects the file until they are
rewritten (doc §1.5); that is intended.
"""

import argparse
import base64
import random
import struct
import sys
import time
from datetime import date, datetime, timedelta, timezone

CHUNK = 8 << 20  # bytes per write
START_MS = int(datetime(2021, 1, 1, 8, 0, 0, tzinfo=timezone(timedelta(hours=8))).timestamp()) * 1000
TZ_OFFSET_S = 8 * 3600  # Asia/Shanghai

HEAD = ("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        "<!--File Created By SMS Backup & Restore v10.20.001 on 06/03/2025 20:00:00-->\n"
        '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n')
COUNT_W = 13  # digits + closing quote + padding spaces: count="<COUNT_W chars>
FOOT = "</smses>\n"

# ---------------------------------------------------------------------------------------------
# text material (invented)
# ---------------------------------------------------------------------------------------------

APPS = ["速借宝", "闪电花", "金豆分期", "易贷通", "好信借", "米来花", "青橙白条", "安心借", "诚信钱包", "快易贷"]
NAMES = ["李明", "王芳", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞", "徐强", "孙丽"]
AGENTS = ["王经理", "李专员", "张主管", "刘律师", "陈调解员", "赵组长"]
RELS = ["父母", "老婆", "同事", "领导", "朋友", "村委会", "紧急联系人"]
BANKS = ["工商银行", "建设银行", "农业银行", "招商银行", "中国银行"]
DEPTS = ["法务部", "风控中心", "贷后管理部", "第三方催收机构", "外访组"]

COLLECTOR_T = [
    "【{app}】尊敬的{name}，您的借款已逾期{days}天，应还{amt}元，请于今日{hh}点前还款，逾期将影响您的征信。回T退订",
    "【{app}】{name}您好，您在我司的借款{amt}元已逾期{days}天，案件已移交{dept}处理，请尽快联系{phone}协商还款。",
    "{name}，你的欠款{amt}元今天必须处理，否则我们将按流程联系你的{rel}。",
    "这里是{app}贷后管理中心，你已经严重逾期{days}天，拒不还款的后果自负。",
    "{name}你好，我是{app}的催收专员{agent}，工号{code}，请今天下午{hh}点前还清最低还款额{amt}元。",
    "最后通知：{days}天内不处理，将安排外访人员上门核实你的居住地址和工作单位。",
    "你通讯录里的{rel}我们已经联系过了，你自己看着办。",
    "还款账户：{bank} 尾号{tail}，户名{agent}，转账后截图发我。",
    "【{app}】您的账单已出，本期应还{amt}元，最后还款日{date}。如已还款请忽略。",
    "【{app}】{name}，您的逾期记录已报送，逾期金额{amt}元 & 罚息{fee}元，详询95{code3}。",
    '{name}，"协商还款"最后期限是{date}，过了这个时间一律按"恶意拖欠"处理。',
    "你的借款金额<{amt}元，还不起就让家里人帮你还，别让我们上门。",
    "{name}，今晚{hh}点前看不到还款，明天我们的人就到你单位了。",
    "【{app}】尊敬的客户，您的减免申请已通过，请于{date}前一次性结清{amt}元，逾期减免失效。",
]
ORDINARY_T = [
    "妈：周末回家吃饭吗？",
    "【顺丰速运】您的快件{code}已到达{place}，请凭取件码{code4}取件。",
    "【{bank}】您尾号{tail}的储蓄卡{date}收入人民币{amt}元，活期余额{fee}元。",
    "验证码{code6}，5分钟内有效，请勿泄露给他人。【{app}】",
    "晚上一起吃饭吗",
    "好的，收到",
    "我到楼下了，你下来吧",
    "【中国移动】尊敬的客户，您本月话费账单{fee}元，请及时缴费。",
    "{name}，明天的会改到下午{hh}点，记得带材料。",
    "房租这个月{amt}元，记得转给我哈",
    "孩子今天发烧了，我请了半天假。",
    "【美团】您的外卖已送达，祝您用餐愉快！",
]
PLACES = ["科技园驿站", "小区南门快递柜", "菜鸟驿站(幸福路店)", "公司前台"]
EMOJI = ["\U0001F602", "\U0001F64F", "\U0001F621", "\U0001F4B0", "\U0001F62D", "\U0001F44D"]


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;"))


def surrogate_ref(ch):
    v = ord(ch) - 0x10000
    return f"&#{0xD800 + (v >> 10)};&#{0xDC00 + (v & 0x3FF)};"


def fill(rnd, t):
    return t.format(
        app=rnd.choice(APPS), name=rnd.choice(NAMES), agent=rnd.choice(AGENTS), rel=rnd.choice(RELS),
        bank=rnd.choice(BANKS), dept=rnd.choice(DEPTS), place=rnd.choice(PLACES),
        days=rnd.randrange(1, 400), hh=rnd.randrange(12, 24), tail=f"{rnd.randrange(10000):04d}",
        amt=f"{rnd.randrange(100, 5000000) / 100:,.2f}", fee=f"{rnd.randrange(100, 200000) / 100:.2f}",
        phone=f"1{rnd.choice('3456789')}{rnd.randrange(10 ** 9):09d}", code=f"{rnd.randrange(10 ** 8):08d}",
        code3=f"{rnd.randrange(1000):03d}", code4=f"{rnd.randrange(10000):04d}",
        code6=f"{rnd.randrange(10 ** 6):06d}",
        date=f"{rnd.randrange(2021, 2026)}年{rnd.randrange(1, 13)}月{rnd.randrange(1, 29)}日")


def body_pool(rnd, templates, n, long_share):
    """n escaped bodies (str) of varied length."""
    out = []
    for _ in range(n):
        x = rnd.random()
        if x < long_share:  # long: several KB
            parts = [fill(rnd, rnd.choice(templates)) for _ in range(rnd.randrange(20, 80))]
            text = "\n".join(parts)
        elif x < 0.30:  # medium: a few joined sentences
            text = "\n".join(fill(rnd, rnd.choice(templates)) for _ in range(rnd.randrange(2, 6)))
        else:
            text = fill(rnd, rnd.choice(templates))
        y = rnd.random()
        if y < 0.012:  # emoji as a surrogate-pair reference (the SB&R quirk)
            out.append(esc(text) + " " + surrogate_ref(rnd.choice(EMOJI)))
        elif y < 0.03:  # emoji as plain UTF-8
            out.append(esc(text + rnd.choice(EMOJI)))
        else:
            out.append(esc(text))
    return out


# ---------------------------------------------------------------------------------------------
# a tiny valid JPEG (8x8 flat gray, baseline, DC only) for MMS parts
# ---------------------------------------------------------------------------------------------

def tiny_jpeg(level):
    qt = [16, 11, 10, 16, 24, 40, 51, 61] + [99] * 56  # only qt[0] matters for a flat block
    dc_bits, dc_vals = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], list(range(12))
    ac_bits, ac_vals = [0, 1] + [0] * 14, [0x00]  # a one-symbol AC table: EOB = code '00'
    codes, code, k = {}, 0, 0
    for length in range(1, 17):
        for _ in range(dc_bits[length - 1]):
            codes[dc_vals[k]] = (code, length)
            code, k = code + 1, k + 1
        code <<= 1
    q = 8 * (level - 128) // 16
    size = abs(q).bit_length()
    c, n = codes[size]
    bits = (c, n)
    val = q if q >= 0 else q + (1 << size) - 1
    acc, nb = (bits[0] << size) | val, n + size
    acc, nb = (acc << 2), nb + 2  # EOB '00'
    pad = (8 - nb % 8) % 8
    acc, nb = (acc << pad) | ((1 << pad) - 1), nb + pad
    scan = acc.to_bytes(nb // 8, "big").replace(b"\xff", b"\xff\x00")

    def seg(m, p):
        return struct.pack(">BBH", 0xFF, m, len(p) + 2) + p
    return (b"\xff\xd8" + seg(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + seg(0xDB, bytes([0]) + bytes(qt)) + seg(0xC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00")
            + seg(0xC4, b"\x00" + bytes(dc_bits) + bytes(dc_vals) + b"\x10" + bytes(ac_bits) + bytes(ac_vals))
            + seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + scan + b"\xff\xd9")


# ---------------------------------------------------------------------------------------------
# generator
# ---------------------------------------------------------------------------------------------

def build(rnd):
    collectors = ([f"1069{rnd.randrange(10 ** 9):09d}" for _ in range(48)]
                  + [f"95{rnd.randrange(1000):03d}" for _ in range(16)]
                  + [f"+861{rnd.choice('3578')}{rnd.randrange(10 ** 9):09d}" for _ in range(48)]
                  + [f"1{rnd.choice('3578')}{rnd.randrange(10 ** 9):09d}" for _ in range(16)])
    ordinary = ([f"1{rnd.choice('35789')}{rnd.randrange(10 ** 9):09d}" for _ in range(96)]
                + [f"+86 1{rnd.choice('38')}{rnd.randrange(10):01d} {rnd.randrange(10000):04d} "
                   f"{rnd.randrange(10000):04d}" for _ in range(16)]
                + [f"10{rnd.choice(['086', '010', '6550', '690'])}{rnd.randrange(10 ** 4):04d}" for _ in range(16)])
    # per address: (address, contact_name, service_center), all escaped
    c_addr = [(a, "(Unknown)" if rnd.random() < 0.8 else rnd.choice(AGENTS + APPS),
               f"+86138007{rnd.randrange(10 ** 5):05d}") for a in collectors]
    o_addr = [(esc(a), rnd.choice(["(Unknown)", "妈妈", "老婆", "张伟", "房东", "快递", "null"]),
               f"+86138001{rnd.randrange(10 ** 5):05d}") for a in ordinary]
    c_body = body_pool(rnd, COLLECTOR_T, 4096, 0.02)
    o_body = body_pool(rnd, ORDINARY_T, 1024, 0.003)
    jpegs = [base64.b64encode(tiny_jpeg(lv)).decode() for lv in (40, 96, 150, 210)]
    return c_addr, o_addr, c_body, o_body, jpegs


def readable_tables():
    tod = []
    for s in range(86400):
        h, m, sec = s // 3600, s // 60 % 60, s % 60
        tod.append(f"{'上午' if h < 12 else '下午'}{h % 12 or 12}:{m:02d}:{sec:02d}")
    return tod


def generate(path, target, seed, mms_every):
    rnd = random.Random(seed)
    c_addr, o_addr, c_body, o_body, jpegs = build(rnd)
    tod = readable_tables()
    days = {}
    smses_open = ('<smses count="' + '0"'.ljust(COUNT_W) + ' backup_set="%08x-2f3d-4e5f-8a9b-0c1d2e3f4a5b"'
                  ' backup_date="' % (seed & 0xFFFFFFFF))
    head = (HEAD + smses_open).encode()
    count_off = len(HEAD.encode()) + len('<smses count="')
    bdate_off = len(head)
    head += b'0000000000000" type="full">\n'
    foot = FOOT.encode()
    if target < len(head) + len(foot):
        sys.exit(f"size must be at least {len(head) + len(foot)} bytes")

    getbits = rnd.getrandbits
    t_ms = START_MS
    n_sms = n_mms = 0
    written = len(head)
    limit = target - len(foot)
    buf, buf_len = [], 0
    mms_mask_limit = max(1, (1 << 16) // max(1, mms_every))

    with open(path, "wb") as f:
        f.write(head)
        while True:
            r = getbits(64)  # bits 0-3 kind, 4-10 address, 11-13 direction, 14-29 mms, 32-43 body
            r2 = getbits(32)  # bits 0-10 gap, 11-20 ms jitter, 21-22 jpeg, 23-24 date_sent lag
            t_ms += 1000 + (r2 & 0x7FF) * 57 + ((r2 >> 11) & 0x3FF)
            local_s = t_ms // 1000 + TZ_OFFSET_S
            day = local_s // 86400
            dstr = days.get(day)
            if dstr is None:
                d = date(1970, 1, 1) + timedelta(days=day)
                dstr = days[day] = f"{d.year}年{d.month}月{d.day}日 "
            readable = dstr + tod[local_s % 86400]
            collector = (r & 0xF) < 11  # ~69% collector traffic
            if collector:
                addr, name, sc = c_addr[(r >> 4) & 0x7F]
                body = c_body[(r >> 32) & 0xFFF]
            else:
                addr, name, sc = o_addr[(r >> 4) & 0x7F]
                body = o_body[(r >> 32) & 0x3FF]
            outgoing = ((r >> 11) & 0x7) == 0  # 1 in 8 sent by me
            if ((r >> 14) & 0xFFFF) < mms_mask_limit:
                jpg = jpegs[(r2 >> 21) & 3]
                box = "2" if outgoing else "1"
                rec = (f'  <mms date="{t_ms}" rr="129" sub="null" ct_t="application/vnd.wap.multipart.related" '
                       f'read_status="null" seen="1" msg_box="{box}" address="{addr}" sub_cs="null" resp_st="null" '
                       f'retr_st="null" d_tm="null" text_only="0" exp="null" locked="0" m_id="null" st="null" '
                       f'retr_txt_cs="null" retr_txt="null" creator="com.android.mms" date_sent="0" read="1" '
                       f'm_size="{len(jpg) + len(body)}" rpt_a="null" ct_cls="null" pri="129" sub_id="1" '
                       f'tr_id="T{t_ms:x}" resp_txt="null" ct_l="null" m_cls="personal" d_rpt="129" v="18" '
                       f'm_type="{"128" if outgoing else "132"}" readable_date="{readable}" contact_name="{name}">\n'
                       '    <parts>\n'
                       '      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" '
                       'cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" text="&lt;smil&gt;&lt;body&gt;'
                       '&lt;par dur=&quot;5000ms&quot;&gt;&lt;img src=&quot;image.jpg&quot;/&gt;&lt;text '
                       'src=&quot;text_0.txt&quot;/&gt;&lt;/par&gt;&lt;/body&gt;&lt;/smil&gt;" />\n'
                       '      <part seq="0" ct="image/jpeg" name="image.jpg" chset="null" cd="null" fn="null" '
                       f'cid="&lt;image&gt;" cl="image.jpg" ctt_s="null" ctt_t="null" text="null" data="{jpg}" />\n'
                       '      <part seq="1" ct="text/plain" name="null" chset="106" cd="null" fn="null" '
                       f'cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null" text="{body}" />\n'
                       '    </parts>\n'
                       '    <addrs>\n'
                       f'      <addr address="{"insert-address-token" if outgoing else addr}" type="137" charset="106" />\n'
                       f'      <addr address="{addr if outgoing else "+8613900001111"}" type="151" charset="106" />\n'
                       '    </addrs>\n'
                       '  </mms>\n')
                is_mms = True
            else:
                if outgoing:
                    rec = (f'  <sms protocol="0" address="{addr}" date="{t_ms}" type="2" subject="null" '
                           f'body="{body}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" '
                           f'locked="0" date_sent="0" sub_id="1" readable_date="{readable}" '
                           f'contact_name="{name}" />\n')
                else:
                    rec = (f'  <sms protocol="0" address="{addr}" date="{t_ms}" type="1" subject="null" '
                           f'body="{body}" toa="null" sc_toa="null" service_center="{sc}" read="1" status="-1" '
                           f'locked="0" date_sent="{t_ms - 1000 - ((r2 >> 23) & 3) * 1000}" sub_id="1" '
                           f'readable_date="{readable}" contact_name="{name}" />\n')
                is_mms = False
            b = rec.encode()
            if written + len(b) > limit:
                break
            buf.append(b)
            buf_len += len(b)
            written += len(b)
            if is_mms:
                n_mms += 1
            else:
                n_sms += 1
            if buf_len >= CHUNK:
                f.write(b"".join(buf))
                buf, buf_len = [], 0
        # fill the gap exactly: one last short sms whose body is sized to fit, else whitespace
        gap = limit - written
        t_ms += 60000
        local_s = t_ms // 1000 + TZ_OFFSET_S
        d = date(1970, 1, 1) + timedelta(days=local_s // 86400)
        readable = f"{d.year}年{d.month}月{d.day}日 " + tod[local_s % 86400]
        stub = (f'  <sms protocol="0" address="10690000000" date="{t_ms}" type="1" subject="null" body="'
                '{}" toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" '
                f'date_sent="0" readable_date="{readable}" contact_name="(Unknown)" />\n')
        base = len(stub.format("").encode())
        if gap >= base:
            need = gap - base
            filler = stub.format("催" * (need // 3) + "x" * (need % 3)).encode()
            assert len(filler) == gap
            buf.append(filler)
            n_sms += 1
        else:
            buf.append(b" " * gap)
        buf.append(foot)
        f.write(b"".join(buf))
        count = n_sms + n_mms
        f.seek(count_off)
        f.write(f'{count}"'.ljust(COUNT_W).encode())
        f.seek(bdate_off)
        f.write(f"{t_ms + 3600000:013d}".encode())
        size = f.seek(0, 2)
    assert size == target, (size, target)
    return n_sms, n_mms


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("size", type=int, help="exact size of the output file in bytes, e.g. 1073741824")
    ap.add_argument("-o", "--output", required=True, help="output path (a seekable regular file)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    ap.add_argument("--mms-every", type=int, default=200, help="one <mms> per this many records on average")
    a = ap.parse_args()
    t0 = time.perf_counter()
    n_sms, n_mms = generate(a.output, a.size, a.seed, a.mms_every)
    dt = time.perf_counter() - t0
    print(f"records {n_sms + n_mms} (sms {n_sms}, mms {n_mms}), {a.size} bytes, {dt:.2f} s, "
          f"{a.size / dt / 1e6:.1f} MB/s")


if __name__ == "__main__":
    main()
