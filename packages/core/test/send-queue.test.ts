import type { WSABUF } from '@overlapped/winsock-native';
import { describe, expect, it } from 'vitest';
import { SendQueue } from '../src/send-queue.js';

function batchText(batch: WSABUF[], count: number): string[] {
  return batch.slice(0, count).map((wsaBuf) => wsaBuf.buf.subarray(0, wsaBuf.len).toString());
}

describe('SendQueue', () => {
  it('gathers queued buffers in order into one batch', () => {
    const queue = new SendQueue();
    for (const text of ['ab', 'cde', 'f']) queue.push(Buffer.from(text));
    const batch: WSABUF[] = [];
    expect(queue.fillBatch(batch)).toBe(3);
    expect(batchText(batch, 3)).toEqual(['ab', 'cde', 'f']);
    expect(queue.queuedBytes).toBe(6);
  });

  it('re-issues the unsent rest of a partial completion first, then what was queued meanwhile', () => {
    const queue = new SendQueue();
    queue.push(Buffer.from('hello'));
    queue.push(Buffer.from('world'));
    const batch: WSABUF[] = [];
    queue.fillBatch(batch);
    queue.push(Buffer.from('!'));
    queue.acknowledge(7);
    expect(queue.isEmpty).toBe(false);
    expect(queue.queuedBytes).toBe(4);
    expect(queue.fillBatch(batch)).toBe(2);
    expect(batchText(batch, 2)).toEqual(['rld', '!']);
    queue.acknowledge(4);
    expect(queue.isEmpty).toBe(true);
    expect(queue.queuedBytes).toBe(0);
  });

  it('caps a batch at MAX_GATHER buffers and keeps the rest for the next one', () => {
    const queue = new SendQueue();
    const total = SendQueue.MAX_GATHER + 3;
    for (let i = 0; i < total; i++) queue.push(Buffer.from([i]));
    const batch: WSABUF[] = [];
    expect(queue.fillBatch(batch)).toBe(SendQueue.MAX_GATHER);
    queue.acknowledge(SendQueue.MAX_GATHER);
    expect(queue.fillBatch(batch)).toBe(3);
    expect(batch.slice(0, 3).map((wsaBuf) => wsaBuf.buf[0])).toEqual([total - 3, total - 2, total - 1]);
    expect(batch).toHaveLength(SendQueue.MAX_GATHER); // the rest of the last batch is left, not cut off
  });

  it('keeps order across the bulk drop of acknowledged entries in a long queue', () => {
    const queue = new SendQueue();
    const total = 3000;
    for (let i = 0; i < total; i++) queue.push(Buffer.from([i % 256]));
    const batch: WSABUF[] = [];
    let acknowledged = 0;
    while (acknowledged < 1600) { // past the point where the acknowledged head is dropped in bulk
      const count = queue.fillBatch(batch);
      expect(batch[0]!.buf[0]).toBe(acknowledged % 256);
      queue.acknowledge(count);
      acknowledged += count;
    }
    queue.push(Buffer.from([total % 256]));
    expect(queue.queuedBytes).toBe(total + 1 - acknowledged);
    const seen: number[] = [];
    while (!queue.isEmpty) {
      const count = queue.fillBatch(batch);
      for (let i = 0; i < count; i++) seen.push(batch[i]!.buf[0]!);
      queue.acknowledge(count);
    }
    expect(seen).toEqual(Array.from({ length: total + 1 - acknowledged }, (_, i) => (acknowledged + i) % 256));
  });

  it('reuses its WSABUF objects from batch to batch', () => {
    const queue = new SendQueue();
    queue.push(Buffer.from('a'));
    const batch: WSABUF[] = [];
    queue.fillBatch(batch);
    const first = batch[0];
    queue.acknowledge(1);
    queue.push(Buffer.from('b'));
    queue.fillBatch(batch);
    expect(batch[0]).toBe(first);
  });

  it('ignores empty buffers and forgets everything on clear', () => {
    const queue = new SendQueue();
    queue.push(Buffer.alloc(0));
    expect(queue.isEmpty).toBe(true);
    queue.push(Buffer.from('xyz'));
    queue.clear();
    expect(queue.isEmpty).toBe(true);
    expect(queue.queuedBytes).toBe(0);
  });
});
