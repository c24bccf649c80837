import type Koa from 'koa';
import { OpenPaymentsError } from '../open-payments-error';
import type { WalletAddress } from '../wallet-addresses/wallet-address-service';
import type { WalletAddressReceivers } from './wallet-address-receivers';

function decodeReceiptHeader(value: string, name: string, length: number): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== length || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    throw new OpenPaymentsError(400, 'invalid_request', `${name} must be ${length} bytes in base64`);
  }
  return bytes;
}

/**
 * SPSP (RFC 0009) on a wallet address URL: fresh STREAM credentials for every query, from the stateless receiver,
 * with receipts (RFC 0039) when a verifier passed Receipt-Nonce and Receipt-Secret.
 */
export function createSpspHandler(deps: { receivers: WalletAddressReceivers }) {
  return async (ctx: Koa.Context, walletAddress: WalletAddress): Promise<void> => {
    const nonce = ctx.get('receipt-nonce');
    const secret = ctx.get('receipt-secret');
    if (Boolean(nonce) !== Boolean(secret)) {
      throw new OpenPaymentsError(400, 'invalid_request', 'Receipt-Nonce and Receipt-Secret go together');
    }
    const receiptSetup =
      nonce && secret
        ? {
            nonce: decodeReceiptHeader(nonce, 'Receipt-Nonce', 16),
            secret: decodeReceiptHeader(secret, 'Receipt-Secret', 32),
          }
        : undefined;
    const credentials = deps.receivers.credentials(walletAddress, { kind: 'spsp' }, receiptSetup);
    ctx.set('Content-Type', 'application/spsp4+json');
    ctx.set('Cache-Control', 'no-cache, no-store');
    ctx.body = JSON.stringify({
      destination_account: credentials.ilpAddress,
      shared_secret: credentials.sharedSecret.toString('base64'),
      receipts_enabled: receiptSetup !== undefined,
    });
  };
}
