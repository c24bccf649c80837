// The "client's wallet": a small real HTTP server publishing wallet address documents and their jwks.json, the way a
// client's wallet provider does. It is not a mock of the auth server; the auth server fetches from it over HTTP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { generateEd25519Key, type Ed25519Jwk, type SigningKey } from '@sluice/http-signatures';

export interface TestWallet {
  name: string;
  url: string;
  publicName: string;
  /** The key the wallet's owner signs with (first published key). */
  signingKey: SigningKey;
  publicJwk: Ed25519Jwk;
  /** Everything served at jwks.json; tests may add or remove keys. */
  keys: Ed25519Jwk[];
}

export interface WalletServer {
  baseUrl: string;
  /** Adds a wallet address `<baseUrl>/<name>` with a fresh Ed25519 key `keyId`. */
  addWallet(name: string, options?: { keyId?: string; publicName?: string }): TestWallet;
  /** How many times each path was fetched (to see the auth server's key cache at work). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startWalletServer(options: {
  authServer: () => string;
  resourceServer?: string;
}): Promise<WalletServer> {
  const wallets = new Map<string, TestWallet>();
  const hits = new Map<string, number>();
  const app = new Koa();
  let baseUrl = '';
  app.use(async (ctx) => {
    hits.set(ctx.path, (hits.get(ctx.path) ?? 0) + 1);
    const match = /^\/([a-z0-9-]+)(\/jwks\.json)?$/.exec(ctx.path);
    const wallet = match ? wallets.get(match[1]) : undefined;
    if (ctx.method !== 'GET' || !match || !wallet) {
      ctx.status = 404;
      ctx.body = { error: { code: '404', description: 'not found' } };
      return;
    }
    ctx.body = match[2]
      ? { keys: wallet.keys }
      : {
          id: wallet.url,
          publicName: wallet.publicName,
          assetCode: 'USD',
          assetScale: 2,
          authServer: options.authServer(),
          resourceServer: options.resourceServer ?? `${baseUrl}/rs`,
        };
  });
  const server: Server = createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    hits,
    addWallet(name, walletOptions = {}) {
      const { signingKey, publicJwk } = generateEd25519Key(walletOptions.keyId ?? `${name}-key-1`);
      const wallet: TestWallet = {
        name,
        url: `${baseUrl}/${name}`,
        publicName: walletOptions.publicName ?? `${name} app`,
        signingKey,
        publicJwk,
        keys: [publicJwk],
      };
      wallets.set(name, wallet);
      return wallet;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
