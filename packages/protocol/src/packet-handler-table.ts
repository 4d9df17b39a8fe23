import type { MessageCodec } from './message-codec.js';
import { ProtocolError } from './protocol-error.js';

type BodyHandler<S> = (session: S, body: Buffer) => void;

/** Routes packets by id to typed handlers (the lecture's PacketHandler table); unknown ids are refused. */
export class PacketHandlerTable<S> {
  private readonly handlers = new Map<number, BodyHandler<S>>();

  /** Registers `handler` for `codec.id`; the body is decoded before the handler sees it. */
  on<T>(codec: MessageCodec<T>, handler: (session: S, message: T) => void): this {
    if (this.handlers.has(codec.id)) throw new Error(`PacketHandlerTable: packet id ${codec.id} already has a handler`);
    this.handlers.set(codec.id, (session, body) => handler(session, codec.decode(body)));
    return this;
  }

  /** Decodes and handles one packet; throws a ProtocolError for an unknown id or a malformed body. */
  dispatch(session: S, id: number, body: Buffer): void {
    const handler = this.handlers.get(id);
    if (handler === undefined) {
      throw new ProtocolError(`unknown packet id ${id} (known: ${[...this.handlers.keys()].join(', ') || 'none'})`);
    }
    handler(session, body);
  }
}
