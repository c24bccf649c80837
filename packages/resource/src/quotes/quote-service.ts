import { sortableId } from '../sortable-id';
import type { Knex } from 'knex';
import { probePath, StreamPaymentError, type IlpPrepare, type IlpReply, type Ratio } from '@sluice/stream';
import { amountToJson, bigintFromColumn, parseAmount, type Amount } from '../amount';
import { invalidRequest, OpenPaymentsError } from '../open-payments-error';
import type { FeeService } from '../fees/fee-service';
import { feeOn, sendableFrom } from '../fees/fee-service';
import type { WalletAddress } from '../wallet-addresses/wallet-address-service';
import { paginate, type Page, type PageRequest } from '../pagination';
import { invalidReceiver, type Receiver, type ReceiverResolver } from './receiver';

export interface Quote {
  id: string;
  walletAddressId: string;
  client?: string;
  receiver: string;
  ilpAddress: string;
  sharedSecret: Buffer;
  debitAmount: Amount;
  receiveAmount: Amount;
  /** Our sending fee, included in debitAmount. */
  fee: bigint;
  paymentType: 'FIXED_SEND' | 'FIXED_DELIVERY';
  /** Lowest delivered/sent rate the payment may accept (probed rate less slippage). */
  minExchangeRate: Ratio;
  /** The delivered/sent rate the quote found (Rafiki's estimatedExchangeRate); none on quotes older than it. */
  estimatedExchangeRate?: Ratio;
  expiresAt: Date;
  createdAt: Date;
}

interface QuoteRow {
  id: string;
  wallet_address_id: string;
  client: string | null;
  receiver: string;
  ilp_address: string;
  shared_secret: Buffer;
  debit_amount: string;
  receive_amount: string;
  receive_asset_code: string;
  receive_asset_scale: number;
  fee_amount: string;
  payment_type: 'FIXED_SEND' | 'FIXED_DELIVERY';
  min_rate_numerator: string;
  min_rate_denominator: string;
  estimated_rate_numerator: string | null;
  estimated_rate_denominator: string | null;
  expires_at: Date;
  created_at: Date;
  asset_code: string;
  asset_scale: number;
}

export interface QuoteServiceDeps {
  knex: Knex;
  fees: FeeService;
  receivers: ReceiverResolver;
  /** How probes leave this server for a wallet address (through the connector, from its account). */
  probeSendPrepare(walletAddress: WalletAddress): (prepare: IlpPrepare) => Promise<IlpReply>;
  /** How long a quote's price holds (QUOTE_LIFESPAN_SECONDS; 30 s by default). */
  quoteLifespanMs?: number;
  /** Tolerated fall of the rate between quote and payment, as a fraction (default 1/100). */
  slippage?: Ratio;
}

/** Why a quote could not be made, in words a client developer can act on. */
export const quoteFailed = (reason: string, description: string) =>
  new OpenPaymentsError(400, 'invalid_quote', description, { reason });

