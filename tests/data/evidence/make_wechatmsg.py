#!/usr/bin/env python3
"""Write the 留痕 / WeChatMsg (MemoTrace, WeChat 4.x) export fixtures: an export folder
`wechatmsg/` (the chat page `王经理.html`, its sidecar `王经理.html.json`, and tiny media files in
image/ voice/ video/ file/) and `wechatmsg.zip`, the same folder zipped as a browser user would.

The layout follows docs/import-formats.md §3.1 (exporter/exporter_html.py and
wxManager/model/message.py of the tool): each message is `Message.to_json()`; the sidecar is
`json.dump(..., ensure_ascii=False, indent=4)` of the list; the page embeds the same list after
`const chatMessages = ` with every string value of a message (and of nested objects) passed
through `html.escape` unless it starts with `http` (strings inside lists are not). The page head
here is a short stand-in written for yuqi, not the tool's template.

Standard library only and deterministic (fixed times, fixed zip dates). Every value is invented.

Usage:  python3 tests/data/evidence/make_wechatmsg.py
"""

import copy
import hashlib
import html
import json
import os
import zipfile

OUT = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(OUT, "wechatmsg")
CHAT = "王经理"

# (SubType << 32) | Type, as the tool's MessageType constants.
FILE = 6 << 32 | 49
LINK = 5 << 32 | 49
RED_PACKET = 2001 << 32 | 49
TRANSFER = 2000 << 32 | 49
QUOTE = 57 << 32 | 49
MERGED = 19 << 32 | 49

T0 = 1709530200  # 2024-03-04 13:30:00 +08:00 = 05:30:00Z

MEDIA = {
    "image/2024-03/20240304_133200_701234_0.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "image/2024-03/20240304_133200_701234_0_t.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00thumb\xff\xd9",
    "voice/2024-03/20240304_133300_701234_0.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x00" + b"\x00" * 16,
    "video/2024-03/20240304_134000_701234_1.mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
    "file/2024-03/催款通知.pdf": b"%PDF-1.4\n% invented notice\n%%EOF\n",
}


def base(i, type_, is_send, display_name="王经理"):
    return {
        "type": str(type_),
        "is_send": is_send,
        "timestamp": T0 + 60 * i,
        "server_id": str(7012345678901234500 + i),
        "display_name": display_name,
        "avatar_src": "",
        "xml_dict": {},
    }


