// Public API of @sluice/http-signatures: RFC 9421 request signatures with Ed25519, RFC 9530 Content-Digest and JWK
// helpers, as Open Payments uses them. See README.md.
export type { Ed25519Jwk, SignableRequest, SignatureHeaders, SigningKey } from './types';
export { HttpSignatureError, isHttpSignatureError, type HttpSignatureErrorCode } from './errors';
export { exportPublicJwk, generateEd25519Key, importPublicJwk, isEd25519Jwk } from './jwk';
export { exportPrivateKeyPem, loadPrivateKeyPem } from './pem';
export { createContentDigest, verifyContentDigest } from './content-digest';
export { signRequest, type SignOptions } from './sign';
export { getSignatureKeyId } from './key-id';
export {
  verifyRequestSignature,
  type VerificationKey,
  type VerificationKeySource,
  type VerifiedSignature,
  type VerifyOptions,
} from './verify';
export { DEFAULT_MAX_SKEW_SECONDS } from './freshness';
export { DEFAULT_LABEL } from './signature-input';
export { JwksKeyCache, jwksUrl, type JwksKeyCacheDeps } from './key-cache';
