// Public API of @sluice/auth: the GNAP authorization server of Open Payments (grants, interaction, continuation,
// token rotation/revocation, introspection) and the introspection client a resource server uses. See README.md.
export { createAuthServer, type AuthServer } from './auth-server';
export { AuthConfigError, type AuthServerDeps, type AuthSettings, type ClientUrlGuard } from './config';
export { GnapError, isGnapError, type GnapErrorCode } from './errors';
export {
  createIntrospectionClient,
  parseIntrospectionResponse,
  IntrospectionClientError,
  type IntrospectionClient,
  type IntrospectionClientErrorCode,
  type IntrospectionClientOptions,
} from './introspection/introspection-client';
export type {
  ActiveToken,
  IntrospectedClient,
  IntrospectedJwk,
  IntrospectionRequest,
  IntrospectionResponse,
} from './introspection/types';
export type {
  AccessAction,
  AccessItem,
  AccessType,
  Amount,
  IncomingPaymentAccess,
  OutgoingPaymentAccess,
  OutgoingPaymentLimits,
  QuoteAccess,
  RequestedAccess,
  SubjectRequest,
} from './access/types';
export { grantCovers, matchAccess } from './access/match';
export { DEFAULT_INTERACTION_POLICY, type InteractionPolicy } from './access/policy';
export {
  parseRepeatingInterval,
  isRepeatingInterval,
  IntervalFormatError,
  type IsoDuration,
  type RepeatingInterval,
} from './access/interval';
export { finishHash } from './interaction/finish-hash';
export { intervalContaining, type IntervalPeriod } from './access/interval-containing';
