// The least-privilege model: for each step, the IAM actions it calls, each on the resources the
// config names (the model's package group, the name prefixes of what the step creates, the
// buckets and prefixes of its data, the endpoint, the one role it may pass). `modelship
// iam-policy` prints it, the CodePipeline template's roles are generated from it, and the tests
// check that every AWS call a step makes is allowed by it (docs/iam.md).
import { parseS3Uri } from './s3.js';
import { TRAINING_JOB_LOG_GROUP, PROCESSING_JOB_LOG_GROUP } from './logs.js';

/** An IAM policy statement as modelship writes them: always Allow, actions and resources as lists. */
export interface PolicyStatement {
  Sid: string;
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
  /** `{ operator: { key: value | values } }`, e.g. `{ StringEquals: { 'iam:PassedToService': … } }`. */
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document (policy language version 2012-10-17). */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** The steps that have a policy, in pipeline order. */
export const POLICY_STEPS = [
  'validate-data',
  'train',
  'evaluate-gate',
  'register',
  'deploy-canary',
  'promote-on-metrics',
  'codepipeline',
] as const;
export type PolicyStep = (typeof POLICY_STEPS)[number];

/** S3 locations (`s3://bucket/prefix`) a step reads and writes. */
export interface S3Scope {
  read: string[];
  write: string[];
}

/**
 * Everything a policy is narrowed to. Values are literal names, or placeholders a renderer fills
 * (CloudFormation `${ModelName}`); `*` where a part is not known (an account not given).
 */
export interface PolicyScope {
  partition: string;
  region: string;
  account: string;
  /** The model (modelship.yml's `model`, else `model`): prefixes training and processing jobs and models. */
  model: string;
  /** The model package group (registry.group, else the model). */
  group: string;
  /** The endpoint (deploy.endpoint, else the model): prefixes endpoint configs, alarms, the dashboard. */
  endpoint: string;
  /** The execution role each step passes to SageMaker (ARNs; absent: the step passes none). */
  roles: Partial<Record<'train' | 'evaluate' | 'deploy', string>>;
  /** Existing CloudWatch alarms deploy-canary adds to the endpoint (deploy.alarms.names). */
  alarms: string[];
  /** ECR repositories of the serving image register resolves by tag: `{ region, account, repository }`. */
  images: { region: string; account: string; repository: string }[];
  s3: Partial<Record<PolicyStep, S3Scope>>;
  pipeline: { name: string; stage: string; action: string };
  /** The CloudFormation stack `modelship codepipeline install` deploys. */
  stack: string;
}

type Values = Record<string, unknown>;

function block(config: Values, key: string): Values {
  const v = config[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Values) : {};
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function s3Only(...uris: unknown[]): string[] {
  return [...new Set(uris.flat().filter((u): u is string => typeof u === 'string' && u.startsWith('s3://')))];
}

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]{0,127})?$/;

export interface ScopeOptions {
  /** The account of the ARNs (default `*`). */
  account?: string;
  /** The region of the ARNs (default: the config's region, else `*`). */
  region?: string;
  /** The partition (default `aws`). */
  partition?: string;
  /** Inputs the step was (or will be) given that name resources (`data`, `endpoint`, `pipeline`, …). */
  inputs?: Record<string, string | undefined>;
}

/**
 * The scope of the policies of a `modelship.yml` (its values as loaded): names per
 * `packages/aws/src/names.ts` and the steps' defaults (the group, the endpoint default to the
 * model; evaluate and deploy pass train's role unless they name their own). Inputs given to a step
 * override the config the way the step itself reads them. Never throws.
 */
