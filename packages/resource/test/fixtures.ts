import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';

/** Inserts an asset row directly: the asset API belongs to the connector package, being built beside this one. */
export async function insertAsset(knex: Knex, code = 'USD', scale = 2): Promise<string> {
  const id = randomUUID();
  await knex('connector_assets').insert({ id, code, scale });
  return id;
}
