#!/usr/bin/env node
// A small, deterministic churn model that needs only Node: L2-regularised logistic regression
// trained by full-batch gradient descent (no randomness, so the same data and hyperparameters
// always give the same model bytes).
//
// It follows the SageMaker training contract, so `modelship train` runs it on the local backend
// as SageMaker would run a container:
//   SM_CHANNEL_TRAIN       directory with the training CSV file(s)
//   SM_CHANNEL_VALIDATION  optional; without it every 5th training row is held out
//   SM_HPS                 JSON hyperparameters: c (inverse regularisation, default 1.0),
//                          max_iter (default 300), learning_rate (default 0.5), serve_delay_ms
//                          (default 0: serve.mjs waits this long per request, standing in for a
//                          heavier model; the demo's slow challenger); in script mode the same
//                          arrive as arguments (`-c 0.5 --max_iter 300`), which win
//   SM_MODEL_DIR           where model.json is written
//   SM_OUTPUT_DATA_DIR     where validation predictions are written
// Metrics are printed as `validation:auc=0.8123` lines for the config's metric regexes.
// On an error the reason goes to $SM_OUTPUT_DIR/failure (as on SageMaker) and the exit code is 1.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LABEL = 'churned';
const NUMERIC = ['tenure_months', 'monthly_charges', 'total_charges', 'support_calls'];
const CATEGORICAL = {
  contract: ['month-to-month', 'one-year', 'two-year'],
  payment_method: ['electronic-check', 'mailed-check', 'bank-transfer', 'credit-card'],
  internet_service: ['fiber', 'dsl', 'none'],
};
const BOOLEAN = ['senior'];

function env(name) {
  const v = process.env[name];
  if (!v)
    throw new Error(
      `${name} is not set: run this script under the SageMaker training contract (modelship train)`,
    );
  return v;
}

