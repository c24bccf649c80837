import { isValidIlpAddress } from '@sluice/ilp';
import { urlToPaymentPointer, walletAddressUrlFrom } from './payment-pointer';
import type { WalletAddress, WalletAddressService } from './wallet-address-service';

export interface ResolvedAddress {
  walletAddress: WalletAddress;
  /** The wallet address URL. */
  url: string;
  /** `$host/path`, when the URL has a payment-pointer form (https, no port). */
  paymentPointer?: string;
  /** Where STREAM payments to this wallet address are routed: `<ILP_ADDRESS>.<segment>`. */
  ilpAddress: string;
}

/**
 * The one resolver between a wallet address's names: payment pointer, wallet address URL, and its ILP address (or any
 * ILP address below it, such as a STREAM connection address). Unknown names resolve to undefined.
 */
export function createAddressResolver(deps: { walletAddresses: WalletAddressService; ilpAddress: string }) {
  const prefix = `${deps.ilpAddress}.`;
  const describe = (walletAddress: WalletAddress): ResolvedAddress => ({
    walletAddress,
    url: walletAddress.url,
    paymentPointer: urlToPaymentPointer(walletAddress.url),
    ilpAddress: walletAddress.ilpAddress,
  });
  return {
    async resolve(name: string): Promise<ResolvedAddress | undefined> {
      const trimmed = name.trim();
      if (trimmed.startsWith(prefix) && isValidIlpAddress(trimmed)) {
        const segment = trimmed.slice(prefix.length).split('.', 1)[0];
        const walletAddress = await deps.walletAddresses.getByIlpSegment(segment);
        return walletAddress && describe(walletAddress);
      }
      let url: string;
      try {
        url = walletAddressUrlFrom(trimmed);
      } catch {
        return undefined;
      }
      const walletAddress = await deps.walletAddresses.getByUrl(url);
      return walletAddress && describe(walletAddress);
    },
  };
}

export type AddressResolver = ReturnType<typeof createAddressResolver>;
