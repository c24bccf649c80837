/** Whether `value` is an absolute http(s) URL: what a peer's ILP-over-HTTP endpoint and auto-peering URL must be. */
export function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
