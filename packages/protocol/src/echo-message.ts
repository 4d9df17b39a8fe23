import type { MessageCodec } from './message-codec.js';
import { PacketId } from './packet-id.js';

/** Opaque bytes the server sends straight back. */
export const EchoMessage = {
  id: PacketId.Echo,
  encode: (bytes: Buffer): Buffer => bytes,
  decode: (body: Buffer): Buffer => body,
} satisfies MessageCodec<Buffer>;
