// The connector: configuration services, the ledger, the packet pipeline and its two doors (ILP over HTTP for
// peers, in-process calls for local senders and receivers), over one knex instance.
import { IlpErrorCode, isValidIlpAddress, type IlpPrepare, type IlpReply } from '@sluice/ilp';
import type { Knex } from 'knex';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createAssetService, type AssetService, type AssetServiceDeps } from './assets/asset-service';
import { createDirectory, type Directory } from './directory';
import { ConnectorError, invalidArgument } from './errors';
import { createIlpHttpMiddleware } from './http/ilp-http-middleware';
import { createPeerHttpClient, type PeerHttpClientOptions } from './http/peer-http-client';
import { createLedger, type Ledger } from './ledger/ledger';
import type { LedgerAccount } from './ledger/ledger-types';
import { checkLiquidity, type LiquidityAlertHandler } from './liquidity-alerts';
import { createPacketLedger, type PacketLedger } from './ledger/packet-ledger';
import { createPeerService, type PeerService } from './peers/peer-service';
import { createBalanceMiddleware } from './pipeline/balance';
import { composePipeline, createRejectFactory } from './pipeline/compose';
import { createExchangeMiddleware } from './pipeline/exchange';
import { createExpiryTimerMiddleware } from './pipeline/expiry-timer';
import { createFulfillmentCheckMiddleware } from './pipeline/fulfillment-check';
import { createIncomingAccountMiddleware } from './pipeline/incoming-account';
import { createIncomingExpiryMiddleware } from './pipeline/incoming-expiry';
import { createMaxPacketAmountMiddleware } from './pipeline/max-packet-amount';
import {
  DEFAULT_MAX_HOLD_TIME_MS,
  DEFAULT_MIN_MESSAGE_WINDOW_MS,
  createOutgoingExpiryMiddleware,
} from './pipeline/outgoing-expiry';
import { createPacketContext, type LocalReceiverHandler, type PacketMiddleware } from './pipeline/packet-context';
import { createRateLimitMiddleware } from './pipeline/rate-limit';
import { createRouteMiddleware, type RouteTarget } from './pipeline/route';
import { createSendMiddleware, type PeerSender } from './pipeline/send';
import { createStaticRatesProvider, type RatesProvider } from './rates/rates-provider';
import { rationalFromDecimal, type Rational } from './rates/rational';
import { RoutingTable } from './routing/routing-table';

export interface ConnectorDeps {
  knex: Knex;
  logger: Logger;
  /** This node's ILP address, e.g. `test.sluice` or `g.example.sluice`. */
  ilpAddress: string;
  ratesProvider?: RatesProvider;
  /** Fraction kept on each exchange between currencies, e.g. 0.002; default 0. */
  spread?: number | string;
  /** Forwarded Prepares expire this much before the incoming one (default 1000 ms). */
  minMessageWindowMs?: number;
  /** Forwarded Prepares expire at most this far in the future (default 30 s). */
  maxHoldTimeMs?: number;
  /** Packets per second per peer (T05 beyond); default 10,000/s with a burst of 20,000. `false` disables. */
  peerRateLimit?: { packetsPerSecond: number; burst: number } | false;
  /** Whether something outside the connector (a wallet address) uses an asset, so that it cannot be deleted. */
  isAssetUsedElsewhere?: AssetServiceDeps['isAssetUsedElsewhere'];
  /** How often peers are reloaded from the database (changes by other processes), default 5 s. */
  refreshIntervalMs?: number;
  /** How often expired two-phase transfers are voided, default 5 s. */
  transferSweepIntervalMs?: number;
  /** Told once per dip of an asset's or a peer's liquidity below its threshold (checked every few seconds). */
  onLiquidityLow?: LiquidityAlertHandler;
  /** How often liquidity is compared with the thresholds (default 5 s). */
  liquidityCheckIntervalMs?: number;
  /** Group commit tuning and crash recovery; see PacketLedgerOptions. */
  packetLedger?: {
    maxBatchSize?: number;
    maxConcurrentBatches?: number;
    heartbeatIntervalMs?: number;
    abandonAfterMs?: number;
  };
  http?: {
    connectionsPerPeer?: number;
    maxBodyBytes?: number;
    path?: string;
    /** Name resolution for peers whose endpoint must be public (see PeerHttpOutgoing.publicOnly). */
    publicOnlyLookup?: PeerHttpClientOptions['publicOnlyLookup'];
  };
  /** Replaces the HTTP client for peers (tests). */
  peerSender?: PeerSender;
}

export interface SendOptions {
  unfulfillable?: boolean;
}

/** Finds the account to credit for a packet to a local receiver (e.g. by decoding a STREAM connection token). */
export type LocalAccountResolver = (destination: string) => Promise<string | undefined> | string | undefined;