export function scopeFromConfig(config: Values, opts: ScopeOptions = {}): PolicyScope {
  const inputs = opts.inputs ?? {};
  const input = (k: string) => text(inputs[k]);
  const [data, train, evaluate, registry, deploy, cp] = [
    'data',
    'train',
    'evaluate',
    'registry',
    'deploy',
    'codepipeline',
  ].map((k) => block(config, k)) as [Values, Values, Values, Values, Values, Values];
  const model = text(config.model) ?? 'model';
  const endpoint = input('endpoint') ?? text(deploy.endpoint) ?? model;
  const trainRole = text(train.role);
  const roles: PolicyScope['roles'] = {};
  if (trainRole) roles.train = trainRole;
  const evaluateRole = text(evaluate.role) ?? trainRole;
  if (evaluateRole) roles.evaluate = evaluateRole;
  const deployRole = text(deploy.role) ?? trainRole;
  if (deployRole) roles.deploy = deployRole;
  const channels = Object.values(block(train, 'channels'));
  const output = s3Only(train.output);
  const evaluateOutput = s3Only(evaluate.output ?? train.output);
  const statistics = s3Only(registry['statistics-output'] ?? train.output);
  const capture = s3Only(block(deploy, 'data-capture').destination);
  const image = ECR_IMAGE.exec(text(registry['inference-image']) ?? '');
  const alarms = block(deploy, 'alarms').names;
  return {
    partition: opts.partition ?? 'aws',
    region: opts.region ?? text(config.region) ?? '*',
    account: opts.account ?? '*',
    model,
    group: input('model-package-group') ?? text(registry.group) ?? model,
    endpoint,
    roles,
    alarms: Array.isArray(alarms) ? alarms.filter((a): a is string => typeof a === 'string') : [],
    images: image ? [{ account: image[1]!, region: image[2]!, repository: image[3]! }] : [],
    s3: {
      'validate-data': {
        read: s3Only(input('data') ?? data.path, input('baseline') ?? data.baseline),
        write: s3Only(input('write-profile') ?? data['write-profile']),
      },
      train: { read: s3Only(channels, output, train.checkpoint), write: s3Only(output) },
      'evaluate-gate': {
        read: s3Only(
          output,
          channels,
          evaluate.test,
          evaluateOutput,
          input('predictions'),
          input('metrics'),
          input('baseline'),
        ),
        write: evaluateOutput,
      },
      register: { read: s3Only(output, evaluateOutput, statistics), write: statistics },
      'promote-on-metrics': { read: capture, write: [] },
    },
    pipeline: {
      name: input('pipeline') ?? text(cp.pipeline) ?? `${model}-release`,
      stage: input('stage') ?? text(cp['approval-stage']) ?? '*',
      action: input('action') ?? text(cp['approval-action']) ?? '*',
    },
    stack: input('stack-name') ?? text(cp['stack-name']) ?? `${model}-*`,
  };
}

// ---------------------------------------------------------------------------------------------

/** Lower-cased as SageMaker's ARNs are, but for `${…}` placeholders (a template's parameters). */
function lowerName(name: string): string {
  return name
    .split(/(\$\{[^}]*\})/)
    .map((part, i) => (i % 2 === 1 ? part : part.toLowerCase()))
    .join('');
}

const sm = (s: PolicyScope, type: string, name: string) =>
  `arn:${s.partition}:sagemaker:${s.region}:${s.account}:${type}/${lowerName(name)}`;

const logGroup = (s: PolicyScope, group: string) =>
  `arn:${s.partition}:logs:${s.region}:${s.account}:log-group:${group}`;

const alarm = (s: PolicyScope, name: string) =>
  `arn:${s.partition}:cloudwatch:${s.region}:${s.account}:alarm:${name}`;

function stmt(
  sid: string,
  actions: string[],
  resources: string[],
  condition?: PolicyStatement['Condition'],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: [...new Set(actions)].sort(),
    Resource: [...new Set(resources)],
    ...(condition ? { Condition: condition } : {}),
  };
}

function passRole(sid: string, role: string | undefined): PolicyStatement[] {
  return role
    ? [
        stmt(sid, ['iam:PassRole'], [role], {
          StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
        }),
      ]
    : [];
}

/** `s3://b/p` → the bucket ARN and the key prefix (no leading slash). */
function s3Parts(s: PolicyScope, uri: string): { bucket: string; prefix: string } {
  const { bucket, key } = parseS3Uri(uri);
  return { bucket: `arn:${s.partition}:s3:::${bucket}`, prefix: key.replace(/^\/+/, '') };
}

/**
 * S3: objects under each location (GetObject; PutObject and AbortMultipartUpload where written),
 * and ListBucket on each bucket conditioned on `s3:prefix` to the locations' prefixes.
 */
