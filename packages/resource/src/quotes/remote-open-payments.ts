// This server as an Open Payments client of other Open Payments servers: to pay a receiver elsewhere it reads the
// incoming payment (or creates one at a wallet address) there, with grants it requests itself. It identifies with
// its own Ed25519 key as a directed-identity client (`client: { jwk }`); an auth server from before directed identity
// (Rafiki before 2026, say) refuses that, and is asked again with the key published at a URL of ours as the client
// wallet address (`client: "<url>"`, the form every version takes), which is then used with that server from then on.
import { createHash, createPrivateKey, createPublicKey, createHmac } from 'node:crypto';
// undici's own fetch, not Node's built-in one: loading undici (our HTTP client elsewhere) makes its dispatcher the
// built-in fetch's too, and that pairing refuses a request with an explicit content-length, which a signed POST has.
import { fetch } from 'undici';
import { exportPublicJwk, signRequest, type Ed25519Jwk, type SigningKey } from '@sluice/http-signatures';
import { assertPublicHost, PrivateNetworkError, publicNetworkDispatcher } from './public-network';
import { checkReceiverAsset, invalidReceiver, type NewIncomingPayment, type Receiver } from './receiver';

// DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The server's client key, derived from a secret so every instance of one deployment signs with the same key. */
export function serverClientKey(secret: Buffer): { signingKey: SigningKey; publicJwk: Ed25519Jwk } {
  const seed = createHmac('sha256', secret).update('sluice open payments client key').digest();
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const publicDer = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const keyId = `sluice-${createHash('sha256').update(publicDer).digest('hex').slice(0, 16)}`;
  return { signingKey: { keyId, privateKey }, publicJwk: exportPublicJwk(createPublicKey(privateKey), keyId) };
}

interface AmountJson {
  value: string;
  assetCode: string;
  assetScale: number;
}

interface RemoteIncomingPayment {
  id: string;
  walletAddress: string;
  completed: boolean;
  incomingAmount?: AmountJson;
  receivedAmount: AmountJson;
  expiresAt?: string;
  metadata?: Record<string, unknown>;
  createdAt?: string;
  methods: { type: string; ilpAddress?: string; sharedSecret?: string }[];
}

export interface RemoteOpenPaymentsDeps {
  signingKey: SigningKey;
  publicJwk: Ed25519Jwk;
  /** Where `{ keys: [publicJwk] }` is served at `…/jwks.json`; without it, only directed identity is offered. */
  clientWalletAddressUrl?: string;
  timeoutMs?: number;
  /**
   * Whether receivers may be on private networks (loopback, RFC 1918, link-local…): for tests and closed deployments.
   * Default false: a client's quote cannot make this server reach into its own network.
   */
  allowPrivateNetworks?: boolean;
}

type ClientForm = 'jwk' | 'walletAddress';