/** `--name value` / `-n value` / `--name=value` arguments, as script mode passes hyperparameters. */
function argumentHyperparameters(argv) {
  const hps = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unexpected argument ${argv[i]} (expected --name value)`);
    hps[m[1]] = m[2] ?? argv[++i];
  }
  return hps;
}

function hyperparameters() {
  const hps = {
    ...JSON.parse(process.env.SM_HPS || '{}'),
    ...argumentHyperparameters(process.argv.slice(2)),
  };
  const num = (key, dflt, zero = false) => {
    const v = hps[key] ?? hps[key.replace(/_/g, '-')];
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (n === 0 && !zero))
      throw new Error(
        `hyperparameter ${key} must be a ${zero ? 'non-negative' : 'positive'} number, got ${v}`,
      );
    return n;
  };
  return {
    c: num('c', 1.0),
    maxIter: Math.round(num('max_iter', 300)),
    learningRate: num('learning_rate', 0.5),
    // Only when set, so models trained without it keep their bytes.
    ...(num('serve_delay_ms', 0, true) > 0 ? { serveDelayMs: num('serve_delay_ms', 0, true) } : {}),
  };
}

/** Rows of every *.csv file in a channel directory, files in name order. */
function readChannel(dir) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  if (files.length === 0) throw new Error(`no .csv files in channel directory ${dir}`);
  return files.flatMap((f) => parseCsv(readFileSync(join(dir, f), 'utf8'), f));
}

function parseCsv(text, file) {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0].split(',');
  for (const col of [LABEL, ...NUMERIC, ...Object.keys(CATEGORICAL), ...BOOLEAN]) {
    if (!header.includes(col)) throw new Error(`${file}: column '${col}' is missing`);
  }
  return lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));
}

const truthy = (v) => v === 'true' || v === '1';

/** Feature spec learnt from the training rows: means and deviations for scaling, imputation. */
function fitFeatures(rows) {
  const stats = {};
  for (const col of NUMERIC) {
    const xs = rows
      .map((r) => r[col])
      .filter((v) => v !== '' && v !== undefined)
      .map(Number);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) || 1;
    stats[col] = { mean, sd };
  }
  const names = [
    ...NUMERIC,
    ...BOOLEAN,
    ...Object.entries(CATEGORICAL).flatMap(([col, levels]) => levels.slice(1).map((l) => `${col}=${l}`)),
  ];
  return { stats, names };
}

function featurize(row, spec) {
  const x = NUMERIC.map((col) => {
    const v = row[col];
    // A missing value (e.g. total_charges in the first month) becomes the mean: 0 after scaling.
    return v === '' || v === undefined ? 0 : (Number(v) - spec.stats[col].mean) / spec.stats[col].sd;
  });
  for (const col of BOOLEAN) x.push(truthy(row[col]) ? 1 : 0);
  for (const [col, levels] of Object.entries(CATEGORICAL))
    for (const l of levels.slice(1)) x.push(row[col] === l ? 1 : 0);
  return x;
}

const sigmoid = (z) => 1 / (1 + Math.exp(-z));

function predict(model, x) {
  let z = model.bias;
  for (let j = 0; j < x.length; j++) z += model.weights[j] * x[j];
  return sigmoid(z);
}

/** Full-batch gradient descent on the mean log loss plus (1 / (2·c·n))·‖w‖². */
function train(X, y, hp) {
  const n = X.length;
  const d = X[0].length;
  const model = { weights: new Array(d).fill(0), bias: 0 };
  const lambda = 1 / (hp.c * n);
  for (let iter = 1; iter <= hp.maxIter; iter++) {
    const grad = new Array(d).fill(0);
    let gradBias = 0;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const p = predict(model, X[i]);
      const err = p - y[i];
      for (let j = 0; j < d; j++) grad[j] += err * X[i][j];
      gradBias += err;
      loss -= y[i] ? Math.log(Math.max(p, 1e-12)) : Math.log(Math.max(1 - p, 1e-12));
    }
    for (let j = 0; j < d; j++)
      model.weights[j] -= hp.learningRate * (grad[j] / n + lambda * model.weights[j]);
    model.bias -= hp.learningRate * (gradBias / n);
    if (iter === 1 || iter % 50 === 0 || iter === hp.maxIter)
      console.log(`iteration=${iter} train:loss=${(loss / n).toFixed(5)}`);
  }
  return model;
}

/** Area under the ROC curve by ranks (ties share their mean rank). */
function auc(scores, labels) {
  const order = scores.map((s, i) => [s, labels[i]]).sort((a, b) => a[0] - b[0]);
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && order[j][0] === order[i][0]) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (order[k][1]) {
        rankSumPos += meanRank;
        pos++;
      }
    }
    i = j;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

function main() {
  const modelDir = env('SM_MODEL_DIR');
  const hp = hyperparameters();
  const trainRows = readChannel(env('SM_CHANNEL_TRAIN'));
  let fitRows = trainRows;
  let validRows;
  if (process.env.SM_CHANNEL_VALIDATION) {
    validRows = readChannel(process.env.SM_CHANNEL_VALIDATION);
  } else {
    fitRows = trainRows.filter((_, i) => i % 5 !== 4);
    validRows = trainRows.filter((_, i) => i % 5 === 4);
  }
  console.log(
    `rows: train=${fitRows.length} validation=${validRows.length}; hyperparameters ${JSON.stringify(hp)}`,
  );

  const spec = fitFeatures(fitRows);
  const model = train(
    fitRows.map((r) => featurize(r, spec)),
    fitRows.map((r) => (truthy(r[LABEL]) ? 1 : 0)),
    hp,
  );

  const labels = validRows.map((r) => (truthy(r[LABEL]) ? 1 : 0));
  const scores = validRows.map((r) => predict(model, featurize(r, spec)));
  const accuracy = scores.filter((s, i) => (s >= 0.5 ? 1 : 0) === labels[i]).length / labels.length;
  const logloss =
    -scores.reduce(
      (a, s, i) => a + (labels[i] ? Math.log(Math.max(s, 1e-12)) : Math.log(Math.max(1 - s, 1e-12))),
      0,
    ) / labels.length;
  const metrics = { auc: auc(scores, labels), accuracy, logloss };
  console.log(`validation:auc=${metrics.auc.toFixed(4)}`);
  console.log(`validation:accuracy=${metrics.accuracy.toFixed(4)}`);
  console.log(`validation:logloss=${metrics.logloss.toFixed(4)}`);

  mkdirSync(modelDir, { recursive: true });
  const round = (v) => Number(v.toPrecision(10));
  const doc = {
    kind: 'logistic-regression',
    label: LABEL,
    features: spec.names,
    scaling: Object.fromEntries(
      Object.entries(spec.stats).map(([k, s]) => [k, { mean: round(s.mean), sd: round(s.sd) }]),
    ),
    categorical: CATEGORICAL,
    weights: model.weights.map(round),
    bias: round(model.bias),
    hyperparameters: hp,
    ...(hp.serveDelayMs ? { serving: { delayMs: hp.serveDelayMs } } : {}),
    validation: Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, round(v)])),
  };
  writeFileSync(join(modelDir, 'model.json'), JSON.stringify(doc, null, 2) + '\n');
  if (process.env.SM_OUTPUT_DATA_DIR) {
    mkdirSync(process.env.SM_OUTPUT_DATA_DIR, { recursive: true });
    const lines = validRows.map((r, i) => `${r.customer_id},${labels[i]},${scores[i].toFixed(6)}`);
    writeFileSync(
      join(process.env.SM_OUTPUT_DATA_DIR, 'validation-predictions.csv'),
      ['customer_id,label,score', ...lines].join('\n') + '\n',
    );
  }
  console.log(`wrote ${join(modelDir, 'model.json')}`);
}

try {
  main();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`training failed: ${message}`);
  if (process.env.SM_OUTPUT_DIR) {
    mkdirSync(process.env.SM_OUTPUT_DIR, { recursive: true });
    writeFileSync(join(process.env.SM_OUTPUT_DIR, 'failure'), message + '\n');
  }
  process.exitCode = 1;
}
