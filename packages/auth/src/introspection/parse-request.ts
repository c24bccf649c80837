import { invalidRequest } from '../errors';
import { parseLimits, readActions } from '../access/parse-access';
import { readArray, readHttpUrl, readObject, readString } from '../access/shape';
import {
  INCOMING_PAYMENT_ACTIONS,
  OUTGOING_PAYMENT_ACTIONS,
  QUOTE_ACTIONS,
  type AccessAction,
  type RequestedAccess,
} from '../access/types';

const ACTIONS: Record<string, readonly AccessAction[]> = {
  'incoming-payment': INCOMING_PAYMENT_ACTIONS,
  'outgoing-payment': OUTGOING_PAYMENT_ACTIONS,
  quote: QUOTE_ACTIONS,
};

/**
 * Validates `{ access_token, access? }`, refusing unknown fields like every other endpoint. Properties whose value is
 * `undefined` count as absent: an in-process caller builds these objects directly, without a JSON round trip.
 */
export function parseIntrospectionRequest(body: unknown): { access_token: string; access?: RequestedAccess[] } {
  if (body === undefined) throw invalidRequest('introspection needs a JSON body');
  const request = readObject(withoutUndefined(body), 'body', ['access_token', 'access']);
  const accessToken = readString(request.access_token, 'access_token', 512);
  if (request.access === undefined) return { access_token: accessToken };
  const access = readArray(request.access, 'access', 0, 3).map((item, index) =>
    parseRequestedAccess(withoutUndefined(item), `access[${index}]`),
  );
  return { access_token: accessToken, access };
}

function parseRequestedAccess(value: unknown, path: string): RequestedAccess {
  const item = readObject(value, path, ['type', 'actions', 'identifier', 'limits']);
  const allowed = typeof item.type === 'string' ? ACTIONS[item.type] : undefined;
  if (allowed === undefined) throw invalidRequest(`${path}.type must be incoming-payment, outgoing-payment or quote`);
  const result: RequestedAccess = {
    type: item.type as RequestedAccess['type'],
    actions: readActions(item.actions, `${path}.actions`, allowed),
  };
  if (item.identifier !== undefined) result.identifier = readHttpUrl(item.identifier, `${path}.identifier`);
  if (item.limits !== undefined) {
    if (result.type !== 'outgoing-payment') throw invalidRequest(`${path}.limits exist only for outgoing payments`);
    result.limits = parseLimits(item.limits, `${path}.limits`);
  }
  return result;
}

function withoutUndefined(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined));
}
