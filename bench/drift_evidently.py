"""Evidently's default DataDriftPreset as a worker: the reference point of `npm run bench:drift`.

Protocol (stdin binary, stdout one JSON line per frame, flushed):
  frame   = header line (UTF-8 JSON, ends with b"\\n") + raw little-endian payload
  header  = {"id": int, "kind": "numeric" | "categorical", "nRef": N, "nCur": M}
  payload = numeric: N float64 (reference) then M float64 (current)
            categorical: N int32 then M int32 category codes, turned into the strings "l<code>"
  answer  = {"id", "drift": bool, "test": str, "score": float, "threshold": float, "seconds": float}
A frame may also carry several columns of equal lengths, judged in one report (as a user's table):
  header  = {"id": int, "columns": [{"name": str, "kind": ...}, ...], "nRef": N, "nCur": M}
  payload = per column, in order: its N reference values then its M current values (as above)
  answer  = {"id", "columns": {name: {"drift", "test", "score", "threshold"}}, "seconds"}
            or {"id", "error": "<one line>"} when Evidently fails on that frame (the worker goes on).
A score or threshold that is not finite is written as the string "NaN", "Infinity" or "-Infinity"
(JSON has no such numbers). The worker exits 0 at EOF; a malformed frame ends it with exit 2,
since the byte stream cannot be resynchronised.

Each frame becomes a one-column reference and current DataFrame (column `x`) and goes through
`Report([DataDriftPreset()]).run(current, reference)` with the preset's defaults. `seconds` is the
wall time of Dataset.from_pandas + Report.run + snapshot.dict(), i.e. what a user pays for the
report, without the decoding of the frame.

What Evidently 0.7.23 does by default (read from its source):
  * Test choice: evidently/legacy/calculations/stattests/registry.py, _get_default_stattest(),
    called through get_stattest() from get_one_column_drift() in
    evidently/legacy/calculations/data_drift.py, on the columns with NaN and +-inf dropped.
    "Distinct" below is nunique() of reference and current together.
      reference <= 1000 rows:
        numerical, > 5 distinct   -> K-S p_value              (ks_2samp), drift if p <= 0.05
        numerical, 3..5 distinct  -> chi-square p_value       (the categorical test!), drift if p < 0.05
        numerical, <= 2 distinct  -> Z-test p_value           (two proportions), drift if p < 0.05
        categorical, > 2 distinct -> chi-square p_value, drift if p < 0.05
        categorical, <= 2 distinct-> Z-test p_value, drift if p < 0.05
      reference > 1000 rows:
        numerical, > 5 distinct   -> Wasserstein distance (normed): W1(ref, cur) / max(std(ref), 0.001)
                                     (population std), drift if >= 0.1
        numerical, <= 5 distinct  -> Jensen-Shannon distance, drift if >= 0.1
        categorical               -> Jensen-Shannon distance, drift if >= 0.1
    The thresholds are each StatTest's default_threshold (ks_stattest.py, chisquare_stattest.py,
    z_stattest.py: 0.05; wasserstein_distance_norm.py, jensenshannon.py: 0.1); the comparison is in
    each test's function (_ks_stat_test, _chi_stat_test, _z_stat_test, _wasserstein_distance_norm,
    _jensenshannon).
  * Jensen-Shannon (jensenshannon.py) is scipy's distance (square root of the divergence, natural
    log, so at most sqrt(ln 2) ~ 0.833) between the shares of each value, taken from
    get_binned_data(..., feel_zeroes=False) in stattests/utils.py; its n_bins=30 is not used for
    categories or for numbers with <= 20 distinct reference values, which is the only numeric case
    where the preset picks it.
  * chi-square (chisquare_stattest.py) expects reference counts scaled to the current size over the
    union of levels; a level seen only in the current data has an expected count of 0.
  * chi-square and Jensen-Shannon walk the levels in the order of a Python set, so their scores can
    differ in the last digits between runs unless PYTHONHASHSEED is fixed (the client sets 0).
  * DataDriftPreset (evidently/presets/drift.py) adds one ValueDrift per column plus a
    DriftedColumnsCount; with nothing set, ValueDrift's method and threshold stay None and are
    resolved by ValueDriftCalculation.calculate() (evidently/metrics/column_statistics.py).

Reading the verdict: snapshot.dict() lists the ValueDrift metric of column x, whose config holds the
resolved method (display name, e.g. "K-S p_value") and threshold and whose value is the score. The
drift flag is the status of that metric's "drift" test (FAIL = drift; the report runs with
include_tests=True, which adds pass/fail tests and changes no computation). It is checked against
the preset's DriftedColumnsCount (computed by Evidently's legacy path, with one column its count is
0 or 1); a disagreement is reported as an error for the frame.

Compatibility: Evidently 0.7.23 imports pandas.core.dtypes.common.infer_dtype_from_object, which
pandas 3 removed. It is used only by the legacy TestColumnsType test, never by DataDriftPreset, so
a stand-in that raises is installed before the import.
"""

