// SageMaker's rules applied before any call: group names, metadata limits, image references,
// local package names.
import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@modelship/core';
import { checkGroupName, fitMetadata, metadataValue } from '../src/metadata.js';
import { digestOf, parseEcrImage } from '../src/ecr.js';
import { localArn, parseLocalArn } from '../src/local.js';
import { s3Folder, statisticsUri } from '../src/index.js';

describe('SageMaker names and limits', () => {
  it.each(['churn', 'Churn-2', 'a', 'a--b', 'x'.repeat(63)])('accepts the group name %s', (name) => {
    expect(checkGroupName(name, 'g')).toBe(name);
  });

  it.each(['', '-churn', 'churn-', 'churn_v2', 'churn.v2', 'x'.repeat(64), 'ünïcode'])(
    'refuses the group name %j in one line naming the field',
    (name) => {
      expect(() => checkGroupName(name, 'modelship.yml: registry.group')).toThrow(ConfigError);
      try {
        checkGroupName(name, 'modelship.yml: registry.group');
      } catch (err) {
        expect((err as ConfigError).line).toMatch(
          /^modelship\.yml: registry\.group: '.*' is not a valid model package group name/,
        );
      }
    },
  );

  it('keeps metadata within 50 entries, 128-character keys and 256-character values of allowed characters', () => {
    expect(metadataValue('https://github.com/acme/churn/actions/runs/1?x=1&y=2#z')).toBe(
      'https://github.com/acme/churn/actions/runs/1_x=1_y=2_z',
    );
    expect(metadataValue('a,b;c d')).toBe('a_b_c d');
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'.repeat(300)]));
    const fit = fitMetadata({
      empty: '',
      missing: undefined,
      ['k'.repeat(129)]: 'too long a key',
      'bad,key': 'x',
      ...many,
    });
    expect(Object.keys(fit)).toHaveLength(50);
    expect(Object.keys(fit)[0]).toBe('k0');
    expect(fit.k0).toHaveLength(256);
    expect(fit).not.toHaveProperty('empty');
    expect(fit).not.toHaveProperty('bad,key');
  });

  it('reads ECR references and digests', () => {
    expect(
      parseEcrImage('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
    ).toEqual({
      registryId: '683313688378',
      region: 'us-east-1',
      repository: 'sagemaker-scikit-learn',
      tag: '1.2-1-cpu-py3',
      host: '683313688378.dkr.ecr.us-east-1.amazonaws.com',
    });
    expect(parseEcrImage('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/serve')).toMatchObject({
      repository: 'team/serve',
      tag: 'latest',
    });
    expect(parseEcrImage('python:3.12')).toBeUndefined();
    const d = `sha256:${'a'.repeat(64)}`;
    expect(digestOf(`ghcr.io/acme/serve@${d}`)).toEqual({ image: `ghcr.io/acme/serve@${d}`, digest: d });
    expect(digestOf('ghcr.io/acme/serve:1')).toBeUndefined();
  });

  it('names local packages like the tail of a SageMaker ARN, and statistics by group and digest', () => {
    expect(localArn('churn', 12)).toBe('model-package/churn/12');
    expect(parseLocalArn('model-package/churn/12')).toEqual({ group: 'churn', version: 12 });
    expect(parseLocalArn('churn/3')).toEqual({ group: 'churn', version: 3 });
    // The local registry names its packages its own way: a SageMaker ARN is not one of them, and a
    // version is canonical (01 is not version 1).
    expect(parseLocalArn('arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/4')).toBeUndefined();
    expect(parseLocalArn('model-package/churn/01')).toBeUndefined();
    expect(parseLocalArn('model-package/churn/0')).toBeUndefined();
    expect(parseLocalArn('churn')).toBeUndefined();
    expect(statisticsUri('s3://b/p/', 'churn', 'f'.repeat(64))).toBe(
      `s3://b/p/churn/${'f'.repeat(16)}/model-quality.json`,
    );
    expect(s3Folder('s3://b/a/model.tar.gz')).toBe('s3://b/a/');
    expect(s3Folder('s3://b')).toBe('s3://b/');
  });
});
