// Test stand-in for actions/setup-node: verifies the node on PATH instead of installing one.
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const wanted = (process.env['INPUT_NODE-VERSION'] ?? '').trim();
const version = execFileSync('node', ['--version'], { encoding: 'utf8' }).trim();
const major = (v) => v.replace(/^v/, '').split('.')[0];
if (wanted && major(wanted) !== major(version)) {
  console.log(
    `::error::setup-node stand-in: node-version ${wanted} requested but the node on PATH is ${version}`,
  );
  process.exit(1);
}
console.log(`setup-node stand-in: using node ${version} from PATH`);
if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `node-version=${version}\n`);
