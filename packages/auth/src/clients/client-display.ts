import { GnapError } from '../errors';

/** What consent screens say about the client: its wallet address's public name, or the wallet address's host. */
export async function fetchClientName(
  fetchWalletAddress: (url: string) => Promise<unknown>,
  walletAddress: string,
): Promise<string> {
  let document: unknown;
  try {
    document = await fetchWalletAddress(walletAddress);
  } catch (cause) {
    // auth-server.yaml: a client asking for interaction MUST serve its display information at its wallet address.
    throw new GnapError(400, 'invalid_client', "could not fetch the client's wallet address", { cause });
  }
  if (typeof document !== 'object' || document === null) {
    throw new GnapError(400, 'invalid_client', "the client's wallet address is not a wallet address document");
  }
  const { publicName } = document as { publicName?: unknown };
  if (typeof publicName === 'string' && publicName.trim() !== '') return publicName.trim().slice(0, 200);
  return new URL(walletAddress).host;
}