function s3Statements(name: string, s: PolicyScope, scope: S3Scope | undefined): PolicyStatement[] {
  if (!scope || (scope.read.length === 0 && scope.write.length === 0)) return [];
  const objects = (uris: string[]) =>
    uris.map((u) => {
      const p = s3Parts(s, u);
      return `${p.bucket}/${p.prefix}*`;
    });
  const out: PolicyStatement[] = [];
  const read = [...new Set([...scope.read, ...scope.write])];
  out.push(stmt(`${name}ReadData`, ['s3:GetObject'], objects(read)));
  if (scope.write.length > 0)
    out.push(stmt(`${name}WriteData`, ['s3:PutObject', 's3:AbortMultipartUpload'], objects(scope.write)));
  const buckets = new Map<string, Set<string>>();
  for (const u of read) {
    const p = s3Parts(s, u);
    const set = buckets.get(p.bucket) ?? new Set<string>();
    set.add(p.prefix);
    buckets.set(p.bucket, set);
  }
  let i = 0;
  for (const [bucket, prefixes] of buckets) {
    const whole = prefixes.has('');
    out.push(
      stmt(
        `${name}ListData${buckets.size > 1 ? ++i : ''}`,
        ['s3:ListBucket'],
        [bucket],
        whole ? undefined : { StringLike: { 's3:prefix': [...prefixes].map((p) => `${p}*`) } },
      ),
    );
  }
  return out;
}

/** Reading the model registry (the champion lookup, the package a step deploys or records). */
function registryRead(name: string, s: PolicyScope): PolicyStatement[] {
  return [
    stmt(
      `${name}ReadRegistry`,
      ['sagemaker:DescribeModelPackage', 'sagemaker:DescribeModelPackageGroup'],
      [sm(s, 'model-package-group', s.group), sm(s, 'model-package', `${s.group}/*`)],
    ),
    // List actions have no resource type: they are granted on "*" (they list, they change nothing).
    stmt(`${name}ListRegistry`, ['sagemaker:ListModelPackages', 'sagemaker:ListModelPackageGroups'], ['*']),
  ];
}

/** A SageMaker job's logs (its streams are named `<job>/…` in the job type's log group). */
function jobLogs(name: string, s: PolicyScope, group: string): PolicyStatement {
  // logs:GetLogEvents and DescribeLogStreams are authorised on the log group: every job's logs in
  // that group are readable (the group is SageMaker's, shared by all jobs of the type).
  return stmt(
    `${name}ReadJobLogs`,
    ['logs:DescribeLogStreams', 'logs:GetLogEvents'],
    [logGroup(s, group), `${logGroup(s, group)}:log-stream:*`],
  );
}

