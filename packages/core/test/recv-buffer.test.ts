import { describe, expect, it } from 'vitest';
import { RecvBuffer } from '../src/recv-buffer.js';

function write(buffer: RecvBuffer, text: string): void {
  const space = buffer.writeSegment();
  const length = space.write(text);
  expect(buffer.onWrite(length)).toBe(true);
}

describe('RecvBuffer', () => {
  it('starts empty with all its capacity free', () => {
    const buffer = new RecvBuffer(16);
    expect(buffer.capacity).toBe(16);
    expect(buffer.dataSize).toBe(0);
    expect(buffer.freeSize).toBe(16);
    expect(buffer.readSegment().length).toBe(0);
    expect(buffer.writeSegment().length).toBe(16);
  });

  it('moves the write cursor on onWrite and the read cursor on onRead', () => {
    const buffer = new RecvBuffer(16);
    write(buffer, 'hello world');
    expect(buffer.dataSize).toBe(11);
    expect(buffer.freeSize).toBe(5);
    expect(buffer.readSegment().toString()).toBe('hello world');

    expect(buffer.onRead(6)).toBe(true);
    expect(buffer.dataSize).toBe(5);
    expect(buffer.freeSize).toBe(5);
    expect(buffer.readSegment().toString()).toBe('world');
  });

  it('rejects cursor moves out of range and leaves the cursors untouched', () => {
    const buffer = new RecvBuffer(8);
    write(buffer, 'abc');
    for (const n of [4, -1, 1.5, Number.NaN]) expect(buffer.onRead(n)).toBe(false);
    for (const n of [6, -1, 0.5]) expect(buffer.onWrite(n)).toBe(false);
    expect(buffer.dataSize).toBe(3);
    expect(buffer.freeSize).toBe(5);
    expect(buffer.onRead(0)).toBe(true);
    expect(buffer.onWrite(0)).toBe(true);
  });

  it('compacts unread bytes to the front on clean', () => {
    const buffer = new RecvBuffer(10);
    write(buffer, '0123456789');
    expect(buffer.freeSize).toBe(0);
    buffer.onRead(7);
    buffer.clean();
    expect(buffer.readSegment().toString()).toBe('789');
    expect(buffer.freeSize).toBe(7);
    write(buffer, 'abc');
    expect(buffer.readSegment().toString()).toBe('789abc');
  });

  it('rewinds both cursors on clean when everything was read', () => {
    const buffer = new RecvBuffer(10);
    write(buffer, 'abcdef');
    buffer.onRead(6);
    buffer.clean();
    expect(buffer.dataSize).toBe(0);
    expect(buffer.freeSize).toBe(10);
    expect(buffer.writeSegment().length).toBe(10);
  });

  it('keeps a buffer that is full of unread bytes full after clean', () => {
    const buffer = new RecvBuffer(4);
    write(buffer, 'abcd');
    buffer.clean();
    expect(buffer.freeSize).toBe(0);
    expect(buffer.writeSegment().length).toBe(0);
    expect(buffer.readSegment().toString()).toBe('abcd');
  });

  it('hands out views, not copies: a receive into writeSegment is read back by readSegment', () => {
    const buffer = new RecvBuffer(8);
    buffer.writeSegment().set([1, 2, 3]);
    buffer.onWrite(3);
    expect([...buffer.readSegment()]).toEqual([1, 2, 3]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RecvBuffer(0)).toThrow(RangeError);
    expect(() => new RecvBuffer(1.5)).toThrow(RangeError);
  });

  it('moves its unread bytes to new storage and receives there from then on', () => {
    const buffer = new RecvBuffer(8);
    write(buffer, 'abcdefgh');
    expect(buffer.onRead(3)).toBe(true);
    const bigger = Buffer.alloc(16);
    const previous = buffer.replaceStorage(bigger);
    expect(previous.length).toBe(8);
    expect(buffer.storage).toBe(bigger);
    expect(buffer.capacity).toBe(16);
    expect(buffer.readSegment().toString()).toBe('defgh');
    expect(buffer.freeSize).toBe(11);
    expect(() => buffer.replaceStorage(Buffer.alloc(2))).toThrow(RangeError);
  });
});
