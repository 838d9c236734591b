/** The Resource Groups Tagging API: tag mappings and throttling. */

import { type ResourceTagMapping, ThrottledException } from '@aws-sdk/client-resource-groups-tagging-api';
import { ENVIRONMENT_ARN, metadata } from './constants.js';

export const taggingThrottled = () => new ThrottledException({ message: 'Rate exceeded', $metadata: metadata(400) });

export function tagMapping(arn: string, tags: Record<string, string>): ResourceTagMapping {
  return { ResourceARN: arn, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) };
}

/** The tags CloudFormation and Proton put on a resource of an environment stack. */
export function stackResourceTags(stack: string, logicalId: string): Record<string, string> {
  return {
    'proton:environment': ENVIRONMENT_ARN,
    'aws:cloudformation:stack-id': stack,
    'aws:cloudformation:logical-id': logicalId,
  };
}
