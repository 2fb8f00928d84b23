#!/usr/bin/env node
// Synthetic customer-churn data with a fixed seed, so every run writes the same bytes.
//
//   node examples/churn/generate.mjs [--out DIR] [--rows N] [--seed S]
//
// Writes train.csv and validation.csv (the reference population) and current.csv: a newer batch
// after a price rise (monthly charges up ~15%) and a shift from two-year to monthly contracts,
// the kind of change the drift check is there to catch.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), 'data') },
    rows: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '42' },
  },
});

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed) {
  const rand = mulberry32(seed);
  const normal = () => {
    const u = 1 - rand();
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const pick = (items, weights) => {
    let r = rand() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
    return items[items.length - 1];
  };
  const poisson = (lambda) => {
    let k = 0;
    for (let p = Math.exp(-lambda), s = p, u = rand(); u > s; p *= lambda / ++k, s += p);
    return k;
  };
  return { rand, normal, pick, poisson };
}

const HEADER = [
  'customer_id',
  'tenure_months',
  'monthly_charges',
  'total_charges',
  'contract',
  'payment_method',
  'internet_service',
  'support_calls',
  'senior',
  'churned',
];

/** One customer. `shift` is the newer population (after the price rise). */
function customer(g, id, shift) {
  const contract = pick3(g, shift ? [0.7, 0.2, 0.1] : [0.5, 0.25, 0.25]);
  const internet = g.pick(['fiber', 'dsl', 'none'], [0.45, 0.35, 0.2]);
  const payment = g.pick(
    ['electronic-check', 'mailed-check', 'bank-transfer', 'credit-card'],
    [0.34, 0.22, 0.22, 0.22],
  );
  const senior = g.rand() < 0.16;
  const tenureMean = contract === 'two-year' ? 50 : contract === 'one-year' ? 30 : 14;
  const tenure = Math.max(0, Math.min(72, Math.round(tenureMean + 14 * g.normal())));
  const base = internet === 'fiber' ? 85 : internet === 'dsl' ? 58 : 24;
  const monthly = Math.max(18, (base + 9 * g.normal()) * (shift ? 1.15 : 1));
  const total = tenure === 0 ? '' : (monthly * tenure * (0.97 + 0.06 * g.rand())).toFixed(2);
  const calls = g.poisson(internet === 'fiber' ? 1.6 : 1.1);
  const logit =
    -1.2 +
    (contract === 'month-to-month' ? 1.3 : contract === 'one-year' ? 0.1 : -1.1) -
    0.045 * tenure +
    0.018 * (monthly - 65) +
    0.32 * calls +
    (senior ? 0.35 : 0) +
    (payment === 'electronic-check' ? 0.4 : 0);
  const churned = g.rand() < 1 / (1 + Math.exp(-logit));
  return [
    `C${String(id).padStart(7, '0')}`,
    tenure,
    monthly.toFixed(2),
    total,
    contract,
    payment,
    internet,
    calls,
    senior,
    churned,
  ];
}

function pick3(g, weights) {
  return g.pick(['month-to-month', 'one-year', 'two-year'], weights);
}

function write(file, seed, rows, firstId, shift) {
  const g = generator(seed);
  const lines = [HEADER.join(',')];
  for (let i = 0; i < rows; i++) lines.push(customer(g, firstId + i, shift).join(','));
  writeFileSync(file, lines.join('\n') + '\n');
  return rows;
}

const rows = Number(values.rows);
const seed = Number(values.seed);
mkdirSync(values.out, { recursive: true });
write(join(values.out, 'train.csv'), seed, rows, 1, false);
write(join(values.out, 'validation.csv'), seed + 1, Math.round(rows / 4), rows + 1, false);
write(join(values.out, 'current.csv'), seed + 2, Math.round(rows / 4), rows + Math.round(rows / 4) + 1, true);
process.stderr.write(
  `wrote train.csv (${rows} rows), validation.csv and current.csv (${Math.round(rows / 4)} rows each) to ${values.out}\n`,
);
