// What IAM authorises for one AWS call: the call's operation and input → the IAM actions, each
// on the resource ARN the service evaluates it against (built from the names in the input), with
// the request context keys modelship's policies condition on. The least-privilege check evaluates
// every call a step made in the tests against that step's policy with this.

/** One authorisation a call needs: an IAM action on a resource, with request context keys. */
export interface Authorization {
  /** `service:Action`, e.g. `sagemaker:CreateTrainingJob`. */
  action: string;
  /** The resource ARN the action is evaluated on, or `*` when the action has no resource type. */
  resource: string;
  /** Request context keys and their values (`s3:prefix`, `iam:PassedToService`). */
  context?: Record<string, string>;
}

/** Where a call was made: partition, region and account of the resource ARNs. */
export interface CallPlace {
  partition: string;
  region: string;
  account: string;
}

type Input = Record<string, unknown>;

const str = (input: Input, key: string): string => {
  const v = input[key];
  return typeof v === 'string' ? v : '';
};

/**
 * SageMaker keeps resource names in ARNs lower-cased (a training job `Churn-1` has the ARN
 * `…:training-job/churn-1`), and IAM compares ARNs case-sensitively: policies name them lower-case.
 */
export function sageMakerArn(place: CallPlace, type: string, name: string): string {
  if (name.startsWith('arn:')) return name.toLowerCase();
  return `arn:${place.partition}:sagemaker:${place.region}:${place.account}:${type}/${name.toLowerCase()}`;
}

/**
 * Operations whose IAM action is not `service:OperationName`, or that need none.
 * Keys are `<signing service>:<operation>`.
 */
export const ACTION_EXCEPTIONS: Readonly<Record<string, string | null>> = {
  // S3: reading an object's metadata is reading the object; listing is on the bucket; every part
  // of a multipart upload is authorised as PutObject.
  's3:HeadObject': 's3:GetObject',
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:CreateMultipartUpload': 's3:PutObject',
  's3:UploadPart': 's3:PutObject',
  's3:CompleteMultipartUpload': 's3:PutObject',
  's3:AbortMultipartUpload': 's3:AbortMultipartUpload',
  // Anyone may ask who they are: no permission is needed (nor can one be denied).
  'sts:GetCallerIdentity': null,
};

/** The IAM action a call needs (`sagemaker:CreateModel`), or null when it needs none. */
export function iamAction(service: string, operation: string): string | null {
  const key = `${service}:${operation}`;
  return key in ACTION_EXCEPTIONS ? ACTION_EXCEPTIONS[key]! : key;
}

/** `iam:PassRole` of a role handed to SageMaker (the role a job, or a model, runs as). */
function passRole(roleArn: string): Authorization[] {
  return roleArn
    ? [
        {
          action: 'iam:PassRole',
          resource: roleArn,
          context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
        },
      ]
    : [];
}

/** SageMaker: tags given at creation need `sagemaker:AddTags` on the new resource as well. */
function withTags(input: Input, arn: string): Authorization[] {
  return Array.isArray(input.Tags) && input.Tags.length > 0
    ? [{ action: 'sagemaker:AddTags', resource: arn }]
    : [];
}

/** SageMaker: the main resource type of each operation's input name field. */
const SAGEMAKER_RESOURCES: readonly [RegExp, string, string][] = [
  [/TrainingJob$/, 'training-job', 'TrainingJobName'],
  [/ProcessingJob$/, 'processing-job', 'ProcessingJobName'],
  [/ModelPackageGroup$/, 'model-package-group', 'ModelPackageGroupName'],
  [/^UpdateModelPackage$/, 'model-package', 'ModelPackageArn'],
  [/^(Describe|Delete)ModelPackage$/, 'model-package', 'ModelPackageName'],
  [/^(Create|Describe|Delete)Model$/, 'model', 'ModelName'],
  [/EndpointConfig$/, 'endpoint-config', 'EndpointConfigName'],
  [/Endpoint(WeightsAndCapacities)?$/, 'endpoint', 'EndpointName'],
];

function sagemaker(operation: string, input: Input, place: CallPlace): Authorization[] {
  const action = `sagemaker:${operation}`;
  if (operation === 'ListTags' || operation === 'AddTags')
    return [{ action, resource: str(input, 'ResourceArn').toLowerCase() }];
  if (operation.startsWith('List')) return [{ action, resource: '*' }];
  if (operation === 'CreateModelPackage') {
    // A version of a group: its ARN (`model-package/<group>/<version>`) is made by the call.
    const group = str(input, 'ModelPackageGroupName');
    const arn = `${sageMakerArn(place, 'model-package', group)}/*`;
    return [{ action, resource: arn }, ...withTags(input, arn)];
  }
  const match = SAGEMAKER_RESOURCES.find(([re]) => re.test(operation));
  if (!match) return [{ action, resource: '*' }];
  const arn = sageMakerArn(place, match[1], str(input, match[2]));
  const out: Authorization[] = [{ action, resource: arn }];
  // Creating or updating an endpoint also reads its endpoint config.
  if (operation === 'CreateEndpoint' || operation === 'UpdateEndpoint')
    out.push({ action, resource: sageMakerArn(place, 'endpoint-config', str(input, 'EndpointConfigName')) });
  if (operation.startsWith('Create')) {
    out.push(...passRole(str(input, 'RoleArn') || str(input, 'ExecutionRoleArn')));
    out.push(...withTags(input, arn));
  }
  return out;
}

