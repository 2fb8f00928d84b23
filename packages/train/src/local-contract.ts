import { cp, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { downloadS3Prefix, isS3Uri, type S3Client } from '@modelship/aws';
import { fileError } from '@modelship/core';
import {
  decodeHyperparameters,
  encodeHyperparameters,
  type HyperParameters,
  type HyperValue,
} from './hyperparameters.js';
import type { TrainPlan } from './plan.js';

/** The `/opt/ml`-like tree of one local job. */
export interface MlLayout {
  root: string;
  model: string;
  input: string;
  inputConfig: string;
  inputData: string;
  output: string;
  outputData: string;
  checkpoints: string;
}

export function mlLayout(root: string): MlLayout {
  return {
    root,
    model: join(root, 'model'),
    input: join(root, 'input'),
    inputConfig: join(root, 'input', 'config'),
    inputData: join(root, 'input', 'data'),
    output: join(root, 'output'),
    outputData: join(root, 'output', 'data'),
    checkpoints: join(root, 'checkpoints'),
  };
}

const HOST = 'algo-1';

/** The hyperparameters.json a container would find: what the SageMaker request would carry. */
export function localHyperparameters(plan: TrainPlan): Record<string, string> {
  return encodeHyperparameters(plan.hyperparameters, plan.script !== undefined);
}

/**
 * A number as Python's `str()` writes it after the training toolkit JSON-decodes it: an integer
 * (JSON without `.` or exponent) in digits, a float as Python's shortest repr, in exponent form
 * below 1e-4 and from 1e16 (`1e-05`, `1.5e+300`); not finite (JSON `null`, Python `None`): empty.
 */
function pythonNumber(n: number): string {
  if (!Number.isFinite(n)) return '';
  const json = JSON.stringify(n);
  if (!/[.eE]/.test(json)) return json;
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 16) return String(n);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** A hyperparameter value as the toolkit puts it on the command line: Python's `str()` of it. */
function pythonStr(v: HyperValue): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return typeof v === 'number' ? pythonNumber(v) : v;
}

/**
 * The command-line arguments a framework container's training toolkit gives the script-mode
 * program (`mapping.to_cmd_args` of sagemaker-training-toolkit): the user's hyperparameters
 * sorted by name, each as `--<name> <value>` (`-<name>` for a one-character name, as the toolkit
 * does), the value as Python prints the JSON-decoded value: `3`, `0.05`, `1e-05`, `True`,
 * `lbfgs`. E.g. `{epochs: 3, "learning-rate": 0.05, c: 1}` → `-c 1 --epochs 3 --learning-rate 0.05`.
 */
export function scriptArguments(hps: HyperParameters): string[] {
  return Object.keys(hps)
    .sort()
    .flatMap((k) => [k.length > 1 ? `--${k}` : `-${k}`, pythonStr(hps[k]!)]);
}

/** The SM_* variables of the SageMaker training contract, pointing into `layout`. */
export function contractEnv(
  plan: TrainPlan,
  layout: MlLayout,
  channels: readonly string[],
): Record<string, string> {
  const hps = decodeHyperparameters(localHyperparameters(plan));
  const resource = { current_host: HOST, hosts: [HOST], network_interface_name: 'lo' };
  const env: Record<string, string> = {
    TRAINING_JOB_NAME: plan.jobName,
    SM_MODEL_DIR: layout.model,
    SM_INPUT_DIR: layout.input,
    SM_INPUT_CONFIG_DIR: layout.inputConfig,
    SM_OUTPUT_DIR: layout.output,
    SM_OUTPUT_DATA_DIR: layout.outputData,
    SM_CHECKPOINT_DIR: layout.checkpoints,
    SM_CHANNELS: JSON.stringify([...channels].sort()),
    SM_HPS: JSON.stringify(hps),
    SM_NUM_CPUS: String(availableParallelism()),
    SM_NUM_GPUS: '0',
    SM_HOSTS: JSON.stringify(resource.hosts),
    SM_CURRENT_HOST: HOST,
    SM_CURRENT_INSTANCE_TYPE: 'local',
    SM_RESOURCE_CONFIG: JSON.stringify(resource),
    SM_LOG_LEVEL: '20',
  };
  if (plan.script) {
    env.SM_USER_ENTRY_POINT = plan.script.program;
    env.SM_MODULE_DIR = plan.script.dir;
    env.SM_USER_ARGS = JSON.stringify(scriptArguments(plan.hyperparameters));
  }
  for (const c of channels) env[`SM_CHANNEL_${c.toUpperCase()}`] = join(layout.inputData, c);
  for (const [k, v] of Object.entries(hps))
    env[`SM_HP_${k.toUpperCase()}`] = typeof v === 'string' ? v : JSON.stringify(v);
  return env;
}

/** Create the tree and the files in input/config. */
export async function writeLayout(plan: TrainPlan, layout: MlLayout): Promise<void> {
  for (const d of [
    layout.model,
    layout.inputConfig,
    layout.inputData,
    layout.outputData,
    layout.checkpoints,
  ]) {
    await mkdir(d, { recursive: true });
  }
  const inputData = Object.fromEntries(
    Object.keys(plan.channels).map((c) => [
      c,
      { TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated' },
    ]),
  );
  const files: Record<string, unknown> = {
    'hyperparameters.json': localHyperparameters(plan),
    'inputdataconfig.json': inputData,
    'resourceconfig.json': { current_host: HOST, hosts: [HOST] },
  };
  for (const [name, body] of Object.entries(files)) {
    await writeFile(join(layout.inputConfig, name), JSON.stringify(body, null, 2) + '\n');
  }
}

/** Link `src` at `dest`; copy when links are not allowed (e.g. Windows without the privilege). */
async function linkOrCopy(src: string, dest: string): Promise<void> {
  try {
    await symlink(src, dest);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'EPERM' && code !== 'EACCES' && code !== 'ENOTSUP') throw err;
    await cp(src, dest, { recursive: true });
  }
}

/** A name for `file` in `dir` that is not taken yet. */
function uniqueName(file: string, taken: Set<string>): string {
  let name = basename(file);
  for (let i = 1; taken.has(name); i++) name = `${i}-${basename(file)}`;
  taken.add(name);
  return name;
}

async function linkLocal(uri: string, dest: string, where: string): Promise<void> {
  let info;
  try {
    info = await stat(uri);
  } catch (err) {
    throw fileError(err, where, 'channel data');
  }
  if (!info.isDirectory()) return linkOrCopy(uri, join(dest, basename(uri)));
  for (const entry of await readdir(uri)) await linkOrCopy(join(uri, entry), join(dest, entry));
}

/** Put every channel's data under input/data/<channel>: linked from disk, downloaded from S3. */
export async function stageChannels(
  plan: TrainPlan,
  layout: MlLayout,
  s3: () => Promise<S3Client>,
  signal?: AbortSignal,
): Promise<void> {
  for (const [name, uri] of Object.entries(plan.channels)) {
    const dest = join(layout.inputData, name);
    await mkdir(dest, { recursive: true });
    const where = `${plan.configName}: train.channels.${name} (${uri})`;
    const files = plan.channelFiles[name];
    if (files) {
      const taken = new Set<string>();
      for (const f of files) await linkOrCopy(f, join(dest, uniqueName(f, taken)));
    } else if (isS3Uri(uri)) {
      await downloadS3Prefix(await s3(), uri, dest, signal);
    } else {
      await linkLocal(uri, dest, where);
    }
  }
}
