import { describe, expect, it } from 'vitest';
import { standaloneNameOf as resourceNameOf } from '../../functions/standalone-types/index.js';

const REGION_ACCOUNT = 'us-east-1:111122223333';

describe('resourceNameOf', () => {
  it('reads a bucket name from an S3 bucket ARN', () => {
    expect(resourceNameOf('arn:aws:s3:::payments-prod-artifacts', 's3:bucket')).toBe('payments-prod-artifacts');
  });

  it('reads a log group name, slashes included, from a log group ARN', () => {
    expect(resourceNameOf(`arn:aws:logs:${REGION_ACCOUNT}:log-group:/aws/lambda/payments-prod`, 'logs:log-group')).toBe('/aws/lambda/payments-prod');
  });

  it('drops the ":*" that log group ARNs often end with', () => {
    expect(resourceNameOf(`arn:aws:logs:${REGION_ACCOUNT}:log-group:/proton/payments-prod:*`, 'logs:log-group')).toBe('/proton/payments-prod');
  });

  it('reads a repository name from an ECR repository ARN', () => {
    expect(resourceNameOf(`arn:aws:ecr:${REGION_ACCOUNT}:repository/payments-api`, 'ecr:repository')).toBe('payments-api');
  });

  it('keeps the "/" of a namespaced ECR repository name', () => {
    expect(resourceNameOf(`arn:aws:ecr:${REGION_ACCOUNT}:repository/payments/api/worker`, 'ecr:repository')).toBe('payments/api/worker');
  });

  it('gives a hierarchical SSM parameter back the leading "/" its ARN leaves out', () => {
    expect(resourceNameOf(`arn:aws:ssm:${REGION_ACCOUNT}:parameter/payments-prod/db/url`, 'ssm:parameter')).toBe('/payments-prod/db/url');
  });

  it('reads a flat SSM parameter name, which has no "/", as it is', () => {
    expect(resourceNameOf(`arn:aws:ssm:${REGION_ACCOUNT}:parameter/payments-prod-flags`, 'ssm:parameter')).toBe('payments-prod-flags');
  });

  it('reads the name whatever the partition and Region', () => {
    expect(resourceNameOf('arn:aws-cn:ecr:cn-north-1:111122223333:repository/payments-api', 'ecr:repository')).toBe('payments-api');
  });

  it.each([
    ['arn:aws:s3:::payments-prod-artifacts', 'logs:log-group'],
    [`arn:aws:logs:${REGION_ACCOUNT}:log-group:/proton/payments-prod`, 's3:bucket'],
    [`arn:aws:ssm:${REGION_ACCOUNT}:parameter/payments-prod/db/url`, 'ecr:repository'],
    [`arn:aws:sqs:${REGION_ACCOUNT}:payments-prod-jobs`, 'ssm:parameter'],
  ] as const)('refuses %s as a %s with InvalidStateInput', (arn, type) => {
    expect(() => resourceNameOf(arn, type)).toThrow(expect.objectContaining({ name: 'InvalidStateInput', message: expect.stringContaining(arn) }));
  });

  it('refuses text that is not an ARN with InvalidStateInput', () => {
    expect(() => resourceNameOf('payments-prod-artifacts', 's3:bucket')).toThrow(expect.objectContaining({ name: 'InvalidStateInput' }));
  });

  it.each([
    ['arn:aws:s3:::payments-prod-artifacts/reports/2024.json', 's3:bucket'],
    [`arn:aws:logs:${REGION_ACCOUNT}:log-group:`, 'logs:log-group'],
    [`arn:aws:ecr:${REGION_ACCOUNT}:repository/`, 'ecr:repository'],
    [`arn:aws:ssm:${REGION_ACCOUNT}:parameter/`, 'ssm:parameter'],
  ] as const)('refuses %s, which names no %s, with InvalidStateInput', (arn, type) => {
    expect(() => resourceNameOf(arn, type)).toThrow(expect.objectContaining({ name: 'InvalidStateInput' }));
  });
});
