// The lifecycle report of the demo: one model's story from data to production, as Markdown and as
// a standalone HTML page (inline SVG charts, no script, nothing fetched) built from what the steps
// wrote: the manifests, the validate-data report, the gate verdicts and the canary decision audits.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const esc = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const read = (p) => JSON.parse(readFileSync(p, 'utf8'));
const fmt = (v, d = 4) => (typeof v === 'number' ? Number(v.toPrecision(d)).toString() : '–');

/**
 * Horizontal bars: each feature's drift as a multiple of what makes it drift (red when drifted):
 * its effect over the effect floor, or, for a method judged on a threshold (PSI, a fixed
 * distance), its statistic over that threshold.
 */
function driftChart(features) {
  const scale = (f) =>
    typeof f.effect === 'number' && f.effectFloor > 0
      ? {
          ratio: f.effect / f.effectFloor,
          label: `${fmt(f.effect, 3)} (${f.method}, floor ${fmt(f.effectFloor, 2)})`,
        }
      : typeof f.statistic === 'number' && f.threshold > 0
        ? {
            ratio: f.statistic / f.threshold,
            label: `${fmt(f.statistic, 3)} (${f.method}, threshold ${fmt(f.threshold, 2)})`,
          }
        : undefined;
  const rows = features.filter((f) => f.status !== 'ignored' && scale(f)).map((f) => ({ f, ...scale(f) }));
  const w = 760;
  const h = 24 * rows.length + 30;
  const max = Math.max(...rows.map((r) => r.ratio), 1.5);
  const x = (v) => 180 + (Math.max(0, v) / max) * (w - 200);
  const bars = rows.map(({ f, ratio, label }, i) => {
    const y = 10 + i * 24;
    const fill = f.drifted ? '#d1453b' : '#3b7dd1';
    const end = x(ratio);
    // The label follows the bar, or sits inside its end when it would run off the chart.
    const inside = end + 8 + 6.2 * label.length > w;
    const text = inside
      ? `<text x="${end - 4}" y="${y + 14}" font-size="11" text-anchor="end" fill="#fff">${esc(label)}</text>`
      : `<text x="${end + 4}" y="${y + 14}" font-size="11">${esc(label)}</text>`;
    return `<text x="175" y="${y + 14}" text-anchor="end" font-size="12">${esc(f.feature)}</text>
<rect x="180" y="${y}" width="${Math.max(1, end - 180)}" height="18" fill="${fill}"><title>${esc(f.reason ?? '')}</title></rect>
${text}`;
  });
  const floor = `<line x1="${x(1)}" x2="${x(1)}" y1="4" y2="${h - 20}" stroke="#555" stroke-dasharray="4,3"/><text x="${x(1)}" y="${h - 6}" font-size="10" text-anchor="middle">drift floor / threshold</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="drift per feature">${bars.join('\n')}${floor}</svg>`;
}

/** Baseline and current shares per bin of one feature, side by side. */
function histogramChart(f) {
  const hg = f.histogram;
  if (!hg) return '';
  const w = 300;
  const h = 140;
  const n = hg.labels.length;
  const max = Math.max(...hg.baseline, ...hg.current, 1e-9);
  const bw = (w - 20) / n;
  const bars = hg.labels.map((label, i) => {
    const bx = 10 + i * bw;
    const hb = (hg.baseline[i] / max) * (h - 40);
    const hc = (hg.current[i] / max) * (h - 40);
    return `<rect x="${bx + 1}" y="${h - 25 - hb}" width="${bw / 2 - 1}" height="${hb}" fill="#9bbbe0"><title>${esc(label)} baseline ${fmt(hg.baseline[i], 3)}</title></rect><rect x="${bx + bw / 2}" y="${h - 25 - hc}" width="${bw / 2 - 1}" height="${hc}" fill="#d1453b"><title>${esc(label)} current ${fmt(hg.current[i], 3)}</title></rect>`;
  });
  return `<figure style="display:inline-block;margin:4px"><svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img" aria-label="${esc(f.feature)} baseline vs current">${bars.join('')}<text x="10" y="${h - 8}" font-size="10">${esc(hg.labels[0])}</text><text x="${w - 10}" y="${h - 8}" font-size="10" text-anchor="end">${esc(hg.labels[n - 1])}</text></svg><figcaption style="font-size:12px">${esc(f.feature)}: baseline (blue) and current (red) shares</figcaption></figure>`;
}

