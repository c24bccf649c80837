import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';

/** Where the one migration history for the one database lives (the same from src/ and dist/). */
export const MIGRATIONS_DIRECTORY = resolve(__dirname, '../../../migrations');

const INT8_OID = 20;

// bigint columns hold money and counters: both drivers hand them to us as JS bigint, never as a lossy number or a string.
pg.types.setTypeParser(INT8_OID, (value: string) => BigInt(value));

/** Calls `onNotify` on every NOTIFY on `channel` (from any process on the database); resolves to an unsubscribe. */
export type ListenToChannel = (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;

export interface Database {
  knex: Knex;
  /** Which engine is underneath; only for logs and diagnostics, never for branching. */
  kind: 'postgres' | 'pglite';
  listen: ListenToChannel;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Connections in the pool for a PostgreSQL server (PGlite always has exactly one). */
  poolSize?: number;
}

/**
 * Run on every new session. Sluice's statements look rows up by key in tables whose working set stays in memory, and
 * PostgreSQL's stock random_page_cost (4, priced for spinning disks) has the planner read a whole table of up to a few
 * thousand rows rather than probe its index for a handful of ids — worse, a prepared statement keeps that plan while
 * the table grows, until autovacuum next analyzes it. 1.1 is the usual setting for SSD or cached data: lookups are
 * index probes from the first row (measured: a payment's ledger statements went from eight scans of every account to
 * none, and the database's CPU per payment fell by a fifth). Only the stock value is replaced, so a value the operator
 * set for the database, role or server stays in force.
 */
const PLANNER_SETTINGS = `SELECT CASE WHEN current_setting('random_page_cost')::float8 = 4
  THEN set_config('random_page_cost', '1.1', false) END`;

/** The connection factory: the only place that knows whether a PostgreSQL server or embedded PGlite is underneath. */
export async function openDatabase(databaseUrl: string, options: OpenDatabaseOptions = {}): Promise<Database> {
  if (databaseUrl.startsWith('pglite:')) {
    const location = databaseUrl.slice('pglite://'.length);
    const dataDir = location === '' || location === 'memory' ? undefined : resolve(location);
    if (dataDir) await mkdir(dataDir, { recursive: true });
    const pglite = new PGlite(dataDir, { parsers: { [INT8_OID]: (value: string) => BigInt(value) } });
    await pglite.waitReady;
    await pglite.query(PLANNER_SETTINGS);
    const knex = knexFactory({
      client: ClientPgLite as unknown as typeof Knex.Client,
      dialect: 'postgres',
      connection: () => ({ pglite }) as object,
    } as Knex.Config);
    let closing: Promise<void> | undefined;
    return {
      knex,
      kind: 'pglite',
      listen: async (channel, onNotify) => pglite.listen(channel, () => onNotify()),
      close: () =>
        (closing ??= (async () => {
          await knex.destroy();
          if (!pglite.closed) await pglite.close();
        })()),
    };
  }
  const statements = createStatementNames();
  const knex = knexFactory({
    client: 'pg',
    connection: databaseUrl,
    pool: {
      min: 0,
      max: options.poolSize ?? 10,
      afterCreate(connection: pg.Client, done: (error: Error | null, connection: pg.Client) => void) {
        connection.query(PLANNER_SETTINGS, (error: Error | null) => {
          if (!error) preparedByDefault(connection, statements);
          done(error, connection);
        });
      },
    },
  });
  await knex.raw('select 1');
  let closing: Promise<void> | undefined;
  return {
    knex,
    kind: 'postgres',
    listen: (channel, onNotify) => listenOnPostgres(databaseUrl, channel, onNotify),
    close: () => (closing ??= knex.destroy()),
  };
}

/**
 * Names for statements the server runs again and again. A statement sent with a name is parsed once per connection
 * (node-postgres remembers which it prepared), and after a few executions PostgreSQL may keep one generic plan
 * for it instead of planning every execution — planning was most of the database time of a payment's statements
 * (0.3–1.4 ms each, against 0.05–0.8 ms of execution). Only data statements get a name, and only once seen before
 * (a one-off is not worth a prepared statement), and only up to a fixed number of texts, since a name is never
 * given back: statements whose text varies (an IN list of varying length) cannot fill the server's memory.
 */
function createStatementNames(limit = 2_000) {
  const seen = new Set<string>();
  const names = new Map<string, string>();
  let generation = 0;
  return {
    nameOf(text: string): string | undefined {
      const name = names.get(text);
      if (name !== undefined || names.size >= limit) return name;
      if (!/^\s*(select|insert|update|delete|with)\b/i.test(text)) return undefined;
      if (!seen.has(text)) {
        if (seen.size < limit * 4) seen.add(text);
        return undefined;
      }
      const assigned = `sluice_${generation}_${names.size}`;
      names.set(text, assigned);
      return assigned;
    },
    /** After a schema change: every text gets a new name, so each connection prepares it again. */
    renewAll(): void {
      names.clear();
      generation++;
    },
  };
}

type StatementNames = ReturnType<typeof createStatementNames>;

// A prepared statement whose result columns changed under it (a migration added a column to a table it reads with
// `*`, e.g. during a rolling upgrade) fails with this until prepared again.
const RESULT_TYPE_CHANGED = /cached plan must not change result type/;

/**
 * Makes `connection` send its frequent statements as named (prepared) ones; see createStatementNames. A statement
 * that fails because the schema changed under its prepared form is sent again unprepared, and every name is renewed.
 * (Inside a transaction the failure has already aborted it: the caller sees the error, as for any failed statement.)
 */
function preparedByDefault(connection: pg.Client, statements: StatementNames): void {
  const query = connection.query.bind(connection) as (...args: unknown[]) => unknown;
  (connection as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
    if (typeof config !== 'object' || config === null || !('text' in config) || 'name' in config) {
      return query(config, ...rest);
    }
    const name = statements.nameOf(String((config as { text: unknown }).text));
    if (name === undefined) return query(config, ...rest);
    const callback = rest[rest.length - 1];
    if (typeof callback !== 'function') return query({ ...config, name }, ...rest);
    return query({ ...config, name }, ...rest.slice(0, -1), (error: unknown, result: unknown) => {
      const { code, message } = (error ?? {}) as { code?: string; message?: string };
      if (code !== '0A000' || !RESULT_TYPE_CHANGED.test(message ?? '')) return callback(error, result);
      statements.renewAll();
      query(config, ...rest);
    });
  };
}

/**
 * LISTEN on a dedicated connection (a pooled one would be handed to other queries). A lost connection is reopened,
 * and `onNotify` is called once it is back, because notifications sent meanwhile are gone.
 */
async function listenOnPostgres(
  databaseUrl: string,
  channel: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', () => onNotify());
    next.on('error', () => {
      if (stopped || client !== next) return;
      client = undefined;
      next.end().catch(() => undefined);
      retry = setTimeout(reconnect, 1_000);
      retry.unref();
    });
    await next.connect();
    await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    client = next;
  };
  const reconnect = () => {
    if (stopped) return;
    connect().then(onNotify, () => {
      retry = setTimeout(reconnect, 1_000);
      retry.unref();
    });
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    await client?.end().catch(() => undefined);
  };
}

