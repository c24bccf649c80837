// Group commit for packet transfers. A packet's legs are held (debits/credits pending) before it is forwarded and
// posted or voided when its reply comes back. Holds, posts and voids of all packets in flight are collected while a
// batch is being written and then written together in ONE transaction: accounts locked once in id order, each
// account updated once with its net change, the posted legs appended to the journal in one INSERT. The cost of a
// commit is paid once per batch, and a hot account is touched once per batch, not once per packet.
//
// Holds are durable before the packet leaves, so two connector processes on one database never promise the same
// money: each batch reads the locked rows and admits holds one by one against them (the rows' CHECK constraints
// are the last word should this code ever be wrong). A post resolves only after the batch holding it committed —
// the caller relays a Fulfill only then.
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import {
  applyHold,
  applyPost,
  applyRelease,
  holdsOfLegs,
  refuseHold,
  type AccountHold,
  type AccountState,
  type HoldRefusal,
} from './balance-rules';
import { cloneStates, diffAccounts, type AccountChange } from './account-store';
import {
  lockBatchAccounts,
  writeBatchAtOnce,
  writeBatchChanges,
  writeTransferWith,
  type SettlementWrite,
} from './batch-sql';
import { sqlState } from '../errors';
import { beatHeartbeat, registerInstance, releaseAbandonedInstances, unregisterInstance } from './instances';
import type { JournalEntry } from './journal';
import type { Leg } from './ledger-types';

export interface PacketHold {
  readonly transferId: string;
  readonly legs: readonly Leg[];
  readonly holds: ReadonlyMap<string, AccountHold>;
  /** The instance registration the hold was written under; holds of an earlier (fenced) registration are void. */
  readonly instanceId: string;
}

export type HoldOutcome =
  { held: true; hold: PacketHold } | { held: false; accountId: string; reason: HoldRefusalReason };

export type HoldRefusalReason = HoldRefusal | 'unknown_account' | 'asset_mismatch';

export interface PacketLedgerOptions {
  knex: Knex;
  logger: Logger;
  /** Most operations written in one transaction. */
  maxBatchSize?: number;
  /** Transactions in flight at once (1 is classic group commit; PGlite has one connection anyway). */
  maxConcurrentBatches?: number;
  heartbeatIntervalMs?: number;
  /** An instance silent this long is declared dead and its holds released; must exceed the longest packet hold. */
  abandonAfterMs?: number;
}

export interface PacketLedger {
  /** Resolves once the hold is committed (held) or refused; rejects when the ledger cannot be written. */
  hold(transferId: string, legs: readonly Leg[]): Promise<HoldOutcome>;
  /** Resolves once the posted legs are committed; rejects when they could not be (the hold is then voided). */
  post(hold: PacketHold): Promise<void>;
  /**
   * Moves a packet's legs to a local receiver in one statement together with `write` (the receiver's own record of
   * the money, e.g. crediting an incoming payment), so that one never commits without the other; nothing is held
   * before, since nothing leaves this process. Resolves with the rows of write's `settled` CTE; none means the
   * receiver's write refused and nothing was written. Rejects with TransferRefusedError when the accounts cannot take
   * the transfer, and with LedgerUnavailableError when the ledger could not be written.
   */
  transferWith(transferId: string, legs: readonly Leg[], write: SettlementWrite): Promise<Record<string, unknown>[]>;
  /** Gives the held amounts back; written with the next batch, retried until it succeeds. */
  void(hold: PacketHold): void;
  /** Holds not yet posted or voided. */
  readonly openHolds: number;
  readonly instanceId: string;
  start(): Promise<void>;
  /** Refuses new holds, waits (up to timeoutMs) for open ones to resolve, writes what is queued, unregisters. */
  stop(timeoutMs?: number): Promise<void>;
}

export class LedgerUnavailableError extends Error {
  readonly code = 'ledger_unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LedgerUnavailableError';
  }
}

class InstanceFencedError extends LedgerUnavailableError {}

/** A transfer one of its accounts cannot take (its limits, or the 64-bit range). */
export class TransferRefusedError extends Error {
  readonly code = 'transfer_refused';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransferRefusedError';
  }
}

const CHECK_VIOLATION = '23514';

type Operation =
  | {
      kind: 'hold';
      transferId: string;
      legs: readonly Leg[];
      holds: Map<string, AccountHold>;
      settle: Settle<HoldOutcome>;
    }
  | { kind: 'post'; hold: PacketHold; settle: Settle<void> }
  | { kind: 'void'; hold: PacketHold };

interface Settle<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

// Transient failures worth running the same batch again for: serialization failure, deadlock, connection loss.
const RETRYABLE = new Set(['40001', '40P01', '08000', '08003', '08006', '57P01', 'ECONNRESET', 'ECONNREFUSED']);
const MAX_ATTEMPTS = 3;
const VOID_RETRY_DELAY_MS = 1000;
const MAX_VOID_ATTEMPTS = 10;

