/**
 * Fixed-size buffers carved out of shared slabs, reused from session to session. Every session holds a receive
 * buffer for as long as it lives; one allocation each would cost a backing store of its own per session and
 * memory the allocator cannot reuse at once. A buffer is handed back only after every operation that could
 * write into it has completed (a session is released only then), so reuse never races the kernel.
 */
export class BufferPool {
  /** Buffers per slab: large enough to amortise the slab, small enough not to overshoot a small server. */
  static readonly SLAB_BUFFERS = 64;

  private readonly free: Buffer[] = [];

  constructor(readonly bufferSize: number) {
    if (!Number.isInteger(bufferSize) || bufferSize <= 0) {
      throw new RangeError(`BufferPool: bufferSize must be a positive integer, got ${bufferSize}`);
    }
  }

  /** Buffers waiting in the pool to be taken. */
  get freeCount(): number {
    return this.free.length;
  }

  take(): Buffer {
    if (this.free.length === 0) this.addSlab();
    return this.free.pop()!;
  }

  give(buffer: Buffer): void {
    if (buffer.length !== this.bufferSize) {
      throw new RangeError(`BufferPool: a ${buffer.length}-byte buffer given back to a pool of ${this.bufferSize}`);
    }
    this.free.push(buffer);
  }

  private addSlab(): void {
    const slab = Buffer.allocUnsafeSlow(this.bufferSize * BufferPool.SLAB_BUFFERS);
    for (let i = BufferPool.SLAB_BUFFERS - 1; i >= 0; i--) {
      this.free.push(slab.subarray(i * this.bufferSize, (i + 1) * this.bufferSize));
    }
  }
}

/**
 * Receive buffers in size classes: a session starts small (most game messages are) and grows by doubling,
 * up to a maximum, only when a message does not fit (Session.received). 10,000 sessions then hold 10 MiB of
 * receive buffers, not what the largest message would need times 10,000.
 */
export class RecvBufferPools {
  static readonly INITIAL_SIZE = 1024;

  private readonly pools = new Map<number, BufferPool>();
  readonly initialSize: number;

  constructor(readonly maxSize: number) {
    if (!Number.isInteger(maxSize) || maxSize <= 0) {
      throw new RangeError(`RecvBufferPools: maxSize must be a positive integer, got ${maxSize}`);
    }
    this.initialSize = Math.min(RecvBufferPools.INITIAL_SIZE, maxSize);
  }

  take(size: number): Buffer {
    let pool = this.pools.get(size);
    if (pool === undefined) this.pools.set(size, (pool = new BufferPool(size)));
    return pool.take();
  }

  give(buffer: Buffer): void {
    this.pools.get(buffer.length)!.give(buffer);
  }

  /** The next size class after `size`, or 0 when `size` is the maximum already. */
  grownSize(size: number): number {
    return size >= this.maxSize ? 0 : Math.min(size * 2, this.maxSize);
  }
}
