"""Time pyxirr.xirr on the series written by `xirr_series generate` and compare
its results with ours (written by `xirr_series run`).

Usage: python pyxirr_compare.py SERIES_FILE OUR_RESULTS OUR_US_PER_SERIES
"""
import datetime as dt
import sys
import time
from importlib.metadata import version

import numpy as np
import pyxirr

series_file, ours_file, ours_us = sys.argv[1], sys.argv[2], float(sys.argv[3])
rec = np.dtype([("days", "<i4", 13), ("amounts", "<f8", 13)])
data = np.fromfile(series_file, dtype=rec)
n = len(data)
epoch = dt.date(1970, 1, 1)
# Plain Python lists, as a user of pyxirr would pass them; conversion is not timed.
dates = [[epoch + dt.timedelta(days=int(d)) for d in row] for row in data["days"]]
amounts = [row.tolist() for row in data["amounts"]]

t = time.perf_counter()
theirs = [pyxirr.xirr(dates[i], amounts[i]) for i in range(n)]
secs = time.perf_counter() - t
their_us = secs / n * 1e6

ours = np.fromfile(ours_file, dtype="<f8")
theirs_arr = np.array([np.nan if x is None else x for x in theirs])
both = ~np.isnan(ours) & ~np.isnan(theirs_arr)
diff = np.abs(ours[both] - theirs_arr[both])
print(f"pyxirr {version('pyxirr')} xirr: {n} series x 13 flows: {secs:.3f}s total, {their_us:.3f} us/series (Python loop incl.)")
print(f"yuqi xirr: {ours_us:.3f} us/series; pyxirr / yuqi = {their_us / ours_us:.2f}x")
print(f"roots: yuqi {int((~np.isnan(ours)).sum())}, pyxirr {int((~np.isnan(theirs_arr)).sum())}; max |yuqi - pyxirr| = {diff.max():.3e}")

# Who is closer to the true root? pyxirr stops Newton when a step is below 1e-9,
# so differences near 1e-9 are its residual error. Check a sample exactly.
from decimal import Decimal, getcontext

getcontext().prec = 50


def exact_xirr(days, amts):
    t0 = days[0]
    flows = [(Decimal(int(d - t0)) / 365, Decimal(float(a))) for d, a in zip(days, amts)]
    lo, hi = Decimal("-0.9"), Decimal("10")
    for _ in range(120):
        mid = (lo + hi) / 2
        npv = sum(a / (1 + mid) ** t for t, a in flows)
        if npv > 0:
            lo = mid
        else:
            hi = mid
    return float((lo + hi) / 2)


worst = np.argsort(-np.where(both, np.abs(ours - theirs_arr), 0))[:200]
err_ours = max(abs(ours[i] - exact_xirr(data["days"][i], data["amounts"][i])) for i in worst)
err_theirs = max(abs(theirs_arr[i] - exact_xirr(data["days"][i], data["amounts"][i])) for i in worst)
print(f"on the 200 series where the two differ most: max error vs exact root: yuqi {err_ours:.1e}, pyxirr {err_theirs:.1e}")
if diff.max() > 1e-9:
    print("MISMATCH: results differ by more than 1e-9")
    sys.exit(1)
