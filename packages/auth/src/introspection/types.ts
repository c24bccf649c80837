import type { AccessItem, RequestedAccess } from '../access/types';

/** What the resource server sends: the token it was shown and, optionally, the access it needs for this request. */
export interface IntrospectionRequest {
  access_token: string;
  access?: RequestedAccess[];
}

/**
 * An Ed25519 public JWK. A type alias rather than the http-signatures interface, so it is assignable to a caller's
 * `Record<string, unknown>` (interfaces have no implicit index signature).
 */
export type IntrospectedJwk = {
  kid: string;
  alg: 'EdDSA';
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  use?: 'sig';
};

export type IntrospectedClient = { walletAddress: string } | { jwk: IntrospectedJwk };

export interface ActiveToken {
  active: true;
  /** The grant id (for per-grant accounting such as outgoing payment limits). */
  grant: string;
  /** The granted items that cover the requested access (all granted items when none was requested). */
  access: AccessItem[];
  /** Whose key must have signed the request the token came with. */
  client: IntrospectedClient;
}

export type IntrospectionResponse = ActiveToken | { active: false };
