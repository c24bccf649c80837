export { createTestDatabase, usePglite, TEST_DATABASE_URL } from './test-database';
export type { TestDatabase } from './test-database';
export { testConfig, startTestSluice } from './test-sluice';
export {
  createAccount,
  ensureAsset,
  depositAssetLiquidity,
  approveInteraction,
  continueGrant,
  eventually,
  grantToken,
} from './open-payments';
export type { TestAccount } from './open-payments';
export { isRafikiSigned } from './webhook-signature';
export { loadWebhookDocument, type WebhookEventCheck } from './webhook-document';
export {
  startWebhookOperatorEndpoint,
  type ReceivedWebhookEvent,
  type WebhookOperatorEndpoint,
} from './webhook-operator';
export { ilpOverHttpPlugin, querySpsp } from './ilp-over-http-sender';
export { peerInstances } from './peering';
export { adminGraphql, type AdminResult } from './admin-api';
