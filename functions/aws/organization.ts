import { ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand } from '@aws-sdk/client-organizations';
import { organizations } from './clients.js';
import { callAws } from './error-mapping.js';

/**
 * The accounts under an OU or root, recursively (ListAccountsForParent and
 * ListOrganizationalUnitsForParent, paged): only ACTIVE accounts, since a suspended or closed one
 * has nothing the hub can assume a role in.
 */
export async function accountsUnder(parentIds: readonly string[]): Promise<string[]> {
  const accounts = new Set<string>();
  const pending = [...parentIds];
  const seen = new Set<string>();
  for (let parentId = pending.shift(); parentId !== undefined; parentId = pending.shift()) {
    if (seen.has(parentId)) continue;
    seen.add(parentId);
    for (let token: string | undefined, first = true; first || token; first = false) {
      const page = await callAws(`ListAccountsForParent ${parentId}`, () =>
        organizations().send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken: token })),
      );
      for (const account of page.Accounts ?? []) if (account.Id && (account.State ?? account.Status) === 'ACTIVE') accounts.add(account.Id);
      token = page.NextToken;
    }
    for (let token: string | undefined, first = true; first || token; first = false) {
      const page = await callAws(`ListOrganizationalUnitsForParent ${parentId}`, () =>
        organizations().send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken: token })),
      );
      for (const unit of page.OrganizationalUnits ?? []) if (unit.Id) pending.push(unit.Id);
      token = page.NextToken;
    }
  }
  return [...accounts].sort();
}
