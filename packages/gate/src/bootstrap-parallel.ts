/**
 * The paired bootstrap on worker threads: the resamples' chunks (see BOOTSTRAP_CHUNK in
 * @modelship/stats) are dealt round-robin to one worker per core, each worker draws its chunks
 * from their own seeded streams, and this thread puts the draws back in resample order and
 * computes the interval. The answer is the one-thread answer bit for bit, whatever the number of
 * workers; this thread stays free to answer a cancel, which stops the workers.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { bundledWorker, workerExecArgv } from '@modelship/core';
import {
  bootstrapChunkCount,
  BOOTSTRAP_CHUNK,
  intervalFromDraws,
  pairedBootstrap,
  planBootstrap,
  type BootstrapResult,
  type MetricName,
  type PairedBootstrapOptions,
  type PredictionColumns,
} from '@modelship/stats';

/** What one worker is asked to draw. */
export interface BootstrapJob {
  name: MetricName;
  candidate: PredictionColumns;
  champion: PredictionColumns;
  /** With the seed resolved, so every worker draws from the same streams. */
  options: PairedBootstrapOptions & { seed: number };
  chunks: number[];
}

/** A worker's answer: its chunks' draws in the order asked, or the error it met. */
export type BootstrapReply = { ok: true; draws: Float64Array } | { ok: false; message: string };

/** Options of {@link parallelBootstrap}. */
export interface ParallelOptions {
  /** The worker bundle (default: `workers/bootstrap-worker.js` of this build; none from sources). */
  script?: string;
  /** Worker threads (default: the machine's available parallelism). */
  threads?: number;
  /**
   * Work (row visits per resample × resamples) below which one thread is quicker (default 2e7,
   * about a tenth of a second): the confusion metrics' resamples cost O(1) and never need workers.
   */
  minWork?: number;
  /** Stops the workers; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * {@link pairedBootstrap} on worker threads when the work is large and a worker bundle exists
 * (the bundled actions and CLI), else on this thread. Same arguments, result and errors
 * (RangeError on bad columns or options); rejects with the signal's reason when stopped.
 */
export async function parallelBootstrap(
  name: MetricName,
  candidate: PredictionColumns,
  champion: PredictionColumns,
  opts: PairedBootstrapOptions = {},
  par: ParallelOptions = {},
): Promise<BootstrapResult> {
  par.signal?.throwIfAborted();
  const plan = planBootstrap(name, candidate, champion, opts);
  const script = par.script ?? bundledWorker('bootstrap-worker', import.meta.url);
  const chunks = bootstrapChunkCount(plan.resamples);
  const threads = Math.min(par.threads ?? availableParallelism(), chunks);
  const work = plan.engine.cost * plan.resamples;
  if (!script || threads < 2 || work < (par.minWork ?? 2e7))
    return pairedBootstrap(name, candidate, champion, { ...opts, seed: plan.seed });
  const dealt = Array.from({ length: threads }, (_, w) =>
    Array.from({ length: Math.ceil((chunks - w) / threads) }, (_, i) => w + i * threads),
  );
  const options = { ...opts, seed: plan.seed };
  const parts = await Promise.all(
    dealt.map((mine) => runWorker(script, { name, candidate, champion, options, chunks: mine }, par.signal)),
  );
  const draws = new Float64Array(plan.resamples);
  dealt.forEach((mine, w) => {
    let at = 0;
    for (const j of mine) {
      const size = Math.min(BOOTSTRAP_CHUNK, plan.resamples - j * BOOTSTRAP_CHUNK);
      draws.set(parts[w]!.subarray(at, at + size), j * BOOTSTRAP_CHUNK);
      at += size;
    }
  });
  return intervalFromDraws(plan, draws);
}

function runWorker(
  script: string,
  job: BootstrapJob,
  signal: AbortSignal | undefined,
): Promise<Float64Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: job, execArgv: workerExecArgv() });
    const onAbort = (): void => {
      void worker.terminate();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    worker.once('message', (r: BootstrapReply) => {
      done();
      void worker.terminate();
      if (r.ok) resolve(r.draws);
      else reject(new RangeError(r.message));
    });
    worker.once('error', (err) => {
      done();
      reject(err);
    });
    worker.once('exit', (code) => {
      done();
      if (code !== 0 && !signal?.aborted) reject(new Error(`bootstrap worker exited with code ${code}`));
    });
  });
}
