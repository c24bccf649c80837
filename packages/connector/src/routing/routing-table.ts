// Longest-prefix routing over whole address segments: prefix `test.bob` matches `test.bob` and `test.bob.x`, never
// `test.bobby`. A lookup walks the destination's segments from the longest prefix to the shortest, so it costs one
// map lookup per segment whatever the table size.

export class RoutingTable<Target> {
  private readonly routes = new Map<string, Target>();

  set(prefix: string, target: Target): void {
    this.routes.set(prefix, target);
  }

  delete(prefix: string): boolean {
    return this.routes.delete(prefix);
  }

  get size(): number {
    return this.routes.size;
  }

  /** The route with the longest prefix of `destination`, with that prefix. */
  lookup(destination: string): { prefix: string; target: Target } | undefined {
    let end = destination.length;
    for (;;) {
      const prefix = end === destination.length ? destination : destination.slice(0, end);
      const target = this.routes.get(prefix);
      if (target !== undefined) return { prefix, target };
      end = destination.lastIndexOf('.', end - 1);
      if (end <= 0) return undefined;
    }
  }
}
