// Rafiki's idempotency for mutations: `input.idempotencyKey` with the same operation and arguments returns the
// first result and changes nothing again; the same key with other arguments is refused. Without a key the mutation
// simply runs.
import { createHash } from 'node:crypto';
import type { GraphQLFieldResolver } from 'graphql';
import { canonicalJson } from '@sluice/resource';
import { AdminError, ErrorCode, badInput } from '../errors';
import type { AdminContext } from './context';

type MutationResolver = GraphQLFieldResolver<unknown, AdminContext, { input?: { idempotencyKey?: unknown } }>;

/** Arguments as JSON: UInt64 values arrive as bigint and are compared as decimal strings. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
  }
  return value;
}

export function requestHash(args: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(jsonSafe(args)))
    .digest('hex');
}

export function idempotent(operation: string, resolve: MutationResolver): MutationResolver {
  return async (source, args, context, info) => {
    const key = args.input?.idempotencyKey;
    if (key === undefined || key === null) return resolve(source, args, context, info);
    if (typeof key !== 'string' || key.length === 0 || key.length > 255) {
      throw badInput('idempotencyKey must be a string of 1 to 255 characters');
    }
    const claim = await context.idempotency.claim(key, operation, requestHash(args));
    switch (claim.kind) {
      case 'replay':
        return claim.result;
      case 'mismatch':
        throw new AdminError(
          ErrorCode.Conflict,
          `Incoming arguments are different than the original request for idempotencyKey: ${key}`,
        );
      case 'in_progress':
        throw new AdminError(ErrorCode.Conflict, `Concurrent request for idempotencyKey: ${key}`);
      case 'claimed':
        break;
    }
    let result: unknown;
    try {
      result = await resolve(source, args, context, info);
    } catch (error) {
      await context.idempotency.release(key, claim.claimId);
      throw error;
    }
    try {
      await context.idempotency.complete(key, claim.claimId, result);
    } catch (error) {
      // The mutation happened: its result is the answer. Unrecorded, the key is free again once its claim lapses.
      context.logger.error({ err: error, idempotencyKey: key, operation }, 'recording an idempotency key failed');
    }
    return result;
  };
}
