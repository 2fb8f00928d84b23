// Test stand-in for aws-actions/configure-aws-credentials: no OIDC token and no STS call, but what
// a later step can observe is the real action's: the region and a set of temporary credentials
// (moto's fixed test ones) exported to the job's environment and masked, and a failed step when
// no role is given and no credentials are already in the environment (the real action then has
// nothing to load credentials from).
import { appendFileSync } from 'node:fs';

const input = (name) => (process.env[`INPUT_${name.toUpperCase()}`] ?? '').trim();
const fail = (message) => {
  console.log(`::error::${message}`);
  process.exit(1);
};

const region = input('aws-region');
const role = input('role-to-assume');
if (!region) fail('Input required and not supplied: aws-region');
if (!/^[a-z0-9-]+$/.test(region)) fail(`Region is not valid: ${region}`);
if (!role && !process.env.AWS_ACCESS_KEY_ID)
  fail(
    'Credentials could not be loaded, please check your action inputs: Could not load credentials from any providers',
  );

const env = {
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  ...(role
    ? { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_SESSION_TOKEN: 'testing' }
    : {}),
};
for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'])
  if (env[k]) console.log(`::add-mask::${env[k]}`);
appendFileSync(
  process.env.GITHUB_ENV,
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}\n`)
    .join(''),
);
console.log(
  role
    ? `configure-aws-credentials stand-in: assumed ${role} (test credentials) in ${region}`
    : `configure-aws-credentials stand-in: the environment's credentials in ${region}`,
);
