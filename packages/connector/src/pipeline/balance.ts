// Step 8: the money. Before forwarding, both sides are held in one atomic, durable hold:
//   incoming leg: incoming account → liquidity account of the incoming asset   (amount received)
//   outgoing leg: liquidity account of the outgoing asset → destination account (amount forwarded)
// Within one asset the liquidity account nets to the difference, so a same-asset packet needs no liquidity; across
// assets the outgoing asset's liquidity must cover the forwarded amount. Either side short → T04. On a valid
// Fulfill the hold is posted and the Fulfill relayed only once that commit is durable; on anything else it is
// voided. Zero-amount packets move no money and skip the ledger, and so do a local sender's unfulfillable probes
// (Rafiki's `unfulfillable` quote packets): probing with amounts far beyond anyone's balance must not need liquidity.
// Should such a probe come back fulfilled anyway, the Fulfill is not relayed: nothing was recorded for it.
// A local receiver is offered to post the hold itself, in one statement with its own record of the money (a
// LocalSettlement), so that a crash can never leave one committed without the other.
import { randomUUID } from 'node:crypto';
import { IlpError, IlpErrorCode, isFulfill, type IlpReply } from '@sluice/ilp';
import type { Logger } from 'pino';
import type { Leg } from '../ledger/ledger-types';
import type { HoldRefusalReason, PacketLedger } from '../ledger/packet-ledger';
import { destinationOf, sourceOf, type PacketContext, type PacketMiddleware } from './packet-context';

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
    let outcome;
    try {
      outcome = await packetLedger.hold(randomUUID(), legs);
    } catch (error) {
      throw new IlpError(IlpErrorCode.T00_INTERNAL_ERROR, 'ledger unavailable', undefined, { cause: error });
    }
    if (!outcome.held) throw new IlpError(IlpErrorCode.T04_INSUFFICIENT_LIQUIDITY, refusalMessage(ctx, outcome));
    const { hold } = outcome;
    let settled = false;
    if (destinationOf(ctx).kind === 'local') {
      ctx.settlement = {
        async settle(write) {
          if (settled || ctx.settling) throw new Error('a packet is settled once');
          if (ctx.abort.signal.aborted) throw new IlpError(IlpErrorCode.R00_TRANSFER_TIMED_OUT, 'packet expired');
          // Left set once it posted: from then on the packet's answer is the receiver's, never the expiry timer's.
          const settling = packetLedger.postWith(hold, write);
          ctx.settling = settling;
          let rows: Record<string, unknown>[];
          try {
            rows = await settling;
          } catch (error) {
            ctx.settling = undefined;
            throw error;
          }
          settled = rows.length > 0;
          if (!settled) ctx.settling = undefined;
          return rows;
        },
      };
    }
    let reply: IlpReply;
    try {
      reply = await next();
    } catch (error) {
      if (settled) logSettledReject(logger, ctx);
      else packetLedger.void(hold);
      throw error;
    }
    if (settled) {
      if (!isFulfill(reply)) logSettledReject(logger, ctx);
      return reply;
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
}

/** A receiver that settled must fulfill; should it not, the money stays where it went and the operator is told. */
function logSettledReject(logger: Logger, ctx: PacketContext): void {
  logger.error({ destination: ctx.prepare.destination }, 'a local receiver settled a packet and then rejected it');
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
