#!/usr/bin/env python3
"""Reference values for the drift statistics of packages/stats, computed with scipy.

Usage (needs scipy and numpy):

    python3 scripts/reference/drift_reference.py > packages/stats/test/fixtures/scipy-reference.json
    npx prettier --write packages/stats/test/fixtures/scipy-reference.json

The output is committed; the jest tests read it and feed the same inputs through the TypeScript
functions. Small inputs are embedded below. Larger samples are drawn from a seeded mulberry32
generator with Box-Muller normals, written to give the same numbers as the test helper
packages/stats/test/prng.ts, so the tests regenerate them from the seed instead of storing them.
"""

import json
import math
import sys

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial import distance

# --- the seeded generator shared with packages/stats/test/prng.ts ------------------------------

M32 = 0xFFFFFFFF


def imul(a, b):
    return (a * b) & M32


def mulberry32(seed):
    state = seed & M32

    def rand():
        nonlocal state
        state = (state + 0x6D2B79F5) & M32
        a = state
        t = imul(a ^ (a >> 15), 1 | a)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & M32) ^ t
        return ((t ^ (t >> 14)) & M32) / 4294967296.0

    return rand


def normal(rand):
    u1 = rand()
    u2 = rand()
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


def sample(spec):
    """Mirror of sample() in prng.ts."""
    rand = mulberry32(spec["seed"])
    n = spec["n"]
    dist = spec["dist"]
    if dist == "normal":
        return [spec["mean"] + spec["sd"] * normal(rand) for _ in range(n)]
    if dist == "lognormal":
        return [math.exp(spec["mu"] + spec["sigma"] * normal(rand)) for _ in range(n)]
    if dist == "uniform-int":
        lo, hi = spec["lo"], spec["hi"]
        return [lo + math.floor(rand() * (hi - lo + 1)) for _ in range(n)]
    raise ValueError(dist)


# --- fixed small inputs ------------------------------------------------------------------------

NORMAL_A = [0.001, 0.299, -0.274, -0.891, -0.455, -0.992, 0.06, 1.34, -0.492, -0.62, 0.49, 0.357, 0.105, -0.93, -0.029, 0.695, -1.344, -0.458, -1.901, -1.29, -1.842, -0.235, -1.267, 0.271, 0.157, -0.187, -2.517, -0.539, -0.049, 0.113, -1.53, -0.478, -0.979, -0.809, 1.061, -0.808, -0.033, 0.884, -0.584, -0.112, 0.11, 0.064, -1.225, 0.076, 1.359, -1.547, 0.859, 0.119, -0.641, 2.0, 0.762, -1.199, 0.075, 0.577, -0.189, 0.683, -0.067, 0.667, 1.439, -0.676]
NORMAL_B = [0.644, -0.156, 0.553, -1.025, -0.295, 0.165, 1.479, 1.774, -1.188, -0.554, 1.176, -1.991, -0.156, 0.283, 1.908, 1.227, 0.007, -0.042, 0.1, 2.228, -0.114, 0.036, 0.823, 0.255, 0.163, -0.937, 0.386, -0.132, 1.799, 1.184, 0.371, 1.202, -0.008, 1.663, 0.394, 1.1, -1.149, 0.816, -1.626, -2.042, 0.035, -0.68, 0.597, 3.094, -0.598, -0.349, 0.646, 0.992, 0.188, 0.153, 1.243, 1.024, -0.84, 0.305, 0.442, -0.865, 0.712, -0.63, 1.566, 0.631, 0.507, -0.309, 0.258, -1.997, -0.958, 0.835, -2.154, 1.416, -1.695, 1.308, -0.615, 1.335, 0.557, -1.444, 1.899, 2.13, 0.321, 0.071, 0.208, -0.77]
INT_A = [4, 4, 6, 3, 7, 7, 2, 3, 5, 7, 0, 0, 1, 3, 1, 4, 4, 7, 5, 2, 6, 6, 5, 5, 2, 5, 1, 5, 7, 7, 2, 2, 4, 3, 5, 1, 1, 0, 3, 1, 2, 7, 6, 6, 4, 0, 5, 4, 7, 3]
INT_B = [2, 5, 4, 6, 4, 3, 2, 8, 7, 4, 2, 6, 4, 6, 1, 2, 6, 1, 6, 4, 1, 7, 6, 7, 8, 6, 7, 1, 8, 8, 6, 7, 6, 8, 8, 5, 7, 8, 3, 1, 2, 1, 4, 1, 3, 3, 6, 2, 8, 2, 8, 5, 2, 1, 3, 5, 1, 2, 1, 6, 1, 1, 4, 3, 5, 8, 7, 5, 6, 7]
LOGN_A = [2.07, 6.75, 1.29, 4.56, 3.66, 4.59, 8.39, 6.62, 1.37, 0.99, 4.44, 1.48, 2.7, 4.5, 1.01, 0.77, 3.18, 2.79, 2.35, 2.78, 1.62, 1.1, 2.46, 1.52, 1.01, 3.68, 2.62, 3.47, 1.5, 1.83, 1.49, 1.6, 3.06, 1.7, 3.37, 3.33, 9.16, 1.18, 4.63, 2.58]
LOGN_B = [3.3, 1.61, 2.64, 4.81, 3.19, 3.46, 2.87, 5.91, 3.28, 1.1, 2.35, 1.24, 0.65, 2.55, 6.47, 3.4, 1.85, 2.07, 5.84, 3.59, 3.4, 3.23, 3.38, 4.97, 4.38, 3.7, 1.97, 4.29, 2.36, 5.74, 1.76, 3.1, 3.31, 1.71, 7.85, 6.89, 2.63, 4.88, 4.01, 0.9, 3.76, 3.22, 3.46, 1.94, 2.9, 3.04, 6.01, 3.92, 3.31, 7.13, 2.52, 2.73, 1.34, 7.28, 5.38]

