import { verify, type KeyObject } from 'node:crypto';
import { serializeParameters, type Item } from 'structured-headers';
import { verifyContentDigest } from './content-digest';
import { HttpSignatureError } from './errors';
import { checkFreshness, DEFAULT_MAX_SKEW_SECONDS } from './freshness';
import { hasHeader, normalizeHeaders } from './headers';
import { checkRequiredComponents } from './required-components';
import { buildSignatureBase } from './signature-base';
import { DEFAULT_LABEL, parseSignatureInput } from './signature-input';
import { readSignatureBytes } from './signature-value';
import { receivedTargetUri } from './target-uri';
import type { Ed25519Jwk, SignableRequest } from './types';
import { resolveVerifyKey } from './verify-key';

export interface VerifyOptions {
  /** The current time in unix seconds (not milliseconds); defaults to the system clock. */
  now?: number;
  /** How far `created` may be from `now`, in either direction. Default 300. */
  maxSkewSeconds?: number;
  /**
   * Default true: the signature must cover `@method`, `@target-uri`, `authorization` when that header is sent and
   * `content-digest` when that header is sent, and a request with a body must carry Content-Digest.
   */
  requireComponents?: boolean;
  /** The signature label to verify. Default `sig1`, the only one Open Payments clients send. */
  label?: string;
}

/** The verification key, or a function choosing it by the signature's (still unauthenticated) `keyid`. */
export type VerificationKey = Ed25519Jwk | KeyObject;
export type VerificationKeySource =
  VerificationKey | ((keyId: string) => VerificationKey | undefined | Promise<VerificationKey | undefined>);

export interface VerifiedSignature {
  keyId: string;
  created: number;
  /** Covered components in signed order, e.g. `@method`; a parameterized one as `name;param=value`. */
  components: string[];
}

// Unix seconds stay below this until the year 5138; milliseconds passed by mistake are far above it.
const LARGEST_PLAUSIBLE_SECONDS = 1e11;

/**
 * Verifies the `sig1` RFC 9421 signature of a received request and, when a Content-Digest header is present, that it
 * matches the raw body. `request.url` must be the absolute URL the client called, rebuilt from the received request.
 * `key` may be a function of the signature's keyid (the Signature-Input is then parsed once, not twice); when it
 * resolves undefined the error is `unknown_key`, and whatever it throws is passed on as it is.
 * Resolves with what was verified; rejects with an HttpSignatureError whose `code` says why.
 */
export async function verifyRequestSignature(
  request: SignableRequest,
  key: VerificationKeySource,
  options: VerifyOptions = {},
): Promise<VerifiedSignature> {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (now > LARGEST_PLAUSIBLE_SECONDS) {
    throw new HttpSignatureError('invalid_request', 'options.now must be unix seconds, not milliseconds');
  }
  const label = options.label ?? DEFAULT_LABEL;
  const headers = normalizeHeaders(request.headers);
  const input = parseSignatureInput(headers, label);
  const signature = readSignatureBytes(headers, label);
  // RFC 9421 §3.2 step 5: an `alg` that disagrees with the key's algorithm must fail.
  if (input.params.alg !== undefined && input.params.alg !== 'ed25519') {
    throw new HttpSignatureError('unsupported_algorithm', `signature alg ${input.params.alg} is not ed25519`);
  }
  const chosen = typeof key === 'function' ? await key(input.params.keyid) : key;
  if (chosen === undefined) throw new HttpSignatureError('unknown_key', `no key ${input.params.keyid} for this client`);
  const publicKey = resolveVerifyKey(chosen, input.params.keyid);
  checkFreshness(input.params, now, options.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS);
  if (options.requireComponents ?? true) checkRequiredComponents(input.components, headers, request.body);
  if (hasHeader(headers, 'content-digest')) verifyContentDigest(headers['content-digest'], request.body ?? '');

  const message = { method: request.method, url: receivedTargetUri(request.url), headers };
  let valid = false;
  for (const paramsText of input.paramsTexts) {
    const base = Buffer.from(buildSignatureBase(input.components, paramsText, message), 'utf8');
    if ((valid = await verifyEd25519(base, publicKey, signature))) break;
  }
  if (!valid) throw new HttpSignatureError('invalid_signature', 'signature does not verify');
  return { keyId: input.params.keyid, created: input.params.created, components: input.components.map(describe) };
}

// On libuv's thread pool, not the event loop: an Ed25519 verification is ~0.1 ms of CPU, the largest single cost of
// a signed request, and a server verifying every request would otherwise spend it on its one JavaScript thread.
function verifyEd25519(data: Buffer, publicKey: KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) =>
    verify(null, data, publicKey, signature, (error, valid) => (error ? reject(error) : resolve(valid))),
  );
}

function describe([name, params]: Item): string {
  return `${String(name)}${serializeParameters(params)}`;
}