const MAX_KNOWN_QUOTES = 10_000;

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export function createQuoteService(deps: QuoteServiceDeps) {
  const { knex } = deps;
  const lifespanMs = deps.quoteLifespanMs ?? 30_000;
  const slippage = deps.slippage ?? { numerator: 1n, denominator: 100n };

  // Nothing updates or deletes a quote once written, so the quotes this process wrote or read serve its later reads:
  // the worker's claim of a payment needs no query for its quote. (Creating a payment still reads the quote, to see
  // an earlier use of it first.)
  const known = new Map<string, Quote>();
  const remember = (quote: Quote): Quote => {
    if (known.size >= MAX_KNOWN_QUOTES) known.clear();
    known.set(quote.id, quote);
    return quote;
  };

  const select = (db: Knex | Knex.Transaction = knex) =>
    db('quotes')
      .join('wallet_addresses', 'wallet_addresses.id', 'quotes.wallet_address_id')
      .join('connector_assets as assets', 'assets.id', 'wallet_addresses.asset_id')
      .select('quotes.*', 'assets.code as asset_code', 'assets.scale as asset_scale');

  const toQuote = (row: QuoteRow): Quote => ({
    id: row.id,
    walletAddressId: row.wallet_address_id,
    client: row.client ?? undefined,
    receiver: row.receiver,
    ilpAddress: row.ilp_address,
    sharedSecret: row.shared_secret,
    debitAmount: {
      value: bigintFromColumn(row.debit_amount),
      assetCode: row.asset_code,
      assetScale: Number(row.asset_scale),
    },
    receiveAmount: {
      value: bigintFromColumn(row.receive_amount),
      assetCode: row.receive_asset_code,
      assetScale: Number(row.receive_asset_scale),
    },
    fee: bigintFromColumn(row.fee_amount),
    paymentType: row.payment_type,
    minExchangeRate: { numerator: BigInt(row.min_rate_numerator), denominator: BigInt(row.min_rate_denominator) },
    ...(row.estimated_rate_numerator !== null && row.estimated_rate_denominator !== null
      ? {
          estimatedExchangeRate: {
            numerator: BigInt(row.estimated_rate_numerator),
            denominator: BigInt(row.estimated_rate_denominator),
          },
        }
      : {}),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  });

  async function probe(walletAddress: WalletAddress, ilpAddress: string, sharedSecret: Buffer): Promise<Ratio> {
    try {
      const result = await probePath({
        destinationAddress: ilpAddress,
        sharedSecret,
        sendPrepare: deps.probeSendPrepare(walletAddress),
        signal: AbortSignal.timeout(10_000),
      });
      if (result.exchangeRate.numerator === 0n) {
        throw quoteFailed('rate_unavailable', 'the path delivers nothing at this amount');
      }
      return result.exchangeRate;
    } catch (error) {
      if (error instanceof OpenPaymentsError) throw error;
      if (error instanceof StreamPaymentError) {
        const reject = error.reject ? ` (${error.reject.code} ${error.reject.message})` : '';
        const reason =
          error.reject?.code === 'F02'
            ? 'no_route'
            : error.reject?.code === 'F07'
              ? 'rate_unavailable'
              : 'probe_failed';
        throw quoteFailed(reason, `the receiver could not be reached to price the payment: ${error.message}${reject}`);
      }
      throw error;
    }
  }

  return {
    async create(input: {
      walletAddress: WalletAddress;
      client?: string;
      receiver: unknown;
      debitAmount?: unknown;
      receiveAmount?: unknown;
    }): Promise<Quote> {
      const { walletAddress } = input;
      if (typeof input.receiver !== 'string' || input.receiver === '') throw invalidRequest('receiver is required');
      if (input.debitAmount !== undefined && input.receiveAmount !== undefined) {
        throw invalidRequest('give debitAmount or receiveAmount, not both');
      }
      const debitAmount =
        input.debitAmount === undefined ? undefined : parseAmount(input.debitAmount, 'debitAmount', walletAddress);
      // The receive amount is in the receiver's asset, known once it is resolved.
      const requestedReceive =
        input.receiveAmount === undefined
          ? undefined
          : (input.receiveAmount as { value?: unknown; assetCode?: unknown; assetScale?: unknown });
      const receiveValue =
        requestedReceive === undefined
          ? undefined
          : parseAmount(requestedReceive, 'receiveAmount', {
              assetCode: String(requestedReceive?.assetCode),
              assetScale: Number(requestedReceive?.assetScale),
            });

      // The fee depends on the sending asset only: look it up while the receiver is resolved and probed.
      const currentFee = deps.fees.current(walletAddress.assetId, 'SENDING');
      // Settled here so that a refusal below does not leave it rejected unhandled; awaited (and thrown) further down.
      currentFee.catch(() => undefined);
      const receiver = await deps.receivers.resolveOrCreate(input.receiver, receiveValue?.value);
      const quoteTo = async (receiver: Receiver): Promise<Quote> => {
        if (!receiver.receiving) throw invalidReceiver('the receiver no longer accepts payments');
        if (
          receiveValue &&
          (receiveValue.assetCode !== receiver.assetCode || receiveValue.assetScale !== receiver.assetScale)
        ) {
          throw invalidRequest(`receiveAmount must be in ${receiver.assetCode} with scale ${receiver.assetScale}`);
        }
        const remaining =
          receiver.incomingAmount === undefined ? undefined : receiver.incomingAmount - receiver.receivedAmount;
        let receiveTarget = receiveValue?.value;
        if (receiveTarget === undefined && debitAmount === undefined) {
          if (remaining === undefined) {
            throw invalidRequest('give debitAmount or receiveAmount: the receiver has no incomingAmount to pay');
          }
          receiveTarget = remaining;
        }
        if (receiveTarget !== undefined && remaining !== undefined && receiveTarget > remaining) {
          throw invalidRequest('receiveAmount is more than the receiver still expects', {
            remaining: remaining.toString(),
          });
        }

        // Money to our own receiver in the sending asset crosses no exchange (our connector converts only between
        // assets): one for one, nothing to probe, and nothing that could move between quote and payment, so no
        // slippage either: paying 12.34 to a local payee of the same asset debits 12.34 (plus fees), not 12.47.
        const sameAsset =
          receiver.assetCode === walletAddress.assetCode && receiver.assetScale === walletAddress.assetScale;
        const exact = receiver.local && sameAsset;
        const rate: Ratio = exact
          ? { numerator: 1n, denominator: 1n }
          : await probe(walletAddress, receiver.ilpAddress, receiver.sharedSecret);
        const fee = await currentFee;
        const minRate: Ratio = exact
          ? rate
          : {
              numerator: rate.numerator * (slippage.denominator - slippage.numerator),
              denominator: rate.denominator * slippage.denominator,
            };

        let sendAmount: bigint;
        let receiveAmount: bigint;
        if (debitAmount) {
          sendAmount = sendableFrom(fee, debitAmount.value);
          receiveAmount = (sendAmount * minRate.numerator) / minRate.denominator;
          if (sendAmount <= 0n || receiveAmount <= 0n) {
            throw quoteFailed(
              'amount_too_small',
              'debitAmount is too small to deliver anything after fees and exchange',
            );
          }
          if (remaining !== undefined && receiveAmount > remaining) {
            throw invalidRequest('debitAmount would deliver more than the receiver still expects', {
              remaining: remaining.toString(),
            });
          }
        } else {
          receiveAmount = receiveTarget as bigint;
          // Enough that even at the minimum rate the receive amount arrives.
          sendAmount = ceilDiv(receiveAmount * minRate.denominator, minRate.numerator);
        }
        const feeAmount = debitAmount ? debitAmount.value - sendAmount : feeOn(fee, sendAmount);
        const debitValue = sendAmount + feeAmount;
        if (debitValue > 0xffff_ffff_ffff_ffffn)
          throw quoteFailed('amount_too_large', 'the debit amount exceeds 2^64 - 1');

        const id = sortableId();
        const expiresAt = new Date(Math.min(Date.now() + lifespanMs, receiver.expiresAt?.getTime() ?? Infinity));
        const [row] = (await knex('quotes')
          .insert({
            id,
            wallet_address_id: walletAddress.id,
            client: input.client ?? null,
            receiver: receiver.url,
            ilp_address: receiver.ilpAddress,
            shared_secret: receiver.sharedSecret,
            debit_amount: debitValue.toString(),
            receive_amount: receiveAmount.toString(),
            receive_asset_code: receiver.assetCode,
            receive_asset_scale: receiver.assetScale,
            fee_amount: feeAmount.toString(),
            payment_type: debitAmount ? 'FIXED_SEND' : 'FIXED_DELIVERY',
            min_rate_numerator: minRate.numerator.toString(),
            min_rate_denominator: minRate.denominator.toString(),
            estimated_rate_numerator: rate.numerator.toString(),
            estimated_rate_denominator: rate.denominator.toString(),
            expires_at: expiresAt,
          })
          .returning('*')) as QuoteRow[];
        return remember(
          toQuote({ ...row, asset_code: walletAddress.assetCode, asset_scale: walletAddress.assetScale }),
        );
      };
      try {
        return await quoteTo(receiver);
      } catch (error) {
        // An incoming payment created for this quote on one of our wallet addresses would be left waiting to expire.
        await deps.receivers.abandon(receiver).catch(() => undefined);
        throw error;
      }
    },

    async get(id: string, db: Knex | Knex.Transaction = knex): Promise<Quote | undefined> {
      const cached = known.get(id);
      if (cached) return cached;
      const row = (await select(db).where('quotes.id', id).first()) as QuoteRow | undefined;
      return row && remember(toQuote(row));
    },

    /** A wallet address's quotes, newest first (the admin API's WalletAddress.quotes). */
    async list(walletAddressId: string, request: PageRequest): Promise<Page<Quote>> {
      const page = await paginate<QuoteRow>(
        knex,
        'quotes',
        select().where('quotes.wallet_address_id', walletAddressId),
        request,
      );
      return { items: page.items.map((row) => remember(toQuote(row))), pageInfo: page.pageInfo };
    },

    /** Several quotes in one query (for a page of payments), by id; unknown ids are absent. */
    async getMany(ids: readonly string[]): Promise<Map<string, Quote>> {
      const quotes = new Map<string, Quote>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const cached = known.get(id);
        if (cached) quotes.set(id, cached);
        else missing.push(id);
      }
      if (missing.length === 0) return quotes;
      const rows = (await select().whereIn('quotes.id', missing)) as QuoteRow[];
      for (const row of rows) quotes.set(row.id, remember(toQuote(row)));
      return quotes;
    },
  };
}

export type QuoteService = ReturnType<typeof createQuoteService>;

export function quoteJson(quote: Quote, walletAddress: WalletAddress, openPaymentsUrl: string) {
  return {
    id: `${openPaymentsUrl.replace(/\/$/, '')}/quotes/${quote.id}`,
    walletAddress: walletAddress.url,
    receiver: quote.receiver,
    receiveAmount: amountToJson(quote.receiveAmount),
    debitAmount: amountToJson(quote.debitAmount),
    method: 'ilp' as const,
    expiresAt: quote.expiresAt.toISOString(),
    createdAt: quote.createdAt.toISOString(),
  };
}