COUNT_TABLES = [
    ([120, 80, 50, 30, 20], [100, 95, 60, 25, 20]),
    ([300, 700], [500, 500]),
    ([10, 0, 5, 3], [8, 4, 0, 6]),
    ([45, 30, 15, 7, 3], [44, 31, 14, 8, 3]),
    ([1000, 20], [900, 60]),
]

SHARE_PAIRS = [
    ([0.3, 0.7], [0.5, 0.5]),
    ([0.25, 0.25, 0.25, 0.25], [0.4, 0.3, 0.2, 0.1]),
    ([0.5, 0.5, 0.0], [0.0, 0.5, 0.5]),
    ([1.0, 0.0], [0.0, 1.0]),
    ([3, 2, 1], [1, 2, 3]),
    ([0.1, 0.2, 0.3, 0.4], [0.1, 0.2, 0.3, 0.4]),
]

KOLMOGOROV_X = [0.05, 0.2, 0.4, 0.5, 0.6, 0.8, 1.0, 1.1, 1.17, 1.18, 1.19, 1.3, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0]

GAMMA_PAIRS = [
    (0.5, 0.1), (0.5, 2.0), (0.5, 20.0), (1.0, 1.0), (1.5, 0.3), (2.0, 5.0), (2.5, 3.0), (4.5, 9.2),
    (5.0, 2.0), (10.0, 15.0), (10.0, 5.0), (24.5, 30.0), (50.0, 40.0), (50.0, 70.0), (100.0, 130.0),
    (500.0, 480.0), (2000.0, 2100.0),
]

CHI2_SF = [(3.84, 1), (5.99, 2), (12.0, 4), (0.5, 3), (30.0, 9), (150.0, 99), (1000.0, 999)]

