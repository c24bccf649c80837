import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { isEd25519Jwk, type Ed25519Jwk } from '@sluice/http-signatures';

export interface WalletAddressKey {
  id: string;
  walletAddressId: string;
  jwk: Ed25519Jwk;
  revoked: boolean;
  createdAt: Date;
}

export class WalletAddressKeyError extends Error {
  constructor(
    readonly code: 'invalid_jwk' | 'duplicate_key' | 'unknown_wallet_address' | 'unknown_key',
    message: string,
  ) {
    super(message);
    this.name = 'WalletAddressKeyError';
  }
}

interface KeyRow {
  id: string;
  wallet_address_id: string;
  kid: string;
  jwk: Ed25519Jwk;
  revoked: boolean;
  created_at: Date;
}

const toKey = (row: KeyRow): WalletAddressKey => ({
  id: row.id,
  walletAddressId: row.wallet_address_id,
  jwk: row.jwk,
  revoked: row.revoked,
  createdAt: row.created_at,
});

/** Client keys the operator registers for a wallet address; published (unrevoked) in its jwks.json. */
export function createWalletAddressKeyService(deps: { knex: Knex }) {
  const { knex } = deps;
  return {
    async add(walletAddressId: string, jwk: unknown): Promise<WalletAddressKey> {
      if (!isEd25519Jwk(jwk)) {
        throw new WalletAddressKeyError(
          'invalid_jwk',
          'expected an Ed25519 public JWK with kid, alg EdDSA, kty OKP, x',
        );
      }
      if ('d' in (jwk as object))
        throw new WalletAddressKeyError('invalid_jwk', 'a private key must never be registered');
      const publicJwk: Ed25519Jwk = { kid: jwk.kid, alg: 'EdDSA', kty: 'OKP', crv: 'Ed25519', x: jwk.x, use: 'sig' };
      return knex.transaction(async (trx) => {
        if (!(await trx('wallet_addresses').where('id', walletAddressId).first('id'))) {
          throw new WalletAddressKeyError('unknown_wallet_address', `no wallet address with id ${walletAddressId}`);
        }
        if (await trx('wallet_address_keys').where({ wallet_address_id: walletAddressId, kid: jwk.kid }).first('id')) {
          throw new WalletAddressKeyError('duplicate_key', `key ${jwk.kid} is already registered`);
        }
        const [row] = (await trx('wallet_address_keys')
          .insert({
            id: randomUUID(),
            wallet_address_id: walletAddressId,
            kid: jwk.kid,
            jwk: JSON.stringify(publicJwk),
          })
          .returning('*')) as KeyRow[];
        return toKey(row);
      });
    },

    async revoke(id: string): Promise<WalletAddressKey> {
      const [row] = (await knex('wallet_address_keys')
        .where('id', id)
        .update({ revoked: true, updated_at: knex.fn.now() })
        .returning('*')) as KeyRow[];
      if (!row) throw new WalletAddressKeyError('unknown_key', `no key with id ${id}`);
      return toKey(row);
    },

    async listActive(walletAddressId: string): Promise<WalletAddressKey[]> {
      const rows = (await knex('wallet_address_keys')
        .where({ wallet_address_id: walletAddressId, revoked: false })
        .orderBy('created_at')) as KeyRow[];
      return rows.map(toKey);
    },
  };
}

export type WalletAddressKeyService = ReturnType<typeof createWalletAddressKeyService>;
