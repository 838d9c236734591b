import { readFileSync } from 'node:fs';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WILDCARD_RESOURCE_ACTIONS } from '../../deployment/security-exceptions.js';
import { actionExists, actionsMatching } from '../../local/iam/reference.js';
import type { Template as PackagedTemplate } from '../../local/iam/template.js';
import { classifyStatement, HEADER, hubTemplate, SPOKE_TEMPLATE, spokeFunctions, spokeTemplateText } from '../../scripts/spoke-template.js';
import { PACKAGING_TIMEOUT } from '../iam/deployment.js';
import { guardFailures } from './cfn-guard.js';
import { schemaProblems } from './cloudformation-schema.js';
import { actionsOf, type Resource, resourcesOf, roleStatements, type Statement, type Template } from './packaged-template.js';

/**
 * deployment/spoke.yml, deployed (StackSets) into every target account: a role per hub function
 * that works there, trusted only by that function's role in the hub account, and the
 * CloudFormation deletion role; and the hub's side of it, in the packaged template: each of those
 * functions may assume only its own spoke role, only in the hub's organization.
 */

/** The functions that work in target accounts, and the suffix of their role names (the contract of issue 12, written out here). */
const SPOKE_SUFFIXES: Record<string, string> = {
  resolveRequest: 'resolve',
  startSweep: 'sweep',
  scheduleDecommission: 'schedule',
  describeConnection: 'describe',
  inventory: 'inventory',
  deleteConnection: 'delete-conn',
  advanceCleanup: 'advance',
  verifyCleanup: 'verify',
  deleteStandaloneResource: 'delete-standalone',
  deleteConnectionRoles: 'delete-roles',
  findDueConnections: 'find-due',
};
const HUB_ONLY = ['checkForRunningCleanup', 'writeReport', 'notify', 'startFromEvent', 'collectFleet'];
/** The functions that resolve targets named by OU or root. */
const RESOLVING_OUS = ['resolveRequest', 'startSweep', 'findDueConnections'];
const PREFIX = 'proton-cleanup-spoke';
const DELETION_ROLE = 'CloudFormationDeletionRole';

const logicalId = (key: string) => `${key[0]?.toUpperCase()}${key.slice(1)}`;
const json = (value: unknown) => JSON.stringify(value);

let hub: PackagedTemplate;
let text: string;
let spoke: Template & { Parameters: Record<string, { Type: string; Default?: string }> };
beforeAll(async () => {
  hub = await hubTemplate();
  text = readFileSync(SPOKE_TEMPLATE, 'utf8');
  spoke = parse(text);
}, PACKAGING_TIMEOUT);

const hubResources = () => hub.Resources as Template['Resources'];
const spokeRole = (key: string) => spoke.Resources[`${logicalId(key)}SpokeRole`];
const functionRoles = () => Object.entries(spoke.Resources).filter(([id]) => id !== DELETION_ROLE);
const functionStatements = () => functionRoles().flatMap(([id, role]) => roleStatements(role).map((statement) => ({ id, statement })));
const hubRoleOf = (key: string) => hubResources()[hubResources()[`${logicalId(key)}LambdaFunction`]?.Properties?.Role['Fn::GetAtt'][0]] as Resource;
const environmentOf = (key: string) => hubResources()[`${logicalId(key)}LambdaFunction`]?.Properties?.Environment.Variables as Record<string, unknown>;

