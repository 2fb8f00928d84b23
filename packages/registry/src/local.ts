// The local backend's model registry: a folder of groups, each with one JSON document per version
// in SageMaker's field names and statuses.
//
//   <root>/<group>/group.json             the group (name, ARN, creation time, tags)
//   <root>/<group>/versions/<n>.json      version n: a ModelPackage document
//   <root>/<group>/artifacts/<sha256>.tar.gz   model artefacts, copied, by content
//   <root>/<group>/metrics/<sha256>.json       model-quality statistics, by content
//   <root>/<group>/claims/<digest>        which process registers a candidate (its pid)
//   <root>/<group>/tmp/                   files being written (<pid>.<n>.tmp)
//
// Every file is written whole into tmp/ first. A version appears by a hard link of that complete
// file to versions/<n>.json: link() is atomic and fails with EEXIST when the name is taken, so two
// processes registering at once each claim a different n (the loser takes the next number), and a
// process killed at any moment leaves at most a file in tmp/ (removed by the next writer once its
// pid no longer runs), never a half-written version. The same candidate (manifest digest) is
// registered once: the first process to link claims/<digest> creates it, the others return it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { atomicWrite, ConfigError, fileError, processRuns } from '@modelship/core';
import { isS3Uri, sha256Of, type S3Client } from '@modelship/aws';
import { checkGroupName, METADATA } from './metadata.js';
import {
  APPROVAL_STATUSES,
  modelQuality,
  type ApprovalStatus,
  type ModelPackage,
  type ModelRegistry,
  type PackageRequest,
  type PackageSummary,
} from './types.js';

/** How a local package is named: `model-package/<group>/<version>`, the tail of a SageMaker ARN. */
export function localArn(group: string, version: number): string {
  return `model-package/${group}/${version}`;
}

/**
 * `model-package/<group>/<n>` or `<group>/<n>` → group and version; undefined for anything else: a
 * version that is not canonical (`01`, `0`), or a SageMaker ARN (`arn:aws:sagemaker:…`), which names
 * a package of SageMaker's registry, not of the local one.
 */
export function parseLocalArn(arn: string): { group: string; version: number } | undefined {
  const m = /^(?:model-package\/)?([a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62})\/([1-9]\d{0,8})$/.exec(arn.trim());
  if (!m) return undefined;
  return { group: m[1]!, version: Number(m[2]) };
}

interface GroupDocument {
  ModelPackageGroupName: string;
  ModelPackageGroupArn: string;
  CreationTime: string;
  Tags: { Key: string; Value: string }[];
}

let tmpCounter = 0;

/** How long a registration waits for another process registering the same candidate. */
const CLAIM_WAIT_MS = 120_000;

/** What a version document must hold; anything else is refused naming the file. */
function shapeProblem(doc: unknown, group: string, version: number): string | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return 'is not a JSON object';
  const d = doc as Record<string, unknown>;
  if (d.ModelPackageGroupName !== group)
    return `its ModelPackageGroupName is ${JSON.stringify(d.ModelPackageGroupName)}, not ${group}`;
  if (d.ModelPackageVersion !== version)
    return `its ModelPackageVersion is ${JSON.stringify(d.ModelPackageVersion)}, but the file is version ${version}`;
  if (d.ModelPackageArn !== localArn(group, version))
    return `its ModelPackageArn is ${JSON.stringify(d.ModelPackageArn)}, not ${localArn(group, version)}`;
  if (!APPROVAL_STATUSES.includes(d.ModelApprovalStatus as ApprovalStatus))
    return `its ModelApprovalStatus is ${JSON.stringify(d.ModelApprovalStatus)}, not one of ${APPROVAL_STATUSES.join(', ')}`;
  if (typeof d.CreationTime !== 'string') return 'it has no CreationTime';
  const meta = d.CustomerMetadataProperties;
  if (
    typeof meta !== 'object' ||
    meta === null ||
    Array.isArray(meta) ||
    Object.values(meta).some((v) => typeof v !== 'string')
  )
    return 'its CustomerMetadataProperties is not a map of strings';
  const spec = d.InferenceSpecification as { Containers?: unknown } | undefined;
  if (spec !== undefined && (typeof spec !== 'object' || spec === null || !Array.isArray(spec.Containers)))
    return 'its InferenceSpecification has no Containers list';
  return undefined;
}

export class LocalRegistry implements ModelRegistry {
  readonly backend = 'local' as const;

