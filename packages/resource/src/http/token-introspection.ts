// The resource server's view of token introspection (PROTOCOLS.md §6.8): what it asks the auth server, and what it
// gets back. The transport (HTTP or an in-process call) is injected.

export type AccessType = 'incoming-payment' | 'outgoing-payment' | 'quote';
export type AccessAction = 'create' | 'read' | 'read-all' | 'list' | 'list-all' | 'complete';

export interface AmountLimit {
  value: string;
  assetCode: string;
  assetScale: number;
}

export interface OutgoingPaymentLimits {
  receiver?: string;
  debitAmount?: AmountLimit;
  receiveAmount?: AmountLimit;
  interval?: string;
}

export interface GrantedAccess {
  type: AccessType;
  actions: AccessAction[];
  identifier?: string;
  limits?: OutgoingPaymentLimits;
}

export type ClientIdentity = { walletAddress: string } | { jwk: Record<string, unknown> };

export interface IntrospectionRequest {
  access_token: string;
  /** Omitted: every item the grant holds comes back. */
  access?: { type: AccessType; actions: AccessAction[]; identifier?: string }[];
}

export type IntrospectionResponse =
  { active: false } | { active: true; grant: string; access: GrantedAccess[]; client: ClientIdentity };

export type Introspect = (request: IntrospectionRequest) => Promise<IntrospectionResponse>;
