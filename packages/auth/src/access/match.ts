import { isDeepStrictEqual } from 'node:util';
import type { AccessAction, AccessItem, RequestedAccess } from './types';

/**
 * Whether a granted item covers a requested one (introspection): same type; every requested action granted, where
 * read-all covers read and list-all covers list; the same identifier when the grant names one; and, when the request
 * names limits, the very same limits.
 */
export function grantCovers(granted: AccessItem, requested: RequestedAccess): boolean {
  if (granted.type !== requested.type) return false;
  const grantedActions = granted.actions as AccessAction[];
  for (const action of requested.actions) {
    const covered =
      grantedActions.includes(action) ||
      (action === 'read' && grantedActions.includes('read-all')) ||
      (action === 'list' && grantedActions.includes('list-all'));
    if (!covered) return false;
  }
  if ('identifier' in granted && granted.identifier !== undefined) {
    if (requested.identifier !== granted.identifier) return false;
  }
  if (requested.limits !== undefined) {
    if (!('limits' in granted) || !isDeepStrictEqual(requested.limits, granted.limits)) return false;
  }
  return true;
}

/**
 * The granted items that cover the requested ones, each at most once, in grant order. Without a request, every
 * granted item (the resource server then decides by itself).
 */
export function matchAccess(granted: AccessItem[], requested: RequestedAccess[] | undefined): AccessItem[] {
  if (requested === undefined) return granted;
  return granted.filter((item) => requested.some((wanted) => grantCovers(item, wanted)));
}
