// GNAP authorization server throughput on a fresh PostgreSQL database: token introspection (what every resource
// server request costs), over HTTP through the introspection client and in process, and signed grant requests
// (signature check against the client's cached JWKS, validation, two INSERTs in one transaction).
// A koa "hello" request rate measured in the same run gives the HTTP floor to compare with.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import pino from 'pino';
import { Agent, request } from 'undici';
import { createAuthServer, createIntrospectionClient } from '@sluice/auth';
import { generateEd25519Key, signRequest } from '@sluice/http-signatures';
import { migrateDatabase, openDatabase, type Database } from '@sluice/server';
import type { BenchFigure } from './figure';

export const name = 'Auth';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION_MS = 3000;

/** Runs `operation` from `concurrency` loops for `durationMs` (after a warm-up) and returns completions per second. */
async function measureConcurrent(
  operation: () => Promise<unknown>,
  concurrency: number,
  durationMs = DURATION_MS,
): Promise<number> {
  const loop = async (until: number, counter: { n: number }) => {
    while (Date.now() < until) {
      await operation();
      counter.n++;
    }
  };
  const warmUp = { n: 0 };
  await Promise.all(Array.from({ length: concurrency }, () => loop(Date.now() + 300, warmUp)));
  const counted = { n: 0 };
  const start = process.hrtime.bigint();
  const until = Date.now() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, () => loop(until, counted)));
  return (counted.n * 1e9) / Number(process.hrtime.bigint() - start);
}

/** Serves `app`; its middleware may be added later (Koa composes middleware when callback() is called). */
async function listen(app: Koa): Promise<{ server: Server; url: string }> {
  let handler: ReturnType<Koa['callback']> | undefined;
  const server = createServer((req, res) => (handler ??= app.callback())(req, res));
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function withFreshDatabase<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const admin = await openDatabase(ADMIN_URL, { poolSize: 1 });
  const nameOfDatabase = `sluice_bench_auth_${randomBytes(4).toString('hex')}`;
  await admin.knex.raw(`CREATE DATABASE "${nameOfDatabase}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${nameOfDatabase}`;
  const database = await openDatabase(url.href, { poolSize: 16 });
  try {
    await migrateDatabase(database.knex);
    return await run(database);
  } finally {
    await database.close();
    await admin.knex.raw(`DROP DATABASE IF EXISTS "${nameOfDatabase}" WITH (FORCE)`);
    await admin.close();
  }
}

export async function run(): Promise<BenchFigure[]> {
  return withFreshDatabase(async (database) => {
    const servers: Server[] = [];
    const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
    try {
      // Listeners first (port 0), so their URLs can be configured.
      const grantApp = new Koa();
      const introspectionApp = new Koa();
      const walletApp = new Koa();
      const helloApp = new Koa();
      const grant = await listen(grantApp);
      const introspection = await listen(introspectionApp);
      const wallet = await listen(walletApp);
      const hello = await listen(helloApp);
      servers.push(grant.server, introspection.server, wallet.server, hello.server);

      const { signingKey, publicJwk } = generateEd25519Key('bench-client-key');
      const clientUrl = `${wallet.url}/client`;
      const resourceOwner = `${wallet.url}/alice`;
      walletApp.use((ctx) => {
        ctx.body =
          ctx.path === '/client/jwks.json'
            ? { keys: [publicJwk] }
            : { id: clientUrl, assetCode: 'USD', assetScale: 2, authServer: grant.url, resourceServer: wallet.url };
      });
      helloApp.use((ctx) => {
        ctx.body = { active: false };
      });

      const auth = createAuthServer({
        knex: database.knex,
        logger: pino({ level: 'silent' }),
        authServerUrl: grant.url,
        interactionUrl: `${grant.url}/interaction`,
        idpSecret: 'bench-idp-secret',
      });
      grantApp.use(auth.grantRoutes);
      introspectionApp.use(auth.introspectionRoutes);

      const grantBody = JSON.stringify({
        access_token: {
          access: [{ type: 'incoming-payment', actions: ['create', 'read', 'complete'], identifier: resourceOwner }],
        },
        client: clientUrl,
      });
      const grantUrl = new URL(grant.url).href;
      const requestGrant = async (): Promise<string> => {
        const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
        const signed = signRequest({ method: 'POST', url: grantUrl, headers, body: grantBody }, signingKey);
        const response = await request(grantUrl, {
          method: 'POST',
          dispatcher: agent,
          headers: { ...headers, ...(signed as unknown as Record<string, string>) },
          body: grantBody,
        });
        const text = await response.body.text();
        if (response.statusCode !== 200) throw new Error(`grant request answered ${response.statusCode}: ${text}`);
        return (JSON.parse(text) as { access_token: { value: string } }).access_token.value;
      };

      const grantsPerSecond = await measureConcurrent(requestGrant, 16);
      const token = await requestGrant();
      const introspectionRequest = {
        access_token: token,
        access: [{ type: 'incoming-payment' as const, actions: ['read' as const], identifier: resourceOwner }],
      };
      const client = createIntrospectionClient({ url: introspection.url, connections: 64 });
      const check = (result: { active: boolean }) => {
        if (!result.active) throw new Error('token should be active');
      };
      const httpPerSecond = await measureConcurrent(
        async () => check(await client.introspect(introspectionRequest)),
        32,
      );
      const inProcessPerSecond = await measureConcurrent(
        async () => check(await auth.introspect(introspectionRequest)),
        32,
      );
      const helloBody = JSON.stringify(introspectionRequest);
      const helloPerSecond = await measureConcurrent(async () => {
        const response = await request(hello.url, { method: 'POST', dispatcher: agent, body: helloBody });
        await response.body.text();
      }, 32);
      await client.close();
      await auth.stop();
      const tokens = await database.knex('auth_access_tokens').count({ n: '*' });
      return [
        {
          label: 'introspection over HTTP (32 in flight)',
          value: httpPerSecond,
          unit: 'req/s',
          note: `koa empty POST floor ${Math.round(helloPerSecond)}/s`,
        },
        { label: 'introspection in process (32 in flight)', value: inProcessPerSecond, unit: 'ops/s' },
        {
          label: 'signed grant requests (16 in flight)',
          value: grantsPerSecond,
          unit: 'req/s',
          note: `${Number(tokens[0].n)} tokens in the table`,
        },
      ];
    } finally {
      await agent.close();
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });
}
