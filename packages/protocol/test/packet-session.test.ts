import { describe, expect, it } from 'vitest';
import { ChatMessage } from '../src/chat-message.js';
import { EchoMessage } from '../src/echo-message.js';
import { encodePacket } from '../src/packet.js';
import { PacketHandlerTable } from '../src/packet-handler-table.js';
import { PacketId } from '../src/packet-id.js';
import { ProtocolError } from '../src/protocol-error.js';
import { SocketlessPacketSession, type PacketHandler } from './socketless-packet-session.js';

const echoTable = new PacketHandlerTable<SocketlessPacketSession>().on(EchoMessage, (session, bytes) =>
  session.sendPacket(PacketId.Echo, bytes),
);
const dispatchToEchoTable: PacketHandler = (session, id, body) => echoTable.dispatch(session, id, body);
const echoPacket = (text: string) => encodePacket(PacketId.Echo, Buffer.from(text));

describe('PacketSession receive path', () => {
  it('hands every whole packet to onRecvPacket and leaves the partial tail unconsumed', () => {
    const session = new SocketlessPacketSession(dispatchToEchoTable);
    const buffer = Buffer.concat([echoPacket('a'), echoPacket('bc'), echoPacket('def').subarray(0, 5)]);
    expect(session.receive(buffer)).toBe(11);
    expect(session.sent).toEqual([echoPacket('a'), echoPacket('bc')]);
    expect(session.disconnectReason).toBeNull();
  });

  it('sendPacket sends header + body as one Buffer', () => {
    const session = new SocketlessPacketSession(() => {});
    session.sendPacket(PacketId.Chat, ChatMessage.encode('hi'));
    expect(session.sent).toEqual([Buffer.from([6, 0, 3, 0, 0x68, 0x69])]);
  });

  it('disconnects on a bad header after delivering the packets before it', () => {
    const session = new SocketlessPacketSession(dispatchToEchoTable);
    session.receive(Buffer.concat([echoPacket('ok'), Buffer.from([2, 0, 2, 0])]));
    expect(session.sent).toEqual([echoPacket('ok')]);
    expect(session.disconnectReason).toBe('local: protocol error: packet 2 declares size 2, smaller than its 4-byte header');
    expect(session.protocolErrors).toEqual([session.disconnectReason]);
  });

  it('disconnects on an oversized packet using its own maxPacketSize', () => {
    const session = new SocketlessPacketSession(dispatchToEchoTable, { maxPacketSize: 8 });
    session.receive(echoPacket('12345'));
    expect(session.disconnectReason).toBe('local: protocol error: packet 2 declares size 9, over the 8-byte maximum');
  });

  it('disconnects on an unknown id and delivers nothing after it', () => {
    const session = new SocketlessPacketSession(dispatchToEchoTable);
    session.receive(Buffer.concat([encodePacket(42, Buffer.alloc(0)), echoPacket('late')]));
    expect(session.sent).toEqual([]);
    expect(session.disconnectReason).toBe('local: protocol error: unknown packet id 42 (known: 2)');
    expect(session.protocolErrors).toHaveLength(1);
  });

  it('stops delivering once a handler disconnects, and does not count that as a protocol error', () => {
    const seen: string[] = [];
    const session = new SocketlessPacketSession((s, _id, body) => {
      seen.push(body.toString());
      s.disconnect('local: done');
    });
    session.receive(Buffer.concat([echoPacket('first'), echoPacket('second')]));
    expect(seen).toEqual(['first']);
    expect(session.disconnectReason).toBe('local: done');
    expect(session.protocolErrors).toEqual([]);
  });

  it('lets an error that is not a ProtocolError escape, for core to report as a bug', () => {
    const session = new SocketlessPacketSession(() => {
      throw new TypeError('handler bug');
    });
    expect(() => session.receive(echoPacket('x'))).toThrow('handler bug');
    expect(session.protocolErrors).toEqual([]);
  });

  it('turns a ProtocolError thrown by onRecvPacket into a disconnect', () => {
    const session = new SocketlessPacketSession(() => {
      throw new ProtocolError('Hello before login');
    });
    session.receive(echoPacket('x'));
    expect(session.disconnectReason).toBe('local: protocol error: Hello before login');
  });

  it('refuses an invalid maxPacketSize at construction', () => {
    expect(() => new SocketlessPacketSession(() => {}, { maxPacketSize: 2 })).toThrow(RangeError);
  });
});