import json
import math
import os
import sys
import time
import warnings

# Keep the protocol stream clean: anything printed to fd 1 (by Python or a C library) goes to
# stderr; answers go to a duplicate of the original stdout.
_out = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)
sys.stdout = sys.stderr
os.environ.setdefault("DO_NOT_TRACK", "1")
# numpy/scipy warn on every single-column report (a 1x1 correlation, constant columns); stderr is kept
# for real errors.
warnings.filterwarnings("ignore", category=RuntimeWarning)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pandas.core.dtypes.common as _pd_common  # noqa: E402

if not hasattr(_pd_common, "infer_dtype_from_object"):

    def _infer_dtype_from_object(*_args, **_kwargs):
        raise NotImplementedError("infer_dtype_from_object is gone in pandas 3 (not needed for drift)")

    _pd_common.infer_dtype_from_object = _infer_dtype_from_object

from evidently import DataDefinition, Dataset, Report  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

COLUMN = "x"


class ProtocolError(Exception):
    pass


def read_exact(stream, n):
    chunks = []
    while n > 0:
        chunk = stream.read(n)
        if not chunk:
            raise ProtocolError(f"stream ended {n} bytes short of the frame's payload")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def labels(codes):
    """Category codes -> the strings "l<code>" (a str column, as pandas 3 infers for strings)."""
    uniques, inverse = np.unique(codes, return_inverse=True)
    names = np.array([f"l{int(u)}" for u in uniques], dtype=object)
    return names[inverse]


def finite_or_name(value):
    value = float(value)
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def metrics_of(result, name):
    """The metrics of snapshot.dict() of one type (by the registered type name, e.g. "ValueDrift")."""
    return [m for m in result["metrics"] if m.get("config", {}).get("type") == f"evidently:metric_v2:{name}"]


def judge(kind, ref_values, cur_values):
    answer = judge_many([(COLUMN, kind, ref_values, cur_values)])
    return {**answer["columns"][COLUMN], "seconds": answer["seconds"]}


def judge_many(columns):
    """columns: (name, kind, reference values, current values); one report over all of them."""
    # Declaring the columns' types is what a user who declares the schema gets; without it Evidently
    # infers the types (and would, for instance, read few-valued numbers as categories).
    definition = DataDefinition(
        numerical_columns=[c[0] for c in columns if c[1] == "numeric"],
        categorical_columns=[c[0] for c in columns if c[1] == "categorical"],
    )
    started = time.perf_counter()
    reference = Dataset.from_pandas(pd.DataFrame({c[0]: c[2] for c in columns}), data_definition=definition)
    current = Dataset.from_pandas(pd.DataFrame({c[0]: c[3] for c in columns}), data_definition=definition)
    snapshot = Report([DataDriftPreset()], include_tests=True).run(current, reference)
    result = snapshot.dict()
    seconds = time.perf_counter() - started
    counts = metrics_of(result, "DriftedColumnsCount")
    if len(counts) != 1:
        raise RuntimeError(f"expected one DriftedColumnsCount, found {len(counts)}")
    verdicts = {name: column_verdict(result, name) for name, *_ in columns}
    drifted_columns = counts[0]["value"]["count"]
    if drifted_columns != sum(1 for v in verdicts.values() if v["drift"]):
        raise RuntimeError(f"the columns' verdicts disagree with DriftedColumnsCount {drifted_columns}")
    return {"columns": verdicts, "seconds": seconds}


