import { invalidRequest, OpenPaymentsError } from '../open-payments-error';
import { UUID_PATTERN } from '../pagination';
import type { IncomingPayment, IncomingPaymentService } from '../incoming-payments/incoming-payment-service';
import type { WalletAddressService } from '../wallet-addresses/wallet-address-service';
import type { WalletAddressReceivers } from '../stream/wallet-address-receivers';
import { incomingPaymentUrl } from '../incoming-payments/incoming-payment-routes';

/** Everything a quote and a payment need to know about whom they pay. */
export interface Receiver {
  /** The incoming payment URL. */
  url: string;
  ilpAddress: string;
  sharedSecret: Buffer;
  assetCode: string;
  assetScale: number;
  incomingAmount?: bigint;
  receivedAmount: bigint;
  expiresAt?: Date;
  /** True while the receiver still accepts money. */
  receiving: boolean;
  /** An incoming payment of this server (money to it never leaves our connector). */
  local?: boolean;
  /** The id of the incoming payment of this server that resolveOrCreate created for the caller (see abandon). */
  createdPaymentId?: string;
  /** The rest of what Open Payments shows of the incoming payment (the admin API's Receiver). */
  completed?: boolean;
  walletAddressUrl?: string;
  metadata?: Record<string, unknown>;
  createdAt?: Date;
}

/** A new incoming payment at a wallet address (the receiver's asset is only known once the address is read). */
export interface NewIncomingPayment {
  /** In the wallet address's asset. */
  incomingAmount?: bigint;
  /** When given, the wallet address's asset must be this one. */
  asset?: { code: string; scale: number };
  expiresAt?: string;
  metadata?: Record<string, unknown>;
}

/** Refuses an amount given in another asset than the receiving wallet address's. */
export function checkReceiverAsset(expected: { code: string; scale: number } | undefined, code: string, scale: number) {
  if (expected && (expected.code !== code || expected.scale !== scale)) {
    throw invalidRequest(`incomingAmount must be in ${code} with scale ${scale}, the receiving wallet address's asset`);
  }
}

const isReceiving = (payment: IncomingPayment) => payment.state === 'pending' || payment.state === 'processing';

/** What an incoming payment has received of what it expects, and whether it still takes money. */
export type ReceiverProgress = Pick<Receiver, 'incomingAmount' | 'receivedAmount' | 'receiving'>;

/** A scalar SQL subquery a statement can carry to read a local receiver's progress with its own work. */
export interface ReceiverProgressSql {
  sql: string;
  bindings: string[];
  /** The subquery's value back as progress; undefined when the incoming payment does not exist. */
  read(value: unknown): ReceiverProgress | undefined;
}

export const invalidReceiver = (description: string) => new OpenPaymentsError(400, 'invalid_receiver', description);

export interface ReceiverResolverDeps {
  openPaymentsUrl: string;
  incomingPayments: IncomingPaymentService;
  walletAddresses: WalletAddressService;
  receivers: WalletAddressReceivers;
  /** Reaches receivers on other Open Payments servers; without it only this server's receivers can be paid. */
  remote?: {
    getIncomingPayment(url: string): Promise<Receiver>;
    createIncomingPayment(walletAddressUrl: string, payment: NewIncomingPayment): Promise<Receiver>;
  };
}

/**
 * Turns a quote's `receiver` (an incoming payment URL, or a wallet address to create one at) into a Receiver.
 * Receivers on this server are resolved directly; receivers on other Open Payments servers through `remote`, with
 * grants this server requests there.
 */
