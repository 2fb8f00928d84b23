#!/usr/bin/env python3
"""Python peer of bench/gate.ts: the same data (float64 files written by gate.ts), timed with
scipy.stats.bootstrap(paired=True) and a NumPy fast DeLong (midranks of Sun & Xu 2014).

    .cache/venv/bin/python bench/gate_peer.py <dir> <bootstrap resamples>

Prints one JSON object of seconds.
"""

import json
import sys
import time

import numpy as np
from scipy import stats


def load(d, name):
    return np.fromfile(f"{d}/{name}.f64", dtype=np.float64)


def fast_delong(y, a, b):
    pos = y == 1
    m = int(pos.sum())
    k = len(y) - m
    v10, v01, aucs = [], [], []
    for s in (a, b):
        tx = stats.rankdata(s[pos])
        ty = stats.rankdata(s[~pos])
        tz = stats.rankdata(s)
        v10.append((tz[pos] - tx) / k)
        v01.append(1 - (tz[~pos] - ty) / m)
        aucs.append((tz[pos].sum() - m * (m + 1) / 2) / (m * k))
    cov = np.cov(np.vstack(v10)) / m + np.cov(np.vstack(v01)) / k
    se = np.sqrt(cov[0, 0] + cov[1, 1] - 2 * cov[0, 1])
    z = (aucs[0] - aucs[1]) / se
    return aucs[0] - aucs[1], 2 * stats.norm.sf(abs(z))


def main():
    d = sys.argv[1]
    resamples = int(sys.argv[2])
    y = load(d, "label")
    a = load(d, "score_a")
    b = load(d, "score_b")
    ya = load(d, "reg_label")
    pa = load(d, "reg_a")
    pb = load(d, "reg_b")
    out = {}
    rng = np.random.default_rng(1)

    ca = ((a >= 0.5) == (y == 1)).astype(np.float64)
    cb = ((b >= 0.5) == (y == 1)).astype(np.float64)
    t = time.perf_counter()
    stats.bootstrap((ca, cb), lambda u, v, axis: u.mean(axis) - v.mean(axis), paired=True, vectorized=True,
                    n_resamples=resamples, batch=5, method="percentile", rng=rng)
    out["bootstrap_accuracy"] = time.perf_counter() - t

    ea = (a - y) ** 2
    eb = (b - y) ** 2
    t = time.perf_counter()
    stats.bootstrap((ea, eb), lambda u, v, axis: u.mean(axis) - v.mean(axis), paired=True, vectorized=True,
                    n_resamples=resamples, batch=5, method="percentile", rng=rng)
    out["bootstrap_brier"] = time.perf_counter() - t

    ra = np.abs(pa - ya)
    rb = np.abs(pb - ya)
    t = time.perf_counter()
    stats.bootstrap((ra, rb), lambda u, v, axis: u.mean(axis) - v.mean(axis), paired=True, vectorized=True,
                    n_resamples=resamples, batch=5, method="percentile", rng=rng)
    out["bootstrap_mae"] = time.perf_counter() - t

    t = time.perf_counter()
    est, p = fast_delong(y, a, b)
    out["delong"] = time.perf_counter() - t
    out["delong_estimate"] = float(est)
    out["delong_p"] = float(p)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
