// The README's first command, `npm run demo`: the whole story of one model on the local backend
// (validate-data → train → gate → register → deploy → canary → promote, and a slower challenger
// rolled back), its lifecycle report checked for every step's outcome, the HTML page rendered by
// headless Chromium with its charts, and no process left running. CI runs the demo once before
// the tests, so this run is also the "second run without cleaning anything by hand".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { chromiumPath } from './support/tools.js';
import { tempDir } from './lib/step.js';

const ROOT = process.cwd();
const WORK = join(ROOT, '.modelship/demo');

/** Processes whose environment points into the demo's workspace (its serving processes and router). */
function demoProcesses(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (env.includes(WORK) || cmd.includes(WORK)) out.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

describe('npm run demo', () => {
  it('tells one model’s story from data to production, writes its report, and leaves no process', () => {
    const gen = spawnSync(process.execPath, ['examples/churn/generate.mjs'], { encoding: 'utf8' });
    expect(gen.status).toBe(0);
    const r = spawnSync(process.execPath, ['examples/churn/demo.mjs'], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    if (r.status !== 0) console.log(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    for (const step of [
      'validate-data: 5000 rows, 0 invalid',
      'train v1',
      'evaluate-gate v1: pass',
      'register v1: model-package/churn/1 PendingManualApproval → Approved',
      'deploy-canary v1: first deploy: churn-v1 created alone',
      'evaluate-gate v2: pass',
      'against the champion model-package/churn/1 on paired predictions',
      'deploy-canary v2: churn-v2 deployed beside churn-v1',
      'promote-on-metrics v2: promoted',
      'promote-on-metrics v3: rolled-back: a metric failed: ModelLatency',
      'final state: endpoint churn serves churn-v2 (model-package/churn/2) at 100%',
      'model-package/churn/3 is Rejected in the registry',
      'endpoint: stopped by the demo: no process left running',
    ])
      expect(r.stdout).toContain(step);

    const md = readFileSync(join(WORK, 'report.md'), 'utf8');
    expect(md).toMatch(/\| promote-on-metrics v2 \| promoted:/);
    expect(md).toMatch(/\| promote-on-metrics v3 \| rolled-back:/);
    expect(md).toMatch(/\| v2 \| roc_auc \| max-regression \| pass \|/);
    expect(md).toMatch(/\| tenure_months \| ks \| [\d.]+ \| [\d.]+ \(0\.05\) \| yes \|/);
    // The report's last words on the endpoint are the demo's: it stopped it.
    expect(md.indexOf('stopped by the demo')).toBeGreaterThan(md.indexOf('final state'));
    const v3 = JSON.parse(readFileSync(join(WORK, '.modelship/registry/churn/versions/3.json'), 'utf8'));
    expect(v3.ModelApprovalStatus).toBe('Rejected');

    // Nothing left running: no endpoint state, no process of the demo's workspace.
    expect(existsSync(join(WORK, '.modelship/endpoints/churn/state.json'))).toBe(false);
    expect(demoProcesses()).toEqual([]);

    // The standalone page renders in a browser, with its charts (no network: file://).
    const chromium = chromiumPath();
    if (!chromium) throw new Error('chromium is not installed: run npx tsx test/support/tools.ts chromium');
    const page = `file://${join(WORK, 'report.html')}`;
    const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
    const dom = spawnSync(chromium, [...flags, '--dump-dom', page], { encoding: 'utf8', timeout: 60_000 });
    expect(dom.stdout).toContain('<div id="drift-chart"><svg');
    // Every drifted feature has its bar, whether judged on an effect floor or a threshold (PSI).
    const chart = dom.stdout.slice(dom.stdout.indexOf('<div id="drift-chart">'));
    const bars = chart.slice(0, chart.indexOf('</svg>'));
    for (const f of ['tenure_months', 'monthly_charges', 'contract']) expect(bars).toContain(`>${f}</text>`);
    expect(bars).toMatch(/psi, threshold 0\.2\)/);
    expect(dom.stdout).toContain('<div id="gate-chart"><svg');
    expect(dom.stdout.match(/<div class="canary-chart"><svg/g)).toHaveLength(2);
    const png = join(tempDir('modelship-shot-'), 'report.png');
    const shot = spawnSync(chromium, [...flags, `--screenshot=${png}`, '--window-size=1000,2400', page], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(shot.status).toBe(0);
    expect(statSync(png).size).toBeGreaterThan(50_000);
  }, 300_000);
});
