import type { AuthSettings } from '../config';

/**
 * The absolute URL a client called on the grant listener, rebuilt from the configured public URL rather than from
 * Host / X-Forwarded-* headers: a signature's `@target-uri` must match what the client was told to call, and the
 * grant endpoint itself is exactly the wallet address's `authServer` (which may have no trailing slash).
 */
export function grantListenerUrl(settings: AuthSettings, requestTarget: string): string {
  return requestTarget === '/' ? settings.grantEndpointUrl : `${settings.grantBaseUrl}${requestTarget}`;
}

export function continueUri(settings: AuthSettings, continueId: string): string {
  return `${settings.grantBaseUrl}/continue/${encodeURIComponent(continueId)}`;
}

export function manageUri(settings: AuthSettings, manageId: string): string {
  return `${settings.grantBaseUrl}/token/${encodeURIComponent(manageId)}`;
}

/** `/interact/<id>/<nonce>` under the interaction listener's public URL, plus `suffix` (e.g. `/finish`). */
export function interactionUrl(settings: AuthSettings, id: string, nonce: string, suffix = ''): string {
  return `${settings.interactionBaseUrl}/interact/${encodeURIComponent(id)}/${encodeURIComponent(nonce)}${suffix}`;
}
