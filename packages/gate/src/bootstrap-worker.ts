// Entry of the bootstrap worker bundle: draw the resamples of the chunks in workerData, post them.
import { parentPort, workerData } from 'node:worker_threads';
import { drawChunks, planBootstrap } from '@modelship/stats';
import type { BootstrapJob, BootstrapReply } from './bootstrap-parallel.js';

const job = workerData as BootstrapJob;
let reply: BootstrapReply;
try {
  const plan = planBootstrap(job.name, job.candidate, job.champion, job.options);
  const draws = drawChunks(plan, job.chunks);
  reply = { ok: true, draws };
} catch (err) {
  reply = { ok: false, message: err instanceof Error ? err.message : String(err) };
}
parentPort?.postMessage(reply, reply.ok ? [reply.draws.buffer as ArrayBuffer] : []);
