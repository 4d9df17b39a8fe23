import type { DisconnectReason } from '@overlapped/core';
import {
  ChatMessage, EchoMessage, HEADER_SIZE, HelloMessage, PacketHandlerTable, PacketId, PacketSession, encodePacket,
} from '@overlapped/protocol';
import type { ServerObserver } from './server-observer.js';

export interface PacketBehaviour {
  /** --echo: send every packet back to its sender. */
  echo: boolean;
  /** --chat: send every Chat packet to every connected client, the sender included. */
  chat: boolean;
  broadcast(packet: Buffer): void;
}

/** --protocol packet: reports each packet, echoes it with --echo, broadcasts Chat packets with --chat. */
export class GamePacketSession extends PacketSession {
  /**
   * The ids this server understands. Decoding is the validation: an unknown id, a Hello without its NUL or
   * a Chat that is not UTF-8 throws a ProtocolError, which drops this session only.
   */
  private static readonly handlers = new PacketHandlerTable<GamePacketSession>()
    .on(HelloMessage, () => {})
    .on(EchoMessage, () => {})
    .on(ChatMessage, (session, text) => session.onChat(text));

  private protocolError = false;

  constructor(
    private readonly observer: ServerObserver,
    private readonly behaviour: PacketBehaviour,
  ) {
    super();
  }

  protected override onConnected(): void {
    this.observer.connected(this.remote);
  }

  protected override onRecvPacket(id: number, body: Buffer): void {
    GamePacketSession.handlers.dispatch(this, id, body);
    this.observer.packet(id, HEADER_SIZE + body.length);
    if (this.behaviour.echo) this.sendPacket(id, body);
  }

  protected override onProtocolError(): void {
    this.protocolError = true;
  }

  protected override onDisconnected(reason: DisconnectReason): void {
    this.observer.disconnected(this.remote, reason, this.protocolError);
  }

  private onChat(text: string): void {
    // One encoded packet shared by every session's send queue.
    if (this.behaviour.chat) this.behaviour.broadcast(encodePacket(PacketId.Chat, ChatMessage.encode(text)));
  }
}
