// Each wallet address is reached at a stable, readable ILP address under the connector's: `<ILP_ADDRESS>.<segment>`.
// The segment comes from the URL path (`/alice` → `alice`, `/shop/bob` → `shop_bob`), with every character that ILP
// addresses do not allow replaced, so that operators can read ILP traffic at a glance. It is always ONE address
// segment: STREAM tokens follow it, and a nested path must not look like another wallet address plus a token.

const ALLOWED = /[^a-zA-Z0-9_~-]/g;

/** The preferred segment for a wallet address path; `candidateSegments` adds suffixes when it is taken. */
export function ilpSegmentForPath(path: string): string {
  const parts = path
    .split('/')
    .filter((part) => part.length > 0)
    .map((part) => decodeURIComponent(part).replace(ALLOWED, '-'))
    .filter((part) => part.length > 0);
  const segment = parts.join('_');
  // Keep room below the 1023-character limit for the connector prefix and STREAM tokens.
  return (segment || 'wallet').slice(0, 200);
}

export function* candidateSegments(preferred: string): Generator<string> {
  yield preferred;
  for (let n = 2; ; n++) yield `${preferred}-${n}`;
}