export interface Connector extends AssetService, PeerService, Ledger {
  readonly ilpAddress: string;
  /** Runs a Prepare that arrived on `incomingAccountId` through the pipeline. Never throws: always a reply. */
  handlePrepare(incomingAccountId: string, prepare: IlpPrepare): Promise<IlpReply>;
  /**
   * For local senders (the payment worker): `sourceAccountId` is debited. Same pipeline, no peer limits. With
   * `unfulfillable: true` (quote and rate probes whose condition nobody knows) nothing is held or posted, whatever
   * the amount, and a Fulfill is never returned.
   */
  sendPrepare(sourceAccountId: string, prepare: IlpPrepare, options?: SendOptions): Promise<IlpReply>;
  /**
   * Tells the packet path about an account created in a caller's transaction, once that committed, so its first
   * packet needs no read (accounts never change kind or asset).
   */
  rememberAccount(account: Pick<LedgerAccount, 'id' | 'kind' | 'assetId'>): void;
  /**
   * Packets to `<ilpAddress>.<prefix>` (and below) go to `handler` in-process; the money is credited to
   * `accountId` (or to the account `accountId(destination)` names). Returns a function that unregisters it.
   * With `settles`, the handler records the money itself through the packet's LocalSettlement (one statement with its
   * own write, nothing held before); otherwise the money is held before the handler is called and posted on its Fulfill.
   */
  registerLocalReceiver(
    prefix: string,
    handler: LocalReceiverHandler,
    accountId: string | LocalAccountResolver,
    options?: { settles?: boolean },
  ): () => void;
  /** Koa middleware serving `POST /ilp` (ILP over HTTP, synchronous mode) for peers. */
  httpMiddleware(): Koa.Middleware;
  /** Reloads peers now (changes made through this object reload by themselves). */
  refresh(): Promise<void>;
  /** Stops taking packets, waits for those in flight, releases the ledger registration, closes peer connections. */
  stop(): Promise<void>;
}

function parseSpread(spread: number | string | undefined): Rational {
  const value = rationalFromDecimal(spread ?? 0);
  if (value.numerator >= value.denominator) throw invalidArgument('spread must be in [0, 1)');
  return value;
}

function checkMilliseconds(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0) throw invalidArgument(`${field} must be a non-negative integer`);
  return value;
}

