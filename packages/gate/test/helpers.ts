import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packDir } from '@modelship/local';

import { addFiles, workspace as sharedWorkspace, type Workspace } from '../../../test/lib/step.js';

export {
  addFiles,
  makeContext,
  NOW,
  configErrorLine,
  GITHUB_ENV,
  type Workspace,
} from '../../../test/lib/step.js';

/** A temp directory with `files` (relative names; folders are made). */
export function workspace(files: Record<string, string> = {}): Promise<Workspace> {
  return sharedWorkspace(files, 'modelship-gate-');
}

/** Pack `files` into `<dir>/<name>` as a model.tar.gz (entries at the root, as SageMaker's). */
export async function modelArchive(
  dir: string,
  name: string,
  files: Record<string, string>,
): Promise<string> {
  const src = await mkdtemp(join(tmpdir(), 'modelship-model-'));
  try {
    await addFiles(src, files);
    const file = join(dir, name);
    await mkdir(join(file, '..'), { recursive: true });
    await packDir(src, file);
    return file;
  } finally {
    await rm(src, { recursive: true, force: true });
  }
}

/** A 5-row test file: id, x, label. */
export const TEST_CSV = 'id,x,label\n1,0.1,0\n2,0.9,1\n3,0.4,0\n4,0.7,1\n5,0.2,0\n';

/**
 * A Node evaluation script under the contract: reads `threshold` from model/model.json, scores
 * every test CSV, writes predictions.csv, and prints what it saw.
 */
export const SCORE_SCRIPT = `
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const { MODELSHIP_MODEL_DIR: model, MODELSHIP_TEST_DIR: test, MODELSHIP_OUTPUT_DIR: out } = process.env;
console.log('evaluating ' + process.env.MODELSHIP_EVALUATING + ' as ' + process.env.MODELSHIP_JOB_NAME);
console.log('model files: ' + readdirSync(model).sort().join(','));
const { weight } = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8'));
const rows = readdirSync(test).filter((f) => f.endsWith('.csv')).sort()
  .flatMap((f) => readFileSync(join(test, f), 'utf8').trim().split('\\n').slice(1));
const lines = rows.map((r) => { const [id, x, label] = r.split(','); const s = Math.min(1, Number(x) * weight);
  return [id, label, s.toFixed(3), s >= 0.5 ? 1 : 0].join(','); });
writeFileSync(join(out, 'predictions.csv'), ['id,label,score,prediction', ...lines].join('\\n') + '\\n');
console.error('scored ' + rows.length + ' rows');
`;
