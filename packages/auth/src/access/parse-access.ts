import { isDeepStrictEqual } from 'node:util';
import { invalidRequest } from '../errors';
import { isUint64String } from './amount';
import { IntervalFormatError, parseRepeatingInterval } from './interval';
import { readArray, readHttpUrl, readObject, readString } from './shape';
import {
  INCOMING_PAYMENT_ACTIONS,
  OUTGOING_PAYMENT_ACTIONS,
  QUOTE_ACTIONS,
  type AccessItem,
  type Amount,
  type OutgoingPaymentLimits,
} from './types';

// The receiver pattern of auth-server.yaml (`receiver` schema).
const RECEIVER = /^(https|http):\/\/(.+)\/incoming-payments\/(.+)$/;

/**
 * Reads an `access` array (grant request or introspection request) into canonical access items. Follows the
 * auth-server spec: 1–3 unique items, unique actions, `identifier` required for outgoing payments and absent on quotes,
 * limits only on outgoing payments, at most one of debitAmount / receiveAmount.
 */
export function parseAccessItems(value: unknown, path: string): AccessItem[] {
  const items = readArray(value, path, 1, 3).map((item, index) => parseAccessItem(item, `${path}[${index}]`));
  items.forEach((item, index) => {
    if (items.findIndex((other) => isDeepStrictEqual(other, item)) !== index) {
      throw invalidRequest(`${path}[${index}] repeats an earlier item`);
    }
  });
  return items;
}

export function parseAccessItem(value: unknown, path: string): AccessItem {
  const type = readObject(value, path, ['type', 'actions', 'identifier', 'limits']).type;
  switch (type) {
    case 'incoming-payment': {
      const item = readObject(value, path, ['type', 'actions', 'identifier']);
      const actions = readActions(item.actions, `${path}.actions`, INCOMING_PAYMENT_ACTIONS);
      return item.identifier === undefined
        ? { type, actions }
        : { type, actions, identifier: readHttpUrl(item.identifier, `${path}.identifier`) };
    }
    case 'outgoing-payment': {
      const item = readObject(value, path, ['type', 'actions', 'identifier', 'limits']);
      const actions = readActions(item.actions, `${path}.actions`, OUTGOING_PAYMENT_ACTIONS);
      if (item.identifier === undefined) throw invalidRequest(`${path}.identifier is required for outgoing payments`);
      const identifier = readHttpUrl(item.identifier, `${path}.identifier`);
      return item.limits === undefined
        ? { type, actions, identifier }
        : { type, actions, identifier, limits: parseLimits(item.limits, `${path}.limits`) };
    }
    case 'quote': {
      // The spec's access-quote has no identifier: quotes are scoped by the wallet address in each RS request.
      const item = readObject(value, path, ['type', 'actions']);
      return { type, actions: readActions(item.actions, `${path}.actions`, QUOTE_ACTIONS) };
    }
    default:
      throw invalidRequest(`${path}.type must be incoming-payment, outgoing-payment or quote`);
  }
}

export function readActions<T extends string>(value: unknown, path: string, allowed: readonly T[]): T[] {
  const actions = readArray(value, path, 1, allowed.length);
  for (const [index, action] of actions.entries()) {
    if (!allowed.includes(action as T)) throw invalidRequest(`${path}[${index}] must be one of ${allowed.join(', ')}`);
    if (actions.indexOf(action) !== index) throw invalidRequest(`${path}[${index}] repeats "${String(action)}"`);
  }
  return actions as T[];
}

export function parseLimits(value: unknown, path: string): OutgoingPaymentLimits {
  const limits = readObject(value, path, ['receiver', 'interval', 'debitAmount', 'receiveAmount']);
  // The schema's anyOf would let both through; the official client refuses to send both ("Only one of …"), so a
  // request with both is not one the ecosystem means.
  if (limits.debitAmount !== undefined && limits.receiveAmount !== undefined) {
    throw invalidRequest(`${path} may set debitAmount or receiveAmount, not both`);
  }
  const result: OutgoingPaymentLimits = {};
  if (limits.receiver !== undefined) {
    const receiver = readHttpUrl(limits.receiver, `${path}.receiver`);
    if (!RECEIVER.test(receiver)) throw invalidRequest(`${path}.receiver must be an incoming payment URL`);
    result.receiver = receiver;
  }
  if (limits.interval !== undefined) {
    const interval = readString(limits.interval, `${path}.interval`, 200);
    try {
      parseRepeatingInterval(interval);
    } catch (error) {
      if (error instanceof IntervalFormatError) throw invalidRequest(`${path}.interval: ${error.message}`);
      throw error;
    }
    result.interval = interval;
  }
  if (limits.debitAmount !== undefined) result.debitAmount = parseAmount(limits.debitAmount, `${path}.debitAmount`);
  if (limits.receiveAmount !== undefined) {
    result.receiveAmount = parseAmount(limits.receiveAmount, `${path}.receiveAmount`);
  }
  return result;
}

function parseAmount(value: unknown, path: string): Amount {
  const amount = readObject(value, path, ['value', 'assetCode', 'assetScale']);
  if (!isUint64String(amount.value)) throw invalidRequest(`${path}.value must be an unsigned 64-bit integer string`);
  // A limit of zero allows no payment at all; it is a mistake, not a grant.
  if (amount.value === '0') throw invalidRequest(`${path}.value must be greater than zero`);
  const assetCode = readString(amount.assetCode, `${path}.assetCode`, 64);
  const { assetScale } = amount;
  if (typeof assetScale !== 'number' || !Number.isInteger(assetScale) || assetScale < 0 || assetScale > 255) {
    throw invalidRequest(`${path}.assetScale must be an integer from 0 to 255`);
  }
  return { value: amount.value, assetCode, assetScale };
}