export async function createConnector(deps: ConnectorDeps): Promise<Connector> {
  const { knex, ilpAddress } = deps;
  if (!isValidIlpAddress(ilpAddress)) {
    throw new ConnectorError('invalid_ilp_address', `not a valid ILP address: ${String(ilpAddress)}`);
  }
  const logger = deps.logger.child({ component: 'connector' });
  const spread = parseSpread(deps.spread);
  const minMessageWindowMs = checkMilliseconds(
    deps.minMessageWindowMs ?? DEFAULT_MIN_MESSAGE_WINDOW_MS,
    'minMessageWindowMs',
  );
  const maxHoldTimeMs = checkMilliseconds(deps.maxHoldTimeMs ?? DEFAULT_MAX_HOLD_TIME_MS, 'maxHoldTimeMs');
  const rateLimit = deps.peerRateLimit ?? { packetsPerSecond: 10_000, burst: 20_000 };

  // Services report changes so the packet path's caches reload; `dir` is initialised before any change can happen.
  const refreshSoon = () => {
    void dir.refresh().catch((error: unknown) => logger.warn({ err: error }, 'peer refresh failed'));
  };
  const assetService = createAssetService({
    knex,
    onChange: refreshSoon,
    isAssetUsedElsewhere: deps.isAssetUsedElsewhere,
  });
  const peerService = createPeerService({ knex, onChange: refreshSoon });
  const ledger = createLedger({ knex });
  const dir: Directory = createDirectory({ knex, logger, peerService });

  // Routing: peers' static addresses and local receivers, rebuilt on the first lookup after either changed (a server
  // starting with many wallet addresses registers them one by one; rebuilding on each would be quadratic).
  const localReceivers = new Map<string, RouteTarget>();
  let routes = new RoutingTable<RouteTarget>();
  let routesStale = true;
  const routesChanged = () => {
    routesStale = true;
  };
  const currentRoutes = (): RoutingTable<RouteTarget> => {
    if (routesStale) {
      routesStale = false;
      routes = buildRoutes();
    }
    return routes;
  };
  const buildRoutes = (): RoutingTable<RouteTarget> => {
    const table = new RoutingTable<RouteTarget>();
    for (const peer of dir.peers()) {
      const existing = table.lookup(peer.staticIlpAddress);
      if (existing && existing.prefix === peer.staticIlpAddress && existing.target.kind === 'peers') {
        existing.target.peers.push(peer);
      } else {
        table.set(peer.staticIlpAddress, { kind: 'peers', peers: [peer] });
      }
    }
    // A local receiver under our own address wins over a peer that happens to claim the same prefix.
    for (const [prefix, target] of localReceivers) table.set(prefix, target);
    return table;
  };
  dir.onPeersChanged(routesChanged);

  const packetLedger: PacketLedger = createPacketLedger({ knex, logger, ...deps.packetLedger });
  const peerClient = deps.peerSender
    ? undefined
    : createPeerHttpClient({
        ilpAddress,
        logger,
        connectionsPerPeer: deps.http?.connectionsPerPeer,
        maxBodyBytes: deps.http?.maxBodyBytes,
        publicOnlyLookup: deps.http?.publicOnlyLookup,
      });
  const peerSender: PeerSender = deps.peerSender ?? peerClient!;

  const middlewares: PacketMiddleware[] = [
    createIncomingAccountMiddleware({ directory: dir }),
    createIncomingExpiryMiddleware(),
    createMaxPacketAmountMiddleware(),
    ...(rateLimit
      ? [createRateLimitMiddleware({ ratePerSecond: rateLimit.packetsPerSecond, burst: rateLimit.burst })]
      : []),
    createRouteMiddleware({ ilpAddress, routes: currentRoutes }),
    createExchangeMiddleware({ ratesProvider: deps.ratesProvider ?? createStaticRatesProvider(), spread }),
    createOutgoingExpiryMiddleware({ minMessageWindowMs, maxHoldTimeMs }),
    createBalanceMiddleware({ packetLedger, logger }),
    createFulfillmentCheckMiddleware(),
    createExpiryTimerMiddleware({ ilpAddress }),
    createSendMiddleware({ peerSender }),
  ];
  const toReject = createRejectFactory(ilpAddress, logger);
  const pipeline = composePipeline(middlewares, toReject);

  let stopping = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  async function runPacket(incomingAccountId: string, prepare: IlpPrepare, unfulfillable: boolean): Promise<IlpReply> {
    if (stopping) {
      return {
        code: IlpErrorCode.T03_CONNECTOR_BUSY,
        triggeredBy: ilpAddress,
        message: 'connector is stopping',
        data: Buffer.alloc(0),
      };
    }
    inFlight++;
    const ctx = createPacketContext(incomingAccountId, prepare, unfulfillable);
    try {
      return await pipeline(ctx);
    } catch (error) {
      // composePipeline already turns errors into Rejects; this is the last line of "never throws".
      return toReject(error, ctx);
    } finally {
      inFlight--;
      if (inFlight === 0) drained?.();
    }
  }

  const handlePrepare = (incomingAccountId: string, prepare: IlpPrepare) =>
    runPacket(incomingAccountId, prepare, false);

  await packetLedger.start();
  await dir.refresh();
  const timers = [
    setInterval(refreshSoon, deps.refreshIntervalMs ?? 5_000),
    setInterval(() => {
      ledger.voidExpiredTransfers().catch((error: unknown) => logger.warn({ err: error }, 'transfer sweep failed'));
    }, deps.transferSweepIntervalMs ?? 5_000),
  ];
  const onLiquidityLow = deps.onLiquidityLow;
  if (onLiquidityLow) {
    timers.push(
      setInterval(() => {
        checkLiquidity(knex, onLiquidityLow).catch((error: unknown) =>
          logger.warn({ err: error }, 'liquidity check failed'),
        );
      }, deps.liquidityCheckIntervalMs ?? 5_000),
    );
  }
  for (const timer of timers) timer.unref();

  let stopped: Promise<void> | undefined;
  return {
    ...assetService,
    ...peerService,
    ...ledger,
    ilpAddress,
    handlePrepare,
    sendPrepare: (sourceAccountId, prepare, options) =>
      runPacket(sourceAccountId, prepare, options?.unfulfillable === true),
    refresh: () => dir.refresh(),
    rememberAccount: (account) => dir.rememberAccount(account),

    registerLocalReceiver(prefix, handler, accountId, options) {
      const address = `${ilpAddress}.${prefix}`;
      if (typeof prefix !== 'string' || prefix.length === 0 || !isValidIlpAddress(address)) {
        throw new ConnectorError('invalid_ilp_address', `not a valid local receiver prefix: ${String(prefix)}`);
      }
      if (typeof handler !== 'function') throw invalidArgument('handler must be a function');
      const resolve: LocalAccountResolver = typeof accountId === 'string' ? () => accountId : accountId;
      const target: RouteTarget = {
        kind: 'local',
        handler,
        settles: options?.settles === true,
        async resolveAccount(destination) {
          const id = await resolve(destination);
          const account = id === undefined ? undefined : await dir.getAccount(id);
          return account ? { accountId: account.id, asset: account.asset } : undefined;
        },
      };
      localReceivers.set(address, target);
      routesChanged();
      return () => {
        if (localReceivers.get(address) === target) {
          localReceivers.delete(address);
          routesChanged();
        }
      };
    },

    httpMiddleware() {
      return createIlpHttpMiddleware({
        directory: dir,
        ilpAddress,
        logger,
        handlePrepare,
        path: deps.http?.path,
        maxBodyBytes: deps.http?.maxBodyBytes,
      });
    },

    stop() {
      stopped ??= (async () => {
        stopping = true;
        for (const timer of timers) clearInterval(timer);
        if (inFlight > 0) {
          // Every packet ends by its expiry (at most maxHoldTime away), so this wait is bounded.
          await Promise.race([
            new Promise<void>((resolve) => (drained = resolve)),
            new Promise<void>((resolve) => setTimeout(resolve, maxHoldTimeMs + minMessageWindowMs).unref()),
          ]);
        }
        await packetLedger.stop();
        await peerClient?.close();
      })();
      return stopped;
    },
  };
}
