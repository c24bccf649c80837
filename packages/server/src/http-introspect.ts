import type { IntrospectionRequest, IntrospectionResponse } from '@sluice/resource';

/** Token introspection over HTTP, for a resource service whose auth service runs in another process. */
export function createHttpIntrospect(url: string, timeoutMs = 5_000) {
  return async (request: IntrospectionRequest): Promise<IntrospectionResponse> => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new Error(`introspection answered ${response.status}`);
    return (await response.json()) as IntrospectionResponse;
  };
}
