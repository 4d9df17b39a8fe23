import { describe, expect, it } from 'vitest';
import { ChatMessage } from '../src/chat-message.js';
import { HelloMessage } from '../src/hello-message.js';
import { PacketHandlerTable } from '../src/packet-handler-table.js';
import { PacketId } from '../src/packet-id.js';
import { ProtocolError } from '../src/protocol-error.js';

interface Log {
  lines: string[];
}

const table = new PacketHandlerTable<Log>()
  .on(HelloMessage, (log, text) => log.lines.push(`hello ${text}`))
  .on(ChatMessage, (log, text) => log.lines.push(`chat ${text}`));

describe('PacketHandlerTable', () => {
  it('decodes the body and calls the handler registered for the id', () => {
    const log: Log = { lines: [] };
    table.dispatch(log, PacketId.Hello, HelloMessage.encode());
    table.dispatch(log, PacketId.Chat, ChatMessage.encode('hi'));
    expect(log.lines).toEqual(['hello Hello World', 'chat hi']);
  });

  it('refuses an unknown id with a ProtocolError naming the known ones', () => {
    expect(() => table.dispatch({ lines: [] }, 99, Buffer.alloc(0))).toThrow(
      new ProtocolError('unknown packet id 99 (known: 1, 3)'),
    );
    expect(() => new PacketHandlerTable<Log>().dispatch({ lines: [] }, 1, Buffer.alloc(0))).toThrow(
      'unknown packet id 1 (known: none)',
    );
  });

  it('lets a malformed body\'s ProtocolError through without calling the handler', () => {
    const log: Log = { lines: [] };
    expect(() => table.dispatch(log, PacketId.Chat, Buffer.from([0xff]))).toThrow(ProtocolError);
    expect(log.lines).toEqual([]);
  });

  it('refuses a second handler for the same id', () => {
    expect(() => new PacketHandlerTable<Log>().on(ChatMessage, () => {}).on(ChatMessage, () => {})).toThrow(
      'packet id 3 already has a handler',
    );
  });
});
