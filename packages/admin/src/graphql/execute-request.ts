// Runs one GraphQL-over-HTTP request body against the schema and answers as Apollo Server (Rafiki's) does: a request
// that cannot run (bad JSON shape, syntax, validation, variables) is a 400 with its errors; one that ran is a 200
// with data and the errors of the fields that failed. Unexpected errors are logged and answered without details.
import {
  GraphQLError,
  execute,
  parse,
  validate,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../errors';

export interface GraphQLHttpResult {
  status: number;
  body: { data?: unknown; errors?: GraphQLFormattedError[] };
}

const requestError = (message: string, code: string): GraphQLHttpResult => ({
  status: 400,
  body: { errors: [{ message, extensions: { code } }] },
});

function withCode(error: GraphQLError, code: string): GraphQLFormattedError {
  return { ...error.toJSON(), extensions: { ...error.extensions, code } };
}

/** A field error as the client sees it: coded errors as they are; anything unexpected masked and logged. */
function formatFieldError(error: GraphQLError, logger: Logger): GraphQLFormattedError {
  if (typeof error.extensions.code === 'string') return error.toJSON();
  const original = error.originalError;
  if (original && !(original instanceof GraphQLError)) {
    logger.error({ err: original, path: error.path }, 'admin API: unexpected error');
    return {
      message: 'Internal server error',
      locations: error.locations,
      path: error.path,
      extensions: { code: ErrorCode.InternalServerError },
    };
  }
  return withCode(error, ErrorCode.InternalServerError);
}

export async function executeRequest(
  schema: GraphQLSchema,
  body: unknown,
  contextValue: unknown,
  logger: Logger,
): Promise<GraphQLHttpResult> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return requestError('the body must be a JSON object with a query', ErrorCode.BadUserInput);
  }
  const { query, variables, operationName } = body as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') {
    return requestError('query must be a non-empty string', ErrorCode.BadUserInput);
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return requestError('variables must be an object', ErrorCode.BadUserInput);
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return requestError('operationName must be a string', ErrorCode.BadUserInput);
  }
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { status: 400, body: { errors: [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')] } };
  }
  const validationErrors = validate(schema, document);
  if (validationErrors.length > 0) {
    return {
      status: 400,
      body: { errors: validationErrors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) },
    };
  }
  const result = await execute({
    schema,
    document,
    contextValue,
    variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: operationName ?? undefined,
  });
  // No `data` at all: the request never started (variables that do not fit, no such operation).
  if (!('data' in result)) {
    return { status: 400, body: { errors: (result.errors ?? []).map((e) => withCode(e, ErrorCode.BadUserInput)) } };
  }
  return {
    status: 200,
    body: {
      ...(result.errors ? { errors: result.errors.map((error) => formatFieldError(error, logger)) } : {}),
      data: result.data,
    },
  };
}