/** The endpoint and what hangs off it: endpoint configs, models, alarms, scaling. */
function endpointStatements(name: string, s: PolicyScope, create: boolean): PolicyStatement[] {
  const endpoint = sm(s, 'endpoint', s.endpoint);
  const configs = sm(s, 'endpoint-config', `${s.endpoint}-*`);
  const models = sm(s, 'model', `${s.model}-*`);
  const out = [
    stmt(
      `${name}Endpoint`,
      [
        'sagemaker:DescribeEndpoint',
        'sagemaker:UpdateEndpoint',
        'sagemaker:UpdateEndpointWeightsAndCapacities',
        'sagemaker:InvokeEndpoint',
        'sagemaker:ListTags',
        'sagemaker:AddTags',
        ...(create ? ['sagemaker:CreateEndpoint', 'sagemaker:DeleteEndpoint'] : []),
      ],
      [endpoint],
    ),
    stmt(
      `${name}EndpointConfigs`,
      [
        'sagemaker:CreateEndpointConfig',
        'sagemaker:DescribeEndpointConfig',
        'sagemaker:DeleteEndpointConfig',
        'sagemaker:ListTags',
        'sagemaker:AddTags',
        // CreateEndpoint and UpdateEndpoint are authorised on the endpoint config too.
        'sagemaker:CreateEndpoint',
        'sagemaker:UpdateEndpoint',
      ],
      [configs],
    ),
    stmt(
      `${name}Models`,
      [
        'sagemaker:DescribeModel',
        'sagemaker:DeleteModel',
        'sagemaker:ListTags',
        ...(create ? ['sagemaker:CreateModel', 'sagemaker:AddTags'] : []),
      ],
      [models],
    ),
    stmt(
      `${name}Alarms`,
      ['cloudwatch:DescribeAlarms', ...(create ? ['cloudwatch:PutMetricAlarm'] : [])],
      [
        alarm(s, `${s.endpoint}-*`),
        ...s.alarms.map((a) => alarm(s, a)),
        // The alarms a target-tracking scaling policy creates and removes on the caller's behalf.
        alarm(s, `TargetTracking-endpoint/${s.endpoint}/variant/*`),
      ],
    ),
    stmt(
      `${name}ScalingAlarms`,
      ['cloudwatch:PutMetricAlarm', 'cloudwatch:DeleteAlarms'],
      [alarm(s, `TargetTracking-endpoint/${s.endpoint}/variant/*`)],
    ),
    // Application Auto Scaling authorises its actions on scalable targets whose ARNs carry a
    // random id, not the endpoint's name: they are granted on "*". The variants they act on are
    // the endpoint's, which the statements above narrow.
    stmt(
      `${name}Scaling`,
      [
        'application-autoscaling:DescribeScalableTargets',
        'application-autoscaling:DescribeScalingPolicies',
        'application-autoscaling:RegisterScalableTarget',
        'application-autoscaling:DeregisterScalableTarget',
        'application-autoscaling:PutScalingPolicy',
      ],
      ['*'],
    ),
    // GetMetricData has no resource type and no condition key for the namespace: "*".
    stmt(`${name}Metrics`, ['cloudwatch:GetMetricData'], ['*']),
  ];
  if (create)
    out.push(
      stmt(
        `${name}Dashboard`,
        ['cloudwatch:PutDashboard'],
        [`arn:${s.partition}:cloudwatch::${s.account}:dashboard/modelship-${s.endpoint}`],
      ),
      // Registering the first scalable target of SageMaker creates Application Auto Scaling's
      // service-linked role for SageMaker endpoints.
      stmt(
        `${name}ScalingRole`,
        ['iam:CreateServiceLinkedRole'],
        [
          `arn:${s.partition}:iam::${s.account}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
        ],
        { StringEquals: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' } },
      ),
    );
  return out;
}

/**
 * The statements one step needs, narrowed to `s`. Sids are the step's name in PascalCase and the
 * purpose (`TrainJobs`, `DeployCanaryEndpoint`). Never throws.
 */
export function stepStatements(step: PolicyStep, s: PolicyScope): PolicyStatement[] {
  const name = sidPrefix(step);
  const io = s3Statements(name, s, s.s3[step]);
  switch (step) {
    case 'validate-data':
      return io;
    case 'train':
      return [
        stmt(
          `${name}Jobs`,
          [
            'sagemaker:CreateTrainingJob',
            'sagemaker:DescribeTrainingJob',
            'sagemaker:StopTrainingJob',
            'sagemaker:AddTags',
            'sagemaker:ListTags',
          ],
          [sm(s, 'training-job', `${s.model}-*`)],
        ),
        jobLogs(name, s, TRAINING_JOB_LOG_GROUP),
        ...passRole(`${name}PassRole`, s.roles.train),
        ...io,
      ];
    case 'evaluate-gate':
      return [
        stmt(
          `${name}Jobs`,
          [
            'sagemaker:CreateProcessingJob',
            'sagemaker:DescribeProcessingJob',
            'sagemaker:StopProcessingJob',
            'sagemaker:AddTags',
            'sagemaker:ListTags',
          ],
          [sm(s, 'processing-job', `${s.model}-*`)],
        ),
        jobLogs(name, s, PROCESSING_JOB_LOG_GROUP),
        ...passRole(`${name}PassRole`, s.roles.evaluate),
        ...registryRead(name, s),
        ...io,
      ];
    case 'register':
      return [
        stmt(
          `${name}Group`,
          ['sagemaker:CreateModelPackageGroup', 'sagemaker:AddTags', 'sagemaker:ListTags'],
          [sm(s, 'model-package-group', s.group)],
        ),
        stmt(
          `${name}Packages`,
          [
            'sagemaker:CreateModelPackage',
            'sagemaker:UpdateModelPackage',
            'sagemaker:AddTags',
            'sagemaker:ListTags',
          ],
          [sm(s, 'model-package', `${s.group}/*`)],
        ),
        ...registryRead(name, s),
        ...(s.images.length > 0
          ? [
              stmt(
                `${name}ResolveImage`,
                ['ecr:DescribeImages'],
                s.images.map(
                  (i) => `arn:${s.partition}:ecr:${i.region}:${i.account}:repository/${i.repository}`,
                ),
              ),
            ]
          : []),
        ...io,
      ];
    case 'deploy-canary':
      return [
        ...endpointStatements(name, s, true),
        ...registryRead(name, s),
        ...passRole(`${name}PassRole`, s.roles.deploy),
        ...io,
      ];
    case 'promote-on-metrics':
      return [
        ...endpointStatements(name, s, false),
        // The lease that keeps two promotes off one endpoint: a tag written, read back, removed.
        stmt(`${name}Lease`, ['sagemaker:DeleteTags'], [sm(s, 'endpoint', s.endpoint)]),
        // Before deleting the replaced champion's Model: is another endpoint serving it? Read-only
        // on every endpoint and config (ListEndpoints has no resource-level permission).
        stmt(`${name}ModelInUse`, ['sagemaker:ListEndpoints'], ['*']),
        stmt(
          `${name}ModelInUseDescribe`,
          ['sagemaker:DescribeEndpoint', 'sagemaker:DescribeEndpointConfig'],
          [sm(s, 'endpoint', '*'), sm(s, 'endpoint-config', '*')],
        ),
        ...registryRead(name, s),
        stmt(
          `${name}RejectPackage`,
          ['sagemaker:UpdateModelPackage'],
          [sm(s, 'model-package', `${s.group}/*`)],
        ),
        ...io,
      ];
    case 'codepipeline': {
      const pipeline = `arn:${s.partition}:codepipeline:${s.region}:${s.account}:${s.pipeline.name}`;
      return [
        stmt(
          `${name}Pipeline`,
          [
            'codepipeline:GetPipeline',
            'codepipeline:GetPipelineState',
            'codepipeline:GetPipelineExecution',
            'codepipeline:ListActionExecutions',
            'codepipeline:StartPipelineExecution',
            'codepipeline:StopPipelineExecution',
          ],
          [pipeline],
        ),
        stmt(
          `${name}Approval`,
          ['codepipeline:PutApprovalResult'],
          [`${pipeline}/${s.pipeline.stage}/${s.pipeline.action}`],
        ),
        stmt(
          `${name}Stack`,
          [
            'cloudformation:DescribeStacks',
            'cloudformation:DescribeStackEvents',
            'cloudformation:CreateChangeSet',
            'cloudformation:DescribeChangeSet',
            'cloudformation:ExecuteChangeSet',
            'cloudformation:DeleteChangeSet',
            'cloudformation:CancelUpdateStack',
            // Only for a dry run, or a cancel, of a stack the change set created.
            'cloudformation:DeleteStack',
          ],
          [`arn:${s.partition}:cloudformation:${s.region}:${s.account}:stack/${s.stack}/*`],
        ),
      ];
    }
  }
}

/** `deploy-canary` → `DeployCanary`: how a step's name begins its statements' Sids. */
function sidPrefix(step: PolicyStep): string {
  return step
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}

/**
 * The policy document of some steps, their statements in pipeline order. Statements of several
 * steps with the same purpose, resources and conditions are merged into one (their actions
 * joined) whose Sid is the purpose alone (`ReadRegistry`; numbered when two such differ).
 */
export function policyDocument(steps: readonly PolicyStep[], s: PolicyScope): PolicyDocument {
  const groups = new Map<string, { statement: PolicyStatement; purpose: string; steps: Set<PolicyStep> }>();
  for (const step of POLICY_STEPS.filter((p) => steps.includes(p))) {
    for (const st of stepStatements(step, s)) {
      const purpose = st.Sid.slice(sidPrefix(step).length);
      const key = JSON.stringify([purpose, [...st.Resource].sort(), st.Condition ?? null]);
      const group = groups.get(key);
      if (!group) groups.set(key, { statement: { ...st }, purpose, steps: new Set([step]) });
      else {
        group.statement.Action = [...new Set([...group.statement.Action, ...st.Action])].sort();
        group.steps.add(step);
      }
    }
  }
  const used = new Map<string, number>();
  const statements = [...groups.values()].map(({ statement, purpose, steps: of }) => {
    if (of.size === 1) return statement;
    const n = (used.get(purpose) ?? 0) + 1;
    used.set(purpose, n);
    return { ...statement, Sid: n === 1 ? purpose : `${purpose}${n}` };
  });
  return { Version: '2012-10-17', Statement: statements };
}

/** IAM's size limits on a policy document, in characters not counting white space. */
export const POLICY_SIZE_LIMITS = {
  /** A customer managed policy. */
  managed: 6144,
  /** All inline policies of one role together. */
  roleInline: 10240,
} as const;

/** The characters IAM counts against a policy's size: its JSON without white space. */
export function policySize(doc: PolicyDocument): number {
  return JSON.stringify(doc).replace(/\s+/g, '').length;
}

/**
 * Problems of a policy document's shape, one line each (empty when none): the version, unique
 * alphanumeric Sids, actions `service:Action`, resources `*` or an ARN, and the size against
 * {@link POLICY_SIZE_LIMITS}`.managed`.
 */
export function policyProblems(doc: PolicyDocument): string[] {
  const out: string[] = [];
  if (doc.Version !== '2012-10-17') out.push(`Version is ${String(doc.Version)}, not 2012-10-17`);
  if (doc.Statement.length === 0) out.push('the policy has no statement');
  const sids = new Set<string>();
  for (const st of doc.Statement) {
    if (!/^[A-Za-z0-9]+$/.test(st.Sid)) out.push(`Sid '${st.Sid}' is not alphanumeric`);
    if (sids.has(st.Sid)) out.push(`Sid '${st.Sid}' is used twice`);
    sids.add(st.Sid);
    if (st.Action.length === 0) out.push(`${st.Sid}: no action`);
    for (const a of st.Action)
      if (!/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(a)) out.push(`${st.Sid}: action '${a}' is not service:Action`);
    if (st.Resource.length === 0) out.push(`${st.Sid}: no resource`);
    for (const r of st.Resource)
      if (r !== '*' && !r.startsWith('arn:')) out.push(`${st.Sid}: resource '${r}' is neither * nor an ARN`);
  }
  const size = policySize(doc);
  if (size > POLICY_SIZE_LIMITS.managed)
    out.push(
      `${size} characters (without white space): over the ${POLICY_SIZE_LIMITS.managed} of a managed policy; attach it as one policy per step (--step)`,
    );
  return out;
}

/** The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`. */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

/** CloudFormation's pseudo parameters, for a policy a template fills in. */
export const CLOUDFORMATION_PLACE = {
  partition: '${AWS::Partition}',
  region: '${AWS::Region}',
  account: '${AWS::AccountId}',
} as const;

/** A string of a policy as CloudFormation writes it: `{ "Fn::Sub": … }` when it has `${…}` in it. */
export type CloudFormationString = string | { 'Fn::Sub': string | [string, Record<string, unknown>] };

/** A statement whose resources may be `Fn::Sub` strings. */
export type CloudFormationStatement = Omit<PolicyStatement, 'Resource'> & {
  Resource: CloudFormationString[];
};

/**
 * The statements with every resource that names a `${…}` placeholder (a pseudo parameter, a
 * template parameter) wrapped in `Fn::Sub`, the way a template's `PolicyDocument` takes them.
 * `variables` (name → any CloudFormation value, e.g. an `Fn::If`) are given to the `Fn::Sub`s of
 * the resources that name them (`Fn::Sub: [string, { name: value }]`).
 */
export function cloudFormationStatements(
  statements: readonly PolicyStatement[],
  variables: Record<string, unknown> = {},
): CloudFormationStatement[] {
  const sub = (r: string): CloudFormationString => {
    if (!r.includes('${')) return r;
    const used = Object.entries(variables).filter(([name]) => r.includes(`\${${name}}`));
    return { 'Fn::Sub': used.length > 0 ? [r, Object.fromEntries(used)] : r };
  };
  return statements.map((st) => ({ ...st, Resource: st.Resource.map(sub) }));
}
