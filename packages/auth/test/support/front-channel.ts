// The user's browser, reduced to what the interaction needs: GETs and form POSTs that do not follow redirects, and
// one cookie jar entry (the interaction session).
export interface PageResponse {
  status: number;
  location: string | undefined;
  setCookie: string[];
  text: string;
  headers: Headers;
}

export async function browse(
  url: string,
  options: { cookie?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<PageResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body,
    redirect: 'manual',
  });
  return {
    status: response.status,
    location: response.headers.get('location') ?? undefined,
    setCookie: response.headers.getSetCookie(),
    text: await response.text(),
    headers: response.headers,
  };
}

/** `name=value` of the first Set-Cookie, as a browser would send it back. */
export function cookieFrom(response: PageResponse): string {
  const cookie = response.setCookie[0];
  if (cookie === undefined) throw new Error(`no Set-Cookie in response ${response.status}`);
  return cookie.split(';')[0];
}

/** The value of a hidden form input in an HTML page. */
export function hiddenInput(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  if (!match) throw new Error(`no hidden input ${name}`);
  return match[1];
}

export function formAction(html: string): string {
  const match = /<form method="post" action="([^"]*)">/.exec(html);
  if (!match) throw new Error('no form');
  return match[1].replace(/&#38;/g, '&');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