/** Per gate check: the candidate's value (and the champion's), with the paired difference's interval. */
function gateChart(versions) {
  const rows = versions.flatMap((v) => (v.verdict?.checks ?? []).map((c) => ({ version: v.version, ...c })));
  const w = 640;
  const h = 26 * rows.length + 20;
  const x = (v) => 270 + v * 340;
  const out = rows.map((c, i) => {
    const y = 12 + i * 26;
    const label = `v${c.version} ${c.check} ${c.condition}`;
    const colour = c.status === 'pass' ? '#2e8b57' : c.status === 'fail' ? '#d1453b' : '#999';
    const marks = [];
    if (typeof c.candidate === 'number')
      marks.push(
        `<circle cx="${x(c.candidate)}" cy="${y + 6}" r="5" fill="${colour}"><title>candidate ${fmt(c.candidate)}</title></circle>`,
      );
    if (typeof c.champion === 'number')
      marks.push(
        `<circle cx="${x(c.champion)}" cy="${y + 6}" r="4" fill="none" stroke="#555"><title>champion ${fmt(c.champion)}</title></circle>`,
      );
    if (typeof c.threshold === 'number' && c.condition === 'min')
      marks.push(
        `<line x1="${x(c.threshold)}" x2="${x(c.threshold)}" y1="${y - 2}" y2="${y + 14}" stroke="#555" stroke-dasharray="3,2"><title>min ${fmt(c.threshold)}</title></line>`,
      );
    return `<text x="262" y="${y + 10}" text-anchor="end" font-size="12">${esc(label)} (${esc(c.status)})</text>${marks.join('')}`;
  });
  const axis = [0, 0.25, 0.5, 0.75, 1].map(
    (t) => `<text x="${x(t)}" y="${h - 2}" font-size="10" text-anchor="middle">${t}</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h + 12}" role="img" aria-label="gate checks">${out.join('\n')}${axis.join('')}</svg>`;
}

/** A canary: per-period ModelLatency of champion and challenger over the last look of each step. */
function canaryChart(audit) {
  const look = audit.steps.at(-1)?.looks.at(-1);
  const c = look?.series?.m0_champion ?? { t: [], v: [] };
  const h = look?.series?.m0_challenger ?? { t: [], v: [] };
  const all = [...c.v, ...h.v];
  const w = 640;
  const ht = 200;
  if (all.length === 0) return `<p>No datapoints.</p>`;
  const max = Math.max(...all) * 1.1;
  const n = Math.max(c.v.length, h.v.length, 2);
  const px = (i) => 50 + (i / (n - 1)) * (w - 70);
  const py = (v) => ht - 25 - (v / max) * (ht - 40);
  const line = (s, colour, name) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${s.v.map((v, i) => `${px(i).toFixed(1)},${py(v).toFixed(1)}`).join(' ')}"><title>${esc(name)}</title></polyline>`;
  const ticks = [0, max / 2, max].map(
    (v) => `<text x="45" y="${py(v) + 4}" font-size="10" text-anchor="end">${fmt(v / 1000, 3)} ms</text>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${ht}" role="img" aria-label="canary latency per period">
${ticks.join('')}${line(c, '#3b7dd1', `${audit.champion.name} (champion)`)}${line(h, '#d1453b', `${audit.challenger.name} (challenger)`)}
<text x="60" y="14" font-size="12" fill="#3b7dd1">${esc(audit.champion.name)} (champion)</text>
<text x="260" y="14" font-size="12" fill="#d1453b">${esc(audit.challenger.name)} (challenger)</text>
<text x="${w / 2}" y="${ht - 5}" font-size="10" text-anchor="middle">ModelLatency, ${esc(audit.settings.metrics[0]?.stat ?? 'Average')} per ${audit.settings.periodSeconds}-s period, last look of the last step</text>
</svg>`;
}

function verdictTable(audit) {
  const look = audit.steps.at(-1)?.looks.at(-1);
  return (look?.verdicts ?? []).map((v) => ({
    metric: v.metric,
    status: v.status,
    delta:
      v.estimate === undefined
        ? '–'
        : `${(v.estimate * 100).toFixed(2)}% [${(v.low * 100).toFixed(2)}%, ${(v.high * 100).toFixed(2)}%]`,
    allowed: `${(v.limit * 100).toFixed(2)}%`,
    n: `${v.n.champion} / ${v.n.challenger}`,
  }));
}

/**
 * Write report.md and report.html into `work` from the demo's story (the account it printed, each
 * entry naming the manifest and reports it came from). Returns their paths.
 */
export function writeReport({ work, story, elapsedSeconds }) {
  const validate = story.find((s) => s.step === 'validate-data');
  const drift = validate?.report ? read(join(work, validate.report)).drift : undefined;
  const versions = [...new Set(story.filter((s) => /^train v\d/.test(s.step)).map((s) => s.manifest))].map(
    (m) => {
      const manifest = read(join(work, m));
      const report = manifest.evaluation?.report;
      return {
        version: m.replace(/\D/g, ''),
        manifest,
        verdict: report ? read(join(work, report)) : manifest.evaluation,
      };
    },
  );
  const canaries = story
    .filter((s) => s.audit)
    .map((s) => ({ step: s.step, audit: read(join(work, s.audit)) }));

  const md = [
    '# The churn model, from data to production',
    '',
    `The demo ran every step on the local backend in ${elapsedSeconds.toFixed(1)} s.`,
    '',
    '| step | what happened |',
    '| --- | --- |',
    ...story.map((s) => `| ${s.step} | ${s.text.replace(/\|/g, '\\|')} |`),
    '',
    '## Data: drift against the baseline',
    '',
    ...(drift
      ? [
          '| feature | method | statistic | effect (floor) | drifted |',
          '| --- | --- | --- | --- | --- |',
          ...drift.features
            .filter((f) => f.status !== 'ignored')
            .map(
              (f) =>
                `| ${f.feature} | ${f.method} | ${fmt(f.statistic, 3)} | ${fmt(f.effect, 3)} (${fmt(f.effectFloor, 2)}) | ${f.drifted ? 'yes' : 'no'} |`,
            ),
        ]
      : ['No baseline.']),
    '',
    '## The gate',
    '',
    '| version | check | condition | status | reason |',
    '| --- | --- | --- | --- | --- |',
    ...versions.flatMap((v) =>
      (v.verdict?.checks ?? []).map(
        (c) =>
          `| v${v.version} | ${c.check} | ${c.condition} | ${c.status} | ${String(c.reason ?? '').replace(/\|/g, '\\|')} |`,
      ),
    ),
    '',
    '## The canaries',
    '',
    ...canaries.flatMap(({ step, audit }) => [
      `### ${step}: ${audit.decision}`,
      '',
      audit.reason,
      '',
      '| metric | verdict | Δ challenger − champion [interval] | allowed | n (champion / challenger periods or invocations) |',
      '| --- | --- | --- | --- | --- |',
      ...verdictTable(audit).map((r) => `| ${r.metric} | ${r.status} | ${r.delta} | ${r.allowed} | ${r.n} |`),
      '',
    ]),
  ].join('\n');

  const section = (title, body) => `<section><h2>${esc(title)}</h2>${body}</section>`;
  const table = (head, rows) =>
    `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
      .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
      .join('')}</tbody></table>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>churn: from data to production</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px;text-align:left}h2{border-bottom:1px solid #ddd}.promoted{color:#2e8b57}.rolled-back{color:#d1453b}</style>
</head><body>
<h1>The churn model, from data to production</h1>
<p>Every step ran on the local backend in ${elapsedSeconds.toFixed(1)} s.</p>
${section(
  'The story',
  table(
    ['step', 'what happened'],
    story.map((s) => [s.step, s.text]),
  ),
)}
${section(
  'Data: drift against the baseline',
  drift
    ? `<div id="drift-chart">${driftChart(drift.features)}</div><div>${drift.features
        .filter((f) => f.drifted)
        .map(histogramChart)
        .join('')}</div>`
    : '<p>No baseline.</p>',
)}
${section(
  'The gate',
  `<div id="gate-chart">${gateChart(versions)}</div>` +
    table(
      ['version', 'check', 'condition', 'status', 'reason'],
      versions.flatMap((v) =>
        (v.verdict?.checks ?? []).map((c) => [
          `v${v.version}`,
          c.check,
          c.condition,
          c.status,
          c.reason ?? '',
        ]),
      ),
    ),
)}
${section(
  'The canaries',
  canaries
    .map(
      ({ step, audit }) =>
        `<h3 class="${esc(audit.decision)}">${esc(step)}: ${esc(audit.decision)}</h3><p>${esc(audit.reason)}</p><div class="canary-chart">${canaryChart(audit)}</div>${table(
          ['metric', 'verdict', 'Δ challenger − champion [interval]', 'allowed', 'n'],
          verdictTable(audit).map((r) => [r.metric, r.status, r.delta, r.allowed, r.n]),
        )}`,
    )
    .join(''),
)}
</body></html>
`;
  const markdown = join(work, 'report.md');
  const page = join(work, 'report.html');
  writeFileSync(markdown, md + '\n');
  writeFileSync(page, html);
  return { markdown, html: page };
}