export function createRemoteOpenPayments(deps: RemoteOpenPaymentsDeps) {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const dispatcher = deps.allowPrivateNetworks ? undefined : publicNetworkDispatcher();
  /** read-all tokens per auth server, reused until shortly before they expire. */
  const readTokens = new Map<string, { value: string; expiresAt: number }>();
  /** Auth servers that refused directed identity and took our client wallet address instead. */
  const walletAddressClientsOnly = new Set<string>();

  async function call(method: 'GET' | 'POST', rawUrl: string, options: { token?: string; body?: unknown } = {}) {
    // Sign exactly the URL fetch will request (`http://host` is requested as `http://host/`).
    const url = new URL(rawUrl).href;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `GNAP ${options.token}`;
    if (options.token || method === 'POST') {
      // Lower-case names, so a signed header replaces ours instead of being sent twice (fetch would join them).
      for (const [name, value] of Object.entries(signRequest({ method, url, headers, body }, deps.signingKey))) {
        if (value !== undefined) headers[name.toLowerCase()] = value;
      }
    }
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      if (dispatcher) await assertPublicHost(new URL(url));
      response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs), dispatcher });
    } catch (error) {
      if (error instanceof PrivateNetworkError)
        throw invalidReceiver(`the receiver is not reachable: ${error.message}`);
      throw invalidReceiver(`${method} ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    return { status: response.status, json };
  }

  const requestGrant = (authServer: string, access: Record<string, unknown>[], form: ClientForm) =>
    call('POST', authServer, {
      body: {
        access_token: { access },
        client: form === 'jwk' ? { jwk: deps.publicJwk } : deps.clientWalletAddressUrl,
      },
    });

  async function grantToken(
    authServer: string,
    access: Record<string, unknown>[],
  ): Promise<{ value: string; expiresIn?: number }> {
    const walletAddressUrl = deps.clientWalletAddressUrl;
    const form: ClientForm = walletAddressUrl && walletAddressClientsOnly.has(authServer) ? 'walletAddress' : 'jwk';
    let { status, json } = await requestGrant(authServer, access, form);
    if (form === 'jwk' && walletAddressUrl && (status === 400 || status === 401)) {
      ({ status, json } = await requestGrant(authServer, access, 'walletAddress'));
      if (status === 200) {
        if (walletAddressClientsOnly.size >= 1_000) walletAddressClientsOnly.clear();
        walletAddressClientsOnly.add(authServer);
      }
    }
    const token = (json?.access_token as { value?: string; expires_in?: number } | undefined) ?? undefined;
    if (status !== 200 || !token?.value) {
      const reason = (json?.error as { code?: string; description?: string } | undefined) ?? {};
      throw invalidReceiver(
        `the receiver's auth server refused a grant (${status} ${reason.code ?? ''} ${reason.description ?? ''})`.trim(),
      );
    }
    return { value: token.value, expiresIn: token.expires_in };
  }

  async function readToken(authServer: string): Promise<string> {
    const cached = readTokens.get(authServer);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const token = await grantToken(authServer, [{ type: 'incoming-payment', actions: ['read-all'] }]);
    readTokens.set(authServer, { value: token.value, expiresAt: Date.now() + ((token.expiresIn ?? 60) - 10) * 1000 });
    return token.value;
  }

  function toReceiver(payment: RemoteIncomingPayment): Receiver {
    const method = payment.methods.find((item) => item.type === 'ilp');
    const completed =
      payment.completed || (payment.expiresAt !== undefined && Date.parse(payment.expiresAt) <= Date.now());
    const shown = {
      completed: payment.completed === true,
      walletAddressUrl: typeof payment.walletAddress === 'string' ? payment.walletAddress : undefined,
      metadata: payment.metadata,
      createdAt: payment.createdAt ? new Date(payment.createdAt) : undefined,
    };
    if (!method?.ilpAddress || !method.sharedSecret) {
      if (completed) {
        return {
          ...shown,
          url: payment.id,
          ilpAddress: '',
          sharedSecret: Buffer.alloc(0),
          assetCode: payment.receivedAmount.assetCode,
          assetScale: payment.receivedAmount.assetScale,
          incomingAmount: payment.incomingAmount ? BigInt(payment.incomingAmount.value) : undefined,
          receivedAmount: BigInt(payment.receivedAmount.value),
          receiving: false,
        };
      }
      throw invalidReceiver('the receiver offers no ILP payment method');
    }
    return {
      ...shown,
      url: payment.id,
      ilpAddress: method.ilpAddress,
      sharedSecret: Buffer.from(method.sharedSecret, 'base64url'),
      assetCode: payment.receivedAmount.assetCode,
      assetScale: payment.receivedAmount.assetScale,
      incomingAmount: payment.incomingAmount ? BigInt(payment.incomingAmount.value) : undefined,
      receivedAmount: BigInt(payment.receivedAmount.value),
      expiresAt: payment.expiresAt ? new Date(payment.expiresAt) : undefined,
      receiving: !completed,
    };
  }

  return {
    clientJwk: deps.publicJwk,

    /** Reads an incoming payment on another server (public view first, to learn its auth server). */
    async getIncomingPayment(url: string): Promise<Receiver> {
      const publicView = await call('GET', url);
      if (publicView.status !== 200 || typeof publicView.json?.authServer !== 'string') {
        throw invalidReceiver(`the receiver incoming payment could not be read (${publicView.status})`);
      }
      const token = await readToken(publicView.json.authServer);
      const { status, json } = await call('GET', url, { token });
      if (status !== 200 || !json) throw invalidReceiver(`the receiver incoming payment could not be read (${status})`);
      return toReceiver(json as unknown as RemoteIncomingPayment);
    },

    /** Creates an incoming payment at a wallet address on another server. */
    async createIncomingPayment(walletAddressUrl: string, payment: NewIncomingPayment): Promise<Receiver> {
      const document = await call('GET', walletAddressUrl);
      const wallet = document.json as
        | { id?: string; authServer?: string; resourceServer?: string; assetCode?: string; assetScale?: number }
        | undefined;
      if (document.status !== 200 || !wallet?.authServer || !wallet.resourceServer) {
        throw invalidReceiver('no wallet address at that URL');
      }
      const { incomingAmount } = payment;
      if (incomingAmount !== undefined)
        checkReceiverAsset(payment.asset, String(wallet.assetCode), Number(wallet.assetScale));
      const token = await grantToken(wallet.authServer, [
        { type: 'incoming-payment', actions: ['create', 'read'], identifier: wallet.id ?? walletAddressUrl },
      ]);
      const { status, json } = await call('POST', `${wallet.resourceServer.replace(/\/$/, '')}/incoming-payments`, {
        token: token.value,
        body: {
          walletAddress: wallet.id ?? walletAddressUrl,
          ...(incomingAmount === undefined
            ? {}
            : {
                incomingAmount: {
                  value: incomingAmount.toString(),
                  assetCode: wallet.assetCode,
                  assetScale: wallet.assetScale,
                },
              }),
          ...(payment.expiresAt === undefined ? {} : { expiresAt: payment.expiresAt }),
          ...(payment.metadata === undefined ? {} : { metadata: payment.metadata }),
        },
      });
      if (status !== 201 || !json)
        throw invalidReceiver(`the receiver's server refused the incoming payment (${status})`);
      return toReceiver(json as unknown as RemoteIncomingPayment);
    },
  };
}

export type RemoteOpenPayments = ReturnType<typeof createRemoteOpenPayments>;
