import { describe, expect, it } from 'vitest';
import { HEADER_SIZE, readHeader, writeHeader } from '../src/packet-header.js';
import { encodePacket } from '../src/packet.js';

describe('PacketHeader', () => {
  it('is size then id, both u16 little-endian, size counting the header', () => {
    const buf = Buffer.alloc(HEADER_SIZE);
    writeHeader(buf, { size: 0x1234, id: 0xabcd });
    expect([...buf]).toEqual([0x34, 0x12, 0xcd, 0xab]);
    expect(readHeader(buf)).toEqual({ size: 0x1234, id: 0xabcd });
  });

  it('reads and writes at an offset', () => {
    const buf = Buffer.alloc(3 + HEADER_SIZE, 0xff);
    writeHeader(buf, { size: 8, id: 2 }, 3);
    expect([...buf]).toEqual([0xff, 0xff, 0xff, 8, 0, 2, 0]);
    expect(readHeader(buf, 3)).toEqual({ size: 8, id: 2 });
  });

  it('refuses fields that do not fit in a u16', () => {
    expect(() => writeHeader(Buffer.alloc(HEADER_SIZE), { size: 0x10000, id: 1 })).toThrow(RangeError);
    expect(() => writeHeader(Buffer.alloc(HEADER_SIZE), { size: 4, id: -1 })).toThrow(RangeError);
  });
});

describe('encodePacket', () => {
  it('builds header + body in one Buffer, copying the body', () => {
    const body = Buffer.from('abc');
    const packet = encodePacket(3, body);
    body.fill(0);
    expect([...packet]).toEqual([7, 0, 3, 0, 0x61, 0x62, 0x63]);
  });

  it('encodes an empty body as a bare header', () => {
    expect([...encodePacket(1, Buffer.alloc(0))]).toEqual([4, 0, 1, 0]);
  });

  it('refuses a body whose packet size would overflow the u16 field', () => {
    expect(encodePacket(2, Buffer.alloc(0xffff - HEADER_SIZE)).length).toBe(0xffff);
    expect(() => encodePacket(2, Buffer.alloc(0xffff - HEADER_SIZE + 1))).toThrow(/does not fit in a u16/);
  });
});
