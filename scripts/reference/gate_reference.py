#!/usr/bin/env python3
"""Reference values for the evaluate-gate statistics of packages/stats.

Usage (needs numpy, scipy, scikit-learn and statsmodels, pinned in test/requirements.txt):

    .cache/venv/bin/python scripts/reference/gate_reference.py > packages/stats/test/fixtures/gate-reference.json
    npx prettier --write packages/stats/test/fixtures/gate-reference.json

The output is committed; packages/stats/test/gate-reference.test.ts reads it. The small tables are
drawn from the seeded mulberry32 generator of drift_reference.py and stored in the fixture as they
are, so the tests need neither Python nor the generator.

What each value is checked against:
- metrics: scikit-learn (accuracy_score, precision/recall/f1_score, roc_auc_score,
  average_precision_score, log_loss, brier_score_loss, root_mean_squared_error,
  mean_absolute_error, mean_absolute_percentage_error, r2_score);
- McNemar: statsmodels.stats.contingency_tables.mcnemar (exact; chi-square with and without the
  continuity correction); Newcombe's interval: the formula of Newcombe (1998), method 10, written
  here again on statsmodels' Wilson intervals (proportion_confint(method="wilson"));
- DeLong: the textbook O(n^2) form below (the kernel psi over every positive-negative pair, then
  DeLong et al. 1988 eq. for the covariance), independent of the O(n log n) TypeScript code;
- bootstrap: scipy.stats.bootstrap(paired=True) with 20,000 resamples, BCa and percentile.
"""

import json
import os
import sys

import numpy as np
import scipy
import sklearn
import statsmodels
from scipy import stats
from sklearn import metrics as skm
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.proportion import proportion_confint

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from drift_reference import mulberry32, normal  # noqa: E402

RESAMPLES = 20000


def r6(x):
    return float(round(x, 6))


def binary_table(seed, n, decimals, prevalence):
    """Labels ~ Bernoulli(prevalence); two models' scores: a logistic of a noisy margin, rounded to
    `decimals` so scores tie; the champion is noisier than the candidate."""
    rand = mulberry32(seed)
    label, cand, champ = [], [], []
    for _ in range(n):
        y = 1 if rand() < prevalence else 0
        margin = 1.2 if y else -1.2
        sc = 1 / (1 + np.exp(-(margin + 1.3 * normal(rand))))
        sh = 1 / (1 + np.exp(-(margin + 1.8 * normal(rand))))
        label.append(y)
        cand.append(float(round(sc, decimals)))
        champ.append(float(round(sh, decimals)))
    return label, cand, champ


def regression_table(seed, n):
    """y ~ 5 + 3 N(0, 1) with one zero label (mape's eps floor); candidate error sd 1, champion 1.3."""
    rand = mulberry32(seed)
    label, cand, champ = [], [], []
    for i in range(n):
        y = 5 + 3 * normal(rand)
        if i == 3:
            y = 0.0
        label.append(r6(y))
        cand.append(r6(y + normal(rand)))
        champ.append(r6(y + 1.3 * normal(rand) + 0.2))
    return label, cand, champ


CLASSIFICATION = ["accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss", "brier"]
REGRESSION = ["rmse", "mae", "mape", "r2"]


def sk_metric(name, y, s, threshold=0.5):
    y = np.asarray(y, dtype=float)
    s = np.asarray(s, dtype=float)
    pred = (s >= threshold).astype(int)
    if name == "accuracy":
        return skm.accuracy_score(y, pred)
    if name == "precision":
        return skm.precision_score(y, pred, zero_division=0)
    if name == "recall":
        return skm.recall_score(y, pred, zero_division=0)
    if name == "f1":
        return skm.f1_score(y, pred, zero_division=0)
    if name == "roc_auc":
        return skm.roc_auc_score(y, s)
    if name == "pr_auc":
        return skm.average_precision_score(y, s)
    if name == "log_loss":
        return skm.log_loss(y, s, labels=[0, 1])
    if name == "brier":
        return skm.brier_score_loss(y, s)
    if name == "rmse":
        return skm.root_mean_squared_error(y, s)
    if name == "mae":
        return skm.mean_absolute_error(y, s)
    if name == "mape":
        return skm.mean_absolute_percentage_error(y, s)
    if name == "r2":
        return skm.r2_score(y, s)
    raise ValueError(name)


