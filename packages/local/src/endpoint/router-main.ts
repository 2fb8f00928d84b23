// The router process (built as dist/workers/canary-router.js): `canary-router <config.json> <port>
// <ready-file>`. Writes `{pid, port}` to the ready file once it listens; SIGHUP re-reads the
// config; SIGTERM / SIGINT flush the logs and metrics and exit.
import { writeFileSync, renameSync } from 'node:fs';
import { startRouter } from './router.js';

const [configPath, portArg, readyFile] = process.argv.slice(2);
if (!configPath || !readyFile) {
  process.stderr.write('usage: canary-router <config.json> <port> <ready-file>\n');
  process.exit(2);
}
const router = await startRouter(configPath, Number(portArg ?? 0));
const tmp = `${readyFile}.${process.pid}.tmp`;
writeFileSync(tmp, JSON.stringify({ pid: process.pid, port: router.port }) + '\n');
renameSync(tmp, readyFile);
process.stderr.write(`router listening on 127.0.0.1:${router.port}\n`);
process.on('SIGHUP', () => {
  try {
    router.reload();
    process.stderr.write('config reloaded\n');
  } catch (err) {
    process.stderr.write(`config reload failed, keeping the previous one: ${(err as Error).message}\n`);
  }
});
const stop = () => {
  void router.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
