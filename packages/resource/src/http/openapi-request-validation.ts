// Routes and validates Open Payments requests against the official resource-server OpenAPI document, read from the
// `@interledger/open-payments` package (never copied here), so our input rules are the specification's own.
//
// openapi-backend's definition validator only knows OpenAPI 3.0 and rejects the 3.1 documents, so it runs in quick
// mode (no definition validation); request validation still uses the document's schemas, compiled by Ajv. The formats
// the document uses are defined here because Ajv ignores unknown formats.
import type Koa from 'koa';
import OpenAPIBackend, { type Operation, type Request as OpenApiRequest } from 'openapi-backend';
import type Ajv from 'ajv';
import { OpenPaymentsError } from '../open-payments-error';
import { readJsonBody } from './json-body';

const UINT64_MAX = 18446744073709551615n;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The official document: `@interledger/open-payments`'s copy of the resource-server specification. */
export function resourceServerSpecPath(): string {
  return require.resolve('@interledger/open-payments/dist/openapi/specs/resource-server.yaml');
}

function addOpenPaymentsFormats(ajv: Ajv): Ajv {
  ajv.addFormat('uint64', {
    type: 'string',
    validate: (value: string) => /^(0|[1-9]\d{0,19})$/.test(value) && BigInt(value) <= UINT64_MAX,
  });
  ajv.addFormat('uri', { type: 'string', validate: (value: string) => URL.canParse(value) });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)),
  });
  return ajv;
}

/** The OpenAPI document could not be read, parsed or dereferenced. */
export class OpenApiDocumentError extends Error {
  override readonly name = 'OpenApiDocumentError';
  readonly code = 'openapi_document';
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

interface Parameter {
  in?: string;
}

interface OpenApiOperation {
  requestBody?: unknown;
  parameters?: Parameter[];
}

interface OpenApiDocument {
  paths: Record<string, { parameters?: Parameter[] } & Record<string, OpenApiOperation | Parameter[] | undefined>>;
}

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  operation: Operation;
}

/**
 * The document's operations as regular expressions, built once: openapi-backend's own matcher rebuilds them on every
 * call (about 75 µs a request), more than validating the request itself.
 */
function compileRoutes(api: OpenAPIBackend): CompiledRoute[] {
  return api.getOperations().map((operation) => {
    const template = operation.path
      .split(/(\{[^}]+\})/)
      .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('');
    return { method: operation.method.toUpperCase(), pattern: new RegExp(`^${template}/?$`), operation };
  });
}

/**
 * Gives every operation's request body schema its own copy of each subschema. The dereferenced document shares
 * objects between `$ref`s, and openapi-backend turns shared objects into JSON-pointer `$ref`s before compiling, which
 * Ajv then refuses (e.g. a shared `required` array). Also lets a quote's `receiver` be a wallet address URL as well as
 * an incoming payment URL (our extension: the quote then creates the incoming payment there), so the document's
 * incoming-payment-only pattern is dropped for that one field; the quote handler checks the URL itself.
 */
function prepareRequestBodies(document: OpenApiDocument): void {
  const withoutHeaders = (parameters: Parameter[] | undefined) =>
    parameters?.filter((parameter) => parameter.in !== 'header');
  for (const pathItem of Object.values(document.paths)) {
    // Headers are authorization's business (a missing signature is a 401, not a 400): not validated here.
    if (pathItem.parameters) pathItem.parameters = withoutHeaders(pathItem.parameters);
    for (const [key, operation] of Object.entries(pathItem)) {
      if (!HTTP_METHODS.has(key) || typeof operation !== 'object' || Array.isArray(operation)) continue;
      if (operation.parameters) operation.parameters = withoutHeaders(operation.parameters);
      if (!operation.requestBody) continue;
      operation.requestBody = JSON.parse(JSON.stringify(operation.requestBody), (name, value: unknown) => {
        if (name === 'receiver' && typeof value === 'object' && value !== null && 'pattern' in value) {
          const { pattern: _pattern, ...rest } = value as Record<string, unknown>;
          return rest;
        }
        return value;
      });
    }
  }
}

function describe(errors: NonNullable<ReturnType<OpenAPIBackend['validateRequest']>['errors']>): string {
  return errors
    .slice(0, 3)
    .map(
      (error) =>
        `${error.instancePath.replace(/^\/requestBody/, 'body') || 'request'} ${error.message ?? 'is invalid'}`,
    )
    .join('; ');
}

/**
 * Koa middleware: a request that matches an operation of the document has its path, query and JSON body checked
 * against it (400 `invalid_request` when they do not conform); other requests (wallet addresses, SPSP) pass through.
 * Headers are left to the authorization step so a missing token or signature stays a 401, as clients expect.
 */
export function openApiRequestValidation(
  specPath = resourceServerSpecPath(),
): Koa.Middleware & { ready(): Promise<void> } {
  const api = new OpenAPIBackend({
    definition: specPath,
    quick: true,
    strict: false,
    validate: true,
    customizeAjv: (ajv) => addOpenPaymentsFormats(ajv),
  });
  // Reading and dereferencing the document is asynchronous: ready() does it (a server awaits it before listening, so
  // a broken document fails startup), and a request arriving before that waits for the same work.
  let ready: Promise<CompiledRoute[]> | undefined;
  const init = async () => {
    try {
      // In quick mode openapi-backend neither awaits nor reports a document that fails to load (it becomes an
      // unhandled rejection); loading it here first makes that failure ours to report.
      await api.loadDocument();
      await api.init();
    } catch (cause) {
      throw new OpenApiDocumentError(`cannot load the OpenAPI document ${specPath}: ${String(cause)}`, { cause });
    }
    if (typeof (api.definition as Partial<OpenApiDocument> | undefined)?.paths !== 'object') {
      throw new OpenApiDocumentError(`the OpenAPI document ${specPath} has no paths`);
    }
    prepareRequestBodies(api.definition as unknown as OpenApiDocument);
    return compileRoutes(api);
  };
  const middleware: Koa.Middleware = async (ctx, next) => {
    const routes = await (ready ??= init());
    const operation = routes.find((route) => route.method === ctx.method && route.pattern.test(ctx.path))?.operation;
    if (!operation) return next();
    ctx.state.operationId = operation.operationId;
    const request: OpenApiRequest = {
      method: ctx.method,
      path: ctx.path,
      query: ctx.querystring,
      headers: { 'content-type': ctx.get('content-type') },
    };
    if (operation.requestBody) request.body = await readJsonBody(ctx);
    const errors = api.validator.validateRequest(request, operation).errors ?? [];
    if (errors.length > 0) {
      throw new OpenPaymentsError(400, 'invalid_request', describe(errors), {
        errors: errors.map((error) => ({ field: error.instancePath, message: error.message })),
      });
    }
    return next();
  };
  return Object.assign(middleware, {
    async ready() {
      await (ready ??= init());
    },
  });
}
