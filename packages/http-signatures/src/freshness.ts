import { HttpSignatureError } from './errors';
import type { SignatureParams } from './signature-input';

export const DEFAULT_MAX_SKEW_SECONDS = 300;

/**
 * Replay bound: `created` may differ from our clock by at most `maxSkewSeconds` either way (clients' clocks run
 * ahead as well as behind), and an `expires` the signer set is honoured without slack.
 */
export function checkFreshness(params: SignatureParams, nowSeconds: number, maxSkewSeconds: number): void {
  if (params.created < nowSeconds - maxSkewSeconds) {
    throw new HttpSignatureError('signature_expired', `signature created ${nowSeconds - params.created} s ago`);
  }
  if (params.created > nowSeconds + maxSkewSeconds) {
    throw new HttpSignatureError(
      'signature_expired',
      `signature created ${params.created - nowSeconds} s in the future`,
    );
  }
  if (params.expires !== undefined && nowSeconds > params.expires) {
    throw new HttpSignatureError('signature_expired', 'signature expires parameter has passed');
  }
}
