// Rafiki's triggerWalletAddressEvents: an operator writes the due wallet_address.web_monetization events at once
// instead of waiting for the periodic check (not started in this harness).
import { startAdmin, type AdminHarness } from './support/admin-harness';

const TRIGGER = `mutation Trigger($input: TriggerWalletAddressEventsInput!) {
  triggerWalletAddressEvents(input: $input) { count }
}`;

describe('triggerWalletAddressEvents', () => {
  let admin: AdminHarness;

  beforeAll(async () => (admin = await startAdmin()));
  afterAll(() => admin.stop());

  it('writes the events that are due, at most `limit`, each amount once', async () => {
    const assetId = await admin.createAsset('USD', 2);
    const walletAddresses = await Promise.all(
      ['/wm1', '/wm2', '/wm3'].map((address) => admin.resource.walletAddresses.create({ address, assetId })),
    );
    // What SPSP packets leave behind (the resource and server tests pay real packets): totals due for announcement,
    // but for the third, which is not due yet.
    await admin.knex('web_monetization_totals').insert(
      walletAddresses.map((walletAddress, index) => ({
        wallet_address_id: walletAddress.id,
        received: 1000 * (index + 1),
        due_at: index < 2 ? admin.knex.raw(`now()`) : admin.knex.raw(`now() + interval '1 hour'`),
      })),
    );

    expect(await admin.ok(TRIGGER, { input: { limit: 1, idempotencyKey: 'first' } })).toEqual({
      triggerWalletAddressEvents: { count: 1 },
    });
    expect(await admin.ok(TRIGGER, { input: { limit: 10 } })).toEqual({ triggerWalletAddressEvents: { count: 1 } });
    expect(await admin.ok(TRIGGER, { input: { limit: 10 } })).toEqual({ triggerWalletAddressEvents: { count: 0 } });

    const events = await admin.knex('webhook_events').where('type', 'wallet_address.web_monetization').select('data');
    const announced = events.map((event) => event.data.walletAddress);
    expect(announced.map((walletAddress) => [walletAddress.id, walletAddress.receivedAmount.value]).sort()).toEqual(
      [
        [walletAddresses[0].id, '1000'],
        [walletAddresses[1].id, '2000'],
      ].sort(),
    );
  });

  it('refuses a limit outside 1 to 1,000', async () => {
    await admin.fails(TRIGGER, { input: { limit: 0 } }, 'BAD_USER_INPUT');
    await admin.fails(TRIGGER, { input: { limit: 5000 } }, 'BAD_USER_INPUT');
  });
});
