// The state one packet carries through the pipeline. Each middleware fills in what the next ones need.
import { IlpError, IlpErrorCode, type IlpPrepare, type IlpReply } from '@sluice/ilp';
import type { AccountInfo, AssetInfo, PeerInfo } from '../directory';
import type { SettlementWrite } from '../ledger/batch-sql';

export type { SettlementWrite };

/**
 * Offered to a local receiver that settles (registered with `settles`) for a packet that carries money: it moves the
 * packet's money in one statement with the receiver's own write (e.g. crediting an incoming payment), so the
 * receiver's record and the ledger commit together or not at all. Resolves with the rows of the write's `settled`
 * CTE; none means the write refused and nothing moved (the receiver then rejects the packet). Once it returned rows,
 * the receiver must fulfill: the money moved. Rejects, having moved nothing, once the packet expired, with an IlpError
 * T04 when the accounts cannot take the money, and when the ledger cannot be written.
 */
export interface LocalSettlement {
  settle(write: SettlementWrite): Promise<Record<string, unknown>[]>;
}

export type LocalReceiverHandler = (
  prepare: IlpPrepare,
  source: { accountId: string; settlement?: LocalSettlement },
) => Promise<IlpReply>;

/** Where the route step decided the packet goes. */
export type Destination =
  | { kind: 'peer'; accountId: string; asset: AssetInfo; peer: PeerInfo }
  | { kind: 'local'; accountId: string; asset: AssetInfo; handler: LocalReceiverHandler; settles: boolean };

export interface PacketContext {
  /** The Prepare as received. */
  readonly prepare: IlpPrepare;
  /** The ledger account the packet arrived on (a peer's id, or a local sender's account). */
  readonly incomingAccountId: string;
  /** Resolved by the incoming-account step. */
  source?: AccountInfo;
  destination?: Destination;
  /** Amount in the destination account's units (FX step). */
  outgoingAmount?: bigint;
  /** Expiry of the forwarded Prepare (outgoing-expiry step). */
  outgoingExpiresAt?: Date;
  /** Aborted when the outgoing Prepare expires, so a transport can stop waiting. */
  readonly abort: AbortController;
  /**
   * A local sender's probe whose condition nobody can fulfill (quotes, rate and path discovery): it moves no money,
   * so the ledger is not asked to hold anything for it, and a Fulfill for it is never relayed.
   */
  readonly unfulfillable: boolean;
  /** Set by the balance step for a local destination when the packet holds money (see LocalSettlement). */
  settlement?: LocalSettlement;
  /** A settlement's statement in flight: the expiry timer lets it finish rather than answer R00 meanwhile. */
  settling?: Promise<unknown>;
}

export type Next = () => Promise<IlpReply>;
export type PacketMiddleware = (ctx: PacketContext, next: Next) => Promise<IlpReply>;

export function createPacketContext(
  incomingAccountId: string,
  prepare: IlpPrepare,
  unfulfillable = false,
): PacketContext {
  return { incomingAccountId, prepare, abort: new AbortController(), unfulfillable };
}

function missing(step: string): IlpError {
  return new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, `pipeline misconfigured: ${step} did not run`);
}

export function sourceOf(ctx: PacketContext): AccountInfo {
  if (!ctx.source) throw missing('incoming-account');
  return ctx.source;
}

export function destinationOf(ctx: PacketContext): Destination {
  if (!ctx.destination) throw missing('route');
  return ctx.destination;
}

/** The Prepare to forward: only amount and expiry change (RFC 0027); condition, destination and data never do. */
export function outgoingPrepareOf(ctx: PacketContext): IlpPrepare {
  if (ctx.outgoingAmount === undefined) throw missing('exchange');
  if (ctx.outgoingExpiresAt === undefined) throw missing('outgoing-expiry');
  return {
    amount: ctx.outgoingAmount,
    expiresAt: ctx.outgoingExpiresAt,
    executionCondition: ctx.prepare.executionCondition,
    destination: ctx.prepare.destination,
    data: ctx.prepare.data,
  };
}
