/** Bytes in a packet header: `size` (u16 LE) then `id` (u16 LE). */
export const HEADER_SIZE = 4;

/** The largest size a u16 `size` field can express. */
export const MAX_ENCODABLE_PACKET_SIZE = 0xffff;

/** The lecture's PacketHeader: `size` counts the whole packet, header included. */
export interface PacketHeader {
  size: number;
  id: number;
}

/** Reads the header at `offset`; the caller checks that HEADER_SIZE bytes are there. */
export function readHeader(buf: Buffer, offset = 0): PacketHeader {
  return { size: buf.readUInt16LE(offset), id: buf.readUInt16LE(offset + 2) };
}

/** Writes `header` at `offset`; throws a RangeError if a field does not fit in a u16. */
export function writeHeader(buf: Buffer, header: PacketHeader, offset = 0): void {
  buf.writeUInt16LE(header.size, offset);
  buf.writeUInt16LE(header.id, offset + 2);
}
