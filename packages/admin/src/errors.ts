// GraphQL errors as Rafiki's admin API returns them: a GraphQLError whose `extensions.code` says what went wrong.
// The codes are Rafiki's (BAD_USER_INPUT, DUPLICATE, FORBIDDEN, INACTIVE, INTERNAL_SERVER_ERROR, NOT_FOUND,
// CONFLICT) plus SERVICE_UNAVAILABLE, ours, for operations whose service is not part of this server.
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  BadUserInput: 'BAD_USER_INPUT',
  Duplicate: 'DUPLICATE',
  Forbidden: 'FORBIDDEN',
  Inactive: 'INACTIVE',
  InternalServerError: 'INTERNAL_SERVER_ERROR',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  ServiceUnavailable: 'SERVICE_UNAVAILABLE',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error a client is meant to see: its message and code reach the response unchanged. */
export class AdminError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message, { extensions: { code } });
    this.name = 'AdminError';
  }
}

export const badInput = (message: string) => new AdminError(ErrorCode.BadUserInput, message);
export const notFound = (message: string) => new AdminError(ErrorCode.NotFound, message);

/** The operation needs a service this server was built without (e.g. the connector in an admin-only process). */
export const serviceUnavailable = (service: string) =>
  new AdminError(ErrorCode.ServiceUnavailable, `${service} is not available on this server`);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; checking before a query keeps a malformed id from reaching PostgreSQL's uuid cast. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
