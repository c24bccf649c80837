// Open Payments access items (auth-server.yaml components access-incoming / access-outgoing / access-quote) in the
// exact shapes the official SDK validates: no other properties, since `access-item` has `unevaluatedProperties: false`.

export interface Amount {
  /** Unsigned 64-bit integer as a decimal string. */
  value: string;
  assetCode: string;
  assetScale: number;
}

export interface OutgoingPaymentLimits {
  /** Only payments to this incoming payment URL. */
  receiver?: string;
  /** ISO 8601 repeating interval the amounts apply to (per interval instead of over the grant's lifetime). */
  interval?: string;
  debitAmount?: Amount;
  receiveAmount?: Amount;
}

export const INCOMING_PAYMENT_ACTIONS = ['create', 'complete', 'read', 'read-all', 'list', 'list-all'] as const;
export const OUTGOING_PAYMENT_ACTIONS = ['create', 'read', 'read-all', 'list', 'list-all'] as const;
export const QUOTE_ACTIONS = ['create', 'read', 'read-all'] as const;

export type IncomingPaymentAction = (typeof INCOMING_PAYMENT_ACTIONS)[number];
export type OutgoingPaymentAction = (typeof OUTGOING_PAYMENT_ACTIONS)[number];
export type QuoteAction = (typeof QUOTE_ACTIONS)[number];
export type AccessAction = IncomingPaymentAction | OutgoingPaymentAction | QuoteAction;

export interface IncomingPaymentAccess {
  type: 'incoming-payment';
  actions: IncomingPaymentAction[];
  /** The wallet address URL the access is limited to; absent = any wallet address at the resource server. */
  identifier?: string;
}

export interface OutgoingPaymentAccess {
  type: 'outgoing-payment';
  actions: OutgoingPaymentAction[];
  /** The wallet address URL payments are sent from (required by the spec). */
  identifier: string;
  limits?: OutgoingPaymentLimits;
}

export interface QuoteAccess {
  type: 'quote';
  actions: QuoteAction[];
}

export type AccessItem = IncomingPaymentAccess | OutgoingPaymentAccess | QuoteAccess;
export type AccessType = AccessItem['type'];

export interface SubjectRequest {
  sub_ids: { id: string; format: 'uri' }[];
}

/**
 * An access item as a resource server asks about it in introspection: looser than a grant request's item (an
 * identifier may name the wallet address for any type, and may be absent for outgoing payments), since the question
 * is "does the grant cover this?", not "grant this".
 */
export interface RequestedAccess {
  type: AccessType;
  actions: AccessAction[];
  identifier?: string;
  limits?: OutgoingPaymentLimits;
}
