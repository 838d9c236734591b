/** IAM: role and policy ARNs, list pages and errors. */

import {
  DeleteConflictException,
  IAMServiceException,
  type ListAttachedRolePoliciesResponse,
  type ListInstanceProfilesForRoleResponse,
  type ListRolePoliciesResponse,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { ACCOUNT_ID, metadata } from './constants.js';

/** A role ARN in this account; `path` is IAM's role path, e.g. "/proton/". */
export function iamRoleArn(name: string, path = '/'): string {
  return `arn:aws:iam::${ACCOUNT_ID}:role${path}${name}`;
}

export function managedPolicyArn(name: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:policy/${name}`;
}

export const iamError = {
  noSuchEntity: (roleName = 'proton-environment-role') =>
    new NoSuchEntityException({ message: `The role with name ${roleName} cannot be found.`, $metadata: metadata(404) }),
  deleteConflict: () => new DeleteConflictException({ message: 'Cannot delete entity, must detach all policies first.', $metadata: metadata(409) }),
  /** IAM does not model throttling: the SDK raises the service exception named by the error code. */
  throttling: () => new IAMServiceException({ name: 'Throttling', $fault: 'client', $metadata: metadata(400), message: 'Rate exceeded' }),
};

/** IAM's paging fields: a Marker for the next page only while IsTruncated. */
function iamPaging(nextMarker?: string): { IsTruncated: boolean; Marker?: string } {
  return nextMarker ? { IsTruncated: true, Marker: nextMarker } : { IsTruncated: false };
}

/** One page of ListAttachedRolePolicies; `nextMarker` when more pages follow. */
export function attachedPoliciesPage(policyArns: string[], nextMarker?: string): ListAttachedRolePoliciesResponse {
  return { AttachedPolicies: policyArns.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split('/').at(-1) })), ...iamPaging(nextMarker) };
}

/** One page of ListRolePolicies (inline policy names). */
export function inlinePoliciesPage(policyNames: string[], nextMarker?: string): ListRolePoliciesResponse {
  return { PolicyNames: policyNames, ...iamPaging(nextMarker) };
}

/** One page of ListInstanceProfilesForRole. */
export function instanceProfilesPage(profileNames: string[], nextMarker?: string): ListInstanceProfilesForRoleResponse {
  return {
    InstanceProfiles: profileNames.map((InstanceProfileName) => ({
      Path: '/',
      InstanceProfileName,
      InstanceProfileId: `AIPA${InstanceProfileName.toUpperCase()}`,
      Arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${InstanceProfileName}`,
      CreateDate: new Date('2024-01-01T00:00:00Z'),
      Roles: [],
    })),
    ...iamPaging(nextMarker),
  };
}
