"""Churn model with scikit-learn: a realistic training script for SageMaker script mode.

The same file runs unchanged
  * in SageMaker's scikit-learn container (script mode: hyperparameters arrive as command-line
    arguments, data under /opt/ml/input/data/<channel>, the model goes to /opt/ml/model), and
  * on modelship's local backend (`backend: local`), which lays out the same tree, sets the same
    SM_* variables and, in script mode (`source` and `program`), passes the same arguments; run
    from a plain `entrypoint`, hyperparameters come from SM_HPS.

Metrics are printed as `validation:auc=0.8123` lines; SageMaker's MetricDefinitions (and the local
backend) scrape them with the regexes in modelship.yml. `model_fn` lets the scikit-learn serving
container load the model.

Needs scikit-learn, pandas and joblib (see requirements.txt; the SageMaker container has them).
"""

import argparse
import glob
import json
import os
import sys

LABEL = "churned"
NUMERIC = ["tenure_months", "monthly_charges", "total_charges", "support_calls"]
CATEGORICAL = ["contract", "payment_method", "internet_service"]
BOOLEAN = ["senior"]
MODEL_FILE = "model.joblib"


def parse_args(argv):
    """Command-line arguments (script mode) over SM_HPS over defaults.

    The training toolkit passes a one-letter hyperparameter with one dash (`-c 0.5`), longer
    ones with two (`--max_iter 200`).
    """
    hps = json.loads(os.environ.get("SM_HPS", "{}"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--c", type=float, default=float(hps.get("c", 1.0)))
    parser.add_argument("--max_iter", type=int, default=int(hps.get("max_iter", 500)))
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN"))
    parser.add_argument("--validation", default=os.environ.get("SM_CHANNEL_VALIDATION"))
    parser.add_argument("--output-data-dir", default=os.environ.get("SM_OUTPUT_DATA_DIR"))
    # The container may pass hyperparameters this script does not use; ignore them.
    args, _unknown = parser.parse_known_args(argv)
    if not args.train:
        parser.error("no training data: set SM_CHANNEL_TRAIN or pass --train")
    return args


def read_channel(directory):
    import pandas as pd

    files = sorted(glob.glob(os.path.join(directory, "*.csv")))
    if not files:
        raise ValueError(f"no .csv files in channel directory {directory}")
    frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
    missing = [c for c in [LABEL, *NUMERIC, *CATEGORICAL, *BOOLEAN] if c not in frame.columns]
    if missing:
        raise ValueError(f"columns missing from {directory}: {', '.join(missing)}")
    return frame


def as_bool(series):
    return series.astype(str).str.lower().isin(["true", "1"]).astype(int)


def split(frame):
    features = frame[NUMERIC + CATEGORICAL + BOOLEAN].copy()
    for col in BOOLEAN:
        features[col] = as_bool(features[col])
    return features, as_bool(frame[LABEL])


def build_pipeline(c, max_iter):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = Pipeline([("impute", SimpleImputer(strategy="mean")), ("scale", StandardScaler())])
    columns = ColumnTransformer(
        [
            ("numeric", numeric, NUMERIC),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
            ("boolean", "passthrough", BOOLEAN),
        ]
    )
    return Pipeline([("features", columns), ("model", LogisticRegression(C=c, max_iter=max_iter))])


def train(args):
    import joblib
    from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

    frame = read_channel(args.train)
    if args.validation:
        fit_frame, valid_frame = frame, read_channel(args.validation)
    else:
        # No validation channel: hold out every 5th row, deterministically.
        held_out = frame.index % 5 == 4
        fit_frame, valid_frame = frame[~held_out], frame[held_out]
    x_fit, y_fit = split(fit_frame)
    x_valid, y_valid = split(valid_frame)
    print(f"rows: train={len(x_fit)} validation={len(x_valid)}; c={args.c} max_iter={args.max_iter}", flush=True)

    pipeline = build_pipeline(args.c, args.max_iter)
    pipeline.fit(x_fit, y_fit)

    scores = pipeline.predict_proba(x_valid)[:, 1]
    print(f"validation:auc={roc_auc_score(y_valid, scores):.4f}", flush=True)
    print(f"validation:accuracy={accuracy_score(y_valid, scores >= 0.5):.4f}", flush=True)
    print(f"validation:logloss={log_loss(y_valid, scores):.4f}", flush=True)

    os.makedirs(args.model_dir, exist_ok=True)
    joblib.dump(pipeline, os.path.join(args.model_dir, MODEL_FILE))
    if args.output_data_dir:
        os.makedirs(args.output_data_dir, exist_ok=True)
        out = valid_frame[["customer_id"]].assign(label=y_valid.values, score=scores)
        out.to_csv(os.path.join(args.output_data_dir, "validation-predictions.csv"), index=False)
    print(f"wrote {os.path.join(args.model_dir, MODEL_FILE)}", flush=True)


def model_fn(model_dir):
    """Loads the model in SageMaker's scikit-learn serving container."""
    import joblib

    return joblib.load(os.path.join(model_dir, MODEL_FILE))


def write_failure(message):
    """As on SageMaker: the reason in /opt/ml/output/failure becomes the job's FailureReason."""
    output_dir = os.environ.get("SM_OUTPUT_DIR", "/opt/ml/output")
    try:
        os.makedirs(output_dir, exist_ok=True)
        with open(os.path.join(output_dir, "failure"), "w", encoding="utf-8") as f:
            f.write(message + "\n")
    except OSError:
        pass


if __name__ == "__main__":
    try:
        train(parse_args(sys.argv[1:]))
    except Exception as err:  # noqa: BLE001 - report any failure the SageMaker way
        write_failure(f"{type(err).__name__}: {err}")
        print(f"training failed: {type(err).__name__}: {err}", file=sys.stderr, flush=True)
        sys.exit(1)
