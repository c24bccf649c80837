// An operator's check of a webhook's Rafiki-Signature, written independently of the code that signs them: HMAC-SHA256
// of "<t>.<canonical JSON body>" with the webhook secret.
import { createHmac } from 'node:crypto';
import { canonicalJson } from '../packages/resource/src/webhooks/canonical-json';

export function isRafikiSigned(body: unknown, header: string | string[] | undefined, secret: string): boolean {
  const match = /^t=(\d+), v1=([0-9a-f]{64})$/.exec(String(header));
  if (!match) return false;
  const expected = createHmac('sha256', secret)
    .update(`${match[1]}.${canonicalJson(body)}`)
    .digest('hex');
  return expected === match[2];
}
