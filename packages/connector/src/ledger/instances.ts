// Connector processes that hold packet amounts on accounts. Each keeps, per account, the sum of its open holds in
// ledger_instance_holds (written in the same transaction as the holds), and beats a heartbeat. When a process
// stops beating (crash, kill -9), any other process — or its own restart — gives those holds back, so liquidity is
// never stuck. A process whose row was removed is "fenced": its later batches fail instead of touching accounts.
import type { Knex } from 'knex';
import { fromDbAmount } from '../amounts';
import { applyRelease } from './balance-rules';
import { cloneStates, diffAccounts, lockAccounts, updateAccounts } from './account-store';

export async function registerInstance(knex: Knex, instanceId: string): Promise<void> {
  await knex('ledger_instances').insert({ id: instanceId });
}

/** Returns false when the row is gone: the instance was declared dead and its holds released. */
export async function beatHeartbeat(knex: Knex, instanceId: string): Promise<boolean> {
  const changed = await knex('ledger_instances').where({ id: instanceId }).update({ heartbeat_at: knex.fn.now() });
  return changed > 0;
}

async function releaseInstance(trx: Knex.Transaction, instanceId: string): Promise<void> {
  const holds = (await trx('ledger_instance_holds').where({ instance_id: instanceId })) as Array<{
    account_id: string;
    debits_pending: string;
    credits_pending: string;
  }>;
  const before = await lockAccounts(
    trx,
    holds.map((hold) => hold.account_id),
  );
  const after = cloneStates(before);
  for (const hold of holds) {
    const account = after.get(hold.account_id);
    if (account) {
      applyRelease(account, { debit: fromDbAmount(hold.debits_pending), credit: fromDbAmount(hold.credits_pending) });
    }
  }
  await updateAccounts(trx, diffAccounts(before, after));
  await trx('ledger_instances').where({ id: instanceId }).delete();
}

/**
 * Releases the holds of every instance whose heartbeat is older than `staleAfterMs` and forgets the instance.
 * Returns the ids released. `staleAfterMs` must exceed the longest a packet can be held (maxHoldTime) plus the
 * heartbeat interval, so a live instance is never released.
 */
export async function releaseAbandonedInstances(knex: Knex, staleAfterMs: number): Promise<string[]> {
  const stale = (await knex('ledger_instances')
    .select('id')
    .whereRaw(`heartbeat_at < now() - ? * interval '1 millisecond'`, [staleAfterMs])) as Array<{ id: string }>;
  const released: string[] = [];
  for (const { id } of stale) {
    const done = await knex.transaction(async (trx) => {
      // SKIP LOCKED: another process is releasing it, or the instance is in a batch (then it is alive after all).
      const locked = await trx.raw(
        `SELECT id FROM ledger_instances WHERE id = ? AND heartbeat_at < now() - ? * interval '1 millisecond'
          FOR UPDATE SKIP LOCKED`,
        [id, staleAfterMs],
      );
      if (locked.rows.length === 0) return false;
      await releaseInstance(trx, id);
      return true;
    });
    if (done) released.push(id);
  }
  return released;
}

/** A clean stop: gives back whatever this instance still holds and removes its row. */
export async function unregisterInstance(knex: Knex, instanceId: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const locked = await trx.raw('SELECT id FROM ledger_instances WHERE id = ? FOR UPDATE', [instanceId]);
    if (locked.rows.length > 0) await releaseInstance(trx, instanceId);
  });
}