describe('deployment/spoke.yml is generated, never edited', () => {
  it('is what npm run spoke generates from serverless.yml now', () => {
    expect(text).toBe(spokeTemplateText(hub));
  });

  it('says so in its first line', () => {
    expect(text.startsWith(HEADER)).toBe(true);
  });

  it('is plain YAML: long-form intrinsics only, no short tags (!Sub, !Ref…)', () => {
    expect(text).not.toMatch(/(^|[\s:-])!\w/m);
    expect(json(spoke)).toContain('"Fn::Sub"');
  });

  it('classifies every statement of every role of a function that works in target accounts', () => {
    const functions = spokeFunctions(hub);

    expect(Object.fromEntries(functions.map((f) => [f.key, f.suffix]))).toEqual(SPOKE_SUFFIXES);
    expect(functions.every((f) => f.statements.some((s) => s.side === 'hub') && f.statements.some((s) => s.side === 'target'))).toBe(true);
  });

  it('refuses a statement that mixes hub-side and target-side services', () => {
    expect(() => classifyStatement({ Effect: 'Allow', Action: ['sns:Publish', 'proton:ListEnvironmentAccountConnections'], Resource: '*' })).toThrow(
      /Mixes hub-side/,
    );
  });

  it("refuses a statement that grants on the hub's resources and on a target's", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: [{ 'Fn::Sub': '${ReportBucket.Arn}/reports/*' }, 'arn:aws:s3:::other/*'] };

    expect(() => classifyStatement(statement)).toThrow(/Mixes hub resources with target resources/);
  });

  it('refuses a statement of a service neither side lists (a new grant is classified on purpose)', () => {
    expect(() => classifyStatement({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*' })).toThrow(/Neither hub-side nor target-side/);
  });
});

describe('the spoke roles', () => {
  it('are one per function that works in target accounts, named <SpokeRoleNamePrefix>-<suffix of its hub role>', () => {
    expect(new Set(Object.values(spoke.Resources).map((r) => r.Type))).toEqual(new Set(['AWS::IAM::Role']));
    expect(functionRoles().map(([, role]) => role.Properties?.RoleName['Fn::Sub'])).toEqual(
      Object.values(SPOKE_SUFFIXES).map((s) => `\${SpokeRoleNamePrefix}-${s}`),
    );
    expect(spoke.Parameters.SpokeRoleNamePrefix?.Default).toBe(PREFIX);
    for (const key of HUB_ONLY) expect(spokeRole(key), key).toBeUndefined();
  });

  it.each(Object.entries(SPOKE_SUFFIXES))("%s's spoke role trusts only the hub account, and in it only the function's own role", (key, suffix) => {
    expect(spokeRole(key)?.Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
          Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${HubAccountId}:root' } },
          Action: 'sts:AssumeRole',
          Condition: {
            ArnEquals: { 'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${HubAccountId}:role/pcc-\${HubStage}-\${HubRegion}-${suffix}` } },
          },
        },
      ],
    });
  });

  it('hold none of the hub-only powers (topic, state machine, queue, bus, key, STS, Organizations, the report bucket)', () => {
    const hubOnly = functionStatements().filter(({ statement }) =>
      actionsOf(statement).some((a) => /^(sns|states|sqs|events|kms|sts|organizations|xray):/.test(a)),
    );
    const onHubResources = functionStatements().filter(({ statement }) =>
      /ReportBucket|CleanupKey|NotificationTopic|TriggerDeadLetterQueue|DecommissionStateMachine|:log-group:\/aws\/lambda\//.test(json(statement)),
    );

    expect(hubOnly).toEqual([]);
    expect(onHubResources).toEqual([]);
  });

  it("let only AdvanceCleanup's delete stacks: AWSProton-* stacks, with the spoke's deletion role only", () => {
    const deleting = functionStatements().filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('cloudformation:Delete')));

    expect(deleting.map(({ id }) => id)).toEqual(['AdvanceCleanupSpokeRole']);
    expect(deleting.map(({ statement }) => [actionsOf(statement), statement.Resource, statement.Condition])).toEqual([
      [
        ['cloudformation:DeleteStack'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
        { 'Fn::Sub': 'arn:${AWS::Partition}:cloudformation:*:${AWS::AccountId}:stack/AWSProton-*/*' },
        { StringEquals: { 'cloudformation:RoleArn': { 'Fn::GetAtt': [DELETION_ROLE, 'Arn'] } } },
      ],
    ]);
  });

  it("let only AdvanceCleanup's pass a role: the spoke's deletion role, to CloudFormation", () => {
    const passing = functionStatements().filter(({ statement }) => actionsOf(statement).includes('iam:PassRole'));

    expect(passing.map(({ id, statement }) => [id, statement.Resource, statement.Condition])).toEqual([
      ['AdvanceCleanupSpokeRole', { 'Fn::GetAtt': [DELETION_ROLE, 'Arn'] }, { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } }],
    ]);
  });

  it('hold every target-side statement of the hub role, in every Region (one stack instance per account serves them all)', () => {
    for (const fn of spokeFunctions(hub)) {
      const target = fn.statements.filter((s) => s.side === 'target').map((s) => s.statement);
      const granted = roleStatements(spokeRole(fn.key) as Resource);

      expect(
        granted.map((s) => actionsOf(s)),
        fn.key,
      ).toEqual(target.map((s) => actionsOf(s as Statement)));
      expect(json(granted), fn.key).not.toContain('AWS::Region');
    }
  });
});

describe("the spoke's CloudFormation deletion role", () => {
  const role = () => spoke.Resources[DELETION_ROLE] as Resource;

  it('is named <SpokeRoleNamePrefix>-cfn-deletion and trusted by CloudFormation alone', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
    expect(role().Properties?.RoleName).toEqual({ 'Fn::Sub': '${SpokeRoleNamePrefix}-cfn-deletion' });
    expect(role().Properties?.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'cloudformation.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  it("grants what the hub's deletion role grants", () => {
    const actions = (r: Resource) => roleStatements(r).map((s) => actionsOf(s));

    expect(actions(role())).toEqual(actions(hubResources()[DELETION_ROLE] as Resource));
  });

  it('takes more managed policies from DeletionRolePolicyArns, and none by default', () => {
    expect(spoke.Parameters.DeletionRolePolicyArns).toMatchObject({ Type: 'CommaDelimitedList', Default: '' });
    expect(role().Properties?.ManagedPolicyArns).toEqual({
      'Fn::If': ['HasDeletionRolePolicyArns', { Ref: 'DeletionRolePolicyArns' }, { Ref: 'AWS::NoValue' }],
    });
  });
});

