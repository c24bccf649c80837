import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../../test-support';
import { checkLiquidity, createAssetService, createLedger, createPeerService, type LiquidityAlert } from '../src';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('liquidity alerts', () => {
  const check = async () => {
    const told: LiquidityAlert[] = [];
    await checkLiquidity(db.knex, async (_trx, alert) => {
      told.push(alert);
    });
    return told;
  };

  it("announces an asset's or a peer's liquidity once per dip below its threshold", async () => {
    const assets = createAssetService({ knex: db.knex });
    const peers = createPeerService({ knex: db.knex });
    const ledger = createLedger({ knex: db.knex });
    const asset = await assets.createAsset({ code: 'LQA', scale: 2, liquidityThreshold: 1_000n });
    const move = async (amount: bigint) => {
      if (amount > 0n) await ledger.deposit({ id: randomUUID(), accountId: asset.liquidityAccountId, amount });
      else {
        const withdrawal = await ledger.withdraw({
          id: randomUUID(),
          accountId: asset.liquidityAccountId,
          amount: -amount,
        });
        if (withdrawal.state === 'pending') await ledger.postWithdrawal(withdrawal.id);
      }
    };
    await move(1_500n);
    expect(await check()).toEqual([]);

    await move(-600n);
    const expected = { kind: 'asset', id: asset.id, asset: { id: asset.id, code: 'LQA', scale: 2 } };
    expect(await check()).toEqual([{ ...expected, liquidityThreshold: 1_000n, balance: 900n }]);
    // Still low, already told: nothing new, however often it is checked.
    await move(-100n);
    expect(await check()).toEqual([]);

    // Back above the threshold, then below again: a new dip, told again.
    await move(500n);
    expect(await check()).toEqual([]);
    await move(-700n);
    // Two processes checking at once: one of them tells.
    const [first, second] = await Promise.all([check(), check()]);
    expect([...first, ...second]).toEqual([{ ...expected, liquidityThreshold: 1_000n, balance: 600n }]);

    // A peer with a threshold and nothing deposited yet is low from the start.
    const peer = await peers.createPeer({
      assetId: asset.id,
      staticIlpAddress: 'test.lqa-peer',
      liquidityThreshold: 100n,
      http: { incoming: { authTokens: [] }, outgoing: { authToken: 'out', endpoint: 'https://peer.example/ilp' } },
    });
    expect(await check()).toEqual([
      { kind: 'peer', id: peer.id, asset: expected.asset, liquidityThreshold: 100n, balance: 0n },
    ]);
  });

  it('records nothing when telling fails: the next check tells again', async () => {
    const assets = createAssetService({ knex: db.knex });
    const asset = await assets.createAsset({ code: 'LQB', scale: 0, liquidityThreshold: 5n });
    await expect(
      checkLiquidity(db.knex, async () => {
        throw new Error('outbox unavailable');
      }),
    ).rejects.toThrow('outbox unavailable');
    expect((await check()).map((alert) => alert.id)).toContain(asset.id);
  });
});
