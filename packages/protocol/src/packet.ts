import { HEADER_SIZE, MAX_ENCODABLE_PACKET_SIZE, writeHeader } from './packet-header.js';

/** One whole packet taken off the stream. */
export interface Packet {
  id: number;
  /** The bytes after the header. */
  body: Buffer;
}

/** Builds header + body as one Buffer (a copy: `body` may be reused as soon as this returns). */
export function encodePacket(id: number, body: Buffer): Buffer {
  const size = HEADER_SIZE + body.length;
  if (size > MAX_ENCODABLE_PACKET_SIZE) {
    throw new RangeError(`encodePacket: a ${body.length}-byte body does not fit in a u16 packet size`);
  }
  const packet = Buffer.allocUnsafe(size);
  writeHeader(packet, { size, id }, 0);
  body.copy(packet, HEADER_SIZE);
  return packet;
}
