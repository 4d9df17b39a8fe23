import { describe, expect, it } from 'vitest';
import { BufferPool, RecvBufferPools } from '../src/buffer-pool.js';

describe('BufferPool', () => {
  it('hands out distinct buffers of its size, carved from shared slabs', () => {
    const pool = new BufferPool(1000);
    const a = pool.take();
    const b = pool.take();
    expect(a.length).toBe(1000);
    expect(b.length).toBe(1000);
    expect(a.buffer).toBe(b.buffer);
    a.fill(1);
    b.fill(2);
    expect(a.every((byte) => byte === 1)).toBe(true);
    expect(pool.freeCount).toBe(BufferPool.SLAB_BUFFERS - 2);
  });

  it('reuses what is given back before growing, and grows by a slab when empty', () => {
    const pool = new BufferPool(16);
    const taken = Array.from({ length: BufferPool.SLAB_BUFFERS }, () => pool.take());
    expect(pool.freeCount).toBe(0);
    pool.give(taken[5]!);
    expect(pool.take()).toBe(taken[5]);
    const fromNewSlab = pool.take();
    expect(fromNewSlab.buffer).not.toBe(taken[0]!.buffer);
    expect(pool.freeCount).toBe(BufferPool.SLAB_BUFFERS - 1);
  });

  it('refuses a buffer of another size and a size that is not a positive integer', () => {
    const pool = new BufferPool(16);
    expect(() => pool.give(Buffer.alloc(8))).toThrow(/8-byte buffer given back to a pool of 16/);
    expect(() => new BufferPool(0)).toThrow(RangeError);
    expect(() => new BufferPool(1.5)).toThrow(RangeError);
  });
});

describe('RecvBufferPools', () => {
  it('starts at 1 KiB (or the maximum, if smaller) and doubles up to the maximum', () => {
    const pools = new RecvBufferPools(5000);
    expect(pools.initialSize).toBe(1024);
    expect(pools.grownSize(1024)).toBe(2048);
    expect(pools.grownSize(4096)).toBe(5000);
    expect(pools.grownSize(5000)).toBe(0);
    expect(new RecvBufferPools(512).initialSize).toBe(512);
  });

  it('takes and gives back buffers by size class', () => {
    const pools = new RecvBufferPools(4096);
    const small = pools.take(1024);
    const large = pools.take(2048);
    expect([small.length, large.length]).toEqual([1024, 2048]);
    pools.give(large);
    expect(pools.take(2048)).toBe(large);
  });
});
