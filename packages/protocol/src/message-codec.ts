import type { PacketId } from './packet-id.js';

/** How one message travels as a packet body. */
export interface MessageCodec<T> {
  readonly id: PacketId;
  encode(message: T): Buffer;
  /** Throws a ProtocolError when `body` is malformed. */
  decode(body: Buffer): T;
}
