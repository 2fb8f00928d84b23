import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, fileError } from './errors.js';
import type { Provenance } from './provenance.js';
import { compileSchema, createAjv, firstUsefulError, formatAjvError, type JsonSchema } from './schema.js';

export const MANIFEST_VERSION = 1;

const sha256 = { type: 'string', pattern: '^[a-f0-9]{64}$' };
const isoTime = { type: 'string', format: 'date-time' };

/** The model manifest's JSON Schema (published as `schemas/manifest.schema.json`). */
export const MANIFEST_SCHEMA: JsonSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://modelship.dev/schemas/manifest.schema.json',
  title: 'modelship model manifest',
  description: 'What a model candidate is and where it came from; each step reads and extends it.',
  type: 'object',
  required: ['schemaVersion', 'kind', 'createdAt', 'updatedAt', 'history'],
  additionalProperties: false,
  properties: {
    schemaVersion: { const: MANIFEST_VERSION },
    kind: { const: 'modelship.manifest' },
    model: { type: 'string' },
    createdAt: isoTime,
    updatedAt: isoTime,
    source: { type: 'object', additionalProperties: { type: 'string' } },
    data: {
      type: 'object',
      additionalProperties: false,
      required: ['validatedAt', 'passed', 'format', 'rows', 'invalidRows', 'fingerprint', 'files'],
      properties: {
        validatedAt: isoTime,
        passed: { type: 'boolean' },
        format: { type: 'string' },
        uri: { type: 'string' },
        rows: { type: 'integer', minimum: 0 },
        invalidRows: { type: 'integer', minimum: 0 },
        fingerprint: { ...sha256, description: 'sha256 over the sorted per-file digests.' },
        files: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['uri', 'sha256', 'bytes', 'rows'],
            properties: {
              uri: { type: 'string' },
              sha256,
              bytes: { type: 'integer', minimum: 0 },
              rows: { type: 'integer', minimum: 0 },
            },
          },
        },
        schema: {
          type: 'object',
          additionalProperties: false,
          required: ['path', 'sha256'],
          properties: { path: { type: 'string' }, sha256 },
        },
        baseline: { type: 'string' },
        drift: {
          type: 'object',
          additionalProperties: false,
          required: ['checked', 'drifted'],
          properties: {
            checked: { type: 'integer', minimum: 0 },
            drifted: { type: 'array', items: { type: 'string' } },
          },
        },
        profile: { type: 'string' },
        report: { type: 'string' },
      },
    },
    training: {
      type: 'object',
      required: ['backend', 'jobName', 'status'],
      properties: {
        backend: { enum: ['local', 'sagemaker'] },
        jobName: { type: 'string' },
        jobArn: { type: 'string' },
        status: { type: 'string' },
        modelArtifact: { type: 'string' },
        modelSha256: sha256,
        metrics: { type: 'object', additionalProperties: { type: 'number' } },
        hyperparameters: { type: 'object', additionalProperties: { type: 'string' } },
        channels: { type: 'object', additionalProperties: { type: 'string' } },
        secondaryStatus: { type: 'string' },
        failureReason: { type: 'string' },
        image: { type: 'string', description: 'Training image (SageMaker).' },
        instanceType: { type: 'string' },
        instanceCount: { type: 'integer', minimum: 1 },
        spot: { type: 'boolean' },
        region: { type: 'string' },
        command: { type: 'array', items: { type: 'string' }, description: 'Command run (local backend).' },
        sourceUri: { type: 'string', description: 'Script mode: the uploaded sourcedir.tar.gz.' },
        createdAt: isoTime,
        startedAt: isoTime,
        endedAt: isoTime,
        billableSeconds: { type: 'integer', minimum: 0 },
        estimatedCostUsd: {
          type: 'number',
          minimum: 0,
          description: 'An estimate from a price table, not a bill.',
        },
      },
    },
    evaluation: { type: 'object' },
    registry: { type: 'object' },
    deployment: { type: 'object' },
    history: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['step', 'at', 'ok'],
        properties: {
          step: { type: 'string' },
          at: isoTime,
          ok: { type: 'boolean' },
          headline: { type: 'string' },
          source: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  },
};

