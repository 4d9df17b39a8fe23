import { describe, expect, it } from 'vitest';
import { HEADER_SIZE } from '../src/packet-header.js';
import { encodePacket } from '../src/packet.js';
import { DEFAULT_MAX_PACKET_SIZE, parsePackets } from '../src/parse-packets.js';
import { driveStream, splitAt } from './stream-driver.js';

const packet = (id: number, body: string) => encodePacket(id, Buffer.from(body));
const header = (size: number, id: number) => Buffer.from([size & 0xff, size >> 8, id & 0xff, id >> 8]);
const summary = (buffer: Buffer, maxPacketSize?: number) => {
  const { packets, consumed, error } = parsePackets(buffer, maxPacketSize);
  return { packets: packets.map(({ id, body }) => [id, body.toString()]), consumed, error };
};

describe('parsePackets', () => {
  it.each([
    ['nothing', Buffer.alloc(0), [], 0],
    ['1 byte of a header', header(8, 1).subarray(0, 1), [], 0],
    ['3 bytes of a header', header(8, 1).subarray(0, 3), [], 0],
    ['a whole header without its body', header(8, 1), [], 0],
    ['a packet missing its last byte', packet(1, 'abcd').subarray(0, 7), [], 0],
    ['one packet exactly filling the buffer', packet(1, 'abcd'), [[1, 'abcd']], 8],
    ['a header-only packet', packet(2, ''), [[2, '']], 4],
    ['3 packets in one receive', Buffer.concat([packet(1, 'a'), packet(2, 'bb'), packet(3, 'ccc')]), [[1, 'a'], [2, 'bb'], [3, 'ccc']], 18],
    ['2 packets then 1 byte of a header', Buffer.concat([packet(1, 'a'), packet(2, 'bb'), Buffer.from([9])]), [[1, 'a'], [2, 'bb']], 11],
    ['a packet then half a packet', Buffer.concat([packet(1, 'a'), packet(2, 'bbbb').subarray(0, 6)]), [[1, 'a']], 5],
  ])('%s', (_name, buffer, packets, consumed) => {
    expect(summary(buffer)).toEqual({ packets, consumed, error: undefined });
  });

  it.each([
    ['a header split 1 + 3 bytes, then the body', [1, 4]],
    ['a header split 3 + 1 bytes, then the body', [3, 4]],
    ['a packet in single bytes', [1, 2, 3, 4, 5]],
  ])('joins %s', (_name, cuts) => {
    const received: string[] = [];
    const tail = driveStream(splitAt(packet(3, 'hi'), cuts), (buffer) => {
      const { packets, consumed } = parsePackets(buffer);
      received.push(...packets.map(({ body }) => body.toString()));
      return consumed;
    });
    expect(received).toEqual(['hi']);
    expect(tail).toHaveLength(0);
  });

  it('accepts a packet of exactly maxPacketSize and refuses one byte more', () => {
    const atMax = encodePacket(2, Buffer.alloc(DEFAULT_MAX_PACKET_SIZE - HEADER_SIZE, 0x41));
    expect(parsePackets(atMax).packets).toHaveLength(1);
    expect(parsePackets(atMax).consumed).toBe(DEFAULT_MAX_PACKET_SIZE);
    expect(summary(header(DEFAULT_MAX_PACKET_SIZE + 1, 2)).error).toBe(
      'packet 2 declares size 4097, over the 4096-byte maximum',
    );
  });

  it('refuses an oversized packet as soon as its header is complete', () => {
    expect(summary(header(5000, 2))).toEqual({ packets: [], consumed: 0, error: expect.stringContaining('over the') });
  });

  it.each([0, 1, 3])('refuses a declared size of %i (smaller than the header)', (size) => {
    expect(summary(header(size, 7)).error).toBe(`packet 7 declares size ${size}, smaller than its 4-byte header`);
  });

  it('keeps the packets before a bad header and stops there', () => {
    const buffer = Buffer.concat([packet(1, 'ok'), header(2, 9), packet(1, 'never')]);
    expect(summary(buffer)).toEqual({ packets: [[1, 'ok']], consumed: 6, error: expect.stringContaining('size 2') });
  });

  it('honours a configured maxPacketSize', () => {
    expect(summary(packet(1, 'abcd'), 8).packets).toEqual([[1, 'abcd']]);
    expect(summary(packet(1, 'abcde'), 8).error).toBe('packet 1 declares size 9, over the 8-byte maximum');
  });

  it.each([3, 0x10000, 4.5, Number.NaN])('refuses maxPacketSize %s', (maxPacketSize) => {
    expect(() => parsePackets(Buffer.alloc(0), maxPacketSize)).toThrow(RangeError);
  });

  it('returns bodies as views into the buffer, not copies', () => {
    const buffer = packet(2, 'xy');
    parsePackets(buffer).packets[0]!.body[0] = 0x5a;
    expect(buffer.toString('latin1', HEADER_SIZE)).toBe('Zy');
  });
});