describe('the spoke template passes the checks the hub template passes', () => {
  it('every action exists in the Service Authorization Reference; no service:* and no "*"', () => {
    const actions = Object.values(spoke.Resources).flatMap((role) => roleStatements(role).flatMap((s) => actionsOf(s)));
    const unknown = actions.filter((a) => (a.includes('*') ? actionsMatching(a).length === 0 : !actionExists(a)));

    expect(actions.length).toBeGreaterThan(100);
    expect(unknown).toEqual([]);
    expect(actions.filter((a) => a === '*' || /:\*$/.test(a))).toEqual([]);
  });

  it('grants Resource "*" only for actions whose APIs cannot be scoped (README lists each)', () => {
    const unscoped = functionStatements()
      .filter(({ statement }) => resourcesOf(statement).includes('*'))
      .flatMap(({ statement }) => actionsOf(statement));

    expect(unscoped.filter((action) => !(action in WILDCARD_RESOURCE_ACTIONS))).toEqual([]);
  });

  it('passes the current CloudFormation resource schemas', async () => {
    expect(schemaProblems(await loadAwsServiceSpec(), spoke)).toEqual([]);
  });

  it('passes the AWS Control Tower proactive controls, with no exception', async () => {
    expect(await guardFailures(SPOKE_TEMPLATE)).toEqual(new Map());
  }, 60_000);
});

describe("the hub's grants into spokes (the packaged template)", () => {
  const assumeStatements = (key: string) => roleStatements(hubRoleOf(key)).filter((s) => actionsOf(s).some((a) => a.startsWith('sts:')));

  it.each(Object.entries(SPOKE_SUFFIXES))(
    '%s may assume only its own spoke role (%s), only in accounts of the hub organization (aws:ResourceOrgID)',
    (key, suffix) => {
      expect(assumeStatements(key)).toEqual([
        {
          Effect: 'Allow',
          Action: ['sts:AssumeRole'],
          Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/${PREFIX}-${suffix}` },
          // organizationId's default: empty, which no account's organization id equals (no spoke at all).
          Condition: { StringEquals: { 'aws:ResourceOrgID': '' } },
        },
      ]);
    },
  );

  it('lets no other role of the hub assume a role', () => {
    const assuming = Object.entries(hubResources())
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .filter(([, r]) => roleStatements(r).some((s) => actionsOf(s).some((a) => a.startsWith('sts:'))))
      .map(([id]) => id)
      .sort();

    expect(assuming).toEqual(
      Object.keys(SPOKE_SUFFIXES)
        .map((key) => `${logicalId(key)}IamRoleLambdaExecution`)
        .sort(),
    );
  });

  it.each(Object.entries(SPOKE_SUFFIXES))('%s is told its spoke role name (SPOKE_ROLE_NAME) and the targets', (key, suffix) => {
    expect(environmentOf(key)).toMatchObject({ SPOKE_ROLE_NAME: `${PREFIX}-${suffix}`, TARGET_ACCOUNTS: '', TARGET_REGIONS: '' });
  });

  it('tells AdvanceCleanup the name of the deletion role in a target account', () => {
    expect(environmentOf('advanceCleanup').SPOKE_DELETION_ROLE_NAME).toBe(`${PREFIX}-cfn-deletion`);
  });

  it.each(HUB_ONLY)('%s works in the hub only: no spoke role name, no role to assume', (key) => {
    expect(environmentOf(key)).not.toHaveProperty('SPOKE_ROLE_NAME');
    expect(assumeStatements(key)).toEqual([]);
  });

  it("lets only the functions that resolve OU targets list accounts and OUs, of the hub organization's OUs and root only", () => {
    const listing = Object.entries(hubResources())
      .filter(([, r]) => r.Type === 'AWS::IAM::Role')
      .flatMap(([id, r]) => roleStatements(r).map((statement) => ({ id, statement })))
      .filter(({ statement }) => actionsOf(statement).some((a) => a.startsWith('organizations:')));

    expect(listing.map(({ id }) => id).sort()).toEqual(RESOLVING_OUS.map((key) => `${logicalId(key)}IamRoleLambdaExecution`).sort());
    for (const { statement } of listing) {
      expect(actionsOf(statement).sort()).toEqual(['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent']);
      expect(statement.Resource).toEqual([
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
        { 'Fn::Sub': 'arn:${AWS::Partition}:organizations::*:ou//ou-*' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a template literal
        { 'Fn::Sub': 'arn:${AWS::Partition}:organizations::*:root//r-*' },
      ]);
    }
  });
});
