// The ILP packet shapes, reject codes and helpers this package uses, all from @sluice/ilp (one place to see the
// package's whole dependency on the ILP layer).
export {
  IlpErrorCode,
  isFulfill,
  isReject,
  isValidIlpAddress,
  deserializeAmountTooLargeData,
  MAX_UINT64,
} from '@sluice/ilp';
export type { IlpPrepare, IlpFulfill, IlpReject, IlpReply } from '@sluice/ilp';
