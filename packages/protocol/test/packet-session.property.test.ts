import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChatMessage } from '../src/chat-message.js';
import { EchoMessage } from '../src/echo-message.js';
import { HelloMessage } from '../src/hello-message.js';
import { HEADER_SIZE } from '../src/packet-header.js';
import { PacketHandlerTable } from '../src/packet-handler-table.js';
import { SocketlessPacketSession } from './socketless-packet-session.js';
import { driveStream, splitAt } from './stream-driver.js';

const MAX_PACKET_SIZE = 64;

// Every message kind, so garbage reaches the unknown-id check and each decoder as well as the framer.
const table = new PacketHandlerTable<SocketlessPacketSession>()
  .on(HelloMessage, () => {})
  .on(EchoMessage, () => {})
  .on(ChatMessage, () => {});

const bytes = (maxLength: number) => fc.uint8Array({ maxLength }).map((array) => Buffer.from(array));
/**
 * A run of 0x00 (size 0) or 0xff (size 65535) bytes is an invalid header at every alignment, and it is long
 * enough to outlast any packet that garbage before it may have started: the framer must reach it and refuse it.
 */
const invalidRun = fc
  .constantFrom(0x00, 0xff)
  .map((byte) => Buffer.alloc(MAX_PACKET_SIZE + HEADER_SIZE, byte));

/** Feeds `stream` split at `cuts` the way RecvBuffer would, stopping once the session disconnects. */
function feed(stream: Buffer, cuts: number[]): SocketlessPacketSession {
  const session = new SocketlessPacketSession((s, id, body) => table.dispatch(s, id, body), {
    maxPacketSize: MAX_PACKET_SIZE,
  });
  driveStream(splitAt(stream, cuts), (buffer) => (session.connected ? session.receive(buffer) : 0));
  return session;
}

describe('PacketSession receive path (property)', () => {
  it('never throws on garbage, and ends either disconnected for a protocol error or waiting on a partial packet', () => {
    fc.assert(
      fc.property(bytes(512), fc.array(fc.nat(), { maxLength: 20 }), (garbage, cuts) => {
        const session = feed(garbage, cuts);
        if (session.disconnectReason === null) expect(session.protocolErrors).toEqual([]);
        else expect(session.protocolErrors).toEqual([session.disconnectReason]);
      }),
    );
  });

  it('always ends in exactly one protocol-error disconnect when garbage runs into an invalid header', () => {
    fc.assert(
      fc.property(bytes(512), invalidRun, fc.array(fc.nat(), { maxLength: 20 }), (garbage, run, cuts) => {
        const session = feed(Buffer.concat([garbage, run]), cuts);
        expect(session.disconnectReason).toMatch(/^local: protocol error: \S/);
        expect(session.protocolErrors).toEqual([session.disconnectReason]);
      }),
    );
  });
});
