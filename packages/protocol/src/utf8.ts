import { ProtocolError } from './protocol-error.js';

// fatal: a peer's invalid UTF-8 is a protocol error, not text to be patched with U+FFFD.
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

/** Decodes `bytes` as UTF-8; throws a ProtocolError naming `what` if they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new ProtocolError(`${what} is not valid UTF-8`);
  }
}
