// Group writes: rows submitted while the event loop handles one batch of I/O (several requests that arrived
// together) go to the database in one statement, paying one round trip and one commit between them instead of one
// each. A lone request waits for nothing extra: its batch is written on the same turn of the loop.

export interface WriteBatcherOptions {
  /** Rows per statement at most. */
  maxBatch?: number;
  /** Statements in flight at once; rows submitted meanwhile wait and go together in the next one. */
  maxInFlight?: number;
}

/**
 * Returns `submit(item)`, which resolves with `write`'s result for that item. `write` gets a batch and must answer
 * one result per item, in order, or throw; a batch that throws is written again one item at a time, so one bad item
 * fails alone and the others are not refused for it.
 */
export function createWriteBatcher<T, R>(
  write: (items: T[]) => Promise<R[]>,
  options: WriteBatcherOptions = {},
): (item: T) => Promise<R> {
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 4;
  let queue: { item: T; resolve(result: R): void; reject(error: unknown): void }[] = [];
  let scheduled = false;
  let inFlight = 0;

  const run = async (batch: typeof queue): Promise<void> => {
    try {
      const results = await write(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      await Promise.all(batch.map((entry) => run([entry])));
    }
  };

  const flush = (): void => {
    scheduled = false;
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      inFlight++;
      void run(batch).finally(() => {
        inFlight--;
        if (queue.length > 0 && !scheduled) flush();
      });
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled && inFlight < maxInFlight) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
