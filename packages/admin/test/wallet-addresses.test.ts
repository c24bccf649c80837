import { generateEd25519Key } from '@sluice/http-signatures';
import { startAdmin, type AdminHarness } from './support/admin-harness';

const WALLET_ADDRESS_FIELDS = `id address url publicName status createdAt tenantId
  asset { id code scale }
  additionalProperties { key value visibleInOpenPayments }`;

const CREATE = `mutation Create($input: CreateWalletAddressInput!) {
  createWalletAddress(input: $input) { walletAddress { ${WALLET_ADDRESS_FIELDS} } }
}`;
const UPDATE = `mutation Update($input: UpdateWalletAddressInput!) {
  updateWalletAddress(input: $input) { walletAddress { ${WALLET_ADDRESS_FIELDS} } }
}`;
const GET = `query Get($id: String!) { walletAddress(id: $id) { ${WALLET_ADDRESS_FIELDS} } }`;
const BY_URL = `query ByUrl($url: String!) { walletAddressByUrl(url: $url) { id address } }`;
const ADD_KEY = `mutation AddKey($input: CreateWalletAddressKeyInput!) {
  createWalletAddressKey(input: $input) { walletAddressKey { id walletAddressId revoked createdAt jwk { kid x alg kty crv } } }
}`;
const REVOKE_KEY = `mutation Revoke($input: RevokeWalletAddressKeyInput!) {
  revokeWalletAddressKey(input: $input) { walletAddressKey { id revoked } }
}`;
const KEYS = `query Keys($id: String!) {
  walletAddress(id: $id) { walletAddressKeys { edges { cursor node { id jwk { kid } } } pageInfo { hasNextPage } } }
}`;

