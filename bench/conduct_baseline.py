"""Python baseline for the conduct analyzer: the same task with jieba + regex and
the same lexicons (crates/yuqi-conduct/data/lexicon.toml), for the speed ratio.

Usage: python conduct_baseline.py MESSAGES.jsonl [N] > out.jsonl
Prints timing to stderr.
"""
import json
import re
import sys
import time
import tomllib
import logging

import jieba

ROOT = __file__.rsplit("/bench/", 1)[0]
lex = tomllib.load(open(f"{ROOT}/crates/yuqi-conduct/data/lexicon.toml", "rb"))

table = {}
for line in open(f"{ROOT}/crates/yuqi-conduct/data/traditional.txt", encoding="utf-8"):
    if line.startswith("#"):
        continue
    for pair in line.split():
        if len(pair) == 2:
            table[pair[0]] = pair[1]

FILLERS = set(" \t\u3000*_-.·•|/\\~^`#+=丶丨\u200b\u200c\u200d\u200e\u200f\ufeff\u2060")
PHONE, CARD, AMOUNT, URL = "\ue000", "\ue001", "\ue002", "\ue003"
NUM = re.compile(r"[¥￥]?[0-9０-９][0-9０-９*xX \-.,]*")


def fold(c):
    o = ord(c)
    if 0xFF01 <= o <= 0xFF5E:
        c = chr(o - 0xFEE0)
    return table.get(c, c).lower()


def normalize(text):
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = fold(text[i])
        if c in "hw" and text[i:i + 8].lower().startswith(("http://", "https://", "www.")):
            j = i
            while j < n and not text[j].isspace() and text[j].isascii() and text[j].isprintable():
                j += 1
            out.append(URL)
            i = j
            continue
        if c.isdigit() or c in "¥￥":
            m = NUM.match(text, i)
            run = m.group(0).rstrip(" -.,")
            digits = sum(ch.isdigit() for ch in run)
            masked = sum(ch in "*xX" for ch in run)
            j = i + len(run)
            unit = j < n and text[j] in "元块万圆千"
            total = digits + masked
            if run[0] in "¥￥" or unit:
                out.append(AMOUNT)
                j += 1 if unit else 0
            elif total >= 15:
                out.append(CARD)
            elif (total == 11 and run[0] == "1") or (total >= 7 and masked) or 10 <= total <= 12:
                out.append(PHONE)
            else:
                out.extend(fold(ch) for ch in run if fold(ch) not in FILLERS)
            i = j
            continue
        if c not in FILLERS:
            out.append(c)
        i += 1
    return "".join(out)


def prep(p):
    return (p.replace("{PHONE}", PHONE).replace("{CARD}", CARD).replace("{AMOUNT}", AMOUNT).replace("{URL}", URL)
            .replace("\\p{Han}", "\u4e00-\u9fff").lower().replace("(?<", "(?P<"))


rules = []
for r in lex["rule"]:
    terms = [normalize(t) for t in r.get("terms", [])]
    term_re = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True) if t)) if terms else None
    anchors = [normalize(a.replace("{CARD}", CARD)) for a in r.get("anchors", [])]
    pats = [re.compile(prep(p)) for p in r.get("patterns", [])]
    rules.append((r["id"], r["code"], term_re, anchors, pats, r.get("negatable", True)))
ctx = lex["context"]
negation = set(normalize(t) for t in ctx["negation"])
reporting = [normalize(t) for t in ctx["reporting"]]
court = [normalize(t) for t in ctx["court_markers"]]
self_senders = set(ctx["self_senders"])

jieba.setLogLevel(logging.WARNING)
jieba.initialize()


def analyze(msg):
    text = msg["text"]
    if msg.get("from") in self_senders:
        return [], []
    norm = normalize(text)
    tokens = jieba.lcut(norm, HMM=False)
    # token start offsets, for negation by preceding tokens
    starts = []
    pos = 0
    for t in tokens:
        starts.append(pos)
        pos += len(t)
    is_court = any(c in norm for c in court) or msg.get("from") in ctx["court_senders"]
    hits = []
    for rid, code, term_re, anchors, pats, negatable in rules:
        spans = [m.span() for m in term_re.finditer(norm)] if term_re else []
        if pats and any(a in norm for a in anchors):
            for p in pats:
                spans.extend(m.span() for m in p.finditer(norm))
        for s, e in spans:
            k = max(0, sum(1 for x in starts if x < s) - 1)
            before = tokens[max(0, k - 4):k + 1]
            if negatable and any(t in negation for t in before):
                continue
            if any(r in norm[max(0, s - 20):s] for r in reporting):
                continue
            if is_court:
                continue
            hits.append((code, s, e, rid))
    codes = sorted(set(h[0] for h in hits))
    return codes, hits


def main():
    path = sys.argv[1]
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
    lines = []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                break
            lines.append(line)
    size = sum(len(l.encode("utf-8")) for l in lines)
    out = sys.stdout
    t = time.perf_counter()
    for line in lines:
        msg = json.loads(line)
        codes, hits = analyze(msg)
        out.write(json.dumps({"id": msg.get("id"), "codes": codes,
                              "hits": [{"code": c, "start": s, "end": e, "rule": r} for c, s, e, r in hits]},
                             ensure_ascii=False) + "\n")
    secs = time.perf_counter() - t
    print(f"python baseline (jieba {jieba.__version__} + re): {len(lines)} messages, {size/1e6:.1f} MB, "
          f"{secs:.2f}s, {size/1e6/secs:.2f} MB/s, {len(lines)/secs:.0f} messages/s", file=sys.stderr)


main()