export function createReceiverResolver(deps: ReceiverResolverDeps) {
  const base = deps.openPaymentsUrl.replace(/\/$/, '');
  const localPaymentPattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/incoming-payments/([^/]+)$`);

  async function localIncomingPayment(id: string): Promise<Receiver> {
    const payment = UUID_PATTERN.test(id) ? await deps.incomingPayments.get(id) : undefined;
    if (!payment) throw invalidReceiver('the receiver incoming payment does not exist');
    return localReceiver(payment);
  }

  async function localReceiver(payment: IncomingPayment): Promise<Receiver> {
    const { id } = payment;
    const walletAddress = await deps.walletAddresses.get(payment.walletAddressId);
    if (!walletAddress || walletAddress.status !== 'active')
      throw invalidReceiver('the receiver wallet address is inactive');
    const credentials = deps.receivers.credentials(walletAddress, { kind: 'incoming-payment', incomingPaymentId: id });
    return {
      url: incomingPaymentUrl(base, payment.id),
      ilpAddress: credentials.ilpAddress,
      sharedSecret: credentials.sharedSecret,
      assetCode: walletAddress.assetCode,
      assetScale: walletAddress.assetScale,
      incomingAmount: payment.incomingAmount?.value,
      receivedAmount: payment.receivedAmount.value,
      expiresAt: payment.expiresAt,
      receiving: isReceiving(payment),
      local: true,
      completed: payment.state === 'completed',
      walletAddressUrl: walletAddress.url,
      metadata: payment.metadata,
      createdAt: payment.createdAt,
    };
  }

  return {
    /** The receiver of an existing incoming payment URL. */
    async resolve(url: string): Promise<Receiver> {
      const local = localPaymentPattern.exec(url);
      if (local) return localIncomingPayment(local[1]);
      if (url.startsWith(base + '/')) throw invalidReceiver('no incoming payment at that URL');
      if (!deps.remote) throw invalidReceiver('paying receivers on other Open Payments servers is not enabled');
      return deps.remote.getIncomingPayment(url);
    },

    /**
     * What an incoming payment has received of what it expects, without what paying it needs (its STREAM credentials):
     * for a worker checking how much is still to deliver. Local payments cost one read.
     */
    async progress(url: string): Promise<ReceiverProgress> {
      const local = localPaymentPattern.exec(url);
      if (!local) return this.resolve(url);
      const payment = UUID_PATTERN.test(local[1]) ? await deps.incomingPayments.get(local[1]) : undefined;
      if (!payment) throw invalidReceiver('the receiver incoming payment does not exist');
      return {
        incomingAmount: payment.incomingAmount?.value,
        receivedAmount: payment.receivedAmount.value,
        receiving: isReceiving(payment),
      };
    },

    /**
     * progress() as a subquery, for a statement that can read it along with its own work instead of in a round trip
     * of its own (the same answer: the incoming payment is open while pending or processing and not past its expiry).
     * Undefined for a receiver that is not an incoming payment of this server.
     */
    progressSql(url: string): ReceiverProgressSql | undefined {
      const id = localPaymentPattern.exec(url)?.[1];
      if (id === undefined || !UUID_PATTERN.test(id)) return undefined;
      return {
        sql: `(SELECT json_build_object('incomingAmount', ip.incoming_amount::text,
                                        'receivedAmount', ip.received_amount::text,
                                        'receiving', ip.state IN ('pending', 'processing') AND ip.expires_at > now())
                 FROM incoming_payments AS ip WHERE ip.id = ?::uuid)`,
        bindings: [id],
        read(value) {
          if (value === null || value === undefined) return undefined;
          const row = (typeof value === 'string' ? JSON.parse(value) : value) as {
            incomingAmount: string | null;
            receivedAmount: string;
            receiving: boolean;
          };
          return {
            incomingAmount: row.incomingAmount === null ? undefined : BigInt(row.incomingAmount),
            receivedAmount: BigInt(row.receivedAmount),
            receiving: row.receiving,
          };
        },
      };
    },

    /** Whether `url` is an incoming payment of this server (money to it never leaves our connector). */
    isLocal: (url: string) => localPaymentPattern.test(url),

    /** A receiver resolveOrCreate created on this server and its caller will not use: it expires now. */
    async abandon(receiver: Receiver): Promise<void> {
      if (receiver.createdPaymentId) await deps.incomingPayments.abandon(receiver.createdPaymentId);
    },

    /** For a quote: an incoming payment URL as is, or a new incoming payment at a wallet address. */
    async resolveOrCreate(receiver: string, incomingAmount?: bigint): Promise<Receiver> {
      if (localPaymentPattern.test(receiver) || /\/incoming-payments\/[^/]+$/.test(receiver)) {
        return this.resolve(receiver);
      }
      return this.createAt(receiver, { incomingAmount });
    },

    /** A new incoming payment at a wallet address, on this server or another (the admin API's createReceiver). */
    async createAt(walletAddressUrl: string, payment: NewIncomingPayment): Promise<Receiver> {
      const walletAddress = await deps.walletAddresses.getByUrl(walletAddressUrl);
      if (walletAddress) {
        if (walletAddress.status !== 'active') throw invalidReceiver('the receiver wallet address is inactive');
        checkReceiverAsset(payment.asset, walletAddress.assetCode, walletAddress.assetScale);
        const created = await deps.incomingPayments.create({
          walletAddress,
          incomingAmount:
            payment.incomingAmount === undefined
              ? undefined
              : {
                  value: payment.incomingAmount.toString(),
                  assetCode: walletAddress.assetCode,
                  assetScale: walletAddress.assetScale,
                },
          expiresAt: payment.expiresAt,
          metadata: payment.metadata,
        });
        return { ...(await localReceiver(created)), createdPaymentId: created.id };
      }
      if (walletAddressUrl.startsWith(base + '/')) {
        throw invalidReceiver('no wallet address or incoming payment at that URL');
      }
      if (!deps.remote) throw invalidReceiver('paying receivers on other Open Payments servers is not enabled');
      let parsed: URL;
      try {
        parsed = new URL(walletAddressUrl);
      } catch {
        throw invalidReceiver('receiver must be an incoming payment URL or a wallet address URL');
      }
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw invalidReceiver('receiver must be an http(s) URL');
      }
      return deps.remote.createIncomingPayment(walletAddressUrl, payment);
    },
  };
}

export type ReceiverResolver = ReturnType<typeof createReceiverResolver>;
