#!/usr/bin/env node
// Scores the test data with the model train.mjs made: the Node-only evaluation script of the demo.
//
// It follows the SageMaker Processing contract as modelship runs it (docs/gate.md, "Evaluation
// runs"), so the same file runs on the local backend and in a Processing job whose image has Node:
//   MODELSHIP_MODEL_DIR   the model's model.tar.gz, extracted (model.json)
//                         default /opt/ml/processing/model
//   MODELSHIP_TEST_DIR    the test data: every *.csv file in it, in name order
//                         default /opt/ml/processing/input/test
//   MODELSHIP_OUTPUT_DIR  where predictions.csv goes: id, label, score, prediction and the
//                         contract column (a slice the gate can check on its own)
//                         default /opt/ml/processing/output
// On an error it prints the reason and exits with code 1.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const MODEL_DIR = process.env.MODELSHIP_MODEL_DIR || '/opt/ml/processing/model';
const TEST_DIR = process.env.MODELSHIP_TEST_DIR || '/opt/ml/processing/input/test';
const OUTPUT_DIR = process.env.MODELSHIP_OUTPUT_DIR || '/opt/ml/processing/output';
const ID = 'customer_id';
const SLICE = 'contract';

const truthy = (v) => v === 'true' || v === '1';

function readModel() {
  const model = JSON.parse(readFileSync(join(MODEL_DIR, 'model.json'), 'utf8'));
  if (model.kind !== 'logistic-regression')
    throw new Error(`${join(MODEL_DIR, 'model.json')}: not a model of train.mjs (kind ${model.kind})`);
  return model;
}

function readTest(label) {
  const files = readdirSync(TEST_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  if (files.length === 0) throw new Error(`no .csv files in the test directory ${TEST_DIR}`);
  return files.flatMap((f) => {
    const lines = readFileSync(join(TEST_DIR, f), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.length > 0);
    const header = lines[0].split(',');
    for (const col of [ID, label])
      if (!header.includes(col)) throw new Error(`${f}: column '${col}' is missing`);
    return lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i], v])));
  });
}

/** The features train.mjs used, in its order: scaled numbers, booleans, one-hot levels. */
function featurize(row, model) {
  const x = Object.entries(model.scaling).map(([col, { mean, sd }]) => {
    const v = row[col];
    return v === '' || v === undefined ? 0 : (Number(v) - mean) / sd;
  });
  const numeric = new Set(Object.keys(model.scaling));
  for (const name of model.features.slice(numeric.size)) {
    const [col, level] = name.split('=');
    x.push(level === undefined ? (truthy(row[col]) ? 1 : 0) : row[col] === level ? 1 : 0);
  }
  return x;
}

function main() {
  const model = readModel();
  const rows = readTest(model.label);
  const out = ['id,label,score,prediction,contract'];
  for (const row of rows) {
    const x = featurize(row, model);
    let z = model.bias;
    for (let j = 0; j < x.length; j++) z += model.weights[j] * x[j];
    const score = 1 / (1 + Math.exp(-z));
    const label = truthy(row[model.label]) ? 1 : 0;
    out.push(`${row[ID]},${label},${score.toFixed(6)},${score >= 0.5 ? 1 : 0},${row[SLICE] ?? ''}`);
  }
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, 'predictions.csv'), out.join('\n') + '\n');
  console.log(`scored ${rows.length} rows → ${join(OUTPUT_DIR, 'predictions.csv')}`);
}

try {
  main();
} catch (err) {
  console.error(`evaluation failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