def column_verdict(result, name):

    value_drift = [m for m in metrics_of(result, "ValueDrift") if m["config"].get("column") == name]
    if len(value_drift) != 1:
        raise RuntimeError(f"expected one ValueDrift for column {name}, found {len(value_drift)}")
    metric = value_drift[0]
    tests = [
        t
        for t in result["tests"]
        if t.get("id") == "drift" and t.get("metric_config", {}).get("metric_id") == metric["id"]
    ]
    if len(tests) != 1 or tests[0]["status"] not in ("FAIL", "SUCCESS"):
        raise RuntimeError(f"no pass/fail drift test for the column: {[t.get('status') for t in tests]}")
    return {
        "drift": tests[0]["status"] == "FAIL",
        "test": metric["config"]["method"],
        "score": finite_or_name(metric["value"]),
        "threshold": finite_or_name(metric["config"]["threshold"]),
    }


def main():
    stdin = sys.stdin.buffer
    while True:
        line = stdin.readline()
        if not line:
            return 0
        if not line.endswith(b"\n"):
            raise ProtocolError("stream ended inside a frame header")
        header = json.loads(line)
        if "columns" in header:
            answer = many_frame(stdin, header)
            _out.write(json.dumps(answer, allow_nan=False) + "\n")
            _out.flush()
            continue
        frame_id, kind, n_ref, n_cur = header["id"], header["kind"], int(header["nRef"]), int(header["nCur"])
        if kind == "numeric":
            dtype = np.dtype("<f8")
        elif kind == "categorical":
            dtype = np.dtype("<i4")
        else:
            raise ProtocolError(f"frame {frame_id}: unknown kind {kind!r}")
        if n_ref < 0 or n_cur < 0:
            raise ProtocolError(f"frame {frame_id}: negative length")
        payload = np.frombuffer(read_exact(stdin, (n_ref + n_cur) * dtype.itemsize), dtype=dtype)
        ref_values, cur_values = payload[:n_ref], payload[n_ref:]
        if kind == "numeric":
            ref_values, cur_values = ref_values.astype(np.float64), cur_values.astype(np.float64)
        else:
            ref_values, cur_values = labels(ref_values), labels(cur_values)
        try:
            answer = {"id": frame_id, **judge(kind, ref_values, cur_values)}
        except Exception as exc:  # one frame failing must not end the run
            message = " ".join(f"{type(exc).__name__}: {exc}".split())
            answer = {"id": frame_id, "error": message}
        _out.write(json.dumps(answer, allow_nan=False) + "\n")
        _out.flush()


def dtype_of(frame_id, kind):
    if kind == "numeric":
        return np.dtype("<f8")
    if kind == "categorical":
        return np.dtype("<i4")
    raise ProtocolError(f"frame {frame_id}: unknown kind {kind!r}")


def many_frame(stdin, header):
    frame_id, n_ref, n_cur = header["id"], int(header["nRef"]), int(header["nCur"])
    if n_ref < 0 or n_cur < 0:
        raise ProtocolError(f"frame {frame_id}: negative length")
    columns = []
    for column in header["columns"]:
        name, kind = str(column["name"]), column["kind"]
        dtype = dtype_of(frame_id, kind)
        ref = np.frombuffer(read_exact(stdin, n_ref * dtype.itemsize), dtype=dtype)
        cur = np.frombuffer(read_exact(stdin, n_cur * dtype.itemsize), dtype=dtype)
        if kind == "numeric":
            ref, cur = ref.astype(np.float64), cur.astype(np.float64)
        else:
            ref, cur = labels(ref), labels(cur)
        columns.append((name, kind, ref, cur))
    try:
        return {"id": frame_id, **judge_many(columns)}
    except Exception as exc:  # one frame failing must not end the run
        return {"id": frame_id, "error": " ".join(f"{type(exc).__name__}: {exc}".split())}


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (ProtocolError, ValueError, KeyError, TypeError) as exc:
        print(f"drift_evidently.py: malformed input: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)