def np_metric(name, y, s, axis=-1):
    """Vectorised metric for scipy's bootstrap (rows along `axis`), same definitions as sklearn."""
    if name == "accuracy":
        return np.mean((s >= 0.5) == (y == 1), axis=axis)
    if name == "brier":
        return np.mean((s - y) ** 2, axis=axis)
    if name == "log_loss":
        eps = np.finfo(float).eps
        p = np.where(y == 1, s, 1 - s)
        return np.mean(-np.log(np.clip(p, eps, 1 - eps)), axis=axis)
    if name == "mae":
        return np.mean(np.abs(s - y), axis=axis)
    if name == "rmse":
        return np.sqrt(np.mean((s - y) ** 2, axis=axis))
    if name == "r2":
        res = np.sum((y - s) ** 2, axis=axis)
        tot = np.sum((y - np.mean(y, axis=axis, keepdims=True)) ** 2, axis=axis)
        return 1 - res / tot
    raise ValueError(name)


def delong_quadratic(y, a, b):
    """DeLong et al. (1988) with the pairwise kernel psi(x, z) = 1 if x > z, 1/2 if equal: O(m k)."""
    y = np.asarray(y)
    out = {}
    v10s, v01s, aucs = [], [], []
    for s in (np.asarray(a), np.asarray(b)):
        x = s[y == 1][:, None]
        z = s[y == 0][None, :]
        psi = (x > z) + 0.5 * (x == z)
        v10s.append(psi.mean(axis=1))
        v01s.append(psi.mean(axis=0))
        aucs.append(psi.mean())
    m = len(v10s[0])
    k = len(v01s[0])
    s10 = np.cov(np.vstack(v10s))
    s01 = np.cov(np.vstack(v01s))
    cov = s10 / m + s01 / k
    var = cov[0, 0] + cov[1, 1] - 2 * cov[0, 1]
    est = aucs[0] - aucs[1]
    se = np.sqrt(var)
    z = est / se
    out.update(
        auc_a=float(aucs[0]),
        auc_b=float(aucs[1]),
        covariance=cov.tolist(),
        estimate=float(est),
        standard_error=float(se),
        p_value=float(2 * stats.norm.sf(abs(z))),
        low=float(est - stats.norm.ppf(0.975) * se),
        high=float(est + stats.norm.ppf(0.975) * se),
    )
    return out