  /**
   * @param root the registry's folder (absolute)
   * @param display how messages name it (e.g. relative to the workspace)
   */
  constructor(
    readonly root: string,
    private readonly display: string = root,
    private readonly opts: {
      now?: () => Date;
      s3?: () => S3Client;
      /** Where the registry says what it waits for. */
      log?: (message: string) => void;
      /** Aborts a wait for another process (the step's cancel). */
      signal?: AbortSignal;
    } = {},
  ) {}

  /** A file of the registry as messages name it (under the display path). */
  private shown(path: string): string {
    return join(this.display, relative(this.root, path));
  }

  get location(): string {
    return this.display;
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  private dir(group: string): string {
    return join(this.root, checkGroupName(group, 'model package group'));
  }

  /** A fresh temporary file in the group's tmp/, after removing those whose writer died. */
  private async tmpFile(group: string): Promise<string> {
    const dir = join(this.dir(group), 'tmp');
    await mkdir(dir, { recursive: true });
    for (const entry of await readdir(dir)) {
      const pid = Number(entry.split('.')[0]);
      if (Number.isInteger(pid) && pid > 0 && !processRuns(pid)) await rm(join(dir, entry), { force: true });
    }
    return join(dir, `${process.pid}.${++tmpCounter}.tmp`);
  }

  async ensureGroup(group: string, tags: Record<string, string>): Promise<{ created: boolean }> {
    // A group differing only in case would share a folder on a case-insensitive file system
    // (macOS, Windows): refused everywhere, so a registry means the same on every machine.
    const twin = (await this.groups()).find((g) => g !== group && g.toLowerCase() === group.toLowerCase());
    if (twin)
      throw new ConfigError(
        `differs from the existing group ${twin} only in case: the local registry keeps one folder per group, and on a case-insensitive file system they would be one`,
        `model package group ${group}`,
        { hint: `use the group ${twin}, or a name that differs in more than case` },
      );
    const path = join(this.dir(group), 'group.json');
    try {
      await stat(path);
      return { created: false };
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw fileError(err, path, 'registry group');
    }
    const doc: GroupDocument = {
      ModelPackageGroupName: group,
      ModelPackageGroupArn: `model-package-group/${group}`,
      CreationTime: this.now(),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    };
    const tmp = await this.tmpFile(group);
    try {
      await writeFile(tmp, JSON.stringify(doc, null, 2) + '\n');
      await link(tmp, path);
      return { created: true };
    } catch (err) {
      if ((err as { code?: string }).code === 'EEXIST') return { created: false };
      throw err;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async groups(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await readdir(this.root);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return [];
      throw fileError(err, this.display, 'registry folder');
    }
    const out: string[] = [];
    for (const e of entries.sort()) {
      try {
        await stat(join(this.root, e, 'group.json'));
        out.push(e);
      } catch {
        // not a group
      }
    }
    return out;
  }

  /** Version numbers of a group, highest first. */
  private async versions(group: string): Promise<number[]> {
    let entries: string[];
    try {
      entries = await readdir(join(this.dir(group), 'versions'));
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') return [];
      throw err;
    }
    return entries
      .map((e) => /^([1-9]\d{0,8})\.json$/.exec(e)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number)
      .sort((a, b) => b - a);
  }

  private async read(group: string, version: number, arn: string): Promise<ModelPackage> {
    const path = join(this.dir(group), 'versions', `${version}.json`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT')
        throw new ConfigError(`model package not found in the local registry ${this.display}`, arn, {
          cause: err,
          hint: 'list the packages with: modelship registry list',
        });
      throw fileError(err, path, 'model package');
    }
    const hint = `if it is not a package of this registry (a hand edit, a copy), move it out of ${this.shown(join(this.dir(group), 'versions'))}; else restore it from a backup`;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(
        `is not a model package document: not valid JSON, perhaps truncated (${(err as Error).message})`,
        this.shown(path),
        { cause: err, hint },
      );
    }
    const problem = shapeProblem(doc, group, version);
    if (problem)
      throw new ConfigError(`is not a model package document: ${problem}`, this.shown(path), { hint });
    return doc as ModelPackage;
  }

  private async all(group: string): Promise<ModelPackage[]> {
    const out: ModelPackage[] = [];
    for (const v of await this.versions(group)) out.push(await this.read(group, v, localArn(group, v)));
    return out;
  }

  async list(group: string, opts: { status?: ApprovalStatus } = {}): Promise<PackageSummary[]> {
    return (await this.all(group))
      .filter((p) => !opts.status || p.ModelApprovalStatus === opts.status)
      .map((p) => ({
        ModelPackageGroupName: p.ModelPackageGroupName,
        ModelPackageVersion: p.ModelPackageVersion,
        ModelPackageArn: p.ModelPackageArn,
        ModelPackageDescription: p.ModelPackageDescription,
        ModelApprovalStatus: p.ModelApprovalStatus,
        CreationTime: p.CreationTime,
      }));
  }

  async findByDigest(group: string, digest: string): Promise<ModelPackage | undefined> {
    for (const v of await this.versions(group)) {
      const p = await this.read(group, v, localArn(group, v));
      if (p.CustomerMetadataProperties[METADATA.manifestSha256] === digest) return p;
    }
    return undefined;
  }

  async latestApproved(group: string): Promise<ModelPackage | undefined> {
    for (const v of await this.versions(group)) {
      const p = await this.read(group, v, localArn(group, v));
      if (p.ModelApprovalStatus === 'Approved') return p;
    }
    return undefined;
  }

  /**
   * Copy a file into `<group>/<folder>/<sha256><ext>` (through tmp/), hashing it on the way; when
   * `expected` is given, the copy is kept only if its bytes have that sha256.
   */
  private async store(
    group: string,
    source: string,
    folder: string,
    ext: string,
    expected?: string,
  ): Promise<string> {
    const tmp = await this.tmpFile(group);
    const hash = createHash('sha256');
    try {
      await pipeline(
        createReadStream(source),
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const c of chunks) {
            hash.update(c);
            yield c;
          }
        },
        createWriteStream(tmp),
      );
      const sha = hash.digest('hex');
      if (expected && sha !== expected)
        throw new ConfigError(
          `model artefact changed since it was judged: sha256 ${sha.slice(0, 12)}… now, ${expected.slice(0, 12)}… in the manifest`,
          source,
          { hint: 'train and gate the artefact as it is now (or restore the file); it is not registered' },
        );
      const dest = join(this.dir(group), folder, `${sha}${ext}`);
      await mkdir(join(this.dir(group), folder), { recursive: true });
      await rename(tmp, dest);
      return relative(this.root, dest);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err instanceof ConfigError ? err : fileError(err, source, 'model artefact');
    }
  }

  check(_req: PackageRequest): void {
    // A local artefact is verified as it is copied (its sha256 against the judged one); an s3://
    // one is referenced as it is.
  }

  async create(req: PackageRequest): Promise<{ pkg: ModelPackage; created: boolean }> {
    const existing = await this.claim(req.group, req.digest);
    if (existing) return { pkg: existing, created: false };
    return { pkg: await this.createVersion(req), created: true };
  }

  /**
   * Claim the right to register a candidate: a hard link of `claims/<digest>` (holding this pid)
   * that only one process can make. A process that finds the claim taken waits for the claimer's
   * version and returns it; a claim whose process died without a version is taken over.
   * Returns the package when another process registered the candidate, else undefined (ours).
   */
  private async claim(group: string, digest: string): Promise<ModelPackage | undefined> {
    const claims = join(this.dir(group), 'claims');
    await mkdir(claims, { recursive: true });
    const path = join(claims, digest.replace(/[^a-zA-Z0-9-]/g, '_'));
    const deadline = Date.now() + CLAIM_WAIT_MS;
    let waitingFor: number | undefined;
    for (;;) {
      const tmp = await this.tmpFile(group);
      try {
        await writeFile(tmp, String(process.pid));
        await link(tmp, path);
        return undefined;
      } catch (err) {
        if ((err as { code?: string }).code !== 'EEXIST') throw err;
      } finally {
        await rm(tmp, { force: true });
      }
      const theirs = await this.findByDigest(group, digest);
      if (theirs) return theirs;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (!(Number.isInteger(pid) && pid > 0 && processRuns(pid) && pid !== process.pid)) {
        // Its process is gone (or it is ours, from a registration that failed): take it over.
        await rm(path, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new ConfigError(
          `another process (pid ${pid}) is registering this candidate and has not finished`,
          this.shown(path),
          { hint: 'wait for it; if no such process is registering, delete this file' },
        );
      if (waitingFor !== pid) {
        waitingFor = pid;
        this.opts.log?.(
          `waiting for process ${pid}, which is registering this candidate (${this.shown(path)}), for up to ${CLAIM_WAIT_MS / 1000} s`,
        );
      }
      // The step's cancel ends the wait at once (the abort's reason is thrown).
      try {
        await sleep(50, undefined, this.opts.signal ? { signal: this.opts.signal } : {});
      } catch (err) {
        throw this.opts.signal?.aborted ? (this.opts.signal.reason as unknown) : err;
      }
    }
  }

  private async createVersion(req: PackageRequest): Promise<ModelPackage> {
    const container = req.inference.Containers[0]!;
    const source = container.ModelDataUrl;
    const modelDataUrl =
      source && !isS3Uri(source)
        ? await this.store(req.group, source, 'artifacts', '.tar.gz', req.modelSha256)
        : source;
    let statistics: ModelPackage['ModelMetrics'];
    if (req.statistics) {
      const tmp = await this.tmpFile(req.group);
      const rel = join(req.group, 'metrics', `${req.statistics.sha256}.json`);
      await writeFile(tmp, req.statistics.bytes);
      await mkdir(join(this.root, req.group, 'metrics'), { recursive: true });
      await rename(tmp, join(this.root, rel));
      statistics = modelQuality(req.statistics, rel);
    }
    const versionsDir = join(this.dir(req.group), 'versions');
    await mkdir(versionsDir, { recursive: true });
    const tmp = await this.tmpFile(req.group);
    try {
      for (let attempt = 0; attempt < 1000; attempt++) {
        const version = ((await this.versions(req.group))[0] ?? 0) + 1;
        const doc: ModelPackage = {
          ModelPackageGroupName: req.group,
          ModelPackageVersion: version,
          ModelPackageArn: localArn(req.group, version),
          ...(req.description ? { ModelPackageDescription: req.description } : {}),
          ModelApprovalStatus: req.status,
          CreationTime: this.now(),
          InferenceSpecification: {
            ...req.inference,
            Containers: [{ ...container, ...(modelDataUrl ? { ModelDataUrl: modelDataUrl } : {}) }],
          },
          ...(statistics ? { ModelMetrics: statistics } : {}),
          CustomerMetadataProperties: req.metadata,
        };
        await writeFile(tmp, JSON.stringify(doc, null, 2) + '\n');
        try {
          await link(tmp, join(versionsDir, `${version}.json`));
          return doc;
        } catch (err) {
          if ((err as { code?: string }).code !== 'EEXIST') throw err;
          // Another process took this number first: take the next one.
        }
      }
      throw new Error(`could not claim a version number in ${versionsDir}`);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async describe(arn: string): Promise<ModelPackage> {
    const ref = parseLocalArn(arn);
    if (!ref)
      throw new ConfigError(
        arn.trim().startsWith('arn:')
          ? 'is a SageMaker ARN: the local registry names its packages model-package/<group>/<version>'
          : 'is not a local model package (model-package/<group>/<version>, the version as a number without leading zeros)',
        arn,
        {
          hint: arn.trim().startsWith('arn:')
            ? 'give model-package/<group>/<version>, or use --backend sagemaker for a SageMaker package'
            : 'list the packages with: modelship registry list',
        },
      );
    return this.read(ref.group, ref.version, arn);
  }

  async setApproval(
    pkg: ModelPackage,
    status: ApprovalStatus,
    description: string,
    metadata: Record<string, string>,
  ): Promise<ModelPackage> {
    const current = await this.describe(pkg.ModelPackageArn);
    const next: ModelPackage = {
      ...current,
      ModelApprovalStatus: status,
      ApprovalDescription: description,
      LastModifiedTime: this.now(),
      CustomerMetadataProperties: { ...current.CustomerMetadataProperties, ...metadata },
    };
    await atomicWrite(
      join(this.dir(pkg.ModelPackageGroupName), 'versions', `${pkg.ModelPackageVersion}.json`),
      JSON.stringify(next, null, 2) + '\n',
    );
    return next;
  }

  modelUri(pkg: ModelPackage): string | undefined {
    const url = pkg.InferenceSpecification?.Containers[0]?.ModelDataUrl;
    if (!url) return undefined;
    return isS3Uri(url) ? url : resolve(this.root, url);
  }

  async statistics(pkg: ModelPackage): Promise<unknown> {
    const rel = pkg.ModelMetrics?.ModelQuality?.Statistics?.S3Uri;
    if (!rel) return undefined;
    const path = resolve(this.root, rel);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch (err) {
      throw fileError(err, path, 'model-quality statistics');
    }
  }

  async modelSha256(pkg: ModelPackage): Promise<string> {
    const uri = this.modelUri(pkg);
    if (!uri) throw new ConfigError('records no model artefact', pkg.ModelPackageArn);
    if (isS3Uri(uri)) {
      if (!this.opts.s3) throw new Error(`no S3 client given to read ${uri}`);
      return (await sha256Of(uri, { s3: this.opts.s3() })).sha256;
    }
    try {
      return (await sha256Of(uri)).sha256;
    } catch (err) {
      throw fileError(err, uri, `model artefact of ${basename(pkg.ModelPackageArn)}`);
    }
  }
}
