/**
 * Every way a signature, digest or key can be refused. Callers branch on `code` (never on the message), so each code
 * names one cause a caller may want to treat differently (e.g. answer 401 vs. refetch keys vs. log a bug).
 */
export type HttpSignatureErrorCode =
  /** No Signature / Signature-Input header, or none for the expected label. */
  | 'missing_signature'
  /** Signature-Input is not a valid RFC 8941 dictionary member of the shape RFC 9421 requires. */
  | 'malformed_signature_input'
  /** The Signature header member is not a byte sequence of an Ed25519 signature's length. */
  | 'malformed_signature'
  /** The `alg` parameter names an algorithm other than ed25519. */
  | 'unsupported_algorithm'
  /** The signature's `keyid` does not name the key it is being verified with. */
  | 'unknown_key'
  /** A JWK, PEM or KeyObject that is not a usable Ed25519 key. */
  | 'invalid_key'
  /** `created` is outside the allowed clock skew, or `expires` has passed. */
  | 'signature_expired'
  /** A component policy requires is not covered, or a covered header is absent from the request. */
  | 'missing_component'
  /** The signature does not verify over the reconstructed signature base. */
  | 'invalid_signature'
  /** The request has a body but no Content-Digest header. */
  | 'missing_digest'
  /** Content-Digest is not a dictionary of byte sequences. */
  | 'malformed_digest'
  /** Content-Digest carries no algorithm we accept (sha-256, sha-512). */
  | 'unsupported_digest'
  /** A Content-Digest value does not match the body. */
  | 'digest_mismatch'
  /** A fetched JWKS document does not have a `keys` array. */
  | 'malformed_jwks'
  /** The request handed to this package cannot be signed or verified as given (e.g. a relative URL). */
  | 'invalid_request';

export class HttpSignatureError extends Error {
  override readonly name = 'HttpSignatureError';

  constructor(
    readonly code: HttpSignatureErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isHttpSignatureError(error: unknown, code?: HttpSignatureErrorCode): error is HttpSignatureError {
  return error instanceof HttpSignatureError && (code === undefined || error.code === code);
}