export function createPacketLedger(options: PacketLedgerOptions): PacketLedger {
  const { knex, logger } = options;
  const maxBatchSize = options.maxBatchSize ?? 2000;
  const maxConcurrentBatches = options.maxConcurrentBatches ?? 1;
  const heartbeatIntervalMs = options.heartbeatIntervalMs ?? 5_000;
  const abandonAfterMs = options.abandonAfterMs ?? 120_000;

  let instanceId = randomUUID();
  let started = false;
  let stopping = false;
  let running = 0;
  const queue: Operation[] = [];
  const open = new Set<PacketHold>();
  // A hold is resolved once: a second post/void would release its amounts twice.
  const resolved = new WeakSet<PacketHold>();
  const voidAttempts = new WeakMap<PacketHold, number>();
  let heartbeat: NodeJS.Timeout | undefined;
  let idle: (() => void) | undefined;

  function enqueue(operation: Operation): void {
    queue.push(operation);
    schedule();
  }

  function schedule(): void {
    while (running < maxConcurrentBatches && queue.length > 0) {
      const batch = queue.splice(0, maxBatchSize);
      running++;
      void runBatch(batch).finally(() => {
        running--;
        schedule();
        if (running === 0 && queue.length === 0 && open.size === 0) idle?.();
      });
    }
  }

  async function runBatch(batch: Operation[]): Promise<void> {
    let written: Array<HoldOutcome | undefined> | undefined;
    try {
      written = await writeBatchAtOnceIfItFits(batch);
    } catch (error) {
      logger.error({ err: error, operations: batch.length }, 'packet ledger batch failed');
      return fail(batch, error);
    }
    if (written) return deliver(batch, written);
    for (let attempt = 1; ; attempt++) {
      try {
        const outcomes = await knex.transaction((trx) => writeBatch(trx, batch));
        deliver(batch, outcomes);
        return;
      } catch (error) {
        if (error instanceof InstanceFencedError) await reRegister();
        const code = sqlState(error);
        if (attempt < MAX_ATTEMPTS && code !== undefined && RETRYABLE.has(code)) continue;
        logger.error({ err: error, operations: batch.length }, 'packet ledger batch failed');
        fail(batch, error);
        return;
      }
    }
  }

  /**
   * The common case, every hold of the batch fitting, in one statement instead of a transaction of four round trips:
   * the changes are computed without reading the accounts, and the statement writes them only if its preconditions
   * hold, while the rows' CHECK constraints (the same rules as refuseHold) refuse a hold that does not fit. Undefined
   * when the database said no (nothing was written): the batch then takes writeBatch, which reads the accounts and
   * finds out which holds do not fit. A failure without a database answer (the connection) fails the batch, since the
   * statement may have committed.
   */
  async function writeBatchAtOnceIfItFits(batch: Operation[]): Promise<Array<HoldOutcome | undefined> | undefined> {
    // The batch's net change per account, summed with the same rules the careful path applies to locked states.
    const accountChanges = new Map<string, AccountChange>();
    const change = (id: string): AccountChange => {
      const current = accountChanges.get(id) ?? { id, balance: 0n, debitsPending: 0n, creditsPending: 0n };
      accountChanges.set(id, current);
      return current;
    };
    const instanceChange = new Map<string, AccountHold>();
    const journal: JournalEntry[] = [];
    const accountIds: string[] = [];
    const legs: Leg[] = [];
    const outcomes: Array<HoldOutcome | undefined> = new Array(batch.length);
    const registration = instanceId;
    batch.forEach((operation, index) => {
      if (operation.kind === 'hold') {
        for (const leg of operation.legs) {
          legs.push(leg);
          accountIds.push(leg.debitAccountId, leg.creditAccountId);
        }
        for (const [accountId, hold] of operation.holds) {
          applyHold(change(accountId), hold);
          addHold(instanceChange, accountId, hold, 1n);
        }
        const hold: PacketHold = {
          transferId: operation.transferId,
          legs: operation.legs,
          holds: operation.holds,
          instanceId: registration,
        };
        outcomes[index] = { held: true, hold };
        return;
      }
      // A hold of an earlier registration was released with it: nothing is left to post or void.
      if (operation.hold.instanceId !== registration) return;
      const resolve = operation.kind === 'post' ? applyPost : applyRelease;
      for (const [accountId, hold] of operation.hold.holds) {
        resolve(change(accountId), hold);
        addHold(instanceChange, accountId, hold, -1n);
      }
      if (operation.kind === 'post') {
        journal.push(...journalEntriesOf(operation.hold.transferId, operation.hold.legs));
      }
    });
    accountIds.push(...accountChanges.keys());
    try {
      const written = await writeBatchAtOnce(knex, {
        instanceId: registration,
        accounts: [...accountChanges.values()],
        instanceHolds: instanceChange,
        journal,
        accountIds,
        legs,
      });
      return written ? outcomes : undefined;
    } catch (error) {
      if (isDatabaseAnswer(error)) return undefined;
      throw error;
    }
  }

  /** The whole batch in one transaction; returns each hold's outcome (index-aligned with the batch). */
  async function writeBatch(trx: Knex.Transaction, batch: Operation[]): Promise<Array<HoldOutcome | undefined>> {
    const accountIds = new Set<string>();
    for (const operation of batch) {
      const legs = operation.kind === 'hold' ? operation.legs : operation.hold.legs;
      // Every account a leg names, also one that nets to zero: the asset check below needs them all.
      for (const leg of legs) accountIds.add(leg.debitAccountId).add(leg.creditAccountId);
    }
    const before = await lockBatchAccounts(trx, instanceId, accountIds);
    if (!before) throw new InstanceFencedError('this connector instance was declared dead; its holds were released');
    const after = cloneStates(before);
    const instanceChange = new Map<string, AccountHold>();
    const journal: JournalEntry[] = [];
    const outcomes: Array<HoldOutcome | undefined> = new Array(batch.length);

    // Resolutions first: what posts and voids free up is available to the holds of the same batch.
    for (const operation of batch) {
      if (operation.kind === 'hold' || operation.hold.instanceId !== instanceId) continue;
      for (const [accountId, hold] of operation.hold.holds) {
        const account = after.get(accountId);
        if (!account) continue;
        if (operation.kind === 'post') applyPost(account, hold);
        else applyRelease(account, hold);
        addHold(instanceChange, accountId, hold, -1n);
      }
      if (operation.kind === 'post') {
        journal.push(...journalEntriesOf(operation.hold.transferId, operation.hold.legs));
      }
    }
    batch.forEach((operation, index) => {
      if (operation.kind !== 'hold') return;
      const refusal = admit(after, operation.legs, operation.holds);
      if (refusal) {
        outcomes[index] = { held: false, ...refusal };
        return;
      }
      for (const [accountId, hold] of operation.holds) {
        applyHold(after.get(accountId)!, hold);
        addHold(instanceChange, accountId, hold, 1n);
      }
      const hold: PacketHold = {
        transferId: operation.transferId,
        legs: operation.legs,
        holds: operation.holds,
        instanceId,
      };
      outcomes[index] = { held: true, hold };
    });

    await writeBatchChanges(trx, {
      instanceId,
      accounts: diffAccounts(before, after),
      instanceHolds: instanceChange,
      journal,
    });
    return outcomes;
  }

  function deliver(batch: Operation[], outcomes: Array<HoldOutcome | undefined>): void {
    batch.forEach((operation, index) => {
      switch (operation.kind) {
        case 'hold': {
          const outcome = outcomes[index]!;
          if (outcome.held) open.add(outcome.hold);
          operation.settle.resolve(outcome);
          break;
        }
        case 'post':
          open.delete(operation.hold);
          if (operation.hold.instanceId === instanceId) operation.settle.resolve();
          else operation.settle.reject(new LedgerUnavailableError('the hold was released before it could be posted'));
          break;
        case 'void':
          open.delete(operation.hold);
          break;
      }
    });
  }

  function fail(batch: Operation[], error: unknown): void {
    const cause = new LedgerUnavailableError('the ledger could not be written', { cause: error });
    for (const operation of batch) {
      switch (operation.kind) {
        case 'hold':
          operation.settle.reject(cause);
          break;
        case 'post':
          // Not posted, so still held: give it back, and tell the caller (who must not relay the Fulfill).
          retryVoid(operation.hold);
          operation.settle.reject(cause);
          break;
        case 'void':
          retryVoid(operation.hold);
          break;
      }
    }
  }

  function retryVoid(hold: PacketHold): void {
    const attempts = (voidAttempts.get(hold) ?? 0) + 1;
    voidAttempts.set(hold, attempts);
    if (hold.instanceId !== instanceId || attempts > MAX_VOID_ATTEMPTS) {
      // Still held in the database; given back when this instance unregisters or is declared dead.
      if (hold.instanceId === instanceId) logger.error({ transferId: hold.transferId }, 'giving up voiding a hold');
      open.delete(hold);
      return;
    }
    setTimeout(() => enqueue({ kind: 'void', hold }), VOID_RETRY_DELAY_MS).unref();
  }

  async function reRegister(): Promise<void> {
    // Holds of the old registration are gone from the database; forget them and carry on under a new id.
    for (const hold of open) if (hold.instanceId === instanceId) open.delete(hold);
    instanceId = randomUUID();
    await registerInstance(knex, instanceId);
    logger.warn({ instanceId }, 'packet ledger re-registered after being fenced');
  }

  async function beat(): Promise<void> {
    try {
      if (!(await beatHeartbeat(knex, instanceId))) await reRegister();
      await releaseAbandonedInstances(knex, abandonAfterMs);
    } catch (error) {
      logger.warn({ err: error }, 'packet ledger heartbeat failed');
    }
  }

  return {
    get openHolds() {
      return open.size;
    },
    get instanceId() {
      return instanceId;
    },

    async start() {
      if (started) return;
      await releaseAbandonedInstances(knex, abandonAfterMs);
      await registerInstance(knex, instanceId);
      heartbeat = setInterval(() => void beat(), heartbeatIntervalMs);
      heartbeat.unref();
      started = true;
    },

    hold(transferId, legs) {
      if (!started || stopping) return Promise.reject(new LedgerUnavailableError('the packet ledger is not running'));
      const holds = holdsOfLegs(legs);
      return new Promise<HoldOutcome>((resolve, reject) => {
        enqueue({ kind: 'hold', transferId, legs, holds, settle: { resolve, reject } });
      });
    },

    post(hold) {
      if (resolved.has(hold)) return Promise.reject(new Error(`hold ${hold.transferId} is already resolved`));
      resolved.add(hold);
      return new Promise<void>((resolve, reject) => enqueue({ kind: 'post', hold, settle: { resolve, reject } }));
    },

    async transferWith(transferId, legs, write) {
      const accounts: AccountChange[] = [];
      for (const [accountId, hold] of holdsOfLegs(legs)) {
        const change = { id: accountId, balance: 0n, debitsPending: 0n, creditsPending: 0n };
        applyHold(change, hold);
        applyPost(change, hold);
        accounts.push(change);
      }
      try {
        return await writeTransferWith(knex, { accounts, journal: journalEntriesOf(transferId, legs), legs, write });
      } catch (error) {
        // A limit of an account (its rows' CHECK constraints), not a failure of the receiver's own write.
        if (sqlState(error) === CHECK_VIOLATION && (error as { table?: unknown }).table === 'ledger_accounts') {
          throw new TransferRefusedError('the accounts cannot take this transfer', { cause: error });
        }
        throw new LedgerUnavailableError('the ledger could not be written', { cause: error });
      }
    },

    void(hold) {
      if (resolved.has(hold)) return;
      resolved.add(hold);
      enqueue({ kind: 'void', hold });
    },

    async stop(timeoutMs = 35_000) {
      if (!started || stopping) return;
      stopping = true;
      if (running > 0 || queue.length > 0 || open.size > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      clearInterval(heartbeat);
      // Anything still held (a packet that outlived timeoutMs) is released with the registration.
      await unregisterInstance(knex, instanceId);
      started = false;
    },
  };
}

function admit(
  accounts: Map<string, AccountState>,
  legs: readonly Leg[],
  holds: ReadonlyMap<string, AccountHold>,
): { accountId: string; reason: HoldRefusalReason } | undefined {
  for (const leg of legs) {
    const debit = accounts.get(leg.debitAccountId);
    const credit = accounts.get(leg.creditAccountId);
    if (!debit) return { accountId: leg.debitAccountId, reason: 'unknown_account' };
    if (!credit) return { accountId: leg.creditAccountId, reason: 'unknown_account' };
    // Double entry holds within each asset; a leg across assets is a bug in the caller.
    if (debit.assetId !== credit.assetId) return { accountId: leg.creditAccountId, reason: 'asset_mismatch' };
  }
  for (const [accountId, hold] of holds) {
    const account = accounts.get(accountId);
    if (!account) return { accountId, reason: 'unknown_account' };
    const reason = refuseHold(account, hold);
    if (reason) return { accountId, reason };
  }
  return undefined;
}

/** An error the database itself reported for a statement (a SQLSTATE): the statement did not commit. */
function isDatabaseAnswer(error: unknown): boolean {
  return /^[0-9A-Z]{5}$/.test(sqlState(error) ?? '');
}

/** The journal rows of a transfer's posted legs (zero legs move nothing and are not journaled). */
function journalEntriesOf(transferId: string, legs: readonly Leg[]): JournalEntry[] {
  const entries: JournalEntry[] = [];
  legs.forEach((leg, index) => {
    if (leg.amount > 0n) entries.push({ ...leg, transferId, leg: index });
  });
  return entries;
}

function addHold(change: Map<string, AccountHold>, accountId: string, hold: AccountHold, sign: bigint): void {
  const current = change.get(accountId) ?? { debit: 0n, credit: 0n };
  change.set(accountId, { debit: current.debit + sign * hold.debit, credit: current.credit + sign * hold.credit });
}