export interface DataSection {
  validatedAt: string;
  passed: boolean;
  format: string;
  uri?: string;
  rows: number;
  invalidRows: number;
  fingerprint: string;
  files: { uri: string; sha256: string; bytes: number; rows: number }[];
  schema?: { path: string; sha256: string };
  baseline?: string;
  drift?: { checked: number; drifted: string[] };
  profile?: string;
  report?: string;
}

export interface TrainingSection {
  backend: 'local' | 'sagemaker';
  jobName: string;
  jobArn?: string;
  status: string;
  modelArtifact?: string;
  modelSha256?: string;
  metrics?: Record<string, number>;
  hyperparameters?: Record<string, string>;
  channels?: Record<string, string>;
  [key: string]: unknown;
}

export interface HistoryEntry {
  step: string;
  at: string;
  ok: boolean;
  headline?: string;
  source?: Record<string, string>;
}

export interface Manifest {
  schemaVersion: typeof MANIFEST_VERSION;
  kind: 'modelship.manifest';
  model?: string;
  createdAt: string;
  updatedAt: string;
  source?: Record<string, string>;
  data?: DataSection;
  training?: TrainingSection;
  evaluation?: Record<string, unknown>;
  registry?: Record<string, unknown>;
  deployment?: Record<string, unknown>;
  history: HistoryEntry[];
}

export type ManifestSections = Pick<Manifest, 'data' | 'training' | 'evaluation' | 'registry' | 'deployment'>;

let validateManifest: ReturnType<typeof compileSchema> | undefined;

export function checkManifest(doc: unknown, where: string): Manifest {
  validateManifest ??= compileSchema(createAjv(MANIFEST_SCHEMA), MANIFEST_SCHEMA, 'manifest.schema.json');
  if (!validateManifest(doc)) {
    throw new ConfigError(
      `not a valid modelship manifest: ${formatAjvError(firstUsefulError(validateManifest.errors)!)}`,
      where,
    );
  }
  return doc as Manifest;
}

/** A manifest file as a step sees it: read once, changed in memory, written atomically. */
export class ManifestStore {
  private constructor(
    readonly path: string,
    readonly displayPath: string,
    readonly doc: Manifest,
  ) {}

  static empty(path: string, displayPath: string, now: Date): ManifestStore {
    const at = now.toISOString();
    return new ManifestStore(path, displayPath, {
      schemaVersion: MANIFEST_VERSION,
      kind: 'modelship.manifest',
      createdAt: at,
      updatedAt: at,
      history: [],
    });
  }

  /** Read `path` (relative to cwd); a missing file starts a new manifest. */
  static async open(path: string, cwd: string, now: Date): Promise<ManifestStore> {
    const abs = resolve(cwd, path);
    let text: string;
    try {
      text = await readFile(abs, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return ManifestStore.empty(abs, path, now);
      throw fileError(err, path, 'manifest');
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`manifest is not valid JSON (${(err as Error).message})`, path, { cause: err });
    }
    return new ManifestStore(abs, path, checkManifest(doc, path));
  }

  set<K extends keyof ManifestSections>(section: K, value: ManifestSections[K]): void {
    (this.doc as ManifestSections)[section] = value;
  }

  get<K extends keyof ManifestSections>(section: K): ManifestSections[K] {
    return this.doc[section];
  }

  /** Record the step's outcome, stamp provenance, check against the schema and write atomically. */
  async save(entry: Omit<HistoryEntry, 'source'>, source: Provenance, model?: string): Promise<void> {
    const { system, ...rest } = source;
    const src: Record<string, string> = { system, ...(rest as Record<string, string>) };
    this.doc.updatedAt = entry.at;
    if (model && !this.doc.model) this.doc.model = model;
    this.doc.source ??= src;
    this.doc.history.push({ ...entry, source: src });
    checkManifest(this.doc, this.displayPath);
    await atomicWrite(this.path, JSON.stringify(this.doc, null, 2) + '\n');
  }
}

/** Write a file so that a reader never sees half of it: write a sibling, then rename. */
export async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
