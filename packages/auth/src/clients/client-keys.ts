import { JwksKeyCache, type Ed25519Jwk } from '@sluice/http-signatures';
import { GnapError } from '../errors';
import type { ClientIdentity } from './client-identity';

/** Finds the public key a client signed with: from its wallet address's JWKS, or the JWK it identified itself by. */
export interface ClientKeys {
  getKey(client: ClientIdentity, keyId: string): Promise<Ed25519Jwk>;
}

export function createClientKeys(deps: {
  fetchJwks(url: string): Promise<unknown>;
  ttlMs: number;
  refetchIntervalMs: number;
}): ClientKeys {
  // One cache per server: it refetches a key set when a signature names a kid it does not know (a client may have
  // just added a key), at most once per refetchIntervalMs per wallet address, so made-up kids cannot make us fetch.
  const cache = new JwksKeyCache({
    fetchJwks: deps.fetchJwks,
    ttlMs: deps.ttlMs,
    refetchIntervalMs: deps.refetchIntervalMs,
  });
  return {
    async getKey(client, keyId) {
      if ('jwk' in client) {
        if (client.jwk.kid !== keyId) throw new GnapError(400, 'invalid_client', `unknown key id "${keyId}"`);
        return client.jwk;
      }
      let key: Ed25519Jwk | undefined;
      try {
        key = await cache.getKey(client.walletAddress, keyId);
      } catch (cause) {
        throw new GnapError(400, 'invalid_client', "could not fetch the client's keys", { cause });
      }
      // Rafiki answers an unknown key with 400 invalid_client ("could not determine client"); so do we.
      if (key === undefined) throw new GnapError(400, 'invalid_client', `unknown key id "${keyId}"`);
      return key;
    },
  };
}