def newcombe10(a, b, c, d, confidence=0.95):
    """Newcombe (1998) method 10 for p1 - p2 of paired proportions, on statsmodels' Wilson intervals."""
    n = a + b + c + d
    p1 = (a + b) / n
    p2 = (a + c) / n
    alpha = 1 - confidence
    l1, u1 = proportion_confint(a + b, n, alpha=alpha, method="wilson")
    l2, u2 = proportion_confint(a + c, n, alpha=alpha, method="wilson")
    den = (a + b) * (c + d) * (a + c) * (b + d)
    phi = (a * d - b * c) / np.sqrt(den) if den > 0 else 0.0
    theta = p1 - p2
    dl = np.sqrt(max(0.0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2))
    du = np.sqrt(max(0.0, (u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2))
    return float(theta - dl), float(theta + du)


MCNEMAR_TABLES = [
    # (both right, A only, B only, both wrong)
    (36, 12, 2, 0),
    (20, 5, 3, 72),
    (50, 40, 25, 85),
    (100, 9, 1, 10),
    (40000, 1210, 1100, 7700),
    (30, 0, 0, 5),
]


def mcnemar_cases():
    out = []
    for a, b, c, d in MCNEMAR_TABLES:
        table = [[a, b], [c, d]]
        case = {"table": [a, b, c, d]}
        for key, kw in [
            ("exact", dict(exact=True)),
            ("corrected", dict(exact=False, correction=True)),
            ("uncorrected", dict(exact=False, correction=False)),
        ]:
            if b + c == 0 and key != "exact":
                continue
            r = sm_mcnemar(table, **kw)
            case[key] = {"statistic": float(r.statistic), "pvalue": float(r.pvalue)}
        low, high = newcombe10(a, b, c, d)
        case["newcombe"] = {"low": low, "high": high}
        out.append(case)
    return out


def bootstrap_case(name, y, cand, champ, vectorised):
    y = np.asarray(y, dtype=float)
    a = np.asarray(cand, dtype=float)
    b = np.asarray(champ, dtype=float)
    if vectorised:

        def stat(yy, aa, bb, axis=-1):
            return np_metric(name, yy, aa, axis) - np_metric(name, yy, bb, axis)

    else:

        def stat(yy, aa, bb):
            return sk_metric(name, yy, aa) - sk_metric(name, yy, bb)

    out = {"metric": name, "estimate": float(stat(y, a, b))}
    for method in ("BCa", "percentile"):
        r = stats.bootstrap(
            (y, a, b),
            stat,
            paired=True,
            vectorized=vectorised,
            n_resamples=RESAMPLES,
            confidence_level=0.95,
            method=method,
            rng=np.random.default_rng(20240611),
        )
        out[method.lower()] = {
            "low": float(r.confidence_interval.low),
            "high": float(r.confidence_interval.high),
            "standard_error": float(r.standard_error),
        }
    return out


def main():
    tables = {
        "binary": binary_table(101, 300, 2, 0.35),
        "binary_small": binary_table(102, 60, 1, 0.4),
        "regression": regression_table(103, 200),
    }
    # A score of exactly 0 and 1 on wrong labels exercises log_loss's clipping.
    lab, cand, champ = tables["binary_small"]
    cand[0] = 1.0 if lab[0] == 0 else 0.0
    champ[1] = 0.0 if lab[1] == 1 else 1.0

    out = {
        "generator": "scripts/reference/gate_reference.py",
        "versions": {
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "resamples": RESAMPLES,
        "tables": {k: {"label": v[0], "candidate": v[1], "champion": v[2]} for k, v in tables.items()},
        "metrics": [],
        "mcnemar": mcnemar_cases(),
        "mcnemar_rows": [],
        "delong": [],
        "bootstrap": [],
    }
    for tname in ("binary", "binary_small"):
        y, a, b = tables[tname]
        for model, s in (("candidate", a), ("champion", b)):
            for m in CLASSIFICATION:
                out["metrics"].append({"table": tname, "model": model, "metric": m, "value": float(sk_metric(m, y, s))})
            # a threshold other than 0.5
            out["metrics"].append(
                {"table": tname, "model": model, "metric": "f1", "threshold": 0.3, "value": float(sk_metric("f1", y, s, 0.3))}
            )
        out["delong"].append({"table": tname, **delong_quadratic(y, a, b)})
        pa = (np.asarray(a) >= 0.5).astype(int)
        pb = (np.asarray(b) >= 0.5).astype(int)
        yy = np.asarray(y)
        ra, rb = pa == yy, pb == yy
        counts = [int(np.sum(ra & rb)), int(np.sum(ra & ~rb)), int(np.sum(~ra & rb)), int(np.sum(~ra & ~rb))]
        table = [[counts[0], counts[1]], [counts[2], counts[3]]]
        out["mcnemar_rows"].append(
            {
                "table": tname,
                "counts": counts,
                "exact_pvalue": float(sm_mcnemar(table, exact=True).pvalue),
                "corrected_pvalue": float(sm_mcnemar(table, exact=False, correction=True).pvalue),
            }
        )
    y, a, b = tables["regression"]
    for model, s in (("candidate", a), ("champion", b)):
        for m in REGRESSION:
            out["metrics"].append({"table": "regression", "model": model, "metric": m, "value": float(sk_metric(m, y, s))})

    y, a, b = tables["binary"]
    for m, vec in (("accuracy", True), ("brier", True), ("log_loss", True), ("roc_auc", False), ("f1", False)):
        out["bootstrap"].append({"table": "binary", **bootstrap_case(m, y, a, b, vec)})
    y, a, b = tables["regression"]
    for m in ("mae", "rmse", "r2"):
        out["bootstrap"].append({"table": "regression", **bootstrap_case(m, y, a, b, True)})

    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
