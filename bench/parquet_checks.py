"""The checks validate-data makes, done with polars: the benchmark's reference point.

Usage: python parquet_checks.py DATA SCHEMA BASELINE
Reads DATA (Parquet or CSV), checks every record against the schema's types, minimum, enum and
required columns, profiles every column (count, missing, min/max/mean/std, quantiles, histogram;
top values and distinct count for categories) and compares it with the baseline profile (PSI on the
baseline's histogram bins for numbers, Jensen-Shannon on the top values for categories). Prints a
JSON summary on stdout.
"""
import json
import math
import sys

import polars as pl

data, schema_path, baseline_path = sys.argv[1:4]
schema = json.load(open(schema_path))
baseline = {c["name"]: c for c in json.load(open(baseline_path))["columns"]}
props = schema["properties"]
df = pl.read_parquet(data) if data.endswith(".parquet") else pl.read_csv(data)

# Schema check: one boolean per row, true when some column breaks the contract.
bad = pl.lit(False)
for name, prop in props.items():
    col = pl.col(name)
    if "minimum" in prop:
        bad = bad | (col < prop["minimum"]).fill_null(False)
    if "enum" in prop:
        bad = bad | (~col.is_in(prop["enum"])).fill_null(False)
    if prop.get("type") == "integer" and df.schema[name] in (pl.Float32, pl.Float64):
        bad = bad | (col != col.round(0)).fill_null(False)
for name in schema.get("required", []):
    bad = bad | pl.col(name).is_null()
invalid = df.select(bad.sum()).item()

QS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
profile = {}
drift = {}
for name, dtype in df.schema.items():
    s = df[name]
    p = {"count": s.len(), "missing": s.null_count()}
    if dtype.is_numeric():
        x = s.drop_nulls().cast(pl.Float64)
        p.update(min=x.min(), max=x.max(), mean=x.mean(), std=x.std())
        p["quantiles"] = [x.quantile(q) for q in QS]
        base = (baseline.get(name, {}).get("numeric") or {}).get("histogram")
        if base:
            edges = base["edges"]
            counts = x.cut(edges[1:-1], left_closed=True).value_counts(sort=False)
            now = [c / x.len() for c in counts["count"].to_list()]
            ref = [c / sum(base["counts"]) for c in base["counts"]]
            drift[name] = sum((a - b) * math.log(max(a, 1e-6) / max(b, 1e-6)) for a, b in zip(now, ref))
    else:
        vc = s.drop_nulls().cast(pl.String).value_counts(sort=True)
        p["top"] = vc.head(50).rows()
        p["distinct"] = s.n_unique()
        base = (baseline.get(name, {}).get("categorical") or {}).get("top")
        if base:
            ref = dict(base)
            now = dict(vc.rows())
            keys = set(ref) | set(now)
            a = [now.get(k, 0) / max(1, sum(now.values())) for k in keys]
            b = [ref.get(k, 0) / max(1, sum(ref.values())) for k in keys]
            m = [(u + v) / 2 for u, v in zip(a, b)]
            kl = lambda u, w: sum(ui * math.log(ui / wi) for ui, wi in zip(u, w) if ui > 0)
            drift[name] = (kl(a, m) + kl(b, m)) / 2
    profile[name] = p
print(json.dumps({"rows": df.height, "invalid": int(invalid), "columns": len(profile), "drift": len(drift)}))
