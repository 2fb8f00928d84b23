// A process of its own that registers candidates into a local registry, for the concurrency and
// crash tests: `register-child.ts <root> <tag> <count> <model file>`. Each registration is a new
// candidate (its digest is <tag>-<i>); prints `registered <digest> <version>` after each one.
import { createHash } from 'node:crypto';
import { LocalRegistry } from '../src/local.js';

const [root, tag, count, model] = process.argv.slice(2) as [string, string, string, string];
const registry = new LocalRegistry(root);
await registry.ensureGroup('churn', { project: 'churn' });
for (let i = 0; i < Number(count); i++) {
  const digest = createHash('sha256').update(`${tag}-${i}`).digest('hex');
  const { pkg } = await registry.create({
    group: 'churn',
    status: 'PendingManualApproval',
    inference: { Containers: [{ ModelDataUrl: model }] },
    metadata: { 'modelship:manifest-sha256': digest, 'modelship:padding': 'x'.repeat(256) },
    tags: {},
    digest,
  });
  process.stdout.write(`registered ${digest} ${pkg.ModelPackageVersion}\n`);
}
