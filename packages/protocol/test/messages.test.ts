import { describe, expect, it } from 'vitest';
import { ChatMessage } from '../src/chat-message.js';
import { EchoMessage } from '../src/echo-message.js';
import { HELLO_PAYLOAD_SIZE, HELLO_TEXT, HelloMessage } from '../src/hello-message.js';
import { PacketId } from '../src/packet-id.js';
import { ProtocolError } from '../src/protocol-error.js';

describe('HelloMessage', () => {
  it('is the lecture\'s char[100] = "Hello World": 100 bytes, zero-padded', () => {
    const payload = HelloMessage.encode();
    expect(HelloMessage.id).toBe(PacketId.Hello);
    expect(payload).toHaveLength(HELLO_PAYLOAD_SIZE);
    expect(payload.subarray(0, 11).toString()).toBe(HELLO_TEXT);
    expect(payload.subarray(11).every((byte) => byte === 0)).toBe(true);
    expect(HelloMessage.decode(payload)).toBe('Hello World');
  });

  it('takes another text and payload size', () => {
    const payload = HelloMessage.encode('Hello Server!', 14);
    expect(payload).toHaveLength(14);
    expect(HelloMessage.decode(payload)).toBe('Hello Server!');
  });

  it('refuses a text that leaves no room for the terminating NUL', () => {
    expect(() => HelloMessage.encode('x'.repeat(100))).toThrow(RangeError);
  });

  it('refuses a payload without a NUL or with invalid UTF-8 as a protocol error', () => {
    expect(() => HelloMessage.decode(Buffer.from('Hello'))).toThrow(ProtocolError);
    expect(() => HelloMessage.decode(Buffer.from([0xc3, 0x28, 0]))).toThrow('Hello text is not valid UTF-8');
  });
});

describe('EchoMessage', () => {
  it('carries opaque bytes unchanged', () => {
    const bytes = Buffer.from([0, 1, 0xff, 0x80]);
    expect(EchoMessage.id).toBe(PacketId.Echo);
    expect(EchoMessage.decode(EchoMessage.encode(bytes))).toEqual(bytes);
  });
});

describe('ChatMessage', () => {
  it('carries a UTF-8 string as the whole body', () => {
    expect(ChatMessage.id).toBe(PacketId.Chat);
    expect(ChatMessage.encode('안녕하세요')).toHaveLength(15);
    expect(ChatMessage.decode(ChatMessage.encode('안녕하세요'))).toBe('안녕하세요');
    expect(ChatMessage.decode(Buffer.alloc(0))).toBe('');
  });

  it('refuses invalid UTF-8 as a protocol error', () => {
    expect(() => ChatMessage.decode(Buffer.from([0xff]))).toThrow(new ProtocolError('Chat text is not valid UTF-8'));
  });
});
