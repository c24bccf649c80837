// Fakes for testing one pipeline step at a time.
import { IlpErrorCode, type IlpPrepare, type IlpReply } from '@sluice/ilp';
import type { AccountInfo, AssetInfo, PeerInfo } from '../../src/directory';
import { composePipeline, createRejectFactory } from '../../src/pipeline/compose';
import { createPacketContext, type PacketContext, type PacketMiddleware } from '../../src/pipeline/packet-context';
import { silentLogger } from './logger';
import { makePrepare } from './packets';

export const OWN_ADDRESS = 'test.node';

export const USD: AssetInfo = { id: 'asset-usd', code: 'USD', scale: 2, liquidityAccountId: 'liq-usd' };
export const EUR: AssetInfo = { id: 'asset-eur', code: 'EUR', scale: 2, liquidityAccountId: 'liq-eur' };
export const BTC: AssetInfo = { id: 'asset-btc', code: 'BTC', scale: 8, liquidityAccountId: 'liq-btc' };

export function peerInfo(id: string, overrides: Partial<PeerInfo> = {}): PeerInfo {
  return {
    id,
    asset: USD,
    staticIlpAddress: `test.${id}`,
    maxPacketAmount: null,
    outgoing: { authToken: 'token', endpoint: 'http://127.0.0.1:1/ilp' },
    ...overrides,
  };
}

export function peerAccount(peer: PeerInfo): AccountInfo {
  return { id: peer.id, kind: 'peer', asset: peer.asset, peer };
}

export function localAccount(id: string, asset: AssetInfo = USD): AccountInfo {
  return { id, kind: 'outgoing_payment', asset };
}

export function contextFor(
  prepare: IlpPrepare = makePrepare({ amount: 100n, destination: 'test.x.y' }).prepare,
  source?: AccountInfo,
): PacketContext {
  const ctx = createPacketContext(source?.id ?? 'incoming', prepare);
  ctx.source = source;
  return ctx;
}

export const fulfillStub = (): IlpReply => ({ fulfillment: Buffer.alloc(32), data: Buffer.alloc(0) });

/** Runs `middleware` with a `next` that records being called and returns `reply` (default a stub Fulfill). */
export async function run(
  middleware: PacketMiddleware,
  ctx: PacketContext,
  reply: () => Promise<IlpReply> | IlpReply = fulfillStub,
): Promise<{ reply: IlpReply; nextCalled: boolean }> {
  let nextCalled = false;
  const pipeline = composePipeline(
    [middleware, async () => ((nextCalled = true), reply())],
    createRejectFactory(OWN_ADDRESS, silentLogger),
  );
  return { reply: await pipeline(ctx), nextCalled };
}

export const rejectReply = (code: string = IlpErrorCode.F99_APPLICATION_ERROR): IlpReply => ({
  code,
  triggeredBy: 'test.elsewhere',
  message: 'downstream says no',
  data: Buffer.from('downstream data'),
});
