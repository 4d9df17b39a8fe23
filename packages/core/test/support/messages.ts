/**
 * Distinct, self-describing test messages: [u32 session][u32 index][u16 length][pattern...], the pattern
 * depending on all three so any reordering, loss or corruption changes the bytes.
 */
export const MESSAGE_HEADER = 10;

export function makeMessage(session: number, index: number, length: number): Buffer {
  const message = Buffer.allocUnsafe(length);
  message.writeUInt32LE(session, 0);
  message.writeUInt32LE(index, 4);
  message.writeUInt16LE(length, 8);
  for (let i = MESSAGE_HEADER; i < length; i++) message[i] = (session * 131 + index * 7 + i) & 0xff;
  return message;
}

/** Splits an echoed stream back into messages, checking each one's pattern. */
export function parseMessages(stream: Buffer, session: number): number[] {
  const indices: number[] = [];
  for (let offset = 0; offset < stream.length; ) {
    const index = stream.readUInt32LE(offset + 4);
    const length = stream.readUInt16LE(offset + 8);
    if (stream.readUInt32LE(offset) !== session) throw new Error(`message at ${offset} belongs to another session`);
    if (!makeMessage(session, index, length).equals(stream.subarray(offset, offset + length))) {
      throw new Error(`message ${index} of session ${session} is corrupt`);
    }
    indices.push(index);
    offset += length;
  }
  return indices;
}
