// Test stand-in for aws-actions/configure-aws-credentials: fixed test credentials, no STS call.
import { appendFileSync } from 'node:fs';

const region = (process.env['INPUT_AWS-REGION'] ?? '').trim();
const role = (process.env['INPUT_ROLE-TO-ASSUME'] ?? '').trim();
if (!region) {
  console.log('::error::Input required and not supplied: aws-region');
  process.exit(1);
}
const env = {
  AWS_REGION: region,
  AWS_DEFAULT_REGION: region,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: 'testing',
};
appendFileSync(
  process.env.GITHUB_ENV,
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}\n`)
    .join(''),
);
console.log(`configure-aws-credentials stand-in: test credentials for ${role || 'no role'} in ${region}`);
