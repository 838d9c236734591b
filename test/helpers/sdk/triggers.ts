/** The triggers: the scheduled sweep's tag and the EventBridge event a rule delivers. */

import { ACCOUNT_ID, CONNECTION_ARN, CONNECTION_ID, REGION } from './constants.js';

/** The tag the sweep reads (DECOMMISSION_TAG_KEY in test/setup-env.ts). */
export const DECOMMISSION_TAG_KEY = 'proton-cleanup:decommission-on';

/** An EventBridge event as delivered to a rule's target: by default, Proton reporting a REJECTED connection. */
export function deliveredEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: 'b2c3d4e5-6f70-4812-9a3b-4c5d6e7f8091',
    'detail-type': 'AWS Proton Environment Account Connection Status Change',
    source: 'aws.proton',
    account: ACCOUNT_ID,
    time: '2026-11-25T05:59:12Z',
    region: REGION,
    resources: [CONNECTION_ARN],
    detail: { id: CONNECTION_ID, status: 'REJECTED', previousStatus: 'PENDING' },
    ...overrides,
  };
}
