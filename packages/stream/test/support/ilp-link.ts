// In-memory ILP links for interop tests: ilp-packet (the reference codec) serializes what crosses them, so the
// reference libraries see real ILP bytes while our code sees the IlpPrepare/IlpReply objects of its API.
import * as Ref from 'ilp-packet';
import * as ILDCP from 'ilp-protocol-ildcp';
import type { IlpPrepare, IlpReply } from '../../src/ilp';

export type SendPrepare = (prepare: IlpPrepare) => Promise<IlpReply>;

export function toReferencePrepare(prepare: IlpPrepare): Ref.IlpPrepare {
  return { ...prepare, amount: prepare.amount.toString() } as Ref.IlpPrepare;
}

export function fromReferencePrepare(prepare: Ref.IlpPrepare): IlpPrepare {
  return {
    amount: BigInt(prepare.amount),
    expiresAt: prepare.expiresAt,
    executionCondition: prepare.executionCondition,
    destination: prepare.destination,
    data: prepare.data,
  };
}

export function serializeReply(reply: IlpReply): Buffer {
  return 'fulfillment' in reply
    ? Ref.serializeIlpFulfill(reply)
    : Ref.serializeIlpReject({ ...reply, triggeredBy: reply.triggeredBy as Ref.IlpAddress });
}

export function deserializeReply(bytes: Buffer): IlpReply {
  const reply = Ref.deserializeIlpReply(bytes);
  return Ref.isFulfill(reply)
    ? { fulfillment: reply.fulfillment, data: reply.data }
    : { code: reply.code, triggeredBy: reply.triggeredBy, message: reply.message, data: reply.data };
}

function ildcpReply(clientAddress: string, asset: { code: string; scale: number }): Buffer {
  return ILDCP.serializeIldcpResponse({ clientAddress, assetCode: asset.code, assetScale: asset.scale });
}

export interface TestPlugin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  sendData(data: Buffer): Promise<Buffer>;
  registerDataHandler(handler: (data: Buffer) => Promise<Buffer>): void;
  deregisterDataHandler(): void;
}

export interface LinkOptions {
  /** Exchange rate applied to every Prepare, as numerator/denominator (amounts are floored like a connector does). */
  rate?: [bigint, bigint];
  /** Reject larger Prepares with F08 and the RFC 0027 data, before any rate is applied. */
  maxPacketAmount?: bigint;
}

/** A connector hop: F08 above the maximum packet amount, then converts the amount at `rate`. */
export function connectorHop(next: SendPrepare, options: LinkOptions = {}): SendPrepare {
  return async (prepare) => {
    if (options.maxPacketAmount !== undefined && prepare.amount > options.maxPacketAmount) {
      const data = Buffer.alloc(16);
      data.writeBigUInt64BE(prepare.amount, 0);
      data.writeBigUInt64BE(options.maxPacketAmount, 8);
      return { code: 'F08', triggeredBy: 'test.connector', message: 'too large', data };
    }
    const [num, den] = options.rate ?? [1n, 1n];
    return next({ ...prepare, amount: (prepare.amount * num) / den });
  };
}

/** A plugin whose outgoing Prepares go to `handle` (e.g. our receiver); answers IL-DCP itself. */
export function pluginTo(
  handle: SendPrepare,
  clientAddress = 'test.sender',
  asset = { code: 'USD', scale: 2 },
): TestPlugin {
  let connected = false;
  return {
    async connect() {
      connected = true;
    },
    async disconnect() {
      connected = false;
    },
    isConnected: () => connected,
    async sendData(data) {
      const prepare = Ref.deserializeIlpPrepare(data);
      if (prepare.destination === 'peer.config') return ildcpReply(clientAddress, asset);
      return serializeReply(await handle(fromReferencePrepare(prepare)));
    },
    registerDataHandler() {},
    deregisterDataHandler() {},
  };
}

/**
 * A plugin for a reference *server* (ilp-protocol-stream Server): it answers IL-DCP with `serverAddress` and exposes
 * `sendPrepare` for our sender, which delivers into the handler the server registered.
 */
export function pluginFrom(
  serverAddress: string,
  asset = { code: 'USD', scale: 2 },
): { plugin: TestPlugin; sendPrepare: SendPrepare } {
  let handler: ((data: Buffer) => Promise<Buffer>) | undefined;
  let connected = false;
  const plugin: TestPlugin = {
    async connect() {
      connected = true;
    },
    async disconnect() {
      connected = false;
    },
    isConnected: () => connected,
    async sendData(data) {
      const prepare = Ref.deserializeIlpPrepare(data);
      if (prepare.destination === 'peer.config') return ildcpReply(serverAddress, asset);
      throw new Error('the test server plugin does not send packets');
    },
    registerDataHandler(h) {
      handler = h;
    },
    deregisterDataHandler() {
      handler = undefined;
    },
  };
  const sendPrepare: SendPrepare = async (prepare) => {
    if (!handler) throw new Error('no data handler registered');
    return deserializeReply(await handler(Ref.serializeIlpPrepare(toReferencePrepare(prepare))));
  };
  return { plugin, sendPrepare };
}
