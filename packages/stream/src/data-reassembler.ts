// Puts one stream's StreamData fragments back in offset order (RFC 0029 §5.3.11). Packets arrive out of order and
// senders resend fragments whose packet was rejected or lost, so fragments can come late, early or twice; the RFC
// forbids fragments with different bytes for the same offset, so any byte already delivered can simply be dropped.

interface Fragment {
  offset: bigint;
  data: Buffer;
}

export class DataReassembler {
  private next = 0n;
  private highest = 0n;
  /** Fragments that start beyond `next`, sorted by offset. */
  private readonly pending: Fragment[] = [];
  private pendingBytes = 0;

  /** Offset of the first byte not delivered yet (= bytes delivered in order so far). */
  get readOffset(): bigint {
    return this.next;
  }

  /** Highest end offset (offset + length) seen in any fragment: what flow control counts. */
  get highestOffset(): bigint {
    return this.highest;
  }

  /** Bytes held back until the gap before them is filled. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Adds a fragment; returns the bytes that are now contiguous after the previous ones (empty if none). */
  push(offset: bigint, data: Buffer): Buffer {
    const end = offset + BigInt(data.length);
    if (end > this.highest) this.highest = end;
    if (end <= this.next) return Buffer.alloc(0); // a duplicate of bytes already delivered
    if (offset > this.next) {
      this.hold({ offset, data });
      return Buffer.alloc(0);
    }
    const out = [data.subarray(Number(this.next - offset))];
    this.next = end;
    // Release held fragments the new bytes reach; drop the parts that were delivered already.
    while (this.pending.length > 0 && this.pending[0].offset <= this.next) {
      const fragment = this.pending.shift() as Fragment;
      this.pendingBytes -= fragment.data.length;
      const fragmentEnd = fragment.offset + BigInt(fragment.data.length);
      if (fragmentEnd <= this.next) continue;
      out.push(fragment.data.subarray(Number(this.next - fragment.offset)));
      this.next = fragmentEnd;
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }

  private hold(fragment: Fragment): void {
    // Binary search for the insertion point; a second fragment at the same offset keeps only the longer one.
    let low = 0;
    let high = this.pending.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.pending[middle].offset < fragment.offset) low = middle + 1;
      else high = middle;
    }
    const existing = this.pending[low];
    if (existing && existing.offset === fragment.offset) {
      if (existing.data.length >= fragment.data.length) return;
      this.pendingBytes -= existing.data.length;
      this.pending.splice(low, 1, fragment);
    } else {
      this.pending.splice(low, 0, fragment);
    }
    this.pendingBytes += fragment.data.length;
  }
}
