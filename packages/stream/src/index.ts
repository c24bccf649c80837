// Public API of @sluice/stream.
export * from './errors';
export * from './frames';
export { encodeStreamPacket, decodeStreamPacket, STREAM_VERSION } from './codec';
export {
  ENCRYPTION_OVERHEAD,
  encryptionKey,
  fulfillmentKey,
  fulfillmentFor,
  conditionFor,
  randomCondition,
  encrypt,
  decrypt,
  hmacSha256,
  sha256,
} from './crypto';
export { RECEIPT_VERSION, RECEIPT_LENGTH, createReceipt, decodeReceipt, verifyReceipt } from './receipt';
export type { Receipt, ReceiptParams } from './receipt';
export { createStreamReceiver, ReceiverDeclineError } from './receiver';
export type {
  StreamReceiver,
  StreamReceiverOptions,
  StreamCredentials,
  IncomingConnection,
  IncomingMoney,
  IncomingData,
  ReceiveLimit,
  ReceiverHooks,
} from './receiver';
export type { ConnectionDetails, ReceiptSetup, AssetDetails } from './token';
export type { IlpPrepare, IlpFulfill, IlpReject, IlpReply } from './ilp';
export { sendPayment } from './sender/send-payment';
export { probePath } from './sender/probe-path';
export type { ProbePathOptions, PathProbe } from './sender/probe-path';
export type { SendPaymentOptions, PaymentProgress } from './sender/send-payment';
export type { CongestionOptions } from './sender/congestion';
export type { Ratio } from './sender/ratio';
