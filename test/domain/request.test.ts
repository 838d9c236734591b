import { describe, expect, it } from 'vitest';
import { DECOMMISSION_REQUESTED, DEFAULT_OPTIONS, PROTON_CONNECTION_STATUS_CHANGE } from '../../functions/domain/request.js';
import { type RequestSettings, resolveRequest } from '../../functions/domain/request-resolution.js';
import { InvalidRequestError } from '../../functions/runtime/errors.js';
import { ACCOUNT, eventBridgeEvent, MANAGEMENT_ACCOUNT, REGION } from '../helpers/domain-fixtures.js';

const hub = { account: ACCOUNT, region: REGION };
const settings: RequestSettings = { defaultMode: 'plan' as const, requestEventSource: 'proton-connection-cleanup', hub, regions: [REGION, 'eu-west-1'] };
const id = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';
const environment = { name: 'payments-prod', managementAccountId: MANAGEMENT_ACCOUNT };

/** The InvalidRequestError that resolving `raw` throws (fails the test if it resolves). */
function rejectionOf(raw: unknown, with_: RequestSettings = settings): InvalidRequestError {
  try {
    resolveRequest(raw, with_);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidRequestError);
    return error as InvalidRequestError;
  }
  expect.fail(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe('resolveRequest', () => {
  describe('targets', () => {
    it("cleans up in the hub's own account and Region when the request names no account", () => {
      expect(resolveRequest({ connectionId: id }, settings).target).toEqual(hub);
    });

    it('cleans up in the account and Region the request names', () => {
      expect(resolveRequest({ connectionId: id, account: '999988887777', region: 'eu-west-1' }, settings).target).toEqual({
        account: '999988887777',
        region: 'eu-west-1',
      });
    });

    it("takes the hub's Region for an account named without one", () => {
      expect(resolveRequest({ connectionId: id, account: '999988887777' }, settings).target).toEqual({ account: '999988887777', region: REGION });
    });

    it('rejects an account that is not 12 digits, naming the field', () => {
      expect(rejectionOf({ connectionId: id, account: '12345' }).message).toContain('account: expected a 12-digit AWS account id');
    });

    it('rejects a Region that is not a Region name, naming the field', () => {
      expect(rejectionOf({ connectionId: id, region: 'Europe' }).message).toContain('region: expected a Region name');
    });

    it("expands a fleet sweep's account entry without a Region into each targeted Region", () => {
      expect(resolveRequest({ sweep: true, targets: ['999988887777', '555566667777/us-east-1'] }, settings).targets).toEqual([
        { account: '999988887777', region: REGION },
        { account: '999988887777', region: 'eu-west-1' },
        { account: '555566667777', region: 'us-east-1' },
      ]);
    });

    it('accepts targets only on a sweep', () => {
      expect(rejectionOf({ connectionId: id, targets: ['999988887777'] }).message).toContain('targets: names the accounts a fleet sweep covers');
    });

    it('takes the account and Region of a rejected connection from its ARN in the event', () => {
      const event = {
        ...eventBridgeEvent('aws.proton', PROTON_CONNECTION_STATUS_CHANGE, { id, status: 'REJECTED' }),
        resources: [`arn:aws:proton:eu-west-1:999988887777:environment-account-connection/${id}`],
      };
      expect(resolveRequest(event, settings).target).toEqual({ account: '999988887777', region: 'eu-west-1' });
    });
  });

  describe('console input', () => {
    it('defaults a console input to the deployment default mode', () => {
      expect(resolveRequest({ connectionId: id }, settings)).toEqual({
        target: hub,
        connectionId: id,
        protonApi: 'available',
        mode: 'plan',
        options: DEFAULT_OPTIONS,
        trigger: { type: 'console' },
      });
    });

    it('uses the mode the input gives over the default', () => {
      expect(resolveRequest({ connectionId: id, mode: 'execute' }, settings).mode).toBe('execute');
    });

    it('normalizes an upper-case connection id to lower case', () => {
      expect(resolveRequest({ connectionId: id.toUpperCase() }, settings).connectionId).toBe(id);
    });

    it('carries the environment when the input names one', () => {
      expect(resolveRequest({ connectionId: id, environment }, settings).environment).toEqual(environment);
    });

    it('rejects an invalid mode, naming the field mode and the expected values', () => {
      const error = rejectionOf({ connectionId: id, mode: 'apply' });
      expect(error.problems).toHaveLength(1);
      expect(error.message).toMatch(/\bmode\b/);
      expect(error.message).toContain('"plan"');
      expect(error.message).toContain('"execute"');
    });

    it('rejects a connection id that is not a UUID, naming connectionId', () => {
      const error = rejectionOf({ connectionId: 'my-connection' });
      expect(error.problems).toEqual([expect.stringMatching(/^connectionId: .*UUID/)]);
    });

    it('rejects an input without a connection id, naming connectionId', () => {
      expect(rejectionOf({ mode: 'plan' }).problems).toEqual([expect.stringMatching(/^connectionId: /)]);
    });

    it('rejects unknown fields, naming each of them', () => {
      const error = rejectionOf({ connectionId: id, dryRun: true, force: 1 });
      expect(error.message).toContain('"dryRun"');
      expect(error.message).toContain('"force"');
    });

    it('reports every problem of the input, one per field', () => {
      const error = rejectionOf({ connectionId: 'nope', mode: 'apply' });
      expect(error.problems).toHaveLength(2);
      expect(error.problems.some((p) => p.startsWith('connectionId:'))).toBe(true);
      expect(error.problems.some((p) => p.startsWith('mode:'))).toBe(true);
    });

    it.each([
      ['an array', [{ connectionId: id }]],
      ['null', null],
      ['string', id],
      ['number', 42],
    ])('rejects an input that is not an object (%s), saying an object is expected', (what, raw) => {
      const error = rejectionOf(raw);
      expect(error.message).toContain('expected a JSON object');
      expect(error.message).toContain(what);
    });

    it('rejects an environment name with characters Proton does not allow, naming environment.name', () => {
      const error = rejectionOf({ connectionId: id, environment: { ...environment, name: 'payments prod' } });
      expect(error.problems).toEqual([expect.stringMatching(/^environment\.name: /)]);
    });

    it('rejects an environment name that does not start with a letter or digit', () => {
      expect(rejectionOf({ connectionId: id, environment: { ...environment, name: '-payments' } }).problems).toEqual([
        expect.stringMatching(/^environment\.name: /),
      ]);
    });

    it('rejects a management account id that is not 12 digits, naming environment.managementAccountId', () => {
      const error = rejectionOf({ connectionId: id, environment: { ...environment, managementAccountId: '44445555666' } });
      expect(error.problems).toEqual([expect.stringMatching(/^environment\.managementAccountId: .*12-digit/)]);
    });

    it('rejects unknown fields inside the environment', () => {
      const error = rejectionOf({ connectionId: id, environment: { ...environment, region: 'us-east-1' } });
      expect(error.problems).toEqual([expect.stringMatching(/^environment: .*"region"/)]);
    });
  });

  describe('InvalidRequestError', () => {
    it('is named InvalidRequest, the error name the state machine matches', () => {
      const error = rejectionOf({ connectionId: id, mode: 'apply' });
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe('InvalidRequest');
    });
  });

  describe('custom decommission event', () => {
    const event = (detail: unknown) => eventBridgeEvent('proton-connection-cleanup', DECOMMISSION_REQUESTED, detail);

    it('builds the request from the detail, with the event as trigger', () => {
      const raw = event({ connectionId: id, mode: 'execute', environment });
      expect(resolveRequest(raw, settings)).toEqual({
        target: hub,
        connectionId: id,
        protonApi: 'available',
        mode: 'execute',
        environment,
        options: DEFAULT_OPTIONS,
        trigger: { type: 'event', source: 'proton-connection-cleanup', detailType: DECOMMISSION_REQUESTED, eventId: raw.id },
      });
    });

    it('uses the default mode when the detail gives none', () => {
      expect(resolveRequest(event({ connectionId: id }), settings).mode).toBe('plan');
    });

    it('names detail fields in its errors as detail.<field>', () => {
      const error = rejectionOf(event({ connectionId: 'nope', mode: 'apply' }));
      expect(error.problems).toHaveLength(2);
      expect(error.problems.some((p) => p.startsWith('detail.connectionId:'))).toBe(true);
      expect(error.problems.some((p) => p.startsWith('detail.mode:'))).toBe(true);
    });

    it('names nested detail fields with their full path', () => {
      const error = rejectionOf(event({ connectionId: id, environment: { ...environment, managementAccountId: 'x' } }));
      expect(error.problems).toEqual([expect.stringMatching(/^detail\.environment\.managementAccountId: /)]);
    });

    it('rejects unknown fields in the detail, naming them', () => {
      expect(rejectionOf(event({ connectionId: id, force: true })).problems).toEqual([expect.stringMatching(/^detail: .*"force"/)]);
    });

    it('accepts the decommission event only from the source this deployment is configured with', () => {
      const error = rejectionOf(event({ connectionId: id }), { ...settings, requestEventSource: 'platform.decommissions' });
      expect(error.message).toContain('expected source "platform.decommissions"');
    });
  });

  describe('Proton connection status change event', () => {
    const event = (detail: unknown) => eventBridgeEvent('aws.proton', PROTON_CONNECTION_STATUS_CHANGE, detail);

    it('turns a REJECTED connection into a request in the default mode', () => {
      const raw = event({ id, status: 'REJECTED' });
      expect(resolveRequest(raw, settings)).toEqual({
        target: hub,
        connectionId: id,
        protonApi: 'available',
        mode: 'plan',
        options: DEFAULT_OPTIONS,
        trigger: { type: 'event', source: 'aws.proton', detailType: PROTON_CONNECTION_STATUS_CHANGE, eventId: raw.id },
      });
    });

    it('follows the deployment default mode, whatever it is', () => {
      expect(resolveRequest(event({ id, status: 'REJECTED' }), { ...settings, defaultMode: 'execute' }).mode).toBe('execute');
    });

    it.each(['CONNECTED', 'PENDING'])('rejects a change to %s, naming detail.status and the status that is expected', (status) => {
      const error = rejectionOf(event({ id, status }));
      expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^detail\\.status: "${status}".*"REJECTED"`))]);
    });

    it('rejects a connection id that is not a UUID, naming detail.id', () => {
      expect(rejectionOf(event({ id: 'nope', status: 'REJECTED' })).problems).toEqual([expect.stringMatching(/^detail\.id: /)]);
    });
  });

  describe('other events', () => {
    it('rejects an event of an unknown source and detail-type, naming the triggers it accepts', () => {
      const error = rejectionOf(eventBridgeEvent('aws.ec2', 'EC2 Instance State-change Notification', {}));
      expect(error.message).toContain('"aws.ec2"');
      expect(error.message).toContain(`source "proton-connection-cleanup" with detail-type "${DECOMMISSION_REQUESTED}"`);
      expect(error.message).toContain(`source "aws.proton" with detail-type "${PROTON_CONNECTION_STATUS_CHANGE}"`);
    });

    it('rejects a known source with another detail-type', () => {
      expect(() => resolveRequest(eventBridgeEvent('aws.proton', 'AWS Proton Environment Status Change', { status: 'DELETED' }), settings)).toThrow(
        InvalidRequestError,
      );
    });

    it('rejects a malformed event envelope, naming the field', () => {
      const raw = { ...eventBridgeEvent('proton-connection-cleanup', DECOMMISSION_REQUESTED, { connectionId: id }), time: 'yesterday' };
      expect(rejectionOf(raw).problems).toEqual([expect.stringMatching(/^time: /)]);
    });
  });
});

describe('cleanup options', () => {
  const hub = { account: ACCOUNT, region: REGION };
  const settings: RequestSettings = { defaultMode: 'plan' as const, requestEventSource: 'proton-connection-cleanup', hub, regions: [REGION, 'eu-west-1'] };
  const id = '0f6ad5bd-1c3f-4c3e-9d2e-5d0a3b7c9e11';

  it('takes retainFailedResources, deleteTypes (once each) and deleteConnectionRoles from the console input', () => {
    const request = resolveRequest(
      { connectionId: id, retainFailedResources: true, deleteTypes: ['s3:bucket', 'ssm:parameter', 's3:bucket'], deleteConnectionRoles: true },
      settings,
    );

    expect(request.options).toEqual({ retainFailedResources: true, deleteTypes: ['s3:bucket', 'ssm:parameter'], deleteConnectionRoles: true });
  });

  it.each([
    [{ deleteTypes: ['ec2:instance'] }, /deleteTypes\.0: expected one of "s3:bucket", "logs:log-group", "ecr:repository", "ssm:parameter"/],
    [{ deleteTypes: 's3:bucket' }, /deleteTypes: expected a list of resource types/],
    [{ retainFailedResources: 'yes' }, /retainFailedResources: expected true or false/],
    [{ deleteConnectionRoles: 1 }, /deleteConnectionRoles: expected true or false/],
  ])('rejects %j, naming the option and what it takes', (option, message) => {
    expect(() => resolveRequest({ connectionId: id, ...option }, settings)).toThrow(message);
  });
});

describe('protonApi', () => {
  const retired = { ...settings, protonApi: 'retired' as const };
  const environmentOnly = { environment: { name: 'payments-prod', managementAccountId: '444455556666' } };

  it("follows the deployment's setting when the request says nothing", () => {
    expect(resolveRequest(environmentOnly, retired).protonApi).toBe('retired');
    expect(resolveRequest({ connectionId: id }, settings).protonApi).toBe('available');
  });

  it('lets a request ask for "available" on a retired deployment', () => {
    expect(resolveRequest({ connectionId: id, protonApi: 'available' }, retired).protonApi).toBe('available');
  });

  it('rejects "retired" in a request, saying only the deployment may choose it and why', () => {
    expect(rejectionOf({ ...environmentOnly, protonApi: 'retired' }).problems).toEqual([
      expect.stringMatching(/^protonApi: only the deployment may choose "retired".*serves the environment/),
    ]);
  });

  it('requires the environment on a retired deployment, saying how to name it', () => {
    expect(rejectionOf({ connectionId: id }, retired).problems).toEqual([
      expect.stringMatching(/^environment: this deployment has protonApi=retired.*"environment": \{"name"/),
    ]);
  });

  it("rejects Proton's connection-rejected event on a retired deployment: it names no environment", () => {
    const raw = eventBridgeEvent('aws.proton', PROTON_CONNECTION_STATUS_CHANGE, { id, status: 'REJECTED' });
    expect(rejectionOf(raw, retired).problems).toEqual([expect.stringMatching(/^environment: /)]);
  });
});

describe("a sweep's environments", () => {
  it('reads "<name>@<management account>" into environments', () => {
    expect(resolveRequest({ sweep: true, environments: ['payments-prod@444455556666', 'payments-prod@444455556666'] }, settings).environments).toEqual([
      { name: 'payments-prod', managementAccountId: '444455556666' },
    ]);
  });

  it('rejects a malformed entry, naming it and the expected form', () => {
    expect(rejectionOf({ sweep: true, environments: ['payments-prod'] }).problems).toEqual([
      expect.stringMatching(/^environments\.0: expected "<environment name>@<12-digit management account id>"/),
    ]);
  });

  it('rejects environments without a sweep', () => {
    expect(rejectionOf({ connectionId: id, environments: ['payments-prod@444455556666'] }).problems).toEqual([
      expect.stringMatching(/^environments: .*"sweep": true/),
    ]);
  });
});

describe('decommissionOn', () => {
  const environment = { name: 'payments-prod', managementAccountId: '444455556666' };
  const settings: RequestSettings = {
    defaultMode: 'plan' as const,
    requestEventSource: 'proton-connection-cleanup',
    protonApi: 'retired' as const,
    hub: { account: ACCOUNT, region: REGION },
    regions: [REGION],
  };
  const rejectionOf = (raw: unknown) => {
    try {
      resolveRequest(raw, settings);
    } catch (error) {
      return error as InvalidRequestError;
    }
    return expect.fail(`expected ${JSON.stringify(raw)} to be rejected`);
  };

  it('is refused on a deployment where Proton is available, saying the schedule reads connection tags there', () => {
    expect(() => resolveRequest({ environment, decommissionOn: '2026-12-24' }, { ...settings, protonApi: 'available' })).toThrow(
      /decommissionOn: .*protonApi=retired.*tag the connection/,
    );
  });

  it('carries the date of an environment-only request', () => {
    expect(resolveRequest({ environment, decommissionOn: '2026-12-24' }, settings).decommissionOn).toBe('2026-12-24');
  });

  it.each(['24/12/2026', '2026-02-30', 'soon'])('rejects %s, saying a YYYY-MM-DD date is expected', (day) => {
    expect(rejectionOf({ environment, decommissionOn: day }).problems).toEqual([expect.stringMatching(/^decommissionOn: expected .*YYYY-MM-DD/)]);
  });

  it('rejects it with a connection id, or without an environment', () => {
    expect(rejectionOf({ environment, connectionId: id, decommissionOn: '2026-12-24' }).problems).toEqual([
      expect.stringMatching(/^decommissionOn: .*"environment" alone/),
    ]);
    expect(rejectionOf({ sweep: true, decommissionOn: '2026-12-24' }).problems).toEqual([expect.stringMatching(/^decommissionOn: /)]);
  });
});

describe('request limits', () => {
  it('names the real problem of a deleteTypes list that is too long', () => {
    const five = ['s3:bucket', 's3:bucket', 's3:bucket', 's3:bucket', 's3:bucket'];
    expect(rejectionOf({ connectionId: id, deleteTypes: five }).problems).toEqual(['deleteTypes: expected at most 4 resource types, each once']);
  });

  it('takes at most 200 environments in a sweep (the request travels in the state), saying so', () => {
    const many = Array.from({ length: 201 }, (_, i) => `env-${i}@444455556666`);
    expect(rejectionOf({ sweep: true, environments: many }).problems).toEqual([expect.stringMatching(/^environments: expected at most 200 environments/)]);
  });
});

describe('a reviewed plan to execute', () => {
  const plan = 's3://cleanup-reports-bucket/reports/plan-payments.json';

  it('carries the plan URI and executes it when the input gives no mode', () => {
    expect(resolveRequest({ connectionId: id, plan }, settings)).toMatchObject({ plan, mode: 'execute' });
  });

  it('rejects a plan with "mode": "plan", saying a plan is executed', () => {
    expect(rejectionOf({ connectionId: id, plan, mode: 'plan' }).message).toContain('plan: executes a reviewed plan');
  });

  it('rejects a plan that is not an S3 URI of a JSON report, showing the expected form', () => {
    expect(rejectionOf({ connectionId: id, plan: 'reports/plan.json' }).message).toContain('plan: expected the S3 URI of a reviewed plan report');
  });

  it('rejects a plan with a sweep, saying a plan is one connection or environment', () => {
    expect(rejectionOf({ sweep: true, plan }).message).toContain('executes the reviewed plan of one connection or environment');
  });
});

describe('requestedBy', () => {
  it('carries who asked', () => {
    const caller = 'arn:aws:sts::111122223333:assumed-role/platform/alice';
    expect(resolveRequest({ connectionId: id, requestedBy: caller }, settings).requestedBy).toBe(caller);
  });

  it('rejects an empty requester', () => {
    expect(rejectionOf({ connectionId: id, requestedBy: '' }).message).toContain('requestedBy: expected who asks for this run');
  });
});
