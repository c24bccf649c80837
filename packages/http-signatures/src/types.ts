import type { KeyObject } from 'node:crypto';

/** The parts of an HTTP request a signature can cover. `url` is the absolute target URI, query included. */
export interface SignableRequest {
  method: string;
  url: string;
  /** Header names in any case; arrays are separate field lines of one header. */
  headers: Record<string, string | string[] | undefined>;
  /** The exact body bytes sent or received; a string is taken as UTF-8. */
  body?: string | Buffer;
}

/** An Ed25519 public key in the shape Open Payments publishes at `<wallet address>/jwks.json`. */
export interface Ed25519Jwk {
  kid: string;
  alg: 'EdDSA';
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  use?: 'sig';
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

/** Headers to add to (and override on) the request that was signed. */
export interface SignatureHeaders {
  Signature: string;
  'Signature-Input': string;
  'Content-Digest'?: string;
  'Content-Length'?: string;
  'Content-Type'?: string;
}
