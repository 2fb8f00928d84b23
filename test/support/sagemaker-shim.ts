/**
 * A proxy in front of moto (test/support/moto.ts) for tests whose AWS calls are made by other
 * processes (actions run by act), where a client-side stand-in such as UpdatingSageMakerClient
 * (test/lib/sagemaker.ts) cannot be injected. Every request is forwarded to moto unchanged, except
 * for what moto lacks, which the shim does itself over moto's own API:
 *
 * - `SageMaker.UpdateEndpoint` (moto has none): what a successful update leaves behind, the
 *   endpoint of the same name on the new config (DescribeEndpoint, DeleteEndpoint, CreateEndpoint
 *   on moto), answered with the endpoint's ARN as SageMaker answers.
 * - the containers of training and processing jobs (moto runs none, and reports every job
 *   Completed at once): after moto accepts `CreateTrainingJob`, the shim puts the job's
 *   `model.tar.gz` where SageMaker uploads it (`<S3OutputPath>/<job>/output/model.tar.gz`);
 *   after moto accepts `CreateProcessingJob`, it puts the files `outputs(request)` returns into
 *   each output's `S3Uri` (what the container would have written to its `LocalPath`).
 *
 * Point clients at `shim.endpoint` instead of `moto.endpoint`; `shim.calls` lists the
 * `X-Amz-Target` of every JSON request (e.g. `SageMaker.UpdateEndpoint`) in order.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateEndpointCommand,
  DeleteEndpointCommand,
  DescribeEndpointCommand,
  SageMakerClient,
  type CreateProcessingJobRequest,
  type CreateTrainingJobRequest,
  type UpdateEndpointInput,
} from '@aws-sdk/client-sagemaker';

export interface SageMakerShimOptions {
  /** moto's endpoint (`moto.endpoint`). */
  moto: string;
  region?: string;
  /** The bytes of a training job's model.tar.gz (what the training container packs). */
  model: (request: CreateTrainingJobRequest) => Promise<Buffer> | Buffer;
  /** Files a processing job's container writes: output name → file name → content. */
  outputs: (request: CreateProcessingJobRequest) => Record<string, Record<string, string | Buffer>>;
}

export interface SageMakerShim {
  endpoint: string;
  /** `X-Amz-Target` of every JSON-protocol request, in order. */
  calls: string[];
  /** Errors of the shim's own work (a failed upload), so a test can report them. */
  errors: string[];
  /** Requests moto answered with an error status: `<target or method path> → <status> <start of the body>`. */
  refused: string[];
  close(): Promise<void>;
}

const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

function s3Location(uri: string): { Bucket: string; Key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// URI: ${uri}`);
  return { Bucket: m[1]!, Key: m[2]! };
}

const join = (prefix: string, ...parts: string[]): string => [prefix.replace(/\/+$/, ''), ...parts].join('/');

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the shim on a free port of 127.0.0.1. */
export async function startSageMakerShim(opts: SageMakerShimOptions): Promise<SageMakerShim> {
  const region = opts.region ?? 'us-east-1';
  const sagemaker = new SageMakerClient({ endpoint: opts.moto, region, credentials });
  const s3 = new S3Client({ endpoint: opts.moto, region, credentials, forcePathStyle: true });
  const calls: string[] = [];
  const errors: string[] = [];
  const refused: string[] = [];

  const forward = async (req: IncomingMessage, body: Buffer): Promise<Response> => {
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding'].includes(k))
        continue;
      for (const value of Array.isArray(v) ? v : [v]) headers.append(k, value);
    }
    return fetch(new URL(req.url ?? '/', opts.moto), {
      method: req.method,
      headers,
      body: ['GET', 'HEAD'].includes(req.method ?? 'GET') ? undefined : body,
      redirect: 'manual',
    });
  };

  const reply = async (res: ServerResponse, upstream: Response, what: string): Promise<void> => {
    const headers: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k))
        headers[k] = v;
    });
    const bytes = Buffer.from(await upstream.arrayBuffer());
    if (upstream.status >= 400)
      refused.push(`${what} → ${upstream.status} ${bytes.toString('utf8', 0, 300)}`);
    res.writeHead(upstream.status, { ...headers, 'content-length': String(bytes.length) });
    res.end(bytes);
  };

  const json = (res: ServerResponse, status: number, value: unknown): void => {
    const bytes = Buffer.from(JSON.stringify(value));
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(bytes.length),
    });
    res.end(bytes);
  };

  const updateEndpoint = async (input: UpdateEndpointInput): Promise<{ EndpointArn?: string }> => {
    await sagemaker.send(new DescribeEndpointCommand({ EndpointName: input.EndpointName }));
    await sagemaker.send(new DeleteEndpointCommand({ EndpointName: input.EndpointName }));
    return sagemaker.send(
      new CreateEndpointCommand({
        EndpointName: input.EndpointName,
        EndpointConfigName: input.EndpointConfigName,
      }),
    );
  };

  const put = async (uri: string, body: string | Buffer): Promise<void> => {
    await s3.send(new PutObjectCommand({ ...s3Location(uri), Body: body }));
  };

  const afterCreate = async (target: string, request: unknown): Promise<void> => {
    if (target === 'SageMaker.CreateTrainingJob') {
      const r = request as CreateTrainingJobRequest;
      const output = r.OutputDataConfig?.S3OutputPath;
      if (!output) throw new Error(`training job ${r.TrainingJobName} has no S3OutputPath`);
      await put(join(output, r.TrainingJobName!, 'output', 'model.tar.gz'), await opts.model(r));
    }
    if (target === 'SageMaker.CreateProcessingJob') {
      const r = request as CreateProcessingJobRequest;
      const files = opts.outputs(r);
      for (const o of r.ProcessingOutputConfig?.Outputs ?? []) {
        for (const [name, content] of Object.entries(files[o.OutputName ?? ''] ?? {}))
          await put(join(o.S3Output!.S3Uri!, name), content);
      }
    }
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        const body = await readBody(req);
        const target = String(req.headers['x-amz-target'] ?? '');
        if (target) calls.push(target);
        if (target === 'SageMaker.UpdateEndpoint') {
          try {
            json(res, 200, await updateEndpoint(JSON.parse(body.toString('utf8')) as UpdateEndpointInput));
          } catch (err) {
            const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
            json(res, e.$metadata?.httpStatusCode ?? 500, { __type: e.name, message: e.message });
          }
          return;
        }
        const upstream = await forward(req, body);
        if (upstream.ok && /^SageMaker\.Create(Training|Processing)Job$/.test(target)) {
          try {
            await afterCreate(target, JSON.parse(body.toString('utf8')));
          } catch (err) {
            errors.push(`${target}: ${(err as Error).message}`);
          }
        }
        await reply(res, upstream, target || `${req.method} ${req.url}`);
      } catch (err) {
        errors.push(`${req.method} ${req.url}: ${(err as Error).message}`);
        if (!res.headersSent) res.writeHead(502);
        res.end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    errors,
    refused,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      sagemaker.destroy();
      s3.destroy();
    },
  };
}