def messages():
    m = []
    t = base(0, 1, False)
    t["text"] = "今天下午五点前必须还款，否则通知你家人和单位"
    m.append(t)
    t = base(1, 1, True, "小李")
    t["text"] = "我说了 <下周一> & \"一定\" 还'"
    m.append(t)
    t = base(2, 3, False)
    t.update(
        path="./image/2024-03/20240304_133200_701234_0",
        file_name="20240304_133200_701234_0",
        file_size=0,
        file_type="",
        thumb_path="./image/2024-03/20240304_133200_701234_0_t",
    )
    m.append(t)
    t = base(3, 34, False)
    t.update(
        path="./voice/2024-03/20240304_133300_701234_0.mp3",
        file_name="20240304_133300_701234_0",
        file_size=0,
        file_type="",
        voice_to_text="你躲得了初一躲不过十五",
        duration=5,
    )
    m.append(t)
    t = base(4, TRANSFER, True, "小李")
    t.update(text="发起转账", pay_subtype=1, pay_memo="先还一部分", fee_desc="¥500.00")
    t["xml_dict"] = {"msg": {"appmsg": {"title": "微信转账", "wcpayinfo": {"feedesc": "¥500.00", "pay_memo": "先还一部分"}}}}
    m.append(t)
    t = base(5, TRANSFER, False)
    t.update(text="已收款", pay_subtype=3, pay_memo="", fee_desc="¥500.00")
    m.append(t)
    t = base(6, FILE, False)
    t.update(path="./file/2024-03/催款通知.pdf", file_name="催款通知.pdf", file_size=33, file_type="pdf")
    m.append(t)
    t = base(7, 43, True, "小李")
    t.update(
        path="./video/2024-03/20240304_134000_701234_1.mp4",
        file_name="20240304_134000_701234_1",
        file_size=0,
        file_type="",
        thumb_path="msg/video/2024-03/abc_thumb.jpg",
        duration=3,
    )
    m.append(t)
    t = base(8, RED_PACKET, False)
    t.update(text="恭喜发财，大吉大利", inner_type=1)
    m.append(t)
    t = base(9, 50, False)
    t.update(invite_type=1, display_content="通话时长 00:42", duration=42)
    m.append(t)
    t = base(10, QUOTE, False)
    t.update(
        text="看清楚了吗",
        quote_server_id=str(7012345678901234501),
        quote_type=1,
        quote_text="小李: 我说了 <下周一> & \"一定\" 还'",
    )
    m.append(t)
    t = base(11, MERGED, False)
    inner = base(-60, 1, False, "赵催收")
    inner["text"] = "欠款 3000 元 <逾期>"
    t.update(title="群聊的聊天记录", description="赵催收: 欠款 3000 元", messages=[inner])
    m.append(t)
    t = base(12, 10000, False, "")
    t["text"] = "\"王经理\" 撤回了一条消息"
    m.append(t)
    t = base(13, 10000, False)
    t["type"] = 10000  # PatMessage.to_json sets the int MessageType.System
    t["text"] = "\"王经理\" 拍了拍我"
    m.append(t)
    t = base(14, 3, False)
    t.update(
        path="./image/2024-03/20240304_134400_701234_0",
        file_name="20240304_134400_701234_0",
        file_size=0,
        file_type="",
        thumb_path="./image/2024-03/20240304_134400_701234_0_t",
    )
    m.append(t)
    t = base(15, 47, False)
    t.update(path="https://emoji.example.invalid/e/1.gif", desc="[捂脸]", file_name="", file_size=0, file_type="")
    m.append(t)
    t = base(16, LINK, False)
    t.update(
        url="https://loan.example.invalid/notice?a=1&b=2",
        title="逾期告知函",
        description="请于今日还清",
        cover_url="",
        app_logo="",
        app_name="",
    )
    m.append(t)
    return m


def dict_to_js(d):
    """The exporter's escaping: string values not starting with http, and nested dicts."""
    for k, v in d.items():
        if isinstance(v, str):
            d[k] = v if v.startswith("http") else html.escape(v)
        elif isinstance(v, dict):
            d[k] = dict_to_js(v)
    return d


HEAD = """<!DOCTYPE html>
<html lang="zh-CN">

<head>
    <meta charset="UTF-8">
    <title>{chat}</title>
    <style>
        /* stand-in for the page's styles; the real page starts with date-picker styles */
        .flatpickr-calendar {{ opacity: 0; }}
    </style>
</head>

<body>
    <p id="title">{chat}</p>
    <script>
        const wxid="wxid_k9x2m4";
        const chatMessages = """

TAIL = """;
        var timelineData = {};
    </script>
</body>

</html>
"""


def main():
    msgs = messages()
    files = {}
    files[f"{CHAT}.html.json"] = json.dumps(msgs, ensure_ascii=False, indent=4).encode()
    escaped = [dict_to_js(m) for m in copy.deepcopy(msgs)]
    page = HEAD.format(chat=CHAT) + json.dumps(escaped, ensure_ascii=False, indent=4) + TAIL
    files[f"{CHAT}.html"] = page.encode()
    files.update(MEDIA)
    for rel, data in files.items():
        path = os.path.join(FOLDER, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with zipfile.ZipFile(os.path.join(OUT, "wechatmsg.zip"), "w", zipfile.ZIP_DEFLATED) as z:
        for rel in sorted(files):
            info = zipfile.ZipInfo(f"{CHAT}/{rel}", date_time=(2024, 3, 4, 14, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[rel])
    for rel, data in sorted(MEDIA.items()):
        print(hashlib.sha256(data).hexdigest(), len(data), rel)


if __name__ == "__main__":
    main()
