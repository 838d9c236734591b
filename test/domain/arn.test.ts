import { describe, expect, it } from 'vitest';
import { environmentArn, parseArn, partitionOf, protonResourceName, resourceTypeOf } from '../../functions/domain/arn.js';

describe('parseArn', () => {
  it('splits an ARN into partition, service, region, account and resource', () => {
    expect(parseArn('arn:aws-cn:sqs:cn-north-1:111122223333:orders')).toEqual({
      partition: 'aws-cn',
      service: 'sqs',
      region: 'cn-north-1',
      account: '111122223333',
      resource: 'orders',
    });
  });

  it('keeps the colons that belong to the resource part', () => {
    expect(parseArn('arn:aws:logs:us-east-1:111122223333:log-group:/aws/lambda/worker:*')?.resource).toBe('log-group:/aws/lambda/worker:*');
  });

  it('accepts ARNs without region and account (S3, IAM)', () => {
    expect(parseArn('arn:aws:s3:::payments-artifacts')).toMatchObject({ service: 's3', region: '', account: '', resource: 'payments-artifacts' });
  });

  it.each(['', 'payments-artifacts', 'arn:aws:s3', 'urn:aws:s3:::bucket:x'])('returns undefined for %j, which is not an ARN', (text) => {
    expect(parseArn(text)).toBeUndefined();
  });
});

describe('environmentArn', () => {
  it('builds the Proton environment ARN that Proton writes into the proton:environment tag', () => {
    expect(environmentArn('aws', 'eu-west-1', '444455556666', 'payments-prod')).toBe('arn:aws:proton:eu-west-1:444455556666:environment/payments-prod');
  });
});

describe('resourceTypeOf', () => {
  it.each([
    ['arn:aws:cloudformation:us-east-1:111122223333:stack/AWSProton-env/6d1c2e0a-7f3b-11ef-9a1b-0e4c5d6f7a8b', 'cloudformation:stack'],
    ['arn:aws:iam::111122223333:role/service-role/ProtonRole', 'iam:role'],
    ['arn:aws:lambda:us-east-1:111122223333:function:worker-prod', 'lambda:function'],
    ['arn:aws:logs:us-east-1:111122223333:log-group:/proton/api-prod', 'logs:log-group'],
    ['arn:aws:ecs:us-east-1:111122223333:cluster/payments-prod', 'ecs:cluster'],
    ['arn:aws:ssm:us-east-1:111122223333:parameter/payments/db-url', 'ssm:parameter'],
  ])('names %s by service and the resource kind in the ARN', (arn, type) => {
    expect(resourceTypeOf(arn)).toBe(type);
  });

  it.each([
    ['arn:aws:s3:::payments-artifacts', 's3:bucket'],
    ['arn:aws:sqs:us-east-1:111122223333:api-prod-orders', 'sqs:queue'],
    ['arn:aws:sns:us-east-1:111122223333:web-prod-alerts', 'sns:topic'],
  ])('names %s, whose ARN has no kind segment, by its service', (arn, type) => {
    expect(resourceTypeOf(arn)).toBe(type);
  });

  it('names an API Gateway resource, whose ARN path starts with a slash, by its kind', () => {
    expect(resourceTypeOf('arn:aws:apigateway:us-east-1::/restapis/a1b2c3d4e5')).toBe('apigateway:restapis');
  });

  it('says unknown for something that is not an ARN', () => {
    expect(resourceTypeOf('payments-artifacts')).toBe('unknown');
  });
});

describe('protonResourceName', () => {
  it('names an environment by its name', () => {
    expect(protonResourceName('arn:aws:proton:us-east-1:444455556666:environment/payments-prod')).toBe('payments-prod');
  });

  it('names a service instance as service/instance', () => {
    expect(protonResourceName('arn:aws:proton:us-east-1:444455556666:service/api/service-instance/prod')).toBe('api/prod');
  });

  it('names a component by its name', () => {
    expect(protonResourceName('arn:aws:proton:us-east-1:444455556666:component/monitoring')).toBe('monitoring');
  });
});

describe('partitionOf', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('puts %s in the %s partition', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});
