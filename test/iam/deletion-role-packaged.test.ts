import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Deployment, deploymentFrom } from '../../local/iam/identities.js';
import { evaluate } from '../../local/iam/policy.js';
import { packagedTemplate, type Template } from '../../local/iam/template.js';
import { PACKAGING_TIMEOUT, PLACE } from './deployment.js';

/**
 * Issue 10, "Done when": `npm run package` shows the deletion role and the conditioned PassRole.
 * `npm run package` is `serverless package`; the template checked here is what that command
 * writes for the stage "local" (packaged once per test run, test/global-setup.ts): the same
 * rendering, with the local stage's names.
 */
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CFN = 'cloudformation.amazonaws.com';

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}
const statementsOf = (template: Template, logicalId: string): Statement[] =>
  ((template.Resources[logicalId]?.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
const actions = (s: Statement) => [s.Action].flat();
const DELETION_ROLE_ARN = { 'Fn::GetAtt': ['CloudFormationDeletionRole', 'Arn'] };

describe('the packaged template (npm run package)', () => {
  let template: Template;
  let deployment: Deployment;
  beforeAll(async () => {
    template = await packagedTemplate({ region: PLACE.region });
    deployment = deploymentFrom(template, PLACE);
  }, PACKAGING_TIMEOUT);

  it('npm run package is serverless package', () => {
    expect((JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.package).toBe(
      'serverless package',
    );
  });

  it('has the CloudFormation deletion role, which only CloudFormation may assume, with no condition', () => {
    const role = template.Resources.CloudFormationDeletionRole;
    expect(role?.Type).toBe('AWS::IAM::Role');
    const trust = (role!.Properties!.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;
    expect(trust).toEqual([{ Effect: 'Allow', Principal: { Service: CFN }, Action: 'sts:AssumeRole' }]);
  });

  it('advanceCleanup may pass that role, only to CloudFormation (iam:PassedToService)', () => {
    const passRole = statementsOf(template, 'AdvanceCleanupIamRoleLambdaExecution').filter((s) => actions(s).includes('iam:PassRole'));
    expect(passRole).toEqual([
      { Effect: 'Allow', Action: ['iam:PassRole'], Resource: DELETION_ROLE_ARN, Condition: { StringEquals: { 'iam:PassedToService': CFN } } },
    ]);
  });

  it("advanceCleanup's DeleteStack is on AWSProton-* stacks only, and only with the deletion role as RoleARN (cloudformation:RoleArn)", () => {
    const deleteStack = statementsOf(template, 'AdvanceCleanupIamRoleLambdaExecution').filter((s) => actions(s).includes('cloudformation:DeleteStack'));
    expect(deleteStack).toEqual([
      {
        Effect: 'Allow',
        Action: ['cloudformation:DeleteStack'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/AWSProton-*/*' },
        Condition: { StringEquals: { 'cloudformation:RoleArn': DELETION_ROLE_ARN } },
      },
    ]);
  });

  it('no other identity may pass the deletion role', () => {
    const role = deployment.identityOfRole('CloudFormationDeletionRole').roleArn;
    const passers = [...deployment.identities.values()].filter(
      (i) => evaluate(i.policies, { action: 'iam:PassRole', resource: role, context: { 'iam:PassedToService': CFN } }).decision === 'Allow',
    );
    expect(passers.map((i) => i.functions)).toEqual([['advanceCleanup']]);
  });

  it('the role advanceCleanup passes (DELETION_ROLE_ARN) is that role', () => {
    const advance = Object.values(template.Resources).find(
      (r) => r.Type === 'AWS::Lambda::Function' && JSON.stringify(r.Properties?.Handler ?? '').includes('advance-cleanup'),
    );
    expect((advance!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.DELETION_ROLE_ARN).toEqual(DELETION_ROLE_ARN);
  });
});
