#!/usr/bin/env python3
"""Serves the model train.mjs (or train_sklearn.py's model.json) made, under the SageMaker serving
contract, with the Python standard library only: the same requests and answers as serve.mjs.

  SAGEMAKER_BIND_TO_PORT  the port to listen on (8080 when unset)
  SM_MODEL_DIR            the extracted model.tar.gz (model.json); default /opt/ml/model
  GET /ping               200 once the model is loaded
  POST /invocations       one customer record, or {"instances": [record, ...]} ->
                          {"predictions": [{"score": 0.27, "churn": false}, ...]}
"""
import json
import math
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(os.environ.get("SAGEMAKER_BIND_TO_PORT", "8080"))
MODEL_DIR = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
with open(os.path.join(MODEL_DIR, "model.json"), encoding="utf-8") as f:
    MODEL = json.load(f)
if MODEL.get("kind") != "logistic-regression":
    sys.exit(f"{MODEL_DIR}/model.json: not a model of train.mjs")
NUMERIC = list(MODEL["scaling"].keys())


def truthy(v):
    return v is True or v in ("true", "1", 1)


def featurize(row):
    x = []
    for col in NUMERIC:
        v = row.get(col)
        s = MODEL["scaling"][col]
        x.append(0.0 if v in ("", None) else (float(v) - s["mean"]) / s["sd"])
    for name in MODEL["features"][len(NUMERIC):]:
        col, _, level = name.partition("=")
        if level == "":
            x.append(1.0 if truthy(row.get(col)) else 0.0)
        else:
            x.append(1.0 if row.get(col) == level else 0.0)
    return x


def predict(row):
    if not isinstance(row, dict):
        raise ValueError("a record must be a JSON object")
    z = MODEL["bias"] + sum(w * v for w, v in zip(MODEL["weights"], featurize(row)))
    score = 1.0 / (1.0 + math.exp(-z))
    return {"score": round(score, 6), "churn": score >= 0.5}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send(self, status, doc):
        body = json.dumps(doc).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/ping":
            self.send(200, {"status": "ok"})
        else:
            self.send(404, {"error": "not found"})

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length)
        if self.path != "/invocations":
            return self.send(404, {"error": "not found"})
        try:
            doc = json.loads(raw)
        except ValueError:
            return self.send(400, {"error": "the body is not JSON"})
        try:
            rows = doc["instances"] if isinstance(doc, dict) and isinstance(doc.get("instances"), list) else [doc]
            self.send(200, {"predictions": [predict(r) for r in rows]})
        except (ValueError, TypeError, KeyError) as err:
            self.send(400, {"error": str(err)})

    def log_message(self, format, *args):  # one line per request is the router's job
        pass


def main():
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"serving {MODEL_DIR}/model.json on 127.0.0.1:{PORT}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