SAMPLE_CASES = [
    ("normal-shift", {"dist": "normal", "seed": 11, "n": 5000, "mean": 0.0, "sd": 1.0},
     {"dist": "normal", "seed": 12, "n": 4000, "mean": 0.1, "sd": 1.0}),
    ("normal-small", {"dist": "normal", "seed": 41, "n": 400, "mean": 50.0, "sd": 10.0},
     {"dist": "normal", "seed": 42, "n": 300, "mean": 53.0, "sd": 10.0}),
    ("lognormal-same", {"dist": "lognormal", "seed": 21, "n": 6000, "mu": 3.0, "sigma": 0.8},
     {"dist": "lognormal", "seed": 22, "n": 5000, "mu": 3.0, "sigma": 0.8}),
    ("lognormal-scale", {"dist": "lognormal", "seed": 23, "n": 3000, "mu": 1.0, "sigma": 1.0},
     {"dist": "lognormal", "seed": 24, "n": 3000, "mu": 1.2, "sigma": 1.1}),
    ("uniform-int", {"dist": "uniform-int", "seed": 31, "n": 3000, "lo": 0, "hi": 19},
     {"dist": "uniform-int", "seed": 32, "n": 3000, "lo": 0, "hi": 21}),
]


def psi_deciles(a, b, eps=1e-4):
    """PSI over the deciles of a (lower-rank quantiles; bins (-inf, e1], ..., (e9, inf))."""
    xa = np.sort(np.asarray(a))
    xb = np.sort(np.asarray(b))
    edges = np.unique(np.quantile(xa, np.arange(1, 10) / 10.0, method="lower"))
    ca = np.diff(np.concatenate([[0], np.searchsorted(xa, edges, side="right"), [len(xa)]])) / len(xa)
    cb = np.diff(np.concatenate([[0], np.searchsorted(xb, edges, side="right"), [len(xb)]])) / len(xb)
    pa = np.maximum(ca, eps)
    pb = np.maximum(cb, eps)
    return float(np.sum((pb - pa) * np.log(pb / pa)))


def ks_case(a, b):
    r = stats.ks_2samp(a, b, method="asymp")
    return {"a": a, "b": b, "statistic": float(r.statistic), "pvalue": float(r.pvalue)}


def main():
    out = {
        "generator": "scripts/reference/drift_reference.py",
        "versions": {"scipy": scipy.__version__, "numpy": np.__version__},
        "kolmogorov": [{"x": x, "sf": float(special.kolmogorov(x))} for x in KOLMOGOROV_X],
        "gammaincc": [{"a": a, "x": x, "q": float(special.gammaincc(a, x))} for a, x in GAMMA_PAIRS],
        "chi2_sf": [{"statistic": s, "dof": d, "p": float(stats.chi2.sf(s, d))} for s, d in CHI2_SF],
        "ks_2samp": [ks_case(NORMAL_A, NORMAL_B), ks_case(INT_A, INT_B), ks_case(LOGN_A, LOGN_B)],
        "wasserstein": [
            {"a": a, "b": b, "distance": float(stats.wasserstein_distance(a, b))}
            for a, b in [(NORMAL_A, NORMAL_B), (INT_A, INT_B), (LOGN_A, LOGN_B)]
        ],
        "chi2_contingency": [],
        "jensenshannon": [],
        "samples": [],
    }
    for a, b in COUNT_TABLES:
        r = stats.chi2_contingency(np.array([a, b]), correction=False)
        out["chi2_contingency"].append(
            {"a": a, "b": b, "statistic": float(r.statistic), "pvalue": float(r.pvalue), "dof": int(r.dof)}
        )
    for p, q in SHARE_PAIRS:
        out["jensenshannon"].append({"p": p, "q": q, "distance": float(distance.jensenshannon(p, q, base=2))})
    for name, sa, sb in SAMPLE_CASES:
        a = sample(sa)
        b = sample(sb)
        r = stats.ks_2samp(a, b, method="asymp")
        xa = np.asarray(a)
        out["samples"].append(
            {
                "name": name,
                "a": sa,
                "b": sb,
                "check": {"first": a[:3], "last": a[-1]},
                "ks_statistic": float(r.statistic),
                "ks_pvalue": float(r.pvalue),
                "wasserstein": float(stats.wasserstein_distance(a, b)),
                "std_a": float(np.std(xa, ddof=1)),
                "psi_deciles": psi_deciles(a, b),
                "quantiles_a": {
                    str(q): float(np.quantile(xa, q, method="lower")) for q in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]
                },
            }
        )
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
