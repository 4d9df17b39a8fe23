import type { MessageCodec } from './message-codec.js';
import { PacketId } from './packet-id.js';
import { ProtocolError } from './protocol-error.js';
import { decodeUtf8 } from './utf8.js';

/** The lecture's DummyClient sends `char sendBuffer[100] = "Hello World";`, all 100 bytes. */
export const HELLO_TEXT = 'Hello World';
export const HELLO_PAYLOAD_SIZE = 100;

/** A NUL-terminated UTF-8 string in a zero-padded fixed-size payload, like the C++ char array. */
export const HelloMessage = {
  id: PacketId.Hello,

  /** Throws a RangeError if `text` and its terminating NUL do not fit in `payloadSize` bytes. */
  encode(text: string = HELLO_TEXT, payloadSize: number = HELLO_PAYLOAD_SIZE): Buffer {
    const payload = Buffer.alloc(payloadSize);
    const textBytes = Buffer.from(text, 'utf8');
    if (textBytes.length >= payloadSize) {
      throw new RangeError(`Hello text of ${textBytes.length} bytes needs ${textBytes.length + 1}, payload is ${payloadSize}`);
    }
    textBytes.copy(payload);
    return payload;
  },

  decode(body: Buffer): string {
    const end = body.indexOf(0);
    if (end === -1) throw new ProtocolError(`Hello payload of ${body.length} bytes has no terminating NUL`);
    return decodeUtf8(body.subarray(0, end), 'Hello text');
  },
} satisfies MessageCodec<string>;
