// Step 8: the money. Before forwarding, both sides are held in one atomic, durable hold:
//   incoming leg: incoming account → liquidity account of the incoming asset   (amount received)
//   outgoing leg: liquidity account of the outgoing asset → destination account (amount forwarded)
// Within one asset the liquidity account nets to the difference, so a same-asset packet needs no liquidity; across
// assets the outgoing asset's liquidity must cover the forwarded amount. Either side short → T04. On a valid
// Fulfill the hold is posted and the Fulfill relayed only once that commit is durable; on anything else it is
// voided. Zero-amount packets move no money and skip the ledger, and so do a local sender's unfulfillable probes
// (Rafiki's `unfulfillable` quote packets): probing with amounts far beyond anyone's balance must not need liquidity.
// Should such a probe come back fulfilled anyway, the Fulfill is not relayed: nothing was recorded for it.
// A local receiver that settles is different: nothing is held for it; it moves the money itself, in one statement with
// its own record of it (a LocalSettlement), so that a crash can never leave one committed without the other.
import { randomUUID } from 'node:crypto';
import { IlpError, IlpErrorCode, isFulfill, type IlpReply } from '@sluice/ilp';
import type { Logger } from 'pino';
import type { Leg } from '../ledger/ledger-types';
import { TransferRefusedError, type HoldRefusalReason, type PacketLedger } from '../ledger/packet-ledger';
import {
  destinationOf,
  sourceOf,
  type Next,
  type PacketContext,
  type PacketMiddleware,
  type SettlementWrite,
} from './packet-context';

export function createBalanceMiddleware(deps: { packetLedger: PacketLedger; logger: Logger }): PacketMiddleware {
  const { packetLedger, logger } = deps;
  return async (ctx, next) => {
    if (ctx.unfulfillable) {
      const reply = await next();
      if (!isFulfill(reply)) return reply;
      logger.error({ destination: ctx.prepare.destination }, 'an unfulfillable probe was fulfilled; not relayed');
      throw new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'unfulfillable packet was fulfilled');
    }
    const legs = legsOf(ctx);
    if (legs.length === 0) return next();
    const destination = destinationOf(ctx);
    if (destination.kind === 'local' && destination.settles) return settleLocally(ctx, legs, next);
    let outcome;
    try {
      outcome = await packetLedger.hold(randomUUID(), legs);
    } catch (error) {
      throw new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'ledger unavailable', undefined, { cause: error });
    }
    if (!outcome.held) throw new IlpError(IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY, refusalMessage(ctx, outcome));
    const { hold } = outcome;
    let reply: IlpReply;
    try {
      reply = await next();
    } catch (error) {
      packetLedger.void(hold);
      throw error;
    }
    if (!isFulfill(reply)) {
      packetLedger.void(hold);
      return reply;
    }
    try {
      await packetLedger.post(hold);
      return reply;
    } catch (error) {
      // The next hop was paid but we could not record it: do not relay a Fulfill we cannot account for.
      logger.error({ err: error, transferId: hold.transferId }, 'fulfilled packet could not be posted');
      throw new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'ledger unavailable', undefined, { cause: error });
    }
  };

  /**
   * Nothing leaves the process for a local receiver that settles: no hold; the money moves when the receiver settles,
   * in one statement with its own write. A Fulfill from it without a settlement (it had nothing of its own to record)
   * moves the money then, and is relayed only once that is durable.
   */
  async function settleLocally(ctx: PacketContext, legs: Leg[], next: Next): Promise<IlpReply> {
    const transferId = randomUUID();
    let settled = false;
    const settle = async (write: SettlementWrite): Promise<Record<string, unknown>[]> => {
      if (settled || ctx.settling) throw new Error('a packet is settled once');
      if (ctx.abort.signal.aborted) throw new IlpError(IlpErrorCode.R00_TRANSFER_TIMED_OUT, 'packet expired');
      // Left set once the money moved: from then on the packet's answer is the receiver's, never the expiry timer's.
      const settling = packetLedger.transferWith(transferId, legs, write);
      ctx.settling = settling;
      let rows: Record<string, unknown>[];
      try {
        rows = await settling;
      } catch (error) {
        ctx.settling = undefined;
        throw settlementError(error);
      }
      settled = rows.length > 0;
      if (!settled) ctx.settling = undefined;
      return rows;
    };
    ctx.settlement = { settle };
    const reply = await next();
    if (settled) {
      if (!isFulfill(reply)) {
        logger.error(
          { destination: ctx.prepare.destination },
          'a local receiver settled a packet and then rejected it',
        );
      }
      return reply;
    }
    if (!isFulfill(reply)) return reply;
    // No row: the ledger's own preconditions failed (an account gone, or legs across assets); nothing was recorded.
    if ((await settle(NOTHING_OF_THE_RECEIVERS)).length === 0) {
      throw new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'the money could not be recorded');
    }
    return reply;
  }
}

/** The receiver's write when it has none: the money alone. */
const NOTHING_OF_THE_RECEIVERS: SettlementWrite = (condition) => ({
  sql: `settled AS (SELECT true AS settled WHERE ${condition})`,
  bindings: [],
});

function settlementError(error: unknown): IlpError {
  if (error instanceof TransferRefusedError) {
    return new IlpError(IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY, 'the accounts cannot take this packet', undefined, {
      cause: error,
    });
  }
  return new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'ledger unavailable', undefined, { cause: error });
}

function legsOf(ctx: PacketContext): Leg[] {
  const source = sourceOf(ctx);
  const destination = destinationOf(ctx);
  const incoming = ctx.prepare.amount;
  const outgoing = ctx.outgoingAmount ?? 0n;
  const legs: Leg[] = [];
  if (incoming > 0n) {
    legs.push({ debitAccountId: source.id, creditAccountId: source.asset.liquidityAccountId, amount: incoming });
  }
  if (outgoing > 0n) {
    legs.push({
      debitAccountId: destination.asset.liquidityAccountId,
      creditAccountId: destination.accountId,
      amount: outgoing,
    });
  }
  return legs;
}

function refusalMessage(ctx: PacketContext, refusal: { accountId: string; reason: HoldRefusalReason }): string {
  if (refusal.reason === 'unknown_account' || refusal.reason === 'asset_mismatch') return 'account unavailable';
  if (refusal.accountId === ctx.source?.id) return 'insufficient balance on the incoming account';
  if (refusal.accountId === ctx.destination?.accountId) return 'destination account cannot receive more';
  return 'insufficient liquidity';
}
