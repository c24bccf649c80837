// Sizes and default flow-control windows shared by the sender and the receiver (RFC 0029 §4.4.4, §4.5, §5.1).
import { ENCRYPTION_OVERHEAD } from './crypto';

/** Largest ILP `data` field (ILPv4 packets carry at most 32 767 bytes of data). */
export const MAX_ILP_DATA = 32_767;

/** Largest STREAM packet before encryption, so the sealed packet still fits in one ILP `data` field. */
export const MAX_STREAM_PLAINTEXT = MAX_ILP_DATA - ENCRYPTION_OVERHEAD;

/**
 * Bytes a peer may send on a stream before it has heard our StreamMaxData. RFC 0029 sets no initial value;
 * ilp-protocol-stream assumes 16 384 (its stream buffer), so every implementation must accept at least that much.
 */
export const DEFAULT_STREAM_DATA_LIMIT = 16_384n;

/** Bytes a peer may send on the whole connection before it has heard our ConnectionMaxData (ilp-protocol-stream). */
export const DEFAULT_CONNECTION_DATA_LIMIT = 65_534n;

/** Highest stream id a peer may open before it has heard our ConnectionMaxStreamId (RFC 0029 §3.3: 20). */
export const DEFAULT_MAX_STREAM_ID = 20n;
