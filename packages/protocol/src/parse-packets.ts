import { HEADER_SIZE, MAX_ENCODABLE_PACKET_SIZE, readHeader } from './packet-header.js';
import type { Packet } from './packet.js';

export const DEFAULT_MAX_PACKET_SIZE = 4096;

export interface ParseResult {
  /** Every whole packet at the front of the buffer, in order; bodies are views into that buffer. */
  packets: Packet[];
  /** Bytes taken by `packets`; the partial tail after them waits for more data. */
  consumed: number;
  /** Why the stream cannot be framed any further; set only when a header is invalid. */
  error?: string;
}

/** Throws a RangeError unless `maxPacketSize` can hold a header and fits the u16 size field. */
export function checkMaxPacketSize(maxPacketSize: number): void {
  if (!Number.isInteger(maxPacketSize) || maxPacketSize < HEADER_SIZE || maxPacketSize > MAX_ENCODABLE_PACKET_SIZE) {
    throw new RangeError(
      `maxPacketSize must be an integer in ${HEADER_SIZE}..${MAX_ENCODABLE_PACKET_SIZE}, got ${maxPacketSize}`,
    );
  }
}

/**
 * Splits a byte stream into whole packets. Pure: the same bytes always give the same result, whatever
 * the receive boundaries were, because a partial packet (or a partial header) is simply left unconsumed.
 * A header is judged as soon as it is complete, so an oversized packet is refused before its body arrives.
 */
export function parsePackets(buffer: Buffer, maxPacketSize = DEFAULT_MAX_PACKET_SIZE): ParseResult {
  checkMaxPacketSize(maxPacketSize);
  const packets: Packet[] = [];
  let consumed = 0;
  while (buffer.length - consumed >= HEADER_SIZE) {
    const { size, id } = readHeader(buffer, consumed);
    if (size < HEADER_SIZE) {
      return { packets, consumed, error: `packet ${id} declares size ${size}, smaller than its ${HEADER_SIZE}-byte header` };
    }
    if (size > maxPacketSize) {
      return { packets, consumed, error: `packet ${id} declares size ${size}, over the ${maxPacketSize}-byte maximum` };
    }
    if (buffer.length - consumed < size) break;
    packets.push({ id, body: buffer.subarray(consumed + HEADER_SIZE, consumed + size) });
    consumed += size;
  }
  return { packets, consumed };
}
