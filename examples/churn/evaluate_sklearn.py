"""Scores the churn test data with the model train_sklearn.py made: the scikit-learn evaluation script.

The same file runs unchanged
  * in SageMaker's scikit-learn processing container (a Processing job: the model under
    /opt/ml/processing/model, the test data under /opt/ml/processing/input/test, predictions to
    /opt/ml/processing/output, uploaded to S3 at the end), and
  * on modelship's local backend (`backend: local`), which lays out the same tree under the job's
    directory and points the MODELSHIP_* variables below at it.

modelship extracts the model's model.tar.gz into the model directory before the script starts, on
both backends (docs/gate.md, "Evaluation runs"), so model.joblib is a plain file there.

  MODELSHIP_MODEL_DIR   default /opt/ml/processing/model
  MODELSHIP_TEST_DIR    default /opt/ml/processing/input/test (every *.csv file, in name order)
  MODELSHIP_OUTPUT_DIR  default /opt/ml/processing/output

It writes predictions.csv: id, label, score (the probability of churn), prediction (at 0.5) and
the contract column as a slice. Needs scikit-learn, pandas and joblib (the container has them).
"""

import glob
import os
import sys

LABEL = "churned"
ID = "customer_id"
SLICE = "contract"
MODEL_FILE = "model.joblib"
# What train_sklearn.py fits on (its NUMERIC + CATEGORICAL + BOOLEAN columns).
FEATURES = [
    "tenure_months",
    "monthly_charges",
    "total_charges",
    "support_calls",
    "contract",
    "payment_method",
    "internet_service",
    "senior",
]
BOOLEAN = ["senior"]

MODEL_DIR = os.environ.get("MODELSHIP_MODEL_DIR", "/opt/ml/processing/model")
TEST_DIR = os.environ.get("MODELSHIP_TEST_DIR", "/opt/ml/processing/input/test")
OUTPUT_DIR = os.environ.get("MODELSHIP_OUTPUT_DIR", "/opt/ml/processing/output")


def as_bool(series):
    return series.astype(str).str.lower().isin(["true", "1"]).astype(int)


def read_test():
    import pandas as pd

    files = sorted(glob.glob(os.path.join(TEST_DIR, "*.csv")))
    if not files:
        raise ValueError(f"no .csv files in the test directory {TEST_DIR}")
    frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    missing = [c for c in [ID, LABEL, *FEATURES] if c not in frame.columns]
    if missing:
        raise ValueError(f"columns missing from {TEST_DIR}: {', '.join(missing)}")
    return frame


def evaluate():
    import joblib

    model = joblib.load(os.path.join(MODEL_DIR, MODEL_FILE))
    frame = read_test()
    features = frame[FEATURES].copy()
    for col in BOOLEAN:
        features[col] = as_bool(features[col])
    scores = model.predict_proba(features)[:, 1]
    out = frame[[ID]].rename(columns={ID: "id"})
    out["label"] = as_bool(frame[LABEL]).values
    out["score"] = scores.round(6)
    out["prediction"] = (scores >= 0.5).astype(int)
    out["contract"] = frame[SLICE].values
    os.makedirs(OUTPUT_DIR, exist_ok=True)
    path = os.path.join(OUTPUT_DIR, "predictions.csv")
    out.to_csv(path, index=False)
    print(f"scored {len(out)} rows -> {path}", flush=True)


if __name__ == "__main__":
    try:
        evaluate()
    except Exception as err:  # noqa: BLE001 - any failure: one line and a non-zero exit
        print(f"evaluation failed: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
        sys.exit(1)