function s3(operation: string, input: Input, place: CallPlace): Authorization[] {
  const action = iamAction('s3', operation)!;
  const bucket = str(input, 'Bucket');
  if (action === 's3:ListBucket')
    return [
      {
        action,
        resource: `arn:${place.partition}:s3:::${bucket}`,
        context: { 's3:prefix': str(input, 'Prefix') },
      },
    ];
  if ('Key' in input)
    return [{ action, resource: `arn:${place.partition}:s3:::${bucket}/${str(input, 'Key')}` }];
  return [{ action, resource: `arn:${place.partition}:s3:::${bucket}` }];
}

function logs(operation: string, input: Input, place: CallPlace): Authorization[] {
  const group = `arn:${place.partition}:logs:${place.region}:${place.account}:log-group:${str(input, 'logGroupName')}`;
  const stream = str(input, 'logStreamName');
  return [{ action: `logs:${operation}`, resource: stream ? `${group}:log-stream:${stream}` : group }];
}

function cloudwatch(operation: string, input: Input, place: CallPlace): Authorization[] {
  const action = `cloudwatch:${operation}`;
  const alarm = (name: string) =>
    `arn:${place.partition}:cloudwatch:${place.region}:${place.account}:alarm:${name}`;
  if (operation === 'PutDashboard' || operation === 'GetDashboard')
    return [
      {
        action,
        resource: `arn:${place.partition}:cloudwatch::${place.account}:dashboard/${str(input, 'DashboardName')}`,
      },
    ];
  if (operation === 'PutMetricAlarm') return [{ action, resource: alarm(str(input, 'AlarmName')) }];
  const names = Array.isArray(input.AlarmNames) ? input.AlarmNames.filter((n) => typeof n === 'string') : [];
  if (names.length > 0) return names.map((n) => ({ action, resource: alarm(n) }));
  return [{ action, resource: '*' }];
}

function codepipeline(operation: string, input: Input, place: CallPlace): Authorization[] {
  const pipeline = str(input, 'name') || str(input, 'pipelineName');
  const base = `arn:${place.partition}:codepipeline:${place.region}:${place.account}:${pipeline}`;
  const resource =
    operation === 'PutApprovalResult'
      ? `${base}/${str(input, 'stageName')}/${str(input, 'actionName')}`
      : base;
  return [{ action: `codepipeline:${operation}`, resource }];
}

function cloudformation(operation: string, input: Input, place: CallPlace): Authorization[] {
  const name = str(input, 'StackName');
  const resource = !name
    ? '*'
    : name.startsWith('arn:')
      ? name
      : `arn:${place.partition}:cloudformation:${place.region}:${place.account}:stack/${name}/*`;
  return [{ action: `cloudformation:${operation}`, resource }];
}

function ecr(operation: string, input: Input, place: CallPlace): Authorization[] {
  const account = str(input, 'registryId') || place.account;
  return [
    {
      action: `ecr:${operation}`,
      resource: `arn:${place.partition}:ecr:${place.region}:${account}:repository/${str(input, 'repositoryName')}`,
    },
  ];
}

const SERVICES: Record<string, (operation: string, input: Input, place: CallPlace) => Authorization[]> = {
  sagemaker,
  s3,
  logs,
  cloudwatch,
  codepipeline,
  cloudformation,
  ecr,
};

/**
 * The authorisations one call needs: `service` is the IAM prefix of the client (`sagemaker` for
 * SageMaker and SageMaker Runtime, `logs`, `application-autoscaling`, …), `operation` the API
 * operation (`CreateTrainingJob`), `input` the call's input as sent. A service or operation this
 * table does not know needs `service:Operation` on `*`, which no modelship policy grants: a call
 * nobody described fails the least-privilege check until it is described here and granted.
 */
export function authorizationsFor(
  service: string,
  operation: string,
  input: Input,
  place: CallPlace,
): Authorization[] {
  const action = iamAction(service, operation);
  if (action === null) return [];
  const byService = SERVICES[service];
  return byService ? byService(operation, input, place) : [{ action, resource: '*' }];
}