describe('wallet addresses over the admin API', () => {
  let admin: AdminHarness;
  let assetId: string;

  beforeAll(async () => {
    admin = await startAdmin();
    assetId = await admin.createAsset('EUR', 2);
  });
  afterAll(() => admin.stop());

  it('creates a wallet address (Rafiki input) and reads it back by id and by URL', async () => {
    const data = await admin.ok(CREATE, {
      input: {
        assetId,
        address: 'https://wallet.example/alice',
        publicName: 'Alice',
        additionalProperties: [{ key: 'iban', value: 'NL00', visibleInOpenPayments: false }],
      },
    });
    const created = data.createWalletAddress.walletAddress;
    const instance = await admin.knex('sluice_instance').first('id');
    expect(created).toEqual({
      id: expect.any(String),
      address: 'https://wallet.example/alice',
      url: 'https://wallet.example/alice',
      publicName: 'Alice',
      status: 'ACTIVE',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      tenantId: instance.id,
      asset: { id: assetId, code: 'EUR', scale: 2 },
      additionalProperties: [{ key: 'iban', value: 'NL00', visibleInOpenPayments: false }],
    });
    expect((await admin.ok(GET, { id: created.id })).walletAddress).toEqual(created);
    expect((await admin.ok(BY_URL, { url: 'https://wallet.example/alice' })).walletAddressByUrl.id).toBe(created.id);
    // The same wallet address named by its payment pointer.
    expect((await admin.ok(BY_URL, { url: '$wallet.example/alice' })).walletAddressByUrl.id).toBe(created.id);
    expect((await admin.ok(BY_URL, { url: 'https://wallet.example/nobody' })).walletAddressByUrl).toBeNull();
    expect((await admin.ok(BY_URL, { url: 'https://elsewhere.example/alice' })).walletAddressByUrl).toBeNull();
  });

  it('takes the older Rafiki input field `url`, a payment pointer or a path', async () => {
    const byUrl = await admin.ok(CREATE, { input: { assetId, url: 'https://wallet.example/bob' } });
    expect(byUrl.createWalletAddress.walletAddress.url).toBe('https://wallet.example/bob');
    const byPointer = await admin.ok(CREATE, { input: { assetId, address: '$wallet.example/carol' } });
    expect(byPointer.createWalletAddress.walletAddress.address).toBe('https://wallet.example/carol');
    const byPath = await admin.ok(CREATE, { input: { assetId, address: '/dave' } });
    expect(byPath.createWalletAddress.walletAddress.address).toBe('https://wallet.example/dave');
  });

  it.each([
    ['a duplicate URL', { address: '/alice' }, 'DUPLICATE', /already exists/],
    ['a URL on another host', { address: 'https://elsewhere.example/x' }, 'BAD_USER_INPUT', /must live under/],
    ['a reserved path', { address: '/incoming-payments' }, 'BAD_USER_INPUT', /taken/],
    ['no address at all', {}, 'BAD_USER_INPUT', /address is required/],
    ['two different addresses', { address: '/x1', url: '/x2' }, 'BAD_USER_INPUT', /not two/],
    ['an unknown asset', { address: '/e', assetId: '00000000-0000-4000-8000-000000000000' }, 'BAD_USER_INPUT', /asset/],
    ['a malformed asset id', { address: '/f', assetId: 'usd' }, 'BAD_USER_INPUT', /asset/],
  ])('refuses %s with a typed error and creates nothing', async (_name, input, code, message) => {
    const before = await admin.knex('wallet_addresses').count('* as n');
    const error = await admin.fails(CREATE, { input: { assetId, ...input } }, code);
    expect(error.message).toMatch(message);
    expect(await admin.knex('wallet_addresses').count('* as n')).toEqual(before);
  });

  it('answers NOT_FOUND for unknown or malformed ids', async () => {
    await admin.fails(GET, { id: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND');
    await admin.fails(GET, { id: 'not-a-uuid' }, 'NOT_FOUND');
    await admin.fails(UPDATE, { input: { id: 'not-a-uuid', status: 'INACTIVE' } }, 'NOT_FOUND');
    await admin.fails(UPDATE, { input: { id: '00000000-0000-4000-8000-000000000000' } }, 'NOT_FOUND');
  });

  it('deactivates and reactivates, and updates the public name and properties', async () => {
    const created = (await admin.ok(CREATE, { input: { assetId, address: '/erin' } })).createWalletAddress
      .walletAddress;
    const inactive = await admin.ok(UPDATE, { input: { id: created.id, status: 'INACTIVE' } });
    expect(inactive.updateWalletAddress.walletAddress.status).toBe('INACTIVE');
    expect((await admin.resource.walletAddresses.get(created.id))?.status).toBe('inactive');
    const renamed = await admin.ok(UPDATE, {
      input: {
        id: created.id,
        status: 'ACTIVE',
        publicName: 'Erin',
        additionalProperties: [{ key: 'k', value: 'v', visibleInOpenPayments: true }],
      },
    });
    expect(renamed.updateWalletAddress.walletAddress).toMatchObject({
      status: 'ACTIVE',
      publicName: 'Erin',
      additionalProperties: [{ key: 'k', value: 'v', visibleInOpenPayments: true }],
    });
    await admin.fails(UPDATE, { input: { id: created.id, status: 'DELETED' } }, 'BAD_USER_INPUT');
  });

  it('registers, lists and revokes client keys', async () => {
    const walletAddress = (await admin.ok(CREATE, { input: { assetId, address: '/frank' } })).createWalletAddress
      .walletAddress;
    const { publicJwk } = generateEd25519Key('frank-key-1');
    const jwk = { kid: publicJwk.kid, x: publicJwk.x, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519' };
    const added = (await admin.ok(ADD_KEY, { input: { walletAddressId: walletAddress.id, jwk } }))
      .createWalletAddressKey.walletAddressKey;
    expect(added).toEqual({
      id: expect.any(String),
      walletAddressId: walletAddress.id,
      revoked: false,
      createdAt: expect.any(String),
      jwk,
    });
    expect((await admin.resource.keys.listActive(walletAddress.id)).map((key) => key.id)).toEqual([added.id]);

    const second = generateEd25519Key('frank-key-2').publicJwk;
    await admin.ok(ADD_KEY, {
      input: { walletAddressId: walletAddress.id, jwk: { ...jwk, kid: second.kid, x: second.x } },
    });
    const keys = (await admin.ok(KEYS, { id: walletAddress.id })).walletAddress.walletAddressKeys;
    expect(keys.edges.map((edge: { node: { jwk: { kid: string } } }) => edge.node.jwk.kid)).toEqual([
      'frank-key-2',
      'frank-key-1',
    ]);

    await admin.fails(ADD_KEY, { input: { walletAddressId: walletAddress.id, jwk } }, 'DUPLICATE');
    await admin.fails(
      ADD_KEY,
      { input: { walletAddressId: walletAddress.id, jwk: { ...jwk, kid: 'bad', x: 'too-short' } } },
      'BAD_USER_INPUT',
    );
    await admin.fails(
      ADD_KEY,
      { input: { walletAddressId: '00000000-0000-4000-8000-000000000000', jwk: { ...jwk, kid: 'other' } } },
      'NOT_FOUND',
    );
    // The schema only admits Ed25519 keys.
    const rsa = await admin.gql(ADD_KEY, { input: { walletAddressId: walletAddress.id, jwk: { ...jwk, kty: 'RSA' } } });
    expect(rsa.status).toBe(400);

    const revoked = await admin.ok(REVOKE_KEY, { input: { id: added.id } });
    expect(revoked.revokeWalletAddressKey.walletAddressKey).toEqual({ id: added.id, revoked: true });
    const remaining = (await admin.ok(KEYS, { id: walletAddress.id })).walletAddress.walletAddressKeys.edges;
    expect(remaining.map((edge: { node: { jwk: { kid: string } } }) => edge.node.jwk.kid)).toEqual(['frank-key-2']);
    const unknown = await admin.fails(
      REVOKE_KEY,
      { input: { id: '00000000-0000-4000-8000-000000000000' } },
      'NOT_FOUND',
    );
    expect(unknown.message).toMatch(/key/);
  });

  it('serves the asset code and scale without the connector, and says so for what needs it', async () => {
    const walletAddress = (await admin.ok(CREATE, { input: { assetId, address: '/grace' } })).createWalletAddress
      .walletAddress;
    const result = await admin.gql(
      `query { walletAddress(id: "${walletAddress.id}") { id liquidity asset { code } } }`,
    );
    expect(result.status).toBe(200);
    expect(result.body.data.walletAddress).toEqual({ id: walletAddress.id, liquidity: null, asset: { code: 'EUR' } });
    expect(result.body.errors).toEqual([
      expect.objectContaining({ path: ['walletAddress', 'liquidity'], extensions: { code: 'SERVICE_UNAVAILABLE' } }),
    ]);
  });
});
