import type { MessageCodec } from './message-codec.js';
import { PacketId } from './packet-id.js';
import { decodeUtf8 } from './utf8.js';

/** A UTF-8 string filling the whole body (no terminator: the packet size bounds it). */
export const ChatMessage = {
  id: PacketId.Chat,
  encode: (text: string): Buffer => Buffer.from(text, 'utf8'),
  decode: (body: Buffer): string => decodeUtf8(body, 'Chat text'),
} satisfies MessageCodec<string>;
