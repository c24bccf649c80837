// Flow control for the sender: how many packets may be in flight, how large each may be, and how long to wait after
// temporary failures. Additive increase on success, multiplicative decrease on T04, exponential backoff on any T.
import { MAX_UINT64 } from '@sluice/ilp';

export interface CongestionOptions {
  /** Upper bound of packets in flight (default 20). */
  maxInFlight?: number;
  /** First backoff after a temporary failure (default 50 ms); doubles per consecutive failure. */
  initialBackoffMs?: number;
  /** Longest backoff (default 10 s). */
  maxBackoffMs?: number;
}

export class CongestionController {
  /** Packets allowed in flight now. Starts at 1 and grows by one per fulfilled packet (slow start). */
  window = 1;
  /** Largest amount the path accepts, learned from F08 replies. */
  maxPacketAmount = MAX_UINT64;
  /** Amount we currently dare to put in one packet (≤ maxPacketAmount); T04 shrinks it, success restores it. */
  packetAmount = MAX_UINT64;
  private backoffMs: number;
  private readonly maxWindow: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(options: CongestionOptions = {}) {
    this.maxWindow = Math.max(1, options.maxInFlight ?? 20);
    this.initialBackoffMs = options.initialBackoffMs ?? 50;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.backoffMs = this.initialBackoffMs;
  }

  /** Largest amount for the next packet. */
  get nextPacketLimit(): bigint {
    return this.packetAmount < this.maxPacketAmount ? this.packetAmount : this.maxPacketAmount;
  }

  onFulfill(amount: bigint): void {
    this.window = Math.min(this.maxWindow, this.window + 1);
    this.backoffMs = this.initialBackoffMs;
    // A full-size packet got through: grow the packet size back toward the path maximum (+10 % of it, at least 1).
    if (amount >= this.packetAmount && this.packetAmount < this.maxPacketAmount) {
      const step = this.maxPacketAmount === MAX_UINT64 ? this.packetAmount : this.maxPacketAmount / 10n;
      const grown = this.packetAmount + (step > 0n ? step : 1n);
      this.packetAmount = grown < this.maxPacketAmount ? grown : this.maxPacketAmount;
    }
  }

  /** F08: the path told us its maximum, scaled back to our units by the caller. */
  onAmountTooLarge(newMaximum: bigint): void {
    if (newMaximum < this.maxPacketAmount) this.maxPacketAmount = newMaximum;
    if (this.packetAmount > this.maxPacketAmount) this.packetAmount = this.maxPacketAmount;
  }

  /** T04: a hop lacks liquidity for that much: smaller packets (−⅓, as ilp-protocol-stream) and fewer in flight. */
  onInsufficientLiquidity(amount: bigint): void {
    const base = amount < this.nextPacketLimit ? amount : this.nextPacketLimit;
    const reduced = base - base / 3n;
    this.packetAmount = reduced > 1n ? reduced : 1n;
    this.window = Math.max(1, Math.floor(this.window / 2));
  }

  /** Any temporary failure: how long to pause before sending again. Doubles until a packet is fulfilled. */
  nextBackoff(): number {
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.maxBackoffMs, this.backoffMs * 2);
    return delay;
  }
}
