import { Session, type DisconnectReason } from '@overlapped/core';
import { encodePacket } from './packet.js';
import { DEFAULT_MAX_PACKET_SIZE, checkMaxPacketSize, parsePackets } from './parse-packets.js';
import { ProtocolError } from './protocol-error.js';

export interface PacketSessionOptions {
  /** Largest accepted packet, header included (default 4096); keep it within the service's recvBufferSize. */
  maxPacketSize?: number;
}

/**
 * A Session that speaks in packets (the lecture's PacketSession): the byte stream is cut into whole packets,
 * and a peer that breaks the protocol is disconnected with the reason, leaving every other session untouched.
 */
export abstract class PacketSession extends Session {
  readonly maxPacketSize: number;

  constructor(options: PacketSessionOptions = {}) {
    super();
    this.maxPacketSize = options.maxPacketSize ?? DEFAULT_MAX_PACKET_SIZE;
    checkMaxPacketSize(this.maxPacketSize);
  }

  /** Sends header + body as one packet; `body` is copied, so it may be a view of a received packet. */
  sendPacket(id: number, body: Buffer): void {
    this.send(encodePacket(id, body));
  }

  /**
   * One whole packet. `body` is a view into the receive buffer, valid only during this call: copy it to keep it.
   * Throw a ProtocolError (or let a PacketHandlerTable or a decoder throw one) to drop a misbehaving peer.
   */
  protected abstract onRecvPacket(id: number, body: Buffer): void;

  /** Called with the disconnect reason just before a protocol violation disconnects this session (for stats). */
  protected onProtocolError(_reason: DisconnectReason): void {}

  protected override onRecv(buffer: Buffer): number {
    const { packets, consumed, error } = parsePackets(buffer, this.maxPacketSize);
    for (const { id, body } of packets) {
      this.deliver(id, body);
      // Core ignores the consumed count once the session is disconnected.
      if (!this.connected) return consumed;
    }
    if (error !== undefined) this.disconnectForProtocolError(error);
    return consumed;
  }

  private deliver(id: number, body: Buffer): void {
    try {
      this.onRecvPacket(id, body);
    } catch (thrown) {
      // Anything else is a bug in the handler: core reports it and disconnects.
      if (!(thrown instanceof ProtocolError)) throw thrown;
      this.disconnectForProtocolError(thrown.message);
    }
  }

  private disconnectForProtocolError(detail: string): void {
    // A handler may have disconnected already and then thrown: the session is dropped (and counted) once.
    if (!this.connected) return;
    const reason = `local: protocol error: ${detail}`;
    this.onProtocolError(reason);
    this.disconnect(reason);
  }
}
