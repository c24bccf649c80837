// Loads per-item values of a page (e.g. each payment's liquidity) with one call for the whole page instead of one per
// item. GraphQL calls a field's resolver for every item of a list in one go; the keys asked for until then are
// gathered and loaded together once that pass is over. Values are remembered for the rest of the request.

/** `loadMany` answers a value per key it knows; a key it leaves out resolves to undefined. */
export type LoadMany<V> = (keys: string[]) => Promise<Map<string, V>>;

export function batchLoader<V>(loadMany: LoadMany<V>): (key: string) => Promise<V | undefined> {
  const loaded = new Map<string, Promise<V | undefined>>();
  let waiting: { key: string; resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[] = [];

  const flush = () => {
    const batch = waiting;
    waiting = [];
    Promise.resolve()
      .then(() => loadMany(batch.map((item) => item.key)))
      .then(
        (values) => batch.forEach((item) => item.resolve(values.get(item.key))),
        (error: unknown) => batch.forEach((item) => item.reject(error)),
      );
  };

  return (key) => {
    let value = loaded.get(key);
    if (!value) {
      value = new Promise<V | undefined>((resolve, reject) => {
        if (waiting.length === 0) setImmediate(flush);
        waiting.push({ key, resolve, reject });
      });
      loaded.set(key, value);
    }
    return value;
  };
}
