#!/usr/bin/env node
// Serves the model train.mjs made, under the SageMaker serving contract, with Node only:
//   SAGEMAKER_BIND_TO_PORT  the port to listen on (8080 when unset, as in a SageMaker container)
//   SM_MODEL_DIR            the extracted model.tar.gz (model.json); default /opt/ml/model
//   GET /ping               200 once the model is loaded
//   POST /invocations       application/json: one customer record, or {"instances": [record, …]};
//                           answers {"predictions": [{"score": 0.27, "churn": false}, …]}
// A bad request is a 400 with {"error": …}; the contract is in contract/ (docs/deploy.md).
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout } from 'node:timers';

const PORT = Number(process.env.SAGEMAKER_BIND_TO_PORT || 8080);
const MODEL_DIR = process.env.SM_MODEL_DIR || '/opt/ml/model';
const model = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8'));
if (model.kind !== 'logistic-regression')
  throw new Error(`${MODEL_DIR}/model.json: not a model of train.mjs`);
const numeric = Object.keys(model.scaling);
// A model trained with serve_delay_ms answers that much later (a heavier model, for the demo).
const delayMs = Number(model.serving?.delayMs ?? 0);

const truthy = (v) => v === true || v === 'true' || v === 1 || v === '1';

/** The features train.mjs used, in its order: scaled numbers, booleans, one-hot levels. */
function featurize(row) {
  const x = numeric.map((col) => {
    const v = row[col];
    return v === '' || v === undefined || v === null
      ? 0
      : (Number(v) - model.scaling[col].mean) / model.scaling[col].sd;
  });
  for (const name of model.features.slice(numeric.length)) {
    const [col, level] = name.split('=');
    x.push(level === undefined ? (truthy(row[col]) ? 1 : 0) : row[col] === level ? 1 : 0);
  }
  return x;
}

function predict(row) {
  if (typeof row !== 'object' || row === null || Array.isArray(row))
    throw new Error('a record must be a JSON object');
  const x = featurize(row);
  let z = model.bias;
  for (let j = 0; j < x.length; j++) z += model.weights[j] * x[j];
  const score = 1 / (1 + Math.exp(-z));
  if (!Number.isFinite(score)) throw new Error('a feature is not a number');
  return { score: Math.round(score * 1e6) / 1e6, churn: score >= 0.5 };
}

function send(res, status, doc) {
  const body = JSON.stringify(doc);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/ping') return send(res, 200, { status: 'ok' });
  if (req.method !== 'POST' || req.url !== '/invocations') return send(res, 404, { error: 'not found' });
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let doc;
    try {
      doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: 'the body is not JSON' });
    }
    let answer;
    try {
      const rows = Array.isArray(doc?.instances) ? doc.instances : [doc];
      answer = [200, { predictions: rows.map(predict) }];
    } catch (err) {
      answer = [400, { error: err.message }];
    }
    if (delayMs > 0) setTimeout(() => send(res, ...answer), delayMs);
    else send(res, ...answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(PORT, '127.0.0.1', () => console.log(`serving ${MODEL_DIR}/model.json on 127.0.0.1:${PORT}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