/**
 * Applies pending migrations. Several service processes may start at once on one database (docker-compose runs one per
 * service): a process that finds the migration lock held, or loses the race to create knex's own tables, waits and
 * tries again instead of failing.
 */
export async function migrateDatabase(
  knex: Knex,
  options: { attempts?: number; retryDelayMs?: number; directory?: string } = {},
): Promise<string[]> {
  const attempts = options.attempts ?? 60;
  for (let attempt = 1; ; attempt++) {
    try {
      const [, applied] = (await knex.migrate.latest({
        directory: options.directory ?? MIGRATIONS_DIRECTORY,
        loadExtensions: ['.js'],
      })) as [number, string[]];
      return applied;
    } catch (error) {
      const { name, code, message, detail } = error as {
        name?: string;
        code?: string;
        message?: string;
        detail?: string;
      };
      // Losing the race to create knex's own tables shows as duplicate_table (42P07), duplicate_object (42710, "type
      // … already exists": the table's row type) or unique_violation (23505), depending on where the other won.
      // PostgreSQL names the relation only in the text; a migration of ours failing the same way is not a race and
      // fails at once.
      const aboutKnexTables = /knex_migrations/.test(`${message ?? ''} ${detail ?? ''}`);
      const racing =
        name === 'MigrationLocked' || (['42P07', '42710', '23505'].includes(code ?? '') && aboutKnexTables);
      if (!racing || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 500));
    }
  }
}
