#!/usr/bin/env python3
"""Reference values for the canary judge's statistics of packages/stats (ranks.ts, rates.ts,
sequential.ts).

Usage (needs numpy, scipy and statsmodels, pinned in test/requirements.txt):

    .cache/venv/bin/python scripts/reference/canary_reference.py > packages/stats/test/fixtures/canary-reference.json
    npx prettier --write packages/stats/test/fixtures/canary-reference.json

The output is committed; packages/stats/test/canary-reference.test.ts reads it. The samples are
drawn here with numpy's seeded generator and stored in the fixture as they are.

What each value is checked against:
- Mann-Whitney U: scipy.stats.mannwhitneyu with its defaults (method 'auto', continuity
  correction), every alternative, with and without ties, exact and asymptotic sizes;
- Wilcoxon signed-rank: scipy.stats.wilcoxon with its defaults, exact and asymptotic sizes;
- Hodges-Lehmann: the median of all pairwise differences and the order-statistic interval,
  k = floor(mn/2 - z sqrt(mn(m+n+1)/12)), and for paired differences the median of the Walsh
  averages with k = floor(N/2 - z sqrt(n(n+1)(2n+1)/24)), written here again with numpy (an
  independent implementation of Hollander, Wolfe & Chicken 2014, eqs. 4.41 and 3.26);
- two proportions: statsmodels confint_proportions_2indep(compare='diff') with methods 'wald' and
  'agresti-caffo', and test_proportions_2indep(method='wald', compare='diff');
- the normal-mixture boundary: the closed form of Robbins (1970) with rho tuned by
  scipy.optimize.minimize_scalar, as an independent check of the golden-section search.
"""

import json
import sys

import numpy as np
import scipy
import statsmodels
from scipy import optimize, stats
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

rng = np.random.default_rng(20261129)


def mwu_cases():
    cases = []
    specs = [
        ("exact, small", rng.normal(0, 1, 6), rng.normal(0.8, 1, 7)),
        ("exact, one sample of 5 and one of 40", rng.normal(0, 1, 5), rng.normal(0.3, 1, 40)),
        ("asymptotic, no ties", rng.normal(0, 1, 30), rng.normal(0.4, 1, 25)),
        ("asymptotic, ties", np.round(rng.normal(5, 2, 40)), np.round(rng.normal(6, 2, 35))),
        ("ties, small (asymptotic by scipy's rule)", np.array([1.0, 2, 2, 3, 4]), np.array([2.0, 3, 3, 5])),
        ("latency-like, 15 periods each", rng.lognormal(3, 0.05, 15), rng.lognormal(3.08, 0.05, 15)),
    ]
    for name, x, y in specs:
        out = {"name": name, "x": x.tolist(), "y": y.tolist()}
        for alt in ["two-sided", "less", "greater"]:
            r = stats.mannwhitneyu(x, y, alternative=alt)
            out[alt] = {"statistic": float(r.statistic), "pvalue": float(r.pvalue)}
        cases.append(out)
    return cases


def hodges_lehmann(x, y, c):
    d = np.sort((y[None, :] - x[:, None]).ravel())
    mn = len(x) * len(y)
    k = int(np.floor(mn / 2 - c * np.sqrt(mn * (len(x) + len(y) + 1) / 12)))
    est = float(np.median(d))
    if k < 1:
        return {"estimate": est, "low": None, "high": None, "rank": 0}
    return {"estimate": est, "low": float(d[k - 1]), "high": float(d[mn - k]), "rank": k}


def hl_cases():
    out = []
    for m, n, shift, conf in [(15, 15, 0.08, 0.95), (40, 25, -0.5, 0.9), (7, 9, 1.0, 0.99), (3, 3, 0.0, 0.95)]:
        x = rng.normal(0, 1, m)
        y = rng.normal(shift, 1, n)
        c = float(stats.norm.isf((1 - conf) / 2))
        out.append({"x": x.tolist(), "y": y.tolist(), "confidence": conf, **hodges_lehmann(x, y, c)})
    return out


def wilcoxon_cases():
    out = []
    for name, d in [
        ("exact, 12 differences", rng.normal(0.3, 1, 12)),
        ("exact, 50 differences", rng.normal(-0.1, 1, 50)),
        ("asymptotic, 80 differences", rng.normal(0.15, 1, 80)),
        ("asymptotic, ties", np.round(rng.normal(0.4, 2, 70))),
    ]:
        case = {"name": name, "d": d.tolist()}
        for alt in ["two-sided", "less", "greater"]:
            r = stats.wilcoxon(d, alternative=alt)
            case[alt] = {"statistic": float(r.statistic), "pvalue": float(r.pvalue)}
        out.append(case)
    return out


def hodges_lehmann_paired(d, c):
    n = len(d)
    i, j = np.triu_indices(n)
    w = np.sort((d[i] + d[j]) / 2)
    big_n = len(w)
    k = int(np.floor(big_n / 2 - c * np.sqrt(n * (n + 1) * (2 * n + 1) / 24)))
    est = float(np.median(w))
    if k < 1:
        return {"estimate": est, "low": None, "high": None, "rank": 0}
    return {"estimate": est, "low": float(w[k - 1]), "high": float(w[big_n - k]), "rank": k}


def hl_paired_cases():
    out = []
    for n, shift, conf in [(15, 0.05, 0.95), (30, -0.2, 0.9), (6, 0.0, 0.99), (2, 0.1, 0.95)]:
        d = rng.normal(shift, 0.1, n)
        c = float(stats.norm.isf((1 - conf) / 2))
        out.append({"d": d.tolist(), "confidence": conf, **hodges_lehmann_paired(d, c)})
    return out


def proportion_cases():
    out = []
    for x1, n1, x2, n2 in [(30, 1000, 12, 9000), (0, 500, 0, 4500), (3, 120, 1, 1100), (250, 2000, 180, 2000)]:
        case = {"x1": x1, "n1": n1, "x2": x2, "n2": n2}
        for method in ["wald", "agresti-caffo"]:
            low, high = confint_proportions_2indep(x1, n1, x2, n2, method=method, compare="diff", alpha=0.05)
            case[method] = {"low": float(low), "high": float(high)}
        if 0 < x1 + x2:
            t = test_proportions_2indep(x1, n1, x2, n2, method="wald", compare="diff")
            case["test"] = {"z": float(t.statistic), "pvalue": float(t.pvalue)}
        out.append(case)
    return out


def boundary_cases():
    out = []
    for alpha in [0.05, 0.01, 0.05 / 6]:
        f = lambda lr: (1 + np.exp(lr)) * np.log((1 + np.exp(lr)) / (np.exp(lr) * alpha * alpha))
        r = float(np.exp(optimize.minimize_scalar(f, bounds=(-20, 5), method="bounded", options={"xatol": 1e-10}).x))
        rows = []
        for v, planned in [(1, 3), (3, 3), (10, 3), (1000, 3), (0.5, 100)]:
            rho = r * planned
            rows.append({"v": v, "planned": planned, "b": float(np.sqrt((1 + rho / v) * np.log((1 + v / rho) / alpha**2)))})
        out.append({"alpha": alpha, "ratio": r, "rows": rows})
    return out


json.dump(
    {
        "generator": "scripts/reference/canary_reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__},
        "mannwhitneyu": mwu_cases(),
        "hodgesLehmann": hl_cases(),
        "wilcoxon": wilcoxon_cases(),
        "hodgesLehmannPaired": hl_paired_cases(),
        "proportions": proportion_cases(),
        "mixtureBoundary": boundary_cases(),
    },
    sys.stdout,
)
